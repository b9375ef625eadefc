"""The record pages: critical incidents, the verbal feedback (projected, and previewed by the
host) and its record, the agreed actions, the letter and its exports; the host's comments on the
draft, its own copies, and its choice to publish. They are routes of the review's blueprint,
registered when the app imports this module."""

from __future__ import annotations

from flask import Response, abort, render_template, request

from ..core.errors import Refused
from ..review import export, feedback, incidents, letter, window
from . import review_events
from .access import is_lead, member
from .review_pages import attempt, back, bp, host_page, now, page, rs, scripts, shown


@bp.get("/<review_id>/incidents/<incident_id>")
@page("lead")
def incident(review, script, incident_id):
    return _incident_page(review, script, incident_id)


def _incident_page(review, script, incident_id, error=None, typed=None):
    """The record on the handbook's form; after a refusal, at 400 with what was typed kept."""
    try:
        found = incidents.get(rs(), review, incident_id)
    except Refused:
        abort(404, "No such incident.")
    return render_template("review/incident.html", review=review, script=script, incident=found,
                           form=incidents.form(review, script, found), names=incidents.names(review, found),
                           typed=incidents.draft(review, found, typed), raised_with=incidents.RAISED_WITH,
                           error=error), 400 if error else 200


@bp.post("/<review_id>/incidents/<incident_id>")
@page("lead")
def incident_record(review, script, incident_id):
    error = attempt(incidents.record, rs(), review, incident_id, request.form)
    if error:
        return _incident_page(review, script, incident_id, error, request.form)
    review_events.incident_changed(review["id"], incidents.get(rs(), review, incident_id))
    return back("review.incident", review, None, incident_id=incident_id)


@bp.post("/<review_id>/incidents/<incident_id>/lead-sign")
@page("lead")
def lead_sign(review, script, incident_id):
    error = attempt(incidents.sign, rs(), review, incident_id, "lead", request.form, now())
    if error is None:
        review_events.incident_changed(review["id"], incidents.get(rs(), review, incident_id))
    return back("review.incident", review, error, incident_id=incident_id)


@bp.get("/<review_id>/feedback")
@page("lead")
def projected(review, script):
    """The at-a-glance verbal feedback, for the projector in the feedback meeting."""
    return render_template("review/feedback.html", review=review, script=script, record=feedback.verbal(rs(), review))


@bp.get("/<review_id>/record")
@page("lead")
def record(review, script):
    return render_template("review/record.html", review=review, script=script, record=feedback.verbal(rs(), review),
                           findings=rs().findings(review["id"]),
                           signed=bool(letter.current(rs(), review, script)["signed_ms"]))


@bp.post("/<review_id>/names")
@page("lead")
def names(review, script):
    error = attempt(letter.set_names, rs(), review, request.form)
    if error:
        abort(400, error)
    return back("review.record", review, None, "#names")


@bp.post("/<review_id>/actions")
@page("lead")
def add_action(review, script):
    error = shown(review, attempt(feedback.add_action, rs(), review, request.form, request.form.getlist("findings"), now()))
    return back("review.record", review, error, "#actions")


@bp.post("/<review_id>/actions/<action_id>")
@page("lead")
def update_action(review, script, action_id):
    error = shown(review, attempt(feedback.update_action, rs(), review, action_id, request.form, request.form.getlist("findings")))
    return back("review.record", review, error, "#actions")


@bp.post("/<review_id>/feedback-date")
@page("lead")
def feedback_date(review, script):
    error = shown(review, attempt(feedback.set_date, rs(), review, request.form.get("date")))
    return back("review.record", review, error, "#actions")


# -- the letter: the lead edits, shares and signs; the QA reviewer proofreads


def _qa(review, script) -> bool:
    found = member(review)
    return bool(found and script.role(found["role"]) and script.role(found["role"]).qa)


@bp.get("/<review_id>/letter")
@page("lead", "member")
def letter_page(review, script):
    if not is_lead(review) and not _qa(review, script):
        abort(403, "The letter is for the lead reviewer and the QA reviewer.")
    return render_template("review/letter.html", review=review, script=script, letter=letter.current(rs(), review, script),
                           lead=is_lead(review), qa=_qa(review, script))


