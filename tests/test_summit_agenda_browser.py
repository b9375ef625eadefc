"""The summit in Chromium: hosts share their sessions' insights (one in its own words), the
organiser prepares the summit, words and drops its issues for collective action, puts the
improvement plan and an agreed offer of support to it and records an approval; the pack shows the
insights, the issues with their authority counts and the decisions. Axe-clean, screenshots kept."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.browser_helpers import LAPTOP, assert_accessible, launch, shot, watch_errors  # noqa: E402
from tests.daybuilder import NAMES, play  # noqa: E402
from tests.support import LiveRoom, LiveServer  # noqa: E402

REWORDED = "Agency staff turnover leaves the front door short of experienced social workers"
PLAN = "A regional social work academy by 2028"


@pytest.fixture(scope="module")
def played_day(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("summit-agenda")).start()
    created = server.new_day()
    room = LiveRoom(server, created)
    try:
        play(room)
    finally:
        room.close()
    yield server, created, room.day["id"]
    server.close()


def test_the_summit_with_insights_issues_and_an_approved_plan(played_day):
    server, created, day_id = played_day
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = launch(pw)
        fac = browser.new_context(**LAPTOP).new_page()
        watch_errors(fac, errors)
        fac.goto(created["facilitator_url"])
        fac.goto(f"{server.url}/console/{day_id}/summary")
        links = {a: fac.locator("#hosts li", has_text=a).locator("a").get_attribute("href")
                 for a in ("Northshire", "Eastbridge", "Westvale")}

        def host(authority):
            page = browser.new_context(**LAPTOP).new_page()
            watch_errors(page, errors)
            page.goto(links[authority])
            return page

        north = host("Northshire")
        insight = north.locator("article.insight")
        expect(insight).to_contain_text("more cautious than the evidence")
        assert_accessible(north, "the host's review with an insight to share")
        shot(north, "summit-agenda-host-insight", full_page=True)
        insight.get_by_role("button", name="Share at the summit").click()
        expect(north.locator("article.insight .state")).to_contain_text("Shared at the summit")
        north.get_by_role("button", name="Name Northshire in the grid").click()
        north.locator("#decide > article.decision:not(.case-study):not(.insight)", has_text="can share its recruitment").get_by_role("button", name="Agree", exact=True).click()

        east = host("Eastbridge")
        east.locator("article.insight textarea").fill(REWORDED)
        east.locator("article.insight").get_by_role("button", name="Share at the summit").click()
        expect(east.locator("article.insight .state")).to_contain_text("edited")

        west = host("Westvale")  # it gave the insight in Northshire's session: it agrees to be named
        west.locator("article.attribution", has_text="Northshire's session").get_by_role("button", name="Name Westvale").click()

        fac.goto(f"{server.url}/followup/summit")
        fac.fill("#summit-title", "South East summit, March")
        fac.fill("#held-on", "2027-03-22")
        fac.get_by_role("button", name="Prepare the summit").click()
        expect(fac.locator("h1")).to_have_text("South East summit, March")
        agenda_url = fac.url.split("#")[0]
        issues = fac.locator("article.issue")
        workforce = fac.locator("article.issue[data-key='risk:Workforce']")
        expect(workforce).to_contain_text("Raised for 3 authorities: Northshire and 2 not named")
        workforce.locator("input[name=wording]").fill("Recruiting and keeping social workers")
        workforce.get_by_role("button", name="Save the wording").click()
        expect(workforce.locator("h3")).to_have_text("Recruiting and keeping social workers")
        count = issues.count()
        fac.locator("article.issue[data-key='risk:Budget']").get_by_role("button", name="Drop").click()
        expect(issues).to_have_count(count - 1)

        fac.fill("#plan-text", PLAN)
        fac.get_by_role("button", name="Put it to the summit").click()
        fac.get_by_role("button", name="Put Northshire's offer to the summit").click()
        plan = fac.locator("article.summit-item", has_text=PLAN)
        plan.get_by_label("Approved with changes", exact=True).check()
        plan.get_by_label("The change, if approved with changes").fill("By 2029, with the universities")
        plan.get_by_role("button", name="Record the decision").click()
        offer = fac.locator("article.summit-item", has_text="recruitment and retention academy")
        offer.get_by_label("Approved", exact=True).check()
        offer.get_by_role("button", name="Record the decision").click()
        expect(fac.locator("article.summit-item", has_text=PLAN).locator(".state")).to_contain_text(
            "Approved with changes: By 2029, with the universities (2027-03-22)")
        # a mistake is told in one line and stores nothing
        fac.locator("article.summit-item", has_text=PLAN).get_by_label("The change, if approved with changes").fill("")
        fac.locator("article.summit-item", has_text=PLAN).get_by_role("button", name="Record the decision").click()
        expect(fac.locator("#error")).to_have_text("Say what the summit changed before recording it as approved with changes.")
        errors[:] = [e for e in errors if "status of 400" not in e]  # the refusal's own status, asked for here
        fac.goto(agenda_url)
        assert_accessible(fac, "the summit's agenda")
        shot(fac, "summit-agenda", full_page=True)

        fac.get_by_role("link", name="Open the pack").click()
        expect(fac.locator("#insights li")).to_have_count(2)
        expect(fac.locator("#insights")).to_contain_text(REWORDED)
        expect(fac.locator("#insights li", has_text="more cautious")).to_contain_text("(Westvale)")
        expect(fac.locator("#collective-issues")).to_contain_text("Recruiting and keeping social workers")
        expect(fac.locator("#collective-issues > li[data-key='risk:Workforce']")).to_have_attribute("data-authorities", "3")
        expect(fac.locator("#collective-issues > li[data-key='risk:Budget']")).to_have_count(0)
        expect(fac.locator("#decisions")).to_contain_text("Approved with changes")
        expect(fac.locator("#decisions tr", has_text="academy model")).to_contain_text("Support offer: Northshire")
        body = fac.content()
        assert not any(n in body for n in NAMES.values())
        assert_accessible(fac, "the summit pack with its decisions")
        shot(fac, "summit-agenda-pack", full_page=True)
        browser.close()
    assert errors == []
