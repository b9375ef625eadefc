"""Forgetting forgets: after `forget-names`, no file beside the database holds a participant's name,
neither the database's pages (free ones included) nor its write-ahead log, while the server runs
and after it stops."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from .support import AUTHORITIES

NAMES = ["Zephyrine Quolworth", "Bartholomew Xyloquist", "Ottilie Vantwerpen-Ruiz", "Siobhán Ní Dhuibhir"]


def join(server, code: str, name: str, authority: str) -> dict:
    request = urllib.request.Request(f"{server.url}/api/join/{code}", method="POST",
                                     data=json.dumps({"name": name, "authority": authority}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def files_holding(folder: Path, names: list[str]) -> dict[str, list[str]]:
    """Which of the names each file in the folder holds, read as raw bytes."""
    found = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        data = path.read_bytes()
        hits = [n for n in names if n.encode("utf-8") in data or n.split()[-1].encode("utf-8") in data]
        if hits:
            found[path.name] = hits
    return found


def test_forgotten_names_are_in_no_file_beside_the_database_running_or_stopped(live_server):
    day = live_server.new_day()
    for n, name in enumerate(NAMES):
        join(live_server, day["code"], name, AUTHORITIES[n % len(AUTHORITIES)])
    folder = live_server.db.parent
    before = files_holding(folder, NAMES)
    assert before, "the names are on disk once people have joined"  # so the search below can find them

    done = subprocess.run([sys.executable, "-m", "facilitator", "forget-names", day["code"], "--db", str(live_server.db)],
                          capture_output=True, text=True, env=live_server.env, timeout=60)
    assert done.returncode == 0 and f"the names of {len(NAMES)} participants are forgotten" in done.stdout, done.stderr

    # The running server goes on writing (a later join), without bringing the old names back.
    join(live_server, day["code"], "Later Arrival", AUTHORITIES[0])
    assert files_holding(folder, NAMES) == {}
    assert files_holding(folder, ["Later Arrival"])  # what is not forgotten is still there

    live_server.stop()
    assert files_holding(folder, NAMES) == {}


def test_a_withdrawn_vote_leaves_no_copy_in_the_write_ahead_log(tmp_path, clock):
    from facilitator.app import create_app

    engine = create_app({"DATABASE": str(tmp_path / "v.db"), "SECRET_KEY": "k", "NOW": clock}).extensions["facilitator"].engine
    day = engine.create_day("Votes", "2026-11-22", AUTHORITIES, "se-triad", None, clock.now)
    person = engine.store.add_participant(day["id"], "Quillon Marsh", AUTHORITIES[1], clock.now)
    stored, _ = engine.store.add_contribution(day["id"], {"id": "c1", "kind": "question", "text": "Why?"})
    engine.store.set_vote(day["id"], stored["id"], person["id"], True)
    wal = tmp_path / "v.db-wal"
    assert person["id"].encode() in wal.read_bytes()
    engine.store.set_vote(day["id"], stored["id"], person["id"], False)
    assert wal.stat().st_size == 0  # the log is emptied into the database, where the deleted row was zeroed
    assert engine.store.votes_by(person["id"]) == []


def test_a_discarded_summary_leaves_no_readable_copy_in_the_database_or_its_log(tmp_path, clock):
    from facilitator.app import create_app

    app = create_app({"DATABASE": str(tmp_path / "s.db"), "SECRET_KEY": "k", "NOW": clock})
    engine, reports = app.extensions["facilitator"].engine, app.extensions["facilitator"].reports
    day = engine.create_day("Summary", "2026-11-22", AUTHORITIES, "se-triad", None, clock.now)
    secret = "Mr Quentavius Blorp said the panel was rigged"
    for n in range(40):  # enough rows that the deleted one shares its page with others that stay
        reports.save_summary(day["id"], f"part{n}", f"Kept draft number {n}. " * 5, clock.now)
    reports.save_summary(day["id"], "risks", secret, clock.now)
    assert files_holding(tmp_path, [secret]) == {"s.db-wal": [secret]}
    reports.discard_summary(day["id"], "risks")
    assert files_holding(tmp_path, [secret]) == {}
    assert "risks" not in reports.summaries(day["id"]) and "part7" in reports.summaries(day["id"])
    assert engine.store.db.execute("PRAGMA secure_delete").fetchone()[0] == 1  # deleted rows are zeroed in place


def test_forgetting_says_so_when_a_reader_keeps_the_old_names_in_the_log(tmp_path, clock):
    import sqlite3

    from click.testing import CliRunner

    from facilitator.app import create_app
    from facilitator.cli import cli

    db = tmp_path / "r.db"
    engine = create_app({"DATABASE": str(db), "SECRET_KEY": "k", "NOW": clock}).extensions["facilitator"].engine
    day = engine.create_day("Reader", "2026-11-22", AUTHORITIES, "se-triad", None, clock.now)
    engine.join(day, "Wilhelmina Crabtree-Oduya", AUTHORITIES[0], clock.now)
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM participants").fetchone()  # holds a snapshot from before the forgetting
    result = CliRunner().invoke(cli, ["forget-names", day["join_code"], "--db", str(db)])
    assert result.exit_code == 1 and "run forget-names again" in result.stderr
    reader.execute("COMMIT")
    again = CliRunner().invoke(cli, ["forget-names", day["join_code"], "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert files_holding(tmp_path, ["Wilhelmina Crabtree-Oduya"]) == {}
    reader.close()
