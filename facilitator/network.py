"""The address phones on the same network can reach this laptop on."""

from __future__ import annotations

import socket


def lan_address() -> str:
    """The first IPv4 address of this machine that is not loopback, else loopback.

    Found by asking the resolver about our own host name, so no packet leaves the machine.
    """
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    for info in infos:
        address = info[4][0]
        if not address.startswith("127."):
            return address
    return "127.0.0.1"


def public_url(host: str, port: int) -> str:
    reachable = lan_address() if host in ("0.0.0.0", "") else host
    return f"http://{reachable}:{port}"
