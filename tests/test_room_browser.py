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
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import (LAPTOP, PHONE, assert_accessible, axe_findings, open_console, open_projector,  # noqa: E402
                              shot, watch_errors)
from .support import LiveServer  # noqa: E402

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

    def crowd(self, questions: int) -> None:
        """Open questions with many questions, added by the facilitator for the two visitors."""
        self.timer("start")
        self.timer("next")
        self.timer("next")
        for n in range(1, questions + 1):
            ack = self.fac.call("contribute", {"id": str(uuid.uuid4()), "kind": "question",
                                               "authority": ("Eastbridge", "Westvale")[n % 2],
                                               "text": f"Crowd {n}: what does the data say about step-downs?"}, timeout=5)
            assert ack["ok"], ack

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


def test_a_crowded_wall_keeps_a_screenful_in_the_page_and_still_brings_every_question_round(
        live_server, browser, errors, room):
    room.crowd(70)
    projector = open_projector(browser, room.day, room.day_id, errors, query="?mute=1&rotate=1000")
    expect(projector.locator(".next-question")).to_contain_text("Crowd 2:")  # Eastbridge's turn first
    # 69 waiting: no more than 30 of them are drawn at once, and the "+N more" counts the rest too
    assert projector.locator(".queue-rest > li").count() <= 30
    facts = projector.evaluate(WALL_FACTS)
    assert facts["cut"] == 0, facts
    assert facts["shown"] + facts["more"] == 70, f"questions neither shown nor counted: {facts}"
    # the last two in the queue (turns alternate: ..., 70, 69), never in the page at first, come round
    expect(projector.locator(".queue-rest li", has_text="Crowd 69:")).to_be_visible(timeout=40_000)
    expect(projector.locator(".queue-rest li", has_text="Crowd 70:")).to_be_visible(timeout=40_000)
    facts = projector.evaluate(WALL_FACTS)
    assert facts["shown"] + facts["more"] == 70, facts


# ---- the console


FEED_VISIBLE = """() => {
  const feed = document.querySelector('#feed').getBoundingClientRect();
  return [...document.querySelectorAll('#feed li.feed-item')].filter((li) => {
    const r = li.getBoundingClientRect(); return r.top >= feed.top - 1 && r.bottom <= feed.bottom + 1; }).length;
}"""


def test_a_full_sessions_feed_draws_each_kinds_first_twenty_and_the_rest_on_asking(live_server, browser, errors, room):
    room.crowd(45)
    console, _ = open_console(browser, room.day, errors)
    expect(console.locator("#feed li.feed-item")).to_have_count(20)
    more = console.get_by_role("button", name="Show all 45 open questions")
    expect(more).to_be_visible()
    # the queue beside it names the next ten after the first, and says where the rest are
    expect(console.locator("#queue .queue-rest > li")).to_have_count(10)
    expect(console.locator("#queue")).to_contain_text("+34 more waiting")
    assert_accessible(console, "console with a long feed")
    more.scroll_into_view_if_needed()
    shot(console, "room-console-long-feed")
    more.focus()
    console.keyboard.press("Enter")
    expect(console.locator("#feed li.feed-item")).to_have_count(45)
    expect(more).to_have_count(0)
    # the keyboard carries on where the list did: at the first of those just drawn
    first_drawn = console.locator("#feed li.feed-item").nth(20)
    expect(first_drawn.get_by_role("button", name="Hide")).to_be_focused()
    # a new question keeps the list whole
    room.send("Tom", "Eastbridge", "question", "Crowd 46: and the lead member's view?")
    expect(console.locator("#feed li.feed-item")).to_have_count(46)


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


# ---- joining


def test_the_console_warns_loudly_when_phones_would_be_sent_to_loopback(live_server, browser, errors):
    # the suite's server listens on 127.0.0.1 only: no phone can reach it
    day = live_server.new_day()
    console, _ = open_console(browser, day, errors)
    expect(console.locator("#network-alert")).to_contain_text("Phones cannot join")
    expect(console.locator("#network-alert")).to_contain_text("--public-url")
    assert_accessible(console, "console with the loopback warning")


