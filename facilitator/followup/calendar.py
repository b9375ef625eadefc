"""Calendar entries for a review of impact: one file for the host, carrying the host's own link,
and another for the visiting lead, carrying none (the host's link is the host's key). The date is
the one the host chose; until it chooses, the earliest date it may hold one, worded as a choice."""

from __future__ import annotations

from datetime import date as Date

from ..writers.ics import Event, calendar, slug
from .sources import Engagement

PEOPLE = ("host", "visiting-lead")  # whom a file is for, as its address names them
PRODUCT = "Review of impact"


def for_host(e: Engagement, on: Date, chosen: bool, now_ms: int, host_link: str | None = None) -> str:
    """The host's .ics: its review of impact on the date it chose, or the day from which it may choose."""
    if chosen:
        title = f"Review of impact: {e.host}"
        what = (f"{e.host}'s review of impact after '{e.title}' ({e.date}), on the date it chose: progress on "
                "the improvement journey, what became of each ask and offer, and measurable evidence of impact.")
    else:
        title = f"Review of impact: {e.host} may choose when"
        what = (f"From today {e.host} may hold its review of impact after '{e.title}' ({e.date}), at its "
                "discretion: choose a date, or that there will be none.")
    return calendar([Event(f"{e.source}-{e.ref}-{slug(e.host)}-host", on, title,
                           what + (f"\nChoose or complete it at {host_link}" if host_link else ""))], now_ms, PRODUCT)


def for_visiting_lead(e: Engagement, on: Date, chosen: bool, now_ms: int) -> str:
    """The visiting lead's .ics: the same date, what to do after it, and no link of the host's."""
    visitors = ", ".join(e.visiting) or "the visiting authority"
    if chosen:
        title, what = f"Review of impact: {e.host} (visiting lead)", f"{e.host}'s review of impact is planned for today."
    else:
        title = f"Review of impact: {e.host} may choose when (visiting lead)"
        what = f"From today {e.host} may hold its review of impact, if it chooses to."
    return calendar([Event(
        f"{e.source}-{e.ref}-{slug(e.host)}-visiting", on, title,
        f"As visiting lead ({visitors}) after '{e.title}' ({e.date}): {what} "
        f"Timetable the return visit after it is submitted.")], now_ms, PRODUCT)
