"""What is written after the session: summaries, hosts' review keys, agreements and case studies.

These tables live in the day's database (their migrations are core/migrations/writeup.py) and
share its connection and lock.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from ..core.database import Database

STATUSES = ("agreed", "edited", "declined")
CASE_FIELDS = ("title", "authority", "theme", "summary", "context", "actions", "impact", "sustained",
               "lessons", "reuse", "contact_role")


def iso_date(ms: int) -> str:
    """The date in the server's local time, as the host saw it: 00:30 BST is not yesterday."""
    return datetime.fromtimestamp(ms / 1000).date().isoformat()


class Reports:
    """Reads and writes the after-the-session tables over the day's database."""

    def __init__(self, database: Database):
        self.database = database
        self.db = database.db

    # -- summaries

    def summaries(self, day_id: str) -> dict[str, dict]:
        with self.database.lock:
            return {r["part"]: r for r in self.db.table("summaries").rows_where("day_id = ?", [day_id])}

    def save_summary(self, day_id: str, part: str, markdown: str, now: int) -> None:
        with self.database.lock, self.db.atomic():
            self.db.table("summaries").upsert(
                {"day_id": day_id, "part": part, "markdown": markdown, "updated_ms": now}, pk=("day_id", "part"))

    def discard_summary(self, day_id: str, part: str) -> None:
        """Forget an edited summary, so the part is drafted afresh from what was captured."""
        with self.database.lock, self.db.atomic():
            self.db.execute("DELETE FROM summaries WHERE day_id = ? AND part = ?", [day_id, part])
        self.database.scrub()  # the discarded text leaves no copy in the log

    # -- review keys: one secret link per authority of a day

    def review_key(self, day_id: str, authority: str, now: int) -> str:
        with self.database.lock, self.db.atomic():
            rows = list(self.db.table("review_keys").rows_where(
                "day_id = ? AND authority = ?", [day_id, authority], limit=1))
            if rows:
                return rows[0]["key"]
            key = secrets.token_urlsafe(18)
            self.db.table("review_keys").insert(
                {"day_id": day_id, "authority": authority, "key": key, "created_ms": now})
            return key

    def by_review_key(self, key: str) -> dict | None:
        with self.database.lock:
            rows = list(self.db.table("review_keys").rows_where("key = ?", [str(key)], limit=1))
        return rows[0] if rows else None

    # -- case studies

    def case_studies(self, day_id: str) -> list[dict]:
        with self.database.lock:
            return list(self.db.table("case_studies").rows_where("day_id = ?", [day_id], order_by="created_ms, id"))

    def case_study(self, case_id: str) -> dict | None:
        with self.database.lock:
            rows = list(self.db.table("case_studies").rows_where("id = ?", [case_id], limit=1))
        return rows[0] if rows else None

    def add_case_studies(self, day_id: str, drafts: list[dict], now: int) -> int:
        """Store drafts whose source has none yet; return how many were new."""
        added = 0
        with self.database.lock, self.db.atomic():
            for draft in drafts:
                if draft.get("source_id") and self.db.table("case_studies").count_where(
                        "source_id = ?", [draft["source_id"]]):
                    continue
                row = {f: draft.get(f) or "" for f in CASE_FIELDS}
                self.db.table("case_studies").insert(
                    {**row, "id": draft.get("id") or secrets.token_hex(6), "day_id": day_id, "source_id": draft.get("source_id"),
                     "created_ms": now, "updated_ms": now})
                added += 1
        return added

    def update_case_study(self, case_id: str, fields: dict, now: int, by_role: str) -> dict:
        """Change a case study; a facilitator's change asks the host to agree it again."""
        changes = {f: fields[f] for f in CASE_FIELDS if f in fields and f != "authority"}
        with self.database.lock, self.db.atomic():
            self.db.table("case_studies").update(case_id, {**changes, "updated_ms": now})
            if by_role == "facilitator":
                self.db.execute("DELETE FROM agreements WHERE subject_id = ?", [case_id])
        return self.case_study(case_id)

    # -- agreements

    def agreements(self, day_id: str) -> dict[str, dict]:
        with self.database.lock:
            return {r["subject_id"]: r for r in self.db.table("agreements").rows_where("day_id = ?", [day_id])}

    def decide(self, day_id: str, subject_id: str, subject: str, authority: str, status: str, text: str | None,
               by_role: str, now: int) -> dict:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        row = {"day_id": day_id, "subject_id": subject_id, "subject": subject, "authority": authority,
               "status": status, "text": text, "by_role": by_role, "decided_ms": now, "decided_on": iso_date(now)}
        with self.database.lock, self.db.atomic():
            self.db.table("agreements").upsert(row, pk=("day_id", "subject_id"))
        return row
