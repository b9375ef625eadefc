"""The one SQLite file every stage keeps its tables in: opening it, its lock, and scrubbing its log.

One connection per process, WAL on, brought up to date with every stage's migrations as it
opens. Deleted and replaced data is zeroed on disk (secure_delete), and scrubbing empties the
write-ahead log, so no old copy stays readable. The stages' stores speak SQL over this one
connection, each holding its lock for as long as a read or a transaction lasts.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from pathlib import Path

import sqlite_utils

from . import migrations

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread off a screen
CODE_LENGTH = 6
PAGE_SIZE = 1024


class StoreError(Exception):
    """The database cannot be opened or used; the message names the file and what to do."""


# What SQLite says, and what a person can do about it.
_KNOWN_FAILURES = {
    "file is not a database": "is not a facilitator database, or is damaged: give another --db, or restore a backup",
    "malformed": "is damaged (truncated or corrupted): restore a backup, or give another --db",
    "database is locked": "is locked by another program: close it and try again",
    "unable to open database file": "cannot be opened or created there: give a --db in a folder you can write to",
    "readonly database": "is read-only: give a --db in a folder you can write to",
    "disk i/o error": "cannot be read or written (disk error or full disk): check the disk",
}


def explain(exc: sqlite3.Error, path: str | Path) -> StoreError | None:
    """A clear error for a failure of the file itself (damaged, locked, unwritable); None for any other."""
    message = str(exc).lower()
    for words, advice in _KNOWN_FAILURES.items():
        if words in message:
            return StoreError(f"{path}: the database {advice}")
    return None


class _WritesFirst(sqlite3.Connection):
    """Every transaction takes the write lock when it begins. The workers of a regional server share
    the file: a transaction that read first and then writes after another process's commit fails at
    once (SQLITE_BUSY_SNAPSHOT), where one that begins IMMEDIATE waits its turn (busy_timeout)."""

    def execute(self, sql, *args):
        return super().execute("BEGIN IMMEDIATE" if sql == "BEGIN" else sql, *args)


class Database:
    """The file, its one connection (`db`, sqlite-utils over it) and the lock every store holds."""

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        try:
            self.db = _open(self.path)
            migrations.apply(self.db)
        except sqlite3.DatabaseError as exc:
            known = explain(exc, path)
            if known is None:
                raise
            raise known from None
        self.lock = threading.RLock()  # threaded servers share the one connection

    def scrub(self, tries: int = 1) -> bool:
        """Copy the write-ahead log into the database and empty it, so no older copy of a page stays on disk.

        Waits (busy_timeout, each try) for readers in other processes to move to the newest data;
        False if one still held an older snapshot, and the log is not yet empty.
        """
        with self.lock:
            for _ in range(tries):
                busy, _, _ = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if not busy:
                    return True
        return False

    def unique_code(self) -> str:
        """A join code no day and no review has: a phone types it, and it must open the one meant.
        Called inside the transaction that stores it."""
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            taken = self.db.execute("SELECT EXISTS (SELECT 1 FROM days WHERE join_code = ?) "
                                    "OR EXISTS (SELECT 1 FROM reviews WHERE join_code = ?)", [code, code])
            if not taken.fetchone()[0]:
                return code


def _open(path: str) -> sqlite_utils.Database:
    if path != ":memory:":
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot make its folder ({exc.strerror}): give a --db in a folder "
                             f"you can write to") from None
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, factory=_WritesFirst)
    conn.execute("PRAGMA busy_timeout = 2000")
    conn.execute("PRAGMA secure_delete = ON")  # what is deleted or replaced is zeroed, not left in free space
    # Small pages for a new file: each change writes its handful of pages (the day's seq, the
    # row, its indexes) to the log, and 1 KB pages take half the time to commit that 4 KB ones do.
    conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # ignored by a file that has pages already
    db = sqlite_utils.Database(conn)
    if path != ":memory:":
        db.enable_wal()
        # In WAL mode a commit is in the log file once COMMIT returns, safe from a crash or kill -9;
        # NORMAL leaves the log's fsync to checkpoints instead of stalling every phone on each change.
        conn.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    return db
