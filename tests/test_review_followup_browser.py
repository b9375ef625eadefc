"""A review's action plan in a browser: the lead records an agreed action with its owner and date,
the host looks back at it in its review of impact, and the lead's ledger follows it."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import assert_accessible, shot  # noqa: E402
from .test_review_browser import new_page, set_up  # noqa: E402


def record_action(lead, base: str) -> None:
    """On the record page, an action the host agreed, with its owner and the date it is due."""
    lead.goto(base + "/record")
    form = lead.locator("#action-form")
    form.locator("#action-text").fill("Publish a workforce retention plan")
    form.locator("#action-agreed").select_option("Y")
    form.get_by_label(re.compile("Who owns it")).fill("Head of workforce")
    form.get_by_label("Due by").fill("2027-06-30")
    form.get_by_role("button", name="Add the action point").click()
    expect(lead.locator(".actions-table .action-owner")).to_have_text("Head of workforce, by Wednesday 30 June 2027")


def test_review_action_plan_to_the_hosts_review_of_impact_and_the_ledger(live_server, browser, errors):
    lead = set_up(browser, errors, live_server.url, "Peer Challenge Team Review (East Midlands)", "Northshire")
    base = lead.url.rsplit("/console", 1)[0]
    host_url = lead.locator("#host-link").get_attribute("href")
    record_action(lead, base)
    assert_accessible(lead, "feedback record, an action with its owner and date")

    host = new_page(browser, errors)
    host.goto(host_url)
    host.click("#impact-link a")
    expect(host.locator("fieldset.action-item legend")).to_have_text(["1. Publish a workforce retention plan"])
    expect(host.locator("fieldset.action-item")).to_contain_text("Owner: Head of workforce · due by Wednesday 30 June 2027")
    assert_accessible(host, "review of impact, the host's, empty")
    host.get_by_role("button", name="Submit the review of impact").click()
    expect(host.locator("#impact-error")).to_contain_text("measurable evidence")
    errors[:] = [e for e in errors if "status of 400" not in e]  # the refusal's own status, asked for here
    host.get_by_label("Where it stands").select_option("done")
    host.get_by_label("Evidence", exact=True).fill("Turnover down from 15% to 11%")
    host.get_by_label("Progress since the review").fill("The plan was published in March.")
    host.get_by_label("Measurable evidence of impact").fill("Agency social workers down from 18 to 9.")
    host.get_by_role("button", name="Submit the review of impact").click()
    expect(host.locator("#impact-saved")).to_have_text("Submitted.")
    shot(host, "review-impact-host", full_page=True)
    assert_accessible(host, "review of impact, submitted")

    lead.goto(live_server.url + "/ledger")
    row = lead.locator("#ledger tbody tr[data-role=action]")
    expect(row).to_contain_text("Owner: Head of workforce · due by 30 June 2027")
    expect(row).to_contain_text("done")
    shot(lead, "review-actions-ledger", full_page=True)
    assert_accessible(lead, "ledger with a review's action")
    lead.goto(base + "/impact")
    expect(lead.locator("#submitted")).to_contain_text("Submitted")
    assert_accessible(lead, "review of impact, read by the lead")
