"""Key findings, each linked to the notes that are its evidence; and each line's conclusions.

A finding is shown to the host (the 'no surprises' view) only once the lead releases it.
"""

from __future__ import annotations

import secrets

from ..core.errors import Refused
from ..core.checks import text
from .enquiry import get_line
from .store import ReviewStore


def add_finding(rs: ReviewStore, review: dict, form, evidence_ids: list[str], now: int) -> dict:
    line = get_line(rs, review, form.get("line"))
    evidence = _evidence(rs, line, evidence_ids)
    row = {"id": secrets.token_hex(6), "review_id": review["id"], "line_id": line["id"],
           "text": text(form, "text", 1000, "A key finding"), "evidence": evidence, "released": 0, "created_ms": now}
    stored, _ = rs.add_finding(row)
    return stored


def _evidence(rs: ReviewStore, line: dict, ids: list[str]) -> list[str]:
    notes = {n["id"] for n in rs.notes_of(line["review_id"], line["id"])}
    unknown = [i for i in ids if i not in notes]
    if unknown:
        raise Refused("invalid", "evidence must be notes recorded under the same line of enquiry")
    return list(dict.fromkeys(ids))


def get_finding(rs: ReviewStore, review: dict, finding_id: str) -> dict:
    finding = rs.finding(review["id"], finding_id)
    if finding is None:
        raise Refused("not_found", "no such finding in this review")
    return finding


def set_evidence(rs: ReviewStore, review: dict, finding_id: str, evidence_ids: list[str]) -> dict:
    finding = get_finding(rs, review, finding_id)
    line = get_line(rs, review, finding["line_id"])
    stored, _ = rs.set_evidence(review["id"], finding["id"], _evidence(rs, line, evidence_ids))
    return stored


def release(rs: ReviewStore, review: dict, finding_id: str, on: bool) -> dict:
    stored, _ = rs.release_finding(review["id"], finding_id, on)  # refused if not this review's
    return stored


def set_conclusions(rs: ReviewStore, review: dict, line_id: str, form) -> dict:
    """The team's conclusions for reporting back, and the lead's notes for the verbal feedback."""
    line = get_line(rs, review, line_id)
    changes = {}
    for key, label in (("conclusions", "Conclusions"), ("method_comments", "Comments on the methods"),
                       ("host_comments", "The host's comments")):
        if key in form:
            changes[key] = text(form, key, 4000, label, required=False)
    if not changes:
        return line
    stored, _ = rs.set_conclusions(review["id"], line["id"], changes)
    return stored


def released(rs: ReviewStore, review: dict) -> list[dict]:
    return [f for f in rs.findings(review["id"]) if f["released"]]
