"""The real-time API: Socket.IO events, each a thin check over one call into the engine.

Every event is listed in docs/realtime-api.md with its payload, who may send it and its ack.
"""

from __future__ import annotations

import functools
import logging

from flask import current_app, request
from flask_socketio import SocketIO, join_room

from . import access as auth, doors, protocol
from ..live.engine import Broadcast, Engine
from ..core.errors import Refused
from .house import house

socketio = SocketIO()
FACILITATOR, PROJECTOR, PARTICIPANT = "facilitator", "projector", "participant"
ROLES = (FACILITATOR, PROJECTOR, PARTICIPANT)
WHO = "facilitator.who"  # the connection's identity, kept in its WSGI environ
MAX_KEY = 200  # keys, tokens and day ids are far shorter; anything longer is not one
log = logging.getLogger("facilitator.sockets")


def init_app(app) -> None:
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        max_http_buffer_size=32 * 1024,  # the longest contribution is 1000 characters
        manage_session=True,
        json=protocol.BoundedJSON,
        serializer=protocol.JsonPacket,
        engineio_logger=protocol.QuietLogger(protocol.log),
        cors_allowed_origins=doors.origin_checker(app.config.get("ALLOWED_HOSTS")),  # DNS rebinding: not the Host
        message_queue=app.config.get("MESSAGE_QUEUE"),  # the regional server's workers share broadcasts
    )
    protocol.guard(socketio.server)
    for name, handler in _EVENTS.items():  # on each app's server: init_app makes a new one
        socketio.server.on(name, handler)


def _engine() -> Engine:
    return house().engine


def _now() -> int:
    return current_app.config["NOW"]()


def rooms(day_id: str) -> tuple[str, str]:
    return f"{day_id}:staff", f"{day_id}:public"


def broadcast(day_id: str, changes: Broadcast | list[Broadcast] | None) -> None:
    """Send each change to the facilitator's room and, as the public sees it, to everyone else."""
    staff, public = rooms(day_id)
    for change in changes if isinstance(changes, list) else [changes] if changes else []:
        if change.staff is change.public:  # one packet, encoded once, for both rooms
            socketio.emit(change.event, change.staff, to=[staff, public])
            continue
        socketio.emit(change.event, change.staff, to=staff)
        socketio.emit(change.event, change.public, to=public)


def joined(day_id: str, participants: list[dict]) -> None:
    """Tell the facilitator who is in the room; not a change to the day, so no seq."""
    socketio.emit("participants", {"participants": participants}, to=rooms(day_id)[0])


@socketio.on("connect")
def connect(auth_data=None):
    """Authenticate from `auth`, join the day's room, and send a full snapshot."""
    if socketio.server.manager.is_connected(request.sid, request.namespace):
        # `42["connect", ...]`: an event that borrows the name, from a connection already made
        return _error(Refused("invalid", "already connected: 'connect' is not an event to send"))
    try:
        who = _identify(auth_data)
        staff, public = rooms(who["day"])
        join_room(staff if who["role"] == FACILITATOR else public)  # first, so no change falls between
        # A screen that reconnects says the seq it holds: send what changed since, if the engine can.
        changes = _changes(who, auth_data.get("seq"))
        first = ("changes", changes) if changes is not None else ("snapshot", _snapshot(who))
    except ConnectionRefusedError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever was sent, the answer is a refusal (rooms are left)
        log.warning("refused a connection: %s", protocol.describe(exc))
        raise ConnectionRefusedError("the connection could not be checked: reload the page") from None
    request.environ[WHO] = who  # the environ lives as long as the connection: events read it there
    socketio.emit(*first, to=request.sid)
    return None


@socketio.on("disconnect")
def disconnect(*args):
    """A real disconnect needs nothing; `42["disconnect"]` sent as an event is answered, not run."""
    if socketio.server.manager.is_connected(request.sid, request.namespace):
        return _error(Refused("invalid", "'disconnect' is not an event to send: close the connection"))
    return None


@socketio.on("*")
def unknown(name, *args):
    return _error(Refused("unknown_event", "no such event: see the real-time API for the events there are"))


def _credential(auth_data: dict, field: str) -> str | None:
    """A field of `auth` that must be a short string of printable ASCII, if given at all."""
    value = auth_data.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_KEY or not value.isascii() or not value.isprintable():
        raise ConnectionRefusedError(f"auth.{field} is not a valid {field}")
    return value


