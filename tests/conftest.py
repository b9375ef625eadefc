"""Fixtures: an app on a fresh database with a day set up, and a real server on a free port."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from facilitator.app import create_app
from facilitator.web.realtime import socketio

AUTHORITIES = ["Northshire", "Eastbridge", "Westvale"]


class FakeClock:
    """Time for the app under test, moved by hand: no test sleeps to see a timer move."""

    def __init__(self, start: int = 1_790_000_000_000):
        self.now = start

    def __call__(self) -> int:
        return self.now

    def advance(self, minutes: float = 0, seconds: float = 0) -> None:
        self.now += int(minutes * 60_000 + seconds * 1000)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def app(tmp_path, clock):
    return create_app({"DATABASE": str(tmp_path / "test.db"), "SECRET_KEY": "test", "NOW": clock, "TESTING": True})


@pytest.fixture
def engine(app):
    return app.extensions["facilitator"].engine


@pytest.fixture
def day(engine, clock):
    return engine.create_day("Test day", "2026-11-22", AUTHORITIES, "se-triad", None, clock.now)


@pytest.fixture
def client(app):
    return app.test_client()


class Room:
    """Socket.IO test clients for one day: the facilitator and participants by authority."""

    def __init__(self, app, engine, day, clock):
        self.app, self.engine, self.day, self.clock = app, engine, day, clock

    def facilitator(self):
        return socketio.test_client(self.app, auth={"day": self.day["id"], "role": "facilitator",
                                                    "key": self.day["facilitator_key"]})

    def projector(self):
        return socketio.test_client(self.app, auth={"day": self.day["id"], "role": "projector",
                                                    "key": self.day["facilitator_key"]})

    def participant(self, name: str, authority: str):
        p = self.engine.join(self.day, name, authority, self.clock.now)
        sio = socketio.test_client(self.app, auth={"day": self.day["id"], "role": "participant", "token": p["token"]})
        sio.participant = p
        return sio


@pytest.fixture
def room(app, engine, day, clock):
    return Room(app, engine, day, clock)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`facilitator serve` in a subprocess, on eventlet, as a facilitator would run it."""

    def __init__(self, tmp: Path, scripts: Path | None = None, options: tuple = ()):
        self.options = list(options)  # more `serve` options, such as --public-url
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if scripts:
            self.env["FACILITATOR_SCRIPTS"] = str(scripts)
        self.db = tmp / "live.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp / "server.log", "w")
        self.proc = None

    def start(self, timeout: float = 120) -> "LiveServer":
        """Start the server and wait until it answers /healthz or exits; `timeout` only bounds a hang.

        On a busy machine start-up can take many seconds: the wait is for the state, not a time."""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "facilitator", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--db", str(self.db), *self.options],
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()  # a server that did not come up is not left running
        raise RuntimeError("the server did not start: " + (self.db.parent / "server.log").read_text())

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def close(self) -> None:
        self.stop()
        self.log.close()

    def new_day(self, authorities=AUTHORITIES, title="Live day", script="se-triad") -> dict:
        """Set up a day with the command line, as a facilitator would before the day."""
        args = [sys.executable, "-m", "facilitator", "new-day", "--title", title, "--date", "2026-11-22",
                "--db", str(self.db), "--url", self.url, "--script", script]
        for a in authorities:
            args += ["--authority", a]
        out = subprocess.run(args, check=True, capture_output=True, text=True, env=self.env).stdout
        key = re.search(r"/f/(\S+)", out).group(1)
        code = re.search(r"Join code: (\w+)", out).group(1)
        return {"key": key, "code": code, "facilitator_url": f"{self.url}/f/{key}",
                "join_url": f"{self.url}/join/{code}"}


@pytest.fixture
def live_server(tmp_path):
    server = LiveServer(tmp_path).start()
    yield server
    server.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright, shared by a module's browser tests."""
    from playwright.sync_api import sync_playwright

    from tests.browser_helpers import launch

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def errors():
    """Script errors and blocked resources the pages reported: a test fails on any."""
    found: list[str] = []
    yield found
    assert not found, "errors in the pages:\n" + "\n".join(found)


def origin(url: str) -> dict:
    """The Origin header a Python socket client sends as a browser would: the server's own address."""
    return {"Origin": url.rstrip("/")}
