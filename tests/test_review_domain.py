"""Peer reviews as plain Python: scripts, the host's decision, notes once, QA flags, the survey."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from click.testing import CliRunner

from facilitator.cli import cli
from facilitator.core.errors import Refused
from facilitator.review import enquiry, feedback, findings, letter, notebook, survey, visit
from facilitator.core.scripts.review import ScriptError, available, parse
from facilitator.review.store import ReviewStore
from facilitator.core.dates import add_working_days
from facilitator.core.scripts.day import SCRIPTS_DIR
from facilitator.live.store import Store


@pytest.fixture
def rs():
    return ReviewStore(Store(":memory:"))


@pytest.fixture
def scripts():
    return available(SCRIPTS_DIR)


def make(rs, scripts, script="em-pctr", themes=()):
    return visit.create(rs, scripts, {"script": script, "host": "Northshire", "start_date": "2026-12-21"},
                        list(themes), 1000)


def hypotheses(rs, scripts, review, n=4):
    for i in range(n):
        enquiry.propose(rs, review, scripts["em-pctr"], {"title": f"H{i + 1}", "linked_data": "Y", "linked_sa": "N",
                                                          "methods": "1. Interviews\n2) Case files"})
    return rs.lines(review["id"])


def test_shipped_review_scripts_load_and_the_day_loader_skips_them(scripts):
    assert set(scripts) == {"em-pctr", "em-sav", "lga-safeguarding"}
    assert scripts["em-pctr"].due_working_days == 10 and scripts["em-sav"].due_working_days == 5
    assert scripts["lga-safeguarding"].mode == "themes" and len(scripts["lga-safeguarding"].optional) == 4
    from facilitator.core.scripts.day import available as day_scripts
    day_ids = set(day_scripts(SCRIPTS_DIR))
    assert "se-triad" in day_ids and not day_ids & set(scripts)


BASE = 'kind = "review"\nid = "x"\ntitle = "X"\n[enquiry]\nmode = "{mode}"\n[sources]\nitems = ["Interview"]\n'


@pytest.mark.parametrize("text, message", [
    (BASE.format(mode="hypotheses"), "roles: is required"),
    (BASE.format(mode="guesses"), "enquiry.mode: must be one of hypotheses, themes, not 'guesses'"),
    (BASE.format(mode="hypotheses") + '[[roles]]\ntag = "TM1"\nlabel = "One"\n[[schedule]]\nday = 1\ntitle = "A"\nminutes = 5\n',
     "exactly one role with lead = true"),
])
def test_a_broken_review_script_names_its_file_and_field(text, message):
    with pytest.raises(ScriptError, match=re.escape("x.toml: ") + ".*" + re.escape(message)):
        parse(text, "x.toml")


def test_check_script_checks_review_scripts_and_rejects_a_bad_one(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(cli, ["check-script", str(SCRIPTS_DIR / "lga-safeguarding.toml")])
    assert ok.exit_code == 0 and "5 themes, 4 optional" in ok.output
    bad = tmp_path / "bad.toml"
    bad.write_text('kind = "review"\nid = "x"\ntitle = "X"\n[enquiry]\nmode = "themes"\n')
    result = runner.invoke(cli, ["check-script", str(bad)])
    assert result.exit_code != 0 and "enquiry.themes: is required" in result.output


def test_working_days_skip_weekends_and_english_bank_holidays():
    assert add_working_days(date(2026, 12, 23), 10) == date(2027, 1, 11)  # Christmas, Boxing Day (observed), New Year
    assert add_working_days(date(2027, 3, 24), 5) == date(2027, 4, 2)  # Good Friday and Easter Monday skipped
    assert add_working_days(date(2026, 11, 16), 5) == date(2026, 11, 23)


def test_the_due_date_runs_from_the_last_day_on_site(rs, scripts):
    review = make(rs, scripts, "em-sav")
    assert [d.isoformat() for d in letter.visit_days(review, scripts["em-sav"])] == ["2026-12-21", "2026-12-22"]
    assert letter.due_date(review, scripts["em-sav"]) == date(2026, 12, 31)  # one working week, Christmas skipped
    assert letter.due_date(make(rs, scripts, "lga-safeguarding"), scripts["lga-safeguarding"]) is None


def test_themes_come_from_the_script_with_the_chosen_optional_ones(rs, scripts):
    review = make(rs, scripts, "lga-safeguarding", ["Commissioning", "Participation"])
    titles = [ln["title"] for ln in rs.lines(review["id"])]
    assert titles[:5] == list(scripts["lga-safeguarding"].themes)
    assert titles[5:] == ["Participation", "Commissioning"]  # in the script's order
    with pytest.raises(Refused, match="not an optional theme"):
        make(rs, scripts, "lga-safeguarding", ["Outcomes"])
    with pytest.raises(Refused, match="not themes"):
        make(rs, scripts, "em-pctr", ["Participation"])


def test_the_host_decides_at_most_three_and_a_difference_is_recorded(rs, scripts):
    review = make(rs, scripts)
    lines = hypotheses(rs, scripts, review)
    assert lines[0]["methods"] == ["Interviews", "Case files"]
    form = {f"decision-{ln['id']}": "investigate" for ln in lines}
    with pytest.raises(Refused, match="at most 3"):
        enquiry.decide(rs, review, scripts["em-pctr"], form, 2000)
    form[f"decision-{lines[3]['id']}"] = "park"
    form[f"note-{lines[3]['id']}"] = "Already in hand"
    decided = enquiry.decide(rs, review, scripts["em-pctr"], form, 2000)
    assert [ln["status"] for ln in decided] == ["investigate"] * 3 + ["park"]
    assert [ln["disagreement"] for ln in decided] == [0, 0, 0, 1]
    assert decided[3]["host_note"] == "Already in hand"
    with pytest.raises(Refused, match="investigate or park"):
        enquiry.decide(rs, review, scripts["em-pctr"], {}, 3000)


def agreed(rs, scripts):
    review = make(rs, scripts)
    lines = hypotheses(rs, scripts, review)
    form = {f"decision-{ln['id']}": "investigate" for ln in lines[:3]} | {f"decision-{lines[3]['id']}": "park"}
    enquiry.decide(rs, review, scripts["em-pctr"], form, 2000)
    return review, rs.lines(review["id"])


def note(rs, scripts, review, line, text="Said in interview", **extra):
    payload = {"id": str(uuid.uuid4()), "line": line["id"], "source": "Interview", "text": text, **extra}
    return notebook.add_note(rs, review, scripts["em-pctr"], "TM2", payload, 5000)


def test_a_note_is_stored_once_under_its_device_made_id(rs, scripts):
    review, lines = agreed(rs, scripts)
    payload = {"id": str(uuid.uuid4()), "line": lines[0]["id"], "source": "Case file", "text": "  File 3 lacked a plan  "}
    stored, seq = notebook.add_note(rs, review, scripts["em-pctr"], "TM2", payload, 5000)
    again, seq2 = notebook.add_note(rs, review, scripts["em-pctr"], "TM2", payload, 6000)
    assert seq is not None and seq2 is None and again == stored
    assert stored["text"] == "File 3 lacked a plan" and stored["role"] == "TM2"
    assert len(rs.notes(review["id"])) == 1


@pytest.mark.parametrize("change, message", [
    ({"id": "not-a-uuid"}, "UUID"), ({"source": "Gossip"}, "source must be one of"), ({"text": ""}, "required"),
    ({"text": 42}, "must be text"), ({"line": "nope"}, "no such line"), ({"text": "x" * 2001}, "longer than"),
])
def test_a_bad_note_is_refused_clearly(rs, scripts, change, message):
    review, lines = agreed(rs, scripts)
    payload = {"id": str(uuid.uuid4()), "line": lines[0]["id"], "source": "Interview", "text": "ok", **change}
    with pytest.raises(Refused, match=message):
        notebook.add_note(rs, review, scripts["em-pctr"], "TM1", payload, 5000)
    assert rs.notes(review["id"]) == []


def test_a_parked_hypothesis_takes_no_notes(rs, scripts):
    review, lines = agreed(rs, scripts)
    with pytest.raises(Refused, match="not being investigated"):
        note(rs, scripts, review, lines[3])


def test_findings_rest_on_notes_of_their_own_line_and_qa_flags_unlinked_actions(rs, scripts):
    review, lines = agreed(rs, scripts)
    n1, _ = note(rs, scripts, review, lines[0])
    n2, _ = note(rs, scripts, review, lines[1])
    with pytest.raises(Refused, match="same line"):
        findings.add_finding(rs, review, {"line": lines[0]["id"], "text": "F"}, [n2["id"]], 6000)
    bare = findings.add_finding(rs, review, {"line": lines[0]["id"], "text": "No evidence yet"}, [], 6000)
    backed = findings.add_finding(rs, review, {"line": lines[0]["id"], "text": "Backed"}, [n1["id"]], 6000)
    feedback.add_action(rs, review, {"text": "Act on evidence", "agreed": "Y"}, [backed["id"]], 7000)
    feedback.add_action(rs, review, {"text": "Act on a hunch", "agreed": "N"}, [], 7000)
    feedback.add_action(rs, review, {"text": "Act on a bare finding", "agreed": "Y"}, [bare["id"]], 7000)
    current = letter.current(rs, review, scripts["em-pctr"])
    assert len(current["flags"]) == 2
    assert "Act on a hunch" in current["flags"][0] and "no recorded evidence" in current["flags"][1]
    assert [a["text"] for a in current["priorities"]] == ["Act on evidence", "Act on a bare finding"]
    with pytest.raises(Refused, match="flagged"):
        letter.sign(rs, review, scripts["em-pctr"], 8000)
    with pytest.raises(Refused, match="Y or N"):
        feedback.add_action(rs, review, {"text": "x", "agreed": "maybe"}, [], 7000)


def test_the_letter_is_shared_proofread_then_signed_and_then_fixed(rs, scripts):
    review, lines = agreed(rs, scripts)
    n1, _ = note(rs, scripts, review, lines[0])
    f = findings.add_finding(rs, review, {"line": lines[0]["id"], "text": "Backed"}, [n1["id"]], 6000)
    feedback.add_action(rs, review, {"text": "Act", "agreed": "Y"}, [f["id"]], 7000)
    script = scripts["em-pctr"]
    with pytest.raises(Refused, match="share the draft"):
        letter.sign(rs, review, script, 8000)
    letter.share(rs, review, 8000)
    with pytest.raises(Refused, match="proofread"):
        letter.sign(rs, review, script, 8000)
    letter.proofread(rs, review, script, 8100)
    letter.edit(rs, review, {"summary": "First.\r\n\r\nSecond."}, 8200)  # an edit needs proofreading again
    assert letter.current(rs, review, script)["summary"] == "First.\n\nSecond."
    assert "21 to 23 December 2026" in letter.defaults(review, script)["summary"]
    with pytest.raises(Refused, match="proofread"):
        letter.sign(rs, review, script, 8300)
    letter.proofread(rs, review, script, 8400)
    letter.sign(rs, review, script, 8500)
    assert letter.current(rs, review, script)["signed_ms"] == 8500
    with pytest.raises(Refused, match="signed off"):
        letter.edit(rs, review, {"variations": "Changed"}, 9000)


def test_the_survey_is_once_each_and_its_composite_waits_for_three(rs, scripts):
    review = make(rs, scripts, "em-sav")
    members = [rs.add_member(review["id"], role, 1) for role in ("TM1", "TM2", "Data")]
    assert survey.others(rs, review, members[0], "Lead") == ["Data", "Lead", "TM2"]
    for n, m in enumerate(members, start=1):
        before = survey.composite(rs, review)
        assert not before["ready"] and before["count"] == n - 1
        survey.answer(rs, review, m, "Lead", {"rating": str(n + 2), "peer-Lead-strengths": f"clear {n}"})
    with pytest.raises(Refused, match="already answered"):
        survey.answer(rs, review, members[0], "Lead", {"rating": "5"})
    with pytest.raises(Refused, match="from 1"):
        survey.answer(rs, review, rs.add_member(review["id"], "QA", 1), "Lead", {"rating": "9"})
    after = survey.composite(rs, review)
    assert after["ready"] and after["count"] == 3 and after["rating"] == 4.0
    assert after["peers"]["Lead"]["strengths"] == ["clear 1", "clear 2", "clear 3"]
    stored = rs.db.execute("SELECT * FROM review_survey").fetchall()
    assert all("member" not in str(row) for row in stored)  # answers carry no member


def test_a_review_script_nested_too_deeply_is_refused_in_one_line():
    from facilitator.core.scripts.review import parse
    from facilitator.core.scripts.day import ScriptError

    with pytest.raises(ScriptError, match="nested too deeply"):
        parse('kind = "review"\nid = ' + "[" * 20_000 + "]" * 20_000 + "\n", "deep.toml")
