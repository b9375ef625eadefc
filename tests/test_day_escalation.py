"""Escalation on a triad day: anyone raises a serious concern from a phone; the facilitator and the
authority it is about hear it at once, and no one else; it is recorded with a readable time and
the host's response, signed by both, names no person, and stays out of every open export."""

import json
import uuid
from datetime import datetime

import pytest

from facilitator.app import create_app
from facilitator.live import concerns
from facilitator.writeup import formats

from .support import AUTHORITIES, events, timer

NORTH, EAST, WEST = AUTHORITIES
SEEN = "A child's referral left unallocated for three weeks"


def concern(**extra):
    return {"id": str(uuid.uuid4()), "nature": "Unallocated referral with a safeguarding risk", "seen": SEEN,
            "immediate_action": "Raised with the DCS in the break", **extra}


@pytest.fixture
def presenting(room):
    """Northshire presents; a visitor from Eastbridge, a Northshire phone, Westvale and the projector watch."""
    fac, projector = room.facilitator(), room.projector()
    pat, eve, wes = (room.participant("Pat", NORTH), room.participant("Eve", EAST),
                     room.participant("Wes", WEST))
    timer(fac, "start")
    timer(fac, "next")
    for sio in (fac, projector, pat, eve, wes):
        sio.get_received()
    return fac, projector, pat, eve, wes


def test_a_visitor_raises_it_and_only_the_facilitator_and_the_host_hear_it(presenting, engine, day, clock):
    fac, projector, pat, eve, wes = presenting
    body = concern()
    ack = eve.emit("raise_concern", body, callback=True)
    assert ack == {"ok": True, "id": body["id"], "duplicate": False}
    (to_fac,), (to_host,) = events(fac, "concern"), events(pat, "concern")
    assert to_fac == to_host
    raised = to_fac["concern"]
    assert raised["authority"] == NORTH and raised["raised_by"] == EAST and raised["seen"] == SEEN
    at = datetime.fromtimestamp(clock.now / 1000)
    assert raised["raised_at"] == f"{at:%H:%M} on {at.day} {at:%B %Y}" and not raised["signed"]
    assert events(projector, "concern") == [] and events(wes, "concern") == [] and events(eve, "concern") == []
    stored = engine.store.concern(day["id"], body["id"])
    assert stored["nature"] == body["nature"] and stored["immediate_action"] == body["immediate_action"]


def test_it_names_authorities_never_people(presenting, engine, day):
    fac, projector, pat, eve, wes = presenting
    assert eve.emit("raise_concern", concern(), callback=True)["ok"]
    row = engine.store.concerns(day["id"])[0]
    names = {p["name"] for p in engine.store.participants(day["id"])}
    assert not names & {str(v) for v in row.values()} and eve.participant["id"] not in row.values()
    assert not any(name in json.dumps(engine.concerns_for(day["id"], {"role": "facilitator"})) for name in names)


def test_snapshots_show_it_to_the_facilitator_and_the_host_only(room, presenting, engine, day):
    fac, projector, pat, eve, wes = presenting
    assert wes.emit("raise_concern", concern(authority=EAST), callback=True)["ok"]
    assert [c["authority"] for c in fac.emit("snapshot", callback=True)["snapshot"]["concerns"]] == [EAST]
    assert len(room.participant("Ed", EAST).get_received()[0]["args"][0]["concerns"]) == 1
    assert pat.emit("snapshot", callback=True)["snapshot"]["concerns"] == []
    assert "concerns" not in projector.emit("snapshot", callback=True)["snapshot"]


def test_a_resent_concern_is_stored_once_and_not_heard_again(presenting, engine, day):
    fac, projector, pat, eve, wes = presenting
    body = concern()
    assert eve.emit("raise_concern", body, callback=True)["duplicate"] is False
    fac.get_received()
    assert eve.emit("raise_concern", body, callback=True)["duplicate"] is True
    assert events(fac, "concern") == [] and len(engine.store.concerns(day["id"])) == 1


@pytest.mark.parametrize("payload", [None, "help", {}, concern(nature=" "), concern(nature=5),
                                     concern(authority="Southby"), concern(seen="x" * 4001), concern(id="1")])
