"""The regional server: several worker processes behind a proxy, joined by a Redis message queue.

`facilitator serve --workers N --redis URL --port P` starts N workers on ports P..P+N-1, each
the ordinary eventlet server with Flask-SocketIO's Redis message queue, so a broadcast made by one
worker reaches the sockets held by every other. A proxy in front (deploy/nginx.conf) keeps each
browser on one worker by a cookie. The workers of one host share the SQLite file (WAL); the timer
is a deadline in that file, so no worker runs a per-session task. A worker that dies is started
again after a pause; meanwhile the proxy sends its clients to the others.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

RESTART_AFTER_S = 5.0  # long enough that a worker failing at start-up does not spin
WORKER_ENV = "FACILITATOR_WORKER"  # set in a worker's environment: its number in the deployment


# The token bucket of ratelimit.Buckets, kept in Redis so a phone's allowance is the same on every worker.
_TAKE = """
local capacity, rate, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]) or capacity, tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local ok = 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 60)
return ok
"""


class RedisBuckets:
    """ratelimit.Buckets with its state in Redis: one allowance per phone across the deployment."""

    def __init__(self, url: str, capacity: float, per_second: float, prefix: str = "facilitator:bucket:"):
        import redis

        self.capacity, self.per_second, self.prefix = capacity, per_second, prefix
        self._take = redis.Redis.from_url(url).register_script(_TAKE)

    def take(self, key: str, now_s: float) -> bool:
        return bool(self._take(keys=[self.prefix + key], args=[self.capacity, self.per_second, repr(now_s)]))


def check_redis(url: str) -> str | None:
    """Why the message queue cannot be used, in one line; None when it answers."""
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as exc:  # any failure to reach it is the same answer to the person starting the server
        return f"cannot reach Redis at {url}: {exc}"
    return None


def worker_command(index: int, host: str, port: int, db: str, redis_url: str, public_url: str | None,
                   extra: list[str] = ()) -> list[str]:
    command = [sys.executable, "-m", "facilitator", "serve", "--host", host, "--port", str(port + index),
               "--db", db, "--redis", redis_url, *extra]
    return command + (["--public-url", public_url] if public_url else [])


def supervise(count: int, host: str, port: int, db: str, redis_url: str, public_url: str | None, echo,
              extra: list[str] = ()) -> None:
    """Run `count` workers until told to stop; start again any that dies, after a pause.

    `extra` are serve's options every worker takes as well (host names, connections)."""
    commands = [worker_command(i, host, port, db, redis_url, public_url, extra) for i in range(count)]
    procs: list[subprocess.Popen | None] = [None] * count
    died_at: list[float | None] = [None] * count
    stopping = []

    def start(i: int) -> None:
        procs[i] = subprocess.Popen(commands[i], env={**os.environ, WORKER_ENV: str(i + 1)})
        died_at[i] = None
        echo(f"  worker {i + 1} (pid {procs[i].pid}) on {host}:{port + i}")
        sys.stdout.flush()

    def stop(signum, frame):
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for i in range(count):
        start(i)
    try:
        while not stopping:
            time.sleep(0.2)
            for i, proc in enumerate(procs):
                if proc.poll() is None:
                    continue
                if died_at[i] is None:
                    died_at[i] = time.monotonic()
                    echo(f"  worker {i + 1} (pid {proc.pid}) stopped with code {proc.returncode}; "
                         f"starting it again in {RESTART_AFTER_S:.0f} s")
                    sys.stdout.flush()
                elif time.monotonic() - died_at[i] >= RESTART_AFTER_S:
                    start(i)
    finally:
        for proc in procs:
            if proc and proc.poll() is None:
                proc.terminate()
        for proc in procs:
            if proc:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
