"""A review's host, six months on: its action plan (the actions it agreed, each with its owner and
due date) looked back at, and its review of impact written and submitted; the lead reads it. The
same follow-up records as a triad day's host keeps. Thin: the domain is followup.impact."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from ..followup import impact
from .access import is_host
from .house import house
from .review_pages import bp, now, page


def _engagement(review: dict):
    e = house().followup.engagement(review["id"], review["host"])
    if e is None:
        abort(404, "No such review.")
    return e


def _plan(review: dict) -> list[dict]:
    """The agreed actions with what the host last recorded of each."""
    outcomes = house().followup.records.outcomes()
    return [{"id": i.id, "text": i.text, "owner": i.extra.get("owner") or "", "due": i.extra.get("due") or "",
             "status": (outcomes.get(i.id) or {}).get("status") or "not started",
             "evidence": (outcomes.get(i.id) or {}).get("evidence") or ""}
            for i in house().followup.items() if i.ref == review["id"]]


@bp.route("/<review_id>/impact", methods=["GET", "POST"])
@page("lead", "host")
def impact_page(review, script):
    e, error = _engagement(review), None
    host = is_host(review)
    if request.method == "POST":
        if not host:
            abort(403, "The host writes its review of impact.")
        error = _save(review, e)
        if error is None:
            return redirect(url_for("review.impact_page", review_id=review["id"], saved=1))
    records = house().followup.records
    row = records.impact(review["id"], review["host"]) or {}
    return render_template("review/impact.html", review=review, script=script, e=e, host=host, plan=_plan(review),
                           statuses=impact.ACTION_STATUSES, earliest=impact.earliest(e), row=row,
                           typed=request.form if error else None, error=error,
                           saved=request.args.get("saved")), 400 if error else 200


def _save(review: dict, e) -> str | None:
    items = [i for i in house().followup.items() if i.ref == review["id"]]
    try:
        sent = impact.read_review(request.form, items, [], house().followup.region())
    except impact.BadReview as bad:
        return str(bad)
    house().followup.records.save_impact(review["id"], review["host"], sent["progress"], sent["evidence"],
                                         sent["outcomes"], sent["submit"], now())
    return None
