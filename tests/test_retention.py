"""How long a day or a review is kept: the date from its script, said on its pages and in every
copy, warned about a month before, and applied by `facilitator retention --apply`."""

from __future__ import annotations

import json
from pathlib import Path
from datetime import date as Date

import pytest
from click.testing import CliRunner

from facilitator.app import TEST_CLOCK_OFFSET
from facilitator.cli import cli
from facilitator.core.scripts import day as scripts
from facilitator.core.scripts import review as review_scripts
from facilitator.core.scripts.reader import RETENTION_THEN, Retention
from facilitator.followup import retention
from facilitator.followup.sources import Engagement
from tests.support import AUTHORITIES, Review, decide, host, parsed
from tests.test_followup_flow import at
from tests.test_summit import case_ids, pack


def test_retention_counts_from_the_fieldwork_or_the_latest_review_of_impact():
    fieldwork = Date(2026, 11, 22)
    assert retention.until(fieldwork, Retention(), []) == Date(2027, 11, 22)
    later = [Date(2027, 6, 1), Date(2027, 9, 15)]
    assert retention.until(fieldwork, Retention(12, "review_of_impact"), later) == Date(2028, 9, 15)
    assert retention.until(fieldwork, Retention(12, "review_of_impact"), []) == Date(2027, 11, 22)
    assert retention.until(fieldwork, Retention(12, "fieldwork"), later) == Date(2027, 11, 22)
    kept = retention.Kept("day", "d1", "Day", fieldwork, Date(2027, 11, 22))
    assert [kept.state(Date.fromisoformat(d)) for d in ("2027-10-22", "2027-10-23", "2027-11-21", "2027-11-22")] == \
        ["kept", "soon", "soon", "due"]


def test_retention_of_a_day_follows_its_hosts_choices_about_the_review_of_impact():
    day = {"id": "d1", "title": "Day", "date": "2026-11-22"}
    es = [Engagement("day", "d1", "Day", "2026-11-22", a, (), 6) for a in ("A", "B", "C")]
    script = type("S", (), {"retention": Retention(12, "review_of_impact")})()
    reviews = {("d1", "A"): {"plan": "date", "planned_for": "2027-09-15"},  # planned
               ("d1", "B"): {"plan": "none"}}  # holds none; C still choosing: the earliest, 2027-05-22
    assert retention.day_kept(day, script, es, reviews).until == Date(2028, 9, 15)
    reviews[("d1", "A")] = {"plan": "none"}
    assert retention.day_kept(day, script, es, reviews).until == Date(2028, 5, 22)


@pytest.mark.parametrize("table, message", [
    ("[retention]\nmonths = 0", "retention.months: must be from 1 to 120, not 0"),
    ("[retention]\nafter = \"summit\"", "retention.after: must be one of fieldwork, review_of_impact, not 'summit'"),
    ("[retention]\nyears = 2", "retention.years"),
    ("[retention]\nthen = \"archive\"", "retention.then: must be delete or reduce, not 'archive'"),
])
def test_retention_in_a_script_is_checked(table, message):
    text = scripts.SCRIPTS_DIR.joinpath("se-triad.toml").read_text()
    text = text.split("\n[retention]")[0] + "\n" + table + "\n"  # its own table is the last
    with pytest.raises(scripts.ScriptError, match=message):
        scripts.parse(text, "region.toml")


def test_a_review_is_deleted_on_its_date_never_reduced():
    text = scripts.SCRIPTS_DIR.joinpath("em-pctr.toml").read_text()
    text = text.split("\n[retention]")[0] + "\n[retention]\nthen = \"reduce\"\n"
    with pytest.raises(scripts.ScriptError, match="retention.then: must be delete, not 'reduce'"):
        review_scripts.parse(text, "pctr.toml")


def test_retention_date_is_on_the_summary_the_hosts_page_and_every_copy(played, app, client, clock, day):
    until = retention.for_day(app.extensions["facilitator"], day).until
    words = f"Kept until {until:%-d %B %Y}, then {RETENTION_THEN['reduce']}."  # as se-triad says
    summary = parsed(client.get(f"/console/{day['id']}/summary").get_data(as_text=True))
    assert summary.select_one("#kept").get_text(" ", strip=True) == words
    host_page = parsed(app.test_client().get(played["links"]["Northshire"], follow_redirects=True).get_data(as_text=True))
    assert host_page.select_one("#kept").get_text(" ", strip=True) == words
    base = f"/console/{day['id']}/export"
    assert words in client.get(f"{base}.md").get_data(as_text=True)
    assert json.loads(client.get(f"{base}.json").data)["kept_until"] == until.isoformat()
    assert words in client.get(f"{base}.html?anyway=1").get_data(as_text=True)
    # a month before, the pages warn
    at(clock, Date.fromordinal(until.toordinal() - 21).isoformat())
    client.get(f"/f/{day['facilitator_key']}")  # months on: the sign-in has ended, the link opens it again
    warned = parsed(client.get(f"/console/{day['id']}/summary").get_data(as_text=True)).select_one("#kept")
    assert "warning" in warned["class"] and "in 21 days" in warned.get_text() and warned["role"] == "status"


