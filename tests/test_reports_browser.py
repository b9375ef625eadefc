"""In Chromium against a running server: edit a summary, agree a case study from the host's link,
and print the HTML export and the summit pack to A4 PDF (the page images are kept in tests/artifacts)."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import sync_playwright

from playwright.sync_api import expect

from tests.browser_helpers import ARTIFACTS, LAPTOP, assert_accessible, launch, pdf_pages, watch_errors
from tests.daybuilder import NAMES, play
from tests.support import LiveRoom

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (poppler-utils)")


def test_summary_agreement_and_printed_exports(live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    created = live_server.new_day()
    room = LiveRoom(live_server, created)
    try:
        play(room, hostile=True)
    finally:
        room.close()
    day_id = room.day["id"]
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = launch(pw)
        facilitator = browser.new_context(**LAPTOP).new_page()
        watch_errors(facilitator, errors)
        facilitator.goto(created["facilitator_url"])  # signs this browser in as the facilitator
        facilitator.goto(f"{live_server.url}/console/{day_id}/summary")

        # The facilitator edits session 1's summary and sees the preview follow, hostile markup inert.
        editor = facilitator.locator("#session-0 textarea[name=markdown]")
        # the grid of signatures of risk is shown from what was captured, not typed over in the text
        expect(facilitator.locator("#session-0 .captured-grid td", has_text="Northshire worries about recruiting")).to_be_visible()
        assert "Northshire worries about recruiting social workers" not in editor.input_value()
        assert "How do you know your early help offer" in editor.input_value()
        assert_accessible(facilitator, "summary editor")
        editor.fill("## Session 1: Northshire\n\nA confident, open session: **the workforce academy** stood out."
                    "\n\n<img src=x onerror=\"document.title='owned'\">\n")
        preview = facilitator.locator("#session-0 .preview")
        try:
            preview.locator("strong", has_text="the workforce academy").wait_for(timeout=8000)
        except Exception:
            raise AssertionError(errors)
        assert preview.locator("img").count() == 0 and "onerror" in preview.inner_text()
        facilitator.locator("#session-0 button[value=save]").click()
        facilitator.locator("#session-0 .state", has_text="Edited by you").wait_for()
        assert facilitator.title() != "owned"
        facilitator.screenshot(path=str(ARTIFACTS / "summary-editor.png"))
        facilitator.locator("#case-studies a", has_text="Edit").first.click()
        facilitator.locator("form.case-form").wait_for()
        assert_accessible(facilitator, "case study (facilitator)")
        facilitator.go_back()
        link = facilitator.locator("#hosts li", has_text="Northshire").locator("a").get_attribute("href")

        # The host agrees one of its case studies from its own link, in its own browser.
        host = browser.new_context(**LAPTOP).new_page()
        watch_errors(host, errors)
        host.goto(link)
        first = host.locator("article.case-study").first
        title = first.locator("h4").inner_text()
        first.locator("button[value=agreed]").click()
        host.locator("article.case-study").first.locator(".state", has_text="Agreed on").wait_for()
        host.locator("article.decision:not(.case-study)", has_text="recruitment and retention academy").locator(
            "button[value=agreed]").click()
        host.locator("article.decision:not(.case-study)", has_text="recruitment and retention academy").locator(
            ".state", has_text="Agreed on").wait_for()
        host.screenshot(path=str(ARTIFACTS / "host-review.png"), full_page=True)
        assert_accessible(host, "host review")
        host.locator("article.case-study a", has_text="Edit, then agree").first.click()
        host.locator("form.case-form").wait_for()
        assert_accessible(host, "case study (host)")

        # The HTML export prints to A4 pages (as it stands: the reflection is still to be written up).
        facilitator.goto(f"{live_server.url}/console/{day_id}/export.html?anyway=1")
        html = facilitator.content()
        assert "A confident, open session" in html and title in html
        assert not any(name in html for name in NAMES.values())
        assert facilitator.locator("img, script").count() == 0
        assert_accessible(facilitator, "day export (HTML)")
        pages = pdf_pages(facilitator, "day-export")
        assert len(pages) >= 3

        # The summit pack from its picker page, with the agreed case study and the grid.
        facilitator.emulate_media(media="screen")
        facilitator.goto(f"{live_server.url}/summit")
        assert_accessible(facilitator, "summit picker")
        facilitator.locator("button.primary").click()
        facilitator.locator("svg.grid").wait_for()
        assert title in facilitator.content()
        assert facilitator.locator("article.case").count() == 1
        assert_accessible(facilitator, "summit pack (HTML)")
        summit_pages = pdf_pages(facilitator, "summit-pack")
        assert summit_pages
        browser.close()
    # No script error or blocked resource on these pages (the console itself is tested elsewhere).
    assert [e for e in errors if f"/console/{day_id}/" in e or "/review/" in e or "/summit" in e] == []
