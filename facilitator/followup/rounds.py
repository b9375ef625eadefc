"""The summit round on round: this round's signatures-of-risk grid beside the previous round's and
the change in each cell, the asks answered and offers taken up since the last summit, and the
hosts' public responses. Built over the summit pack, which stays as it was for a single round."""

from __future__ import annotations

from ..writeup import summit


def grid_change(now: dict, before: dict) -> dict:
    """Each authority and category of either round: counts in both and the change."""
    categories = now["categories"] + [c for c in before["categories"] if c not in now["categories"]]
    authorities = now["authorities"] + [a for a in before["authorities"] if a not in now["authorities"]]
    rows = []
    for a in authorities:
        cells = []
        for c in categories:
            n, b = summit.cell(now, a, c)["count"], summit.cell(before, a, c)["count"]
            cells.append({"category": c, "now": n, "before": b, "change": n - b})
        rows.append({"authority": a, "cells": cells})
    totals = [{"category": c, "now": sum(r["cells"][j]["now"] for r in rows),
               "before": sum(r["cells"][j]["before"] for r in rows)} for j, c in enumerate(categories)]
    for t in totals:
        t["change"] = t["now"] - t["before"]
    return {"label": now["label"], "categories": categories, "authorities": authorities, "rows": rows,
            "totals": totals}


def pack(docs: list[dict], previous: list[dict], ledger_rows: list[dict], responses: list[dict],
         since: str | None, now: int) -> dict:
    """The summit pack of this round's days, compared with the previous round's when given."""
    p = summit.pack(docs, now)
    p["format"] = "facilitator-summit-rounds"
    p["previous_days"] = [d["day"] for d in previous]
    p["previous_grid"] = summit.grid(previous) if previous else None
    p["change"] = grid_change(p["grid"], p["previous_grid"]) if previous else None
    if since is None and previous:
        since = max(d["day"]["date"] for d in previous)
    p["since"] = since
    after = (lambda r: (r["since"] or "") >= since) if since else (lambda r: True)
    p["answered"] = [r for r in ledger_rows if r["role"] == "ask" and r["status"] == "answered" and after(r)]
    p["taken_up"] = [r for r in ledger_rows if r["role"] == "offer" and r["status"] == "taken up" and after(r)]
    p["ledger_counts"] = {role: {s: sum(1 for r in ledger_rows if r["role"] == role and r["status"] == s)
                                 for s in ("open", "matched", "answered", "taken up")} for role in ("ask", "offer")}
    p["responses"] = responses
    p["asks"] = register(ledger_rows, {d["day"]["id"] for d in docs}) or p["asks"]
    return p


def register(ledger_rows: list[dict], refs: set[str]) -> list[dict]:
    """The round's asks register from the ledger: the offers the facilitator confirmed for each ask,
    else the suggested ones (by text similarity, not shared word stems), and where the ask stands."""
    out = []
    for r in ledger_rows:
        if r["role"] != "ask" or r["ref"] not in refs:
            continue
        offers = r["confirmed"] or r["suggestions"]
        out.append({"authority": r["authority"], "text": r["text"], "day": r["title"], "status": r["status"],
                    "confirmed": bool(r["confirmed"]),
                    "offers": [{"authority": o["authority"], "text": o["text"]} for o in offers]})
    return out


def to_markdown(p: dict) -> str:
    from ..writeup.summary import md_text as md, plural

    out = [summit.to_markdown(p).rstrip(), ""]
    if p["change"]:
        g = p["change"]
        out += [f"## Round on round: {md(plural(g['label']))} raised", "",
                "Previous round: " + "; ".join(f"{md(d['title'])} ({d['date']})" for d in p["previous_days"]), "",
                "| Authority | " + " | ".join(md(c) for c in g["categories"]) + " |",
                "|---|" + "---|" * len(g["categories"])]
        for r in g["rows"]:
            out.append(f"| {md(r['authority'])} | " + " | ".join(
                f"{c['before']} → {c['now']} ({c['change']:+d})" for c in r["cells"]) + " |")
        out.append("| **All** | " + " | ".join(f"{t['before']} → {t['now']} ({t['change']:+d})" for t in g["totals"]) + " |")
        out.append("")
    out += [f"## Asks answered since {p['since'] or 'the start'}", ""]
    out += [f"- **{md(r['authority'])}** asked: {md(r['text'])}. Answered by {md(r['with_authority'] or '–')}"
            f" ({r['since'][:10]})" for r in p["answered"]] or ["_None yet._"]
    out += ["", f"## Offers taken up since {p['since'] or 'the start'}", ""]
    out += [f"- **{md(r['authority'])}** offered: {md(r['text'])}. Taken up by {md(r['with_authority'] or '–')}"
            f" ({r['since'][:10]})" for r in p["taken_up"]] or ["_None yet._"]
    if p["responses"]:
        out += ["", "## Hosts' responses (public versions)", ""]
        for r in p["responses"]:
            out += [f"### {md(r['authority'])}: {md(r['title'])}", "", r["text"].replace("<", "&lt;"), ""]
    return "\n".join(out).rstrip() + "\n"
