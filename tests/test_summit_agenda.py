"""The summit's agenda: insights on systemic issues, issues for collective action, and the
improvement plan and its support put to the summit with its decisions."""

from __future__ import annotations

import io
import json
import re

from docx import Document

from tests.daybuilder import NAMES
from tests.support import csrf_of, decide, host, parsed

SUMMITS = "/followup/summits"


def insight_subject(s: dict) -> str:
    return f"summit-insight:{s['insight']}"


def share_insights(app, played, day):
    """Northshire shares its session's insight as given, Eastbridge rewords it, Westvale declines;
    the authority that gave Northshire's insight (Westvale) agrees to be named."""
    a, b, c = day["authorities"]
    s = played["sessions"]
    browser, page = host(app, played["links"][a])
    assert "Insights from the balcony, for the summit" in page
    decide(browser, played["links"][a], page, insight_subject(s[0]), "agreed")
    browser, page = host(app, played["links"][b])
    decide(browser, played["links"][b], page, insight_subject(s[1]), "agreed",
           "Agency staff turnover leaves the front door short of experienced social workers")
    browser, page = host(app, played["links"][c])
    decide(browser, played["links"][c], page, insight_subject(s[2]), "declined")
    # Westvale gave the insight in Northshire's session (the second visitor): it agrees to be named
    browser, page = host(app, played["links"][c])
    decide(browser, played["links"][c], page, s[0]["insight"], "agreed")


def name_in_grid(app, played, authorities):
    for a in authorities:
        browser, page = host(app, played["links"][a])
        decide(browser, played["links"][a], page, f"risk-grid:{a}", "agreed")


def new_summit(client, day, title="Regional summit, March", held_on="2027-03-22"):
    page = client.get("/followup/summit").get_data(as_text=True)
    response = client.post(SUMMITS, data={"csrf": csrf_of(page), "title": title, "held_on": held_on, "day": day["id"]})
    assert response.status_code == 302, response.data
    return response.headers["Location"].split("?")[0]


def agenda_json(client, path):
    response = client.get(path + "/pack.json")
    assert response.status_code == 200, response.data
    return json.loads(response.data)


def test_insights_honour_the_hosts_consent_and_rewording(played, app, client, day):
    share_insights(app, played, day)
    p = json.loads(client.get("/summit/pack.json", query_string={"day": day["id"]}).data)
    by_host = {i["presenter"]: i for i in p["insights"]}
    assert set(by_host) == {"Northshire", "Eastbridge"}  # Westvale kept its session's insight from the summit
    assert by_host["Northshire"]["text"] == "The self-assessment is more cautious than the evidence suggests"
    assert by_host["Northshire"]["authority"] == "Westvale"  # Westvale agreed to be named
    assert by_host["Eastbridge"]["text"].startswith("Agency staff turnover") and by_host["Eastbridge"]["reworded"]
    assert by_host["Eastbridge"]["authority"] is None  # Northshire, who gave it, has not agreed to be named
    md = client.get("/summit/pack.md", query_string={"day": day["id"]}).get_data(as_text=True)
    html = client.get("/summit/pack.html", query_string={"day": day["id"]}).get_data(as_text=True)
    for text in (md, html):
        assert "Insights on systemic issues" in text and "Agency staff turnover leaves" in text
        assert text.count("The self-assessment is more cautious") == 1
        assert not any(n in text for n in NAMES.values())
    export = json.loads(client.get(f"/console/{day['id']}/export.json").data)
    assert len(export["summit_insights"]) == 2


def test_an_unshared_insight_stays_out(played, app, client, day):
    p = json.loads(client.get("/summit/pack.json", query_string={"day": day["id"]}).data)
    assert p["insights"] == []
    assert "cautious than the evidence" not in client.get("/summit/pack.md", query_string={"day": day["id"]}).get_data(as_text=True)


def test_a_host_shares_only_its_own_sessions_insights(played, app, day):
    browser, page = host(app, played["links"]["Northshire"])
    other = insight_subject(played["sessions"][1])
    response = browser.post(played["links"]["Northshire"] + "/decide",
                            data={"csrf": csrf_of(page), "subject_id": other, "status": "agreed"})
    assert response.status_code == 404


def test_collective_issues_count_authorities_not_contributions(played, app, client, day):
    share_insights(app, played, day)
    name_in_grid(app, played, ["Northshire"])
    p = json.loads(client.get("/followup/summit/pack.json", query_string={"day": day["id"]}).data)
    issues = {g["key"]: g for g in p["collective_issues"]}
    workforce = issues["risk:Workforce"]  # two Workforce risks in each of three sessions
    assert workforce["authorities"] == 3 and workforce["named"] == ["Northshire"] and workforce["unnamed"] == 2
    assert issues["risk:Budget"]["authorities"] == 3  # the hostile extras in one session count once
    assert issues["idea:recruitment"]["authorities"] == 3 and issues["idea:recruitment"]["source"] == "idea"
    agency = issues["idea:agency_staff"]
    assert agency["authorities"] == 3
    assert agency["insights"] == ["Agency staff turnover leaves the front door short of experienced social workers"]
    assert all(g["authorities"] >= 2 for g in p["collective_issues"])
    assert "raised_for" not in workforce  # a copy never lists the authorities that did not agree
    assert not any("Eastbridge" in g["named"] or "Westvale" in g["named"] for g in p["collective_issues"])
    md = client.get("/followup/summit/pack.md", query_string={"day": day["id"]}).get_data(as_text=True)
    assert "**Workforce**: raised for 3 authorities (Northshire, 2 not named)" in md


