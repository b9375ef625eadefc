"""The phone in a person's hand: a 360x640 screen in the question steps, the closed-question nudge
while typing, a form that starts clean after each send and each step, and what a screen reader hears."""

from __future__ import annotations

import json
import re
import urllib.request
from uuid import uuid4

import pytest

pytest.importorskip("playwright")
import socketio  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from facilitator.live.contributions import CLOSED_QUESTION, looks_closed  # noqa: E402

from .browser_helpers import SMALL_PHONE, assert_accessible, join_phone, send, shot  # noqa: E402

VOTE_NAME_RULE = ("label-content-name-mismatch",)


class Facilitator:
    """The facilitator's real-time connection, as the console makes it, moving the day along."""

    def __init__(self, server, day: dict):
        self.server, self.day = server, day
        self.day_id = self._join("Observer", "observer")[0]
        self.sio = socketio.Client()
        self.sio.connect(server.url, auth={"day": self.day_id, "role": "facilitator", "key": day["key"]}, wait_timeout=10)
        self.people: list[socketio.Client] = []

    def _join(self, name: str, authority: str) -> tuple[str, str]:
        request = urllib.request.Request(f"{self.server.url}/api/join/{self.day['code']}", method="POST",
                                         data=json.dumps({"name": name, "authority": authority}).encode(),
                                         headers={"Content-Type": "application/json"})
        body = json.load(urllib.request.urlopen(request))
        return body["day"], body["token"]

    def timer(self, action: str, **extra) -> None:
        ack = self.sio.call("timer", {"action": action, **extra}, timeout=10)
        assert ack["ok"], ack

    def question_from(self, authority: str, text: str) -> None:
        """A question from another phone in the room, through the same API."""
        sio = socketio.Client()
        sio.connect(self.server.url, auth={"day": self.day_id, "role": "participant",
                                           "token": self._join(f"P{len(self.people)}", authority)[1]}, wait_timeout=10)
        self.people.append(sio)
        ack = sio.call("contribute", {"id": str(uuid4()), "kind": "question", "text": text}, timeout=10)
        assert ack["ok"], ack

    def close(self) -> None:
        for sio in [self.sio, *self.people]:
            sio.disconnect()


@pytest.fixture
def room(live_server):
    day = live_server.new_day()
    facilitator = Facilitator(live_server, day)
    yield day, facilitator
    facilitator.close()


def in_viewport(page, selector: str) -> bool:
    """Whether the element lies wholly inside the visible screen as it is scrolled now."""
    return page.evaluate("""(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }""", selector)


def to_open_questions(facilitator) -> None:
    facilitator.timer("start")
    facilitator.timer("next")   # the first presentation
    facilitator.timer("next")   # open questions


def test_the_step_and_time_stay_pinned_and_the_votes_are_in_thumb_reach(room, browser, errors):
    day, facilitator = room
    to_open_questions(facilitator)
    for i, text in enumerate(["How do you know your early help reaches families?",
                              "What would your lead member say about the pace of change?",
                              "Tell us about the front door's busiest week."]):
        facilitator.question_from(["Eastbridge", "Westvale"][i % 2], text)
    phone = join_phone(browser, day, "Tom", "Eastbridge", errors, device=SMALL_PHONE)
    expect(phone.locator("#step-title")).to_have_text("Open questions")
    expect(phone.locator("#wall li")).to_have_count(3)

    shot(phone, "phone-360-open-questions")
    # the first vote button is on the first screen, with the form above it
    assert in_viewport(phone, "#wall li .vote"), phone.locator("#wall li .vote").first.bounding_box()
    assert in_viewport(phone, "#text")
    shot(phone, "phone-360-open-questions")

    # scrolled to the end, the step and the time are still in sight, and a pause shows there
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    facilitator.timer("pause")
    expect(phone.locator("#clock-status")).to_have_text("paused")
    expect(phone.locator("#phone-bar")).to_have_class("phone-top paused")
    assert phone.evaluate("window.scrollY") > 0
    assert in_viewport(phone, "#countdown") and in_viewport(phone, "#step-title") and in_viewport(phone, "#clock-status")
    shot(phone, "phone-360-open-questions-paused-scrolled")
    assert_accessible(phone, "phone 360 open questions (paused, scrolled)", rules=VOTE_NAME_RULE)


def test_a_closed_question_is_nudged_while_it_is_typed_by_the_servers_own_rule(room, browser, errors):
    day, facilitator = room
    to_open_questions(facilitator)
    phone = join_phone(browser, day, "Tom", "Eastbridge", errors, device=SMALL_PHONE)
    expect(phone.locator("#step-title")).to_have_text("Open questions")
    nudge = phone.locator("#live-nudge")
    samples = ["Is the budget agreed?", "  do you track it", "Isn't that late?", "Island schools: how do you reach them?",
               "How is the budget agreed?", "Wouldn't you rather wait?", "What does the DCS think?", "Can we help?"]
    for text in samples:
        phone.fill("#text", text)
        if looks_closed(text):  # the page and the server give the same answer
            expect(nudge).to_have_text(CLOSED_QUESTION["advice"])
        else:
            expect(nudge).to_be_hidden()
    phone.fill("#text", "Is the new front door working?")
    expect(nudge).to_be_visible()
    shot(phone, "phone-360-live-nudge")
    assert_accessible(phone, "phone 360 live nudge", rules=VOTE_NAME_RULE)
    # a risk is not a question: no nudge for it
    phone.locator("#kind-choice label", has_text="Signature of risk").click()
    expect(nudge).to_be_hidden()
    # the after-send check is still the server's
    phone.locator("#kind-choice label", has_text="Open question").click()
    expect(nudge).to_be_visible()
    phone.click("#send")
    expect(phone.locator("#nudge")).to_contain_text("Sent. " + CLOSED_QUESTION["advice"])
    expect(nudge).to_be_hidden()


