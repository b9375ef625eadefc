"""Word (DOCX) copies of the day export, the summit pack and the review of impact, with python-docx.

Headings, tables and the signatures-of-risk grid as a table. Like the other formats they name
authorities and never participants; only the day's internal copy, asked for on purpose, lists
names, and says so first.
"""

from __future__ import annotations

import io
import re

from ..writeup import document as export, summary, summit
from ..writeup.casestudies import FIELD_LABELS

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*|_[^_]+_)")


def _new(title: str, notice: str, internal: bool = False):
    from docx import Document  # imported when a Word copy is asked for, not when the app starts

    d = Document()
    d.core_properties.title = title
    d.core_properties.author = "The facilitator"
    if internal:
        d.add_paragraph().add_run(notice).bold = True
    d.add_heading(title, level=0)
    if not internal:
        d.add_paragraph().add_run(notice).italic = True
    return d


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
    """A summary or response in Markdown as Word headings, lists, tables and paragraphs."""
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
        heading = re.match(r"^(#{1,6})\s+(.*)", s)
        bullet = re.match(r"^[-*+]\s+(.*)", s)
        numbered = re.match(r"^\d+[.)]\s+(.*)", s)
        if s.startswith("|"):
            if para:
                _runs(d.add_paragraph(), " ".join(para))
                para.clear()
            if not set(s) <= set("|-: "):  # the row under the header is only dashes
                cells = re.split(r"(?<!\\)\|", s.strip()[1:-1] if s.strip().endswith("|") else s.strip()[1:])
                rows.append([c.strip().replace("\\", "") for c in cells])
            continue
        if not s or heading or bullet or numbered or rows:
            flush()
        if heading:
            d.add_heading(heading.group(2).replace("\\", ""), level=min(9, base + len(heading.group(1)) - 1))
        elif bullet:
            _runs(d.add_paragraph(style="List Bullet"), bullet.group(1))
        elif numbered:
            _runs(d.add_paragraph(style="List Number"), numbered.group(1))
        elif s:
            para.append(s)
    flush()


def table(d, header: list[str], rows: list[list]) -> None:
    t = d.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    for row in rows:
        cells = t.add_row().cells
        for cell, value in zip(cells, row):  # a short row leaves its last cells empty; a long one is cut
            cell.text = "" if value is None else str(value)
    d.add_paragraph()


def grid_table(d, g: dict) -> None:
    """The signatures-of-risk grid: a row per authority, a column per category; ▲ named by itself."""
    rows = []
    for a in g["authorities"]:
        cells = [summit.cell(g, a, c) for c in g["categories"]]
        rows.append([a] + [f"{x['count'] or ''}{' ▲' if x['named'] else ''}" for x in cells])
    table(d, ["Authority"] + list(g["categories"]), rows)


def _save(d) -> bytes:
    from docx.shared import Pt

    d.styles["Normal"].font.size = Pt(10.5)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def day(doc: dict) -> bytes:
    """A day's export, as export.gather made it (internal or not)."""
    info = doc["day"]
    d = _new(info["title"], doc["notice"], doc["internal"])
    d.add_paragraph(f"{info['date']} · {', '.join(info['authorities'])} · {doc['script']['title']}")
    for part in doc["summary"]:
        markdown(d, part["markdown"], base=1)
    d.add_heading(f"{summary.plural(doc['script']['category_label'])} raised (▲ named by the authority itself)", level=1)
    grid_table(d, summit.grid([doc]))
    offers = export.awaiting(doc)
    if offers:
        d.add_heading("Offers and asks, as agreed by their hosts", level=1)
        table(d, ["Authority", "Kind", "Text", "Agreement"],
              [[c["presenter"] or "", c["kind_label"],
                (c["agreement"] or {}).get("text") or c["text"],
                f"{c['agreement']['status']} {c['agreement']['on']}" if c["agreement"] else "awaiting agreement"]
               for c in offers])
    _cases(d, doc["case_studies"])
    if doc["internal"]:
        d.add_heading("Participants (internal)", level=1)
        table(d, ["Name", "Authority"], [[p["name"], p["authority"]] for p in doc["participants"]])
    return _save(d)


def _cases(d, cases: list[dict]) -> None:
    if not cases:
        return
    d.add_heading("Case studies", level=1)
    for c in cases:
        d.add_heading(c["title"], level=2)
        table(d, ["Field", "Text"], [["Authority", c["authority"]], ["Theme", c["theme"] or "–"],
                                      ["Approval", export.approval_line(c["approval"])]]
              + [[label, c[f]] for f, label in FIELD_LABELS.items() if f not in ("title", "authority", "theme") and c[f]])


