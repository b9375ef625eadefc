"""Command-line tools: serve the app, set up a day, check a session script."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from . import default_database
from .core.database import StoreError, explain
from .core.errors import Refused
from .core.scripts import day as scripts
from .serve import run
from .serve.lock import LockError
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
    run.serve(_app, host, port, db, demo, public_url, allowed_host, organiser_key, open_setup, max_connections,
              workers, redis_url)


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


@cli.command()
@click.argument("day_id", metavar="DAY")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
@click.option("--url", default="http://localhost:5000", show_default=True, help="Where the app is served.")
def links(day_id, db, url):
    """Print a day's private links again (its id or join code): `serve` prints no day's keys."""
    engine, _ = _reports_app(db)
    day = _days(engine, [day_id])[0]
    base = url.rstrip("/")
    click.echo(f"Day '{day['title']}' on {day['date']}: {', '.join(day['authorities'])}")
    click.echo(f"Facilitator link (keep it private): {base}/f/{day['facilitator_key']}")
    click.echo(f"Projector link (keep it private):   {base}/screen/{day['projector_key']}")
    click.echo(f"Join code: {day['join_code']}  ({base}/join/{day['join_code']})")


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
               f"{script.days} days of {len(script.schedule)} schedule items, {len(script.plan)} planning steps"
               + (f", announced by a visit window of at most {script.window_weeks} weeks" if script.windowed else ""))


def _existing_app(db: str):
    """The app on an existing database, without creating one where none was meant."""
    if not Path(db).exists():
        raise click.ClickException(f"{db}: no such database: give the --db the day was set up in")
    return _app(db)


def _existing(db: str) -> house.House:
    return house.of(_existing_app(db))


def _reports_app(db: str):
    h = _existing(db)
    return h.engine, h.reports


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
@click.option("--internal", is_flag=True, help="An internal copy that lists who attended (never who said what); it says so on its first line.")
@click.option("--anyway", is_flag=True, help="Write a printable copy (HTML, Word) even with drafting left in.")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def export(day_id, fmt, out, internal, anyway, db):
    """Export a day (its id or join code): Markdown, printable HTML, JSON, CSV or Word."""
    from .writeup import document, formats
    from .app import now_ms

    from .followup import retention as keeping

    h = _existing(db)
    day = _days(h.engine, [day_id])[0]
    doc = document.gather(h.engine, h.reports, day, now_ms(), internal=internal,
                          kept=keeping.for_day(h, day))
    left_in = document.placeholders(doc)
    if fmt in formats.PRINTED and left_in and not anyway:
        raise click.ClickException(f"drafting is left in ({len(left_in)}: {left_in[0]}): put it right in the "
                                   "summary, or add --anyway")
    _write(out, formats.write(doc, fmt))
    click.echo(f"{out}: {fmt} export of '{day['title']}'" + (" (INTERNAL: lists who attended)" if internal else ""))


@cli.command()
@click.argument("day_ids", metavar="DAY [DAY ...]", nargs=-1, required=True)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--previous", "previous_ids", multiple=True, help="A day of the previous round, to compare with; repeat for each.")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def summit(day_ids, out, previous_ids, db):
    """Write the summit pack of several days: summit.html, summit.md, summit.json and grid.svg."""
    from .writeup import document, grid, summit as summiting
    from .app import now_ms

    engine, reports = _reports_app(db)
    days = list({d["id"]: d for d in _days(engine, day_ids)}.values())  # a day named twice counts once
    docs = [document.gather(engine, reports, d, now_ms()) for d in days]
    pack = summiting.pack(docs, now_ms())
    _write(out / "summit.html", summiting.to_html(pack))
    _write(out / "summit.md", summiting.to_markdown(pack))
    _write(out / "summit.json", summiting.to_json(pack))
    _write(out / "grid.svg", grid.grid_svg(pack["grid"]))
    _summit_rounds(_app(db), docs, _days(engine, previous_ids), out)
    click.echo(f"{out}: summit pack of {len(docs)} days, {len(pack['case_studies'])} agreed case studies, "
               f"{len(pack['asks'])} asks")


def _summit_rounds(app, docs, previous_days, out: Path) -> None:
    """The pack round on round (the ledger's asks answered and offers taken up) in Word and Markdown."""
    from .writeup import document
    from .app import now_ms
    from .followup import rounds

    engine, reports = house.of(app).engine, house.of(app).reports
    previous = [document.gather(engine, reports, d, now_ms()) for d in previous_days
                if d["id"] not in {x["day"]["id"] for x in docs}]
    held = {d["day"]["id"] for d in docs + previous}
    pack = house.of(app).followup.summit_rounds(docs, previous, held, None, now_ms())
    _write(out / "summit.docx", rounds.to_docx(pack))
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


@cli.command()
@click.argument("ref", metavar="DAY")
@click.option("--yes", is_flag=True, help="Delete it: nothing of it can be brought back.")
@click.option("--with-agreed-case-studies", "with_cases", is_flag=True,
              help="Delete the case studies its hosts agreed for the summit too.")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def delete(ref, yes, with_cases, db):
    """Delete a day or a review (its id or join code) with everything it holds, leaving no copy on disk."""
    from .core import erase
    from .writeup import casestudies, document
    from .app import now_ms

    h = _existing(db)
    h.engine.store.database.scrub(tries=5)  # a deletion run again empties what a reader kept in the log
    kind, found = _day_or_review(h, ref)
    if not yes:
        raise click.ClickException(f"deleting '{found['title']}' cannot be undone: add --yes to delete it")
    if kind == "day" and not with_cases:
        doc = document.gather(h.engine, h.reports, found, now_ms())
        agreed = casestudies.agreed_in(doc)
        if agreed:
            raise click.ClickException(
                f"'{found['title']}' has {len(agreed)} case {'study' if len(agreed) == 1 else 'studies'} its hosts "
                "agreed for the summit: export the summit pack first to keep them, then add --with-agreed-case-studies")
    counts = h.engine.store.delete_day(found["id"]) if kind == "day" else erase.erase(h.engine.store.database, kind, found["id"])
    click.echo(f"'{found['title']}' is deleted: {erase.described(counts)}.")


@cli.command()
@click.option("--apply", "apply_", is_flag=True,
              help="Delete every day and review whose date has come, or reduce it where its script says so.")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def retention(apply_, db):
    """List each day and review with the date it is kept until; with --apply, delete those due (or
    reduce a day to what the summit keeps, where its script says `then = "reduce"`)."""
    from .core import erase
    from .followup import retention as keeping
    from .followup.impact import today

    app = _existing_app(db)
    h, on = house.of(app), today(app.config["NOW"]())
    kept = keeping.schedule(h)
    for k in kept:
        state = k.state(on)
        line = f"{state:7} {k.reduced or k.until.isoformat()}  {k.kind:6} {k.ref}  '{k.title}'"
        if state == "due" and apply_ and k.then == "reduce":
            counts = keeping.reduce(h, h.engine.store.day(k.ref), app.config["NOW"]())
            line += f": reduced to what the summit keeps ({erase.described(counts)} deleted)"
        elif state == "due" and apply_:
            counts = (h.engine.store.delete_day(k.ref) if k.kind == "day"
                      else erase.erase(h.engine.store.database, k.kind, k.ref))
            line += f": deleted ({erase.described(counts)})"
        click.echo(line)
    due = sum(1 for k in kept if k.state(on) == "due")
    soon = sum(1 for k in kept if k.state(on) == "soon")
    click.echo(f"{len(kept)} kept; {due} due" + (" and applied" if apply_ and due else
                                                   ": run with --apply to delete or reduce" if due else "")
               + f"; {soon} due within {keeping.WARN_DAYS} days.")


def _day_or_review(h, ref: str) -> tuple[str, dict]:
    day = h.engine.store.day(ref) or h.engine.store.day_by_code(ref)
    if day:
        return "day", day
    review = h.reviews.review(ref) or h.reviews.review_by("join_code", ref.upper())
    if review:
        return "review", review
    raise click.ClickException(f"no day or review has the id or join code '{ref}'")


@cli.command("forget-names")
@click.argument("day_id", metavar="DAY")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True)
def forget_names(day_id, db):
    """Once a day is written up, replace its participants' names: keep no personal data past need."""
    engine, _ = _reports_app(db)
    day = _days(engine, [day_id])[0]
    count = engine.store.forget_names(day["id"])
    click.echo(f"'{day['title']}': the names of {count} participants are forgotten; authorities are kept.")
