"""The regional server for real: redis-server, two workers and nginx with deploy/nginx.conf.

Phones sit on one worker and the console and projector on the other, placed by nginx's route
cookie. Skipped only where Debian's redis-server or nginx is not installed (.ci/run installs both).
"""

from __future__ import annotations

import os
import signal
import uuid

import pytest

from .region import NGINX, REDIS, Client, Region, wait_until


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """One deployment for the module (starting it takes seconds); each test sets up its own day."""
    if not (NGINX and REDIS):
        pytest.skip("needs Debian's redis-server and nginx")
    server = Region(tmp_path_factory.mktemp("region")).start()
    yield server
    server.stop()


def risk(text: str) -> dict:
    return {"id": str(uuid.uuid4()), "kind": "risk", "category": "Budget", "text": text}


def test_two_workers_share_the_room_and_a_killed_workers_phones_lose_nothing(region):
    day = region.new_day()
    to_phones, to_staff = region.route_to(1), region.route_to(2)
    joined = [region.join(day["code"], name, "Northshire", to_phones) for name in ("Priya", "Sam", "Ola")]
    day_id = joined[0]["day"]
    staff_auth = {"day": day_id, "key": day["key"]}
    console = Client(region.url, to_staff, {**staff_auth, "role": "facilitator"})
    projector = Client(region.url, to_staff, {**staff_auth, "role": "projector"})
    phones = [Client(region.url, to_phones, {"day": day_id, "role": "participant", "token": j["token"]})
              for j in joined]
    for client in (console, projector, *phones):
        client.next("snapshot")

    assert console.call("timer", {"action": "start"})["ok"]
    assert console.call("timer", {"action": "next"})["ok"]
    for phone in phones:  # a broadcast from the staff's worker reaches the phones' worker
        phone.next("clock", lambda d: d["clock"]["status"] == "running" and d["clock"]["index"] == 1)

    acknowledged = []
    for n, phone in enumerate(phones):
        body = risk(f"Placement costs, from phone {n}")
        assert phone.call("contribute", body)["ok"]
        acknowledged.append(body["id"])
        # and one from the phones' worker reaches the projector on the other
        seen = projector.next("contribution", lambda d: d["contribution"]["id"] == body["id"])
        assert seen["contribution"]["text"] == body["text"]

    pid = region.worker_pids()[1]
    os.kill(pid, signal.SIGKILL)
    assert console.call("timer", {"action": "pause"})["ok"]  # the room moves on while the phones are away

    for phone in phones:  # each reconnects through nginx and resyncs from a fresh snapshot
        snap = phone.next("snapshot", timeout=60)
        assert snap["clock"]["status"] == "paused"
        assert {c["id"] for c in snap["contributions"]} >= set(acknowledged)
    later = risk("Agency social workers leaving")
    assert phones[0].call("contribute", later)["ok"]
    acknowledged.append(later["id"])
    projector.next("contribution", lambda d: d["contribution"]["id"] == later["id"])

    stored = console.call("snapshot")["snapshot"]["contributions"]
    assert sorted(c["id"] for c in stored) == sorted(acknowledged), "nothing acknowledged is lost or doubled"
    # the supervisor starts the killed worker again
    wait_until(lambda: region.worker_pids()[1] != pid, "the killed worker's restart", 60)
    wait_until(lambda: region.worker_of(to_phones) == 1, "nginx to send the phones' route to it again", 60)
    for client in (console, projector, *phones):
        client.close()


def test_the_rate_limit_of_one_phone_holds_across_workers(region):
    import time

    day = region.new_day()
    routes = [region.route_to(1), region.route_to(2)]
    joined = region.join(day["code"], "Fast fingers", "Westvale", routes[0])
    auth = {"day": joined["day"], "role": "participant", "token": joined["token"]}
    # the same phone connected twice, once through each worker
    clients = [Client(region.url, route, auth) for route in routes]
    for client in clients:
        client.next("snapshot")
    started = time.monotonic()
    answers = [clients[n % 2].call("time") for n in range(60)]
    elapsed = time.monotonic() - started
    accepted = sum(a["ok"] for a in answers)
    refused = [a for a in answers if not a["ok"]]
    assert refused and all(a["error"]["code"] == "rate_limited" for a in refused)
    # one bucket of 20 refilled at 2 a second: two buckets, one per worker, would accept 40 and more
    assert accepted <= 20 + 2 * elapsed + 1, (accepted, elapsed)
    for client in clients:
        client.close()


def test_workers_need_a_message_queue_and_say_so(tmp_path):
    import subprocess
    import sys

    args = [sys.executable, "-m", "facilitator", "serve", "--workers", "2", "--db", str(tmp_path / "x.db")]
    refused = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and refused.stderr.strip().splitlines() == [
        "Error: --workers needs --redis URL: the workers share their broadcasts through Redis"]
    unreachable = subprocess.run(args + ["--redis", "redis://127.0.0.1:1/0"], capture_output=True, text=True, timeout=60)
    assert unreachable.returncode != 0 and len(unreachable.stderr.strip().splitlines()) == 1
    assert "cannot reach Redis at redis://127.0.0.1:1/0" in unreachable.stderr


def test_pages_through_nginx_phone_on_one_worker_projector_on_the_other(region):
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    from .browser_helpers import LAPTOP, PHONE, PROJECTOR, launch, start_and_send_a_risk, watch_errors

    day = region.new_day()
    errors: list[str] = []

    def page(browser, viewport, worker):
        ctx = browser.new_context(**viewport)
        ctx.add_cookies([{"name": "facilitator_route", "value": region.route_to(worker), "url": region.url}])
        opened = ctx.new_page()
        watch_errors(opened, errors)
        return opened

    with sync_playwright() as p:
        browser = launch(p)
        console = page(browser, LAPTOP, 2)
        console.goto(f"{region.url}/f/{day['key']}")
        day_id = console.url.rsplit("/", 1)[1]
        projector = page(browser, PROJECTOR, 2)
        projector.goto(f"{region.url}/f/{day['key']}")
        projector.goto(f"{region.url}/projector/{day_id}?mute=1")
        phone = page(browser, PHONE, 1)
        phone.goto(f"{region.url}/join/{day['code']}")
        phone.fill("#name", "Priya")
        phone.select_option("#authority", "Northshire")
        phone.click("button[type=submit]")
        phone.locator("#conn.ok").wait_for()
        start_and_send_a_risk(console, phone, projector)
        browser.close()
    assert not errors, "errors in the pages:\n" + "\n".join(errors)
