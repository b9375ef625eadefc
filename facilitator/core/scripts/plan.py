"""A script's planning timeline: the steps before the fieldwork (seed 001's table, 004's lead-in),
each with who does it, where, and the window of weeks before the first day on site it falls in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .reader import Reader

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class PlanStep:
    key: str
    what: str
    who: tuple[str, ...]  # the people who do it, as the seeds name them ("Host DCS")
    where: str
    earliest_weeks: int  # the window opens this many weeks before the fieldwork
    latest_weeks: int    # and closes this many weeks before it: the step is due by then


def steps(r: Reader, data: dict) -> tuple[PlanStep, ...]:
    """The script's `[[plan]]` steps, checked, in the order they are listed."""
    found = tuple(_step(r, i, t) for i, t in enumerate(r.get(data, "plan", list, "", default=[])))
    keys = [s.key for s in found]
    if len(set(keys)) != len(keys):
        r.fail("plan", "uses the same key twice")
    return found


def _step(r: Reader, i: int, table) -> PlanStep:
    where = f"plan[{i}]."
    if not isinstance(table, dict):
        r.fail(f"plan[{i}]", "must be a table")
    r.unknown(table, {"key", "what", "who", "where", "weeks_before"}, where)
    key = r.get(table, "key", str, where, required=True)
    if not KEY.match(key):
        r.fail(where + "key", "must be a short lower-case name such as \"reading_pack\"")
    who = r.strings(table, "who", where, required=True)
    if not who:
        r.fail(where + "who", "must name at least one person")
    weeks = r.get(table, "weeks_before", list, where, required=True)
    if len(weeks) != 2 or not all(isinstance(w, int) and not isinstance(w, bool) and 0 <= w <= 52 for w in weeks) \
            or weeks[0] > weeks[1]:
        r.fail(where + "weeks_before", "must be [fewest, most] weeks before the fieldwork, each from 0 to 52")
    return PlanStep(key, r.get(table, "what", str, where, required=True), who,
                    r.get(table, "where", str, where, default=""), weeks[1], weeks[0])
