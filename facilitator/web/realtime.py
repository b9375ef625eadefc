"""The event layer under every Socket.IO namespace: the day's (`/`) and the review's (`/review`).

Each events module makes a `Namespace` and registers its handlers on it. Whatever a client
sends, the layer gives every namespace the same guarantees: an answer through the ack, `{ok:
true, ...}` or `{ok: false, error: {code, message}}`, for any count of arguments; every string
made storable; a rate limit per sender and per room; `connect` and `disconnect` sent as events
answered, not run; unknown names answered `unknown_event`; a connection refused with a message
whatever its `auth`; never a traceback in the log. Every event is in docs/realtime-api.md.
"""

from __future__ import annotations

import logging

from flask import current_app, request
from flask_socketio import SocketIO

from . import doors, protocol
from ..core.checks import encodable
from ..core.errors import Refused
from .house import house

socketio = SocketIO()
WHO = "facilitator.who"  # + the namespace: the connection's identity there, kept in its WSGI environ
MAX_KEY = 200  # keys, tokens and ids are far shorter; anything longer is not one
log = logging.getLogger("facilitator.sockets")
_NAMESPACES: list["Namespace"] = []


def init_app(app) -> None:
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        max_http_buffer_size=32 * 1024,  # the longest contribution is 1000 characters
        manage_session=True,
        json=protocol.BoundedJSON,
        serializer=protocol.JsonPacket,
        engineio_logger=protocol.QuietLogger(protocol.log),
        # DNS rebinding and other ports: scheme, host and port checked, not the name alone
        cors_allowed_origins=doors.origin_checker(app.config.get("ALLOWED_HOSTS"), app.config.get("PUBLIC_URL")),
        message_queue=app.config.get("MESSAGE_QUEUE"),  # the regional server's workers share broadcasts
    )
    protocol.guard(socketio.server)
    for namespace in _NAMESPACES:  # on each app's server: init_app makes a new one
        namespace.register()


def now() -> int:
    return current_app.config["NOW"]()


def error(refused: Refused) -> dict:
    return {"ok": False, "error": refused.to_dict()}


def credential(auth_data: dict, field: str) -> str | None:
    """A field of `auth` that must be a short string of printable ASCII, if given at all."""
    value = auth_data.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_KEY or not value.isascii() or not value.isprintable():
        raise ConnectionRefusedError(f"auth.{field} is not a valid {field}")
    return value


class Namespace:
    """One namespace's events, each a few lines over the domain.

    The identity a connection is given on connect carries `role`, and `sender` and `room`: the
    keys its events are counted under in the house's buckets named by `limits` (None: not
    counted, as the facilitator's are not). Every event counts against the sender's bucket;
    those registered with `crowd=True` against the room's too.
    """

    def __init__(self, name: str, limits: tuple[str, str], stranger: str):
        self.name, self.limits, self.who_key = name, limits, WHO + name
        self.unauthorised = Refused("unauthorised", stranger)
        self._events: dict = {}
        self._connect = None
        _NAMESPACES.append(self)

    def who(self, environ: dict) -> dict | None:
        return environ.get(self.who_key)

    @property
    def events(self) -> list[str]:
        return list(self._events)

    def on_connect(self, identify):
        """`identify(auth)` returns who is connecting and the first event to send them, or raises
        ConnectionRefusedError with a message a person can act on. It runs under the request
        context of the connection (its cookie), and joins the rooms."""
        self._connect = identify
        return identify

    def event(self, name: str, roles: tuple[str, ...], payload: bool | None = True, crowd: bool = False):
        """Register `fn(who, payload)` for `name`, answering through its ack.

        It takes one payload (`payload=True`), none (`False`) or one at most (`None`); any other
        count of arguments is refused `invalid`, as is anything the handler refuses.

        Handlers go on python-socketio's server itself, under an app context only: the request
        context Flask-SocketIO builds for each event (a Request, URL matching, the session cookie
        verified again) costs more than many a handler, and an event needs none of it.
        """

        def wrap(fn):
            self._events[name] = self._handler(name, roles, payload, crowd, fn)
            return fn

        return wrap

    def register(self) -> None:
        for name, handler in self._events.items():
            socketio.server.on(name, handler, namespace=self.name)
        socketio.server.on("*", self._unknown, namespace=self.name)
        if self._connect is not None:
            socketio.on("connect", namespace=self.name)(self._connected)
        socketio.on("disconnect", namespace=self.name)(self._disconnected)

    # -- what runs for each event

    def _handler(self, name, roles, takes, crowd, fn):
        namespace, who_key = self.name, self.who_key

        def handler(sid, *args):
            environ = socketio.server.get_environ(sid, namespace) or {}
            app = environ.get("flask.app")
            if app is None:  # gone already: nobody is left to answer
                return error(self.unauthorised)
            with app.app_context():
                try:
                    return self._answer(name, environ.get(who_key), roles, takes, crowd, fn, args)
                except Exception as exc:  # noqa: BLE001 - the last resort: one line, and an answer
                    log.error("event '%s' on %s failed: %s", name, namespace, protocol.describe(exc))
                    return error(Refused("internal", "something went wrong on the server: try again"))

        return handler

    def _answer(self, name, who, roles, takes, crowd, fn, args) -> dict:
        if who is None:
            return error(self.unauthorised)
        if who["role"] not in roles:
            return error(Refused("forbidden", f"only the {' or '.join(roles)} may send '{name}'"))
        if who["sender"] and not house().buckets[self.limits[0]].take(who["sender"], now() / 1000):
            return error(Refused("rate_limited", "too many messages at once: wait a moment and send again"))
        if takes is None and len(args) > 1:
            return error(Refused("invalid", f"'{name}' takes at most one payload object; {len(args)} were sent"))
        if takes and len(args) != 1:
            return error(Refused("invalid", f"'{name}' takes one payload object; {len(args)} were sent"))
        if takes is False and (len(args) > 1 or (args and args[0] not in (None, {}))):
            return error(Refused("invalid", f"'{name}' takes no payload"))
        if crowd and who["room"] and not house().buckets[self.limits[1]].take(who["room"], now() / 1000):
            return error(Refused("rate_limited", "the room is sending a great deal at once: "
                                                 "wait a few seconds and send again"))
        try:
            return {"ok": True, **(fn(who, encodable(args[0]) if args else None) or {})}
        except Refused as refused:
            return error(refused)

    def _unknown(self, *args):  # (name, sid, *payload); `*` itself, sent as a name, comes as (sid,)
        return error(Refused("unknown_event", "no such event: see the real-time API for the events there are"))

    # -- connecting, and the two names a client may not send as events

    def _connected(self, auth_data=None):
        if socketio.server.manager.is_connected(request.sid, request.namespace):
            # `42["connect", ...]`: an event that borrows the name, from a connection already made
            return error(Refused("invalid", "already connected: 'connect' is not an event to send"))
        try:
            who, first = self._connect(auth_data)
        except ConnectionRefusedError:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever was sent, the answer is a refusal (rooms are left)
            log.warning("refused a connection to %s: %s", self.name, protocol.describe(exc))
            raise ConnectionRefusedError("the connection could not be checked: reload the page") from None
        request.environ[self.who_key] = who  # the environ lives as long as the connection: events read it
        if first is not None:
            socketio.emit(*first, to=request.sid, namespace=self.name)
        return None

    def _disconnected(self, *args):
        """A real disconnect needs nothing; `42["disconnect"]` sent as an event is answered, not run."""
        if socketio.server.manager.is_connected(request.sid, request.namespace):
            return error(Refused("invalid", "'disconnect' is not an event to send: close the connection"))
        return None
