"""The recording notebook: running notes under a line of enquiry, each with its source and
the author's role in the team (never a name). A note is stored once under the id its device
made, so a phone that was offline can send again without doubling it. Its author (the member's
device, or the lead) may correct or withdraw it until the feedback letter is signed off."""

from __future__ import annotations

from ..core.errors import Refused
from ..core.checks import client_id, text
from .enquiry import INVESTIGATE, get_line
from ..core.scripts.review import ReviewScript
from .store import ReviewStore

MAX_NOTE = 2000


def add_note(rs: ReviewStore, review: dict, script: ReviewScript, role: str, payload, now: int,
             author: str | None = None) -> tuple[dict, int | None]:
    """Store a note; return it and the review's seq, or no seq if it had already arrived."""
    if not isinstance(payload, dict):
        raise Refused("invalid", "a note is an object with id, line, source and text")
    note_id = client_id(payload)
    existing = rs.one("review_notes", "id = ?", [note_id])
    if existing is not None:
        if existing["review_id"] != review["id"]:
            raise Refused("invalid", "that id is already used")
        return existing, None
    line = get_line(rs, review, payload.get("line"))
    if line["status"] != INVESTIGATE:
        raise Refused("invalid", f"'{line['title']}' is not being investigated")
    source = payload.get("source")
    if source not in script.sources:
        raise Refused("invalid", f"the source must be one of: {', '.join(script.sources)}")
    row = {"id": note_id, "review_id": review["id"], "line_id": line["id"], "source": source,
           "text": text(payload, "text", MAX_NOTE, "A note"), "role": role, "created_ms": now,
           "author": author}
    return rs.insert_once("review_notes", row, bump=review["id"])


def _own_note(rs: ReviewStore, review: dict, author: str, payload) -> dict:
    """The sender's own note, still in the record, while the review is live; or a refusal."""
    if not isinstance(payload, dict):
        raise Refused("invalid", "send an object with the note's id")
    note = rs.one("review_notes", "id = ? AND review_id = ?", [client_id(payload), review["id"]])
    if note is None or note["withdrawn_ms"]:
        raise Refused("not_found", "no such note in this review")
    if not author or note["author"] != author:
        raise Refused("forbidden", "only the team member who wrote a note may correct or withdraw it")
    letter = rs.letter(review["id"])
    if letter and letter.get("signed_ms"):
        raise Refused("closed", "the feedback letter is signed off: notes can no longer change")
    return note


def edit_note(rs: ReviewStore, review: dict, script: ReviewScript, author: str, payload, now: int
              ) -> tuple[dict, int]:
    """Correct a note's text (and, if sent, its source); the line it is under stays."""
    note = _own_note(rs, review, author, payload)
    changes = {"text": text(payload, "text", MAX_NOTE, "A note"), "edited_ms": now}
    if "source" in payload:
        if payload["source"] not in script.sources:
            raise Refused("invalid", f"the source must be one of: {', '.join(script.sources)}")
        changes["source"] = payload["source"]
    seq = rs.update("review_notes", note["id"], changes, bump=review["id"])
    return rs.one("review_notes", "id = ?", [note["id"]]), seq


def withdraw_note(rs: ReviewStore, review: dict, author: str, payload, now: int) -> tuple[dict, int]:
    """Withdraw a note. If it is evidence for a key finding, the author must confirm, and the
    finding then loses that evidence (the letter flags an action left without any)."""
    note = _own_note(rs, review, author, payload)
    citing = [f for f in rs.findings(review["id"]) if note["id"] in f["evidence"]]
    if citing and payload.get("confirm") is not True:
        names = "; ".join(f"'{f['text']}'" for f in citing)
        raise Refused("in_use", f"This note is the evidence for the key finding{'s' if len(citing) > 1 else ''} "
                                f"{names}. Withdraw it anyway? The finding loses this evidence.")
    seq = rs.withdraw_note(note, {f["id"]: [i for i in f["evidence"] if i != note["id"]] for f in citing}, now)
    return rs.one("review_notes", "id = ?", [note["id"]]), seq


def by_line(notes: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for note in notes:
        grouped.setdefault(note["line_id"], []).append(note)
    return grouped
