"""The eventlet server `facilitator serve` runs: how many connections it holds, how long an idle
one may stay, which frames are compressed, and garbage collection for a long-lived process.

A connection that has not sent a complete request is "unheard". When every slot is taken, the
oldest unheard connection is closed to make room, so a crowd of idle or half-open sockets cannot
lock out a phone that is joining, the facilitator's console or /healthz.
"""

from __future__ import annotations

import gc
import resource
import socket
from collections import OrderedDict

DEFAULT_MAX_CONNECTIONS = 2500  # 2,000 phones, their consoles and projectors, and room to join
FD_RESERVE = 64  # file descriptors beside the connections: the database, its WAL, logs, the listener
IDLE_S = 30  # a connection must send its request within this, and may wait no longer between two
WEBSOCKET_IDLE_S = 60  # the server pings every 25 s: a socket silent for a minute is dead
COMPRESS_FROM = 1024  # bytes: a smaller frame is sent as it is (deflate gains nothing on it)
GC_THRESHOLDS = (50_000, 20, 100)  # fewer, cheaper collections once start-up is frozen


def capacity(wanted: int) -> tuple[int, str]:
    """Raise the soft file-descriptor limit towards what `wanted` connections need; return the
    connections it allows and, if fewer than wanted, why."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + FD_RESERVE
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    allowed = wanted if soft == resource.RLIM_INFINITY else max(1, min(wanted, soft - FD_RESERVE))
    if allowed < wanted:
        return allowed, (f"the open-file limit is {soft} (raise it with `ulimit -n {need}` "
                         f"or LimitNOFILE={need}; the hard limit is {hard})")
    return allowed, ""


def startup_line(allowed: int, wanted: int, why: str) -> str:
    line = f"  Holds up to:      {allowed:,} connections at once (phones, consoles, projectors)"
    if why:
        line += f", not the {wanted:,} asked for: {why}"
    return line


def tune_gc() -> None:
    """Keep what start-up allocated (modules, scripts, templates) out of every later collection,
    and collect the young generation less often: a long-lived server's pauses set its tail."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def compress_only_large_frames() -> None:
    """With permessage-deflate (every browser offers it), send small frames uncompressed and
    compress large ones (a snapshot) without keeping a compressor per connection."""
    from eventlet import websocket

    wsgi, ws = websocket.WebSocketWSGI, websocket.RFC6455WebSocket
    if getattr(ws, "_facilitator_policy", False):
        return
    negotiate, pack = wsgi._negotiate_permessage_deflate, ws._pack_message

    def _negotiate(self, extensions):
        # No context kept between messages, either way: no (de)compressor lives per connection.
        config = negotiate(self, extensions)
        if config is not None:
            config["server_no_context_takeover"] = config["client_no_context_takeover"] = True
        return config

    def _pack(self, message, *args, **kwargs):
        if len(message) >= COMPRESS_FROM or "permessage-deflate" not in self.extensions:
            return pack(self, message, *args, **kwargs)
        extensions = self.extensions  # no switch can happen in between: packing never yields
        self.extensions = {k: v for k, v in extensions.items() if k != "permessage-deflate"}
        try:
            return pack(self, message, *args, **kwargs)
        finally:
            self.extensions = extensions

    wsgi._negotiate_permessage_deflate, ws._pack_message, ws._facilitator_policy = _negotiate, _pack, True


def run(app, listener, max_connections: int, echo=print) -> None:
    """Serve on a listening socket the caller opened (so a port in use is refused before start-up)."""
    allowed, why = capacity(max_connections)
    echo(startup_line(allowed, max_connections, why))
    listener.listen(min(allowed, 4096))  # a backlog for a room's phones arriving at once
    # A contribution's broadcast and its ack go to the sender back to back; with Nagle's algorithm
    # the ack then waits for the phone's delayed TCP acknowledgement, tens of milliseconds each time.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    compress_only_large_frames()
    serve(listener, app, allowed)


def serve(listener, app, allowed: int) -> None:
    """eventlet's accept loop, with a cap on connections and room made by closing unheard ones."""
    import eventlet
    import eventlet.wsgi
    from eventlet import greenio

    unheard: OrderedDict = OrderedDict()  # client address -> socket, oldest first
    sockets: dict = {}  # every open connection by client address

    def heard(environ, start_response):
        addr = (environ.get("REMOTE_ADDR"), int(environ.get("REMOTE_PORT") or 0))
        unheard.pop(addr, None)
        if environ.get("HTTP_UPGRADE", "").lower() == "websocket" and addr in sockets:
            sockets[addr].settimeout(WEBSOCKET_IDLE_S)  # pinged every 25 s: silence means it is gone
        return app(environ, start_response)

    server = eventlet.wsgi.Server(listener, listener.getsockname(), heard, log_output=False,
                                  keepalive=IDLE_S, socket_timeout=IDLE_S)
    pool = eventlet.GreenPool(allowed)
    tune_gc()

    def closed(_, addr, sock):
        unheard.pop(addr, None)
        sockets.pop(addr, None)
        greenio.shutdown_safe(sock)
        sock.close()

    try:
        while True:
            sock, addr = listener.accept()
            sock.settimeout(IDLE_S)
            if pool.free() == 0 and unheard:
                _, oldest = unheard.popitem(last=False)
                greenio.shutdown_safe(oldest)  # its reader wakes to an empty read and ends
            unheard[addr] = sockets[addr] = sock
            pool.spawn(server.process_request, [addr, sock, eventlet.wsgi.STATE_IDLE]).link(closed, addr, sock)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        listener.close()
