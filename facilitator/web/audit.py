"""A record of who took what: every private-link sign-in, export and download of a day or a review,
with the role and the time, never the content (seed 003: every written record may be disclosed,
and a facilitator should be able to say who took a copy).

One table below says which pages are logged and how each names its day or review; an after-request
hook writes the entry once the page was served, so no view has to remember to.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from . import access, live_events, review_events

from .day_pages import facilitated_day
from .house import house
from .review_pages import page as review_page

bp = Blueprint("access_log", __name__)

# endpoint: (what, role, how the day or review is found: a view argument or a lookup)
LOGGED = {
    "views.facilitator_link": ("signed in with the facilitator's link", "facilitator", "day_key"),
    "views.projector_link": ("opened the projector's link", "projector", "projector_key"),
    "views.old_projector_link": ("opened the projector's link", "projector", "projector_key"),
    "views.join_api": ("joined on a phone", "participant", "join_code"),
    "reports.review": ("opened the host's link", "host", "host_key"),
    "reports.download": ("downloaded the {fmt} export", "facilitator", "day_id"),
    "reports.summit_pack": ("downloaded the summit pack ({fmt})", "facilitator", "days"),
    "followup.summit_pack": ("downloaded the summit pack, round on round ({fmt})", "facilitator", "days"),
    "followup.calendar_file": ("downloaded a calendar file ({who})", "facilitator", "day_id"),
    "followup.facilitator_impact_docx": ("downloaded a review of impact (Word)", "facilitator", "day_id"),
    "followup.impact_docx": ("downloaded its review of impact (Word)", "host", "host_key"),
    "followup.response_file": ("downloaded its uploaded response", "host", "host_key"),
    "review.lead_link": ("signed in with the lead's link", "lead", "lead_key"),
    "review.host_link": ("signed in with the host's link", "host", "review_host_key"),
    "review.join": ("joined the team", "member", "review_code"),
    "team.member_link": ("opened their own link to the team", "member", "member_token"),
    "review.export_file": ("downloaded the {fmt} export", "lead", "review_id"),
    "review.host_export": ("downloaded the {part} ({fmt})", "host", "review_id"),
    "review.public_letter": ("read the published letter", "public", "review_id"),
}


def _refs(how: str, args: dict) -> list[tuple[str, str]]:
    """The (kind, id) of each day or review the request was about."""
    h = house()
    if how in ("day_id", "review_id"):
        return [(how.removesuffix("_id"), args[how])]
    if how == "days":
        return [("day", d) for d in dict.fromkeys(request.args.getlist("day"))]
    found = {
        "day_key": lambda: h.engine.store.day_by_key(args["key"]),
        "projector_key": lambda: h.engine.store.day_by_projector_key(args["key"]),
        "join_code": lambda: h.engine.store.day_by_code(args["code"]),
        "host_key": lambda: _host_day(args["key"]),
        "lead_key": lambda: h.reviews.review_by("lead_key", args["key"]),
        "review_host_key": lambda: h.reviews.review_by("host_key", args["key"]),
        "review_code": lambda: h.reviews.review_by("join_code", args["code"].upper()),
        "member_token": lambda: _member_review(args["token"]),
    }[how]()
    kind = "review" if how.startswith(("lead", "review", "member")) else "day"
    return [(kind, found["id"])] if found else []


def _member_review(token: str) -> dict | None:
    found = house().reviews.member_by_token(token)
    return house().reviews.review(found["review_id"]) if found else None


def _host_day(key: str) -> dict | None:
    entry = house().reports.by_review_key(key)
    return house().engine.store.day(entry["day_id"]) if entry else None


def _role(role: str, how: str, args: dict) -> str:
    """A host is named by its authority (authorities, never people)."""
    if how == "host_key":
        entry = house().reports.by_review_key(args["key"])
        return f"host ({entry['authority']})" if entry else role
    return role


def after(response):
    """Log a logged page once it was served (a sign-in redirects, a download answers 200); not a
    page that only asked first (`g.not_taken`)."""
    entry = LOGGED.get(request.endpoint or "")
    if entry is None or response.status_code >= 400 or g.get("not_taken"):
        return response
    if request.endpoint in ("views.join_api", "review.join") and request.method != "POST":
        return response
    what, role, how = entry
    args = {**(request.view_args or {}), **request.args.to_dict()}
    try:
        refs = _refs(how, request.view_args or {})
    except (KeyError, TypeError):
        return response
    what = what.format_map({"fmt": "", "who": "", "part": "", **args})
    if args.get("internal") == "1":
        what += " (internal copy)"
    now = current_app.config["NOW"]()
    log = house().engine.store.database
    with log.lock, log.db.atomic():
        for kind, ref in refs:
            log.db.table("access_log").insert({f"{kind}_id": ref, "role": _role(role, how, request.view_args or {}),
                                              "what": what, "at_ms": now})
    return response


def entries(kind: str, ref: str) -> list[dict]:
    """A day's or a review's log, newest first."""
    log = house().engine.store.database
    with log.lock:
        return list(log.db.table("access_log").rows_where(f"{kind}_id = ?", [ref], order_by="at_ms desc, id desc"))


def _shown(rows: list[dict]) -> list[dict]:
    return [{**r, "at": datetime.fromtimestamp(r["at_ms"] / 1000)} for r in rows]


@bp.get("/console/<day_id>/access")
def day_log(day_id):
    day = facilitated_day(day_id)
    return render_template("access_log.html", title=day["title"], rows=_shown(entries("day", day["id"])))


@bp.get("/reviews/<review_id>/access")
@review_page("lead")
def review_log(review, script):
    return render_template("access_log.html", title=review["title"], rows=_shown(entries("review", review["id"])))


@bp.post("/console/<day_id>/sign-out-others")
def day_sign_out(day_id):
    """Every other facilitator's browser and projector of the day signed out; phones stay joined."""
    day = facilitated_day(day_id)
    access.check_csrf()
    access.sign_out_others("day", day["id"], access.FACILITATOR_DAYS)
    live_events.signed_out(day["id"])
    return redirect(url_for("reports.summary_page", day_id=day["id"], signed_out=1, _anchor="sign-ins"))


@bp.post("/reviews/<review_id>/sign-out-others")
@review_page("lead")
def review_sign_out(review, script):
    """Every other browser of the review (the host's, the team's, another of the lead's) signed out."""
    access.sign_out_others("review", review["id"], access.LEADS)
    review_events.signed_out(review["id"])
    return redirect(url_for("review.console", review_id=review["id"], signed_out=1) + "#links")
