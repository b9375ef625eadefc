"""After the day through the Flask test client: the host's response, the follow-up page six months
on, the review of impact, the ledger, the summit round on round and the Word copies."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser

import docx
import pytest

from tests.daybuilder import NAMES, active_parts, play
from tests.support import csrf_of, decide, host, multipart, parsed, review_links



def at(clock, iso_date: str) -> None:
    """Move the app's clock to noon on a date, local time."""
    from datetime import datetime

    clock.now = int(datetime.fromisoformat(iso_date + "T12:00").timestamp() * 1000)


WORDING = {  # each host agrees its offer and ask in its own words
    "Northshire": ("Our practice framework based on restorative practice and training for managers",
                   "Help with recruiting and retaining experienced social workers; our vacancy rate is 30%"),
    "Eastbridge": ("Our approach to retaining experienced social workers: career pathway and senior practitioner roles",
                   "We want a shared practice model so managers and workers speak the same language"),
    "Westvale": ("Our social work academy for newly qualified social workers with protected caseloads",
                 "Councillors do not understand their role as corporate parents"),
}


@pytest.fixture
def agreed(client, day, room):
    """A played day whose three hosts agreed every offer and ask in their own words; their review links."""
    got = play(room)
    client.get(f"/f/{day['facilitator_key']}")
    page = client.get(f"/console/{day['id']}/summary").get_data(as_text=True)
    links = review_links(page)
    for s in got["sessions"]:
        browser, review = host(client.application, links[s["presenter"]])
        for item, text in zip(("offer", "ask"), WORDING[s["presenter"]]):
            review = decide(browser, links[s["presenter"]], review, s[item], "edited", text)
    got["links"] = links
    return got


def docx_bytes(text: str = "We will recruit a cohort of experienced social workers.") -> bytes:
    d = docx.Document()
    d.add_heading("Northshire response", 0)
    d.add_paragraph(text)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def upload(browser, path, name, data, public=False):
    page = browser.get(path + "/response").get_data(as_text=True)
    fields = {"csrf": csrf_of(page), "action": "upload"} | ({"public": "1"} if public else {})
    body, content_type = multipart(fields, name, data)
    return browser.post(path + "/response", data=body, content_type=content_type)


def test_the_host_writes_a_response_sanitised_and_marks_it_public(agreed, app):
    path = agreed["links"]["Eastbridge"]
    browser, page = host(app, path + "/response")
    r = browser.post(path + "/response", data={"csrf": csrf_of(page), "action": "write", "public": "1",
                                               "markdown": "# Our plan\n\n<script>alert(1)</script> **Edge of care** panel"})
    assert r.status_code == 302
    page = browser.get(path + "/response").get_data(as_text=True)
    assert "<strong>Edge of care</strong>" in page and "<h1>Our plan</h1>" in page
    assert active_parts(page.split('id="responses"', 1)[1].split('id="write"', 1)[0]) == []
    assert "Public: goes into the summit pack" in page


@pytest.mark.parametrize("name, data, message", [
    ("response.docx", b"MZ\x90\x00" + b"\x00" * 4000, "is named .docx but is not a Word document"),
    ("response.docx", b"PK\x03\x04" + b"\x00" * 100, "is named .docx but is not a Word document"),
    ("response.pdf", b"%PDF-1.7 but cut off", "is not a complete PDF"),
    ("response.docx", b"", "is empty"),
    ("response.exe", docx_bytes(), "is not a Word document (.docx) or a PDF"),
    ("response.pdf", b"%PDF-1.4\n" + b"x" * (11 * 1024 * 1024) + b"\n%%EOF\n", "at most 10 MB"),
])
def test_a_bad_upload_is_refused_and_changes_nothing(agreed, app, engine, name, data, message):
    path = agreed["links"]["Northshire"]
    browser, _ = host(app, path)
    before = app.extensions["facilitator"].followup.records.responses()
    r = upload(browser, path, name, data)
    assert r.status_code == 400
    assert message in r.get_data(as_text=True)
    assert app.extensions["facilitator"].followup.records.responses() == before


def test_an_upload_far_over_the_limit_is_refused(agreed, app):
    path = agreed["links"]["Northshire"]
    browser, _ = host(app, path)
    r = upload(browser, path, "huge.pdf", b"%PDF-1.4\n" + b"x" * (17 * 1024 * 1024))
    assert r.status_code == 413 and "larger than 10 MB" in r.get_data(as_text=True)
    assert app.extensions["facilitator"].followup.records.responses() == []


