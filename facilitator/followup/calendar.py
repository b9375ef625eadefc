"""Calendar entries for a review of impact's due date: one file for the host, carrying the host's
own link, and another for the visiting lead, carrying none (the host's link is the host's key)."""

from __future__ import annotations

from datetime import date as Date

from ..writers.ics import Event, calendar, slug
from .sources import Engagement

PEOPLE = ("host", "visiting-lead")  # whom a file is for, as its address names them
PRODUCT = "Review of impact"


def for_host(e: Engagement, due: Date, now_ms: int, host_link: str | None = None) -> str:
    """The host's .ics: its review of impact due, with the link that completes it."""
    return calendar([Event(
        f"{e.source}-{e.ref}-{slug(e.host)}-host", due, f"Review of impact due: {e.host}",
        f"{e.host}'s review of impact after '{e.title}' ({e.date}) is due: progress on the improvement "
        f"journey, what became of each ask and offer, and measurable evidence of impact."
        + (f"\nComplete it at {host_link}" if host_link else ""))], now_ms, PRODUCT)


def for_visiting_lead(e: Engagement, due: Date, now_ms: int) -> str:
    """The visiting lead's .ics: the same date, what to do after it, and no link of the host's."""
    visitors = ", ".join(e.visiting) or "the visiting authority"
    return calendar([Event(
        f"{e.source}-{e.ref}-{slug(e.host)}-visiting", due, f"Review of impact due from {e.host} (visiting lead)",
        f"As visiting lead ({visitors}) after '{e.title}' ({e.date}): {e.host}'s review of impact is due. "
        f"Timetable the return visit after it is submitted.")], now_ms, PRODUCT)
