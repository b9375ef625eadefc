"""A day's exports, from the console and the command line: no names, inert markup, a valid JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from facilitator.cli import cli
from facilitator.writeup import formats
from tests.daybuilder import NAMES, active_parts, play
from tests.support import csrf_of, parsed

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "export-schema.json").read_text())


@pytest.fixture
def console(client, day, room):
    """A played day, and the facilitator's browser signed in to it."""
    played = play(room, hostile=True)
    client.get(f"/f/{day['facilitator_key']}")
    played["client"] = client
    return played


def export(client, day, fmt, **args) -> str:
    """A copy as it stands: a printed one (HTML, Word) past the question about drafting left in."""
    args = {"anyway": "1", **args} if fmt in formats.PRINTED else args
    response = client.get(f"/console/{day['id']}/export.{fmt}", query_string=args)
    assert response.status_code == 200, response.data
    return response.get_data(as_text=True)


@pytest.mark.parametrize("fmt", ["md", "html", "json", "csv"])
def test_no_export_names_a_participant(console, client, day, fmt):
    text = export(client, day, fmt)
    for name in NAMES.values():
        assert name not in text
    for authority in day["authorities"]:
        assert authority in text  # authorities are named


@pytest.mark.parametrize("fmt", ["md", "html", "json", "csv"])
def test_internal_copy_lists_who_attended_never_who_said_what(console, client, day, fmt):
    text = export(client, day, fmt, internal="1")
    first = text.lstrip("{\n ").splitlines()[0] if fmt == "json" else text.splitlines()[0]
    if fmt == "html":
        first = parsed(text).body.get_text("\n", strip=True).splitlines()[0]
    assert "INTERNAL COPY" in first and "who attended" in first
    if fmt == "csv":  # a row per contribution: no name beside any of them
        assert not any(name in text for name in NAMES.values())
        return
    assert all(name in text for name in NAMES.values())  # the attendance list
    said = [c["text"] for c in json.loads(export(client, day, "json"))["contributions"] if c["text"]]
    for line in text.splitlines():  # no line pairs a name with something said
        if any(name in line for name in NAMES.values()):
            assert not any(words in line for words in said), line


