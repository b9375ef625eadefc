"""The summit round on round: this round's signatures-of-risk grid beside the previous round's and
the change in each cell, the asks answered and offers taken up since the last summit, and the
hosts' public responses. Built over the summit pack, which stays as it was for a single round."""

from __future__ import annotations

from ..writeup import formats, grid, summary, summit
from ..writers import markdown as md, word
from . import agenda


def grid_change(now: dict, before: dict) -> dict:
    """Each authority and category of either round: counts in both and the change."""
    categories = now["categories"] + [c for c in before["categories"] if c not in now["categories"]]
    authorities = now["authorities"] + [a for a in before["authorities"] if a not in now["authorities"]]
    rows = []
    for a in authorities:
        cells = []
        for c in categories:
            n, b = grid.cell(now, a, c)["count"], grid.cell(before, a, c)["count"]
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
    p["previous_grid"] = grid.summit_grid(previous) if previous else None
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
    p["collective_issues"] = [agenda.public_issue(g) for g in agenda.collective_issues(docs)]
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
    plural = summary.plural
    out = [summit.to_markdown(p).rstrip(), ""]
    if p["change"]:
        g = p["change"]
        out += [f"## Round on round: {md.text(plural(g['label']))} raised", "",
                "Previous round: " + "; ".join(f"{md.text(d['title'])} ({d['date']})" for d in p["previous_days"]), "",
                "| Authority | " + " | ".join(md.text(c) for c in g["categories"]) + " |",
                "|---|" + "---|" * len(g["categories"])]
        for r in g["rows"]:
            out.append(f"| {md.text(r['authority'])} | " + " | ".join(
                f"{c['before']} → {c['now']} ({c['change']:+d})" for c in r["cells"]) + " |")
        out.append("| **All** | " + " | ".join(f"{t['before']} → {t['now']} ({t['change']:+d})" for t in g["totals"]) + " |")
        out.append("")
    out += [f"## Asks answered since {p['since'] or 'the start'}", ""]
    out += [f"- **{md.text(r['authority'])}** asked: {md.text(r['text'])}. Answered by {md.text(r['with_authority'] or '–')}"
            f" ({r['since'][:10]})" for r in p["answered"]] or ["_None yet._"]
    out += ["", f"## Offers taken up since {p['since'] or 'the start'}", ""]
    out += [f"- **{md.text(r['authority'])}** offered: {md.text(r['text'])}. Taken up by {md.text(r['with_authority'] or '–')}"
            f" ({r['since'][:10]})" for r in p["taken_up"]] or ["_None yet._"]
    if p["responses"]:
        out += ["", "## Hosts' responses (public versions)", ""]
        for r in p["responses"]:
            out += [f"### {md.text(r['authority'])}: {md.text(r['title'])}", "", md.block(r["text"]), ""]
    return "\n".join(out).rstrip() + "\n"


def _changes(row_or_totals: list[dict]) -> list[str]:
    return [f"{c['change']:+d}" if c["change"] else "0" for c in row_or_totals]


def to_docx(p: dict) -> bytes:
    """The summit pack in Word, round on round when a previous round is given."""
    label = summary.plural(p["grid"]["label"])
    d = word.new(p["summit"]["title"] if p.get("summit") else "Summit pack", p["notice"])
    word.table(d, ["Day", "Date", "Authorities"], [[x["title"], x["date"], ", ".join(x["authorities"])] for x in p["days"]])
    agenda.docx(d, p)
    formats.cases_docx(d, p["case_studies"], "Case studies agreed by their hosts", lambda c: [["Day", c["day"]]],
                       shown_above=("title", "authority"), none="No case study has been agreed yet.")
    word.heading(d, f"{label} raised this round (▲ named by the authority itself)")
    word.table(d, *grid.as_table(p["grid"]))
    if p.get("change"):
        g = p["change"]
        word.heading(d, f"{label} raised in the previous round")
        word.paragraph(d, "Previous round: " + "; ".join(f"{x['title']} ({x['date']})" for x in p["previous_days"]))
        word.table(d, *grid.as_table(p["previous_grid"]))
        word.heading(d, "Change since the previous round")
        word.table(d, ["Authority"] + g["categories"], [[r["authority"]] + _changes(r["cells"]) for r in g["rows"]]
                   + [["All"] + _changes(g["totals"])])
    word.heading(d, "Asks register")
    word.table(d, ["Authority", "Ask", "Offers that may answer it"],
               [[a["authority"], a["text"], "; ".join(f"{o['authority']}: {o['text']}" for o in a["offers"]) or "–"]
                for a in p["asks"]])
    if "answered" in p:
        since = p.get("since") or "the start"
        for key, heading, verb in (("answered", "Asks answered", "Answered by"), ("taken_up", "Offers taken up", "Taken up by")):
            word.heading(d, f"{heading} since {since}")
            word.table(d, ["Authority", heading.split()[0][:-1], verb, "When"],
                       [[r["authority"], r["text"], r["with_authority"] or "–", (r["since"] or "")[:10]] for r in p[key]])
    for r in p.get("responses") or []:
        word.heading(d, f"{r['authority']}: {r['title']}", 2)
        word.markdown(d, r["text"], base=3)
    word.heading(d, "Common learning points")
    word.items(d, [f"{x['text']} ({x['day']})" for x in p["learning"]])
    return word.save(d)
