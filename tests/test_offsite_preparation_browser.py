"""The off-site preparation in a browser, through the pages only: an LGA review with its survey
answered. The lead sets the review up and opens the survey, the host copies its link, staff and a
partner answer on their phones, a member maps a case, and the summary and results show."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import LAPTOP, PHONE, assert_accessible, shot, watch_errors  # noqa: E402
from .test_review_browser import join, set_up  # noqa: E402

LGA = "Safeguarding Children peer review (LGA)"
STAFF = "I work for the council's children's services"
PARTNER = "I work for a partner agency (health, police, schools, the voluntary sector)"


def new_page(browser, errors, options=LAPTOP, **more):
    page = browser.new_context(**options, **more).new_page()
    watch_errors(page, errors)
    return page


def answer_on_a_phone(browser, errors, link: str, group: str, scale: str, trained: str, text: str, name: str):
    """A respondent opens the link on a phone, says who they are, answers and sends."""
    phone = new_page(browser, errors, PHONE)
    phone.goto(link)
    phone.get_by_label(group).check()
    phone.get_by_role("button", name="Start the survey").click()
    expect(phone.locator("#answers")).to_be_visible()
    phone.locator("#q-thresholds").get_by_label(scale).check()
    phone.locator("#q-lscb_training").get_by_label(trained).check()
    phone.get_by_label(re.compile("What works well here")).fill(text)
    assert_accessible(phone, f"survey form on a phone ({name})")
    if name == "staff 1":
        shot(phone, "offsite-survey-phone-form", full_page=True)
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.locator("#sent")).to_contain_text("Thank you: your answers are in.")
    assert_accessible(phone, f"survey sent on a phone ({name})")
    if name == "staff 1":
        shot(phone, "offsite-survey-phone-sent")
    return phone


def test_an_lga_review_with_its_survey_answered(live_server, browser, errors):
    lead = set_up(browser, errors, live_server.url, LGA, "Northshire", themes=["Participation"])
    host_url = lead.locator("#host-link").get_attribute("href")
    join_url = lead.locator("#join-link").get_attribute("href")
    expect(lead.locator("#offsite-answers")).to_have_text("0 answers")
    lead.click("#offsite-survey-link")
    expect(lead.locator("h1")).to_have_text("Staff and partner survey")
    assert_accessible(lead, "off-site survey, lead, not opened")
    lead.go_back()
    lead.get_by_role("button", name="Open the survey").click()  # from the console
    expect(lead.locator("h1")).to_have_text("Staff and partner survey")
    expect(lead.locator("#offsite-status")).to_have_text("The survey is open: send its link to your staff and partners.")
    expect(lead.locator("#survey-open-state")).to_contain_text("Open")

    # The host copies the link to send to its staff and partners.
    host = new_page(browser, errors, permissions=["clipboard-read", "clipboard-write"])
    host.goto(host_url)
    host.get_by_role("link", name="the staff and partner survey").click()
    host.get_by_role("button", name="Copy the link").click()
    expect(host.locator("#copy-status")).to_have_text("The survey's link copied.")
    link = host.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(rf"{re.escape(live_server.url)}/reviews/answer/[\w-]{{20,}}", link)
    assert_accessible(host, "off-site survey, host, open")

    answer_on_a_phone(browser, errors, link, STAFF, "4 Agree", "Yes", "Joint visits with health visitors.", "staff 1")
    answer_on_a_phone(browser, errors, link, STAFF, "5 Strongly agree", "Yes", "A clear front door.", "staff 2")
    answer_on_a_phone(browser, errors, link, PARTNER, "2 Disagree", "No", "Schools hear back quickly.", "partner")

    # A member joins from the review's code and maps a case before the visit.
    member = join(browser, errors, join_url, "Off-site")
    member.click("#map-cases")
    expect(member.locator("h1")).to_have_text("Case-mapping exercise")
    assert_accessible(member, "case mapping, member, empty")
    member.get_by_label("The case's label").fill("Case 3")
    member.locator("#f-stage").get_by_label("Child protection").check()
    for agency in ("Children's social care", "Police", "School or early years"):
        member.locator("#f-agencies").get_by_label(agency).check()
    member.locator("#f-timeliness").get_by_label("Mostly timely").check()
    member.get_by_label(re.compile("^What worked well")).fill("A strong core group; the child's views were heard.")
    member.get_by_label(re.compile("^What got in the way")).fill("Health records were slow to arrive.")
    member.locator("#f-rating").get_by_label("Mostly met").check()
    member.get_by_role("button", name="Save the case").click()
    expect(member.locator("#offsite-status")).to_have_text("Case 3 is mapped.")
    expect(member.locator(".mapped-case h3")).to_have_text("Case 3 Off-site")
    shot(member, "offsite-cases-member-phone-saved")
    shot(member, "offsite-cases-member-phone", full_page=True)
    assert_accessible(member, "case mapping, member, one case")

    # The case mapping is a source a note cites: the notebook opens with it chosen.
    member.click("#cite")
    expect(member.locator("#source")).to_have_value("Case mapping")
    member.select_option("#line", label="4. Service delivery and effective practice")
    member.fill("#note-text", "Case 3: a strong core group kept the child's views at the centre")
    member.click("#send-note")
    expect(member.locator("#mine li").first).to_contain_text("saved")
    expect(member.locator("#mine li").first).to_contain_text("Case mapping")

    # The summary for the team and the host: staff shown apart only with three answers each.
    lead.reload()
    expect(lead.locator("#answer-count")).to_have_text("3 answers")
    expect(lead.locator("#q-thresholds .answered")).to_have_text("3 answers")
    expect(lead.locator('#q-thresholds .group-note[data-group="partner"]')).to_have_text(
        "Partners: fewer than 3 answers: shown only in the total.")
    expect(lead.locator("#q-thresholds tr.mean td")).to_have_text(["3.7"])
    expect(lead.locator("#q-works_well li")).to_have_count(3)
    shot(lead, "offsite-survey-summary", full_page=True)
    assert_accessible(lead, "off-site survey summary, lead")
    lead.get_by_role("button", name="Close the survey").click()
    expect(lead.locator("#survey-open-state")).to_contain_text("Closed")

    host.reload()
    host.goto(host_url)
    host.get_by_role("link", name="the case-mapping exercise").click()
    expect(host.locator("#tally-h")).to_have_text("Results: 1 case mapped")
    expect(host.locator("#tally-agencies tbody tr", has_text="Police").locator("td")).to_have_text("1")
    expect(host.locator("#case-form")).to_have_count(0)
    shot(host, "offsite-cases-results-host", full_page=True)
    assert_accessible(host, "case mapping results, host")

    lead.goto(lead.url.replace("/offsite/survey", "/console"))
    expect(lead.locator("#offsite-answers")).to_have_text("3 answers")
    expect(lead.locator("#offsite-cases")).to_have_text("1 case mapped")
    shot(lead, "offsite-console", full_page=False)
    assert not errors, errors
