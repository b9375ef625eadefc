"""The review team before the visit, through the pages: invitations by name and role with their own
links, the host DCS's confirmation or request to reconsider, declared conflicts, the QA reviewer
by invitation only, and the agreed responsibilities per role and day with each member's part."""

from __future__ import annotations

from urllib.parse import urlsplit

from facilitator.core import erase
from tests.support import Review, csrf_page, parsed
from tests.test_followup_flow import at


def _console(review) -> object:
    return parsed(review.lead.get(f"/reviews/{review.id}/console").get_data(as_text=True))


def _host_form(review):
    token, page = csrf_page(review.host, f"/reviews/{review.id}/host")
    return token, parsed(page)


def _invitees(app, review_id):
    return app.extensions["facilitator"].team.invited(review_id)


def test_responsibilities_team_invited_by_name_each_with_their_own_link(app, clock):
    review = Review(app)
    link = review.invite("TM1", "Sam Patel")
    item = _console(review).select_one("#invited li")
    assert "Sam Patel" in item.get_text() and "not opened yet" in item.get_text()
    member = review.invited(link)
    notebook = member.get(f"/reviews/{review.id}/notebook")
    assert notebook.status_code == 200 and 'id="my-role">TM1<' in notebook.get_data(as_text=True)
    assert "opened" in _console(review).select_one("#invited li").get_text().replace("not opened", "")
    assert [b.get_text() for b in _console(review).select("#team .badge")] == ["TM1"]
    # A second invitation to a taken role, a role the script lacks, the lead's role or no name: refused.
    for data, message in (({"role": "TM1", "name": "Other"}, "TM1 is already invited: Sam Patel"),
                          ({"role": "Boss", "name": "X"}, "choose the role"), ({"role": "Lead", "name": "X"}, "choose the role"),
                          ({"role": "TM2", "name": "  "}, "Their name is required"),
                          ({"role": "TM2", "name": "x" * 121}, "longer than 120")):
        r = review.lead.post(f"/reviews/{review.id}/team", data={"csrf": review.token, **data})
        assert r.status_code == 302
        assert message in _console(review).select_one("#problem").get_text()
    assert [m["name"] for m in _invitees(app, review.id)] == ["Sam Patel"]
    # Only the lead invites: not a member, not the host, not a stranger.
    for client in (member, review.host, app.test_client()):
        token, _ = csrf_page(client, "/")
        r = client.post(f"/reviews/{review.id}/team", data={"csrf": token, "role": "TM2", "name": "Sneaky"})
        assert r.status_code == 403
    assert len(_invitees(app, review.id)) == 1
    assert app.test_client().get("/reviews/member/not-a-token").status_code == 404


def test_responsibilities_qa_reviewer_comes_only_by_invitation_not_by_the_code(app, clock):
    review = Review(app)
    join = parsed(app.test_client().get(review.join_url).get_data(as_text=True))
    assert "QA" not in [o["value"] for o in join.select("#role option")]
    client = app.test_client()
    token, _ = csrf_page(client, review.join_url)
    r = client.post(review.join_url, data={"csrf": token, "role": "QA"})
    assert r.status_code == 400 and "invited by the lead" in r.get_data(as_text=True)
    review.invite("TM2", "Jo Green")
    assert "TM2" not in [o["value"] for o in parsed(client.get(review.join_url).get_data(as_text=True)).select("#role option")]
    r = client.post(review.join_url, data={"csrf": token, "role": "TM2"})
    assert r.status_code == 400 and "TM2 is invited by name" in r.get_data(as_text=True)
    assert client.get(f"/reviews/{review.id}/notebook").status_code == 403
    qa = review.member("QA")  # through an invitation
    assert qa.get(f"/reviews/{review.id}/letter").status_code == 200


