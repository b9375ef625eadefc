"""Hostile clients against a real server: malformed `auth`, raw frames the protocol libraries
cannot read, floods of junk. Each is refused or answered; the server's log holds no traceback."""

from __future__ import annotations

import json
import random
import sqlite3
import urllib.error
import urllib.request

import pytest
import socketio
import websocket

FLOOD = 300  # raw junk frames on one connection, beyond the named cases


def _log(server) -> str:
    server.log.flush()
    return (server.db.parent / "server.log").read_text()


@pytest.fixture
def day(live_server):
    made = live_server.new_day()
    with sqlite3.connect(live_server.db) as conn:
        made["id"] = conn.execute("select id from days").fetchone()[0]
    return made


def _raw(server, auth: dict | None):
    """A WebSocket speaking Engine.IO by hand, connected to '/' with `auth` if one is given."""
    ws = websocket.create_connection(server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
                                     origin=server.url, timeout=30)
    assert ws.recv().startswith("0")  # the Engine.IO handshake
    if auth is not None:
        ws.send("40" + json.dumps(auth))
        first, second = sorted(ws.recv()[:13] for _ in range(2))  # the connect and the snapshot, either order
        assert first.startswith("40{") and second == '42["snapshot"', (first, second)
    return ws


def _ack(ws, ack_id: int) -> dict:
    """Read frames until the ack with this id; pings are answered on the way."""
    while True:
        frame = ws.recv()
        if frame == "2":
            ws.send("3")
        elif frame.startswith(f"43{ack_id}["):
            return json.loads(frame[len(f"43{ack_id}"):])[0]


def _answered_in_shape(ack) -> bool:
    return isinstance(ack, dict) and (ack.get("ok") is True or (
        ack.get("ok") is False and isinstance(ack.get("error"), dict)
        and isinstance(ack["error"].get("code"), str) and bool(ack["error"].get("message"))))


def test_malformed_auth_is_refused_with_a_message_and_no_traceback(live_server, day):
    good = {"day": day["id"], "role": "facilitator", "key": day["key"]}
    cases = [
        "a string", 5, [1, 2], [], True, {"role": ["facilitator"]}, {"role": {"x": 1}}, {"role": None},
        {**good, "key": "é" * 8}, {**good, "key": "\ud800"}, {**good, "key": 12345}, {**good, "key": ["k"]},
        {**good, "key": {"k": 1}}, {**good, "key": "k" * 5000}, {**good, "key": "a\x00b"},
        {**good, "day": "\ud800"}, {**good, "day": ["x"]}, {**good, "day": {"id": day["id"]}}, {**good, "day": 1e308},
        {"day": day["id"], "role": "participant", "token": "\ud800"},
        {"day": day["id"], "role": "participant", "token": {"t": 1}},
        {"day": day["id"], "role": "participant", "token": 10 ** 99},
        {"day": day["id"], "role": "participant", "token": "é"}, {"day": "x" * 10_000, "role": "participant"},
    ]
    refusals = []
    for auth in cases:
        client = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError) as refused:
            client.connect(live_server.url, auth=auth, transports=["websocket"], wait_timeout=10)
        refusals.append(str(refused.value))
        client.disconnect()
    assert all(r.strip() for r in refusals), refusals
    # the right credential still works after all that
    client = socketio.Client(reconnection=False)
    client.connect(live_server.url, auth=good, transports=["websocket"], wait_timeout=10)
    assert client.call("time", timeout=10)["ok"]
    client.disconnect()
    assert "Traceback" not in _log(live_server)


