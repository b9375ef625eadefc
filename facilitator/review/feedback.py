"""The verbal feedback, pulled together from the notebook: per line of enquiry the methods,
the key findings (strengths first, then areas for development) beside their evidence and the
host's reply, the conclusions and the host's comments at the time; then the agreed actions
(action point, agreed by the host Y/N, commentary) and the date."""

from __future__ import annotations

import secrets
from datetime import date as Date

from ..core.errors import Refused
from ..core.checks import text
from .enquiry import investigated
from .findings import with_replies
from .notebook import by_line
from .store import ReviewStore

AGREED = ("Y", "N", "")


def verbal(rs: ReviewStore, review: dict, released_only: bool = False) -> dict:
    """The at-a-glance record of the verbal feedback, with evidence notes in full; `released_only`
    keeps to the findings the lead has shared with the host."""
    notes = {n["id"]: n for n in rs.notes(review["id"])}
    grouped = by_line(list(notes.values()))
    findings = with_replies(rs, review, [f for f in rs.findings(review["id"]) if f["released"] or not released_only])
    lines = []
    for line in investigated(rs, review):
        line_notes = grouped.get(line["id"], [])
        lines.append({
            **line,
            "sources_used": sorted({n["source"] for n in line_notes}),
            "note_count": len(line_notes),
            "findings": [{**f, "evidence_notes": [notes[i] for i in f["evidence"] if i in notes]}
                         for f in findings if f["line_id"] == line["id"]],
        })
    return {"lines": lines, "actions": actions(rs, review), "date": review.get("feedback_date") or ""}


def actions(rs: ReviewStore, review: dict) -> list[dict]:
    """Agreed actions, each with the findings it rests on and whether those have evidence."""
    findings = {f["id"]: f for f in rs.findings(review["id"])}
    out = []
    for action in rs.actions(review["id"]):
        linked = [findings[i] for i in action["findings"] if i in findings]
        out.append({**action, "linked": linked, "evidenced": any(f["evidence"] for f in linked)})
    return out


def _action_fields(rs: ReviewStore, review: dict, form, finding_ids: list[str]) -> dict:
    agreed = form.get("agreed", "")
    if agreed not in AGREED:
        raise Refused("invalid", "agreed by the host must be Y or N")
    known = {f["id"] for f in rs.findings(review["id"])}
    if any(i not in known for i in finding_ids):
        raise Refused("invalid", "an action can rest only on this review's key findings")
    due = (form.get("due_date") or "").strip()
    if due:
        try:
            due = Date.fromisoformat(due).isoformat()
        except ValueError:
            raise Refused("invalid", "the date an action is due must be a date, YYYY-MM-DD") from None
    return {"text": text(form, "text", 1000, "An action point"), "agreed": agreed,
            "commentary": text(form, "commentary", 2000, "Commentary", required=False),
            "owner": text(form, "owner", 120, "Who owns the action (a role)", required=False), "due_date": due,
            "findings": list(dict.fromkeys(finding_ids))}


def add_action(rs: ReviewStore, review: dict, form, finding_ids: list[str], now: int) -> dict:
    row = {"id": secrets.token_hex(6), "review_id": review["id"], "position": len(rs.actions(review["id"])) + 1,
           "created_ms": now, **_action_fields(rs, review, form, finding_ids)}
    stored, _ = rs.add_action(row)
    return stored


def update_action(rs: ReviewStore, review: dict, action_id: str, form, finding_ids: list[str]) -> None:
    action = rs.action(review["id"], action_id)
    if action is None:
        raise Refused("not_found", "no such action in this review")
    rs.update_action(review["id"], action["id"], _action_fields(rs, review, form, finding_ids))


def set_date(rs: ReviewStore, review: dict, value: str) -> None:
    try:
        Date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Refused("invalid", "the date of the verbal feedback must be a date, YYYY-MM-DD") from None
    rs.set_feedback_date(review["id"], value)
