"""The regional server against one worker: submit -> projector, and how long a killed worker's phones are away.

Starts, in one run, a plain `facilitator serve` (one worker, no proxy) and a regional server
(redis-server, two workers, nginx with deploy/nginx.conf). Three routes for a contribution, in
interleaved rounds: one worker direct; through nginx with the phone and the projector on the same
worker; through nginx with the phone on worker 1 and the projector on worker 2 (the broadcast
crosses Redis). Each sample is the time from the phone's emit to the projector receiving the
broadcast, both clients in this process. Then kill -9 of the phones' worker, several times: the
time until every phone has reconnected and holds a fresh snapshot.

    python bench/workers.py [--rounds 40] [--phones 10] [--kills 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.conftest import LiveServer  # noqa: E402
from tests.region import Client, Region, wait_until  # noqa: E402

AUTHORITIES = ["Northshire", "Eastbridge", "Westvale"]


def risk(n: int) -> dict:
    return {"id": str(uuid.uuid4()), "kind": "risk", "category": "Budget", "text": f"Placement costs {n}"}


class Route:
    """A phone and a projector on one day, and the time for a contribution to go from one to the other."""

    def __init__(self, label, url, day, phone_route, staff_route, join):
        self.label, self.samples = label, []
        joined = join(day["code"], f"Bench {label}", "Northshire", phone_route)
        self.day_id = joined["day"]
        staff = {"day": self.day_id, "key": day["key"]}
        self.console = Client(url, staff_route, {**staff, "role": "facilitator"})
        self.projector = Client(url, staff_route, {**staff, "role": "projector"})
        self.phone = Client(url, phone_route, {"day": self.day_id, "role": "participant", "token": joined["token"]})
        for client in (self.console, self.projector, self.phone):
            client.next("snapshot")
        assert self.console.call("timer", {"action": "start"})["ok"]
        assert self.console.call("timer", {"action": "next"})["ok"]
        self.phone.next("clock", lambda d: d["clock"]["index"] == 1)

    def sample(self, n: int) -> None:
        body = risk(n)
        t0 = time.perf_counter()
        self.phone.sio.emit("contribute", body)
        self.projector.next("contribution", lambda d: d["contribution"]["id"] == body["id"], timeout=10)
        self.samples.append((time.perf_counter() - t0) * 1000)

    def close(self):
        for client in (self.console, self.projector, self.phone):
            client.close()


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    return (f"median {statistics.median(ordered):6.1f} ms, p90 {ordered[int(0.9 * (len(ordered) - 1))]:6.1f} ms, "
            f"max {ordered[-1]:6.1f} ms")


def ratios(values: list[float], base: list[float]) -> str:
    pairs = sorted(v / b for v, b in zip(values, base))
    q = statistics.quantiles(pairs, n=4)
    return f"x{statistics.median(pairs):.2f} (quartiles x{q[0]:.2f}..x{q[2]:.2f})"


def latency(region: Region, single: LiveServer, rounds: int) -> None:
    def direct_join(code, name, authority, route):
        return region_join(single.url, code, name, authority)

    def region_join(url, code, name, authority):
        import json
        import urllib.request

        request = urllib.request.Request(f"{url}/api/join/{code}", method="POST",
                                         data=json.dumps({"name": name, "authority": authority}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as r:
            return json.loads(r.read())

    one, two = region.route_to(1), region.route_to(2)
    routes = [
        Route("one worker, direct", single.url, single.new_day(), "", "", direct_join),
        Route("two workers, same worker", region.url, region.new_day(), one, one, region.join),
        Route("two workers, across Redis", region.url, region.new_day(), one, two, region.join),
    ]
    for n in range(rounds):
        for route in routes[n % 3:] + routes[:n % 3]:  # rotate who goes first
            route.sample(n)
        time.sleep(0.55)  # each phone keeps under the 2-a-second rate limit
    base = routes[0].samples
    print(f"submit -> projector over {rounds} interleaved rounds (python-socketio clients on loopback):")
    for route in routes:
        print(f"  {route.label:28} {summary(route.samples)}  against one worker {ratios(route.samples, base)}")
    for route in routes:
        route.close()


def failover(region: Region, phones: int, kills: int) -> None:
    day = region.new_day()
    to_phones, to_staff = region.route_to(1), region.route_to(2)
    joined = [region.join(day["code"], f"Phone {i}", AUTHORITIES[i % 3], to_phones) for i in range(phones)]
    day_id = joined[0]["day"]
    console = Client(region.url, to_staff, {"day": day_id, "key": day["key"], "role": "facilitator"})
    console.next("snapshot")
    backs, lasts = [], []
    for kill in range(kills):
        # live.js's reconnection timing: 0.5 s first delay, randomised by half, at most 2 s
        clients = [Client(region.url, to_phones, {"day": day_id, "role": "participant", "token": j["token"]},
                          reconnection_delay=0.5, reconnection_delay_max=2, randomization_factor=0.5)
                   for j in joined]
        for client in clients:
            client.next("snapshot")
        pid = region.worker_pids()[1]
        t0 = time.perf_counter()
        os.kill(pid, signal.SIGKILL)
        times = []
        for client in clients:
            client.next("snapshot", timeout=60)
            times.append((time.perf_counter() - t0) * 1000)
        backs += times
        lasts.append(max(times))
        for client in clients:
            client.close()
        wait_until(lambda: region.worker_pids()[1] != pid, "the worker's restart", 60)
        wait_until(lambda: region.worker_of(to_phones) == 1, "the restarted worker", 60)
    console.close()
    print(f"kill -9 of the phones' worker, {kills} times with {phones} phones (the phone page's reconnection timing):")
    print(f"  each phone back with a snapshot: {summary(backs)}")
    print(f"  the last phone back:             median {statistics.median(lasts):6.0f} ms, max {max(lasts):6.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--phones", type=int, default=10)
    parser.add_argument("--kills", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "region").mkdir()
        (Path(tmp) / "single").mkdir()
        region = Region(Path(tmp) / "region").start()
        single = LiveServer(Path(tmp) / "single").start()
        try:
            latency(region, single, args.rounds)
            failover(region, args.phones, args.kills)
        finally:
            single.close()
            region.stop()


if __name__ == "__main__":
    main()
