"""The doors opened after the day, hardened: uploads judged off the server's loop and within
bounds, connects that cannot be read answered, origins compared whole, uploaded names cleaned,
one calendar file per person, start-up output that keeps the keys, and the organiser's key kept."""

from __future__ import annotations

import io
import re
import sqlite3
import threading
import time
import urllib.request
import zipfile
from http.cookiejar import CookieJar
from urllib.parse import urlsplit

import docx
import pytest

from .support import LiveClient, LiveServer, csrf_of, multipart, parsed, review_links

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.wordprocessingml.document.main+xml"/></Types>')
DOCUMENT_OPEN = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')


def real_docx() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Our response to the challenge day.")
    document.save(out)
    return out.getvalue()


def rebuilt(replace: dict, stream: dict | None = None) -> bytes:
    """A real Word document with some members replaced, and some written as a stream of chunks
    (name -> (opening bytes, chunk, count)) so a member of gigabytes is never held in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real_docx())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in source.infolist():
            if info.filename in (stream or {}):
                opening, chunk, count = stream[info.filename]
                with z.open(info.filename, "w", force_zip64=True) as f:
                    f.write(opening)
                    for _ in range(count):
                        f.write(chunk)
            else:
                z.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def zip_bomb() -> bytes:
    """About 1 MB that inflates to a gigabyte of word/document.xml, in an otherwise real Word document."""
    return rebuilt({}, {"word/document.xml": (DOCUMENT_OPEN.encode(), b" " * (1 << 20), 1024)})


def entity_bomb() -> bytes:
    """The billion laughs: word/document.xml declares entities that expand tenfold at each level."""
    levels = ['<!ENTITY l0 "ha">'] + [f'<!ENTITY l{n} "{("&l%d;" % (n - 1)) * 10}">' for n in range(1, 10)]
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [{"".join(levels)}]>'
           + DOCUMENT_OPEN + "<w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>")
    return rebuilt({"word/document.xml": xml})


class Browser:
    """A urllib opener with its own cookies, as one browser against the live server."""

    def __init__(self, base: str):
        self.base, self.opener = base, urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=60) as r:
            return r.read().decode(), urlsplit(r.url).path

    def post(self, path: str, body: bytes, content_type: str) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, data=body, method="POST",
                                         headers={"Content-Type": content_type, "Origin": self.base})
        try:
            with self.opener.open(request, timeout=120) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as refused:
            with refused:
                return refused.code, refused.read().decode()


def host_response_path(server: LiveServer, created: dict) -> tuple[Browser, str]:
    """The facilitator's summary gives each host its review link; a host opens its response page."""
    facilitator = Browser(server.url)
    _, console = facilitator.get(f"/f/{created['key']}")
    summary, _ = facilitator.get(console.rstrip("/") + "/summary")
    path = review_links(summary)["Northshire"]
    host = Browser(server.url)
    host.get(path)
    return host, path + "/response"


def upload(host: Browser, path: str, name: str, data: bytes) -> tuple[int, str]:
    page, _ = host.get(path)
    return host.post(path, *multipart({"csrf": csrf_of(page), "action": "upload"}, name, data))


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return int(next(line for line in f if line.startswith("VmRSS:")).split()[1])


def round_trip(client: LiveClient) -> float:
    start = time.perf_counter()
    assert client.emit("time", None)["ok"] is True
    return time.perf_counter() - start


@pytest.fixture
def served(tmp_path):
    server = LiveServer(tmp_path).start()
    yield server
    server.close()


# -- zip bombs