def test_responsibilities_withdrawn_invitation_opens_nothing(app, clock):
    review = Review(app)
    link = review.invite("TM3", "Alex Moor")
    member = review.invited(link)
    assert member.get(f"/reviews/{review.id}/notebook").status_code == 200
    mid = _invitees(app, review.id)[0]["id"]
    review.lead.post(f"/reviews/{review.id}/team/{mid}/withdraw", data={"csrf": review.token})
    assert _invitees(app, review.id) == []
    assert member.get(f"/reviews/{review.id}/notebook").status_code == 403
    assert app.test_client().get(link).status_code == 404
    assert "Nobody is invited by name yet" in _console(review).select_one("#invited").get_text()
    # The role is free again, for the code or another invitation.
    review.invite("TM3", "Chris Lane")
    assert [m["name"] for m in _invitees(app, review.id)] == ["Chris Lane"]


def test_responsibilities_host_confirms_or_asks_to_reconsider_saying_why(app, clock):
    review = Review(app)
    review.invite("TM1", "Sam Patel")
    review.invite("TM2", "Jo Green")
    sam, jo = (m["id"] for m in _invitees(app, review.id))
    token, page = _host_form(review)
    assert [f.select_one("legend").get_text() for f in page.select("form.team-confirm")] == [
        "Sam Patel, Core team member 1", "Jo Green, Core team member 2"]
    assert review.host.post(f"/reviews/{review.id}/team/{sam}/decision",
                            data={"csrf": token, "decision": "confirm"}).status_code == 302
    # To reconsider needs a reason; a wrong decision is refused; nothing is stored either time.
    review.host.post(f"/reviews/{review.id}/team/{jo}/decision", data={"csrf": token, "decision": "reconsider"})
    assert "Why it should be reconsidered is required" in _host_form(review)[1].select_one("#problem").get_text()
    review.host.post(f"/reviews/{review.id}/team/{jo}/decision", data={"csrf": token, "decision": "veto"})
    assert "choose to confirm" in _host_form(review)[1].select_one("#problem").get_text()
    assert _invitees(app, review.id)[1]["host_decision"] is None
    review.host.post(f"/reviews/{review.id}/team/{jo}/decision",
                     data={"csrf": token, "decision": "reconsider", "note": "Jo led our audit last year."})
    decisions = [li.select_one(".team-decision").get_text() for li in _console(review).select("#invited li")]
    assert decisions == ["Confirmed by the host",
                         "The host asks for this to be reconsidered: “Jo led our audit last year.”"]
    # The lead, a member and a stranger cannot decide for the host; nor for another review's member.
    for client in (review.lead, review.member("TM3"), app.test_client()):
        t, _ = csrf_page(client, "/")
        assert client.post(f"/reviews/{review.id}/team/{sam}/decision",
                           data={"csrf": t, "decision": "reconsider", "note": "no"}).status_code == 403
    other = Review(app)
    t, _ = csrf_page(other.host, f"/reviews/{other.id}/host")
    other.host.post(f"/reviews/{other.id}/team/{sam}/decision", data={"csrf": t, "decision": "reconsider", "note": "x"})
    assert "no such member" in _host_form(other)[1].select_one("#problem").get_text()
    assert _invitees(app, review.id)[0]["host_decision"] == "confirm"


def test_responsibilities_member_declares_conflicts_the_host_and_lead_see_them(app, clock):
    review = Review(app)
    member = review.invited(review.invite("TM1", "Sam Patel"))
    token, page = csrf_page(member, f"/reviews/{review.id}/notebook")
    assert parsed(page).select_one("#conflicts") is not None
    member.post(f"/reviews/{review.id}/conflicts", data={"csrf": token, "conflicts": "   "})
    assert "The conflict you declare is required" in member.get(f"/reviews/{review.id}/notebook").get_data(as_text=True)
    member.post(f"/reviews/{review.id}/conflicts",
                data={"csrf": token, "conflicts": "I was\x07 Northshire's head of service until 2024.\r\n"})
    declared = "Declares: “I was Northshire's head of service until 2024.”"
    assert _console(review).select_one("#invited .team-conflicts").get_text() == declared
    assert _host_form(review)[1].select_one(".team-confirm .team-conflicts").get_text() == declared
    member.post(f"/reviews/{review.id}/conflicts", data={"csrf": token, "none": "1", "conflicts": "ignored"})
    assert _console(review).select_one("#invited .team-conflicts").get_text() == "Declares no conflict of interest"
    # The host and the lead do not declare a member's interests.
    for client in (review.host, review.lead):
        t, _ = csrf_page(client, "/")
        assert client.post(f"/reviews/{review.id}/conflicts", data={"csrf": t, "none": "1"}).status_code == 403


