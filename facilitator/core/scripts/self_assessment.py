"""Self-assessment templates: the fields a host fills in before its challenge, as data.

A template lives in `session_scripts/self_assessment/<id>.toml`: Part A's fields, Part B's areas
and rating scale, and the optional reviewer's questions. A day's or a review's script names its
template; nothing in the code names a field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .reader import SCRIPTS_DIR, Reader, ScriptError, read_file, read_toml

FOLDER = "self_assessment"
DEFAULT = "em-2012"  # the template of a script that names none


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    long: bool = False


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    scope_label: str
    scope_hint: str
    fields: tuple[Field, ...]
    rating_label: str
    scale: tuple[str, ...]
    areas: tuple[str, ...]
    max_items: int
    questions: tuple[str, ...]
    source: str = ""

    def parts(self) -> list[tuple[str, str]]:
        """What a hypothesis can say it tests: (value, label), an area of Part B or another section."""
        return ([(f"area:{i}", f"Part B: {a}") for i, a in enumerate(self.areas)]
                + [("strengths", "Key strengths"), ("weaknesses", "Key weaknesses"),
                   ("enablers", "Key enablers"), ("blockers", "Key blockers"), ("enquiry", "Key lines of enquiry")])

    def part_label(self, value: str | None) -> str:
        return dict(self.parts()).get(value or "", "")


def parse(text: str, source: str = "<template>") -> Template:
    r = Reader(source)
    data = read_toml(text, source)
    r.unknown(data, {"id", "title", "scope_label", "scope_hint", "part_a", "part_b", "review"}, "")
    part_a = r.get(data, "part_a", dict, "", required=True)
    r.unknown(part_a, {"fields"}, "part_a.")
    fields = []
    for i, table in enumerate(r.get(part_a, "fields", list, "part_a.", required=True)):
        where = f"part_a.fields[{i}]."
        if not isinstance(table, dict):
            r.fail(f"part_a.fields[{i}]", "must be a table")
        r.unknown(table, {"key", "label", "long"}, where)
        key = r.get(table, "key", str, where, required=True)
        if not key.isidentifier() or len(key) > 30:
            r.fail(where + "key", "must be a short name of letters, digits and underscores")
        fields.append(Field(key, r.get(table, "label", str, where, required=True),
                            r.get(table, "long", bool, where, default=False)))
    if len({f.key for f in fields}) != len(fields):
        r.fail("part_a.fields", "uses the same key twice")
    part_b = r.get(data, "part_b", dict, "", required=True)
    r.unknown(part_b, {"rating_label", "scale", "areas", "max_items"}, "part_b.")
    scale = r.strings(part_b, "scale", "part_b.", required=True)
    areas = r.strings(part_b, "areas", "part_b.", required=True)
    if not 2 <= len(scale) <= 10 or not areas:
        r.fail("part_b.scale", "needs 2 to 10 ratings, and part_b.areas at least one area")
    most = r.get(part_b, "max_items", float, "part_b.", default=5.0)
    if most != int(most) or not 1 <= most <= 20:
        r.fail("part_b.max_items", "must be a whole number from 1 to 20")
    review = r.get(data, "review", dict, "", default={})
    r.unknown(review, {"questions"}, "review.")
    return Template(
        id=r.get(data, "id", str, "", required=True), title=r.get(data, "title", str, "", default="Self-assessment"),
        scope_label=r.get(data, "scope_label", str, "", default="Scope"),
        scope_hint=r.get(data, "scope_hint", str, "", default=""), fields=tuple(fields),
        rating_label=r.get(part_b, "rating_label", str, "part_b.", default="Rating"), scale=scale, areas=areas,
        max_items=int(most), questions=r.strings(review, "questions", "review."), source=source)


def available(*directories: Path) -> dict[str, Template]:
    """Every template in the folders' `self_assessment/` subfolders, by id."""
    found: dict[str, Template] = {}
    for path in [p for d in directories or (SCRIPTS_DIR,) for p in sorted((Path(d) / FOLDER).glob("*.toml"))]:
        template = parse(read_file(path), str(path))
        if template.id in found:
            raise ScriptError(f"{path}: id: '{template.id}' is already used by {found[template.id].source}")
        found[template.id] = template
    return found
