"""One server per database: a lock file beside it, held for as long as the server runs.

Two independent servers on one database would each tell their own phones about their own
contributions only, so the second refuses to start and names the first. The lock is an flock on
`<database>.lock`, which the operating system lets go when the holder exits, however it exits: a
crashed server never locks the next one out.

The processes of one server share the database by design: the process that takes the lock puts
its group id in the environment (`FACILITATOR_SERVER_GROUP`), and a process started with that id
while the lock is held by its group joins instead of refusing.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import socket
from pathlib import Path

GROUP_ENV = "FACILITATOR_SERVER_GROUP"


class LockError(RuntimeError):
    """The server's lock cannot be taken; the message says why and what to do."""


class AlreadyServing(LockError):
    """Another server holds the database; the message says which and what to do."""


class ServerLock:
    def __init__(self, database: str | Path):
        self.path = Path(f"{database}.lock")
        self.fd: int | None = None
        self.group: str | None = None

    def acquire(self, host: str, port: int) -> "ServerLock":
        """Take the lock, or join the group that holds it; raise AlreadyServing otherwise."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise LockError(f"{self.path}: cannot create the server's lock file beside the database "
                            f"({exc.strerror or exc}): give a --db in a folder you can write to") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            os.close(fd)
            if holder.get("group") and holder["group"] == os.environ.get(GROUP_ENV):
                self.group = holder["group"]
                return self
            raise AlreadyServing(
                f"another facilitator server (pid {holder.get('pid', '?')}, on "
                f"{holder.get('address', '?')}) is using this database: stop it first, or give this one "
                f"its own --db") from None
        self.fd, self.group = fd, secrets.token_hex(8)
        os.environ[GROUP_ENV] = self.group  # inherited by the processes this server starts
        record = {"pid": os.getpid(), "host": socket.gethostname(), "address": f"{host}:{port}", "group": self.group}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor lets go of the flock
            self.fd = None


def _read(fd: int) -> dict:
    try:
        record = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}
