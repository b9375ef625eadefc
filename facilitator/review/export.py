"""The feedback letter with its verbal feedback record, as Word, print-ready HTML, Markdown and
JSON. The report belongs to the host. Roles and critical incidents appear only in an internal
copy, which says so at its top."""

from __future__ import annotations

import json
from datetime import datetime

from ..core.scripts.review import ReviewScript
from ..writers import page, word
from . import letter
from .store import ReviewStore

FORMATS = {"docx": word.MIMETYPE,
           "md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
           "json": "application/json"}
STYLESHEET = "review.css"
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


def style_source() -> str:
    """The CSP source for the HTML copy's one embedded stylesheet."""
    return page.style_hash(page.css(STYLESHEET))


def to_html(doc: dict) -> str:
    return page.render("review/export.html", stylesheet=STYLESHEET, doc=doc, internal_notice=INTERNAL)


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


def to_docx(doc: dict) -> bytes:
    d = word.new(doc["title"], INTERNAL if doc["internal"] else None, doc["internal"])
    word.paragraph(d, f"{doc['status'].capitalize()}" + (f" · due {doc['due']}" if doc["due"] else ""))
    word.paragraph(d, doc["letter"]["salutation"])
    for p in paragraphs(doc["letter"]["summary"]):
        word.paragraph(d, p)
    word.heading(d, doc["priority_heading"])
    word.items(d, doc["priorities"] or ["None."], numbered=True)
    word.heading(d, "Variations between team members' findings")
    for text in (doc["letter"]["variations"], "Yours sincerely", doc["letter"]["signature"]):
        word.paragraph(d, text)
    word.page_break(d)
    word.heading(d, "Record of the verbal feedback")
    for ln in doc["record"]["lines"]:
        word.heading(d, f"{doc['line_label']}: {ln['title']}", 2)
        word.table(d, ["Methods used", "Comments on this aspect"],
                   [["\n".join(ln["methods"]) or "-", ln["method_comments"] or "-"], ["Key findings", "Evidence base"]]
                   + [[f["text"], "\n".join(_evidence_line(e) for e in f["evidence"]) or "-"] for f in ln["findings"]],
                   bold_rows=(1,))
        word.labelled(d, "Overall conclusions: ", ln["conclusions"] or "-")
        word.labelled(d, "Comments from the host at the time of feedback: ", ln["host_comments"] or "-")
    word.heading(d, "Agreed actions arising from the review", 2)
    word.table(d, ["Action point", "Agreed by host (Y/N)", "Commentary"],
               [[a["text"], a["agreed"] or "-", a["commentary"]] for a in doc["record"]["actions"]])
    word.paragraph(d, f"Date of verbal feedback: {doc['record']['date'] or '(not recorded)'}")
    for i in doc.get("incidents", []):
        word.heading(d, "Critical incident", 2)
        for k, v in i.items():
            word.paragraph(d, f"{k.replace('_', ' ').capitalize()}: {v or '-'}")
    return word.save(d)
