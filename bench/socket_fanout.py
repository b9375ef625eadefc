"""How fast a contribution reaches every phone in a full room, and what the server holds in memory.

Starts `facilitator serve` on loopback, connects N participants with python-socketio's asyncio
client, and has them take turns adding a contribution; for each, the time from the emit to its
ack and to the slowest of the N receiving the broadcast. Prints medians and the server's RSS.

    python bench/socket_fanout.py [--phones 20] [--rounds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.conftest import LiveServer, origin  # noqa: E402

AUTHORITIES = ["Northshire", "Eastbridge", "Westvale"]


def join(url: str, code: str, name: str, authority: str) -> dict:
    body = json.dumps({"name": name, "authority": authority}).encode()
    req = urllib.request.Request(f"{url}/api/join/{code}", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run(server: LiveServer, phones: int, rounds: int) -> dict:
    day = server.new_day()
    arrivals: dict[str, list[float]] = {}
    clients = []
    for n in range(phones):
        joined = join(server.url, day["code"], f"Phone {n}", AUTHORITIES[n % 3])
        sio = socketio.AsyncClient()

        @sio.on("contribution")
        async def on_contribution(data, _n=n):
            arrivals.setdefault(data["contribution"]["id"], []).append(time.perf_counter())

        await sio.connect(server.url, auth={"day": joined["day"], "role": "participant", "token": joined["token"]},
                          transports=["websocket"], headers=origin(server.url))
        clients.append(sio)
    connected_rss = rss_mb(server.proc.pid)

    fac = socketio.AsyncClient()
    await fac.connect(server.url, auth={"day": joined["day"], "role": "facilitator", "key": day["key"]},
                      transports=["websocket"], headers=origin(server.url))
    await fac.call("timer", {"action": "next"})  # into the presentation: risks are open to all

    acks, fanouts = [], []
    for r in range(rounds):
        cid = str(uuid.uuid4())
        sender = clients[r % phones]
        t0 = time.perf_counter()
        ack = await sender.call("contribute", {"id": cid, "kind": "risk", "category": "Workforce",
                                               "text": f"Round {r}: agency reliance"})
        acks.append((time.perf_counter() - t0) * 1000)
        assert ack["ok"], ack
        while len(arrivals.get(cid, [])) < phones:
            await asyncio.sleep(0.001)
        fanouts.append((max(arrivals[cid]) - t0) * 1000)
    for sio in [*clients, fac]:
        await sio.disconnect()
    return {"phones": phones, "rounds": rounds, "ack_median_ms": statistics.median(acks),
            "fanout_median_ms": statistics.median(fanouts), "fanout_max_ms": max(fanouts),
            "server_rss_mb": round(connected_rss, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    server = LiveServer(Path(tempfile.mkdtemp())).start()
    try:
        idle = rss_mb(server.proc.pid)
        result = asyncio.run(run(server, args.phones, args.rounds))
    finally:
        server.close()
    result["server_idle_rss_mb"] = round(idle, 1)
    for key, value in result.items():
        print(f"{key:>20}: {value:.1f}" if isinstance(value, float) else f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
