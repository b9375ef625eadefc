"""The feedback letter: drafted from the verbal feedback record, edited by the lead, shared with
the host as a draft, proofread by the QA reviewer (every action point must rest on recorded
evidence), then signed off by the lead; with its due date counted in working days."""

from __future__ import annotations

from datetime import date as Date

from ..core.checks import text
from ..core.dates import add_working_days, on_site_days
from ..core.errors import Refused
from ..core.scripts.review import HYPOTHESES, ReviewScript
from .feedback import verbal
from .store import ReviewStore

EDITABLE = (("salutation", 200, "The greeting"), ("summary", 4000, "The opening"),
            ("variations", 4000, "Variations between team members' findings"), ("signature", 200, "The signature"))


def visit_days(review: dict, script: ReviewScript) -> list[Date]:
    return on_site_days(Date.fromisoformat(review["start_date"]), script.days)


def due_date(review: dict, script: ReviewScript) -> Date | None:
    """When the signed letter is due: working days after the last day on site, if the script says."""
    if script.due_working_days is None:
        return None
    return add_working_days(visit_days(review, script)[-1], script.due_working_days)


def _dates(days: list[Date]) -> str:
    if len(days) == 1:
        return f"{days[0]:%-d %B %Y}"
    if (days[0].year, days[0].month) == (days[-1].year, days[-1].month):
        return f"{days[0]:%-d} to {days[-1]:%-d %B %Y}"
    return f"{days[0]:%-d %B} to {days[-1]:%-d %B %Y}"


def defaults(review: dict, script: ReviewScript) -> dict:
    what = "agreed hypotheses were" if script.mode == HYPOTHESES else "themes were"
    return {
        "salutation": f"Dear {script.host_label}",
        "summary": (
            f"This letter summarises the findings of the recent {script.letter_title} in {review['host']}, "
            f"which was conducted on {_dates(visit_days(review, script))}. I would like to thank all of the staff "
            "we met for their assistance in undertaking this review.\n\n"
            "The review aimed to provide an objective evaluation of the key strengths and areas for development "
            f"within the service. In order to conduct this evaluation, a number of {what} investigated by a "
            "review team. The methodology used, the evidence base behind the key findings and any comments made "
            "by the host council in response have been captured in the record of verbal feedback, which is "
            "attached for reference."),
        "variations": "There were no variations between review team members' findings.",
        "signature": script.lead_label,
    }


def current(rs: ReviewStore, review: dict, script: ReviewScript) -> dict:
    """The letter as it stands: the lead's edits over the draft, the record, flags and state."""
    saved = rs.letter(review["id"]) or {}
    body = {k: saved.get(k) or v for k, v in defaults(review, script).items()}
    record = verbal(rs, review)
    flags = qa_flags(record["actions"])
    return {
        **body, "title": f"{script.letter_title}: {review['host']}", "record": record,
        "priorities": [a for a in record["actions"] if a["agreed"] == "Y"],
        "flags": flags, "shared_ms": saved.get("shared_ms"), "proofread_ms": saved.get("proofread_ms"),
        "signed_ms": saved.get("signed_ms"), "due": due_date(review, script),
    }


def qa_flags(actions: list[dict]) -> list[str]:
    """What the QA reviewer must see put right: action points not linked to recorded evidence."""
    flags = []
    for n, action in enumerate(actions, start=1):
        if not action["linked"]:
            flags.append(f"Action point {n} (\u201c{action['text']}\u201d) is not linked to any key finding.")
        elif not action["evidenced"]:
            flags.append(f"Action point {n} (\u201c{action['text']}\u201d) rests on findings with no recorded evidence.")
    return flags


def _unsigned(rs: ReviewStore, review: dict) -> dict:
    saved = rs.letter(review["id"]) or {}
    if saved.get("signed_ms"):
        raise Refused("signed", "the letter is signed off and can no longer change")
    return saved


def edit(rs: ReviewStore, review: dict, form, now: int) -> None:
    _unsigned(rs, review)
    changes = {key: text(form, key, limit, label, required=False) for key, limit, label in EDITABLE if key in form}
    # A change after proofreading needs proofreading again.
    rs.save_letter(review["id"], {**changes, "proofread_ms": None, "updated_ms": now})


def share(rs: ReviewStore, review: dict, now: int) -> None:
    _unsigned(rs, review)
    rs.save_letter(review["id"], {"shared_ms": now})


def proofread(rs: ReviewStore, review: dict, script: ReviewScript, now: int) -> None:
    _unsigned(rs, review)
    flags = current(rs, review, script)["flags"]
    if flags:
        raise Refused("flagged", "put right the flagged action points first: " + " ".join(flags))
    rs.save_letter(review["id"], {"proofread_ms": now})


def sign(rs: ReviewStore, review: dict, script: ReviewScript, now: int) -> None:
    saved = _unsigned(rs, review)
    letter = current(rs, review, script)
    if letter["flags"]:
        raise Refused("flagged", "the letter cannot be signed off while action points are flagged")
    if not saved.get("shared_ms"):
        raise Refused("invalid", f"share the draft with the {script.host_label} before signing it off")
    if not saved.get("proofread_ms"):
        raise Refused("invalid", "the QA reviewer has not yet proofread this draft")
    rs.save_letter(review["id"], {"signed_ms": now})
