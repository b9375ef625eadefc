"""A review's notes held back for a child's details: the lead releases one (edited first if need
be) or removes it for good, from the console. Thin: the domain is review.notebook."""

from __future__ import annotations

from flask import Blueprint, request

from . import review_events
from ..core.errors import Refused
from ..review import notebook
from .house import house
from .realtime import now
from .review_pages import back, page

bp = Blueprint("held_notes", __name__, url_prefix="/reviews")


@bp.post("/<review_id>/notes/<note_id>/release")
@page("lead")
def release(review, script, note_id):
    payload = {"id": note_id, "text": request.form.get("text")}
    return back("review.console", review, _changed(review, notebook.release_note, payload), "#held-notes")


@bp.post("/<review_id>/notes/<note_id>/remove")
@page("lead")
def remove(review, script, note_id):
    return back("review.console", review, _changed(review, notebook.remove_note, {"id": note_id}), "#held-notes")


def _changed(review: dict, fn, payload: dict) -> str | None:
    """Release or remove, then tell the lead's screens and the projected feedback; or the refusal."""
    try:
        note, seq = fn(house().reviews, review, payload, now())
    except Refused as refused:
        return refused.message
    review_events.note_changed(review["id"], seq, note)
    return None
