"""Key findings, each a strength or an area for development and linked to the notes that are its
evidence; each line's conclusions; and the host's reply to a finding it has been shown.

A finding is shown to the host (the 'no surprises' view) only once the lead releases it.
"""

from __future__ import annotations

import secrets

from ..core.errors import Refused
from ..core.checks import text
from .enquiry import get_line
from .store import ReviewStore

# Strengths come first wherever findings are read: the feedback opens with what works.
KINDS = {"strength": "Strength", "development": "Area for development"}
UNMARKED = "Key finding"  # recorded before a finding had a kind
STANCES = {"agree": "Agrees", "context": "Adds context", "correction": "Corrects a fact"}
CHOICES = {"agree": "Agree", "context": "Add context", "correction": "Correct a fact"}  # as the host answers


def kind_of(form) -> str:
    """The kind the recorder chose: there is no default, so the choice is never hidden."""
    kind = form.get("kind")
    if kind not in KINDS:
        raise Refused("invalid", "choose whether the key finding is a strength or an area for development")
    return kind


def in_order(found: list[dict]) -> list[dict]:
    """Strengths, then areas for development, then any unmarked; each in the order recorded."""
    rank = {kind: n for n, kind in enumerate(KINDS)}
    return sorted(found, key=lambda f: rank.get(f.get("kind"), len(rank)))


def label(finding: dict) -> str:
    return KINDS.get(finding.get("kind"), UNMARKED)


def add_finding(rs: ReviewStore, review: dict, form, evidence_ids: list[str], now: int) -> dict:
    line = get_line(rs, review, form.get("line"))
    evidence = _evidence(rs, line, evidence_ids)
    row = {"id": secrets.token_hex(6), "review_id": review["id"], "line_id": line["id"], "kind": kind_of(form),
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


def set_kind(rs: ReviewStore, review: dict, finding_id: str, form) -> dict:
    finding = get_finding(rs, review, finding_id)
    stored, _ = rs.set_kind(review["id"], finding["id"], kind_of(form))
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


def reply(rs: ReviewStore, review: dict, finding_id: str, form, now: int) -> dict:
    """The host's answer to a finding it has been shown: it agrees, adds context or corrects a fact."""
    if (rs.letter(review["id"]) or {}).get("signed_ms"):
        raise Refused("signed", "the letter is signed off, so its record of the verbal feedback can no longer change")
    finding = rs.finding(review["id"], finding_id)
    if finding is None or not finding["released"]:
        raise Refused("not_found", "the host can answer only a key finding the lead reviewer has shared")
    stance = form.get("stance")
    if stance not in STANCES:
        raise Refused("invalid", "say whether you agree, add context or correct a fact")
    words = text(form, "text", 2000, "Your reply", required=stance != "agree")
    stored, _ = rs.save_host_reply({"review_id": review["id"], "finding_id": finding["id"], "stance": stance,
                                    "text": words, "updated_ms": now})
    return stored


def with_replies(rs: ReviewStore, review: dict, found: list[dict]) -> list[dict]:
    """Findings in order, each with its kind's label and the host's reply (or None)."""
    replies = rs.host_replies(review["id"])
    return [{**f, "kind_label": label(f), "reply": _shown_reply(replies.get(f["id"]))} for f in in_order(found)]


def _shown_reply(row: dict | None) -> dict | None:
    return {**row, "stance_label": STANCES[row["stance"]]} if row else None


SHARE = {"agreed": "Share it as written", "reworded": "Share it in our words", "declined": "Keep it back"}


def share(rs: ReviewStore, review: dict, finding_id: str, form) -> dict:
    """The host says whether a released strength goes to the region's summit, and in what words."""
    found = next((f for f in released(rs, review) if f["id"] == finding_id), None)
    if found is None or found.get("kind") != "strength":
        raise Refused("not_found", "no such strength shared with you in this review")
    choice = form.get("summit")
    if choice not in SHARE:
        raise Refused("invalid", "choose to share the strength as written, in your words, or to keep it back")
    words = text(form, "summit_text", 1000, "Your words for the summit", required=choice == "reworded")
    stored, _ = rs.share_finding(review["id"], finding_id, choice, words if choice == "reworded" else "")
    return stored


def shared_lines(rs: ReviewStore, reviews: list[dict]) -> list[dict]:
    """The lines of enquiry each review investigated, where its host agreed to name them at the summit."""
    return [{"authority": r["host"], "review": r["title"],
             "lines": [ln["title"] for ln in rs.lines(r["id"]) if ln["status"] == "investigate"]}
            for r in reviews if r.get("summit_lines") == "agreed"]


def shared_strengths(rs: ReviewStore, reviews: list[dict]) -> list[dict]:
    """The strengths the hosts of these reviews agreed to share, in the words they chose."""
    out = []
    for r in reviews:
        for f in rs.findings(r["id"]):
            if f.get("released") and f.get("kind") == "strength" and f.get("summit") in ("agreed", "reworded"):
                out.append({"authority": r["host"], "review": r["title"], "date": r.get("start_date") or "",
                            "text": f["summit_text"] if f["summit"] == "reworded" else f["text"]})
    return out
