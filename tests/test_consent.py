"""What a host decided is honoured in every copy: a declined offer or ask is in none, a reworded
one reads in the host's words, an authority is named in the summit's grid and beside its insights
only once it agreed."""

from __future__ import annotations

import csv
import io
import json

import docx

from tests.support import csrf_of, decide, host, parsed

NORTH_OFFER = "Northshire can share its recruitment and retention academy model"
NORTH_ASK = "Help with recruiting experienced social workers to the workforce"
REWORDED = "Peer support to bring experienced social workers to Northshire"
INSIGHT = "The self-assessment is more cautious than the evidence suggests"
# what the summary held when the facilitator saved it before the host decided: its own copy of
# the lists, as a draft of the session once carried them
SAVED = f"""## Session 1: Northshire

### Reflection

_What Northshire heard: a clear plan._

### Offers

- {NORTH_OFFER} (Northshire)

### Asks

- {NORTH_ASK} (Northshire)
"""


def word_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def copies(client, app, played, day) -> dict[str, str]:
    """Every copy a day is printed in, and the host's own view of its summary."""
    base = f"/console/{day['id']}/export"
    out = {fmt: client.get(f"{base}.{fmt}?anyway=1").get_data(as_text=True) for fmt in ("md", "html", "json", "csv")}
    out["docx"] = word_text(client.get(f"{base}.docx?anyway=1").data)
    out["summary page"] = client.get(f"/console/{day['id']}/summary").get_data(as_text=True)
    path = played["links"]["Northshire"]
    browser, page = host(app, path)
    out["host's summary"] = parsed(page).select_one("#summary").get_text(" ")
    out["impact docx"] = word_text(browser.get(path + "/impact.docx").data)
    return out


def save_summary(client, day, text=SAVED):
    page = client.get(f"/console/{day['id']}/summary").get_data(as_text=True)
    r = client.post(f"/console/{day['id']}/summary/session-0", data={"csrf": csrf_of(page), "markdown": text})
    assert r.status_code == 302


def offers_table(md: str) -> list[list[str]]:
    body = md.split("## Offers and asks, and their hosts' agreement", 1)[1].split("\n## ", 1)[0]
    return [[c.strip() for c in line.strip("|").split("|")] for line in body.splitlines()
            if line.startswith("| ") and not line.startswith("| Authority")]


def test_declined_offer_is_in_no_copy(played, app, client, day):
    save_summary(client, day)
    path = played["links"]["Northshire"]
    browser, page = host(app, path)
    decide(browser, path, page, played["sessions"][0]["offer"], "declined")
    for name, text in copies(client, app, played, day).items():
        assert NORTH_OFFER not in text, name  # nor the case study drafted from it
    # what the host did agree to stays
    doc = json.loads(client.get(f"/console/{day['id']}/export.json").data)
    [offer] = [c for c in doc["contributions"] if c["id"] == played["sessions"][0]["offer"]]
    assert offer["text"] == "" and offer["agreement"]["status"] == "declined"
    rows = list(csv.DictReader(io.StringIO(client.get(f"/console/{day['id']}/export.csv").get_data(as_text=True))))
    assert next(r for r in rows if r["id"] == offer["id"])["text"] == ""


def test_reworded_ask_reads_in_the_hosts_words_everywhere(played, app, client, day):
    save_summary(client, day)
    path = played["links"]["Northshire"]
    browser, page = host(app, path)
    decide(browser, path, page, played["sessions"][0]["ask"], "edited", REWORDED)
    got = copies(client, app, played, day)
    for name in ("md", "html", "docx", "host's summary", "impact docx"):
        assert REWORDED in got[name], name
    # the old wording is gone from Northshire's session; the other hosts' asks say the same and
    # are left for them to decide
    northshire = got["md"].split("## Session 1: Northshire", 1)[1].split("## Session 2", 1)[0]
    assert NORTH_ASK not in northshire and f"- {REWORDED} (Northshire)" in northshire
    assert NORTH_ASK not in got["host's summary"] and NORTH_ASK not in got["impact docx"]
    assert ["Northshire", "Ask", NORTH_ASK] not in [r[:3] for r in offers_table(got["md"])]


