"""The summit's agenda: the issues for collective action as the organiser words them (drawn afresh
from the round's days, then reworded, merged or dropped), and the improvement plan's items and
support offers put to the summit with what it decided. Plain Python over the pack and the rows."""

from __future__ import annotations

from datetime import date as Date

from ..writeup import grid, summit
from . import matching
from ..writers import word
from .store import SUMMIT_DECISIONS, SUMMIT_KINDS

MAX_TEXT = 1000


def idea_label(idea: str) -> str:
    return idea.replace("_", " ").capitalize()


def collective_issues(docs: list[dict], minimum: int = 2) -> list[dict]:
    """Issues that may need collective action, drawn from the whole round: each signature of risk
    raised for more than one authority, and each idea of the region's thesaurus (matching.features)
    that the risks and shared insights of several authorities name. An issue counts the authorities
    it was raised for, not the contributions; it names only those that agreed to be named in the
    grid. Its examples are shared insights only, in their hosts' words: no risk's words leave the day."""
    named = {a for d in docs for a in d.get("named_in_grid", ())}
    groups: dict[str, dict] = {}

    def add(key: str, title: str, source: str, authority: str, example: str | None = None) -> None:
        g = groups.setdefault(key, {"key": key, "title": title, "source": source, "raised_for": [], "insights": []})
        if authority not in g["raised_for"]:
            g["raised_for"].append(authority)
        if example and example not in g["insights"]:
            g["insights"].append(example)

    for d in docs:
        kinds = {k for k, v in d["script"]["kinds"].items() if v["categorised"]}
        for c in d["contributions"]:
            if c["kind"] in kinds and grid.live(c) and c["presenter"] and c["category"]:
                add(f"risk:{c['category']}", c["category"], "risk", c["presenter"])
                for term in matching.features(c["text"]):
                    if term.startswith("~"):
                        add(f"idea:{term[1:]}", idea_label(term[1:]), "idea", c["presenter"])
        for i in d.get("summit_insights", ()):
            for term in matching.features(i["text"]):
                if term.startswith("~"):
                    add(f"idea:{term[1:]}", idea_label(term[1:]), "idea", i["presenter"], i["text"])
    return [counted(g, named) for g in sorted(groups.values(), key=lambda g: (-len(g["raised_for"]), g["source"] != "risk", g["title"]))
            if len(g["raised_for"]) >= minimum]


def counted(g: dict, named: set[str]) -> dict:
    """A group with its count of authorities and only the agreed ones by name."""
    shown = [a for a in g["raised_for"] if a in named]
    return {"key": g["key"], "title": g["title"], "source": g["source"], "authorities": len(g["raised_for"]),
            "named": shown, "unnamed": len(g["raised_for"]) - len(shown), "insights": g["insights"],
            "raised_for": g["raised_for"]}


def public_issue(g: dict) -> dict:
    """An issue as a copy prints it: without the list of every authority it was raised for."""
    return {k: v for k, v in g.items() if k != "raised_for"}


def issues(computed: list[dict], edits: dict[str, dict], named: set[str]) -> list[dict]:
    """The computed groups with the organiser's edits: a merged group joins the one it was merged
    into (its authorities counted once), a dropped one is left out, a reworded one keeps its key."""
    by_key = {g["key"]: {**g, "raised_for": list(g["raised_for"]), "insights": list(g["insights"]),
                         "merged": []} for g in computed}
    merges = {k: e["merged_into"] for k, e in edits.items() if k in by_key and e.get("merged_into") in by_key
              and e["merged_into"] != k and not edits[e["merged_into"]].get("merged_into")
              and not edits[e["merged_into"]].get("dropped")}
    for key, into in merges.items():
        if not edits[key].get("dropped"):
            target, g = by_key[into], by_key[key]
            target["raised_for"] += [a for a in g["raised_for"] if a not in target["raised_for"]]
            target["insights"] += [t for t in g["insights"] if t not in target["insights"]]
            target["merged"].append(g["title"])
    out = []
    for key, g in by_key.items():
        e = edits.get(key, {})
        if e.get("dropped") or key in merges:
            continue
        issue = counted(g, named)
        out.append({**public_issue(issue), "computed_title": g["title"], "title": e.get("wording") or g["title"],
                    "merged": g["merged"], "reworded": bool(e.get("wording"))})
    return sorted(out, key=lambda g: -g["authorities"])


