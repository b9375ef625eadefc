"""The lead's record pages: critical incidents, the verbal feedback (projected) and its record,
the agreed actions, the letter and its exports. They are routes of the review's blueprint,
registered when the app imports this module."""

from __future__ import annotations

from flask import Response, abort, render_template, request

from ..core.errors import Refused
from ..review import export, feedback, incidents, letter
from .access import is_lead, member
from .review_pages import attempt, back, bp, now, page, rs, shown


@bp.get("/<review_id>/incidents/<incident_id>")
@page("lead")
def incident(review, script, incident_id):
    try:
        found = incidents.get(rs(), review, incident_id)
    except Refused:
        abort(404, "No such incident.")
    return render_template("review/incident.html", review=review, script=script, incident=found)


@bp.post("/<review_id>/incidents/<incident_id>")
@page("lead")
def incident_record(review, script, incident_id):
    error = attempt(incidents.record, rs(), review, incident_id, request.form)
    return back("review.incident", review, error, incident_id=incident_id)


@bp.post("/<review_id>/incidents/<incident_id>/lead-sign")
@page("lead")
def lead_sign(review, script, incident_id):
    error = attempt(incidents.sign, rs(), review, incident_id, "lead", now())
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
                           findings=rs().findings(review["id"]))


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
    return back("review.letter_page", review, attempt(letter.edit, rs(), review, request.form, now()))


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
    body, mimetype = export.render(doc, fmt)
    name = f"review-{review['id']}{'-INTERNAL' if internal else ''}.{fmt}"
    headers = {"Content-Disposition": "inline" if fmt == "html" else f'attachment; filename="{name}"'}
    if fmt == "html":  # a standalone page: its embedded stylesheet applies, and nothing may run
        headers["Content-Security-Policy"] = (f"default-src 'none'; style-src {export.style_source()}; "
                                              "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    return Response(body, mimetype=mimetype, headers=headers)
