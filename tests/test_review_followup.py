"""A review's agreed actions as the host's action plan: an owner (a role) and a date each, tracked
in the region's ledger and the follow-up, and looked back at in the host's review of impact."""

from __future__ import annotations

from facilitator.core import erase
from tests.support import Review, csrf_page, parsed


def _action(review, **form):
    return review.lead.post(f"/reviews/{review.id}/actions", data={"csrf": review.token, **form})


def _problem(client, path) -> str:
    found = parsed(client.get(path).get_data(as_text=True)).select_one("#problem")
    return found.get_text() if found else ""


def _with_actions(app):
    review = Review(app)
    _action(review, text="Publish a workforce retention plan", agreed="Y", owner="Head of workforce",
            due_date="2027-06-30")
    _action(review, text="Review the front door's thresholds", agreed="Y", owner="Head of early help")
    _action(review, text="Merge two locality teams", agreed="N", owner="Director")
    return review


def test_review_actions_carry_an_owner_and_a_date_checked(app, clock):
    review = _with_actions(app)
    rows = parsed(review.lead.get(f"/reviews/{review.id}/record").get_data(as_text=True)).select(".actions-table .action-owner")
    assert [r.get_text() for r in rows] == ["Head of workforce, by Wednesday 30 June 2027", "Head of early help",
                                            "Director"]
    _action(review, text="Another", agreed="Y", due_date="mid-2027")
    assert "must be a date" in _problem(review.lead, f"/reviews/{review.id}/record")
    _action(review, text="Another", agreed="Y", owner="x" * 121)
    assert "Who owns the action (a role) is longer than 120" in _problem(review.lead, f"/reviews/{review.id}/record")
    assert len(app.extensions["facilitator"].reviews.actions(review.id)) == 3


def test_review_actions_the_host_agreed_are_in_the_leads_ledger_and_follow_up(app, clock):
    review = _with_actions(app)
    ledger = parsed(review.lead.get("/ledger").get_data(as_text=True))
    rows = ledger.select("#ledger tbody tr[data-role=action]")
    assert [r.select("td")[2].get_text(" ", strip=True) for r in rows] == [
        "Publish a workforce retention plan Owner: Head of workforce · due by 30 June 2027",
        "Review the front door's thresholds Owner: Head of early help"]  # the one the host refused is not there
    assert all("not started" in r.get_text() for r in rows)
    csv = review.lead.get("/ledger.csv").get_data(as_text=True)
    header, first = csv.splitlines()[:2]
    assert "Owner,Due by" in header and "Head of workforce,30 June 2027" in first
    follow = parsed(review.lead.get("/followup").get_data(as_text=True))
    row = follow.select_one(f'tr[data-day="{review.id}"]')
    assert row is not None and "Northshire" in row.get_text()
    assert row.select_one("a")["href"] == f"/reviews/{review.id}/impact"
    # Another browser, leading nothing, sees none of it.
    assert "Publish a workforce retention plan" not in app.test_client().get("/ledger").get_data(as_text=True)


def test_review_of_impact_the_host_looks_back_at_its_action_plan(app, clock):
    review = _with_actions(app)
    path = f"/reviews/{review.id}/impact"
    token, page = csrf_page(review.host, path)
    items = parsed(page).select("fieldset.action-item")
    assert [i.legend.get_text() for i in items] == ["1. Publish a workforce retention plan",
                                                     "2. Review the front door's thresholds"]
    first, second = (i["id"].removeprefix("action-") for i in items)
    # A status that is not one, or submitting with no evidence of impact: refused, nothing saved.
    bad = review.host.post(path, data={"csrf": token, f"status-{first}": "abandoned"})
    assert bad.status_code == 400 and "is not a status for an action" in bad.get_data(as_text=True)
    bad = review.host.post(path, data={"csrf": token, "action": "submit", "progress": "Some"})
    assert bad.status_code == 400 and "measurable evidence" in bad.get_data(as_text=True)
    assert app.extensions["facilitator"].followup.records.impact(review.id, "Northshire") is None
    ok = review.host.post(path, data={"csrf": token, f"status-{first}": "done", f"evidence-{first}": "Turnover down to 11%",
                                      f"status-{second}": "in progress", "progress": "The plan is published.",
                                      "evidence": "Agency staff down from 18 to 9.", "action": "submit"})
    assert ok.status_code == 302
    lead_view = parsed(review.lead.get(path).get_data(as_text=True))
    assert lead_view.select_one(f"#status-{first} option[selected]").get_text() == "done"
    assert lead_view.select_one(f"#evidence-{first}").get_text() == "Turnover down to 11%"
    assert "Submitted" in lead_view.select_one("#submitted").get_text()
    ledger = parsed(review.lead.get("/ledger").get_data(as_text=True)).select("#ledger tbody tr[data-role=action]")
    assert [r.select("td")[3].get_text(" ", strip=True).split(" since")[0] for r in ledger] == ["done", "in progress"]
    # The lead reads; only the host writes; a stranger sees nothing.
    assert review.lead.post(path, data={"csrf": review.token, "progress": "x"}).status_code == 403
    assert app.test_client().get(path).status_code == 403


