"""`facilitator serve`: check the pages can work, take the database's lock, listen, say where
phones join, and run on eventlet; or run one worker of a regional server, or all of them.

What cannot be done is said in one line (a click error) before anything is served.
"""

from __future__ import annotations

import errno
import os
import secrets
import socket
import sys
from datetime import date as Date
from pathlib import Path

import click

from .. import missing_assets
from ..app import TEST_CLOCK_OFFSET
from ..core import network
from ..core.kept import kept_key
from ..core.scripts import day as scripts
from ..web import doors, house
from .lock import ServerLock

ORGANISER_KEY_FILE = "organiser_key"


def serve(make_app, host, port, db, demo, public_url, allowed_host, organiser_key, open_setup, max_connections,
          workers, redis_url) -> None:
    """Serve `db` on host:port; `make_app(db, **config)` builds the app over it."""
    if not 1 <= port <= 65535:
        raise click.ClickException(f"--port {port} is not a port number: choose one from 1 to 65535, e.g. 5000")
    _check_assets()
    db = str(Path(db).resolve())
    reach = network.Reach(public_url.rstrip("/")) if public_url else network.reach(host, port)
    doors_config, generated = _doors(host, reach, allowed_host, organiser_key, open_setup, db)
    if workers > 1 or redis_url:
        return _serve_region(make_app, host, port, db, demo, public_url, workers, redis_url, doors_config,
                             generated, max_connections)
    server_lock = ServerLock(db).acquire(host, port)
    listener = listen(host, port)
    phones = reach.url
    app = make_app(db, ASYNC_MODE="eventlet", PUBLIC_URL=phones, OTHER_URLS=reach.others, **doors_config)
    house.of(app).lock = server_lock  # held, by this process, until it exits
    local = f"http://localhost:{port}"
    click.echo(f"The facilitator is running on {db}.")
    click.echo(f"  On this laptop:   {local}/")
    click.echo(f"  Phones join at:   {phones}/join")
    for other in reach.others:
        click.echo(f"  Also reachable at {other}/join (another network of this laptop)")
    if reach.loopback_only:
        click.secho(f"  {network.loopback_warning(phones)}", fg="red", bold=True)
    _echo_organiser_key(doors_config, generated)
    _echo_clock(app)
    _echo_days(app, _create_demo(app) if demo else None, local, phones)
    sys.stdout.flush()
    run_eventlet(app, listener, max_connections)


def _doors(host, reach, allowed_host, organiser_key, open_setup, db) -> tuple[dict, bool]:
    """Who may reach this server and set up a day: its host names and the organiser's key, and
    whether that key is this server's own (none given, and others can reach it)."""
    generated = not organiser_key and not open_setup and not reach.loopback_only
    key = None if open_setup else organiser_key or (_kept_organiser_key(db) if generated else None)
    return {"ORGANISER_KEY": key, "ALLOWED_HOSTS": doors.allowed_hosts(host, reach.url, allowed_host)}, generated


def _kept_organiser_key(db: str) -> str:
    """The server's own organiser's key, kept beside the database (as the signing key is), so the
    browsers that gave it stay remembered across a restart."""
    path = Path(db).parent / ORGANISER_KEY_FILE
    try:
        key = kept_key(path, lambda: secrets.token_urlsafe(9))
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path}: cannot keep the organiser's key there "
                                   f"({getattr(exc, 'strerror', None) or 'not readable'}): give a --db in a folder "
                                   f"you can write to, or an --organiser-key") from None
    if not 8 <= len(key) <= 200 or not key.isprintable():
        raise click.ClickException(f"{path}: this is not an organiser's key: delete the file to make a new one")
    return key


def _echo_organiser_key(config: dict, generated: bool) -> None:
    if generated:
        click.echo(f"  Organiser's key:  {config['ORGANISER_KEY']}  (asked for when a day or a review is set up; "
                   f"kept across restarts)")


def _echo_days(app, demo: dict | None, local: str, phones: str) -> None:
    """The demo day's links, made just now to be opened; of the other days only how many there are.
    A private link printed here would be kept by any log of this terminal."""
    if demo:
        click.echo(f"  Demo day: facilitator link {local}/f/{demo['facilitator_key']}")
        click.echo(f"      join code {demo['join_code']}: {phones}/join/{demo['join_code']}")
        click.echo(f"      projector link {local}/screen/{demo['projector_key']}")
    others = len(house.of(app).engine.store.days()) - bool(demo)
    if others:
        click.echo(f"  {others} {'day' if others == 1 else 'days'} set up before: open each from its facilitator "
                   f"link, or print a day's links on this laptop with `facilitator links DAY`")


