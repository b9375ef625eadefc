"""Who is asking, the one door for every private link and set-up: a day's facilitator, projector
and participants, a review's lead, host and team members, each kept in the signed cookie once
their link is opened; the organiser's key that setting up a day or a review needs; CSRF and origin."""

from __future__ import annotations

import hmac
import secrets

from flask import abort, current_app, request, session

from . import doors
from .house import house

FACILITATOR_DAYS = "facilitator_days"
PARTICIPANTS = "participants"
PROJECTOR_DAYS = "projector_days"
LEADS, HOSTS, MEMBERS = "review_leads", "review_hosts", "review_members"
ORGANISER = "organiser"


def _remember(key: str, ref: str) -> None:
    """This browser holds a link to `ref` (a day or a review): newest first, the last 50 kept."""
    session[key] = [ref, *[r for r in session.get(key, []) if r != ref]][:50]
    session.permanent = True


def _token(key: str, ref: str, token: str) -> None:
    session[key] = {**session.get(key, {}), ref: token}
    session.permanent = True


def remember_facilitator(day_id: str) -> None:
    _remember(FACILITATOR_DAYS, day_id)


def is_facilitator(day: dict, key: str | None = None) -> bool:
    if key is not None:
        return hmac.compare_digest(_bytes(key), _bytes(day["facilitator_key"]))
    return day["id"] in session.get(FACILITATOR_DAYS, [])


def remember_projector(day_id: str) -> None:
    """A browser that opened the projector link: it may show the projector, nothing more."""
    _remember(PROJECTOR_DAYS, day_id)


def may_project(day: dict, key: str | None = None) -> bool:
    """The facilitator, or whoever holds the day's read-only projector key."""
    if key is not None:
        return is_facilitator(day, key) or hmac.compare_digest(_bytes(key), _bytes(day.get("projector_key") or ""))
    return is_facilitator(day) or day["id"] in session.get(PROJECTOR_DAYS, [])


def remember_participant(day_id: str, token: str) -> None:
    _token(PARTICIPANTS, day_id, token)


def participant_token(day_id: str) -> str | None:
    return session.get(PARTICIPANTS, {}).get(day_id)


# -- a review's lead, host and team


def remember_lead(review_id: str) -> None:
    _remember(LEADS, review_id)


def remember_host(review_id: str) -> None:
    _remember(HOSTS, review_id)


def remember_member(review_id: str, token: str) -> None:
    _token(MEMBERS, review_id, token)


def is_lead(review: dict) -> bool:
    return review["id"] in session.get(LEADS, [])


def is_host(review: dict) -> bool:
    return review["id"] in session.get(HOSTS, [])


def member(review: dict) -> dict | None:
    """The team member this browser joined as, in this review only."""
    token = session.get(MEMBERS, {}).get(review["id"])
    found = house().reviews.member_by_token(token) if isinstance(token, str) else None
    return found if found and found["review_id"] == review["id"] else None


def team_role(review: dict) -> str | None:
    """The role tag a note is filed under: the lead's own, or the member's."""
    if is_lead(review):
        return house().review_scripts[review["script"]].lead_role.tag
    found = member(review)
    return found["role"] if found else None


# -- setting up a day or a review


def organiser_needed() -> bool:
    """Whether this browser must give the organiser's key to set something up (once: it is remembered)."""
    key = current_app.config.get("ORGANISER_KEY")
    return bool(key) and session.get(ORGANISER) != doors.key_digest(key)


def organiser_refusal(form, what: str = "a day") -> str | None:
    """Why a set-up is refused for want of the organiser's key, or None (the browser is remembered)."""
    if not organiser_needed():
        return None
    key = current_app.config["ORGANISER_KEY"]
    if not doors.key_matches(form.get("organiser_key"), key):
        return ("That is not the organiser's key." if form.get("organiser_key") else
                f"Setting up {what} on this server needs the organiser's key: ask whoever runs it.")
    session[ORGANISER] = doors.key_digest(key)
    return None


# -- forms


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(16)
    return session["csrf"]


def check_origin() -> None:
    """A post must come from one of this server's own pages, whatever token it carries."""
    if doors.foreign_origin(request.headers.get("Origin"), request.headers.get("Referer"), request.scheme,
                            request.host, current_app.config.get("ALLOWED_HOSTS"), current_app.config.get("PUBLIC_URL")):
        abort(403, "This form was sent from a page on another site, so it is refused. "
                   "Open the page on this server and send it from there.")


def check_csrf() -> None:
    check_origin()
    sent = request.form.get("csrf", "")
    if not sent or not hmac.compare_digest(_bytes(sent), _bytes(session.get("csrf", ""))):
        abort(400, "This form has expired. Reload the page and try again.")


def _bytes(value) -> bytes:
    """compare_digest takes str only when it is ASCII: compare bytes, whatever was sent."""
    return str(value).encode("utf-8", "surrogatepass")
