"""What tests share beyond fixtures: the day's authorities, a clock moved by hand, Socket.IO test
clients for a room, a real server in a subprocess, and reading HTML as a reader sees it."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import socketio as socketio_client
from bs4 import BeautifulSoup

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


def origin(url: str) -> dict:
    """The Origin header a Python socket client sends as a browser would: the server's own address."""
    return {"Origin": url.rstrip("/")}


def parsed(text: str) -> BeautifulSoup:
    """A page parsed, to ask for what a reader sees: `parsed(page).select("a.review-link")`."""
    return BeautifulSoup(text, "html.parser")


def csrf_of(page: str) -> str:
    """The form token a page carries, as a browser would send it back."""
    return parsed(page).select_one('input[name="csrf"]')["value"]


def review_links(page: str) -> dict[str, str]:
    """The hosts' own review links on a summary page, by authority, as paths on this server."""
    return {a.find_previous_sibling("strong").get_text(): urlsplit(a["href"]).path
            for a in parsed(page).select("a.review-link")}


def csrf_page(client, url: str) -> tuple[str, str]:
    """A page and the form token it carries."""
    page = client.get(url).get_data(as_text=True)
    return csrf_of(page), page


def host(app, path):
    """The host's own browser: no facilitator cookie."""
    browser = app.test_client()
    page = browser.get(path)
    assert page.status_code == 200
    return browser, page.get_data(as_text=True)


def decide(browser, path, page, subject_id, status, text=None):
    data = {"csrf": csrf_of(page), "subject_id": subject_id, "status": status}
    if text is not None:
        data["text"] = text
    response = browser.post(path + "/decide", data=data)
    assert response.status_code == 302, response.data
    return browser.get(path).get_data(as_text=True)


NS = "/review"  # the review's Socket.IO namespace


class Review:
    """A review set up through its pages: the lead, the host and team members as test clients."""

    def __init__(self, app):
        self.app = app
        self.lead = app.test_client()
        self.token, _ = csrf_page(self.lead, "/reviews/new")
        r = self.lead.post("/reviews", data={"csrf": self.token, "script": "em-pctr", "host": "Northshire",
                                             "start_date": "2026-12-21"})
        self.id = r.location.split("/")[2]
        for n in range(4):
            self.lead.post(f"/reviews/{self.id}/hypotheses", data={"csrf": self.token, "title": f"H{n + 1}",
                                                                   "linked_data": "Y", "linked_sa": "Y"})
        console = parsed(self.lead.get(f"/reviews/{self.id}/console").get_data(as_text=True))
        self.host_url = urlsplit(console.select_one("#host-link")["href"]).path
        self.join_url = urlsplit(console.select_one("#join-link")["href"]).path
        self.host = app.test_client()
        self.host.get(self.host_url)
        token, page = csrf_page(self.host, f"/reviews/{self.id}/host")
        self.lines = [i["name"].removeprefix("decision-") for i in parsed(page).select('input[value="investigate"]')
                      if i["name"].startswith("decision-")]
        decision = {f"decision-{i}": "investigate" for i in self.lines[:3]} | {f"decision-{self.lines[3]}": "park"}
        self.host.post(f"/reviews/{self.id}/decide", data={"csrf": token, **decision})

    def member(self, role: str):
        """A member's browser: the QA reviewer through an invitation by name, anyone else with the code."""
        if role == "QA":
            return self.invited(self.invite(role, "Quality Reviewer"))
        client = self.app.test_client()
        token, _ = csrf_page(client, self.join_url)
        client.post(self.join_url, data={"csrf": token, "role": role})
        return client

    def invite(self, role: str, name: str) -> str:
        """The lead invites a member by name to a role: the path of their own link."""
        r = self.lead.post(f"/reviews/{self.id}/team", data={"csrf": self.token, "role": role, "name": name})
        assert r.status_code == 302, r.data
        console = parsed(self.lead.get(f"/reviews/{self.id}/console").get_data(as_text=True))
        item = next(li for li in console.select("#invited li") if li.select_one(".badge").get_text() == role)
        return urlsplit(item.select_one("a.member-link")["href"]).path

    def invited(self, link: str):
        """A browser that opened a member's own link."""
        client = self.app.test_client()
        assert client.get(link).status_code == 302
        return client

    def socket(self, client, role: str):
        return socketio.test_client(self.app, namespace=NS, flask_test_client=client,
                                    auth={"review": self.id, "role": role})


class LiveClient:
    """A python-socketio connection that answers emit(..., callback=True) like Flask-SocketIO's test client."""

    def __init__(self, url: str, auth: dict):
        self.sio = socketio_client.Client()
        self.sio.connect(url, auth=auth, wait_timeout=10, transports=["websocket"])  # sends its Origin

    def emit(self, event, payload, callback=True):
        return self.sio.call(event, payload, timeout=10)


class LiveRoom:
    """The same day as the tests' Room, played against the live server over its real API."""

    def __init__(self, server, created: dict):
        self.url, self.created = server.url, created
        request = urllib.request.Request(f"{server.url}/api/join/{created['code']}", method="POST",
                                         data=json.dumps({"name": "x", "authority": "observer"}).encode(),
                                         headers={"Content-Type": "application/json"})
        day_id = json.load(urllib.request.urlopen(request))["day"]
        self.day = {"id": day_id, "authorities": ["Northshire", "Eastbridge", "Westvale"]}
        self.clients: list[LiveClient] = []

    def _connect(self, auth: dict) -> LiveClient:
        client = LiveClient(self.url, {"day": self.day["id"], **auth})
        self.clients.append(client)
        return client

    def facilitator(self):
        return self._connect({"role": "facilitator", "key": self.created["key"]})

    def participant(self, name: str, authority: str):
        request = urllib.request.Request(f"{self.url}/api/join/{self.created['code']}", method="POST",
                                         data=json.dumps({"name": name, "authority": authority}).encode(),
                                         headers={"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(request))["token"]
        return self._connect({"role": "participant", "token": token})

    def close(self):
        for client in self.clients:
            client.sio.disconnect()


def add(sio, kind, text, **extra):
    """Send a contribution as a phone does, with a new id, and return its ack."""
    return sio.emit("contribute", {"id": str(uuid.uuid4()), "kind": kind, "text": text, **extra}, callback=True)


def events(sio, name):
    """The payloads of one event a test client has received since it last asked."""
    return [e["args"][0] for e in sio.get_received() if e["name"] == name]


def timer(fac, action, **extra):
    """Press a timer button on the console; the press must be taken."""
    ack = fac.emit("timer", {"action": action, **extra}, callback=True)
    assert ack == {"ok": True}, ack
    return ack


def multipart_form(fields: dict, file_field: str, name: str, data: bytes) -> dict:
    """A form with one file, encoded in memory, as keyword arguments for a test client's post (the
    test client spools a large file to a temporary file it leaves open)."""
    boundary = "----form-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{name}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    return {"data": b"".join(parts) + f"--{boundary}--\r\n".encode(),
            "content_type": f"multipart/form-data; boundary={boundary}"}


def multipart(fields: dict, name: str, data: bytes) -> tuple[bytes, str]:
    """A response upload's form ("document"), as the body and its content type."""
    form = multipart_form(fields, "document", name, data)
    return form["data"], form["content_type"]
