"""Session scripts: the agenda of a day as data, loaded from TOML and checked field by field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .reader import SCRIPTS_DIR, Reader, Retention, ScriptError, collect, is_review, read_file, read_toml, retention  # noqa: F401
DEFAULT = "se-triad"  # the script a day is set up with unless another is chosen
SPEAKERS = ("presenter", "visitors", "everyone", "facilitator", "nobody")
WHO = ("presenter", "visitors", "anyone")
SUMMIT_ROLES = ("", "ask", "offer")
SESSION = "session"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    who: str = "anyone"
    hint: str = ""
    categorised: bool = False
    anytime: bool = False
    queue: bool = False
    open_question_nudge: bool = False
    heading: str = ""  # the write-up's heading for this kind; its label, pluralised, if empty
    attributed: bool = False  # named with its authority in write-ups (the rest have no source)
    case_study: bool = False  # a starred one becomes a case-study draft
    summit: str = ""  # "ask" or "offer": its place in the summit's asks register


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    minutes: float
    speaker: str
    collects: tuple[str, ...] = ()
    guidance: str = ""
    prompts_title: str = ""
    prompts: tuple[str, ...] = ()
    turns: bool = False
    listening: str = ""


@dataclass(frozen=True)
class Script:
    id: str
    title: str
    description: str
    session: tuple[str, ...]
    day: tuple[str, ...]
    category_label: str
    categories: tuple[str, ...]
    kinds: dict[str, Kind]
    steps: dict[str, Step]
    source: str = ""
    review_of_impact_months: int = 6  # the host may hold its review of impact from this long after the day; 0: none
    retention: Retention = Retention()

    @property
    def sessions_per_day(self) -> int:
        return self.day.count(SESSION)


@dataclass(frozen=True)
class Item:
    """One timed entry of a day's agenda: a step, in a session or on its own."""

    index: int
    step: Step
    session: int | None = None  # 0-based session number, None outside sessions
    presenter: str | None = None
    position: int | None = None  # 1-based step number within its session
    session_length: int | None = None

    @property
    def planned_ms(self) -> int:
        return int(self.step.minutes * 60_000)


def parse(text: str, source: str = "<script>") -> Script:
    """Parse and check a script's TOML text; raise ScriptError naming the field at fault."""
    r = Reader(source)
    data = read_toml(text, source)
    r.unknown(data, {"id", "title", "description", "session", "day", "categories", "kinds", "steps",
                     "review_of_impact_months", "retention"}, "")
    script_id = r.get(data, "id", str, "", required=True)
    title = r.get(data, "title", str, "", required=True)
    description = r.get(data, "description", str, "", default="").strip()

    categories = r.get(data, "categories", dict, "", default={})
    r.unknown(categories, {"label", "items"}, "categories.")
    category_label = r.get(categories, "label", str, "categories.", default="Category")
    category_items = r.strings(categories, "items", "categories.")
    if len(set(category_items)) != len(category_items):
        r.fail("categories.items", "lists the same category twice")

    kinds = {key: _kind(r, key, table) for key, table in r.get(data, "kinds", dict, "", required=True).items()}
    if any(k.categorised for k in kinds.values()) and not category_items:
        r.fail("categories.items", "is required when a kind is categorised")
    steps = {key: _step(r, key, table, kinds) for key, table in r.get(data, "steps", dict, "", required=True).items()}

    session = r.strings(data, "session", "", required=True)
    day = r.strings(data, "day", "", required=True)
    for i, key in enumerate(session):
        if key not in steps:
            r.fail(f"session[{i}]", f"names step '{key}', which is not defined under [steps]")
    for i, key in enumerate(day):
        if key != SESSION and key not in steps:
            r.fail(f"day[{i}]", f"names step '{key}', which is not defined under [steps]")
    if SESSION not in day:
        r.fail("day", "must include \"session\" at least once")
    if not session:
        r.fail("session", "must name at least one step")
    months = r.get(data, "review_of_impact_months", int, "", default=6)
    if not 0 <= months <= 60:
        r.fail("review_of_impact_months", f"must be from 0 to 60, not {months}")
    return Script(script_id, title, description, session, day, category_label, category_items, kinds, steps, source,
                  months, retention(r, data, ("delete", "reduce")))