def _echo_clock(app) -> None:
    """A clock moved for trying out due dates must never pass for today's."""
    offset = os.environ.get(TEST_CLOCK_OFFSET)
    if offset:
        today = Date.fromtimestamp(app.config["NOW"]() / 1000)
        click.secho(f"  WARNING: this server's clock is moved {offset} days by {TEST_CLOCK_OFFSET}: it takes today "
                    f"to be {today:%-d %B %Y}. Timers, due dates and sign-offs follow that date. Unset it for a "
                    f"real day.", fg="red", bold=True)


def _serve_region(make_app, host, port, db, demo, public_url, workers, redis_url, doors_config, generated,
                  max_connections) -> None:
    """One worker of a regional server, or (with --workers) the process that runs them all."""
    from . import workers as region

    if not redis_url:
        raise click.ClickException("--workers needs --redis URL: the workers share their broadcasts through Redis")
    problem = region.check_redis(redis_url)
    if problem:
        raise click.ClickException(problem)
    index = os.environ.get(region.WORKER_ENV)
    # The first process takes the database's lock; the workers it starts inherit its group and share it.
    server_lock = ServerLock(db).acquire(host, port)
    app = make_app(db, ASYNC_MODE="eventlet", PUBLIC_URL=public_url, MESSAGE_QUEUE=redis_url, BEHIND_PROXY=True,
                   **doors_config)
    house.of(app).lock = server_lock
    if index is None:
        # the first process prepares the database (migrations, the signing key) before any worker opens it
        click.echo(f"The facilitator's regional server is running on {db}, with Redis at {redis_url}.")
        _echo_organiser_key(doors_config, generated)
        if doors_config["ORGANISER_KEY"]:
            os.environ["FACILITATOR_ORGANISER_KEY"] = doors_config["ORGANISER_KEY"]  # one key for every worker
        _echo_clock(app)
        if demo:
            day = _create_demo(app)
            click.echo(f"  Demo day: facilitator link /f/{day['facilitator_key']}, join code {day['join_code']}")
        if workers > 1:
            click.echo(f"  {workers} workers; serve them through the proxy (deploy/nginx.conf):")
            sys.stdout.flush()
            extra = [a for h in doors_config["ALLOWED_HOSTS"] or () for a in ("--allowed-host", h)]
            extra += ["--max-connections", str(max_connections)] if max_connections else []
            return region.supervise(workers, host, port, db, redis_url, public_url, click.echo, extra)
    sys.stdout.flush()
    run_eventlet(app, listen(host, port), max_connections)


def _check_assets() -> None:
    """Refuse to start with pages that cannot work: say which file is missing and what to run."""
    missing = missing_assets()
    if missing:
        fix = ("run `npm ci` in the checkout" if "node_modules" in missing[0].parts
               else "reinstall the package, or run it from a complete checkout")
        raise click.ClickException(f"{missing[0]} is missing, so the pages cannot work: {fix}")


def listen(host: str, port: int):
    """The listening socket, or one line saying why there can be none.

    Without SO_REUSEPORT (eventlet.listen sets it by default), a second server on a port in use
    fails here instead of sharing the port and splitting the phones between the two.
    """
    import eventlet

    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError):
        raise click.ClickException(f"--host {host} does not resolve to an address: give an address of this "
                                   f"machine, e.g. 0.0.0.0 (all) or 127.0.0.1 (this laptop only)") from None
    try:
        return eventlet.listen(address[:2], family, reuse_port=False)
    except OSError as exc:
        raise click.ClickException(_listen_failure(host, port, exc)) from None


def _listen_failure(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"port {port} is already in use on {host} (another facilitator server?): stop it, "
                f"or choose another --port")
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"--host {host} is not an address of this machine: give one of its own, e.g. 0.0.0.0 (all)"
    if exc.errno == errno.EACCES:
        return f"port {port} needs administrator rights here: choose a port above 1023, e.g. 5000"
    return f"cannot listen on {host}:{port} ({exc.strerror or exc})"


def run_eventlet(app, listener, max_connections: int | None = None) -> None:
    """Serve on eventlet (serve/server.py): connection cap, idle timeouts, compression, GC."""
    from . import server

    server.run(app, listener, max_connections or server.DEFAULT_MAX_CONNECTIONS,
               echo=lambda line: (click.echo(line), sys.stdout.flush()))


def _create_demo(app) -> dict:
    return house.of(app).engine.create_day("Demo challenge day", Date.today().isoformat(),
                                           ["Northshire", "Eastbridge", "Westvale"], scripts.DEFAULT, None,
                                           app.config["NOW"]())
