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
from facilitator.core.scripts.reader import ScriptError
from facilitator.core.scripts.review import available, parse
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


WINDOW = {"window_first": "2026-12-14", "window_last": "2027-01-29"}  # an unannounced visit's; others ignore it


def make(rs, scripts, script="em-pctr", themes=()):
    return visit.create(rs, scripts, {"script": script, "host": "Northshire", "start_date": "2026-12-21",
                                      **WINDOW}, list(themes), 1000)


def hypotheses(rs, scripts, review, n=4):
    for i in range(n):
        enquiry.propose(rs, review, scripts["em-pctr"], {"title": f"H{i + 1}", "linked_data": "Y", "linked_sa": "N",
                                                          "methods": "1. Interviews\n2) Case files"})
    return rs.lines(review["id"])


def test_shipped_review_scripts_load_and_the_day_loader_skips_them(scripts):
    assert set(scripts) == {"em-pctr", "em-sav", "lga-safeguarding", "se-fieldwork", "yh-peer-challenge"}
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
        findings.add_finding(rs, review, {"line": lines[0]["id"], "text": "F", "kind": "development"}, [n2["id"]], 6000)
    bare = findings.add_finding(rs, review, {"line": lines[0]["id"], "text": "No evidence yet", "kind": "development"}, [], 6000)
    backed = findings.add_finding(rs, review, {"line": lines[0]["id"], "text": "Backed", "kind": "development"}, [n1["id"]], 6000)
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
    f = findings.add_finding(rs, review, {"line": lines[0]["id"], "text": "Backed", "kind": "development"}, [n1["id"]], 6000)
    feedback.add_action(rs, review, {"text": "Act", "agreed": "Y"}, [f["id"]], 7000)
    script = scripts["em-pctr"]
    with pytest.raises(Refused, match="share the draft"):
        letter.sign(rs, review, script, 8000)
    letter.share(rs, review, 8000)
    with pytest.raises(Refused, match="proofread"):
        letter.sign(rs, review, script, 8000)
    letter.proofread(rs, review, script, 8100)
    letter.edit(rs, review, script, {"summary": "First.\r\n\r\nSecond."}, 8200)  # an edit needs proofreading again
    assert letter.current(rs, review, script)["summary"] == "First.\n\nSecond."
    assert "21 to 23 December 2026" in letter.defaults(review, script)["summary"]
    with pytest.raises(Refused, match="proofread"):
        letter.sign(rs, review, script, 8300)
    letter.proofread(rs, review, script, 8400)
    letter.sign(rs, review, script, 8500)
    assert letter.current(rs, review, script)["signed_ms"] == 8500
    with pytest.raises(Refused, match="signed off"):
        letter.edit(rs, review, script, {"variations": "Changed"}, 9000)


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


# -- the store, by name: each row kept to its review, each write one transaction


def statements(rs, fn):
    """What `fn` says to the database, statement by statement."""
    seen = []
    rs.db.conn.set_trace_callback(seen.append)
    try:
        result = fn()
    finally:
        rs.db.conn.set_trace_callback(None)
    return result, seen


def test_a_new_note_is_one_write_with_no_read_and_its_seq_is_the_reviews(rs, scripts):
    review, lines = agreed(rs, scripts)
    (stored, seq), said = statements(rs, lambda: note(rs, scripts, review, lines[0]))
    assert [s for s in said if s.lstrip().upper().startswith(("SELECT", "PRAGMA"))] == []
    assert sum(s.upper().startswith("BEGIN") for s in said) == 1
    assert seq == rs.review(review["id"])["seq"]
    assert stored == rs.note(review["id"], stored["id"])  # the note as a read would give it


def test_a_repeated_note_id_is_stored_once_and_answered_as_a_duplicate(rs, scripts):
    review, lines = agreed(rs, scripts)
    stored, seq = note(rs, scripts, review, lines[0])
    row = {k: stored[k] for k in ("id", "review_id", "line_id", "source", "role", "created_ms", "author")}
    again, no_seq = rs.add_note({**row, "text": "sent again"}, "investigate")
    assert no_seq is None and again == stored and again["text"] == "Said in interview"
    assert rs.review(review["id"])["seq"] == seq  # a repeat moves nothing
    assert [n["id"] for n in rs.notes(review["id"])] == [stored["id"]]
    # A resend whose text no longer passes is still the same note, as before.
    resent, none = notebook.add_note(rs, review, scripts["em-pctr"], "TM2", {"id": stored["id"], "text": ""}, 9000)
    assert resent == stored and none is None


