"""The server `facilitator serve` runs: its stated capacity, its flag, the file-descriptor limit,
idle connections that cannot lock anyone out, and which websocket frames it compresses."""

import base64
import json
import os
import re
import resource
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import zlib

import pytest
import socketio
from click.testing import CliRunner

from facilitator.cli import cli

from .support import AUTHORITIES, LiveServer


class Serve(LiveServer):
    """`facilitator serve` with extra arguments and, if given, file-descriptor limits."""

    def __init__(self, tmp, *args, nofile=None):
        super().__init__(tmp)
        self.args, self.nofile = list(args), nofile

    def start(self):
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, self.nofile)) if self.nofile else None
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "facilitator", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--db", str(self.db), *self.args],
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env, preexec_fn=limit)
        deadline = time.monotonic() + 90  # a loaded machine can be slow to start it
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError((self.db.parent / "server.log").read_text())

    def output(self) -> str:
        self.log.flush()
        return (self.db.parent / "server.log").read_text()


@pytest.fixture
def serve(tmp_path):
    servers = []

    def start(*args, nofile=None):
        folder = tmp_path / str(len(servers))
        folder.mkdir()
        servers.append(Serve(folder, *args, nofile=nofile))
        return servers[-1].start()

    yield start
    for s in servers:
        s.close()


def soft_nofile(pid: int) -> int:
    with open(f"/proc/{pid}/limits") as f:
        line = next(x for x in f if x.startswith("Max open files"))
    return int(line.split()[3])


def test_serve_says_how_many_it_holds_and_raises_its_open_file_limit_to_match(serve):
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip("the hard open-file limit here is below what the test asks for")
    server = serve("--max-connections", "1100", nofile=(256, hard))
    assert "Holds up to:      1,100 connections at once (phones, consoles, projectors)\n" in server.output()
    assert soft_nofile(server.proc.pid) >= 1100


def test_a_hard_open_file_limit_is_named_at_start_up_with_what_to_do(serve):
    server = serve("--max-connections", "1000", nofile=(200, 200))
    line = next(x for x in server.output().splitlines() if "Holds up to" in x)
    assert re.search(r"Holds up to: +136 connections at once .*not the 1,000 asked for: the open-file limit is 200 "
                     r"\(raise it with `ulimit -n 1064`", line), line


def test_the_default_holds_two_thousand_phones_and_more(serve):
    server = serve()
    assert "Holds up to:      2,500 connections" in server.output()


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_a_bad_connection_cap_is_one_line_and_a_non_zero_exit(value):
    result = CliRunner().invoke(cli, ["serve", "--max-connections", value])
    assert result.exit_code == 2 and "--max-connections" in result.output and "Traceback" not in result.output


def join(url, code, name, authority):
    req = urllib.request.Request(f"{url}/api/join/{code}", method="POST",
                                 data=json.dumps({"name": name, "authority": authority}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def test_idle_connections_beyond_the_cap_do_not_lock_out_a_new_phone_or_the_facilitator(serve):
    server = serve("--max-connections", "30")
    day = server.new_day()
    first = join(server.url, day["code"], "Early", AUTHORITIES[1])
    early = socketio.SimpleClient()
    early.connect(server.url, auth={"day": first["day"], "role": "participant", "token": first["token"]},
                  transports=["websocket"])
    assert early.receive(timeout=10)[0] == "snapshot"

    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(45)]  # more than the cap
    try:
        with urllib.request.urlopen(server.url + "/healthz", timeout=10) as r:
            assert r.status == 200
        late = join(server.url, day["code"], "Late", AUTHORITIES[2])
        phone = socketio.SimpleClient()
        phone.connect(server.url, auth={"day": late["day"], "role": "participant", "token": late["token"]},
                      transports=["websocket"])
        assert phone.receive(timeout=10)[0] == "snapshot"
        fac = socketio.SimpleClient()
        fac.connect(server.url, auth={"day": late["day"], "role": "facilitator", "key": day["key"]},
                    transports=["websocket"])
        assert fac.receive(timeout=10)[0] == "snapshot"
        # the phone connected before the flood carries on
        assert early.call("time", timeout=10)["ok"]
        for sio in (phone, fac, early):
            sio.disconnect()
    finally:
        for s in idle:
            s.close()


def frames(sock):
    """Read websocket frames: (compressed?, payload)."""
    buf = b""

    def need(n):
        nonlocal buf
        while len(buf) < n:
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection"
            buf += chunk
        out, buf = buf[:n], buf[n:]
        return out

    while True:
        head = need(2)
        rsv1, length = bool(head[0] & 0x40), head[1] & 0x7F
        if length == 126:
            length = struct.unpack("!H", need(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", need(8))[0]
        yield rsv1, need(length)


def send_text(sock, text: str):
    data, mask = text.encode(), os.urandom(4)
    assert len(data) < 126
    sock.sendall(bytes([0x81, 0x80 | len(data)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))


def test_with_permessage_deflate_only_the_snapshot_is_compressed(serve):
    server = serve()
    day = server.new_day()
    me = join(server.url, day["code"], "Pat", AUTHORITIES[0])
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                  f"Origin: {server.url}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert b" 101 " in head.split(b"\r\n")[0]
    assert b"permessage-deflate" in head and b"server_no_context_takeover" in head
    received = frames(sock)
    compressed, opening = next(received)
    assert not compressed and opening.startswith(b"0{")  # small: sent as it is
    send_text(sock, "40" + json.dumps({"day": me["day"], "role": "participant", "token": me["token"]}))
    seen = []
    for compressed, payload in received:
        if compressed:
            payload = zlib.decompressobj(-15).decompress(payload + b"\x00\x00\xff\xff")
        seen.append((compressed, payload))
        if any(p.startswith(b"40") for _, p in seen) and any(p.startswith(b'42["snapshot"') for _, p in seen):
            break
    assert [c for c, p in seen if p.startswith(b"40")] == [False]
    (compressed, snapshot), = [(c, p) for c, p in seen if p.startswith(b'42["snapshot"')]
    assert compressed and len(snapshot) > 1024
    assert json.loads(snapshot[2:])[1]["me"]["name"] == "Pat"
    sock.close()
