"""The one Word (DOCX) writer every document uses, with python-docx: an A4 page, the house's type,
headings, paragraphs, lists, tables, and Markdown turned into those. What goes in each document
is written beside the document's stage; this knows only how a page is laid out."""

from __future__ import annotations

import io
import re

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
A4_CM, MARGIN_CM, BODY_PT = (21.0, 29.7), 2.0, 10.5
_INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*|_[^_]+_)")


def new(title: str, notice: str | None = None, internal: bool = False):
    """An A4 document under its title; an internal copy says so before anything else."""
    from docx import Document  # imported when a Word copy is asked for, not when the app starts
    from docx.shared import Cm, Pt

    d = Document()
    for section in d.sections:  # python-docx starts from US Letter
        section.page_width, section.page_height = Cm(A4_CM[0]), Cm(A4_CM[1])
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(MARGIN_CM)
    d.styles["Normal"].font.size = Pt(BODY_PT)
    d.core_properties.title = title
    d.core_properties.author = "The facilitator"
    if notice and internal:
        d.add_paragraph().add_run(notice).bold = True
    d.add_heading(title, level=0)
    if notice and not internal:
        d.add_paragraph().add_run(notice).italic = True
    return d


def heading(d, text: str, level: int = 1) -> None:
    d.add_heading(text, level=min(9, level))


def paragraph(d, text: str = "", style: str | None = None) -> None:
    d.add_paragraph(text, style=style)


def labelled(d, label: str, text: str) -> None:
    """A bold label on its own line, then the text under it."""
    d.add_paragraph().add_run(label).bold = True
    d.add_paragraph(text)


def items(d, texts: list[str], numbered: bool = False) -> None:
    for text in texts:
        d.add_paragraph(text, style="List Number" if numbered else "List Bullet")


def page_break(d) -> None:
    d.add_page_break()


def table(d, header: list[str], rows: list[list], bold_rows: tuple[int, ...] = ()) -> None:
    """A grid table under a bold header; `bold_rows` (counted from 0 under it) are sub-headers."""
    t = d.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    for n, row in enumerate(rows):
        for cell, value in zip(t.add_row().cells, row):  # a short row leaves its last cells empty; a long one is cut
            cell.text = "" if value is None else str(value)
            if n in bold_rows:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    d.add_paragraph()


def _runs(paragraph, text: str) -> None:
    """Bold and italic Markdown inside a line become runs; the markers go."""
    for part in _INLINE.split(text):
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            paragraph.add_run(part[2:-2]).bold = True
        elif len(part) > 2 and part[0] == part[-1] and part[0] in "*_":
            paragraph.add_run(part[1:-1]).italic = True
        elif part:
            paragraph.add_run(part.replace("\\", ""))


def markdown(d, text: str, base: int = 1) -> None:
    """Markdown as Word headings (`#` at level `base`), lists, tables and paragraphs."""
    para: list[str] = []
    rows: list[list[str]] = []

    def flush():
        if para:
            _runs(d.add_paragraph(), " ".join(para))
            para.clear()
        if rows:
            table(d, rows[0], rows[1:])
            rows.clear()

    for line in (text or "").splitlines():
        s = line.strip()
        head = re.match(r"^(#{1,6})\s+(.*)", s)
        bullet = re.match(r"^[-*+]\s+(.*)", s)
        numbered = re.match(r"^\d+[.)]\s+(.*)", s)
        if s.startswith("|"):
            if para:
                _runs(d.add_paragraph(), " ".join(para))
                para.clear()
            if not set(s) <= set("|-: "):  # the row under the header is only dashes
                cells = re.split(r"(?<!\\)\|", s[1:-1] if s.endswith("|") else s[1:])
                rows.append([c.strip().replace("\\", "") for c in cells])
            continue
        if not s or head or bullet or numbered or rows:
            flush()
        if head:
            heading(d, head.group(2).replace("\\", ""), base + len(head.group(1)) - 1)
        elif bullet:
            _runs(d.add_paragraph(style="List Bullet"), bullet.group(1))
        elif numbered:
            _runs(d.add_paragraph(style="List Number"), numbered.group(1))
        elif s:
            para.append(s)
    flush()


def save(d) -> bytes:
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
