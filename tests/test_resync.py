"""A reconnecting screen is sent what changed since the seq it holds, and the hot path's
incremental queue agrees with one computed afresh from the whole day."""

import random
import uuid

import pytest

from facilitator.live import contributions as contrib
from facilitator.live import screens
from facilitator.web.realtime import socketio

from .support import AUTHORITIES

NORTH, EAST, WEST = AUTHORITIES


def add(sio, kind, text, **extra):
    ack = sio.emit("contribute", {"id": str(uuid.uuid4()), "kind": kind, "text": text, **extra}, callback=True)
    assert ack["ok"], ack
    return ack["id"]


def received(sio):
    return [(e["name"], e["args"][0]) for e in sio.get_received()]


def reconnect(room, participant, **auth):
    return socketio.test_client(room.app, auth={"day": room.day["id"], "role": "participant",
                                                "token": participant["token"], **auth})


@pytest.fixture
def session(room):
    fac = room.facilitator()
    assert fac.emit("timer", {"action": "next"}, callback=True) == {"ok": True}  # the presentation
    east = room.participant("Eve", EAST)
    return fac, east


def test_a_reconnect_with_a_recent_seq_gets_the_changes_not_the_snapshot(room, session):
    fac, east = session
    held = [m for n, m in received(east) if n == "snapshot"][0]
    first = add(east, "risk", "Agency reliance", category="Workforce")
    hidden = add(fac, "risk", "Caseloads", category="Workforce", authority=NORTH)
    assert fac.emit("moderate", {"id": hidden, "action": "hide"}, callback=True)["ok"]
    assert fac.emit("timer", {"action": "pause"}, callback=True)["ok"]

    again = reconnect(room, east.participant, seq=held["seq"])
    got = received(again)
    assert [n for n, _ in got] == ["changes"]
    changes = got[0][1]
    assert changes["since"] == held["seq"] and changes["seq"] == held["seq"] + 4
    assert [c["id"] for c in changes["contributions"]] == [first, hidden]
    assert changes["contributions"][0]["text"] == "Agency reliance"
    assert changes["contributions"][1] == {"id": hidden, "hidden": 1}  # the room never sees its text
    assert changes["clock"]["status"] == "paused"
    assert changes["me"]["mine"] == [first] and "agenda" not in changes and "participants" not in changes

    staff = socketio.test_client(room.app, auth={"day": room.day["id"], "role": "facilitator",
                                                 "key": room.day["facilitator_key"], "seq": held["seq"]})
    name, changes = received(staff)[0]
    assert name == "changes" and changes["contributions"][1]["text"] == "Caseloads"
    assert changes["participants"] == [{"name": "Eve", "authority": EAST}]


def test_a_screen_that_is_up_to_date_gets_an_empty_change(room, session):
    fac, east = session
    add(east, "risk", "Agency reliance", category="Workforce")
    seq = room.engine.store.day(room.day["id"])["seq"]
    name, changes = received(reconnect(room, east.participant, seq=seq))[0]
    assert name == "changes" and changes["contributions"] == [] and changes["seq"] == seq


@pytest.mark.parametrize("seq", [-1, 10_000, "3", 2.5, True, None, [1]])
def test_a_seq_the_day_never_had_gets_the_whole_snapshot(room, session, seq):
    fac, east = session
    auth = {} if seq is None else {"seq": seq}
    assert [n for n, _ in received(reconnect(room, east.participant, **auth))] == ["snapshot"]


def test_an_old_seq_gets_the_snapshot_when_too_much_has_changed(room, session, monkeypatch):
    monkeypatch.setattr(screens, "RESYNC_MAX", 3)
    fac, east = session
    for n in range(4):
        add(fac, "risk", f"Risk {n}", category="Workforce")
    day = room.engine.store.day(room.day["id"])
    assert [n for n, _ in received(reconnect(room, east.participant, seq=day["seq"] - 3))] == ["changes"]
    assert [n for n, _ in received(reconnect(room, east.participant, seq=day["seq"] - 4))] == ["snapshot"]


def test_the_snapshot_event_answers_with_the_changes_since_a_seq(room, session):
    fac, east = session
    seq = room.engine.store.day(room.day["id"])["seq"]
    added = add(fac, "risk", "Placement sufficiency", category="Workforce")
    ack = east.emit("snapshot", {"seq": seq}, callback=True)
    assert ack["ok"] and [c["id"] for c in ack["changes"]["contributions"]] == [added]
    whole = east.emit("snapshot", callback=True)
    assert whole["ok"] and added in [c["id"] for c in whole["snapshot"]["contributions"]]


def apply(snap, name, msg):
    """What live.js does with each event, to compare a followed snapshot with a fresh one."""
    if name == "snapshot":
        return msg
    if name == "participants" or msg["seq"] <= snap["seq"]:
        return snap
    assert msg["seq"] == snap["seq"] + 1 or name == "changes", (name, msg["seq"], snap["seq"])
    for c in msg["contributions"] if name == "changes" else [msg["contribution"]] if name == "contribution" else []:
        ids = [x["id"] for x in snap["contributions"]]
        if c["id"] in ids:
            i = ids.index(c["id"])
            snap["contributions"][i] = {**snap["contributions"][i], "hidden": 1} if "kind" not in c else c
        elif "kind" in c:
            snap["contributions"].append(c)
    snap["seq"] = msg["seq"]
    if "queue" in msg:  # a change that cannot move the queue leaves the one held
        snap["queue"] = msg["queue"]
    if "clock" in msg:
        snap["clock"] = msg["clock"]
    return snap


