"""A regional server on loopback for tests and benchmarks: redis-server, `facilitator serve --workers N`
and nginx with the configuration in deploy/, all in one temporary folder on free ports."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import socketio

CHECKOUT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
REDIS = shutil.which("redis-server")


def free_ports(count: int) -> int:
    """The first of `count` consecutive free loopback ports."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + count > 65535:
            continue
        sockets = []
        try:
            for port in range(base, base + count):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()


def wait_until(check, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def nginx_conf(tmp: Path, listen: int, workers: list[int]) -> str:
    """deploy/nginx.conf with this run's ports, inside a main configuration that keeps to `tmp`."""
    site = (CHECKOUT / "deploy" / "nginx.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in workers)
    site, count = re.subn(r"(    server 127\.0\.0\.1:\d+[^\n]*\n)+", servers, site)
    assert count == 1, "deploy/nginx.conf lists its workers as `server 127.0.0.1:PORT ...;` lines"
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    # which worker answered, for the tests to place clients; not in the shipped file
    site = site.replace("add_header Set-Cookie", "add_header X-Upstream $upstream_addr always;\n        add_header Set-Cookie")
    temp = "".join(f"    {kind}_temp_path {tmp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"daemon off;\nmaster_process off;\npid {tmp}/nginx.pid;\nerror_log {tmp}/nginx-error.log;\n"
            f"events {{ worker_connections 1024; }}\nhttp {{\n    access_log off;\n{temp}{site}\n}}\n")


class Region:
    """redis-server, the workers and nginx; `url` is the address browsers and phones use."""

    def __init__(self, tmp: Path, workers: int = 2):
        self.tmp, self.count = tmp, workers
        self.db = tmp / "region.db"
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.env.pop("FACILITATOR_WORKER", None)
        self.procs: list[subprocess.Popen] = []
        self.logs: list = []

    def _spawn(self, args, name):
        log = open(self.tmp / f"{name}.log", "w")
        self.logs.append(log)
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.tmp)
        self.procs.append(proc)
        return proc

    def start(self) -> "Region":
        self.redis_port = free_ports(1)
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self._spawn([REDIS, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no", "--dir", str(self.tmp)], "redis")
        wait_until(self._redis_up, "redis-server")
        self.base = free_ports(self.count)
        self.ports = list(range(self.base, self.base + self.count))
        self.supervisor = self._spawn(
            [sys.executable, "-m", "facilitator", "serve", "--workers", str(self.count), "--host", "127.0.0.1",
             "--port", str(self.base), "--redis", self.redis_url, "--db", str(self.db)], "serve")
        for port in self.ports:
            wait_until(lambda: self._check_alive() and _answers(f"http://127.0.0.1:{port}/healthz"),
                       f"worker on {port}", 60)
        self.port = free_ports(1)
        self.url = f"http://127.0.0.1:{self.port}"
        conf = self.tmp / "nginx.conf"
        conf.write_text(nginx_conf(self.tmp, self.port, self.ports))
        self._spawn([NGINX, "-e", str(self.tmp / "nginx-error.log"), "-p", str(self.tmp), "-c", str(conf)], "nginx")
        wait_until(lambda: self._check_alive() and _answers(self.url + "/healthz"), "nginx")
        return self

    def _redis_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def _check_alive(self) -> bool:
        for proc in self.procs:
            if proc.poll() is not None:
                raise AssertionError(f"{proc.args[0]} stopped:\n" + self.log())
        return True

    def log(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()}" for p in sorted(self.tmp.glob("*.log")))

    def worker_pids(self) -> dict[int, int]:
        """Worker number -> its latest pid, from the supervisor's log."""
        found = re.findall(r"worker (\d+) \(pid (\d+)\) on", (self.tmp / "serve.log").read_text())
        return {int(n): int(pid) for n, pid in found}

    def worker_of(self, route: str) -> int | None:
        """The worker number nginx sends a request with this route cookie to now."""
        request = urllib.request.Request(self.url + "/healthz", headers={"Cookie": f"facilitator_route={route}"})
        with urllib.request.urlopen(request, timeout=5) as r:
            upstream = r.headers["X-Upstream"]
        ports = [f"127.0.0.1:{p}" for p in self.ports]
        return ports.index(upstream) + 1 if upstream in ports else None

    def route_to(self, worker: int) -> str:
        """A route cookie value that nginx sends to worker number `worker` (1-based), once it is up."""

        def probe():
            return next((f"route-{k}" for k in range(64) if self.worker_of(f"route-{k}") == worker), None)

        return wait_until(probe, f"a route cookie that reaches worker {worker}", 60)

    def new_day(self) -> dict:
        out = subprocess.run([sys.executable, "-m", "facilitator", "new-day", "--title", "Regional day",
                              "--date", "2026-11-22", "--db", str(self.db), "--url", self.url,
                              "--authority", "Northshire", "--authority", "Eastbridge", "--authority", "Westvale"],
                             check=True, capture_output=True, text=True, env=self.env).stdout
        return {"key": re.search(r"/f/(\S+)", out).group(1), "code": re.search(r"Join code: (\w+)", out).group(1)}

    def join(self, code: str, name: str, authority: str, route: str) -> dict:
        request = urllib.request.Request(f"{self.url}/api/join/{code}", method="POST",
                                         data=json.dumps({"name": name, "authority": authority}).encode(),
                                         headers={"Content-Type": "application/json",
                                                  "Cookie": f"facilitator_route={route}"})
        with urllib.request.urlopen(request, timeout=10) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        for proc in reversed(self.procs):  # nginx, the workers, then redis
            if proc.poll() is None:
                proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in self.logs:
            log.close()


class Client:
    """A python-socketio client through the proxy, pinned to a worker by its route cookie; every event
    it receives lands in `events`. It reconnects on its own, as the pages do."""

    def __init__(self, url: str, route: str, auth: dict, **options):
        self.sio = socketio.Client(**{"reconnection_delay": 0.5, "reconnection_delay_max": 2, **options})
        self.events: queue.Queue = queue.Queue()
        self.sio.on("*", lambda event, data=None: self.events.put((event, data)))
        self.sio.connect(url, auth=auth, headers={"Cookie": f"facilitator_route={route}"}, wait_timeout=10)

    def next(self, event: str, where=lambda data: True, timeout: float = 30.0):
        """The next `event` whose data passes `where`; other events are passed over."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no '{event}' arrived")
            try:
                name, data = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if name == event and where(data):
                return data

    def call(self, event: str, data=None) -> dict:
        # a reconnect's snapshot may be handled just before the client marks itself connected
        wait_until(lambda: "/" in self.sio.namespaces, "the client to be connected")
        return self.sio.call(event, data, timeout=15)

    def close(self) -> None:
        self.sio.disconnect()