def test_json_validates_against_its_documented_schema(console, client, day):
    doc = json.loads(export(client, day, "json"))
    jsonschema.validate(doc, SCHEMA, format_checker=jsonschema.FormatChecker())
    internal = json.loads(export(client, day, "json", internal="1"))
    jsonschema.validate(internal, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert doc["internal"] is False and "participants" not in doc
    assert len(doc["contributions"]) == len(console["day"].added)
    questions = [c for c in doc["contributions"] if c["kind"] == "question"]
    assert questions and all(c["authority"] is None for c in questions)  # questions carry no source
    offers = [c for c in doc["contributions"] if c["kind"] == "offer"]
    assert {c["authority"] for c in offers} == set(day["authorities"])


def test_csv_has_a_row_per_contribution(console, client, day):
    rows = list(csv.DictReader(io.StringIO(export(client, day, "csv"))))
    assert len(rows) == len(console["day"].added)
    assert {r["kind"] for r in rows} >= {"risk", "question", "strength", "insight", "offer", "ask", "learning"}


def test_html_export_is_standalone_and_inert(console, client, day):
    response = client.get(f"/console/{day['id']}/export.html?anyway=1")
    html = response.get_data(as_text=True)
    assert active_parts(html) == []
    assert "&lt;script&gt;alert" in html
    assert "<link" not in html and "<script" not in html  # nothing to fetch, nothing to run
    assert "@page" in html and "A4" in html
    policy = response.headers["Content-Security-Policy"]
    assert "'sha256-" in policy and "script-src" not in policy and "unsafe-inline" not in policy


def test_markdown_export_escapes_hostile_contributions(console, client, day):
    md = export(client, day, "md")
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script>alert" in md or "&lt;script\\>alert" in md


def test_exports_need_the_facilitator(client, day):
    assert client.get(f"/console/{day['id']}/export.json").status_code == 403


def test_summary_edits_are_saved_and_exported(console, client, day):
    page = client.get(f"/console/{day['id']}/summary").get_data(as_text=True)
    token = csrf_of(page)
    edited = "## Session 1: Northshire\n\nA calm, confident session. <b>Bold claim</b>\n"
    assert client.post(f"/console/{day['id']}/summary/session-0", data={"csrf": token, "markdown": edited}).status_code == 302
    preview = client.post(f"/console/{day['id']}/summary/preview", data={"csrf": token, "markdown": "**hi** <script>x</script>"})
    assert preview.json["html"] == "<p><strong>hi</strong> &lt;script&gt;x&lt;/script&gt;</p>"
    assert "A calm, confident session." in export(client, day, "md")
    assert client.post(f"/console/{day['id']}/summary/session-0", data={"csrf": token, "action": "redraft"}).status_code == 302
    assert "A calm, confident session." not in export(client, day, "md")


def test_summary_save_needs_csrf(console, client, day):
    assert client.post(f"/console/{day['id']}/summary/day", data={"markdown": "x"}).status_code == 400


@pytest.mark.parametrize("fmt", ["md", "html", "json", "csv"])
def test_command_line_export(console, app, day, tmp_path, fmt):
    out = tmp_path / f"day.{fmt}"
    result = CliRunner().invoke(cli, ["export", day["id"], "--format", fmt, "--out", str(out),
                                      "--db", app.config["DATABASE"], "--anyway"])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert day["title"] in text or fmt == "csv"
    assert not any(name in text for name in NAMES.values())
    if fmt == "json":
        jsonschema.validate(json.loads(text), SCHEMA)


def test_command_line_export_of_an_unknown_day(app, tmp_path):
    result = CliRunner().invoke(cli, ["export", "nope", "--out", str(tmp_path / "x.md"), "--db", app.config["DATABASE"]])
    assert result.exit_code != 0 and "no day" in result.output


def test_drafting_left_in_asks_before_a_word_or_printed_copy(console, app, client, day, tmp_path):
    base = f"/console/{day['id']}"
    for fmt, link in (("docx", "Download the Word copy as it stands"), ("html", "Open the copy to print as it stands")):
        asked = client.get(f"{base}/export.{fmt}", query_string={"internal": "1"})
        assert asked.status_code == 200 and asked.mimetype == "text/html"  # a page that asks, not the copy
        page = parsed(asked.get_data(as_text=True))
        assert "“to be written up” is still in the text." in page.select_one("ul.left-in").get_text()
        assert page.find("a", string="Back to the summary")["href"] == f"{base}/summary"
        anyway = client.get(page.find("a", string=link)["href"])  # the same copy, internal still, as it stands
        assert anyway.status_code == 200 and "INTERNAL" in anyway.headers.get("Content-Disposition", "INTERNAL")
    for fmt in ("md", "json", "csv"):  # data, not paper: no question
        assert client.get(f"{base}/export.{fmt}").status_code == 200
    db = app.config["DATABASE"]
    refused = CliRunner().invoke(cli, ["export", day["id"], "--format", "docx", "--out", str(tmp_path / "d.docx"), "--db", db])
    assert refused.exit_code == 1 and refused.output.count("\n") == 1 and "drafting is left in" in refused.output
    assert "--anyway" in refused.output and not (tmp_path / "d.docx").exists()
    # written up, nothing is asked
    summary = client.get(f"{base}/summary").get_data(as_text=True)
    csrf = csrf_of(summary)
    doc = client.get(f"{base}/export.json").get_json()
    for part in doc["summary"]:
        text = part["markdown"].replace("to be written up", "said they would pilot a joint front door")
        assert client.post(f"{base}/summary/{part['part']}", data={"csrf": csrf, "markdown": text}).status_code == 302
    assert client.get(f"{base}/export.docx").status_code == 200
