"""Calendar files (iCalendar, RFC 5545) of all-day events, which any calendar program imports.

A file is meant for one person: whatever link an event carries is that person's, so a file is
never written for two people at once (a host's link agrees, declines and uploads for the host).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date, datetime, timedelta, timezone


@dataclass(frozen=True)
class Event:
    uid: str          # stable, so a second import updates the entry instead of adding one
    day: Date
    summary: str
    description: str
    last: Date | None = None  # the last day of an event of several days; None for one day


def calendar(events: list[Event], now_ms: int, product: str) -> str:
    """The text of an .ics file holding `events`, stamped at `now_ms`."""
    stamp = datetime.fromtimestamp(now_ms / 1000, tz=timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//The facilitator//{product}//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    for e in events:
        lines += ["BEGIN:VEVENT", f"UID:{e.uid}@facilitator", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{e.day:%Y%m%d}", f"DTEND;VALUE=DATE:{(e.last or e.day) + timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{escape(e.summary)}", f"DESCRIPTION:{escape(e.description)}",
                  "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(x for line in lines for x in fold(line)) + "\r\n"


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as \\n, other controls dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c for c in text if c == "\n" or c >= " " and c != "\x7f")
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space, never inside a character."""
    out, raw = [], line.encode("utf-8")
    while len(raw) > (75 if not out else 74):
        cut = 75 if not out else 74
        while cut and (raw[cut] & 0xC0) == 0x80:
            cut -= 1
        out.append(raw[:cut].decode())
        raw = raw[cut:]
    out.append(raw.decode())
    return [out[0]] + [" " + x for x in out[1:]]


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
