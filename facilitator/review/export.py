"""The feedback letter with its verbal feedback record, as Word, print-ready HTML, Markdown and
JSON: strengths first, then areas for development, in the letter and in the record. The report
belongs to the host. Roles and critical incidents appear only in an internal copy, which says so
at its top."""

from __future__ import annotations

import json
from datetime import datetime

from ..core.scripts.review import ReviewScript
from ..writers import page, word
from . import feedback, incidents, letter
from .store import ReviewStore

FORMATS = {"docx": word.MIMETYPE,
           "md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
           "json": "application/json"}
STYLESHEET = "review.css"
INTERNAL = "INTERNAL COPY: names team roles and records critical incidents. Not for circulation."


def gather(rs: ReviewStore, review: dict, script: ReviewScript, internal: bool, now: int,
           record_only: bool = False, released_only: bool = False) -> dict:
    """The document: the letter and its record, or (`record_only`) the record alone;
    `released_only` keeps to the findings shared with the host."""
    current = letter.current(rs, review, script)
    record = feedback.verbal(rs, review, released_only) if released_only else current["record"]

    def evidence(note: dict) -> dict:
        return {"source": note["source"], "text": note["text"], **({"role": note["role"]} if internal else {})}

    doc = {
        "internal": internal, "record_only": record_only, "host": review["host"], "script": script.title,
        "title": (f"Record of the verbal feedback: {current['title']}" if record_only else current["title"]),
        "line_label": script.line_label, "priority_heading": script.priority_heading,
        "priority_intro": current["priority_intro"],
        "visit_days": [d.isoformat() for d in letter.visit_days(review, script)],
        "due": current["due"].isoformat() if current["due"] else None,
        "status": "signed off" if current["signed_ms"] else "draft",
        "signed_on": _day(current["signed_ms"]),
        "letter": {k: current[k] for k in ("salutation", "summary", "variations", "signature")},
        "lines": [ln["title"] for ln in record["lines"]],
        "strengths": [f["text"] for f in current["strengths"]],
        "developments": [f["text"] for f in current["developments"]],
        "priorities": [a["text"] for a in current["priorities"]],
        "record": {
            "lines": [{"title": ln["title"], "methods": ln["methods"], "method_comments": ln["method_comments"],
                       "findings": [_finding(f, [evidence(n) for n in f["evidence_notes"]]) for f in ln["findings"]],
                       "conclusions": ln["conclusions"], "host_comments": ln["host_comments"]}
                      for ln in record["lines"]],
            "actions": [{"text": a["text"], "agreed": a["agreed"], "commentary": a["commentary"]}
                        for a in record["actions"]],
            "date": record["date"],
        },
        "exported_on": _day(now),
    }
    if internal:
        # The handbook's form field by field, every time in words, as the lead's page shows it.
        doc["incidents"] = [{row["label"]: row["value"] for row in incidents.form(review, script, i)}
                            for i in rs.incidents(review["id"])]
    return doc


def _finding(f: dict, evidence: list[dict]) -> dict:
    reply = f["reply"]
    return {"kind": f["kind_label"], "text": f["text"], "evidence": evidence,
            "host_reply": {"stance": reply["stance_label"], "text": reply["text"]} if reply else None}


def _day(ms: int | None) -> str | None:
    return datetime.fromtimestamp(ms / 1000).date().isoformat() if ms else None


def render(doc: dict, fmt: str) -> tuple[bytes | str, str]:
    writers = {"docx": to_docx, "md": to_markdown, "html": to_html, "json": to_json}
    return writers[fmt](doc), FORMATS[fmt]


def to_json(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False)


def style_source() -> str:
    """The CSP source for the HTML copy's one embedded stylesheet."""
    return page.style_hash(page.css(STYLESHEET))


def to_html(doc: dict) -> str:
    return page.render("review/export.html", stylesheet=STYLESHEET, doc=doc, internal_notice=INTERNAL,
                       kinds=_kinds(doc),
                       lines_heading=f"{_plural(doc['line_label'])} investigated")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n\n") if p.strip()]


def _evidence_line(e: dict) -> str:
    return f"{e['source']}{' (' + e['role'] + ')' if 'role' in e else ''}: {e['text']}"


def _reply_line(f: dict) -> str:
    reply = f["host_reply"]
    return f"The host's reply ({reply['stance']}){': ' + reply['text'] if reply['text'] else ''}" if reply else ""


