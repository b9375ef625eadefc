"""The whole thing in a browser: a console, a projector and two phones run one session live."""

from __future__ import annotations

import re
import time

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import (assert_accessible, join_phone, open_console, open_projector, send,  # noqa: E402
                              shot)
from .support import LiveServer  # noqa: E402

STEPS_AFTER_SESSION_1 = ["Break"] + ["Presentation", "Open questions", "Strengths", "Balcony", "Reflection"] + [
    "Lunch"] + ["Presentation", "Open questions", "Strengths", "Balcony", "Reflection"] + ["Learning points"]


def seconds(text: str) -> int:
    sign = -1 if text.startswith("+") else 1
    parts = [int(x) for x in text.lstrip("+").split(":")]
    total = 0
    for p in parts:
        total = total * 60 + p
    return sign * total


COUNTDOWN = re.compile(r"^\+?(\d+:)?\d\d:\d\d$")  # not the "--:--" drawn before the first snapshot
PAUSED = re.compile(r"\bpaused\b")


def clock_text(total: int) -> str:
    """Seconds as the countdown shows them: mm:ss, or h:mm:ss past the hour."""
    h, m, s = total // 3600, total % 3600 // 60, total % 60
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def countdown(page) -> int:
    """The countdown in seconds, once it shows a time."""
    locator = page.locator("#countdown")
    expect(locator).to_have_text(COUNTDOWN)
    return seconds(locator.inner_text())


def paused_countdown(page) -> int:
    """A paused countdown in seconds: read after the page has drawn the pause, so it no longer moves."""
    expect(page.locator("#countdown")).to_have_class(PAUSED)
    return countdown(page)


def agrees_with(page, console, within: int = 1, timeout_s: float = 20) -> list[int]:
    """Wait until a running countdown reads between two readings of the console's, give or take
    `within` seconds: a bracket, so how long each reading takes does not matter."""
    deadline = time.monotonic() + timeout_s
    while True:
        reading = [countdown(console), countdown(page), countdown(console)]
        if reading[2] - within <= reading[1] <= reading[0] + within or time.monotonic() > deadline:
            return reading
        page.wait_for_timeout(100)  # the phone is still measuring its offset: look again


def countdown_fits(page) -> bool:
    """Whether the countdown's digits lie inside its box: a clipped countdown is unreadable."""
    return page.evaluate("""() => { const c = document.querySelector('#countdown');
        const text = document.createRange(); text.selectNodeContents(c);
        return text.getBoundingClientRect().right <= c.getBoundingClientRect().right; }""")


def next_step(console, title: str) -> None:
    console.keyboard.press("n")
    expect(console.locator("#step-title")).to_have_text(title)


