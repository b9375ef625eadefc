"""An unannounced visit (seed 003's SAV): the script says its visit is announced by a window; the
set-up asks for the window and, when known, the first day on site; plan steps are dated from the
window or from the first day, in weeks or days; the host sees the window and never the first day,
on its pages, its planning timeline, its copies and its calendar file."""

from __future__ import annotations

from datetime import date as Date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from facilitator.cli import cli
from facilitator.core.dates import on_site_days
from facilitator.core.scripts import review as review_scripts
from facilitator.core.scripts.reader import SCRIPTS_DIR, ScriptError, is_review
from facilitator.review import plan
from tests.support import csrf_page, parsed
from tests.test_followup_flow import at
from tests.test_planning_timeline import without_plan

WINDOW = {"window_first": "2027-02-01", "window_last": "2027-03-31"}
FIRST_DAY = "2027-03-09"
HIDDEN = ("2027-03-09", "2027-03-17", "20270309", "20270308", "9 March", "8 March", "Tuesday 9", "Monday 8")  # the day, the day before, the letter due


class Sav:
    """An SAV set up through its pages, with the lead's and the host's clients."""

    def __init__(self, app, **form):
        self.lead = app.test_client()
        self.token, _ = csrf_page(self.lead, "/reviews/new")
        self.created = self.lead.post("/reviews", data={"csrf": self.token, "script": "em-sav", "host": "Westvale",
                                                        **WINDOW, "start_date": FIRST_DAY, **form})
        if self.created.status_code != 302:
            return
        self.id = self.created.location.split("/")[2]
        console = parsed(self.lead.get(f"/reviews/{self.id}/console").get_data(as_text=True))
        self.host = app.test_client()
        self.host.get(urlsplit(console.select_one("#host-link")["href"]).path)

    def host_bytes(self, path: str) -> bytes:
        answer = self.host.get(f"/reviews/{self.id}{path}")
        assert answer.status_code == 200, (path, answer.status_code)
        return answer.get_data()


def _script(visit: str, step: str = "") -> str:
    return without_plan("em-sav.toml").replace("[visit]\nwindow_weeks = 9\n", visit) + step


@pytest.mark.parametrize("visit, step, message", [
    ("[visit]\nwindow_weeks = 0\n", "", "visit.window_weeks"),
    ("[visit]\nwindow_weeks = 2.5\n", "", "visit.window_weeks"),
    ("[visit]\nwindow_days = 9\n", "", "visit.window_days: is not a known field"),
    ("[visit]\n", "", ""),  # an empty [visit] is no window: nothing to refuse
    ("", '\n[[plan]]\nkey = "a"\nwhat = "x"\nwho = ["SAV AD"]\nfrom = "window"\ndays_before = [1, 2]\n', "plan[0].from"),
    ("[visit]\nwindow_weeks = 9\n", '\n[[plan]]\nkey = "a"\nwhat = "x"\nwho = ["SAV AD"]\nfrom = "site"\ndays_before = [1, 2]\n',
     "plan[0].from"),
    ("[visit]\nwindow_weeks = 9\n", '\n[[plan]]\nkey = "a"\nwhat = "x"\nwho = ["SAV AD"]\ndays_before = [3, 1]\n',
     "plan[0].days_before"),
    ("[visit]\nwindow_weeks = 9\n", '\n[[plan]]\nkey = "a"\nwhat = "x"\nwho = ["SAV AD"]\ndays_before = [1, 400]\n',
     "plan[0].days_before"),
    ("[visit]\nwindow_weeks = 9\n",
     '\n[[plan]]\nkey = "a"\nwhat = "x"\nwho = ["SAV AD"]\ndays_before = [1, 2]\nweeks_before = [1, 2]\n',
     "plan[0].weeks_before: give one of"),
])
def test_visit_window_script_fields_are_checked_by_name(visit, step, message):
    text = _script(visit, step)
    if not message:
        assert review_scripts.parse(text, "sav.toml").windowed is False
        return
    with pytest.raises(ScriptError, match=message.replace("[", r"\[").replace("]", r"\]")):
        review_scripts.parse(text, "sav.toml")


