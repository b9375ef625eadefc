"""Command-line tools: serve the app, set up a day, check a session script."""

from __future__ import annotations

import sys
from datetime import date as Date
from pathlib import Path

import click

from . import default_database, missing_assets, network, scripts
from .errors import Refused

DEFAULT_DB = str(default_database())  # FACILITATOR_DATA, else the user's data folder


@click.group()
def cli():
    """Live facilitation for triad peer challenge days."""


def _app(db: str, **config):
    from .app import create_app

    return create_app({"DATABASE": db, **config})


@cli.command()
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--db", "db", default=DEFAULT_DB, show_default=True, help="The SQLite file.")
@click.option("--demo", is_flag=True, help="Open a ready demo day.")
@click.option("--public-url", default=None, help="The address phones use, if not this laptop's own.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes, on ports PORT.. PORT+N-1, behind a proxy (see deploy/); needs --redis.")
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="The Redis message queue that joins the workers of a regional server, e.g. redis://localhost:6379/0.")
def serve(host, port, db, demo, public_url, workers, redis_url):
    """Run the app (eventlet, one process) on its SQLite file."""
    _check_assets()
    db = str(Path(db).resolve())
    if workers > 1 or redis_url:
        return _serve_region(host, port, db, demo, public_url, workers, redis_url)
    phones = public_url or network.public_url(host, port)
    app = _app(db, ASYNC_MODE="eventlet", PUBLIC_URL=phones)
    local = f"http://localhost:{port}"
    click.echo(f"The facilitator is running on {db}.")
    click.echo(f"  On this laptop:   {local}/")
    click.echo(f"  Phones join at:   {phones}/join")
    if demo:
        _create_demo(app)
    for day in app.extensions["facilitator"].store.days()[:5]:
        click.echo(f"  '{day['title']}' ({day['date']}): facilitator link {local}/f/{day['facilitator_key']}")
        click.echo(f"      join code {day['join_code']}: {phones}/join/{day['join_code']}")
    sys.stdout.flush()
    _run_eventlet(app, host, port)


def _serve_region(host, port, db, demo, public_url, workers, redis_url) -> None:
    """One worker of a regional server, or (with --workers) the process that runs them all."""
    import os

    from . import workers as region

    if not redis_url:
        raise click.ClickException("--workers needs --redis URL: the workers share their broadcasts through Redis")
    problem = region.check_redis(redis_url)
    if problem:
        raise click.ClickException(problem)
    index = os.environ.get(region.WORKER_ENV)
    app = _app(db, ASYNC_MODE="eventlet", PUBLIC_URL=public_url, MESSAGE_QUEUE=redis_url, BEHIND_PROXY=True)
    if index is None:
        # the first process prepares the database (migrations, the signing key) before any worker opens it
        click.echo(f"The facilitator's regional server is running on {db}, with Redis at {redis_url}.")
        if demo:
            day = _create_demo(app)
            click.echo(f"  Demo day: facilitator link /f/{day['facilitator_key']}, join code {day['join_code']}")
        if workers == 1:
            sys.stdout.flush()
            return _run_eventlet(app, host, port)
        click.echo(f"  {workers} workers; serve them through the proxy (deploy/nginx.conf):")
        sys.stdout.flush()
        return region.supervise(workers, host, port, db, redis_url, public_url, click.echo)
    sys.stdout.flush()
    _run_eventlet(app, host, port)


def _check_assets() -> None:
    """Refuse to start with pages that cannot work: say which file is missing and what to run."""
    missing = missing_assets()
    if missing:
        fix = ("run `npm ci` in the checkout" if "node_modules" in missing[0].parts
               else "reinstall the package, or run it from a complete checkout")
        raise click.ClickException(f"{missing[0]} is missing, so the pages cannot work: {fix}")


def _run_eventlet(app, host: str, port: int) -> None:
    """Serve on eventlet's WSGI server, as Flask-SocketIO's own runner does, with one change."""
    import socket

    import eventlet
    import eventlet.wsgi

    listener = eventlet.listen((host, port))
    # A contribution's broadcast and its ack go to the sender back to back; with Nagle's algorithm
    # the ack then waits for the phone's delayed TCP acknowledgement, tens of milliseconds each time.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    eventlet.wsgi.server(listener, app, log_output=False)


