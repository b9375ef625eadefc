"""The off-site preparation before the fieldwork (seed 004): a survey of the host's staff and
partners, and the team's case-mapping exercise, both from the review script's `[offsite]` table.

The survey is answered through its own link, with no sign-in, and anonymously: an answer keeps
its group and its answers and nothing of who gave it. Free text and every text of a mapped case
go through the child-details hold: a held one is shown to nobody but the lead until released.
A group's figures are shown apart only when every group asked has at least three answers, so a
small group's answers can neither be read off nor worked out from the total.
"""

from __future__ import annotations

from collections import Counter

from ..core import child_details
from ..core.checks import client_id, text
from ..core.errors import Refused
from ..core.scripts.offsite import CHOICE, CHOICES, SCALE, TEXT, YES_NO, Cases, Question, Survey
from ..core.scripts.review import ReviewScript
from .offsite_store import OffsiteStore

MIN_GROUP = 3
MAX_TEXT = 2000
MAX_LABEL = 40
YES_NO_VALUES = {"yes": True, "no": False}
HELD_KINDS = ("text", "case")


def survey_of(script: ReviewScript) -> Survey:
    survey = script.offsite and script.offsite.survey
    if survey is None:
        raise Refused("not_found", "this review's script has no survey of staff and partners")
    return survey


def cases_of(script: ReviewScript) -> Cases:
    cases = script.offsite and script.offsite.cases
    if cases is None:
        raise Refused("not_found", "this review's script has no case-mapping exercise")
    return cases


def _lead_only(by: str, what: str) -> None:
    if by != "lead":
        raise Refused("forbidden", f"only the lead reviewer {what}")


# -- opening and closing the survey (the lead)


def open_survey(store: OffsiteStore, review: dict, script: ReviewScript, by: str, now: int) -> dict:
    survey_of(script)
    _lead_only(by, "opens the survey")
    return store.open_survey(review["id"], now)


def close_survey(store: OffsiteStore, review: dict, script: ReviewScript, by: str, now: int) -> dict:
    survey_of(script)
    _lead_only(by, "closes the survey")
    state = store.survey_state(review["id"])
    if not is_open(state):
        raise Refused("closed", "the survey is not open")
    return store.close_survey(review["id"], now)


def is_open(state: dict | None) -> bool:
    return bool(state) and not state["closed_ms"]


# -- answering (anyone with the link)


def answer(store: OffsiteStore, review: dict, script: ReviewScript, form) -> bool:
    """Store one respondent's answers; False when the form had been sent already (stored once)."""
    survey = survey_of(script)
    if not is_open(store.survey_state(review["id"])):
        raise Refused("closed", "this survey has closed, so nothing was stored: thank you for wanting to take part")
    answer_id = client_id({"id": form.get("answer_id")})
    group = survey.group(form.get("group") or "")
    if group is None:
        raise Refused("invalid", "choose whether you answer as staff or as a partner")
    asked = survey.asked(group.key)
    _no_stray(form, asked, group.label)
    values = {q.key: _value(form, q) for q in asked}
    if all(v in (None, "") for v in values.values()):
        raise Refused("invalid", "answer at least one question before you send")
    row = {"id": answer_id, "review_id": review["id"], "grp": group.key,
           "answers": {k: v for k, v in values.items() if k not in _text_keys(asked)}}
    texts = [{"question": k, "text": v, "held": child_details.hold(v)}
             for k, v in values.items() if k in _text_keys(asked) and v]
    if store.add_answer(row, texts):
        return True
    used = store.answer_used(answer_id)
    if used is None or used["review_id"] != review["id"]:
        raise Refused("invalid", "that form's id is already used: reload the survey and answer again")
    return False


def _text_keys(asked: tuple[Question, ...]) -> set[str]:
    return {q.key for q in asked if q.kind == TEXT}


def _no_stray(form, asked: tuple[Question, ...], group_label: str) -> None:
    """Every answer sent is to a question this group is asked."""
    keys = {q.key for q in asked}
    for name in form:
        if name.startswith("q-") and name[2:] not in keys:
            raise Refused("invalid", f"there is no question '{name[2:]}' in this survey for those who say "
                                     f"'{group_label}', so nothing was stored")


def _value(form, q: Question):
    raw = form.get(f"q-{q.key}")
    if q.kind == TEXT:
        return text(form, f"q-{q.key}", MAX_TEXT, f"Your answer to '{q.text}'", required=False)
    if raw in (None, ""):
        return None
    if q.kind == SCALE:
        if raw not in {"1", "2", "3", "4", "5"}:
            raise Refused("invalid", f"answer '{q.text}' from 1 ({q.labels[0]}) to 5 ({q.labels[4]}), or leave it")
        return int(raw)
    if raw not in YES_NO_VALUES:
        raise Refused("invalid", f"answer '{q.text}' yes or no, or leave it")
    return YES_NO_VALUES[raw]


# -- the survey's summary (the team and the host)


def summary(store: OffsiteStore, review: dict, script: ReviewScript) -> dict:
    """Per question: how many answered, and by kind the figures in total and for each group asked."""
    survey = survey_of(script)
    answers, texts = store.answers(review["id"]), store.texts(review["id"])
    by_group = Counter(a["grp"] for a in answers)
    return {"count": len(answers), "groups": [(g, by_group[g.key]) for g in survey.groups],
            "questions": [_question(survey, q, answers, texts) for q in survey.questions],
            "held": [t for t in texts if t["held"]]}


