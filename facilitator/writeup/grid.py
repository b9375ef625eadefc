"""The signatures-of-risk grid of one day or several: a row per presenting authority, a column per
category, the times each was raised and whether the authority named it itself; drawn as SVG for
the print pages and laid out as a table for Word and Markdown."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .summary import plural

SHADES = ("#ffffff", "#e3f1ec", "#b9dccf", "#7fbea9", "#3f9a80", "#1d6b57")
CELL_W, CELL_H, LEGEND_H, CHAR_W = 44, 30, 60, 6.6  # CHAR_W: a rough width of a 12px character
LEGEND_LABEL_W, LEGEND_W = 110, 460
SIN, COS = 0.819, 0.574  # of the 55 degrees the column headings are turned through


def live(c: dict) -> bool:
    """A contribution still on the wall, as the grid and the pack count them."""
    return not c["hidden"] and not c["merged_into"]


def grid(docs: list[dict]) -> dict:
    """Signatures of risk raised, per presenting authority and category, and those it named itself."""
    categories, authorities, cells = [], [], {}
    for doc in docs:
        categories += [c for c in doc["script"]["categories"] if c not in categories]
        authorities += [a for a in doc["day"]["authorities"] if a not in authorities]
        kinds = {k for k, v in doc["script"]["kinds"].items() if v["categorised"]}
        for c in doc["contributions"]:
            if c["kind"] in kinds and live(c) and c["presenter"] and c["category"]:
                cell = cells.setdefault(c["presenter"], {}).setdefault(c["category"], {"count": 0, "named": False})
                cell["count"] += 1
                cell["named"] = cell["named"] or bool(c["named_by_presenter"])
    top = max((cell["count"] for row in cells.values() for cell in row.values()), default=0)
    label = docs[0]["script"]["category_label"] if docs else "Category"
    return {"label": label, "categories": categories, "authorities": authorities, "cells": cells, "max": top}


UNNAMED = "Not named"


def named_only(g: dict, named: set[str]) -> dict:
    """The grid as the summit shows it: an authority's row by name only where it agreed; the rest
    counted together in one row under no name, so the pack still shows what the region raised."""
    others = [a for a in g["authorities"] if a not in named]
    if not others:
        return g
    cells = {a: row for a, row in g["cells"].items() if a in named}
    pooled: dict[str, dict] = {}
    for a in others:
        for category, c in g["cells"].get(a, {}).items():
            p = pooled.setdefault(category, {"count": 0, "named": False})
            p["count"] += c["count"]
            p["named"] = p["named"] or c["named"]
    cells[UNNAMED] = pooled
    top = max((c["count"] for row in cells.values() for c in row.values()), default=0)
    return {**g, "authorities": [a for a in g["authorities"] if a in named] + [UNNAMED], "cells": cells, "max": top,
            "unnamed": len(others)}


def summit_grid(docs: list[dict]) -> dict:
    """The grid of several days with only the authorities that agreed shown by name."""
    return named_only(grid(docs), {a for d in docs for a in d.get("named_in_grid", ())})


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
           f"<title>{escape(plural(g['label']))} raised, by authority</title>"]
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


def as_table(g: dict) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the grid as text: the count, and ▲ where the authority named it."""
    rows = []
    for a in g["authorities"]:
        cells = [cell(g, a, c) for c in g["categories"]]
        rows.append([a] + [f"{x['count'] or ''}{' ▲' if x['named'] else ''}" for x in cells])
    return ["Authority"] + list(g["categories"]), rows
