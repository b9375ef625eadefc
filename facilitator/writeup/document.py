"""A day's exports: one document gathered from the store, then written as Markdown, HTML, JSON or CSV.

Non-attributable by default: authorities are named, participants never. Only an internal copy,
asked for on purpose, carries names, and it says so on its first line. The JSON's shape is
documented in docs/export-schema.json.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from datetime import datetime, timezone

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .. import ROOT
from . import casestudies, summary
from .casestudies import FIELD_LABELS
from ..core.scripts.day import Script

FORMATS = ("md", "html", "json", "csv")
SUMMARY_FIELDS = ("part", "title", "edited", "updated_ms", "markdown")
MIMETYPES = {"md": "text/markdown", "html": "text/html", "json": "application/json", "csv": "text/csv"}
SCHEMA = "https://facilitator.example/export-schema.json"
INTERNAL_NOTICE = "INTERNAL COPY: this copy names participants. Do not circulate it."
OPEN_NOTICE = "Non-attributable: authorities are named, participants never."
PRINT_CSS = ROOT / "static" / "css" / "export.css"
CSV_FIELDS = ("id", "session", "presenter", "step", "kind", "kind_label", "category", "text", "origin", "authority",
              "votes", "starred", "hidden", "merged_into", "asked", "agreement", "agreed_on")
_templates = Environment(loader=FileSystemLoader(str(ROOT / "templates")),
                         autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
_templates.filters["plural"] = summary.plural


def iso(ms: int | None) -> str | None:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat(timespec="seconds") if ms else None


# -- the one document every format is written from

def gather(engine, reports, day: dict, now: int, internal: bool = False) -> dict:
    """Read a day from the stores; starred strengths and offers become case-study drafts first."""
    script = engine.scripts[day["script"]]
    rows = engine.store.contributions(day["id"])
    reports.add_case_studies(day["id"], casestudies.drafts(script, rows), now)
    participants = engine.store.participants(day["id"]) if internal else None
    return build(script, day, rows, reports.summaries(day["id"]), reports.case_studies(day["id"]),
                 reports.agreements(day["id"]), now, participants)


def build(script: Script, day: dict, rows: list[dict], saved: dict, case_rows: list[dict], agreements: dict,
          now: int, participants: list[dict] | None = None) -> dict:
    """Everything about a day; `participants` given only for an internal copy."""
    internal = participants is not None
    doc = {"notice": INTERNAL_NOTICE if internal else OPEN_NOTICE, "internal": internal} | {
        "$schema": SCHEMA, "format": "facilitator-day", "version": 1, "exported_at": iso(now),
        "day": {"id": day["id"], "title": day["title"], "date": day["date"], "authorities": day["authorities"]},
        "script": {"id": script.id, "title": script.title, "category_label": script.category_label,
                   "categories": list(script.categories),
                   "kinds": {k: {"label": v.label, "categorised": v.categorised,
                                 "needs_agreement": summary.owned_by_presenter(script, k), "summit": v.summit}
                             for k, v in script.kinds.items()}},
        "summary": [{k: p[k] for k in SUMMARY_FIELDS}
                    for p in summary.current(script, day, casestudies.as_agreed(script, rows, agreements), saved)],
        "contributions": [_contribution(script, r, agreements) for r in rows],
        "case_studies": [_case_study(c, agreements) for c in case_rows],
    }
    if internal:
        names = {p["id"]: p["name"] for p in participants}
        for out, row in zip(doc["contributions"], rows):
            out["author_name"] = names.get(row["author_id"])
        doc["participants"] = [{"name": p["name"], "authority": p["authority"]} for p in participants]
    return doc


def _agreement(agreements: dict, subject_id: str) -> dict | None:
    a = agreements.get(subject_id)
    return {"status": a["status"], "text": a["text"], "by": a["by_role"], "on": a["decided_on"]} if a else None


def _contribution(script: Script, r: dict, agreements: dict) -> dict:
    kind = script.kinds.get(r["kind"])
    return {
        "id": r["id"], "kind": r["kind"], "kind_label": kind.label if kind else r["kind"], "category": r["category"],
        # an offer or ask reads as its host agreed it, in every format
        "text": casestudies.agreed_text(r, agreements) if casestudies.is_agreed(agreements, r["id"]) else r["text"],
        "session": r["session"], "presenter": r["presenter"], "step": r["step"],
        "origin": r["origin"],
        "authority": r["author_authority"] if summary.attributed(script, r["kind"]) else None,
        "named_by_presenter": summary.named_by_presenter(r) if kind and kind.categorised else None,
        "votes": r["votes"] or 0, "starred": bool(r["starred"]), "hidden": bool(r["hidden"]),
        "merged_into": r["merged_into"], "asked": iso(r["asked_ms"]), "created": iso(r["created_ms"]),
        "agreement": _agreement(agreements, r["id"]) if kind and summary.owned_by_presenter(script, r["kind"]) else None,
    }


def _case_study(c: dict, agreements: dict) -> dict:
    a = agreements.get(c["id"])
    return {"id": c["id"], "source_id": c["source_id"], **{f: c[f] or "" for f in FIELD_LABELS},
            "approval": {"status": a["status"] if a else "pending", "on": a["decided_on"] if a else None}}


# -- what each format shows

CUT_SHORT = ("…", "...")


def placeholders(doc: dict) -> list[str]:
    """Drafting scaffolding still in a day's write-up, to be put right before it is printed."""
    found = [f"{p['title']}: “{summary.PLACEHOLDER}” is still in the text."
             for p in doc["summary"] if summary.PLACEHOLDER in p["markdown"]]
    for c in doc["case_studies"]:
        if c["title"].rstrip().endswith(CUT_SHORT):
            found.append(f"Case study “{c['title']}”: the title is cut short.")
        if not c["summary"].strip():
            found.append(f"Case study “{c['title']}”: the summary is empty.")
    return found


