"""The planning timeline of a review: the script's steps before the fieldwork turned into dates
from their anchor (the first day on site, or an unannounced visit's first day of the window), what
is done, due or overdue for each person, and their calendar.

A step's span opens `earliest` days or weeks before its anchor and closes `latest` before it: it is
due within the span and overdue once the span has closed and it is not marked done. A step whose
anchor is not set yet (a first day on site still to come) has no dates. The host of an unannounced
visit never sees a step measured from the first day on site: its dates would give the day away.
"""

from __future__ import annotations

from datetime import date as Date, timedelta

from ..core.errors import Refused
from ..core.scripts.plan import FIELDWORK, WINDOW, PlanStep
from ..core.scripts.review import ReviewScript
from ..writers import ics
from . import window
from .store import ReviewStore

DONE, OVERDUE, DUE, LATER, UNSET = "done", "overdue", "due", "later", "unset"
WORDS = {DONE: "Done", OVERDUE: "Overdue", DUE: "Due now", LATER: "Later", UNSET: "Not dated yet"}
MARKERS = ("lead", "host")
ANCHOR_WORDS = {FIELDWORK: "the fieldwork", WINDOW: "the visit window opens"}


def visible(script: ReviewScript, review: dict, host: bool) -> tuple[PlanStep, ...]:
    """The steps this viewer may see: all of them, but to a windowed review's host only the window's."""
    if not window.hides_date(review, host):
        return script.plan
    return tuple(s for s in script.plan if s.measured_from == WINDOW)


def timeline(script: ReviewScript, review: dict, done: dict[str, dict], today: Date, host: bool = False) -> list[dict]:
    """Each step with its span as dates, its state and, once done, who marked it and when."""
    anchors = _anchors(review)
    return [_dated(s, anchors[s.measured_from], done.get(s.key), today) for s in visible(script, review, host)]


def _anchors(review: dict) -> dict[str, Date | None]:
    return {FIELDWORK: window.first_day(review), WINDOW: window.span(review)[0] if window.windowed(review) else None}


def _dated(s: PlanStep, anchor: Date | None, mark: dict | None, today: Date) -> dict:
    opens = closes = None
    if anchor is not None:
        opens, closes = anchor - timedelta(days=s.earliest_days), anchor - timedelta(days=s.latest_days)
    state = DONE if mark else UNSET if anchor is None else OVERDUE if today > closes else DUE if today >= opens else LATER
    return {"key": s.key, "what": s.what, "who": list(s.who), "where": s.where, "opens": opens, "closes": closes,
            "before": _before(s), "state": state, "state_words": WORDS[state],
            "done_by": mark and mark["done_by"], "done_ms": mark and mark["done_ms"]}


def people(steps: tuple[PlanStep, ...]) -> list[str]:
    """Everyone the steps name, in the order they first appear."""
    return list(dict.fromkeys(p for s in steps for p in s.who))


def of_person(steps: list[dict], person: str | None) -> list[dict]:
    return [s for s in steps if person is None or person in s["who"]]


def counts(steps: list[dict]) -> dict[str, int]:
    return {state: sum(1 for s in steps if s["state"] == state) for state in (OVERDUE, DUE, DONE, LATER, UNSET)}


def mark(rs: ReviewStore, review: dict, script: ReviewScript, step: str, done: bool, by: str, now: int) -> int:
    """Mark a step done (or not done after all), by the lead or the host."""
    if by not in MARKERS:
        raise Refused("forbidden", "only the lead or the host marks the planning timeline")
    if step not in {s.key for s in visible(script, review, by == "host")}:
        raise Refused("not_found", "no such step in this review's planning timeline")
    return rs.mark_step(review["id"], step, by if done else None, now)


def calendar(review: dict, steps: list[dict], person: str, now_ms: int) -> str:
    """One person's dated steps as an .ics file: each on the day its span closes, what and where said."""
    events = [ics.Event(f"{review['id']}-plan-{s['key']}", s["closes"], f"{s['what']} ({review['title']})",
                        f"Due by {s['closes']:%-d %B %Y}, {s['before']}. With: {', '.join(s['who'])}."
                        + (f" Where: {s['where']}." if s["where"] else ""))
              for s in of_person(steps, person) if s["closes"] is not None]
    return ics.calendar(events, now_ms, "Planning timeline")


def file_day(review: dict, host: bool) -> str:
    """The date a calendar file is named by: the window's first day where the host must not learn more."""
    return review["window_first"] if window.hides_date(review, host) or not review["start_date"] else review["start_date"]


def _before(s: PlanStep) -> str:
    """'14 to 18 weeks before the fieldwork', 'the day before the fieldwork'."""
    anchor, unit = ANCHOR_WORDS[s.measured_from], s.unit[:-1]
    if s.earliest == s.latest == 0:
        return f"the {unit} of {anchor}" if s.unit == "weeks" else f"on the first day of {anchor}"
    if s.earliest == s.latest == 1:
        return f"the {unit} before {anchor}"
    if s.earliest == s.latest:
        return f"{s.earliest} {s.unit} before {anchor}"
    return f"{s.latest} to {s.earliest} {s.unit} before {anchor}"
