"""Every command-line mistake is one line that says what is wrong and what to do, and a non-zero exit.

`serve` runs as a facilitator runs it (`python -m facilitator serve` in a subprocess, on eventlet);
the other commands through click's runner, which keeps stderr apart.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator.core.scripts import day as scripts
from facilitator.app import create_app
from facilitator.cli import cli

from .support import AUTHORITIES, LiveServer, free_port

NEW_DAY = ["new-day", "--title", "T", "--date", "2027-02-01", *[a for x in AUTHORITIES for a in ("--authority", x)]]


def one_line_refusal(returncode: int, stderr: str) -> str:
    assert returncode != 0
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def serve(*args, env=None, timeout=60) -> str:
    """Run `facilitator serve` that is expected to refuse; its one line of stderr."""
    done = subprocess.run([sys.executable, "-m", "facilitator", "serve", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})
    return one_line_refusal(done.returncode, done.stderr)


def run(*args) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return one_line_refusal(result.exit_code, result.stderr)


@pytest.fixture
def good_db(tmp_path) -> Path:
    db = tmp_path / "good.db"
    engine = create_app({"DATABASE": str(db), "SECRET_KEY": "k"}).extensions["facilitator"].engine
    engine.create_day("T", "2027-02-01", AUTHORITIES, "se-triad", None, 0)
    engine.store.db.conn.close()  # as the command does at its exit: everything in the database file itself
    assert db.stat().st_size > 3000
    return db


@pytest.fixture
def garbage_db(tmp_path) -> Path:
    db = tmp_path / "garbage.db"
    db.write_bytes(os.urandom(8192))
    return db


@pytest.fixture
def truncated_db(good_db, tmp_path) -> Path:
    db = tmp_path / "truncated.db"
    db.write_bytes(good_db.read_bytes()[:3000])
    return db


@pytest.fixture
def locked_db(good_db):
    """A database another program holds an exclusive lock on, as long as the test runs."""
    holder = sqlite3.connect(good_db, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE days SET seq = seq")
    yield good_db
    holder.close()


@pytest.fixture
def under_a_file(tmp_path) -> Path:
    (tmp_path / "a-file").write_text("not a folder")
    return tmp_path / "a-file" / "inside"


@pytest.fixture
def unwritable(tmp_path) -> Path:
    """A folder this user cannot write to (the system's /sys when running as root, who may write anywhere else)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    for candidate in (folder, Path("/sys")):
        try:
            (candidate / "probe").write_text("")
        except OSError:
            yield candidate
            break
        (candidate / "probe").unlink()
    else:
        pytest.skip("no folder here refuses this user's writes")
    folder.chmod(0o700)


# -- serve


def test_serve_on_a_port_in_use_says_so(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = serve("--host", "127.0.0.1", "--port", str(port), "--db", str(tmp_path / "f.db"))
    assert f"port {port} is already in use" in line and "--port" in line


@pytest.mark.parametrize("port", ["70000", "-1", "0"])
def test_serve_on_a_port_that_does_not_exist_says_so(tmp_path, port):
    line = serve("--host", "127.0.0.1", "--port", port, "--db", str(tmp_path / "f.db"))
    assert f"--port {port} is not a port number" in line


def test_serve_on_a_host_name_that_does_not_resolve_says_so(tmp_path):
    line = serve("--host", "no-such-host.invalid", "--port", str(free_port()), "--db", str(tmp_path / "f.db"))
    assert "no-such-host.invalid does not resolve" in line


def test_serve_on_an_address_of_another_machine_says_so(tmp_path):
    line = serve("--host", "192.0.2.1", "--port", str(free_port()), "--db", str(tmp_path / "f.db"))
    assert "192.0.2.1 is not an address of this machine" in line


def test_serve_on_a_garbage_database_says_so(garbage_db):
    line = serve("--host", "127.0.0.1", "--port", str(free_port()), "--db", str(garbage_db))
    assert f"{garbage_db}: the database is not a facilitator database" in line


def test_serve_on_a_truncated_database_says_so(truncated_db):
    line = serve("--host", "127.0.0.1", "--port", str(free_port()), "--db", str(truncated_db))
    assert f"{truncated_db}: the database is damaged" in line


def test_serve_with_a_broken_script_in_the_scripts_folder_names_it(tmp_path):
    folder = tmp_path / "scripts"
    folder.mkdir()
    (folder / "ours.toml").write_text('id = "ours"\ntitle = [\n')
    line = serve("--host", "127.0.0.1", "--port", str(free_port()), "--db", str(tmp_path / "f.db"),
                 env={"FACILITATOR_SCRIPTS": str(folder)})
    assert f"{folder / 'ours.toml'}: not valid TOML" in line


def test_serve_with_its_database_under_a_file_says_so(under_a_file):
    line = serve("--host", "127.0.0.1", "--port", str(free_port()), "--db", str(under_a_file / "f.db"))
    assert "give a --db in a folder you can write to" in line


# -- one server per port and per database


def test_a_second_server_on_the_same_port_refuses_and_the_first_carries_on(tmp_path):
    first = LiveServer(tmp_path).start()
    try:
        line = serve("--host", "127.0.0.1", "--port", str(first.port), "--db", str(tmp_path / "other.db"))
        assert f"port {first.port} is already in use" in line
        first.new_day()  # the first server and its database are untouched
        assert first.proc.poll() is None
    finally:
        first.close()


def test_a_second_server_on_the_same_database_refuses_and_names_the_first(tmp_path):
    first = LiveServer(tmp_path).start()
    try:
        line = serve("--host", "127.0.0.1", "--port", str(free_port()), "--db", str(first.db))
        assert f"pid {first.proc.pid}" in line and f"127.0.0.1:{first.port}" in line
        assert "is using this database" in line
    finally:
        first.close()


def test_the_database_is_free_again_once_its_server_is_killed(tmp_path):
    first = LiveServer(tmp_path).start()
    first.proc.kill()  # no clean exit: the operating system lets go of the lock
    first.proc.wait(10)
    second = LiveServer(tmp_path)
    second.db = first.db
    second.start()
    second.close()
    first.close()


def test_the_processes_of_one_server_share_its_database(tmp_path):
    from facilitator.serve.lock import GROUP_ENV, ServerLock

    db = tmp_path / "f.db"
    parent = ServerLock(db).acquire("127.0.0.1", 5000)
    try:
        code = ("import sys; from facilitator.serve.lock import ServerLock, AlreadyServing\n"
                "try:\n    ServerLock(sys.argv[1]).acquire('127.0.0.1', 5000)\n"
                "except AlreadyServing as exc:\n    sys.exit(str(exc))\n")
        worker = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True,
                                env={**os.environ, GROUP_ENV: parent.group})
        assert worker.returncode == 0, worker.stderr
        stranger = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True,
                                  env={k: v for k, v in os.environ.items() if k != GROUP_ENV})
        assert stranger.returncode == 1 and f"pid {os.getpid()}" in stranger.stderr
    finally:
        parent.release()
        os.environ.pop(GROUP_ENV, None)


