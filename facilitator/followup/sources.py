"""Where the ledger and the follow-up page find their work: triad days and peer reviews.

A source gives two lists: engagements (a host's day or review, whose review of impact the host may hold
some months on) and items (each agreed ask, offer or action). Anything that can list those plugs
in to the follow-up's list of sources; the ledger and follow-up page read every one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..writeup import casestudies
from ..writeup.casestudies import AGREED

ROLES = ("ask", "offer", "action")


@dataclass(frozen=True)
class Engagement:
    """One host's part in a day or review: it may hold its review of impact from `months` after `date`."""

    source: str  # "day", "review", ...
    ref: str  # the day's (or review's) id
    title: str
    date: str  # YYYY-MM-DD, the fieldwork
    host: str
    visiting: tuple[str, ...]
    months: int
    script: str = ""


@dataclass(frozen=True)
class Item:
    """An agreed ask, offer or action, as its host agreed it."""

    id: str
    source: str
    ref: str
    title: str
    date: str
    authority: str
    role: str  # one of ROLES
    text: str
    agreed_on: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


class Source(Protocol):
    def engagements(self) -> list[Engagement]: ...

    def items(self) -> list[Item]: ...


class Days:
    """Every triad day the store holds, with the asks and offers its hosts agreed."""

    def __init__(self, engine, reports):
        self.engine, self.reports = engine, reports

    def _days(self):
        return [(d, self.engine.scripts.get(d["script"])) for d in self.engine.store.days()]

    def engagements(self) -> list[Engagement]:
        out = []
        for day, script in self._days():
            months = script.review_of_impact_months if script else 0
            for host in day["authorities"]:
                visiting = tuple(a for a in day["authorities"] if a != host)
                out.append(Engagement("day", day["id"], day["title"], day["date"], host, visiting, months,
                                      day["script"]))
        return sorted(out, key=lambda e: (e.date, e.title, e.host))

    def items(self) -> list[Item]:
        out = []
        for day, script in self._days():
            if script is None:
                continue
            agreements = self.reports.agreements(day["id"])
            for row in self.engine.store.contributions(day["id"]):
                kind = script.kinds.get(row["kind"])
                a = agreements.get(row["id"])
                if not kind or kind.summit not in ("ask", "offer") or row["hidden"] or row["merged_into"]:
                    continue
                if not a or a["status"] not in AGREED or not row["presenter"]:
                    continue
                out.append(Item(row["id"], "day", day["id"], day["title"], day["date"], row["presenter"],
                                kind.summit, casestudies.agreed_text(row, agreements), a["decided_on"]))
        return out


class Reviews:
    """Every peer review the store holds, with the actions its host agreed (Y): the host's action
    plan, each with its owner (a role) and the date it is due, looked back at six months on."""

    MONTHS = 6  # seed 001: a review of impact at least six months after the fieldwork

    def __init__(self, reviews, scripts: dict):
        self.reviews, self.scripts = reviews, scripts

    def engagements(self) -> list[Engagement]:
        return sorted((Engagement("review", r["id"], r["title"], _date(r), r["host"], (), self.MONTHS, r["script"])
                       for r in self.reviews.reviews()), key=lambda e: (e.date, e.title))

    def items(self) -> list[Item]:
        out = []
        for r in self.reviews.reviews():
            for a in self.reviews.actions(r["id"]):
                if a["agreed"] != "Y":
                    continue
                out.append(Item(a["id"], "review", r["id"], r["title"], _date(r), r["host"], "action", a["text"],
                                r.get("feedback_date") or None,
                                {"owner": a.get("owner") or "", "due": a.get("due_date") or ""}))
        return out


def _date(review: dict) -> str:
    """The fieldwork's first day; an unannounced visit not yet dated counts from its window's end."""
    return review.get("start_date") or review.get("window_last") or ""