def test_the_organiser_words_merges_and_drops_issues(played, app, client, day):
    share_insights(app, played, day)
    path = new_summit(client, day)
    page = client.get(path).get_data(as_text=True)
    assert "Regional summit, March" in page and "Issues for collective action" in page
    token = csrf_of(page)
    post = lambda **data: client.post(path + "/issues", data={"csrf": token, **data})
    assert post(key="risk:Workforce", action="word", wording="Recruiting and keeping social workers").status_code == 302
    assert post(key="idea:agency_staff", action="merge", into="risk:Workforce").status_code == 302
    assert post(key="risk:Budget", action="drop").status_code == 302
    p = agenda_json(client, path)
    issues = {g["key"]: g for g in p["collective_issues"]}
    assert "risk:Budget" not in issues and "idea:agency_staff" not in issues
    workforce = issues["risk:Workforce"]
    assert workforce["title"] == "Recruiting and keeping social workers" and workforce["authorities"] == 3
    assert workforce["merged"] == ["Agency staff"] and workforce["insights"]
    page = client.get(path).get_data(as_text=True)
    assert "Restore Budget" in page
    assert post(key="risk:Budget", action="restore").status_code == 302
    assert "risk:Budget" in {g["key"] for g in agenda_json(client, path)["collective_issues"]}
    # bad input: one clear line, nothing stored
    before = agenda_json(client, path)["collective_issues"]
    for data, line in (({"key": "risk:Workforce", "action": "word", "wording": "  "}, "Write the issue's wording"),
                       ({"key": "risk:Nope", "action": "drop"}, "not one of this summit's"),
                       ({"key": "risk:Workforce", "action": "merge", "into": "risk:Workforce"}, "Choose another"),
                       ({"key": "risk:Workforce", "action": "shout"}, "Choose to reword")):
        response = post(**data)
        assert response.status_code == 400
        errors = parsed(response.get_data(as_text=True)).select("#error")
        assert len(errors) == 1 and line in errors[0].get_text()
    assert agenda_json(client, path)["collective_issues"] == before


def test_decisions_are_recorded_and_in_every_copy(played, app, client, day):
    s0 = played["sessions"][0]
    browser, page = host(app, played["links"]["Northshire"])
    decide(browser, played["links"]["Northshire"], page, s0["offer"], "edited", "Northshire can share its social work academy")
    path = new_summit(client, day)
    page = client.get(path).get_data(as_text=True)
    token = csrf_of(page)
    assert "Put Northshire's offer to the summit" in page
    assert "Eastbridge's offer" not in page  # not agreed by its host
    post = lambda **data: client.post(path + "/items", data={"csrf": token, **data})
    assert post(action="plan", text="A regional social work academy by 2028").status_code == 302
    assert post(action="plan", text="Shared commissioning of residential care").status_code == 302
    assert post(action="plan", text="A regional edge of care service").status_code == 302
    offer_id = parsed(page).select_one("#offers input[name=offer_id]")["value"]
    assert post(action="offer", offer_id=offer_id).status_code == 302
    items = {d["text"]: d["id"] for d in agenda_json(client, path)["decisions"]}
    assert post(action="decide", item_id=items["A regional social work academy by 2028"], decision="changed",
                change="By 2029, with the universities", decided_on="2027-03-22").status_code == 302
    assert post(action="decide", item_id=items["Shared commissioning of residential care"], decision="not_approved",
                decided_on="2027-03-22").status_code == 302
    assert post(action="decide", item_id=items["A regional edge of care service"], decision="deferred",
                decided_on="2027-03-22").status_code == 302
    assert post(action="decide", item_id=items["Northshire can share its social work academy"], decision="approved",
                decided_on="2027-03-23").status_code == 302
    p = agenda_json(client, path)
    got = {d["text"]: d for d in p["decisions"]}
    assert got["A regional social work academy by 2028"]["decision_label"] == "Approved with changes"
    assert got["A regional social work academy by 2028"]["change"] == "By 2029, with the universities"
    support = got["Northshire can share its social work academy"]
    assert support["source"] == "Support offer: Northshire" and support["decision"] == "approved"
    assert support["decided_on"] == "2027-03-23"
    assert got["Shared commissioning of residential care"]["decision_label"] == "Not approved"
    assert got["A regional edge of care service"]["decision_label"] == "Deferred"
    md = client.get(path + "/pack.md").get_data(as_text=True)
    assert "**Approved with changes**, with this change: By 2029, with the universities (2027-03-22)" in md
    html = client.get(path + "/pack.html").get_data(as_text=True)
    rows = [[td.get_text() for td in tr.select("td")] for tr in parsed(html).select("#decisions tbody tr")]
    assert ["Northshire can share its social work academy", "Support offer: Northshire", "Approved", "–",
            "2027-03-23"] in rows
    docx = client.get(path + "/pack.docx")
    assert docx.status_code == 200
    cells = [c.text for t in Document(io.BytesIO(docx.data)).tables for r in t.rows for c in r.cells]
    assert "Approved with changes" in cells and "By 2029, with the universities" in cells and "Deferred" in cells
    assert not any(n in md + html for n in NAMES.values())


