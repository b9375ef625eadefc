"""Reading the write-up writes nothing: exports, the summary, case studies and summit packs leave the
database as they found it; a starred contribution's draft is shown at once and stored by the first
change made after it, under the id it was shown with."""

from __future__ import annotations

import io
import json
import re
import sqlite3

import docx
import pytest

from tests.daybuilder import play
from tests.support import csrf_of

A4 = (210, 297)  # millimetres


@pytest.fixture
def written(app, client, day, room):
    """A played day whose summary the facilitator has opened, then a strength starred after that."""
    got = play(room)
    client.get(f"/f/{day['facilitator_key']}")
    page = client.get(f"/console/{day['id']}/summary").get_data(as_text=True)
    got["links"] = dict(re.findall(r"<strong>([^<]+)</strong>: <a class=\"review-link\" href=\"http://localhost(/review/[^\"]+)\"", page))
    got["csrf"] = csrf_of(page)
    got["day"].moderate(got["sessions"][0]["strength_plain"], "star")  # its draft is not yet in the store
    return got


class Watch:
    """A second connection to the day's database: SQLite's data_version moves when another commits."""

    def __init__(self, app):
        self.db = sqlite3.connect(app.config["DATABASE"])

    def version(self) -> int:
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def rows(self, table: str) -> int:
        return self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def contents(self) -> dict:
        """Every table's rows but the access log's, which records each download by design."""
        names = [r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: sorted(map(repr, self.db.execute(f"SELECT * FROM [{n}]"))) for n in names if n != "access_log"}


def cases(client, day) -> list[dict]:
    return json.loads(client.get(f"/console/{day['id']}/export.json").data)["case_studies"]


def test_reading_the_write_up_leaves_the_database_unchanged(written, app, client, day):
    watch = Watch(app)
    before, stored, logged = watch.contents(), watch.rows("case_studies"), watch.rows("access_log")
    shown = cases(client, day)
    draft = next(c for c in shown if c["source_id"] == written["sessions"][0]["strength_plain"])
    north = written["links"]["Northshire"]
    paths = [f"/console/{day['id']}/export.{fmt}?anyway=1" for fmt in ("md", "html", "json", "csv", "docx")]
    paths += [f"/console/{day['id']}/export.html?internal=1&anyway=1", f"/console/{day['id']}/export.docx?internal=1&anyway=1",
              f"/console/{day['id']}/summary", f"/console/{day['id']}/case-studies/{draft['id']}",
              north, f"{north}/case-studies/{draft['id']}"]
    paths += [f"/summit/pack.{fmt}?day={day['id']}" for fmt in ("html", "md", "json")]
    paths += [f"/followup/summit/pack.{fmt}?day={day['id']}" for fmt in ("html", "md", "json", "docx")]
    for path in paths:
        assert client.get(path).status_code == 200, path
    assert watch.contents() == before  # only who took what is written: every download, by role and time
    assert watch.rows("access_log") > logged
    assert watch.rows("case_studies") == stored
    assert cases(client, day) == shown  # the same drafts, under the same ids, read after read


def test_a_draft_is_stored_by_the_next_change_under_the_id_it_was_shown_with(written, app, client, day):
    watch = Watch(app)
    shown = cases(client, day)
    assert watch.rows("case_studies") < len(shown)
    response = client.post(f"/console/{day['id']}/summary/day",
                           data={"csrf": written["csrf"], "markdown": "## Across the day\n\nWritten up.\n"})
    assert response.status_code == 302
    assert watch.rows("case_studies") == len(shown)
    assert cases(client, day) == shown


def test_a_host_agrees_a_draft_never_stored_and_it_reaches_the_summit(written, app, client, day):
    draft = next(c for c in cases(client, day) if c["source_id"] == written["sessions"][0]["strength_plain"])
    host = app.test_client()
    path = written["links"]["Northshire"]
    page = host.get(path).get_data(as_text=True)
    assert f'id="s-{draft["id"]}"' in page
    assert host.post(path + "/decide", data={"csrf": csrf_of(page), "subject_id": draft["id"],
                                             "status": "agreed"}).status_code == 302
    summit = json.loads(client.get(f"/summit/pack.json?day={day['id']}").data)
    assert [c["id"] for c in summit["case_studies"]] == [draft["id"]]


def test_an_unstarred_draft_never_stored_is_no_longer_shown(written, client, day):
    strength = written["sessions"][0]["strength_plain"]
    assert strength in {c["source_id"] for c in cases(client, day)}
    written["day"].moderate(strength, "unstar")
    assert strength not in {c["source_id"] for c in cases(client, day)}


def test_the_days_word_export_is_one_of_the_write_ups_formats_on_an_a4_page(written, app, client, day):
    url = f"/console/{day['id']}/export.docx"
    adapter = app.url_map.bind("localhost")
    assert adapter.match(url)[0] == "reports.download"
    response = client.get(url, query_string={"anyway": "1"})
    assert response.mimetype.endswith("wordprocessingml.document")
    assert response.headers["Content-Disposition"] == f'attachment; filename="{day["date"]}-{day["id"]}.docx"'
    summary = client.get(f"/console/{day['id']}/summary").get_data(as_text=True)
    assert f'href="/console/{day["id"]}/export.docx?internal=1&amp;download=1">docx</a>' in summary
    for data in (response.data, client.get(f"/followup/summit/pack.docx?day={day['id']}").data):
        section = docx.Document(io.BytesIO(data)).sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == A4
