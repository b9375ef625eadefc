"""The review's real-time events, on the Socket.IO namespace /review.

Connections authenticate from the page's signed cookie: the lead, a team member, or the host.
Notes and critical incidents come in here with their device-made ids and are acknowledged once
stored; the lead's room hears every note and incident at once.
"""

from __future__ import annotations

import functools

from flask import current_app, request, session
from flask_socketio import join_room

from ..core.errors import Refused
from .realtime import socketio
from ..review import incidents, notebook, visit
from .review_pages import is_host, is_lead, member, rs, scripts

NS = "/review"
LEAD, MEMBER, HOST = "lead", "member", "host"
WHO = "review_who"


def _now() -> int:
    return current_app.config["NOW"]()


def rooms(review_id: str) -> dict[str, str]:
    return {LEAD: f"review:{review_id}:lead", MEMBER: f"review:{review_id}:team", HOST: f"review:{review_id}:host"}


@socketio.on("connect", namespace=NS)
def connect(auth_data=None):
    if not isinstance(auth_data, dict):
        raise ConnectionRefusedError("auth must give the review and a role: lead, member or host")
    review = rs().review(str(auth_data.get("review", "")))
    if review is None:
        raise ConnectionRefusedError("no such review")
    wanted = auth_data.get("role")
    if wanted == LEAD and is_lead(review):
        who = {"review": review["id"], "role": LEAD, "tag": scripts()[review["script"]].lead_role.tag,
               "author": "lead"}
    elif wanted == MEMBER and member(review):
        who = {"review": review["id"], "role": MEMBER, "tag": member(review)["role"], "author": member(review)["id"]}
    elif wanted == HOST and is_host(review):
        who = {"review": review["id"], "role": HOST, "tag": None, "author": None}
    else:
        raise ConnectionRefusedError("open your own link for this review first")
    session[WHO] = who
    join_room(rooms(review["id"])[who["role"]], namespace=NS)
    socketio.emit("clock", _clock(review), to=request.sid, namespace=NS)


def _clock(review: dict) -> dict:
    return {"seq": review["seq"], "clock": visit.clock_view(review, scripts()[review["script"]], _now())}


def event(name: str, roles: tuple[str, ...]):
    """A handler that always acks: {ok: true, ...} or {ok: false, error}."""

    def wrap(fn):
        @functools.wraps(fn)
        def handler(payload=None):
            who = session.get(WHO)
            if who is None:
                return _error(Refused("unauthorised", "connect to a review first"))
            if who["role"] not in roles:
                return _error(Refused("forbidden", f"only the {' or '.join(roles)} may send '{name}'"))
            review = rs().review(who["review"])
            try:
                return {"ok": True, **(fn(who, review, scripts()[review["script"]], payload) or {})}
            except Refused as refused:
                return _error(refused)

        socketio.on_event(name, handler, namespace=NS)
        return handler

    return wrap


def _error(refused: Refused) -> dict:
    return {"ok": False, "error": refused.to_dict()}


@event("time", (LEAD, MEMBER, HOST))
def server_time(who, review, script, payload):
    return {"now": _now()}


@event("note", (LEAD, MEMBER))
def note(who, review, script, payload):
    stored, seq = notebook.add_note(rs(), review, script, who["tag"], payload, _now(), who.get("author"))
    if seq is not None:
        socketio.emit("note", {"seq": seq, "note": _public(stored)}, to=rooms(review["id"])[LEAD], namespace=NS)
        feedback_changed(review["id"])
    return {"id": stored["id"], "duplicate": seq is None}


@event("note_edit", (LEAD, MEMBER))
def note_edit(who, review, script, payload):
    stored, seq = notebook.edit_note(rs(), review, script, who.get("author"), payload, _now())
    _note_changed(review["id"], seq, stored)
    return {"note": _public(stored)}


@event("note_withdraw", (LEAD, MEMBER))
def note_withdraw(who, review, script, payload):
    stored, seq = notebook.withdraw_note(rs(), review, who.get("author"), payload, _now())
    _note_changed(review["id"], seq, stored)
    return {"id": stored["id"], "withdrawn": True}


def _public(note: dict) -> dict:
    """A note as pages see it: its role tag, never the device it came from."""
    return {k: v for k, v in note.items() if k != "author"}


def _note_changed(review_id: str, seq: int, note: dict) -> None:
    socketio.emit("note_changed", {"seq": seq, "note": _public(note)}, to=rooms(review_id)[LEAD], namespace=NS)
    feedback_changed(review_id)


@event("incident", (LEAD, MEMBER))
def incident(who, review, script, payload):
    stored, seq = incidents.raise_incident(rs(), review, who["tag"], payload, _now())
    if seq is not None:
        incident_changed(review["id"], stored)
    return {"id": stored["id"], "duplicate": seq is None}


def incident_changed(review_id: str, stored: dict) -> None:
    """The lead's screen shows a new or signed incident at once, wherever the lead is in the app."""
    socketio.emit("incident", {"incident": stored}, to=rooms(review_id)[LEAD], namespace=NS)


def member_joined(review_id: str, role: str) -> None:
    """The lead's console lists the team as it joins: role tags only."""
    socketio.emit("member", {"role": role}, to=rooms(review_id)[LEAD], namespace=NS)


def finding_released(review_id: str, finding: dict) -> None:
    """No surprises: the host's page shows a key finding the moment the lead releases it."""
    shown = {"id": finding["id"], "text": finding["text"], "released": bool(finding["released"])}
    socketio.emit("finding", {"finding": shown}, to=rooms(review_id)[HOST], namespace=NS)


def feedback_changed(review_id: str) -> None:
    """Findings, conclusions, agreed actions or notes changed (and are committed): the projected
    verbal feedback, a lead's page, fetches the record afresh if its seq is older."""
    fresh = rs().review(review_id)
    socketio.emit("feedback", {"seq": fresh["seq"]}, to=rooms(review_id)[LEAD], namespace=NS)


@event("timer", (LEAD,))
def timer(who, review, script, payload):
    visit.timer(rs(), review, script, payload, _now())
    fresh = _clock(rs().review(review["id"]))
    for room in rooms(review["id"]).values():
        socketio.emit("clock", fresh, to=room, namespace=NS)
    return {"clock": fresh["clock"]}
