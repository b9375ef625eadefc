"""Serious concerns: a significant and immediate risk seen during the day (seeds/003's critical
incident), raised at once from any phone, recorded with the host's response and signed by the
facilitator and by the host authority.

A concern names authorities, never people: the authority it is about and the part of whoever
raised it (an authority, an observer, the facilitator). Only the facilitator and the authority it
is about ever see it, and no open export carries it. No I/O.
"""

from __future__ import annotations

from datetime import datetime

from ..core.checks import client_id, text
from ..core.errors import Refused
from ..core.scripts.day import Item

MAX_TEXT = 4000
SIGNED = {"facilitator": "facilitator_signed_ms", "host": "host_signed_ms"}


def new(day: dict, item: Item, raised_by: str, payload, now: int) -> dict:
    """The row to store for a concern just raised; it is about the presenting authority unless
    the sender names another of the day's authorities."""
    if not isinstance(payload, dict):
        raise Refused("invalid", "a concern is an object with id, authority and nature")
    authority = payload.get("authority") or item.presenter
    if not isinstance(authority, str) or authority not in day["authorities"]:
        raise Refused("invalid", "say which of the day's authorities the concern is about")
    return {"id": client_id(payload), "day_id": day["id"], "authority": authority, "raised_by": raised_by,
            "nature": text(payload, "nature", MAX_TEXT, "The nature of the concern"),
            "seen": text(payload, "seen", MAX_TEXT, "What was seen", required=False),
            "immediate_action": text(payload, "immediate_action", MAX_TEXT, "The action taken at once",
                                     required=False),
            "host_response": "", "created_ms": now, "facilitator_signed_ms": None, "host_signed_ms": None}


def response(concern: dict, payload) -> dict:
    """The host's response, as the host or the facilitator records it, until the record is signed."""
    if concern["facilitator_signed_ms"] or concern["host_signed_ms"]:
        raise Refused("not_now", "a signed record cannot change")
    return {"host_response": text(payload, "response", MAX_TEXT, "The host's response")}


def signature(concern: dict, by: str, now: int) -> dict:
    """One signature: the host's response must be on the record first, and each signs once."""
    if not concern["host_response"]:
        raise Refused("not_now", "record the host's response before signing")
    if concern[SIGNED[by]]:
        raise Refused("not_now", "already signed")
    return {SIGNED[by]: now}


def signer(concern: dict, by: dict) -> str:
    """Who is signing: the facilitator, or a phone of the authority the concern is about."""
    if by.get("facilitator"):
        return "facilitator"
    if by.get("authority") != concern["authority"]:
        raise Refused("forbidden", "only the facilitator and the authority the concern is about may do this")
    return "host"


def shown(concern: dict) -> dict:
    """A concern as the facilitator's console and the host's phones show it, times in words."""
    return {**{k: concern[k] for k in ("id", "authority", "raised_by", "nature", "seen", "immediate_action",
                                       "host_response", "created_ms", "facilitator_signed_ms", "host_signed_ms")},
            "raised_at": readable(concern["created_ms"]),
            "facilitator_signed_at": readable(concern["facilitator_signed_ms"]),
            "host_signed_at": readable(concern["host_signed_ms"]),
            "signed": bool(concern["facilitator_signed_ms"] and concern["host_signed_ms"])}


def readable(ms: int | None) -> str:
    """An epoch-ms time in the server's local time, as a record would write it: 14:05 on 22 November 2026."""
    if ms is None:
        return ""
    at = datetime.fromtimestamp(ms / 1000)
    return f"{at:%H:%M} on {at.day} {at:%B %Y}"
