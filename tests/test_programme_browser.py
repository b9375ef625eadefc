"""The region's programme in Chromium: the reviewer pool filled in through its form, a review set up,
the regional calendar and its cycle grid as the programme manager sees them, axe clean."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import assert_accessible, shot  # noqa: E402
from .test_review_browser import new_page, set_up  # noqa: E402


def _add(page, name, role, authority, stage, experience="", conflicts=""):
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Role").select_option(role)
    page.get_by_label("Authority", exact=True).fill(authority)
    page.get_by_label("Accreditation stage").select_option(label=stage)
    page.get_by_label("Experience").fill(experience)
    page.get_by_label("Authorities they must not review").fill(conflicts)
    page.get_by_role("button", name="Add to the pool").click()


def test_the_reviewer_pool_and_the_regional_calendar_in_a_browser(live_server, browser, errors):
    organiser = new_page(browser, errors)
    organiser.goto(live_server.url + "/programme/pool")
    expect(organiser.locator("h1")).to_have_text("Reviewer pool")
    assert_accessible(organiser, "reviewer pool, empty")
    _add(organiser, "Alex Green", "DCS", "Derby", "Accredited", "Led two PCTRs; QA DCS for Leicester")
    _add(organiser, "Sam Patel", "AD", "Leicester", "Accredited", "SAV lead AD", "Northshire")
    _add(organiser, "Jo Brown", "Data specialist", "Rutland", "In training")
    expect(organiser.locator("#pool tbody tr")).to_have_count(3)
    _add(organiser, "", "DCS", "Derby", "Accredited")  # the browser's own check stops an empty name
    expect(organiser.locator("#pool tbody tr")).to_have_count(3)
    organiser.get_by_role("link", name="Edit Jo Brown").click()
    organiser.get_by_label("Accreditation stage").select_option(label="Accredited")
    organiser.get_by_role("button", name="Save the changes").click()
    expect(organiser.locator("#pool tbody tr", has_text="Jo Brown")).to_contain_text("Accredited")
    shot(organiser, "programme-pool", full_page=True)
    assert_accessible(organiser, "reviewer pool, three people")

    lead = set_up(browser, errors, live_server.url, "Peer Challenge Team Review (East Midlands)", "Northshire")
    offered = lead.locator("#pool-offered option")
    expect(offered).to_have_count(2)  # Sam Patel's conflict with Northshire keeps them out
    assert sorted(offered.evaluate_all("os => os.map(o => o.value)")) == ["Alex Green", "Jo Brown"]
    lead.fill("#invite-name", "Jo Brown")  # a data specialist from the pool: the role follows
    expect(lead.locator("#invite-role")).to_have_value("Data")
    lead.fill("#invite-name", "Sam Patel")
    lead.select_option("#invite-role", "QA")
    lead.get_by_role("button", name="Invite to the team").click()
    expect(lead.locator("#problem")).to_contain_text("has a conflict of interest with Northshire")
    lead.fill("#invite-name", "Alex Green")
    lead.select_option("#invite-role", "QA")
    lead.get_by_role("button", name="Invite to the team").click()
    expect(lead.locator("#invited")).to_contain_text("Alex Green")
    lead.get_by_role("link", name="Message and calendar file for Alex Green").click()
    expect(lead.locator("#message-text")).to_have_value(re.compile(r"^Dear Alex Green,"))
    shot(lead, "programme-message", full_page=True)
    assert_accessible(lead, "a team member's message")

    organiser.goto(live_server.url + "/programme")
    expect(organiser.locator("#calendar tbody tr")).to_have_count(1)
    expect(organiser.locator("#calendar tbody tr .kind")).to_have_text("PCTR")
    expect(organiser.locator("#calendar tbody tr .qa")).to_have_text("Alex Green")
    expect(organiser.locator("#cycle-grid tbody th")).to_have_text(["Derby", "Northshire"])  # Derby's QA DCS gives
    expect(organiser.locator("#cycle-grid tbody tr", has_text="Derby").locator(".gave")).to_contain_text("Next: 21 December 2026")
    shot(organiser, "programme-calendar", full_page=True)
    assert_accessible(organiser, "regional calendar and cycle")
    assert not errors, errors
