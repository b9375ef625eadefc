"""A region's round in Chromium, through the pages: two triad days and a Peer Challenge Team Review,
the hosts' agreements, the summit with its insights, issues for collective action and an approved
plan; then, months on, the PCTR host's review of impact of its action plan and a day's host's review
of impact of its ask; and the programme's calendar and reviewer pool beside it all."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.browser_helpers import LAPTOP, assert_accessible, launch, shot, watch_errors  # noqa: E402
from tests.daybuilder import play  # noqa: E402
from tests.support import LiveRoom, LiveServer  # noqa: E402
from tests.test_followup_browser import host_links  # noqa: E402
from tests.test_review_browser import set_up  # noqa: E402
from tests.test_review_followup_browser import record_action  # noqa: E402

SECOND = {"Kingsford": "Kit Marlow", "Southmoor": "Sol Ashby", "Lowbay": "Lena Crane"}
PLAN = "A regional social work academy by 2028"


@pytest.fixture(scope="module")
def round_of_two(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("region-round")).start(timeout=120)
    days = []
    for title, authorities, names in (("Round 1, triad 1", None, None), ("Round 1, triad 2", list(SECOND), SECOND)):
        created = server.new_day(title=title, **({"authorities": authorities} if authorities else {}))
        room = LiveRoom(server, created)
        room.day["authorities"] = authorities or room.day["authorities"]  # the room names the default three
        try:
            play(room, names=names)
        finally:
            room.close()
        days.append({**created, "id": room.day["id"], "authorities": list(room.day["authorities"])})
    yield server, days
    server.close()


def test_a_regions_round_from_the_triad_days_to_the_reviews_of_impact(round_of_two):
    server, days = round_of_two
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = launch(pw)

        def page():
            p = browser.new_context(**LAPTOP).new_page()
            watch_errors(p, errors)
            return p

        # The facilitator holds both days; each host agrees its offer, its ask and its insight.
        fac = page()
        links = {a: link for (_, a), link in host_links(fac, server.url, days).items()}
        host = page()
        for authority, link in links.items():
            host.goto(link)
            for kind in ("Offer", "Ask"):
                item = host.locator("article.decision:not(.case-study)").filter(
                    has=host.locator(".tag", has_text=re.compile(f"^{kind}$")))
                item.locator("button[value=agreed]").click()
                expect(item.locator(".state")).to_contain_text("Agreed on")
            host.locator("article.insight").get_by_role("button", name="Share at the summit").click()
            expect(host.locator("article.insight .state")).to_contain_text("Shared at the summit")
        assert_accessible(host, "a host's agreements, the insight shared")

        # The PCTR: a strength shared with the summit, an agreed action with its owner and date.
        lead = set_up(browser, errors, server.url, "Peer Challenge Team Review (East Midlands)", "Northshire",
                      start="2026-11-30")  # its fieldwork before today's summit
        base = lead.url.rsplit("/console", 1)[0]
        review_host_url = lead.locator("#host-link").get_attribute("href")
        join_url = lead.locator("#join-link").get_attribute("href")
        lead.fill("#h-title", "The workforce is stable enough to carry the improvement plan")
        lead.click("text=Add the hypothesis")
        review_host = page()
        review_host.goto(review_host_url)
        review_host.locator("fieldset.decision").first.get_by_label("Investigate").check()
        review_host.click("text=Record our decision")
        expect(review_host.locator("fieldset.decision").first).to_contain_text("Decided: investigate")
        phone = page()
        phone.goto(join_url)
        phone.select_option("#role", "TM1")
        phone.click("text=Open my notebook")
        phone.wait_for_url(re.compile(r"/notebook"))
        expect(phone.locator("#conn")).to_have_class(re.compile(r"\bok\b"))
        phone.select_option("#source", "Interview")
        phone.fill("#note-text", "Team managers say newly qualified staff stay past their second year")
        phone.click("#send-note")
        expect(phone.locator("#mine li").first).to_contain_text("saved")
        lead.reload()
        lead.locator(".line-item").first.get_by_role("link", name=re.compile("Notes, findings")).click()
        lead.get_by_label(re.compile("Team managers say")).check()
        lead.locator("#finding-kind").get_by_label("Strength", exact=True).check()
        lead.fill("#finding-text", "Newly qualified social workers stay and grow")
        lead.click("text=Add the key finding")
        lead.locator(".finding", has_text="Newly qualified").get_by_role("button", name="Release to the host").click()
        expect(lead.locator(".finding", has_text="Newly qualified")).to_contain_text("shown to the host")
        review_host.goto(review_host_url)
        share = review_host.locator("form.share-form")
        share.get_by_label("Share it in our words").check()
        share.get_by_label(re.compile("Your words for the summit")).fill("Our newly qualified social workers stay")
        share.get_by_role("button", name=re.compile("Record your choice")).click()
        expect(review_host.locator("form.share-form .shared-state")).to_have_text("Shared with the summit in your words.")
        review_host.get_by_role("button", name="Name them at the summit").click()
        expect(review_host.locator("#share-lines")).to_contain_text("are named at the region's summit")
        assert_accessible(review_host, "the PCTR host shares a strength and its lines with the summit")
        record_action(lead, base)

        # The summit: insights from both days, the issues for collective action, an approved plan.
        fac.goto(f"{server.url}/followup/summit")
        fac.fill("#summit-title", "Regional summit, March")
        fac.fill("#held-on", "2027-03-22")
        fac.get_by_role("button", name="Prepare the summit").click()
        expect(fac.locator("h1")).to_have_text("Regional summit, March")
        expect(fac.locator("article.issue[data-key='risk:Workforce']")).to_contain_text("Raised for 6 authorities")
        fac.fill("#plan-text", PLAN)
        fac.get_by_role("button", name="Put it to the summit").click()
        item = fac.locator("article.summit-item", has_text=PLAN)
        item.get_by_label("Approved", exact=True).check()
        item.get_by_role("button", name="Record the decision").click()
        expect(fac.locator("article.summit-item", has_text=PLAN).locator(".state")).to_contain_text("Approved")
        assert_accessible(fac, "the round's summit agenda")
        fac.get_by_role("link", name="Open the pack").click()
        expect(fac.locator("#insights li")).to_have_count(6)
        expect(fac.locator("#collective-issues > li[data-key='risk:Workforce']")).to_have_attribute("data-authorities", "6")
        expect(fac.locator("#decisions")).to_contain_text(PLAN)
        expect(fac.locator("#review-strengths li")).to_have_text(["Our newly qualified social workers stay (Northshire) "
                                                                  "Peer Challenge Team Review (East Midlands): Northshire"])
        expect(fac.locator("#review-lines")).to_contain_text("The workforce is stable enough to carry the improvement plan")
        shot(fac, "region-round-summit-pack", full_page=True)
        assert_accessible(fac, "the round's summit pack")

        # Months on: the PCTR's host looks back at its action plan; a day's host at its ask.
        review_host.goto(review_host_url)
        review_host.click("#impact-link a")
        review_host.get_by_label("Where it stands").select_option("in progress")
        review_host.get_by_label("Evidence", exact=True).fill("The plan is drafted with the unions")
        review_host.get_by_label("Measurable evidence of impact").fill("Turnover down from 15% to 12%")
        review_host.get_by_role("button", name="Submit the review of impact").click()
        expect(review_host.locator("#impact-saved")).to_have_text("Submitted.")
        assert_accessible(review_host, "the PCTR host's review of impact")
        host.goto(links["Kingsford"].rstrip("/") + "/impact")
        ask = host.locator("#impact-form").get_by_text("Help with recruiting experienced social workers").first
        expect(ask).to_be_visible()
        shot(host, "region-round-day-impact", full_page=True)
        assert_accessible(host, "a day's host's review of impact")
        fac.goto(server.url + "/ledger")
        expect(fac.locator("#ledger tbody tr[data-role=ask]")).to_have_count(6)
        lead.goto(server.url + "/ledger")
        expect(lead.locator("#ledger tbody tr[data-role=action]")).to_contain_text("in progress")

        # The programme: every day and the review on one calendar, and the pool to build teams from.
        fac.goto(server.url + "/programme")
        expect(fac.locator("body")).to_contain_text("Round 1, triad 2")
        expect(fac.locator("body")).to_contain_text("Peer Challenge Team Review (East Midlands): Northshire")
        shot(fac, "region-round-programme", full_page=True)
        assert_accessible(fac, "the regional calendar")
        fac.get_by_role("link", name=re.compile("pool", re.I)).first.click()
        expect(fac.locator("h1")).to_contain_text(re.compile("pool", re.I))
        assert_accessible(fac, "the reviewer pool")
        browser.close()
    assert errors == [], errors
