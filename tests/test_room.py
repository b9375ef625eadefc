"""Ready for a real room, in plain Python: the address phones get, the projector's own key,
the spotlight, and a Back that leaves the step unfinished."""

from __future__ import annotations

import socket
import sqlite3
import subprocess

import pytest
import sqlite_utils
from click.testing import CliRunner

from facilitator.core import clock as c
from facilitator import cli as climod
from facilitator.core import network
from facilitator.cli import cli
from facilitator.serve import run
from facilitator.serve.lock import GROUP_ENV
from facilitator.web.realtime import socketio
from facilitator.core.migrations.live import migrations
from facilitator.live.store import Store

MIN = 60_000
PLANNED = [15 * MIN, 70 * MIN, 5 * MIN]


# ---- the address phones get


class FakeProbe:
    """A UDP socket whose connect() is answered as the kernel would on this laptop."""

    def __init__(self, address):
        self.address = address

    def __call__(self, *args):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def connect(self, target):
        if self.address is None:
            raise OSError(101, "Network is unreachable")

    def getsockname(self):
        return (self.address, 40000)


def test_phones_get_the_default_routes_address_even_when_the_host_name_is_loopback(monkeypatch):
    # a stock Debian laptop: the host name resolves to 127.0.1.1
    monkeypatch.setattr(network.socket, "getaddrinfo", lambda *a: [(2, 2, 17, "", ("127.0.1.1", 0))])
    monkeypatch.setattr(network.socket, "socket", FakeProbe("192.168.1.20"))
    monkeypatch.setattr(network, "interface_addresses", lambda: ["127.0.0.1", "192.168.1.20", "10.8.0.3"])
    reach = network.reach("0.0.0.0", 5000)
    assert reach.url == "http://192.168.1.20:5000"
    assert reach.others == ["http://10.8.0.3:5000"]
    assert not reach.loopback_only


def test_with_no_network_at_all_only_loopback_is_left_and_it_says_so(monkeypatch):
    monkeypatch.setattr(network.socket, "socket", FakeProbe(None))
    monkeypatch.setattr(network, "interface_addresses", lambda: ["127.0.0.1", "127.0.1.1"])
    reach = network.reach("0.0.0.0", 5000)
    assert reach.url == "http://127.0.0.1:5000" and reach.others == [] and reach.loopback_only


@pytest.mark.parametrize("address", ["localhost", "LOCALHOST", "127.0.0.1", "127.0.1.1", "127.255.0.9", "::1"])
def test_loopback_is_an_address_only_this_machine_can_reach(address):
    assert network.is_loopback(address) and not network.is_wildcard(address)


@pytest.mark.parametrize("address", ["0.0.0.0", "::", ""])
def test_listening_on_every_address_is_not_loopback(address):
    assert network.is_wildcard(address) and not network.is_loopback(address)
    assert network.phones_cannot_reach(address)


@pytest.mark.parametrize("address", ["192.168.1.20", "10.8.0.3", "fe80::1", "laptop.local", "128.0.0.1"])
def test_an_address_others_can_reach_is_neither(address):
    assert not network.is_loopback(address) and not network.is_wildcard(address)
    assert not network.phones_cannot_reach(address)


def test_listening_on_every_ipv6_address_finds_the_laptops_own(monkeypatch):
    monkeypatch.setattr(network, "default_route_address", lambda: "192.168.1.20")
    monkeypatch.setattr(network, "interface_addresses", lambda: ["127.0.0.1", "0.0.0.0", "192.168.1.20"])
    reach = network.reach("::", 5000)
    assert reach.url == "http://192.168.1.20:5000" and reach.others == [] and not reach.loopback_only


