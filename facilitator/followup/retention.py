"""How long each day and review is kept, and what falls due (seed 003: personal data is not kept
longer than necessary).

Each script says how many months its words are kept, counted from the fieldwork or from its
hosts' reviews of impact (the latest of them: submitted, planned, or the earliest a host still
choosing may hold one; a host that holds none adds nothing). A month before the date the
facilitator, the lead and the host are warned; on the date `facilitator retention --apply`
deletes it with everything it holds, or, where a day's script says `then = "reduce"`, reduces it
to what the regional summit keeps: the case studies, asks and offers its hosts agreed, the
decisions that agreed them, and counts of the rest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date as Date, timedelta

from ..core import wording
from ..core.dates import add_months
from ..core.scripts.reader import RETENTION_THEN, Retention
from ..writeup import casestudies, document
from . import impact
from ..review import window

WARN_DAYS = 30
STATES = ("due", "soon", "kept", "reduced")  # past its date; within WARN_DAYS of it; later; reduced already


@dataclass(frozen=True)
class Kept:
    kind: str  # "day" or "review"
    ref: str
    title: str
    fieldwork: Date
    until: Date
    then: str = "delete"  # or "reduce"
    reduced: str | None = None  # the date it was reduced, once it has been

    def state(self, today: Date) -> str:
        if self.reduced:
            return "reduced"
        if today >= self.until:
            return "due"
        return "soon" if today >= self.until - timedelta(days=WARN_DAYS) else "kept"


def shown(kept: Kept, today: Date) -> dict:
    """How a page says it: the date, its state, the days left and what happens then."""
    return {"until": kept.until, "state": kept.state(today), "days": (kept.until - today).days,
            "then": kept.then, "then_words": RETENTION_THEN[kept.then],
            "reduced": Date.fromisoformat(kept.reduced) if kept.reduced else None}


def until(fieldwork: Date, rule: Retention, impacts: list[Date]) -> Date:
    """The day its words go: `months` after the fieldwork, or after the latest review of impact."""
    start = max([fieldwork, *impacts]) if rule.after == "review_of_impact" else fieldwork
    return add_months(start, rule.months)


def impact_dates(engagements, reviews: dict) -> list[Date]:
    """When each host held, plans or may hold its review of impact; none for a host that holds none."""
    out = []
    for e in engagements:
        review = reviews.get((e.ref, e.host))
        state = impact.standing(e, review, 0)
        if state == "done":
            out.append(impact.today(review["submitted_ms"]))
        elif state not in ("none", "not-held"):
            out.append(impact.when(e, review))
    return out


def day_kept(day: dict, script, engagements, reviews: dict) -> Kept:
    rule = script.retention if script else Retention()
    mine = [e for e in engagements if e.ref == day["id"]]
    fieldwork = Date.fromisoformat(day["date"])
    return Kept("day", day["id"], day["title"], fieldwork, until(fieldwork, rule, impact_dates(mine, reviews)),
                rule.then, (day.get("reduced") or {}).get("on"))


def review_kept(review: dict, script) -> Kept:
    rule = script.retention if script else Retention()
    fieldwork = window.kept_from(review)
    return Kept("review", review["id"], review["title"], fieldwork, until(fieldwork, rule, []))


def schedule(h) -> list[Kept]:
    """Every day and review in the database with the date its words go, soonest first."""
    engagements, reviews = h.followup.engagements(), h.followup.records.impacts()
    out = [day_kept(d, h.engine.scripts.get(d["script"]), engagements, reviews) for d in h.engine.store.days()]
    out += [review_kept(r, h.review_scripts.get(r["script"])) for r in h.reviews.reviews()]
    return sorted(out, key=lambda k: (k.until, k.title))


def for_day(h, day: dict) -> Kept:
    return day_kept(day, h.engine.scripts.get(day["script"]), h.followup.engagements(), h.followup.records.impacts())


def reduce(h, day: dict, now: int) -> dict[str, int]:
    """Reduce a day to what the summit keeps; the rows deleted, by table."""
    doc = document.gather(h.engine, h.reports, day, now)
    agreed = [subject for subject, a in h.reports.agreements(day["id"]).items() if a["status"] in casestudies.AGREED]
    keep = {"agreements": agreed,  # an insight its host shared with the summit is kept with the rest
            "contributions": [c["id"] for c in doc["contributions"]
                              if c["id"] in agreed or casestudies.insight_subject(c["id"]) in agreed],
            "case_studies": [c["id"] for c in casestudies.agreed_in(doc)]}
    script = h.engine.scripts[day["script"]]
    counts = Counter(c["kind"] for c in h.engine.store.contributions(day["id"]))
    held = {"on": impact.today(now).isoformat(), "participants": len(h.engine.store.participants(day["id"])),
            "counts": {wording.plurals(script)["kinds"].get(k, k): n for k, n in counts.items()}}
    return h.engine.store.reduce_day(day["id"], keep, held, now)
