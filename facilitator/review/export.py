"""The feedback letter with its verbal feedback record, as Word, print-ready HTML, Markdown and
JSON. The report belongs to the host. Roles and critical incidents appear only in an internal
copy, which says so at its top."""

from __future__ import annotations

import io
import json
from datetime import datetime

from flask import render_template

from . import letter
from ..core.scripts.review import ReviewScript
from .store import ReviewStore

FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
           "json": "application/json"}
INTERNAL = "INTERNAL COPY: names team roles and records critical incidents. Not for circulation."


def gather(rs: ReviewStore, review: dict, script: ReviewScript, internal: bool, now: int) -> dict:
    current = letter.current(rs, review, script)
    record = current["record"]

    def evidence(note: dict) -> dict:
        return {"source": note["source"], "text": note["text"], **({"role": note["role"]} if internal else {})}

    doc = {
        "internal": internal, "title": current["title"], "host": review["host"], "script": script.title,
        "line_label": script.line_label, "priority_heading": script.priority_heading,
        "visit_days": [d.isoformat() for d in letter.visit_days(review, script)],
        "due": current["due"].isoformat() if current["due"] else None,
        "status": "signed off" if current["signed_ms"] else "draft",
        "signed_on": _day(current["signed_ms"]),
        "letter": {k: current[k] for k in ("salutation", "summary", "variations", "signature")},
        "priorities": [a["text"] for a in current["priorities"]],
        "record": {
            "lines": [{"title": ln["title"], "methods": ln["methods"], "method_comments": ln["method_comments"],
                       "findings": [{"text": f["text"], "evidence": [evidence(n) for n in f["evidence_notes"]]}
                                    for f in ln["findings"]],
                       "conclusions": ln["conclusions"], "host_comments": ln["host_comments"]}
                      for ln in record["lines"]],
            "actions": [{"text": a["text"], "agreed": a["agreed"], "commentary": a["commentary"]}
                        for a in record["actions"]],
            "date": record["date"],
        },
        "exported_on": _day(now),
    }
    if internal:
        doc["incidents"] = [{k: i[k] for k in ("nature", "evidence", "identified_at", "role", "immediate_action",
                                               "raised_at", "host_action")}
                            | {"lead_signed": _stamp(i["lead_signed_ms"]), "host_signed": _stamp(i["host_signed_ms"])}
                            for i in rs.incidents(review["id"])]
    return doc


def _day(ms: int | None) -> str | None:
    return datetime.fromtimestamp(ms / 1000).date().isoformat() if ms else None


def _stamp(ms: int | None) -> str | None:
    return datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M") if ms else None


def render(doc: dict, fmt: str) -> tuple[bytes | str, str]:
    writers = {"docx": to_docx, "md": to_markdown, "html": to_html, "json": to_json}
    return writers[fmt](doc), FORMATS[fmt]


def to_json(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False)


def to_html(doc: dict) -> str:
    return render_template("review/export.html", doc=doc)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n\n") if p.strip()]


def _evidence_line(e: dict) -> str:
    return f"{e['source']}{' (' + e['role'] + ')' if 'role' in e else ''}: {e['text']}"


