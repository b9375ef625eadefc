"""The region's ledger: every agreed ask and offer across all days and reviews, and what became of it.

An ask is open, matched (the facilitator confirmed an offer for it), or answered (its host's review
of impact says so, and by whom). An offer is open, matched, or taken up (by another authority, as
its host or the authority that took it up says). Each status carries when it was reached. Agreed
actions of a review carry not started, in progress or done.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date as Date

from ..writeup.document import iso
from . import matching
from .sources import Item

LEDGER_STATUSES = ("open", "matched", "answered", "taken up")
KINDS = {"ask": "Ask", "offer": "Offer", "action": "Action"}
SOURCES = {"day": "Triad day", "review": "Review"}
# The spreadsheet's columns as a reader names them: who, what, where it stands, where it came from;
# the reference last, for anyone who needs to find the row again in the JSON.
CSV_COLUMNS = (("Authority", "authority"), ("Kind", "kind"), ("What was agreed", "text"), ("Status", "status"),
               ("Since", "since"), ("With", "with_authority"), ("Their ask or offer", "with_text"),
               ("Evidence", "evidence"), ("Suggested offers", "suggested"), ("Owner", "owner"), ("Due by", "due"),
               ("Agreed at", "title"),
               ("Held as", "source"), ("Date of the day", "date"), ("Agreed on", "agreed_on"), ("Reference", "id"))


def build(items: list[Item], outcomes: dict, matches: dict, suggest: bool = True) -> list[dict]:
    """One row per item with its status, when it was reached, the other party, and suggestions."""
    by_id = {i.id: i for i in items}
    asks = [i for i in items if i.role == "ask"]
    offers = [i for i in items if i.role == "offer"]
    rejected = {k for k, m in matches.items() if m["decision"] == "rejected"}
    confirmed = {k: m for k, m in matches.items() if m["decision"] == "confirmed" and k[0] in by_id and k[1] in by_id}
    suggestions = matching.suggest(asks, offers, rejected | set(confirmed)) if suggest else {}
    # An ask answered with a named offer also marks that offer taken up, by the asking authority.
    taken_via_ask = {o["offer_id"]: (o, by_id[o["item_id"]]) for o in outcomes.values()
                     if o["role"] == "ask" and o["status"] == "answered" and o.get("offer_id") and o["item_id"] in by_id}
    rows = []
    for item in items:
        row = {"id": item.id, "role": item.role, "authority": item.authority, "text": item.text,
               "source": item.source, "ref": item.ref, "title": item.title, "date": item.date,
               "agreed_on": item.agreed_on, "status": "open", "since": item.agreed_on, "with_authority": None,
               "with_text": None, "evidence": None, "confirmed": [], "suggestions": [],
               "owner": item.extra.get("owner") or "", "due": item.extra.get("due") or ""}
        mine = [(k, m) for k, m in confirmed.items() if item.id in k]
        for (ask_id, offer_id), m in sorted(mine, key=lambda km: km[1]["decided_ms"]):
            other = by_id[offer_id if item.role == "ask" else ask_id]
            row["confirmed"].append({"id": other.id, "authority": other.authority, "text": other.text})
            if row["status"] == "open":
                row.update(status="matched", since=iso(m["decided_ms"]), with_authority=other.authority,
                           with_text=other.text)
        outcome = outcomes.get(item.id)
        if item.role == "ask" and outcome and outcome["status"] == "answered":
            offer = by_id.get(outcome.get("offer_id") or "")
            row.update(status="answered", since=iso(outcome["decided_ms"]), with_authority=outcome["by_authority"],
                       with_text=offer.text if offer else None, evidence=outcome.get("evidence"))
        elif item.role == "offer" and outcome and outcome["status"] == "taken up":
            row.update(status="taken up", since=iso(outcome["decided_ms"]), with_authority=outcome["by_authority"],
                       evidence=outcome.get("evidence"))
        elif item.role == "offer" and item.id in taken_via_ask:
            o, ask = taken_via_ask[item.id]
            row.update(status="taken up", since=iso(o["decided_ms"]), with_authority=ask.authority,
                       with_text=ask.text, evidence=o.get("evidence"))
        elif item.role == "action":
            row.update(status=outcome["status"] if outcome else "not started",
                       since=iso(outcome["decided_ms"]) if outcome else item.agreed_on,
                       evidence=outcome.get("evidence") if outcome else None)
        if item.role == "ask" and row["status"] == "open":
            row["suggestions"] = [{"id": s.offer_id, "authority": by_id[s.offer_id].authority,
                                   "text": by_id[s.offer_id].text, "score": s.score, "likelihood": s.likelihood}
                                  for s in suggestions.get(item.id, [])]
        rows.append(row)
    return sorted(rows, key=lambda r: (r["date"], r["title"], r["authority"], r["role"]))


def counts(rows: list[dict]) -> dict:
    out = {}
    for r in rows:
        out.setdefault(r["role"], {}).setdefault(r["status"], 0)
        out[r["role"]][r["status"]] += 1
    return out


def spoken_date(value: str | None) -> str:
    """'2026-11-22' or an ISO time -> '22 November 2026', as a reader says it (and Excel reads it)."""
    return f"{Date.fromisoformat(value[:10]):%-d %B %Y}" if value else ""


def readable(row: dict) -> dict:
    """A ledger row in a reader's words: kinds and sources named, dates spoken, suggestions worded."""
    return {**row, "kind": KINDS.get(row["role"], row["role"]), "source": SOURCES.get(row["source"], row["source"]),
            "date": spoken_date(row["date"]), "agreed_on": spoken_date(row["agreed_on"]),
            "since": spoken_date(row["since"]), "due": spoken_date(row.get("due")),
            "suggested": "; ".join(f"{s['likelihood']}: {s['authority']}, {s['text']}" for s in row["suggestions"])}


def to_csv(rows: list[dict]) -> str:
    """For Excel: a byte-order mark so it reads UTF-8, headers in words, and no cell that a spreadsheet would run."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for header, _ in CSV_COLUMNS])
    for r in map(readable, rows):
        writer.writerow([_cell(r.get(key)) for _, key in CSV_COLUMNS])
    return out.getvalue()


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_json(rows: list[dict], now: int) -> str:
    return json.dumps({"format": "facilitator-ledger", "version": 1, "exported_at": iso(now),
                       "counts": counts(rows), "items": rows}, indent=2, ensure_ascii=False) + "\n"
