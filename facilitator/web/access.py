"""Who is asking: the facilitator's secret key and participants' tokens, kept in signed cookies."""

from __future__ import annotations

import hmac
import secrets

from flask import abort, current_app, request, session

from . import doors

FACILITATOR_DAYS = "facilitator_days"
PARTICIPANTS = "participants"
PROJECTOR_DAYS = "projector_days"


def remember_facilitator(day_id: str) -> None:
    days = [d for d in session.get(FACILITATOR_DAYS, []) if d != day_id]
    session[FACILITATOR_DAYS] = [day_id, *days][:50]
    session.permanent = True


def is_facilitator(day: dict, key: str | None = None) -> bool:
    if key is not None:
        return hmac.compare_digest(_bytes(key), _bytes(day["facilitator_key"]))
    return day["id"] in session.get(FACILITATOR_DAYS, [])


def remember_projector(day_id: str) -> None:
    """A browser that opened the projector link: it may show the projector, nothing more."""
    days = [d for d in session.get(PROJECTOR_DAYS, []) if d != day_id]
    session[PROJECTOR_DAYS] = [day_id, *days][:50]
    session.permanent = True


def may_project(day: dict, key: str | None = None) -> bool:
    """The facilitator, or whoever holds the day's read-only projector key."""
    if key is not None:
        return is_facilitator(day, key) or hmac.compare_digest(_bytes(key), _bytes(day.get("projector_key") or ""))
    return is_facilitator(day) or day["id"] in session.get(PROJECTOR_DAYS, [])


def remember_participant(day_id: str, token: str) -> None:
    session[PARTICIPANTS] = {**session.get(PARTICIPANTS, {}), day_id: token}
    session.permanent = True


def participant_token(day_id: str) -> str | None:
    return session.get(PARTICIPANTS, {}).get(day_id)


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(16)
    return session["csrf"]


def check_origin() -> None:
    """A post must come from one of this server's own pages, whatever token it carries."""
    if doors.foreign_origin(request.headers.get("Origin"), request.headers.get("Referer"), request.host,
                            current_app.config.get("ALLOWED_HOSTS")):
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
