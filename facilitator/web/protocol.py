"""The wire below the events: JSON with bounds, and one short log line for a frame nobody can read.

Any phone can send any bytes. What cannot be read is dropped with one line in the log, at most
once a second (a count of the rest follows), never a traceback, so a flood of junk cannot bury the
facilitator's terminal.
"""

from __future__ import annotations

import json as _json
import logging
import re
import sys
import threading
import time

from socketio import packet

MAX_DEPTH = 32       # our payloads nest three deep; the C decoder would recurse a thousand
MAX_DIGITS = 100     # as python-engineio's own bound: int("9" * 5000) is slow, and refused anyway
MAX_CHARS = 512 * 1024

log = logging.getLogger("facilitator.protocol")
# A string (to its closing quote, or to the end of an unterminated one: never a failed match,
# so the scan stays linear whatever the quotes and backslashes), or a bracket.
_TOKENS = re.compile(r'"(?:[^"\\]++|\\.|\\\Z)*+(?:"|\Z)|[\[\]{}]', re.DOTALL)


class BoundedJSON:
    """A json module for Socket.IO's packets that refuses, with a ValueError, what no client sends."""

    @staticmethod
    def dumps(obj, **kwargs):
        return _json.dumps(obj, **kwargs)

    @staticmethod
    def loads(text, **kwargs):
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8")
        if len(text) > MAX_CHARS:
            raise ValueError("the message is too long")
        _check_depth(text)
        return _json.loads(text, parse_int=_int, parse_constant=_constant)


class JsonPacket(packet.Packet):
    """Socket.IO packets that never carry bytes: python-socketio otherwise walks every payload it
    sends looking for some, which is a third of the time a full day's snapshot takes to send.
    A binary packet that arrives is still read (and refused by the events), as before."""

    uses_binary_events = False


def _check_depth(text: str) -> None:
    depth = 0
    for token in _TOKENS.finditer(text):
        first = token.group()[0]
        if first == '"':
            continue
        depth += 1 if first in "[{" else -1
        if depth > MAX_DEPTH:
            raise ValueError(f"the message nests more than {MAX_DEPTH} deep")


def _int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number has more than {MAX_DIGITS} digits")
    return int(digits)


def _constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


class Throttled:
    """At most one line a second; the lines held back are counted in the next one."""

    def __init__(self, logger: logging.Logger, interval_s: float = 1.0):
        self.logger, self.interval_s = logger, interval_s
        self._last = float("-inf")
        self._held = 0
        self._lock = threading.Lock()

    def warning(self, message: str) -> None:
        with self._lock:
            now = time.monotonic()
            if now - self._last < self.interval_s:
                self._held += 1
                return
            held, self._held, self._last = self._held, 0, now
        self.logger.warning(message + (f" ({held} more dropped since the last line)" if held else ""))


unreadable = Throttled(log)


def describe(exc: BaseException | None) -> str:
    """An exception as a few words on one line, never a traceback."""
    if exc is None:
        return "no detail"
    text = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class QuietLogger(logging.LoggerAdapter):
    """The logger handed to python-engineio: its `exception` calls become one throttled line.

    The library logs a frame it cannot decode, or a handler that raised, with a traceback; that
    is someone else's junk, not a fault of the server worth a screenful.
    """

    def __init__(self, logger: logging.Logger):
        super().__init__(logger, {})

    def exception(self, msg, *args, exc_info=True, **kwargs):
        what = (msg % args) if args else str(msg)
        unreadable.warning(f"dropped a message the server could not read ({what}: {describe(sys.exc_info()[1])})")

    def error(self, msg, *args, **kwargs):
        kwargs.pop("exc_info", None)
        unreadable.warning((msg % args) if args else str(msg))


# A Socket.IO event or binary event must name the event with a string: ["name", ...].
_EVENT_FRAME = re.compile(r'(?:2|5\d{1,3}-)(?:/[^,]{0,200},)?\d{0,100}\["')
# Enough of an event frame to answer it: its namespace and its ack id.
_ACK_ID = re.compile(r'2(/[^,]{0,200},)?(\d{1,15})(?!\d)')
# Enough of a connect frame to refuse it: its namespace.
_CONNECT = re.compile(r'0(/[^,]{0,200},)?')
UNREADABLE_CONNECT = ("the server could not read this connection's auth: send an object of short strings, "
                      "as the real-time API describes")


def guard(server):
    """Wrap the Socket.IO server's dispatch of Engine.IO messages so nothing it raises escapes.

    An event whose name is not a string would otherwise reach the handler lookup in a background
    task (TypeError: unhashable), where no one catches it. An event the server cannot read that
    asked for an ack still gets one, with the error; a connect whose auth cannot be read (a number
    of a hundred digits, NaN, nesting past the bound) is refused, not left waiting for an answer.
    """
    dispatch = server.eio.handlers["message"]

    def guarded(eio_sid, data):
        try:
            if isinstance(data, str) and data[:1] in ("2", "5") and not _EVENT_FRAME.match(data):
                raise ValueError("an event must be named with a string")
            return dispatch(eio_sid, data)
        except Exception as exc:  # noqa: BLE001 - junk from the network, reported in one line
            unreadable.warning(f"dropped a message the server could not read ({describe(exc)})")
            _answer(server, eio_sid, data)
            return None

    server.eio.on("message", guarded)


def _answer(server, eio_sid, data) -> None:
    if isinstance(data, str) and data[:1] == "0":
        return _refuse_connect(server, eio_sid, data)
    match = _ACK_ID.match(data) if isinstance(data, str) else None
    if not match:
        return
    namespace = (match.group(1) or "/,")[:-1] or "/"
    if server.manager.sid_from_eio_sid(eio_sid, namespace) is None:
        return  # not connected to that namespace: the protocol has no one to answer
    error = {"code": "invalid", "message": "the server could not read this message: "
                                           "it is not an event of the shape the real-time API describes"}
    ack = server.packet_class(packet.ACK, data=[{"ok": False, "error": error}], namespace=namespace,
                              id=int(match.group(2)))
    try:
        server.eio.send(eio_sid, ack.encode())
    except Exception as exc:  # noqa: BLE001 - the connection went while answering
        unreadable.warning(f"could not answer an unreadable message ({describe(exc)})")


def _refuse_connect(server, eio_sid, data: str) -> None:
    namespace = (_CONNECT.match(data).group(1) or "/,")[:-1] or "/"
    refusal = server.packet_class(packet.CONNECT_ERROR, data={"message": UNREADABLE_CONNECT}, namespace=namespace)
    try:
        server.eio.send(eio_sid, refusal.encode())
    except Exception as exc:  # noqa: BLE001 - the connection went while answering
        unreadable.warning(f"could not refuse an unreadable connect ({describe(exc)})")
