"""The writers every document shares: Word on A4, Markdown rendered safely, print pages that load
and run nothing; and the review's letter and record through them."""

from __future__ import annotations

import io
import re

import docx
import pytest

from facilitator.writers import markdown, page, word
from tests.support import Review


def test_markdown_text_cannot_carry_markup_and_rendering_runs_nothing():
    assert markdown.text("**bold** <b>\n| pipe") == "\\*\\*bold\\*\\* &lt;b\\> \\| pipe"
    html = markdown.render("# Title\n\n" + markdown.block("<script>alert(1)</script>\n\n[x](javascript:alert(1))"))
    assert "<h1>Title</h1>" in html and "<script" not in html and "javascript:" not in html
    assert "&lt;script&gt;" in html


def test_a_word_document_is_a4_with_its_notice_where_its_kind_puts_it():
    for internal in (False, True):
        d = word.new("A title", "A notice", internal)
        word.markdown(d, "## Part\n\n- one **bold**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
        made = docx.Document(io.BytesIO(word.save(d)))
        section = made.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        texts = [p.text for p in made.paragraphs]
        assert texts.index("A notice") == (0 if internal else 1) and "A title" in texts
        assert [c.text for c in made.tables[0].rows[1].cells] == ["1", "2"]
        assert any(r.bold and r.text == "bold" for p in made.paragraphs for r in p.runs)


def test_a_print_page_embeds_its_one_stylesheet():
    html = page.render("review/export.html", stylesheet="review.css", internal_notice="",
                       doc={"internal": False, "title": "T", "status": "draft", "due": None,
                            "letter": {"salutation": "", "summary": "", "variations": "", "signature": ""},
                            "priority_heading": "P", "priorities": [], "line_label": "L",
                            "record": {"lines": [], "actions": [], "date": None}})
    assert "<link" not in html and page.css("review.css").strip()[:40] in html


@pytest.fixture
def review(app):
    return Review(app)


def test_the_reviews_html_export_loads_nothing_and_its_word_copy_is_a4(review):
    response = review.lead.get(f"/reviews/{review.id}/export.html")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert not re.search(r"<(link|script|img)\b", html)
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'") and page.style_hash(page.css("review.css")) in policy
    for internal in ("0", "1"):
        made = docx.Document(io.BytesIO(review.lead.get(f"/reviews/{review.id}/export.docx?internal={internal}").data))
        section = made.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert made.paragraphs[0].text.startswith("INTERNAL COPY") == (internal == "1")
        assert "Record of the verbal feedback" in [p.text for p in made.paragraphs]
