"""Pages through the Flask test client: setting up a day, joining, who may open what."""

import html

import pytest

from .support import AUTHORITIES, csrf_of, parsed


def csrf(client, path="/"):
    page = client.get(path).get_data(as_text=True)
    return csrf_of(page)


def form_for_day(client, **changes):
    data = {"csrf": csrf(client), "title": "Autumn triad", "date": "2026-11-30", "start_time": "09:30",
            "script": "se-triad", "authority1": "Northshire", "authority2": "Eastbridge", "authority3": "Westvale"}
    return {**data, **changes}


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_setting_up_a_day_from_the_home_page_opens_its_console(client, engine):
    response = client.post("/days", data=form_for_day(client))
    assert response.status_code == 302 and "/console/" in response.location
    day = engine.store.days()[0]
    assert day["authorities"] == AUTHORITIES and day["start_time"] == "09:30"
    console = client.get(response.location)
    assert console.status_code == 200
    page = console.get_data(as_text=True)
    assert day["join_code"] in page and "Autumn triad" in page
    assert day["title"] in client.get("/").get_data(as_text=True)  # listed on the home page


@pytest.mark.parametrize("changes, message", [
    ({"authority3": ""}, "needs 3 presenting authorities"),
    ({"authority3": "Northshire"}, "must all be different"),
    ({"date": "30/11/2026"}, "YYYY-MM-DD"),
    ({"start_time": "9.30am"}, "HH:MM"),
    ({"title": ""}, "title is required"),
    ({"script": "nope"}, "unknown session script"),
])
def test_a_bad_set_up_form_says_what_is_wrong_and_creates_nothing(client, engine, changes, message):
    response = client.post("/days", data=form_for_day(client, **changes))
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    assert engine.store.days() == []


def test_a_form_without_its_csrf_token_is_refused(client, engine):
    data = form_for_day(client)
    data["csrf"] = "forged"
    assert client.post("/days", data=data).status_code == 400
    assert engine.store.days() == []


def test_joining_from_a_phone_and_coming_back_keeps_the_same_participant(client, engine, day):
    join = f"/join/{day['join_code']}"
    page = client.get(join).get_data(as_text=True)
    assert all(a in page for a in AUTHORITIES) and "observer" in page.lower()
    response = client.post(join, data={"csrf": csrf(client, join), "name": "Pat", "authority": "Eastbridge"})
    assert response.status_code == 302 and response.location.endswith(f"/p/{day['join_code']}")
    assert client.get(f"/p/{day['join_code']}").status_code == 200
    assert client.get(join).location.endswith(f"/p/{day['join_code']}")  # already joined: straight back in
    assert [p["name"] for p in engine.store.participants(day["id"])] == ["Pat"]


def test_a_join_code_is_case_insensitive_and_an_unknown_one_is_a_clear_404(client, day):
    assert client.get(f"/join/{day['join_code'].lower()}").status_code == 200
    missing = client.get("/join/ZZZZZZ")
    assert missing.status_code == 404 and "ZZZZZZ" in missing.get_data(as_text=True)


def test_a_bad_join_form_keeps_what_was_typed(client, day, engine):
    join = f"/join/{day['join_code']}"
    response = client.post(join, data={"csrf": csrf(client, join), "name": "Pat", "authority": "Atlantis"})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "choose one of the day's authorities" in page and 'value="Pat"' in page
    assert engine.store.participants(day["id"]) == []


def test_the_phone_page_without_joining_sends_you_to_join(client, day):
    assert client.get(f"/p/{day['join_code']}").location.endswith(f"/join/{day['join_code']}")


def test_console_and_projector_need_the_facilitator_link(client, day):
    assert client.get(f"/console/{day['id']}").status_code == 403
    assert client.get(f"/projector/{day['id']}").status_code == 403
    assert client.get("/f/not-the-key").status_code == 404
    assert client.get(f"/f/{day['facilitator_key']}").location.endswith(f"/console/{day['id']}")
    assert client.get(f"/console/{day['id']}").status_code == 200
    assert client.get(f"/projector/{day['id']}").status_code == 200


def test_the_qr_code_is_an_svg_of_the_join_address(app, client, day):
    app.config["PUBLIC_URL"] = "http://192.168.1.20:5000"
    response = client.get(f"/join/{day['join_code']}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).startswith("<?xml") or "<svg" in response.get_data(as_text=True)
    client.get(f"/f/{day['facilitator_key']}")
    assert f"http://192.168.1.20:5000/join/{day['join_code']}" in client.get(f"/console/{day['id']}").get_data(as_text=True)


def test_the_socket_client_is_served_from_here_and_pages_load_nothing_from_elsewhere(client, day):
    script = client.get("/vendor/socket.io.esm.min.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    script.close()
    assert client.get("/vendor/../package.json").status_code == 404
    client.get(f"/f/{day['facilitator_key']}")
    for path in ("/", f"/join/{day['join_code']}", f"/console/{day['id']}", f"/projector/{day['id']}"):
        response = client.get(path)
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        linked = [e.get("src") or e.get("href") for e in parsed(response.get_data(as_text=True)).select("[src], [href]")]
        assert not [u for u in linked if u.startswith(("http:", "https:", "//"))], path


def test_joining_through_the_json_api(client, day):
    ok = client.post(f"/api/join/{day['join_code']}", json={"name": "Robo", "authority": "observer"})
    assert ok.status_code == 201 and set(ok.get_json()) == {"day", "participant", "token"}
    bad = client.post(f"/api/join/{day['join_code']}", json={"name": "", "authority": "observer"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid"
    form = client.post(f"/api/join/{day['join_code']}", data={"name": "x", "authority": "observer"})
    assert form.status_code == 400


def test_the_projector_link_has_its_own_path_and_old_links_still_lead_there(app, day):
    browser = app.test_client()
    old = browser.get(f"/v/{day['projector_key']}")
    assert old.status_code == 301 and old.location.endswith(f"/screen/{day['projector_key']}")
    opened = browser.get(old.location)
    assert opened.status_code == 302 and opened.location.endswith(f"/projector/{day['id']}")
    assert browser.get(f"/projector/{day['id']}").status_code == 200
    assert app.test_client().get("/v/not-a-key", follow_redirects=True).status_code == 404
    # the static files keep their versioned addresses under /v/
    page = app.test_client().get(f"/join/{day['join_code']}").get_data(as_text=True)
    asset = next(u for e in parsed(page).select("[src], [href]") if (u := e.get("src") or e.get("href")).startswith("/v/"))
    assert app.test_client().get(asset).status_code == 200
