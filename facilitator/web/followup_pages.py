"""Pages after the day. The host, through its review link: the response and the review of impact.
The facilitator: the follow-up page, calendar entries, the region's ledger, the summit round on round
and the Word copies of reviews of impact (the day's own is with the other exports). Thin: each checks who is asking, calls the domain and renders."""

from __future__ import annotations

import re
from datetime import date as Date

from werkzeug.exceptions import RequestEntityTooLarge
from markupsafe import Markup
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from . import access
from ..followup import agenda, calendar, impact, impact_word, ledger, responses, rounds
from ..followup.store import MATCH_DECISIONS, SUMMIT_DECISIONS, Records
from ..writeup import document, summit
from ..writers import markdown, word
from .day_pages import engine as _engine, facilitated_day as _facilitated, now as _now, public_url
from .house import house

bp = Blueprint("followup", __name__)
# Read a little past the 10 MB a response may be, so a file just too big is told why, not cut off.
UPLOAD_LIMIT = 16 * 1024 * 1024


def _records() -> Records:
    return house().followup.records


def _host():
    """The review link's day and authority, as for the host's review page."""
    entry = house().reports.by_review_key(request.view_args["key"])
    day = _engine().store.day(entry["day_id"]) if entry else None
    if day is None:
        abort(404, "This review link is not known here.")
    return day, entry["authority"]


