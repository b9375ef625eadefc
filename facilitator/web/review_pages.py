"""Review pages: the lead's console, the host's page, the team's notebook and survey (set-up and the
private links are review_doors').

Three kinds of visitor, each recognised by a signed cookie: the lead (through the lead's secret
link), the host (through the host's own link) and team members (invited by name with their own
link, or joined with the review's code; either way their notes carry a role tag, never a name).
"""

from __future__ import annotations

import functools
from datetime import datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from . import access, review_events, sa_pages
from ..core.errors import Refused
from ..followup import pool, retention
from ..followup.impact import today as impact_today
from ..review import enquiry, findings, incidents, letter, meetings, survey, team, visit, window
from ..review.notebook import by_line
from ..core.scripts.review import ReviewScript
from ..review.store import ReviewStore
from .access import is_host, is_lead, member, team_role
from .day_pages import public_url
from .house import house

bp = Blueprint("review", __name__, url_prefix="/reviews")


def rs() -> ReviewStore:
    return house().reviews


def scripts() -> dict[str, ReviewScript]:
    return house().review_scripts


def now() -> int:
    return current_app.config["NOW"]()


def _kept(review: dict, script: ReviewScript) -> dict:
    """How long the review is kept, for the lead's and the host's pages to say."""
    return retention.shown(retention.review_kept(review, script), impact_today(now()))


def page(*allowed: str):
    """A page for some of lead, host, member: loads the review and its script, or refuses."""

    def wrap(fn):
        @functools.wraps(fn)
        def view(review_id, **kw):
            review = rs().review(review_id)
            if review is None:
                abort(404, "No such review.")
            ok = ("lead" in allowed and is_lead(review)) or ("host" in allowed and is_host(review)) or (
                "member" in allowed and member(review) is not None)
            if not ok:
                abort(403, "Open your own link for this review first.")
            if request.method == "POST":
                access.check_csrf()
            return fn(review, scripts()[review["script"]], **kw)

        return view

    return wrap


def back(endpoint: str, review: dict, error: str | None = None, anchor: str = "", **kw):
    """After a form: back to its page, carrying a refusal's message if there was one."""
    if error:
        session["review_error"] = error
    return redirect(url_for(endpoint, review_id=review["id"], **kw) + anchor)


def shown(review: dict, error: str | None) -> str | None:
    """After a committed change the verbal feedback shows, the projected page fetches it afresh."""
    if error is None:
        review_events.feedback_changed(review["id"])
    return error


def attempt(fn, *args):
    try:
        fn(*args)
        return None
    except Refused as refused:
        return refused.message


@bp.app_template_filter("review_stamp")
def review_stamp(ms: int | None) -> str:
    """A signature's date and time, in the server's local time."""
    return datetime.fromtimestamp(ms / 1000).strftime("%-d %B %Y at %H:%M") if ms else ""


@bp.app_context_processor
def _globals():
    return {"review_error": lambda: session.pop("review_error", None)}


# -- links


def links(review: dict) -> dict:
    base = public_url()
    return {"host": base + url_for("review.host_link", key=review["host_key"]),
            "lead": base + url_for("review.lead_link", key=review["lead_key"]),
            "join": base + url_for("review.join", code=review["join_code"]),
            "members": {m["id"]: base + url_for("team.member_link", token=m["token"]) for m in house().team.invited(review["id"])}}


# -- the lead's console


@bp.get("/<review_id>/console")
@page("lead")
def console(review, script):
    lines = rs().lines(review["id"])
    return render_template(
        "review/console.html", review=review, script=script, lines=lines, links=links(review),
        notes=by_line(rs().notes(review["id"])), findings=rs().findings(review["id"]),
        held=[review_events.public_note(n) for n in rs().held_notes(review["id"])],
        incidents=[incidents.shown(i) for i in rs().incidents(review["id"])], members=rs().members(review["id"]),
        schedule=visit.schedule(review, script), due=letter.due_date(review, script),
        visit_days=letter.visit_days(review, script), decided=enquiry.decided(lines),
        sa=sa_pages.of_review(review), sa_parts=sa_pages.template().parts(), kept=_kept(review, script),
        invited=house().team.invited(review["id"]), decisions=team.DECISIONS,
        offered=[{**p, "suggested": pool.suggested_role(p, script.roles)} for p in pool.offered(house().pool, review["host"])],
        meetings=meetings.agreed(script, review, house().meetings.records(review["id"])))


