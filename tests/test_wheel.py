"""The package as a new user gets it: the wheel installed into a fresh venv, served from another folder.

The wheel is the one named by FACILITATOR_WHEEL (.ci/run builds it with `python -m build`), else
this test builds it. Nothing of the checkout is on the installed server's path: no templates, no
session scripts, no node_modules.
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import sync_playwright  # noqa: E402

from .browser_helpers import join_phone, launch, open_console, open_projector, start_and_send_a_risk  # noqa: E402
from .support import free_port  # noqa: E402

CHECKOUT = Path(__file__).resolve().parent.parent


def _wheel(tmp: Path) -> Path:
    given = os.environ.get("FACILITATOR_WHEEL")
    if given:
        return Path(given)
    if not (CHECKOUT / "node_modules" / "socket.io-client").is_dir():
        pytest.fail("node_modules is missing: run `npm ci` before building the wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp / "dist"), str(CHECKOUT)],
                   check=True, capture_output=True)
    return Path(glob.glob(str(tmp / "dist" / "facilitator-*.whl"))[0])


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv holding the wheel and its dependencies, and a folder far from the checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = _wheel(tmp)
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FACILITATOR_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(XDG_DATA_HOME=str(tmp / "user-data"), HOME=str(tmp / "home"), PYTHONUNBUFFERED="1",
               PATH=f"{env_dir / 'bin'}:{env['PATH']}")
    return {"bin": env_dir / "bin" / "facilitator", "python": env_dir / "bin" / "python", "cwd": elsewhere,
            "env": env, "user_data": tmp / "user-data"}


def _run(installed, *args) -> subprocess.CompletedProcess:
    return subprocess.run([str(installed["bin"]), *args], cwd=installed["cwd"], env=installed["env"],
                          capture_output=True, text=True, timeout=120)


def _wait_healthy(url: str, proc, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the installed server did not start:\n" + log.read_text())


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read()


def test_the_installed_wheel_serves_a_day_from_another_folder(installed):
    location = subprocess.run([str(installed["python"]), "-c", "import facilitator; print(facilitator.ROOT)"],
                              cwd=installed["cwd"], env=installed["env"], capture_output=True, text=True, check=True)
    package = Path(location.stdout.strip())
    assert str(package).startswith(str(installed["bin"].parent.parent)), "the package is imported from the venv"
    assert not (package / "node_modules").exists() and not (package.parent / "node_modules").exists()

    # the default database is in the user's data folder, not the folder the command runs in
    made = _run(installed, "new-day", "--title", "Wheel day", "--date", "2026-11-22",
                "--authority", "Northshire", "--authority", "Eastbridge", "--authority", "Westvale")
    assert made.returncode == 0, made.stderr
    db = installed["user_data"] / "facilitator" / "facilitator.db"
    assert db.is_file()
    assert not any(installed["cwd"].iterdir()), "nothing is written where the command was run"
    key = re.search(r"/f/(\S+)", made.stdout).group(1)
    code = re.search(r"Join code: (\w+)", made.stdout).group(1)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = installed["cwd"].parent / "serve.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([str(installed["bin"]), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                cwd=installed["cwd"], env=installed["env"], stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(url, proc, log_path)
        assert f"running on {db}" in log_path.read_text(), "serve names the database it opened"
        status, body = _get(url + "/vendor/socket.io.esm.min.js")
        assert status == 200 and b"Socket" in body
        assert _get(url + "/static/css/app.css")[0] == 200
        assert b"Wheel day" in _get(f"{url}/join/{code}")[1]

        day = {"facilitator_url": f"{url}/f/{key}", "join_url": f"{url}/join/{code}", "code": code}
        errors: list[str] = []
        with sync_playwright() as p:
            browser = launch(p)
            console, day_id = open_console(browser, day, errors)
            projector = open_projector(browser, day, day_id, errors)
            phone = join_phone(browser, day, "Priya", "Northshire", errors)
            start_and_send_a_risk(console, phone, projector)
            browser.close()
        assert not errors, "errors in the pages:\n" + "\n".join(errors)
    finally:
        proc.terminate()
        proc.wait(10)


MATCH_OFFLINE = """
from importlib.util import find_spec
from types import SimpleNamespace as N
from facilitator.followup import matching
ask = N(id="a", authority="X", text="We need to hold on to experienced social workers")
offers = [N(id="o", authority="Y", text="A retention scheme that cut turnover"), N(id="p", authority="Y", text="Short breaks")]
print([find_spec(m) is None for m in ("sklearn", "numpy", "scipy")], [s.offer_id for s in matching.suggest([ask], offers)["a"]])
"""


def test_the_installed_wheel_matches_asks_to_offers_with_its_own_thesaurus_and_no_numeric_libraries(installed):
    got = subprocess.run([str(installed["python"]), "-c", MATCH_OFFLINE], cwd=installed["cwd"], env=installed["env"],
                         capture_output=True, text=True, check=True)
    assert got.stdout.strip() == "[True, True, True] ['o']"


def test_the_installed_wheel_refuses_to_serve_without_its_browser_files(installed, tmp_path):
    location = subprocess.run([str(installed["python"]), "-c", "import facilitator; print(facilitator.ROOT)"],
                              cwd=installed["cwd"], env=installed["env"], capture_output=True, text=True, check=True)
    client = Path(location.stdout.strip()) / "static" / "vendor" / "socket.io.esm.min.js"
    saved = tmp_path / "saved.js"
    client.rename(saved)
    try:
        refused = _run(installed, "serve", "--host", "127.0.0.1", "--port", str(free_port()),
                       "--db", str(tmp_path / "x.db"))
    finally:
        saved.rename(client)
    assert refused.returncode != 0
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "socket.io.esm.min.js is missing" in lines[0], refused.stderr
    assert not (tmp_path / "x.db").exists(), "nothing is opened before the check"


def test_a_checkout_without_npm_ci_refuses_to_serve_and_says_what_to_run(tmp_path):
    import shutil

    for folder in ("facilitator", "templates", "static", "session_scripts"):
        shutil.copytree(CHECKOUT / folder, tmp_path / "checkout" / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "checkout"), "FACILITATOR_DATA": str(tmp_path / "data")}
    refused = subprocess.run([sys.executable, "-m", "facilitator", "serve", "--port", str(free_port())],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0
    assert refused.stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'checkout' / 'node_modules' / 'socket.io-client' / 'dist' / 'socket.io.esm.min.js'} "
        "is missing, so the pages cannot work: run `npm ci` in the checkout"]
    assert not (tmp_path / "data").exists()
