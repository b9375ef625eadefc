"""The recording notebook: running notes under a line of enquiry, each with its source and
the author's role in the team (never a name). A note is stored once under the id its device
made, so a phone that was offline can send again without doubling it."""

from __future__ import annotations

from ..errors import Refused
from .checks import client_id, text
from .enquiry import INVESTIGATE, get_line
from .script import ReviewScript
from .store import ReviewStore

MAX_NOTE = 2000


def add_note(rs: ReviewStore, review: dict, script: ReviewScript, role: str, payload, now: int
             ) -> tuple[dict, int | None]:
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
           "text": text(payload, "text", MAX_NOTE, "A note"), "role": role, "created_ms": now}
    return rs.insert_once("review_notes", row, bump=review["id"])


def by_line(notes: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for note in notes:
        grouped.setdefault(note["line_id"], []).append(note)
    return grouped