def to_markdown(doc: dict) -> str:
    out = [f"> {INTERNAL}\n"] if doc["internal"] else []
    out += [f"# {doc['title']}", "", f"*{doc['status'].capitalize()}*" + (
        f" · due {doc['due']}" if doc["due"] else ""), ""]
    if not doc["record_only"]:
        out += _letter_markdown(doc) + ["---", ""]
    out += ["## Record of the verbal feedback", ""]
    for n, ln in enumerate(doc["record"]["lines"], 1):
        out += [f"### {doc['line_label']} {n}: {ln['title']}", "", "**Methods used**", ""]
        out += [f"- {m}" for m in ln["methods"]] or ["- (none recorded)"]
        if ln["method_comments"]:
            out += ["", ln["method_comments"]]
        out += ["", "**Key findings and evidence base**", ""]
        for f in ln["findings"]:
            out += [f"- **{f['kind']}:** {f['text']}"] + [f"    - {_evidence_line(e)}" for e in f["evidence"]]
            out += [f"    - *{_reply_line(f)}*"] if f["host_reply"] else []
        out += ["", f"**Overall conclusions:** {ln['conclusions'] or '(none recorded)'}", "",
                f"**Comments from the host at the time of feedback:** {ln['host_comments'] or '(none)'}", ""]
    out += ["### Agreed actions", "", "| Action point | Agreed by host | Commentary |", "|---|---|---|"]
    out += [f"| {a['text']} | {a['agreed'] or '-'} | {a['commentary']} |" for a in doc["record"]["actions"]]
    out += ["", f"Date of verbal feedback: {doc['record']['date'] or '(not recorded)'}", ""]
    for i in doc.get("incidents", []):
        out += ["## Critical incident", ""] + [f"- **{k}:** {v or '-'}" for k, v in i.items()] + [""]
    return "\n".join(out)


def _letter_markdown(doc: dict) -> list[str]:
    out = [doc["letter"]["salutation"], ""] + [p + "\n" for p in paragraphs(doc["letter"]["summary"])]
    out += [f"## {_plural(doc['line_label'])} investigated", ""]
    out += [f"{n}. {t}" for n, t in enumerate(doc["lines"], 1)] or ["None."]
    for heading, texts in _kinds(doc):
        out += ["", f"## {heading}", ""] + ([f"- {t}" for t in texts] or ["None recorded."])
    out += ["", doc["priority_intro"], "", f"## {doc['priority_heading']}", ""]
    out += [f"{n}. {t}" for n, t in enumerate(doc["priorities"], 1)] or ["None."]
    return out + ["", "## Variations between team members' findings", "", doc["letter"]["variations"], "",
                  "Yours sincerely", "", doc["letter"]["signature"], ""]


def _kinds(doc: dict) -> list[tuple[str, list[str]]]:
    return [("Key strengths", doc.get("strengths") or []), ("Areas for development", doc.get("developments") or [])]


def _plural(label: str) -> str:
    return label[:-2] + "es" if label.endswith("is") else label + "s"


def to_docx(doc: dict) -> bytes:
    d = word.new(doc["title"], INTERNAL if doc["internal"] else None, doc["internal"])
    word.paragraph(d, f"{doc['status'].capitalize()}" + (f" · due {doc['due']}" if doc["due"] else ""))
    if not doc["record_only"]:
        _letter_docx(d, doc)
        word.page_break(d)
    word.heading(d, "Record of the verbal feedback")
    for n, ln in enumerate(doc["record"]["lines"], 1):
        word.heading(d, f"{doc['line_label']} {n}: {ln['title']}", 2)
        word.table(d, ["Methods used", "Comments on this aspect"],
                   [["\n".join(ln["methods"]) or "-", ln["method_comments"] or "-"], ["Key findings", "Evidence base"]]
                   + [[f"{f['kind']}: {f['text']}" + (f"\n{_reply_line(f)}" if f["host_reply"] else ""),
                       "\n".join(_evidence_line(e) for e in f["evidence"]) or "-"] for f in ln["findings"]],
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
            word.paragraph(d, f"{k}: {v or '-'}")
    return word.save(d)


def _letter_docx(d, doc: dict) -> None:
    word.paragraph(d, doc["letter"]["salutation"])
    for p in paragraphs(doc["letter"]["summary"]):
        word.paragraph(d, p)
    word.heading(d, f"{_plural(doc['line_label'])} investigated")
    word.items(d, doc["lines"] or ["None."], numbered=True)
    for heading, texts in _kinds(doc):
        word.heading(d, heading)
        word.items(d, texts or ["None recorded."])
    word.paragraph(d, doc["priority_intro"])
    word.heading(d, doc["priority_heading"])
    word.items(d, doc["priorities"] or ["None."], numbered=True)
    word.heading(d, "Variations between team members' findings")
    for text in (doc["letter"]["variations"], "Yours sincerely", doc["letter"]["signature"]):
        word.paragraph(d, text)
