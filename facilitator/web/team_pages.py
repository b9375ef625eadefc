"""The review team's pages: the lead invites by name and role, each member opens their own link,
the host DCS confirms or asks to reconsider, a member declares conflicts, and the grid of agreed
responsibilities. Thin: the domain is review.team."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from ..followup import pool
from ..review import enquiry, team, window
from . import access, review_events
from .access import is_host, is_lead, member
from .house import house
from .review_pages import attempt, back, now, page, rs

bp = Blueprint("team", __name__, url_prefix="/reviews")


def _team():
    return house().team


@bp.post("/<review_id>/team")
@page("lead")
def invite(review, script):
    """An invitation by name; someone in the pool who may not review the host is refused."""
    error = attempt(pool.check_invite, house().pool, review["host"], request.form.get("name"))
    return back("review.console", review, error or attempt(team.invite, _team(), review, script, request.form, now()),
                "#team-card")


@bp.post("/<review_id>/team/<member_id>/withdraw")
@page("lead")
def withdraw(review, script, member_id):
    return back("review.console", review, attempt(team.withdraw, _team(), review, member_id, now()), "#team-card")


@bp.get("/member/<token>")
def member_link(token):
    """A member's own link: this browser is theirs in the review, and on to the notebook."""
    found = rs().member_by_token(token)
    if found is None or not found.get("name"):
        abort(404, "This invitation is not known here, or it was withdrawn. Ask your lead reviewer.")
    access.remember_member(found["review_id"], found["token"])
    _team().opened(found, now())
    review_events.member_joined(found["review_id"], found["role"])
    return redirect(url_for("review.notebook", review_id=found["review_id"]))


@bp.post("/<review_id>/team/<member_id>/decision")
@page("host")
def decide(review, script, member_id):
    return back("review.host", review, attempt(team.decide, _team(), review, member_id, request.form, now()),
                f"#member-{member_id}")


@bp.post("/<review_id>/conflicts")
@page("member")
def declare(review, script):
    return back("review.notebook", review, attempt(team.declare, _team(), review, member(review), request.form, now()),
                "#conflicts")


@bp.route("/<review_id>/responsibilities", methods=["GET", "POST"])
@page("lead", "host", "member")
def responsibilities(review, script):
    lines = enquiry.investigated(rs(), review)
    if request.method == "POST":
        if not is_lead(review):
            abort(403, "Only the lead reviewer fills in the responsibilities.")
        error = attempt(team.save_grid, _team(), review, script, request.form, lines, now())
        return back("team.responsibilities", review, error, f"#day-{request.form.get('day', '1')}",
                    **({} if error else {"saved": request.form.get("day", "1")}))
    mine = member(review)
    return render_template("review/responsibilities.html", review=review, script=script, lines=lines,
                           days=team.grid(_team(), review, script, lines, window.hides_date(review, is_host(review) and not is_lead(review))),
                           lead=is_lead(review),
                           mine=mine and mine["role"], saved=request.args.get("saved"))

