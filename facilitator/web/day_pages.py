"""Pages: home and day set-up, joining, the phone, the console and the projector; QR codes."""

from __future__ import annotations

import io
import math
from datetime import date as Date
from urllib.parse import urlsplit

import segno
from flask import (Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request,
                   url_for)

from . import access, assets, live_events, protocol
from ..core import network
from ..core.scripts import day as scripts
from .. import vendor_files
from ..core.errors import Refused
from .house import house

bp = Blueprint("views", __name__)
VENDOR = vendor_files()  # the list is facilitator/vendor.json


def engine():
    return house().engine


def now() -> int:
    return current_app.config["NOW"]()


def public_url() -> str:
    """The base address phones should use: the configured one, else the one this page came from."""
    return (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def join_url(day: dict) -> str:
    return public_url() + url_for("views.join", code=day["join_code"])


@bp.app_context_processor
def _globals():
    return {"csrf_token": access.csrf_token}


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/vendor/<path:name>")
def vendor(name):
    if name not in VENDOR:
        abort(404)
    return assets.vendor_response(name)


@bp.get("/")
def home():
    ids = access.facilitator_days()
    days = [d for d in (engine().store.day(i) for i in ids) if d]
    return render_template("home.html", days=days, scripts=engine().scripts.values(), default_script=scripts.DEFAULT,
                           today=Date.today().isoformat(), form={}, error=None, organiser_needed=access.organiser_needed())


@bp.post("/days")
def create_day():
    access.check_csrf()
    form = request.form
    refusal = access.organiser_refusal(form, "a day")
    if refusal:
        return render_template("home.html", days=[], scripts=engine().scripts.values(), default_script=scripts.DEFAULT,
                               today=Date.today().isoformat(), form=form, error=refusal, organiser_needed=True), 403
    authorities = [form.get(f"authority{i}", "") for i in range(1, 10) if f"authority{i}" in form]
    try:
        day = engine().create_day(form.get("title"), form.get("date"), authorities, form.get("script"),
                                   form.get("start_time"), now())
    except Refused as refused:
        return render_template("home.html", days=[], scripts=engine().scripts.values(), default_script=scripts.DEFAULT,
                               today=Date.today().isoformat(), form=form, error=refused.message,
                               organiser_needed=access.organiser_needed()), 400
    access.remember_facilitator(day["id"])
    return redirect(url_for("views.console", day_id=day["id"]))


@bp.get("/f/<key>")
def facilitator_link(key):
    return _open_by_key(engine().store.day_by_key(key), access.remember_facilitator, "views.console", "facilitator")


def _open_by_key(day: dict | None, remember, endpoint: str, whose: str):
    """A day's private link: remember this browser for the day, then go to the page it opens."""
    if day is None:
        abort(404, f"This {whose} link is not known here.")
    remember(day["id"])
    return redirect(url_for(endpoint, day_id=day["id"]))


def facilitated_day(day_id: str) -> dict:
    day = engine().store.day(day_id)
    if day is None:
        abort(404, "No such day.")
    if not access.is_facilitator(day):
        abort(403, "Open the facilitator's link for this day first.")
    return day


@bp.get("/screen/<key>")
def projector_link(key):
    """The projector's own link: read-only, it opens this day's projector and nothing else."""
    return _open_by_key(engine().store.day_by_projector_key(key), access.remember_projector, "views.projector",
                        "projector")


@bp.get("/v/<key>")
def old_projector_link(key):
    """Projector links printed before they had a path of their own: `/v/` with one segment (the
    static files' addresses under `/v/` have two or more)."""
    return redirect(url_for("views.projector_link", key=key), 301)


@bp.get("/console/<day_id>")
def console(day_id):
    day = facilitated_day(day_id)
    base = public_url()
    return render_template("console.html", day=day, join_url=join_url(day),
                           facilitator_url=base + url_for("views.facilitator_link", key=day["facilitator_key"]),
                           projector_url=base + url_for("views.projector_link", key=day["projector_key"]),
                           loopback=network.phones_cannot_reach(urlsplit(base).hostname or ""),
                           loopback_host=urlsplit(base).netloc,
                           other_urls=current_app.config.get("OTHER_URLS") or [])


@bp.get("/projector/<day_id>")
def projector(day_id):
    day = engine().store.day(day_id)
    if day is None:
        abort(404, "No such day.")
    if not access.may_project(day):
        abort(403, "Open the facilitator's link or the projector link for this day first.")
    return render_template("projector.html", day=day, join_url=join_url(day))


@bp.get("/join")
def join_by_code():
    """A phone with no code: ask for the code and nothing else."""
    code = request.args.get("code", "").strip().upper()
    if code:
        return redirect(url_for("views.join", code=code))
    return render_template("join_code.html")


def _day_by_code(code: str) -> dict:
    day = engine().store.day_by_code(code)
    if day is None:
        abort(404, f"No day has the code {code.upper()}. Check the code on the screen.")
    return day


@bp.route("/join/<code>", methods=["GET", "POST"])
def join(code):
    day = _day_by_code(code)
    token = access.participant_token(day["id"])
    if token and engine().store.participant_by_token(token):
        return redirect(url_for("views.phone", code=day["join_code"]))
    if request.method == "GET":
        return render_template("join.html", day=day, form={}, error=None)
    access.check_csrf()
    try:
        _may_join(day)
        participant = engine().join(day, request.form.get("name"), request.form.get("authority"), now())
    except Refused as refused:
        page = render_template("join.html", day=day, form=request.form, error=refused.message)
        if refused.code == "rate_limited":
            return page, 429, {"Retry-After": str(refused.retry_after_s)}
        return page, 400
    access.remember_participant(day["id"], participant["token"])
    live_events.joined(day["id"], engine().participants(day["id"]))
    return redirect(url_for("views.phone", code=day["join_code"]))


@bp.post("/api/join/<code>")
def join_api(code):
    """Join from a client other than the phone page: JSON in, the participant's token out."""
    day = _day_by_code(code)
    body = _json_body()  # JSON only, so a cross-site form cannot post here
    if not isinstance(body, dict):
        return jsonify(error={"code": "invalid", "message": "send a JSON object with name and authority"}), 400
    try:
        _may_join(day)
        participant = engine().join(day, body.get("name"), body.get("authority"), now())
    except Refused as refused:
        if refused.code == "rate_limited":
            return jsonify(error=refused.to_dict()), 429, {"Retry-After": str(refused.retry_after_s)}
        return jsonify(error=refused.to_dict()), 400
    live_events.joined(day["id"], engine().participants(day["id"]))
    return jsonify(day=day["id"], participant=participant["id"], token=participant["token"]), 201


def _json_body():
    """The request's JSON, or None: bounded in depth and digits, as the sockets' is."""
    if not request.is_json:
        return None
    try:
        return protocol.BoundedJSON.loads(request.get_data(as_text=True))
    except ValueError:
        return None


def _may_join(day: dict) -> None:
    """Spend a join from this address and from this day, or refuse: joins mint identities."""
    by_address, by_day = house().buckets["join_address"], house().buckets["join_day"]
    at = now() / 1000
    for bucket, key, message in (
            (by_address, request.remote_addr or "", "Many people have just joined from this network."),
            (by_day, day["id"], "Many people are joining this day at once.")):
        if not bucket.take(key, at):
            refused = Refused("rate_limited", f"{message} Wait a few seconds and try again.")
            refused.retry_after_s = max(1, math.ceil(bucket.wait_s(key, at)))
            raise refused


@bp.get("/p/<code>")
def phone(code):
    day = _day_by_code(code)
    token = access.participant_token(day["id"])
    if not token or not engine().store.participant_by_token(token):
        return redirect(url_for("views.join", code=day["join_code"]))
    return render_template("phone.html", day=day)


@bp.get("/join/<code>/qr.svg")
def qr(code):
    day = _day_by_code(code)
    out = io.BytesIO()
    segno.make(join_url(day), error="m").save(out, kind="svg", scale=8, border=2, dark="#111", light="#fff")
    return Response(out.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "no-cache"})


@bp.app_errorhandler(400)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
def error_page(error):
    return render_template("error.html", error=error), error.code
