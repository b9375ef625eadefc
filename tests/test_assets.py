"""Static files: compressed once, served under a versioned address, kept by browsers for good."""

from __future__ import annotations

import gzip
import re

from facilitator import ROOT
from facilitator.web.assets import Assets

GZIP = {"Accept-Encoding": "gzip, deflate"}


def versioned(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/v/[0-9a-f]{12}/[^"]+)"', html)


def test_pages_link_versioned_files_that_come_gzipped_and_immutable(app, client, day, engine, clock):
    client.get(f"/f/{day['facilitator_key']}")
    page = client.get(f"/console/{day['id']}/summary").get_data(as_text=True)
    urls = versioned(page)
    assert any(u.endswith("/static/css/report.css") for u in urls) and any(u.endswith("/js/summary.js") for u in urls)
    assets = app.extensions["facilitator"].assets
    for url in urls:
        assert url.startswith(f"/v/{assets.version}/")
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["Content-Encoding"] == "gzip" and response.headers["Vary"] == "Accept-Encoding"
        assert "Set-Cookie" not in response.headers  # the facilitator's session is not refreshed on files
        name = url.split("/", 3)[3]
        assert gzip.decompress(response.data) == (ROOT / name).read_bytes()
        assert len(response.data) < len((ROOT / name).read_bytes())


def test_the_phone_preloads_every_module_it_imports(app, client, day, engine, clock):
    participant = engine.join(day, "Tom", "Eastbridge", clock.now)
    with client.session_transaction() as s:
        s["participants"] = {day["id"]: participant["token"]}
    page = client.get(f"/p/{day['join_code']}")
    if page.status_code != 200:  # the cookie's shape is the app's own: join as a phone does instead
        token = client.get(f"/join/{day['join_code']}").get_data(as_text=True)
        csrf = re.search(r'name="csrf" value="([^"]+)"', token).group(1)
        client.post(f"/join/{day['join_code']}", data={"csrf": csrf, "name": "Tom", "authority": "Eastbridge"})
        page = client.get(f"/p/{day['join_code']}")
    html = page.get_data(as_text=True)
    preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    names = [p.split("/", 3)[3] for p in preloads]
    assert names == ["static/js/phone.js", "static/js/live.js", "static/js/dom.js", "static/js/ids.js",
                     "static/js/cards.js", "vendor/socket.io.esm.min.js", "static/js/countdown.js"]
    # the vendor file is reached from live.js by a relative import, so it is versioned too
    response = client.get(preloads[names.index("vendor/socket.io.esm.min.js")], headers=GZIP)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in response.headers["Cache-Control"]


def test_plain_addresses_still_work_and_are_revalidated(client):
    for url in ("/static/css/app.css", "/vendor/socket.io.esm.min.js"):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
        assert response.headers["Content-Encoding"] == "gzip"
        again = client.get(url, headers={**GZIP, "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
    plain = client.get("/static/css/app.css")  # a client that takes no gzip gets the file as it is
    assert "Content-Encoding" not in plain.headers and plain.data == (ROOT / "static/css/app.css").read_bytes()
    assert client.get("/static/css/nothing.css").status_code == 404
    assert client.get("/vendor/other.js").status_code == 404


def test_a_page_from_before_an_update_gets_todays_file_uncached(app, client):
    response = client.get("/v/000000000000/static/css/app.css", headers=GZIP)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    assert client.get(f"/v/{app.extensions['facilitator'].assets.version}/static/../app.py").status_code == 404


def test_the_version_follows_the_content(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "a.js").write_text('import { b } from "./b.js";\nexport const a = b;\n')
    (tmp_path / "static" / "b.js").write_text("export const b = 1;\n")
    first = Assets.from_folders(tmp_path / "static", {})
    assert Assets.from_folders(tmp_path / "static", {}).version == first.version
    assert first.imports("static/a.js") == ["static/b.js"]
    assert first.files["static/b.js"].gz is None  # too small to gain from gzip: sent as it is
    (tmp_path / "static" / "b.js").write_text("export const b = 2;\n")
    assert Assets.from_folders(tmp_path / "static", {}).version != first.version