def dropped(computed: list[dict], edits: dict[str, dict]) -> list[dict]:
    return [g for g in computed if edits.get(g["key"], {}).get("dropped")]


def decision(item: dict) -> dict:
    """An item as the pack prints it: what was put, by whom, and what the summit decided."""
    source = SUMMIT_KINDS[item["kind"]] + (f": {item['authority']}" if item["authority"] else "")
    return {"id": item["id"], "kind": item["kind"], "text": item["text"], "authority": item["authority"],
            "source": source, "decision": item["decision"],
            "decision_label": SUMMIT_DECISIONS.get(item["decision"], "Not yet decided"),
            "change": item["change"], "decided_on": item["decided_on"]}


def checked_decision(form: dict) -> tuple[str, str | None, str]:
    """(decision, change, date) from a form, or ValueError with the one line to show."""
    choice = form.get("decision", "")
    if choice not in SUMMIT_DECISIONS:
        raise ValueError("Choose what the summit decided: approved, approved with changes, not approved or deferred.")
    change = " ".join(form.get("change", "").split())
    if choice == "changed" and not change:
        raise ValueError("Say what the summit changed before recording it as approved with changes.")
    if len(change) > MAX_TEXT:
        raise ValueError(f"The change is longer than {MAX_TEXT} characters.")
    try:
        on = Date.fromisoformat(form.get("decided_on", ""))
    except ValueError:
        raise ValueError("Give the date of the decision as YYYY-MM-DD.") from None
    return choice, change or None, on.isoformat()


def checked_text(text: str, what: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ValueError(f"Write the {what} before adding it.")
    if len(text) > MAX_TEXT:
        raise ValueError(f"The {what} is longer than {MAX_TEXT} characters.")
    return text


def with_agenda(p: dict, s: dict, computed: list[dict], edits: dict, items: list[dict], named: set[str]) -> dict:
    """The summit pack of a summit's days, with its issues as the organiser left them and its decisions."""
    p = {**p, "summit": {"id": s["id"], "title": s["title"], "held_on": s["held_on"]}}
    p["collective_issues"] = issues(computed, edits, named)
    p["decisions"] = [decision(i) for i in items]
    return p


def docx(d, p: dict) -> None:
    """The insights, the issues and, for a summit, its decisions, in a Word pack being written."""
    word.heading(d, "Insights on systemic issues")
    word.items(d, [i["text"] + (f" ({i['authority']})" if i["authority"] else "")
                   + f" (in {i['presenter']}'s session, {i['day']})" for i in p["insights"]]
               or ["No insight has been agreed for the summit yet."])
    if "review_strengths" in p:
        word.heading(d, "Strengths found by the round's peer reviews")
        word.items(d, [f"{s['text']} ({s['authority']}, {s['review']})" for s in p["review_strengths"]]
                   or ["No host of a peer review has shared a strength for the summit yet."])
    if p.get("review_lines"):
        word.heading(d, "What the round's peer reviews looked into")
        word.items(d, [f"{r['authority']} ({r['review']}): {'; '.join(r['lines'])}" for r in p["review_lines"]])
    word.heading(d, "Issues for collective action")
    word.table(d, ["Issue", "Raised for", "Insights"],
               [[g["title"], summit.named_as(g), "; ".join(g["insights"]) or "–"] for g in p["collective_issues"]])
    if p.get("decisions") is not None:
        word.heading(d, "The improvement plan and its support: the summit's decisions")
        word.table(d, ["Item", "Put by", "Decision", "Change", "On"],
                   [[x["text"], x["source"], x["decision_label"], x["change"] or "–", x["decided_on"] or "–"]
                    for x in p["decisions"]])