def awaiting(doc: dict) -> list[dict]:
    """Offers and asks as their hosts left them: declined ones are not shown."""
    return [c for c in doc["contributions"] if doc["script"]["kinds"].get(c["kind"], {}).get("needs_agreement")
            and not c["hidden"] and not c["merged_into"]
            and (c["agreement"] or {}).get("status") != "declined"]


def approval_line(approval: dict) -> str:
    if approval["status"] == "pending":
        return "awaiting the host's agreement"
    return f"{approval['status']} by the host on {approval['on']}"


def md_block(text: str) -> str:
    """Free text a person wrote in a form, as Markdown that cannot carry raw HTML."""
    return (text or "").replace("<", "&lt;").strip()


def to_markdown(doc: dict) -> str:
    d = doc["day"]
    head = [f"# {summary.md_text(d['title'])}", "",
            f"{d['date']} · {summary.md_text(', '.join(d['authorities']))} · {summary.md_text(doc['script']['title'])}", ""]
    # An internal copy says what it is before anything else; an open one says so under its title.
    out = [doc["notice"], ""] + head if doc["internal"] else head + [f"_{doc['notice']}_", ""]
    for part in doc["summary"]:
        out += [part["markdown"].rstrip(), ""]
    out += _offers_markdown(doc) + _cases_markdown(doc["case_studies"])
    if doc["internal"]:
        out += ["## Participants (internal)", ""]
        out += [f"- {summary.md_text(p['name'])} ({summary.md_text(p['authority'])})" for p in doc["participants"]]
        out += ["", "## Who added what (internal)", ""]
        out += [f"- {summary.md_text(c.get('author_name') or 'facilitator')}: {c['kind_label']}: "
                f"{summary.md_text(c['text'])}" for c in doc["contributions"]]
    return "\n".join(out).rstrip() + "\n"


def _offers_markdown(doc: dict) -> list[str]:
    rows = awaiting(doc)
    if not rows:
        return []
    out = ["## Offers and asks, as agreed by their hosts", "", "| Authority | Kind | Text | Agreement |", "|---|---|---|---|"]
    for c in rows:
        a = c["agreement"]
        text = a["text"] if a and a.get("text") else c["text"]
        state = f"{a['status']} {a['on']}" if a else "awaiting agreement"
        out.append(f"| {summary.md_text(c['presenter'] or '')} | {c['kind_label']} | {summary.md_text(text)} | {state} |")
    return out + [""]


def _cases_markdown(cases: list[dict]) -> list[str]:
    if not cases:
        return []
    out = ["## Case studies", ""]
    for c in cases:
        out += [f"### {summary.md_text(c['title'])}", "",
                f"**Authority:** {summary.md_text(c['authority'])}  ", f"**Theme:** {summary.md_text(c['theme']) or '–'}  ",
                f"**Approval:** {approval_line(c['approval'])}", ""]
        for field, label in FIELD_LABELS.items():
            if field not in ("title", "authority", "theme") and c[field]:
                out += [f"#### {label}", "", md_block(c[field]), ""]
    return out


def to_json(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_csv(doc: dict) -> str:
    out = io.StringIO()
    if doc["internal"]:
        out.write("# " + INTERNAL_NOTICE + "\n")
    fields = CSV_FIELDS + (("author_name",) if doc["internal"] else ())
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for c in doc["contributions"]:
        a = c["agreement"] or {}
        writer.writerow({**c, "agreement": a.get("status", ""), "agreed_on": a.get("on", ""),
                         "starred": int(c["starred"]), "hidden": int(c["hidden"]),
                         "text": _csv_safe(c["text"])})
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """A cell a spreadsheet would run as a formula starts with a quote instead."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# -- HTML: a standalone document that prints to A4

def print_css() -> str:
    return PRINT_CSS.read_text(encoding="utf-8")


def style_hash(css: str) -> str:
    """The CSP source that lets exactly this embedded stylesheet apply, and nothing else."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"


def render_page(template: str, **context) -> str:
    return _templates.get_template(template).render(css=Markup(print_css()), **context)


def to_html(doc: dict, left_in: list[str] | None = None) -> str:
    """The printable page; `left_in` lists drafting scaffolding to warn about on screen, never in print."""
    parts = [{**p, "html": Markup(summary.render(p["markdown"]))} for p in doc["summary"]]
    cases = [{**c, "fields": [(label, Markup(summary.render(md_block(c[f]))))
                              for f, label in FIELD_LABELS.items()
                              if f not in ("title", "authority", "theme") and c[f]],
              "approval_text": approval_line(c["approval"])} for c in doc["case_studies"]]
    return render_page("export.html", doc=doc, parts=parts, cases=cases, offers=awaiting(doc), left_in=left_in or [])


def write(doc: dict, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    return {"md": to_markdown, "html": to_html, "json": to_json, "csv": to_csv}[fmt](doc)
