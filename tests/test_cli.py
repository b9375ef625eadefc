"""The command line: setting up a day before the day."""

import re

from click.testing import CliRunner

from facilitator.cli import cli
from facilitator.live.store import Store


def test_new_day_prints_the_facilitator_link_and_join_code_and_stores_the_day(tmp_path):
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(cli, ["new-day", "--title", "Spring triad", "--date", "2027-02-01", "--start", "09:30",
                                      "--authority", "Northshire", "--authority", "Eastbridge",
                                      "--authority", "Westvale", "--db", str(db), "--url", "http://10.0.0.5:5000"])
    assert result.exit_code == 0, result.output
    key = re.search(r"http://10\.0\.0\.5:5000/f/(\S+)", result.output).group(1)
    code = re.search(r"Join code: (\w{6})", result.output).group(1)
    day = Store(db).day_by_key(key)
    assert day["join_code"] == code and day["authorities"] == ["Northshire", "Eastbridge", "Westvale"]
    assert day["start_time"] == "09:30" and day["clock"]["status"] == "ready"


def test_new_day_with_the_wrong_number_of_authorities_says_so_and_stores_nothing(tmp_path):
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(cli, ["new-day", "--title", "T", "--date", "2027-02-01", "--authority", "Northshire",
                                      "--db", str(db)])
    assert result.exit_code == 1
    assert "needs 3 presenting authorities" in result.output
    assert Store(db).days() == []


def test_forget_names_keeps_authorities_and_contributions_but_no_names(tmp_path, clock):
    from facilitator.app import create_app

    db = tmp_path / "day.db"
    engine = create_app({"DATABASE": str(db), "SECRET_KEY": "k", "NOW": clock}).extensions["facilitator"].engine
    day = engine.create_day("Done", "2026-11-22", ["A", "B", "C"], "se-triad", None, clock.now)
    for name, authority in (("Priya Shah", "A"), ("Tom Reed", "B")):
        engine.join(day, name, authority, clock.now)
    result = CliRunner().invoke(cli, ["forget-names", day["join_code"], "--db", str(db)])
    assert result.exit_code == 0 and "2 participants" in result.output
    people = engine.store.participants(day["id"])
    assert [(p["name"], p["authority"]) for p in people] == [("Participant 1", "A"), ("Participant 2", "B")]
    unknown = CliRunner().invoke(cli, ["forget-names", "NOPE", "--db", str(db)])
    assert unknown.exit_code == 1 and "no day has the id or join code 'NOPE'" in unknown.output
