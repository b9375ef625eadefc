"""The one database file: every stage's tables made as it opens, and an older file opened as it was."""

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from facilitator.core import database as database_module
from facilitator.core import migrations
from facilitator.core.database import Database, StoreError
from facilitator.followup.store import Records
from facilitator.live.store import Store
from facilitator.review.store import ReviewStore
from facilitator.writeup.store import Reports

# Made by the release in which each stage's store applied its own migration set: a day with a
# participant, a question and its vote, a summary and a review key, a review with a member, a response.
BEFORE = Path(__file__).parent / "data" / "separate-stores.db"
DAY, REVIEW, QUESTION = "2d397998", "c30a7287", "0b6f3f7e-2b9f-4d8e-9a51-3c1d2e4f5a60"


def recorded(path: Path) -> tuple[list, list]:
    """The migrations a file records (with when each ran) and its schema, read without the app."""
    with sqlite3.connect(path) as conn:
        ran = conn.execute("SELECT migration_set, name, applied_at FROM _sqlite_migrations ORDER BY id").fetchall()
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    conn.close()
    return ran, schema


@pytest.fixture
def before(tmp_path) -> Path:
    path = tmp_path / "kept.db"
    shutil.copyfile(BEFORE, path)
    return path


def test_a_database_from_the_separate_stores_opens_with_nothing_run_again(before):
    ran, schema = recorded(before)
    assert {name for name, _, _ in ran} == {m.name for m in migrations.SETS}  # the fixture has every set
    with sqlite3.connect(before) as conn:
        newer = migrations.pending(sqlite_utils.Database(conn))  # added since the file was made
    conn.close()
    database = Database(before)
    assert migrations.pending(database.db) == []
    database.db.conn.close()
    after, now_schema = recorded(before)
    assert after[:len(ran)] == ran  # not one migration re-run: every earlier record kept as it was
    assert [(s, n) for s, n, _ in after[len(ran):]] == newer  # only the newer ones ran
    if not newer:
        assert now_schema == schema  # and with none newer, not one table or index changed
    else:
        assert {n for _, n, _ in schema} <= {n for _, n, _ in now_schema}  # none lost


def test_a_database_from_the_separate_stores_keeps_every_stages_data(before):
    database = Database(before)
    store = Store(database)
    day = store.day(DAY)
    assert day["title"] == "Kept challenge day" and day["authorities"] == ["Northshire", "Eastbridge", "Westvale"]
    assert [p["name"] for p in store.participants(DAY)] == ["Sam"]
    (question,) = store.contributions(DAY)
    assert question["id"] == QUESTION and question["votes"] == 1 and question["seq"] == day["seq"]
    assert Reports(database).summaries(DAY)["day"]["markdown"] == "# The day\n\nKept."
    review = ReviewStore(store).review(REVIEW)
    assert review["title"] == "Kept review" and [m["role"] for m in ReviewStore(store).members(REVIEW)] == ["reviewer"]
    assert [r["markdown"] for r in Records(database).responses(DAY)] == ["We did it."]
    # and it goes on being written to
    later = store.create_day("Next", "2026-01-12", ["A"], "se-triad", {}, None, 0)
    assert later["join_code"] not in (day["join_code"], review["join_code"])


def test_a_new_database_has_every_stages_tables_and_nothing_pending(tmp_path):
    database = Database(tmp_path / "new.db")
    assert migrations.pending(database.db) == []
    tables = set(database.db.table_names())
    assert {"days", "contributions", "votes", "reviews", "review_notes", "summaries", "case_studies",
            "fu_responses", "fu_matches"} <= tables
    assert database.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_join_code_is_never_one_a_review_already_has(monkeypatch):
    """A phone types the code: a day's must not open a review, nor a review's a day."""
    database = Database()
    store = Store(database)
    review = ReviewStore(store).create_review({"script": "s", "title": "R", "host": "A", "start_date": "2026-01-05",
                                               "clock": {}, "themes": [], "created_ms": 0})
    taken = iter(review["join_code"] + "BCDEFG")  # the review's code first, then a free one
    monkeypatch.setattr(database_module.secrets, "choice", lambda alphabet: next(taken))
    day = store.create_day("D", "2026-01-05", ["A"], "se-triad", {}, None, 0)
    assert day["join_code"] == "BCDEFG"


def test_a_file_that_is_not_a_database_is_named_with_what_to_do(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match=r"notes\.db: the database is not a facilitator database"):
        Database(path)
