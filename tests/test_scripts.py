"""Session scripts: the shipped one loads; a mistake is refused naming the file and the field."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator.core.scripts import day as scripts
from facilitator.cli import cli

SE = scripts.SCRIPTS_DIR / "se-triad.toml"
MINIMAL = """
id = "mini"
title = "Mini"
session = ["talk"]
day = ["session", "close"]
[kinds.note]
label = "Note"
[steps.talk]
title = "Talk"
minutes = 10
collects = ["note"]
[steps.close]
title = "Close"
minutes = 5
"""


def test_the_shipped_triad_script_has_the_six_steps_and_eleven_signatures_of_risk():
    script = scripts.load(SE)
    assert [script.steps[k].title for k in script.session] == [
        "Presentation", "Open questions", "Strengths", "Balcony", "Reflection"]
    assert script.steps["learning-points"].title == "Learning points"
    assert len(script.categories) == 11 and "Practice leadership" in script.categories
    assert script.steps["open-questions"].minutes == 70 and script.steps["open-questions"].turns
    assert script.steps["balcony"].prompts_title == "Questions to ask from the balcony"


def test_the_agenda_runs_each_authority_through_the_session_in_presenting_order():
    items = scripts.agenda(scripts.load(SE), ["A", "B", "C"])
    sessions = [(i.session, i.presenter, i.step.key) for i in items if i.session is not None]
    assert len(sessions) == 15
    assert sessions[0] == (0, "A", "presentation") and sessions[-1] == (2, "C", "reflection")
    assert [i.step.key for i in items if i.session is None] == ["arrival", "break", "lunch", "learning-points"]
    assert [i.index for i in items] == list(range(len(items)))


def test_the_agenda_needs_one_presenting_authority_per_session():
    with pytest.raises(ValueError, match="needs 3 presenting authorities"):
        scripts.agenda(scripts.load(SE), ["A", "B"])


def test_nothing_assumes_the_triad_a_one_session_script_works():
    script = scripts.parse(MINIMAL, "mini.toml")
    items = scripts.agenda(script, ["Host"])
    assert [(i.step.title, i.presenter) for i in items] == [("Talk", "Host"), ("Close", None)]
    assert script.categories == ()


@pytest.mark.parametrize("change, message", [
    (('minutes = 10', 'minutes = "ten"'), "mini.toml: steps.talk.minutes: must be a number, not str"),
    (('minutes = 10', 'minutes = 0'), "mini.toml: steps.talk.minutes: must be more than 0"),
    (('collects = ["note"]', 'collects = ["nope"]'), "mini.toml: steps.talk.collects[0]: names kind 'nope'"),
    (('day = ["session", "close"]', 'day = ["session", "closing"]'), "mini.toml: day[1]: names step 'closing'"),
    (('day = ["session", "close"]', 'day = ["close"]'), 'mini.toml: day: must include "session"'),
    (('session = ["talk"]', 'session = ["tlk"]'), "mini.toml: session[0]: names step 'tlk'"),
    (('title = "Mini"\n', ''), "mini.toml: title: is required"),
    (('label = "Note"', 'label = "Note"\nwho = "everybody"'), "mini.toml: kinds.note.who: must be one of"),
    (('label = "Note"', 'label = "Note"\ncategorised = true'), "mini.toml: categories.items: is required"),
    (('label = "Note"', 'label = "Note"\nsummit = "gift"'), "mini.toml: kinds.note.summit: must be one of ask, offer"),
    (('label = "Note"', 'label = "Note"\ncase_study = "yes"'), "mini.toml: kinds.note.case_study: must be true or false"),
    (('minutes = 5', 'minutes = 5\nspeker = "x"'), "mini.toml: steps.close.speker: is not a known field"),
    (('id = "mini"', 'id = "mini"\nid2 = ['), "mini.toml: not valid TOML"),
])
def test_a_mistake_is_refused_with_the_file_and_the_field(change, message):
    old, new = change
    assert old in MINIMAL
    with pytest.raises(scripts.ScriptError) as info:
        scripts.parse(MINIMAL.replace(old, new, 1), "mini.toml")
    assert str(info.value).startswith(message)


def test_two_scripts_with_one_id_are_refused(tmp_path):
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text(MINIMAL)
    with pytest.raises(scripts.ScriptError, match="already used"):
        scripts.available(tmp_path)


def test_check_script_command_passes_a_good_script_and_names_the_field_of_a_bad_one(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(cli, ["check-script", str(SE)])
    assert ok.exit_code == 0 and "ok: 'se-triad', 3 sessions of 5 steps" in ok.output
    bad = tmp_path / "bad.toml"
    bad.write_text(MINIMAL.replace("minutes = 10", "minutes = -1"))
    result = runner.invoke(cli, ["check-script", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: steps.talk.minutes: must be more than 0" in result.output


def test_a_broken_script_in_the_folder_stops_the_app_at_start_with_its_message(tmp_path):
    from facilitator.app import create_app

    (tmp_path / "broken.toml").write_text(MINIMAL.replace('label = "Note"', ""))
    with pytest.raises(scripts.ScriptError, match="kinds.note.label: is required"):
        create_app({"DATABASE": ":memory:", "SCRIPTS_DIR": str(tmp_path)})