def test_review_follow_up_goes_with_the_review_when_it_is_deleted(app, clock):
    review = _with_actions(app)
    token, page = csrf_page(review.host, f"/reviews/{review.id}/impact")
    first = parsed(page).select_one("fieldset.action-item")["id"].removeprefix("action-")
    review.host.post(f"/reviews/{review.id}/impact", data={"csrf": token, f"status-{first}": "done", "progress": "p"})
    database = app.extensions["facilitator"].engine.store.database
    held = erase.holdings(database, "review", review.id)
    assert held["fu_outcomes"] == 1 and held["fu_impact"] == 1 and held["review_actions"] == 3
    erase.erase(database, "review", review.id)
    assert erase.holdings(database, "review", review.id) == {}


def test_review_action_planning_workshop_leads_to_the_record_of_actions(app, clock):
    from tests.support import csrf_page as page_of

    lead = app.test_client()
    token, _ = page_of(lead, "/reviews/new")
    created = lead.post("/reviews", data={"csrf": token, "script": "lga-safeguarding", "host": "Westvale",
                                          "start_date": "2027-01-11"})
    console = parsed(lead.get(created.location).get_data(as_text=True))
    linked = [li for li in console.select("#schedule li.schedule-item") if li.select_one("a")]
    assert [li.get_text(" ", strip=True) for li in linked] == ["Action-planning workshop 120 min Record the action plan"]
    assert linked[0].a["href"].endswith("/record#actions")


def test_review_strengths_reach_the_summit_only_as_the_host_agreed(app, clock, day, client):
    import json

    from tests.test_followup_flow import at

    review = Review(app)
    rs = app.extensions["facilitator"].reviews
    lines = [ln for ln in rs.lines(review.id) if ln["status"] == "investigate"]
    texts = ("Families value consistent social workers", "Supervision is regular and reflective",
             "Thresholds differ by locality")
    for n, (words, kind) in enumerate(zip(texts, ("strength", "strength", "development"))):
        r = review.lead.post(f"/reviews/{review.id}/findings", data={"csrf": review.token, "line": lines[0]["id"],
                                                                     "text": words, "kind": kind})
        assert r.status_code == 302, r.data
    found = {f["text"]: f["id"] for f in rs.findings(review.id)}
    for fid in found.values():
        review.lead.post(f"/reviews/{review.id}/findings/{fid}/release", data={"csrf": review.token, "on": "1",
                                                                               "line": lines[0]["id"]})
    token, page = csrf_page(review.host, f"/reviews/{review.id}/host")
    assert len(parsed(page).select("form.share-form")) == 2  # strengths only
    path = lambda words: f"/reviews/{review.id}/findings/{found[words]}/summit"  # noqa: E731
    # Sharing in its own words needs the words; an area for development is not offered; nothing stored.
    bad = review.host.post(path(texts[1]), data={"csrf": token, "summit": "reworded", "summit_text": ""})
    assert bad.status_code == 400 and "Your words for the summit is required" in bad.get_data(as_text=True)
    bad = review.host.post(path(texts[2]), data={"csrf": token, "summit": "agreed"})
    assert bad.status_code == 400 and "no such strength" in bad.get_data(as_text=True)
    assert review.host.post(path(texts[0]), data={"csrf": token, "summit": "agreed"}).status_code == 302
    assert review.host.post(path(texts[1]), data={"csrf": token, "summit": "declined"}).status_code == 302
    assert review.lead.post(path(texts[1]), data={"csrf": review.token, "summit": "agreed"}).status_code == 403
    # The facilitator's summit of the round, held after the review's fieldwork, carries the one shared.
    at(clock, "2027-01-15")
    client.get(f"/f/{day['facilitator_key']}")
    p = json.loads(client.get("/followup/summit/pack.json", query_string={"day": day["id"]}).data)
    assert p["review_strengths"] == [{"authority": "Northshire", "review": "Peer Challenge Team Review (East Midlands): Northshire",
                                      "date": "2026-12-21", "text": texts[0]}]
    md = client.get("/followup/summit/pack.md", query_string={"day": day["id"]}).get_data(as_text=True)
    assert texts[0] in md and texts[1] not in md and texts[2] not in md
    assert "review_lines" not in md and "looked into" not in md  # the lines stay with the review until the host agrees
    assert review.host.post(f"/reviews/{review.id}/summit-lines", data={"csrf": token, "agreed": "1"}).status_code == 302
    p = json.loads(client.get("/followup/summit/pack.json", query_string={"day": day["id"]}).data)
    assert p["review_lines"] == [{"authority": "Northshire", "review": "Peer Challenge Team Review (East Midlands): Northshire",
                                  "lines": ["H1", "H2", "H3"]}]
    assert review.lead.post(f"/reviews/{review.id}/summit-lines", data={"csrf": review.token, "agreed": "0"}).status_code == 403
    review.host.post(path(texts[1]), data={"csrf": token, "summit": "reworded", "summit_text": "Supervision helps staff stay"})
    html = client.get("/followup/summit/pack.html", query_string={"day": day["id"]}).get_data(as_text=True)
    assert "Supervision helps staff stay" in parsed(html).select_one("#review-strengths").get_text()
    assert texts[1] not in html
