"""Doors: the organiser's key for setting up a day, posts only from this server's own pages, and
only the host names the server is configured for, for pages and sockets alike."""

from __future__ import annotations

import re
import sqlite3
import urllib.error
import urllib.request
import warnings

import pytest
import socketio
from click.testing import CliRunner

from facilitator import cli as cli_module
from facilitator.app import create_app
from facilitator.serve import run
from facilitator.serve.lock import GROUP_ENV

from .support import AUTHORITIES, LiveServer, csrf_of

ALLOWED = ["localhost", "127.0.0.1", "::1", "facilitator.example.org"]


def make_app(tmp_path, clock, **config):
    return create_app({"DATABASE": str(tmp_path / "d.db"), "SECRET_KEY": "test", "NOW": clock, **config})


def day_form(client, **extra) -> dict:
    client.get("/")
    with client.session_transaction() as session:
        token = session["csrf"]
    form = {"csrf": token, "title": "Doors day", "date": "2026-11-22", "script": "se-triad"}
    form.update({f"authority{i}": a for i, a in enumerate(AUTHORITIES, start=1)})
    return {**form, **extra}


# -- the organiser's key


def test_setting_up_a_day_needs_the_organisers_key_once_per_browser(tmp_path, clock):
    app = make_app(tmp_path, clock, ORGANISER_KEY="plum-kettle-42")
    client, engine = app.test_client(), app.extensions["facilitator"].engine
    assert 'id="organiser_key"' in client.get("/").get_data(as_text=True)

    missing = client.post("/days", data=day_form(client))
    assert missing.status_code == 403 and "needs the organiser&#39;s key" in missing.get_data(as_text=True)
    wrong = client.post("/days", data=day_form(client, organiser_key="guess"))
    assert wrong.status_code == 403 and "That is not the organiser&#39;s key." in wrong.get_data(as_text=True)
    assert 'value="Doors day"' in wrong.get_data(as_text=True)  # what was typed is kept
    assert engine.store.days() == []

    right = client.post("/days", data=day_form(client, organiser_key=" plum-kettle-42 "))
    assert right.status_code == 302 and "/console/" in right.headers["Location"]
    assert 'id="organiser_key"' not in client.get("/").get_data(as_text=True)
    again = client.post("/days", data=day_form(client, title="Second day"))
    assert again.status_code == 302 and len(engine.store.days()) == 2

    stranger = app.test_client()
    assert stranger.post("/days", data=day_form(stranger)).status_code == 403


def review_form(client, **extra) -> dict:
    page = client.get("/reviews/new").get_data(as_text=True)
    token = csrf_of(page)
    return {"csrf": token, "script": "em-pctr", "host": "Northshire", "start_date": "2026-12-21", **extra}


def test_setting_up_a_review_needs_the_organisers_key_as_a_day_does(tmp_path, clock):
    app = make_app(tmp_path, clock, ORGANISER_KEY="plum-kettle-42")
    client = app.test_client()
    assert 'id="organiser_key"' in client.get("/reviews/new").get_data(as_text=True)

    missing = client.post("/reviews", data=review_form(client))
    assert missing.status_code == 403 and "needs the organiser&#39;s key" in missing.get_data(as_text=True)
    wrong = client.post("/reviews", data=review_form(client, organiser_key="guess"))
    assert wrong.status_code == 403 and "That is not the organiser&#39;s key." in wrong.get_data(as_text=True)
    assert 'value="Northshire"' in wrong.get_data(as_text=True)  # what was typed is kept
    with sqlite3.connect(tmp_path / "d.db") as db:
        assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0

    right = client.post("/reviews", data=review_form(client, organiser_key="plum-kettle-42"))
    assert right.status_code == 302 and right.headers["Location"].endswith("/console")
    assert 'id="organiser_key"' not in client.get("/reviews/new").get_data(as_text=True)
    assert client.post("/reviews", data=review_form(client, host="Eastbridge")).status_code == 302  # remembered
    assert client.post("/days", data=day_form(client)).status_code == 302  # one key for both set-ups

    stranger = app.test_client()
    assert stranger.post("/reviews", data=review_form(stranger)).status_code == 403


