"""Self-assessment pages. The host writes, uploads and signs off through its own link (a day's
authority through its review link, a review's host through the host's); the visitors read it (a
day's participants and facilitator, a review's lead and team); a reviewer answers the template's
questions (the day's facilitator, the review's lead). Thin: who is asking, one call, render."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from . import access
from ..core.errors import Refused
from ..core.scripts import self_assessment as templates
from ..review import data_profile, window, self_assessment as sa_domain
from ..review.sa_store import DAY, REVIEW, SelfAssessments
from .day_pages import engine, facilitated_day, now, public_url
from .house import house

bp = Blueprint("sa", __name__)
UPLOAD_LIMIT = 16 * 1024 * 1024  # past the 10 MB a document may be, so one just too big is told why


def store() -> SelfAssessments:
    return house().self_assessments


def template() -> templates.Template:
    return house().sa_templates[templates.DEFAULT]


def of_review(review: dict) -> dict | None:
    """The review's host's self-assessment, for the lead's console."""
    return store().self_assessment(REVIEW, review["id"], review["host"])


@bp.app_template_filter("sa_part")
def sa_part(value: str | None) -> str:
    """The words for the part of the self-assessment a hypothesis tests."""
    return template().part_label(value)


def _risks(day: dict) -> tuple[str, ...]:
    """The signatures of risk a presenter can name: the day's script's categories."""
    return engine().scripts[day["script"]].categories


# -- the host's own page, for a day's authority or a review's host

