"""Reflection and evaluation: each team member answers once, anonymously; members see only the
composite of the whole team, and only once at least three have answered."""

from __future__ import annotations

from ..core.errors import Refused
from ..core.checks import text
from .store import ReviewStore

MIN_ANSWERS = 3
COMMENTS = (("length", "Length and timescales"), ("design", "The design of the review process"),
            ("enquiry", "The way the lines of enquiry were used to focus the review"),
            ("practical", "The practical operating arrangements"), ("impact", "Likely impact on the host"))
# The handbook's two 1-5 scales (its questions 1 and 6) and its open questions 5, 7 and 8, in its words.
SCALES = {"rating": ("Was the review process suitable to fulfil its immediate purpose?", "poor", "excellent"),
          "leadership": ("Has the review process been useful for you, personally, in terms of your leadership "
                         "development?", "not helpful", "very helpful")}
LEARNED = ("learned", "What is the main thing you have learned from being part of this review process?")
BENEFITS = ("benefits", "Will your participation in this review have direct benefits for the organisation and "
                        "partnerships you work within?")
OTHER = ("other", "Do you have any other comments to offer on this process that the DCSs might consider?")
OPEN = (LEARNED, BENEFITS, OTHER)


def questions() -> dict:
    """Every question the form asks, in the handbook's words, for the page to lay out."""
    return {"comments": COMMENTS, "scales": SCALES, "learned": LEARNED, "benefits": BENEFITS, "other": OTHER}


def others(rs: ReviewStore, review: dict, member: dict, lead_tag: str) -> list[str]:
    """The roles of the rest of the team (the lead and those who joined), for peer feedback."""
    return sorted(({m["role"] for m in rs.members(review["id"])} | {lead_tag}) - {member["role"]})


def answer(rs: ReviewStore, review: dict, member: dict, lead_tag: str, form) -> None:
    if rs.answered(review["id"], member["id"]):
        raise Refused("duplicate", "you have already answered: thank you")
    answers = {
        "rating": _scale(form, "rating", "rate the review process from 1 (poor) to 5 (excellent)"),
        # Optional, as a personal question; but a given answer is on the scale, or nothing is kept.
        "leadership": _scale(form, "leadership", "rate how useful the review was for your leadership development "
                                                 "from 1 (not helpful) to 5 (very helpful), or leave it blank",
                             required=False),
        "self": _pair(form, "self"),
        "peers": {role: _pair(form, f"peer-{role}") for role in others(rs, review, member, lead_tag)},
        "comments": {key: text(form, key, 2000, label, required=False) for key, label in COMMENTS},
        "open": {key: text(form, key, 2000, label, required=False) for key, label in OPEN},
    }
    if not rs.answer_survey(review["id"], member["id"], answers):
        raise Refused("duplicate", "you have already answered: thank you")


def _scale(form, key: str, refusal: str, required: bool = True) -> int | None:
    value = form.get(key, "")
    if value == "" and not required:
        return None
    if value not in {"1", "2", "3", "4", "5"}:
        raise Refused("invalid", refusal)
    return int(value)


def _pair(form, prefix: str) -> dict:
    return {"strengths": text(form, f"{prefix}-strengths", 2000, "Strengths", required=False),
            "development": text(form, f"{prefix}-development", 2000, "Areas for development", required=False)}


def composite(rs: ReviewStore, review: dict) -> dict:
    """The team's composite view, or only the count while fewer than three have answered."""
    answers = rs.survey_answers(review["id"])
    if len(answers) < MIN_ANSWERS:
        return {"count": len(answers), "ready": False, "needed": MIN_ANSWERS - len(answers)}
    peers: dict[str, dict[str, list[str]]] = {}
    for a in answers:
        for role, pair in a["peers"].items():
            bucket = peers.setdefault(role, {"strengths": [], "development": []})
            for key in bucket:
                if pair[key]:
                    bucket[key].append(pair[key])
    # Sorted, so the order of the text says nothing about the order of answering.
    return {
        "count": len(answers), "ready": True,
        "rating": round(sum(a["rating"] for a in answers) / len(answers), 1),
        "ratings": {n: sum(a["rating"] == n for a in answers) for n in range(1, 6)},
        "scales": [_tally(key, answers) for key in SCALES],
        # Sorted and without who gave them; an answer kept before these questions were asked has none.
        "open": [(label, sorted(filter(None, (a.get("open", {}).get(key) for a in answers)))) for key, label in OPEN],
        "peers": {role: {k: sorted(v) for k, v in pair.items()} for role, pair in sorted(peers.items())},
        "self": {k: sorted(a["self"][k] for a in answers if a["self"][k]) for k in ("strengths", "development")},
        "comments": [(label, sorted(a["comments"][key] for a in answers if a["comments"][key]))
                     for key, label in COMMENTS],
    }


def _tally(key: str, answers: list[dict]) -> dict:
    """A scale question's counts for 1 to 5 and its mean, over those who answered it."""
    given = [a[key] for a in answers if a.get(key)]
    question, low, high = SCALES[key]
    return {"key": key, "question": question, "low": low, "high": high, "answered": len(given),
            "counts": [(n, given.count(n)) for n in range(1, 6)],
            "mean": round(sum(given) / len(given), 1) if given else None}
