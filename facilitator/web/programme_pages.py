"""The region's programme, for whoever may organise (the organiser's key, as set-up asks it; with
no key configured, anyone who reaches the server): the calendar of every day and review, the
18-month cycle, the reviewer pool; and, for a day's facilitator or a review's lead, each person's
message and calendar file, and the copy into the next round. Thin: the domain is followup."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from ..core.errors import Refused
from ..followup import messages, nextround, pool, programme
from ..followup.impact import today as today_of
from . import access
from .day_pages import engine, facilitated_day, join_url, now, public_url
from .house import house
from .review_pages import links, page, rs, scripts

bp = Blueprint("programme", __name__)


def _pool() -> pool.Pool:
    return house().pool


def _key_page(status: int = 403, error: str | None = None):
    return render_template("programme/key.html", error=error, next=request.path), status


def _organiser(fn):
    """The programme's pages ask what set-up asks: the organiser's key, once per browser."""
    import functools

    @functools.wraps(fn)
    def view(*args, **kw):
        if access.organiser_needed():
            return _key_page()
        if request.method == "POST":
            access.check_csrf()
        return fn(*args, **kw)

    return view


@bp.post("/programme/key")
def give_key():
    access.check_csrf()
    refusal = access.organiser_refusal(request.form, "the programme")
    if refusal:
        return _key_page(403, refusal)
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/programme") else url_for("programme.calendar_page"))


def _rows() -> list[dict]:
    today = today_of(now())
    day_scripts = engine().scripts
    day_rows = [programme.day_row(d, day_scripts.get(d["script"]), today) for d in engine().store.days()]
    people = lambda name: pool.authority_of(_pool(), name)  # noqa: E731
    review_rows = [programme.review_row(r, scripts()[r["script"]], house().team.invited(r["id"]), rs().letter(r["id"]),
                                        people, today) for r in rs().reviews() if r["script"] in scripts()]
    return programme.rows(day_rows, review_rows)


@bp.get("/programme")
@_organiser
def calendar_page():
    all_rows = _rows()
    today = today_of(now())
    return render_template("programme/calendar.html", rows=all_rows, dates=programme.dates, stages=programme.STAGES,
                           cycle=programme.cycle(all_rows, today), months=programme.cycle_months(), today=today)


@bp.get("/programme.ics")
@_organiser
def calendar_file():
    response = Response(programme.to_ics(_rows(), now()), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'attachment; filename="programme.ics"'
    return response


# -- the reviewer pool

def _pool_page(error: str | None = None, form=None, status: int = 200, editing: dict | None = None):
    return render_template("programme/pool.html", people=_pool().people(retired=True), roles=pool.roles(),
                           stages=pool.stages(), stage_label=pool.stage_label, error=error, form=form or {},
                           editing=editing, saved=request.args.get("saved")), status


@bp.get("/programme/pool")
@_organiser
def pool_page():
    return _pool_page()


@bp.post("/programme/pool")
@_organiser
def add_person():
    try:
        added = pool.add(_pool(), request.form, now())
    except Refused as refused:
        return _pool_page(refused.message, request.form, 400)
    return redirect(url_for("programme.pool_page", saved=added["id"]) + f"#person-{added['id']}")


@bp.route("/programme/pool/<person_id>", methods=["GET", "POST"])
@_organiser
def edit_person(person_id):
    found = _pool().person(person_id)
    if found is None or found["retired_ms"]:
        abort(404, "No such person in the pool, or they have retired.")
    if request.method == "GET":
        return _pool_page(editing=found)
    try:
        pool.edit(_pool(), person_id, request.form, now())
    except Refused as refused:
        return _pool_page(refused.message, request.form, 400, editing=found)
    return redirect(url_for("programme.pool_page", saved=person_id) + f"#person-{person_id}")


@bp.post("/programme/pool/<person_id>/retire")
@_organiser
def retire_person(person_id):
    try:
        pool.retire(_pool(), person_id, now())
    except Refused as refused:
        return _pool_page(refused.message, None, 404)
    return redirect(url_for("programme.pool_page") + f"#person-{person_id}")


# -- each person's message and calendar file

def _recipient(review: dict, script, who: str) -> tuple[dict, str]:
    found = next((r for r in messages.review_recipients(review, script, house().team.invited(review["id"]))
                  if r["who"] == who), None)
    if found is None:
        abort(404, "Nobody of this review is known by that.")
    urls = links(review)
    link = urls["host"] if who == "host" else urls["lead"] if who == "lead" else urls["members"][who]
    return found, link


@bp.get("/reviews/<review_id>/message/<who>")
@page("lead")
def review_message(review, script, who):
    recipient, link = _recipient(review, script, who)
    text = messages.review_message(review, script, recipient, link)
    has_ics = messages.review_ics(review, script, recipient, link, now()) is not None
    return render_template("programme/message.html", title=f"Message for {recipient['name'] or recipient['role']}",
                           text=text, ics=url_for("programme.review_message_ics", review_id=review["id"], who=who) if has_ics else None,
                           back=url_for("review.console", review_id=review["id"]) + "#team-card", review=review)


@bp.get("/reviews/<review_id>/message/<who>.ics")
@page("lead")
def review_message_ics(review, script, who):
    recipient, link = _recipient(review, script, who)
    body = messages.review_ics(review, script, recipient, link, now())
    if body is None:
        abort(404, "This review has no dates yet to put in a calendar.")
    return _ics(body, f"{review['title']}-{recipient['name'] or recipient['role']}")


def _ics(body: str, name: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{_slug(name)}.ics"'
    return response


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "invitation"


def _day_host(day_id: str, authority: str) -> tuple[dict, str, str]:
    day = facilitated_day(day_id)
    if authority not in day["authorities"]:
        abort(404, "That authority is not one of this day's.")
    key = house().reports.review_key(day["id"], authority, now())
    script = engine().scripts.get(day["script"])
    return day, public_url() + url_for("reports.review", key=key), script.title if script else day["script"]


@bp.get("/console/<day_id>/message/<authority>")
def day_message(day_id, authority):
    day, link, title = _day_host(day_id, authority)
    return render_template("programme/message.html", title=f"Message for {authority}",
                           text=messages.day_message(day, title, authority, link, join_url(day), day.get("start_time")),
                           ics=url_for("programme.day_message_ics", day_id=day_id, authority=authority),
                           back=url_for("views.console", day_id=day_id), review=None)


@bp.get("/console/<day_id>/message/<authority>.ics")
def day_message_ics(day_id, authority):
    day, link, title = _day_host(day_id, authority)
    return _ics(messages.day_ics(day, title, authority, link, join_url(day), now()), f"{day['title']}-{authority}")


# -- copy into the next round

@bp.route("/console/<day_id>/next-round", methods=["GET", "POST"])
def copy_day(day_id):
    day = facilitated_day(day_id)
    error = None
    if request.method == "POST":
        access.check_csrf()
        error = access.organiser_refusal(request.form, "a day")
        if error is None:
            try:
                copied = nextround.copy_day(engine(), day, request.form, now())
                access.remember_facilitator(copied["id"])
                return redirect(url_for("views.console", day_id=copied["id"]))
            except Refused as refused:
                error = refused.message
    return render_template("programme/next_round.html", what="day", old=day, title=nextround.next_title(day["title"]),
                           windowed=False, error=error, form=request.form, organiser_needed=access.organiser_needed(),
                           action=url_for("programme.copy_day", day_id=day_id), review=None), 400 if error else 200


@bp.route("/reviews/<review_id>/next-round", methods=["GET", "POST"])
@page("lead")
def copy_review(review, script):
    error = None
    if request.method == "POST":
        error = access.organiser_refusal(request.form, "a review")
        if error is None:
            try:
                copied = nextround.copy_review(rs(), scripts(), review, request.form, now())
                access.remember_lead(copied["id"])
                return redirect(url_for("review.console", review_id=copied["id"]))
            except Refused as refused:
                error = refused.message
    return render_template("programme/next_round.html", what="review", old=review,
                           title=nextround.next_title(review["title"]), windowed=script.windowed, error=error,
                           form=request.form, organiser_needed=access.organiser_needed(),
                           action=url_for("programme.copy_review", review_id=review["id"]), review=review), 400 if error else 200



