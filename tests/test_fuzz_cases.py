"""The hostile inputs found one by one, each pinned down: what is refused, what is cleaned, the
limits on joining and on a day's contributions, and the last-resort answer."""

from __future__ import annotations

import logging
import re
import uuid

import pytest

from facilitator.app import create_app
from facilitator.web.ratelimit import Buckets
from facilitator.web.realtime import socketio

from .support import AUTHORITIES, FakeClock, csrf_of

NORTH, EAST, WEST = AUTHORITIES


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def presenting(room):
    """The facilitator and a presenter, with the presentation running: risks can be added."""
    fac = room.facilitator()
    assert fac.emit("timer", {"action": "next"}, callback=True)["ok"]
    pat = room.participant("Pat", NORTH)
    return fac, pat


def risk(text, **extra):
    return {"id": new_id(), "kind": "risk", "category": "Workforce", "text": text, **extra}


@pytest.mark.parametrize("text", ["How \ud800?", "\udfff at the start", "cut emoji \ud83d"])
def test_a_lone_surrogate_is_replaced_and_the_text_kept(presenting, engine, text):
    fac, pat = presenting
    ack = pat.emit("contribute", risk(text), callback=True)
    assert ack["ok"], ack
    stored = engine.store.contribution(ack["id"])["text"]
    assert stored == re.sub("[\ud800-\udfff]", "\ufffd", text)
    edited = pat.emit("edit", {"id": ack["id"], "text": "Edited \ud800 again"}, callback=True)
    assert edited == {"ok": True}
    assert engine.store.contribution(ack["id"])["text"] == "Edited \ufffd again"


