"""The day's tables: days, participants, contributions and votes, as named reads and writes.

Every change and the day's sequence number move together in one transaction, and nothing emits
or sleeps inside it. The file, its connection and its lock are the database's (core/database.py).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from ..core import erase
from ..core.database import Database, StoreError


RELEASED = "c.held IS NULL AND c.removed_ms IS NULL"


class Store:
    def __init__(self, database: Database | str | Path = ":memory:"):
        """Over the one database; given a path, over a database of its own (a command, a test)."""
        self.database = database if isinstance(database, Database) else Database(database)
        self.path = self.database.path
        self.db = self.database.db
        self.lock = self.database.lock  # threaded servers share the one connection
        # Every event reads its day: parsed days are kept, with the seq each write commits, and
        # dropped whenever another connection (a worker, a command) has committed anything.
        self._days: dict[str, dict] = {}
        self._version = None
        self._bumped: dict[str, int] = {}

    # -- days

    def create_day(self, title: str, date: str, authorities: list[str], script: str, clock: dict,
                   start_time: str | None, now: int) -> dict:
        with self.lock, self.db.atomic():
            row = {
                "id": secrets.token_hex(4),
                "title": title, "date": date, "start_time": start_time, "script": script,
                "authorities": json.dumps(authorities),
                "join_code": self.database.unique_code(),
                "facilitator_key": secrets.token_urlsafe(18),
                "projector_key": secrets.token_urlsafe(18),
                "clock": json.dumps(clock), "seq": 0, "created_ms": now,
            }
            self.db.table("days").insert(row)
        return _day(row)

    def day(self, day_id: str) -> dict | None:
        with self.lock:
            version = self.db.conn.execute("PRAGMA data_version").fetchone()[0]
            if version != self._version:
                self._days.clear()
                self._version = version
            day = self._days.get(day_id)
            if day is None:
                day = self._one("days", "id = ?", day_id)
                if day is None:
                    return None
                self._days[day_id] = day
            return _copy(day)

    @contextmanager
    def _writing(self, day_id: str, whole: bool = False):
        """A write transaction that bumps `day_id`'s seq; once committed, the kept copy of the day
        takes the new seq, or (`whole`: its clock or spotlight changed) is dropped."""
        with self.lock:
            self._bumped.clear()
            with self.db.atomic():
                yield
            if whole:
                self._days.pop(day_id, None)
            elif day_id in self._days and day_id in self._bumped:
                self._days[day_id]["seq"] = self._bumped[day_id]

    def delete_day(self, day_id: str) -> dict[str, int]:
        """The day and everything it holds, gone from the file (core.erase), and from what this
        process keeps; rows removed, by table. Other processes see the change and drop theirs."""
        try:
            return erase.erase(self.database, "day", day_id)
        finally:
            with self.lock:
                self._days.pop(day_id, None)

    def reduce_day(self, day_id: str, keep: dict[str, list[str]], reduced: dict, now: int) -> dict[str, int]:
        """The day reduced to the rows `keep` names (core.erase), with counts of what it held."""
        try:
            return erase.reduce_day(self.database, day_id, keep, json.dumps(reduced), now)
        finally:
            with self.lock:
                self._days.pop(day_id, None)

    def day_by_code(self, code: str) -> dict | None:
        return self._one("days", "join_code = ?", (code or "").strip().upper())

    def day_by_key(self, key: str) -> dict | None:
        return self._one("days", "facilitator_key = ?", key)

    def day_by_projector_key(self, key: str) -> dict | None:
        return self._one("days", "projector_key = ?", key)

    def set_spotlight(self, day_id: str, contribution_id: str | None) -> int:
        with self._writing(day_id, whole=True):
            self.db.execute("UPDATE days SET spotlight = ? WHERE id = ?", [contribution_id, day_id])
            return self._bump(day_id)

    def end_day(self, day_id: str, clock: dict, now: int) -> int:
        """Close the day at `now` with its clock stopped; a day closes once."""
        with self._writing(day_id, whole=True):
            self.db.execute("UPDATE days SET clock = ?, ended_ms = ? WHERE id = ? AND ended_ms IS NULL",
                            [json.dumps(clock), now, day_id])
            return self._bump(day_id)

    def save_reflections(self, day_id: str, reflections: dict) -> int:
        """Every session's reflection of the day, as one object (a few short texts per session)."""
        with self._writing(day_id, whole=True):
            self.db.execute("UPDATE days SET reflections = ? WHERE id = ?", [json.dumps(reflections), day_id])
            return self._bump(day_id)

    def days(self) -> list[dict]:
        with self.lock:
            return [_day(r) for r in self.db.table("days").rows_where(order_by="created_ms desc")]

    def _one(self, table: str, where: str, value) -> dict | None:
        rows = self._rows(f"SELECT * FROM {table} WHERE {where} LIMIT 1", [value])
        if not rows:
            return None
        return _day(rows[0]) if table == "days" else rows[0]

    def _rows(self, sql: str, args: list) -> list[dict]:
        """A read on the hot path: straight to the connection, without sqlite-utils' savepoint
        around every query."""
        with self.lock:
            cursor = self.db.conn.execute(sql, args)
            keys = [d[0] for d in cursor.description]
            return [dict(zip(keys, row)) for row in cursor.fetchall()]

    def save_clock(self, day_id: str, clock: dict) -> int:
        with self._writing(day_id, whole=True):
            self.db.execute("UPDATE days SET clock = ? WHERE id = ?", [json.dumps(clock), day_id])
            return self._bump(day_id)

    def _bump(self, day_id: str) -> int:
        seq = self.db.execute("UPDATE days SET seq = seq + 1 WHERE id = ? RETURNING seq", [day_id]).fetchone()[0]
        self._bumped[day_id] = seq
        return seq

    # -- participants

    def add_participant(self, day_id: str, name: str, authority: str, now: int) -> dict:
        row = {"id": secrets.token_hex(8), "day_id": day_id, "name": name, "authority": authority,
               "token": secrets.token_urlsafe(18), "created_ms": now}
        with self.lock, self.db.atomic():
            self.db.table("participants").insert(row)
        return row

    def participant(self, participant_id: str) -> dict | None:
        return self._one("participants", "id = ?", participant_id)

    def participant_by_token(self, token: str) -> dict | None:
        return self._one("participants", "token = ?", token)

    def participants(self, day_id: str) -> list[dict]:
        with self.lock:
            return list(self.db.table("participants").rows_where("day_id = ?", [day_id], order_by="created_ms"))

    def forget_names(self, day_id: str) -> int:
        """Replace the display names of a day's participants; their authority stays, for the record.

        Raises StoreError if the old names could not yet be cleared from the log (run it again).
        """
        with self.lock, self.db.atomic():
            ids = [r["id"] for r in self.db.table("participants").rows_where("day_id = ?", [day_id], order_by="rowid")]
            for n, participant_id in enumerate(ids, start=1):
                self.db.table("participants").update(participant_id, {"name": f"Participant {n}"})
        if not self.database.scrub(tries=5):
            raise StoreError(f"{self.path}: the names are replaced, but another program reading the database kept "
                             f"their old copy in its log: run forget-names again in a moment")
        return len(ids)

    # -- contributions

    def add_contribution(self, day_id: str, row: dict) -> tuple[dict, int | None]:
        """Store a contribution once; a repeat of its id returns the stored one and no seq."""
        try:
            with self._writing(day_id):
                seq = self._bump(day_id)
                stored = {**row, "day_id": day_id, "seq": seq}
                self._insert("contributions", stored)
        except sqlite3.IntegrityError:  # rolled back, seq and all; a repeat is rare, so asked after
            existing = self.contribution(row["id"])
            if existing is None:
                raise
            return existing, None
        return {**stored, "votes": 0}, seq  # every column, as a read would give it: no read needed

    def update_contribution(self, day_id: str, contribution_id: str, changes: dict) -> tuple[dict, int]:
        with self._writing(day_id):
            seq = self._bump(day_id)
            changes = {**changes, "seq": seq}
            self.db.execute(f"UPDATE contributions SET {', '.join(f'[{k}] = ?' for k in changes)} WHERE id = ?",
                            [*changes.values(), contribution_id])
        return self.contribution(contribution_id), seq

    def _insert(self, table: str, row: dict) -> None:
        """A plain INSERT: the hot path skips sqlite-utils' look-ups of the schema on every call."""
        self.db.execute(f"INSERT INTO {table} ({', '.join(f'[{k}]' for k in row)}) "
                        f"VALUES ({', '.join('?' * len(row))})", list(row.values()))

    def move_votes(self, source_id: str, target_id: str) -> None:
        """Votes for a duplicate count for the contribution it is merged into."""
        with self.lock, self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO votes (contribution_id, participant_id) "
                "SELECT ?, participant_id FROM votes WHERE contribution_id = ?", [target_id, source_id])

    def set_vote(self, day_id: str, contribution_id: str, participant_id: str, on: bool) -> tuple[dict, int]:
        with self._writing(day_id):
            if on:
                self.db.execute("INSERT OR IGNORE INTO votes (contribution_id, participant_id) VALUES (?, ?)",
                                [contribution_id, participant_id])
            else:
                self.db.execute("DELETE FROM votes WHERE contribution_id = ? AND participant_id = ?",
                                [contribution_id, participant_id])
            seq = self._bump(day_id)
            self.db.execute("UPDATE contributions SET seq = ? WHERE id = ?", [seq, contribution_id])
        if not on:
            self.database.scrub()
        return self.contribution(contribution_id), seq

    def contribution(self, contribution_id: str) -> dict | None:
        rows = self._contributions("c.id = ?", [contribution_id])
        return rows[0] if rows else None

    def contributions(self, day_id: str, with_held: bool = False) -> list[dict]:
        """A day's contributions. Those held back for a child's details (and those removed for
        them) are left out unless asked for: only the screens of the facilitator and the sender
        show them, so no summary, export or follow-up can read one by mistake."""
        return self._contributions("c.day_id = ?" + ("" if with_held else f" AND {RELEASED}"), [day_id])

    def session_rows(self, day_id: str, session: int | None, kinds: list[str]) -> list[dict]:
        """One session's contributions of the given kinds, by index: what the question queue needs."""
        marks = ", ".join("?" * len(kinds))
        return self._contributions(f"c.day_id = ? AND c.session IS ? AND c.kind IN ({marks}) AND {RELEASED}",
                                   [day_id, session, *kinds])

    def remove_contribution(self, day_id: str, contribution_id: str, now: int) -> tuple[dict, int]:
        """Wipe a held contribution's words and its votes, keeping its id (so each screen that
        holds it is told it went) and what it seemed to hold; then empty the log of its old copy."""
        with self._writing(day_id):
            self.db.execute("DELETE FROM votes WHERE contribution_id = ?", [contribution_id])
            seq = self._bump(day_id)
            self.db.execute("UPDATE contributions SET text = '', category = NULL, hidden = 1, starred = 0, "
                            "removed_ms = ?, updated_ms = ?, seq = ? WHERE id = ?", [now, now, seq, contribution_id])
        self.database.scrub()
        return self.contribution(contribution_id), seq

    def changed_since(self, day_id: str, seq: int, limit: int) -> list[dict]:
        """The contributions changed after `seq`, at most `limit` + 1 of them (so a caller can tell
        when there are more than it wants)."""
        return self._contributions("c.day_id = ? AND c.seq > ?", [day_id, seq], limit + 1)

    def authored(self, participant_id: str) -> list[str]:
        with self.lock:
            return [r[0] for r in self.db.execute(
                "SELECT id FROM contributions WHERE author_id = ? ORDER BY rowid", [participant_id]).fetchall()]

    def _contributions(self, where: str, args: list, limit: int | None = None) -> list[dict]:
        sql = (
            "SELECT c.*, (SELECT count(*) FROM votes v WHERE v.contribution_id = c.id) AS votes "
            f"FROM contributions c WHERE {where} ORDER BY c.rowid"  # arrival order, even within one millisecond
            + (f" LIMIT {int(limit)}" if limit is not None else "")
        )
        return self._rows(sql, args)

    def votes_by(self, participant_id: str) -> list[str]:
        with self.lock:
            return [r["contribution_id"] for r in self.db.query(
                "SELECT contribution_id FROM votes WHERE participant_id = ?", [participant_id])]


    # -- serious concerns: no seq, being no change to what the room sees (they never reach it)

    def add_concern(self, row: dict) -> tuple[dict, bool]:
        """Store a concern once under its device-made id: (as stored, whether it is new)."""
        try:
            with self.lock, self.db.atomic():
                self._insert("day_concerns", row)
        except sqlite3.IntegrityError:
            existing = self._rows("SELECT * FROM day_concerns WHERE id = ?", [row["id"]])
            if not existing:
                raise
            return existing[0], False
        return dict(row), True

    def concerns(self, day_id: str) -> list[dict]:
        return self._rows("SELECT * FROM day_concerns WHERE day_id = ? ORDER BY rowid", [day_id])

    def concern(self, day_id: str, concern_id: str) -> dict | None:
        rows = self._rows("SELECT * FROM day_concerns WHERE id = ? AND day_id = ?", [concern_id, day_id])
        return rows[0] if rows else None

    def update_concern(self, day_id: str, concern_id: str, changes: dict) -> dict:
        with self.lock, self.db.atomic():
            self.db.execute(f"UPDATE day_concerns SET {', '.join(f'[{k}] = ?' for k in changes)} "
                            "WHERE id = ? AND day_id = ?", [*changes.values(), concern_id, day_id])
        return self.concern(day_id, concern_id)


def _copy(day: dict) -> dict:
    """A day its caller may change, as a freshly read one: the kept copy stays as committed."""
    clock = dict(day["clock"])
    if "history" in clock:
        clock["history"] = {k: dict(v) for k, v in clock["history"].items()}
    reflections = {k: dict(v) for k, v in day["reflections"].items()}
    return {**day, "authorities": list(day["authorities"]), "clock": clock, "reflections": reflections}


def _day(row: dict) -> dict:
    return {**row, "authorities": json.loads(row["authorities"]), "clock": json.loads(row["clock"]),
            "ended_ms": row.get("ended_ms"), "reflections": json.loads(row.get("reflections") or "{}"),
            "reduced": json.loads(row["reduced"]) if row.get("reduced") else None}
