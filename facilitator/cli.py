"""Command-line tools: serve the app, set up a day, check a session script."""

from __future__ import annotations

import errno
import secrets
import socket
import sqlite3
import sys
from datetime import date as Date
from pathlib import Path

import click

from . import default_database, missing_assets
from .web import doors
from .core import network
from .core.scripts import day as scripts
from .core.errors import Refused
from .serve.lock import AlreadyServing, LockError, ServerLock
from .live.store import StoreError, explain
from .web import house

DEFAULT_DB = str(default_database())  # FACILITATOR_DATA, else the user's data folder
DB_META = "facilitator.db"  # the database a command works on, for its error messages


class Commands(click.Group):
    """Known failures of a database, a script or the server lock: one line and exit status 1.

    Only failures of the files themselves are translated; any other error is a bug and shows as one.
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (StoreError, scripts.ScriptError, LockError) as exc:
            raise click.ClickException(_one_line(exc)) from None
        except sqlite3.DatabaseError as exc:
            known = explain(exc, ctx.meta.get(DB_META, "the database"))
            if known is None:
                raise
            raise click.ClickException(_one_line(known)) from None


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


@click.group(cls=Commands)
def cli():
    """Live facilitation for triad peer challenge days."""


def _app(db: str, **config):
    from .app import create_app

    click.get_current_context().meta[DB_META] = db
    return create_app({"DATABASE": db, **config})


def _write(path: Path, content: str | bytes) -> None:
    """Write an output file (text, or bytes such as a Word file), or say in one line why it cannot."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot be written ({exc.strerror or exc}): "
                                   f"give an --out in a folder you can write to") from None


@cli.command()
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--db", "db", default=DEFAULT_DB, show_default=True, help="The SQLite file.")
@click.option("--demo", is_flag=True, help="Open a ready demo day.")
@click.option("--public-url", default=None, help="The address phones use, if not this laptop's own.")
@click.option("--allowed-host", "allowed_host", multiple=True,
              help="Another host name this server may be reached by (besides localhost, --host and --public-url).")
@click.option("--organiser-key", envvar="FACILITATOR_ORGANISER_KEY", default=None,
              help="The key needed to set up a day from the home page [env FACILITATOR_ORGANISER_KEY]. "
                   "Made up and printed when serving on a non-loopback address without one.")
@click.option("--open-setup", is_flag=True, help="Let anyone who reaches the home page set up a day.")
@click.option("--max-connections", default=None, type=click.IntRange(min=1),
              help="Connections held at once (phones, consoles, projectors)  [default: 2500]")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes, on ports PORT.. PORT+N-1, behind a proxy (see deploy/); needs --redis.")
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="The Redis message queue that joins the workers of a regional server, e.g. redis://localhost:6379/0.")
def serve(host, port, db, demo, public_url, allowed_host, organiser_key, open_setup, max_connections,
          workers, redis_url):
    """Run the app (eventlet, one process) on its SQLite file."""
    if not 1 <= port <= 65535:
        raise click.ClickException(f"--port {port} is not a port number: choose one from 1 to 65535, e.g. 5000")
    _check_assets()
    db = str(Path(db).resolve())
    reach = network.Reach(public_url.rstrip("/")) if public_url else network.reach(host, port)
    doors_config, generated = _doors(host, reach.url, allowed_host, organiser_key, open_setup)
    if workers > 1 or redis_url:
        return _serve_region(host, port, db, demo, public_url, workers, redis_url, doors_config, generated,
                             max_connections)
    server_lock = ServerLock(db).acquire(host, port)
    listener = _listen(host, port)
    phones = reach.url
    app = _app(db, ASYNC_MODE="eventlet", PUBLIC_URL=phones, OTHER_URLS=reach.others, **doors_config)
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
    if demo:
        _create_demo(app)
    for day in house.of(app).engine.store.days()[:5]:
        click.echo(f"  '{day['title']}' ({day['date']}): facilitator link {local}/f/{day['facilitator_key']}")
        click.echo(f"      join code {day['join_code']}: {phones}/join/{day['join_code']}")
        click.echo(f"      projector link {local}/screen/{day['projector_key']}")
    sys.stdout.flush()
    _run_eventlet(app, listener, max_connections)


def _doors(host, phones, allowed_host, organiser_key, open_setup) -> tuple[dict, bool]:
    """Who may reach this server and set up a day: its host names and the organiser's key, and
    whether that key was made up here (on an address others reach, with none given)."""
    generated = not organiser_key and not open_setup and not doors.is_loopback(host)
    key = None if open_setup else organiser_key or (secrets.token_urlsafe(9) if generated else None)
    return {"ORGANISER_KEY": key, "ALLOWED_HOSTS": doors.allowed_hosts(host, phones, allowed_host)}, generated