def test_without_an_organisers_key_anyone_sets_up_a_review(tmp_path, clock):
    client = make_app(tmp_path, clock).test_client()
    assert 'id="organiser_key"' not in client.get("/reviews/new").get_data(as_text=True)
    assert client.post("/reviews", data=review_form(client)).status_code == 302


def test_a_non_ascii_organisers_key_is_refused_cleanly(tmp_path, clock):
    app = make_app(tmp_path, clock, ORGANISER_KEY="plum-kettle-42")
    client = app.test_client()
    assert client.post("/days", data=day_form(client, organiser_key="pl\u00fcm \U0001f511")).status_code == 403


def test_without_an_organisers_key_anyone_reaching_the_page_sets_up_a_day(tmp_path, clock):
    app = make_app(tmp_path, clock)
    client = app.test_client()
    assert 'id="organiser_key"' not in client.get("/").get_data(as_text=True)
    assert client.post("/days", data=day_form(client)).status_code == 302


def serve_in_process(monkeypatch, *args, env=None) -> tuple[str, object]:
    """`serve` through click with the listening and serving left out: what it prints and the app it built."""
    built = {}
    monkeypatch.setattr(run, "listen", lambda host, port: None)
    monkeypatch.setattr(run, "run_eventlet", lambda app, listener, *rest: built.setdefault("app", app))
    monkeypatch.delenv(GROUP_ENV, raising=False)
    with warnings.catch_warnings():  # eventlet, imported for the eventlet mode, warns of its own retirement
        warnings.simplefilter("ignore")
        result = CliRunner().invoke(cli_module.cli, ["serve", *args], env=env)
    assert result.exit_code == 0, result.output
    app = built["app"]
    app.extensions["facilitator"].lock.release()
    monkeypatch.delenv(GROUP_ENV, raising=False)
    return result.output, app


def test_serving_on_a_public_address_makes_up_an_organisers_key_and_prints_it(tmp_path, monkeypatch):
    out, app = serve_in_process(monkeypatch, "--host", "0.0.0.0", "--port", "5123", "--db", str(tmp_path / "a.db"))
    key = re.search(r"Organiser's key:\s+(\S+)", out).group(1)
    assert app.config["ORGANISER_KEY"] == key and len(key) >= 12
    assert {"localhost", "127.0.0.1", "::1"} <= set(app.config["ALLOWED_HOSTS"])


def test_the_organisers_key_can_be_given_or_setup_left_open(tmp_path, monkeypatch):
    db = str(tmp_path / "b.db")
    out, app = serve_in_process(monkeypatch, "--host", "0.0.0.0", "--port", "5123", "--db", db,
                                env={"FACILITATOR_ORGANISER_KEY": "given-key"})
    assert app.config["ORGANISER_KEY"] == "given-key" and "given-key" not in out
    _, app = serve_in_process(monkeypatch, "--host", "0.0.0.0", "--port", "5123", "--db", db, "--open-setup")
    assert app.config["ORGANISER_KEY"] is None
    out, app = serve_in_process(monkeypatch, "--host", "127.0.0.1", "--port", "5123", "--db", db,
                                "--allowed-host", "laptop.lan")
    assert app.config["ORGANISER_KEY"] is None and "Organiser" not in out  # this laptop only: no key
    assert {"127.0.0.1", "laptop.lan"} <= set(app.config["ALLOWED_HOSTS"])
    out, app = serve_in_process(monkeypatch, "--host", "127.0.0.1", "--port", "5123", "--db", db,
                                "--public-url", "https://facilitator.example.org")
    assert app.config["ORGANISER_KEY"] and "Organiser's key" in out  # a tunnel or proxy brings others in
    assert "facilitator.example.org" in app.config["ALLOWED_HOSTS"]


