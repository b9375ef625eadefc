"""The recording notebook: running notes under a line of enquiry, each with its source and
the author's role in the team (never a name). A note is stored once under the id its device
made, so a phone that was offline can send again without doubling it. Its author (the member's
device, or the lead) may correct or withdraw it until the feedback letter is signed off."""

from __future__ import annotations

from ..core import child_details
from ..core.checks import client_id, text
from ..core.errors import Refused
from ..core.scripts.review import ReviewScript
from .enquiry import INVESTIGATE, get_line
from .store import ReviewStore

MAX_NOTE = 2000


def add_note(rs: ReviewStore, review: dict, script: ReviewScript, role: str, payload, now: int,
             author: str | None = None) -> tuple[dict, int | None]:
    """Store a note; return it and the review's seq, or no seq if it had already arrived.

    A new note is one write and no read: the store checks its line as it inserts. What was wrong
    is read only for a note that was not stored, and said in the order it always was: a repeat
    first, then the line, then the source and the text.
    """
    if not isinstance(payload, dict):
        raise Refused("invalid", "a note is an object with id, line, source and text")
    note_id = client_id(payload)
    try:
        if payload.get("source") not in script.sources:
            raise Refused("invalid", f"the source must be one of: {', '.join(script.sources)}")
        words = text(payload, "text", MAX_NOTE, "A note")
        row = {"id": note_id, "review_id": review["id"], "line_id": str(payload.get("line")),
               "source": payload["source"], "text": words, "role": role,
               "created_ms": now, "author": author, "held": child_details.hold(words)}
    except Refused:
        repeat = _repeat(rs, review, note_id, payload.get("line"), rs.note_by_id(note_id))
        if repeat is None:
            raise
        return repeat, None
    for _ in range(2):  # a second time only if the line's status changed as the first was written
        stored, seq = rs.add_note(row, INVESTIGATE)
        if seq is not None:
            return stored, seq
        repeat = _repeat(rs, review, note_id, row["line_id"], stored)
        if repeat is not None:
            return repeat, None
    raise Refused("invalid", "the line of enquiry changed as the note arrived: send it again")


def _repeat(rs: ReviewStore, review: dict, note_id: str, line_id, stored: dict | None) -> dict | None:
    """The note already under this id if it is this review's (a resend), or a refusal: the id is
    another review's, or the line is not this review's or not under investigation."""
    if stored is not None:
        if stored["review_id"] != review["id"]:
            raise Refused("invalid", "that id is already used")
        return stored
    line = get_line(rs, review, line_id)
    if line["status"] != INVESTIGATE:
        raise Refused("invalid", f"'{line['title']}' is not being investigated")
    return None


def _own_note(rs: ReviewStore, review: dict, author: str, payload) -> dict:
    """The sender's own note, still in the record, while the review is live; or a refusal."""
    if not isinstance(payload, dict):
        raise Refused("invalid", "send an object with the note's id")
    note = rs.note(review["id"], client_id(payload))
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
    words = text(payload, "text", MAX_NOTE, "A note")
    changes = {"text": words, "edited_ms": now, "held": child_details.hold(words, note["held"])}
    if "source" in payload:
        if payload["source"] not in script.sources:
            raise Refused("invalid", f"the source must be one of: {', '.join(script.sources)}")
        changes["source"] = payload["source"]
    return rs.edit_note(review["id"], note["id"], changes)


def withdraw_note(rs: ReviewStore, review: dict, author: str, payload, now: int) -> tuple[dict, int]:
    """Withdraw a note. If it is evidence for a key finding, the author must confirm, and the
    finding then loses that evidence (the letter flags an action left without any)."""
    note = _own_note(rs, review, author, payload)
    citing = [f for f in rs.findings(review["id"]) if note["id"] in f["evidence"]]
    if citing and payload.get("confirm") is not True:
        names = "; ".join(f"'{f['text']}'" for f in citing)
        raise Refused("in_use", f"This note is the evidence for the key finding{'s' if len(citing) > 1 else ''} "
                                f"{names}. Withdraw it anyway? The finding loses this evidence.")
    return rs.withdraw_note(review["id"], note["id"],
                            {f["id"]: [i for i in f["evidence"] if i != note["id"]] for f in citing}, now)


def held_note(rs: ReviewStore, review: dict, payload) -> dict:
    """One of the review's notes held for a child's details, for the lead to release or remove."""
    if not isinstance(payload, dict):
        raise Refused("invalid", "send the held note's id")
    note = rs.note(review["id"], client_id(payload))
    if note is None or note["withdrawn_ms"] or not note["held"]:
        raise Refused("not_found", "no such held note in this review")
    return note


def release_note(rs: ReviewStore, review: dict, payload, now: int) -> tuple[dict, int]:
    """The lead releases a held note into the record, edited first if it needs to be."""
    note = held_note(rs, review, payload)
    words = text(payload, "text", MAX_NOTE, "A note") if payload.get("text") is not None else note["text"]
    return rs.release_note(review["id"], note["id"], words, now)


def remove_note(rs: ReviewStore, review: dict, payload, now: int) -> tuple[dict, int]:
    """The lead removes a held note for good: its words are wiped."""
    return rs.remove_note(review["id"], held_note(rs, review, payload)["id"], now)


def by_line(notes: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for note in notes:
        grouped.setdefault(note["line_id"], []).append(note)
    return grouped
