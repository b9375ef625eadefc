"""The day's end, the presenter's reflection and a serious concern in a browser: the console's end
button and its confirmation, the phone and the projector saying the day is over (live and on
reload), the reflection written on the presenter's phone reaching the console, and a concern
raised from a phone reaching the console and the host's phone at once, answered and signed."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import assert_accessible, join_phone, open_console, open_projector, shot  # noqa: E402
from .test_phone_browser import room  # noqa: E402,F401 - the live day and its facilitator's socket

LAST = 18  # arrival, three sessions of five steps, a break, lunch: the learning points are item 18
REFLECTION = 5


def _move_to(facilitator, index: int) -> None:
    facilitator.timer("start")
    for _ in range(index):
        facilitator.timer("next")


def test_the_console_ends_the_day_and_every_screen_says_it_is_over(room, browser, errors):
    day, facilitator = room
    console, day_id = open_console(browser, day, errors)
    projector = open_projector(browser, day, day_id, errors)
    phone = join_phone(browser, day, "Pat", "Northshire", errors)
    _move_to(facilitator, LAST)
    expect(phone.locator("#step-title")).to_have_text("Learning points")

    console.click("#btn-end")
    expect(console.locator("#end-confirm")).to_be_visible()
    expect(console.locator("#end-confirm-text")).to_contain_text("This cannot be undone")
    expect(console.locator("#btn-end-no")).to_be_focused()
    assert_accessible(console, "console, asked to confirm the end of the day")
    console.click("#btn-end-no")  # a second thought changes nothing
    expect(console.locator("#end-confirm")).to_be_hidden()
    expect(phone.locator("#step-title")).to_have_text("Learning points")

    console.click("#btn-end")
    console.click("#btn-end-yes")
    expect(console.locator("#ended-note")).to_contain_text("The day ended at")
    expect(console.locator("#clock-status")).to_contain_text("Ended at")
    expect(console.locator("#btn-toggle")).to_be_disabled()
    expect(console.locator("#btn-next")).to_be_disabled()
    expect(console.locator("#end-day")).to_be_hidden()
    expect(console.locator("#countdown")).to_have_text("Ended")
    expect(phone.locator("#step-title")).to_have_text("The day is over")
    expect(phone.locator("#ended")).to_be_visible()
    expect(phone.locator("#add")).to_be_hidden()
    expect(phone.locator("#countdown")).to_have_text("Ended")
    expect(projector.locator("#step-title")).to_have_text("The day is over")
    expect(projector.locator("#wall")).to_contain_text("Nothing more can be added from phones")
    expect(projector.locator("#wall")).to_contain_text("The day ended at")
    shot(console, "day-ended-console")
    shot(phone, "day-ended-phone", full_page=True)
    shot(projector, "day-ended-projector")
    assert_accessible(console, "console, the day ended")
    assert_accessible(phone, "phone, the day ended")
    assert_accessible(projector, "projector, the day ended")

    for page in (phone, projector):  # a reload is told the same
        page.reload()
        expect(page.locator("#step-title")).to_have_text("The day is over")
    expect(phone.locator("#add")).to_be_hidden()


def test_the_presenters_phone_writes_its_reflection_and_the_console_shows_it(room, browser, errors):
    day, facilitator = room
    console, day_id = open_console(browser, day, errors)
    presenter = join_phone(browser, day, "Pat", "Northshire", errors)
    visitor = join_phone(browser, day, "Eve", "Eastbridge", errors)
    _move_to(facilitator, REFLECTION)
    expect(presenter.locator("#step-title")).to_have_text("Reflection")
    expect(presenter.locator("#reflect")).to_be_visible()
    expect(visitor.locator("#step-title")).to_have_text("Reflection")
    expect(visitor.locator("#reflect")).to_be_hidden()

    presenter.fill("#heard", "That our early help story needs its evidence.")
    presenter.fill("#will-do", "Bring the data profile to scrutiny in March.")
    presenter.click("#reflect-save")
    expect(presenter.locator("#reflect-status")).to_have_text("Saved. The facilitator sees it now.")
    expect(console.locator("#reflect-0-will_do")).to_have_value("Bring the data profile to scrutiny in March.")
    expect(console.locator("#reflect-0-heard")).to_have_value("That our early help story needs its evidence.")
    shot(presenter, "reflection-phone", full_page=True)
    assert_accessible(presenter, "phone, the presenter's reflection")
    assert_accessible(console, "console, a reflection received")

    console.fill("#reflect-1-heard", "That the budget story lands.")
    console.click("button[aria-label=\"Save Eastbridge's reflection\"]")
    expect(console.locator("#reflect-status")).to_have_text("Saved for Eastbridge.")
    expect(console.locator("#reflect-1-heard")).to_have_value("That the budget story lands.")


def test_a_concern_raised_from_a_phone_reaches_the_console_and_the_host_at_once(room, browser, errors):
    day, facilitator = room
    console, day_id = open_console(browser, day, errors)
    projector = open_projector(browser, day, day_id, errors)
    host = join_phone(browser, day, "Pat", "Northshire", errors)
    visitor = join_phone(browser, day, "Eve", "Eastbridge", errors)
    _move_to(facilitator, 2)  # open questions: Northshire presents
    expect(visitor.locator("#step-title")).to_have_text("Open questions")

    visitor.click("#concern-open")
    expect(visitor.locator("#concern-authority")).to_have_value("Northshire")
    visitor.fill("#concern-nature", "A referral left unallocated with a risk of harm")
    visitor.fill("#concern-seen", "Case notes shown in the presentation")
    assert_accessible(visitor, "phone, raising a serious concern")
    visitor.click("#concern-send")
    expect(visitor.locator("#concern-status")).to_contain_text("Raised.")
    expect(console.locator("#concerns")).to_contain_text("A referral left unallocated")
    expect(console.locator("#concerns")).to_contain_text("Raised by")
    expect(host.locator("#host-concerns")).to_be_visible()
    expect(host.locator("#host-concern-list")).to_contain_text("Case notes shown in the presentation")

    host.locator("#host-concern-list textarea").fill("The AD allocates it today.")
    host.click("text=Save our response")
    expect(host.locator("#host-concern-status")).to_have_text("Response saved.")
    host.click("text=Sign for Northshire")
    expect(host.locator("#host-concern-status")).to_have_text("Signed for Northshire.")
    expect(console.locator("#concerns")).to_contain_text("The AD allocates it today.")
    console.click("text=Sign as the facilitator")
    expect(console.locator("#concerns h3")).to_contain_text("signed by both")
    expect(host.locator("#host-concern-list")).not_to_contain_text("Signed by the facilitator" + "not yet")
    shot(host, "concern-host-phone", full_page=True)
    shot(console, "concern-console")
    assert_accessible(host, "phone, the host's signed concern")
    assert_accessible(console, "console, a signed concern")
    expect(projector.locator("#screen")).not_to_contain_text("unallocated")
    expect(visitor.locator("#host-concerns")).to_be_hidden()
