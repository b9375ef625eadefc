"""Peer reviews in a browser, through the pages only: a compressed Peer Challenge Team Review,
an LGA review with optional themes, and the reflection survey."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")
from docx import Document  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import (ARTIFACTS, LAPTOP, PHONE, PROJECTOR, assert_accessible, shot,  # noqa: E402
                              watch_errors)

PHONE_360 = {**PHONE, "viewport": {"width": 360, "height": 780}}
HYPOTHESES = [
    "Early help thresholds are applied inconsistently across localities",
    "Managers' oversight of case work is not yet routine",
    "The voice of the child shapes plans for children in care",
    "Workforce turnover is slowing the pace of improvement",
]




def new_page(browser, errors, options=LAPTOP):
    page = browser.new_context(**options).new_page()
    watch_errors(page, errors)
    return page


def raise_incident(phone, nature: str, evidence: str, when: str, action: str) -> None:
    """A team member raises a critical incident from the notebook; the phone says it was raised."""
    phone.fill("#inc-nature", nature)
    phone.fill("#inc-evidence", evidence)
    phone.fill("#inc-when", when)
    phone.fill("#inc-action", action)
    phone.click("#raise-incident")
    expect(phone.locator("#incident-status")).to_contain_text("Raised")


def set_up(browser, errors, url: str, script_label: str, host: str, themes=(), start: str = "2026-12-21"):
    lead = new_page(browser, errors)
    lead.goto(url + "/reviews/new")
    assert_accessible(lead, "set-up")
    lead.select_option("#script", label=script_label)
    lead.fill("#host", host)
    lead.fill("#start_date", start)
    lead.fill("#window_first", "2026-12-14")  # read for an unannounced visit only
    lead.fill("#window_last", "2027-01-29")
    for theme in themes:
        lead.get_by_label(theme).check()
    lead.click("text=Set up the review")
    lead.wait_for_url(re.compile(r"/reviews/\w+/console"))
    return lead


def join(browser, errors, join_url: str, role: str, options=PHONE_360):
    phone = new_page(browser, errors, options)
    phone.goto(join_url)
    assert_accessible(phone, f"join page ({role})")
    phone.select_option("#role", role)
    phone.click("text=Open my notebook")
    phone.wait_for_url(re.compile(r"/notebook"))
    expect(phone.locator("#conn")).to_have_class(re.compile(r"\bok\b"))
    return phone


def invite(lead, browser, errors, name: str, role: str, options=PHONE_360):
    """The lead invites a member by name on the console, then goes back to the page it was on; the
    member opens their own link on a phone."""
    was = lead.url
    if "/console" not in was:
        lead.goto(re.sub(r"(/reviews/\w+)/.*", r"\1/console", was))
    lead.fill("#invite-name", name)
    lead.select_option("#invite-role", role)
    lead.click("text=Invite to the team")
    item = lead.locator("#invited li", has_text=name)
    expect(item).to_contain_text("not opened yet")
    link = item.locator("a.member-link").get_attribute("href")
    if lead.url.split("#")[0] != was.split("#")[0]:
        lead.goto(was)
    phone = new_page(browser, errors, options)
    phone.goto(link)
    phone.wait_for_url(re.compile(r"/notebook"))
    expect(phone.locator("#conn")).to_have_class(re.compile(r"\bok\b"))
    return phone


def add_note(phone, line_label: str, source: str, text: str) -> None:
    phone.select_option("#line", label=line_label)
    phone.select_option("#source", source)
    phone.fill("#note-text", text)
    phone.click("#send-note")


def test_a_compressed_peer_challenge_team_review(live_server, browser, errors, tmp_path):
    url = live_server.url
    lead = set_up(browser, errors, url, "Peer Challenge Team Review (East Midlands)", "Northshire")
    expect(lead.locator("#due")).to_contain_text("Monday 11 January 2027")  # 10 working days over Christmas
    assert_accessible(lead, "lead console, new review")

    # The lead proposes four hypotheses.
    for n, text in enumerate(HYPOTHESES, start=1):
        lead.fill("#h-title", text)
        lead.fill("#h-methods", "Interviews with managers\nCase file audit")
        lead.click("text=Add the hypothesis")
        expect(lead.locator(".line-item")).to_have_count(n)
    host_url = lead.locator("#host-link").get_attribute("href")
    join_url = lead.locator("#join-link").get_attribute("href")

    # The host agrees three and parks one, disagreeing with the lead.
    host = new_page(browser, errors)
    host.goto(host_url)
    decisions = host.locator("fieldset.decision")
    expect(decisions).to_have_count(4)
    assert_accessible(host, "host link, hypotheses to agree")
    decisions.nth(3).get_by_label("Park").check()
    decisions.nth(3).get_by_label(re.compile("Your note")).fill("Turnover is already in our workforce plan.")
    host.click("text=Record our decision")
    expect(decisions.nth(3)).to_contain_text("Decided: park")
    expect(decisions.nth(3)).to_contain_text("differs from the lead reviewer")
    assert_accessible(host, "host link, hypotheses agreed")
    lead.reload()
    expect(lead.locator(".line-item.status-park")).to_contain_text("the host differed from the lead")
    expect(lead.locator(".line-item.status-park")).to_contain_text("Turnover is already in our workforce plan.")
    expect(lead.locator(".line-item.status-investigate")).to_have_count(3)
    assert_accessible(lead, "lead console, hypotheses agreed")
    expect(lead.locator("#lead-conn")).to_have_class(re.compile(r"\bok\b"))

    # Three phones and a laptop join the team under their roles; the QA reviewer is invited by name.
    tm1, tm2, tm3 = (join(browser, errors, join_url, r) for r in ("TM1", "TM2", "TM3"))
    qa = invite(lead, browser, errors, "Quality Reviewer", "QA")
    laptop = join(browser, errors, join_url, "Data", LAPTOP)
    expect(lead.locator("#team .badge")).to_have_text(["TM1", "TM2", "TM3", "QA", "Data"])
    expect(tm1.locator("#line option")).to_have_count(3)  # the parked one takes no notes

    h1 = f"1. {HYPOTHESES[0]}"
    add_note(tm1, h1, "Interview", "Locality managers describe different thresholds for early help")
    expect(tm1.locator("#mine li").first).to_contain_text("saved")
    expect(lead.locator("#feed")).to_contain_text("Locality managers describe different thresholds")

    tm2.context.set_offline(True)
    expect(tm2.locator("#conn")).not_to_have_class(re.compile(r"\bok\b"))
    add_note(tm2, h1, "Case file", "Three of five early help files had no threshold decision recorded")
    expect(tm2.locator("#mine li").first).to_contain_text("waiting to send")
    shot(tm2, "review-phone-360-offline", full_page=True)
    assert_accessible(tm2, "team notebook 360px, offline")
    tm2.context.set_offline(False)
    expect(tm2.locator("#mine li").first).to_contain_text("saved")
    expect(tm2.locator("#conn")).to_have_class(re.compile(r"\bok\b"))
    add_note(tm3, f"2. {HYPOTHESES[1]}", "Focus group", "Social workers value weekly supervision")
    add_note(laptop, h1, "Data", "Re-referrals to early help at 24% against 15% regionally")
    expect(laptop.locator("#mine li").first).to_contain_text("saved")
    expect(lead.locator("#feed")).to_contain_text("Re-referrals to early help")
    shot(tm1, "review-phone-360-notebook", full_page=True)
    assert_accessible(tm1, "team notebook 360px")
    assert_accessible(laptop, "team notebook, laptop")
    assert_accessible(lead, "lead console, notes arriving")

    # A critical incident, raised from a phone, reaches the lead's console at once.
    raise_incident(tm3, "A child left at home alone was not visited within the day",
                   "Case file audit, referral of Monday", "2026-12-21T11:40", "Raised with the duty manager")
    alert = lead.locator("#incident-alerts")
    expect(alert).to_contain_text("A child left at home alone")
    expect(alert).to_contain_text("TM3")
    shot(lead, "review-console-incident")
    assert_accessible(lead, "lead console, incident shown")
    alert.get_by_role("link", name="Open the record").click()
    expect(lead.locator("#lead-sign")).to_be_visible()
    assert_accessible(lead, "incident record, unsigned")
    lead.fill("#raised_at", "2026-12-21T12:05")
    lead.fill("#host_action", "Visit today; review the duty rota")
    lead.click("text=Save the record")
    lead.fill("#lead-name", "Lee Lead")
    lead.click("#lead-sign")
    expect(lead.locator("#inc-lead_signed")).to_contain_text("Lee Lead")
    assert_accessible(lead, "incident record, signed by the lead")
    host.reload()
    host.locator("#incidents").get_by_label(re.compile("your name")).fill("Hana Host")
    host.locator("#incidents").get_by_role("button", name="Sign this record").click()
    expect(host.locator("#incidents")).to_contain_text("Hana Host, ")
    assert_accessible(host, "host link, incident signed")
    lead.reload()
    expect(lead.locator("#inc-host_signed")).to_contain_text("Hana Host")

    # Key findings with their evidence; one released to the host ahead of the feedback.
    lead.goto(lead.url.split("/incidents/")[0] + "/console")
    lead.locator(".line-item", has_text=HYPOTHESES[0]).get_by_role("link", name=re.compile("Notes, findings")).click()
    lead.get_by_label(re.compile("Three of five early help files")).check()
    lead.get_by_label(re.compile("Re-referrals to early help")).check()
    lead.get_by_label("Area for development").check()
    lead.fill("#finding-text", "Thresholds for early help differ by locality")
    lead.click("text=Add the key finding")
    finding = lead.locator(".finding", has_text="Thresholds for early help differ")
    expect(finding).to_contain_text("Case file (TM2)")
    assert_accessible(lead, "line of enquiry, finding added")
    expect(host.locator("#conn")).to_have_class(re.compile(r"\bok\b"))
    expect(host.locator("#emerging")).to_contain_text("Nothing shared yet")
    finding.get_by_role("button", name="Release to the host").click()
    expect(lead.locator(".finding", has_text="Thresholds for early help differ")).to_contain_text("shown to the host")
    lead.fill("#conclusions-text", "Early help thresholds need one shared framework.")
    lead.click("text=Save the conclusions")
    expect(host.locator("#emerging")).to_contain_text("Thresholds for early help differ by locality")
    expect(host.locator("#emerging")).not_to_contain_text("Locality managers describe")  # never the raw notes
    assert_accessible(host, "host link, finding released")
    assert_accessible(lead, "line of enquiry, conclusions saved")

    # The verbal feedback on the projector.
    projector = new_page(browser, errors, PROJECTOR)
    review_base = lead.url.split("/lines/")[0]
    lead.goto(review_base + "/console")
    projector.goto(lead.locator("#lead-link").get_attribute("href"))
    projector.goto(review_base + "/feedback")
    glance = projector.locator(".glance").first
    expect(glance).to_contain_text("Thresholds for early help differ by locality")
    expect(glance).to_contain_text("Re-referrals to early help at 24%")
    expect(glance).to_contain_text("Early help thresholds need one shared framework.")
    expect(projector.locator(".glance")).to_have_count(3)
    shot(projector, "review-projected-feedback")
    assert_accessible(projector, "verbal feedback projected")

    # The projected page follows the lead's changes as they are saved, without a reload.
    lead.locator(".line-item", has_text=HYPOTHESES[0]).get_by_role("link", name=re.compile("Notes, findings")).click()
    lead.get_by_label(re.compile("Locality managers describe")).check()
    lead.get_by_label("Area for development").check()
    lead.fill("#finding-text", "Managers describe thresholds in their own words")
    lead.click("text=Add the key finding")
    expect(glance).to_contain_text("Managers describe thresholds in their own words")
    expect(glance).to_contain_text("Interview: Locality managers describe different thresholds")
    lead.fill("#conclusions-text", "Early help thresholds need one shared framework, agreed with partners.")
    lead.click("text=Save the conclusions")
    expect(glance).to_contain_text("Early help thresholds need one shared framework, agreed with partners.")

    # The record: the host's comments, the agreed actions and the date.
    lead.goto(review_base + "/record")
    lead.locator("#record section", has_text=HYPOTHESES[0]).get_by_label(re.compile("Comments from the host")).fill(
        "The host accepts the finding and will bring forward the threshold review.")
    lead.locator("#record section", has_text=HYPOTHESES[0]).get_by_role("button", name="Save").click()
    expect(projector.locator(".glance").first).to_contain_text("The host accepts the finding")
    form = lead.locator("#action-form")
    form.locator("#action-text").fill("Agree one early help threshold framework across localities")
    expect(form.locator("#action-agreed")).to_have_value("")  # nothing is taken as agreed before the host is asked
    form.locator("#action-agreed").select_option("Y")
    form.get_by_label("Thresholds for early help differ by locality").check()
    form.get_by_role("button", name="Add the action point").click()
    expect(lead.locator(".actions-table tbody tr")).to_have_count(1)
    form.locator("#action-text").fill("Publish a workforce retention plan")
    form.locator("#action-agreed").select_option("N")
    form.locator("#action-commentary").fill("The host prefers to fold this into its existing plan.")
    form.get_by_role("button", name="Add the action point").click()
    expect(lead.locator(".actions-table tbody tr")).to_have_count(2)
    expect(projector.locator("#agreed-actions tbody tr")).to_have_count(2)
    expect(projector.locator("#agreed-actions")).to_contain_text("The host prefers to fold this into its existing plan.")
    assert_accessible(projector, "verbal feedback projected, agreed actions added")
    shot(projector, "review-projected-feedback-live", full_page=True)
    assert_accessible(lead, "feedback record, two actions")
    lead.fill("#feedback-date", "2026-12-23")
    lead.click("text=Save the date")

    # The letter: the unlinked action is flagged, put right, shared, proofread and signed off.
    lead.goto(review_base + "/letter")
    expect(lead.locator("#flags")).to_contain_text("Publish a workforce retention plan")
    expect(lead.locator(".priorities")).to_contain_text("Agree one early help threshold framework")
    assert_accessible(lead, "letter draft, flagged")
    qa.locator("#letter-link").click()
    qa.click("#proofread")
    expect(qa.locator("#problem")).to_contain_text("flagged")
    assert_accessible(qa, "letter for the QA reviewer, flagged")
    lead.click("#sign")
    expect(lead.locator("#problem")).to_contain_text("flagged")
    lead.goto(review_base + "/record")
    row = lead.locator(".actions-table tbody tr", has_text="Publish a workforce retention plan")
    row.get_by_label("Thresholds for early help differ by locality").check()
    row.get_by_role("button", name="Link findings").click()
    lead.goto(review_base + "/letter")
    expect(lead.locator("#no-flags")).to_be_visible()
    assert_accessible(lead, "letter draft, no flags")
    lead.fill("#variations", "Team members' findings agreed on every hypothesis.")
    lead.click("text=Save the draft")
    lead.click("#share")
    host.reload()
    expect(host.locator("#letter")).to_contain_text("Agree one early help threshold framework")
    assert_accessible(host, "host link, draft letter shared")
    qa.reload()
    qa.click("#proofread")
    expect(qa.locator("#letter-state")).to_contain_text("proofread by the QA reviewer")
    assert_accessible(qa, "letter for the QA reviewer, proofread")
    lead.reload()
    lead.click("#sign")
    expect(lead.locator("#letter-state")).to_contain_text("Signed off")
    shot(lead, "review-letter-signed", full_page=True)
    assert_accessible(lead, "letter signed")

    # The Word copy for the host: the letter and the record, no roles, no incident.
    with lead.expect_download() as download:
        lead.click("#export-docx")
    path = tmp_path / "letter.docx"
    download.value.save_as(path)
    word = Document(str(path))
    text = "\n".join([p.text for p in word.paragraphs] + [c.text for t in word.tables for r in t.rows for c in r.cells])
    assert "Peer Challenge Review Northshire Children's Services" in text
    assert any(p.text.endswith("undertaking this review.") for p in word.paragraphs)  # the opening keeps its paragraphs
    assert "Agree one early help threshold framework across localities" in text
    assert "Thresholds for early help differ by locality" in text
    assert "Three of five early help files had no threshold decision recorded" in text
    assert "The host accepts the finding" in text
    assert "Team members' findings agreed on every hypothesis." in text
    assert "Date of verbal feedback: 2026-12-23" in text
    assert "A child left at home alone" not in text
    assert not re.search(r"\b(TM[1-4]|QA)\b", text)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "review-letter.docx").write_bytes(path.read_bytes())  # for a look at its pages

    with lead.expect_download() as download:
        lead.click("#export-internal")
    internal = tmp_path / "internal.docx"
    download.value.save_as(internal)
    inside = "\n".join(p.text for p in Document(str(internal)).paragraphs)
    assert "INTERNAL COPY" in inside and "A child left at home alone" in inside

    lead.goto(review_base + "/export.html")
    expect(lead.locator("h1")).to_contain_text("Peer Challenge Review Northshire Children's Services")
    assert_accessible(lead, "letter and record, print-ready HTML")


def test_an_lga_review_with_two_optional_themes(live_server, browser, errors):
    lead = set_up(browser, errors, live_server.url, "Safeguarding Children peer review (LGA)", "Eastbridge",
                  themes=("Participation", "Commissioning"))
    lines = lead.locator(".line-item")
    expect(lines).to_have_count(7)
    expect(lead.locator("#lead-conn")).to_have_class(re.compile(r"\bok\b"))
    expect(lines.nth(5)).to_contain_text("Participation")
    expect(lines.nth(6)).to_contain_text("Commissioning")
    expect(lead.locator("#lines")).not_to_contain_text("Managing performance")
    expect(lead.locator("#propose")).to_have_count(0)
    expect(lead.locator("#due")).to_have_count(0)  # the script sets no due date for the letter
    shot(lead, "review-console-lga")
    assert_accessible(lead, "LGA lead console")

    officer = join(browser, errors, lead.locator("#join-link").get_attribute("href"), "Officer")
    expect(officer.locator("#line option")).to_have_count(7)
    expect(officer.locator("#source option", has_text="Case mapping")).to_have_count(1)
    assert_accessible(officer, "LGA team notebook 360px")
    expect(officer.locator("#slot-title")).to_have_text("Arrival and briefing")
    lead.get_by_role("button", name="Start").click()
    expect(lead.locator("#clock-status")).to_have_text("Running")
    lead.get_by_role("button", name="Next").click()
    expect(lead.locator(".schedule-item.current")).to_contain_text("Interviews and focus groups")
    expect(officer.locator("#slot-title")).to_have_text("Interviews and focus groups")
    expect(officer.locator("#slot-day")).to_have_text("Day 1")
    add_note(officer, "6. Participation", "Focus group", "Young people's council meets the lead member monthly")
    expect(officer.locator("#mine li").first).to_contain_text("saved")
    assert_accessible(officer, "LGA team notebook, note saved")

    expect(lead.locator("#feed")).to_contain_text("Young people's council")

    # The officer corrects the note; the lead's console shows the correction at once.
    console_url = lead.url
    officer.locator("#mine li").first.get_by_role("button", name="Correct", exact=True).click()
    officer.get_by_label("Corrected note").fill("Young people's council meets the lead member every month")
    officer.get_by_role("button", name="Save the correction").click()
    expect(officer.locator("#mine-status")).to_have_text("Corrected.")
    expect(officer.locator("#mine li").first).to_contain_text("meets the lead member every month")
    expect(lead.locator("#feed")).to_contain_text("meets the lead member every month")
    assert_accessible(officer, "LGA team notebook, note corrected")

    # Once the note is evidence for a key finding, withdrawing it asks first.
    lead.locator(".line-item", has_text="Participation").get_by_role("link", name=re.compile("Notes, findings")).click()
    lead.get_by_label(re.compile("every month")).check()
    lead.get_by_label("Strength", exact=True).check()
    lead.fill("#finding-text", "Young people are heard by leaders")
    lead.click("text=Add the key finding")
    expect(lead.locator(".finding")).to_contain_text("Focus group (Officer)")
    officer.locator("#mine li").first.get_by_role("button", name="Withdraw", exact=True).click()
    expect(officer.locator("#mine-status")).to_contain_text(
        "evidence for the key finding 'Young people are heard by leaders'")
    confirm = officer.get_by_role("button", name="Withdraw it anyway")
    expect(confirm).to_be_focused()
    assert_accessible(officer, "LGA team notebook, withdrawal asks first")
    shot(officer, "review-phone-360-withdraw-asks", full_page=True)
    confirm.click()
    expect(officer.locator("#mine-status")).to_contain_text("Withdrawn")
    expect(officer.locator("#mine li")).to_have_count(0)
    lead.reload()
    expect(lead.locator(".finding", has_text="Young people are heard")).to_contain_text("none linked")
    lead.goto(console_url)
    expect(lead.locator("#feed")).not_to_contain_text("every month")

    host = new_page(browser, errors)
    host.goto(lead.locator("#host-link").get_attribute("href"))
    expect(host.locator("#lines li")).to_have_count(7)
    expect(host.locator("#lines")).to_contain_text("Commissioning")
    assert_accessible(host, "LGA host link")


def test_the_reflection_survey_hides_the_composite_until_three_have_answered(live_server, browser, errors):
    lead = set_up(browser, errors, live_server.url, "Safeguarding Assurance Visit (East Midlands)", "Westvale")
    join_url = lead.locator("#join-link").get_attribute("href")
    members = [join(browser, errors, join_url, role) for role in ("TM1", "TM2", "Data")]

    for n, (phone, rating) in enumerate(zip(members, ("4", "5", "3")), start=1):
        phone.locator("#survey-link").click()
        expect(phone.locator("#survey-form")).to_be_visible()
        expect(phone.locator("#survey-form legend", has_text=re.compile(r"^Lead$"))).to_have_count(1)
        assert_accessible(phone, f"survey form, {n - 1} answered")
        phone.fill("#self-strengths", f"Self strength {n}")
        phone.fill("#peer-Lead-strengths", f"Clear deployment of the team {n}")
        phone.locator("#q-rating").get_by_label(rating, exact=True).check()
        phone.fill("#c-length", f"Two days felt right {n}")
        phone.click("#submit-survey")
        expect(phone.locator("#thanks")).to_be_visible()
        expect(phone.locator("#survey-form")).to_have_count(0)
        if n < 3:
            expect(phone.locator("#composite-waiting")).to_contain_text(f"{n} answered so far")
            expect(phone.locator("#composite")).not_to_contain_text("Clear deployment")
            assert_accessible(phone, f"survey answered, composite hidden ({n} answered)")
            for other in members[:n]:
                other.reload()
                expect(other.locator("#composite-summary")).to_have_count(0)

    last = members[2]
    expect(last.locator("#composite-summary")).to_contain_text("3 answers")
    expect(last.locator("#composite-summary")).to_contain_text("4.0 out of 5")
    expect(last.locator("#composite")).to_contain_text("Clear deployment of the team 1")
    expect(last.locator("#composite")).to_contain_text("Two days felt right 3")
    shot(last, "review-survey-composite", full_page=True)
    assert_accessible(last, "survey composite shown")
    members[0].reload()
    expect(members[0].locator("#composite-summary")).to_contain_text("3 answers")