def _grid_form(review, day: int) -> dict:
    page = parsed(review.lead.get(f"/reviews/{review.id}/responsibilities").get_data(as_text=True))
    form = page.select_one(f"#day-{day} form")
    data = {i["name"]: i.get("value", "") for i in form.select("input")}
    data |= {t["name"]: t.get_text() for t in form.select("textarea")}
    data |= {s["name"]: "" for s in form.select("select")}
    return data, [o["value"] for o in form.select("select option") if o["value"]]


def test_responsibilities_grid_per_role_and_day_and_each_members_part_today(app, clock):
    at(clock, "2026-12-01")
    review = Review(app)
    review.invite("TM1", "Sam Patel")
    days = parsed(review.lead.get(f"/reviews/{review.id}/responsibilities").get_data(as_text=True))
    assert [h.get_text() for h in days.select("section.grid-day h2")] == [
        "Day 1: Monday 21 December 2026", "Day 2: Tuesday 22 December 2026", "Day 3: Wednesday 23 December 2026"]
    assert [lg.get_text() for lg in days.select("#day-1 legend")] == [
        "Lead: Lead reviewer (DCS)", "TM1: Sam Patel", "TM2: Core team member 2", "TM3: Core team member 3",
        "TM4: Core team member 4", "Data: Data specialist"]  # the QA reviewer reads from afar
    data, lines = _grid_form(review, 2)
    data |= {"focus-TM1-2": "Early help front door", "line-TM1-2": lines[0], "morning-TM1-2": "Interview locality managers",
             "afternoon-TM1-2": "Case file audit: five early help files", "notes-TM1-2": "Ask how thresholds are agreed"}
    r = review.lead.post(f"/reviews/{review.id}/responsibilities", data=data)
    assert r.status_code == 302 and "saved=2" in r.location
    # A hypothesis that is not the review's, or a cell too long: refused, and nothing of it stored.
    for bad in ({"line-TM2-2": "nope"}, {"morning-TM2-2": "x" * 401}):
        review.lead.post(f"/reviews/{review.id}/responsibilities", data={**data, "focus-TM2-2": "Changed", **bad})
        page = review.lead.get(f"/reviews/{review.id}/responsibilities").get_data(as_text=True)
        assert "day 2" in parsed(page).select_one("#problem").get_text() and "Changed" not in page
    # Only the lead fills it in; the host and the team read it.
    tm1 = review.invited(urlsplit(_console(review).select_one("#invited a.member-link")["href"]).path)
    t, _ = csrf_page(tm1, f"/reviews/{review.id}/notebook")
    assert tm1.post(f"/reviews/{review.id}/responsibilities", data={**data, "csrf": t}).status_code == 403
    read = parsed(review.host.get(f"/reviews/{review.id}/responsibilities").get_data(as_text=True))
    assert read.select("#day-2 tbody tr")[1].get_text(" ", strip=True).startswith("TM1: Sam Patel Early help front door")
    assert read.select_one("form") is None

    # Before the visit the phone shows the first day's part; on day 2 it shows day 2's; after, none.
    part = parsed(tm1.get(f"/reviews/{review.id}/notebook").get_data(as_text=True)).select_one("#my-part")
    assert part.h2.get_text() == "Your part on the first day: day 1, Monday 21 December 2026"
    at(clock, "2026-12-22")
    part = parsed(tm1.get(f"/reviews/{review.id}/notebook").get_data(as_text=True)).select_one("#my-part")
    assert part.h2.get_text() == "Your part today: day 2, Tuesday 22 December 2026"
    assert [d.get_text() for d in part.select("dd")] == [
        "Early help front door", "H1", "Interview locality managers", "Case file audit: five early help files",
        "Ask how thresholds are agreed"]
    tm2 = review.member("TM2")
    assert "not set yet" in parsed(tm2.get(f"/reviews/{review.id}/notebook").get_data(as_text=True)).select_one("#my-part dd").get_text()
    at(clock, "2026-12-28")
    notebook = parsed(tm1.get(f"/reviews/{review.id}/notebook").get_data(as_text=True))
    assert "The days on site are over" in notebook.select_one("#my-part").get_text()
    # The notebook opens as 003's recording notebook does: the date, the authority, the lead, the team.
    assert [d.get_text() for d in notebook.select("#visit-header dd")] == [
        "Northshire", "Monday 21 December 2026", "not named yet", "Sam Patel (TM1)"]


