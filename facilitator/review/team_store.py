"""The review team's rows (core/migrations/review.py, m009): the members invited by name, the host
DCS's decision on each and their declared conflicts, and the responsibilities per role and day.

A member who joined with the review's code has a row too, with no name: the team's notebook
files notes under the role either way.
"""

from __future__ import annotations

import secrets

from ..live.store import Store
from .tables import Tables, only

DECISION = {"host_decision", "host_note", "decided_ms"}
DECLARED = {"conflicts", "declared_ms"}
DUTY = ("focus", "line_id", "morning", "afternoon", "notes")
INVITED = "review_id = ? AND name IS NOT NULL AND withdrawn_ms IS NULL"


def new_member(review_id: str, role: str, now: int) -> dict:
    """A member's row: its own id and the token of its own link."""
    return {"id": secrets.token_hex(8), "review_id": review_id, "role": role, "token": secrets.token_urlsafe(18),
            "created_ms": now}


class Team(Tables):
    """The team's tables over a day store's connection and lock; every write moves the review's seq."""

    def __init__(self, store: Store):
        self.db = store.db
        self.lock = store.lock

    def invited(self, review_id: str) -> list[dict]:
        """The members invited by name and not withdrawn, in the order they were invited."""
        return self._rows("review_members", INVITED, [review_id], order_by="invited_ms, rowid")

    def invitee(self, review_id: str, member_id: str) -> dict | None:
        return self._one("review_members", f"id = ? AND {INVITED}", [str(member_id), review_id])

    def invite(self, review_id: str, role: str, name: str, now: int) -> dict:
        row = {**new_member(review_id, role, now), "name": name, "invited_ms": now}
        with self._writing():
            stored = self._insert("review_members", row)
            self._bump(review_id)
            return stored

    def withdraw(self, review_id: str, member_id: str, now: int) -> dict:
        """The invitation withdrawn: a fresh token nobody holds, so the old link and cookie open nothing."""
        with self._writing():
            stored = self._set("review_members", review_id, member_id,
                               {"withdrawn_ms": now, "token": secrets.token_urlsafe(18)},
                               {"withdrawn_ms", "token"}, "team member")
            self._bump(review_id)
            return stored

    def opened(self, member: dict, now: int) -> None:
        """The first time a member opens their own link."""
        if member.get("opened_ms") is None:
            with self._writing():
                self.db.conn.execute("UPDATE review_members SET opened_ms = ? WHERE id = ? AND opened_ms IS NULL",
                                     [now, member["id"]])

    def decide(self, review_id: str, member_id: str, changes: dict) -> dict:
        with self._writing():
            stored = self._set("review_members", review_id, member_id, only(changes, DECISION), DECISION, "team member")
            self._bump(review_id)
            return stored

    def declare(self, review_id: str, member_id: str, changes: dict) -> dict:
        with self._writing():
            stored = self._set("review_members", review_id, member_id, only(changes, DECLARED), DECLARED, "team member")
            self._bump(review_id)
            return stored

    # -- agreed responsibilities during the visit

    def duties(self, review_id: str) -> dict[tuple[str, int], dict]:
        """The grid's cells as stored, by (role, day)."""
        return {(r["role"], r["day"]): r for r in self._rows("review_duties", "review_id = ?", [review_id])}

    def save_duties(self, review_id: str, rows: list[dict], now: int) -> int:
        """One day's grid (or more), each row (role, day and its cells), in one transaction."""
        with self._writing():
            for row in rows:
                cells = {k: row[k] for k in DUTY}
                self.db.conn.execute(
                    f"INSERT INTO review_duties (review_id, role, day, {', '.join(DUTY)}, updated_ms) "
                    f"VALUES (?, ?, ?, {', '.join('?' * len(DUTY))}, ?) ON CONFLICT (review_id, role, day) DO UPDATE SET "
                    + ", ".join(f"{k} = excluded.{k}" for k in (*DUTY, "updated_ms")),
                    [review_id, row["role"], row["day"], *cells.values(), now])
            return self._bump(review_id)
