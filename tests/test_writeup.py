"""The write-up's plain rules: what Agree records, the grids kept out of the free text, whole
titles, and the drafting a facilitator is warned about before printing."""

from __future__ import annotations

import json

from facilitator.writeup import casestudies, document as export, summary
from tests.support import csrf_of, decide, host


def agreement(client, day, subject_id):
    doc = json.loads(client.get(f"/console/{day['id']}/export.json").data)
    return next(c for c in doc["contributions"] if c["id"] == subject_id)


def test_agree_records_the_words_in_the_box(played, app, client, day):
    s = played["sessions"][0]
    path = played["links"]["Northshire"]
    browser, page = host(app, path)
    page = decide(browser, path, page, s["ask"], "agreed", "Mentoring for newly qualified social workers")
    row = agreement(client, day, s["ask"])
    assert row["text"] == "Mentoring for newly qualified social workers"
    assert row["agreement"]["status"] == "edited"
    # agreeing the box as it stands keeps the host's words; agreeing the original is plain "agreed"
    decide(browser, path, page, s["ask"], "agreed")
    assert agreement(client, day, s["ask"])["agreement"]["text"] == "Mentoring for newly qualified social workers"
    decide(browser, path, page, s["offer"], "agreed", "Northshire can share its recruitment and retention academy model")
    assert agreement(client, day, s["offer"])["agreement"]["status"] == "agreed"
    # an empty box is refused, and nothing changes
    response = browser.post(path + "/decide", data={"csrf": csrf_of(page), "subject_id": s["ask"], "status": "agreed",
                                                     "text": "  "})
    assert response.status_code == 400
    assert agreement(client, day, s["ask"])["text"] == "Mentoring for newly qualified social workers"


def test_the_grids_are_kept_out_of_the_text_the_facilitator_edits(engine, day, played):
    script = engine.scripts[day["script"]]
    rows = engine.store.contributions(day["id"])
    prose = summary.session_prose(script, day, 0, rows)
    grids = summary.session_tables(script, day, 0, rows)
    assert "|" not in prose.replace("\\|", "") and "named and seen" not in prose
    assert grids.startswith("### Signatures of risk: named and seen") and "| Workforce |" in grids
    lists = summary.owned_lists(script, day, 0, rows)
    assert lists.startswith("### Offers") and "### Offers" not in prose  # the host's own, drawn apart
    full = summary.compose(prose, grids, lists)
    assert full == summary.draft(script, day, rows, "session-0")
    assert full.endswith(lists)
    assert full.index("named and seen") < full.index("Open questions asked")
    # an edited text saved with the grid in it keeps its own and gets no second one
    assert summary.compose(full, grids).count("named and seen") == 1
    # a text with no opening heading gets the grid first
    assert summary.compose("Just notes.\n", grids).startswith("### Signatures of risk")
    assert summary.compose("## Across the day\n", "") == "## Across the day\n"


def test_a_drafts_title_is_its_whole_first_sentence():
    assert casestudies.title_from("Our edge-of-care team keeps families together across the county. It works.") == (
        "Our edge-of-care team keeps families together across the county")
    assert casestudies.title_from("  A   stable   team  ") == "A stable team"
    assert "…" not in casestudies.title_from(" ".join(["word"] * 30))
    assert casestudies.FIELD_LABELS["summary"] == "Summary"


def test_placeholders_left_in_are_listed(engine, app, day, played):
    with app.app_context():
        doc = export.gather(engine, app.extensions["facilitator"].reports, day, 0)
    found = export.placeholders(doc)
    assert "Session 1: Northshire: “to be written up” is still in the text." in found
    assert len([f for f in found if "to be written up" in f]) == 3  # one reflection per session
    doc["case_studies"][0]["title"] = "A title cut short..."
    doc["case_studies"][1]["summary"] = " "
    found = export.placeholders(doc)
    assert "Case study “A title cut short...”: the title is cut short." in found
    assert any("the summary is empty" in f for f in found)
    for part in doc["summary"]:
        part["markdown"] = part["markdown"].replace(summary.PLACEHOLDER, "what they said")
    for c in doc["case_studies"]:
        c["title"], c["summary"] = "Whole", "Something"
    assert export.placeholders(doc) == []
