"""Records a host signs, in a browser: a safeguarding assurance visit's critical incident reaches
the host's page the moment it is raised and is signed by both on the handbook's form; and the
reflection survey's questions 5 to 8 and its composite."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import LAPTOP, assert_accessible, shot  # noqa: E402
from .test_review_browser import join, new_page, raise_incident, set_up  # noqa: E402

SAV = "Safeguarding Assurance Visit (East Midlands)"
WHEN = re.compile(r"\d{2}:\d{2} on \d{1,2} \w+ \d{4}")


def test_sav_incident_record_reaches_the_host_at_once_and_is_signed_by_both(live_server, browser, errors):
    lead = set_up(browser, errors, live_server.url, SAV, "Westvale")
    host = new_page(browser, errors)
    host.goto(lead.locator("#host-link").get_attribute("href"))
    expect(host.locator("#conn")).to_have_class(re.compile(r"\bok\b"))
    expect(host.locator("#incidents")).to_contain_text("None raised.")
    phone = join(browser, errors, lead.locator("#join-link").get_attribute("href"), "TM1")

    raise_incident(phone, "A child on a protection plan has not been seen for six weeks", "Case file audit, file 12",
                   "2026-12-21T11:40", "Told the team manager")

    # No reload: the host's page shows it at once, raised with the Host DCS, with no team role.
    incidents = host.locator("#incidents")
    expect(incidents.locator("h2")).to_have_text("Critical incidents raised with the Host DCS")
    expect(incidents).to_contain_text("has not been seen for six weeks")
    expect(incidents).to_contain_text("11:40 on 21 December 2026")
    expect(incidents).not_to_contain_text("TM1")
    assert_accessible(host, "host link, incident raised")

    lead.locator("#incident-alerts").get_by_role("link", name="Open the record").click()
    expect(lead.locator("h1")).to_have_text("Critical incident reporting")
    expect(lead.locator("#incident-record")).to_contain_text("Date and time raised with the Host DCS by the SAV AD")
    assert_accessible(lead, "incident record, to complete")
    lead.fill("#host_dcs", "Hana Host")
    lead.fill("#peer_dcs", "Lee Lead")
    lead.fill("#headline", "Safeguarding: a child not seen")
    lead.fill("#raised_at", "2026-12-21T12:05")
    lead.fill("#host_action", "A social worker visits today; the Host DCS reviews the team's caseloads")
    lead.click("text=Save the record")
    expect(lead.locator("#inc-raised")).to_have_text("12:05 on 21 December 2026")
    expect(lead.locator("#lead-name")).to_have_value("Lee Lead")
    lead.click("#lead-sign")
    expect(lead.locator("#inc-lead_signed")).to_have_text(re.compile(r"^Lee Lead, " + WHEN.pattern + "$"))

    # The host's page has followed the record as it was completed; the Host DCS signs under their name.
    expect(incidents).to_contain_text("12:05 on 21 December 2026")
    expect(incidents.get_by_label(re.compile("your name"))).to_have_value("Hana Host")
    incidents.get_by_role("button", name="Sign this record").click()
    expect(host.locator("#incidents")).to_contain_text(re.compile(r"Hana Host, " + WHEN.pattern))
    shot(host, "review-records-host-incident", full_page=True)
    assert_accessible(host, "host link, incident signed by both")

    lead.reload()
    expect(lead.locator("#inc-host_signed")).to_have_text(re.compile(r"^Hana Host, " + WHEN.pattern + "$"))
    expect(lead.locator("#incident-record")).not_to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    shot(lead, "review-records-incident", full_page=True)
    assert_accessible(lead, "incident record, signed by both")


def test_the_survey_asks_questions_5_to_8_and_the_composite_shows_the_q6_scale(live_server, browser, errors):
    lead = set_up(browser, errors, live_server.url, SAV, "Westvale")
    join_url = lead.locator("#join-link").get_attribute("href")
    for n, (role, leadership) in enumerate((("TM1", "5"), ("TM2", "4"), ("Data", "4")), start=1):
        phone = join(browser, errors, join_url, role)
        phone.locator("#survey-link").click()
        form = phone.locator("#survey-form")
        expect(form.locator("#q-leadership legend")).to_have_text(
            "Has the review process been useful for you, personally, in terms of your leadership development? "
            "(1 not helpful, 5 very helpful)")
        form.locator("#q-rating").get_by_label("3", exact=True).check()
        form.get_by_label("What is the main thing you have learned from being part of this review process?").fill(
            f"Learning {n}")
        form.locator("#q-leadership").get_by_label(leadership, exact=True).check()
        form.get_by_label(re.compile("^Will your participation in this review have direct benefits")).fill(f"Benefit {n}")
        form.get_by_label("Do you have any other comments to offer on this process that the DCSs might consider?").fill(
            f"Comment {n}")
        if n == 1:
            shot(phone, "review-records-survey", full_page=True)
            assert_accessible(phone, "survey form with questions 5 to 8")
        phone.click("#submit-survey")
        expect(phone.locator("#thanks")).to_be_visible()

    lead.goto(lead.url.replace("/console", "/survey"))
    row = lead.locator("#scale-leadership")
    expect(row.locator("td")).to_have_text(["0", "0", "0", "2", "1", "4.3"])
    open_answers = lead.locator("#composite-open")
    expect(open_answers.locator("li")).to_have_text(
        ["Learning 1", "Learning 2", "Learning 3", "Benefit 1", "Benefit 2", "Benefit 3",
         "Comment 1", "Comment 2", "Comment 3"])
    expect(open_answers).not_to_contain_text(re.compile("TM1|TM2|Data"))
    lead.set_viewport_size(LAPTOP["viewport"])
    shot(lead, "review-records-survey-composite", full_page=True)
    assert_accessible(lead, "survey composite with the leadership scale")
