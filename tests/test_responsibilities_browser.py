"""A Peer Challenge Team Review in a browser, from the host's self-assessment to the team's grid
on a member's phone: the hypothesis drawn from the self-assessment, the team invited by name, the
host DCS confirming one and asking for another to be reconsidered, conflicts declared, the lead's
grid of responsibilities, and the member's part of it on the phone."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import PHONE, assert_accessible  # noqa: E402
from .test_review_browser import invite, set_up  # noqa: E402
from .test_reading_pack import PDF  # noqa: E402
from .test_self_assessment_browser import look, new_page, sign_and_attach, write_self_assessment  # noqa: E402


def test_responsibilities_from_the_host_self_assessment_to_the_team_grid_on_a_phone(live_server, browser, errors):
    lead = set_up(browser, errors, live_server.url, "Peer Challenge Team Review (East Midlands)", "Northshire",
                  start="2027-03-15")
    host_url = lead.locator("#host-link").get_attribute("href")

    # The host's self-assessment, signed and with its data; the lead draws a hypothesis from it.
    host = new_page(browser, errors)
    host.goto(host_url)
    host.click("#write-sa")
    write_self_assessment(host)
    sign_and_attach(host, errors)
    lead.reload()
    lead.locator("#sa-kloe li").first.get_by_role("button").click()
    expect(lead.locator(".line-item")).to_have_count(1)
    host.goto(host_url)
    host.locator("fieldset.decision").first.get_by_label("Investigate").check()
    host.click("text=Record our decision")
    expect(host.locator("fieldset.decision").first).to_contain_text("Decided: investigate")

    # The lead invites the team by name: each has their own link; the QA reviewer is invited too.
    sam = invite(lead, browser, errors, "Sam Patel", "TM1", PHONE)
    invite(lead, browser, errors, "Jo Green", "TM2")
    invite(lead, browser, errors, "Quality Reviewer", "QA")
    expect(lead.locator("#invited li")).to_have_count(3)
    assert_accessible(lead, "lead console, the team invited")

    # Sam declares a conflict on the phone; the host confirms Sam and asks for Jo to be reconsidered.
    sam.fill("#conflict-text", "I chaired Northshire's safeguarding partnership until 2023.")
    sam.click("text=Declare this")
    expect(sam.locator("#conflicts [role=status]")).to_contain_text("You declared: “I chaired Northshire's")
    assert_accessible(sam, "notebook, interests declared")
    host.goto(host_url)
    sam_form = host.locator("form.team-confirm", has_text="Sam Patel")
    expect(sam_form.locator(".team-conflicts")).to_contain_text("I chaired Northshire's safeguarding partnership")
    assert_accessible(host, "host link, the team to confirm")
    sam_form.get_by_role("button").click()
    expect(host.locator("form.team-confirm", has_text="Sam Patel")).to_contain_text("Confirmed by the host")
    jo_form = host.locator("form.team-confirm", has_text="Jo Green")
    jo_form.get_by_label("Ask to reconsider").check()
    jo_form.get_by_role("button").click()
    expect(host.locator("#problem")).to_have_text("Why it should be reconsidered is required")
    jo_form = host.locator("form.team-confirm", has_text="Jo Green")
    jo_form.get_by_label("Ask to reconsider").check()
    jo_form.get_by_label(re.compile("Why it should be reconsidered")).fill("Jo audited our front door last spring.")
    jo_form.get_by_role("button").click()
    expect(host.locator("form.team-confirm", has_text="Jo Green")).to_contain_text("Jo audited our front door")
    look(host, "team-host-confirms")
    assert_accessible(host, "host link, the team confirmed and one to reconsider")
    lead.reload()
    expect(lead.locator("#invited li", has_text="Jo Green")).to_contain_text(
        "The host asks for this to be reconsidered: “Jo audited our front door last spring.”")
    expect(lead.locator("#invited li", has_text="Sam Patel")).to_contain_text("Confirmed by the host")
    look(lead, "team-lead-console")

    # Sam asks for supplementary reading; the host adds to its slim pack and answers with a document.
    sam.click("#reading-link")
    sam.fill("#ask-text", "The latest audit of early help thresholds")
    sam.click("text=Ask for it")
    expect(sam.locator("#requests li.request")).to_contain_text("The latest audit of early help thresholds")
    assert_accessible(sam, "reading pack on a phone, a request made")
    host.click("#reading-link")
    host.fill("#doc-title", "Early help strategy 2025-28")
    host.set_input_files("#doc-file", files=[{"name": "strategy.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    host.click("text=Add to the pack")
    expect(host.locator("#pack li.document a")).to_have_text(["Early help strategy 2025-28"])
    request = host.locator("#requests li.request").first
    request.get_by_label("Your answer", exact=True).fill("Our March audit is attached.")
    request.get_by_label("With a document (optional)").set_input_files(
        files=[{"name": "audit.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    request.get_by_role("button", name="Send the answer").click()
    expect(host.locator("#requests .answer")).to_have_text("Host DCS: Our March audit is attached.")
    look(host, "team-reading-pack-host")
    assert_accessible(host, "reading pack, the host's, a request answered")
    sam.reload()
    expect(sam.locator("#requests li.request a")).to_have_text("audit.pdf")
    expect(sam.locator("#pack li.document a")).to_have_text(["Early help strategy 2025-28"])
    look(sam, "team-reading-pack-phone")
    sam.click("text=Back to your page")
    sam.wait_for_url(re.compile(r"/notebook"))

    # The lead fills in the grid for day 1; Sam's phone shows Sam's part of it.
    lead.click("#grid-link")
    expect(lead.locator("h1")).to_have_text("Agreed responsibilities during the review visit")
    expect(lead.locator("#day-1 legend")).to_contain_text(["Lead", "TM1: Sam Patel", "TM2: Jo Green"])
    assert_accessible(lead, "responsibilities, the lead's grid")
    day1 = lead.locator("#day-1")
    day1.get_by_label("Key focus").nth(1).fill("The early help front door")
    day1.locator("#line-TM1-1").select_option(label="1. Is early help reaching the families who need it?")
    day1.locator("#morning-TM1-1").fill("Interview the early help locality managers")
    day1.locator("#afternoon-TM1-1").fill("Case file audit: five early help files")
    day1.locator("#notes-TM1-1").fill("Ask how thresholds are agreed across localities")
    day1.get_by_role("button", name="Save day 1").click()
    expect(lead.locator("#grid-saved")).to_have_text("Day 1 is saved.")
    expect(lead.locator("#morning-TM1-1")).to_have_value("Interview the early help locality managers")
    look(lead, "team-grid-lead")

    sam.reload()
    part = sam.locator("#my-part")
    expect(part.locator("h2")).to_have_text("Your part on the first day: day 1, Monday 15 March 2027")
    expect(part.locator("dd")).to_have_text([
        "The early help front door", "Is early help reaching the families who need it?",
        "Interview the early help locality managers", "Case file audit: five early help files",
        "Ask how thresholds are agreed across localities"])
    look(sam, "team-phone-my-part")
    assert_accessible(sam, "notebook on a phone with today's part")
    sam.click("#all-parts")
    expect(sam.locator("#day-1 tr.mine")).to_contain_text("The early help front door")
    look(sam, "team-phone-grid")
    assert_accessible(sam, "responsibilities read on a phone")
