"""The command line: setting up a day before the day."""

import re

from click.testing import CliRunner

from facilitator.cli import cli
from facilitator.store import Store


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
