"""Ending the day: the facilitator closes it once, its clock stands still, phones add nothing more,
every screen hears it at once, and it stays ended across a restart."""

import uuid

import pytest

from facilitator.app import create_app
from facilitator.web.realtime import socketio

from .support import AUTHORITIES, FakeClock, add, events, timer
from .test_live import Phone, facilitator, join

NORTH, EAST, WEST = AUTHORITIES
END = {"confirm": True}


def _to_learning_points(fac, clock, engine, day):
    """Run the whole agenda to its last item, the learning points, and let it overrun."""
    timer(fac, "start")
    for _ in range(len(engine.snapshot(day["id"], {"role": "facilitator"}, clock.now)["agenda"]) - 1):
        clock.advance(minutes=5)
        timer(fac, "next")
    clock.advance(minutes=40)  # 30 minutes planned: ten over


def test_ending_stops_the_clock_where_it_stands_and_the_overrun_no_longer_grows(room, engine, day, clock):
    fac = room.facilitator()
    _to_learning_points(fac, clock, engine, day)
    assert fac.emit("end_day", END, callback=True) == {"ok": True, "already": False}
    ended = clock.now
    first = engine.snapshot(day["id"], {"role": "facilitator"}, clock.now)["clock"]
    clock.advance(minutes=120)
    later = engine.snapshot(day["id"], {"role": "facilitator"}, clock.now)["clock"]
    assert first["status"] == later["status"] == "ended" and later["ended_ms"] == ended
    assert later["remaining_ms"] == first["remaining_ms"] == -10 * 60_000 and later["deadline_ms"] is None
    assert later["late_ms"] == first["late_ms"] and later["projected_end_ms"] == ended
    assert later["items"][-1]["ended_ms"] == ended
    assert later["open_kinds"] == {"presenter": [], "visitor": [], "observer": []}


def test_every_screen_hears_the_day_end_at_once(room, engine, day, clock):
    fac, projector, pat = room.facilitator(), room.projector(), room.participant("Pat", NORTH)
    timer(fac, "start")
    for sio in (fac, projector, pat):
        sio.get_received()
    assert fac.emit("end_day", END, callback=True)["ok"]
    for sio in (fac, projector, pat):
        (change,) = events(sio, "clock")
        assert change["clock"]["status"] == "ended" and change["clock"]["ended_ms"] == clock.now
    assert events(room.participant("Eve", EAST), "snapshot")[0]["day"]["ended_ms"] == clock.now


def test_a_participant_cannot_end_the_day_and_the_facilitator_must_confirm(room, engine, day):
    fac, pat = room.facilitator(), room.participant("Pat", NORTH)
    assert pat.emit("end_day", END, callback=True)["error"]["code"] == "forbidden"
    assert room.projector().emit("end_day", END, callback=True)["error"]["code"] == "forbidden"
    for payload in ({}, {"confirm": "yes"}, {"confirm": 1}, [True], "end"):
        ack = fac.emit("end_day", payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", payload
    assert engine.store.day(day["id"])["ended_ms"] is None


def test_after_the_end_phones_add_edit_and_vote_no_more_and_the_clock_is_refused(room, engine, day, clock):
    fac, pat, eve = room.facilitator(), room.participant("Pat", NORTH), room.participant("Eve", EAST)
    timer(fac, "next")  # the presentation: Northshire may add risks
    mine = add(pat, "risk", "Agency staff", category="Workforce")["id"]
    assert fac.emit("end_day", END, callback=True)["ok"]
    before = engine.store.contributions(day["id"])
    refused = add(pat, "risk", "One more", category="Workforce")
    assert refused == {"ok": False, "error": {"code": "not_now",
                                              "message": "the day has ended: nothing more can be added"}}
    assert pat.emit("edit", {"id": mine, "text": "Changed"}, callback=True)["error"]["code"] == "not_now"
    assert eve.emit("vote", {"id": mine, "on": True}, callback=True)["error"]["code"] == "not_now"
    for action in ("start", "pause", "resume", "next", "back"):
        assert fac.emit("timer", {"action": action}, callback=True)["error"]["code"] == "not_now"
    assert engine.store.contributions(day["id"]) == before
    # the facilitator may still note what the write-up needs
    assert add(fac, "learning", "Peer challenge works best early in the year")["ok"]


def test_ending_an_ended_day_again_is_acknowledged_and_changes_nothing(room, engine, day, clock):
    fac = room.facilitator()
    assert fac.emit("end_day", END, callback=True)["ok"]
    seq = engine.store.day(day["id"])["seq"]
    clock.advance(minutes=5)
    fac.get_received()
    assert fac.emit("end_day", END, callback=True) == {"ok": True, "already": True}
    assert engine.store.day(day["id"])["seq"] == seq and events(fac, "clock") == []


def test_the_ended_day_is_on_disk_for_a_fresh_app(tmp_path):
    clock = FakeClock()
    config = {"DATABASE": str(tmp_path / "day.db"), "SECRET_KEY": "test", "NOW": clock, "TESTING": True}
    app = create_app(config)
    engine = app.extensions["facilitator"].engine
    day = engine.create_day("Day", "2026-11-22", AUTHORITIES, "se-triad", None, clock.now)
    fac = socketio.test_client(app, auth={"day": day["id"], "role": "facilitator", "key": day["facilitator_key"]})
    assert fac.emit("end_day", END, callback=True)["ok"]
    fac.disconnect()

    again = create_app(config).extensions["facilitator"].engine
    assert again.store.day(day["id"])["ended_ms"] == clock.now
    assert again.snapshot(day["id"], {"role": "projector"}, clock.now)["clock"]["status"] == "ended"


def _until(sio, name):
    """The next event of that name a real client receives, whatever comes before it."""
    while True:
        got, data = sio.receive(timeout=5)
        if got == name:
            return data


def test_over_the_network_phones_hear_it_live_and_after_a_restart(live_server):
    info = live_server.new_day()
    fac = facilitator(live_server, info)
    phone = Phone(live_server, join(live_server, info["code"], "Pat", "Northshire"))
    phone.connect()
    assert fac.call("end_day", END, timeout=5) == {"ok": True, "already": False}
    assert _until(phone.sio, "clock")["clock"]["status"] == "ended"
    fac.disconnect()
    phone.sio.disconnect()

    live_server.stop()
    live_server.start()
    snap = phone.connect()
    assert snap["clock"]["status"] == "ended" and snap["day"]["ended_ms"]
    ack = phone.sio.call("contribute", {"id": str(uuid.uuid4()), "kind": "learning", "text": "More"}, timeout=5)
    assert ack["error"]["code"] == "not_now" and "ended" in ack["error"]["message"]
    phone.sio.disconnect()


@pytest.mark.parametrize("payload", [None, 5, {"confirm": None}, {"confirm": [True]}])
def test_junk_sent_to_end_the_day_is_refused_with_a_clear_error(room, engine, day, payload):
    fac = room.facilitator()
    ack = fac.emit("end_day", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid" and "confirm" in ack["error"]["message"]
    assert engine.store.day(day["id"])["ended_ms"] is None