def test_visit_window_steps_are_dated_from_the_window_and_the_first_day():
    script = review_scripts.available()["em-sav"]
    assert script.windowed and script.window_weeks == 9
    review = {**WINDOW, "start_date": FIRST_DAY}
    steps = {s["key"]: s for s in plan.timeline(script, review, {}, Date(2027, 1, 1))}
    info = steps["information_set"]
    assert info["closes"] == Date(2027, 1, 2) and info["opens"] == Date(2026, 12, 7)  # a month before the window
    assert info["who"] == ["Host DCS"] and info["state"] == plan.DUE
    assert info["before"] == "30 to 56 days before the visit window opens"
    call = steps["conference_call"]
    assert call["opens"] == call["closes"] == Date(2027, 3, 8) and call["before"] == "the day before the fieldwork"
    assert call["state"] == plan.LATER
    hosts = plan.timeline(script, review, {}, Date(2027, 1, 1), host=True)
    assert "conference_call" not in {s["key"] for s in hosts} and "Team member 1" not in plan.people(
        plan.visible(script, review, True))
    unset = {s["key"]: s for s in plan.timeline(script, {**review, "start_date": ""}, {}, Date(2027, 1, 1))}
    assert unset["conference_call"]["state"] == plan.UNSET and unset["conference_call"]["closes"] is None
    assert unset["information_set"]["state"] == plan.DUE


@pytest.mark.parametrize("form, message", [
    ({"window_first": "soon"}, "the visit window's first day must be a date, YYYY-MM-DD"),
    ({"window_last": ""}, "the visit window's last day must be a date, YYYY-MM-DD"),
    ({"window_last": "2027-01-31"}, "the visit window's last day must be on or after its first day"),
    ({"window_last": "2027-05-01"}, "the visit window must be at most 9 weeks long"),
    ({"start_date": "2027-04-01"}, "the first day on site must fall within the visit window"),
    ({"start_date": "9/3/27"}, "the first day on site must be a date, YYYY-MM-DD, or left blank"),
])
def test_visit_window_bad_set_up_is_refused_in_one_line_and_nothing_is_stored(app, form, message):
    sav = Sav(app, **form)
    assert sav.created.status_code == 400
    alert = parsed(sav.created.get_data(as_text=True)).select("p.alert")
    assert [a.get_text(strip=True) for a in alert] == [message]
    assert app.extensions["facilitator"].reviews.reviews() == []


def test_visit_window_host_never_sees_the_first_day_on_site(app, clock):
    at(clock, "2027-01-01")
    sav = Sav(app)
    lead_plan = sav.lead.get(f"/reviews/{sav.id}/plan").get_data(as_text=True)
    assert "Tuesday 9 March 2027" in lead_plan and "Monday 8 March 2027" in lead_plan  # the team knows
    lead_ics = sav.lead.get(f"/reviews/{sav.id}/plan.ics?who=SAV AD").get_data(as_text=True)
    assert "DTSTART;VALUE=DATE:20270308" in lead_ics
    host_page = sav.host_bytes("/host")
    assert b"The visit window: 1 February to 31 March 2027." in host_page
    pages = [host_page, sav.host_bytes("/plan"), sav.host_bytes("/plan?who=Host DCS"), sav.host_bytes("/self-assessment"), sav.host_bytes("/host/feedback"),
             sav.host_bytes("/host/record.html"), sav.host_bytes("/host/record.docx")]
    ics = sav.host.get(f"/reviews/{sav.id}/plan.ics?who=Host DCS")
    assert b"DTSTART;VALUE=DATE:20270102" in ics.get_data()  # the information set, a month before the window
    assert "2027-02-01-plan-host-dcs" in ics.headers["Content-Disposition"]
    for body in pages + [ics.get_data(), ics.headers["Content-Disposition"].encode()]:
        for hidden in HIDDEN:
            assert hidden.encode() not in body, hidden
    assert sav.host.get(f"/reviews/{sav.id}/plan.ics?who=Team member 1").status_code == 404
    host_plan = parsed(sav.host_bytes("/plan").decode())
    assert host_plan.select_one("#step-conference_call") is None
    assert "1 February to 31 March 2027" in host_plan.select_one("#plan-anchor").get_text()
    token = host_plan.select_one('input[name="csrf"]')["value"]
    sav.host.post(f"/reviews/{sav.id}/plan/conference_call", data={"csrf": token, "done": "1"})
    assert app.extensions["facilitator"].reviews.plan_done(sav.id) == {}  # nor may it mark the team's step


