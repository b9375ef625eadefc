"""The follow-up's plain-Python pieces: due dates, uploads judged by content, calendar files, matching,
the ledger's statuses and the summit's change between rounds."""

from __future__ import annotations

import io
import zipfile
from datetime import date as Date, datetime

import docx
import pytest

from facilitator.core.scripts import day as scripts
from facilitator.followup import calendar, impact, ledger, matching, responses, rounds
from facilitator.followup.sources import Engagement, Item


def engagement(date="2026-11-22", months=6):
    return Engagement("day", "d1", "Triad day", date, "Northshire", ("Eastbridge", "Westvale"), months)


def ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso + "T12:00").timestamp() * 1000)


@pytest.mark.parametrize("start, months, due", [("2026-11-22", 6, "2027-05-22"), ("2026-08-31", 6, "2027-02-28"),
                                                ("2027-08-31", 6, "2028-02-29"), ("2026-12-15", 12, "2027-12-15")])
def test_the_earliest_date_is_calendar_months_on(start, months, due):
    assert impact.earliest(engagement(start, months)).isoformat() == due


def test_discretion_the_host_chooses_and_nothing_is_ever_overdue():
    e = engagement()
    for now in ("2027-05-21", "2027-05-22", "2029-01-01"):  # years on, a host that has not chosen is still choosing
        assert impact.standing(e, None, ms(now)) == "choosing"
    planned = {"plan": "date", "planned_for": "2027-09-15", "submitted_ms": None}
    assert impact.standing(e, planned, ms("2027-09-14")) == "planned"
    assert impact.standing(e, planned, ms("2028-03-01")) == "ready"
    assert impact.when(e, planned).isoformat() == "2027-09-15" and impact.when(e, None).isoformat() == "2027-05-22"
    assert impact.standing(e, {"plan": "none"}, ms("2027-06-01")) == "not-held"
    assert impact.standing(e, {**planned, "submitted_ms": ms("2027-09-15")}, ms("2027-10-01")) == "done"
    assert impact.standing(engagement(months=0), None, ms("2030-01-01")) == "none"
    assert set(impact.STANDING_WORDS) >= {"choosing", "planned", "ready", "not-held", "done"}
    assert not any("overdue" in w.lower() for w in impact.STANDING_WORDS.values())


@pytest.mark.parametrize("form, message", [
    ({"plan": "soon"}, "Choose a date, no review of impact, or not decided yet."),
    ({"plan": "date", "planned_for": ""}, "Give the date you plan to hold"),
    ({"plan": "date", "planned_for": "15/09/2027"}, "Give the date you plan to hold"),
    ({"plan": "date", "planned_for": "2027-05-21"}, "at least 6 months after the challenge day: choose 22 May 2027 or later"),
    ({"plan": "date", "planned_for": "2040-01-01"}, "within five years"),
])
def test_discretion_a_plan_that_cannot_stand_is_refused(form, message):
    with pytest.raises(impact.BadReview, match=message):
        impact.read_plan(form, engagement())


def test_discretion_a_plan_is_read_as_the_host_chose_it():
    e = engagement()
    assert impact.read_plan({"plan": "date", "planned_for": "2027-05-22"}, e) == ("date", "2027-05-22")
    assert impact.read_plan({"plan": "none", "planned_for": "2027-09-01"}, e) == ("none", None)
    assert impact.read_plan({}, e) == ("", None)


def test_the_script_says_when_the_review_of_impact_falls_due(tmp_path):
    shipped = scripts.available()
    assert shipped["se-triad"].review_of_impact_months == 6
    assert shipped["se-followup-visit"].review_of_impact_months == 0
    assert shipped["se-followup-visit"].sessions_per_day == 1
    text = scripts.SCRIPTS_DIR.joinpath("se-triad.toml").read_text().replace(
        "review_of_impact_months = 6", "review_of_impact_months = 99")
    with pytest.raises(scripts.ScriptError, match="review_of_impact_months: must be from 0 to 60, not 99"):
        scripts.parse(text, "region.toml")


def _docx() -> bytes:
    out = io.BytesIO()
    docx.Document().save(out)
    return out.getvalue()