def summit_pack(p: dict) -> bytes:
    """The summit pack, round on round when a previous round is given."""
    d = _new("Summit pack", p["notice"])
    table(d, ["Day", "Date", "Authorities"], [[x["title"], x["date"], ", ".join(x["authorities"])] for x in p["days"]])
    d.add_heading("Case studies agreed by their hosts", level=1)
    if not p["case_studies"]:
        d.add_paragraph("No case study has been agreed yet.")
    for c in p["case_studies"]:
        d.add_heading(c["title"], level=2)
        table(d, ["Field", "Text"], [["Authority", c["authority"]], ["Day", c["day"]]]
              + [[label, c[f]] for f, label in FIELD_LABELS.items() if f not in ("title", "authority") and c[f]])
    label = p["grid"]["label"]
    d.add_heading(f"{summary.plural(label)} raised this round (▲ named by the authority itself)", level=1)
    grid_table(d, p["grid"])
    if p.get("change"):
        g = p["change"]
        d.add_heading(f"{summary.plural(label)} raised in the previous round", level=1)
        d.add_paragraph("Previous round: " + "; ".join(f"{x['title']} ({x['date']})" for x in p["previous_days"]))
        grid_table(d, p["previous_grid"])
        d.add_heading("Change since the previous round", level=1)
        table(d, ["Authority"] + g["categories"],
              [[r["authority"]] + [f"{c['change']:+d}" if c["change"] else "0" for c in r["cells"]] for r in g["rows"]]
              + [["All"] + [f"{t['change']:+d}" if t["change"] else "0" for t in g["totals"]]])
    d.add_heading("Asks register", level=1)
    table(d, ["Authority", "Ask", "Offers that may answer it"],
          [[a["authority"], a["text"], "; ".join(f"{o['authority']}: {o['text']}" for o in a["offers"]) or "–"]
           for a in p["asks"]])
    if "answered" in p:
        since = p.get("since") or "the start"
        d.add_heading(f"Asks answered since {since}", level=1)
        table(d, ["Authority", "Ask", "Answered by", "When"],
              [[r["authority"], r["text"], r["with_authority"] or "–", (r["since"] or "")[:10]] for r in p["answered"]])
        d.add_heading(f"Offers taken up since {since}", level=1)
        table(d, ["Authority", "Offer", "Taken up by", "When"],
              [[r["authority"], r["text"], r["with_authority"] or "–", (r["since"] or "")[:10]] for r in p["taken_up"]])
    for r in p.get("responses") or []:
        d.add_heading(f"{r['authority']}: {r['title']}", level=2)
        markdown(d, r["text"], base=3)
    d.add_heading("Common learning points", level=1)
    for x in p["learning"]:
        d.add_paragraph(f"{x['text']} ({x['day']})", style="List Bullet")
    return _save(d)


def review_of_impact(r: dict) -> bytes:
    """A host's review of impact, as impact_document made it."""
    e = r["engagement"]
    d = _new(f"{e['host']}: review of impact", export.OPEN_NOTICE)
    table(d, ["", ""], [["Challenge day", f"{e['title']} ({e['date']})"], ["Host", e["host"]],
                        ["Visiting", ", ".join(e["visiting"])], ["Due", r["due"]],
                        ["Submitted", r["submitted"] or "not yet"]])
    d.add_heading("The original scope", level=1)
    d.add_paragraph(r["scope"])
    d.add_heading("The findings of the self-assessment", level=1)
    table(d, ["Signature of risk", "What the host named"], [[x["category"], x["text"]] for x in r["self_assessment"]])
    d.add_heading("The commentary of the peer challenge", level=1)
    markdown(d, r["commentary"], base=2)
    d.add_heading("The first response", level=1)
    for x in r["responses"]:
        d.add_paragraph(x)
    if not r["responses"]:
        d.add_paragraph("No response was recorded.")
    d.add_heading("Progress on the improvement journey", level=1)
    markdown(d, r["progress"] or "Not recorded.", base=2)
    d.add_heading("Measurable evidence of impact", level=1)
    markdown(d, r["evidence"] or "Not recorded.", base=2)
    for role, heading, by in (("ask", "Asks", "Answered by"), ("offer", "Offers", "Taken up by"),
                              ("action", "Agreed actions", "With")):
        rows = [x for x in r["items"] if x["role"] == role]
        if rows:
            d.add_heading(heading, level=1)
            table(d, [heading[:-1], "Status", by, "Evidence"],
                  [[x["text"], x["status"], x["by"] or "–", x["evidence"] or ""] for x in rows])
    return _save(d)