def to_markdown(doc: dict) -> str:
    out = [f"> {INTERNAL}\n"] if doc["internal"] else []
    out += [f"# {doc['title']}", "", f"*{doc['status'].capitalize()}*" + (
        f" · due {doc['due']}" if doc["due"] else ""), "", doc["letter"]["salutation"], ""]
    out += [p + "\n" for p in paragraphs(doc["letter"]["summary"])]
    out += [f"## {doc['priority_heading']}", ""]
    out += [f"{n}. {t}" for n, t in enumerate(doc["priorities"], 1)] or ["None."]
    out += ["", "## Variations between team members' findings", "", doc["letter"]["variations"], "",
            "Yours sincerely", "", doc["letter"]["signature"], "", "---", "", "## Record of the verbal feedback", ""]
    for ln in doc["record"]["lines"]:
        out += [f"### {doc['line_label']}: {ln['title']}", "", "**Methods used**", ""]
        out += [f"- {m}" for m in ln["methods"]] or ["- (none recorded)"]
        if ln["method_comments"]:
            out += ["", ln["method_comments"]]
        out += ["", "**Key findings and evidence base**", ""]
        for f in ln["findings"]:
            out += [f"- {f['text']}"] + [f"    - {_evidence_line(e)}" for e in f["evidence"]]
        out += ["", f"**Overall conclusions:** {ln['conclusions'] or '(none recorded)'}", "",
                f"**Comments from the host at the time of feedback:** {ln['host_comments'] or '(none)'}", ""]
    out += ["### Agreed actions", "", "| Action point | Agreed by host | Commentary |", "|---|---|---|"]
    out += [f"| {a['text']} | {a['agreed'] or '-'} | {a['commentary']} |" for a in doc["record"]["actions"]]
    out += ["", f"Date of verbal feedback: {doc['record']['date'] or '(not recorded)'}", ""]
    for i in doc.get("incidents", []):
        out += ["## Critical incident", ""] + [f"- **{k.replace('_', ' ')}:** {v or '-'}" for k, v in i.items()] + [""]
    return "\n".join(out)


def _bold(cells) -> None:
    """A table's heading row, in bold."""
    for cell in cells:
        for run in (r for p in cell.paragraphs for r in p.runs):
            run.bold = True


def to_docx(doc: dict) -> bytes:
    from docx import Document

    word = Document()
    if doc["internal"]:
        word.add_paragraph().add_run(INTERNAL).bold = True
    word.add_heading(doc["title"], level=0)
    word.add_paragraph(f"{doc['status'].capitalize()}" + (f" · due {doc['due']}" if doc["due"] else ""))
    word.add_paragraph(doc["letter"]["salutation"])
    for p in paragraphs(doc["letter"]["summary"]):
        word.add_paragraph(p)
    word.add_heading(doc["priority_heading"], level=1)
    for text in doc["priorities"] or ["None."]:
        word.add_paragraph(text, style="List Number")
    word.add_heading("Variations between team members' findings", level=1)
    word.add_paragraph(doc["letter"]["variations"])
    word.add_paragraph("Yours sincerely")
    word.add_paragraph(doc["letter"]["signature"])
    word.add_page_break()
    word.add_heading("Record of the verbal feedback", level=1)
    for ln in doc["record"]["lines"]:
        word.add_heading(f"{doc['line_label']}: {ln['title']}", level=2)
        table = word.add_table(rows=1, cols=2, style="Table Grid")
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Methods used", "Comments on this aspect"
        _bold(table.rows[0].cells)
        row = table.add_row().cells
        row[0].text, row[1].text = "\n".join(ln["methods"]) or "-", ln["method_comments"] or "-"
        row = table.add_row().cells
        row[0].text, row[1].text = "Key findings", "Evidence base"
        _bold(row)
        for f in ln["findings"]:
            row = table.add_row().cells
            row[0].text = f["text"]
            row[1].text = "\n".join(_evidence_line(e) for e in f["evidence"]) or "-"
        word.add_paragraph().add_run("Overall conclusions: ").bold = True
        word.add_paragraph(ln["conclusions"] or "-")
        word.add_paragraph().add_run("Comments from the host at the time of feedback: ").bold = True
        word.add_paragraph(ln["host_comments"] or "-")
    word.add_heading("Agreed actions arising from the review", level=2)
    table = word.add_table(rows=1, cols=3, style="Table Grid")
    for cell, text in zip(table.rows[0].cells, ("Action point", "Agreed by host (Y/N)", "Commentary")):
        cell.text = text
    _bold(table.rows[0].cells)
    for a in doc["record"]["actions"]:
        for cell, text in zip(table.add_row().cells, (a["text"], a["agreed"] or "-", a["commentary"])):
            cell.text = text
    word.add_paragraph(f"Date of verbal feedback: {doc['record']['date'] or '(not recorded)'}")
    for i in doc.get("incidents", []):
        word.add_heading("Critical incident", level=2)
        for k, v in i.items():
            word.add_paragraph(f"{k.replace('_', ' ').capitalize()}: {v or '-'}")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
