"""Case-study drafts from starred contributions, and what each host must agree before the summit.

Plain Python over rows: a host's agreement decides what an export may carry (seeds/003: nothing
is published unless the host so chooses).
"""

from __future__ import annotations

import hashlib
import re

from ..core.scripts.day import Script
from .summary import owned_by_presenter, shown

# The kinds the sector writes up as case studies; a script without them uses its other
# uncategorised, unqueued kinds of a session.
AGREED = ("agreed", "edited")
FIELD_LABELS = {
    "title": "Title",
    "authority": "Authority",
    "theme": "Theme",
    "summary": "Summary",  # the form counts its words against the 100 a summit summary suits
    "context": "Context or challenge",
    "actions": "What they did",
    "impact": "Impact and evidence",
    "sustained": "How it is sustained",
    "lessons": "Lessons learned",
    "reuse": "What others could reuse",
    "contact_role": "Contact (by role)",
}


def eligible_kinds(script: Script) -> list[str]:
    return [k for k, kind in script.kinds.items() if kind.case_study]


def title_from(text: str) -> str:
    """A draft's title: the first sentence, whole, for a title is never printed cut short."""
    first = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
    return first.rstrip(".")


def draft_id(source_id: str) -> str:
    """A draft's id, the same whether it is shown before it is stored or after, so links hold."""
    return hashlib.sha256(f"case-study:{source_id}".encode()).hexdigest()[:12]


def drafts(script: Script, rows: list[dict]) -> list[dict]:
    """A draft for each starred strength or offer of a session."""
    kinds = eligible_kinds(script)
    out = []
    for r in shown(rows):
        if r["starred"] and r["kind"] in kinds and r["presenter"]:
            out.append({
                "id": draft_id(r["id"]), "source_id": r["id"], "title": title_from(r["text"]),
                "authority": r["presenter"], "summary": r["text"],
                "reuse": r["text"] if owned_by_presenter(script, r["kind"]) else "",
            })
    return out


def unsaved(script: Script, day_id: str, rows: list[dict], stored: list[dict]) -> list[dict]:
    """Drafts whose source has no stored case study yet, shaped as stored rows, in the order storing
    them would give (by id, for they would share one time)."""
    have = {c["source_id"] for c in stored}
    return sorted(({f: "" for f in FIELD_LABELS} | d | {"day_id": day_id, "created_ms": None, "updated_ms": None}
                   for d in drafts(script, rows) if d["source_id"] not in have), key=lambda c: c["id"])


def status(agreements: dict, subject_id: str) -> str:
    row = agreements.get(subject_id)
    return row["status"] if row else "pending"


def is_agreed(agreements: dict, subject_id: str) -> bool:
    return status(agreements, subject_id) in AGREED


def agreed_in(doc: dict) -> list[dict]:
    """A gathered day's case studies its hosts agreed: those a summit pack may already hold."""
    return [c for c in doc["case_studies"] if c["approval"]["status"] in AGREED]


def decisions(script: Script, day: dict, rows: list[dict], authority: str) -> list[dict]:
    """The contributions this authority must agree: the kinds it owns, from its own session."""
    return [r for r in shown(rows)
            if r["presenter"] == authority and r["kind"] in script.kinds and owned_by_presenter(script, r["kind"])]


def agreed_text(row: dict, agreements: dict) -> str:
    """A contribution's text as its host agreed it: edited by the host, or as it stood."""
    decision = agreements.get(row["id"])
    return decision["text"] if decision and decision.get("text") else row["text"]


def word_count(text: str) -> int:
    return len((text or "").split())


def as_agreed(script: Script, rows: list[dict], agreements: dict) -> list[dict]:
    """Rows as their hosts left them: declined ones dropped, edited ones in the host's words, each
    with its `consent` (pending, agreed, edited; for an insight, whether its authority may be named)."""
    out = []
    for r in rows:
        if r["kind"] in script.kinds and owned_by_presenter(script, r["kind"]):
            if status(agreements, r["id"]) == "declined":
                continue
            r = {**r, "text": agreed_text(r, agreements), "consent": status(agreements, r["id"])}
        elif r["kind"] in script.kinds and script.kinds[r["kind"]].attributed:
            r = {**r, "consent": status(agreements, r["id"])}
        out.append(r)
    return out


def attributions(script: Script, rows: list[dict], authority: str) -> list[dict]:
    """What this authority said in the others' sessions that would print with its name (an insight):
    it is named only once it agrees."""
    return [r for r in shown(rows) if r["kind"] in script.kinds and script.kinds[r["kind"]].attributed
            and not owned_by_presenter(script, r["kind"]) and r["author_authority"] == authority]


def risk_grid_subject(authority: str) -> str:
    """The agreement that lets the summit pack name this authority's row of the risk grid."""
    return f"risk-grid:{authority}"


def insights_about(script: Script, rows: list[dict], authority: str) -> list[dict]:
    """The insights the visitors gave in this authority's session: the host agrees which go to the
    summit, in its own words if it rewords them (the visitor's own agreement only names it)."""
    return [r for r in shown(rows) if r["presenter"] == authority and r["kind"] in script.kinds
            and script.kinds[r["kind"]].attributed and not owned_by_presenter(script, r["kind"])]


def insight_subject(contribution_id: str) -> str:
    """The host's agreement that an insight of its session may go to the summit."""
    return f"summit-insight:{contribution_id}"
