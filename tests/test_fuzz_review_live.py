"""Hostile clients on a review's namespace, against a real server: every event with the wrong
arguments, broken text, huge numbers, reserved and unknown names, any `auth`, and a flood of
notes. Each is answered in the documented shape; the server's log holds no traceback."""

from __future__ import annotations

import re
import sqlite3
import uuid

import pytest
import requests
import socketio

NS = "/review"
# The codes the /review section of docs/realtime-api.md lists; `internal` would be a fault.
REFUSALS = {"invalid", "not_now", "forbidden", "not_found", "in_use", "closed", "unauthorised", "rate_limited",
            "unknown_event"}


def _log(server) -> str:
    server.log.flush()
    return (server.db.parent / "server.log").read_text()


def _csrf(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', session.get(url, timeout=30).text).group(1)


class LiveReview:
    """A review set up through its pages on the live server: the lead, the host, and members."""

    def __init__(self, server):
        self.url = server.url
        self.lead = requests.Session()
        token = _csrf(self.lead, self.url + "/reviews/new")
        made = self.lead.post(self.url + "/reviews", data={"csrf": token, "script": "em-pctr", "host": "Northshire",
                                                           "start_date": "2026-12-21"}, allow_redirects=False, timeout=30)
        self.id = re.search(r"/reviews/([^/]+)/console", made.headers["Location"]).group(1)
        for n in range(4):
            self.lead.post(f"{self.url}/reviews/{self.id}/hypotheses", timeout=30, data={
                "csrf": token, "title": f"H{n + 1}", "linked_data": "Y", "linked_sa": "Y"})
        console = self.lead.get(f"{self.url}/reviews/{self.id}/console", timeout=30).text
        host_path = re.search(r'id="host-link" href="[^"]*?(/reviews/host/[^"]+)"', console).group(1)
        self.join_path = re.search(r'href="[^"]*?(/reviews/join/[^"]+)" id="join-link"', console).group(1)
        self.host = requests.Session()
        self.host.get(self.url + host_path, timeout=30)
        page = self.host.get(f"{self.url}/reviews/{self.id}/host", timeout=30).text
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        self.lines = re.findall(r'name="decision-([0-9a-f]+)" value="investigate"', page)
        decision = {f"decision-{i}": "investigate" for i in self.lines[:3]} | {f"decision-{self.lines[3]}": "park"}
        decided = self.host.post(f"{self.url}/reviews/{self.id}/decide", data={"csrf": token, **decision},
                                 allow_redirects=False, timeout=30)
        assert decided.status_code == 302

    def member(self, role: str) -> requests.Session:
        session = requests.Session()
        token = _csrf(session, self.url + self.join_path)
        joined = session.post(self.url + self.join_path, data={"csrf": token, "role": role}, allow_redirects=False,
                              timeout=30)
        assert joined.status_code == 302, joined.text[:300]
        return session

    def socket(self, session: requests.Session, role: str, auth: dict | None = None) -> socketio.Client:
        client = socketio.Client(reconnection=False)
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        client.connect(self.url, namespaces=[NS], transports=["websocket"], wait_timeout=10,
                       headers={"Cookie": cookie}, auth=auth if auth is not None else {"review": self.id, "role": role})
        return client

    def note(self, text: str = "Heard in interview") -> dict:
        return {"id": str(uuid.uuid4()), "line": self.lines[0], "source": "Interview", "text": text}


@pytest.fixture
def review(live_server):
    return LiveReview(live_server)


def _call(client: socketio.Client, event: str, args: tuple):
    """Emit with these arguments exactly (none, one or more) and wait for the ack: python-socketio
    sends a tuple as that many arguments, None as none."""
    data = (None if not args else args) if len(args) != 1 else args
    return client.call(event, data, namespace=NS, timeout=15)


def _hostile(review) -> dict[str, list[tuple]]:
    """For each event, arguments that are all wrong: arities, types, broken text, huge numbers."""
    note = review.note()
    shapes = [(), ({}, {}), (note, note, note), ("text",), (5,), (1e308,), (-(10 ** 99),), ([1, 2],), (True,),
              ({"\ud800": "\ud800"},), ({"id": "\ud800"},), ({"id": 10 ** 99},), ({"id": [note["id"]]},)]
    return {
        "time": [({}, {}), ("now",), (5,), ([None],), ({"a": "\ud800"},), (None, None)],
        "note": shapes + [({**review.note(), "line": "\ud800"},), ({**review.note(), "source": "\udfff"},),
                          ({**review.note(), "text": 1e308},), ({**review.note(), "text": "\ud800" * 3000},)],
        "note_edit": shapes + [({"id": note["id"], "text": "\ud800"},), ({"id": "\ud800", "text": "x"},)],
        "note_withdraw": shapes + [({"id": note["id"], "confirm": "\ud800"},)],
        "incident": shapes + [({"id": str(uuid.uuid4()), "nature": ["\ud800"]},),
                              ({"id": str(uuid.uuid4()), "nature": "x", "identified_at": 10 ** 99},)],
        "timer": shapes[:5] + [({"action": "extend", "minutes": m},) for m in (1e308, -1e308, -5, 0, "5", True, None,
                                                                           [5], 10 ** 99)]
                 + [({"action": "start", "minutes": 1e308},), ({"action": "\ud800"},), ({"action": ["start"]},)],
        "connect": [(), ({"review": review.id, "role": "lead"},), ("x", "y")],
        "disconnect": [(), (None,), ({"a": 1},)],
        "no such event": [(), ({"a": 1},)],
        "*": [()],
        "\ud800": [({"a": 1},)],
    }


def _refused_as_documented(ack) -> bool:
    return isinstance(ack, dict) and ack.get("ok") is False and isinstance(ack.get("error"), dict) \
        and ack["error"].get("code") in REFUSALS and bool(ack["error"].get("message"))


def test_every_review_event_answers_anything_in_the_documented_shape(live_server, review):
    lead = review.socket(review.lead, "lead")
    members = []
    sent = 0
    try:
        for event, cases in _hostile(review).items():
            for args in cases:
                # a fresh member every 15 events, so the per-member limit does not answer for the checks
                if event != "timer" and sent % 15 == 0:
                    members.append(review.socket(review.member(f"TM{len(members) % 4 + 1}"), "member"))
                sender = lead if event == "timer" else members[-1]
                sent += event != "timer"
                ack = _call(sender, event, args)
                assert _refused_as_documented(ack), (event, repr(args)[:80], ack)
        # and the review still works afterwards
        ack = members[-1].call("note", review.note(), namespace=NS, timeout=15)
        assert ack["ok"] is True and ack["duplicate"] is False, ack
        assert lead.call("timer", {"action": "extend", "minutes": 5}, namespace=NS, timeout=15)["ok"]
    finally:
        for client in [lead, *members]:
            client.disconnect()
    log = _log(live_server)
    assert "Traceback" not in log, log[-3000:]


def test_broken_text_in_a_note_or_an_incident_is_stored_cleaned(live_server, review):
    phone = review.socket(review.member("TM1"), "member")
    try:
        note = review.note("Half an emoji \ud83d, then more")
        assert phone.call("note", note, namespace=NS, timeout=15)["ok"]
        incident = {"id": str(uuid.uuid4()), "nature": "Risk \udc00 seen", "evidence": "File \ud800 7"}
        assert phone.call("incident", incident, namespace=NS, timeout=15)["ok"]
    finally:
        phone.disconnect()
    with sqlite3.connect(live_server.db) as db:
        assert db.execute("SELECT text FROM review_notes WHERE id = ?", [note["id"]]).fetchone()[0] == \
            "Half an emoji \ufffd, then more"
        assert db.execute("SELECT nature, evidence FROM review_incidents WHERE id = ?", [incident["id"]]).fetchone() \
            == ("Risk \ufffd seen", "File \ufffd 7")
    assert "Traceback" not in _log(live_server)


def test_a_review_connection_with_a_bad_auth_is_refused_with_a_message(live_server, review):
    good = {"review": review.id, "role": "lead"}
    cases = ["a string", 5, [1, 2], True, {"role": "lead"}, {**good, "review": "\ud800"}, {**good, "review": ["x"]},
             {**good, "review": {"id": review.id}}, {**good, "review": 1e308}, {**good, "review": "x" * 5000},
             {**good, "role": ["lead"]}, {**good, "role": "\ud800"}, {**good, "role": "facilitator"},
             {**good, "review": "a\x00b"}]
    refusals = []
    for auth in cases:
        with pytest.raises(socketio.exceptions.ConnectionError) as refused:
            review.socket(review.lead, "lead", auth=auth)
        refusals.append(str(refused.value))
    assert all(r.strip() for r in refusals), refusals
    lead = review.socket(review.lead, "lead")
    assert lead.call("time", namespace=NS, timeout=15)["ok"]
    lead.disconnect()
    assert "Traceback" not in _log(live_server)


def test_a_flood_of_notes_from_one_member_is_limited_and_only_what_was_acknowledged_is_kept(live_server, review):
    phone = review.socket(review.member("TM2"), "member")
    answers = {}
    try:
        for _ in range(300):  # as fast as the acks come back
            note = review.note("One of many")
            answers[note["id"]] = phone.call("note", note, namespace=NS, timeout=15)
    finally:
        phone.disconnect()
    stored_ok = {i for i, a in answers.items() if a["ok"]}
    refused = [a["error"]["code"] for a in answers.values() if not a["ok"]]
    assert refused and set(refused) == {"rate_limited"}
    assert len(stored_ok) >= 20  # the burst at least
    with sqlite3.connect(live_server.db) as db:
        kept = {row[0] for row in db.execute("SELECT id FROM review_notes WHERE review_id = ?", [review.id])}
    assert kept == stored_ok
