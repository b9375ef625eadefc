"""The summit pack across several days: agreed case studies, the signatures-of-risk grid, the asks
register beside the offers that may answer it, and the common learning points.

Built from the days' export documents, so it holds only what they hold: no participant names,
and nothing a host has not agreed.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup

from ..writers import markdown as md, page
from . import formats, summary
from .casestudies import AGREED, agreed_in
from .document import OPEN_NOTICE, iso
from .grid import UNNAMED, as_table, cell, grid, grid_svg, live, summit_grid

# The register pairs the sector's asks with its offers; a script without these kinds has none.
STOPWORDS = set("""about after again also and any are been being both but can could does doing each for from
have having here how into its itself just more most much need needs other our ours over own same should some
such than that the their them then there these they this those through very want what when where which while
who will with would your region regional authority authorities support offer offers share sharing help""".split())
STEM = 6


def _agreed(c: dict) -> bool:
    return bool(c["agreement"]) and c["agreement"]["status"] in AGREED


def _role(doc: dict, c: dict) -> str:
    """A contribution's place in the asks register, from its kind in the day's script."""
    return doc["script"]["kinds"].get(c["kind"], {}).get("summit", "")


def _text(c: dict) -> str:
    return c["agreement"]["text"] if c["agreement"] and c["agreement"].get("text") else c["text"]


def _words(text: str) -> dict[str, str]:
    """Content words by a crude stem, so 'recruiting' meets 'recruitment'."""
    return {w[:STEM]: w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in STOPWORDS}


def asks_register(docs: list[dict]) -> list[dict]:
    """Each agreed ask, beside agreed offers from other authorities that share its words."""
    agreed = [(doc, c) for doc in docs for c in doc["contributions"] if live(c) and _agreed(c)]
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


def insights(docs: list[dict]) -> list[dict]:
    """The insights on systemic issues the hosts agreed to share, in their words, named by the
    authority that gave them only where it agreed."""
    return [{**i, "day": d["day"]["title"]} for d in docs for i in d.get("summit_insights", ())]


def pack(docs: list[dict], now: int) -> dict:
    full = grid(docs)
    shared = [cat for cat in full["categories"]
              if sum(1 for a in full["authorities"] if cell(full, a, cat)["count"]) > 1]
    g = summit_grid(docs)
    return {
        "format": "facilitator-summit", "version": 1, "exported_at": iso(now), "notice": OPEN_NOTICE,
        "days": [d["day"] for d in docs],
        "case_studies": [{**c, "day": d["day"]["title"]} for d in docs for c in agreed_in(d)],
        "grid": g, "shared_themes": shared,
        "insights": insights(docs),
        "asks": asks_register(docs),
        "offers": [{"authority": c["presenter"], "text": _text(c), "day": d["day"]["title"]}
                   for d in docs for c in d["contributions"] if _role(d, c) == "offer" and live(c) and _agreed(c)],
        "learning": sorted(({"text": c["text"], "votes": c["votes"], "day": d["day"]["title"]}
                            for d in docs for c in d["contributions"]
                            if live(c) and c["session"] is None and not d["script"]["kinds"].get(
                                c["kind"], {}).get("categorised")), key=lambda p: -p["votes"]),
    }


def to_markdown(p: dict) -> str:
    out = ["# Summit pack" + (f": {md.text(p['summit']['title'])}" if p.get("summit") else ""), "",
           *([f"The summit meets on {p['summit']['held_on']}.", ""] if p.get("summit", {}).get("held_on") else []), "Days: " + "; ".join(f"{md.text(d['title'])} ({d['date']})" for d in p["days"]), "",
           f"_{p['notice']}_", "", "## Case studies agreed by their hosts", ""]
    out += [x for c in p["case_studies"] for x in formats.case_markdown(c)]
    if not p["case_studies"]:
        out += ["_No case study has been agreed yet._", ""]
    header, rows = as_table(p["grid"])
    out += [f"## {md.text(summary.plural(p['grid']['label']))} raised (▲ named by the authority itself)", "",
            "| " + " | ".join(md.text(c) for c in header) + " |", "|---|" + "---|" * (len(header) - 1)]
    out += ["| " + " | ".join([md.text(r[0])] + r[1:]) + " |" for r in rows]
    out += ["", *insights_markdown(p), *strengths_markdown(p), *lines_markdown(p), *issues_markdown(p),
            *decisions_markdown(p),
            "## Asks register", ""]
    for a in p["asks"]:
        out.append(f"- **{md.text(a['authority'])}** asks: {md.text(a['text'])}")
        out += [f"  - {md.text(o['authority'])} offers: {md.text(o['text'])}" for o in a["offers"]] or [
            "  - _No offer yet matches._"]
    out += ["", "## Common learning points", ""] + [f"- {md.text(x['text'])} ({md.text(x['day'])})" for x in p["learning"]]
    return "\n".join(out).rstrip() + "\n"


def named_as(g: dict) -> str:
    """Who an issue was raised for, as a copy says it: the agreed names, the rest counted."""
    parts = list(g["named"]) + ([f"{g['unnamed']} not named"] if g["unnamed"] else [])
    return f"{g['authorities']} authorities" + (f" ({', '.join(parts)})" if g["named"] else "")


def insights_markdown(p: dict) -> list[str]:
    out = ["## Insights on systemic issues", ""]
    out += [f"- {md.text(i['text'])}" + (f" ({md.text(i['authority'])})" if i["authority"] else "")
            + f" _(in {md.text(i['presenter'])}'s session, {md.text(i['day'])})_" for i in p["insights"]]
    if not p["insights"]:
        out.append("_No insight has been agreed for the summit yet._")
    return out + [""]


def strengths_markdown(p: dict) -> list[str]:
    """The strengths the round's peer reviews found and their hosts agreed to share, where the pack has them."""
    if "review_strengths" not in p:
        return []
    out = ["## Strengths found by the round's peer reviews", ""]
    out += [f"- {md.text(s['text'])} ({md.text(s['authority'])}, {md.text(s['review'])})" for s in p["review_strengths"]]
    if not p["review_strengths"]:
        out.append("_No host of a peer review has shared a strength for the summit yet._")
    return out + [""]


