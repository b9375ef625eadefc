"""The feedback letter, in the words of the region's template: drafted from the verbal feedback
record (strengths first, then areas for development), edited by the lead, shared with the host as
a draft for its comments, proofread by the QA reviewer (every action point must rest on recorded
evidence), signed off by the lead, and published only if the host chooses; with its due date
counted in working days."""

from __future__ import annotations

import secrets
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
    """The days on site; none while an unannounced visit's first day is not yet set."""
    if not review["start_date"]:
        return []
    return on_site_days(Date.fromisoformat(review["start_date"]), script.days)


def due_date(review: dict, script: ReviewScript) -> Date | None:
    """When the signed letter is due: working days after the last day on site, if the script says."""
    days = visit_days(review, script)
    if script.due_working_days is None or not days:
        return None
    return add_working_days(days[-1], script.due_working_days)


def _dates(days: list[Date]) -> str:
    if not days:
        return "dates still to be set"
    if len(days) == 1:
        return f"{days[0]:%-d %B %Y}"
    if (days[0].year, days[0].month) == (days[-1].year, days[-1].month):
        return f"{days[0]:%-d} to {days[-1]:%-d %B %Y}"
    return f"{days[0]:%-d %B} to {days[-1]:%-d %B %Y}"


def title(review: dict, script: ReviewScript) -> str:
    return f"{script.letter_title} {review['host']} Children's Services"


def priority_intro(script: ReviewScript) -> str:
    heading = script.priority_heading
    return f"This review has identified the following {heading[:1].lower() + heading[1:]}:"


def defaults(review: dict, script: ReviewScript) -> dict:
    what = "agreed hypotheses were" if script.mode == HYPOTHESES else "themes were"
    return {
        "salutation": f"Dear {review.get('host_dcs_name') or script.host_label}",
        "summary": (
            f"This letter summarises the findings of the recent {script.letter_title} in {review['host']} "
            f"which was conducted on {_dates(visit_days(review, script))}. I would like to thank all of the staff "
            "we met for their assistance in undertaking this review.\n\n"
            "The review aimed to provide an objective evaluation of the key strengths and areas for development "
            f"within the Children and Young People's Service. In order to conduct this evaluation, a number of {what} "
            f"investigated by a {script.letter_title} Team. The methodology used, evidence-base behind the key "
            "findings and any comments made by the host council in response have been captured in the record of "
            "verbal feedback which is attached for reference."),
        "variations": "There were no variations between review team members' findings.",
        "signature": review.get("lead_name") or script.lead_label,
    }


def current(rs: ReviewStore, review: dict, script: ReviewScript) -> dict:
    """The letter as it stands: the lead's edits over the draft, the record, flags and state."""
    saved = rs.letter(review["id"]) or {}
    body = {k: saved.get(k) or v for k, v in defaults(review, script).items()}
    record = verbal(rs, review)
    found = [f for ln in record["lines"] for f in ln["findings"]]
    return {
        **body, "title": title(review, script), "record": record,
        "lines": [{"number": n, "title": ln["title"]} for n, ln in enumerate(record["lines"], 1)],
        "strengths": [f for f in found if f.get("kind") == "strength"],
        "developments": [f for f in found if f.get("kind") == "development"],
        "priorities": [a for a in record["actions"] if a["agreed"] == "Y"], "priority_intro": priority_intro(script),
        "flags": qa_flags(record["actions"]), "comments": rs.letter_comments(review["id"]),
        "shared_ms": saved.get("shared_ms"), "proofread_ms": saved.get("proofread_ms"),
        "signed_ms": saved.get("signed_ms"), "published_ms": saved.get("published_ms"), "due": due_date(review, script),
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


def edit(rs: ReviewStore, review: dict, script: ReviewScript, form, now: int) -> None:
    _unsigned(rs, review)
    drafted = defaults(review, script)
    changes = {key: text(form, key, limit, label, required=False) for key, limit, label in EDITABLE if key in form}
    # A part left as drafted is not stored, so it follows the record (a name entered later, say).
    changes = {key: (None if value == drafted[key] else value) for key, value in changes.items()}
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


def set_names(rs: ReviewStore, review: dict, form) -> None:
    """The host DCS's and the lead's own names, for the greeting and the signature."""
    _unsigned(rs, review)
    rs.set_names(review["id"], {
        "host_dcs_name": text(form, "host_dcs_name", 120, "The host DCS's name", required=False),
        "lead_name": text(form, "lead_name", 120, "The lead reviewer's name", required=False)})


def comment(rs: ReviewStore, review: dict, form, now: int) -> dict:
    """The host's comment on the draft it has been shown, before the lead signs it off."""
    saved = rs.letter(review["id"]) or {}
    if not saved.get("shared_ms"):
        raise Refused("not_shared", "the draft letter has not been shared with you yet")
    if saved.get("signed_ms"):
        raise Refused("signed", "the letter is signed off: comments were for the draft")
    return rs.add_letter_comment({"id": secrets.token_hex(6), "review_id": review["id"],
                                  "text": text(form, "text", 4000, "Your comment"), "created_ms": now})


def publish(rs: ReviewStore, review: dict, now: int) -> None:
    """The host's choice to publish its signed letter: until then no public copy exists."""
    saved = rs.letter(review["id"]) or {}
    if not saved.get("signed_ms"):
        raise Refused("unsigned", "only a signed-off letter can be published")
    if saved.get("published_ms"):
        raise Refused("published", "the letter is already published")
    rs.save_letter(review["id"], {"published_ms": now})


def published(rs: ReviewStore, review: dict) -> bool:
    return bool((rs.letter(review["id"]) or {}).get("published_ms"))
