"""Critical incidents: significant and immediate risk found during the visit, raised at once by
any team member, recorded with the template's fields and signed by the lead and by the host.
An incident stays in the review's own record: only an explicit internal export carries it."""

from __future__ import annotations

from ..core.errors import Refused
from ..core.checks import client_id, text
from .store import ReviewStore


def raise_incident(rs: ReviewStore, review: dict, role: str, payload, now: int) -> tuple[dict, int | None]:
    if not isinstance(payload, dict):
        raise Refused("invalid", "an incident is an object with id, nature and evidence")
    row = {"id": client_id(payload), "review_id": review["id"], "role": role,
           "nature": text(payload, "nature", 4000, "The nature of the incident"),
           "evidence": text(payload, "evidence", 4000, "The evidence", required=False),
           "immediate_action": text(payload, "immediate_action", 4000, "Action taken at once", required=False),
           "identified_at": text(payload, "identified_at", 40, "When it was identified", required=False),
           "raised_at": "", "host_action": "", "lead_signed_ms": None, "host_signed_ms": None, "created_ms": now}
    stored, seq = rs.add_incident(row)
    if seq is None and stored["review_id"] != review["id"]:
        raise Refused("invalid", "that id is already used")
    return stored, seq


def shown(incident: dict) -> dict:
    """An incident as the lead's screens list it, with where its signatures stand in words."""
    signed = incident["lead_signed_ms"] and incident["host_signed_ms"]
    return {**incident, "status": "signed by both" if signed else "to be signed"}


def get(rs: ReviewStore, review: dict, incident_id: str) -> dict:
    found = rs.incident(review["id"], incident_id)
    if found is None:
        raise Refused("not_found", "no such incident in this review")
    return found


def record(rs: ReviewStore, review: dict, incident_id: str, form) -> dict:
    """The lead completes the record: when it was raised with the host, and what the host will do."""
    incident = get(rs, review, incident_id)
    if incident["lead_signed_ms"] or incident["host_signed_ms"]:
        raise Refused("signed", "a signed incident record cannot change")
    changes = {"raised_at": text(form, "raised_at", 40, "When it was raised with the host", required=False),
               "host_action": text(form, "host_action", 4000, "Action to be taken by the host", required=False)}
    stored, _ = rs.record_incident(review["id"], incident["id"], changes)
    return stored


def sign(rs: ReviewStore, review: dict, incident_id: str, by: str, now: int) -> dict:
    incident = get(rs, review, incident_id)
    if not incident["raised_at"] or not incident["host_action"]:
        raise Refused("invalid", "record when it was raised with the host and the host's action before signing")
    if incident[f"{by}_signed_ms"]:
        raise Refused("signed", "already signed")
    stored, _ = rs.sign_incident(review["id"], incident["id"], by, now)
    return stored