def test_after_many_changes_the_followed_queue_and_wall_match_a_fresh_computation(room, clock):
    """A day of questions, votes, asks, hides and merges over three sessions: every broadcast's
    queue equals the queue computed from all of the day's rows, and a screen that followed the
    broadcasts (or caught up by changes) holds what a fresh snapshot shows."""
    rng = random.Random(10)
    engine, store, day_id = room.engine, room.engine.store, room.day["id"]
    fac = room.facilitator()
    phones = [room.participant(f"P{n}", AUTHORITIES[n % 3]) for n in range(6)]
    followed = [m for n, m in received(fac) if n == "snapshot"][0]
    sleeper = phones[1]
    slept = [m for n, m in received(sleeper) if n == "snapshot"][0]
    sleeper.disconnect()
    ids = []
    script = engine.scripts["se-triad"]
    kinds = {k for k, v in script.kinds.items() if v.queue}
    awake = [p for p in phones if p is not sleeper]

    def act(sio, event, payload):
        nonlocal followed
        ack = sio.emit(event, payload, callback=True)
        for name, msg in received(fac):
            followed = apply(followed, name, msg)
        day = store.day(day_id)
        item = engine._script_items(day)[1][day["clock"]["index"]]
        visitors = [a for a in day["authorities"] if a != item.presenter]
        expected = contrib.queue(store.contributions(day_id), item.session, visitors, kinds)
        assert followed["seq"] == day["seq"] and followed["queue"] == {"session": item.session, **expected}
        return ack

    for step in range(60):
        if step % 12 == 0:
            act(fac, "timer", {"action": "next"})
        for p in rng.sample(awake, 2):
            ack = act(p, "contribute", {"id": str(uuid.uuid4()), "kind": "question", "text": f"What helps, {step}?"})
            ids += [ack["id"]] if ack["ok"] else []
        ack = act(fac, "contribute", {"id": str(uuid.uuid4()), "kind": "question", "text": f"How, {step}?",
                                      "authority": rng.choice(AUTHORITIES)})
        ids.append(ack["id"])
        clock.advance(1_000)
        act(rng.choice(awake), "vote", {"id": rng.choice(ids), "on": rng.random() < 0.8})
        act(fac, "moderate", {"id": rng.choice(ids), "action": rng.choice(["asked", "hide", "show", "star", "unasked"])})
        if step % 5 == 0 and len(ids) > 2:
            a, b = rng.sample(ids, 2)
            act(fac, "moderate", {"id": a, "action": "merge", "into": b})
        if step % 7 == 3:  # kinds the queue does not hold, and a question re-kinded out of it and back
            act(fac, "contribute", {"id": str(uuid.uuid4()), "kind": "risk", "category": "Workforce",
                                    "text": f"Agency staff, {step}", "authority": rng.choice(AUTHORITIES)})
            moved = rng.choice(ids)
            act(fac, "moderate", {"id": moved, "action": "edit", "kind": "insight"})
            act(fac, "moderate", {"id": moved, "action": "edit", "kind": "question"})
    assert len(ids) > 60
    fresh = engine.snapshot(day_id, {"role": "facilitator", "participant": None}, clock.now)
    for key in ("seq", "queue", "contributions"):
        assert followed[key] == fresh[key], key

    back = reconnect(room, sleeper.participant, seq=slept["seq"])
    (name, changes), = received(back)
    assert name == "changes"
    caught_up = apply(slept, name, changes)
    fresh = engine.snapshot(day_id, {"role": "participant", "participant": sleeper.participant}, clock.now)
    for key in ("seq", "queue", "contributions", "me"):
        assert caught_up.get(key) == fresh[key] if key != "me" else changes["me"] == fresh["me"], key


def test_the_kept_day_follows_its_own_writes_and_every_other_connections(tmp_path):
    """Each event reads its day from a kept copy: it must be the committed day, whoever wrote."""
    from facilitator.live.store import Store

    here, other = Store(tmp_path / "day.db"), Store(tmp_path / "day.db")  # e.g. two workers
    day = here.create_day("Kept", "2026-11-22", AUTHORITIES, "se-triad", {"index": 0, "status": "ready"}, None, 0)
    row = {"id": str(uuid.uuid4()), "kind": "risk", "text": "Agency staff", "author_id": None}
    assert here.day(day["id"])["seq"] == 0  # kept from here on
    _, seq = here.add_contribution(day["id"], row)
    assert here.day(day["id"])["seq"] == seq == 1
    # a repeated id is rolled back: the kept seq stays what was committed
    assert here.add_contribution(day["id"], row) == (here.contribution(row["id"]), None)
    assert here.day(day["id"])["seq"] == 1
    # a caller changing what it was given changes nothing kept
    given = here.day(day["id"])
    given["clock"]["index"] = 7
    given["authorities"].append("Elsewhere")
    assert here.day(day["id"])["clock"]["index"] == 0 and here.day(day["id"])["authorities"] == AUTHORITIES
    # another connection moves the clock and adds: seen at once
    other.save_clock(day["id"], {"index": 2, "status": "running"})
    other.add_contribution(day["id"], {**row, "id": str(uuid.uuid4())})
    seen = here.day(day["id"])
    assert (seen["seq"], seen["clock"]["index"]) == (3, 2)
    # and this one's own clock and spotlight changes
    here.save_clock(day["id"], {"index": 3, "status": "paused"})
    here.set_spotlight(day["id"], row["id"])
    seen = here.day(day["id"])
    assert (seen["seq"], seen["clock"]["status"], seen["spotlight"]) == (5, "paused", row["id"])
    assert other.day(day["id"]) == seen