def _docx(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype=word.MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.docx"'
    return response


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


# -- the host's response

def _response_page(key, day, authority, error=None, status=200, form=None):
    rows = _records().responses(day["id"], authority)
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
        _records().add_response(day["id"], authority, _now(), markdown=text, public=public)
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
        _records().add_response(day["id"], authority, _now(), file=checked, public=public)
    return redirect(url_for("followup.response_page", key=key, _anchor="responses"))


def _own_response(day, authority, response_id) -> dict:
    row = _records().response_file(response_id)
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
        _records().set_public(response_id, request.form.get("public") == "1", _now())
    elif action == "remove":
        _records().remove_response(response_id)
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
    state = impact.standing(e, _records().impact(e.ref, e.host), _now())
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
    _records().save_impact(e.ref, authority, sent["progress"], sent["evidence"], sent["outcomes"], sent["submit"], _now())
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
    _records().save_plan(e.ref, authority, plan, planned_for, _now())
    return redirect(url_for("followup.impact_page", key=key, planned=1, _anchor="when"))


@bp.get("/review/<key>/impact.docx")
def impact_docx(key):
    day, authority = _host()
    e = house().followup.engagement(day["id"], authority)
    if e is None:
        abort(404, "This day asks for no review of impact.")
    return _docx(impact_word.to_docx(house().followup.impact_document(e, _now())),
                 f"review-of-impact-{_slug(authority)}-{day['date']}")


# -- the facilitator's pages, across every day held on this browser

def _held_days() -> set[str]:
    return {d for d in access.facilitator_days() if _engine().store.day(d)}


def _held() -> set[str]:
    """The days this browser facilitates and the reviews it leads: the follow-up and ledger it sees."""
    return _held_days() | {r for r in access.lead_reviews() if house().reviews.review(r)}


@bp.get("/followup")
def followup_page():
    held = _held()
    engagements = [e for e in house().followup.engagements() if e.ref in held]
    rows = impact.follow_up_rows(engagements, _records().impacts(), _now())
    days = [_engine().store.day(d) for d in _held_days()]
    return render_template("followup/followup.html", rows=rows, today=impact.today(_now()).isoformat(),
                           days=sorted(days, key=lambda d: (d["date"], d["title"])))


@bp.get("/followup/<day_id>/<authority>/<who>.ics")
def calendar_file(day_id, authority, who):
    """One person's calendar file: the host's carries the host's link, the visiting lead's none."""
    day = _facilitated(day_id)
    e = house().followup.engagement(day_id, authority)
    if e is None or impact.earliest(e) is None or who not in calendar.PEOPLE:
        abort(404, "No review of impact is asked of that authority.")
    review = _records().impact(day_id, authority)
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
    return _docx(impact_word.to_docx(house().followup.impact_document(e, _now())),
                 f"review-of-impact-{_slug(authority)}-{day['date']}")


# -- the region's ledger

@bp.get("/ledger")
def ledger_page():
    rows = house().followup.ledger_rows(_held())
    return render_template("followup/ledger.html", rows=[ledger.readable(r) for r in rows], counts=ledger.counts(rows))


@bp.get("/ledger.<fmt>")
def ledger_export(fmt):
    rows = house().followup.ledger_rows(_held())
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
    held = _held()
    items = {i.id: i for i in house().followup.items() if i.ref in held}
    ask, offer = items.get(ask_id), items.get(offer_id)
    if not ask or not offer or ask.role != "ask" or offer.role != "offer" or ask.authority == offer.authority:
        abort(404, "That ask and offer are not in a ledger you hold.")
    score = request.form.get("score", "")
    _records().decide_match(ask_id, offer_id, decision, float(score) if re.fullmatch(r"0?\.\d+|[01]", score) else None,
                            _now())
    return redirect(url_for("followup.ledger_page", _anchor=f"i-{ask_id}"))


# -- the summit, round on round

@bp.get("/followup/summit")
def summit_page():
    return _summit_picker()


def _summit_picker(error: str | None = None, status: int = 200):
    held = _held_days()
    days = sorted((_engine().store.day(d) for d in held), key=lambda d: (d["date"], d["title"]))
    summits = [s for s in _records().summits() if s["day_ids"] and set(s["day_ids"]) <= held]
    return render_template("followup/summit.html", days=days, summits=summits, error=error), status


@bp.get("/followup/summit/pack.<fmt>")
def summit_pack(fmt):
    if fmt not in ("html", "md", "json", "docx"):
        abort(404, "No such format.")
    now_ids = list(dict.fromkeys(request.args.getlist("day")))
    before_ids = [d for d in dict.fromkeys(request.args.getlist("previous")) if d not in now_ids]
    if not now_ids:
        abort(400, "Choose at least one day for this round.")
    since = request.args.get("since") or None
    if since:
        try:
            Date.fromisoformat(since)
        except ValueError:
            abort(400, "Give the date of the last summit as YYYY-MM-DD.")
    reports = house().reports
    docs = [document.gather(_engine(), reports, _facilitated(d), _now()) for d in now_ids]
    previous = [document.gather(_engine(), reports, _facilitated(d), _now()) for d in before_ids]
    p = house().followup.summit_rounds(docs, previous, _held(), since, _now())
    return _pack_as(p, fmt)


def _pack_as(p: dict, fmt: str):
    """A summit pack in the format asked for: Word, JSON, Markdown or the page."""
    if fmt == "docx":
        return _docx(rounds.to_docx(p), "summit-pack")
    if fmt == "json":
        return Response(summit.to_json(p), mimetype="application/json")
    if fmt == "md":
        return Response(rounds.to_markdown(p), mimetype="text/markdown")
    rendered = [Markup(markdown.render(r["text"])) for r in p["responses"]]
    return render_template("followup/summit_pack.html", p=p, responses=list(zip(p["responses"], rendered)))


# -- a summit's agenda: its issues for collective action, and the plan and support put to it

def _summit(summit_id: str) -> dict:
    """A summit the organiser prepares: only one who holds every one of its days may open it."""
    s = _records().summit(summit_id)
    if s is None:
        abort(404, "No such summit.")
    held = _held_days()
    s["day_ids"] = [d for d in s["day_ids"] if _engine().store.day(d)]  # a deleted day goes with it
    if not s["day_ids"] or not set(s["day_ids"]) <= held:
        abort(403, "Open the facilitator's link of every day of this summit first.")
    return s


def _summit_pack(s: dict) -> tuple[dict, list[dict]]:
    reports = house().reports
    docs = [document.gather(_engine(), reports, _facilitated(d), _now()) for d in s["day_ids"]]
    base = house().followup.summit_rounds(docs, [], _held(), None, _now())
    named = {a for d in docs for a in d.get("named_in_grid", ())}
    computed = agenda.collective_issues(docs)
    p = agenda.with_agenda(base, s, computed, _records().issue_edits(s["id"]), _records().summit_items(s["id"]), named)
    return p, computed


def _agenda_page(s: dict, error: str | None = None, status: int = 200):
    p, computed = _summit_pack(s)
    edits = _records().issue_edits(s["id"])
    put = {i["source_id"] for i in _records().summit_items(s["id"]) if i["source_id"]}
    offers = [o for o in house().followup.items() if o.role == "offer" and o.ref in set(s["day_ids"])]
    return render_template("followup/summit_agenda.html", s=s, p=p, error=error, decisions=SUMMIT_DECISIONS,
                           dropped=agenda.dropped(computed, edits), offers=[o for o in offers if o.id not in put],
                           today=Date.fromtimestamp(_now() / 1000).isoformat()), status


@bp.post("/followup/summits")
def add_summit():
    access.check_csrf()
    held = _held_days()
    day_ids = [d for d in dict.fromkeys(request.form.getlist("day"))]
    title = " ".join(request.form.get("title", "").split())
    held_on = request.form.get("held_on") or None
    error = None
    if not day_ids:
        error = "Choose at least one day of the round for the summit."
    elif not set(day_ids) <= held:
        abort(403, "Open the facilitator's link of every day of this summit first.")
    elif not title or len(title) > 200:
        error = "Name the summit in up to 200 characters."
    elif held_on:
        try:
            held_on = Date.fromisoformat(held_on).isoformat()
        except ValueError:
            error = "Give the date the summit meets as YYYY-MM-DD, or leave it empty."
    if error:
        return _summit_picker(error, 400)
    s = _records().add_summit(title, held_on, day_ids, _now())
    return redirect(url_for("followup.summit_agenda", summit_id=s["id"]))


@bp.get("/followup/summits/<summit_id>")
def summit_agenda(summit_id):
    return _agenda_page(_summit(summit_id))


@bp.post("/followup/summits/<summit_id>/issues")
def summit_issue(summit_id):
    s = _summit(summit_id)
    access.check_csrf()
    _, computed = _summit_pack(s)
    keys = {g["key"]: g for g in computed}
    key, action = request.form.get("key", ""), request.form.get("action", "")
    if key not in keys:
        return _agenda_page(s, "That issue is not one of this summit's: reload the page.", 400)
    edit = _records().issue_edits(s["id"]).get(key, {})
    wording, into, drop = edit.get("wording"), edit.get("merged_into"), bool(edit.get("dropped"))
    if action == "word":
        wording = " ".join(request.form.get("wording", "").split())
        if not wording:
            return _agenda_page(s, "Write the issue's wording, or drop the issue.", 400)
        if len(wording) > agenda.MAX_TEXT:
            return _agenda_page(s, f"The wording is longer than {agenda.MAX_TEXT} characters.", 400)
        if wording == keys[key]["title"]:
            wording = None
    elif action == "merge":
        into = request.form.get("into", "")
        if into not in keys or into == key:
            return _agenda_page(s, "Choose another of the summit's issues to merge this one into.", 400)
    elif action == "unmerge":
        into = None
    elif action in ("drop", "restore"):
        drop = action == "drop"
    else:
        return _agenda_page(s, "Choose to reword, merge, drop or restore the issue.", 400)
    _records().edit_issue(s["id"], key, _now(), wording, into, drop)
    return redirect(url_for("followup.summit_agenda", summit_id=s["id"], _anchor="issues"))


@bp.post("/followup/summits/<summit_id>/items")
def summit_item(summit_id):
    s = _summit(summit_id)
    access.check_csrf()
    action = request.form.get("action", "")
    items = {i["id"]: i for i in _records().summit_items(s["id"])}
    try:
        if action == "plan":
            _records().add_summit_item(s["id"], "plan", agenda.checked_text(request.form.get("text"), "plan's item"),
                                       _now())
        elif action == "offer":
            offers = {o.id: o for o in house().followup.items() if o.role == "offer" and o.ref in set(s["day_ids"])}
            offer = offers.get(request.form.get("offer_id", ""))
            if offer is None:
                raise ValueError("That offer is not an agreed offer of this summit's days.")
            if any(i["source_id"] == offer.id for i in items.values()):
                raise ValueError("That offer is already put to the summit.")
            _records().add_summit_item(s["id"], "support", offer.text, _now(), offer.authority, offer.id)
        elif action in ("decide", "remove"):
            item = items.get(request.form.get("item_id", ""))
            if item is None:
                raise ValueError("That item is not on this summit's agenda: reload the page.")
            if action == "remove":
                _records().remove_summit_item(item["id"])
            else:
                _records().decide_summit_item(item["id"], *agenda.checked_decision(request.form), _now())
        else:
            raise ValueError("Choose to add an item, put an offer, or record a decision.")
    except ValueError as e:
        return _agenda_page(s, str(e), 400)
    return redirect(url_for("followup.summit_agenda", summit_id=s["id"], _anchor="plan"))


@bp.get("/followup/summits/<summit_id>/pack.<fmt>")
def summit_agenda_pack(summit_id, fmt):
    if fmt not in ("html", "md", "json", "docx"):
        abort(404, "No such format.")
    p, _ = _summit_pack(_summit(summit_id))
    return _pack_as(p, fmt)