def test_a_whole_session_live(live_server, browser, errors):
    day = live_server.new_day()
    console, day_id = open_console(browser, day, errors)
    projector = open_projector(browser, day, day_id, errors)
    pres = join_phone(browser, day, "Priya", "Northshire", errors)
    vis = join_phone(browser, day, "Tom", "Eastbridge", errors)

    expect(console.locator("#step-title")).to_have_text("Arrival and welcome")
    expect(projector.locator(".welcome-code")).to_have_text(day["code"])
    shot(projector, "projector-0-arrival")
    assert_accessible(projector, "projector-0-arrival")
    shot(pres, "phone-0-arrival", full_page=True)
    assert_accessible(pres, "phone-0-arrival", rules=("label-content-name-mismatch",))

    # start, then on to the first presentation
    console.keyboard.press("Space")
    expect(console.locator("#clock-status")).to_contain_text("Running")
    next_step(console, "Presentation")
    expect(console.locator(".agenda-item.current")).to_contain_text("Presentation")
    expect(console.locator(".agenda-item.done")).to_contain_text("Arrival and welcome")
    expect(projector.locator("#step-context")).to_have_text("Session 1 · Step 1 of 5 · Northshire presents")
    expect(pres.locator("#step-title")).to_have_text("Presentation")
    expect(pres.locator("#who")).to_have_text("Northshire presents")

    send(pres, "Budget pressure from home-to-school transport", category="Budget")
    expect(pres.locator("#mine")).to_contain_text("on the wall")
    expect(projector.locator(".risk-col", has_text="Named by Northshire")).to_contain_text("home-to-school transport")
    shot(pres, "phone-1-presentation-presenter", full_page=True)
    assert_accessible(pres, "phone-1-presentation-presenter", rules=("label-content-name-mismatch",))

    # open questions: the visitors take turns
    next_step(console, "Open questions")
    expect(vis.locator("#who")).to_have_text("Visitors ask questions, taking turns")
    send(vis, "What helped you hold on to your experienced social workers?", kind_label="Open question")
    expect(vis.locator("#send-status")).to_have_text("Sent. Thank you.")
    send(vis, "Agency staff turnover at the front door", kind_label="Signature of risk", category="Workforce")
    expect(vis.locator("#mine")).to_contain_text("Agency staff turnover")
    # a closed question gets a gentle nudge, and can be edited
    send(vis, "Is the budget agreed?", kind_label="Open question")
    expect(vis.locator("#nudge")).to_contain_text("closed question")
    vis.click("#nudge-edit")
    vis.locator("#mine li.editing textarea").fill("How was the budget agreed with the council?")
    vis.locator("#mine li.editing").get_by_role("button", name="Save").click()
    expect(vis.locator("#wall")).to_contain_text("How was the budget agreed")
    expect(pres.locator("#wall")).to_contain_text("hold on to your experienced social workers")

    queue = projector.locator(".wall-section.queue")
    expect(queue).to_contain_text("Eastbridge's turn")
    expect(projector.locator(".next-question")).to_contain_text("hold on to your experienced social workers")
    expect(queue).to_contain_text("How was the budget agreed with the council?")
    expect(projector.locator(".risk-col", has_text="Named by Northshire")).to_contain_text("Budget")
    expect(projector.locator(".risk-col", has_text="Added by visitors")).to_contain_text("Agency staff turnover")
    expect(projector.locator(".risk-col", has_text="Added by visitors")).not_to_contain_text("home-to-school")
    expect(projector.locator("#prompts")).to_contain_text("Questions about the political climate")
    expect(console.locator("#queue")).to_contain_text("Eastbridge's turn")
    shot(projector, "projector-2-open-questions")
    assert_accessible(projector, "projector-2-open-questions")
    shot(vis, "phone-2-open-questions-visitor", full_page=True)
    assert_accessible(vis, "phone-2-open-questions-visitor", rules=("label-content-name-mismatch",))

    # the presenter votes on a question; the facilitator marks the first one asked
    pres.locator("#wall li", has_text="How was the budget agreed").get_by_role("button").click()
    expect(pres.locator("#wall li", has_text="How was the budget agreed").locator("button.vote.on")).to_have_text(re.compile("1"))
    # with a vote, it goes to the top of the queue
    expect(projector.locator(".next-question")).to_contain_text("How was the budget agreed")
    expect(console.locator("#queue .queue-next")).to_contain_text("How was the budget agreed")
    console.locator("#queue").get_by_role("button", name="Mark asked").click()
    expect(projector.locator(".next-question")).to_contain_text("hold on to your experienced")
    expect(console.locator("#feed li", has_text="How was the budget agreed")).to_contain_text("asked")
    expect(vis.locator("#wall li", has_text="How was the budget agreed")).to_contain_text("asked")
    shot(console, "console-2-open-questions")
    assert_accessible(console, "console-2-open-questions")

    # strengths: everyone
    next_step(console, "Strengths")
    send(pres, "Our edge-of-care team keeps families together", kind_label=None)
    send(vis, "A stable, visible leadership team that staff trust")
    cards = projector.locator(".wall-section.cards")
    expect(cards).to_contain_text("edge-of-care team")
    expect(cards).to_contain_text("stable, visible leadership team")

    # balcony: the presenter listens
    next_step(console, "Balcony")
    expect(pres.locator("#balcony")).to_be_visible()
    expect(pres.locator("#who")).to_have_text("Listen from the balcony")
    expect(pres.locator("#add")).to_be_hidden()
    expect(pres.locator("#countdown")).to_have_text(re.compile(r"^(19|20):\d\d$"))
    send(vis, "The story told is about structures more than about children's experience")
    expect(projector.locator(".wall-section.cards")).to_contain_text("structures more than")
    expect(projector.locator("#prompts")).to_contain_text("Questions to ask from the balcony")
    expect(projector.locator("#who")).to_contain_text("Northshire listens")
    shot(pres, "phone-4-balcony-presenter", full_page=True)
    assert_accessible(pres, "phone-4-balcony-presenter", rules=("label-content-name-mismatch",))
    shot(vis, "phone-4-balcony-visitor", full_page=True)
    assert_accessible(vis, "phone-4-balcony-visitor", rules=("label-content-name-mismatch",))
    shot(projector, "projector-4-balcony")
    assert_accessible(projector, "projector-4-balcony")

    # reflection: offers and asks; the facilitator stars the offer
    next_step(console, "Reflection")
    expect(pres.locator("#balcony")).to_be_hidden()
    send(pres, "Our family hubs model, open to any authority to visit", kind_label="Offer")
    expect(pres.locator("#send-status")).to_have_text("Sent. Thank you.")
    send(pres, "Help recruiting experienced social workers", kind_label="Ask")
    expect(projector.locator(".wall-section.cards")).to_contain_text("family hubs model")
    expect(projector.locator(".wall-section.cards")).to_contain_text("recruiting experienced")
    offer = console.locator("#feed li.feed-item", has_text="family hubs model")
    offer.get_by_role("button", name="Star").click()
    expect(offer).to_contain_text("★ case study")
    expect(projector.locator(".wall-card", has_text="family hubs model")).to_contain_text("★ case study")

    # pause, +1 minute, resume on the console
    console.get_by_role("button", name="Pause").click()
    expect(console.locator("#clock-status")).to_have_text("Paused")
    expect(console.locator("#btn-toggle")).to_have_text("Resume")
    before = paused_countdown(console)
    assert paused_countdown(projector) == before
    console.keyboard.press("1")
    # exactly a minute more, on both screens: a paused countdown does not move meanwhile
    expect(console.locator("#countdown")).to_have_text(clock_text(before + 60))
    expect(projector.locator("#countdown")).to_have_text(clock_text(before + 60))
    console.get_by_role("button", name="Resume").click()
    expect(console.locator("#clock-status")).to_contain_text("Running")
    expect(console.locator("#announcer")).to_have_text("Reflection resumed.")

    # the facilitator hides an ask and a question: gone from the projector and the phones' wall
    console.locator("#feed li.feed-item", has_text="recruiting experienced").get_by_role("button", name="Hide").click()
    expect(projector.locator("#wall")).not_to_contain_text("recruiting experienced")
    expect(console.locator("#feed li.is-hidden")).to_contain_text("recruiting experienced")
    expect(pres.locator("#mine li", has_text="recruiting experienced")).to_contain_text("hidden by the facilitator")
    console.locator("#feed li.feed-item", has_text="How was the budget agreed").get_by_role("button", name="Hide").click()
    expect(pres.locator("#wall")).not_to_contain_text("How was the budget agreed")
    expect(vis.locator("#wall")).not_to_contain_text("How was the budget agreed")
    expect(pres.locator("#wall")).to_contain_text("hold on to your experienced")
    shot(console, "console-5-reflection")
    assert_accessible(console, "console-5-reflection")
    shot(projector, "projector-5-reflection")
    assert_accessible(projector, "projector-5-reflection")
    shot(pres, "phone-5-reflection-presenter", full_page=True)
    assert_accessible(pres, "phone-5-reflection-presenter", rules=("label-content-name-mismatch",))

    # the rest of the day, on to the closing learning points
    for title in STEPS_AFTER_SESSION_1:
        next_step(console, title)
    expect(console.locator("#btn-next")).to_be_disabled()
    expect(vis.locator("#step-title")).to_have_text("Learning points")
    send(vis, "Asking what changed for children kept every session grounded")
    expect(projector.locator(".wall-section.cards")).to_contain_text("what changed for children")
    expect(console.locator("#late")).to_have_text(re.compile(r"On time|min (late|ahead)"))
    shot(projector, "projector-6-learning-points")
    assert_accessible(projector, "projector-6-learning-points")
    shot(console, "console-6-learning-points")
    assert_accessible(console, "console-6-learning-points")
    shot(vis, "phone-6-learning-points", full_page=True)
    assert_accessible(vis, "phone-6-learning-points", rules=("label-content-name-mismatch",))
    # the phones stayed within their width
    for phone in (pres, vis):
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_offline_phone_sends_once_when_back(live_server, browser, errors):
    day = live_server.new_day()
    console, day_id = open_console(browser, day, errors)
    projector = open_projector(browser, day, day_id, errors)
    phone = join_phone(browser, day, "Sam", "Eastbridge", errors)
    console.keyboard.press("Space")
    next_step(console, "Presentation")
    expect(phone.locator("#step-title")).to_have_text("Presentation")

    phone.context.set_offline(True)
    expect(phone.locator("#conn")).not_to_have_text("Connected")
    send(phone, "Sent from the car park with no signal", category="Performance")
    expect(phone.locator("#send-status")).to_contain_text("waiting to send (1)")
    expect(phone.locator("#conn")).to_contain_text("1 waiting to send")
    expect(phone.locator("#mine li.waiting")).to_contain_text("car park")
    shot(phone, "phone-offline-waiting", full_page=True)
    assert_accessible(phone, "phone-offline-waiting", rules=("label-content-name-mismatch",))
    # the outbox survives a reload while offline? It is in localStorage; go back online now.
    phone.context.set_offline(False)
    expect(phone.locator("#conn")).to_have_text("Connected", timeout=15000)
    added = projector.locator(".risk-list li", has_text="car park")
    expect(added).to_have_count(1)
    expect(phone.locator("#mine")).to_contain_text("on the wall")
    phone.wait_for_timeout(500)
    expect(added).to_have_count(1)
    expect(console.locator("#feed li.feed-item", has_text="car park")).to_have_count(1)
    shot(projector, "projector-offline-arrived")
    # a reconnection attempt the socket began before the page heard it was offline fails, rightly,
    # and the browser logs it: under load the WebSocket can close before the "offline" event runs
    errors[:] = [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e]


