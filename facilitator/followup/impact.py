"""The review of impact: when it falls due, where each host stands, and what its form may record.

001, paragraphs 36-40: at least six months after the fieldwork the host sets out progress on its
improvement journey and measurable evidence of impact; here it also says, for each ask it agreed,
whether it was answered and by whom, for each offer whether another authority took it up, and for
each agreed action of a review how far it has gone.
"""

from __future__ import annotations

import calendar
from datetime import date as Date, datetime, timedelta

from .sources import Engagement, Item

GRACE_DAYS = 60  # after the due date it is "due" for this long, then "overdue"
ASK_STATUSES = ("not yet", "partly answered", "answered")
OFFER_STATUSES = ("not yet", "taken up")
ACTION_STATUSES = ("not started", "in progress", "done")
STATUSES = {"ask": ASK_STATUSES, "offer": OFFER_STATUSES, "action": ACTION_STATUSES}
MAX_TEXT = 8_000
MAX_EVIDENCE = 2_000


def add_months(day: Date, months: int) -> Date:
    """The same day of the month `months` on; the month's last day when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def due_date(e: Engagement) -> Date | None:
    if e.months <= 0:
        return None
    return add_months(Date.fromisoformat(e.date), e.months)


def today(now_ms: int) -> Date:
    """Today in the server's local time, as the people using it count days."""
    return datetime.fromtimestamp(now_ms / 1000).date()


def standing(e: Engagement, review: dict | None, now_ms: int) -> str:
    """upcoming, due, overdue or done; "none" when the script asks for no review of impact."""
    due = due_date(e)
    if due is None:
        return "none"
    if review and review.get("submitted_ms"):
        return "done"
    t = today(now_ms)
    if t < due:
        return "upcoming"
    return "due" if t <= due + timedelta(days=GRACE_DAYS) else "overdue"


def follow_up_rows(engagements: list[Engagement], reviews: dict, now_ms: int) -> list[dict]:
    """One row per host of every day and review, soonest due first."""
    rows = []
    for e in engagements:
        review = reviews.get((e.ref, e.host))
        state = standing(e, review, now_ms)
        if state == "none":
            continue
        rows.append({"engagement": e, "due": due_date(e).isoformat(), "status": state,
                     "submitted": today(review["submitted_ms"]).isoformat() if review and review.get("submitted_ms") else None,
                     "started": bool(review)})
    return sorted(rows, key=lambda r: (r["due"], r["engagement"].title, r["engagement"].host))


class BadReview(ValueError):
    """A review-of-impact form that cannot be saved as sent; the message is for the host."""


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
