"""The follow-up tables: hosts' responses, reviews of impact, outcomes of asks and offers, and the
facilitator's decisions on suggested matches.

They live in the day's database (their migrations are core/migrations/followup.py) and share its
connection and lock, as the reports tables do.
"""

from __future__ import annotations

import secrets

from ..core.database import Database

MATCH_DECISIONS = ("confirmed", "rejected")


class Records:
    """Reads and writes the follow-up tables over the day's database."""

    def __init__(self, database: Database):
        self.database = database
        self.db = database.db

    # -- responses

    def responses(self, day_id: str | None = None, authority: str | None = None) -> list[dict]:
        where, args = [], []
        if day_id:
            where.append("day_id = ?"), args.append(day_id)
        if authority:
            where.append("authority = ?"), args.append(authority)
        sql = ("SELECT id, day_id, authority, markdown, file_name, file_type, file_size, public, created_ms, "
               "updated_ms FROM fu_responses" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY created_ms, rowid")
        with self.database.lock:
            return [dict(r) for r in self.db.query(sql, args)]

    def response_file(self, response_id: str) -> dict | None:
        with self.database.lock:
            rows = list(self.db.table("fu_responses").rows_where("id = ?", [response_id], limit=1))
        return rows[0] if rows else None

    def add_response(self, day_id: str, authority: str, now: int, markdown: str | None = None,
                     file: dict | None = None, public: bool = False) -> dict:
        """One response, written or uploaded (file: name, type, data); stored in one step or not at all."""
        row = {"id": secrets.token_hex(6), "day_id": day_id, "authority": authority, "markdown": markdown,
               "file_name": None, "file_type": None, "file_data": None, "file_size": None,
               "public": int(public), "created_ms": now, "updated_ms": now}
        if file:
            row.update(file_name=file["name"], file_type=file["type"], file_data=file["data"],
                       file_size=len(file["data"]))
        with self.database.lock, self.db.atomic():
            self.db.table("fu_responses").insert(row)
        return {k: v for k, v in row.items() if k != "file_data"}

    def set_public(self, response_id: str, public: bool, now: int) -> None:
        with self.database.lock, self.db.atomic():
            self.db.table("fu_responses").update(response_id, {"public": int(public), "updated_ms": now})

    def remove_response(self, response_id: str) -> None:
        with self.database.lock, self.db.atomic():
            self.db.execute("DELETE FROM fu_responses WHERE id = ?", [response_id])

    # -- reviews of impact

    def impact(self, day_id: str, authority: str) -> dict | None:
        with self.database.lock:
            rows = list(self.db.table("fu_impact").rows_where(
                "day_id = ? AND authority = ?", [day_id, authority], limit=1))
        return rows[0] if rows else None

    def impacts(self) -> dict[tuple[str, str], dict]:
        with self.database.lock:
            return {(r["day_id"], r["authority"]): r for r in self.db.table("fu_impact").rows}

    def save_impact(self, day_id: str, authority: str, progress: str, evidence: str, outcomes: list[dict],
                    submit: bool, now: int) -> None:
        """The review and every outcome it records move together: all saved or none."""
        with self.database.lock, self.db.atomic():
            old = self.impact(day_id, authority)
            submitted = now if submit else (old or {}).get("submitted_ms")
            self.db.table("fu_impact").upsert(
                {"day_id": day_id, "authority": authority, "progress": progress, "evidence": evidence,
                 "submitted_ms": submitted, "updated_ms": now}, pk=("day_id", "authority"))
            for o in outcomes:
                self._outcome(o, day_id, authority, now)

    def save_plan(self, day_id: str, authority: str, plan: str, planned_for: str | None, now: int) -> None:
        """The host's choice of when (or whether) to hold its review of impact; its answers stay as they are."""
        with self.database.lock, self.db.atomic():
            self.db.table("fu_impact").upsert(
                {"day_id": day_id, "authority": authority, "plan": plan or None, "planned_for": planned_for,
                 "planned_ms": now}, pk=("day_id", "authority"))

    def _outcome(self, o: dict, day_id: str, authority: str, now: int) -> None:
        table = self.db.table("fu_outcomes")
        old = next(iter(table.rows_where("item_id = ?", [o["item_id"]], limit=1)), None)
        same = old and all(old.get(k) == o.get(k) for k in ("status", "by_authority", "offer_id", "evidence"))
        # A status keeps the time it was first recorded, so the ledger says when it really changed.
        table.upsert({"item_id": o["item_id"], "day_id": day_id, "authority": authority, "role": o["role"],
                      "status": o["status"], "by_authority": o.get("by_authority"), "offer_id": o.get("offer_id"),
                      "evidence": o.get("evidence"),
                      "decided_ms": old["decided_ms"] if same else now}, pk="item_id")

    def outcomes(self) -> dict[str, dict]:
        with self.database.lock:
            return {r["item_id"]: r for r in self.db.table("fu_outcomes").rows}

    # -- match decisions

    def decide_match(self, ask_id: str, offer_id: str, decision: str, score: float | None, now: int) -> None:
        if decision not in MATCH_DECISIONS:
            raise ValueError(f"decision must be one of {', '.join(MATCH_DECISIONS)}")
        with self.database.lock, self.db.atomic():
            self.db.table("fu_matches").upsert({"ask_id": ask_id, "offer_id": offer_id, "decision": decision,
                                                "score": score, "decided_ms": now}, pk=("ask_id", "offer_id"))

    def matches(self) -> dict[tuple[str, str], dict]:
        with self.database.lock:
            return {(r["ask_id"], r["offer_id"]): r for r in self.db.table("fu_matches").rows}
