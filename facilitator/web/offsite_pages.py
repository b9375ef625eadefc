"""The off-site preparation's pages: the survey's summary and its link for the lead and the host,
the anonymous survey a respondent opens on a phone, and the team's case mapping with its results.
Thin: the domain is review.offsite."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from ..core import child_details
from ..core.errors import Refused
from ..review import offsite
from ..review.offsite_store import OffsiteStore
from . import access
from .access import is_host, is_lead, team_role
from .day_pages import public_url
from .house import house
from .review_pages import now, page, scripts

bp = Blueprint("offsite", __name__, url_prefix="/reviews")
STATUS = "offsite_status"  # what the last form did, said once on the page it returns to
REFUSED = {"forbidden": 403, "not_found": 404}


def store() -> OffsiteStore:
    return OffsiteStore(house().reviews.store)


def _by(review: dict) -> str:
    return "lead" if is_lead(review) else "host" if is_host(review) else "member"


def _status(message: str) -> None:
    session[STATUS] = message


@bp.app_template_filter("held_why")
def held_why(held: str | None) -> str:
    """'an NHS number and a postcode': what a held text seemed to hold."""
    return child_details.why(child_details.listed(held) or ["nothing"])


@bp.app_template_filter("enumerate_scale")
def enumerate_scale(labels) -> list[tuple[str, str]]:
    """A scale's options as (value, words): ("4", "4 Agree")."""
    return [(str(n), f"{n} {label}") for n, label in enumerate(labels, 1)]


@bp.app_context_processor
def _globals():
    return {"offsite_status": lambda: session.pop(STATUS, None), "offsite_counts": of_console}


def _fresh_id() -> str:
    """The one-time id a form carries: sent twice, it is stored once."""
    return str(uuid.uuid4())


def survey_link(state: dict | None) -> str | None:
    if not state:
        return None
    return public_url() + url_for("offsite.respond", key=state["survey_key"])


# -- the survey, for the team and the host


@bp.get("/<review_id>/offsite/survey")
@page("lead", "host", "member")
def survey(review, script):
    return _survey_page(review, script)


def _survey_page(review: dict, script, error: str | None = None, status: int = 200):
    try:
        offsite.survey_of(script)
    except Refused as refused:
        abort(404, refused.message)
    state = store().survey_state(review["id"])
    by = _by(review)
    return render_template("review/offsite_survey.html", review=review, script=script, survey=script.offsite.survey,
                           state=state, open=offsite.is_open(state), by=by, lead=by == "lead",
                           link=survey_link(state) if by in ("lead", "host") else None,
                           summary=offsite.summary(store(), review, script), error=error), status


@bp.post("/<review_id>/offsite/survey/<action>")
@page("lead", "host", "member")
def survey_action(review, script, action):
    fn = {"open": offsite.open_survey, "close": offsite.close_survey}.get(action)
    if fn is None:
        abort(404, "No such action.")
    try:
        fn(store(), review, script, _by(review), now())
    except Refused as refused:
        return _survey_page(review, script, refused.message, REFUSED.get(refused.code, 400))
    _status("The survey is open: send its link to your staff and partners." if action == "open"
            else "The survey is closed: no more answers are taken.")
    return redirect(url_for("offsite.survey", review_id=review["id"]))


# -- the survey, for a respondent: no sign-in, nothing kept of who answers


@bp.route("/answer/<key>", methods=["GET", "POST"])
def respond(key):
    state = store().survey_by_key(key)
    if state is None:
        abort(404, "This survey link is not known here. Check the link you were sent.")
    review = house().reviews.review(state["review_id"])
    script = scripts()[review["script"]]
    survey = offsite.survey_of(script)
    if request.method == "GET":
        return _respond_page(review, survey, state, request.args)
    access.check_csrf()
    try:
        offsite.answer(store(), review, script, request.form)
    except Refused as refused:
        return _respond_page(review, survey, store().survey_by_key(key), request.form, refused.message), 400
    return redirect(url_for("offsite.respond", key=key, sent=1))


def _respond_page(review: dict, survey, state: dict, form, error: str | None = None):
    group = survey.group(form.get("group") or "")
    return render_template("review/offsite_answer.html", review=review, survey=survey, state=state,
                           open=offsite.is_open(state), group=group, asked=survey.asked(group.key) if group else (),
                           typed=form, answer_id=form.get("answer_id") or _fresh_id(),
                           sent=request.args.get("sent") == "1" and not error, error=error)


# -- the case mapping, for the team; its results for the host too


@bp.get("/<review_id>/offsite/cases")
@page("lead", "host", "member")
def cases(review, script):
    return _cases_page(review, script)


def _cases_page(review: dict, script, error: str | None = None, status: int = 200):
    try:
        offsite.cases_of(script)
    except Refused as refused:
        abort(404, refused.message)
    by = _by(review)
    return render_template("review/offsite_cases.html", review=review, script=script, cases=script.offsite.cases,
                           by=by, lead=by == "lead", mapping=by != "host", case_id=_fresh_id(),
                           results=offsite.results(store(), review, script), typed=request.form if error else {},
                           error=error), status


@bp.post("/<review_id>/offsite/cases")
@page("lead", "member")
def map_case(review, script):
    try:
        stored = offsite.add_case(store(), review, script, team_role(review), request.form, now())
    except Refused as refused:
        return _cases_page(review, script, refused.message, REFUSED.get(refused.code, 400))
    _status(child_details.told(stored["held"], "the lead reviewer") or f"{stored['label']} is mapped.")
    return redirect(url_for("offsite.cases", review_id=review["id"]))


# -- what is held for a child's details: the lead releases or removes it


@bp.post("/<review_id>/offsite/held/<kind>/<item_id>/<action>")
@page("lead", "host", "member")
def held(review, script, kind, item_id, action):
    fn = {"release": offsite.release, "remove": offsite.remove}.get(action)
    if fn is None or kind not in offsite.HELD_KINDS:
        abort(404, "No such action.")
    back = _cases_page if kind == "case" else _survey_page
    try:
        fn(store(), review, kind, item_id, _by(review))
    except Refused as refused:
        return back(review, script, refused.message, REFUSED.get(refused.code, 400))
    _status("Released: the team and the host see it now." if action == "release" else "Removed for good.")
    return redirect(url_for("offsite.cases" if kind == "case" else "offsite.survey", review_id=review["id"]))


def of_console(review: dict, script) -> dict | None:
    """What the lead's console says of the preparation, or None when the script has none."""
    if not script.offsite:
        return None
    return offsite.counts(store(), review)