def _identify(auth_data) -> dict:
    """Who this connection is, from `auth` and the session's cookie; refuse with a message if no one."""
    if not isinstance(auth_data, dict) or not isinstance(auth_data.get("role"), str) \
            or auth_data["role"] not in ROLES:
        raise ConnectionRefusedError("auth must give a role: facilitator, projector or participant")
    day = _engine().store.day(_credential(auth_data, "day") or "")
    if day is None:
        raise ConnectionRefusedError("no such day")
    role = auth_data["role"]
    who = {"day": day["id"], "role": role, "participant": None}
    if role == FACILITATOR:
        if not auth.is_facilitator(day, _credential(auth_data, "key")):
            raise ConnectionRefusedError("the facilitator's link is needed for this view")
        return who
    if role == PROJECTOR:
        if not auth.may_project(day, _credential(auth_data, "key")):
            raise ConnectionRefusedError("the facilitator's or the projector's link is needed for this view")
        return who
    token = _credential(auth_data, "token") or auth.participant_token(day["id"])
    participant = _engine().store.participant_by_token(token) if isinstance(token, str) else None
    if participant is None or participant["day_id"] != day["id"]:
        raise ConnectionRefusedError("join the day first")
    who["participant"] = participant["id"]
    who["authority"] = participant["authority"]  # fixed at joining: events need not read it again
    return who


def _viewer(who: dict) -> dict:
    participant = _engine().store.participant(who["participant"]) if who["participant"] else None
    return {"role": who["role"], "participant": participant}


def _snapshot(who: dict) -> dict:
    return _engine().snapshot(who["day"], _viewer(who), _now())


def _changes(who: dict, since) -> dict | None:
    """What changed since the seq a reconnecting screen holds, if the engine can say."""
    return None if since is None else _engine().changes(who["day"], _viewer(who), since, _now())


_EVENTS: dict = {}


def event(name: str, roles: tuple[str, ...] = ROLES, payload: bool | None = True):
    """Register a handler that answers through its ack: {ok: true, ...} or {ok: false, error}.

    Whatever arrives, the answer has that shape: a handler takes one payload (`payload=True`),
    none (`False`) or one at most (`None`); any other count of arguments, or anything the handler
    did not expect, is refused.

    Handlers go on python-socketio's server itself, under an app context only: the request
    context Flask-SocketIO builds for each event (a Request, URL matching, the session cookie
    verified again) costs more than many a handler, and an event needs none of it.
    """

    def wrap(fn):
        @functools.wraps(fn)
        def handler(sid, *args):
            environ = socketio.server.get_environ(sid) or {}
            app = environ.get("flask.app")
            if app is None:  # gone already: nobody is left to answer
                return _error(Refused("unauthorised", "connect with a day and a role first"))
            with app.app_context():
                try:
                    return _answer(name, environ.get(WHO), roles, payload, fn, args)
                except Exception as exc:  # noqa: BLE001 - the last resort: one line, and an answer
                    log.error("event '%s' failed: %s", name, protocol.describe(exc))
                    return _error(Refused("internal", "something went wrong on the server: try again"))

        _EVENTS[name] = handler
        return handler

    return wrap


def _answer(name: str, who: dict | None, roles: tuple[str, ...], takes_payload: bool | None, fn, args: tuple) -> dict:
    if who is None:
        return _error(Refused("unauthorised", "connect with a day and a role first"))
    if who["role"] not in roles:
        return _error(Refused("forbidden", f"only the {' or '.join(roles)} may send '{name}'"))
    if who["participant"] and not house().buckets["phone"].take(
            who["participant"], _now() / 1000):
        return _error(Refused("rate_limited", "too many messages at once: wait a moment and send again"))
    if takes_payload is None and len(args) > 1:
        return _error(Refused("invalid", f"'{name}' takes at most one payload object; {len(args)} were sent"))
    if takes_payload and len(args) != 1:
        return _error(Refused("invalid", f"'{name}' takes one payload object; {len(args)} were sent"))
    if takes_payload is False and (len(args) > 1 or (args and args[0] not in (None, {}))):
        return _error(Refused("invalid", f"'{name}' takes no payload"))
    try:
        return {"ok": True, **(fn(who, args[0] if args else None) or {})}
    except Refused as refused:
        return _error(refused)


def _error(refused: Refused) -> dict:
    return {"ok": False, "error": refused.to_dict()}


def _participant(who: dict) -> dict:
    return {"id": who["participant"], "authority": who["authority"]}


@event("time", payload=False)
def server_time(who, payload):
    return {"now": _now()}


@event("snapshot", payload=None)
def snapshot(who, payload):
    changes = _changes(who, payload.get("seq")) if isinstance(payload, dict) else None
    return {"changes": changes} if changes is not None else {"snapshot": _snapshot(who)}


@event("contribute", roles=(FACILITATOR, PARTICIPANT))
def contribute(who, payload):
    if who["role"] != FACILITATOR and not house().buckets["day"].take(
            who["day"], _now() / 1000):
        raise Refused("rate_limited", "the room is sending a great deal at once: wait a few seconds and send again")
    if who["role"] == FACILITATOR:
        author = {"id": None, "authority": None, "facilitator": True}
    else:
        author = _participant(who)
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
