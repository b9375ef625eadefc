"""Ready for a real room: joining, the projector from six metres, the console, the keyboard."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid

import pytest

pytest.importorskip("playwright")
import socketio  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from .browser_helpers import (LAPTOP, PHONE, assert_accessible, launch, open_console, open_projector,  # noqa: E402
                              shot, watch_errors)
from .conftest import LiveServer  # noqa: E402

QUESTIONS = [f"Question {n}: how does the front door decide which families get early help this year?"
             for n in range(1, 13)]
RISKS = [("Budget", "Placement costs rising faster than the budget"),
         ("Workforce", "Agency social workers in the assessment teams"),
         ("Performance", "Re-referrals up in the last two quarters"),
         ("Corporate support", "HR support for recruitment is thin"),
         ("Learning culture", "Audits are done but rarely talked through"),
         ("Practice leadership", "Practice leads stretched across two services"),
         ("Service reorganisation", "A new locality model beds in this spring"),
         ("Budget", "Home-to-school transport overspend")]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def errors():
    found: list[str] = []
    yield found
    assert not found, "errors in the pages:\n" + "\n".join(found)


def api_join(server, code, name, authority) -> dict:
    request = urllib.request.Request(f"{server.url}/api/join/{code}", method="POST",
                                     data=json.dumps({"name": name, "authority": authority}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as r:
        return json.loads(r.read())


def client(server, auth: dict) -> socketio.SimpleClient:
    sio = socketio.SimpleClient()
    sio.connect(server.url, auth=auth, transports=["websocket"])
    assert sio.receive(timeout=5)[0] == "snapshot"
    return sio


class Room:
    """A day on a live server, driven through the real-time API as the console and phones would."""

    def __init__(self, server):
        self.server = server
        self.day = server.new_day()
        self.visitor = api_join(server, self.day["code"], "Tom", "Eastbridge")
        self.day_id = self.visitor["day"]
        self.fac = client(server, {"day": self.day_id, "role": "facilitator", "key": self.day["key"]})
        self.phones = {}

    def phone(self, name, authority):
        if name not in self.phones:
            joined = api_join(self.server, self.day["code"], name, authority)
            self.phones[name] = client(self.server, {"day": self.day_id, "role": "participant", "token": joined["token"]})
        return self.phones[name]

    def timer(self, action):
        assert self.fac.call("timer", {"action": action}, timeout=5)["ok"]

    def send(self, who, authority, kind, text, category=None) -> str:
        body = {"id": str(uuid.uuid4()), "kind": kind, "text": text}
        if category:
            body["category"] = category
        ack = self.phone(who, authority).call("contribute", body, timeout=5)
        assert ack["ok"], ack
        return body["id"]

    def full_wall(self) -> dict:
        """Open questions with 12 questions and 8 risks: 20 items for the wall."""
        self.timer("start")
        self.timer("next")
        self.timer("next")
        ids = {}
        for n, text in enumerate(QUESTIONS):
            who, authority = (("Tom", "Eastbridge"), ("Wyn", "Westvale"))[n % 2]
            ids[text] = self.send(who, authority, "question", text)
        for n, (category, text) in enumerate(RISKS):
            who, authority = (("Priya", "Northshire"), ("Wyn", "Westvale"))[n % 2]
            ids[text] = self.send(who, authority, "risk", text, category)
        return ids

    def close(self):
        for sio in [self.fac, *self.phones.values()]:
            sio.disconnect()


@pytest.fixture
def room(live_server):
    r = Room(live_server)
    yield r
    r.close()


# ---- the projector


WALL_FACTS = """() => {
  const wall = document.querySelector('.proj-wall');
  const box = wall.getBoundingClientRect();
  const items = [...wall.querySelectorAll('.queue-rest > li, .risk-list > li, .next-question')];
  const shown = items.filter((li) => li.offsetParent !== null);
  const cut = shown.filter((li) => { const r = li.getBoundingClientRect();
    return r.bottom > box.bottom + 1 || r.right > box.right + 1 || r.bottom > innerHeight; });
  const more = [...wall.querySelectorAll('.more')].map((m) => Number((/\\+(\\d+) more/.exec(m.textContent) || [0, 0])[1]));
  const texts = [...document.querySelectorAll('.proj-grid *')].filter((n) => n.offsetParent !== null
      && [...n.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim())
      && !n.closest('.conn, .proj-chime'));
  const smallest = Math.min(...texts.map((n) => parseFloat(getComputedStyle(n).fontSize)));
  const lowest = Math.max(...shown.map((li) => li.getBoundingClientRect().bottom));
  return {items: items.length, shown: shown.length, cut: cut.length, more: more.reduce((a, b) => a + b, 0),
          smallest, lowest, height: innerHeight};
}"""


def test_a_full_wall_hides_nothing_silently_and_reads_from_the_back_at_both_sizes(live_server, browser, errors, room):
    room.full_wall()
    projector = open_projector(browser, room.day, room.day_id, errors)
    expect(projector.locator(".next-question")).to_contain_text("Question 1:")
    expect(projector.locator(".risk-list li")).to_have_count(8)
    for width, height in ((1920, 1080), (1024, 768)):
        projector.set_viewport_size({"width": width, "height": height})
        expect(projector.locator(".proj-wall .more").first).to_be_visible()
        facts = projector.evaluate(WALL_FACTS)
        assert facts["items"] == 20, facts
        assert facts["cut"] == 0, f"items cut off at {width}x{height}: {facts}"
        assert facts["shown"] + facts["more"] == 20, f"hidden without a '+N more' at {width}x{height}: {facts}"
        assert facts["smallest"] >= 0.025 * height, f"type under 2.5% of the height at {width}x{height}: {facts}"
        assert facts["lowest"] > 0.75 * height, f"the lower part of the screen stays empty at {width}x{height}: {facts}"
        shot(projector, f"room-projector-full-wall-{width}x{height}")
        assert_accessible(projector, f"projector full wall {width}x{height}")
    # what did not fit comes round in turn (here at a quicker pace): the last question and the first risk
    projector.goto(projector.url.replace("?mute=1", "?mute=1&rotate=1000"))
    expect(projector.locator(".queue-rest li", has_text="Question 12:")).to_be_visible(timeout=40_000)
    expect(projector.locator(".risk-list li", has_text=RISKS[0][1])).to_be_visible(timeout=40_000)


# ---- the console


FEED_VISIBLE = """() => {
  const feed = document.querySelector('#feed').getBoundingClientRect();
  return [...document.querySelectorAll('#feed li.feed-item')].filter((li) => {
    const r = li.getBoundingClientRect(); return r.top >= feed.top - 1 && r.bottom <= feed.bottom + 1; }).length;
}"""


def test_the_feed_leads_with_what_the_step_collects_filters_and_fits_a_1366x768_laptop(live_server, browser, errors, room):
    room.full_wall()
    console, _ = open_console(browser, room.day, errors)
    expect(console.locator("#step-title")).to_have_text("Open questions")
    expect(console.locator("#feed li.feed-item")).to_have_count(20)
    # open questions collects questions first, then risks: the feed follows
    expect(console.locator("#feed .feed-group h3").first).to_contain_text("Open question")
    shot(console, "room-console-1440x900")
    assert_accessible(console, "console open questions 1440x900")
    console.set_viewport_size({"width": 1366, "height": 768})
    expect(console.locator("#btn-next")).to_be_in_viewport()
    shot(console, "room-console-1366x768")
    assert console.evaluate(FEED_VISIBLE) >= 6, "too few contributions in view at 1366x768"
    assert console.evaluate("document.documentElement.scrollWidth") <= 1366
    # filter by kind, then by words
    console.select_option("#feed-kind", "risk")
    expect(console.locator("#feed li.feed-item")).to_have_count(8)
    expect(console.locator("#feed-count")).to_have_text("Showing 8 of 20")
    console.fill("#feed-search", "budget")
    expect(console.locator("#feed li.feed-item")).to_have_count(2)  # the two filed under Budget
    console.fill("#feed-search", "agency")
    expect(console.locator("#feed li.feed-item")).to_have_count(1)
    assert_accessible(console, "console filtered 1366x768")
    console.select_option("#feed-kind", "")
    console.fill("#feed-search", "")
    expect(console.locator("#feed li.feed-item")).to_have_count(20)
    # the next step collects strengths: they lead
    room.timer("next")
    expect(console.locator("#step-title")).to_have_text("Strengths")
    room.send("Tom", "Eastbridge", "strength", "A stable, visible leadership team")
    room.send("Wyn", "Westvale", "strength", "Strong edge-of-care work")
    expect(console.locator("#feed .feed-group h3").first).to_contain_text("Strength")