def _zip(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def test_uploads_are_judged_by_content_as_well_as_name():
    assert responses.check_upload("C:\\Users\\dcs\\Response.DOCX", _docx())["name"] == "Response.DOCX"
    assert responses.check_upload("r.pdf", b"%PDF-1.7\n1 0 obj\n%%EOF\n")["type"] == responses.PDF
    refused = [("r.docx", b"\x7fELF\x02\x01" + b"\0" * 64), ("r.docx", _zip({"hello.txt": "hi"})),
               ("r.docx", _zip({"[Content_Types].xml": "x", "word/document.xml": "not xml"})),
               ("r.docx", _docx()[:400]), ("r.pdf", _docx()), ("r.pdf", b"%PDF-1.4 no end"),
               ("r.doc", _docx()), ("", _docx()), ("r.docx", b"")]
    for name, data in refused:
        with pytest.raises(responses.BadUpload):
            responses.check_upload(name, data)
    with pytest.raises(responses.BadUpload, match="10.0 MB"):
        responses.check_upload("r.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024) + b"%%EOF")


def test_calendar_files_are_all_day_events_escaped_and_folded_one_person_each():
    e = Engagement("day", "d1", "Triad; day, with a very long title that needs folding " * 2, "2026-11-22",
                   "Northshire", ("Eastbridge", "Westvale"), 6)
    host = calendar.for_host(e, Date(2027, 5, 22), True, ms("2026-11-22"), "http://x/review/k/impact")
    lead = calendar.for_visiting_lead(e, Date(2027, 5, 22), True, ms("2026-11-22"))
    uids = set()
    for text in (host, lead):
        lines = text.split("\r\n")
        assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and text.endswith("\r\n")
        assert [x for x in lines if x.startswith("DTSTART")] == ["DTSTART;VALUE=DATE:20270522"]
        assert [x for x in lines if x.startswith("DTEND")] == ["DTEND;VALUE=DATE:20270523"]
        uids |= {x for x in lines if x.startswith("UID:")}
        assert all(len(x.encode()) <= 75 for x in lines)
        assert "Triad\\; day\\, with" in text.replace("\r\n ", "")
    assert len(uids) == 2
    assert "http://x/review/k/impact" in host.replace("\r\n ", "") and "http://" not in lead


def test_discretion_a_calendar_before_the_host_chooses_offers_the_choice():
    e = engagement()
    unchosen = calendar.for_host(e, Date(2027, 5, 22), False, ms("2026-11-22")).replace("\r\n ", "")
    assert "SUMMARY:Review of impact: Northshire may choose when" in unchosen
    assert "at its discretion: choose a date\\, or that there will be none" in unchosen
    assert "due" not in unchosen.lower()


def test_calendar_text_drops_control_characters_and_folds_inside_no_character():
    from facilitator.writers import ics

    assert ics.escape("a\x1b[31mb\x07;c\r\nd") == "a[31mb\\;c\\nd"
    for n in range(60, 90):  # every cut point past a two- or three-byte character
        line = "DESCRIPTION:" + "é" * n + "中" * n
        folded = ics.fold(line)
        assert all(len(x.encode()) <= 75 for x in folded) and "".join(x[1:] if i else x for i, x in enumerate(folded)) == line


def item(i, role, authority, text, ref="d1", date="2026-11-22"):
    return Item(i, "day", ref, "Triad day", date, authority, role, text, date)


def test_matching_never_suggests_an_authoritys_own_offer_or_a_rejected_one():
    asks = [item("a1", "ask", "Northshire", "Help recruiting experienced social workers")]
    offers = [item("o1", "offer", "Northshire", "Recruiting experienced social workers: our academy"),
              item("o2", "offer", "Eastbridge", "Our academy for recruiting social workers"),
              item("o3", "offer", "Westvale", "Retaining experienced social workers with career pathways"),
              item("o4", "offer", "Southmoor", "Family group conferencing training")]
    got = matching.suggest(asks, offers)["a1"]
    assert [s.offer_id for s in got] == ["o2", "o3"] or [s.offer_id for s in got] == ["o3", "o2"]
    assert all(0 < s.score <= 1 for s in got)
    assert [s.offer_id for s in matching.suggest(asks, offers, rejected={("a1", "o2")})["a1"]] == ["o3"]
    assert matching.suggest([], offers) == {} and matching.suggest(asks, [])["a1"] == []


def test_ledger_statuses_and_when():
    items = [item("a1", "ask", "Northshire", "Help with recruiting social workers"),
             item("a2", "ask", "Westvale", "Help with agency spend"),
             item("o1", "offer", "Eastbridge", "Our social work academy"),
             item("o2", "offer", "Westvale", "Converting locums to permanent staff")]
    outcomes = {"a1": {"item_id": "a1", "role": "ask", "status": "answered", "by_authority": "Eastbridge",
                       "offer_id": "o1", "evidence": "8 recruited", "decided_ms": ms("2027-06-01")}}
    matches = {("a2", "o2"): {"decision": "confirmed", "decided_ms": ms("2027-01-10")}}
    rows = {r["id"]: r for r in ledger.build(items, outcomes, matches)}
    assert rows["a1"]["status"] == "answered" and rows["a1"]["with_authority"] == "Eastbridge"
    assert rows["a1"]["since"].startswith("2027-06-01")
    assert rows["o1"]["status"] == "taken up" and rows["o1"]["with_authority"] == "Northshire"
    assert rows["a2"]["status"] == "matched" and rows["o2"]["status"] == "matched"
    assert rows["a2"]["since"].startswith("2027-01-10")
    assert ledger.counts(rows.values()) == {"ask": {"answered": 1, "matched": 1}, "offer": {"taken up": 1, "matched": 1}}
    items.append(item("a3", "ask", "Kingsford", "=HYPERLINK(\"http://x\")"))
    assert "'=HYPERLINK" in ledger.to_csv(ledger.build(items, outcomes, matches))


def test_a_review_can_add_agreed_actions_to_the_ledger():
    """The interface a hypothesis-led review plugs into: items with role "action"."""
    items = [item("x1", "action", "Northshire", "Audit the front door's decisions monthly", ref="review-1")]
    outcomes = {"x1": {"item_id": "x1", "role": "action", "status": "in progress", "by_authority": None,
                       "offer_id": None, "evidence": "Two audits done", "decided_ms": ms("2027-06-01")}}
    row = ledger.build(items, outcomes, {})[0]
    assert (row["status"], row["evidence"], row["source"]) == ("in progress", "Two audits done", "day")


def test_grid_change_between_rounds():
    def grid(cells):
        return {"label": "Signature of risk", "categories": ["Budget", "Workforce"], "authorities": list(cells),
                "cells": {a: {c: {"count": n, "named": False} for c, n in row.items()} for a, row in cells.items()},
                "max": 3}
    before = grid({"Northshire": {"Workforce": 3}, "Eastbridge": {"Budget": 1}})
    now = grid({"Northshire": {"Workforce": 1, "Budget": 2}, "Westvale": {"Budget": 1}})
    g = rounds.grid_change(now, before)
    assert g["authorities"] == ["Northshire", "Westvale", "Eastbridge"]
    north = {c["category"]: c for c in g["rows"][0]["cells"]}
    assert north["Workforce"] == {"category": "Workforce", "now": 1, "before": 3, "change": -2}
    assert {t["category"]: t["change"] for t in g["totals"]} == {"Budget": 2, "Workforce": -2}


def test_the_return_visit_runs_on_the_same_clock_and_phones(app, engine, clock):
    """The follow-up visit's own script: one host, the visiting DCS on a phone as an observer."""
    from uuid import uuid4

    from tests.support import Room

    visit = engine.create_day("Return visit", "2027-07-01", ["Northshire"], "se-followup-visit", "10:00", clock.now)
    room = Room(app, engine, visit, clock)
    console, host, visitor = room.facilitator(), room.participant("Host DCS", "Northshire"), room.participant(
        "Visiting DCS", "observer")
    steps = []
    for _ in range(4):
        assert console.emit("timer", {"action": "next"}, callback=True)["ok"]
        snap = engine.snapshot(visit["id"], {"role": "facilitator"}, clock.now)
        steps.append(snap["agenda"][snap["clock"]["index"]]["key"])
        if steps[-1] == "one-to-one":
            for sio, kind, text in ((visitor, "question", "What has changed for care leavers, and how do you know?"),
                                    (host, "progress", "Caseloads down from 24 to 17 since the day")):
                ack = sio.emit("contribute", {"id": str(uuid4()), "kind": kind, "text": text}, callback=True)
                assert ack["ok"], ack
        clock.advance(minutes=30)
    assert steps[:4] == ["one-to-one", "interviews", "reflection", "close"]
    kinds = sorted(r["kind"] for r in engine.store.contributions(visit["id"]))
    assert kinds == ["progress", "question"]