def test_bad_decisions_store_nothing(played, app, client, day):
    path = new_summit(client, day)
    token = csrf_of(client.get(path).get_data(as_text=True))
    post = lambda **data: client.post(path + "/items", data={"csrf": token, **data})
    post(action="plan", text="A regional social work academy")
    [item] = agenda_json(client, path)["decisions"]
    for data, line in (({"action": "plan", "text": "   "}, "Write the plan's item"),
                       ({"action": "plan", "text": "x" * 1001}, "longer than 1000"),
                       ({"action": "offer", "offer_id": "nope"}, "not an agreed offer"),
                       ({"action": "decide", "item_id": item["id"], "decision": "maybe", "decided_on": "2027-03-22"},
                        "Choose what the summit decided"),
                       ({"action": "decide", "item_id": item["id"], "decision": "changed", "decided_on": "2027-03-22"},
                        "Say what the summit changed"),
                       ({"action": "decide", "item_id": item["id"], "decision": "approved", "decided_on": "22/03/2027"},
                        "YYYY-MM-DD"),
                       ({"action": "decide", "item_id": "nope", "decision": "approved", "decided_on": "2027-03-22"},
                        "not on this summit's agenda")):
        response = post(**data)
        assert response.status_code == 400, data
        errors = parsed(response.get_data(as_text=True)).select("#error")
        assert len(errors) == 1 and line in errors[0].get_text(), (data, errors)
    assert agenda_json(client, path)["decisions"] == [item]
    page = client.get("/followup/summit").get_data(as_text=True)
    for data, line in (({"title": "", "day": day["id"]}, "Name the summit"),
                       ({"title": "Summit"}, "Choose at least one day"),
                       ({"title": "Summit", "day": day["id"], "held_on": "March"}, "YYYY-MM-DD")):
        response = client.post(SUMMITS, data={"csrf": csrf_of(page), **data})
        assert response.status_code == 400
        assert len(parsed(response.get_data(as_text=True)).select("#error")) == 1
        assert line in response.get_data(as_text=True)
    assert len(parsed(client.get("/followup/summit").get_data(as_text=True)).select("#summits li")) == 1


def test_only_the_organiser_opens_or_changes_a_summit(played, app, client, day):
    path = new_summit(client, day)
    token = csrf_of(client.get(path).get_data(as_text=True))
    stranger = app.test_client()
    assert stranger.get(path).status_code == 403
    assert stranger.get(path + "/pack.json").status_code == 403
    assert stranger.post(path + "/items", data={"csrf": token, "action": "plan", "text": "x"}).status_code in (400, 403)
    # a host's review link opens its own review, never the summit
    browser, _ = host(app, played["links"]["Northshire"])
    assert browser.get(path).status_code == 403
    page = client.get("/followup/summit").get_data(as_text=True)
    assert stranger.post(SUMMITS, data={"csrf": csrf_of(page), "title": "T", "day": day["id"]}).status_code in (400, 403)
    assert client.get(SUMMITS + "/nope").status_code == 404
    # no CSRF token: refused, nothing stored
    assert client.post(path + "/items", data={"action": "plan", "text": "A plan"}).status_code == 400
    assert agenda_json(client, path)["decisions"] == []
    assert re.search(r"/followup/summits/[0-9a-f]{12}$", path)


def test_a_reduced_day_keeps_the_insights_its_hosts_shared(played, app, client, day, monkeypatch):
    from datetime import date as Date

    from click.testing import CliRunner

    from facilitator.app import TEST_CLOCK_OFFSET
    from facilitator.cli import cli

    share_insights(app, played, day)
    before = json.loads(client.get("/summit/pack.json", query_string={"day": day["id"]}).data)["insights"]
    monkeypatch.setenv(TEST_CLOCK_OFFSET, str((Date(2027, 12, 1) - Date.today()).days))
    applied = CliRunner().invoke(cli, ["retention", "--apply", "--db", app.config["DATABASE"]])
    assert applied.exit_code == 0 and "reduced to what the summit keeps" in applied.output, applied.output
    after = json.loads(client.get("/summit/pack.json", query_string={"day": day["id"]}).data)["insights"]
    assert [(i["text"], i["authority"]) for i in after] == [(i["text"], i["authority"]) for i in before]
    assert len(after) == 2
