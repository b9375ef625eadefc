"""Who may knock: the host names the server answers to, the origins it takes posts and sockets
from, and the organiser's key that setting up a day needs on a server others can reach.

A page from another site can make a browser send requests here; when that site's name is made to
point at this server (DNS rebinding), even the Host header says the other site's name. So every
request must name one of this server's own hosts, and everything that changes data must come from
one of this server's own pages (its Origin).
"""

from __future__ import annotations

import hashlib
import hmac
import socket
from urllib.parse import urlsplit

LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
SOCKET_PATH = "/socket.io"
DEFAULT_PORTS = {"http": 80, "https": 443}


def hostname(value: str | None) -> str | None:
    """The host name of a Host header ("name:port", "[::1]:5000") or an origin ("http://name:port")."""
    if not value or value == "null":
        return None
    try:
        name = urlsplit(value if "//" in value else f"//{value}").hostname
    except ValueError:
        return None
    return name.lower().rstrip(".") if name else None


def allowed_hosts(host: str, public_url: str | None, extra=()) -> list[str]:
    """The names phones and laptops may reach this server by: localhost, the address it listens on
    (every address of this machine, when it listens on all), the public URL's name, and any more given."""
    names = list(LOCAL_NAMES)
    if host in ("0.0.0.0", "::", ""):
        names.append(socket.gethostname())
        try:
            names += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)]
        except OSError:
            pass
    else:
        names.append(host)
    names += [hostname(public_url)] if public_url else []
    names += list(extra)
    return list(dict.fromkeys(n.lower().rstrip(".") for n in names if n))


def origin(url: str | None) -> tuple[str, str, int] | None:
    """An origin as (scheme, host name, port), the port filled in; None for anything not an http(s) origin.

    "http://127.0.0.1:5000.evil.example" has no port a browser could mean, so it is None, not 127.0.0.1.
    """
    if not url or url == "null":
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower().rstrip("."), port or DEFAULT_PORTS[parts.scheme]


def own_origin(source: str | None, scheme: str, host: str | None, allowed, public_url: str | None) -> bool:
    """Whether `source` (an Origin, or a Referer's page) is this server itself: the scheme, host and
    port the request was made to, or those of the public URL phones are given; never just the name."""
    found = origin(source)
    if found is None or (allowed and found[1] not in allowed):
        return False
    return found in {o for o in (origin(f"{scheme}://{host}") if host else None, origin(public_url)) if o}


def origin_checker(allowed: list[str] | None, public_url: str | None = None):
    """engineio's cors_allowed_origins: the socket's Origin must be this server's own (own_origin);
    None keeps engineio's own same-origin check, for an app not set up with host names."""
    if not allowed:
        return None
    names = frozenset(allowed)

    def check(source, environ=None) -> bool:
        environ = environ or {}
        return own_origin(source, environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST"), names, public_url)

    return check


class HostCheck:
    """WSGI middleware in front of everything, sockets included: refuse a Host that is not ours, and
    a socket request that sends data (a post or a websocket) with no Origin to check."""

    def __init__(self, wsgi_app, allowed: list[str]):
        self.wsgi_app, self.allowed = wsgi_app, frozenset(allowed)

    def __call__(self, environ, start_response):
        host = hostname(environ.get("HTTP_HOST") or environ.get("SERVER_NAME"))
        if host not in self.allowed:
            return _refuse(start_response, "400 Bad Request",
                           f"This server does not answer to the name '{host}'. Use the address it gave you, "
                           f"or start it with --public-url or --allowed-host naming that address.")
        sends = environ.get("REQUEST_METHOD") == "POST" or environ.get("HTTP_UPGRADE", "").lower() == "websocket"
        if environ.get("PATH_INFO", "").startswith(SOCKET_PATH) and sends and not environ.get("HTTP_ORIGIN"):
            return _refuse(start_response, "403 Forbidden",
                           "A socket connection needs an Origin header naming this server's address.")
        return self.wsgi_app(environ, start_response)


def _refuse(start_response, status: str, message: str):
    body = message.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def foreign_origin(source_origin: str | None, referer: str | None, scheme: str, own_host: str | None, allowed,
                   public_url: str | None = None) -> bool:
    """True when a post names a page elsewhere as its source (Origin, else Referer); a post naming
    none (not from a browser) is left to the CSRF token."""
    source = source_origin if source_origin is not None else referer
    if source is None:
        return False
    return not own_origin(source, scheme, own_host, allowed, public_url)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_matches(sent, key: str) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(key_digest(sent.strip()), key_digest(key))
