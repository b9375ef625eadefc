"""Floods against the real server: identities minted back to back, and a burst of contributions
from many phones at once. Prints how many were accepted and how many refused, and how long the
server took to answer all of them.

    python bench/flood.py [--joins 200] [--phones 50] [--each 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
import time
import http.client
import uuid
from collections import Counter
from pathlib import Path

import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import LiveServer, origin  # noqa: E402


def join(url: str, code: str, name: str, authority: str, source: str = "127.0.0.1") -> tuple[int, dict]:
    """POST /api/join from `source`: any 127.x address reaches the server, each a client of its own."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    try:
        conn.request("POST", f"/api/join/{code}", body=json.dumps({"name": name, "authority": authority}),
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


async def burst(url: str, day_id: str, tokens: list[str], each: int) -> Counter:
    clients = []
    for token in tokens:
        c = socketio.AsyncClient(reconnection=False)
        await c.connect(url, auth={"day": day_id, "role": "participant", "token": token}, transports=["websocket"],
                        headers=origin(url))
        clients.append(c)

    async def send(c, n):
        ack = await c.call("contribute", {"id": str(uuid.uuid4()), "kind": "risk", "category": "Budget",
                                          "text": f"Flood {n}"}, timeout=60)
        return "accepted" if ack["ok"] else ack["error"]["code"]

    results = await asyncio.gather(*(send(c, n) for c in clients for n in range(each)))
    for c in clients:
        await c.disconnect()
    return Counter(results)


async def facilitator_next(url: str, day_id: str, key: str) -> None:
    c = socketio.AsyncClient(reconnection=False)
    await c.connect(url, auth={"day": day_id, "role": "facilitator", "key": key}, transports=["websocket"],
                    headers=origin(url))
    assert (await c.call("timer", {"action": "next"}))["ok"]
    await c.disconnect()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--joins", type=int, default=200)
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--each", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp)).start()
        try:
            flood_day = server.new_day(title="Join flood")
            start = time.monotonic()
            statuses = Counter(join(server.url, flood_day["code"], f"P{n}", "observer")[0] for n in range(args.joins))
            print(f"joins: {args.joins} back to back from one address in {time.monotonic() - start:.1f} s: "
                  + ", ".join(f"HTTP {k}: {v}" for k, v in sorted(statuses.items())))
            start = time.monotonic()
            statuses = Counter(join(server.url, flood_day["code"], f"Q{n}", "observer", f"127.0.1.{n % 250 + 1}")[0]
                               for n in range(args.joins))
            print(f"joins: {args.joins} more into the same day from {min(args.joins, 250)} addresses in "
                  f"{time.monotonic() - start:.1f} s: " + ", ".join(f"HTTP {k}: {v}" for k, v in sorted(statuses.items())))
            day = server.new_day(title="Contribution flood")
            with sqlite3.connect(server.db) as conn:
                day_id = conn.execute("select id from days where title = 'Contribution flood'").fetchone()[0]
            asyncio.run(facilitator_next(server.url, day_id, day["key"]))
            tokens = [join(server.url, day["code"], f"R{n}", "Northshire", f"127.0.2.{n % 250 + 1}")[1].get("token")
                      for n in range(args.phones)]
            tokens = [t for t in tokens if t]
            start = time.monotonic()
            results = asyncio.run(burst(server.url, day_id, tokens, args.each))
            print(f"contributions: {len(tokens)} phones x {args.each} at once, answered in "
                  f"{time.monotonic() - start:.1f} s: " + ", ".join(f"{k} {v}" for k, v in results.most_common()))
            with sqlite3.connect(server.db) as conn:
                print("contributions stored:", conn.execute("select count(*) from contributions").fetchone()[0])
            log = (Path(tmp) / "server.log").read_text()
            print("tracebacks in the server log:", log.count("Traceback"))
        finally:
            server.close()


if __name__ == "__main__":
    main()
