"""Checks on what a person or a device sends: one clear refusal for anything out of shape, and
text made storable before anything else looks at it."""

from __future__ import annotations

import re
import unicodedata
import uuid

from .errors import Refused

YES_NO = {"Y": 1, "N": 0, "": None}
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # half of an emoji, cut off: SQLite cannot store it
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, newline and return stay
INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"}  # nothing a reader can see on its own


def encodable(value):
    """A payload with every string in it storable: each lone surrogate, in keys and values at any
    depth, becomes U+FFFD. ASCII text, nearly all of it, is passed over at once."""
    if isinstance(value, str):
        return value if value.isascii() else LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {encodable(k): encodable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [encodable(v) for v in value]
    return value


def cleaned(value: str) -> str:
    """Text with broken characters replaced and control characters dropped, trimmed."""
    return CONTROL.sub("", LONE_SURROGATE.sub("\ufffd", value)).strip()


def plain(value, field: str = "text") -> str:
    """Text as a person typed it: cleaned, and not only invisible characters."""
    if not isinstance(value, str):
        raise Refused("invalid", f"{field} must be text")
    value = cleaned(value)
    if all(c.isspace() or unicodedata.category(c) in INVISIBLE for c in value):
        raise Refused("invalid", f"{field} is empty")
    return value


def text(payload, key: str, limit: int, label: str, required: bool = True) -> str:
    """A form's or a payload's text field, cleaned, within `limit` characters."""
    value = payload.get(key) if isinstance(payload, dict) or hasattr(payload, "get") else None
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Refused("invalid", f"{label} must be text")
    value = cleaned(value.replace("\r\n", "\n").replace("\r", "\n"))  # a browser's textarea sends CRLF
    if required and not value:
        raise Refused("invalid", f"{label} is required")
    if len(value) > limit:
        raise Refused("invalid", f"{label} is longer than {limit} characters")
    return value


def client_id(payload) -> str:
    """A client-made UUID: the phone names what it sends, so a resend is recognised."""
    value = payload.get("id") if isinstance(payload, dict) else None
    try:
        return str(uuid.UUID(str(value))) if isinstance(value, str) and len(value) == 36 else _bad_id()
    except ValueError:
        return _bad_id()


def _bad_id():
    raise Refused("invalid", "id must be a UUID made by the sending device")


def yes_no(value, label: str):
    if value not in YES_NO:
        raise Refused("invalid", f"{label} must be Y or N")
    return YES_NO[value]


def lines_of(value: str) -> list[str]:
    """A textarea's non-empty lines, with any leading list number dropped."""
    return [re.sub(r"^\s*\d+[.)]\s*", "", line).strip() for line in value.splitlines() if line.strip()]


def minutes(value, most: int = 60) -> int:
    """Minutes to add to a clock, as milliseconds, checked as a number in range before any
    arithmetic is done with it (a huge one would overflow, NaN passes every comparison)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Refused("invalid", "minutes must be a number")
    if not 0 < value <= most:  # also false for NaN
        raise Refused("not_now", f"an extension must be more than 0 and at most {most} minutes")
    return int(value * 60_000)