def test_a_docx_response_is_kept_in_the_database_and_downloads_unchanged(agreed, app):
    path = agreed["links"]["Northshire"]
    browser, _ = host(app, path)
    data = docx_bytes()
    assert upload(browser, path, "Northshire response.docx", data, public=True).status_code == 302
    page = browser.get(path + "/response").get_data(as_text=True)
    assert "Uploaded: Northshire response.docx" in page
    link = next(a["href"] for a in parsed(page).select("a[href]") if a["href"].endswith("/file"))
    got = browser.get(link)
    assert got.data == data and got.mimetype.endswith("wordprocessingml.document")
    # another host's link cannot fetch it
    other, _ = host(app, agreed["links"]["Eastbridge"])
    response_id = link.split("/")[-2]
    assert other.get(agreed["links"]["Eastbridge"] + f"/response/{response_id}/file").status_code == 404


def plan(browser, path, **form):
    page = browser.get(path + "/impact").get_data(as_text=True)
    return browser.post(path + "/impact/plan", data={"csrf": csrf_of(page), **form})


def standings(client) -> dict[str, str]:
    page = parsed(client.get("/followup").get_data(as_text=True))
    return {row["data-host"]: row.select_one(".pill")["class"][-1].removeprefix("standing-")
            for row in page.select("#followup tbody tr")}


def test_discretion_the_host_chooses_when_or_none_and_nothing_is_overdue(agreed, app, client, clock, day):
    assert standings(client) == dict.fromkeys(NAMES, "choosing")
    page = client.get("/followup").get_data(as_text=True)
    assert "From 2027-05-22" in page  # six months after 2026-11-22: the earliest, not a deadline
    east, west = (host(app, agreed["links"][a])[0] for a in ("Eastbridge", "Westvale"))
    assert plan(east, agreed["links"]["Eastbridge"], plan="date", planned_for="2027-09-15").status_code == 302
    assert plan(west, agreed["links"]["Westvale"], plan="none").status_code == 302
    at(clock, "2028-06-01")  # long after: a host that has not chosen is still choosing, never overdue
    client.get(f"/f/{day['facilitator_key']}")  # over a year on, the facilitator's link signs in again
    assert standings(client) == {"Northshire": "choosing", "Eastbridge": "ready", "Westvale": "not-held"}
    page = client.get("/followup").get_data(as_text=True)
    assert "overdue" not in page.lower() and "Not held: the host&#39;s choice" in page
    east_page = east.get(agreed["links"]["Eastbridge"] + "/impact").get_data(as_text=True)
    assert "Planned by Eastbridge for 15 September 2027." in east_page and "Overdue" not in east_page
    # the calendar follows the host's date; a host that holds none has no calendar to send
    ics = client.get(f"/followup/{day['id']}/Eastbridge/host.ics").get_data(as_text=True)
    assert "DTSTART;VALUE=DATE:20270915" in ics
    none = client.get(f"/followup/{day['id']}/Westvale/visiting-lead.ics")
    assert none.status_code == 404 and "Westvale chose not to hold a review of impact." in none.get_data(as_text=True)
    # a host that chose none may change its mind; submitting is done, whatever was planned
    path = agreed["links"]["Westvale"]
    assert plan(west, path, plan="").status_code == 302
    page = west.get(path + "/impact").get_data(as_text=True)
    r = west.post(path + "/impact", data={"csrf": csrf_of(page), "action": "submit", "progress": "A new panel",
                                          "evidence": "Re-referrals down from 24% to 17%"})
    assert r.status_code == 302 and standings(client)["Westvale"] == "done"
    words = docx.Document(io.BytesIO(east.get(agreed["links"]["Eastbridge"] + "/impact.docx").data))
    rows = {r.cells[0].text: r.cells[1].text for r in words.tables[0].rows}
    assert rows["When"] == "Planned by Eastbridge for 15 September 2027."


@pytest.mark.parametrize("form, message", [
    ({"plan": "date", "planned_for": "2027-01-10"}, "choose 22 May 2027 or later"),
    ({"plan": "date", "planned_for": "next spring"}, "Give the date you plan to hold"),
    ({"plan": "whenever"}, "Choose a date, no review of impact, or not decided yet."),
])
def test_discretion_a_bad_plan_is_refused_keeps_what_was_typed_and_changes_nothing(agreed, app, form, message):
    path = agreed["links"]["Northshire"]
    browser, _ = host(app, path)
    assert plan(browser, path, plan="date", planned_for="2027-07-01").status_code == 302
    r = plan(browser, path, **form)
    assert r.status_code == 400
    page = parsed(r.get_data(as_text=True))
    assert message in page.select_one("#error").get_text()
    if form.get("planned_for"):
        assert page.select_one("#planned-for")["value"] == form["planned_for"]
    assert "Planned by Northshire for 1 July 2027." in browser.get(path + "/impact").get_data(as_text=True)
    other, _ = host(app, agreed["links"]["Eastbridge"])  # one host's link plans its own review only
    assert plan(other, agreed["links"]["Eastbridge"], plan="none").status_code == 302
    assert "Planned by Northshire for 1 July 2027." in browser.get(path + "/impact").get_data(as_text=True)


