"""The summit pages: the pack round on round, and a summit's agenda the organiser prepares (its
issues for collective action, the plan and support put to it, and the decisions). On the
follow-up's blueprint, so their endpoints keep its name."""

from __future__ import annotations

from datetime import date as Date

from flask import Response, abort, redirect, render_template, request, url_for
from markupsafe import Markup

from . import access
from ..followup import agenda, rounds
from ..followup.store import SUMMIT_DECISIONS
from ..writeup import document, summit
from ..writers import markdown
from .day_pages import engine as _engine, facilitated_day as _facilitated, now as _now
from .followup_pages import bp, follow_up_records, held_days, held_refs, word_download
from .house import house


# -- the summit, round on round

@bp.get("/followup/summit")
def summit_page():
    return _summit_picker()


def _summit_picker(error: str | None = None, status: int = 200):
    held = held_days()
    days = sorted((_engine().store.day(d) for d in held), key=lambda d: (d["date"], d["title"]))
    summits = [s for s in follow_up_records().summits() if s["day_ids"] and set(s["day_ids"]) <= held]
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
    p = house().followup.summit_rounds(docs, previous, held_refs(), since, _now())
    return _pack_as(p, fmt)


def _pack_as(p: dict, fmt: str):
    """A summit pack in the format asked for: Word, JSON, Markdown or the page."""
    if fmt == "docx":
        return word_download(rounds.to_docx(p), "summit-pack")
    if fmt == "json":
        return Response(summit.to_json(p), mimetype="application/json")
    if fmt == "md":
        return Response(rounds.to_markdown(p), mimetype="text/markdown")
    rendered = [Markup(markdown.render(r["text"])) for r in p["responses"]]
    return render_template("followup/summit_pack.html", p=p, responses=list(zip(p["responses"], rendered)))


# -- a summit's agenda: its issues for collective action, and the plan and support put to it

def _summit(summit_id: str) -> dict:
    """A summit the organiser prepares: only one who holds every one of its days may open it."""
    s = follow_up_records().summit(summit_id)
    if s is None:
        abort(404, "No such summit.")
    held = held_days()
    s["day_ids"] = [d for d in s["day_ids"] if _engine().store.day(d)]  # a deleted day goes with it
    if not s["day_ids"] or not set(s["day_ids"]) <= held:
        abort(403, "Open the facilitator's link of every day of this summit first.")
    return s


def _summit_pack(s: dict) -> tuple[dict, list[dict]]:
    reports = house().reports
    docs = [document.gather(_engine(), reports, _facilitated(d), _now()) for d in s["day_ids"]]
    base = house().followup.summit_rounds(docs, [], held_refs(), None, _now())
    named = {a for d in docs for a in d.get("named_in_grid", ())}
    computed = agenda.collective_issues(docs)
    p = agenda.with_agenda(base, s, computed, follow_up_records().issue_edits(s["id"]), follow_up_records().summit_items(s["id"]), named)
    return p, computed


def _agenda_page(s: dict, error: str | None = None, status: int = 200):
    p, computed = _summit_pack(s)
    edits = follow_up_records().issue_edits(s["id"])
    put = {i["source_id"] for i in follow_up_records().summit_items(s["id"]) if i["source_id"]}
    offers = [o for o in house().followup.items() if o.role == "offer" and o.ref in set(s["day_ids"])]
    return render_template("followup/summit_agenda.html", s=s, p=p, error=error, decisions=SUMMIT_DECISIONS,
                           dropped=agenda.dropped(computed, edits), offers=[o for o in offers if o.id not in put],
                           today=Date.fromtimestamp(_now() / 1000).isoformat()), status


@bp.post("/followup/summits")
def add_summit():
    access.check_csrf()
    held = held_days()
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
    s = follow_up_records().add_summit(title, held_on, day_ids, _now())
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
    edit = follow_up_records().issue_edits(s["id"]).get(key, {})
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
    follow_up_records().edit_issue(s["id"], key, _now(), wording, into, drop)
    return redirect(url_for("followup.summit_agenda", summit_id=s["id"], _anchor="issues"))


@bp.post("/followup/summits/<summit_id>/items")
def summit_item(summit_id):
    s = _summit(summit_id)
    access.check_csrf()
    action = request.form.get("action", "")
    items = {i["id"]: i for i in follow_up_records().summit_items(s["id"])}
    try:
        if action == "plan":
            follow_up_records().add_summit_item(s["id"], "plan", agenda.checked_text(request.form.get("text"), "plan's item"),
                                       _now())
        elif action == "offer":
            offers = {o.id: o for o in house().followup.items() if o.role == "offer" and o.ref in set(s["day_ids"])}
            offer = offers.get(request.form.get("offer_id", ""))
            if offer is None:
                raise ValueError("That offer is not an agreed offer of this summit's days.")
            if any(i["source_id"] == offer.id for i in items.values()):
                raise ValueError("That offer is already put to the summit.")
            follow_up_records().add_summit_item(s["id"], "support", offer.text, _now(), offer.authority, offer.id)
        elif action in ("decide", "remove"):
            item = items.get(request.form.get("item_id", ""))
            if item is None:
                raise ValueError("That item is not on this summit's agenda: reload the page.")
            if action == "remove":
                follow_up_records().remove_summit_item(item["id"])
            else:
                follow_up_records().decide_summit_item(item["id"], *agenda.checked_decision(request.form), _now())
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