def _echo_organiser_key(config: dict, generated: bool) -> None:
    if generated:
        click.echo(f"  Organiser's key:  {config['ORGANISER_KEY']}  (asked for when a day is set up from the home page)")


def _serve_region(host, port, db, demo, public_url, workers, redis_url, doors_config, generated,
                  max_connections) -> None:
    """One worker of a regional server, or (with --workers) the process that runs them all."""
    import os

    from .serve import workers as region

    if not redis_url:
        raise click.ClickException("--workers needs --redis URL: the workers share their broadcasts through Redis")
    problem = region.check_redis(redis_url)
    if problem:
        raise click.ClickException(problem)
    index = os.environ.get(region.WORKER_ENV)
    # The first process takes the database's lock; the workers it starts inherit its group and share it.
    server_lock = ServerLock(db).acquire(host, port)
    app = _app(db, ASYNC_MODE="eventlet", PUBLIC_URL=public_url, MESSAGE_QUEUE=redis_url, BEHIND_PROXY=True,
               **doors_config)
    house.of(app).lock = server_lock
    if index is None:
        # the first process prepares the database (migrations, the signing key) before any worker opens it
        click.echo(f"The facilitator's regional server is running on {db}, with Redis at {redis_url}.")
        _echo_organiser_key(doors_config, generated)
        if doors_config["ORGANISER_KEY"]:
            os.environ["FACILITATOR_ORGANISER_KEY"] = doors_config["ORGANISER_KEY"]  # one key for every worker
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
    _run_eventlet(app, _listen(host, port), max_connections)


def _check_assets() -> None:
    """Refuse to start with pages that cannot work: say which file is missing and what to run."""
    missing = missing_assets()
    if missing:
        fix = ("run `npm ci` in the checkout" if "node_modules" in missing[0].parts
               else "reinstall the package, or run it from a complete checkout")
        raise click.ClickException(f"{missing[0]} is missing, so the pages cannot work: {fix}")


def _listen(host: str, port: int):
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


def _run_eventlet(app, listener, max_connections: int | None = None) -> None:
    """Serve on eventlet (facilitator/server.py): connection cap, idle timeouts, compression, GC."""
    from .serve import server

    server.run(app, listener, max_connections or server.DEFAULT_MAX_CONNECTIONS,
               echo=lambda line: (click.echo(line), sys.stdout.flush()))


def _create_demo(app) -> dict:
    from .app import now_ms

    engine = house.of(app).engine
    return engine.create_day("Demo challenge day", Date.today().isoformat(),
                             ["Northshire", "Eastbridge", "Westvale"], scripts.DEFAULT, None, now_ms())


@cli.command("new-day")
@click.option("--title", required=True)
@click.option("--date", "day_date", required=True, help="YYYY-MM-DD")
@click.option("--authority", "authorities", multiple=True, required=True,
              help="A presenting authority; give one per session, in presenting order.")
@click.option("--script", default=scripts.DEFAULT, show_default=True)
@click.option("--start", "start_time", default=None, help="The day's planned start, HH:MM.")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
@click.option("--url", default="http://localhost:5000", show_default=True, help="Where the app is served.")
def new_day(title, day_date, authorities, script, start_time, db, url):
    """Set up a day; print its facilitator link and join code."""
    from .app import now_ms

    engine = house.of(_app(db)).engine
    try:
        day = engine.create_day(title, day_date, list(authorities), script, start_time, now_ms())
    except Refused as refused:
        raise click.ClickException(refused.message) from None
    click.echo(f"Day '{day['title']}' on {day['date']}: {', '.join(day['authorities'])}")
    click.echo(f"Facilitator link (keep it private): {url.rstrip('/')}/f/{day['facilitator_key']}")
    click.echo(f"Join code: {day['join_code']}  ({url.rstrip('/')}/join/{day['join_code']})")


@cli.command("check-script")
@click.argument("path", type=click.Path(path_type=Path))
def check_script(path):
    """Check a session script (a day's or a review's); name the file and field of any mistake."""
    if scripts.is_review(path):
        return _check_review_script(path)
    try:
        script = scripts.load(path)
    except scripts.ScriptError as exc:
        raise click.ClickException(str(exc)) from None
    steps = len(script.session) * script.sessions_per_day + len(script.day) - script.sessions_per_day
    click.echo(f"{path}: ok: '{script.id}', {script.sessions_per_day} sessions of {len(script.session)} steps, "
               f"{steps} agenda items, {len(script.kinds)} kinds, {len(script.categories)} categories")


def _check_review_script(path: Path) -> None:
    from .core.scripts import review as review_script

    try:
        script = review_script.load(path)
    except scripts.ScriptError as exc:
        raise click.ClickException(str(exc)) from None
    lines = f"{len(script.themes)} themes, {len(script.optional)} optional" if script.themes else (
        f"hypotheses, at most {script.max_investigated} investigated")
    click.echo(f"{path}: ok: review '{script.id}', {lines}, {len(script.roles)} roles, {len(script.sources)} sources, "
               f"{script.days} days of {len(script.schedule)} schedule items")