def test_the_category_resets_after_send_and_no_refusal_carries_into_the_next_step(room, browser, errors):
    day, facilitator = room
    facilitator.timer("start")
    facilitator.timer("next")
    phone = join_phone(browser, day, "Priya", "Northshire", errors, device=SMALL_PHONE)
    expect(phone.locator("#step-title")).to_have_text("Presentation")
    send(phone, "Overspend on placements", category="Budget")
    expect(phone.locator("#send-status")).to_have_text("Sent. Thank you.")
    expect(phone.locator("#category")).to_have_value("")
    # sending the next one without choosing says so, rather than filing it under the last category
    phone.fill("#text", "Recruiting social workers")
    phone.click("#send")
    expect(phone.locator("#send-status")).to_have_text("Choose the signature of risk first.")
    phone.fill("#text", "")
    phone.click("#send")
    expect(phone.locator("#send-status")).to_have_text("Write something first.")
    facilitator.timer("next")
    expect(phone.locator("#step-title")).to_have_text("Open questions")
    expect(phone.locator("#send-status")).to_have_text("")


def test_phones_announce_step_changes_pauses_and_time_up(room, browser, errors):
    day, facilitator = room
    phone = join_phone(browser, day, "Tom", "Eastbridge", errors, device=SMALL_PHONE)
    phone.evaluate("() => { const now = Date.now; window.ahead = 0; Date.now = () => now() + window.ahead; }")
    expect(phone.locator("#step-title")).to_have_text("Arrival and welcome")  # the first snapshot is drawn
    announcer = phone.locator("#announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    facilitator.timer("start")
    expect(announcer).to_have_text("Arrival and welcome started.")
    facilitator.timer("next")
    expect(announcer).to_have_text("Moved to Presentation.")
    facilitator.timer("pause")
    expect(announcer).to_have_text("Presentation paused.")
    facilitator.timer("resume")
    expect(announcer).to_have_text("Presentation resumed.")
    expect(phone.locator("#countdown")).not_to_have_text("--:--")
    # The countdown's tick has seen the running clock (it drops "paused" and watches for zero in one
    # step): only then can the clock cross zero rather than start past it.
    expect(phone.locator("#countdown")).not_to_have_class(re.compile(r"\bpaused\b"))
    # two seconds before the end, on the phone's clock: the countdown then crosses zero as it runs
    phone.evaluate("window.ahead = (15 * 60 - 2) * 1000")
    expect(announcer).to_have_text("Time is up for Presentation.")
    expect(phone.locator("#countdown")).to_have_text(re.compile(r"^\+"))


def test_static_files_come_compressed_versioned_and_are_kept(room, browser, errors):
    day, facilitator = room
    phone = join_phone(browser, day, "Tom", "Eastbridge", errors, device=SMALL_PHONE)
    expect(phone.locator("#step-title")).to_have_text("Arrival and welcome")
    files = """() => performance.getEntriesByType('resource').filter(e => !e.name.includes('/socket.io/'))
        .map(e => ({url: new URL(e.name).pathname, sent: e.transferSize, packed: e.encodedBodySize, size: e.decodedBodySize}))"""
    loaded = phone.evaluate(files)
    paths = [f["url"] for f in loaded]
    for name in ("static/css/app.css", "static/js/phone.js", "static/js/live.js", "vendor/socket.io.esm.min.js"):
        assert any(re.fullmatch(rf"/v/[0-9a-f]{{12}}/{name}", p) for p in paths), (name, paths)
    assert all(p.startswith("/v/") for p in paths), paths
    vendor = next(f for f in loaded if f["url"].endswith("socket.io.esm.min.js"))
    assert vendor["packed"] < vendor["size"] / 2, vendor  # gzipped on the wire
    # back on the page, in this tab and in a new one: nothing is fetched again, not even a 304
    phone.reload()
    expect(phone.locator("#conn")).to_have_class("conn ok")
    assert [f for f in phone.evaluate(files) if f["sent"] != 0] == []
    again = phone.context.new_page()
    again.goto(phone.url)
    expect(again.locator("#conn")).to_have_class("conn ok")
    assert [f for f in again.evaluate(files) if f["sent"] != 0] == []


def test_phones_have_no_axe_findings_at_any_step(room, browser, errors):
    """The presenter's phone and a visitor's, at every item of the day, with a question on the wall."""
    day, facilitator = room
    presenter = join_phone(browser, day, "Priya", "Northshire", errors, device=SMALL_PHONE)
    visitor = join_phone(browser, day, "Tom", "Eastbridge", errors, device=SMALL_PHONE)
    facilitator.timer("start")
    session = ["Presentation", "Open questions", "Strengths", "Balcony", "Reflection"]
    day_items = ["Arrival and welcome", *session, "Break", *session, "Lunch", *session, "Learning points"]
    for index, title in enumerate(day_items):
        if index:
            facilitator.timer("next")
        for phone in (presenter, visitor):
            expect(phone.locator("#step-title")).to_have_text(title)
        if index == 2:  # the first open questions: a question on the wall, and a vote for it
            facilitator.question_from("Westvale", "How do you know your early help reaches families?")
            expect(visitor.locator("#wall li .vote")).to_have_count(1)
            visitor.locator("#wall li .vote").click()
            expect(visitor.locator("#wall li .vote")).to_have_attribute("aria-pressed", "true")
        for who, phone in (("presenter", presenter), ("visitor", visitor)):
            assert_accessible(phone, f"phone {who}: {index} {title}", rules=VOTE_NAME_RULE)