def test_retention_command_lists_and_applies_what_falls_due(app, engine, clock, monkeypatch):
    old = engine.create_day("Old triad", "2025-06-02", AUTHORITIES, "se-triad", None, clock.now)
    near = engine.create_day("Near triad", "2026-12-20", AUTHORITIES, "se-triad", None, clock.now)
    new = engine.create_day("New triad", "2027-09-01", AUTHORITIES, "se-triad", None, clock.now)
    review = Review(app)  # fieldwork 2026-12-21: kept until 2027-12-21
    today = Date(2027, 12, 1)
    monkeypatch.setenv(TEST_CLOCK_OFFSET, str((today - Date.today()).days))
    db = app.config["DATABASE"]
    listed = CliRunner().invoke(cli, ["retention", "--db", db])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].startswith("due     2026-06-02  day") and "'Old triad'" in lines[0]
    assert any(line.startswith("soon    2027-12-20  day") and "'Near triad'" in line for line in lines)
    assert any(line.startswith("soon    2027-12-21  review") for line in lines)
    assert any(line.startswith("kept    2028-09-01  day") for line in lines)
    assert lines[-1] == "4 kept; 1 due: run with --apply to delete or reduce; 2 due within 30 days."
    assert engine.store.day(old["id"])["reduced"] is None  # listing changes nothing
    applied = CliRunner().invoke(cli, ["retention", "--apply", "--db", db])
    assert applied.exit_code == 0 and "'Old triad': reduced to what the summit keeps" in applied.output
    assert engine.store.day(old["id"])["reduced"]["on"] == "2027-12-01"  # se-triad reduces
    again = CliRunner().invoke(cli, ["retention", "--apply", "--db", db]).output.splitlines()
    assert again[0].startswith("reduced 2027-12-01  day") and again[-1].startswith("4 kept; 0 due;")
    assert engine.store.day(near["id"]) and engine.store.day(new["id"]) and app.extensions["facilitator"].reviews.review(review.id)


def test_a_day_past_its_date_is_reduced_to_what_the_summit_keeps(played, app, client, engine, day, monkeypatch):
    path = played["links"]["Northshire"]
    browser, page = host(app, path)
    page = decide(browser, path, page, case_ids(page)[0], "agreed")
    offer = next(c for c in engine.store.contributions(day["id"]) if c["text"].startswith("Northshire can share its recruitment"))
    decide(browser, path, page, offer["id"], "agreed")
    before = json.loads(pack(client, day))
    assert before["case_studies"] and [o["text"] for o in before["offers"]] == [offer["text"]]
    kept_words = json.dumps(before["case_studies"])  # a case study keeps its own copy of its words
    others = [c["text"] for c in engine.store.contributions(day["id"])
              if c["id"] != offer["id"] and len(c["text"]) > 24 and c["text"] not in kept_words]
    monkeypatch.setenv(TEST_CLOCK_OFFSET, str((Date(2027, 12, 1) - Date.today()).days))
    applied = CliRunner().invoke(cli, ["retention", "--apply", "--db", app.config["DATABASE"]])
    assert applied.exit_code == 0 and "reduced to what the summit keeps (" in applied.output, applied.output

    assert [c["id"] for c in engine.store.contributions(day["id"])] == [offer["id"]]
    assert engine.store.participants(day["id"]) == [] and engine.store.day(day["id"])["ended_ms"]
    after = json.loads(pack(client, day))
    assert after["case_studies"] == before["case_studies"] and after["offers"] == before["offers"]
    reduced = engine.store.day(day["id"])["reduced"]
    assert reduced["participants"] > 0 and reduced["counts"]["Open questions"] > 0
    database = Path(app.config["DATABASE"])
    for file in (database, database.with_name(database.name + "-wal")):
        if file.exists():
            data = file.read_bytes()
            assert not [t for t in others if t.encode() in data], file
    kept = parsed(client.get(f"/console/{day['id']}/summary").get_data(as_text=True)).select_one("#kept")
    assert kept.get_text(" ", strip=True).startswith("Reduced on 1 December 2027 to what the summit keeps")


def test_retention_date_of_a_review_is_on_the_leads_and_the_hosts_pages(review, app):
    words = "Kept until 21 December 2027, then deleted with everything it holds."  # fieldwork 21 December 2026
    for client, path in ((review.lead, f"/reviews/{review.id}/console"), (review.host, f"/reviews/{review.id}/host")):
        kept = parsed(client.get(path).get_data(as_text=True)).select_one("#kept")
        assert kept.get_text(" ", strip=True) == words, path


def test_notebook_and_incident_forms_say_notes_may_be_disclosed_and_hold_the_minimum(review, app):
    member = review.member("TM1")
    notebook = parsed(member.get(f"/reviews/{review.id}/notebook").get_data(as_text=True))
    for where in ("#disclosure", "#incident-disclosure"):
        said = notebook.select_one(where).get_text(" ", strip=True)
        assert "Freedom of Information Act" in said and "Caldicott" in said and "no names, dates of birth" in said
    assert len(notebook.select(".disclosure")) == 2  # once for notes, once for incidents