# -- the commands that work on a database


@pytest.mark.parametrize("command", ["new-day", "export", "summit", "forget-names"])
@pytest.mark.parametrize("which", ["garbage_db", "truncated_db", "locked_db"])
def test_a_command_on_a_damaged_or_locked_database_says_so(request, command, which, tmp_path):
    db = request.getfixturevalue(which)
    args = {"new-day": [*NEW_DAY], "export": ["export", "ABCDEF", "--out", str(tmp_path / "o.md")],
            "summit": ["summit", "ABCDEF", "--out", str(tmp_path / "pack")],
            "forget-names": ["forget-names", "ABCDEF"]}[command]
    line = run(*args, "--db", str(db))
    expected = {"garbage_db": "is not a facilitator database", "truncated_db": "is damaged",
                "locked_db": "is locked by another program"}[which]
    assert line.startswith(f"Error: {db}: the database {expected}")


@pytest.mark.parametrize("command", ["new-day", "export", "summit", "forget-names"])
@pytest.mark.parametrize("where", ["under_a_file", "unwritable"])
def test_a_command_with_its_database_where_it_cannot_be_says_so(request, command, where):
    db = request.getfixturevalue(where) / "f.db"
    args = {"new-day": [*NEW_DAY], "export": ["export", "ABCDEF", "--out", "o.md"],
            "summit": ["summit", "ABCDEF", "--out", "pack"], "forget-names": ["forget-names", "ABCDEF"]}[command]
    line = run(*args, "--db", str(db))
    assert str(db.parent) in line
    assert "give a --db in a folder you can write to" in line or "no such database" in line


@pytest.mark.parametrize("command", ["export", "summit"])
@pytest.mark.parametrize("where", ["under_a_file", "unwritable"])
def test_an_export_to_where_it_cannot_be_written_says_so(request, command, where, good_db):
    out = request.getfixturevalue(where) / "out"
    code = sqlite3.connect(good_db).execute("SELECT join_code FROM days").fetchone()[0]
    line = run(command, code, "--out", str(out / "day.md" if command == "export" else out), "--db", str(good_db))
    assert line.startswith(f"Error: {out}") and "give an --out in a folder you can write to" in line


# -- check-script


@pytest.fixture
def shipped_script() -> str:
    return (scripts.SCRIPTS_DIR / "se-triad.toml").read_text(encoding="utf-8")


def test_check_script_on_a_20000_deep_array_says_so(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("id = " + "[" * 20_000 + "]" * 20_000 + "\n")
    assert "its values are nested too deeply" in run("check-script", str(path))


def test_check_script_on_a_400_digit_number_names_the_field(tmp_path, shipped_script):
    path = tmp_path / "big.toml"
    text, n = re.subn(r"minutes = [\d.]+", "minutes = 1" + "0" * 400, shipped_script, count=1)
    assert n == 1
    path.write_text(text)
    line = run("check-script", str(path))
    assert re.search(r"steps\.[\w-]+\.minutes: is far too large", line)


def test_check_script_on_a_missing_file_says_so(tmp_path):
    line = run("check-script", str(tmp_path / "missing.toml"))
    assert "missing.toml: cannot be read: No such file or directory" in line


def test_check_script_on_an_unreadable_file_says_so(tmp_path):
    path = tmp_path / "private.toml"
    path.write_text('id = "x"\n')
    path.chmod(0)
    try:
        path.read_bytes()
    except PermissionError:
        assert "private.toml: cannot be read: Permission denied" in run("check-script", str(path))
    else:
        pytest.skip("this user reads files whatever their mode")


def test_check_script_on_a_folder_says_so(tmp_path):
    line = run("check-script", str(tmp_path))
    assert "is a directory" in line.lower()


def test_check_script_on_a_file_that_is_not_utf8_says_so(tmp_path, shipped_script):
    path = tmp_path / "latin1.toml"
    path.write_bytes(shipped_script.replace("Signature", "Signatur\u00e9", 1).encode("latin-1", "replace"))
    assert "is not UTF-8 text: save it as UTF-8" in run("check-script", str(path))
