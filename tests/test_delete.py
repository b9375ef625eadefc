"""Deleting a day or a review takes everything it holds, leaves no readable byte of it beside the
database while the server runs, and its links answer 404; another day is untouched."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
import uuid

from click.testing import CliRunner

from facilitator.cli import cli
from facilitator.core import erase
from tests.daybuilder import Day
from tests.support import AUTHORITIES, LiveRoom, csrf_of, csrf_page, decide, host, multipart, parsed
from tests.test_summit import case_ids
from tests.test_privacy_bytes import files_holding

SECRETS = ["Quarrendon Vexley-Ambrose", "Philippa Oxenbould", "The Tiverstock panel has not met since March"]


def _rows(database) -> dict[str, int]:
    return {t.name: t.count for t in database.db.tables if t.name != "_sqlite_migrations"}


def _store(app):
    return app.extensions["facilitator"].engine.store.database


def test_delete_takes_every_row_a_day_holds_and_no_other_days(played, app, client, day, engine, clock):
    other = engine.create_day("Kept day", "2026-11-23", AUTHORITIES, "se-triad", None, clock.now)
    engine.join(other, "Kept Person", AUTHORITIES[0], clock.now)
    voter = engine.store.participants(day["id"])[0]
    engine.store.set_vote(day["id"], played["sessions"][0]["offer"], voter["id"], True)
    path = played["links"]["Northshire"]
    browser, review = host(app, path)
    decide(browser, path, review, played["sessions"][0]["offer"], "agreed")
    page = browser.get(path + "/response").get_data(as_text=True)
    body, kind = multipart({"csrf": csrf_of(page), "action": "upload"}, "r.pdf", b"%PDF-1.4\nplan\n%%EOF\n")
    assert browser.post(path + "/response", data=body, content_type=kind).status_code == 302
    database = _store(app)
    held = erase.holdings(database, "day", day["id"])
    assert {"days", "participants", "contributions", "votes", "agreements", "review_keys", "fu_responses"} <= set(held)
    before = _rows(database)

    assert erase.erase(database, "day", day["id"]) == held
    assert erase.holdings(database, "day", day["id"]) == {}
    after = _rows(database)
    assert {t: before[t] - after[t] for t in before if before[t] != after[t]} == held
    assert engine.store.day(other["id"]) is not None and len(engine.store.participants(other["id"])) == 1
    # its links answer 404: the facilitator's, the join code's and the host's
    assert client.get(f"/f/{day['facilitator_key']}").status_code == 404
    assert client.get(f"/join/{day['join_code']}").status_code == 404
    assert app.test_client().get(path).status_code == 404


def test_delete_takes_every_row_a_review_holds(review, app):
    sock = review.socket(review.member("TM1"), "member")
    ack = sock.emit("note", {"id": str(uuid.uuid4()), "line": review.lines[0], "source": "Case file",
                             "text": "Supervision records are thin"}, namespace="/review", callback=True)
    assert ack.get("ok"), ack
    database = _store(app)
    held = erase.holdings(database, "review", review.id)
    assert {"reviews", "review_members", "review_lines", "review_notes"} <= set(held)
    assert erase.erase(database, "review", review.id) == held
    assert erase.holdings(database, "review", review.id) == {}
    assert review.lead.get(f"/reviews/{review.id}/console").status_code == 404
    assert review.host.get(review.host_url).status_code == 404


def test_delete_on_the_command_line_asks_for_yes_and_for_agreed_case_studies(played, app, day, tmp_path):
    db = app.config["DATABASE"]
    run = lambda *args: CliRunner().invoke(cli, ["delete", *args, "--db", db])  # noqa: E731
    refused = run(day["join_code"])
    assert refused.exit_code == 1 and refused.output.count("\n") == 1 and "add --yes" in refused.output
    assert _store(app).db.table("days").count == 1
    path = played["links"]["Northshire"]
    browser, page = host(app, path)
    decide(browser, path, page, case_ids(page)[0], "agreed")
    kept = run(day["join_code"], "--yes")
    assert kept.exit_code == 1 and kept.output.count("\n") == 1 and "--with-agreed-case-studies" in kept.output
    assert _store(app).db.table("days").count == 1
    done = run(day["join_code"], "--yes", "--with-agreed-case-studies")
    assert done.exit_code == 0 and f"'{day['title']}' is deleted:" in done.output and "contributions" in done.output
    assert _store(app).db.table("days").count == 0
    unknown = run("NOSUCH", "--yes")
    assert unknown.exit_code == 1 and "no day or review has the id or join code 'NOSUCH'" in unknown.output


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_delete_leaves_no_byte_of_the_day_in_the_database_its_log_or_shared_memory(live_server):
    gone, kept = live_server.new_day(title="Triad at Quarrendon"), live_server.new_day(title="Kept Sandalwood")
    for created, names, extra in ((gone, SECRETS[:2], SECRETS[2]), (kept, ["Kept Kestrelwood"], "Kept words")):
        room = LiveRoom(live_server, created)
        try:
            d = Day(room, dict(zip(AUTHORITIES, names)))
            d.next()
            d.add(AUTHORITIES[0], "risk", extra, "Workforce")
        finally:
            room.close()
    folder = live_server.db.parent
    found = files_holding(folder, SECRETS + ["Triad at Quarrendon"])
    assert found, "what the day holds is on disk while it runs"  # so the search below can find it

    done = subprocess.run([sys.executable, "-m", "facilitator", "delete", gone["code"], "--yes", "--db",
                           str(live_server.db)], capture_output=True, text=True, env=live_server.env, timeout=60)
    assert done.returncode == 0 and "'Triad at Quarrendon' is deleted" in done.stdout, done.stderr
    assert files_holding(folder, SECRETS + ["Triad at Quarrendon", gone["key"]]) == {}
    assert files_holding(folder, ["Kept Kestrelwood", "Kept words"])  # another day's words stay
    assert _status(gone["facilitator_url"]) == 404 and _status(gone["join_url"]) == 404
    assert _status(kept["join_url"]) == 200  # the server goes on serving the rest
    live_server.stop()
    assert files_holding(folder, SECRETS + ["Triad at Quarrendon"]) == {}


def test_the_facilitator_deletes_a_day_from_its_page_once_the_title_is_typed(played, app, client, day):
    url = f"/console/{day['id']}/delete"
    page = parsed(client.get(url).get_data(as_text=True))
    assert "participants" in page.select_one(".lead").get_text() and "contributions" in page.select_one(".lead").get_text()
    assert app.test_client().get(url).status_code == 403  # only the facilitator's browser
    browser, review = host(app, played["links"]["Northshire"])
    assert browser.get(url).status_code == 403 and browser.post(url, data={"confirm": day["title"]}).status_code in (400, 403)
    csrf = csrf_of(str(page))
    wrong = client.post(url, data={"csrf": csrf, "confirm": "Test"})
    assert wrong.status_code == 400 and "Type the title, “Test day”" in wrong.get_data(as_text=True)
    decide(browser, played["links"]["Northshire"], review, case_ids(review)[0], "agreed")
    unsaid = client.post(url, data={"csrf": csrf, "confirm": " test  DAY "})
    assert unsaid.status_code == 400 and "export the summit pack first" in unsaid.get_data(as_text=True)
    assert _store(app).db.table("days").count == 1  # refused, nothing deleted
    done = client.post(url, data={"csrf": csrf, "confirm": "Test day", "with_agreed_case_studies": "1"})
    assert done.status_code == 200 and "“Test day” is deleted" in done.get_data(as_text=True)
    assert erase.holdings(_store(app), "day", day["id"]) == {}
    assert client.get(f"/console/{day['id']}").status_code == 404
    assert "Test day" not in client.get("/").get_data(as_text=True)


def test_the_lead_deletes_a_review_and_nobody_else_can(review, app):
    url = f"/reviews/{review.id}/delete"
    assert review.host.get(url).status_code == 403 and review.member("TM1").get(url).status_code == 403
    token, page = csrf_page(review.lead, url)
    title = parsed(page).select_one("#confirm").find_previous("label").get_text().split("“", 1)[1].split("”", 1)[0]
    assert review.lead.post(url, data={"csrf": token, "confirm": "no"}).status_code == 400
    assert review.lead.post(url, data={"csrf": token, "confirm": title}).status_code == 200
    assert review.lead.get(f"/reviews/{review.id}/console").status_code == 404
    assert erase.holdings(_store(app), "review", review.id) == {}


def test_delete_says_so_when_a_reader_keeps_an_old_copy_and_running_it_again_empties_the_log(tmp_path, clock):
    import sqlite3

    from facilitator.app import create_app

    db = tmp_path / "r.db"
    engine = create_app({"DATABASE": str(db), "SECRET_KEY": "k", "NOW": clock}).extensions["facilitator"].engine
    day = engine.create_day("Reader day", "2026-11-22", AUTHORITIES, "se-triad", None, clock.now)
    engine.join(day, "Wilhelmina Quaxley-Oduya", AUTHORITIES[0], clock.now)
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM participants").fetchone()  # a snapshot from before the deletion
    run = lambda: CliRunner().invoke(cli, ["delete", day["join_code"], "--yes", "--db", str(db)])  # noqa: E731
    held = run()
    assert held.exit_code == 1 and held.output.count("\n") == 1 and "run the same command again" in held.output
    reader.execute("COMMIT")
    again = run()
    assert again.exit_code == 1 and "no day or review has the id" in again.output  # it is gone ...
    assert files_holding(tmp_path, ["Wilhelmina Quaxley-Oduya"]) == {}  # ... and so is the log's copy
    reader.close()
