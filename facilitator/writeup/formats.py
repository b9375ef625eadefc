"""A day's document written out: Markdown, a print-ready HTML page, JSON, CSV and Word.

Every format is written from the one document document.gather makes, so each holds the same:
authorities named, participants never, unless it is an internal copy, which says so first.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date as Date

from markupsafe import Markup

from ..core.scripts.reader import RETENTION_THEN
from ..writers import markdown as md, page, word
from . import grid, summary
from .casestudies import FIELD_LABELS
from .document import INTERNAL_NOTICE

FORMATS = ("md", "html", "json", "csv", "docx")
PRINTED = ("html", "docx")  # the copies that go on paper: drafting left in is asked about first
MIMETYPES = {"md": "text/markdown", "html": "text/html", "json": "application/json", "csv": "text/csv",
             "docx": word.MIMETYPE}
CSV_FIELDS = ("id", "session", "presenter", "step", "kind", "kind_label", "category", "text", "origin", "authority",
              "votes", "starred", "hidden", "merged_into", "asked", "agreement", "agreed_on")
CASE_HEAD = ("title", "authority", "theme")  # a case study's fields shown above its sections
page.add_filter("plural", summary.plural)


# -- what each format shows

def awaiting(doc: dict) -> list[dict]:
    """Offers and asks with where each host's agreement stands; a declined one keeps its row,
    marked, with its words left out."""
    return [c for c in doc["contributions"] if doc["script"]["kinds"].get(c["kind"], {}).get("needs_agreement")
            and not c["hidden"] and not c["merged_into"]]


OFFERS_HEADING = "Offers and asks, and their hosts' agreement"


def approval_line(approval: dict) -> str:
    if approval["status"] == "pending":
        return "awaiting the host's agreement"
    return f"{approval['status']} by the host on {approval['on']}"


def case_sections(c: dict, shown_above=CASE_HEAD) -> list[tuple[str, str]]:
    """A case study's filled-in sections under their labels, less those shown above them."""
    return [(label, c[f]) for f, label in FIELD_LABELS.items() if f not in shown_above and c[f]]


AGREEMENT_WORDS = {"agreed": "agreed by the host on {on}", "edited": "reworded and agreed by the host on {on}",
                   "declined": "declined by the host on {on}"}
WITHHELD = "Not shown: the host declined it."


def agreement_line(a: dict | None) -> str:
    return AGREEMENT_WORDS[a["status"]].format(on=a["on"]) if a else "awaiting the host's agreement"


def _offer_row(c: dict) -> list[str]:
    a = c["agreement"]
    declined = bool(a) and a["status"] == "declined"
    return [c["presenter"] or "", c["kind_label"], WITHHELD if declined else c["text"], agreement_line(a)]


# -- Markdown

def kept_line(doc: dict) -> str | None:
    """What every copy says of how long the day is kept (seed 003: no longer than necessary)."""
    if not doc.get("kept_until"):
        return None
    then = RETENTION_THEN[doc.get("kept_then") or "delete"]
    return f"Kept until {Date.fromisoformat(doc['kept_until']):%-d %B %Y}, then {then}."


def to_markdown(doc: dict) -> str:
    d = doc["day"]
    head = [f"# {md.text(d['title'])}", "",
            f"{d['date']} · {md.text(', '.join(d['authorities']))} · {md.text(doc['script']['title'])}", ""]
    head += [kept_line(doc), ""] if kept_line(doc) else []
    # An internal copy says what it is before anything else; an open one says so under its title.
    out = [doc["notice"], ""] + head if doc["internal"] else head + [f"_{doc['notice']}_", ""]
    for part in doc["summary"]:
        out += [part["markdown"].rstrip(), ""]
    out += _offers_markdown(doc) + cases_markdown(doc["case_studies"])
    if doc["internal"]:
        out += ["## Participants (internal)", ""]
        out += [f"- {md.text(p['name'])} ({md.text(p['authority'])})" for p in doc["participants"]]
    return "\n".join(out).rstrip() + "\n"


def _offers_markdown(doc: dict) -> list[str]:
    rows = awaiting(doc)
    if not rows:
        return []
    out = [f"## {OFFERS_HEADING}", "", "| Authority | Kind | Text | Agreement |", "|---|---|---|---|"]
    for c in rows:
        who, kind, text, state = _offer_row(c)
        out.append(f"| {md.text(who)} | {kind} | {md.text(text)} | {state} |")
    return out + [""]