def test_with_a_public_url_the_console_and_qr_carry_it_and_do_not_warn(tmp_path, browser, errors):
    server = LiveServer(tmp_path, options=("--public-url", "http://192.0.2.10:5000")).start()
    try:
        day = server.new_day()
        console, _ = open_console(browser, day, errors)
        expect(console.locator(".join-url").first).to_have_text(f"http://192.0.2.10:5000/join/{day['code']}")
        expect(console.locator("#facilitator-link")).to_have_value(re.compile(r"^http://192\.0\.2\.10:5000/f/"))
        expect(console.locator("#network-alert")).to_have_count(0)
    finally:
        server.close()


def test_a_phone_with_no_code_is_asked_for_the_code_and_nothing_else(live_server, browser, errors):
    day = live_server.new_day()
    ctx = browser.new_context(**PHONE)
    phone = ctx.new_page()
    watch_errors(phone, errors)
    phone.goto(f"{live_server.url}/join")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Join a challenge day")
    expect(phone.get_by_label("Join code")).to_be_visible()
    expect(phone.locator("body")).not_to_contain_text("Set up a day")
    expect(phone.locator("body")).not_to_contain_text("Your days")
    assert phone.locator("form").count() == 1
    shot(phone, "room-phone-join-code", full_page=True)
    assert_accessible(phone, "join: code only")
    phone.get_by_label("Join code").fill(day["code"].lower())
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_label("Your first name")).to_be_visible()
    assert_accessible(phone, "join: name and authority")
    home = browser.new_context(**LAPTOP).new_page()
    watch_errors(home, errors)
    home.goto(live_server.url + "/")
    assert_accessible(home, "home")
    ctx.close()
    home.context.close()


def test_the_console_gives_a_private_facilitator_link_and_a_read_only_projector_link(live_server, browser, errors):
    day = live_server.new_day()
    console, day_id = open_console(browser, day, errors)
    console.context.grant_permissions(["clipboard-read", "clipboard-write"])
    links = console.locator(".links-panel")
    expect(links).to_contain_text("private")
    expect(console.locator("#facilitator-link")).to_have_value(day["facilitator_url"])
    links.locator("button[data-copy=facilitator-link]").click()
    expect(console.locator("#copy-status")).to_have_text("Facilitator link copied.")
    assert console.evaluate("navigator.clipboard.readText()") == day["facilitator_url"]
    projector_url = console.locator("#projector-link").input_value()
    assert re.match(rf"^{re.escape(live_server.url)}/screen/[\w-]+$", projector_url)
    links.locator("button[data-copy=projector-link]").click()
    expect(console.locator("#copy-status")).to_have_text("Projector link copied.")
    assert_accessible(console, "console links")

    # a second computer opens the projector link: the projector, and nothing else
    other = browser.new_context(**LAPTOP).new_page()
    other.goto(projector_url)
    expect(other.locator("#step-title")).to_have_text("Arrival and welcome")
    expect(other.locator("#conn")).to_have_text("Connected")
    assert other.request.get(f"{live_server.url}/console/{day_id}").status == 403
    assert other.request.get(f"{live_server.url}/console/{day_id}/summary").status == 403
    assert other.request.get(f"{live_server.url}/console/{day_id}/export.json").status == 403
    key = projector_url.rsplit("/", 1)[1]
    assert other.request.get(f"{live_server.url}/f/{key}", max_redirects=0).status == 404
    # as the facilitator with that key: refused; as the projector: the facilitator's events are refused
    with pytest.raises(socketio.exceptions.ConnectionError):
        client(live_server, {"day": day_id, "role": "facilitator", "key": key})
    screen = client(live_server, {"day": day_id, "role": "projector", "key": key})
    for event, payload in (("timer", {"action": "start"}), ("spotlight", {"id": None}),
                           ("moderate", {"id": "x", "action": "hide"}), ("contribute", {"id": str(uuid.uuid4()), "kind": "question", "text": "x"})):
        assert screen.call(event, payload, timeout=5)["error"]["code"] == "forbidden", event
    screen.disconnect()
    expect(console.locator("#clock-status")).to_have_text("Ready to start")
    other.context.close()


# ---- the projector: spotlight, preview, votes


