"""A child's details held back, in the browsers of the room: the sender's phone says why, the
console shows it marked to edit, release or remove, and no other phone nor the projector shows it."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import SMALL_PHONE, assert_accessible, join_phone, open_console, open_projector, send, shot  # noqa: E402
from .test_phone_browser import VOTE_NAME_RULE, room, to_open_questions  # noqa: E402,F401 - the live day

SENT = "Jayden Smith (DOB 04/05/2015), NHS number 943 476 5919: how is his plan reviewed?"
EDITED = "How is the plan of the child we discussed reviewed?"


def test_a_childs_details_are_held_for_the_facilitator_until_released(room, browser, errors):
    day, facilitator = room
    to_open_questions(facilitator)
    console, day_id = open_console(browser, day, errors)
    projector = open_projector(browser, day, day_id, errors)
    sender = join_phone(browser, day, "Tom", "Eastbridge", errors, device=SMALL_PHONE)
    other = join_phone(browser, day, "Wes", "Westvale", errors, device=SMALL_PHONE)
    expect(sender.locator("#step-title")).to_have_text("Open questions")

    send(sender, SENT)
    status = sender.locator("#send-status")
    expect(status).to_contain_text("Held for the facilitator to check")
    expect(status).to_contain_text("an NHS number and a date of birth")
    expect(sender.locator("#mine")).to_contain_text("held for the facilitator: it seems to hold an NHS number")
    expect(sender.locator("#wall")).not_to_contain_text("Jayden")
    shot(sender, "child-details-phone-held")
    assert_accessible(sender, "phone: a contribution held for a child's details", rules=VOTE_NAME_RULE)

    held = console.locator("#held-panel")
    expect(held).to_be_visible()
    expect(held.locator(".feed-text")).to_have_text(SENT)
    expect(held).to_contain_text("seems to hold an NHS number and a date of birth")
    expect(console.locator("#announcer")).to_contain_text("A contribution is held for you to check")
    expect(console.locator("#feed")).not_to_contain_text("Jayden")  # shown once, where it can be acted on

    # A question sent after it reaches every screen: the held one, sent first, reached none of them.
    facilitator.question_from("Westvale", "How do you hear the voice of the child in planning?")
    for wall in (projector.locator("#wall"), other.locator("#wall"), console.locator("#preview")):
        expect(wall).to_contain_text("voice of the child")
    for page in (projector, other):
        expect(page.locator("body")).not_to_contain_text("Jayden")
        expect(page.locator("body")).not_to_contain_text("5919")
    expect(console.locator("#preview")).not_to_contain_text("Jayden")
    shot(console, "child-details-console-held")
    assert_accessible(console, "console: a contribution held for a child's details")

    # The facilitator edits the details out, then releases it to the room.
    held.get_by_role("button", name="Edit").click()
    editor = held.locator("textarea")
    expect(editor).to_be_focused()
    editor.fill(EDITED)
    held.get_by_role("button", name="Save").click()
    expect(held.locator(".feed-text")).to_have_text(EDITED)
    expect(projector.locator("#wall")).not_to_contain_text("discussed")
    held.get_by_role("button", name="Release to the room").click()
    expect(held).to_be_hidden()
    expect(projector.locator("#wall")).to_contain_text(EDITED)
    expect(other.locator("#wall")).to_contain_text(EDITED)
    expect(sender.locator("#mine")).to_contain_text("on the wall")
    expect(console.locator("#announcer")).to_have_text("Released to the room.")

    # Another is removed for good: its author is told, and it leaves every screen.
    send(sender, "Amira (9) goes to Hillside Academy: what support does the school get?")
    expect(held.locator(".feed-text")).to_contain_text("Amira")
    held.get_by_role("button", name="Remove…").click()
    confirm = held.get_by_role("button", name="Remove for good")
    expect(confirm).to_be_focused()
    confirm.click()
    expect(held).to_be_hidden()
    expect(sender.locator("#mine")).to_contain_text("Removed by the facilitator")
    expect(sender.locator("#mine")).not_to_contain_text("Amira")
    shot(sender, "child-details-phone-removed")
    for page in (projector, other, console):
        expect(page.locator("body")).not_to_contain_text("Amira")
    assert not errors, errors


def test_a_note_with_a_childs_details_is_held_for_the_lead_until_released(live_server, browser, errors):
    from .test_review_host_voice_browser import HYPOTHESES, join, new_page, set_up

    lead = set_up(browser, errors, live_server.url)
    host = new_page(browser, errors)
    host.goto(lead.locator("#host-link").get_attribute("href"))
    host.click("text=Record our decision")
    expect(host.locator("fieldset.decision").first).to_contain_text("Decided: investigate")
    phone = join(browser, errors, lead.locator("#join-link").get_attribute("href"), "TM1")
    lead.reload()
    expect(lead.locator("#lead-conn")).to_have_class(re.compile(r"\bok\b"))

    phone.select_option("#line", label=f"1. {HYPOTHESES[0]}")
    phone.select_option("#source", "Case file")
    phone.fill("#note-text", "Tyler Brown, aged 11, Mosaic ID 7712345: no visit for ten weeks")
    phone.click("#send-note")
    expect(phone.locator("#note-status")).to_contain_text("Held for the lead reviewer to check")
    expect(phone.locator("#mine li").first).to_contain_text("held for the lead reviewer")
    shot(phone, "child-details-notebook-held")
    assert_accessible(phone, "notebook: a note held for a child's details")

    held = lead.locator("#held-notes")
    expect(held).to_be_visible()
    expect(held).to_contain_text("seems to hold a name with an age and a case reference")
    expect(lead.locator("#lead-announcer")).to_have_text("A note is held for you to check.")
    expect(lead.locator("#feed")).not_to_contain_text("Tyler")
    shot(lead, "child-details-review-console-held", full_page=True)
    assert_accessible(lead, "review console: a note held for a child's details")

    held.get_by_label("The note, as it will be kept").fill("A child of 11: no visit for ten weeks")
    held.get_by_role("button", name="Release into the record").click()
    expect(lead.locator("#held-notes")).to_be_hidden()
    expect(lead.locator("#feed")).to_contain_text("A child of 11: no visit for ten weeks")
    assert not errors, errors