def test_the_servers_own_organisers_key_is_kept_across_restarts_beside_the_database(tmp_path, monkeypatch):
    db = tmp_path / "kept" / "k.db"
    keys = [serve_in_process(monkeypatch, "--host", "0.0.0.0", "--port", "5123", "--db", str(db))[1]
            .config["ORGANISER_KEY"] for _ in range(2)]
    kept = db.parent / "organiser_key"
    assert keys[0] == keys[1] == kept.read_text().strip() and (kept.stat().st_mode & 0o777) == 0o600
    kept.unlink()
    assert serve_in_process(monkeypatch, "--host", "0.0.0.0", "--port", "5123", "--db", str(db))[1] \
        .config["ORGANISER_KEY"] not in (None, keys[0])
    kept.write_text("\x1b[2J")  # not a key: one line, nothing served
    monkeypatch.setattr(run, "listen", lambda host, port: pytest.fail("served with a broken key"))
    result = CliRunner().invoke(cli_module.cli, ["serve", "--host", "0.0.0.0", "--db", str(db)])
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "not an organiser's key" in result.output


def test_a_laptop_on_no_network_sets_up_without_the_organisers_key(tmp_path, monkeypatch):
    from facilitator.core import network

    monkeypatch.setattr(network, "default_route_address", lambda: None)
    monkeypatch.setattr(network, "interface_addresses", lambda: ["127.0.0.1"])
    out, app = serve_in_process(monkeypatch, "--host", "0.0.0.0", "--port", "5123", "--db", str(tmp_path / "n.db"))
    assert app.config["ORGANISER_KEY"] is None and "Organiser" not in out and "WARNING: phones cannot reach" in out
    client = app.test_client()
    assert client.post("/days", data=day_form(client)).status_code == 302


def test_start_up_prints_no_days_private_links_but_the_demos_and_links_prints_them(tmp_path, monkeypatch):
    db = str(tmp_path / "s.db")
    made = CliRunner().invoke(cli_module.cli, ["new-day", "--title", "Earlier day", "--date", "2027-01-01", "--db", db,
                                               *[x for a in AUTHORITIES for x in ("--authority", a)]])
    key = re.search(r"/f/(\S+)", made.output).group(1)
    out, app = serve_in_process(monkeypatch, "--host", "127.0.0.1", "--port", "5123", "--db", db, "--demo")
    earlier, demo = sorted(app.extensions["facilitator"].engine.store.days(), key=lambda d: d["title"] != "Earlier day")
    assert key == earlier["facilitator_key"]
    assert earlier["facilitator_key"] not in out and earlier["projector_key"] not in out
    assert f"/f/{demo['facilitator_key']}" in out and f"/screen/{demo['projector_key']}" in out
    assert "1 day set up before" in out and "facilitator links DAY" in out
    shown = CliRunner().invoke(cli_module.cli, ["links", earlier["join_code"], "--db", db, "--url", "http://laptop:5000/"])
    assert shown.exit_code == 0, shown.output
    assert f"http://laptop:5000/f/{key}" in shown.output and f"/screen/{earlier['projector_key']}" in shown.output
    wrong = CliRunner().invoke(cli_module.cli, ["links", "NOPE", "--db", db])
    assert wrong.exit_code == 1 and wrong.output.count("\n") == 1 and "no day has the id or join code" in wrong.output


def test_start_up_says_loudly_when_the_clock_is_moved(tmp_path, monkeypatch):
    out, app = serve_in_process(monkeypatch, "--host", "127.0.0.1", "--port", "5123", "--db", str(tmp_path / "c.db"),
                                env={"FACILITATOR_TEST_CLOCK_OFFSET_DAYS": "180"})
    assert "WARNING: this server's clock is moved 180 days" in out and "Unset it for a real day" in out
    out, _ = serve_in_process(monkeypatch, "--host", "127.0.0.1", "--port", "5123", "--db", str(tmp_path / "c.db"))
    assert "clock is moved" not in out


def test_a_day_set_up_on_the_command_line_needs_no_key(tmp_path):
    result = CliRunner().invoke(cli_module.cli, ["new-day", "--title", "T", "--date", "2027-01-01", "--db",
                                                 str(tmp_path / "c.db"),
                                                 *[x for a in AUTHORITIES for x in ("--authority", a)]])
    assert result.exit_code == 0 and "Join code:" in result.output


# -- posts come from this server's own pages


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                     {"Referer": "http://evil.example/page"},
                                     {"Origin": "http://localhost.evil.example"}])
