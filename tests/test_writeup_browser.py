"""After the session, in Chromium: the host's rewording is what is agreed and what every output
carries; the summary editor keeps unsaved edits; drafting scaffolding never reaches print."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.browser_helpers import LAPTOP, assert_accessible, launch, watch_errors  # noqa: E402
from tests.daybuilder import play  # noqa: E402
from tests.browser_helpers import pdf_pages  # noqa: E402
from tests.support import LiveRoom  # noqa: E402

ASK = "Help with recruiting experienced social workers to the workforce"
REWORDED = "Mentoring from a neighbour for our newly qualified social workers"
OFFER = "Northshire can share its recruitment and retention academy model"


@pytest.fixture(scope="module")
def played_day(tmp_path_factory):
    """One day played to its end over the real-time API of a live server."""
    from tests.support import LiveServer

    server = LiveServer(tmp_path_factory.mktemp("writeup")).start()
    created = server.new_day()
    room = LiveRoom(server, created)
    try:
        play(room)
    finally:
        room.close()
    yield server, created, room.day["id"]
    server.close()


@pytest.fixture
def pages(played_day):
    server, created, day_id = played_day
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = launch(pw)
        facilitator = browser.new_context(**LAPTOP).new_page()
        watch_errors(facilitator, errors)
        facilitator.goto(created["facilitator_url"])
        facilitator.goto(f"{server.url}/console/{day_id}/summary")
        yield server, day_id, facilitator, browser
        browser.close()
    assert errors == []


def host_page(browser, facilitator, authority="Northshire"):
    link = facilitator.locator("#hosts li", has_text=authority).locator("a").get_attribute("href")
    host = browser.new_context(**LAPTOP).new_page()
    host.goto(link)
    return host


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two CSS rgb() colours."""
    def luminance(rgb: str) -> float:
        channels = [int(x) / 255 for x in re.findall(r"\d+", rgb)[:3]]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def fetch(page, url: str) -> str:
    """A download as the signed-in browser gets it (the same cookies)."""
    return page.request.get(url).text()


def test_agree_takes_the_rewording_in_the_box_and_it_replaces_the_original_everywhere(pages):
    server, day_id, facilitator, browser = pages
    host = host_page(browser, facilitator)
    ask = host.locator("article.decision:not(.case-study)", has_text=ASK)
    ask.locator("textarea").fill(REWORDED)
    # declining would throw the rewording away: the page asks first, and a "no" keeps it
    asked = []
    host.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    ask.locator("button[value=declined]").click()
    expect(ask.locator("textarea")).to_have_value(REWORDED)
    assert asked and "lose the wording" in asked[0]
    ask.locator("button[value=agreed]").click()
    agreed = host.locator("article.decision:not(.case-study)", has_text=REWORDED)
    expect(agreed.locator(".state")).to_have_text(re.compile(r"^Edited on \d{4}-\d\d-\d\d$"))
    expect(host.locator("#decide")).not_to_contain_text(ASK)
    host.screenshot(path="tests/artifacts/host-review-reworded.png", full_page=True)
    assert_accessible(host, "host review (reworded)")
    # the offer, agreed as it stands, keeps its words
    host.locator("article.decision:not(.case-study)", has_text=OFFER).locator("button[value=agreed]").click()
    expect(host.locator("article.decision:not(.case-study)", has_text=OFFER).locator(".state")).to_contain_text("Agreed on")

    # the summary, every export and the summit pack carry the agreed words, never the original
    base = f"{server.url}/console/{day_id}"
    facilitator.reload()
    # the lists are drawn as the host agreed them, beside the facilitator's text, never typed into it
    expect(facilitator.locator("#session-0 .owned-lists")).to_contain_text(REWORDED)
    expect(facilitator.locator("#session-0 .owned-lists")).not_to_contain_text(ASK)
    expect(facilitator.locator("#session-0 textarea[name=markdown]")).not_to_have_value(re.compile(re.escape(ASK)))
    md, html = fetch(facilitator, f"{base}/export.md"), fetch(facilitator, f"{base}/export.html?anyway=1")
    doc = json.loads(fetch(facilitator, f"{base}/export.json"))
    rows = list(csv.DictReader(io.StringIO(fetch(facilitator, f"{base}/export.csv"))))
    summit_html = fetch(facilitator, f"{server.url}/summit/pack.html?day={day_id}")
    summit_doc = json.loads(fetch(facilitator, f"{server.url}/summit/pack.json?day={day_id}"))
    # every authority made the same ask: Northshire's reads in its host's words, the others' as they were
    assert f"- {REWORDED} (Northshire)" in md and f"- {ASK} (Northshire)" not in md and f"- {ASK} (Eastbridge)" in md
    assert f"| Northshire | Ask | {REWORDED} | reworded and agreed by the host on " in md
    northshire_ask = next(c for c in doc["contributions"] if c["presenter"] == "Northshire" and c["kind"] == "ask")
    assert northshire_ask["text"] == REWORDED
    assert northshire_ask["agreement"]["status"] == "edited" and northshire_ask["agreement"]["text"] == REWORDED
    assert next(r for r in rows if r["presenter"] == "Northshire" and r["kind"] == "ask")["text"] == REWORDED
    assert f"<td>Northshire</td><td>Ask</td><td>{REWORDED}</td><td>reworded and agreed by the host on " in html
    assert REWORDED in summit_html and ASK not in summit_html  # only agreed asks reach the summit
    assert [a["text"] for a in summit_doc["asks"]] == [REWORDED]
    assert ASK not in host.locator("body").inner_text()


