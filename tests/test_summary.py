"""The drafted summary: its sections hold what was captured, and rendering leaves nothing that runs."""

from __future__ import annotations

import re

import pytest

from tests.daybuilder import NAMES, active_parts, play
from facilitator.writeup import summary
from facilitator.writers import markdown


@pytest.fixture
def played(room):
    return play(room, hostile=True)


def _draft(engine, day, part):
    script = engine.scripts[day["script"]]
    return summary.draft(script, day, engine.store.contributions(day["id"]), part)


def _section(text: str, title: str) -> str:
    """The lines under one ### heading, up to the next heading."""
    match = re.search(rf"^### {re.escape(title)}[^\n]*\n(.*?)(?=^##|\Z)", text, re.S | re.M)
    assert match, f"no section {title!r} in:\n{text}"
    return match.group(1)


def test_session_summary_holds_what_was_captured(engine, day, played):
    got = played["sessions"][0]
    text = _draft(engine, day, "session-0")
    assert text.startswith("## Session 1: Northshire")
    risks = _section(text, "Signatures of risk")
    row = next(line for line in risks.splitlines() if line.startswith("| Workforce"))
    named, seen = [c.strip() for c in row.strip("|").split("|")][1:]
    assert "Northshire worries about recruiting social workers" in named
    assert "Agency staff carry a third of the caseloads" in seen and "Northshire worries" not in seen
    assert "Interim leaders" in _section(text, "Signatures of risk")
    assert "How do you know your early help offer" in _section(text, "Open questions asked")
    assert "pace of change" in _section(text, "Open questions asked").split("not reached")[1]
    assert "stable, well-supported workforce" in _section(text, "Strengths affirmed")
    assert "more cautious than the evidence" in _section(text, "Insights from the balcony")
    assert "to be written up" in _section(text, "Reflection")
    assert "recruitment and retention academy model (Northshire)" in _section(text, "Offers")
    assert "experienced social workers to the workforce (Northshire)" in _section(text, "Asks")
    # another session's contributions stay in their own session
    assert "Eastbridge worries" not in text


def test_day_summary_holds_learning_points_and_shared_themes(engine, day, played):
    text = _draft(engine, day, "day")
    assert "Workforce stability underpins every improvement journey" in _section(text, "Learning points")
    themes = _section(text, "Themes the authorities share")
    assert "Workforce: raised for all 3" in themes and "Budget: raised for all 3" in themes
    assert "Corporate support" not in themes


def test_no_names_in_any_draft(engine, day, played):
    for part, _ in summary.parts(day):
        text = _draft(engine, day, part)
        for name in NAMES.values():
            assert name not in text


def test_hostile_contributions_render_inert(engine, day, played):
    html = markdown.render(_draft(engine, day, "session-0"))
    assert active_parts(html) == []
    assert "&lt;script&gt;alert" in html and "&lt;img src=x onerror=" in html  # shown as text
    assert "<strong>bold</strong>" not in html  # a contribution's markup stays its own words


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[x](javascript:alert(1))",
    '<a href="#" onclick="alert(1)">x</a>',
    "<iframe src=//evil></iframe>",
    "![x](https://example.org/x.png)",
])
def test_render_neutralises_markup_a_facilitator_types(source):
    assert active_parts(markdown.render(source)) == []


def test_render_keeps_ordinary_markdown():
    html = markdown.render("## Title\n\n- one\n- **two**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<h2>Title</h2>" in html and "<strong>two</strong>" in html and "<td>1</td>" in html


def test_drafts_follow_the_script_not_fixed_names(engine, day, played):
    """Categories and kind labels come from the script: renaming them renames the sections."""
    import dataclasses

    script = engine.scripts[day["script"]]
    kinds = dict(script.kinds)
    kinds["risk"] = dataclasses.replace(kinds["risk"], label="Theme")
    renamed = dataclasses.replace(script, kinds=kinds, category_label="LGA theme")
    text = summary.draft(renamed, day, engine.store.contributions(day["id"]), "session-0")
    assert "### Themes: named and seen" in text and "| LGA theme |" in text