def test_calendar_files_one_per_person_the_hosts_link_in_the_hosts_only(agreed, client, day):
    host = client.get(f"/followup/{day['id']}/Northshire/host.ics")
    lead = client.get(f"/followup/{day['id']}/Northshire/visiting-lead.ics")
    assert host.status_code == lead.status_code == 200 and host.mimetype == lead.mimetype == "text/calendar"
    assert "-host.ics" in host.headers["Content-Disposition"] and "-visiting-lead.ics" in lead.headers["Content-Disposition"]
    host_text, lead_text = (r.get_data(as_text=True).replace("\r\n ", "") for r in (host, lead))
    for text in (host_text, lead_text):
        assert text.count("BEGIN:VEVENT") == 1 and "DTSTART;VALUE=DATE:20270522" in text
    assert "/review/" in host_text and "/impact" in host_text and "visiting lead" not in host_text
    assert "visiting lead" in lead_text and "Eastbridge\\, Westvale" in lead_text
    assert "/review/" not in lead_text and "://" not in lead_text  # no key of the host's, no link at all
    assert all(len(line.encode()) <= 75 for r in (host, lead) for line in r.get_data(as_text=True).split("\r\n"))
    assert client.get(f"/followup/{day['id']}/Northshire/everyone.ics").status_code == 404
    assert client.get(f"/followup/{day['id']}/Northshire.ics").status_code == 404
    assert client.application.test_client().get(f"/followup/{day['id']}/Northshire/host.ics").status_code == 403


def _offer_and_ask(agreed, authority):
    s = next(s for s in agreed["sessions"] if s["presenter"] == authority)
    return s["offer"], s["ask"]


def test_review_of_impact_answers_an_ask_with_another_authoritys_offer(agreed, app, client, clock):
    at(clock, "2027-06-01")
    east_offer, _ = _offer_and_ask(agreed, "Eastbridge")
    _, north_ask = _offer_and_ask(agreed, "Northshire")
    path = agreed["links"]["Northshire"]
    browser, page = host(app, path + "/impact")
    assert "Host to choose" in page and "Northshire worries about recruiting social workers" in page  # the self-assessment
    form = {"csrf": csrf_of(page), "action": "submit", "progress": "We ran a **recruitment academy**.",
            "evidence": "Vacancy rate down from 31% to 18%", f"status-{north_ask}": "answered",
            f"offer-{north_ask}": east_offer, f"evidence-{north_ask}": "Eight social workers recruited"}
    assert browser.post(path + "/impact", data=form).status_code == 302
    rows = {r["id"]: r for r in json.loads(client.get("/ledger.json").data)["items"]}
    assert rows[north_ask]["status"] == "answered" and rows[north_ask]["with_authority"] == "Eastbridge"
    assert rows[east_offer]["status"] == "taken up" and rows[east_offer]["with_authority"] == "Northshire"
    words = docx.Document(io.BytesIO(browser.get(path + "/impact.docx").data))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in words.tables]
    asks = next(t for t in tables if t[0][0] == "Ask")
    assert asks[1][1:3] == ["answered", "Eastbridge"]
    assert "Vacancy rate down from 31% to 18%" in "\n".join(p.text for p in words.paragraphs)


@pytest.mark.parametrize("change, message", [
    ({"status-{ask}": "sorted"}, "is not a status"),
    ({"status-{ask}": "answered"}, "Say which authority answered"),
    ({"status-{ask}": "answered", "by-{ask}": "Northshire"}, "is not another authority"),
    ({"status-{ask}": "answered", "offer-{ask}": "{own_offer}"}, "Choose an offer from another authority"),
    ({"action": "submit", "evidence": ""}, "Give the measurable evidence"),
])
def test_a_bad_review_of_impact_is_refused_and_changes_nothing(agreed, app, change, message):
    own_offer, ask = _offer_and_ask(agreed, "Northshire")
    path = agreed["links"]["Northshire"]
    browser, page = host(app, path + "/impact")
    form = {"csrf": csrf_of(page), "action": "save", "evidence": "x"}
    form.update({k.format(ask=ask): v.format(own_offer=own_offer) for k, v in change.items()})
    r = browser.post(path + "/impact", data=form)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert app.extensions["facilitator"].followup.records.outcomes() == {}
    assert app.extensions["facilitator"].followup.records.impacts() == {}


