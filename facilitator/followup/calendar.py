"""Calendar entries (iCalendar, RFC 5545) for a review of impact's due date: one for the host and
one for the visiting lead, as all-day events that any calendar program imports."""

from __future__ import annotations

from datetime import date as Date, datetime, timedelta, timezone

from .sources import Engagement

PRODID = "-//The facilitator//Review of impact//EN"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space."""
    out, raw = [], line.encode("utf-8")
    while len(raw) > 75:
        cut = 75 if not out else 74
        while cut and (raw[cut] & 0xC0) == 0x80:  # never split a character
            cut -= 1
        out.append(raw[:cut].decode())
        raw = raw[cut:]
    out.append(raw.decode())
    return [out[0]] + [" " + x for x in out[1:]]


def events(e: Engagement, due: Date, now_ms: int, host_link: str | None = None) -> str:
    """An .ics file with the host's event and the visiting lead's, on the due date."""
    stamp = datetime.fromtimestamp(now_ms / 1000, tz=timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    visitors = ", ".join(e.visiting) or "the visiting authority"
    entries = [
        ("host", f"Review of impact due: {e.host}",
         f"{e.host}'s review of impact after '{e.title}' ({e.date}) is due: progress on the improvement "
         f"journey, what became of each ask and offer, and measurable evidence of impact."
         + (f"\nComplete it at {host_link}" if host_link else "")),
        ("visiting", f"Review of impact due from {e.host} (visiting lead)",
         f"As visiting lead ({visitors}) after '{e.title}' ({e.date}): {e.host}'s review of impact is due. "
         f"Timetable the return visit after it is submitted."),
    ]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for role, summary, description in entries:
        lines += ["BEGIN:VEVENT", f"UID:{e.source}-{e.ref}-{_slug(e.host)}-{role}@facilitator", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{due:%Y%m%d}", f"DTEND;VALUE=DATE:{due + timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{_escape(summary)}", f"DESCRIPTION:{_escape(description)}",
                  "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(x for line in lines for x in _fold(line)) + "\r\n"


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