def test_raw_frames_the_libraries_cannot_read_log_one_line_and_no_traceback(live_server, day):
    auth = {"day": day["id"], "role": "facilitator", "key": day["key"]}
    ws = _raw(live_server, auth)
    # frames with an ack id are answered in the documented shape, however broken they are
    asked = {
        1: '421["time",' + "9" * 150 + "]",
        2: "422" + "[" * 1000 + "]" * 1000,
        3: '423["timer",{"action":"extend","minutes":"' + "5" * 4096 + '"}]',
        4: '424["moderate",{"id":"' + "0" * 36 + '","action":"edit","kind":[]}]',
        5: '425["connect",{"day":"x","role":"facilitator"}]',
        6: '426["contribute",{"id":"x"},{"extra":1}]',
        7: "427[[1]]",
        8: '428[{"a":1}]',
        9: '429["time",NaN]',
        10: '4210["snapshot",' + '{"a":' * 500 + "1" + "}" * 500 + "]",
        11: '4211["no such event"]',
        12: '4212["contribute",{"id":"' + "a" * 20_000 + '"}]',
    }
    try:
        for ack_id, frame in asked.items():
            ws.send(frame)
            assert _answered_in_shape(_ack(ws, ack_id)), frame[:60]
    except BaseException:
        ws.close()
        raise
    # frames without one are dropped
    named = ["x", "4", "40", "4" + "[" * 1000, "4" + "9" * 200, "4abc", "42" + "1" * 150 + '["time"]', "42{}", "42[]",
             '451-["time",{"_placeholder":true,"num":9}]', "46", "49", '42["disconnect"]', "6", "\u00ff\ud7ff"]
    rng = random.Random(7)
    alphabet = '0123456789[]{}",:-/ntrufalse\\u' + "é\u200b"
    flood = ["4" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(FLOOD)]
    for frame in named + flood:
        try:
            ws.send(frame)
        except (websocket.WebSocketException, OSError):
            ws.close()
            ws = _raw(live_server, auth)  # a frame that broke the WebSocket itself: carry on with a new one
    ws.close()  # it may have been dropped by a frame that is not Engine.IO at all: the server goes on
    ws = _raw(live_server, auth)
    try:
        ws.send('42100["time"]')
        assert _ack(ws, 100)["ok"] is True, "the server still answers after the junk"
    finally:
        ws.close()
    with urllib.request.urlopen(live_server.url + "/healthz", timeout=10) as r:
        assert r.status == 200
    log = _log(live_server)
    assert "Traceback" not in log, log[-3000:]
    dropped = [line for line in log.splitlines() if "dropped" in line]
    assert dropped and len(dropped) < len(asked) + len(named) + FLOOD  # throttled: not one line per frame


def test_junk_sent_before_connecting_is_dropped_quietly(live_server, day):
    ws = _raw(live_server, None)
    try:
        for frame in ['42["time"]', '421["contribute",{}]', "42[[1]]", '40"just a string"', "40[1]", "4" + "{" * 900]:
            ws.send(frame)
        ws.send('40{"day":"%s","role":"facilitator","key":"%s"}' % (day["id"], day["key"]))
        # the two refused connects are answered with their refusals, then this one is accepted
        frames = [ws.recv() for _ in range(3)]
        assert [f[:3] for f in frames[:2]] == ["44{", "44{"] and frames[2].startswith(("40{", '42["snapshot"')), frames
    finally:
        ws.close()
    assert "Traceback" not in _log(live_server)


def test_junk_over_long_polling_is_refused_without_a_traceback(live_server, day):
    base = live_server.url + "/socket.io/?EIO=4&transport=polling"
    with urllib.request.urlopen(base, timeout=30) as r:
        sid = json.loads(r.read().decode()[1:])["sid"]
    url = f"{base}&sid={sid}"
    auth = {"day": day["id"], "role": "facilitator", "key": day["key"]}
    bodies = ["40" + json.dumps(auth), "x", "", "4" + "[" * 1000, "42" + "1" * 150 + '["time"]', "\x1e\x1e\x1e",
              "4" + "{" * 900 + "\x1e" + "42[[1]]", "b!!!!", "bAAAA", '421["time",NaN]', "\udcff".encode("utf-8", "surrogatepass")]
    statuses = []
    for body in bodies:
        data = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
        request = urllib.request.Request(url, data=data, method="POST", headers={"Origin": live_server.url})
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                statuses.append(r.status)
        except urllib.error.HTTPError as e:
            statuses.append(e.code)
            e.close()
    assert all(s in (200, 400) for s in statuses), statuses
    with urllib.request.urlopen(live_server.url + "/healthz", timeout=30) as r:
        assert r.status == 200
    assert "Traceback" not in _log(live_server)
