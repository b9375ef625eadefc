"""What may be contributed, by whom and when; the question queue's turn-taking. No I/O."""

from __future__ import annotations

import re
import uuid

from ..core import child_details
from ..core.checks import plain
from ..core.errors import Refused
from ..core.scripts.day import Item, Script

MAX_TEXT = 1000
OBSERVER = "observer"
FACILITATOR = "facilitator"
# The closed-question rule as data: the server checks a question with it after it is sent, and
# the snapshot carries it to the phone, which runs the same rule while the question is typed.
CLOSED_QUESTION = {
    "openers": ["is", "are", "was", "were", "do", "does", "did", "have", "has", "had", "can", "could", "will",
                "would", "should", "shall", "may", "might", "must", "am", "isn't", "aren't", "don't", "doesn't",
                "didn't", "haven't", "hasn't", "won't", "wouldn't"],
    "advice": "It reads as a closed question: could it open with What, How or Tell us about...?",
}
CLOSED_OPENERS = re.compile(
    r"^(" + "|".join(re.escape(w) for w in CLOSED_QUESTION["openers"]) + r")\b", re.IGNORECASE)


def role(authority: str | None, item: Item) -> str:
    """A participant's part in the current item: presenter, visitor or observer."""
    if authority is None or authority == OBSERVER or item.presenter is None:
        return OBSERVER
    return "presenter" if authority == item.presenter else "visitor"


def may_add(script: Script, item: Item, authority: str | None, kind_key: str) -> bool:
    kind = script.kinds[kind_key]
    if kind_key not in item.step.collects and not (kind.anytime and item.session is not None):
        return False
    part = role(authority, item)
    return kind.who == "anyone" or (kind.who == "presenter" and part == "presenter") or (
        kind.who == "visitors" and part == "visitor"
    )


def kinds_open(script: Script, item: Item, authority: str | None) -> list[str]:
    """The kinds this participant can add now, those of the step first."""
    ordered = list(item.step.collects) + [k for k in script.kinds if k not in item.step.collects]
    return [k for k in ordered if may_add(script, item, authority, k)]


def text(value, field: str = "text") -> str:
    value = plain(value, field)
    if len(value) > MAX_TEXT:
        raise Refused("too_long", f"{field} is longer than {MAX_TEXT} characters")
    return value


def contribution_id(value) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise Refused("invalid", "id must be a UUID made by the sender") from None


def category(script: Script, kind_key: str, value) -> str | None:
    if not script.kinds[kind_key].categorised:
        if value not in (None, ""):
            raise Refused("invalid", f"a {script.kinds[kind_key].label.lower()} takes no category")
        return None
    if not isinstance(value, str) or value not in script.categories:
        raise Refused("invalid", f"category must be one of the script's {script.category_label.lower()} list")
    return value


def new(script: Script, item: Item, payload, author: dict, now: int) -> dict:
    """Check a new contribution and return the row to store.

    `author` has `id`, `authority` (None for the facilitator, 'observer' for observers) and
    `facilitator` (True when the facilitator adds it, who may add any kind, attributed to an
    authority of the day or to none).
    """
    if not isinstance(payload, dict):
        raise Refused("invalid", "a contribution must be an object")
    kind_key = payload.get("kind")
    if not isinstance(kind_key, str) or kind_key not in script.kinds:
        raise Refused("invalid", f"kind must be one of {', '.join(script.kinds)}")
    authority = author["authority"]
    if author.get("facilitator"):
        origin = FACILITATOR
        authority = payload.get("authority") or None
        if authority is not None and not isinstance(authority, str):
            raise Refused("invalid", "authority must be one of the day's authorities")
    else:
        if not may_add(script, item, authority, kind_key):
            raise Refused(
                "not_now", f"{script.kinds[kind_key].label} cannot be added by you during {item.step.title}"
            )
        origin = role(authority, item)
    words = text(payload.get("text"))
    return {
        "id": contribution_id(payload.get("id")),
        "kind": kind_key,
        "category": category(script, kind_key, payload.get("category")),
        "text": words,
        "held": child_details.hold(words),
        "session": item.session,
        "presenter": item.presenter,
        "step": item.step.key,
        "item_index": item.index,
        "author_id": author["id"],
        "author_authority": authority if authority != OBSERVER else None,
        "origin": origin,
        "created_ms": now,
        "updated_ms": now,
        "hidden": 0,
        "starred": 0,
        "asked_ms": None,
        "merged_into": None,
        "removed_ms": None,
    }


def on_wall(row: dict) -> bool:
    """Shown to the room: not hidden, not merged into another, not held for a child's details."""
    return not (row["hidden"] or row["merged_into"] or row.get("held"))


def looks_closed(question: str) -> bool:
    """A question that opens like "Is..." or "Do you..." invites a yes or a no."""
    return bool(CLOSED_OPENERS.match(question.strip()))


def nudge(script: Script, row: dict) -> str | None:
    """A gentle word when what should be an open question reads as a closed one."""
    if script.kinds[row["kind"]].open_question_nudge and looks_closed(row["text"]):
        return f"Sent. {CLOSED_QUESTION['advice']} You can edit it."
    return None


def pending_questions(rows: list[dict], session: int | None, kinds: set[str]) -> list[dict]:
    return [
        r for r in rows
        if r["kind"] in kinds and r["session"] == session and on_wall(r) and not r["asked_ms"]
    ]


def queue(rows: list[dict], session: int | None, visitors: list[str], kinds: set[str]) -> dict:
    """The open questions of a session, alternating between the visiting authorities.

    The turn passes to the visitor after the one whose question was last marked asked; within
    one authority, questions with more votes come first, then the oldest.
    """
    asked = [r for r in rows if r["kind"] in kinds and r["session"] == session and r["asked_ms"] and not r["hidden"]
             and not r.get("held")]
    order = list(visitors)
    if asked and order:
        last = max(asked, key=lambda r: r["asked_ms"])["author_authority"]
        if last in order:
            start = (order.index(last) + 1) % len(order)
            order = order[start:] + order[:start]
    lanes = {a: [] for a in order}
    others = []
    for r in sorted(pending_questions(rows, session, kinds), key=lambda r: (-r.get("votes", 0), r["created_ms"])):
        lanes.get(r["author_authority"], others).append(r)
    ordered = []
    while any(lanes.values()):
        for a in order:
            if lanes[a]:
                ordered.append(lanes[a].pop(0))
    ordered += others
    turn = ordered[0]["author_authority"] if ordered and ordered[0]["author_authority"] in visitors else (order[0] if order else None)
    return {"turn": turn, "ids": [r["id"] for r in ordered]}
