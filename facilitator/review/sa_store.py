"""The self-assessments' table (core/migrations/review.py), asked by name: one row per host,
a day's authority or a review's host, keyed by (owner kind, owner id, authority)."""

from __future__ import annotations

from ..live.store import Store
from .tables import Tables, only

DAY, REVIEW = "day", "review"
JSON_COLUMNS = {"self_assessments": {"part_a", "ratings", "strengths", "weaknesses", "risks", "data", "answers"}}
WRITTEN = {"template", "scope", "part_a", "ratings", "strengths", "weaknesses", "enablers", "blockers", "enquiry",
           "risks", "signed_name", "signed_position", "signed_date", "signed_ms", "updated_ms"}
SIGNED = {"signed_name", "signed_position", "signed_date", "signed_ms"}
DOCUMENT = {"file_name", "file_type", "file_size", "file_data", "updated_ms", "signed_ms"}
DATA = {"data_name", "data"}
ANSWERS = {"answers", "reviewed_ms"}
LISTED = "owner_kind, owner_id, authority, template, scope, signed_ms, file_name, file_size, data_name, updated_ms"


class SelfAssessments(Tables):
    """Self-assessments over a day store's connection and lock."""

    json_columns = JSON_COLUMNS

    def __init__(self, store: Store):
        self.db = store.db
        self.lock = store.lock

    def self_assessment(self, kind: str, owner_id: str, authority: str) -> dict | None:
        """One host's self-assessment, its uploaded document's bytes left out (see `sa_document`)."""
        with self.lock:
            cursor = self.db.conn.execute(
                "SELECT * FROM self_assessments WHERE owner_kind = ? AND owner_id = ? AND authority = ?",
                [kind, str(owner_id), str(authority)])
            keys = [d[0] for d in cursor.description]
            row = cursor.fetchone()
        if row is None:
            return None
        found = self._decode("self_assessments", dict(zip(keys, row)))
        found.pop("file_data")
        return found

    def self_assessments(self, kind: str, owner_id: str) -> list[dict]:
        """An owner's self-assessments in brief (no text, no document), by authority."""
        with self.lock:
            cursor = self.db.conn.execute(f"SELECT {LISTED} FROM self_assessments WHERE owner_kind = ? AND "
                                          "owner_id = ? ORDER BY authority", [kind, str(owner_id)])
            keys = [d[0] for d in cursor.description]
            return [dict(zip(keys, row)) for row in cursor.fetchall()]

    def sa_document(self, kind: str, owner_id: str, authority: str) -> dict | None:
        """The uploaded document: {file_name, file_type, file_data}, or None."""
        with self.lock:
            row = self.db.conn.execute(
                "SELECT file_name, file_type, file_data FROM self_assessments WHERE owner_kind = ? AND owner_id = ? "
                "AND authority = ? AND file_data IS NOT NULL", [kind, str(owner_id), str(authority)]).fetchone()
        return dict(zip(("file_name", "file_type", "file_data"), row)) if row else None

    def save_self_assessment(self, kind: str, owner_id: str, authority: str, changes: dict) -> dict:
        """Write what the host wrote or signed (WRITTEN columns); the row is made on the first write."""
        return self._upsert(kind, owner_id, authority, only(changes, WRITTEN))

    def save_sa_document(self, kind: str, owner_id: str, authority: str, changes: dict) -> dict:
        """Keep an uploaded self-assessment document, which replaces any before it."""
        return self._upsert(kind, owner_id, authority, only(changes, DOCUMENT))

    def save_sa_data(self, kind: str, owner_id: str, authority: str, changes: dict) -> dict:
        """Keep the host's data profile: its file's name and its table (header and rows)."""
        return self._upsert(kind, owner_id, authority, only(changes, DATA))

    def save_sa_answers(self, kind: str, owner_id: str, authority: str, changes: dict) -> dict:
        """The reviewer's answers to the template's questions, with when they were given."""
        return self._upsert(kind, owner_id, authority, only(changes, ANSWERS))

    def _upsert(self, kind: str, owner_id: str, authority: str, changes: dict) -> dict:
        cells = self._encode("self_assessments", changes)
        columns = ["owner_kind", "owner_id", "authority", *cells]
        update = ", ".join(f"[{k}] = excluded.[{k}]" for k in cells)
        with self._writing():
            stored = self._returned(
                "self_assessments",
                f"INSERT INTO self_assessments ({', '.join(f'[{k}]' for k in columns)}) "
                f"VALUES ({', '.join('?' * len(columns))}) ON CONFLICT (owner_kind, owner_id, authority) "
                f"DO UPDATE SET {update} RETURNING *", [kind, str(owner_id), str(authority), *cells.values()])
        stored.pop("file_data")
        return stored