def test_the_default_route_address_is_the_one_the_kernel_would_use():
    """On this machine, compared with what `ip route get` says (no packet is sent by either)."""
    try:
        out = subprocess.run(["ip", "-4", "route", "get", network.PROBE[0]], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        pytest.skip("no ip command here")
    found = network.default_route_address()
    if out.returncode != 0:
        assert found is None
    else:
        src = out.stdout.split(" src ")[1].split()[0]
        assert found == (None if src.startswith("127.") else src)


def test_the_address_of_every_interface_is_listed():
    addresses = network.interface_addresses()
    assert "127.0.0.1" in addresses or any(a.startswith("127.") for a in addresses)
    for a in addresses:
        socket.inet_aton(a)


def serve(monkeypatch, tmp_path, *args):
    served = []
    real_app = climod._app
    monkeypatch.setattr(climod, "_app", lambda db, **config: real_app(db, **{**config, "ASYNC_MODE": "threading"}))
    # the listening and serving left out: what serve prints and the app it built
    monkeypatch.setattr(run, "listen", lambda host, port: None)
    monkeypatch.setattr(run, "run_eventlet", lambda app, listener, *rest: served.append((app, listener)))
    monkeypatch.delenv(GROUP_ENV, raising=False)  # the server lock's group, set by serve, goes with the test
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "s.db"), "--demo", *args])
    assert result.exit_code == 0, result.output
    return result.output, served[0][0]


def test_serve_warns_loudly_when_only_loopback_is_left(monkeypatch, tmp_path):
    monkeypatch.setattr(network, "default_route_address", lambda: None)
    monkeypatch.setattr(network, "interface_addresses", lambda: ["127.0.0.1"])
    out, app = serve(monkeypatch, tmp_path)
    assert "Phones join at:   http://127.0.0.1:5000/join" in out
    assert "WARNING: phones cannot reach http://127.0.0.1:5000" in out and "--public-url" in out
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5000"


def test_serve_prints_the_main_address_the_others_and_each_days_projector_link(monkeypatch, tmp_path):
    monkeypatch.setattr(network, "default_route_address", lambda: "192.168.1.20")
    monkeypatch.setattr(network, "interface_addresses", lambda: ["127.0.0.1", "192.168.1.20", "10.8.0.3"])
    out, app = serve(monkeypatch, tmp_path)
    assert "Phones join at:   http://192.168.1.20:5000/join" in out
    assert "Also reachable at http://10.8.0.3:5000/join" in out
    assert "WARNING" not in out
    assert "projector link http://localhost:5000/screen/" in out


def test_a_public_url_is_the_way_out(monkeypatch, tmp_path):
    monkeypatch.setattr(network, "default_route_address", lambda: None)
    monkeypatch.setattr(network, "interface_addresses", lambda: ["127.0.0.1"])
    out, app = serve(monkeypatch, tmp_path, "--public-url", "http://room.example:8080/")
    assert "Phones join at:   http://room.example:8080/join" in out and "WARNING" not in out
    assert app.config["PUBLIC_URL"] == "http://room.example:8080"


# ---- Back


def test_back_leaves_the_step_it_left_unfinished_and_next_ends_it():
    clock = c.apply(c.new(PLANNED), "start", PLANNED, 0)
    clock = c.apply(clock, "next", PLANNED, 10 * MIN)
    clock = c.apply(clock, "next", PLANNED, 20 * MIN)  # step two ended, once
    back = c.apply(clock, "back", PLANNED, 21 * MIN)
    assert back.index == 1
    assert "ended_ms" not in back.history[2]  # the step left by Back is not done
    assert back.history[2]["left_ms"] == 5 * MIN - MIN
    assert "ended_ms" in back.history[0]
    plan = c.schedule(back, PLANNED, 21 * MIN)
    assert plan["items"][2]["ended_ms"] is None
    forward = c.apply(back, "next", PLANNED, 22 * MIN)
    assert forward.history[1]["ended_ms"] == 22 * MIN


# ---- the projector's own key


