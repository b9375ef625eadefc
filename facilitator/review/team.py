"""The review team before and during the visit (seed 003's team formation and "Agreed
responsibilities during the review visit"; 001 paragraphs 18-22).

The lead invites each member by name to a role of the script, and each gets their own link; the
QA reviewer comes only that way, never by typing the team's code. The host DCS confirms each
member or asks for the nomination to be reconsidered, saying why; each member declares any
conflict of interest, or that they have none. The lead fills the grid of responsibilities: per
role and day, the key focus, the hypothesis it tests, the morning, the afternoon and pre-visit
notes as prompts; each member's phone shows its own part for the day.
"""

from __future__ import annotations

from datetime import date as Date

from ..core.checks import text
from ..core.errors import Refused
from ..core.scripts.review import ReviewScript
from .letter import visit_days
from .team_store import Team

DECISIONS = {"confirm": "Confirmed by the host", "reconsider": "The host asks for this to be reconsidered"}
CELLS = {"focus": ("Key focus", 200), "morning": ("Morning", 400), "afternoon": ("Afternoon", 400),
         "notes": ("Pre-visit notes and prompts", 1000)}


def invite(team: Team, review: dict, script: ReviewScript, form, now: int) -> dict:
    role = script.role(form.get("role") or "")
    if role is None or role.lead:
        raise Refused("invalid", "choose the role in the team they are invited to")
    name = text(form, "name", 120, "Their name")
    taken = next((m for m in team.invited(review["id"]) if m["role"] == role.tag), None)
    if taken:
        raise Refused("invalid", f"{role.tag} is already invited: {taken['name']}. Withdraw that invitation first.")
    return team.invite(review["id"], role.tag, name, now)


def withdraw(team: Team, review: dict, member_id: str, now: int) -> dict:
    _invitee(team, review, member_id)
    return team.withdraw(review["id"], member_id, now)


def decide(team: Team, review: dict, member_id: str, form, now: int) -> dict:
    """The host DCS's word on one member: confirmed, or to be reconsidered with the reason."""
    _invitee(team, review, member_id)
    decision = form.get("decision")
    if decision not in DECISIONS:
        raise Refused("invalid", "choose to confirm this member or to ask for them to be reconsidered")
    note = text(form, "note", 1000, "Why it should be reconsidered", required=decision == "reconsider")
    return team.decide(review["id"], member_id, {"host_decision": decision, "host_note": note, "decided_ms": now})


def declare(team: Team, review: dict, member: dict, form, now: int) -> dict:
    """A member's declared conflicts of interest, or (none = "1") that they have none."""
    none = form.get("none") == "1"
    conflicts = "" if none else text(form, "conflicts", 2000, "The conflict you declare")
    return team.declare(review["id"], member["id"], {"conflicts": conflicts, "declared_ms": now})


def joinable(team: Team, script: ReviewScript, review: dict) -> list:
    """The roles a person may take by typing the team's code: not the lead's, not QA, none invited by name."""
    invited = {m["role"] for m in team.invited(review["id"])}
    return [r for r in script.roles if not r.lead and not r.qa and r.tag not in invited]


def check_joinable(team: Team, script: ReviewScript, review: dict, tag: str) -> None:
    role = script.role(tag or "")
    if role is not None and role.qa:
        raise Refused("forbidden", "the quality-assurance reviewer is invited by the lead: open the link in your invitation")
    if role is not None and any(m["role"] == role.tag for m in team.invited(review["id"])):
        raise Refused("forbidden", f"{role.tag} is invited by name: open the link in your invitation")


def _invitee(team: Team, review: dict, member_id: str) -> dict:
    found = team.invitee(review["id"], member_id)
    if found is None:
        raise Refused("not_found", "no such member invited to this review's team")
    return found


# -- agreed responsibilities during the visit


def grid_roles(script: ReviewScript) -> list:
    """The roles on site, as in 003's grid: every role but the QA reviewer's, who reads from afar."""
    return [r for r in script.roles if not r.qa]


def grid(team: Team, review: dict, script: ReviewScript, lines: list[dict], hide_dates: bool = False) -> list[dict]:
    """Each day on site with its date and, per role, who holds it and the cells as agreed. A day's
    date is None while an unannounced visit's first day is not set, and for its host always."""
    names = {m["role"]: m["name"] for m in team.invited(review["id"])}
    names[script.lead_role.tag] = review.get("lead_name") or ""
    titles = {ln["id"]: ln["title"] for ln in lines}
    cells = team.duties(review["id"])
    return [{"day": n, "date": when, "rows": [
        {"role": r.tag, "label": r.label, "name": names.get(r.tag, ""),
         **_cells(cells.get((r.tag, n)), titles)} for r in grid_roles(script)]}
        for n, when in enumerate(_dates(review, script, hide_dates), start=1)]


def _dates(review: dict, script: ReviewScript, hide: bool) -> list[Date | None]:
    known = [] if hide else visit_days(review, script)
    return known or [None] * script.days


def _cells(stored: dict | None, titles: dict[str, str]) -> dict:
    stored = stored or {}
    line_id = stored.get("line_id") or ""
    return {**{k: stored.get(k) or "" for k in CELLS}, "line_id": line_id, "line": titles.get(line_id, "")}


def save_grid(team: Team, review: dict, script: ReviewScript, form, lines: list[dict], now: int) -> int:
    """The cells the form carries (`focus-<role>-<day>` and so on), checked, in one write."""
    known = {ln["id"] for ln in lines}
    rows = []
    for day in range(1, script.days + 1):
        for role in grid_roles(script):
            key = f"{role.tag}-{day}"
            if f"focus-{key}" not in form:
                continue  # a form carries one day's grid
            row = {"role": role.tag, "day": day, **{k: text(form, f"{k}-{key}", limit, f"{label} ({role.tag}, day {day})",
                                                          required=False) for k, (label, limit) in CELLS.items()}}
            line_id = form.get(f"line-{key}") or ""
            if line_id and line_id not in known:
                raise Refused("invalid", f"the hypothesis for {role.tag} on day {day} is not one of this review's")
            rows.append({**row, "line_id": line_id or None})
    if not rows:
        raise Refused("invalid", "the form carries no day of the grid")
    return team.save_duties(review["id"], rows, now)


def part_of(days: list[dict], role: str, today: Date) -> dict | None:
    """A role's part of the grid for today on site, or for the first day while the visit is ahead
    (or while its first day is not known)."""
    for d in days:
        if d["date"] is None or d["date"] >= today:
            row = next((r for r in d["rows"] if r["role"] == role), None)
            if row is None:
                return None
            return {**row, "day": d["day"], "date": d["date"], "today": d["date"] == today}
    return None