@bp.post("/<review_id>/first-day")
@page("lead")
def set_first_day(review, script):
    """An unannounced visit's first day on site, set or moved by the lead inside its window."""
    return back("review.console", review, attempt(window.set_start, rs(), review, request.form), "#visit-window")


@bp.post("/<review_id>/hypotheses")
@page("lead")
def propose(review, script):
    parts = tuple(v for v, _ in sa_pages.template().parts())
    return back("review.console", review, attempt(enquiry.propose, rs(), review, script, request.form, parts), "#lines")


@bp.post("/<review_id>/lines/<line_id>/methods")
@page("lead")
def methods(review, script, line_id):
    return back("review.console", review, attempt(enquiry.set_methods, rs(), review, line_id, request.form), "#lines")


# -- a line of enquiry: its notes, findings with evidence, conclusions (the lead and the team)


@bp.get("/<review_id>/lines/<line_id>")
@page("lead", "member")
def line(review, script, line_id):
    return _line_page(review, script, line_id)


def _line_page(review: dict, script: ReviewScript, line_id: str, error: str | None = None):
    """The line's page; with `error`, the form that was refused, answered 400."""
    try:
        found = enquiry.get_line(rs(), review, line_id)
    except Refused:
        abort(400 if error else 404, error or "No such line of enquiry.")
    if error:
        session["review_error"] = error
    ours = [f for f in rs().findings(review["id"]) if f["line_id"] == found["id"]]
    return render_template("review/line.html", review=review, script=script, line=found, lead=is_lead(review),
                           notes=by_line(rs().notes(review["id"])).get(found["id"], []),
                           findings=findings.with_replies(rs(), review, ours), kinds=findings.KINDS.items()), \
        400 if error else 200


@bp.post("/<review_id>/findings")
@page("lead", "member")
def add_finding(review, script):
    error = shown(review, attempt(findings.add_finding, rs(), review, request.form, request.form.getlist("evidence"), now()))
    if error:
        return _line_page(review, script, request.form.get("line", ""), error)
    return back("review.line", review, None, "#findings", line_id=request.form.get("line", ""))


@bp.post("/<review_id>/findings/<finding_id>/kind")
@page("lead")
def finding_kind(review, script, finding_id):
    error = shown(review, attempt(findings.set_kind, rs(), review, finding_id, request.form))
    if error:
        return _line_page(review, script, request.form.get("line", ""), error)
    return back("review.line", review, None, "#findings", line_id=request.form.get("line", ""))


@bp.post("/<review_id>/findings/<finding_id>/evidence")
@page("lead", "member")
def finding_evidence(review, script, finding_id):
    error = shown(review, attempt(findings.set_evidence, rs(), review, finding_id, request.form.getlist("evidence")))
    return back("review.line", review, error, "#findings", line_id=request.form.get("line", ""))


@bp.post("/<review_id>/findings/<finding_id>/release")
@page("lead")
def release(review, script, finding_id):
    error = shown(review, attempt(findings.release, rs(), review, finding_id, request.form.get("on") == "1"))
    if error is None:
        review_events.finding_released(review["id"], findings.get_finding(rs(), review, finding_id))
    return back("review.line", review, error, "#findings", line_id=request.form.get("line", ""))


@bp.post("/<review_id>/lines/<line_id>/conclusions")
@page("lead", "member")
def conclusions(review, script, line_id):
    error = shown(review, attempt(findings.set_conclusions, rs(), review, line_id, request.form))
    target = request.form.get("next") == "record"
    return back("review.record" if target else "review.line", review, error,
                "#record" if target else "#conclusions", **({} if target else {"line_id": line_id}))


# -- the host's own link


@bp.get("/<review_id>/host")
@page("host")
def host(review, script):
    return host_page(review, script)


