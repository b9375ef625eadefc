"""The planning timeline before the fieldwork: the script's steps as dates from the first day on
site, due and overdue for each person, marked done by the lead or the host, and a calendar per person."""

from __future__ import annotations

import re
from datetime import date as Date

import pytest

from facilitator.core.scripts import review as review_scripts
from facilitator.core.scripts.reader import SCRIPTS_DIR, ScriptError
from facilitator.review import plan
from tests.support import Review, csrf_page, parsed
from tests.test_followup_flow import at


def without_plan(name: str) -> str:
    """A shipped script's text with its planning timeline cut off, to add steps of a test's own."""
    return SCRIPTS_DIR.joinpath(name).read_text().split("\n[[plan]]")[0]


def _review(app):
    """An SE fieldwork review starting 21 December 2026, set up through its pages."""
    r = Review.__new__(Review)
    r.app, r.lead = app, app.test_client()
    r.token, _ = csrf_page(r.lead, "/reviews/new")
    created = r.lead.post("/reviews", data={"csrf": r.token, "script": "se-fieldwork", "host": "Northshire",
                                            "start_date": "2026-12-21"})
    r.id = created.location.split("/")[2]
    return r


def test_planning_timeline_turns_weeks_before_the_fieldwork_into_dates_and_states():
    script = review_scripts.available()["se-fieldwork"]
    review = {"start_date": "2026-12-21"}
    steps = {s["key"]: s for s in plan.timeline(script, review, {"scope": {"done_by": "host", "done_ms": 1}},
                                                Date(2026, 10, 1))}
    assert len(steps) == 11 and steps["dates"]["opens"] == Date(2026, 8, 17) and steps["dates"]["closes"] == Date(2026, 9, 14)
    assert steps["dates"]["state"] == plan.OVERDUE and steps["scope"]["state"] == plan.DONE
    assert steps["team"]["state"] == plan.DUE and steps["reading_pack"]["state"] == plan.LATER
    assert steps["dates"]["before"] == "14 to 18 weeks before the fieldwork"
    assert plan.people(script.plan)[:3] == ["Host DCS", "Visiting DCS", "Programme manager"]


@pytest.mark.parametrize("step, message", [
    ('key = "a"\nwhat = "x"\nwho = ["Host DCS"]\nweeks_before = [4, 2]', "plan[0].weeks_before"),
    ('key = "A b"\nwhat = "x"\nwho = ["Host DCS"]\nweeks_before = [2, 4]', "plan[0].key"),
    ('key = "a"\nwhat = "x"\nwho = []\nweeks_before = [2, 4]', "plan[0].who"),
])
def test_planning_timeline_in_a_script_is_checked(step, message):
    text = without_plan("em-pctr.toml") + "\n[[plan]]\n" + step + "\n"
    with pytest.raises(ScriptError, match=message.replace("[", r"\[").replace("]", r"\]")):
        review_scripts.parse(text, "plan.toml")


def test_planning_timeline_page_marks_steps_done_and_gives_each_person_a_calendar(app, clock):
    at(clock, "2026-10-01")
    review = _review(app)
    page = parsed(review.lead.get(f"/reviews/{review.id}/plan").get_data(as_text=True))
    assert page.select_one("#plan-counts").get_text(strip=True) == "2 overdue · 4 due now · 0 done · 5 later"
    assert "Overdue" in page.select_one("#step-dates").get_text()
    mine = parsed(review.lead.get(f"/reviews/{review.id}/plan?who=Host project manager").get_data(as_text=True))
    assert [r["id"] for r in mine.select("tbody tr")] == ["step-timings", "step-reading_pack", "step-supplementary"]
    assert review.lead.get(f"/reviews/{review.id}/plan?who=Nobody").status_code == 404
    token = page.select_one('#step-dates input[name="csrf"]')["value"]
    assert review.lead.post(f"/reviews/{review.id}/plan/dates", data={"csrf": token, "done": "1"}).status_code == 302
    done = parsed(review.lead.get(f"/reviews/{review.id}/plan").get_data(as_text=True))
    assert "Done" in done.select_one("#step-dates").get_text() and "by the lead reviewer" in done.select_one("#step-dates").get_text()
    assert review.lead.post(f"/reviews/{review.id}/plan/nope", data={"csrf": token, "done": "1"}).status_code == 302
    ics = review.lead.get(f"/reviews/{review.id}/plan.ics?who=Host DCS")
    assert ics.mimetype == "text/calendar" and "plan-host-dcs" in ics.headers["Content-Disposition"]
    body = ics.get_data(as_text=True)
    assert body.count("BEGIN:VEVENT") == 6 and "DTSTART;VALUE=DATE:20260914" in body and "Choice of dates" in body
    stranger = app.test_client()
    assert stranger.get(f"/reviews/{review.id}/plan").status_code == 403


def test_planning_timeline_in_a_browser_for_the_lead(live_server, browser, errors):
    pytest.importorskip("playwright")
    from playwright.sync_api import expect

    from tests.browser_helpers import assert_accessible, shot
    from tests.test_review_browser import set_up

    lead = set_up(browser, errors, live_server.url, "Peer challenge fieldwork (South East)", "Northshire")
    lead.get_by_role("link", name="Planning timeline").click()
    expect(lead.locator("h1")).to_have_text("Planning timeline")
    expect(lead.locator("tbody tr")).to_have_count(11)
    lead.select_option("#who", "Host project manager")
    lead.get_by_role("button", name="Show").click()
    expect(lead.locator("tbody tr")).to_have_count(3)
    expect(lead.locator("#calendar")).to_have_text("Host project manager's steps as a calendar file")
    lead.get_by_role("button", name="Mark done: High-level reading pack").click()
    expect(lead.locator("#step-reading_pack")).to_contain_text("by the lead reviewer")
    expect(lead.locator("tbody tr")).to_have_count(3)  # still this person's steps
    shot(lead, "planning-timeline", full_page=True)
    assert_accessible(lead, "planning timeline")

    # The planning discussion's agreements, recorded on the timeline and shown on the console.
    lead.select_option("#who", "")
    lead.get_by_role("button", name="Show").click()
    meeting = lead.locator("#meeting-planning_discussion")
    meeting.get_by_label("Held on").fill("2026-09-30")
    meeting.get_by_label("The scope of the challenge").fill("Early help and the front door")
    meeting.get_by_label(re.compile("The audience for the feedback")).fill("The senior management team")
    meeting.get_by_role("button", name=re.compile("Save the record")).click()
    expect(lead.locator("#meeting-saved")).to_have_text("The record of the meeting is saved.")
    expect(lead.locator("#meeting-planning_discussion")).to_contain_text("last saved by the Visiting DCS")
    shot(lead, "planning-timeline-meeting", full_page=True)
    assert_accessible(lead, "planning timeline, a meeting recorded")
    lead.get_by_role("link", name="Console").click()
    expect(lead.locator("#agreed-before dd")).to_have_text(["Early help and the front door", "The senior management team"])
    assert_accessible(lead, "console, agreed before the fieldwork")
    assert not errors, errors
