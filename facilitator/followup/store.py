"""The follow-up tables: hosts' responses, reviews of impact, outcomes of asks and offers, and the
facilitator's decisions on suggested matches.

They live in the day's database (their migrations are core/migrations/followup.py) and share its
connection and lock, as the reports tables do.
"""

from __future__ import annotations

import json
import secrets

from ..core.database import Database

MATCH_DECISIONS = ("confirmed", "rejected")
# What the summit may decide on an item put to it, in the words its record prints.
SUMMIT_DECISIONS = {"approved": "Approved", "changed": "Approved with changes", "not_approved": "Not approved",
                    "deferred": "Deferred"}
SUMMIT_KINDS = {"plan": "The regional improvement plan", "support": "Support offer"}


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

    # -- the summit's agenda: the issues for collective action as the organiser words them, and
    # the improvement plan's items and support offers put to it, with its decisions

    def add_summit(self, title: str, held_on: str | None, day_ids: list[str], now: int) -> dict:
        row = {"id": secrets.token_hex(6), "title": title, "held_on": held_on, "day_ids": json.dumps(day_ids),
               "created_ms": now}
        with self.database.lock, self.db.atomic():
            self.db.table("fu_summits").insert(row)
        return self.summit(row["id"])

    def summit(self, summit_id: str) -> dict | None:
        with self.database.lock:
            rows = list(self.db.table("fu_summits").rows_where("id = ?", [summit_id], limit=1))
        return {**rows[0], "day_ids": json.loads(rows[0]["day_ids"])} if rows else None

    def summits(self) -> list[dict]:
        with self.database.lock:
            rows = list(self.db.table("fu_summits").rows_where(order_by="created_ms, rowid"))
        return [{**r, "day_ids": json.loads(r["day_ids"])} for r in rows]

    def issue_edits(self, summit_id: str) -> dict[str, dict]:
        with self.database.lock:
            return {r["key"]: r for r in self.db.table("fu_summit_issues").rows_where("summit_id = ?", [summit_id])}

    def edit_issue(self, summit_id: str, key: str, now: int, wording: str | None = None,
                   merged_into: str | None = None, dropped: bool = False) -> None:
        with self.database.lock, self.db.atomic():
            self.db.table("fu_summit_issues").upsert(
                {"summit_id": summit_id, "key": key, "wording": wording or None, "merged_into": merged_into,
                 "dropped": int(dropped), "updated_ms": now}, pk=("summit_id", "key"))

    def summit_items(self, summit_id: str) -> list[dict]:
        with self.database.lock:
            return [dict(r) for r in self.db.table("fu_summit_items").rows_where(
                "summit_id = ?", [summit_id], order_by="created_ms, rowid")]

    def add_summit_item(self, summit_id: str, kind: str, text: str, now: int, authority: str | None = None,
                        source_id: str | None = None) -> dict:
        if kind not in SUMMIT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(SUMMIT_KINDS)}")
        row = {"id": secrets.token_hex(6), "summit_id": summit_id, "kind": kind, "text": text,
               "authority": authority, "source_id": source_id, "decision": None, "change": None,
               "decided_on": None, "decided_ms": None, "created_ms": now}
        with self.database.lock, self.db.atomic():
            self.db.table("fu_summit_items").insert(row)
        return row

    def decide_summit_item(self, item_id: str, decision: str, change: str | None, decided_on: str, now: int) -> None:
        if decision not in SUMMIT_DECISIONS:
            raise ValueError(f"decision must be one of {', '.join(SUMMIT_DECISIONS)}")
        with self.database.lock, self.db.atomic():
            self.db.table("fu_summit_items").update(item_id, {
                "decision": decision, "change": change if decision == "changed" else None,
                "decided_on": decided_on, "decided_ms": now})

    def remove_summit_item(self, item_id: str) -> None:
        with self.database.lock, self.db.atomic():
            self.db.table("fu_summit_items").delete(item_id)