def test_screens_with_wrong_clocks_still_show_the_same_countdown(live_server, browser, errors):
    """Two phones whose clocks are minutes out either way count down with the console to the second."""
    day = live_server.new_day()
    console, day_id = open_console(browser, day, errors)
    fast = join_phone(browser, day, "Fast", "Eastbridge", errors, clock_skew_ms=7 * 60_000)
    slow = join_phone(browser, day, "Slow", "Westvale", errors, clock_skew_ms=-95_000)
    assert fast.evaluate("Date.now()") - console.evaluate("Date.now()") > 6 * 60_000
    console.keyboard.press("Space")
    expect(console.locator("#clock-status")).to_contain_text("Running")
    for phone in (fast, slow):
        expect(phone.locator("#countdown")).not_to_have_text("15:00")
    projector = open_projector(browser, day, day_id, errors)
    projector.set_viewport_size({"width": 1024, "height": 768})  # an old 4:3 projector
    for page in (fast, slow, projector):
        reading = agrees_with(page, console)
        assert reading[2] - 1 <= reading[1] <= reading[0] + 1, reading
    assert 13 * 60 < countdown(console) < 15 * 60
    # and the small projector shows the whole of a countdown past the hour, not a clipped one
    next_step(console, "Presentation")
    next_step(console, "Open questions")
    expect(projector.locator("#countdown")).to_have_text(re.compile(r"^1:0\d:\d\d$"))
    assert countdown_fits(projector)


