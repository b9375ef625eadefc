"""The real-time API through Flask-SocketIO's test client: a whole session, and every refusal."""

import uuid

import pytest

from facilitator.app import create_app
from facilitator.web.realtime import socketio

from .support import AUTHORITIES, add, events, timer

NORTH, EAST, WEST = AUTHORITIES


@pytest.fixture
def people(room):
    fac = room.facilitator()
    presenter = room.participant("Pat", NORTH)
    east = room.participant("Eve", EAST)
    west = room.participant("Wes", WEST)
    for sio in (fac, presenter, east, west):
        sio.get_received()
    return fac, presenter, east, west


def test_connect_sends_a_snapshot_with_the_agenda_and_the_clock(room):
    presenter = room.participant("Pat", NORTH)
    snap = events(presenter, "snapshot")[0]
    assert snap["day"]["authorities"] == AUTHORITIES
    assert snap["agenda"][1]["title"] == "Presentation" and snap["agenda"][1]["presenter"] == NORTH
    assert snap["clock"]["status"] == "ready" and snap["clock"]["remaining_ms"] == 15 * 60_000
    assert snap["me"]["name"] == "Pat" and snap["me"]["authority"] == NORTH
    assert "participants" not in snap


@pytest.mark.parametrize("auth", [
    None, {}, {"role": "participant"}, {"day": "nope", "role": "facilitator"},
    {"role": "facilitator", "key": "guess"}, {"role": "projector"}, {"role": "participant", "token": "guess"},
    {"role": "admin"},
])
def test_connections_without_the_right_credential_are_refused(app, day, auth):
    if auth is not None and "role" in auth and "day" not in auth:
        auth = {**auth, "day": day["id"]}
    assert not socketio.test_client(app, auth=auth).is_connected()


def test_a_participant_token_for_another_day_is_refused(app, engine, day, clock):
    other = engine.create_day("Other", "2026-11-23", ["X", "Y", "Z"], "se-triad", None, clock.now)
    token = engine.join(other, "Ann", "X", clock.now)["token"]
    assert not socketio.test_client(app, auth={"day": day["id"], "role": "participant", "token": token}).is_connected()


def test_a_whole_session_from_presentation_to_reflection(room, people, clock):
    fac, presenter, east, west = people
    timer(fac, "start")
    timer(fac, "next")  # arrival -> presentation, running
    clock.advance(minutes=3)
    assert add(presenter, "risk", "Social worker turnover", category="Workforce")["ok"]
    timer(fac, "next")  # open questions
    assert add(east, "risk", "Members rarely hear from children", category="The broader political climate")["ok"]
    q1 = add(east, "question", "What helped the front door improve?")
    q2 = add(east, "question", "How do partners see the changes?")
    q3 = add(west, "question", "Is the budget agreed?")
    assert q3["nudge"] and "closed question" in q3["nudge"]
    assert q1["nudge"] is None

    state = fac.emit("snapshot", callback=True)["snapshot"]
    assert state["queue"]["turn"] == EAST
    assert state["queue"]["ids"] == [q1["id"], q3["id"], q2["id"]]
    risks = {r["text"]: r["origin"] for r in state["contributions"] if r["kind"] == "risk"}
    assert risks == {"Social worker turnover": "presenter", "Members rarely hear from children": "visitor"}

    assert fac.emit("moderate", {"id": q1["id"], "action": "asked"}, callback=True)["ok"]
    queue = events(west, "contribution")[-1]["queue"]
    assert queue["turn"] == WEST and queue["ids"] == [q3["id"], q2["id"]]

    timer(fac, "next")  # strengths
    for sio in (presenter, east, west):
        assert add(sio, "strength", f"Strong practice week, says {sio.participant['authority']}")["ok"]
    timer(fac, "next")  # balcony
    assert add(west, "insight", "The story is of structures more than children")["ok"]
    assert add(presenter, "insight", "We would like to speak")["error"]["code"] == "not_now"
    timer(fac, "next")  # reflection
    offer = add(presenter, "offer", "Our edge-of-care model")
    assert offer["ok"] and add(presenter, "ask", "Help with recruiting ASYEs")["ok"]
    assert add(east, "offer", "An offer that is not ours to make")["error"]["code"] == "not_now"
    assert fac.emit("moderate", {"id": offer["id"], "action": "star"}, callback=True)["ok"]

    final = fac.emit("snapshot", callback=True)["snapshot"]
    kinds = sorted(r["kind"] for r in final["contributions"])
    assert kinds == ["ask", "insight", "offer", "question", "question", "question", "risk", "risk",
                     "strength", "strength", "strength"]
    assert all(r["session"] == 0 and r["presenter"] == NORTH for r in final["contributions"])
    steps = {r["text"]: r["step"] for r in final["contributions"]}
    assert steps["Our edge-of-care model"] == "reflection" and steps["Social worker turnover"] == "presentation"
    assert next(r for r in final["contributions"] if r["id"] == offer["id"])["starred"] == 1
    assert final["clock"]["index"] == 5 and final["agenda"][5]["title"] == "Reflection"


