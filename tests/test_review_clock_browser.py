"""The review's schedule clock in a browser: it reads as the day's countdown does, and its page
takes the Socket.IO client from the same versioned address as the day's pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import LAPTOP, shot, watch_errors  # noqa: E402
from .support import LiveServer  # noqa: E402

SCRIPTS = Path(__file__).resolve().parent.parent / "session_scripts"
TITLE = "Peer Challenge Team Review (East Midlands)"
SHORT = "Peer Challenge Team Review (short first slot)"


@pytest.fixture
def short_first_slot(tmp_path):
    """A review script of our own beside the shipped ones: the East Midlands one, its first slot
    cut to five minutes."""
    folder = tmp_path / "scripts"
    folder.mkdir()
    text = (SCRIPTS / "em-pctr.toml").read_text()
    text = text.replace('id = "em-pctr"', 'id = "em-pctr-short"', 1).replace(
        f'title = "{TITLE}"', f'title = "{SHORT}"', 1)
    first = text.index("[[schedule]]")
    (folder / "em-pctr-short.toml").write_text(text[:first] + text[first:].replace("minutes = 60", "minutes = 5", 1))
    server = LiveServer(tmp_path, scripts=folder).start()
    yield server
    server.close()


def test_the_review_countdown_reads_as_the_days_and_loads_the_versioned_client(short_first_slot, browser, errors):
    lead = browser.new_context(**LAPTOP).new_page()
    watch_errors(lead, errors)
    modules: list[str] = []
    lead.on("request", lambda r: modules.append(r.url) if r.resource_type == "script" or r.url.endswith(".js") else None)
    lead.goto(short_first_slot.url + "/reviews/new")
    lead.select_option("#script", label=SHORT)
    lead.fill("#host", "Northshire")
    lead.fill("#start_date", "2026-12-21")
    lead.click("text=Set up the review")
    lead.wait_for_url(re.compile(r"/reviews/\w+/console"))
    expect(lead.locator("#lead-conn")).to_have_class(re.compile(r"\bok\b"))

    countdown = lead.locator("#countdown")
    expect(countdown).to_have_text("05:00")  # minutes in two figures, as on the day's screens
    expect(lead.locator("#clock-status")).to_have_text("Not started")
    lead.click("[data-timer=start]")
    expect(countdown).to_have_text(re.compile(r"^04:[0-5]\d$"))
    lead.click("[data-timer=pause]")
    expect(lead.locator("#clock-status")).to_have_text("Paused")
    shot(lead, "review-console-clock")

    clients = [u for u in modules if u.endswith("socket.io.esm.min.js")]
    assert clients, modules
    assert all(re.search(r"/v/[0-9a-f]{12}/vendor/socket\.io\.esm\.min\.js$", u) for u in clients), clients
    ours = [u for u in modules if "/static/js/" in u]
    assert any(u.endswith("/static/js/countdown.js") for u in ours), ours
    assert all(re.search(r"/v/[0-9a-f]{12}/static/js/", u) for u in ours), ours