def test_facilitator_confirms_and_rejects_suggestions_and_the_ledger_remembers(agreed, client):
    page = client.get("/ledger").get_data(as_text=True)
    assert "Offers that may answer it" in page
    _, north_ask = _offer_and_ask(agreed, "Northshire")
    west_offer, _ = _offer_and_ask(agreed, "Westvale")
    east_offer, _ = _offer_and_ask(agreed, "Eastbridge")
    suggested = json.loads(client.get("/ledger.json").data)["items"]
    ask_row = next(r for r in suggested if r["id"] == north_ask)
    assert {s["id"] for s in ask_row["suggestions"]} == {west_offer, east_offer}  # never its own offer
    token = csrf_of(page)
    assert client.post("/ledger/match", data={"csrf": token, "ask_id": north_ask, "offer_id": west_offer,
                                              "decision": "rejected"}).status_code == 302
    assert client.post("/ledger/match", data={"csrf": token, "ask_id": north_ask, "offer_id": east_offer,
                                              "decision": "confirmed"}).status_code == 302
    rows = {r["id"]: r for r in json.loads(client.get("/ledger.json").data)["items"]}
    assert rows[north_ask]["status"] == "matched" and rows[north_ask]["with_authority"] == "Eastbridge"
    assert rows[north_ask]["suggestions"] == []
    assert client.application.extensions["facilitator"].followup.records.matches()[(north_ask, west_offer)]["decision"] == "rejected"
    other_ask = next(r for r in rows.values() if r["role"] == "ask" and r["authority"] == "Eastbridge")
    assert [s["authority"] for s in other_ask["suggestions"]] == ["Northshire"]  # its practice framework
    assert client.post("/ledger/match", data={"csrf": token, "ask_id": north_ask, "offer_id": north_ask,
                                              "decision": "confirmed"}).status_code == 404
    csv_text = client.get("/ledger.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeffAuthority,Kind,What was agreed,Status") and ",matched," in csv_text


def test_day_export_in_word_has_the_grid_as_a_table_and_no_names(agreed, client, day):
    words = docx.Document(io.BytesIO(client.get(f"/console/{day['id']}/export.docx?anyway=1").data))
    text = "\n".join(p.text for p in words.paragraphs) + "\n".join(
        c.text for t in words.tables for row in t.rows for c in row.cells)
    assert not any(n in text for n in NAMES.values())
    grid = next(t for t in words.tables if t.rows[0].cells[0].text == "Authority" and len(t.columns) == 12)
    by = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in grid.rows[1:]}
    workforce = [c.text for c in grid.rows[0].cells].index("Workforce") - 1
    assert by["Northshire"][workforce] == "2 ▲"
    internal = docx.Document(io.BytesIO(client.get(f"/console/{day['id']}/export.docx?internal=1&anyway=1").data))
    assert internal.paragraphs[0].text.startswith("INTERNAL COPY")
    assert "Nadia Quill" in [c.text for t in internal.tables for row in t.rows for c in row.cells]


def test_command_line_ledger_summit_and_word_export(agreed, app, day, tmp_path):
    from click.testing import CliRunner

    from facilitator.cli import cli

    db = app.config["DATABASE"]
    runner = CliRunner()
    r = runner.invoke(cli, ["ledger", "--format", "csv", "--out", str(tmp_path / "ledger.csv"), "--db", db])
    assert r.exit_code == 0, r.output
    assert "6 asks and offers; asks 3 open; offers 3 open" in r.output
    assert (tmp_path / "ledger.csv").read_text(encoding="utf-8-sig").startswith("Authority,Kind,What was agreed")
    r = runner.invoke(cli, ["export", day["id"], "--format", "docx", "--out", str(tmp_path / "day.docx"), "--db", db,
                            "--anyway"])
    assert r.exit_code == 0, r.output
    assert docx.Document(str(tmp_path / "day.docx")).tables
    r = runner.invoke(cli, ["summit", day["id"], "--out", str(tmp_path / "pack"), "--db", db])
    assert r.exit_code == 0, r.output
    assert docx.Document(str(tmp_path / "pack" / "summit.docx")).tables
    r = runner.invoke(cli, ["ledger", "--out", str(tmp_path / "x.csv"), "--db", str(tmp_path / "none.db")])
    assert r.exit_code == 1 and r.output.count("\n") == 1 and "no such database" in r.output