def test_a_form_posted_from_another_site_is_refused_whatever_its_token(tmp_path, clock, headers):
    app = make_app(tmp_path, clock, ALLOWED_HOSTS=ALLOWED)
    client = app.test_client()
    refused = client.post("/days", data=day_form(client), headers=headers)
    assert refused.status_code == 403
    assert "sent from a page on another site" in refused.get_data(as_text=True)
    assert app.extensions["facilitator"].engine.store.days() == []


@pytest.mark.parametrize("headers", [{"Origin": "http://localhost"}, {"Origin": "https://facilitator.example.org"},
                                     {"Referer": "http://localhost/"}, {}])
def test_a_form_posted_from_this_servers_own_pages_is_taken(tmp_path, clock, headers):
    app = make_app(tmp_path, clock, ALLOWED_HOSTS=ALLOWED, PUBLIC_URL="https://facilitator.example.org")
    client = app.test_client()
    assert client.post("/days", data=day_form(client), headers=headers).status_code == 302


@pytest.mark.parametrize("source", ["http://localhost:8081", "https://localhost", "http://localhost:80.evil.example",
                                    "http://facilitator.example.org", "https://facilitator.example.org:8443",
                                    "ftp://localhost", "http://localhost:99999"])
def test_a_form_posted_from_another_port_or_scheme_of_this_host_is_refused(tmp_path, clock, source):
    # The test client asks http://localhost (port 80); phones are given https://facilitator.example.org.
    app = make_app(tmp_path, clock, ALLOWED_HOSTS=ALLOWED, PUBLIC_URL="https://facilitator.example.org")
    for headers in ({"Origin": source}, {"Referer": source + "/join"}):
        client = app.test_client()
        refused = client.post("/days", data=day_form(client), headers=headers)
        assert refused.status_code == 403, (headers, refused.status_code)
    assert app.extensions["facilitator"].engine.store.days() == []


def test_joining_from_a_form_on_another_site_is_refused(tmp_path, clock):
    app = make_app(tmp_path, clock)  # no host names configured: the post's origin must be the page's own host
    engine = app.extensions["facilitator"].engine
    day = engine.create_day("D", "2026-11-22", AUTHORITIES, "se-triad", None, clock.now)
    client = app.test_client()
    client.get(f"/join/{day['join_code']}")
    with client.session_transaction() as session:
        token = session["csrf"]
    form = {"csrf": token, "name": "Ann", "authority": AUTHORITIES[0]}
    assert client.post(f"/join/{day['join_code']}", data=form,
                       headers={"Origin": "http://evil.example"}).status_code == 403
    assert engine.participants(day["id"]) == []
    assert client.post(f"/join/{day['join_code']}", data=form,
                       headers={"Origin": "http://localhost"}).status_code == 302


def test_pages_tell_the_browser_to_send_their_origin_with_their_own_forms(client):
    # With "no-referrer" a browser sends "Origin: null" with the page's own forms, so they could not be told apart.
    assert client.get("/").headers["Referrer-Policy"] == "same-origin"


# -- host names


@pytest.mark.parametrize("path", ["/", "/healthz", "/socket.io/?EIO=4&transport=polling"])
def test_a_request_naming_another_host_is_refused(tmp_path, clock, path):
    app = make_app(tmp_path, clock, ALLOWED_HOSTS=ALLOWED)
    refused = app.test_client().get(path, headers={"Host": "evil.example:5000"})
    assert refused.status_code == 400
    assert "does not answer to the name 'evil.example'" in refused.get_data(as_text=True)
    assert app.test_client().get("/healthz", headers={"Host": "facilitator.example.org"}).status_code == 200


def test_a_socket_post_or_websocket_with_no_origin_is_refused(tmp_path, clock):
    # A browser sends its Origin with every socket request that carries data; only its polling GETs go without.
    app = make_app(tmp_path, clock, ALLOWED_HOSTS=ALLOWED)
    refused = app.test_client().post("/socket.io/?EIO=4&transport=polling&sid=x", data="40")
    assert refused.status_code == 403 and "needs an Origin header" in refused.get_data(as_text=True)
    upgrade = app.test_client().get("/socket.io/?EIO=4&transport=websocket",
                                    headers={"Upgrade": "websocket", "Connection": "Upgrade"})
    assert upgrade.status_code == 403 and "needs an Origin header" in upgrade.get_data(as_text=True)


