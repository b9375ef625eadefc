"""The summit pack across several days: agreed case studies, the signatures-of-risk grid, the asks
register beside the offers that may answer it, and the common learning points.

Built from the days' export documents, so it holds only what they hold: no participant names,
and nothing a host has not agreed.
"""

from __future__ import annotations

import json
import re
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from . import document as export, summary
from .casestudies import AGREED, FIELD_LABELS

# The register pairs the sector's asks with its offers; a script without these kinds has none.
STOPWORDS = set("""about after again also and any are been being both but can could does doing each for from
have having here how into its itself just more most much need needs other our ours over own same should some
such than that the their them then there these they this those through very want what when where which while
who will with would your region regional authority authorities support offer offers share sharing help""".split())
STEM = 6
SHADES = ("#ffffff", "#e3f1ec", "#b9dccf", "#7fbea9", "#3f9a80", "#1d6b57")
CELL_W, CELL_H, LEGEND_H, CHAR_W = 44, 30, 60, 6.6  # CHAR_W: a rough width of a 12px character
LEGEND_LABEL_W, LEGEND_W = 110, 460
SIN, COS = 0.819, 0.574  # of the 55 degrees the column headings are turned through


def _agreed(c: dict) -> bool:
    return bool(c["agreement"]) and c["agreement"]["status"] in AGREED


def _role(doc: dict, c: dict) -> str:
    """A contribution's place in the asks register, from its kind in the day's script."""
    return doc["script"]["kinds"].get(c["kind"], {}).get("summit", "")


def _live(c: dict) -> bool:
    return not c["hidden"] and not c["merged_into"]


def _text(c: dict) -> str:
    return c["agreement"]["text"] if c["agreement"] and c["agreement"].get("text") else c["text"]


def _words(text: str) -> dict[str, str]:
    """Content words by a crude stem, so 'recruiting' meets 'recruitment'."""
    return {w[:STEM]: w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in STOPWORDS}


def grid(docs: list[dict]) -> dict:
    """Signatures of risk raised, per presenting authority and category, and those it named itself."""
    categories, authorities, cells = [], [], {}
    for doc in docs:
        categories += [c for c in doc["script"]["categories"] if c not in categories]
        authorities += [a for a in doc["day"]["authorities"] if a not in authorities]
        kinds = {k for k, v in doc["script"]["kinds"].items() if v["categorised"]}
        for c in doc["contributions"]:
            if c["kind"] in kinds and _live(c) and c["presenter"] and c["category"]:
                cell = cells.setdefault(c["presenter"], {}).setdefault(c["category"], {"count": 0, "named": False})
                cell["count"] += 1
                cell["named"] = cell["named"] or bool(c["named_by_presenter"])
    top = max((cell["count"] for row in cells.values() for cell in row.values()), default=0)
    label = docs[0]["script"]["category_label"] if docs else "Category"
    return {"label": label, "categories": categories, "authorities": authorities, "cells": cells, "max": top}


def cell(g: dict, authority: str, category: str) -> dict:
    return g["cells"].get(authority, {}).get(category, {"count": 0, "named": False})