def test_a_server_restart_mid_step_is_survived_without_a_reload(live_server, browser, errors):
    day = live_server.new_day()
    console, day_id = open_console(browser, day, errors)
    phone = join_phone(browser, day, "Ana", "Northshire", errors)
    console.keyboard.press("Space")
    next_step(console, "Presentation")
    expect(phone.locator("#step-title")).to_have_text("Presentation")
    before, read_before = countdown(phone), time.monotonic()

    live_server.stop()
    expect(phone.locator("#conn")).not_to_have_text("Connected", timeout=10000)
    live_server.start()
    expect(phone.locator("#conn")).to_have_text("Connected", timeout=15000)
    expect(console.locator("#conn")).to_contain_text("Connected", timeout=15000)
    # the pages rightly log their refused reconnection attempts while the server was down
    errors[:] = [e for e in errors if "ERR_CONNECTION_REFUSED" not in e]
    after, read_after = countdown(phone), time.monotonic()
    # the same countdown, still running: it lost no more than the time the restart took
    assert 0 <= before - after <= read_after - read_before + 2, (before, after, read_after - read_before)
    send(phone, "Placement sufficiency", category="Budget")
    expect(phone.locator("#send-status")).to_have_text("Sent. Thank you.")
    expect(console.locator("#feed")).to_contain_text("Placement sufficiency")