def case_markdown(c: dict) -> list[str]:
    """One case study under its title, with its approval; the summit pack prints them the same."""
    out = [f"### {md.text(c['title'])}", "",
           f"**Authority:** {md.text(c['authority'])}  ", f"**Theme:** {md.text(c['theme']) or '–'}  ",
           f"**Approval:** {approval_line(c['approval'])}", ""]
    for label, text in case_sections(c):
        out += [f"#### {label}", "", md.block(text), ""]
    return out


def cases_markdown(cases: list[dict]) -> list[str]:
    return ["## Case studies", ""] + [x for c in cases for x in case_markdown(c)] if cases else []


# -- JSON and CSV

def to_json(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_csv(doc: dict) -> str:
    out = io.StringIO()
    if doc["internal"]:
        out.write("# " + INTERNAL_NOTICE + "\n")
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for c in doc["contributions"]:
        a = c["agreement"] or {}
        writer.writerow({**c, "agreement": a.get("status", ""), "agreed_on": a.get("on", ""),
                         "starred": int(c["starred"]), "hidden": int(c["hidden"]),
                         "text": csv_safe(c["text"])})
    return out.getvalue()


def csv_safe(text: str) -> str:
    """A cell a spreadsheet would run as a formula starts with a quote instead."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# -- HTML: a standalone page that prints to A4

def html_cases(cases: list[dict]) -> list[dict]:
    """Case studies with their sections rendered, for the print pages' case cards."""
    return [{**c, "fields": [(label, Markup(md.render(md.block(text)))) for label, text in case_sections(c)],
             "approval_text": approval_line(c["approval"])} for c in cases]


def to_html(doc: dict, left_in: list[str] | None = None) -> str:
    """The printable page; `left_in` lists drafting scaffolding to warn about on screen, never in print."""
    parts = [{**p, "html": Markup(md.render(p["markdown"]))} for p in doc["summary"]]
    return page.render("export.html", doc=doc, parts=parts, cases=html_cases(doc["case_studies"]),
                       offers=[_offer_row(c) for c in awaiting(doc)], offers_heading=OFFERS_HEADING,
                       left_in=left_in or [], kept=kept_line(doc))


# -- Word

def to_docx(doc: dict) -> bytes:
    """Headings and tables, the signatures-of-risk grid as a table; internal or not as gathered."""
    info = doc["day"]
    d = word.new(info["title"], doc["notice"], doc["internal"])
    word.paragraph(d, f"{info['date']} · {', '.join(info['authorities'])} · {doc['script']['title']}")
    if kept_line(doc):
        word.paragraph(d, kept_line(doc))
    for part in doc["summary"]:
        word.markdown(d, part["markdown"], base=1)
    word.heading(d, f"{summary.plural(doc['script']['category_label'])} raised (▲ named by the authority itself)")
    word.table(d, *grid.as_table(grid.grid([doc])))
    offers = awaiting(doc)
    if offers:
        word.heading(d, OFFERS_HEADING)
        word.table(d, ["Authority", "Kind", "Text", "Agreement"], [_offer_row(c) for c in offers])
    cases_docx(d, doc["case_studies"], "Case studies",
               lambda c: [["Theme", c["theme"] or "–"], ["Approval", approval_line(c["approval"])]])
    if doc["internal"]:
        word.heading(d, "Participants (internal)")
        word.table(d, ["Name", "Authority"], [[p["name"], p["authority"]] for p in doc["participants"]])
    return word.save(d)


def cases_docx(d, cases: list[dict], title: str, about, shown_above=CASE_HEAD, none: str = "") -> None:
    """Each case study as a table of its fields, `about(c)` giving the rows under its authority;
    with no case study, the heading and `none` are written only if `none` is given."""
    if cases or none:
        word.heading(d, title)
    if not cases and none:
        word.paragraph(d, none)
    for c in cases:
        word.heading(d, c["title"], 2)
        word.table(d, ["Field", "Text"], [["Authority", c["authority"]]] + about(c)
                   + [list(s) for s in case_sections(c, shown_above)])


WRITERS = {"md": to_markdown, "html": to_html, "json": to_json, "csv": to_csv, "docx": to_docx}


def write(doc: dict, fmt: str) -> str | bytes:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    return WRITERS[fmt](doc)
