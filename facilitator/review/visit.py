"""A review: setting it up, the team joining by role, and the schedule of the days on the clock."""

from __future__ import annotations

from datetime import date as Date

from ..core import clock as clocks
from ..core.errors import Refused
from . import enquiry, window
from ..core.checks import minutes, text
from ..core.scripts.review import THEMES, ReviewScript
from .store import ReviewStore


def create(rs: ReviewStore, scripts: dict[str, ReviewScript], form, chosen_themes: list[str], now: int) -> dict:
    script = scripts.get(form.get("script") or "")
    if script is None:
        raise Refused("invalid", "choose the kind of review")
    host = text(form, "host", 120, "The host authority")
    dates = _dates(script, form)
    if script.mode != THEMES and chosen_themes:
        raise Refused("invalid", "this review's lines of enquiry are hypotheses, not themes")
    themes = enquiry.chosen_themes(script, chosen_themes) if script.mode == THEMES else []
    row = {"script": script.id, "title": text(form, "title", 200, "The title", required=False)
           or f"{script.title}: {host}", "host": host, **dates,
           "clock": clocks.new(script.planned).to_dict(), "themes": [t for t in themes if t in script.optional],
           "feedback_date": "", "created_ms": now}
    review = rs.create_review(row)
    enquiry.set_up(rs, review, script)
    return review


def _dates(script: ReviewScript, form) -> dict:
    """The first day on site; for an unannounced visit, its window too (the first day may wait). The
    window's fields, for unannounced visits only, are not read for a visit announced by its date."""
    if script.windowed:
        return window.read(script, form)
    try:
        return {"start_date": Date.fromisoformat(form.get("start_date") or "").isoformat()}
    except ValueError:
        raise Refused("invalid", "the first day on site must be a date, YYYY-MM-DD") from None


def join(rs: ReviewStore, review: dict, script: ReviewScript, role: str, now: int) -> dict:
    """Join the team under a role tag from the script; the lead joins through the lead's link."""
    found = script.role(role or "")
    if found is None or found.lead:
        raise Refused("invalid", "choose your role in the review team")
    return rs.add_member(review["id"], found.tag, now)


def timer(rs: ReviewStore, review: dict, script: ReviewScript, payload, now: int) -> tuple[dict, int]:
    if not isinstance(payload, dict):
        raise Refused("invalid", "send {action}")
    current = clocks.Clock.from_dict(review["clock"])
    action = payload.get("action")
    sent = payload.get("minutes", 0)
    most = clocks.MAX_EXTEND_MS // 60_000
    if action == "extend":
        extend_ms = minutes(sent, most)
    elif isinstance(sent, bool) or not isinstance(sent, (int, float)) or not abs(sent) <= most:  # NaN fails too
        # Other actions ignore minutes (the lead's page sends 0), but a huge one or a non-number is a wrong payload.
        raise Refused("invalid", f"minutes must be a number, at most {most}")
    else:
        extend_ms = 0
    try:
        moved = clocks.apply(current, str(action), script.planned, now, extend_ms)
    except clocks.ClockError as exc:
        raise Refused("invalid", str(exc)) from None
    seq = rs.set_clock(review["id"], moved.to_dict())
    return moved.to_dict(), seq


def schedule(review: dict, script: ReviewScript) -> list[dict]:
    """The days' items with their state on the clock, for the console and the notebook."""
    clock = clocks.Clock.from_dict(review["clock"])
    items = []
    for index, slot in enumerate(script.schedule):
        state = "done" if index < clock.index else "current" if index == clock.index else "later"
        items.append({"index": index, "day": slot.day, "title": slot.title, "minutes": slot.minutes,
                      "feedback": slot.feedback, "actions": slot.actions, "state": state})
    return items


def clock_view(review: dict, script: ReviewScript, now: int) -> dict:
    clock = clocks.Clock.from_dict(review["clock"])
    slot = script.schedule[clock.index]
    return {**clock.to_dict(), "title": slot.title, "day": slot.day, "server_now": now}