def test_a_note_for_another_reviews_line_is_refused_and_nothing_is_written(rs, scripts):
    review, lines = agreed(rs, scripts)
    other, other_lines = agreed(rs, scripts)
    before = rs.review(review["id"])["seq"], rs.review(other["id"])["seq"]
    with pytest.raises(Refused, match="no such line"):
        note(rs, scripts, review, other_lines[0])
    row = {"id": str(uuid.uuid4()), "review_id": review["id"], "line_id": other_lines[0]["id"], "source": "Interview",
           "text": "x", "role": "TM1", "created_ms": 1, "author": None}
    assert rs.add_note(row, "investigate") == (None, None)
    assert rs.add_note({**row, "line_id": lines[3]["id"]}, "investigate") == (None, None)  # parked
    assert (rs.review(review["id"])["seq"], rs.review(other["id"])["seq"]) == before
    assert rs.notes(review["id"]) == [] and rs.notes(other["id"]) == []


def test_a_note_id_of_another_review_is_refused_and_a_withdrawn_one_stays_taken(rs, scripts):
    review, lines = agreed(rs, scripts)
    other, other_lines = agreed(rs, scripts)
    payload = {"id": str(uuid.uuid4()), "line": other_lines[0]["id"], "source": "Interview", "text": "theirs"}
    stored, _ = notebook.add_note(rs, other, scripts["em-pctr"], "TM2", payload, 5000, author="m1")
    payload = {**payload, "line": lines[0]["id"], "text": "mine"}
    with pytest.raises(Refused, match="already used"):
        notebook.add_note(rs, review, scripts["em-pctr"], "TM1", payload, 5000)
    gone, _ = notebook.withdraw_note(rs, other, "m1", {"id": stored["id"]}, 6000)
    assert gone["withdrawn_ms"] == 6000 and rs.notes(other["id"]) == []
    resent = {**payload, "line": other_lines[0]["id"]}
    again, seq = notebook.add_note(rs, other, scripts["em-pctr"], "TM2", resent, 7000)
    assert seq is None and again == gone


def test_the_hosts_decision_is_one_transaction(rs, scripts):
    review = make(rs, scripts)
    lines = hypotheses(rs, scripts, review)
    form = {f"decision-{ln['id']}": "investigate" for ln in lines[:3]} | {f"decision-{lines[3]['id']}": "park"}
    with pytest.raises(Refused, match="longer than"):
        enquiry.decide(rs, review, scripts["em-pctr"], form | {f"note-{lines[3]['id']}": "x" * 1001}, 2000)
    assert [ln["status"] for ln in rs.lines(review["id"])] == ["proposed"] * 4  # none half-decided
    seq = rs.review(review["id"])["seq"]
    decided = enquiry.decide(rs, review, scripts["em-pctr"], form, 2000)
    assert decided == rs.lines(review["id"]) and rs.review(review["id"])["seq"] == seq + 1


def test_rows_of_another_review_are_not_changed_through_this_one(rs, scripts):
    review, lines = agreed(rs, scripts)
    other, other_lines = agreed(rs, scripts)
    n, _ = note(rs, scripts, other, other_lines[0])
    theirs = findings.add_finding(rs, other, {"line": other_lines[0]["id"], "text": "Theirs", "kind": "development"}, [n["id"]], 6000)
    action = feedback.add_action(rs, other, {"text": "Their action", "agreed": "Y"}, [theirs["id"]], 7000)
    before = rs.review(review["id"])["seq"], rs.review(other["id"])["seq"]
    for attempt in (lambda: rs.set_evidence(review["id"], theirs["id"], []),
                    lambda: rs.release_finding(review["id"], theirs["id"], True),
                    lambda: rs.update_action(review["id"], action["id"], {"text": "Mine now"}),
                    lambda: rs.set_conclusions(review["id"], other_lines[0]["id"], {"conclusions": "Mine"}),
                    lambda: rs.edit_note(review["id"], n["id"], {"text": "Mine"})):
        with pytest.raises(Refused) as refused:
            attempt()
        assert refused.value.code == "not_found"
    with pytest.raises(Refused, match="no such finding"):
        findings.release(rs, review, theirs["id"], True)
    assert (rs.review(review["id"])["seq"], rs.review(other["id"])["seq"]) == before
    assert rs.finding(other["id"], theirs["id"]) == theirs and rs.action(other["id"], action["id"]) == action
    with pytest.raises(ValueError, match="cannot set"):  # a named method sets only its own columns
        rs.update_action(other["id"], action["id"], {"review_id": review["id"]})


