"""The off-site preparation's tables, asked and told by name: the survey's own link and whether
it is open, its anonymous answers and free text, and the team's mapped cases.

Nothing here bumps the review's seq: no live page shows the preparation.
"""

from __future__ import annotations

import secrets

from ..live.store import Store
from .tables import Tables

JSON_COLUMNS = {"review_offsite_answers": {"answers"}, "review_offsite_cases": {"fields"}}
HELD_TABLES = {"text": "review_offsite_texts", "case": "review_offsite_cases"}


class OffsiteStore(Tables):
    """Over a day store's connection and lock, like the ReviewStore beside it."""

    json_columns = JSON_COLUMNS

    def __init__(self, store: Store):
        self.store = store
        self.db = store.db
        self.lock = store.lock

    # -- the survey's link

    def survey_state(self, review_id: str) -> dict | None:
        """The survey's key and when it was opened and closed, or None before it is first opened."""
        return self._one("review_offsite", "review_id = ?", [review_id])

    def survey_by_key(self, key: str) -> dict | None:
        return self._one("review_offsite", "survey_key = ?", [str(key)])

    def open_survey(self, review_id: str, now: int) -> dict:
        """Open the survey (made with its own unguessable key on first opening; reopened as it was)."""
        with self._writing():
            return self._returned(
                "review_offsite",
                "INSERT INTO review_offsite (review_id, survey_key, opened_ms) VALUES (?, ?, ?) "
                "ON CONFLICT (review_id) DO UPDATE SET closed_ms = NULL RETURNING *",
                [review_id, secrets.token_urlsafe(18), now])

    def close_survey(self, review_id: str, now: int) -> dict | None:
        with self._writing():
            return self._returned("review_offsite", "UPDATE review_offsite SET closed_ms = ? WHERE review_id = ? "
                                                    "RETURNING *", [now, review_id])

    # -- the answers

    def add_answer(self, row: dict, texts: list[dict]) -> bool:
        """Store an answer once under its one-time id, with its free text apart; False, writing
        nothing, when that id has been used already."""
        with self._writing():
            if self._insert("review_offsite_answers", row, once=True) is None:
                return False
            for text in texts:
                self._insert("review_offsite_texts", {**text, "id": secrets.token_hex(8), "review_id": row["review_id"]})
        return True

    def answer_used(self, answer_id: str) -> dict | None:
        """The review an answer id was used in, if it was."""
        return self._one("review_offsite_answers", "id = ?", [str(answer_id)])

    def answers(self, review_id: str) -> list[dict]:
        # By their random ids: the order of answering says nothing.
        return self._rows("review_offsite_answers", "review_id = ?", [review_id], order_by="id")

    def texts(self, review_id: str) -> list[dict]:
        """Every free-text answer, held or not, in no order of answering."""
        return self._rows("review_offsite_texts", "review_id = ?", [review_id], order_by="id")

    # -- the cases

    def add_case(self, row: dict) -> dict | None:
        """Store a case once under its device-made id: the case, or None if the id was used."""
        with self._writing():
            return self._insert("review_offsite_cases", row, once=True)

    def case_by_id(self, case_id: str) -> dict | None:
        return self._one("review_offsite_cases", "id = ?", [str(case_id)])

    def cases(self, review_id: str) -> list[dict]:
        return self._rows("review_offsite_cases", "review_id = ?", [review_id])

    # -- what is held for a child's details: the lead releases or removes it

    def release_held(self, review_id: str, kind: str, item_id: str) -> dict:
        with self._writing():
            return self._set(HELD_TABLES[kind], review_id, item_id, {"held": None}, {"held"}, "held answer")

    def remove_held(self, review_id: str, kind: str, item_id: str) -> bool:
        """Delete a held text or case for good, then empty the log of its words."""
        with self._writing():
            gone = self.db.conn.execute(f"DELETE FROM {HELD_TABLES[kind]} WHERE id = ? AND review_id = ? "
                                        "AND held IS NOT NULL", [str(item_id), review_id]).rowcount
        self.store.database.scrub()
        return bool(gone)
