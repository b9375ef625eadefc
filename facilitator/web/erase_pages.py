"""Deleting a day (the facilitator) or a review (its lead) from the browser: a page that says what
it holds and asks for the title typed out, then the deletion the command line does. Thin: the
domain is core.erase."""

from __future__ import annotations

from flask import Blueprint, render_template, request, session

from . import access
from ..core import erase
from ..writeup import casestudies, document
from .day_pages import engine, facilitated_day, now
from .house import house
from .review_pages import page as review_page

bp = Blueprint("erase", __name__)


def _asked(kind: str, item: dict, agreed: int, error: str | None = None, status: int = 200):
    held = erase.holdings(_database(), kind, item["id"])
    return render_template("delete.html", kind=kind, item=item, held=erase.described(held), agreed=agreed,
                           error=error), status


def _database():
    return engine().store.database  # every stage's tables are in the one file


def _confirmed(item: dict, agreed: int) -> str | None:
    """Why the form cannot delete yet, or None: the title typed out, and the agreed case studies let go."""
    if " ".join(request.form.get("confirm", "").split()).casefold() != " ".join(item["title"].split()).casefold():
        return f"Type the title, “{item['title']}”, to delete it."
    if agreed and request.form.get("with_agreed_case_studies") != "1":
        return "Say that the case studies its hosts agreed for the summit go too, or export the summit pack first."
    return None


def _agreed(day: dict) -> int:
    return len(casestudies.agreed_in(document.gather(engine(), house().reports, day, now())))


@bp.route("/console/<day_id>/delete", methods=["GET", "POST"])
def delete_day(day_id):
    day = facilitated_day(day_id)
    agreed = _agreed(day)
    if request.method == "GET":
        return _asked("day", day, agreed)
    access.check_csrf()
    error = _confirmed(day, agreed)
    if error:
        return _asked("day", day, agreed, error, 400)
    counts = engine().store.delete_day(day["id"])
    session[access.FACILITATOR_DAYS] = [d for d in session.get(access.FACILITATOR_DAYS, []) if d != day["id"]]
    return render_template("deleted.html", kind="day", title=day["title"], took=erase.described(counts))


@bp.route("/reviews/<review_id>/delete", methods=["GET", "POST"])
@review_page("lead")
def delete_review(review, script):
    if request.method == "GET":
        return _asked("review", review, 0)
    error = _confirmed(review, 0)
    if error:
        return _asked("review", review, 0, error, 400)
    counts = erase.erase(_database(), "review", review["id"])
    return render_template("deleted.html", kind="review", title=review["title"], took=erase.described(counts))