def host_page(review: dict, script: ReviewScript, error: str | None = None):
    """The host's page; with `error`, the host's form that was refused, answered 400."""
    if error:
        session["review_error"] = error
    current = letter.current(rs(), review, script)
    return render_template("review/host.html", review=review, script=script, lines=rs().lines(review["id"]),
                           released=findings.with_replies(rs(), review, findings.released(rs(), review)),
                           stances=findings.CHOICES.items(), raised_with=incidents.RAISED_WITH,
                           share_choices=findings.SHARE.items(), share_choices_words=SHARED_WORDS,
                           answering=not current["signed_ms"],
                           incidents=incidents.for_host(rs(), review, script),
                           letter=current if current["shared_ms"] else None, kept=_kept(review, script),
                           invited=house().team.invited(review["id"]), decisions=team.DECISIONS,
        meetings=meetings.agreed(script, review, house().meetings.records(review["id"]))), \
        400 if error else 200


@bp.post("/<review_id>/findings/<finding_id>/reply")
@page("host")
def host_reply(review, script, finding_id):
    error = shown(review, attempt(findings.reply, rs(), review, finding_id, request.form, now()))
    if error:
        return host_page(review, script, error)
    return back("review.host", review, None, "#emerging")


SHARED_WORDS = {"agreed": "Shared with the summit as written.", "reworded": "Shared with the summit in your words.",
                "declined": "Kept back from the summit."}


@bp.post("/<review_id>/summit-lines")
@page("host")
def share_lines(review, script):
    rs().share_lines(review["id"], request.form.get("agreed") == "1")
    return back("review.host", review, None, "#lines")


@bp.post("/<review_id>/findings/<finding_id>/summit")
@page("host")
def share_strength(review, script, finding_id):
    error = attempt(findings.share, rs(), review, finding_id, request.form)
    if error:
        return host_page(review, script, error)
    return back("review.host", review, None, "#emerging")


@bp.post("/<review_id>/decide")
@page("host")
def decide(review, script):
    return back("review.host", review, attempt(enquiry.decide, rs(), review, script, request.form, now()), "#lines")


@bp.post("/<review_id>/incidents/<incident_id>/host-sign")
@page("host")
def host_sign(review, script, incident_id):
    error = attempt(incidents.sign, rs(), review, incident_id, "host", request.form, now())
    if error is None:
        _announce_incident(review, incident_id)
    return back("review.host", review, error, "#incidents")


def _announce_incident(review: dict, incident_id: str) -> None:
    review_events.incident_changed(review["id"], incidents.get(rs(), review, incident_id))


# -- the team's notebook and the reflection survey


@bp.get("/<review_id>/notebook")
@page("lead", "member")
def notebook(review, script):
    role = script.role(team_role(review))
    lines = enquiry.investigated(rs(), review)
    days = team.grid(house().team, review, script, lines)
    return render_template("review/notebook.html", review=review, script=script, role=role.tag, lines=lines,
                           lead=is_lead(review), qa=role.qa, me=member(review), team=house().team.invited(review["id"]),
                           part=team.part_of(days, role.tag, impact_today(now())))


def _surveyor(review: dict) -> dict:
    """Who answers: a member, or the lead under the lead's tag."""
    found = member(review)
    if found:
        return found
    return {"id": "lead", "role": scripts()[review["script"]].lead_role.tag}


@bp.route("/<review_id>/survey", methods=["GET", "POST"])
@page("lead", "member")
def reflect(review, script):
    who = _surveyor(review)
    error = None
    if request.method == "POST":
        error = attempt(survey.answer, rs(), review, who, script.lead_role.tag, request.form)
        if error is None:
            return redirect(url_for("review.reflect", review_id=review["id"]))
    # After a refusal the form comes back as it was filled in, so nothing typed is lost.
    return render_template("review/survey.html", review=review, script=script, others=survey.others(rs(), review, who, script.lead_role.tag),
                           answered=rs().answered(review["id"], who["id"]), composite=survey.composite(rs(), review),
                           questions=survey.questions(), typed=request.form if error else {},
                           error=error), 400 if error else 200