# -- sockets on a live server


@pytest.fixture
def participant(live_server):
    import json

    day = live_server.new_day()
    request = urllib.request.Request(f"{live_server.url}/api/join/{day['code']}", method="POST",
                                     data=json.dumps({"name": "Ann", "authority": AUTHORITIES[0]}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        joined = json.load(response)
    return {"day": joined["day"], "role": "participant", "token": joined["token"]}


def connect(server, auth, headers, transport="polling"):
    # websocket-client sends an Origin of its own unless told not to: a second one would be joined to ours
    sio = socketio.SimpleClient(websocket_extra_options={"suppress_origin": "Origin" in headers})
    try:
        sio.connect(server.url, auth=auth, headers=headers, transports=[transport], wait_timeout=10)
        return sio.receive(timeout=10)[0]
    except (socketio.exceptions.ConnectionError, socketio.exceptions.TimeoutError) as exc:
        return f"refused: {exc}"
    finally:
        sio.disconnect()


def test_a_socket_naming_this_server_as_its_origin_connects(live_server, participant):
    # Phones' own pages, polling first, are covered by the browser tests; a websocket always sends its Origin.
    assert connect(live_server, participant, {"Origin": live_server.url}, "websocket") == "snapshot"


def test_a_socket_with_no_origin_is_refused(live_server, participant):
    assert connect(live_server, participant, {}).startswith("refused")


def test_a_socket_whose_forged_host_matches_its_foreign_origin_is_refused(live_server, participant):
    # The shape of DNS rebinding: the other site's name points at this server, so Host and Origin agree.
    forged = f"rebind.example:{live_server.port}"
    assert connect(live_server, participant, {"Origin": f"http://{forged}", "Host": forged}).startswith("refused")
    request = urllib.request.Request(f"{live_server.url}/socket.io/?EIO=4&transport=polling", headers={"Host": forged})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
    refused.value.close()


def test_a_socket_from_a_foreign_origin_naming_this_host_is_refused(live_server, participant):
    assert connect(live_server, participant, {"Origin": "http://evil.example"}).startswith("refused")


def test_a_socket_from_another_port_or_scheme_of_this_host_is_refused(live_server, participant):
    port = live_server.port
    for source in (f"http://127.0.0.1:{port + 1}", f"https://127.0.0.1:{port}", f"http://127.0.0.1:{port}.evil.example",
                   "http://127.0.0.1", f"http://localhost:{port + 1}"):
        for transport in ("polling", "websocket"):
            assert connect(live_server, participant, {"Origin": source}, transport).startswith("refused"), (source, transport)
    # and this server itself (python-engineio's polling posts carry no Origin, so its own check is by websocket)
    assert connect(live_server, participant, {"Origin": f"http://127.0.0.1:{port}"}, "websocket") == "snapshot"


# -- in a browser


def test_an_organiser_sets_up_a_day_with_the_key_in_a_browser(tmp_path):
    pytest.importorskip("playwright")
    from playwright.sync_api import expect, sync_playwright

    from .browser_helpers import LAPTOP, launch, shot, watch_errors

    server = LiveServer(tmp_path)
    server.env["FACILITATOR_ORGANISER_KEY"] = "plum-kettle-42"
    server.start()
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_context(**LAPTOP).new_page()
            watch_errors(page, errors)
            page.goto(server.url + "/")
            page.fill("#title", "Doors day")
            for i, authority in enumerate(AUTHORITIES, start=1):
                page.fill(f"#authority{i}", authority)
            page.fill("#organiser_key", "wrong-key")
            page.click("button:has-text('Set up the day')")
            expect(page.locator(".alert")).to_have_text("That is not the organiser's key.")
            expect(page.locator("#title")).to_have_value("Doors day")
            shot(page, "home-organiser-key")
            page.fill("#organiser_key", "plum-kettle-42")
            page.click("button:has-text('Set up the day')")  # the browser's own Origin passes the check
            page.wait_for_url(re.compile(r"/console/"))
            page.goto(server.url + "/")
            expect(page.locator("#organiser_key")).to_have_count(0)
            browser.close()
    finally:
        server.close()
    assert [e for e in errors if "403" not in e] == []