def test_a_day_has_a_projector_key_of_its_own_and_older_days_get_one(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    migrations.apply(db, stop_before="m003_projector_key_and_spotlight")  # a database from before
    db.table("days").insert({"id": "d1", "title": "Old", "date": "2026-01-01", "script": "se-triad",
                             "authorities": "[]", "join_code": "AAAAAA", "facilitator_key": "f", "clock": "{}"})
    db.conn.close()
    store = Store(path)
    old = store.day("d1")
    assert old["projector_key"] and old["projector_key"] != old["facilitator_key"] and old["spotlight"] is None
    assert store.day_by_projector_key(old["projector_key"])["id"] == "d1"
    new = store.create_day("New", "2026-01-02", ["A"], "se-triad", {}, None, 0)
    assert new["projector_key"] not in (None, old["projector_key"], new["facilitator_key"])


def test_the_projector_link_opens_the_projector_and_nothing_else(client, app, day):
    other = app.test_client()
    assert other.get(f"/projector/{day['id']}").status_code == 403
    r = other.get(f"/screen/{day['projector_key']}")
    assert r.status_code == 302 and r.location.endswith(f"/projector/{day['id']}")
    assert other.get(f"/projector/{day['id']}").status_code == 200
    assert other.get(f"/console/{day['id']}").status_code == 403
    assert other.get(f"/console/{day['id']}/summary").status_code == 403
    assert other.get(f"/f/{day['projector_key']}").status_code == 404
    assert other.get("/screen/not-a-key").status_code == 404


def test_the_projector_key_never_allows_a_facilitators_action(app, day):
    refused = socketio.test_client(app, auth={"day": day["id"], "role": "facilitator", "key": day["projector_key"]})
    assert not refused.is_connected()
    screen = socketio.test_client(app, auth={"day": day["id"], "role": "projector", "key": day["projector_key"]})
    assert screen.is_connected()
    assert screen.get_received()[0]["name"] == "snapshot"
    for event, payload in (("timer", {"action": "start"}), ("spotlight", {"id": None}),
                           ("moderate", {"id": "x", "action": "hide"}), ("contribute", {"id": "x", "kind": "risk"})):
        ack = screen.emit(event, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", event


def test_the_console_shows_both_links(client, day):
    client.get(f"/f/{day['facilitator_key']}")
    page = client.get(f"/console/{day['id']}").get_data(as_text=True)
    assert f"/f/{day['facilitator_key']}" in page and f"/screen/{day['projector_key']}" in page
    assert "private" in page


def test_a_bare_join_asks_for_the_code_only(client, day):
    page = client.get("/join").get_data(as_text=True)
    assert 'name="code"' in page and "Set up a day" not in page and "Your days" not in page
    assert client.get("/join?code=" + day["join_code"].lower()).location.endswith(f"/join/{day['join_code']}")


# ---- the spotlight


def test_the_spotlight_is_the_facilitators_kept_with_the_day_and_checked(room, engine):
    fac = room.facilitator()
    phone = room.participant("Tom", "Eastbridge")
    assert fac.emit("timer", {"action": "next"}, callback=True)["ok"]
    ack = phone.emit("contribute", {"id": "11111111-1111-4111-8111-111111111111", "kind": "risk",
                                    "category": "Budget", "text": "Placement costs"}, callback=True)
    assert ack["ok"], ack
    assert phone.emit("spotlight", {"id": ack["id"]}, callback=True)["error"]["code"] == "forbidden"
    for bad in (None, {}, {"id": 5}, {"id": "nope"}, "x"):
        assert fac.emit("spotlight", bad, callback=True)["ok"] is False, bad
    fac.get_received()
    assert fac.emit("spotlight", {"id": ack["id"]}, callback=True) == {"ok": True}
    sent = [m for m in fac.get_received() if m["name"] == "spotlight"]
    assert sent and sent[0]["args"][0]["spotlight"] == ack["id"]
    # a projector that connects later finds it in the snapshot
    screen = room.projector()
    assert screen.get_received()[0]["args"][0]["spotlight"] == ack["id"]
    assert fac.emit("moderate", {"id": ack["id"], "action": "hide"}, callback=True)["ok"]
    assert fac.emit("spotlight", {"id": ack["id"]}, callback=True)["error"]["code"] == "not_now"
    assert fac.emit("spotlight", {"id": None}, callback=True) == {"ok": True}
    assert engine.snapshot(room.day["id"], {"role": "projector"}, 0)["spotlight"] is None