def test_the_facilitator_spotlights_an_item_full_screen_and_takes_it_down(live_server, browser, errors, room):
    ids = room.full_wall()
    console, _ = open_console(browser, room.day, errors)
    projector = open_projector(browser, room.day, room.day_id, errors)
    text = RISKS[1][1]
    console.locator("#feed li.feed-item", has_text=text).get_by_role("button", name="Spotlight").click()
    spot = projector.locator("#spotlight")
    expect(spot).to_be_visible()
    expect(spot).to_contain_text(text)
    expect(spot).to_contain_text("Workforce")
    box = spot.bounding_box()
    assert box["width"] >= 1900 and box["height"] >= 1060, box  # the whole screen
    # the console's preview shows it too, and says so
    expect(console.locator("#preview .proj-spotlight")).to_contain_text(text)
    expect(console.locator("#spotlight-status")).to_contain_text(text)
    shot(projector, "room-projector-spotlight")
    shot(console, "room-console-spotlight")
    assert_accessible(projector, "projector spotlight")
    assert_accessible(console, "console spotlight")
    # stored with the day: a projector that reconnects shows it again
    projector.reload()
    expect(projector.locator("#spotlight")).to_contain_text(text)
    # taken down from the console's preview panel
    console.get_by_role("button", name="Take down the spotlight").click()
    expect(projector.locator("#spotlight")).to_be_hidden()
    expect(console.locator("#preview .proj-spotlight")).to_be_hidden()
    expect(projector.locator(".next-question")).to_be_visible()
    # and hiding a spotlit item takes it off the projector at once
    assert room.fac.call("spotlight", {"id": ids[QUESTIONS[0]]}, timeout=5)["ok"]
    expect(projector.locator("#spotlight")).to_contain_text("Question 1:")
    assert room.fac.call("moderate", {"id": ids[QUESTIONS[0]], "action": "hide"}, timeout=5)["ok"]
    expect(projector.locator("#spotlight")).to_be_hidden()


def test_the_console_preview_follows_what_the_projector_shows(live_server, browser, errors, room):
    room.timer("start")
    room.timer("next")
    console, _ = open_console(browser, room.day, errors)
    preview = console.locator("#preview")
    expect(preview.locator(".proj-title")).to_have_text("Presentation")
    room.send("Priya", "Northshire", "risk", "Placement sufficiency", "Budget")
    expect(preview.locator(".risk-list")).to_contain_text("Placement sufficiency")
    room.timer("next")
    expect(preview.locator(".proj-title")).to_have_text("Open questions")
    expect(preview.locator(".proj-countdown")).to_have_text(re.compile(r"^1:\d\d:\d\d$"))
    box = preview.bounding_box()
    assert box["width"] <= 400 and abs(box["width"] / box["height"] - 16 / 9) < 0.05, box


def test_the_queue_on_the_projector_shows_votes(live_server, browser, errors, room):
    ids = room.full_wall()
    projector = open_projector(browser, room.day, room.day_id, errors)
    expect(projector.locator(".next-question")).to_contain_text("Question 1:")
    for voter, authority in (("Priya", "Northshire"), ("Wyn", "Westvale")):
        assert room.phone(voter, authority).call("vote", {"id": ids[QUESTIONS[4]], "on": True}, timeout=5)["ok"]
    # two votes take it to the head of the queue, and the projector says how many
    expect(projector.locator(".next-question")).to_contain_text("Question 5:")
    expect(projector.locator(".next-question")).to_contain_text("2 votes")
    assert room.phone("Priya", "Northshire").call("vote", {"id": ids[QUESTIONS[2]], "on": True}, timeout=5)["ok"]
    expect(projector.locator(".queue-rest li", has_text="Question 3:")).to_contain_text("1 vote")


# ---- the console: Back, the keyboard, focus


def test_going_back_does_not_mark_the_step_left_as_done(live_server, browser, errors):
    day = live_server.new_day()
    console, _ = open_console(browser, day, errors)
    console.get_by_role("button", name="Start").click()
    console.get_by_role("button", name="Next step").click()
    expect(console.locator("#step-title")).to_have_text("Presentation")
    console.get_by_role("button", name="Next step").click()
    expect(console.locator("#step-title")).to_have_text("Open questions")
    console.get_by_role("button", name="Back").click()
    expect(console.locator("#step-title")).to_have_text("Presentation")
    expect(console.locator(".agenda-item", has_text="Open questions").first).not_to_have_class(re.compile(r"\bdone\b"))
    expect(console.locator(".agenda-item", has_text="Open questions").first).not_to_contain_text("done")
    expect(console.locator(".agenda-item.done")).to_have_count(1)  # arrival only
    expect(console.locator(".agenda-item.done")).to_contain_text("Arrival and welcome")


