"""The self-assessment in a browser, through the pages only: a Peer Challenge Team Review whose
hypotheses come from the host's self-assessment, and a triad day whose visitors read the
presenter's self-assessment on their phones before and during its session."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import LAPTOP, PHONE, assert_accessible, join_phone, open_console, watch_errors  # noqa: E402

SHOTS = Path("/work/shots/prepare")
DATA_PACK = ("Indicator,Northshire,South East,England\n"
             "Re-referrals within 12 months (%),24.1,21.0,22.4\n"
             "Children in care per 10k,-2.5,+1.0,70\n").encode("utf-8-sig")


def look(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def new_page(browser, errors, options=LAPTOP):
    page = browser.new_context(**options).new_page()
    watch_errors(page, errors)
    return page


def write_self_assessment(page, risks=()) -> None:
    """The host fills in its self-assessment from the template and saves it."""
    page.fill("#scope", "Early help and the front door")
    page.fill("#a-dcs_contact", "Director of Children's Services")
    page.fill("#a-period", "April 2025 to March 2026")
    page.locator("#rate-0").get_by_label("3 Good").check()
    page.locator("#rate-2").get_by_label("2 Adequate").check()
    page.fill("#commentary-2", "Partners meet monthly; data sharing is patchy.")
    page.fill("#strength-1", "A stable, skilled workforce")
    page.fill("#strength-evidence-1", "Turnover 9% against 15% in the region")
    page.fill("#weakness-1", "Re-referrals to early help are high")
    page.fill("#weakness-evidence-1", "24% against 15% regionally")
    page.fill("#enquiry", "Is early help reaching the families who need it?\nHow well do partners share data?")
    for risk in risks:
        page.get_by_label(risk, exact=True).check()
    page.click("text=Save the self-assessment")
    expect(page.locator("#saved")).to_have_text("Saved.")


def sign_and_attach(page, errors) -> None:
    page.fill("#signed_name", "A. Director")
    page.fill("#signed_position", "Director of Children's Services")
    page.fill("#signed_date", "2026-11-01")
    page.click("text=Sign off")
    expect(page.locator("#sign #signed")).to_have_text(re.compile("Signed off by A. Director"))
    page.set_input_files("#document", files=[{"name": "pack.docx", "mimeType": "text/plain", "buffer": b"not word"}])
    page.click("text=Upload the self-assessment")
    expect(page.locator("#error")).to_have_text("“pack.docx” is named .docx but is not a Word document. Nothing was stored.")
    errors[:] = [e for e in errors if "status of 400" not in e]  # the refusal's own status, asked for here
    page.set_input_files("#data-file", files=[{"name": "pack.csv", "mimeType": "text/csv", "buffer": DATA_PACK}])
    page.click("text=Attach the data profile")
    expect(page.locator("#data-profile tbody tr")).to_have_count(2)


def test_self_assessment_and_data_profile_to_lines_of_enquiry_in_a_peer_challenge_team_review(live_server, browser, errors):
    url = live_server.url
    lead = new_page(browser, errors)
    lead.goto(url + "/reviews/new")
    lead.select_option("#script", label="Peer Challenge Team Review (East Midlands)")
    lead.fill("#host", "Northshire")
    lead.fill("#start_date", "2026-12-21")
    lead.click("text=Set up the review")
    lead.wait_for_url(re.compile(r"/reviews/\w+/console"))
    host_url = lead.locator("#host-link").get_attribute("href")
    join_url = lead.locator("#join-link").get_attribute("href")

    # The host writes its self-assessment through its own link, signs it off and attaches its data.
    host = new_page(browser, errors)
    host.goto(host_url)
    host.click("#write-sa")
    assert_accessible(host, "self-assessment, host, empty")
    write_self_assessment(host)
    sign_and_attach(host, errors)
    expect(host.locator(".sa-preview #area-2 .sa-rating")).to_have_text("Rating: 2 = Adequate")
    look(host, "sa-review-host-laptop")
    assert_accessible(host, "self-assessment, host, signed with data")

    # The lead draws the hypotheses from it: one of its key lines of enquiry as it stands, one of its own.
    lead.reload()
    kloe = lead.locator("#sa-kloe li")
    expect(kloe).to_have_count(2)
    expect(lead.locator("#sa-kloe")).to_contain_text("signed off 2026-11-01")
    kloe.first.get_by_role("button").click()
    expect(lead.locator(".line-item")).to_have_count(1)
    lead.fill("#h-title", "Partners do not yet share data to plan together")
    lead.select_option("#h-part", label="Part B: Working together, partnership")
    lead.click("text=Add the hypothesis")
    expect(lead.locator(".line-item")).to_have_count(2)
    expect(lead.locator(".line-item .sa-line-part")).to_have_text([
        "Tests the self-assessment: Key lines of enquiry",
        "Tests the self-assessment: Part B: Working together, partnership"])
    look(lead, "sa-review-lead-console")
    assert_accessible(lead, "lead console, hypotheses from the self-assessment")

    host.goto(host_url)
    expect(host.locator("#lines .sa-line-part")).to_have_count(2)
    for n in range(2):
        host.locator("fieldset.decision").nth(n).get_by_label("Investigate").check()
    host.click("text=Record our decision")
    expect(host.locator("fieldset.decision").first).to_contain_text("Decided: investigate")

    # A team member reads the self-assessment on a phone, and the notebook shows what each line tests.
    phone = new_page(browser, errors, PHONE)
    phone.goto(join_url)
    phone.select_option("#role", "TM1")
    phone.click("text=Open my notebook")
    phone.wait_for_url(re.compile(r"/notebook"))
    expect(phone.locator("#line-parts li")).to_have_text([
        "1. Is early help reaching the families who need it?: tests Key lines of enquiry",
        "2. Partners do not yet share data to plan together: tests Part B: Working together, partnership"])
    assert_accessible(phone, "notebook with the self-assessment's parts")
    phone.click("#read-sa")
    expect(phone.locator("h1")).to_have_text("Northshire's self-assessment")
    expect(phone.locator("#signed")).to_contain_text("Signed off by A. Director")
    expect(phone.locator("#data-profile tbody th").first).to_have_text("Re-referrals within 12 months (%)")
    look(phone, "sa-review-member-phone")
    assert_accessible(phone, "self-assessment read on a phone (review)")

    # The line's findings page and the letter name the part each hypothesis tests.
    lead.reload()
    lead.locator(".line-item").nth(1).get_by_role("link", name="Notes, findings and conclusions").click()
    expect(lead.locator("#line-sa-part")).to_have_text("Tests the self-assessment: Part B: Working together, partnership")
    assert_accessible(lead, "line of enquiry with its self-assessment part")
    lead.goto(lead.url.split("/lines/")[0] + "/letter")
    expect(lead.locator("#letter-sa-parts li")).to_have_count(2)
    look(lead, "sa-review-letter")
    assert_accessible(lead, "letter with the self-assessment's parts")


def test_self_assessment_read_by_a_triad_days_visitors_on_their_phones(live_server, browser, errors):
    day = live_server.new_day()
    console, day_id = open_console(browser, day, errors)
    console.click("#sa-list-link")
    expect(console.locator("li.sa-host")).to_have_count(3)
    assert_accessible(console, "the hosts' self-assessment links")
    northshire_link = console.locator("#sa-link-0").input_value()

    host = new_page(browser, errors)
    host.goto(northshire_link)
    write_self_assessment(host, risks=("Workforce", "Budget"))
    sign_and_attach(host, errors)
    assert_accessible(host, "self-assessment, day host")
    console.reload()
    expect(console.locator("#host-0 .sa-state")).to_have_text("Signed off · data profile attached")

    # Before the session, a visitor reads it on a phone.
    phone = join_phone(browser, day, "Sam", "Eastbridge", errors)
    link = phone.get_by_role("link", name="Read Northshire's self-assessment")
    expect(link).to_be_visible()
    look(phone, "sa-day-phone-links")
    assert_accessible(phone, "phone with the self-assessments' links")
    link.click()
    expect(phone.locator("h1")).to_have_text("Northshire's self-assessment")
    expect(phone.locator("#sa-risks li")).to_have_text(["Budget", "Workforce"])
    expect(phone.locator("#area-0 .sa-rating")).to_have_text("Rating: 3 = Good")
    look(phone, "sa-day-visitor-phone")
    assert_accessible(phone, "self-assessment read on a phone (day)")

    # During step 1 the presenter works from it: the visitor goes back to the phone and reads it again.
    console.goto(day["facilitator_url"])
    console.wait_for_url(re.compile(r"/console/"))
    expect(console.locator("#conn")).to_have_class(re.compile(r"\bok\b"))
    console.keyboard.press("Space")
    expect(console.locator("#clock-status")).to_contain_text("Running")
    console.keyboard.press("n")
    phone.go_back()
    expect(phone.locator("#step-title")).to_have_text("Presentation")
    phone.get_by_role("link", name="Read Northshire's self-assessment").click()
    expect(phone.locator("#data-profile thead th")).to_have_text(["Indicator", "Northshire", "South East", "England"])

    # The facilitator reviews it against the four questions; the host sees the answers.
    console.goto(northshire_link.split("/review/")[0] + f"/days/{day_id}/self-assessment/0")
    console.fill("#answer-1", "Re-referral data suggests early help is not yet reaching every family.")
    console.click("text=Save the review")
    expect(console.locator("#review-answers")).to_contain_text("Re-referral data suggests")
    assert_accessible(console, "self-assessment reviewed by the facilitator")
    host.reload()
    expect(host.locator("#review-answers")).to_contain_text("Re-referral data suggests")