@bp.post("/<review_id>/letter")
@page("lead")
def letter_edit(review, script):
    return back("review.letter_page", review, attempt(letter.edit, rs(), review, script, request.form, now()))


@bp.post("/<review_id>/letter/share")
@page("lead")
def letter_share(review, script):
    return back("review.letter_page", review, attempt(letter.share, rs(), review, now()))


@bp.post("/<review_id>/letter/proofread")
@page("member")
def letter_proofread(review, script):
    if not _qa(review, script):
        abort(403, "Only the QA reviewer proofreads the letter.")
    return back("review.letter_page", review, attempt(letter.proofread, rs(), review, script, now()))


@bp.post("/<review_id>/letter/sign")
@page("lead")
def letter_sign(review, script):
    return back("review.letter_page", review, attempt(letter.sign, rs(), review, script, now()))


@bp.get("/<review_id>/export.<fmt>")
@page("lead")
def export_file(review, script, fmt):
    """The letter with the verbal feedback record; `?internal=1` adds roles and critical incidents."""
    if fmt not in export.FORMATS:
        abort(404, "Export as docx, md, html or json.")
    internal = request.args.get("internal") == "1"
    doc = export.gather(rs(), review, script, internal=internal, now=now())
    return _sent(doc, fmt, f"review-{review['id']}{'-INTERNAL' if internal else ''}.{fmt}")


# -- the host's voice: comments on the draft, its own copies, publishing


@bp.get("/<review_id>/host/feedback")
@page("host")
def host_feedback(review, script):
    """The host's read-only preview of the verbal feedback; until the draft letter is shared, only
    the findings the lead has released."""
    shared = bool(letter.current(rs(), review, script)["shared_ms"])
    return render_template("review/host_feedback.html", review=review, script=script, complete=shared,
                           record=feedback.verbal(rs(), review, released_only=not shared))


@bp.get("/<review_id>/host/<part>.<fmt>")
@page("host")
def host_export(review, script, part, fmt):
    """The host's own copy of its record, or of its letter once shared: never the internal copy."""
    if part not in ("record", "letter") or fmt not in ("html", "docx"):
        abort(404, "Download the record or the letter, as html or docx.")
    shared = bool(letter.current(rs(), review, script)["shared_ms"])
    if part == "letter" and not shared:
        abort(404, "The lead reviewer has not shared the draft letter with you yet.")
    doc = export.gather(rs(), review, script, internal=False, now=now(), record_only=part == "record",
                        released_only=not shared)
    if window.hides_date(review, host=True) and not shared:
        doc = {**doc, "due": None, "visit_days": []}  # both are counted from the unannounced first day
    return _sent(doc, fmt, f"review-{review['id']}-{part}.{fmt}")


@bp.post("/<review_id>/letter/comments")
@page("host")
def host_comment(review, script):
    error = attempt(letter.comment, rs(), review, request.form, now())
    return host_page(review, script, error) if error else back("review.host", review, None, "#letter")


@bp.post("/<review_id>/letter/publish")
@page("host")
def host_publish(review, script):
    error = attempt(letter.publish, rs(), review, now())
    return host_page(review, script, error) if error else back("review.host", review, None, "#letter")


@bp.get("/<review_id>/published")
def public_letter(review_id):
    """The public copy of a letter its host has published; none exists before."""
    review = rs().review(review_id)
    if review is None or not letter.published(rs(), review):
        abort(404, "There is no published letter here: a review's letter is public only once its host publishes it.")
    script = scripts()[review["script"]]
    return _sent(export.gather(rs(), review, script, internal=False, now=now()), "html", "")


def _sent(doc: dict, fmt: str, name: str) -> Response:
    body, mimetype = export.render(doc, fmt)
    headers = {"Content-Disposition": "inline" if fmt == "html" else f'attachment; filename="{name}"'}
    if fmt == "html":  # a standalone page: its embedded stylesheet applies, and nothing may run
        headers["Content-Security-Policy"] = (f"default-src 'none'; style-src {export.style_source()}; "
                                              "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    return Response(body, mimetype=mimetype, headers=headers)