def test_single_key_shortcuts_yield_to_a_focused_button_and_can_be_switched_off(live_server, browser, errors):
    day = live_server.new_day()
    console, _ = open_console(browser, day, errors)
    expect(console.locator("#countdown")).to_have_text("15:00")
    console.locator("#btn-plus5").focus()
    console.keyboard.press("Space")  # presses "+5 min", does not start the timer
    expect(console.locator("#countdown")).to_have_text("20:00")
    expect(console.locator("#clock-status")).to_have_text("Ready to start")
    console.keyboard.press("Enter")
    expect(console.locator("#countdown")).to_have_text("25:00")
    expect(console.locator("#clock-status")).to_have_text("Ready to start")
    # off: keys do nothing, and the list of keys goes
    toggle = console.locator("#shortcuts-toggle")
    expect(toggle).to_have_text("Keyboard shortcuts on")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(toggle).to_have_text("Keyboard shortcuts off")
    console.locator("body").focus()
    console.evaluate("document.activeElement.blur()")
    console.keyboard.press("n")
    console.keyboard.press("1")
    console.keyboard.press("Space")
    # a later, visible change proves the keys above were handled (and ignored)
    console.get_by_role("button", name="+1 min").click()
    expect(console.locator("#countdown")).to_have_text("26:00")
    expect(console.locator("#step-title")).to_have_text("Arrival and welcome")
    expect(console.locator("#clock-status")).to_have_text("Ready to start")
    # the choice is kept, and on again the keys work
    console.reload()
    expect(toggle).to_have_text("Keyboard shortcuts off")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    console.evaluate("document.activeElement.blur()")
    console.keyboard.press("n")
    expect(console.locator("#step-title")).to_have_text("Presentation")


def test_focus_stays_in_place_after_enter_on_hide(live_server, browser, errors, room):
    room.timer("start")
    room.timer("next")
    room.send("Priya", "Northshire", "risk", "Placement sufficiency", "Budget")
    room.send("Priya", "Northshire", "risk", "Agency staff at the front door", "Workforce")
    console, _ = open_console(browser, room.day, errors)
    item = console.locator("#feed li.feed-item", has_text="Placement sufficiency")
    item.get_by_role("button", name="Hide").focus()
    console.keyboard.press("Enter")
    expect(item).to_have_class(re.compile(r"\bis-hidden\b"))
    expect(item.get_by_role("button", name="Show")).to_be_focused()
    console.keyboard.press("Enter")
    expect(item).not_to_have_class(re.compile(r"\bis-hidden\b"))
    expect(item.get_by_role("button", name="Hide")).to_be_focused()
    # a change elsewhere in the feed keeps it there too
    room.send("Wyn", "Westvale", "risk", "Re-referrals rising", "Performance")
    expect(console.locator("#feed")).to_contain_text("Re-referrals rising")
    expect(item.get_by_role("button", name="Hide")).to_be_focused()
    item.get_by_role("button", name="Spotlight").focus()
    console.keyboard.press("Enter")
    expect(item.get_by_role("button", name="Take down")).to_be_focused()
    # Edit opens its form with the focus in the text; Cancel brings it back to Edit
    item.get_by_role("button", name="Edit").focus()
    console.keyboard.press("Enter")
    expect(item.get_by_label("Text")).to_be_focused()
    console.keyboard.press("Tab")
    console.keyboard.press("Tab")
    console.keyboard.press("Tab")
    console.keyboard.press("Tab")
    expect(item.get_by_role("button", name="Cancel")).to_be_focused()
    console.keyboard.press("Enter")
    expect(item.get_by_role("button", name="Edit")).to_be_focused()


# ---- accessibility


CONTRAST = """(selector) => {
  const lum = (rgb) => { const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map((v) => { v = v / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const backdrop = (node) => { for (let n = node.parentElement; n; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor; if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c; }
    return 'rgb(255, 255, 255)'; };
  return [...document.querySelectorAll(selector)].filter((n) => n.offsetParent !== null).map((n) => {
    const s = getComputedStyle(n);
    return {id: n.id || n.className, border: ratio(s.borderTopColor, backdrop(n))};
  });
}"""