def _kind(r: Reader, key: str, table) -> Kind:
    where = f"kinds.{key}."
    if not isinstance(table, dict):
        r.fail(f"kinds.{key}", "must be a table")
    r.unknown(table, {"label", "who", "hint", "categorised", "anytime", "queue", "open_question_nudge",
                      "heading", "attributed", "case_study", "summit"}, where)
    who = r.get(table, "who", str, where, default="anyone")
    if who not in WHO:
        r.fail(where + "who", f"must be one of {', '.join(WHO)}, not '{who}'")
    summit = r.get(table, "summit", str, where, default="")
    if summit not in SUMMIT_ROLES:
        r.fail(where + "summit", f"must be one of {', '.join(filter(None, SUMMIT_ROLES))}, not '{summit}'")
    return Kind(
        key=key,
        label=r.get(table, "label", str, where, required=True),
        who=who,
        hint=r.get(table, "hint", str, where, default=""),
        categorised=r.get(table, "categorised", bool, where, default=False),
        anytime=r.get(table, "anytime", bool, where, default=False),
        queue=r.get(table, "queue", bool, where, default=False),
        open_question_nudge=r.get(table, "open_question_nudge", bool, where, default=False),
        heading=r.get(table, "heading", str, where, default=""),
        attributed=r.get(table, "attributed", bool, where, default=False),
        case_study=r.get(table, "case_study", bool, where, default=False),
        summit=summit,
    )


def _step(r: Reader, key: str, table, kinds: dict[str, Kind]) -> Step:
    where = f"steps.{key}."
    if not isinstance(table, dict):
        r.fail(f"steps.{key}", "must be a table")
    allowed = {"title", "minutes", "speaker", "collects", "guidance", "prompts_title", "prompts", "turns", "listening"}
    r.unknown(table, allowed, where)
    minutes = r.get(table, "minutes", float, where, required=True)
    if not 0 < minutes <= 24 * 60:
        r.fail(where + "minutes", f"must be more than 0 and at most a day, not {minutes:g}")
    speaker = r.get(table, "speaker", str, where, default="everyone")
    if speaker not in SPEAKERS:
        r.fail(where + "speaker", f"must be one of {', '.join(SPEAKERS)}, not '{speaker}'")
    collects = r.strings(table, "collects", where)
    for i, kind in enumerate(collects):
        if kind not in kinds:
            r.fail(f"{where}collects[{i}]", f"names kind '{kind}', which is not defined under [kinds]")
    listening = r.get(table, "listening", str, where, default="")
    if listening and listening not in WHO:
        r.fail(where + "listening", f"must be one of {', '.join(WHO)}, not '{listening}'")
    return Step(
        key=key,
        title=r.get(table, "title", str, where, required=True),
        minutes=minutes,
        speaker=speaker,
        collects=collects,
        guidance=r.get(table, "guidance", str, where, default="").strip(),
        prompts_title=r.get(table, "prompts_title", str, where, default=""),
        prompts=r.strings(table, "prompts", where),
        turns=r.get(table, "turns", bool, where, default=False),
        listening=listening,
    )


def load(path: str | Path) -> Script:
    return parse(read_file(Path(path)), str(path))


def available(*directories: Path) -> dict[str, Script]:
    """Every day's script in the folders, by id (review scripts are core/scripts/review.py's)."""
    return collect(load, False, directories)


def agenda(script: Script, authorities: list[str]) -> list[Item]:
    """Expand the script's day for these presenting authorities, in presenting order."""
    if len(authorities) != script.sessions_per_day:
        raise ValueError(
            f"script '{script.id}' runs {script.sessions_per_day} sessions, so it needs "
            f"{script.sessions_per_day} presenting authorities, not {len(authorities)}"
        )
    items: list[Item] = []
    session = 0
    for entry in script.day:
        if entry == SESSION:
            for position, key in enumerate(script.session, start=1):
                items.append(Item(len(items), script.steps[key], session, authorities[session], position, len(script.session)))
            session += 1
        else:
            items.append(Item(len(items), script.steps[entry]))
    return items
