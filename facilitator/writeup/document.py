"""A day's document: everything the exports print, gathered from the stores (formats.py writes it).

Non-attributable: authorities are named (an offer or ask once its host agreed it, an insight once
the authority that gave it agreed), participants never. An internal copy, asked for on purpose,
lists who attended, never who said what, and says so on its first line. The JSON's shape is
documented in docs/export-schema.json.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..core.scripts.day import Script
from . import casestudies, summary
from .casestudies import FIELD_LABELS

SUMMARY_FIELDS = ("part", "title", "edited", "updated_ms", "markdown")
SCHEMA = "https://facilitator.example/export-schema.json"
INTERNAL_NOTICE = "INTERNAL COPY: this copy lists who attended. Do not circulate it."
OPEN_NOTICE = "Non-attributable: authorities are named, participants never."


def iso(ms: int | None) -> str | None:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat(timespec="seconds") if ms else None


# -- the one document every format is written from

def case_studies(engine, reports, day: dict, rows: list[dict] | None = None) -> list[dict]:
    """The day's case studies as stored, then a draft for each starred strength or offer that has
    none yet: shown, not stored, for reading a page writes nothing."""
    script = engine.scripts[day["script"]]
    rows = engine.store.contributions(day["id"]) if rows is None else rows
    stored = reports.case_studies(day["id"])
    return stored + casestudies.unsaved(script, day["id"], rows, stored)


def keep_drafts(engine, reports, day: dict, now: int) -> int:
    """Store the drafts the pages have been showing, before a change that may name one of them
    (a host's decision, an edit) or that is the write-up's own (a summary saved)."""
    script = engine.scripts[day["script"]]
    return reports.add_case_studies(day["id"], casestudies.drafts(script, engine.store.contributions(day["id"])), now)


def gather(engine, reports, day: dict, now: int, internal: bool = False, kept=None) -> dict:
    """Read a day from the stores, writing nothing; `now` is the time the document is dated,
    `kept` (followup.retention.Kept) how long the day is kept and what then, for the copy to say."""
    script = engine.scripts[day["script"]]
    rows = engine.store.contributions(day["id"])
    participants = engine.store.participants(day["id"]) if internal else None
    return build(script, day, rows, reports.summaries(day["id"]), case_studies(engine, reports, day, rows),
                 reports.agreements(day["id"]), now, participants,
                 kept and (kept.until.isoformat(), kept.then))


def build(script: Script, day: dict, rows: list[dict], saved: dict, case_rows: list[dict], agreements: dict,
          now: int, participants: list[dict] | None = None, kept: tuple[str, str] | None = None) -> dict:
    """Everything about a day; `participants` given only for an internal copy."""
    internal = participants is not None
    doc = {"notice": INTERNAL_NOTICE if internal else OPEN_NOTICE, "internal": internal} | {
        "$schema": SCHEMA, "format": "facilitator-day", "version": 1, "exported_at": iso(now),
        "day": {"id": day["id"], "title": day["title"], "date": day["date"], "authorities": day["authorities"]},
        "script": {"id": script.id, "title": script.title, "category_label": script.category_label,
                   "categories": list(script.categories),
                   "kinds": {k: {"label": v.label, "categorised": v.categorised,
                                 "needs_agreement": summary.owned_by_presenter(script, k), "summit": v.summit}
                             for k, v in script.kinds.items()}},
        "summary": [{k: p[k] for k in SUMMARY_FIELDS}
                    for p in summary.current(script, day, casestudies.as_agreed(script, rows, agreements), saved)],
        "contributions": [_contribution(script, r, agreements) for r in rows],
        "case_studies": [_case_study(c, agreements) for c in case_rows if not _withdrawn(c, agreements)],
        "named_in_grid": [a for a in day["authorities"]
                          if casestudies.status(agreements, casestudies.risk_grid_subject(a)) == "agreed"],
        "summit_insights": _summit_insights(script, rows, agreements),
        "kept_until": kept[0] if kept else None,
        "kept_then": kept[1] if kept else None,
    }
    if internal:  # who attended, never who said what (seeds/000: notes are non-attributable)
        doc["participants"] = [{"name": p["name"], "authority": p["authority"]} for p in participants]
    return doc


def _summit_insights(script: Script, rows: list[dict], agreements: dict) -> list[dict]:
    """The insights each host agreed may go to the summit, in the host's words where it reworded
    them, named by the authority that gave them only where that authority agreed."""
    out = []
    for host in dict.fromkeys(r["presenter"] for r in rows if r["presenter"]):
        for r in casestudies.insights_about(script, rows, host):
            a = agreements.get(casestudies.insight_subject(r["id"]))
            if not a or a["status"] not in casestudies.AGREED:
                continue
            named = casestudies.status(agreements, r["id"]) == "agreed"
            out.append({"id": r["id"], "session": r["session"], "presenter": host,
                        "text": a["text"] or r["text"], "reworded": a["status"] == "edited",
                        "authority": r["author_authority"] if named else None, "agreed_on": a["decided_on"]})
    return out


def _agreement(agreements: dict, subject_id: str) -> dict | None:
    a = agreements.get(subject_id)
    return {"status": a["status"], "text": a["text"], "by": a["by_role"], "on": a["decided_on"]} if a else None


def _contribution(script: Script, r: dict, agreements: dict) -> dict:
    kind = script.kinds.get(r["kind"])
    owned = bool(kind) and summary.owned_by_presenter(script, r["kind"])
    consent = casestudies.status(agreements, r["id"])
    if owned and consent == "declined":
        text = ""  # the host declined it: no copy carries its words
    elif owned:
        text = casestudies.agreed_text(r, agreements)  # an offer or ask reads as its host agreed it
    else:
        text = r["text"]
    return {
        "id": r["id"], "kind": r["kind"], "kind_label": kind.label if kind else r["kind"], "category": r["category"],
        "text": text, "session": r["session"], "presenter": r["presenter"], "step": r["step"],
        "origin": r["origin"],
        "authority": summary.named(script, {**r, "consent": consent}) if kind else None,
        "named_by_presenter": summary.named_by_presenter(r) if kind and kind.categorised else None,
        "votes": r["votes"] or 0, "starred": bool(r["starred"]), "hidden": bool(r["hidden"]),
        "merged_into": r["merged_into"], "asked": iso(r["asked_ms"]), "created": iso(r["created_ms"]),
        "agreement": _agreement(agreements, r["id"]) if kind and (owned or kind.attributed) else None,
    }


def _withdrawn(c: dict, agreements: dict) -> bool:
    """A case study drawn from an offer its host declined goes with it, unless the host agreed the
    case study itself."""
    return (casestudies.status(agreements, c["source_id"]) == "declined"
            and not casestudies.is_agreed(agreements, c["id"]))


def _case_study(c: dict, agreements: dict) -> dict:
    a = agreements.get(c["id"])
    return {"id": c["id"], "source_id": c["source_id"], **{f: c[f] or "" for f in FIELD_LABELS},
            "approval": {"status": a["status"] if a else "pending", "on": a["decided_on"] if a else None}}


CUT_SHORT = ("…", "...")


def placeholders(doc: dict) -> list[str]:
    """Drafting scaffolding still in a day's write-up, to be put right before it is printed."""
    found = [f"{p['title']}: “{summary.PLACEHOLDER}” is still in the text."
             for p in doc["summary"] if summary.PLACEHOLDER in p["markdown"]]
    for c in doc["case_studies"]:
        if c["title"].rstrip().endswith(CUT_SHORT):
            found.append(f"Case study “{c['title']}”: the title is cut short.")
        if not c["summary"].strip():
            found.append(f"Case study “{c['title']}”: the summary is empty.")
    return found
