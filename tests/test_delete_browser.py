"""Deleting a day from its summary page in Chromium: the page says what goes, asks for the title,
refuses a wrong one aloud, and says what it took; the phone that joined it can no longer open it."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.browser_helpers import assert_accessible, join_phone, launch, open_console, shot  # noqa: E402


def test_the_facilitator_deletes_a_day_from_its_summary_page(live_server):
    errors: list[str] = []
    created = live_server.new_day(title="Triad to let go")
    with sync_playwright() as pw:
        browser = launch(pw)
        phone = join_phone(browser, created, "Rowan Ellery", "Eastbridge", errors)
        console, day_id = open_console(browser, created, errors)
        console.goto(f"{live_server.url}/console/{day_id}/summary")
        console.get_by_role("link", name="Delete this day and everything it holds").click()
        expect(console.get_by_role("heading", level=1)).to_have_text("Delete this day")
        expect(console.locator(".lead")).to_contain_text("1 participant,")
        assert_accessible(console, "delete a day: asked")
        console.get_by_label("Type the title, “Triad to let go”, to delete it").fill("Triad")
        console.get_by_role("button", name="Delete this day for good").click()
        expect(console.get_by_role("alert")).to_contain_text("Type the title")
        assert_accessible(console, "delete a day: wrong title")
        console.get_by_label("Type the title, “Triad to let go”, to delete it").fill("Triad to let go")
        shot(console, "delete-day-asked")
        console.get_by_role("button", name="Delete this day for good").click()
        expect(console.get_by_role("status")).to_contain_text("Removed for good")
        expect(console.get_by_role("heading", level=1)).to_have_text("“Triad to let go” is deleted")
        assert_accessible(console, "delete a day: done")
        shot(console, "delete-day-done")
        assert console.request.get(f"{live_server.url}/console/{day_id}").status == 404
        assert phone.request.get(created["join_url"]).status == 404
        browser.close()
    refused = f"{live_server.url}/console/{day_id}/delete: Failed to load resource: the server responded with a " \
              "status of 400 (BAD REQUEST)"
    assert errors == [refused]  # the wrong title, answered 400 with the page saying why
