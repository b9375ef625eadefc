"""The planning timeline of a review: the script's steps before the fieldwork turned into dates
from the first day on site, what is done, due or overdue for each person, and their calendar.

A step's window opens `earliest_weeks` before the fieldwork and closes `latest_weeks` before it:
it is due within the window and overdue once the window has closed and it is not marked done.
"""

from __future__ import annotations

from datetime import date as Date, timedelta

from ..core.errors import Refused
from ..core.scripts.review import ReviewScript
from ..writers import ics
from .store import ReviewStore

DONE, OVERDUE, DUE, LATER = "done", "overdue", "due", "later"
WORDS = {DONE: "Done", OVERDUE: "Overdue", DUE: "Due now", LATER: "Later"}
MARKERS = ("lead", "host")


def timeline(script: ReviewScript, review: dict, done: dict[str, dict], today: Date) -> list[dict]:
    """Each step with its window as dates, its state and, once done, who marked it and when."""
    start = Date.fromisoformat(review["start_date"])
    out = []
    for s in script.plan:
        opens, closes = start - timedelta(weeks=s.earliest_weeks), start - timedelta(weeks=s.latest_weeks)
        mark = done.get(s.key)
        state = DONE if mark else OVERDUE if today > closes else DUE if today >= opens else LATER
        out.append({"key": s.key, "what": s.what, "who": list(s.who), "where": s.where, "opens": opens,
                    "closes": closes, "weeks": _weeks(s.earliest_weeks, s.latest_weeks), "state": state,
                    "state_words": WORDS[state], "done_by": mark and mark["done_by"], "done_ms": mark and mark["done_ms"]})
    return out


def people(script: ReviewScript) -> list[str]:
    """Everyone the timeline names, in the order they first appear."""
    return list(dict.fromkeys(p for s in script.plan for p in s.who))


def of_person(steps: list[dict], person: str | None) -> list[dict]:
    return [s for s in steps if person is None or person in s["who"]]


def counts(steps: list[dict]) -> dict[str, int]:
    return {state: sum(1 for s in steps if s["state"] == state) for state in (OVERDUE, DUE, DONE, LATER)}


def mark(rs: ReviewStore, review: dict, script: ReviewScript, step: str, done: bool, by: str, now: int) -> int:
    """Mark a step done (or not done after all), by the lead or the host."""
    if by not in MARKERS:
        raise Refused("forbidden", "only the lead or the host marks the planning timeline")
    if step not in {s.key for s in script.plan}:
        raise Refused("not_found", "no such step in this review's planning timeline")
    return rs.mark_step(review["id"], step, by if done else None, now)


def calendar(review: dict, steps: list[dict], person: str, now_ms: int) -> str:
    """One person's steps as an .ics file: each on the day its window closes, what and where said."""
    events = [ics.Event(f"{review['id']}-plan-{s['key']}", s["closes"], f"{s['what']} ({review['title']})",
                        f"Due by {s['closes']:%-d %B %Y}, {s['weeks']} the fieldwork. With: {', '.join(s['who'])}."
                        + (f" Where: {s['where']}." if s["where"] else ""))
              for s in of_person(steps, person)]
    return ics.calendar(events, now_ms, "Planning timeline")


def _weeks(earliest: int, latest: int) -> str:
    if earliest == latest:
        return f"{earliest} week{'s' if earliest != 1 else ''} before" if earliest else "the week of"
    return f"{latest} to {earliest} weeks before"
