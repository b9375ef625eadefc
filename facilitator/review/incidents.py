"""Critical incidents: significant and immediate risk found during the visit, raised at once by
any team member, recorded on the handbook's form and signed by the lead and by the Host DCS.
An incident stays in the review's own record: only an explicit internal export carries it."""

from __future__ import annotations

from datetime import datetime

from ..core.checks import client_id, text
from ..core.errors import Refused
from ..core.scripts.review import ReviewScript
from .letter import _dates, visit_days
from .store import ReviewStore

# In a peer challenge review and in a safeguarding assurance visit alike, the lead raises a critical
# incident with the Host DCS (not the host AD a visit otherwise deals with): the handbook says so for both.
RAISED_WITH = "Host DCS"
MOMENT = "%Y-%m-%d %H:%M"  # how a date and time is kept; it is always shown in words
RECORD_FIELDS = ("host_dcs", "peer_dcs", "headline", "raised_at", "host_action")


def raise_incident(rs: ReviewStore, review: dict, role: str, payload, now: int) -> tuple[dict, int | None]:
    if not isinstance(payload, dict):
        raise Refused("invalid", "an incident is an object with id, nature and evidence")
    row = {"id": client_id(payload), "review_id": review["id"], "role": role,
           "nature": text(payload, "nature", 4000, "The nature of the incident"),
           "evidence": text(payload, "evidence", 4000, "The evidence", required=False),
           "immediate_action": text(payload, "immediate_action", 4000, "Action taken at once", required=False),
           # Left blank, it was identified as it was raised: the server's clock, never the phone's.
           "identified_at": moment(payload, "identified_at", "When it was identified") or _kept(now),
           "raised_at": "", "host_action": "", "lead_signed_ms": None, "host_signed_ms": None, "created_ms": now}
    stored, seq = rs.add_incident(row)
    if seq is None and stored["review_id"] != review["id"]:
        raise Refused("invalid", "that id is already used")
    return stored, seq


def moment(form, key: str, label: str) -> str:
    """A date and time as a form's datetime-local field sends it, kept as `MOMENT`; blank stays blank."""
    value = text(form, key, 40, label, required=False)
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value.replace(" ", "T")).strftime(MOMENT)
    except ValueError:
        raise Refused("invalid", f"{label}: give a date and a time, such as 2026-12-03 14:05") from None


def _kept(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000).strftime(MOMENT)


def in_words(kept: str | None) -> str:
    """'14:05 on 3 December 2026': how every page and copy shows a date and time."""
    if not kept:
        return ""
    try:
        return f"{datetime.fromisoformat(kept.replace(' ', 'T')):%H:%M on %-d %B %Y}"
    except ValueError:
        return kept  # written before times were checked: shown as it was written


def stamp(ms: int | None) -> str:
    """A signature's time, in the server's local time, in words."""
    return in_words(_kept(ms)) if ms else ""


def shown(incident: dict) -> dict:
    """An incident as the lead's screens list it, with where its signatures stand in words."""
    signed = incident["lead_signed_ms"] and incident["host_signed_ms"]
    return {**incident, "status": "signed by both" if signed else "to be signed"}


def get(rs: ReviewStore, review: dict, incident_id: str) -> dict:
    found = rs.incident(review["id"], incident_id)
    if found is None:
        raise Refused("not_found", "no such incident in this review")
    return found


def names(review: dict, incident: dict) -> dict:
    """The Host DCS's and the peer challenging DCS's names: as recorded, else as the review knows them."""
    return {"host_dcs": incident.get("host_dcs") or review.get("host_dcs_name") or "",
            "peer_dcs": incident.get("peer_dcs") or review.get("lead_name") or ""}


