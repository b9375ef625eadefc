"""The review of impact: when the host chose to hold it, where each host stands, and what its form
may record.

001, paragraphs 36-40: the review of impact is at the host's discretion, at least six months after
the fieldwork, and the host DCS is in charge of its timetable; the host sets out progress on its
improvement journey and measurable evidence of impact. Here it also says, for each ask it agreed,
whether it was answered and by whom, for each offer whether another authority took it up, and for
each agreed action of a review how far it has gone. Nothing is ever "overdue": a host that has not
chosen a date is shown as choosing, one that chose none as not holding one.
"""

from __future__ import annotations

from datetime import date as Date, datetime

from ..core.dates import add_months
from .sources import Engagement, Item

PLANS = ("date", "none", "")  # a date the host chose, no review at all, or not decided yet
ASK_STATUSES = ("not yet", "partly answered", "answered")
OFFER_STATUSES = ("not yet", "taken up")
ACTION_STATUSES = ("not started", "in progress", "done")
STATUSES = {"ask": ASK_STATUSES, "offer": OFFER_STATUSES, "action": ACTION_STATUSES}
MAX_TEXT = 8_000
MAX_EVIDENCE = 2_000


class BadReview(ValueError):
    """A review-of-impact form that cannot be saved as sent; the message is for the host."""


def earliest(e: Engagement) -> Date | None:
    """The first day the review of impact may be held; None when the script asks for none."""
    if e.months <= 0:
        return None
    return add_months(Date.fromisoformat(e.date), e.months)


def planned(review: dict | None) -> Date | None:
    """The date the host chose, if it chose one."""
    if review and review.get("plan") == "date" and review.get("planned_for"):
        return Date.fromisoformat(review["planned_for"])
    return None


def when(e: Engagement, review: dict | None) -> Date | None:
    """The date the review of impact is expected: the host's own, or else the earliest it may be."""
    return planned(review) or earliest(e)


def today(now_ms: int) -> Date:
    """Today in the server's local time, as the people using it count days."""
    return datetime.fromtimestamp(now_ms / 1000).date()


STANDING_WORDS = {"choosing": "Host to choose", "planned": "Planned", "ready": "Planned date reached",
                  "not-held": "Not held: the host's choice", "done": "Submitted"}


ORDER = ("ready", "planned", "choosing", "done", "not-held")  # what needs the region first


def standing(e: Engagement, review: dict | None, now_ms: int) -> str:
    """done, not-held (the host chose none), planned, ready (its date has come) or choosing (no
    date chosen yet); "none" when the script asks for no review of impact."""
    if earliest(e) is None:
        return "none"
    if review and review.get("submitted_ms"):
        return "done"
    if review and review.get("plan") == "none":
        return "not-held"
    date = planned(review)
    if date is None:
        return "choosing"
    return "planned" if today(now_ms) < date else "ready"


def started(review: dict | None) -> bool:
    return bool(review and (review.get("progress") or review.get("evidence") or review.get("updated_ms")))


def plan_words(e: Engagement, review: dict | None) -> str:
    """When, in the host's terms: the date it chose, none, or still to choose."""
    if earliest(e) is None:
        return "No review of impact is asked for."
    if review and review.get("plan") == "none":
        return f"{e.host} chose not to hold a review of impact."
    date = planned(review)
    if date:
        return f"Planned by {e.host} for {date:%-d %B %Y}."
    return f"{e.host} chooses when, from {earliest(e):%-d %B %Y}, or that there will be none."


def follow_up_rows(engagements: list[Engagement], reviews: dict, now_ms: int) -> list[dict]:
    """One row per host of every day and review: those whose date has come first, then by date."""
    rows = []
    for e in engagements:
        review = reviews.get((e.ref, e.host))
        state = standing(e, review, now_ms)
        if state == "none":
            continue
        rows.append({"engagement": e, "when": when(e, review).isoformat(), "earliest": earliest(e).isoformat(),
                     "status": state, "words": STANDING_WORDS[state],
                     "submitted": today(review["submitted_ms"]).isoformat() if review and review.get("submitted_ms") else None,
                     "started": started(review)})
    return sorted(rows, key=lambda r: (ORDER.index(r["status"]), r["when"], r["engagement"].title, r["engagement"].host))