def lines_markdown(p: dict) -> list[str]:
    """What the round's peer reviews looked into, named where each host agreed."""
    if not p.get("review_lines"):
        return []
    out = ["## What the round's peer reviews looked into", ""]
    for r in p["review_lines"]:
        out.append(f"- **{md.text(r['authority'])}** ({md.text(r['review'])})")
        out += [f"  - {md.text(t)}" for t in r["lines"]]
    return out + [""]


def issues_markdown(p: dict) -> list[str]:
    """The issues for collective action, where the pack has them (the follow-up's packs draw them)."""
    if "collective_issues" not in p:
        return []
    out = ["## Issues for collective action", ""]
    for g in p["collective_issues"]:
        out.append(f"- **{md.text(g['title'])}**: raised for {md.text(named_as(g))}")
        out += [f"  - {md.text(t)}" for t in g["insights"]]
    if not p["collective_issues"]:
        out.append("_No issue was raised for more than one authority._")
    return out + [""]


def decisions_markdown(p: dict) -> list[str]:
    """A summit's decisions on the improvement plan and its support, when the pack is a summit's."""
    if p.get("decisions") is None:
        return []
    out = ["## The improvement plan and its support: the summit's decisions", ""]
    for d in p["decisions"]:
        line = f"- {md.text(d['text'])} _({md.text(d['source'])})_: **{d['decision_label']}**"
        if d["change"]:
            line += f", with this change: {md.text(d['change'])}"
        if d["decided_on"]:
            line += f" ({d['decided_on']})"
        out.append(line)
    if not p["decisions"]:
        out.append("_Nothing has been put to the summit._")
    return out + [""]


def to_html(p: dict) -> str:
    return page.render("summit_pack.html", pack=p, cases=formats.html_cases(p["case_studies"]),
                       grid=Markup(grid_svg(p["grid"])), unnamed=UNNAMED)


def to_json(p: dict) -> str:
    return json.dumps(p, indent=2, ensure_ascii=False) + "\n"