def test_the_summary_editor_guards_unsaved_edits_and_announces_only_its_state(pages):
    server, day_id, facilitator, browser = pages
    editor = facilitator.locator("#session-1 textarea[name=markdown]")
    status = facilitator.locator("#session-1 .unsaved")
    expect(status).to_have_attribute("role", "status")
    # form fields stand out from the page at 3:1 at least (WCAG 1.4.11)
    colours = facilitator.evaluate("""() => [...document.querySelectorAll('textarea, input:not([type=hidden])')].map(e =>
        [getComputedStyle(e).borderTopColor, getComputedStyle(document.documentElement).backgroundColor])""")
    assert colours and all(contrast(border, page) >= 3 for border, page in colours), colours
    # the preview is drawn silently; only the state is said
    assert facilitator.locator("[aria-live] .preview, .preview[aria-live]").count() == 0
    editor.click()
    facilitator.keyboard.press("Control+End")
    facilitator.keyboard.type(" A word more.")
    expect(status).to_have_text("Unsaved changes.")
    expect(facilitator.locator("#session-1 .preview")).to_contain_text("A word more.")
    assert_accessible(facilitator, "summary editor (unsaved)")

    # leaving for the console asks first (the browser's own question); staying keeps the edit
    seen = []
    facilitator.once("dialog", lambda d: (seen.append(d.type), d.dismiss()))
    facilitator.get_by_role("link", name="Back to the console").click()
    expect(editor).to_have_value(re.compile("A word more.$"))
    assert seen == ["beforeunload"]
    assert "/summary" in facilitator.url

    # saving another part would reload the page: it names the part with changes and asks
    asked = []
    facilitator.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    facilitator.locator("#session-0 button[value=save]").click()
    expect(editor).to_have_value(re.compile("A word more.$"))
    assert asked and "Session 2: Eastbridge" in asked[0]

    # saving this part keeps it, with no question
    facilitator.locator("#session-1 button[value=save]").click()
    expect(facilitator.locator("#session-1 .state")).to_contain_text("Edited by you")
    expect(facilitator.locator("#session-1 textarea[name=markdown]")).to_have_value(re.compile(r"A word more\.\s*$"))
    # with nothing unsaved, the console opens with no question
    facilitator.get_by_role("link", name="Back to the console").click()
    facilitator.wait_for_url(f"**/console/{day_id}")


def test_export_warns_about_drafting_left_in_and_print_keeps_it_out(pages):
    server, day_id, facilitator, browser = pages
    warning = facilitator.locator("#exports .left-in")
    expect(warning).to_contain_text("Drafting is left in")
    expect(warning).to_contain_text("Session 1: Northshire: “to be written up” is still in the text.")
    warning.screenshot(path="tests/artifacts/summary-exports-warning.png")

    # opening the copy to print asks first, naming what is left; opened as it stands, the page shows
    # the same list on screen, and nothing of it in print
    facilitator.goto(f"{server.url}/console/{day_id}/export.html")
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Drafting is left in")
    expect(facilitator.locator("ul.left-in")).to_contain_text("Session 1: Northshire: “to be written up” is still in the text.")
    assert_accessible(facilitator, "export asks: drafting left in")
    facilitator.screenshot(path="tests/artifacts/export-asks-drafting-left-in.png", full_page=True)
    facilitator.get_by_role("link", name="Open the copy to print as it stands").click()
    expect(facilitator.locator(".left-in")).to_contain_text("to be written up")
    assert_accessible(facilitator, "day export with warning")
    shutil.rmtree("tests/artifacts/writeup-print", ignore_errors=True)
    pdf_pages(facilitator, "writeup-print")
    text = subprocess.run(["pdftotext", "-layout", "tests/artifacts/writeup-print.pdf", "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Before you print" not in flat
    assert "about 100 words" not in flat and "…" not in flat and "..." not in flat
    # a case study's title is its whole first sentence
    assert "Northshire has a stable, well-supported workforce of newly qualified social workers" in flat
    assert OFFER in flat
    # a downloaded copy carries no warning at all
    assert "Before you print" not in fetch(facilitator, f"{server.url}/console/{day_id}/export.html?download=1&anyway=1")