def measured_upload(server, host, path, other, name, data) -> dict:
    """Upload while sampling the server's memory and another client's round trips, against rest."""
    resting_trips = sorted(round_trip(other) for _ in range(21))
    resting_rss = max(rss_kb(server.proc.pid) for _ in range(5))
    result: dict = {}
    uploading = threading.Thread(target=lambda: result.update(answer=upload(host, path, name, data)))
    peak_rss, trips = resting_rss, []
    uploading.start()
    while uploading.is_alive():
        peak_rss = max(peak_rss, rss_kb(server.proc.pid))
        trips.append(round_trip(other))
    uploading.join()
    peak_rss = max(peak_rss, rss_kb(server.proc.pid))
    print(f"\n{name}: {len(data) / 1024:.0f} KB upload; server RSS resting {resting_rss / 1024:.1f} MB, peak "
          f"during the upload {peak_rss / 1024:.1f} MB (+{(peak_rss - resting_rss) / 1024:.1f} MB); round trip "
          f"resting median {resting_trips[10] * 1000:.1f} ms, max {resting_trips[-1] * 1000:.1f} ms; during the "
          f"upload {len(trips)} trips, max {max(trips) * 1000:.1f} ms")
    status, page = result["answer"]
    return {"status": status, "page": page, "growth_kb": peak_rss - resting_rss, "trips": trips,
            "resting": resting_trips}


@pytest.mark.parametrize("name, make, why", [
    ("zip-bomb.docx", zip_bomb, "would unpack to 1,02"),
    ("entity-bomb.docx", entity_bomb, "declares entities, which no Word document does"),
])
def test_zip_bomb_upload_keeps_the_servers_memory_and_another_clients_round_trip_near_rest(served, name, make, why):
    data = make()
    assert len(data) < 2 * 1024 * 1024
    created = served.new_day()
    host, path = host_response_path(served, created)
    day_id = re.search(r"/console/([^/]+)", Browser(served.url).get(f"/f/{created['key']}")[1]).group(1)
    other = LiveClient(served.url, {"day": day_id, "role": "facilitator", "key": created["key"]})
    try:
        got = measured_upload(served, host, path, other, name, data)
    finally:
        other.sio.disconnect()
    assert got["status"] == 400 and why in got["page"] and "Nothing was stored" in got["page"], got["page"][-3000:]
    assert "No response yet." in host.get(path)[0]
    assert got["growth_kb"] < 100 * 1024, "the server's memory grew by more than 100 MB"
    assert max(got["trips"]) < max(1.0, 5 * got["resting"][-1]), "another client waited on the upload"


# -- connects whose auth cannot be read


def nested(depth: int):
    value: object = "deep"
    for _ in range(depth):
        value = {"a": value}
    return value


UNREADABLE = [10 ** 100, -(10 ** 120), float("nan"), float("inf"), float("-inf"), nested(40),
              {"day": "d", "role": "participant", "token": 10 ** 150}, [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]


def refused_connect(url: str, auth, namespace: str) -> tuple[str | None, float]:
    """Connect with an auth the server cannot decode: the refusal's message and how long it took."""
    import socketio

    client, said = socketio.Client(reconnection=False), {}
    client.on("connect_error", lambda data=None: said.setdefault("message", (data or {}).get("message")),
              namespace=namespace)
    start = time.perf_counter()
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(url, auth=auth, namespaces=[namespace], transports=["websocket"], wait_timeout=10)
    took = time.perf_counter() - start
    client.disconnect()
    return said.get("message"), took


@pytest.mark.parametrize("namespace", ["/", "/review"])
def test_unreadable_connect_auth_is_answered_with_a_refusal(served, namespace):
    for auth in UNREADABLE * 3:  # 24 in a row, each answered
        message, took = refused_connect(served.url, auth, namespace)
        assert message and "could not read this connection's auth" in message, (auth if not isinstance(auth, (dict, list)) else "nested", message)
        assert took < 10
    assert "Traceback" not in (served.db.parent / "server.log").read_text()


# -- uploaded names


def test_an_uploaded_responses_name_loses_its_control_characters_and_terminal_escapes(served):
    created = served.new_day()
    host, path = host_response_path(served, created)
    hostile = "../../\x1b[2J\x1b]0;owned\x07Our\tresponse\u202e\x00  final\x1b[31m.docx"
    status, page = upload(host, path, hostile, real_docx())
    assert status == 200, page[-2000:]
    shown, _ = host.get(path)
    assert "Our response final.docx" in shown
    with sqlite3.connect(served.db) as db:
        stored = [row[0] for row in db.execute("SELECT file_name FROM fu_responses")]
    assert stored == ["Our response final.docx"]
    log = (served.db.parent / "server.log").read_text()
    assert not any(c in shown + log for c in "\x1b\x07\x00\u202e\t") and "owned" not in shown + stored[0]
