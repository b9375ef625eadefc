"""Fixtures: an app on a fresh database with a day set up, and a real server on a free port."""

from __future__ import annotations

import pytest

from facilitator.app import create_app

from .daybuilder import play
from .support import AUTHORITIES, FakeClock, LiveServer, Review, Room, review_links


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def app(tmp_path, clock):
    return create_app({"DATABASE": str(tmp_path / "test.db"), "SECRET_KEY": "test", "NOW": clock, "TESTING": True})


@pytest.fixture
def engine(app):
    return app.extensions["facilitator"].engine


@pytest.fixture
def day(engine, clock):
    return engine.create_day("Test day", "2026-11-22", AUTHORITIES, "se-triad", None, clock.now)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def room(app, engine, day, clock):
    return Room(app, engine, day, clock)


@pytest.fixture
def live_server(tmp_path):
    server = LiveServer(tmp_path).start()
    yield server
    server.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright, shared by a module's browser tests."""
    from playwright.sync_api import sync_playwright

    from tests.browser_helpers import launch

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def errors():
    """Script errors and blocked resources the pages reported: a test fails on any."""
    found: list[str] = []
    yield found
    assert not found, "errors in the pages:\n" + "\n".join(found)


@pytest.fixture
def played(client, day, room):
    got = play(room, hostile=True)
    client.get(f"/f/{day['facilitator_key']}")
    page = client.get(f"/console/{day['id']}/summary").get_data(as_text=True)
    got["links"] = review_links(page)
    return got


@pytest.fixture
def review(app):
    return Review(app)
