"""The region's ledger as people read it, through the Flask test client: the CSV for Excel read back
with csv, suggestions worded "likely" or "possible" rather than scored, and the review of impact
filling in the match the facilitator confirmed and saying so when the host names another offer."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

import pytest

from facilitator.followup import ledger
from tests.daybuilder import play
from tests.support import Room, csrf_of, decide, host, parsed, review_links

FIRST = {  # each host's offer and ask, in its own words; the conftest's day holds these three
    "Northshire": ("Our practice framework based on restorative practice and training for managers",
                   "We need to hold on to experienced social workers: too many leave after two years"),
    "Eastbridge": ("A retention scheme that cut social worker turnover: stay interviews and a caseload cap",
                   "Councillors do not understand their role as corporate parents"),
    "Westvale": ("Our social work academy for newly qualified social workers with protected caseloads",
                 "We want a shared practice model so managers and workers speak the same language"),
}
SECOND = {
    "Southmoor": ("A career pathway and senior practitioner roles that keep experienced staff with us",
                  "Teenagers in crisis at night end up in care"),
    "Kingsford": ("Our corporate parenting board that elected members actually attend",
                  "Young people leaving care become homeless"),
    "Harbourton": ("A housing protocol that guarantees care leavers a tenancy",
                   "Our front door is swamped by police notifications"),
}
SPOKEN_DATE = re.compile(r"^\d{1,2} (January|February|March|April|May|June|July|August|September|October|"
                         r"November|December) \d{4}$")


def agree(app, client, engine, clock, day, wording):
    """Play a day and have each host agree its offer and ask in its own words; the ids and links."""
    got = play(Room(app, engine, day, clock), names={a: f"{a[:3]} Person" for a in wording})
    client.get(f"/f/{day['facilitator_key']}")
    links = review_links(client.get(f"/console/{day['id']}/summary").get_data(as_text=True))
    ids = {}
    for s in got["sessions"]:
        browser, review = host(app, links[s["presenter"]])
        for item, text in zip(("offer", "ask"), wording[s["presenter"]]):
            review = decide(browser, links[s["presenter"]], review, s[item], "edited", text)
        ids[s["presenter"]] = {"offer": s["offer"], "ask": s["ask"]}
    return ids, links


@pytest.fixture
def region(app, client, engine, clock, day):
    """Two days of three hosts each, held by one facilitator: the second a month after the first."""
    first, links = agree(app, client, engine, clock, day, FIRST)
    second_day = engine.create_day("Second triad", "2026-12-18", list(SECOND), "se-triad", None, clock.now)
    second, more = agree(app, client, engine, clock, second_day, SECOND)
    return {"ids": {**first, **second}, "links": {**links, **more}}


def at(clock, iso_date):
    clock.now = int(datetime.fromisoformat(iso_date + "T12:00").timestamp() * 1000)


def confirm(client, ask_id, offer_id):
    token = csrf_of(client.get("/ledger").get_data(as_text=True))
    r = client.post("/ledger/match", data={"csrf": token, "ask_id": ask_id, "offer_id": offer_id,
                                           "decision": "confirmed"})
    assert r.status_code == 302


def test_the_csv_opens_in_excel_with_headed_columns_spoken_dates_status_words_and_the_reference_last(region, client):
    body = client.get("/ledger.csv").data
    assert body.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read UTF-8
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0] == [header for header, _ in ledger.CSV_COLUMNS]
    assert table[0][:4] == ["Authority", "Kind", "What was agreed", "Status"] and table[0][-1] == "Reference"
    rows = [dict(zip(table[0], r)) for r in table[1:]]
    assert len(rows) == 12
    assert {r["Authority"] for r in rows} == set(FIRST) | set(SECOND)
    assert {r["Kind"] for r in rows} == {"Ask", "Offer"} and {r["Status"] for r in rows} == {"open"}
    assert {r["Held as"] for r in rows} == {"Triad day"}
    assert {r["Date of the day"] for r in rows} == {"22 November 2026", "18 December 2026"}
    assert all(SPOKEN_DATE.match(r["Since"]) and SPOKEN_DATE.match(r["Agreed on"]) for r in rows)
    ids = {r["id"] for r in json.loads(client.get("/ledger.json").data)["items"]}
    assert {r["Reference"] for r in rows} == ids
    hold_on = next(r for r in rows if r["What was agreed"].startswith("We need to hold on to"))
    first = hold_on["Suggested offers"].split("; ")[0]
    assert first == "likely: Eastbridge, " + FIRST["Eastbridge"][0]  # the paraphrase, found and worded


def test_the_csv_names_the_match_and_then_the_answer_in_words(region, client, app, clock):
    ids = region["ids"]
    confirm(client, ids["Northshire"]["ask"], ids["Southmoor"]["offer"])
    rows = list(csv.DictReader(io.StringIO(client.get("/ledger.csv").data.decode("utf-8-sig"))))
    ask = next(r for r in rows if r["Reference"] == ids["Northshire"]["ask"])
    offer = next(r for r in rows if r["Reference"] == ids["Southmoor"]["offer"])
    assert (ask["Status"], ask["With"], ask["Their ask or offer"]) == ("matched", "Southmoor", SECOND["Southmoor"][0])
    assert offer["Status"] == "matched" and offer["With"] == "Northshire" and ask["Suggested offers"] == ""


def test_the_ledger_page_words_suggestions_as_likely_or_possible_and_never_shows_a_score(region, client):
    page = parsed(client.get("/ledger").get_data(as_text=True))
    table = page.select_one("#ledger")
    assert [th.get_text() for th in table.select("thead th")] == [
        "Authority", "Kind", "What was agreed", "Status", "With", "Agreed at"]
    words = [p.get_text() for p in table.select(".suggestions li .pill")]
    assert words and set(words) <= {"likely", "possible"} and "likely" in words
    text = table.get_text(" ")
    assert "similarity" not in text and not re.search(r"\b0\.\d+", text)
    ids = {r["id"] for r in json.loads(client.get("/ledger.json").data)["items"]}
    assert not any(i in text for i in ids)  # references stay in the markup, not in what a reader sees
    dates = [m.get_text() for m in table.select("tbody td:nth-of-type(6) .meta")]
    assert set(dates) == {"Triad day, 22 November 2026", "Triad day, 18 December 2026"}


def test_the_review_of_impact_fills_in_the_match_confirmed_from_another_day_and_says_so(region, client, app, clock):
    ids = region["ids"]
    confirm(client, ids["Northshire"]["ask"], ids["Southmoor"]["offer"])  # an offer made at the second day
    at(clock, "2027-06-01")
    browser, html = host(app, region["links"]["Northshire"] + "/impact")
    fieldset = parsed(html).select_one(f"#o-{ids['Northshire']['ask']}")
    assert fieldset.select_one(".ledger-status").get_text() == "matched"
    assert fieldset.select_one(f"#offer-{ids['Northshire']['ask']} option[selected]")["value"] == ids["Southmoor"]["offer"]
    assert fieldset.select_one(f"#by-{ids['Northshire']['ask']} option[selected]").get_text() == "Southmoor"
    assert fieldset.select_one(f"#status-{ids['Northshire']['ask']} option[selected]") is None  # the host says how far
    notice = fieldset.select_one(".prefilled").get_text()
    assert "matched this ask with Southmoor's offer" in notice and "filled in below" in notice
    assert not fieldset.select(".other-offer")


def test_naming_another_offer_than_the_match_is_kept_and_said_plainly(region, client, app, clock):
    ids = region["ids"]
    ask = ids["Northshire"]["ask"]
    confirm(client, ask, ids["Southmoor"]["offer"])
    at(clock, "2027-06-01")
    path = region["links"]["Northshire"] + "/impact"
    browser, html = host(app, path)
    r = browser.post(path, data={"csrf": csrf_of(html), "action": "save", f"status-{ask}": "answered",
                                 f"offer-{ask}": ids["Eastbridge"]["offer"], f"by-{ask}": ""})
    assert r.status_code == 302
    page = parsed(browser.get(r.headers["Location"]).get_data(as_text=True))
    assert "names a different offer from the one the region's ledger matched" in page.select_one("[role=status]").get_text()
    fieldset = page.select_one(f"#o-{ask}")
    warning = fieldset.select_one(".other-offer").get_text()
    assert "different offer from the one the region's ledger matched" in warning and "Southmoor" in warning
    assert fieldset.select_one(f"#offer-{ask} option[selected]")["value"] == ids["Eastbridge"]["offer"]
    assert not fieldset.select(".prefilled")
    rows = {r["id"]: r for r in json.loads(client.get("/ledger.json").data)["items"]}
    assert rows[ask]["status"] == "answered" and rows[ask]["with_authority"] == "Eastbridge"  # the host's word stands


def test_the_review_of_impact_says_nothing_of_a_match_when_there_is_none(region, app, clock):
    at(clock, "2027-06-01")
    browser, html = host(app, region["links"]["Westvale"] + "/impact")
    page = parsed(html)
    assert not page.select(".prefilled") and not page.select(".other-offer")
    assert all(o.get("value") == "" for o in page.select("select[id^=offer-] option[selected]"))


def test_spoken_dates_read_iso_days_and_times():
    assert ledger.spoken_date("2026-11-02") == "2 November 2026"
    assert ledger.spoken_date("2027-01-09T10:00:00+00:00") == "9 January 2027"
    assert ledger.spoken_date(None) == ""

