"""A real server on eventlet, real python-socketio clients: reconnects, resyncs, exactly-once."""

import json
import urllib.request
import uuid

import pytest
import socketio


def join(server, code, name, authority):
    request = urllib.request.Request(f"{server.url}/api/join/{code}", method="POST",
                                     data=json.dumps({"name": name, "authority": authority}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as r:
        return json.loads(r.read())


class Phone:
    """A participant's client that keeps what it has not had acknowledged, like the phone page."""

    def __init__(self, server, joined):
        self.server, self.joined = server, joined
        self.sio = socketio.SimpleClient()
        self.outbox = []

    def connect(self):
        self.sio.connect(self.server.url, auth={"day": self.joined["day"], "role": "participant",
                                                "token": self.joined["token"]}, transports=["websocket"])
        name, snap = self.sio.receive(timeout=5)
        assert name == "snapshot"
        return snap

    def flush(self):
        acks = [self.sio.call("contribute", body, timeout=5) for body in self.outbox]
        self.outbox = [b for b, a in zip(self.outbox, acks) if not a["ok"]]
        return acks


@pytest.fixture
def day(live_server):
    return live_server.new_day()


def facilitator(server, day_info):
    sio = socketio.SimpleClient()
    day_id = join(server, day_info["code"], "probe", "observer")["day"]
    sio.connect(server.url, auth={"day": day_id, "role": "facilitator", "key": day_info["key"]},
                transports=["websocket"])
    assert sio.receive(timeout=5)[0] == "snapshot"
    return sio


def test_a_phone_reconnects_resyncs_and_its_resent_contribution_is_stored_once(live_server, day):
    fac = facilitator(live_server, day)
    assert fac.call("timer", {"action": "next"}, timeout=5) == {"ok": True}
    fac.receive(timeout=5)  # the clock broadcast

    phone = Phone(live_server, join(live_server, day["code"], "Pat", "Northshire"))
    phone.connect()
    body = {"id": str(uuid.uuid4()), "kind": "risk", "category": "Workforce", "text": "Agency staff"}
    phone.outbox.append(body)
    assert phone.flush()[0] == {"ok": True, "id": body["id"], "duplicate": False, "nudge": None, "held": None}

    # The ack was lost to the phone (say it slept): it still holds the contribution and sends it again.
    phone.sio.disconnect()
    assert fac.call("timer", {"action": "pause"}, timeout=5)["ok"]  # the room moves on meanwhile
    phone.outbox.append(body)
    snap = phone.connect()
    assert snap["clock"]["status"] == "paused"  # the snapshot on reconnect has what it missed
    assert phone.flush()[0]["duplicate"] is True

    state = fac.call("snapshot", timeout=5)["snapshot"]
    assert [r["text"] for r in state["contributions"]] == ["Agency staff"]
    broadcasts = []
    while True:
        try:
            broadcasts.append(fac.receive(timeout=0.5))
        except socketio.exceptions.TimeoutError:
            break
    changes = [name for name, data in broadcasts if "seq" in data]
    assert changes == ["contribution", "clock"]  # the repeat is not broadcast
    phone.sio.disconnect()
    fac.disconnect()


def test_a_server_restart_keeps_acknowledged_contributions_and_the_countdown(live_server, day):
    fac = facilitator(live_server, day)
    fac.call("timer", {"action": "start"}, timeout=5)
    phone = Phone(live_server, join(live_server, day["code"], "Eve", "Eastbridge"))
    phone.connect()
    fac.call("timer", {"action": "next"}, timeout=5)
    phone.outbox.append({"id": str(uuid.uuid4()), "kind": "risk", "category": "Budget", "text": "High-cost placements"})
    assert phone.flush()[0]["ok"]
    before = fac.call("snapshot", timeout=5)["snapshot"]["clock"]
    fac.disconnect()
    phone.sio.disconnect()

    live_server.stop()
    live_server.start()
    fac = facilitator(live_server, day)
    after = fac.call("snapshot", timeout=5)["snapshot"]
    assert after["clock"]["deadline_ms"] == before["deadline_ms"] and after["clock"]["index"] == before["index"]
    assert [r["text"] for r in after["contributions"]] == ["High-cost placements"]
    fac.disconnect()


def test_a_connection_from_another_origin_is_refused(live_server, day):
    joined = join(live_server, day["code"], "Mal", "Westvale")
    sio = socketio.SimpleClient()
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(live_server.url, headers={"Origin": "http://elsewhere.example"}, transports=["polling"],
                    auth={"day": joined["day"], "role": "participant", "token": joined["token"]})


def test_a_bad_credential_is_refused_over_the_network(live_server, day):
    joined = join(live_server, day["code"], "Mal", "Westvale")
    sio = socketio.SimpleClient()
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(live_server.url, auth={"day": joined["day"], "role": "facilitator", "key": "guess"},
                    transports=["websocket"])
