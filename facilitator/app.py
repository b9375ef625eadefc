"""The application factory: configuration, the store, the scripts, the views and the sockets."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from flask import Flask

from . import ROOT, reports_store, scripts
from .engine import Engine
from .store import Store


def now_ms() -> int:
    return int(time.time() * 1000)


# For tests only: the app's clock runs this many days ahead of the real one, so a browser test can
# restart the server six months on (a review of impact falls due) without waiting. Never set it live.
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
    data_dir = Path(os.environ.get("FACILITATOR_DATA", "data"))
    app.config.from_mapping(
        DATABASE=str(data_dir / "facilitator.db"),
        SCRIPTS_DIR=str(scripts.SCRIPTS_DIR),
        # A folder of the region's own scripts, loaded beside the shipped ones.
        EXTRA_SCRIPTS=os.environ.get("FACILITATOR_SCRIPTS"),
        ASYNC_MODE="threading",
        PUBLIC_URL=None,  # the address phones use, when it differs from the one the page came from
        NOW=now_ms,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=64 * 1024,
        RATE_CAPACITY=20,
        RATE_PER_SECOND=2.0,
    )
    if os.environ.get(TEST_CLOCK_OFFSET):
        app.config["NOW"] = _offset_clock(os.environ[TEST_CLOCK_OFFSET])
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.config["DATABASE"])

    folders = [Path(f) for f in (app.config["SCRIPTS_DIR"], app.config["EXTRA_SCRIPTS"]) if f]
    engine = Engine(Store(app.config["DATABASE"]), scripts.available(*folders))
    app.extensions["facilitator"] = engine
    reports_store.migrate(engine.store.db)
    app.extensions["facilitator_reports"] = reports_store.Reports(engine.store)

    from . import reports, sockets, views

    app.register_blueprint(views.bp)
    app.register_blueprint(reports.bp)
    from .followup import service as followup, views as followup_views

    followup.init_app(app)
    app.register_blueprint(followup_views.bp)
    sockets.init_app(app)
    app.after_request(_security_headers)
    return app


def _security_headers(response):
    """Everything the pages use is served from here: say so, so nothing else can run."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def _secret_key(database: str) -> str:
    """A key kept beside the database, so sign-ins survive a restart of the laptop."""
    if database == ":memory:":
        return secrets.token_hex(32)
    folder = Path(database).parent
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