def test_responsibilities_and_the_team_go_with_the_review_when_it_is_deleted(app, clock):
    review = Review(app)
    review.invite("TM1", "Sam Patel")
    data, _ = _grid_form(review, 1)
    review.lead.post(f"/reviews/{review.id}/responsibilities", data={**data, "focus-TM1-1": "Front door"})
    database = app.extensions["facilitator"].engine.store.database
    held = erase.holdings(database, "review", review.id)
    assert held["review_duties"] == 6 and held["review_members"] == 1
    assert "6 days of responsibilities" in erase.described(held)


def test_responsibilities_a_member_opening_their_link_is_in_the_access_log_by_role_not_name(app, clock):
    review = Review(app)
    review.invited(review.invite("TM1", "Sam Patel"))
    log = review.lead.get(f"/reviews/{review.id}/access").get_data(as_text=True)
    assert "opened their own link to the team" in log and "Sam Patel" not in log


def test_responsibilities_of_an_unannounced_visit_keep_its_date_from_the_host(app, clock):
    from tests.test_visit_window import HIDDEN, Sav

    sav = Sav(app)
    page = sav.host_bytes("/responsibilities").decode()
    assert "Day 1" in page and "Day 2" in page and not [h for h in HIDDEN if h in page]
    lead = sav.lead.get(f"/reviews/{sav.id}/responsibilities").get_data(as_text=True)
    assert "Day 1: Tuesday 9 March 2027" in lead
    # With the first day not yet set, the lead fills in the days all the same, without their dates.
    blank = Sav(app, start_date="")
    grid = parsed(blank.lead.get(f"/reviews/{blank.id}/responsibilities").get_data(as_text=True))
    assert [h.get_text() for h in grid.select("section.grid-day h2")] == ["Day 1", "Day 2"]
    form = grid.select_one("#day-1 form")
    data = {i["name"]: i.get("value", "") for i in form.select("input")} | {"focus-TM1-1": "Front door"}
    assert blank.lead.post(f"/reviews/{blank.id}/responsibilities", data=data).status_code == 302
    code = parsed(blank.lead.get(f"/reviews/{blank.id}/console").get_data(as_text=True)).select_one("#join-code").get_text()
    member = app.test_client()
    token, _ = csrf_page(member, f"/reviews/join/{code}")
    member.post(f"/reviews/join/{code}", data={"csrf": token, "role": "TM1"})
    part = parsed(member.get(f"/reviews/{blank.id}/notebook").get_data(as_text=True)).select_one("#my-part")
    assert part.h2.get_text() == "Your part on the first day: day 1" and part.dd.get_text() == "Front door"