def _host_page(owner, title: str, back: str, risk_choices, error=None, status=200, **kw):
    row = store().self_assessment(*owner)
    return render_template("self_assessment/edit.html", owner=owner, title=title, back=back, t=template(),
                           v=sa_domain.view(template(), row), risk_choices=risk_choices, error=error,
                           max_mb=sa_domain.MAX_BYTES // (1024 * 1024), **kw), status


def _host_post(owner, risk_choices):
    """One of the host's forms: the self-assessment, its sign-off, a document or the data pack.
    An error is the page again with one line, and nothing stored."""
    request.max_content_length = UPLOAD_LIMIT  # these forms alone carry a document
    try:
        request.files
    except RequestEntityTooLarge:
        return "That file is far larger than 10 MB, the most a self-assessment can be: nothing was stored.", 413
    access.check_csrf()
    action = request.form.get("action")
    try:
        if action == "save":
            sa_domain.save(store(), owner, template(), request.form, risk_choices, now())
        elif action == "sign":
            sa_domain.sign_off(store(), owner, request.form, now())
        elif action in ("document", "data"):
            upload = request.files.get("document" if action == "document" else "data")
            name, data = (upload.filename, upload.read()) if upload else ("", b"")
            if upload:
                upload.close()
            if action == "document":
                sa_domain.upload(store(), owner, template(), name, data, now())
            else:
                data_profile.attach(store(), owner, template().id, name, data)
        else:
            abort(400, "Choose what to save.")
    except Refused as refused:
        return f"{refused.message} Nothing was stored.", 400
    return None, 302


@bp.route("/review/<key>/self-assessment", methods=["GET", "POST"])
def day_host(key):
    entry = house().reports.by_review_key(key)
    day = engine().store.day(entry["day_id"]) if entry else None
    if day is None:
        abort(404, "This link is not known here.")
    owner = (DAY, day["id"], entry["authority"])
    error, status = _host_post(owner, _risks(day)) if request.method == "POST" else (None, 200)
    if status == 302:
        return redirect(url_for("sa.day_host", key=key, saved=request.form.get("action")))
    return _host_page(owner, f"{entry['authority']}: self-assessment for {day['title']}",
                      url_for("reports.review", key=key), _risks(day), error, status, when=day["date"])


@bp.route("/reviews/<review_id>/self-assessment", methods=["GET", "POST"])
def review_page(review_id):
    review = house().reviews.review(review_id)
    if review is None:
        abort(404, "No such review.")
    owner = (REVIEW, review["id"], review["host"])
    if access.is_host(review):
        error, status = _host_post(owner, ()) if request.method == "POST" else (None, 200)
        if status == 302:
            return redirect(url_for("sa.review_page", review_id=review_id, saved=request.form.get("action")))
        return _host_page(owner, f"{review['host']}: self-assessment for {review['title']}",
                          url_for("review.host", review_id=review_id), (), error, status, when=_host_when(review))
    lead = access.is_lead(review)
    if not lead and access.member(review) is None:
        abort(403, "Open your own link for this review first.")
    back = url_for("review.console" if lead else "review.notebook", review_id=review_id)
    return _read(owner, review["title"], back, lead, url_for("sa.review_document", review_id=review_id))


def _host_when(review: dict) -> str:
    """When the visit is, as its host may know it: an unannounced visit's window, not its first day."""
    return f"visit window {window.words(review)}" if window.windowed(review) else review["start_date"]


@bp.get("/reviews/<review_id>/self-assessment/document")
def review_document(review_id):
    review = house().reviews.review(review_id)
    if review is None or not (access.is_host(review) or access.is_lead(review) or access.member(review)):
        abort(404, "No such document.")
    return _document((REVIEW, review["id"], review["host"]))


# -- reading it: a day's participants and facilitator

def _reader_day(day_id: str, n: int) -> tuple[dict, str, bool]:
    """The day, the authority read and whether the reader is the facilitator; anyone else is refused."""
    day = engine().store.day(day_id)
    if day is None or not 0 <= n < len(day["authorities"]):
        abort(404, "No such self-assessment.")
    if access.is_facilitator(day):
        return day, day["authorities"][n], True
    token = access.participant_token(day["id"])
    participant = engine().store.participant_by_token(token) if token else None
    if participant is None or participant["day_id"] != day["id"]:
        abort(403, "Join this day first: its self-assessments are for the people in the room.")
    return day, day["authorities"][n], False


@bp.route("/days/<day_id>/self-assessment/<int:n>", methods=["GET", "POST"])
def day_read(day_id, n):
    day, authority, facilitator = _reader_day(day_id, n)
    owner = (DAY, day["id"], authority)
    back = (url_for("sa.day_list", day_id=day_id) if facilitator else url_for("views.phone", code=day["join_code"]))
    return _read(owner, day["title"], back, facilitator, url_for("sa.day_document", day_id=day_id, n=n))


@bp.get("/days/<day_id>/self-assessment/<int:n>/document")
def day_document(day_id, n):
    day, authority, _ = _reader_day(day_id, n)
    return _document((DAY, day["id"], authority))


@bp.get("/console/<day_id>/self-assessments")
def day_list(day_id):
    """The facilitator's view before the day: each host's own link, and how far each has got."""
    day = facilitated_day(day_id)
    kept = {r["authority"]: r for r in store().self_assessments(DAY, day["id"])}
    hosts = [{"n": n, "authority": a, "row": kept.get(a),
              "link": public_url() + url_for("sa.day_host", key=house().reports.review_key(day["id"], a, now()))}
             for n, a in enumerate(day["authorities"])]
    return render_template("self_assessment/list.html", day=day, hosts=hosts)


def _read(owner, title: str, back: str, reviewer: bool, document_url: str):
    """The self-assessment as the visitors read it; the reviewer may answer the template's questions."""
    error, status = None, 200
    if request.method == "POST":
        access.check_csrf()
        if not reviewer:
            abort(403, "Only the reviewer answers these questions.")
        try:
            sa_domain.answer(store(), owner, template(), request.form, now())
            return redirect(request.path + "#review")
        except Refused as refused:
            error, status = refused.message, 400
    row = store().self_assessment(*owner)
    return render_template("self_assessment/read.html", owner=owner, title=title, back=back, t=template(),
                           v=sa_domain.view(template(), row), reviewer=reviewer, document_url=document_url,
                           error=error), status


def _document(owner) -> Response:
    found = store().sa_document(*owner)
    if found is None:
        abort(404, "No document was uploaded.")
    return attachment(found)


def attachment(found: dict) -> Response:
    """An uploaded document, {file_name, file_type, file_data}, as a download under a safe name."""
    response = Response(found["file_data"], mimetype=found["file_type"])
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in found["file_name"])
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response
