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
SIGNED_IN = "signed_in"  # when, and under which sign-out count, each link was opened in this browser
DAY_MS = 86_400_000
KIND = {FACILITATOR_DAYS: "day", PROJECTOR_DAYS: "day", LEADS: "review", HOSTS: "review", MEMBERS: "review"}
# A sign-in lasts for the work it is for, not for ever: a projector's and a team member's for the
# fieldwork (30 days); the facilitator's, the lead's and the host's through the follow-up, which
# comes six months and more on, until the day or review is deleted at its retention date, and
# never past the cookie's own life (browsers keep a cookie at most 400 days).
SIGN_IN_DAYS = {PROJECTOR_DAYS: 30, MEMBERS: 30, FACILITATOR_DAYS: 400, LEADS: 400, HOSTS: 400}
COOKIE_DAYS = max(SIGN_IN_DAYS.values())


def _now() -> int:
    return current_app.config["NOW"]()


def _remember(key: str, ref: str) -> None:
    """This browser holds a link to `ref` (a day or a review): newest first, the last 50 kept."""
    session[key] = [ref, *[r for r in session.get(key, []) if r != ref]][:50]
    _stamp(key, ref)


def _token(key: str, ref: str, token: str) -> None:
    session[key] = {**session.get(key, {}), ref: token}
    _stamp(key, ref)


def _stamp(key: str, ref: str) -> None:
    """The sign-in's time and the sign-out count it was made under; stale stamps are dropped."""
    now = _now()
    kept = {k: v for k, v in session.get(SIGNED_IN, {}).items() if now - v[0] < COOKIE_DAYS * DAY_MS}
    session[SIGNED_IN] = {**kept, f"{key}:{ref}": [now, generation(KIND[key], ref)]}
    session.permanent = True  # the cookie itself ends after PERMANENT_SESSION_LIFETIME (COOKIE_DAYS)


def _signed_in(key: str, ref: str) -> bool:
    """Opened in this browser within its SIGN_IN_DAYS, and not signed out since."""
    stamp = session.get(SIGNED_IN, {}).get(f"{key}:{ref}")
    return (isinstance(stamp, list) and len(stamp) == 2 and _now() - stamp[0] < SIGN_IN_DAYS[key] * DAY_MS
            and stamp[1] == generation(KIND[key], ref))


def generation(kind: str, ref: str) -> int:
    """How many times every other browser of the day or review was signed out."""
    database = house().engine.store.database
    with database.lock:
        row = database.db.execute(f"SELECT generation FROM sign_outs WHERE {kind}_id = ?", [ref]).fetchone()
    return row[0] if row else 0


def sign_out_others(kind: str, ref: str, keep: str) -> None:
    """Every browser signed in to the day or review is signed out but this one (as `keep`)."""
    database = house().engine.store.database
    with database.lock, database.db.atomic():
        database.db.execute(f"INSERT INTO sign_outs ({kind}_id, generation) VALUES (?, 1) "
                            f"ON CONFLICT ({kind}_id) DO UPDATE SET generation = generation + 1", [ref])
    _stamp(keep, ref)


def _holds(key: str, ref: str) -> bool:
    return ref in session.get(key, []) and _signed_in(key, ref)


def remember_facilitator(day_id: str) -> None:
    _remember(FACILITATOR_DAYS, day_id)


def is_facilitator(day: dict, key: str | None = None) -> bool:
    if key is not None:
        return hmac.compare_digest(_bytes(key), _bytes(day["facilitator_key"]))
    return _holds(FACILITATOR_DAYS, day["id"])


def facilitator_days() -> list[str]:
    """The days this browser is signed in to as facilitator, newest first."""
    return [d for d in session.get(FACILITATOR_DAYS, []) if _signed_in(FACILITATOR_DAYS, d)]


def lead_reviews() -> list[str]:
    """The reviews this browser is signed in to as lead reviewer."""
    return [r for r in session.get(LEADS, []) if _signed_in(LEADS, r)]


def remember_projector(day_id: str) -> None:
    """A browser that opened the projector link: it may show the projector, nothing more."""
    _remember(PROJECTOR_DAYS, day_id)


def may_project(day: dict, key: str | None = None) -> bool:
    """The facilitator, or whoever holds the day's read-only projector key."""
    if key is not None:
        return is_facilitator(day, key) or hmac.compare_digest(_bytes(key), _bytes(day.get("projector_key") or ""))
    return is_facilitator(day) or _holds(PROJECTOR_DAYS, day["id"])


def remember_participant(day_id: str, token: str) -> None:
    """A phone's token; the phone itself keeps it too, so it rejoins after a lost cookie."""
    session[PARTICIPANTS] = {**session.get(PARTICIPANTS, {}), day_id: token}
    session.permanent = True


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
    return _holds(LEADS, review["id"])


def is_host(review: dict) -> bool:
    return _holds(HOSTS, review["id"])


def member(review: dict) -> dict | None:
    """The team member this browser joined as, in this review only."""
    token = session.get(MEMBERS, {}).get(review["id"]) if _signed_in(MEMBERS, review["id"]) else None
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
