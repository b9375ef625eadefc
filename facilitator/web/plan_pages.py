"""The planning timeline of a review, for the lead and the host: its steps as dates, what is due
and overdue for each person, steps marked done, and each person's calendar file. Thin: the
domain is review.plan. The host of an unannounced visit is shown the window's steps only."""

from __future__ import annotations

from datetime import date as Date

from flask import Blueprint, Response, abort, render_template, request

from ..followup.impact import today
from ..review import meetings, plan, window
from ..writers.ics import slug
from .access import is_lead
from .house import house
from .review_pages import attempt, back, now, page

bp = Blueprint("plan", __name__, url_prefix="/reviews")


@bp.app_template_filter("review_day")
def review_day(day: Date | str) -> str:
    """'Monday 21 December 2026'."""
    return (Date.fromisoformat(day) if isinstance(day, str) else day).strftime("%A %-d %B %Y")


@bp.app_template_filter("visit_window")
def visit_window(review: dict) -> str:
    """An unannounced visit's window in words: '1 February to 31 March 2027'."""
    return window.words(review)


def _host(review: dict) -> bool:
    return not is_lead(review)


def _steps(review: dict, script) -> list[dict]:
    return plan.timeline(script, review, house().reviews.plan_done(review["id"]), today(now()), _host(review))


def _people(review: dict, script) -> list[str]:
    return plan.people(plan.visible(script, review, _host(review)))


def _person(review: dict, script) -> str | None:
    """The person the page is filtered to, from ?who=; none for everyone."""
    who = request.args.get("who") or None
    if who is not None and who not in _people(review, script):
        abort(404, "Nobody of that name is in this review's planning timeline.")
    return who


@bp.get("/<review_id>/plan")
@page("lead", "host")
def timeline(review, script):
    steps, person = _steps(review, script), _person(review, script)
    shown = plan.of_person(steps, person)
    return render_template("review/plan.html", review=review, script=script, steps=shown, person=person,
                           people=_people(review, script), counts=plan.counts(shown), lead=is_lead(review),
                           windowed=window.windowed(review), hides_date=window.hides_date(review, _host(review)),
                           meetings=meetings.shown(script, review, house().meetings.records(review["id"]), _host(review)))


@bp.post("/<review_id>/plan/<step>/record")
@page("lead", "host")
def record(review, script, step):
    by = "lead" if is_lead(review) else "host"
    error = attempt(meetings.record, house().meetings, review, script, step, request.form, by, now())
    return back("plan.timeline", review, error, f"#meeting-{step}", **({} if error else {"recorded": step}))


@bp.post("/<review_id>/plan/<step>")
@page("lead", "host")
def mark(review, script, step):
    by = "lead" if is_lead(review) else "host"
    error = attempt(plan.mark, house().reviews, review, script, step, request.form.get("done") == "1", by, now())
    return back("plan.timeline", review, error, f"#step-{step}", **({"who": request.form["who"]}
                                                                    if request.form.get("who") else {}))


@bp.get("/<review_id>/plan.ics")
@page("lead", "host")
def calendar(review, script):
    person = _person(review, script)
    if person is None:
        abort(404, "Say whose calendar: ?who= one of the people the timeline names.")
    text = plan.calendar(review, _steps(review, script), person, now())
    return Response(text, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{plan.file_day(review, _host(review))}-plan-{slug(person)}.ics"'})