def test_every_broadcast_carries_the_next_sequence_number(people):
    fac, presenter, east, west = people
    timer(fac, "start")
    timer(fac, "next")
    add(presenter, "risk", "One", category="Budget")
    timer(fac, "pause")
    seqs = [e["args"][0]["seq"] for e in east.get_received()]
    assert seqs == [1, 2, 3, 4]


def test_a_repeated_contribution_is_stored_once_and_not_broadcast_again(people, engine, day):
    fac, presenter, east, west = people
    timer(fac, "next")
    body = {"id": str(uuid.uuid4()), "kind": "risk", "text": "Budget", "category": "Budget"}
    first = presenter.emit("contribute", body, callback=True)
    again = presenter.emit("contribute", body, callback=True)
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    assert len(events(east, "contribution")) == 1
    assert [r["id"] for r in engine.store.contributions(day["id"])] == [body["id"]]


@pytest.mark.parametrize("event, payload", [
    ("timer", {"action": "next"}),
    ("timer", {"action": "start"}),
    ("moderate", {"id": "00000000-0000-0000-0000-000000000000", "action": "hide"}),
    ("end_day", {"confirm": True}),
])
def test_a_participant_cannot_do_what_only_the_facilitator_may(people, event, payload, engine, day):
    fac, presenter, east, west = people
    before = engine.store.day(day["id"])
    ack = east.emit(event, payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert engine.store.day(day["id"]) == before


def test_a_participant_can_edit_only_their_own_and_the_projector_cannot_write(room, people):
    fac, presenter, east, west = people
    timer(fac, "next")
    mine = add(east, "risk", "Budget pressure", category="Budget")
    assert east.emit("edit", {"id": mine["id"], "text": "Budget pressure in SEND"}, callback=True)["ok"]
    theirs = west.emit("edit", {"id": mine["id"], "text": "Hijacked"}, callback=True)
    assert theirs["error"]["code"] == "forbidden"
    projector = room.projector()
    assert projector.emit("contribute", {"id": str(uuid.uuid4()), "kind": "risk", "text": "x",
                                         "category": "Budget"}, callback=True)["error"]["code"] == "forbidden"
    assert projector.emit("timer", {"action": "next"}, callback=True)["error"]["code"] == "forbidden"
    text = [r["text"] for r in fac.emit("snapshot", callback=True)["snapshot"]["contributions"]]
    assert text == ["Budget pressure in SEND"]


def test_votes_count_once_per_participant_and_order_the_queue(people):
    fac, presenter, east, west = people
    for _ in range(2):
        timer(fac, "next")
    first = add(east, "question", "What first?")
    second = add(east, "question", "What second?")
    for sio in (presenter, west, west):
        assert sio.emit("vote", {"id": second["id"], "on": True}, callback=True)["ok"]
    state = presenter.emit("snapshot", callback=True)["snapshot"]
    assert state["queue"]["ids"] == [second["id"], first["id"]]
    assert {r["id"]: r["votes"] for r in state["contributions"]} == {first["id"]: 0, second["id"]: 2}
    assert state["me"]["votes"] == [second["id"]]
    assert west.emit("vote", {"id": second["id"], "on": "yes"}, callback=True)["error"]["code"] == "invalid"


def test_hidden_contributions_reach_the_room_as_a_tombstone_only(room, people):
    fac, presenter, east, west = people
    timer(fac, "next")
    projector = room.projector()
    projector.get_received()
    risk = add(east, "risk", "Something unkind", category="Budget")
    assert fac.emit("moderate", {"id": risk["id"], "action": "hide"}, callback=True)["ok"]
    assert events(projector, "contribution")[-1]["contribution"] == {"id": risk["id"], "hidden": 1}
    assert events(fac, "contribution")[-1]["contribution"]["text"] == "Something unkind"
    assert presenter.emit("snapshot", callback=True)["snapshot"]["contributions"] == []
    assert len(fac.emit("snapshot", callback=True)["snapshot"]["contributions"]) == 1


def test_the_facilitator_edits_recategorises_merges_and_adds(people):
    fac, presenter, east, west = people
    timer(fac, "next")
    a = add(east, "risk", "Turnover of heads of service", category="Workforce")
    b = add(west, "risk", "Heads of service keep leaving", category="Workforce")
    west.emit("vote", {"id": b["id"], "on": True}, callback=True)
    ok = fac.emit("moderate", {"id": a["id"], "action": "edit", "category": "Senior leadership turnover"},
                  callback=True)
    assert ok["ok"]
    bad = fac.emit("moderate", {"id": a["id"], "action": "edit", "category": "Weather"}, callback=True)
    assert bad["error"]["code"] == "invalid"
    b_fixed = fac.emit("moderate", {"id": b["id"], "action": "edit", "category": "Senior leadership turnover"},
                       callback=True)
    assert b_fixed["ok"]
    assert fac.emit("moderate", {"id": b["id"], "action": "merge", "into": a["id"]}, callback=True)["ok"]
    assert fac.emit("moderate", {"id": a["id"], "action": "merge", "into": a["id"]},
                    callback=True)["error"]["code"] == "invalid"
    learning = fac.emit("contribute", {"id": str(uuid.uuid4()), "kind": "learning", "text": "Listen first",
                                       "authority": WEST}, callback=True)
    assert learning["ok"]
    rows = {r["id"]: r for r in fac.emit("snapshot", callback=True)["snapshot"]["contributions"]}
    assert rows[a["id"]]["category"] == "Senior leadership turnover" and rows[a["id"]]["votes"] == 1
    assert rows[b["id"]]["merged_into"] == a["id"]
    assert rows[learning["id"]]["origin"] == "facilitator" and rows[learning["id"]]["author_authority"] == WEST


@pytest.mark.parametrize("payload, code", [
    (None, "invalid"), ("next", "invalid"), ({"action": "fly"}, "invalid"),
    ({"action": "extend", "minutes": "5"}, "invalid"), ({"action": "extend", "minutes": 0}, "not_now"),
    ({"action": "pause"}, "not_now"), ({"action": "back"}, "not_now"),
])
def test_bad_timer_commands_get_a_clear_error_and_change_nothing(people, engine, day, payload, code):
    fac = people[0]
    before = engine.store.day(day["id"])
    ack = fac.emit("timer", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code and ack["error"]["message"]
    assert engine.store.day(day["id"]) == before


@pytest.mark.parametrize("payload", [None, [], {"id": 5}, {"id": str(uuid.uuid4()), "action": "hide"},
                                     {"action": "explode"}])
def test_bad_moderation_is_refused(people, payload):
    ack = people[0].emit("moderate", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] in ("invalid", "not_found")


def test_a_flood_from_one_phone_is_rate_limited(people, clock):
    fac, presenter, east, west = people
    acks = [east.emit("time", callback=True) for _ in range(25)]
    assert [a["ok"] for a in acks].count(False) == 5
    assert acks[-1]["error"]["code"] == "rate_limited"
    clock.advance(seconds=5)
    assert east.emit("time", callback=True)["ok"]
    assert all(fac.emit("time", callback=True)["ok"] for _ in range(30))


def test_a_restarted_server_resumes_the_same_countdown(tmp_path, clock):
    config = {"DATABASE": str(tmp_path / "day.db"), "SECRET_KEY": "k", "NOW": clock}
    first = create_app(config)
    engine = first.extensions["facilitator"].engine
    day = engine.create_day("Restart", "2026-11-22", AUTHORITIES, "se-triad", None, clock.now)
    engine.timer(day["id"], {"action": "start"}, clock.now)
    engine.timer(day["id"], {"action": "next"}, clock.now)
    deadline = engine.snapshot(day["id"], {"role": "facilitator"}, clock.now)["clock"]["deadline_ms"]
    engine.store.db.conn.close()

    clock.advance(minutes=4)
    second = create_app(config)
    fac = socketio.test_client(second, auth={"day": day["id"], "role": "facilitator", "key": day["facilitator_key"]})
    snap = events(fac, "snapshot")[0]
    assert snap["clock"]["index"] == 1 and snap["clock"]["status"] == "running"
    assert snap["clock"]["deadline_ms"] == deadline
    assert deadline - snap["server_now"] == 11 * 60_000


def test_the_facilitator_hears_who_joins_and_the_room_does_not(room, client, day):
    fac = room.facilitator()
    projector = room.projector()
    for sio in (fac, projector):
        sio.get_received()
    response = client.post(f"/api/join/{day['join_code']}", json={"name": "Olu", "authority": "observer"})
    assert response.status_code == 201
    assert events(fac, "participants") == [{"participants": [{"name": "Olu", "authority": "observer"}]}]
    assert events(projector, "participants") == []


def test_authors_keep_their_own_hidden_contributions_in_a_snapshot(people):
    fac, presenter, east, west = people
    timer(fac, "next")
    risk = add(east, "risk", "Said in haste", category="Budget")
    fac.emit("moderate", {"id": risk["id"], "action": "hide"}, callback=True)
    mine = east.emit("snapshot", callback=True)["snapshot"]["contributions"]
    assert [(r["text"], r["hidden"]) for r in mine] == [("Said in haste", 1)]
    assert west.emit("snapshot", callback=True)["snapshot"]["contributions"] == []


def test_a_contribution_kept_offline_is_filed_under_the_step_it_was_written_in(people, clock):
    fac, presenter, east, west = people
    timer(fac, "next")
    timer(fac, "next")  # open questions, index 2
    written = {"id": str(uuid.uuid4()), "kind": "question", "text": "What next?", "item_index": 2}
    clock.advance(minutes=30)
    timer(fac, "next")  # strengths: the question arrives late, from a phone that was offline
    clock.advance(minutes=5)
    assert east.emit("contribute", written, callback=True)["ok"]
    stale = {**written, "id": str(uuid.uuid4())}
    clock.advance(minutes=11)  # the open questions ended sixteen minutes ago: too late for them
    assert east.emit("contribute", stale, callback=True)["error"]["code"] == "not_now"
    risk = {"id": str(uuid.uuid4()), "kind": "risk", "category": "Budget", "text": "Late risk", "item_index": 2}
    assert east.emit("contribute", risk, callback=True)["ok"]  # anytime kinds fall back to this step
    rows = {r["text"]: r["step"] for r in fac.emit("snapshot", callback=True)["snapshot"]["contributions"]}
    assert rows == {"What next?": "open-questions", "Late risk": "strengths"}
    bad = east.emit("contribute", {**written, "id": str(uuid.uuid4()), "item_index": "2"}, callback=True)
    assert bad["error"]["code"] == "invalid"
