"""An unannounced visit (seed 003): "genuinely unannounced, with the exception of the Host DCS who
receives limited notice of the visit window". The host is told the window's first and last days;
the first day on site is the team's alone, set at set-up or later by the lead, and no page, copy
or calendar of the host's holds it, nor any date counted from it."""

from __future__ import annotations

from datetime import date as Date

from ..core.errors import Refused
from ..core.scripts.review import ReviewScript
from .store import ReviewStore

FIELDS = ("window_first", "window_last")


def windowed(review: dict) -> bool:
    return bool(review.get("window_first"))


def span(review: dict) -> tuple[Date, Date]:
    return Date.fromisoformat(review["window_first"]), Date.fromisoformat(review["window_last"])


def first_day(review: dict) -> Date | None:
    """The first day on site, if it is set (a windowed review's may not be yet)."""
    return Date.fromisoformat(review["start_date"]) if review.get("start_date") else None


def words(review: dict) -> str:
    """'1 February to 31 March 2027'."""
    first, last = span(review)
    return f"{first:%-d %B}{f' {first:%Y}' if first.year != last.year else ''} to {last:%-d %B %Y}"


def hides_date(review: dict, host: bool) -> bool:
    """Whether a page or copy for this viewer must keep to the window: the host's, of a windowed review."""
    return host and windowed(review)


def kept_from(review: dict) -> Date:
    """The day a review's keeping is counted from: a windowed one's last day of the window, which the
    host may see counted (and which holds before the first day is set); else the first day on site."""
    return span(review)[1] if windowed(review) else Date.fromisoformat(review["start_date"])


def read(script: ReviewScript, form) -> dict:
    """The window and first day on site a set-up form gives, checked: refused in one line, nothing kept.
    The script bounds the window's length: a host is given limited notice, not a season."""
    first, last = _day(form, "window_first", "first"), _day(form, "window_last", "last")
    if last < first:
        raise Refused("invalid", "the visit window's last day must be on or after its first day")
    if (last - first).days + 1 > script.window_weeks * 7:
        raise Refused("invalid", f"the visit window must be at most {script.window_weeks} weeks long")
    start = _start(form, first, last)
    return {"window_first": first.isoformat(), "window_last": last.isoformat(),
            "start_date": start.isoformat() if start else ""}


def set_start(rs: ReviewStore, review: dict, form) -> int:
    """The lead sets (or moves) the first day on site, inside the window."""
    if not windowed(review):
        raise Refused("invalid", "this review's first day on site was set with it")
    start = _start(form, *span(review))
    if start is None:
        raise Refused("invalid", "the first day on site must be a date, YYYY-MM-DD")
    return rs.set_start_date(review["id"], start.isoformat())


def _day(form, field: str, which: str) -> Date:
    try:
        return Date.fromisoformat(form.get(field) or "")
    except ValueError:
        raise Refused("invalid", f"the visit window's {which} day must be a date, YYYY-MM-DD") from None


def _start(form, first: Date, last: Date) -> Date | None:
    """The first day on site the form gives, within the window; none if left blank."""
    given = (form.get("start_date") or "").strip()
    if not given:
        return None
    try:
        start = Date.fromisoformat(given)
    except ValueError:
        raise Refused("invalid", "the first day on site must be a date, YYYY-MM-DD, or left blank") from None
    if not first <= start <= last:
        raise Refused("invalid", "the first day on site must fall within the visit window")
    return start