def read_plan(form, e: Engagement) -> tuple[str, str | None]:
    """The host's choice of when to hold its review of impact, checked; raise BadReview if it cannot stand."""
    plan = form.get("plan", "")
    if plan not in PLANS:
        raise BadReview("Choose a date, no review of impact, or not decided yet.")
    if plan != "date":
        return plan, None
    raw = form.get("planned_for", "").strip()
    try:
        date = Date.fromisoformat(raw)
    except ValueError:
        raise BadReview("Give the date you plan to hold the review of impact, as a date.") from None
    first = earliest(e)
    if date < first:
        raise BadReview(f"The review of impact is at least {e.months} months after the challenge day: "
                        f"choose {first:%-d %B %Y} or later.")
    if date > add_months(first, 60):
        raise BadReview("Choose a date within five years of the earliest.")
    return plan, date.isoformat()


def read_review(form, mine: list[Item], others: list[Item], region: list[str]) -> dict:
    """The review-of-impact form checked whole: {progress, evidence, outcomes, submit}; else BadReview."""
    progress = form.get("progress", "").replace("\r\n", "\n").strip()
    evidence = form.get("evidence", "").replace("\r\n", "\n").strip()
    submit = form.get("action") == "submit"
    if max(len(progress), len(evidence)) > MAX_TEXT:
        raise BadReview(f"Keep progress and evidence to {MAX_TEXT} characters each.")
    if submit and not evidence:
        raise BadReview("Give the measurable evidence of impact before submitting the review.")
    return {"progress": progress, "evidence": evidence, "submit": submit,
            "outcomes": read_outcomes(form, mine, others, region)}


def read_outcomes(form, mine: list[Item], others: list[Item], region: list[str]) -> list[dict]:
    """Check the form's answer for each of the host's items; raise BadReview on anything unknown.

    Field names: `status-ITEM`, `by-ITEM` (an authority), `offer-ITEM` (another authority's offer
    that answered an ask), `evidence-ITEM`. Unanswered items are left out.
    """
    offers = {o.id: o for o in others if o.role == "offer"}
    out = []
    for item in mine:
        status = form.get(f"status-{item.id}", "")
        if not status:
            continue
        if status not in STATUSES[item.role]:
            raise BadReview(f"“{status}” is not a status for an {item.role}.")
        by = form.get(f"by-{item.id}", "").strip() or None
        offer_id = form.get(f"offer-{item.id}", "").strip() or None
        evidence = form.get(f"evidence-{item.id}", "").replace("\r\n", "\n").strip() or None
        if evidence and len(evidence) > MAX_EVIDENCE:
            raise BadReview(f"The evidence for “{item.text[:40]}” is longer than {MAX_EVIDENCE} characters.")
        if offer_id:
            if item.role != "ask" or offer_id not in offers or offers[offer_id].authority == item.authority:
                raise BadReview("Choose an offer from another authority in the region.")
            by = by or offers[offer_id].authority
        if by and (by not in region or by == item.authority):
            raise BadReview(f"“{by}” is not another authority in the region.")
        if status in ("answered", "partly answered", "taken up") and item.role != "action" and not by:
            raise BadReview(f"Say which authority {'answered' if item.role == 'ask' else 'took up'} “{item.text[:60]}”.")
        out.append({"item_id": item.id, "role": item.role, "status": status, "by_authority": by,
                    "offer_id": offer_id, "evidence": evidence})
    return out


def prefill(role: str, outcome: dict, by: str | None, confirmed: list[dict]) -> dict:
    """What the form shows for an item the ledger matched: the match chosen until the host records
    otherwise, and a plain word when the host names another offer than the one matched."""
    match = confirmed[0] if confirmed else None
    offer_id = outcome.get("offer_id")
    if not outcome and match:
        return {"match": match, "choose_by": match["authority"], "choose_offer": match["id"] if role == "ask" else None,
                "prefilled": True, "other_than_match": False}
    other = bool(role == "ask" and match and offer_id and offer_id not in {m["id"] for m in confirmed})
    return {"match": match, "choose_by": by, "choose_offer": offer_id, "prefilled": False, "other_than_match": other}
