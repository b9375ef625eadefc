"""The review's tables, in the day's database (their migrations are core/migrations/review.py).

Every read and write goes through the database's connection and lock. JSON columns hold short
lists (methods, evidence note ids); everything a person wrote is a plain text column.
"""

from __future__ import annotations

import json
import secrets

from ..core.database import CODE_ALPHABET
from ..live.store import Store

JSON_COLUMNS = {"reviews": {"clock", "themes"}, "review_lines": {"methods"}, "review_findings": {"evidence"},
                "review_actions": {"findings"}, "review_survey": {"answers"}}


def _decode(table: str, row: dict) -> dict:
    columns = JSON_COLUMNS.get(table, set())
    return {k: (json.loads(v) if k in columns and isinstance(v, str) else v) for k, v in row.items()}


def _encode(table: str, row: dict) -> dict:
    columns = JSON_COLUMNS.get(table, set())
    return {k: (json.dumps(v) if k in columns and not isinstance(v, str) else v) for k, v in row.items()}


class ReviewStore:
    """The review tables over a day store's connection."""

    def __init__(self, store: Store):
        self.store = store
        self.db = store.db
        self.lock = store.lock

    # -- generic rows

    def rows(self, table: str, where: str, args: list, order_by: str = "rowid") -> list[dict]:
        with self.lock:
            return [_decode(table, r) for r in self.db.table(table).rows_where(where, args, order_by=order_by)]

    def one(self, table: str, where: str, args: list) -> dict | None:
        found = self.rows(table, where, args)
        return found[0] if found else None

    def insert(self, table: str, row: dict, bump: str | None = None) -> int | None:
        with self.lock, self.db.atomic():
            self.db.table(table).insert(_encode(table, row))
            return self._bump(bump) if bump else None

    def update(self, table: str, pk, changes: dict, bump: str | None = None) -> int | None:
        with self.lock, self.db.atomic():
            self.db.table(table).update(pk, _encode(table, changes))
            return self._bump(bump) if bump else None

    def insert_once(self, table: str, row: dict, bump: str) -> tuple[dict, int | None]:
        """Store a row under its client-made id once; a repeat returns the stored row and no seq."""
        with self.lock, self.db.atomic():
            existing = self.one(table, "id = ?", [row["id"]])
            if existing is not None:
                return existing, None
            self.db.table(table).insert(_encode(table, row))
            seq = self._bump(bump)
        return self.one(table, "id = ?", [row["id"]]), seq

    def bump(self, review_id: str) -> int:
        with self.lock, self.db.atomic():
            return self._bump(review_id)

    def _bump(self, review_id: str) -> int:
        self.db.execute("UPDATE reviews SET seq = seq + 1 WHERE id = ?", [review_id])
        return self.db.execute("SELECT seq FROM reviews WHERE id = ?", [review_id]).fetchone()[0]

    # -- reviews

    def create_review(self, row: dict) -> dict:
        with self.lock, self.db.atomic():
            row = {**row, "id": secrets.token_hex(4), "lead_key": secrets.token_urlsafe(18),
                   "host_key": secrets.token_urlsafe(18), "join_code": self._unique_code(), "seq": 0}
            self.db.table("reviews").insert(_encode("reviews", row))
        return self.review(row["id"])

    def _unique_code(self) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
            taken = self.db.table("reviews").count_where("join_code = ?", [code])
            if not taken and not self.db.table("days").count_where("join_code = ?", [code]):
                return code

    def review(self, review_id: str) -> dict | None:
        return self.one("reviews", "id = ?", [str(review_id)])

    def review_by(self, column: str, value: str) -> dict | None:
        assert column in ("lead_key", "host_key", "join_code")
        return self.one("reviews", f"{column} = ?", [str(value)])

    # -- the team

    def add_member(self, review_id: str, role: str, now: int) -> dict:
        row = {"id": secrets.token_hex(8), "review_id": review_id, "role": role,
               "token": secrets.token_urlsafe(18), "created_ms": now}
        self.insert("review_members", row)
        return row

    def member_by_token(self, token: str) -> dict | None:
        return self.one("review_members", "token = ?", [str(token)])

    def members(self, review_id: str) -> list[dict]:
        return self.rows("review_members", "review_id = ?", [review_id])

    # -- per-review lists

    def lines(self, review_id: str) -> list[dict]:
        return self.rows("review_lines", "review_id = ?", [review_id], order_by="position")

    def notes(self, review_id: str) -> list[dict]:
        return self.rows("review_notes", "review_id = ? AND withdrawn_ms IS NULL", [review_id])

    def withdraw_note(self, note: dict, evidence: dict[str, list[str]], now: int) -> int:
        """Withdraw a note and take it out of the findings it was evidence for, in one transaction."""
        with self.lock, self.db.atomic():
            for finding_id, ids in evidence.items():
                self.db.table("review_findings").update(finding_id, {"evidence": json.dumps(ids)})
            self.db.table("review_notes").update(note["id"], {"withdrawn_ms": now})
            return self._bump(note["review_id"])

    def findings(self, review_id: str) -> list[dict]:
        return self.rows("review_findings", "review_id = ?", [review_id])

    def actions(self, review_id: str) -> list[dict]:
        return self.rows("review_actions", "review_id = ?", [review_id], order_by="position")

    def incidents(self, review_id: str) -> list[dict]:
        return self.rows("review_incidents", "review_id = ?", [review_id])

    def letter(self, review_id: str) -> dict | None:
        return self.one("review_letters", "review_id = ?", [review_id])

    def save_letter(self, review_id: str, changes: dict) -> dict:
        with self.lock, self.db.atomic():
            self.db.table("review_letters").upsert({"review_id": review_id, **changes}, pk="review_id")
        return self.letter(review_id)

    # -- the survey: whether a member answered, and the answers, never joined

    def answer_survey(self, review_id: str, member_id: str, answers: dict) -> bool:
        with self.lock, self.db.atomic():
            if self.db.table("review_survey_done").count_where(
                    "review_id = ? AND member_id = ?", [review_id, member_id]):
                return False
            self.db.table("review_survey_done").insert({"review_id": review_id, "member_id": member_id})
            self.db.table("review_survey").insert(
                {"id": secrets.token_hex(8), "review_id": review_id, "answers": json.dumps(answers)})
        return True

    def answered(self, review_id: str, member_id: str) -> bool:
        with self.lock:
            return bool(self.db.table("review_survey_done").count_where(
                "review_id = ? AND member_id = ?", [review_id, member_id]))

    def survey_answers(self, review_id: str) -> list[dict]:
        # Random order, so the order of answering says nothing about who answered.
        return [r["answers"] for r in self.rows("review_survey", "review_id = ?", [review_id], order_by="id")]
