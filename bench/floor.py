"""The bare floor: python-socketio on eventlet, no app. Every client joins one room; `contribute`
broadcasts what it is sent to the room and acknowledges; a connect gets a small snapshot.

    python bench/floor.py --port 5099 [--max-size 4000]
"""

from __future__ import annotations

import argparse
import socket

import eventlet

eventlet.monkey_patch()

import eventlet.wsgi  # noqa: E402
import socketio  # noqa: E402

sio = socketio.Server(async_mode="eventlet", cors_allowed_origins="*")
app = socketio.WSGIApp(sio)
state = {"seq": 0}


@sio.event
def connect(sid, environ, auth):
    sio.enter_room(sid, "day")
    sio.emit("snapshot", {"seq": state["seq"], "contributions": []}, to=sid)


@sio.event
def contribute(sid, payload):
    state["seq"] += 1
    sio.emit("contribution", {"seq": state["seq"], "contribution": payload, "queue": {"ids": []}}, to="day")
    return {"ok": True, "id": payload.get("id")}


@sio.on("snapshot")
def snapshot(sid, payload=None):
    return {"ok": True, "snapshot": {"seq": state["seq"], "contributions": []}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-size", type=int, default=4000)
    args = parser.parse_args()
    listener = eventlet.listen(("127.0.0.1", args.port), backlog=4096)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as the app does: a fair floor
    print("ready", flush=True)
    eventlet.wsgi.server(listener, app, log_output=False, max_size=args.max_size)


if __name__ == "__main__":
    main()
