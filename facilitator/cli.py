"""Command-line tools: serve the app, set up a day, check a session script."""

from __future__ import annotations

import sys
from datetime import date as Date
from pathlib import Path

import click

from . import network, scripts
from .errors import Refused

DEFAULT_DB = "data/facilitator.db"


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
def serve(host, port, db, demo, public_url):
    """Run the app (eventlet, one process) on its SQLite file."""
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
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", "csv", "docx"]), default="md", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--internal", is_flag=True, help="An internal copy that names participants; it says so on its first line.")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def export(day_id, fmt, out, internal, db):
    """Export a day (its id or join code): Markdown, printable HTML, JSON, CSV or Word."""
    from . import export as exporting
    from .app import now_ms

    engine, reports = _reports_app(db)
    day = _days(engine, [day_id])[0]
    doc = exporting.gather(engine, reports, day, now_ms(), internal=internal)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "docx":
        from .followup import word

        out.write_bytes(word.day(doc))
    else:
        out.write_text(exporting.write(doc, fmt), encoding="utf-8")
    click.echo(f"{out}: {fmt} export of '{day['title']}'" + (" (INTERNAL: names participants)" if internal else ""))


@cli.command()
@click.argument("day_ids", metavar="DAY [DAY ...]", nargs=-1, required=True)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--previous", "previous_ids", multiple=True, help="A day of the previous round, to compare with; repeat for each.")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def summit(day_ids, out, previous_ids, db):
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
    _summit_rounds(_app(db), docs, _days(engine, previous_ids), out)
    click.echo(f"{out}: summit pack of {len(docs)} days, {len(pack['case_studies'])} agreed case studies, "
               f"{len(pack['asks'])} asks")


def _summit_rounds(app, docs, previous_days, out: Path) -> None:
    """The pack round on round (the ledger's asks answered and offers taken up) in Word and Markdown."""
    from . import export as exporting
    from .app import now_ms
    from .followup import rounds, service, word

    engine, reports = app.extensions["facilitator"], app.extensions["facilitator_reports"]
    previous = [exporting.gather(engine, reports, d, now_ms()) for d in previous_days
                if d["id"] not in {x["day"]["id"] for x in docs}]
    held = {d["day"]["id"] for d in docs + previous}
    pack = service.summit_rounds(app, docs, previous, held, None, now_ms())
    (out / "summit.docx").write_bytes(word.summit_pack(pack))
    (out / "summit-rounds.md").write_text(rounds.to_markdown(pack), encoding="utf-8")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def ledger(fmt, out, db):
    """Write the region's ledger: every agreed ask and offer across all days, and its status."""
    from .app import now_ms
    from .followup import ledger as ledgering, service

    if not Path(db).exists():
        raise click.ClickException(f"{db}: no such database")
    rows = service.ledger_rows(_app(db))
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        out.write_text(ledgering.to_csv(rows), encoding="utf-8", newline="")
    else:
        out.write_text(ledgering.to_json(rows, now_ms()), encoding="utf-8")
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
