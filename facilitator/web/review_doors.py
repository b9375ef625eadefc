"""A review's doors: setting one up, the lead's and the host's private links, and joining the team
with the review's code. On the review pages' blueprint, so their endpoints keep its name."""

from __future__ import annotations

from datetime import date as Date

from flask import abort, redirect, render_template, request, url_for

from . import access, review_events
from ..core.errors import Refused
from ..review import team, visit
from .access import member
from .house import house
from .review_pages import bp, now, rs, scripts


@bp.get("/new")
def new():
    return _set_up_page({}, None)


def _set_up_page(form, error: str | None, status: int = 200):
    return render_template("review/new.html", scripts=scripts().values(), today=Date.today().isoformat(), form=form,
                           error=error, organiser_needed=access.organiser_needed()), status


@bp.post("")
def create():
    access.check_csrf()
    refusal = access.organiser_refusal(request.form, "a review")
    if refusal:
        return _set_up_page(request.form, refusal, 403)
    try:
        review = visit.create(rs(), scripts(), request.form, request.form.getlist("themes"), now())
    except Refused as refused:
        return _set_up_page(request.form, refused.message, 400)
    access.remember_lead(review["id"])
    return redirect(url_for("review.console", review_id=review["id"]))


@bp.get("/lead/<key>")
def lead_link(key):
    return _open_by_key("lead_key", key, access.remember_lead, "review.console", "lead reviewer's")


@bp.get("/host/<key>")
def host_link(key):
    return _open_by_key("host_key", key, access.remember_host, "review.host", "host's")


def _open_by_key(column: str, key: str, remember, endpoint: str, whose: str):
    """A private link: remember this browser for the review it opens, then go to its page."""
    review = rs().review_by(column, key)
    if review is None:
        abort(404, f"This {whose} link is not known here.")
    remember(review["id"])
    return redirect(url_for(endpoint, review_id=review["id"]))


@bp.route("/join/<code>", methods=["GET", "POST"])
def join(code):
    review = rs().review_by("join_code", (code or "").strip().upper())
    if review is None:
        abort(404, "No review has this code. Check it with your lead reviewer.")
    script = scripts()[review["script"]]
    if member(review) is not None:
        return redirect(url_for("review.notebook", review_id=review["id"]))
    error = None
    if request.method == "POST":
        access.check_csrf()
        try:
            team.check_joinable(house().team, script, review, request.form.get("role"))
            joined = visit.join(rs(), review, script, request.form.get("role"), now())
            access.remember_member(review["id"], joined["token"])
            review_events.member_joined(review["id"], joined["role"])
            return redirect(url_for("review.notebook", review_id=review["id"]))
        except Refused as refused:
            error = refused.message
    return render_template("review/join.html", review=review, script=script, error=error,
                           roles=team.joinable(house().team, script, review)), 400 if error else 200
