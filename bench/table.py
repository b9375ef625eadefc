"""The performance table, each row measured against a bare python-socketio floor (bench/floor.py)
started in the same run, interleaved (a round on one, then on the other), ratios with their spread.

    python bench/table.py fanout   --phones 20  --rounds 100 --blocks 5 [--deflate]
    python bench/table.py ackflat  --contributions 900
    python bench/table.py storm    --phones 500 --contributions 900
    python bench/table.py capacity --phones 2000
    python bench/table.py flood    --idle 1030

Loopback, one machine: the clients share its cores with the server, the same for app and floor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.conftest import AUTHORITIES, free_port, origin  # noqa: E402

ROUND_PACE_S = 0.11  # between two contributions to one day: under its 10 a second
HTTP_JOINS = 50  # phones that join through /api/join; the rest are written to the store


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * len(values))) - 1 if p < 100 else len(values) - 1)]


class Server:
    """The app (`facilitator serve`) or the floor, in a subprocess on a loopback port."""

    def __init__(self, kind: str, folder: Path, port: int | None = None):
        self.kind, self.folder, self.port = kind, folder, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = folder / "bench.db"
        self.proc = None

    def start(self) -> "Server":
        if self.kind == "app":
            cmd = [sys.executable, "-m", "facilitator", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--db", str(self.db)]
        else:
            cmd = [sys.executable, str(ROOT / "bench" / "floor.py"), "--port", str(self.port)]
        if self.kind == "app" and os.environ.get("BENCH_PROFILE"):  # e.g. py-spy record -o app.svg --
            cmd = [*os.environ["BENCH_PROFILE"].split(), *cmd]
        log = open(self.folder / f"{self.kind}.log", "a")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"{self.kind} did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT if os.environ.get("BENCH_PROFILE") else signal.SIGKILL)
            self.proc.wait()

    def day(self) -> dict:
        if self.kind != "app":
            return {}
        out = subprocess.run([sys.executable, "-m", "facilitator", "new-day", "--title", "Bench", "--date",
                              "2026-11-22", "--db", str(self.db), *sum((["--authority", a] for a in AUTHORITIES), [])],
                             check=True, capture_output=True, text=True, cwd=ROOT).stdout
        key = out.split("/f/")[1].split()[0]
        code = out.split("Join code: ")[1].split()[0]
        return {"key": key, "code": code}

    def auth(self, day: dict, n: int) -> dict:
        if self.kind != "app":
            return {"n": n}
        if n >= HTTP_JOINS:  # past a room's worth, straight into the store: the day's join limit would refuse them
            return self._stored_participant(day, n)
        body = json.dumps({"name": f"Phone {n}", "authority": AUTHORITIES[n % 3]}).encode()
        req = urllib.request.Request(f"{self.url}/api/join/{day['code']}", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            joined = json.loads(r.read())
        day["id"] = joined["day"]
        return {"day": joined["day"], "role": "participant", "token": joined["token"]}

    def _stored_participant(self, day: dict, n: int) -> dict:
        from facilitator.live.store import Store

        if "store" not in day:
            day["store"] = Store(str(self.db))
        row = day["store"].add_participant(day["id"], f"Phone {n}", AUTHORITIES[n % 3], int(time.time() * 1000))
        return {"day": day["id"], "role": "participant", "token": row["token"]}

    def facilitator(self, day: dict, day_id: str) -> dict:
        return {"day": day_id, "role": "facilitator", "key": day["key"]} if self.kind == "app" else {"n": -1}


class Phone:
    """A python-socketio client that follows seq as live.js does, and says which it holds."""

    def __init__(self, auth: dict, deflate: bool = False, on_contribution=None):
        self.base, self.seq, self.synced = auth, None, asyncio.Event()
        self.bytes = 0
        opts = {"websocket_extra_options": {"compress": 15}} if deflate else {}
        # reconnecting as live.js does: 0.5 s, randomised by half, doubling to at most 2 s
        self.sio = socketio.AsyncClient(reconnection_delay=0.5, reconnection_delay_max=2, randomization_factor=0.5,
                                        **opts)
        self.sio.on("snapshot", self._snapshot)
        self.sio.on("changes", self._changes)
        if on_contribution:
            self.sio.on("contribution", on_contribution)

    def _auth(self):
        return {**self.base, "seq": self.seq} if self.seq is not None else self.base

    async def _snapshot(self, snap):
        self.bytes += len(json.dumps(snap))
        self.seq = snap["seq"]
        self.synced.set()

    async def _changes(self, delta):
        self.bytes += len(json.dumps(delta))
        self.seq = delta["seq"]
        self.synced.set()

    async def connect(self, url: str) -> None:
        await self.sio.connect(url, auth=self._auth, transports=["websocket"], wait_timeout=60,
                               headers=origin(url))


async def connect_all(server: Server, auths: list[dict], deflate=False, on_contribution=None, batch=50) -> list[Phone]:
    phones = [Phone(a, deflate, on_contribution) for a in auths]
    for i in range(0, len(phones), batch):
        await asyncio.gather(*(p.connect(server.url) for p in phones[i:i + batch]))
    await asyncio.gather(*(p.synced.wait() for p in phones))
    return phones


async def disconnect_all(phones: list[Phone]) -> None:
    await asyncio.gather(*(p.sio.disconnect() for p in phones), return_exceptions=True)


def contribution(n: int) -> dict:
    return {"id": str(uuid.uuid4()), "kind": "risk", "category": "Workforce",
            "text": f"Round {n}: agency reliance in the front door team", "authority": AUTHORITIES[1]}


# -- rows 1-3: submit -> every screen

class Room:
    """N phones (and, for the app, the facilitator) connected to one server, timing broadcasts."""

    def __init__(self, server: Server):
        self.server, self.arrivals, self.n = server, {}, 0

    async def open(self, phones_n: int, deflate: bool) -> "Room":
        day = self.server.day()
        self.idle = rss_mb(self.server.proc.pid)
        auths = [self.server.auth(day, n) for n in range(phones_n)]

        async def seen(data):
            self.arrivals.setdefault(data["contribution"]["id"], []).append(time.perf_counter())

        self.phones = await connect_all(self.server, auths, deflate, seen)
        self.per_phone_kb = (rss_mb(self.server.proc.pid) - self.idle) * 1024 / phones_n
        self.fac = Phone(self.server.facilitator(day, auths[0].get("day", "")), deflate)
        await self.fac.connect(self.server.url)
        await self.fac.synced.wait()
        if self.server.kind == "app":
            await self.fac.sio.call("timer", {"action": "next"})  # the presentation: risks open to all
        return self

    async def round(self) -> tuple[float, float]:
        # Paced under the day's own limit on phones' contributions (10 a second, see
        # docs/realtime-api.md): the bench times each round, not a flood the server refuses.
        await asyncio.sleep(ROUND_PACE_S)
        payload = contribution(self.n)
        sender = self.phones[self.n % len(self.phones)]
        self.n += 1
        t0 = time.perf_counter()
        ack = await sender.sio.call("contribute", payload, timeout=30)
        acked = (time.perf_counter() - t0) * 1000
        assert ack.get("ok"), ack
        while len(self.arrivals.get(payload["id"], [])) < len(self.phones):
            await asyncio.sleep(0.0005)
        return (max(self.arrivals.pop(payload["id"])) - t0) * 1000, acked


async def fanout_run(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        servers = [Server("app", Path(tmp)).start(), Server("floor", Path(tmp)).start()]
        try:
            rooms = [await Room(s).open(args.phones, args.deflate) for s in servers]
            blocks = []
            for b in range(args.blocks):
                got = {"app": ([], []), "floor": ([], [])}
                for r in range(args.rounds):
                    for room in rooms if r % 2 == 0 else rooms[::-1]:  # interleaved, each first in turn
                        fan, ack = await room.round()
                        got[room.server.kind][0].append(fan)
                        got[room.server.kind][1].append(ack)
                blocks.append({k: {"p50": statistics.median(v[0]), "p99": pct(v[0], 99), "ack": statistics.median(v[1])}
                               for k, v in got.items()})
                a, f = blocks[-1]["app"], blocks[-1]["floor"]
                print(f"block {b + 1}: p50 {a['p50']:.1f}/{f['p50']:.1f}  p99 {a['p99']:.1f}/{f['p99']:.1f}  "
                      f"ack {a['ack']:.1f}/{f['ack']:.1f} ms (app/floor)", flush=True)
            for room in rooms:
                await disconnect_all([*room.phones, room.fac])
        finally:
            for s in servers:
                s.kill()
    print(f"\nsubmit -> every screen, {args.phones} phones, {args.blocks} blocks of {args.rounds} interleaved rounds, "
          f"permessage-deflate {'on' if args.deflate else 'off'}:")
    for key, label in (("p50", "p50 ms"), ("p99", "p99 ms"), ("ack", "ack p50 ms")):
        a = [b["app"][key] for b in blocks]
        f = [b["floor"][key] for b in blocks]
        ratios = sorted(x / y for x, y in zip(a, f))
        print(f"  {label:>11}: app {statistics.median(a):.1f} ({min(a):.1f}-{max(a):.1f})   floor {statistics.median(f):.1f} "
              f"({min(f):.1f}-{max(f):.1f})   ratio median {statistics.median(ratios):.2f} ({ratios[0]:.2f}-{ratios[-1]:.2f})")
    print(f"  memory per phone: app {rooms[0].per_phone_kb:.0f} KB, floor {rooms[1].per_phone_kb:.0f} KB")


def fanout(args) -> None:
    asyncio.run(fanout_run(args))


# -- row 6: the ack, first 100 against last 100 contributions

async def ackflat_run(total: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server("app", Path(tmp)).start()
        try:
            day = server.day()
            phone = Phone(server.auth(day, 0))
            await phone.connect(server.url)
            fac = Phone(server.facilitator(day, phone.base["day"]))
            await fac.connect(server.url)
            await fac.sio.call("timer", {"action": "next"})
            acks = []
            for n in range(total):
                if n % 150 == 0 and n:
                    await fac.sio.call("timer", {"action": "next"})  # on through the day's steps and sessions
                t0 = time.perf_counter()
                payload = contribution(n)
                if n % 2:  # every other one a question, so the queue grows as the day does
                    payload.update(kind="question", category=None, text=f"What would help most, {n}?")
                ack = await fac.sio.call("contribute", payload)
                acks.append((time.perf_counter() - t0) * 1000)
                assert ack["ok"], ack
            await disconnect_all([phone, fac])
        finally:
            server.kill()
    first, last = acks[:100], acks[-100:]
    print(f"contribute ack over {total} contributions: first 100 p50 {statistics.median(first):.2f} ms "
          f"(p90 {pct(first, 90):.2f}), last 100 p50 {statistics.median(last):.2f} ms (p90 {pct(last, 90):.2f}); "
          f"last/first {statistics.median(last) / statistics.median(first):.2f}")


# -- row 5: every phone back after kill -9 and a restart

async def storm_once(kind: str, phones_n: int, contributions: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(kind, Path(tmp)).start()
        try:
            day = server.day()
            auths = [server.auth(day, n) for n in range(phones_n)]
            fac = Phone(server.facilitator(day, auths[0].get("day", "")))
            await fac.connect(server.url)
            for n in range(contributions):
                assert (await fac.sio.call("contribute", contribution(n)))["ok"]
            phones = await connect_all(server, auths, batch=10)  # each takes the whole day at first
            await fac.sio.disconnect()
            for p in phones:
                p.synced.clear()
                p.bytes = 0
            t0 = time.perf_counter()
            server.kill()
            server.start()
            ready = time.perf_counter() - t0
            try:
                await asyncio.wait_for(asyncio.gather(*(p.synced.wait() for p in phones)), 300)
            except asyncio.TimeoutError:
                late = [p for p in phones if not p.synced.is_set()]
                print(f"{len(late)} phones not back; connected: {sum(p.sio.connected for p in late)}; log:\n"
                      + (server.folder / f"{kind}.log").read_text()[-3000:])
                raise
            back = time.perf_counter() - t0
            rss = rss_mb(server.proc.pid)
            sent = sum(p.bytes for p in phones)
            await disconnect_all(phones)
        finally:
            server.kill()
    return {"back_s": round(back, 2), "listening_s": round(ready, 2), "kb_per_phone": round(sent / 1024 / phones_n, 1),
            "rss_mb": round(rss)}


def storm(args) -> None:
    rows = []
    for i in range(args.pairs):
        app = asyncio.run(storm_once("app", args.phones, args.contributions))
        floor = asyncio.run(storm_once("floor", args.phones, 0))
        rows.append((app, floor))
        print(f"pair {i + 1}: app {app}  floor {floor}", flush=True)
    a, f = [r[0]["back_s"] for r in rows], [r[1]["back_s"] for r in rows]
    print(f"\nall {args.phones} phones back after kill -9 and restart, day of {args.contributions}: "
          f"app {min(a):.1f}-{max(a):.1f} s, floor {min(f):.1f}-{max(f):.1f} s, "
          f"ratio {min(x / y for x, y in zip(a, f)):.2f}-{max(x / y for x, y in zip(a, f)):.2f}")


# -- row 4: how many phones one process holds

async def capacity_once(kind: str, phones_n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(kind, Path(tmp)).start()
        try:
            day = server.day()
            auths = [server.auth(day, n) for n in range(phones_n)]
            t0 = time.perf_counter()
            phones = [Phone(a) for a in auths]
            results = []
            for i in range(0, phones_n, 100):
                results += await asyncio.gather(*(p.connect(server.url) for p in phones[i:i + 100]),
                                                return_exceptions=True)
            ok = [p for p, r in zip(phones, results) if not isinstance(r, Exception)]
            await asyncio.wait([asyncio.ensure_future(p.synced.wait()) for p in ok], timeout=30)
            held = sum(p.synced.is_set() for p in ok)
            took = time.perf_counter() - t0
            rss = rss_mb(server.proc.pid)
            await disconnect_all(phones)
        finally:
            server.kill()
    return {"held": held, "seconds": took, "rss_mb": rss}


def capacity(args) -> None:
    app = asyncio.run(capacity_once("app", args.phones))
    floor = asyncio.run(capacity_once("floor", args.phones))
    print(f"{args.phones} phones: app holds {app['held']} in {app['seconds']:.1f} s ({app['rss_mb']:.0f} MB); "
          f"floor holds {floor['held']} in {floor['seconds']:.1f} s ({floor['rss_mb']:.0f} MB)")


# -- issue 11: idle TCP connections

def flood(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server("app", Path(tmp)).start()
        try:
            day = server.day()
            idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(args.idle)]
            t0 = time.perf_counter()
            with urllib.request.urlopen(server.url + "/healthz", timeout=30):
                health = time.perf_counter() - t0
            t0 = time.perf_counter()
            auth = server.auth(day, 0)
            joined = time.perf_counter() - t0

            async def one():
                t = time.perf_counter()
                phone = Phone(auth)
                await phone.connect(server.url)
                await phone.synced.wait()
                took = time.perf_counter() - t
                await phone.sio.disconnect()
                return took

            sock = asyncio.run(one())
            closed = 0
            time.sleep(35)  # past the idle timeout
            for s in idle:
                s.settimeout(0.05)
                try:
                    closed += s.recv(1) == b""
                except OSError:
                    closed += 1
                s.close()
        finally:
            server.kill()
    print(f"with {args.idle} idle TCP connections held: /healthz {health * 1000:.0f} ms, a join {joined * 1000:.0f} ms, "
          f"a new socket to its snapshot {sock * 1000:.0f} ms; {closed} of {args.idle} idle ones closed by the server "
          f"35 s later")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="row", required=True)
    p = sub.add_parser("fanout")
    p.add_argument("--phones", type=int, default=20)
    p.add_argument("--rounds", type=int, default=100, help="rounds per block, on each server")
    p.add_argument("--blocks", type=int, default=5)
    p.add_argument("--deflate", action="store_true", help="clients offer permessage-deflate, as browsers do")
    p = sub.add_parser("ackflat")
    p.add_argument("--contributions", type=int, default=900)
    p = sub.add_parser("storm")
    p.add_argument("--phones", type=int, default=500)
    p.add_argument("--contributions", type=int, default=900)
    p.add_argument("--pairs", type=int, default=2)
    p = sub.add_parser("capacity")
    p.add_argument("--phones", type=int, default=2000)
    p = sub.add_parser("flood")
    p.add_argument("--idle", type=int, default=1030)
    args = parser.parse_args()
    if args.row == "ackflat":
        asyncio.run(ackflat_run(args.contributions))
    else:
        {"fanout": fanout, "storm": storm, "capacity": capacity, "flood": flood}[args.row](args)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
