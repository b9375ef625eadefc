"""The real-time API: Socket.IO events, each a thin check over one call into the engine.

Every event is listed in docs/realtime-api.md with its payload, who may send it and its ack.
"""

from __future__ import annotations

import functools

from flask import current_app, request, session
from flask_socketio import SocketIO, join_room

from . import auth
from .engine import Broadcast, Engine
from .errors import Refused
from .ratelimit import Buckets

socketio = SocketIO()
FACILITATOR, PROJECTOR, PARTICIPANT = "facilitator", "projector", "participant"
ROLES = (FACILITATOR, PROJECTOR, PARTICIPANT)
WHO = "who"  # the connection's identity, in its own copy of the session


def init_app(app) -> None:
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        max_http_buffer_size=32 * 1024,  # the longest contribution is 1000 characters
        manage_session=True,
    )
    app.extensions["facilitator_buckets"] = Buckets(app.config["RATE_CAPACITY"], app.config["RATE_PER_SECOND"])


def _engine() -> Engine:
    return current_app.extensions["facilitator"]


def _now() -> int:
    return current_app.config["NOW"]()


def rooms(day_id: str) -> tuple[str, str]:
    return f"{day_id}:staff", f"{day_id}:public"


def broadcast(day_id: str, changes: Broadcast | list[Broadcast] | None) -> None:
    """Send each change to the facilitator's room and, as the public sees it, to everyone else."""
    staff, public = rooms(day_id)
    for change in changes if isinstance(changes, list) else [changes] if changes else []:
        socketio.emit(change.event, change.staff, to=staff)
        socketio.emit(change.event, change.public, to=public)


def joined(day_id: str, participants: list[dict]) -> None:
    """Tell the facilitator who is in the room; not a change to the day, so no seq."""
    socketio.emit("participants", {"participants": participants}, to=rooms(day_id)[0])


@socketio.on("connect")
def connect(auth_data):
    """Authenticate from `auth`, join the day's room, and send a full snapshot."""
    if not isinstance(auth_data, dict) or auth_data.get("role") not in ROLES:
        raise ConnectionRefusedError("auth must give a role: facilitator, projector or participant")
    day = _engine().store.day(str(auth_data.get("day", "")))
    if day is None:
        raise ConnectionRefusedError("no such day")
    role = auth_data["role"]
    who = {"day": day["id"], "role": role, "participant": None}
    if role == FACILITATOR:
        if not auth.is_facilitator(day, auth_data.get("key")):
            raise ConnectionRefusedError("the facilitator's link is needed for this view")
    elif role == PROJECTOR:
        if not auth.may_project(day, auth_data.get("key")):
            raise ConnectionRefusedError("the facilitator's or the projector's link is needed for this view")
    else:
        token = auth_data.get("token") or auth.participant_token(day["id"])
        participant = _engine().store.participant_by_token(str(token)) if token else None
        if participant is None or participant["day_id"] != day["id"]:
            raise ConnectionRefusedError("join the day first")
        who["participant"] = participant["id"]
    session[WHO] = who
    staff, public = rooms(day["id"])
    join_room(staff if role == FACILITATOR else public)
    socketio.emit("snapshot", _snapshot(who), to=request.sid)


def _snapshot(who: dict) -> dict:
    participant = _engine().store.participant(who["participant"]) if who["participant"] else None
    return _engine().snapshot(who["day"], {"role": who["role"], "participant": participant}, _now())


def event(name: str, roles: tuple[str, ...] = ROLES):
    """Register a handler that answers through its ack: {ok: true, ...} or {ok: false, error}."""

    def wrap(fn):
        @functools.wraps(fn)
        def handler(payload=None):
            who = session.get(WHO)
            if who is None:
                return _error(Refused("unauthorised", "connect with a day and a role first"))
            if who["role"] not in roles:
                return _error(Refused("forbidden", f"only the {' or '.join(roles)} may send '{name}'"))
            if who["participant"] and not current_app.extensions["facilitator_buckets"].take(
                    who["participant"], _now() / 1000):
                return _error(Refused("rate_limited", "too many messages at once: wait a moment and send again"))
            try:
                return {"ok": True, **(fn(who, payload) or {})}
            except Refused as refused:
                return _error(refused)

        socketio.on_event(name, handler)
        return handler

    return wrap


def _error(refused: Refused) -> dict:
    return {"ok": False, "error": refused.to_dict()}


def _participant(who: dict) -> dict:
    return _engine().store.participant(who["participant"])


@event("time")
def server_time(who, payload):
    return {"now": _now()}


@event("snapshot")
def snapshot(who, payload):
    return {"snapshot": _snapshot(who)}


@event("contribute", roles=(FACILITATOR, PARTICIPANT))
def contribute(who, payload):
    if who["role"] == FACILITATOR:
        author = {"id": None, "authority": None, "facilitator": True}
    else:
        p = _participant(who)
        author = {"id": p["id"], "authority": p["authority"]}
    stored, change = _engine().contribute(who["day"], author, payload, _now())
    broadcast(who["day"], change)
    return {"id": stored["id"], "duplicate": change is None, "nudge": _engine().nudge(stored)}


@event("edit", roles=(PARTICIPANT,))
def edit(who, payload):
    broadcast(who["day"], _engine().edit_own(who["day"], _participant(who), payload, _now()))


@event("vote", roles=(PARTICIPANT,))
def vote(who, payload):
    broadcast(who["day"], _engine().vote(who["day"], _participant(who), payload, _now()))


@event("timer", roles=(FACILITATOR,))
def timer(who, payload):
    broadcast(who["day"], _engine().timer(who["day"], payload, _now()))


@event("moderate", roles=(FACILITATOR,))
def moderate(who, payload):
    broadcast(who["day"], _engine().moderate(who["day"], payload, _now()))


@event("spotlight", roles=(FACILITATOR,))
def spotlight(who, payload):
    broadcast(who["day"], _engine().spotlight(who["day"], payload, _now()))