def _reports_app(db: str):
    """The app on an existing database, without creating one where none was meant."""
    if not Path(db).exists():
        raise click.ClickException(f"{db}: no such database: give the --db the day was set up in")
    app = _app(db)
    return house.of(app).engine, house.of(app).reports


def _days(engine, ids) -> list[dict]:
    days = []
    for day_id in ids:
        day = engine.store.day(day_id) or engine.store.day_by_code(day_id)
        if day is None:
            raise click.ClickException(f"no day has the id or join code '{day_id}'")
        days.append(day)
    return days


@cli.command()
@click.argument("day_id", metavar="DAY")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", "csv", "docx"]), default="md", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--internal", is_flag=True, help="An internal copy that names participants; it says so on its first line.")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def export(day_id, fmt, out, internal, db):
    """Export a day (its id or join code): Markdown, printable HTML, JSON, CSV or Word."""
    from .writeup import document as exporting
    from .app import now_ms

    engine, reports = _reports_app(db)
    day = _days(engine, [day_id])[0]
    doc = exporting.gather(engine, reports, day, now_ms(), internal=internal)
    if fmt == "docx":
        from .writers import word

        _write(out, word.day(doc))
    else:
        _write(out, exporting.write(doc, fmt))
    click.echo(f"{out}: {fmt} export of '{day['title']}'" + (" (INTERNAL: names participants)" if internal else ""))


@cli.command()
@click.argument("day_ids", metavar="DAY [DAY ...]", nargs=-1, required=True)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--previous", "previous_ids", multiple=True, help="A day of the previous round, to compare with; repeat for each.")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def summit(day_ids, out, previous_ids, db):
    """Write the summit pack of several days: summit.html, summit.md, summit.json and grid.svg."""
    from .writeup import document as exporting
    from .writeup import summit as summiting
    from .app import now_ms

    engine, reports = _reports_app(db)
    days = list({d["id"]: d for d in _days(engine, day_ids)}.values())  # a day named twice counts once
    docs = [exporting.gather(engine, reports, d, now_ms()) for d in days]
    pack = summiting.pack(docs, now_ms())
    _write(out / "summit.html", summiting.to_html(pack))
    _write(out / "summit.md", summiting.to_markdown(pack))
    _write(out / "summit.json", summiting.to_json(pack))
    _write(out / "grid.svg", summiting.grid_svg(pack["grid"]))
    _summit_rounds(_app(db), docs, _days(engine, previous_ids), out)
    click.echo(f"{out}: summit pack of {len(docs)} days, {len(pack['case_studies'])} agreed case studies, "
               f"{len(pack['asks'])} asks")


def _summit_rounds(app, docs, previous_days, out: Path) -> None:
    """The pack round on round (the ledger's asks answered and offers taken up) in Word and Markdown."""
    from .writeup import document as exporting
    from .app import now_ms
    from .followup import rounds
    from .writers import word

    engine, reports = house.of(app).engine, house.of(app).reports
    previous = [exporting.gather(engine, reports, d, now_ms()) for d in previous_days
                if d["id"] not in {x["day"]["id"] for x in docs}]
    held = {d["day"]["id"] for d in docs + previous}
    pack = house.of(app).followup.summit_rounds(docs, previous, held, None, now_ms())
    _write(out / "summit.docx", word.summit_pack(pack))
    _write(out / "summit-rounds.md", rounds.to_markdown(pack))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def ledger(fmt, out, db):
    """Write the region's ledger: every agreed ask and offer across all days, and its status."""
    from .app import now_ms
    from .followup import ledger as ledgering

    if not Path(db).exists():
        raise click.ClickException(f"{db}: no such database")
    rows = house.of(_app(db)).followup.ledger_rows()
    if fmt == "csv":
        _write(out, ledgering.to_csv(rows).encode("utf-8"))  # bytes: its CRLF line ends kept as they are
    else:
        _write(out, ledgering.to_json(rows, now_ms()))
    counts = ledgering.counts(rows)
    click.echo(f"{out}: {len(rows)} asks and offers; " + "; ".join(
        f"{role}s " + ", ".join(f"{n} {s}" for s, n in c.items()) for role, c in sorted(counts.items())))


@cli.command("forget-names")
@click.argument("day_id", metavar="DAY")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def forget_names(day_id, db):
    """Once a day is written up, replace its participants' names: keep no personal data past need."""
    engine, _ = _reports_app(db)
    day = _days(engine, [day_id])[0]
    count = engine.store.forget_names(day["id"])
    click.echo(f"'{day['title']}': the names of {count} participants are forgotten; authorities are kept.")