def test_consent_table_marks_each_state(played, app, client, day):
    north, east = (played["links"][a] for a in ("Northshire", "Eastbridge"))
    browser, page = host(app, north)
    page = decide(browser, north, page, played["sessions"][0]["offer"], "declined")
    decide(browser, north, page, played["sessions"][0]["ask"], "edited", REWORDED)
    browser, page = host(app, east)
    decide(browser, east, page, played["sessions"][1]["offer"], "agreed")
    md = client.get(f"/console/{day['id']}/export.md").get_data(as_text=True)
    rows = {(r[0], r[1]): r for r in offers_table(md)}
    assert rows[("Northshire", "Offer")][2] == "Not shown: the host declined it."
    assert rows[("Northshire", "Offer")][3].startswith("declined by the host on 20")
    assert rows[("Northshire", "Ask")][2:4] == [REWORDED, rows[("Northshire", "Ask")][3]]
    assert rows[("Northshire", "Ask")][3].startswith("reworded and agreed by the host on 20")
    assert rows[("Eastbridge", "Offer")][3].startswith("agreed by the host on 20")
    assert rows[("Westvale", "Ask")][3] == "awaiting the host's agreement"
    html = parsed(client.get(f"/console/{day['id']}/export.html?anyway=1").get_data(as_text=True))
    table = next(s for s in html.select("section") if "their hosts' agreement" in s.get_text())
    cells = [[td.get_text(strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
    assert ["Northshire", "Offer", "Not shown: the host declined it."] in [c[:3] for c in cells]
    assert sum(1 for c in cells if c[3] == "awaiting the host's agreement") == 3  # Eastbridge's ask, Westvale's two
    assert "awaiting the host's agreement" in word_text(client.get(f"/console/{day['id']}/export.docx?anyway=1").data)


def test_consent_summit_grid_names_only_the_authorities_that_agreed(played, app, client, day):
    path = played["links"]["Eastbridge"]
    browser, page = host(app, path)
    assert "counted without your name until then" in page
    page = decide(browser, path, page, "risk-grid:Eastbridge", "agreed")
    assert "You agreed to be named" in page
    path = played["links"]["Westvale"]
    browser, page = host(app, path)
    decide(browser, path, page, "risk-grid:Westvale", "declined")
    pack = json.loads(client.get("/summit/pack.json", query_string={"day": day["id"]}).data)
    grid = pack["grid"]
    assert grid["authorities"] == ["Eastbridge", "Not named"] and grid["unnamed"] == 2
    # Northshire's and Westvale's sessions pooled: two risks each in Workforce
    assert grid["cells"]["Not named"]["Workforce"]["count"] == 4
    assert grid["cells"]["Eastbridge"]["Workforce"]["count"] == 2
    html = client.get("/summit/pack.html", query_string={"day": day["id"]}).get_data(as_text=True)
    svg = parsed(html).select_one("svg.grid")
    drawn = {g["data-authority"] for g in svg.select("g.cell")}
    assert drawn == {"Eastbridge", "Not named"}
    assert "counts the other 2 together" in html
    md = client.get("/summit/pack.md", query_string={"day": day["id"]}).get_data(as_text=True)
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    assert not any(line.startswith(("| Northshire", "| Westvale")) for line in rows)
    # a host cannot agree for another authority's row
    r = browser.post(path + "/decide", data={"csrf": csrf_of(page), "subject_id": "risk-grid:Northshire",
                                             "status": "agreed"})
    assert r.status_code == 404


def test_insight_named_only_once_its_authority_agrees(played, app, client, day):
    insight = played["sessions"][0]["insight"]  # Westvale's, in Northshire's session
    md = client.get(f"/console/{day['id']}/export.md").get_data(as_text=True)
    assert f"{INSIGHT} (Westvale)" not in md and INSIGHT in md
    doc = json.loads(client.get(f"/console/{day['id']}/export.json").data)
    assert next(c for c in doc["contributions"] if c["id"] == insight)["authority"] is None
    # Northshire cannot name Westvale; Westvale sees its insight on its own page and agrees
    browser, page = host(app, played["links"]["Northshire"])
    r = browser.post(played["links"]["Northshire"] + "/decide",
                     data={"csrf": csrf_of(page), "subject_id": insight, "status": "agreed"})
    assert r.status_code == 404
    path = played["links"]["Westvale"]
    browser, page = host(app, path)
    article = parsed(page).select_one(f"#s-{insight}")
    assert INSIGHT in article.get_text() and "awaiting your agreement" in article.get_text()
    page = decide(browser, path, page, insight, "agreed")
    assert "Printed with Westvale's name" in parsed(page).select_one(f"#s-{insight}").get_text()
    doc = json.loads(client.get(f"/console/{day['id']}/export.json").data)
    assert next(c for c in doc["contributions"] if c["id"] == insight)["authority"] == "Westvale"
    summary = client.get(f"/console/{day['id']}/summary").get_data(as_text=True)
    assert f"{INSIGHT} (Westvale)" in summary
    # an edit-like answer is refused: naming is yes or no
    r = browser.post(path + "/decide", data={"csrf": csrf_of(page), "subject_id": insight, "status": "edited"})
    assert r.status_code == 400
