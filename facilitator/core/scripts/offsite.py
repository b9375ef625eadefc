"""A review script's off-site preparation (seed 004): a survey of staff and partners, and a
case-mapping exercise, as data. The questions, the fields of a case and all their wording come
from the script's `[offsite]` table; nothing here names a question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .reader import Reader

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
GROUPS = ("staff", "partner")  # who may answer the survey: the host's own staff, or its partners
SCALE, YES_NO, TEXT = "scale", "yes_no", "text"
QUESTION_KINDS = (SCALE, YES_NO, TEXT)
CHOICE, CHOICES = "choice", "choices"
FIELD_KINDS = (CHOICE, CHOICES, TEXT)


@dataclass(frozen=True)
class Group:
    key: str    # staff or partner
    label: str  # as the respondent picks it ("I work for a partner agency")
    short: str  # as a summary heads its column ("Partners")


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    kind: str
    groups: tuple[str, ...]      # the groups asked it
    labels: tuple[str, ...] = ()  # a scale's five labels, 1 to 5
    hint: str = ""


@dataclass(frozen=True)
class Survey:
    title: str
    intro: str
    source: str  # the note source it is cited as
    groups: tuple[Group, ...]
    questions: tuple[Question, ...]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def group(self, key: str) -> Group | None:
        return next((g for g in self.groups if g.key == key), None)

    def asked(self, group: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if group in q.groups)


@dataclass(frozen=True)
class CaseField:
    key: str
    label: str
    kind: str
    choices: tuple[str, ...] = ()
    hint: str = ""
    required: bool = False


@dataclass(frozen=True)
class Cases:
    title: str
    intro: str
    source: str
    fields: tuple[CaseField, ...]

    def field(self, key: str) -> CaseField | None:
        return next((f for f in self.fields if f.key == key), None)


@dataclass(frozen=True)
class Offsite:
    survey: Survey | None
    cases: Cases | None


def offsite(r: Reader, data: dict, sources: tuple[str, ...]) -> Offsite | None:
    """The script's `[offsite]` table, checked; None when it has none."""
    table = r.get(data, "offsite", dict, "", default=None)
    if table is None:
        return None
    r.unknown(table, {"survey", "cases"}, "offsite.")
    found = Offsite(_survey(r, table, sources), _cases(r, table, sources))
    if found.survey is None and found.cases is None:
        r.fail("offsite", "must have a survey, a cases table or both")
    return found


def _key(r: Reader, table: dict, where: str) -> str:
    key = r.get(table, "key", str, where, required=True)
    if not KEY.match(key):
        r.fail(where + "key", "must be a short lower-case name such as \"thresholds\"")
    return key


def _source(r: Reader, table: dict, where: str, sources: tuple[str, ...]) -> str:
    source = r.get(table, "source", str, where, required=True)
    if source not in sources:
        r.fail(where + "source", f"must be one of the script's sources ({', '.join(sources)}), not '{source}'")
    return source


def _tables(r: Reader, table: dict, key: str, where: str) -> list[dict]:
    items = r.get(table, key, list, where, required=True)
    if not items:
        r.fail(where + key, "must have at least one item")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            r.fail(f"{where}{key}[{i}]", "must be a table")
    return items


def _unique(r: Reader, keys: list[str], where: str) -> None:
    if len(set(keys)) != len(keys):
        r.fail(where, "uses the same key twice")


def _survey(r: Reader, table: dict, sources: tuple[str, ...]) -> Survey | None:
    survey = r.get(table, "survey", dict, "offsite.", default=None)
    if survey is None:
        return None
    where = "offsite.survey."
    r.unknown(survey, {"title", "intro", "source", "groups", "questions"}, where)
    groups = tuple(_group(r, i, t) for i, t in enumerate(_tables(r, survey, "groups", where)))
    _unique(r, [g.key for g in groups], where + "groups")
    chosen = tuple(g.key for g in groups)
    questions = tuple(_question(r, i, t, chosen) for i, t in enumerate(_tables(r, survey, "questions", where)))
    _unique(r, [q.key for q in questions], where + "questions")
    return Survey(r.get(survey, "title", str, where, required=True),
                  r.get(survey, "intro", str, where, default="").strip(), _source(r, survey, where, sources),
                  groups, questions)


def _group(r: Reader, i: int, table: dict) -> Group:
    where = f"offsite.survey.groups[{i}]."
    r.unknown(table, {"key", "label", "short"}, where)
    key = r.get(table, "key", str, where, required=True)
    if key not in GROUPS:
        r.fail(where + "key", f"must be one of {', '.join(GROUPS)}, not '{key}'")
    return Group(key, r.get(table, "label", str, where, required=True),
                 r.get(table, "short", str, where, default=key.capitalize()))


def _question(r: Reader, i: int, table: dict, chosen: tuple[str, ...]) -> Question:
    where = f"offsite.survey.questions[{i}]."
    r.unknown(table, {"key", "text", "kind", "groups", "labels", "hint"}, where)
    kind = r.get(table, "kind", str, where, required=True)
    if kind not in QUESTION_KINDS:
        r.fail(where + "kind", f"must be one of {', '.join(QUESTION_KINDS)}, not '{kind}'")
    groups = r.strings(table, "groups", where) or chosen
    stray = [g for g in groups if g not in chosen]
    if stray:
        r.fail(where + "groups", f"names a group the survey does not have: {', '.join(stray)}")
    labels = r.strings(table, "labels", where, required=kind == SCALE)
    if kind == SCALE and len(labels) != 5:
        r.fail(where + "labels", "must give the scale's five labels, from 1 to 5")
    if kind != SCALE and labels:
        r.fail(where + "labels", "belong to a question whose kind is \"scale\"")
    return Question(_key(r, table, where), r.get(table, "text", str, where, required=True), kind, tuple(groups),
                    labels, r.get(table, "hint", str, where, default=""))


def _cases(r: Reader, table: dict, sources: tuple[str, ...]) -> Cases | None:
    cases = r.get(table, "cases", dict, "offsite.", default=None)
    if cases is None:
        return None
    where = "offsite.cases."
    r.unknown(cases, {"title", "intro", "source", "fields"}, where)
    fields = tuple(_field(r, i, t) for i, t in enumerate(_tables(r, cases, "fields", where)))
    _unique(r, [f.key for f in fields], where + "fields")
    if any(f.key == "label" for f in fields):
        r.fail(where + "fields", "cannot use the key \"label\": every case has its label already")
    return Cases(r.get(cases, "title", str, where, required=True), r.get(cases, "intro", str, where, default="").strip(),
                 _source(r, cases, where, sources), fields)


def _field(r: Reader, i: int, table: dict) -> CaseField:
    where = f"offsite.cases.fields[{i}]."
    r.unknown(table, {"key", "label", "kind", "choices", "hint", "required"}, where)
    kind = r.get(table, "kind", str, where, required=True)
    if kind not in FIELD_KINDS:
        r.fail(where + "kind", f"must be one of {', '.join(FIELD_KINDS)}, not '{kind}'")
    choices = r.strings(table, "choices", where, required=kind != TEXT)
    if kind != TEXT and len(choices) < 2:
        r.fail(where + "choices", "must offer at least two choices")
    if kind == TEXT and choices:
        r.fail(where + "choices", "belong to a field whose kind is \"choice\" or \"choices\"")
    if len(set(choices)) != len(choices):
        r.fail(where + "choices", "names the same choice twice")
    return CaseField(_key(r, table, where), r.get(table, "label", str, where, required=True), kind, choices,
                     r.get(table, "hint", str, where, default=""), r.get(table, "required", bool, where, default=False))