def _question(survey: Survey, q: Question, answers: list[dict], texts: list[dict]) -> dict:
    if q.kind == TEXT:
        mine = [t for t in texts if t["question"] == q.key]
        shown = sorted(t["text"] for t in mine if not t["held"])
        return {"question": q, "answered": len(mine), "texts": shown, "held": len(mine) - len(shown)}
    given = {g: [a["answers"][q.key] for a in answers if a["grp"] == g and a["answers"].get(q.key) is not None]
             for g in q.groups}
    every = [v for values in given.values() for v in values]
    small = [g for g, values in given.items() if 0 < len(values) < MIN_GROUP]
    groups = [{"group": survey.group(g), "answered": len(values), "small": g in small, "hidden": bool(small),
               "figures": None if small else _figures(q, values)} for g, values in given.items()]
    return {"question": q, "answered": len(every), "total": _figures(q, every), "groups": groups}


def _figures(q: Question, values: list) -> dict:
    if q.kind == YES_NO:
        return {"yes": sum(1 for v in values if v is True), "no": sum(1 for v in values if v is False)}
    counts = Counter(values)
    return {"counts": [(n, q.labels[n - 1], counts[n]) for n in range(1, 6)],
            "mean": round(sum(values) / len(values), 1) if values else None}


# -- mapping cases (the team)


def add_case(store: OffsiteStore, review: dict, script: ReviewScript, role: str, form, now: int) -> dict:
    """Store a mapped case once under the id its form carries; a resend gives the stored case."""
    cases = cases_of(script)
    case_id = client_id({"id": form.get("case_id")})
    _no_stray_fields(form, cases)
    label = text(form, "label", MAX_LABEL, "The case's label")
    fields = {f.key: _field(form, f) for f in cases.fields}
    words = " \n".join([label, *(v for f in cases.fields if f.kind == TEXT for v in [fields[f.key]] if v)])
    row = {"id": case_id, "review_id": review["id"], "label": label, "fields": fields,
           "held": child_details.hold(words), "role": role, "created_ms": now}
    stored = store.add_case(row)
    if stored is not None:
        return stored
    used = store.case_by_id(case_id)
    if used is None or used["review_id"] != review["id"]:
        raise Refused("invalid", "that form's id is already used: reload the page and map the case again")
    return used


def _no_stray_fields(form, cases: Cases) -> None:
    for name in form:
        if name.startswith("f-") and cases.field(name[2:]) is None:
            raise Refused("invalid", f"there is no field '{name[2:]}' in this case mapping, so nothing was stored")


def _field(form, f):
    if f.kind == TEXT:
        return text(form, f"f-{f.key}", MAX_TEXT, f.label, required=f.required)
    chosen = form.getlist(f"f-{f.key}") if hasattr(form, "getlist") else [form.get(f"f-{f.key}")]
    chosen = [c for c in chosen if c not in (None, "")]
    stray = [c for c in chosen if c not in f.choices]
    if stray or (f.kind == CHOICE and len(chosen) > 1):
        raise Refused("invalid", f"{f.label}: choose from {'; '.join(f.choices)}")
    if f.required and not chosen:
        raise Refused("invalid", f"{f.label} is required")
    if f.kind == CHOICES:
        return chosen
    return chosen[0] if chosen else None


def results(store: OffsiteStore, review: dict, script: ReviewScript) -> dict:
    """The mapped cases not held back, and a tally of each choice field over them."""
    cases = cases_of(script)
    every = store.cases(review["id"])
    shown = [c for c in every if not c["held"]]
    return {"cases": shown, "held": [c for c in every if c["held"]],
            "tallies": [_tally(f, shown) for f in cases.fields if f.kind != TEXT]}


def _tally(f, cases: list[dict]) -> dict:
    counts = Counter()
    for c in cases:
        value = c["fields"].get(f.key)
        counts.update(value if isinstance(value, list) else [value] if value else [])
    return {"field": f, "counts": [(choice, counts[choice]) for choice in f.choices]}


# -- what is held for a child's details (the lead)


def _held_item(store: OffsiteStore, review: dict, kind: str, item_id: str) -> dict:
    found = None
    if kind == "text":
        found = next((t for t in store.texts(review["id"]) if t["id"] == item_id), None)
    elif kind == "case":
        found = store.case_by_id(item_id)
        found = found if found and found["review_id"] == review["id"] else None
    if found is None or not found["held"]:
        raise Refused("not_found", "nothing of that kind is held in this review")
    return found


def release(store: OffsiteStore, review: dict, kind: str, item_id: str, by: str) -> dict:
    _lead_only(by, "releases what was held for a child's details")
    return store.release_held(review["id"], kind, _held_item(store, review, kind, item_id)["id"])


def remove(store: OffsiteStore, review: dict, kind: str, item_id: str, by: str) -> None:
    _lead_only(by, "removes what was held for a child's details")
    store.remove_held(review["id"], kind, _held_item(store, review, kind, item_id)["id"])


def counts(store: OffsiteStore, review: dict) -> dict:
    """For the lead's console: answers in, cases mapped, and what waits in the hold."""
    texts, cases = store.texts(review["id"]), store.cases(review["id"])
    return {"answers": len(store.answers(review["id"])), "cases": len(cases),
            "held": sum(1 for t in texts if t["held"]) + sum(1 for c in cases if c["held"]),
            "state": store.survey_state(review["id"])}