RING = """() => { const n = document.activeElement; const s = getComputedStyle(n);
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor}; }"""


def ratio(a: str, b: str) -> float:
    def lum(rgb):
        vals = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
        vals = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in vals]
        return 0.2126 * vals[0] + 0.7152 * vals[1] + 0.0722 * vals[2]
    hi, lo = sorted([lum(a), lum(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_focus_ring_and_input_borders_stand_out_three_to_one(live_server, browser, errors):
    day = live_server.new_day()
    console, _ = open_console(browser, day, errors)
    expect(console.locator("#conn")).to_have_text("Connected")
    pages = [console]
    for path in ("/", "/join", f"/join/{day['code']}"):
        page = browser.new_context(**LAPTOP).new_page()
        watch_errors(page, errors)
        page.goto(live_server.url + path)
        pages.append(page)
    for page in pages:
        for field in page.evaluate(CONTRAST, "input:not([type=hidden]), select, textarea"):
            assert field["border"] >= 3, f"{page.url}: {field}"
        # the keyboard's focus ring, on the page's background and on white
        page.keyboard.press("Tab")
        ring = page.evaluate(RING)
        assert ring["style"] != "none" and ring["width"] >= 2, (page.url, ring)
        for background in ("rgb(255, 255, 255)", "rgb(244, 246, 248)"):
            assert ratio(ring["color"], background) >= 3, (page.url, ring)
    for page in pages[1:]:
        page.context.close()


def test_the_agenda_panel_scrolls_and_can_be_reached_by_keyboard(live_server, browser, errors):
    day = live_server.new_day()
    console, _ = open_console(browser, day, errors)
    console.set_viewport_size({"width": 1366, "height": 768})
    panel = console.locator(".agenda-panel")
    expect(console.locator(".agenda-item")).to_have_count(19)
    assert panel.evaluate("(n) => n.scrollHeight > n.clientHeight"), "the agenda is expected to scroll here"
    # in the tab order in every browser (Chromium alone makes bare scrollers focusable), and named
    expect(panel).to_have_attribute("tabindex", "0")
    expect(panel).to_have_accessible_name("Agenda")
    assert not [f for f in axe_findings(console) if f["id"] == "scrollable-region-focusable"]
    panel.focus()
    expect(panel).to_be_focused()
    console.keyboard.press("PageDown")
    # the scroll may be animated: wait for it to have moved rather than reading it once
    console.wait_for_function("() => document.querySelector('.agenda-panel').scrollTop > 0")


def test_no_axe_findings_on_the_console_and_projector_at_any_step(live_server, browser, errors, room):
    console, _ = open_console(browser, room.day, errors)
    projector = open_projector(browser, room.day, room.day_id, errors)
    expect(console.locator("#conn")).to_have_text("Connected")
    expect(projector.locator("#conn")).to_have_text("Connected")
    room.timer("start")
    titles = room.fac.call("snapshot", timeout=5)["snapshot"]["agenda"]
    samples = {"risk": ("Priya", "Northshire", "Budget"), "question": ("Tom", "Eastbridge", None),
               "strength": ("Tom", "Eastbridge", None), "insight": ("Tom", "Eastbridge", None),
               "offer": ("Priya", "Northshire", None), "ask": ("Priya", "Northshire", None),
               "learning": ("Tom", "Eastbridge", None)}
    for n, item in enumerate(titles):
        if n:
            room.timer("next")
        expect(console.locator("#step-title")).to_have_text(item["title"])
        expect(projector.locator("#step-title")).to_have_text(item["title"])
        for kind in item["collects"]:
            if item["presenter"] and kind in ("offer", "ask", "risk"):
                name, authority = "P" + item["presenter"], item["presenter"]
            else:
                name, authority = "Obs", "observer" if kind in ("learning",) else "Westvale"
                if item["presenter"] == "Westvale":
                    name, authority = "Tom", "Eastbridge"
            room.send(name, authority, kind, f"A {kind} for {item['title']} {n}", samples[kind][2])
            expect(projector.locator("#wall")).to_contain_text(f"A {kind} for {item['title']} {n}")
        assert_accessible(console, f"console step {n} {item['title']}")
        assert_accessible(projector, f"projector step {n} {item['title']}")