def test_summit_register_by_text_similarity_and_public_responses(agreed, app, client, day):
    path = agreed["links"]["Westvale"]
    browser, _ = host(app, path)
    assert upload(browser, path, "Westvale.docx", docx_bytes("We will open an academy."), public=True).status_code == 302
    assert upload(browser, path, "Private.docx", docx_bytes("Not for the summit."), public=False).status_code == 302
    p = json.loads(client.get("/followup/summit/pack.json", query_string={"day": day["id"]}).data)
    north = next(a for a in p["asks"] if a["authority"] == "Northshire")
    assert [o["authority"] for o in north["offers"]] == ["Eastbridge", "Westvale"]  # retaining, then academy
    assert [r["authority"] for r in p["responses"]] == ["Westvale"] and "We will open an academy." in p["responses"][0]["text"]
    assert p["change"] is None and p["answered"] == []
    assert client.get("/followup/summit/pack.html").status_code == 400
    assert client.get("/followup/summit/pack.html", query_string={"day": day["id"], "since": "June"}).status_code == 400
    assert app.test_client().get("/followup/summit/pack.json", query_string={"day": day["id"]}).status_code == 403


class _Links(HTMLParser):
    """Each link of a page: its address, its text, and the ids and labels of the elements around it."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, set]] = []
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.links.append({"href": attrs.get("href", ""), "text": "",
                               "within": set().union(*(marks for _, marks in self.open))})
        if tag not in self.VOID:
            self.open.append((tag, {attrs.get(k) for k in ("id", "aria-labelledby", "class") if attrs.get(k)}))

    def handle_endtag(self, tag):
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.open and any(t == "a" for t, _ in self.open):
            self.links[-1]["text"] += data


def links_in(client, path: str, area: str) -> dict[str, str]:
    page = client.get(path)
    assert page.status_code == 200, path
    parser = _Links()
    parser.feed(page.get_data(as_text=True))
    return {" ".join(a["text"].split()): a["href"] for a in parser.links if area in a["within"]}


def test_the_facilitator_reaches_follow_up_ledger_and_word_export_from_its_pages(client, day):
    client.get(f"/f/{day['facilitator_key']}")
    home = links_in(client, "/", "days-h")  # the "Your days" card
    console = links_in(client, f"/console/{day['id']}", "console-top")  # beside "After the session"
    exports = links_in(client, f"/console/{day['id']}/summary", "exports")
    assert home["Follow-up: reviews of impact"] == console["Follow-up"] == "/followup"
    assert home["The region's ledger of asks and offers"] == console["Ledger"] == "/ledger"
    assert exports["Word"] == f"/console/{day['id']}/export.docx"
    for path, says in (("/followup", "Test day"), ("/ledger", "No ask or offer has been agreed")):
        page = client.get(path)
        assert page.status_code == 200 and says in page.get_data(as_text=True)
    word = client.get(exports["Word"])
    if word.mimetype == "text/html":  # drafting is left in: the page asks, and its link downloads as it stands
        asked = parsed(word.get_data(as_text=True))
        word = client.get(asked.find("a", string="Download the Word copy as it stands")["href"])
    assert word.status_code == 200 and docx.Document(io.BytesIO(word.data)).tables
    stranger = client.application.test_client()  # a browser that holds no day is not shown it
    assert "Test day" not in stranger.get("/followup").get_data(as_text=True)
    assert stranger.get(exports["Word"]).status_code in (302, 403)


def test_a_written_response_reads_as_written_in_the_summit_pack_and_the_impact_copy(agreed, app, client, day):
    path = agreed["links"]["Westvale"]
    browser, page = host(app, path + "/response")
    assert browser.post(path + "/response", data={"csrf": csrf_of(page), "action": "write", "public": "1",
                        "markdown": "## Our plan\n\n- A **social work academy**\n- Protected caseloads"}).status_code == 302
    pack = parsed(client.get("/followup/summit/pack.html", query_string={"day": day["id"]}).get_data(as_text=True))
    text = pack.select_one(".response-text")
    assert text.select_one("strong").get_text() == "social work academy" and len(text.select("li")) == 2
    assert "**" not in text.get_text()
    words = docx.Document(io.BytesIO(browser.get(path + "/impact.docx").data))
    lines = [(p.style.name, p.text) for p in words.paragraphs]
    assert ("List Bullet", "A social work academy") in lines and not any("**" in t for _, t in lines)
    assert any(name.startswith("Heading") and t == "Our plan" for name, t in lines)