def shade(count: int, top: int) -> str:
    if not count:
        return SHADES[0]
    return SHADES[1 + min(len(SHADES) - 2, (count - 1) * (len(SHADES) - 1) // max(top, 1))]


def grid_svg(g: dict) -> str:
    """The grid as SVG drawn here, so it prints and needs no script in the page."""
    longest = max((len(c) for c in g["categories"]), default=0) * CHAR_W
    label_w = max(LEGEND_LABEL_W, max((len(a) for a in g["authorities"]), default=0) * CHAR_W + 16)
    head_h = longest * SIN + 16
    width = max(label_w + CELL_W * len(g["categories"]) - CELL_W / 2 + longest * COS + 8, label_w + LEGEND_W)
    height = head_h + CELL_H * len(g["authorities"]) + LEGEND_H
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grid" viewBox="0 0 {width:.0f} {height:.0f}" '
           f'width="{width:.0f}" height="{height:.0f}" role="img" font-family="sans-serif" font-size="12">',
           f"<title>{escape(summary.plural(g['label']))} raised, by authority</title>"]
    for j, category in enumerate(g["categories"]):
        x, y = label_w + CELL_W * j + CELL_W / 2, head_h - 8
        out.append(f'<text x="{x}" y="{y}" transform="rotate(-55 {x} {y})">{escape(category)}</text>')
    for i, authority in enumerate(g["authorities"]):
        y = head_h + CELL_H * i
        out.append(f'<text x="{label_w - 8}" y="{y + CELL_H / 2 + 4}" text-anchor="end">{escape(authority)}</text>')
        for j, category in enumerate(g["categories"]):
            out += _cell_svg(cell(g, authority, category), label_w + CELL_W * j, y, g["max"], authority, category)
    out += _legend_svg(g, head_h + CELL_H * len(g["authorities"]) + 22)
    return "\n".join(out + ["</svg>"])


def _cell_svg(c: dict, x: float, y: float, top: int, authority: str, category: str) -> list[str]:
    fill = shade(c["count"], top)
    note = f"{authority}, {category}: raised {c['count']} times" + (", named by the authority" if c["named"] else "")
    out = [f'<g class="cell" data-authority={quoteattr(authority)} data-category={quoteattr(category)} '
           f'data-count="{c["count"]}" data-named="{int(c["named"])}"><title>{escape(note)}</title>',
           f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" fill="{fill}" stroke="#8a9a95" stroke-width="0.6"/>']
    if c["count"]:
        ink = "#ffffff" if fill in SHADES[-2:] else "#10231d"
        out.append(f'<text x="{x + CELL_W / 2}" y="{y + CELL_H / 2 + 4}" text-anchor="middle" fill="{ink}">{c["count"]}</text>')
    if c["named"]:
        out.append(f'<path d="M{x + CELL_W - 12} {y} h12 v12 z" fill="#10231d"/>')
    return out + ["</g>"]


def _legend_svg(g: dict, y: float) -> list[str]:
    out = [f'<text x="0" y="{y + 14}">Times raised:</text>']
    for k, colour in enumerate(SHADES):
        x = LEGEND_LABEL_W + k * 34
        out.append(f'<rect x="{x}" y="{y}" width="28" height="18" fill="{colour}" stroke="#8a9a95" stroke-width="0.6"/>')
    out.append(f'<text x="{LEGEND_LABEL_W + len(SHADES) * 34 + 4}" y="{y + 14}">0 to {g["max"]}</text>')
    x = LEGEND_LABEL_W + len(SHADES) * 34 + 70
    out.append(f'<path d="M{x} {y} h14 v14 z" fill="#10231d"/>')
    out.append(f'<text x="{x + 20}" y="{y + 14}">named by the authority itself</text>')
    return out


def asks_register(docs: list[dict]) -> list[dict]:
    """Each agreed ask, beside agreed offers from other authorities that share its words."""
    agreed = [(doc, c) for doc in docs for c in doc["contributions"] if _live(c) and _agreed(c)]
    offers = [{"authority": c["presenter"], "text": _text(c), "day": d["day"]["title"]}
              for d, c in agreed if _role(d, c) == "offer"]
    register = []
    for d, c in agreed:
        if _role(d, c) != "ask":
            continue
        words = _words(_text(c))
        matches = [{**o, "shared": sorted(words[s] for s in words.keys() & _words(o["text"]).keys())}
                   for o in offers if o["authority"] != c["presenter"]]
        matches = sorted((m for m in matches if m["shared"]), key=lambda m: -len(m["shared"]))[:3]
        register.append({"authority": c["presenter"], "text": _text(c), "day": d["day"]["title"], "offers": matches})
    return register


def pack(docs: list[dict], now: int) -> dict:
    g = grid(docs)
    shared = [cat for cat in g["categories"]
              if sum(1 for a in g["authorities"] if cell(g, a, cat)["count"]) > 1]
    return {
        "format": "facilitator-summit", "version": 1, "exported_at": export.iso(now), "notice": export.OPEN_NOTICE,
        "days": [d["day"] for d in docs],
        "case_studies": [{**c, "day": d["day"]["title"]} for d in docs for c in d["case_studies"]
                         if c["approval"]["status"] in AGREED],
        "grid": g, "shared_themes": shared,
        "asks": asks_register(docs),
        "offers": [{"authority": c["presenter"], "text": _text(c), "day": d["day"]["title"]}
                   for d in docs for c in d["contributions"] if _role(d, c) == "offer" and _live(c) and _agreed(c)],
        "learning": sorted(({"text": c["text"], "votes": c["votes"], "day": d["day"]["title"]}
                            for d in docs for c in d["contributions"]
                            if _live(c) and c["session"] is None and not d["script"]["kinds"].get(
                                c["kind"], {}).get("categorised")), key=lambda p: -p["votes"]),
    }


def to_markdown(p: dict) -> str:
    md = summary.md_text
    out = ["# Summit pack", "", "Days: " + "; ".join(f"{md(d['title'])} ({d['date']})" for d in p["days"]), "",
           f"_{p['notice']}_", "", "## Case studies agreed by their hosts", ""]
    for c in p["case_studies"]:
        out += [f"### {md(c['title'])}", "", f"**Authority:** {md(c['authority'])}  ",
                f"**Theme:** {md(c['theme']) or '–'}  ", f"**Approval:** {export.approval_line(c['approval'])}", ""]
        out += [x for f, label in FIELD_LABELS.items() if f not in ("title", "authority", "theme") and c[f]
                for x in (f"#### {label}", "", export.md_block(c[f]), "")]
    if not p["case_studies"]:
        out += ["_No case study has been agreed yet._", ""]
    g = p["grid"]
    out += [f"## {md(summary.plural(g['label']))} raised (▲ named by the authority itself)", "",
            "| Authority | " + " | ".join(md(c) for c in g["categories"]) + " |",
            "|---|" + "---|" * len(g["categories"])]
    for a in g["authorities"]:
        cells = [cell(g, a, c) for c in g["categories"]]
        out.append(f"| {md(a)} | " + " | ".join(f"{x['count'] or ''}{' ▲' if x['named'] else ''}" for x in cells) + " |")
    out += ["", "## Asks register", ""]
    for a in p["asks"]:
        out.append(f"- **{md(a['authority'])}** asks: {md(a['text'])}")
        out += [f"  - {md(o['authority'])} offers: {md(o['text'])}" for o in a["offers"]] or ["  - _No offer yet matches._"]
    out += ["", "## Common learning points", ""] + [f"- {md(x['text'])} ({md(x['day'])})" for x in p["learning"]]
    return "\n".join(out).rstrip() + "\n"


def to_html(p: dict) -> str:
    cases = [{**c, "fields": [(label, Markup(summary.render(export.md_block(c[f]))))
                              for f, label in FIELD_LABELS.items() if f not in ("title", "authority", "theme") and c[f]],
              "approval_text": export.approval_line(c["approval"])} for c in p["case_studies"]]
    return export.render_page("summit_pack.html", pack=p, cases=cases, grid=Markup(grid_svg(p["grid"])))


def to_json(p: dict) -> str:
    return json.dumps(p, indent=2, ensure_ascii=False) + "\n"
