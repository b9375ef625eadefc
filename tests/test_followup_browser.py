"""In Chromium against a running server, the whole after-the-day flow of a region: two rounds of three
triad days; hosts agree asks and offers; one uploads a Word response and another writes one; bad uploads
are refused; the server's clock is moved past six months; the follow-up page shows what is due; hosts
complete reviews of impact answering asks with other authorities' offers; the ledger and the summit
pack round on round show it; the Word copies carry the right tables and no participant names."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import urllib.request
from datetime import date as Date
from pathlib import Path

import docx
import pytest
from playwright.sync_api import expect, sync_playwright

from facilitator.app import TEST_CLOCK_OFFSET
from tests.browser_helpers import ARTIFACTS, LAPTOP, assert_accessible, launch, watch_errors
from tests.support import LiveClient, LiveServer
from tests.daybuilder import Day

DATA = json.loads((Path(__file__).parent / "data" / "asks_offers.json").read_text(encoding="utf-8"))
ASHCOMBE = {"offer": "Our youth justice and children's social care joint panel for children at risk of custody",
            "ask": "Help to bring down the number of children placed at a distance from home"}
ROUNDS = [("2026-10-01", [["Northshire", "Eastbridge", "Westvale"], ["Southmoor", "Kingsford", "Harbourton"],
                          ["Fairhaven", "Millbrook", "Ashcombe"]], "Workforce"),
          ("2026-11-20", [["Northshire", "Southmoor", "Fairhaven"], ["Eastbridge", "Kingsford", "Millbrook"],
                          ["Westvale", "Harbourton", "Ashcombe"]], "Budget")]
PEOPLE = {a: f"{a[:3]}person Secretname" for r in ROUNDS for t in r[1] for a in t}  # must never reach a copy


def text_for(authority: str, role: str, round_no: int) -> str:
    if authority == "Ashcombe":
        return ASHCOMBE[role] + (" (again)" if round_no else "")
    return [x["text"] for x in DATA[role + "s"] if x["authority"] == authority][round_no]


class Room:
    """One day on the live server, played over the real-time API as phones and the console do."""

    def __init__(self, server: LiveServer, created: dict, authorities: list[str]):
        self.url, self.created, self.clients = server.url, created, []
        self.day = {"id": self._join("x", "observer")["day"], "authorities": authorities}

    def _join(self, name, authority):
        request = urllib.request.Request(f"{self.url}/api/join/{self.created['code']}", method="POST",
                                         data=json.dumps({"name": name, "authority": authority}).encode(),
                                         headers={"Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(request))

    def _connect(self, auth):
        client = LiveClient(self.url, {"day": self.day["id"], **auth})
        self.clients.append(client)
        return client

    def facilitator(self):
        return self._connect({"role": "facilitator", "key": self.created["key"]})

    def participant(self, name, authority):
        return self._connect({"role": "participant", "token": self._join(name, authority)["token"]})

    def close(self):
        for c in self.clients:
            c.sio.disconnect()


def new_day(server: LiveServer, title: str, date: str, authorities: list[str]) -> dict:
    args = [sys.executable, "-m", "facilitator", "new-day", "--title", title, "--date", date, "--db", str(server.db),
            "--url", server.url]
    for a in authorities:
        args += ["--authority", a]
    out = subprocess.run(args, check=True, capture_output=True, text=True, env=server.env).stdout
    key = re.search(r"/f/(\S+)", out).group(1)
    return {"key": key, "code": re.search(r"Join code: (\w+)", out).group(1), "facilitator_url": f"{server.url}/f/{key}"}


def play(server, title, date, authorities, round_no, category) -> dict:
    created = new_day(server, title, date, authorities)
    room = Room(server, created, authorities)
    try:
        d = Day(room, {a: PEOPLE[a] for a in authorities})
        d.next()
        for s, presenter in enumerate(authorities):
            d.add(presenter, "risk", f"{presenter} names its pressure on {category.lower()}", category)
            d.add(presenter, "risk", "Turnover in the leadership team", "Senior leadership turnover")
            d.next(4)  # open questions, strengths, balcony, reflection
            d.add(presenter, "offer", text_for(presenter, "offer", round_no))
            d.add(presenter, "ask", text_for(presenter, "ask", round_no))
            d.next(2 if s < 2 else 1)
    finally:
        room.close()
    return {**created, "id": room.day["id"], "authorities": authorities, "title": title}


def host_links(fac, url: str, days: list[dict]) -> dict[tuple[str, str], str]:
    """The facilitator signs in to each day and reads each host's own link off its summary page."""
    links = {}
    for d in days:
        fac.goto(d["facilitator_url"])
        fac.wait_for_url(re.compile(r"/console/"))
        fac.goto(f"{url}/console/{d['id']}/summary")
        for a in d["authorities"]:
            links[(d["id"], a)] = fac.locator("#hosts li", has_text=a).locator("a").get_attribute("href")
    return links


