"""The address phones on the same network can reach this laptop on.

On a stock Debian or Ubuntu laptop the host name resolves to 127.0.1.1, so asking the resolver
finds nothing a phone can use. The address that matters is the one on the interface that carries
the default route: the kernel tells us which when a UDP socket is connected, and connecting a
UDP socket sends no packet.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field

PROBE = ("192.0.2.1", 9)  # TEST-NET-1 (RFC 5737): never reached, only routed
SIOCGIFADDR = 0x8915
WILDCARDS = ("0.0.0.0", "::", "")  # what a server is told to listen on to listen on all addresses


def is_loopback(address: str) -> bool:
    """An address only this machine can reach: localhost, 127.0.0.0/8 or ::1."""
    if address.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def is_wildcard(address: str) -> bool:
    """The address a server gives to listen on every address of this machine (no one connects to it)."""
    return address in WILDCARDS


def phones_cannot_reach(address: str) -> bool:
    """Not an address a phone can use: this machine's own, or none at all."""
    return is_loopback(address) or is_wildcard(address)


def default_route_address() -> str | None:
    """The IPv4 address of the interface that carries the default route, if there is one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(PROBE)
            address = probe.getsockname()[0]
    except OSError:  # no route at all: the laptop is on no network
        return None
    return None if phones_cannot_reach(address) else address


def interface_addresses() -> list[str]:
    """Every IPv4 address on this machine's interfaces (Linux), else those of its host name."""
    found: list[str] = []
    try:
        import fcntl
        import struct

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for _, name in socket.if_nameindex():
                try:
                    packed = fcntl.ioctl(s.fileno(), SIOCGIFADDR, struct.pack("256s", name[:15].encode()))
                except OSError:  # an interface with no IPv4 address
                    continue
                found.append(socket.inet_ntoa(packed[20:24]))
    except (ImportError, OSError, AttributeError):
        pass
    try:
        found += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    except OSError:
        pass
    return list(dict.fromkeys(found))


@dataclass
class Reach:
    """Where phones can reach the app: the main address, any others, or only loopback."""

    url: str
    others: list[str] = field(default_factory=list)

    @property
    def loopback_only(self) -> bool:
        return phones_cannot_reach(self.url.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]"))


def reach(host: str, port: int) -> Reach:
    """The address to print and encode in the QR code, the others, for a server on host:port."""
    if not is_wildcard(host):
        return Reach(f"http://{host}:{port}")
    main = default_route_address()
    others = [a for a in interface_addresses() if not phones_cannot_reach(a) and a != main]
    if main is None and others:
        main, others = others[0], others[1:]
    return Reach(f"http://{main or '127.0.0.1'}:{port}", [f"http://{a}:{port}" for a in others])


def loopback_warning(url: str) -> str:
    return (f"WARNING: phones cannot reach {url}: it is this laptop's loopback address. Join the room's "
            f"Wi-Fi and restart, or give the address phones can reach with --public-url http://ADDRESS:PORT")