QUICK_SCRIPT = """
id = "quick"
title = "A one-authority review with a three-second step"
session = ["talk", "listen"]
day = ["session", "close"]
[kinds.note]
label = "Note"
[steps.talk]
title = "Talk"
minutes = 0.05
speaker = "presenter"
collects = ["note"]
[steps.listen]
title = "Listen"
minutes = 5
speaker = "visitors"
[steps.close]
title = "Close"
minutes = 10
speaker = "facilitator"
collects = ["note"]
"""


def test_an_overrun_counts_up_in_warning_colour_under_another_script(tmp_path, browser, errors):
    """A script with one authority, no risks and a three-second step: the overrun shows plainly."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "quick.toml").write_text(QUICK_SCRIPT)
    server = LiveServer(tmp_path, scripts=tmp_path / "scripts").start()
    try:
        day = server.new_day(authorities=["Hostshire"], title="Quick review", script="quick")
        console, day_id = open_console(browser, day, errors)
        projector = open_projector(browser, day, day_id, errors)
        phone = join_phone(browser, day, "Hana", "Hostshire", errors)
        expect(console.locator("#step-title")).to_have_text("Talk")
        console.keyboard.press("Space")
        for page in (console, projector):
            expect(page.locator("#countdown")).to_have_class(re.compile(r"\bover\b"), timeout=8000)
            expect(page.locator("#countdown")).to_have_text(re.compile(r"^\+00:0\d$"))
        expect(console.locator("#announcer")).to_have_text("Time is up for Talk.")
        assert countdown_fits(projector)
        send(phone, "A short note from the host")
        expect(projector.locator("#wall")).to_contain_text("A short note from the host")
        shot(console, "console-overrun")
        assert_accessible(console, "console-overrun")
        shot(projector, "projector-overrun")
        assert_accessible(projector, "projector-overrun")
        next_step(console, "Listen")
        expect(console.locator("#countdown")).not_to_have_class(re.compile(r"\bover\b"))
        next_step(console, "Close")
        expect(phone.locator("#step-title")).to_have_text("Close")
    finally:
        server.close()
