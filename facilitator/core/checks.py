"""Checks on what a person or a device sends: one clear refusal for anything out of shape."""

from __future__ import annotations

import re
import uuid

from .errors import Refused

YES_NO = {"Y": 1, "N": 0, "": None}


def text(payload, key: str, limit: int, label: str, required: bool = True) -> str:
    value = payload.get(key) if isinstance(payload, dict) or hasattr(payload, "get") else None
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Refused("invalid", f"{label} must be text")
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()  # a browser's textarea sends CRLF
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