def record(rs: ReviewStore, review: dict, incident_id: str, form) -> dict:
    """The lead completes the form: the names, what was identified, when it was raised with the Host
    DCS and what the Host DCS will do."""
    incident = get(rs, review, incident_id)
    if incident["lead_signed_ms"] or incident["host_signed_ms"]:
        raise Refused("signed", "a signed incident record cannot change")
    changes = {"host_dcs": text(form, "host_dcs", 200, "The Host DCS's name", required=False),
               "peer_dcs": text(form, "peer_dcs", 200, "The peer challenging DCS's name", required=False),
               "headline": text(form, "headline", 300, "The critical incident identified", required=False),
               "raised_at": moment(form, "raised_at", f"When it was raised with the {RAISED_WITH}"),
               "host_action": text(form, "host_action", 4000, f"Action to be taken by the {RAISED_WITH}",
                                   required=False)}
    stored, _ = rs.record_incident(review["id"], incident["id"], changes)
    return stored


def draft(review: dict, incident: dict, typed=None) -> dict:
    """What the record's form shows: as typed after a refusal, so nothing is lost; else as recorded."""
    if typed is not None:
        return {k: typed.get(k, "") for k in RECORD_FIELDS}
    return {**names(review, incident), "headline": incident.get("headline") or "",
            "raised_at": (incident["raised_at"] or "").replace(" ", "T"), "host_action": incident["host_action"] or ""}


def sign(rs: ReviewStore, review: dict, incident_id: str, by: str, form, now: int) -> dict:
    """Sign as the lead or the Host DCS (`by`), under the name given or the one the record holds."""
    incident = get(rs, review, incident_id)
    if not incident["raised_at"] or not incident["host_action"]:
        raise Refused("invalid", f"record when it was raised with the {RAISED_WITH} and the {RAISED_WITH}'s "
                                 "action before signing")
    if incident[f"{by}_signed_ms"]:
        raise Refused("signed", "already signed")
    default = names(review, incident)["peer_dcs" if by == "lead" else "host_dcs"]
    name = text(form, "name", 200, "The name of who signs", required=False) or default
    if not name:
        raise Refused("invalid", "give the name of who signs")
    stored, _ = rs.sign_incident(review["id"], incident["id"], by, name, now)
    return stored


def form(review: dict, script: ReviewScript, incident: dict, for_host: bool = False) -> list[dict]:
    """The record field by field (key, label, value), as the handbook's form lays it out, every time
    in words. The host's copy leaves out which team member identified it: notes are non-attributable."""
    who, lead = names(review, incident), script.lead_label
    rows = [("authority", "Local authority", review["host"]), ("host_dcs", "Host DCS", who["host_dcs"]),
            ("peer_dcs", "Peer challenging DCS", who["peer_dcs"]),
            ("date", "Date of review", _dates(visit_days(review, script))),
            ("headline", "Critical incident identified", incident.get("headline") or ""),
            ("nature", "Nature of incident (narrative)", incident["nature"]),
            ("evidence", "Evidence", incident["evidence"]),
            ("identified", "Date and time identified", in_words(incident["identified_at"])),
            ("role", "Identifying team member", incident["role"]),
            ("immediate", "Action taken when incident initially identified", incident["immediate_action"]),
            ("raised", f"Date and time raised with the {RAISED_WITH} by the {lead}", in_words(incident["raised_at"])),
            ("host_action", f"Action to be taken by the {RAISED_WITH}", incident["host_action"]),
            ("lead_signed", f"Signed by the {lead}", _signature(incident, "lead")),
            ("host_signed", f"Signed by the {RAISED_WITH}", _signature(incident, "host"))]
    return [{"key": k, "label": label, "value": v or ""} for k, label, v in rows if not (for_host and k == "role")]


def _signature(incident: dict, by: str) -> str:
    """'Jo Bloggs, 14:05 on 3 December 2026'; a record signed before names were kept has only the time."""
    ms, name = incident[f"{by}_signed_ms"], incident.get(f"{by}_signed_name")
    return ", ".join(filter(None, (name, stamp(ms)))) if ms else ""


def for_host(rs: ReviewStore, review: dict, script: ReviewScript) -> list[dict]:
    """Every incident, from the moment it is raised: the host sees all that is said about it."""
    return [{"id": i["id"], "title": i.get("headline") or i["nature"], "form": form(review, script, i, True),
             "ready": bool(i["raised_at"] and i["host_action"]), "signed": bool(i["host_signed_ms"]),
             "host_dcs": names(review, i)["host_dcs"]}
            for i in rs.incidents(review["id"])]
