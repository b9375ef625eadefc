"""A script's planning timeline: the steps before the fieldwork (seed 001's table, 004's lead-in,
003's visit window), each with who does it, where, and the span before its anchor it falls in.

A step is measured from the first day on site, or (an unannounced visit's) from the first day of
the visit window, in weeks or in days: "the day before the visit" is one day before the first day.
A meeting among the steps (a planning discussion, a pre-meeting) may list what it `agree`s: its
notes and agreements are then recorded on the timeline (seed 001 paragraphs 15 and 30)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .reader import Reader

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
FIELDWORK, WINDOW = "fieldwork", "window"
UNITS = {"weeks_before": ("weeks", 7, 52), "days_before": ("days", 1, 366)}  # field: unit, days in one, most


@dataclass(frozen=True)
class PlanStep:
    key: str
    what: str
    who: tuple[str, ...]  # the people who do it, as the seeds name them ("Host DCS")
    where: str
    earliest: int  # the span opens this many units before its anchor
    latest: int    # and closes this many before it: the step is due by then
    unit: str = "weeks"  # or "days"
    measured_from: str = FIELDWORK  # or WINDOW: the first day of the visit window
    agree: tuple[str, ...] | None = None  # a meeting's record: what it agrees, by heading (None: no record)

    @property
    def earliest_days(self) -> int:
        return self.earliest * (7 if self.unit == "weeks" else 1)

    @property
    def latest_days(self) -> int:
        return self.latest * (7 if self.unit == "weeks" else 1)


def steps(r: Reader, data: dict, windowed: bool = False) -> tuple[PlanStep, ...]:
    """The script's `[[plan]]` steps, checked, in the order they are listed; a step may be measured
    from the visit window only in a script whose visit is announced by one."""
    found = tuple(_step(r, i, t, windowed) for i, t in enumerate(r.get(data, "plan", list, "", default=[])))
    keys = [s.key for s in found]
    if len(set(keys)) != len(keys):
        r.fail("plan", "uses the same key twice")
    return found


def _step(r: Reader, i: int, table, windowed: bool) -> PlanStep:
    where = f"plan[{i}]."
    if not isinstance(table, dict):
        r.fail(f"plan[{i}]", "must be a table")
    r.unknown(table, {"key", "what", "who", "where", "weeks_before", "days_before", "from", "agree"}, where)
    key = r.get(table, "key", str, where, required=True)
    if not KEY.match(key):
        r.fail(where + "key", "must be a short lower-case name such as \"reading_pack\"")
    who = r.strings(table, "who", where, required=True)
    if not who:
        r.fail(where + "who", "must name at least one person")
    unit, earliest, latest = _span(r, table, where)
    measured_from = r.get(table, "from", str, where, default=FIELDWORK)
    if measured_from not in (FIELDWORK, WINDOW):
        r.fail(where + "from", f"must be \"{FIELDWORK}\" or \"{WINDOW}\", not '{measured_from}'")
    if measured_from == WINDOW and not windowed:
        r.fail(where + "from", "is \"window\" but the script's [visit] has no window_weeks")
    agree = r.strings(table, "agree", where) if "agree" in table else None
    if agree is not None and len(set(agree)) != len(agree):
        r.fail(where + "agree", "names the same agreement twice")
    return PlanStep(key, r.get(table, "what", str, where, required=True), who,
                    r.get(table, "where", str, where, default=""), earliest, latest, unit, measured_from, agree)


def _span(r: Reader, table: dict, where: str) -> tuple[str, int, int]:
    """The one of weeks_before and days_before the step gives: [fewest, most] before its anchor."""
    given = [f for f in UNITS if f in table]
    if len(given) != 1:
        r.fail(where + "weeks_before", "give one of weeks_before and days_before, as [fewest, most]")
    field = given[0]
    unit, _, most = UNITS[field]
    span = r.get(table, field, list, where, required=True)
    if len(span) != 2 or not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= most for n in span) \
            or span[0] > span[1]:
        r.fail(where + field, f"must be [fewest, most] {unit} before, each from 0 to {most}")
    return unit, span[1], span[0]