def test_bad_input_is_refused_with_a_clear_error_and_stores_nothing(presenting, engine, day, payload):
    fac, projector, pat, eve, wes = presenting
    ack = eve.emit("raise_concern", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid" and ack["error"]["message"]
    assert engine.store.concerns(day["id"]) == [] and events(fac, "concern") == []


def test_between_sessions_it_must_say_which_authority_it_is_about(room, engine, day):
    eve = room.participant("Eve", EAST)  # arrival: no one presents
    assert eve.emit("raise_concern", concern(), callback=True)["error"]["code"] == "invalid"
    assert eve.emit("raise_concern", concern(authority=WEST), callback=True)["ok"]


def test_the_host_and_the_facilitator_record_the_response_and_sign_it(presenting, engine, day, clock):
    fac, projector, pat, eve, wes = presenting
    body = concern()
    assert eve.emit("raise_concern", body, callback=True)["ok"]
    ref = {"id": body["id"]}
    assert pat.emit("sign_concern", ref, callback=True)["error"]["code"] == "not_now"  # no response yet
    answer = {**ref, "response": "The AD allocates it today and reviews every unallocated case by Friday."}
    assert pat.emit("answer_concern", answer, callback=True) == {"ok": True}
    clock.advance(minutes=2)
    fac.get_received()
    assert pat.emit("sign_concern", ref, callback=True) == {"ok": True}
    assert events(fac, "concern")[0]["concern"]["host_signed_ms"] == clock.now
    assert pat.emit("sign_concern", ref, callback=True)["error"]["code"] == "not_now"  # once
    assert fac.emit("sign_concern", ref, callback=True) == {"ok": True}
    record = engine.concerns_for(day["id"], {"role": "facilitator"})[0]
    assert record["signed"] and record["host_response"] == answer["response"] and record["facilitator_signed_at"]
    assert fac.emit("answer_concern", {**ref, "response": "Changed"}, callback=True)["error"]["code"] == "not_now"


def test_no_one_else_may_answer_or_sign_it(room, presenting, engine, day):
    fac, projector, pat, eve, wes = presenting
    body = concern()
    assert eve.emit("raise_concern", body, callback=True)["ok"]
    for sio in (eve, wes, room.participant("Obi", "observer")):
        assert sio.emit("answer_concern", {"id": body["id"], "response": "x"}, callback=True)["error"]["code"] == "forbidden"
        assert sio.emit("sign_concern", {"id": body["id"]}, callback=True)["error"]["code"] == "forbidden"
    for event in ("raise_concern", "answer_concern", "sign_concern"):
        assert projector.emit(event, concern(), callback=True)["error"]["code"] == "forbidden"
    assert fac.emit("sign_concern", {"id": str(uuid.uuid4())}, callback=True)["error"]["code"] == "not_found"
    assert engine.store.concern(day["id"], body["id"])["host_response"] == ""


def test_it_can_be_raised_after_the_day_ends(presenting, engine, day):
    fac, projector, pat, eve, wes = presenting
    assert fac.emit("end_day", {"confirm": True}, callback=True)["ok"]
    assert eve.emit("raise_concern", concern(authority=NORTH), callback=True)["ok"]


def test_it_is_in_no_open_export(client, presenting, engine, day):
    fac, projector, pat, eve, wes = presenting
    assert eve.emit("raise_concern", concern(), callback=True)["ok"]
    client.get(f"/f/{day['facilitator_key']}")
    for fmt in formats.FORMATS:
        response = client.get(f"/console/{day['id']}/export.{fmt}?anyway=1&download=1")
        assert response.status_code == 200, fmt
        assert SEEN.encode() not in response.data and b"Unallocated referral" not in response.data, fmt
    for page in (f"/console/{day['id']}/summary", f"/projector/{day['id']}"):
        assert SEEN not in client.get(page).get_data(as_text=True)


def test_it_is_on_disk_for_a_fresh_app(tmp_path, clock):
    config = {"DATABASE": str(tmp_path / "day.db"), "SECRET_KEY": "test", "NOW": clock, "TESTING": True}
    engine = create_app(config).extensions["facilitator"].engine
    day = engine.create_day("Day", "2026-11-22", AUTHORITIES, "se-triad", None, clock.now)
    body = concern(authority=WEST)
    engine.raise_concern(day["id"], EAST, body, clock.now)
    again = create_app(config).extensions["facilitator"].engine
    assert again.store.concern(day["id"], body["id"])["seen"] == SEEN


def test_readable_times():
    assert concerns.readable(None) == ""
    at = datetime(2026, 11, 22, 14, 5)
    assert concerns.readable(int(at.timestamp() * 1000)) == "14:05 on 22 November 2026"
