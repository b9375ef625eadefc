"""The reading pack's page: the host adds documents and answers the team's requests for
supplementary material; the lead and the team read both and ask. Thin: the domain is
review.reading_pack."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from ..review import reading_pack
from .access import is_host, is_lead, team_role
from .house import house
from .review_pages import attempt, back, now, page
from .sa_pages import UPLOAD_LIMIT, attachment

bp = Blueprint("reading", __name__, url_prefix="/reviews")


def _pack():
    return house().pack


def _upload(field: str) -> tuple[str, bytes]:
    """The uploaded file's name and bytes ('' and b'' when none was chosen)."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return "", b""
    try:
        return upload.filename, upload.read()
    finally:
        upload.close()


def _limited(review_id: str, anchor: str):
    """These forms alone carry documents: a body past the limit is refused before it is read, and
    the page says so."""
    request.max_content_length = UPLOAD_LIMIT
    try:
        request.files
    except RequestEntityTooLarge:
        session["review_error"] = "That file is far larger than 10 MB, the most a document can be: nothing was stored."
        return redirect(url_for("reading.pack", review_id=review_id) + anchor)
    return None


@bp.get("/<review_id>/reading")
@page("lead", "host", "member")
def pack(review, script):
    documents = _pack().documents(review["id"])
    return render_template("review/reading.html", review=review, script=script, host=is_host(review), lead=is_lead(review),
                           pack=[d for d in documents if not d["request_id"]], requests=_pack().requests(review["id"]),
                           answered_with=reading_pack.by_request(documents), most=reading_pack.MAX_DOCUMENTS)


@bp.post("/<review_id>/reading/documents")
def add(review_id):
    return _limited(review_id, "#pack") or _add(review_id)


@page("host")
def _add(review, script):
    name, data = _upload("document")
    return back("reading.pack", review, attempt(reading_pack.add, _pack(), review, request.form, name, data, now()),
                "#pack")


@bp.post("/<review_id>/reading/documents/<document_id>/remove")
@page("host")
def remove(review, script, document_id):
    return back("reading.pack", review, attempt(_pack().remove_document, review["id"], document_id), "#pack")


@bp.get("/<review_id>/reading/documents/<document_id>")
@page("lead", "host", "member")
def document(review, script, document_id):
    found = _pack().document(review["id"], document_id)
    if found is None:
        abort(404, "No such document in this review's reading pack.")
    return attachment(found)


@bp.post("/<review_id>/reading/requests")
@page("lead", "member")
def ask(review, script):
    return back("reading.pack", review,
                attempt(reading_pack.ask, _pack(), review, team_role(review), request.form, now()), "#requests")


@bp.post("/<review_id>/reading/requests/<request_id>/answer")
def answer(review_id, request_id):
    return _limited(review_id, f"#request-{request_id}") or _answer(review_id, request_id=request_id)


@page("host")
def _answer(review, script, request_id):
    name, data = _upload("document")
    return back("reading.pack", review, attempt(reading_pack.answer, _pack(), review, request_id, request.form,
                                                name, data, now()), f"#request-{request_id}")
