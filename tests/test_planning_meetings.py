"""The meetings of the planning timeline: a planning discussion's notes and agreements (the scope,
the feedback's audience and form), recorded by the lead and the host, seen by both, shown on the
lead's console; an unannounced visit's team call kept from its host."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from facilitator.core.scripts import review as review_scripts
from facilitator.core.scripts.reader import ScriptError
from tests.support import csrf_page, parsed
from tests.test_planning_timeline import _review, without_plan
from tests.test_visit_window import Sav


def _host(app, review):
    console = parsed(review.lead.get(f"/reviews/{review.id}/console").get_data(as_text=True))
    host = app.test_client()
    host.get(urlsplit(console.select_one("#host-link")["href"]).path)
    return host


def _plan(client, review_id):
    return parsed(client.get(f"/reviews/{review_id}/plan").get_data(as_text=True))


@pytest.mark.parametrize("agree, message", [('agree = ["Scope", "Scope"]', "plan[0].agree: names the same"),
                                            ('agree = [""]', "plan[0].agree[0]"), ('agree = "Scope"', "plan[0].agree")])
def test_planning_timeline_meeting_agreements_in_a_script_are_checked(agree, message):
    text = without_plan("em-pctr.toml") + f'\n[[plan]]\nkey = "a"\nwhat = "x"\nwho = ["Host DCS"]\nweeks_before = [2, 4]\n{agree}\n'
    with pytest.raises(ScriptError, match=message.replace("[", r"\[").replace("]", r"\]")):
        review_scripts.parse(text, "plan.toml")


def test_planning_timeline_planning_discussion_recorded_by_the_host_seen_by_the_lead(app, clock):
    review = _review(app)
    host = _host(app, review)
    page = _plan(host, review.id)
    meeting = page.select_one("#meeting-planning_discussion")
    assert [lb.get_text() for lb in meeting.select("label")] == [
        "Held on", "The scope of the challenge", "The audience for the feedback: members, the chief executive, managers, partners",
        "The feedback's format, length and style", "How to present or frame the more challenging findings", "Notes"]
    assert [m["id"] for m in page.select("section.meeting")] == ["meeting-planning_discussion", "meeting-pre_meeting"]
    token = meeting.select_one('input[name="csrf"]')["value"]
    path = f"/reviews/{review.id}/plan/planning_discussion/record"
    # A date that is not one, an agreement past its length, a step that is no meeting: refused, nothing stored.
    for data, message in (({"held_on": "next Tuesday"}, "must be a date"),
                          ({"agreed-0": "x" * 2001}, "The scope of the challenge is longer than 2000"),):
        host.post(path, data={"csrf": token, **data})
        assert message in _plan(host, review.id).select_one("#problem").get_text()
    host.post(f"/reviews/{review.id}/plan/dates/record", data={"csrf": token, "notes": "x"})
    assert "no such meeting" in _plan(host, review.id).select_one("#problem").get_text()
    assert app.extensions["facilitator"].meetings.records(review.id) == {}
    r = host.post(path, data={"csrf": token, "held_on": "2026-09-30", "agreed-0": "Early help and the front door",
                              "agreed-1": "The senior management team and the lead member", "agreed-3": "Strengths first; then two areas",
                              "notes": "Spoke by phone.\r\nThe host wants a bias for action."})
    assert r.status_code == 302 and "recorded=planning_discussion" in r.location
    lead_page = _plan(review.lead, review.id).select_one("#meeting-planning_discussion")
    assert lead_page.select_one("#agreed-planning_discussion-0").get_text() == "Early help and the front door"
    assert lead_page.select_one("#notes-planning_discussion").get_text() == "Spoke by phone.\nThe host wants a bias for action."
    assert "last saved by the Host DCS" in lead_page.get_text()
    console = parsed(review.lead.get(f"/reviews/{review.id}/console").get_data(as_text=True)).select_one("#agreed-before")
    assert [d.get_text() for d in console.select("dt")] == [
        "The scope of the challenge", "The audience for the feedback: members, the chief executive, managers, partners",
        "How to present or frame the more challenging findings"]
    assert "Wednesday 30 September 2026" in console.h3.get_text()
    # A team member does not write the DCSs' record.
    member = review.invited(review.invite("TM1", "Sam Patel"))
    t, _ = csrf_page(member, f"/reviews/{review.id}/notebook")
    assert member.post(path, data={"csrf": t, "notes": "mine"}).status_code == 403


def test_planning_timeline_an_unannounced_visits_team_call_is_the_teams_alone(app, clock):
    sav = Sav(app)
    assert _plan(sav.host, sav.id).select("section.meeting") == []
    t = csrf_page(sav.host, f"/reviews/{sav.id}/plan")[0]
    sav.host.post(f"/reviews/{sav.id}/plan/conference_call/record", data={"csrf": t, "notes": "guess"})
    assert "no such meeting" in _plan(sav.host, sav.id).select_one("#problem").get_text()
    lead = _plan(sav.lead, sav.id).select_one("#meeting-conference_call")
    assert [lb.get_text() for lb in lead.select("label")][1:4] == ["Key lines of enquiry", "Team deployment", "On-site protocols"]