def _create_demo(app) -> dict:
    from .app import now_ms

    engine = app.extensions["facilitator"]
    return engine.create_day("Demo challenge day", Date.today().isoformat(),
                             ["Northshire", "Eastbridge", "Westvale"], "se-triad", None, now_ms())


@cli.command("new-day")
@click.option("--title", required=True)
@click.option("--date", "day_date", required=True, help="YYYY-MM-DD")
@click.option("--authority", "authorities", multiple=True, required=True,
              help="A presenting authority; give one per session, in presenting order.")
@click.option("--script", default="se-triad", show_default=True)
@click.option("--start", "start_time", default=None, help="The day's planned start, HH:MM.")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
@click.option("--url", default="http://localhost:5000", show_default=True, help="Where the app is served.")
def new_day(title, day_date, authorities, script, start_time, db, url):
    """Set up a day; print its facilitator link and join code."""
    from .app import now_ms

    engine = _app(db).extensions["facilitator"]
    try:
        day = engine.create_day(title, day_date, list(authorities), script, start_time, now_ms())
    except Refused as refused:
        raise click.ClickException(refused.message) from None
    click.echo(f"Day '{day['title']}' on {day['date']}: {', '.join(day['authorities'])}")
    click.echo(f"Facilitator link (keep it private): {url.rstrip('/')}/f/{day['facilitator_key']}")
    click.echo(f"Join code: {day['join_code']}  ({url.rstrip('/')}/join/{day['join_code']})")


@cli.command("check-script")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def check_script(path):
    """Check a session script; name the file and field of any mistake."""
    try:
        script = scripts.load(path)
    except scripts.ScriptError as exc:
        raise click.ClickException(str(exc)) from None
    steps = len(script.session) * script.sessions_per_day + len(script.day) - script.sessions_per_day
    click.echo(f"{path}: ok: '{script.id}', {script.sessions_per_day} sessions of {len(script.session)} steps, "
               f"{steps} agenda items, {len(script.kinds)} kinds, {len(script.categories)} categories")


def _reports_app(db: str):
    """The app on an existing database, without creating one where none was meant."""
    if not Path(db).exists():
        raise click.ClickException(f"{db}: no such database")
    app = _app(db)
    return app.extensions["facilitator"], app.extensions["facilitator_reports"]


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
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", "csv"]), default="md", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--internal", is_flag=True, help="An internal copy that names participants; it says so on its first line.")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def export(day_id, fmt, out, internal, db):
    """Export a day (its id or join code): Markdown, printable HTML, JSON or CSV."""
    from . import export as exporting
    from .app import now_ms

    engine, reports = _reports_app(db)
    day = _days(engine, [day_id])[0]
    doc = exporting.gather(engine, reports, day, now_ms(), internal=internal)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(exporting.write(doc, fmt), encoding="utf-8")
    click.echo(f"{out}: {fmt} export of '{day['title']}'" + (" (INTERNAL: names participants)" if internal else ""))


@cli.command()
@click.argument("day_ids", metavar="DAY [DAY ...]", nargs=-1, required=True)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def summit(day_ids, out, db):
    """Write the summit pack of several days: summit.html, summit.md, summit.json and grid.svg."""
    from . import export as exporting
    from . import summit as summiting
    from .app import now_ms

    engine, reports = _reports_app(db)
    days = list({d["id"]: d for d in _days(engine, day_ids)}.values())  # a day named twice counts once
    docs = [exporting.gather(engine, reports, d, now_ms()) for d in days]
    pack = summiting.pack(docs, now_ms())
    out.mkdir(parents=True, exist_ok=True)
    (out / "summit.html").write_text(summiting.to_html(pack), encoding="utf-8")
    (out / "summit.md").write_text(summiting.to_markdown(pack), encoding="utf-8")
    (out / "summit.json").write_text(summiting.to_json(pack), encoding="utf-8")
    (out / "grid.svg").write_text(summiting.grid_svg(pack["grid"]), encoding="utf-8")
    click.echo(f"{out}: summit pack of {len(docs)} days, {len(pack['case_studies'])} agreed case studies, "
               f"{len(pack['asks'])} asks")


@cli.command("forget-names")
@click.argument("day_id", metavar="DAY")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def forget_names(day_id, db):
    """Once a day is written up, replace its participants' names: keep no personal data past need."""
    engine, _ = _reports_app(db)
    day = _days(engine, [day_id])[0]
    count = engine.store.forget_names(day["id"])
    click.echo(f"'{day['title']}': the names of {count} participants are forgotten; authorities are kept.")
