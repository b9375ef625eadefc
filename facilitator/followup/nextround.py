"""Copy into the next round: a new day or review with the same authorities (or host), script and
title with its round moved on, on the date the organiser gives, and nothing else of the old one:
no contributions, notes, members, names or links."""

from __future__ import annotations

import re
from datetime import date as Date

from ..core.errors import Refused
from ..review import visit

ROUND = re.compile(r"\b(round|cycle)(\s+)(\d+)\b", re.I)


def next_title(title: str) -> str:
    """'Triad round 2' becomes 'Triad round 3'; a title naming no round gains '(next round)'."""
    if ROUND.search(title):
        return ROUND.sub(lambda m: f"{m.group(1)}{m.group(2)}{int(m.group(3)) + 1}", title, count=1)
    return title if title.endswith("(next round)") else f"{title} (next round)"


def _date(form, key: str, after: Date | None, what: str) -> str:
    try:
        on = Date.fromisoformat(form.get(key) or "")
    except ValueError:
        raise Refused("invalid", f"give the next round's {what} as a date, YYYY-MM-DD: nothing was copied") from None
    if after and on <= after:
        raise Refused("invalid", f"the next round's {what} must come after this round's ({after:%-d %B %Y}): nothing was copied")
    return on.isoformat()


def copy_day(engine, day: dict, form, now: int) -> dict:
    on = _date(form, "date", Date.fromisoformat(day["date"]), "date")
    return engine.create_day(next_title(day["title"]), on, list(day["authorities"]), day["script"],
                             day.get("start_time"), now)


def copy_review(rs, scripts: dict, review: dict, form, now: int) -> dict:
    script = scripts[review["script"]]
    last = Date.fromisoformat(review["window_last"] if review.get("window_first") else review["start_date"]) \
        if (review.get("window_first") or review.get("start_date")) else None
    fields = {"script": script.id, "host": review["host"], "title": next_title(review["title"])[:200]}
    if script.windowed:
        fields["window_first"] = _date(form, "window_first", last, "window's first day")
        fields["window_last"] = _date(form, "window_last", last, "window's last day")
        fields["start_date"] = (form.get("start_date") or "").strip()
    else:
        fields["start_date"] = _date(form, "start_date", last, "first day on site")
    return visit.create(rs, scripts, fields, list(review.get("themes") or []), now)
