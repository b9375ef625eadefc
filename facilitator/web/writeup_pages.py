"""Pages after the session: the summary editor, case studies, exports, the host's review and the summit.

Thin views: each checks who is asking (the facilitator's cookie, or a host's secret link), makes
one call into summary, casestudies, document, formats or summit, and renders. A page read writes
no case study: drafts are shown as drafted, and stored by the first change made after them.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, jsonify, redirect, render_template, request, url_for

from . import access
from ..followup import retention
from ..followup.impact import today
from ..writers import markdown, page
from ..writeup import casestudies, document, formats, summary, summit
from ..writeup.casestudies import FIELD_LABELS
from ..writeup.store import STATUSES, Reports
from .house import house
from .day_pages import engine as _engine, facilitated_day as _facilitated, now as _now, public_url

bp = Blueprint("reports", __name__)
MAX_SUMMARY = 60_000  # characters: far more than a day's write-up, far less than a request may carry
MAX_FIELD = 4_000


def _reports() -> Reports:
    return house().reports


def _script(day: dict):
    return _engine().scripts[day["script"]]


def _bounded(name: str, limit: int) -> str:
    value = request.form.get(name, "")
    if len(value) > limit:
        abort(400, f"That is longer than {limit} characters.")
    return value.replace("\r\n", "\n")


@bp.app_template_filter("plural")
def _plural(label: str) -> str:
    return summary.plural(label)


# -- the facilitator's summary

@bp.get("/console/<day_id>/summary")
def summary_page(day_id):
    day = _facilitated(day_id)
    doc = document.gather(_engine(), _reports(), day, _now())
    script, rows = _script(day), _engine().store.contributions(day_id)
    agreed = casestudies.as_agreed(script, rows, _reports().agreements(day_id))
    parts = [{**p, "html": markdown.render(p["prose"]), "tables_html": markdown.render(p["tables"]),
              "lists_html": markdown.render(p["lists"])}
             for p in summary.current(script, day, agreed, _reports().summaries(day_id))]
    links = [(a, public_url() + url_for("reports.review", key=_reports().review_key(day_id, a, _now())))
             for a in day["authorities"]]
    return render_template("summary.html", day=day, parts=parts, cases=doc["case_studies"], links=links,
                           formats=formats.FORMATS, left_in=document.placeholders(doc), kept=_kept(day))


def _kept(day: dict) -> dict:
    """How long the day is kept, as its pages say it: the date, and whether it is near or has come."""
    return retention.shown(retention.for_day(house(), day), today(_now()))


@bp.post("/console/<day_id>/summary/preview")
def preview(day_id):
    _facilitated(day_id)
    access.check_csrf()
    return jsonify(html=markdown.render(_bounded("markdown", MAX_SUMMARY)))


@bp.post("/console/<day_id>/summary/<part>")
def save_summary(day_id, part):
    day = _facilitated(day_id)
    access.check_csrf()
    if part not in dict(summary.parts(day)):
        abort(404, "No such part of the summary.")
    document.keep_drafts(_engine(), _reports(), day, _now())
    if request.form.get("action") == "redraft":
        _reports().discard_summary(day_id, part)
    else:
        _reports().save_summary(day_id, part, _bounded("markdown", MAX_SUMMARY), _now())
    return redirect(url_for("reports.summary_page", day_id=day_id, _anchor=part))


# -- case studies

def _case(day: dict, case_id: str) -> dict:
    """A case study of this day, stored or still a draft; a change stores the drafts first."""
    if request.method == "POST":
        document.keep_drafts(_engine(), _reports(), day, _now())
    case = next((c for c in document.case_studies(_engine(), _reports(), day) if c["id"] == case_id), None)
    if case is None:
        abort(404, "No such case study.")
    return case


def _case_fields() -> dict:
    return {f: _bounded(f, MAX_FIELD).strip() for f in FIELD_LABELS if f in request.form}


@bp.route("/console/<day_id>/case-studies/<case_id>", methods=["GET", "POST"])
def case_study(day_id, case_id):
    day = _facilitated(day_id)
    if request.method == "POST":
        access.check_csrf()
    case = _case(day, case_id)
    if request.method == "POST":
        _reports().update_case_study(case_id, _case_fields(), _now(), "facilitator")
        return redirect(url_for("reports.summary_page", day_id=day_id, _anchor="case-studies"))
    return render_template("case_study.html", day=day, case=case, labels=FIELD_LABELS, script=_script(day),
                           status=casestudies.status(_reports().agreements(day_id), case_id),
                           action=url_for("reports.case_study", day_id=day_id, case_id=case_id),
                           back=url_for("reports.summary_page", day_id=day_id), host=False)


# -- exports

def _document(body: str | bytes, fmt: str, filename: str) -> Response:
    response = Response(body, mimetype=formats.MIMETYPES[fmt])
    if fmt == "html":
        # A standalone page: its one embedded stylesheet may apply, and nothing may run.
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; style-src {page.style_hash(page.css())}; img-src data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    disposition = "attachment" if request.args.get("download") or fmt != "html" else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}.{fmt}"'
    return response


@bp.get("/console/<day_id>/export.<fmt>")
def download(day_id, fmt):
    day = _facilitated(day_id)
    if fmt not in formats.FORMATS:
        abort(404, "No such export format.")
    internal = request.args.get("internal") == "1"
    doc = document.gather(_engine(), _reports(), day, _now(), internal=internal,
                          kept=retention.for_day(house(), day))
    name = f"{day['date']}-{day['id']}" + ("-INTERNAL" if internal else "")
    left_in = document.placeholders(doc)
    if fmt in formats.PRINTED and left_in and request.args.get("anyway") != "1":
        # "to be written up" never goes to paper unnoticed: say what is left and let the facilitator choose
        anyway = url_for("reports.download", day_id=day_id, fmt=fmt, **{**request.args.to_dict(), "anyway": "1"})
        g.not_taken = True  # asked, not taken: not in the access log
        return render_template("left_in.html", day=day, left_in=left_in, fmt=fmt, anyway=anyway)
    if fmt == "html" and not request.args.get("download"):  # opened to print: say what is left to write
        return _document(formats.to_html(doc, document.placeholders(doc)), fmt, name)
    return _document(formats.write(doc, fmt), fmt, name)


# -- the host's review, at a secret link per authority

def _host() -> tuple[dict, dict]:
    entry = _reports().by_review_key(request.view_args["key"])
    day = _engine().store.day(entry["day_id"]) if entry else None
    if day is None:
        abort(404, "This review link is not known here.")
    return entry, day


@bp.get("/review/<key>")
def review(key):
    entry, day = _host()
    authority, script = entry["authority"], _script(day)
    doc = document.gather(_engine(), _reports(), day, _now())
    session_no = day["authorities"].index(authority)
    rows = [c for c in doc["contributions"] if c["session"] == session_no]
    part = next(p for p in doc["summary"] if p["part"] == f"session-{session_no}")
    agreements = _reports().agreements(day["id"])
    stored = _engine().store.contributions(day["id"])
    decide = {r["id"] for r in casestudies.decisions(script, day, stored, authority)}
    grid_subject = casestudies.risk_grid_subject(authority)
    return render_template(
        "review.html", day=day, key=key, authority=authority, script=script, summary_html=markdown.render(part["markdown"]),
        captured=[(k, script.kinds[k], [c for c in rows if c["kind"] == k]) for k in script.kinds],
        decisions=[c for c in rows if c["id"] in decide],
        attributions=casestudies.attributions(script, stored, authority),
        insights=[(c, casestudies.insight_subject(c["id"]), agreements.get(casestudies.insight_subject(c["id"])))
                  for c in casestudies.insights_about(script, stored, authority)],
        grid_subject=grid_subject, grid_status=casestudies.status(agreements, grid_subject),
        cases=[c for c in doc["case_studies"] if c["authority"] == authority], agreements=agreements,
        kept=_kept(day))


@bp.post("/review/<key>/decide")
def decide(key):
    entry, day = _host()
    access.check_csrf()
    subject_id, status = request.form.get("subject_id", ""), request.form.get("status", "")
    if status not in STATUSES:
        abort(400, "Choose agree, edit or decline.")
    document.keep_drafts(_engine(), _reports(), day, _now())  # the case study decided on may be a draft
    script, rows = _script(day), _engine().store.contributions(day["id"])
    owned = {r["id"]: r for r in casestudies.decisions(script, day, rows, entry["authority"])}
    case = _reports().case_study(subject_id)
    named = {r["id"] for r in casestudies.attributions(script, rows, entry["authority"])}
    insights = {casestudies.insight_subject(r["id"]): r
                for r in casestudies.insights_about(script, rows, entry["authority"])}
    if subject_id in insights:  # an insight of its session, to the summit: agreed, reworded or declined
        status, text = _wording(insights[subject_id], _reports().agreements(day["id"]).get(subject_id), status)
        _reports().decide(day["id"], subject_id, "summit_insight", entry["authority"], status, text, "host", _now())
    elif subject_id in owned:
        status, text = _wording(owned[subject_id], _reports().agreements(day["id"]).get(subject_id), status)
        _reports().decide(day["id"], subject_id, "contribution", entry["authority"], status, text, "host", _now())
    elif subject_id in named or subject_id == casestudies.risk_grid_subject(entry["authority"]):
        if status not in ("agreed", "declined"):
            abort(400, "Choose agree or decline.")
        subject = "attribution" if subject_id in named else "risk_grid"
        _reports().decide(day["id"], subject_id, subject, entry["authority"], status, None, "host", _now())
    elif case and case["day_id"] == day["id"] and case["authority"] == entry["authority"]:
        _reports().decide(day["id"], subject_id, "case_study", entry["authority"], status, None, "host", _now())
    else:
        abort(404, "That is not this authority's to decide.")
    return redirect(url_for("reports.review", key=key, _anchor=f"s-{subject_id}"))


def _wording(row: dict, decided: dict | None, status: str) -> tuple[str, str | None]:
    """Agree takes the words in the box: the host's own words are agreed as 'edited'.

    A form without a box (an older page, a script) agrees the wording as it stands."""
    if status == "declined":
        return status, None
    standing = decided["text"] if decided and decided.get("text") else row["text"]
    text = _bounded("text", 1000).strip() if "text" in request.form else standing
    if not text:
        abort(400, "The wording is empty: write what you agree, or decline.")
    return ("agreed", None) if text == row["text"] else ("edited", text)


@bp.route("/review/<key>/case-studies/<case_id>", methods=["GET", "POST"])
def host_case_study(key, case_id):
    entry, day = _host()
    if request.method == "POST":
        access.check_csrf()
    case = _case(day, case_id)
    if case["authority"] != entry["authority"]:
        abort(404, "No such case study.")
    if request.method == "POST":
        _reports().update_case_study(case_id, _case_fields(), _now(), "host")
        _reports().decide(day["id"], case_id, "case_study", entry["authority"], "edited", None, "host", _now())
        return redirect(url_for("reports.review", key=key, _anchor=f"s-{case_id}"))
    return render_template("case_study.html", day=day, case=case, labels=FIELD_LABELS, script=_script(day),
                           status=casestudies.status(_reports().agreements(day["id"]), case_id),
                           action=url_for("reports.host_case_study", key=key, case_id=case_id),
                           back=url_for("reports.review", key=key), host=True)


# -- the summit pack across days

@bp.get("/summit")
def summit_page():
    days = [d for d in (_engine().store.day(i) for i in access.facilitator_days()) if d]
    return render_template("summit.html", days=days)


@bp.get("/summit/pack.<fmt>")
def summit_pack(fmt):
    if fmt not in ("html", "md", "json"):
        abort(404, "No such format.")
    days = [_facilitated(d) for d in dict.fromkeys(request.args.getlist("day"))]
    if not days:
        abort(400, "Choose at least one day.")
    p = summit.pack([document.gather(_engine(), _reports(), d, _now()) for d in days], _now())
    body = {"html": summit.to_html, "md": summit.to_markdown, "json": summit.to_json}[fmt](p)
    return _document(body, fmt, "summit-pack")