def test_an_incident_is_stored_once_by_its_device_made_id_and_signed_by_both(rs, scripts):
    from facilitator.review import incidents

    review, _ = agreed(rs, scripts)
    other, _ = agreed(rs, scripts)
    payload = {"id": str(uuid.uuid4()), "nature": "A child at risk", "evidence": "Case file 7"}
    (stored, seq), said = statements(rs, lambda: incidents.raise_incident(rs, review, "TM1", payload, 5000))
    assert [s for s in said if s.lstrip().upper().startswith(("SELECT", "PRAGMA"))] == []
    assert seq == rs.review(review["id"])["seq"] and stored == rs.incident(review["id"], payload["id"])
    again, none = incidents.raise_incident(rs, review, "TM1", payload, 6000)
    assert none is None and again == stored and len(rs.incidents(review["id"])) == 1
    with pytest.raises(Refused, match="already used"):
        incidents.raise_incident(rs, other, "TM1", payload, 6000)
    with pytest.raises(Refused, match="before signing"):
        incidents.sign(rs, review, payload["id"], "lead", {"name": "Ann Lead"}, 7000)
    recorded = incidents.record(rs, review, payload["id"], {"raised_at": "2026-12-21T10:30", "host_action": "Visit today"})
    assert recorded["raised_at"] == "2026-12-21 10:30"
    assert incidents.sign(rs, review, payload["id"], "lead", {"name": "Ann Lead"}, 7000)["lead_signed_ms"] == 7000
    signed = incidents.sign(rs, review, payload["id"], "host", {"name": "Hal Host"}, 7100)
    assert (signed["lead_signed_ms"], signed["host_signed_ms"]) == (7000, 7100)
    assert (signed["lead_signed_name"], signed["host_signed_name"]) == ("Ann Lead", "Hal Host")
    with pytest.raises(Refused, match="already signed"):
        incidents.sign(rs, review, payload["id"], "host", {"name": "Hal Host"}, 7200)
    with pytest.raises(Refused, match="cannot change"):
        incidents.record(rs, review, payload["id"], {"raised_at": "2026-12-21T11:00", "host_action": "Later"})
    with pytest.raises(Refused, match="no such incident"):
        incidents.get(rs, other, payload["id"])


def test_a_survey_answer_is_kept_once_in_one_write(rs, scripts):
    review = make(rs, scripts, "em-sav")
    member = rs.add_member(review["id"], "TM1", 1)
    assert rs.answer_survey(review["id"], member["id"], {"rating": 4}) is True
    assert rs.answer_survey(review["id"], member["id"], {"rating": 1}) is False
    assert rs.answered(review["id"], member["id"]) and rs.survey_answers(review["id"]) == [{"rating": 4}]


def test_the_letter_is_saved_by_its_own_fields(rs, scripts):
    review = make(rs, scripts)
    assert rs.letter(review["id"]) is None
    saved = rs.save_letter(review["id"], {"summary": "Thanks", "updated_ms": 5})
    assert saved == rs.letter(review["id"]) and saved["summary"] == "Thanks"
    assert rs.save_letter(review["id"], {"shared_ms": 6})["summary"] == "Thanks"  # other fields stay
    with pytest.raises(ValueError, match="cannot set"):
        rs.save_letter(review["id"], {"review_id": "elsewhere"})
