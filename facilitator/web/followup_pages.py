"""Pages after the day. The host, through its review link: the response and the review of impact.
The facilitator: the follow-up page, calendar entries, the region's ledger, the summit round on round
and the Word copies of reviews of impact (the day's own is with the other exports). Thin: each checks who is asking, calls the domain and renders."""

from __future__ import annotations

import re

from werkzeug.exceptions import RequestEntityTooLarge
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from . import access
from ..followup import calendar, impact, impact_word, ledger, responses
from ..followup.store import MATCH_DECISIONS, Records
from ..writers import markdown, word
from .day_pages import engine as _engine, facilitated_day as _facilitated, now as _now, public_url
from .house import house

bp = Blueprint("followup", __name__)
# Read a little past the 10 MB a response may be, so a file just too big is told why, not cut off.
UPLOAD_LIMIT = 16 * 1024 * 1024


def follow_up_records() -> Records:
    return house().followup.records


def _host():
    """The review link's day and authority, as for the host's review page."""
    entry = house().reports.by_review_key(request.view_args["key"])
    day = _engine().store.day(entry["day_id"]) if entry else None
    if day is None:
        abort(404, "This review link is not known here.")
    return day, entry["authority"]


def word_download(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype=word.MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.docx"'
    return response


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


# -- the host's response

def _response_page(key, day, authority, error=None, status=200, form=None):
    rows = follow_up_records().responses(day["id"], authority)
    for r in rows:
        r["html"] = markdown.render(r["markdown"]) if r["markdown"] else None
    return render_template("followup/response.html", key=key, day=day, authority=authority, responses=rows,
                           error=error, form=form or {}, max_mb=responses.MAX_BYTES // (1024 * 1024)), status


@bp.get("/review/<key>/response")
def response_page(key):
    day, authority = _host()
    return _response_page(key, day, authority)


@bp.post("/review/<key>/response")
def add_response(key):
    request.max_content_length = UPLOAD_LIMIT  # this form alone carries a document
    day, authority = _host()
    try:
        request.files
    except RequestEntityTooLarge:
        return _response_page(key, day, authority, "That file is far larger than 10 MB, the most a response "
                              "can be: nothing was stored.", 413)
    access.check_csrf()
    public = request.form.get("public") == "1"
    if request.form.get("action") == "write":
        text = request.form.get("markdown", "").replace("\r\n", "\n").strip()
        if not text:
            return _response_page(key, day, authority, "Write the response before saving it.", 400)
        if len(text) > responses.MAX_MARKDOWN:
            return _response_page(key, day, authority, f"The response is longer than {responses.MAX_MARKDOWN} "
                                  "characters: upload it as a document instead.", 400, request.form)
        follow_up_records().add_response(day["id"], authority, _now(), markdown=text, public=public)
    else:
        upload = request.files.get("document")
        try:
            # judged in a child process: a hostile file costs that process, never the room's server
            checked = responses.check_apart(upload.filename if upload else "", upload.read() if upload else b"")
        except responses.BadUpload as bad:
            return _response_page(key, day, authority, f"{bad} Nothing was stored.", 400)
        finally:
            if upload:
                upload.close()  # a large upload waits in a temporary file
        follow_up_records().add_response(day["id"], authority, _now(), file=checked, public=public)
    return redirect(url_for("followup.response_page", key=key, _anchor="responses"))


def _own_response(day, authority, response_id) -> dict:
    row = follow_up_records().response_file(response_id)
    if row is None or row["day_id"] != day["id"] or row["authority"] != authority:
        abort(404, "No such response.")
    return row


@bp.post("/review/<key>/response/<response_id>")
def change_response(key, response_id):
    day, authority = _host()
    access.check_csrf()
    _own_response(day, authority, response_id)
    action = request.form.get("action")
    if action == "public":
        follow_up_records().set_public(response_id, request.form.get("public") == "1", _now())
    elif action == "remove":
        follow_up_records().remove_response(response_id)
    else:
        abort(400, "Choose to mark the response public or private, or to remove it.")
    return redirect(url_for("followup.response_page", key=key, _anchor="responses"))


@bp.get("/review/<key>/response/<response_id>/file")
def response_file(key, response_id):
    day, authority = _host()
    row = _own_response(day, authority, response_id)
    if not row["file_data"]:
        abort(404, "This response was written here, not uploaded.")
    response = Response(row["file_data"], mimetype=row["file_type"])
    response.headers["Content-Disposition"] = f'attachment; filename="{_slug(row["file_name"].rsplit(".", 1)[0])}.' \
                                              f'{row["file_name"].rsplit(".", 1)[-1].lower()}"'
    return response


# -- the host's review of impact

def _impact_page(key, e, error=None, status=200, plan_sent=None):
    doc = house().followup.impact_document(e, _now())
    mine = {i["id"] for i in doc["items"]}
    offers = [r for r in house().followup.ledger_rows(suggest=False)
              if r["role"] == "offer" and r["authority"] != e.host and r["id"] not in mine]
    state = impact.standing(e, follow_up_records().impact(e.ref, e.host), _now())
    return render_template("followup/impact.html", key=key, e=e, doc=doc, offers=offers, state=state,
                           region=[a for a in house().followup.region() if a != e.host], statuses=impact.STATUSES,
                           commentary=markdown.render(doc["commentary"]), error=error, words=impact.STANDING_WORDS,
                           plan=plan_sent or {"plan": doc["plan"], "planned_for": doc["planned_for"] or ""}), status


def _impact_engagement(day: dict, authority: str):
    """The host's part in the day, when its script asks for a review of impact; else 404."""
    e = house().followup.engagement(day["id"], authority)
    if e is None or impact.earliest(e) is None:
        abort(404, "This day asks for no review of impact.")
    return e


@bp.get("/review/<key>/impact")
def impact_page(key):
    day, authority = _host()
    e = _impact_engagement(day, authority)
    return _impact_page(key, e)


@bp.post("/review/<key>/impact")
def save_impact(key):
    day, authority = _host()
    access.check_csrf()
    e = _impact_engagement(day, authority)
    items = house().followup.items()
    mine = [i for i in items if i.ref == e.ref and i.authority == authority]
    try:
        sent = impact.read_review(request.form, mine, [i for i in items if i.authority != authority],
                                  house().followup.region())
    except impact.BadReview as bad:
        return _impact_page(key, e, str(bad), 400)
    follow_up_records().save_impact(e.ref, authority, sent["progress"], sent["evidence"], sent["outcomes"], sent["submit"], _now())
    return redirect(url_for("followup.impact_page", key=key, saved=1))


@bp.post("/review/<key>/impact/plan")
def plan_impact(key):
    """The host DCS is in charge of the timetable: a date, none at all, or not decided yet."""
    day, authority = _host()
    access.check_csrf()
    e = _impact_engagement(day, authority)
    try:
        plan, planned_for = impact.read_plan(request.form, e)
    except impact.BadReview as bad:
        return _impact_page(key, e, str(bad), 400, plan_sent=request.form)
    follow_up_records().save_plan(e.ref, authority, plan, planned_for, _now())
    return redirect(url_for("followup.impact_page", key=key, planned=1, _anchor="when"))


@bp.get("/review/<key>/impact.docx")
def impact_docx(key):
    day, authority = _host()
    e = house().followup.engagement(day["id"], authority)
    if e is None:
        abort(404, "This day asks for no review of impact.")
    return word_download(impact_word.to_docx(house().followup.impact_document(e, _now())),
                 f"review-of-impact-{_slug(authority)}-{day['date']}")


# -- the facilitator's pages, across every day held on this browser

def held_days() -> set[str]:
    return {d for d in access.facilitator_days() if _engine().store.day(d)}


def held_refs() -> set[str]:
    """The days this browser facilitates and the reviews it leads: the follow-up and ledger it sees."""
    return held_days() | {r for r in access.lead_reviews() if house().reviews.review(r)}


@bp.get("/followup")
def followup_page():
    held = held_refs()
    engagements = [e for e in house().followup.engagements() if e.ref in held]
    rows = impact.follow_up_rows(engagements, follow_up_records().impacts(), _now())
    days = [_engine().store.day(d) for d in held_days()]
    return render_template("followup/followup.html", rows=rows, today=impact.today(_now()).isoformat(),
                           days=sorted(days, key=lambda d: (d["date"], d["title"])))


@bp.get("/followup/<day_id>/<authority>/<who>.ics")
def calendar_file(day_id, authority, who):
    """One person's calendar file: the host's carries the host's link, the visiting lead's none."""
    day = _facilitated(day_id)
    e = house().followup.engagement(day_id, authority)
    if e is None or impact.earliest(e) is None or who not in calendar.PEOPLE:
        abort(404, "No review of impact is asked of that authority.")
    review = follow_up_records().impact(day_id, authority)
    if impact.standing(e, review, _now()) == "not-held":
        abort(404, f"{authority} chose not to hold a review of impact.")
    on, chosen = impact.when(e, review), impact.planned(review) is not None
    if who == "host":
        key = house().reports.review_key(day_id, authority, _now())
        body = calendar.for_host(e, on, chosen, _now(), public_url() + url_for("followup.impact_page", key=key))
    else:
        body = calendar.for_visiting_lead(e, on, chosen, _now())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="review-of-impact-{_slug(authority)}-{day["date"]}-{who}.ics"'
    return response


@bp.get("/followup/<day_id>/<authority>/impact.docx")
def facilitator_impact_docx(day_id, authority):
    day = _facilitated(day_id)
    e = house().followup.engagement(day_id, authority)
    if e is None:
        abort(404, "No such host on that day.")
    return word_download(impact_word.to_docx(house().followup.impact_document(e, _now())),
                 f"review-of-impact-{_slug(authority)}-{day['date']}")


# -- the region's ledger

@bp.get("/ledger")
def ledger_page():
    rows = house().followup.ledger_rows(held_refs())
    return render_template("followup/ledger.html", rows=[ledger.readable(r) for r in rows], counts=ledger.counts(rows))


@bp.get("/ledger.<fmt>")
def ledger_export(fmt):
    rows = house().followup.ledger_rows(held_refs())
    if fmt == "csv":
        response = Response(ledger.to_csv(rows), mimetype="text/csv")
    elif fmt == "json":
        response = Response(ledger.to_json(rows, _now()), mimetype="application/json")
    else:
        abort(404, "No such format.")
    response.headers["Content-Disposition"] = f'attachment; filename="ledger-{impact.today(_now())}.{fmt}"'
    return response


@bp.post("/ledger/match")
def decide_match():
    access.check_csrf()
    ask_id, offer_id, decision = (request.form.get(k, "") for k in ("ask_id", "offer_id", "decision"))
    if decision not in MATCH_DECISIONS:
        abort(400, "Confirm or reject the suggestion.")
    held = held_refs()
    items = {i.id: i for i in house().followup.items() if i.ref in held}
    ask, offer = items.get(ask_id), items.get(offer_id)
    if not ask or not offer or ask.role != "ask" or offer.role != "offer" or ask.authority == offer.authority:
        abort(404, "That ask and offer are not in a ledger you hold.")
    score = request.form.get("score", "")
    follow_up_records().decide_match(ask_id, offer_id, decision, float(score) if re.fullmatch(r"0?\.\d+|[01]", score) else None,
                            _now())
    return redirect(url_for("followup.ledger_page", _anchor=f"i-{ask_id}"))
