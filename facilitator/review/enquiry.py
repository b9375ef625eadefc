"""Lines of enquiry: hypotheses the lead proposes and the host agrees, or the script's themes."""

from __future__ import annotations

import secrets

from ..core.errors import Refused
from ..core.checks import lines_of, text, yes_no
from ..core.scripts.review import THEMES, ReviewScript
from .store import ReviewStore

PROPOSED, INVESTIGATE, PARK = "proposed", "investigate", "park"
MAX_LINES = 12


def _line(review_id: str, position: int, title: str, **extra) -> dict:
    return {"id": secrets.token_hex(6), "review_id": review_id, "position": position, "title": title,
            "methods": [], "status": PROPOSED, "disagreement": 0, "conclusions": "", "method_comments": "",
            "host_comments": "", "host_note": "", **extra}


def chosen_themes(script: ReviewScript, chosen: list[str]) -> list[str]:
    """The script's themes and the optional ones chosen at set-up, in the script's order."""
    unknown = [t for t in chosen if t not in script.optional]
    if unknown:
        raise Refused("invalid", f"'{unknown[0]}' is not an optional theme of this review")
    return list(script.themes) + [t for t in script.optional if t in chosen]


def set_up(rs: ReviewStore, review: dict, script: ReviewScript) -> None:
    """A theme-led review starts with its themes under investigation; a hypothesis-led one empty."""
    if script.mode == THEMES:
        rs.add_lines([_line(review["id"], position, title, status=INVESTIGATE, proposed=INVESTIGATE)
                      for position, title in enumerate(chosen_themes(script, review["themes"]), start=1)])


def propose(rs: ReviewStore, review: dict, script: ReviewScript, form, sa_parts: tuple[str, ...] = ()) -> dict:
    """The lead proposes a hypothesis: linked to data and the self-assessment, with its methods.

    `sa_parts` are the parts of the self-assessment a hypothesis can say it tests (a Part B area or
    a section); naming one links the hypothesis to the self-assessment."""
    if script.mode == THEMES:
        raise Refused("forbidden", "this review's lines of enquiry are the script's themes")
    lines = rs.lines(review["id"])
    if len(lines) >= MAX_LINES:
        raise Refused("invalid", f"a review has at most {MAX_LINES} proposed hypotheses")
    recommend = form.get("recommend", INVESTIGATE)
    if recommend not in (INVESTIGATE, PARK):
        raise Refused("invalid", "the lead's recommendation is to investigate or to park")
    part = form.get("sa_part") or None
    if part is not None and part not in sa_parts:
        raise Refused("invalid", "choose the part of the self-assessment it tests from the list")
    linked_sa = yes_no(form.get("linked_sa", ""), "Linked to the self-assessment")
    line = _line(review["id"], len(lines) + 1, text(form, "title", 500, script.line_label),
                 linked_data=yes_no(form.get("linked_data", ""), "Linked to data"),
                 linked_sa=1 if part else linked_sa, sa_part=part,
                 methods=lines_of(text(form, "methods", 2000, "Methods", required=False)), proposed=recommend)
    rs.add_line(line)
    return line


def set_methods(rs: ReviewStore, review: dict, line_id: str, form) -> None:
    line = get_line(rs, review, line_id)
    rs.set_methods(review["id"], line["id"], lines_of(text(form, "methods", 2000, "Methods", required=False)))


def decide(rs: ReviewStore, review: dict, script: ReviewScript, form, now: int) -> list[dict]:
    """The host says which hypotheses are investigated and which parked; its view prevails.

    Where the host differs from the lead's recommendation the disagreement is recorded, with
    the host's reason if given.
    """
    lines = rs.lines(review["id"])
    decisions = {}
    for line in lines:
        choice = form.get(f"decision-{line['id']}", "")
        if choice not in (INVESTIGATE, PARK):
            raise Refused("invalid", f"say whether to investigate or park: {line['title']}")
        decisions[line["id"]] = choice
    if sum(c == INVESTIGATE for c in decisions.values()) > script.max_investigated:
        raise Refused("invalid", f"at most {script.max_investigated} hypotheses can be investigated; park the rest")
    changes = {line["id"]: {"status": decisions[line["id"]], "decided_ms": now,
                            "host_note": text(form, f"note-{line['id']}", 1000, "The host's note", required=False),
                            "disagreement": int(decisions[line["id"]] != line["proposed"])} for line in lines}
    decided, _ = rs.decide_lines(review["id"], changes)
    return decided


def get_line(rs: ReviewStore, review: dict, line_id) -> dict:
    line = rs.line(review["id"], line_id)
    if line is None:
        raise Refused("not_found", "no such line of enquiry in this review")
    return line


def investigated(rs: ReviewStore, review: dict) -> list[dict]:
    return [ln for ln in rs.lines(review["id"]) if ln["status"] == INVESTIGATE]


def decided(lines: list[dict]) -> bool:
    return bool(lines) and all(ln["status"] != PROPOSED for ln in lines)