def docx_bytes() -> bytes:
    d = docx.Document()
    d.add_heading("Westvale: our response to the challenge day", 0)
    d.add_paragraph("We will open a social work academy and review our use of agency staff.")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def words(path) -> tuple[list[list[list[str]]], str]:
    document = docx.Document(str(path))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    text = "\n".join(p.text for p in document.paragraphs) + "\n" + "\n".join(
        c for t in tables for row in t for c in row)
    return tables, text


def download(page, locator, name) -> Path:
    with page.expect_download() as got:
        locator.click()
    path = ARTIFACTS / name
    got.value.save_as(str(path))
    return path


@pytest.fixture
def server(tmp_path):
    s = LiveServer(tmp_path).start(timeout=120)  # a busy shared machine can be slow to start it
    yield s
    s.close()


def test_a_region_after_the_day(server, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    days = [play(server, f"Round {r + 1} triad {t + 1}", date, triad, r, category)
            for r, (date, triads, category) in enumerate(ROUNDS) for t, triad in enumerate(triads)]
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = launch(pw)
        fac = browser.new_context(**LAPTOP, accept_downloads=True).new_page()
        watch_errors(fac, errors)
        links = host_links(fac, server.url, days)

        # Each host agrees its offer and its ask from its own link, in its own browser.
        host = browser.new_context(**LAPTOP, accept_downloads=True).new_page()
        watch_errors(host, errors)
        for (day_id, a), link in links.items():
            host.goto(link)
            for kind in ("Offer", "Ask"):
                item = host.locator("article.decision:not(.case-study)").filter(
                    has=host.locator(".tag", has_text=re.compile(f"^{kind}$")))
                item.locator("button[value=agreed]").click()
                expect(item.locator(".state")).to_contain_text("Agreed on")

        round1 = {a: d for d in days[:3] for a in d["authorities"]}
        # Westvale uploads its response as a Word document, marked public; bad uploads change nothing.
        west = links[(round1["Westvale"]["id"], "Westvale")]
        host.goto(west)
        host.get_by_role("link", name="Your response to the day").click()
        assert_accessible(host, "followup: host response, empty")
        bad = [("response.docx", b"MZ\x90\x00\x03" + b"\x00" * 5000, "is named .docx but is not a Word document"),
               ("big.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + b"\n%%EOF\n", "at most 10 MB"),
               ("empty.docx", b"", "is empty")]
        for name, data, message in bad:
            host.set_input_files("#document", files=[{"name": name, "mimeType": "application/octet-stream",
                                                      "buffer": data}])
            host.locator("#upload button[type=submit]").click()
            expect(host.locator("#error")).to_contain_text(message)
            expect(host.locator("article.response")).to_have_count(0)
        host.screenshot(path=str(ARTIFACTS / "followup-response-refused.png"), full_page=True)
        assert_accessible(host, "followup: host response, upload refused")
        host.set_input_files("#document", files=[{"name": "Westvale response.docx", "buffer": docx_bytes(),
                                                  "mimeType": "application/octet-stream"}])
        host.locator("#upload input[name=public]").check()
        host.locator("#upload button[type=submit]").click()
        expect(host.locator("article.response")).to_have_count(1)
        expect(host.locator("article.response h3")).to_contain_text("Uploaded: Westvale response.docx")
        expect(host.locator("article.response .state")).to_contain_text("Public")
        assert_accessible(host, "followup: host response, uploaded")

        # Kingsford writes its response in the app.
        host.goto(links[(round1["Kingsford"]["id"], "Kingsford")].rstrip("/") + "/response")
        host.fill("#markdown", "## What we will do differently\n\n- Open an **edge of care** service\n"
                               "- <script>document.title='owned'</script> Review our front door")
        host.locator("#write input[name=public]").check()
        host.locator("#write button[value=write]").click()
        expect(host.locator("article.response .preview strong")).to_have_text("edge of care")
        assert host.title() != "owned" and host.locator("article.response script").count() == 0
        host.evaluate("window.scrollTo(0, 0)")  # the page returns at its #responses anchor
        host.screenshot(path=str(ARTIFACTS / "followup-response-written.png"), full_page=True)
        assert_accessible(host, "followup: host response, written")

        # Before any host chooses: every review of impact is the host's to choose, from six months on.
        fac.goto(f"{server.url}/followup")
        expect(fac.locator("#followup tbody tr")).to_have_count(18)
        expect(fac.locator("#followup .standing-choosing")).to_have_count(18)
        assert_accessible(fac, "followup: follow-up list, hosts choosing")

        # Three hosts choose a date, one chooses none: the host DCS is in charge of the timetable.
        answering = ("Westvale", "Northshire", "Kingsford")
        for authority in answering + ("Eastbridge",):
            host.goto(links[(round1[authority]["id"], authority)])
            host.get_by_role("link", name="Review of impact: whether and when").click()
            expect(host.locator("#standing")).to_have_text("Host to choose")
            if authority == "Eastbridge":
                host.get_by_label("We will not hold a review of impact").check()
            else:
                host.get_by_label("We will hold it on the date below").check()
                host.get_by_label("The date of the review of impact").fill("2027-06-01")
            host.get_by_role("button", name="Save our choice").click()
            expect(host.locator("p[role=status]")).to_contain_text("Your choice is saved")
            if authority == "Westvale":
                expect(host.locator("#standing")).to_have_text("Planned")
                host.screenshot(path=str(ARTIFACTS / "followup-impact-planned.png"), full_page=True)
                assert_accessible(host, "followup: review of impact, a date chosen")
        expect(host.locator("#standing")).to_have_text("Not held: the host's choice")

        # Time passes: the server restarts with its clock on 10 June 2027. Nothing is overdue.
        server.env[TEST_CLOCK_OFFSET] = str((Date(2027, 6, 10) - Date.today()).days)
        server.stop()
        server.start(timeout=120)
        fac.goto(f"{server.url}/followup")
        expect(fac.locator("#followup .standing-ready")).to_have_count(3)
        expect(fac.locator("#followup .standing-not-held")).to_have_count(1)
        expect(fac.locator("#followup .standing-choosing")).to_have_count(14)
        expect(fac.locator("#followup")).not_to_contain_text("Overdue")
        fac.screenshot(path=str(ARTIFACTS / "followup-due.png"), full_page=True)
        assert_accessible(fac, "followup: follow-up list, planned, not held and choosing")
        ics = download(fac, fac.locator("#followup tr", has_text="Westvale").filter(has_text="Round 1").get_by_role(
            "link", name=re.compile("Host's calendar")), "westvale.ics").read_text()
        assert ics.count("BEGIN:VEVENT") == 1 and "DTSTART;VALUE=DATE:20270601" in ics

        # Hosts complete their reviews, answering asks with other authorities' offers.
        answers = [("Westvale", "Eastbridge", "Vacancy rate down from 30% to 19% in six months"),
                   ("Northshire", "Westvale", "Agency spend down by £1.2m a year"),
                   ("Kingsford", "Southmoor", "Teenagers entering care down from 41 to 27 a year")]
        assert tuple(a for a, _, _ in answers) == answering
        for asker, answerer, evidence in answers:
            host.goto(links[(round1[asker]["id"], asker)])
            host.get_by_role("link", name="Review of impact: whether and when").click()
            expect(host.locator("#standing")).to_have_text("Planned date reached")
            ask = host.locator("section:has(#ask-h) fieldset").first
            ask.get_by_label("Status").select_option("answered")
            offers = ask.get_by_label("With this offer")
            offers.select_option(label=next(o for o in offers.locator("option").all_inner_texts()
                                            if o.startswith(answerer + ":")))  # its round-1 offer comes first
            ask.get_by_label("Evidence").fill(evidence)
            host.fill("#progress", f"{asker} took up {answerer}'s offer.")
            host.fill("#evidence", evidence)
            if asker == "Westvale":
                host.screenshot(path=str(ARTIFACTS / "followup-impact-form.png"), full_page=True)
                assert_accessible(host, "followup: review of impact, filled in")
            host.get_by_role("button", name="Submit the review of impact").click()
            expect(host.locator("#standing")).to_contain_text("Submitted on 2027-06-10")
            expect(host.locator("section:has(#ask-h) .ledger-status")).to_have_text("answered")
        assert_accessible(host, "followup: review of impact, submitted")
        impact_docx = download(host, host.get_by_role("link", name="Download as Word"), "review-of-impact.docx")

        fac.goto(f"{server.url}/followup")
        expect(fac.locator("#followup .standing-done")).to_have_count(3)
        assert_accessible(fac, "followup: follow-up list, three done")

        # The ledger: answered asks, offers taken up, and the facilitator confirms a suggested match.
        fac.goto(f"{server.url}/ledger")
        expect(fac.locator("#ledger tbody tr")).to_have_count(36)
        expect(fac.locator("#ledger .ledger-answered")).to_have_count(3)
        expect(fac.locator("#ledger .ledger-taken-up")).to_have_count(3)
        assert_accessible(fac, "followup: ledger")
        harbour = fac.locator("#ledger tr[data-role=ask]", has_text="front door is overwhelmed")
        expect(harbour.locator(".suggestion").first).to_contain_text("Harbourton")
        harbour.get_by_role("button", name=re.compile("^Confirm Harbourton")).first.click()
        expect(fac.locator("#ledger tr[data-role=ask]", has_text="front door is overwhelmed").locator(".pill")).to_have_text("matched")
        fac.screenshot(path=str(ARTIFACTS / "followup-ledger.png"), full_page=True)
        assert_accessible(fac, "followup: ledger, a match confirmed")
        ledger_csv = download(fac, fac.get_by_role("link", name="Download CSV (Excel)"), "ledger.csv").read_text("utf-8-sig")
        statuses = [r["Status"] for r in csv.DictReader(io.StringIO(ledger_csv))]
        assert statuses.count("answered") == 3 and statuses.count("taken up") == 3
        assert statuses.count("matched") == 2  # the ask and the offer

        # The summit pack, round 2 against round 1.
        fac.goto(f"{server.url}/followup/summit")
        assert_accessible(fac, "followup: summit round on round, choosing the days")
        for d in days[3:]:
            fac.locator(f"fieldset:has(legend:text('This round')) input[value='{d['id']}']").check()
        for d in days[:3]:
            fac.locator(f"fieldset:has(legend:text('previous round')) input[value='{d['id']}']").check()
        fac.get_by_role("button", name="Open the pack").click()
        totals = fac.locator("#grid-change tr.total td")
        headers = fac.locator("#grid-change thead th").all_inner_texts()[1:]
        expect(totals.nth(headers.index("Workforce"))).to_have_text("-9")
        expect(totals.nth(headers.index("Budget"))).to_have_text("+9")
        expect(totals.nth(headers.index("Senior leadership turnover"))).to_have_text("0")
        expect(fac.locator("#answered tbody tr")).to_have_count(3)
        expect(fac.locator("#taken-up tbody tr")).to_have_count(3)
        fac.screenshot(path=str(ARTIFACTS / "followup-summit.png"), full_page=True)
        assert_accessible(fac, "followup: summit round on round, the pack")
        fac.go_back()
        summit_docx = download(fac, fac.get_by_role("button", name="Word"), "summit.docx")

        fac.goto(f"{server.url}/followup")
        fac.get_by_role("link", name=f"Word export of {days[0]['title']}").click()  # drafting left in: it asks
        expect(fac.get_by_role("heading", level=1)).to_have_text("Drafting is left in")
        day_docx = download(fac, fac.get_by_role("link", name="Download the Word copy as it stands"), "day.docx")
        browser.close()

    # The Word copies open, carry their tables, and name no participant.
    tables, text = words(summit_docx)
    assert not any(p in text for p in PEOPLE.values())
    change = next(t for t in tables if t[0][0] == "Authority" and t[-1][0] == "All")
    assert change[-1][change[0].index("Workforce")] == "-9" and change[-1][change[0].index("Budget")] == "+9"
    answered = next(t for t in tables if t[0] == ["Authority", "Ask", "Answered by", "When"])
    assert sorted(r[2] for r in answered[1:]) == ["Eastbridge", "Southmoor", "Westvale"]
    assert "We will open a social work academy" in text  # Westvale's public Word response
    assert "edge of care" in text  # Kingsford's written one
    tables, text = words(day_docx)
    assert not any(p in text for p in PEOPLE.values())
    grid = next(t for t in tables if t[0][0] == "Authority" and "Workforce" in t[0])
    assert [r[grid[0].index("Workforce")] for r in grid[1:]] == ["1 ▲"] * 3
    tables, text = words(impact_docx)
    assert not any(p in text for p in PEOPLE.values())
    asks = next(t for t in tables if t[0][0] == "Ask")
    assert asks[1][1:3] == ["answered", "Southmoor"]
    assert "Teenagers entering care down from 41 to 27 a year" in text
    refused = [e for e in errors if e.endswith("/response: Failed to load resource: the server responded with a status "
                                              "of 400 (BAD REQUEST)")]
    assert len(refused) == 3  # the three bad uploads, answered 400 with the page saying why
    assert [e for e in errors if e not in refused and ("/review/" in e or "/followup" in e or "/ledger" in e)] == []
