"""The application factory: configuration, the store, the scripts, the views and the sockets."""

from __future__ import annotations

import os
import secrets
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask

from . import ROOT, default_database
from .core import child_details
from .core.database import Database, StoreError
from .core.kept import kept_key
from .core.scripts import day as scripts
from .core.scripts import review as review_scripts
from .core.scripts import self_assessment as sa_templates
from .followup.pool import Pool
from .followup.service import FollowUp
from .followup.store import Records
from .live.engine import Engine
from .live.store import Store
from .review.meetings import Meetings
from .review.reading_pack import Pack
from .review.sa_store import SelfAssessments
from .review.store import ReviewStore
from .review.team_store import Team
from .web import doors, house
from .web.ratelimit import Buckets
from .writeup.store import Reports


def now_ms() -> int:
    return int(time.time() * 1000)


# For tests only: the app's clock runs this many days ahead of the real one, so a browser test can
# restart the server six months on (a host's review of impact may be held) without waiting. Never set it live.
TEST_CLOCK_OFFSET = "FACILITATOR_TEST_CLOCK_OFFSET_DAYS"


def _offset_clock(days: str):
    try:
        offset = int(float(days) * 86_400_000)
    except ValueError:
        raise ValueError(f"{TEST_CLOCK_OFFSET} must be a number of days, not '{days}'") from None
    return lambda: now_ms() + offset


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, the store, the scripts, the views and the socket layer."""
    app = Flask(__name__, static_folder=str(ROOT / "static"), template_folder=str(ROOT / "templates"))
    app.config.from_mapping(
        DATABASE=str(default_database()),
        SCRIPTS_DIR=str(scripts.SCRIPTS_DIR),
        # A folder of the region's own scripts, loaded beside the shipped ones.
        EXTRA_SCRIPTS=os.environ.get("FACILITATOR_SCRIPTS"),
        ASYNC_MODE="threading",
        PUBLIC_URL=None,  # the address phones use, when it differs from the one the page came from
        MESSAGE_QUEUE=None,  # Redis URL joining the workers of a regional server
        NOW=now_ms,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(days=400),  # sign-ins end sooner: see web.access.SIGN_IN_DAYS
        MAX_CONTENT_LENGTH=64 * 1024,
        RATE_CAPACITY=20,
        RATE_PER_SECOND=2.0,
        # The whole day's contributions from phones: a room of 60 sending at once, then 10 a second.
        DAY_RATE_CAPACITY=150,
        DAY_RATE_PER_SECOND=10.0,
        # A review's: each member's (and the lead's) events, and the whole team's notes and incidents.
        MEMBER_RATE_CAPACITY=20,
        MEMBER_RATE_PER_SECOND=2.0,
        REVIEW_RATE_CAPACITY=100,
        REVIEW_RATE_PER_SECOND=10.0,
        # Joining, per client address (a venue's phones may share one) and per day: a room joining
        # at once, then one every two seconds from an address and one a second into a day.
        JOIN_ADDRESS_CAPACITY=60,
        JOIN_ADDRESS_PER_SECOND=0.5,
        JOIN_DAY_CAPACITY=120,
        JOIN_DAY_PER_SECOND=1.0,
        # The host names requests and sockets must name (Host, Origin); None checks none (serve sets them).
        ALLOWED_HOSTS=None,
        # The key setting up a day or a review needs; None lets anyone who reaches the page.
        ORGANISER_KEY=None,
    )
    if os.environ.get(TEST_CLOCK_OFFSET):
        app.config["NOW"] = _offset_clock(os.environ[TEST_CLOCK_OFFSET])
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.config["DATABASE"])

    folders = [Path(f) for f in (app.config["SCRIPTS_DIR"], app.config["EXTRA_SCRIPTS"]) if f]
    child_details.patterns()  # a broken pattern stops the start, not a phone's first word
    app.extensions[house.KEY] = _house(app.config, folders)

    from .web import assets, audit, day_pages, erase_pages, followup_pages, realtime, review_pages, writeup_pages
    from .web import (held_notes, letter_pages, live_events, offsite_pages, plan_pages,  # noqa: F401 - their routes and events register
                      programme_pages, reading_pages, review_doors, review_events, review_impact, sa_pages,
                      summit_pages, team_pages)

    app.register_blueprint(day_pages.bp)
    assets.init_app(app, day_pages.VENDOR)  # static files compressed, versioned, cached for good
    app.register_blueprint(writeup_pages.bp)
    app.register_blueprint(review_pages.bp)  # letter_pages' routes are on it too
    app.register_blueprint(followup_pages.bp)
    app.register_blueprint(sa_pages.bp)
    app.register_blueprint(erase_pages.bp)
    app.register_blueprint(held_notes.bp)
    app.register_blueprint(plan_pages.bp)
    app.register_blueprint(team_pages.bp)
    app.register_blueprint(reading_pages.bp)
    app.register_blueprint(offsite_pages.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(programme_pages.bp)
    realtime.init_app(app)  # with the namespaces live_events and review_events made as they were imported
    if app.config["ALLOWED_HOSTS"]:
        app.wsgi_app = doors.HostCheck(app.wsgi_app, app.config["ALLOWED_HOSTS"])
    if app.config.get("BEHIND_PROXY"):  # the proxy's address is not the phone's: trust its X-Forwarded-*
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.after_request(audit.after)
    app.after_request(_security_headers)
    return app


def _house(config, folders: list[Path]) -> house.House:
    """Every stage's store over the one database file, and the limits the doors apply."""
    database = Database(config["DATABASE"])  # every stage's migrations applied as it opens
    store = Store(database)
    engine = Engine(store, scripts.available(*folders))
    reports = Reports(database)
    limits = {
        "phone": Buckets(config["RATE_CAPACITY"], config["RATE_PER_SECOND"]),
        "day": Buckets(config["DAY_RATE_CAPACITY"], config["DAY_RATE_PER_SECOND"]),
        "member": Buckets(config["MEMBER_RATE_CAPACITY"], config["MEMBER_RATE_PER_SECOND"]),
        "review": Buckets(config["REVIEW_RATE_CAPACITY"], config["REVIEW_RATE_PER_SECOND"]),
        "join_address": Buckets(config["JOIN_ADDRESS_CAPACITY"], config["JOIN_ADDRESS_PER_SECOND"]),
        "join_day": Buckets(config["JOIN_DAY_CAPACITY"], config["JOIN_DAY_PER_SECOND"]),
    }
    if config.get("MESSAGE_QUEUE"):  # a worker of the regional server: one allowance per phone across workers
        from .serve.workers import RedisBuckets

        limits["phone"] = RedisBuckets(config["MESSAGE_QUEUE"], config["RATE_CAPACITY"], config["RATE_PER_SECOND"])
        limits["member"] = RedisBuckets(config["MESSAGE_QUEUE"], config["MEMBER_RATE_CAPACITY"],
                                        config["MEMBER_RATE_PER_SECOND"], prefix="facilitator:member:")
    reviews, scripts_of_reviews = ReviewStore(store), review_scripts.available(*folders)
    return house.House(engine=engine, reports=reports, reviews=reviews, review_scripts=scripts_of_reviews,
                       followup=FollowUp(engine, reports, Records(database), reviews, scripts_of_reviews), buckets=limits,
                       self_assessments=SelfAssessments(store), team=Team(store), pack=Pack(store),
                       meetings=Meetings(store), pool=Pool(store),
                       sa_templates=sa_templates.available(
                           *dict.fromkeys(f.resolve() for f in (scripts.SCRIPTS_DIR, *folders))))


def _security_headers(response):
    """Everything the pages use is served from here: say so, so nothing else can run."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" even with its own
    # forms, and the origin of a post is how a form sent from another site is told apart.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _secret_key(database: str) -> str:
    """A key kept beside the database, so sign-ins survive a restart of the laptop."""
    if database == ":memory:":
        return secrets.token_hex(32)
    path = Path(database).parent / "secret_key"
    try:
        return kept_key(path, lambda: secrets.token_hex(32))
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not readable"
        raise StoreError(f"{path}: cannot keep the key that signs sign-ins there ({reason}): "
                         f"give a --db in a folder you can write to") from None