@pytest.mark.parametrize("text", ["\u200b", "\u200b\u200d\ufeff", " \u200b \t\n\u2060 ", "\u00ad", "\x00\x01"])
def test_text_of_only_invisible_characters_is_refused_as_empty(presenting, engine, day, text):
    fac, pat = presenting
    ack = pat.emit("contribute", risk(text), callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid" and "empty" in ack["error"]["message"]
    assert engine.store.contributions(day["id"]) == []


def test_joining_with_a_lone_surrogate_in_the_name_works_and_a_blank_name_is_refused(client, day, engine):
    response = client.post(f"/api/join/{day['join_code']}", json={"name": "Pat \ud800", "authority": NORTH})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert engine.store.participants(day["id"])[0]["name"] == "Pat \ufffd"
    response = client.post(f"/api/join/{day['join_code']}", json={"name": "\u200b\u200d", "authority": NORTH})
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid"


@pytest.mark.parametrize("body", ["[" * 2000 + "]" * 2000, '{"name": ' + "9" * 5000 + "}", '{"name": NaN}', "{"])
def test_join_api_refuses_json_it_cannot_read_with_a_400(client, day, body):
    response = client.post(f"/api/join/{day['join_code']}", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid"


@pytest.mark.parametrize("minutes", ["5" * 4096, "x" * 4096, [1] * 100, {"m": 5}, True, None])
def test_timer_minutes_of_the_wrong_type_are_refused_before_any_arithmetic(presenting, engine, day, minutes):
    fac, _ = presenting
    before = engine.store.day(day["id"])
    ack = fac.emit("timer", {"action": "extend", "minutes": minutes}, callback=True)
    assert ack == {"ok": False, "error": {"code": "invalid", "message": "minutes must be a number"}}
    assert engine.store.day(day["id"]) == before


@pytest.mark.parametrize("minutes", [0, -1, 61, 1e308, 10 ** 99])
def test_timer_minutes_out_of_range_are_refused(presenting, engine, day, minutes):
    fac, _ = presenting
    before = engine.store.day(day["id"])
    ack = fac.emit("timer", {"action": "extend", "minutes": minutes}, callback=True)
    assert ack["ok"] is False and "at most 60 minutes" in ack["error"]["message"]
    assert engine.store.day(day["id"]) == before


def test_minutes_sent_with_another_action_are_not_used(presenting):
    fac, _ = presenting
    assert fac.emit("timer", {"action": "pause", "minutes": "x" * 4096}, callback=True) == {"ok": True}


@pytest.mark.parametrize("kind", [[], {}, ["risk"], {"risk": 1}, 5, None])
def test_a_kind_that_is_not_text_is_refused_everywhere(presenting, engine, day, kind):
    fac, pat = presenting
    ack = pat.emit("contribute", {**risk("Turnover"), "kind": kind}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    mine = pat.emit("contribute", risk("Turnover"), callback=True)["id"]
    before = engine.store.contribution(mine)
    ack = fac.emit("moderate", {"id": mine, "action": "edit", "kind": kind}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert engine.store.contribution(mine) == before


@pytest.mark.parametrize("args", [(), ({}, {}), ({}, {}, {}), ("a", 1, None, [], {}, True)])
def test_an_event_with_the_wrong_number_of_arguments_is_answered(presenting, args):
    fac, pat = presenting
    for event in ("contribute", "vote", "edit", "reflect"):
        ack = pat.emit(event, *args, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid" and "payload" in ack["error"]["message"]
    for event in ("time", "snapshot"):
        ack = pat.emit(event, *args, callback=True)
        assert ack["ok"] is (args == ()), (event, args, ack)
    for event in ("end_day", "reflect"):  # the facilitator's count is checked before anything else
        ack = fac.emit(event, *args, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid" and "payload" in ack["error"]["message"]


def test_connect_sent_as_an_event_does_not_run_the_connect_handler_again(room, day, presenting):
    fac, pat = presenting
    pat.get_received()
    ack = pat.emit("connect", {"day": day["id"], "role": "facilitator", "key": day["facilitator_key"]},
                   callback=True)
    assert ack["ok"] is False and "already connected" in ack["error"]["message"]
    ack = pat.emit("connect", "x", {"day": day["id"], "role": "facilitator", "key": day["facilitator_key"]},
                   callback=True)
    assert ack["ok"] is False
    assert pat.get_received() == []  # no second snapshot
    # still a participant: a facilitator's event is refused
    assert pat.emit("timer", {"action": "start"}, callback=True)["error"]["code"] == "forbidden"
    assert pat.emit("disconnect", callback=True)["ok"] is False
    assert pat.is_connected() and pat.emit("time", callback=True)["ok"]


def test_an_unknown_event_is_answered(presenting):
    _, pat = presenting
    ack = pat.emit("delete_everything", {"all": True}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "unknown_event"


@pytest.mark.parametrize("auth", [
    "string", 5, [1], {"role": ["facilitator"]}, {"role": "facilitator", "key": "é"},
    {"role": "facilitator", "key": "\ud800"}, {"role": "facilitator", "key": 5}, {"role": "projector", "key": {}},
    {"role": "participant", "token": "\ud800"}, {"role": "participant", "token": ["t"]},
    {"role": "participant", "day": "\ud800"}, {"role": "facilitator", "day": ["x"]},
])
def test_malformed_auth_is_refused_not_raised(app, day, auth):
    if isinstance(auth, dict) and "day" not in auth:
        auth = {**auth, "day": day["id"]}
    assert not socketio.test_client(app, auth=auth).is_connected()


def test_an_unexpected_failure_is_answered_internal_and_logged_in_one_line(presenting, engine, monkeypatch, caplog):
    fac, pat = presenting

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(engine, "vote", broken)
    with caplog.at_level(logging.ERROR, logger="facilitator.sockets"):
        ack = pat.emit("vote", {"id": new_id(), "on": True}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "internal" and ack["error"]["message"]
    [record] = [r for r in caplog.records if r.name == "facilitator.sockets"]
    assert record.exc_info is None and "\n" not in record.getMessage()
    assert "RuntimeError: disk on fire second line" in record.getMessage()


def test_a_connection_that_fails_unexpectedly_is_refused_with_one_log_line(app, engine, day, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(engine, "snapshot", broken)
    with caplog.at_level(logging.WARNING, logger="facilitator.sockets"):
        sio = socketio.test_client(app, auth={"day": day["id"], "role": "facilitator", "key": day["facilitator_key"]})
    assert not sio.is_connected()
    [record] = [r for r in caplog.records if r.name == "facilitator.sockets"]
    assert record.exc_info is None and "RuntimeError: disk on fire" in record.getMessage()


# ---- limits


@pytest.fixture
def limited(tmp_path):
    clock = FakeClock()
    app = create_app({"DATABASE": str(tmp_path / "l.db"), "SECRET_KEY": "test", "NOW": clock, "TESTING": True,
                      "JOIN_ADDRESS_CAPACITY": 5, "JOIN_ADDRESS_PER_SECOND": 0.5,
                      "JOIN_DAY_CAPACITY": 8, "JOIN_DAY_PER_SECOND": 1.0,
                      "DAY_RATE_CAPACITY": 6, "DAY_RATE_PER_SECOND": 2.0})
    engine = app.extensions["facilitator"].engine
    day = engine.create_day("Limited", "2026-11-22", AUTHORITIES, "se-triad", None, clock.now)
    return app, engine, day, clock


def api_join(client, day, address="10.0.0.1"):
    return client.post(f"/api/join/{day['join_code']}", json={"name": "Pat", "authority": NORTH},
                       environ_base={"REMOTE_ADDR": address})


def test_joins_are_limited_per_address_then_allowed_again(limited):
    app, engine, day, clock = limited
    client = app.test_client()
    statuses = [api_join(client, day).status_code for _ in range(7)]
    assert statuses == [201] * 5 + [429] * 2
    refused = api_join(client, day)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"  # one join every 2 seconds
    assert refused.json["error"]["code"] == "rate_limited" and "this network" in refused.json["error"]["message"]
    assert len(engine.store.participants(day["id"])) == 5
    assert api_join(client, day, "10.0.0.2").status_code == 201  # another address is not held up
    clock.advance(seconds=2)  # one more join from the first address a couple of seconds later
    assert api_join(client, day).status_code == 201


def test_joins_are_limited_per_day_across_addresses(limited):
    app, engine, day, clock = limited
    client = app.test_client()
    statuses = [api_join(client, day, f"10.0.1.{n}").status_code for n in range(10)]
    assert statuses == [201] * 8 + [429] * 2
    assert "joining this day" in api_join(client, day, "10.0.2.1").json["error"]["message"]


def test_the_join_form_says_when_too_many_have_joined(limited):
    app, engine, day, clock = limited
    for n in range(6):
        client = app.test_client()  # a phone each, all from one address
        page = client.get(f"/join/{day['join_code']}").get_data(as_text=True)
        token = csrf_of(page)
        response = client.post(f"/join/{day['join_code']}", data={"csrf": token, "name": f"P{n}", "authority": EAST})
    assert response.status_code == 429
    assert "Many people have just joined from this network" in response.get_data(as_text=True)
    assert len(engine.store.participants(day["id"])) == 5


def test_the_days_contributions_are_limited_across_phones(limited):
    app, engine, day, clock = limited
    fac = socketio.test_client(app, auth={"day": day["id"], "role": "facilitator", "key": day["facilitator_key"]})
    assert fac.emit("timer", {"action": "next"}, callback=True)["ok"]
    phones = []
    for n in range(4):
        p = engine.join(day, f"P{n}", NORTH, clock.now)
        phones.append(socketio.test_client(app, auth={"day": day["id"], "role": "participant", "token": p["token"]}))
    acks = [phones[n % 4].emit("contribute", risk(f"Risk {n}"), callback=True) for n in range(9)]
    assert [a["ok"] for a in acks] == [True] * 6 + [False] * 3
    assert {a["error"]["code"] for a in acks[6:]} == {"rate_limited"}
    assert "wait a few seconds" in acks[6]["error"]["message"]
    assert len(engine.store.contributions(day["id"])) == 6
    assert fac.emit("contribute", {"id": new_id(), "kind": "question", "text": "Facilitator's own?"},
                    callback=True)["ok"]  # the facilitator is not held up by the room
    clock.advance(seconds=1)
    assert phones[0].emit("contribute", risk("Later"), callback=True)["ok"]


def test_buckets_forget_full_ones_when_there_are_very_many_keys(monkeypatch):
    from facilitator.web import ratelimit

    monkeypatch.setattr(ratelimit, "MAX_KEYS", 100)
    buckets = Buckets(capacity=2, per_second=1)
    for n in range(100):
        assert buckets.take(f"k{n}", 0)
    assert buckets.take("busy", 10)  # by now every bucket has refilled, so they are forgotten
    assert len(buckets._state) == 1
    assert buckets.wait_s("busy", 10) == 0 and buckets.take("busy", 10) and buckets.wait_s("busy", 10) == 1


# ---- the wire


@pytest.mark.parametrize("text, depth_ok", [
    ("[" * 32 + "]" * 32, True), ("[" * 33 + "]" * 33, False), ('{"a":' * 33 + "1" + "}" * 33, False),
    ('["' + "[" * 100 + '"]', True),  # brackets inside a string do not nest
    ('["\\"' + "[" * 100 + '"]', True),  # nor after an escaped quote
    ('["\\\\", ' + "[" * 31 + "]" * 31 + "]", True),  # an escaped backslash ends where it should
])
def test_bounded_json_counts_nesting_outside_strings(text, depth_ok):
    from facilitator.web.protocol import BoundedJSON

    if depth_ok:
        assert BoundedJSON.loads(text) is not None
    else:
        with pytest.raises(ValueError, match="nests more than 32 deep"):
            BoundedJSON.loads(text)


@pytest.mark.parametrize("text", [
    "9" * 101, "-" + "9" * 101, "[NaN]", "Infinity", '"' + '\\"' * 16_000, '"\\' * 16_000, '"' * 32_000, "\\" * 32_000,
    "x" * (600 * 1024),
])
def test_bounded_json_refuses_what_no_client_sends_with_a_value_error(text):
    from facilitator.web.protocol import BoundedJSON

    with pytest.raises(ValueError):
        BoundedJSON.loads(text)


def test_bounded_json_reads_what_clients_do_send():
    from facilitator.web.protocol import BoundedJSON

    payload = ["contribute", {"id": new_id(), "kind": "risk", "text": 'He said "no" \\ [twice] {ok}', "n": 10 ** 99}]
    assert BoundedJSON.loads(BoundedJSON.dumps(payload)) == payload
