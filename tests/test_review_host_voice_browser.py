"""The host's voice in a browser: strengths recorded and shown first, the host answering a finding
and previewing the feedback, commenting on the draft, downloading its letter and publishing it."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")
from docx import Document  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import LAPTOP, PHONE, assert_accessible, shot, watch_errors  # noqa: E402
from .test_review_browser import invite  # noqa: E402
from .test_review_browser import set_up as set_up_review  # noqa: E402

HYPOTHESES = ["Early help thresholds are applied inconsistently", "Supervision is regular and reflective"]


def new_page(browser, errors, options=LAPTOP):
    page = browser.new_context(**options).new_page()
    watch_errors(page, errors)
    return page


def set_up(browser, errors, url: str):
    lead = set_up_review(browser, errors, url, "Peer Challenge Team Review (East Midlands)", "Northshire")
    for n, text in enumerate(HYPOTHESES, start=1):
        lead.fill("#h-title", text)
        lead.click("text=Add the hypothesis")
        expect(lead.locator(".line-item")).to_have_count(n)
    return lead


def join(browser, errors, join_url: str, role: str):
    phone = new_page(browser, errors, PHONE)
    phone.goto(join_url)
    phone.select_option("#role", role)
    phone.click("text=Open my notebook")
    phone.wait_for_url(re.compile(r"/notebook"))
    expect(phone.locator("#conn")).to_have_class(re.compile(r"\bok\b"))
    return phone


def add_note(phone, text: str) -> None:
    phone.select_option("#line", label=f"1. {HYPOTHESES[0]}")
    phone.select_option("#source", "Case file")
    phone.fill("#note-text", text)
    phone.click("#send-note")
    expect(phone.locator("#mine li").first).to_contain_text("saved")


def add_finding(lead, evidence: str, kind: str, text: str) -> None:
    lead.get_by_label(re.compile(evidence)).check()
    lead.locator("#finding-kind").get_by_label(kind, exact=True).check()
    lead.fill("#finding-text", text)
    lead.click("text=Add the key finding")
    expect(lead.locator(".finding", has_text=text)).to_be_visible()


def test_strengths_first_and_the_host_answers_comments_downloads_and_publishes(live_server, browser, errors,
                                                                               tmp_path):
    lead = set_up(browser, errors, live_server.url)
    base = lead.url.rsplit("/console", 1)[0]
    host_url = lead.locator("#host-link").get_attribute("href")
    join_url = lead.locator("#join-link").get_attribute("href")
    host = new_page(browser, errors)
    host.goto(host_url)
    host.click("text=Record our decision")  # both investigated, as the lead proposed
    expect(host.locator("fieldset.decision").first).to_contain_text("Decided: investigate")

    tm1 = join(browser, errors, join_url, "TM1")
    add_note(tm1, "Three of five early help files had no threshold decision recorded")
    add_note(tm1, "Families say their social workers listen and stay")

    # The lead marks each finding: a strength recorded last still comes first.
    lead.reload()
    lead.locator(".line-item", has_text=HYPOTHESES[0]).get_by_role("link", name=re.compile("Notes, findings")).click()
    lead.fill("#finding-text", "No kind chosen")
    lead.click("text=Add the key finding")  # the browser asks for the kind before sending
    expect(lead.locator("#finding-text")).to_have_value("No kind chosen")  # not sent
    expect(lead.locator(".finding")).to_have_count(0)
    add_finding(lead, "Three of five", "Area for development", "Thresholds for early help differ by locality")
    add_finding(lead, "Families say", "Strength", "Families value consistent social workers")
    expect(lead.locator(".finding .kind-badge")).to_have_text(["Strength", "Area for development"])
    assert_accessible(lead, "line of enquiry, a strength and an area for development")
    expect(host.locator("#conn")).to_have_class(re.compile(r"\bok\b"))
    for text in ("Families value consistent", "Thresholds for early help"):
        lead.locator(".finding", has_text=text).get_by_role("button", name="Release to the host").click()
        expect(lead.locator(".finding", has_text=text)).to_contain_text("shown to the host")

    # The host answers the area for development as the findings arrive.
    finding = host.locator(".host-finding", has_text="Thresholds for early help")
    expect(finding).to_be_visible()
    finding.get_by_label("Add context", exact=True).check()
    finding.get_by_label(re.compile("What you would add")).fill("A single threshold framework started in May.")
    finding.get_by_role("button", name="Send your answer").click()
    expect(host.locator(".host-finding", has_text="Thresholds for early help")).to_contain_text(
        "Your answer: adds context: A single threshold framework started in May.")
    expect(host.locator(".host-finding .kind-badge")).to_have_text(["Strength", "Area for development"])
    assert_accessible(host, "host link, finding answered")
    lead.reload()
    expect(lead.locator(".finding", has_text="Thresholds for early help")).to_contain_text(
        "The host adds context: A single threshold framework started in May.")

    # The host previews the verbal feedback, read-only.
    host.click("#preview-feedback")
    expect(host.locator("#host-preview .finding-row")).to_have_count(2)
    expect(host.locator("#host-preview .finding-row").first).to_contain_text("Families value consistent")
    expect(host.locator("#host-preview form")).to_have_count(0)
    assert_accessible(host, "host preview of the verbal feedback")
    host.go_back()

    # The names the letter is addressed to and signed with; the draft shared.
    lead.goto(base + "/record")
    lead.fill("#host-dcs-name", "Jo Bloggs")
    lead.fill("#lead-name", "Sam Lead")
    lead.click("text=Save the names")
    expect(lead.locator("#lead-name")).to_have_value("Sam Lead")
    assert_accessible(lead, "feedback record, names and the host's reply")
    lead.goto(base + "/letter")
    expect(lead.locator(".letter-body")).to_contain_text("Dear Jo Bloggs")
    lead.click("#share")

    # The host comments on the draft and the lead sees it.
    host.reload()
    expect(host.locator("#letter")).to_contain_text("Dear Jo Bloggs")
    host.fill("#comment-text", "Please name the May framework in the letter.")
    host.click("text=Send the comment to the lead reviewer")
    expect(host.locator("#host-comments")).to_contain_text("Please name the May framework")
    lead.reload()
    expect(lead.locator("#letter-comments")).to_contain_text("Please name the May framework")
    expect(lead.locator("#letter-strengths")).to_contain_text("Families value consistent social workers")
    shot(lead, "review-letter-strengths-first", full_page=True)
    assert_accessible(lead, "letter draft, strengths first, the host's comment")

    # Proofread, signed off, and published by the host alone.
    qa = invite(lead, browser, errors, "Quality Reviewer", "QA")
    qa.goto(base + "/letter")
    qa.click("#proofread")
    expect(qa.locator("#letter-state")).to_contain_text("proofread by the QA reviewer")
    lead.reload()
    lead.click("#sign")
    expect(lead.locator("#letter-state")).to_contain_text("Signed off")
    public = new_page(browser, errors)
    response = public.goto(base + "/published")
    assert response.status == 404
    expect(public.locator("body")).to_contain_text("public only once its host publishes it")
    host.reload()
    host.click("#publish")
    expect(host.locator("#published")).to_contain_text("Published")
    shot(host, "review-host-voice", full_page=True)
    assert_accessible(host, "host link, letter published")
    public.goto(base + "/published")
    expect(public.locator("h1")).to_have_text("Peer Challenge Review Northshire Children's Services")

    # The host's own Word letter: strengths first, addressed and signed by name.
    with host.expect_download() as download:
        host.click("#letter-docx")
    path = tmp_path / "host-letter.docx"
    download.value.save_as(path)
    paragraphs = [p.text for p in Document(str(path)).paragraphs]
    assert "Dear Jo Bloggs" in paragraphs and "Sam Lead" in paragraphs
    assert paragraphs.index("Key strengths") < paragraphs.index("Families value consistent social workers") \
        < paragraphs.index("Areas for development") < paragraphs.index("Thresholds for early help differ by locality")