def test_visit_window_lead_sets_the_first_day_later_inside_the_window(app, clock):
    at(clock, "2027-01-01")
    sav = Sav(app, start_date="")
    console = parsed(sav.lead.get(f"/reviews/{sav.id}/console").get_data(as_text=True))
    assert "on a day not set yet" in console.select_one("p.lead").get_text()
    assert "1 not dated yet" in parsed(sav.lead.get(f"/reviews/{sav.id}/plan").get_data(as_text=True)).select_one(
        "#plan-counts").get_text()
    token = console.select_one('#visit-window input[name="csrf"]')["value"]
    sav.lead.post(f"/reviews/{sav.id}/first-day", data={"csrf": token, "start_date": "2027-04-02"})
    assert "must fall within the visit window" in sav.lead.get(f"/reviews/{sav.id}/console").get_data(as_text=True)
    sav.lead.post(f"/reviews/{sav.id}/first-day", data={"csrf": token, "start_date": FIRST_DAY})
    assert app.extensions["facilitator"].reviews.review(sav.id)["start_date"] == FIRST_DAY
    assert sav.host.post(f"/reviews/{sav.id}/first-day", data={"csrf": token, "start_date": FIRST_DAY}).status_code == 403


def test_visit_window_every_shipped_review_script_passes_check_script_and_has_a_plan():
    runner = CliRunner()
    paths = sorted(p for p in Path(SCRIPTS_DIR).glob("*.toml") if is_review(p))
    assert "yh-peer-challenge.toml" in {p.name for p in paths}
    for path in paths:
        result = runner.invoke(cli, ["check-script", str(path)])
        assert result.exit_code == 0, result.output
        assert review_scripts.load(path).plan, path.name
    yh = review_scripts.available()["yh-peer-challenge"]
    assert yh.days == 3 and len(yh.roles) == 3 and yh.schedule[-1].feedback
    assert yh.letter_title == "Peer challenge: final report" and not yh.windowed


def test_visit_window_in_a_browser_lead_sets_up_and_host_sees_the_window(live_server, browser, errors):
    pytest.importorskip("playwright")
    from playwright.sync_api import expect

    from tests.browser_helpers import assert_accessible, shot
    from tests.test_review_browser import new_page

    today = Date.today()
    first, last = today + timedelta(days=40), today + timedelta(days=80)  # the information set is due now
    on_site = on_site_days(first + timedelta(days=7 - first.weekday()), 1)[0]  # a working day in the window
    lead = new_page(browser, errors)
    lead.goto(live_server.url + "/reviews/new")
    lead.select_option("#script", label="Safeguarding Assurance Visit (East Midlands)")
    lead.fill("#host", "Westvale")
    lead.fill("#start_date", "")
    lead.fill("#window_first", first.isoformat())
    lead.fill("#window_last", last.isoformat())
    assert_accessible(lead, "set-up with a visit window")
    shot(lead, "visit-window-set-up", full_page=True)
    lead.click("text=Set up the review")
    expect(lead.locator("#visit-window")).to_contain_text("Unannounced")
    lead.fill("#first-day", on_site.isoformat())
    lead.get_by_role("button", name="Set the first day").click()
    expect(lead.locator("p.lead").first).to_contain_text(f"{on_site:%-d %b %Y}")
    shot(lead, "visit-window-console")
    host_url = lead.locator("#host-link").get_attribute("href")

    host = new_page(browser, errors)
    host.goto(host_url)
    expect(host.locator("#visit-window")).to_contain_text("The visit window:")
    host.get_by_role("link", name="The planning timeline before the fieldwork").click()
    expect(host.locator("#step-information_set")).to_contain_text("Due now")
    expect(host.locator("#step-conference_call")).to_have_count(0)
    expect(host.locator("#plan-anchor")).to_contain_text(f"{last:%-d %B %Y}")
    shot(host, "visit-window-host-plan", full_page=True)
    assert_accessible(host, "host's planning timeline of an unannounced visit")
    assert f"{on_site:%-d %B}" not in host.content()
    assert not errors, errors
