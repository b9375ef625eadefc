"""Review scripts: a hypothesis- or theme-led review's process as data, loaded from TOML.

A review script says how lines of enquiry are set (hypotheses proposed per review, or themes
from the script with optional ones), the sources a note can cite, the team's roles, when the
letter is due, the schedule of the days on site, whether the visit is announced by a date or only
by a window (an unannounced visit), the planning timeline before it and any off-site preparation
(a survey of staff and partners, a case-mapping exercise). Nothing in the code names a process.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import plan as planning
from .offsite import Offsite, offsite
from .plan import PlanStep
from .reader import Reader, Retention, collect, read_file, read_toml, retention

HYPOTHESES, THEMES = "hypotheses", "themes"
MODES = (HYPOTHESES, THEMES)


@dataclass(frozen=True)
class Role:
    tag: str
    label: str
    lead: bool = False
    qa: bool = False


@dataclass(frozen=True)
class Slot:
    """One timed entry of the schedule on site."""

    day: int
    title: str
    minutes: float
    feedback: bool = False  # the verbal feedback meeting
    actions: bool = False  # where the host's action plan is agreed (an action-planning workshop)

    @property
    def planned_ms(self) -> int:
        return int(self.minutes * 60_000)


@dataclass(frozen=True)
class ReviewScript:
    id: str
    title: str
    description: str
    mode: str
    line_label: str
    max_investigated: int
    themes: tuple[str, ...]
    optional: tuple[str, ...]
    sources: tuple[str, ...]
    roles: tuple[Role, ...]
    schedule: tuple[Slot, ...]
    due_working_days: int | None
    letter_title: str
    priority_heading: str
    host_label: str
    lead_label: str
    source: str = ""
    retention: Retention = Retention()
    plan: tuple[PlanStep, ...] = ()  # the planning timeline before the fieldwork
    offsite: Offsite | None = None  # the survey of staff and partners and the case mapping before it
    window_weeks: int | None = None  # an unannounced visit: the host is told a window at most this long

    @property
    def windowed(self) -> bool:
        return self.window_weeks is not None

    @property
    def days(self) -> int:
        return max(s.day for s in self.schedule)

    @property
    def planned(self) -> list[int]:
        return [s.planned_ms for s in self.schedule]

    def role(self, tag: str) -> Role | None:
        return next((r for r in self.roles if r.tag == tag), None)

    @property
    def lead_role(self) -> Role:
        return next(r for r in self.roles if r.lead)


def parse(text: str, source: str = "<script>") -> ReviewScript:
    """Parse and check a review script's TOML; raise ScriptError naming the field at fault."""
    r = Reader(source)
    data = read_toml(text, source)
    r.unknown(data, {"kind", "id", "title", "description", "host_label", "lead_label", "enquiry", "sources",
                     "roles", "letter", "schedule", "retention", "plan", "offsite", "visit"}, "")
    if r.get(data, "kind", str, "", required=True) != "review":
        r.fail("kind", "must be \"review\" for a review script")

    enquiry = r.get(data, "enquiry", dict, "", required=True)
    r.unknown(enquiry, {"mode", "label", "max_investigated", "themes", "optional"}, "enquiry.")
    mode = r.get(enquiry, "mode", str, "enquiry.", required=True)
    if mode not in MODES:
        r.fail("enquiry.mode", f"must be one of {', '.join(MODES)}, not '{mode}'")
    max_investigated = r.get(enquiry, "max_investigated", float, "enquiry.", default=3.0)
    if max_investigated != int(max_investigated) or not 1 <= max_investigated <= 10:
        r.fail("enquiry.max_investigated", "must be a whole number from 1 to 10")
    themes = r.strings(enquiry, "themes", "enquiry.", required=mode == THEMES)
    optional = r.strings(enquiry, "optional", "enquiry.")
    if mode == THEMES and not themes:
        r.fail("enquiry.themes", "must name at least one theme")
    if mode == HYPOTHESES and (themes or optional):
        r.fail("enquiry.themes", "themes belong to a script whose mode is \"themes\"")
    if len(set(themes + optional)) != len(themes + optional):
        r.fail("enquiry.optional", "names the same theme twice")

    sources_table = r.get(data, "sources", dict, "", required=True)
    r.unknown(sources_table, {"items"}, "sources.")
    sources = r.strings(sources_table, "items", "sources.", required=True)
    if not sources:
        r.fail("sources.items", "must name at least one source")

    roles = tuple(_role(r, i, t) for i, t in enumerate(r.get(data, "roles", list, "", required=True)))
    tags = [x.tag for x in roles]
    if len(set(tags)) != len(tags):
        r.fail("roles", "uses the same tag twice")
    if sum(x.lead for x in roles) != 1:
        r.fail("roles", "must have exactly one role with lead = true")

    letter = r.get(data, "letter", dict, "", default={})
    r.unknown(letter, {"due_working_days", "title", "priority_heading"}, "letter.")
    due = r.get(letter, "due_working_days", float, "letter.", default=None)
    if due is not None and (due != int(due) or not 1 <= due <= 60):
        r.fail("letter.due_working_days", "must be a whole number of working days from 1 to 60")

    schedule = tuple(_slot(r, i, t) for i, t in enumerate(r.get(data, "schedule", list, "", required=True)))
    if not schedule:
        r.fail("schedule", "must have at least one item")
    if [s.day for s in schedule] != sorted(s.day for s in schedule):
        r.fail("schedule", "must list its items day by day, in order")
    window_weeks = _window_weeks(r, data)

    return ReviewScript(
        id=r.get(data, "id", str, "", required=True),
        title=r.get(data, "title", str, "", required=True),
        description=r.get(data, "description", str, "", default="").strip(),
        mode=mode,
        line_label=r.get(enquiry, "label", str, "enquiry.", default="Hypothesis" if mode == HYPOTHESES else "Theme"),
        max_investigated=int(max_investigated),
        themes=themes, optional=optional, sources=sources, roles=roles, schedule=schedule,
        due_working_days=int(due) if due is not None else None,
        letter_title=r.get(letter, "title", str, "letter.", default="Peer review"),
        priority_heading=r.get(letter, "priority_heading", str, "letter.", default="Areas for priority action"),
        host_label=r.get(data, "host_label", str, "", default="Host"),
        lead_label=r.get(data, "lead_label", str, "", default="Lead reviewer"),
        source=source, retention=retention(r, data), plan=planning.steps(r, data, window_weeks is not None),
        offsite=offsite(r, data, sources), window_weeks=window_weeks,
    )


def _window_weeks(r: Reader, data: dict) -> int | None:
    """The [visit] table's window_weeks, if the visit is announced by a window and not a date."""
    visit = r.get(data, "visit", dict, "", default={})
    r.unknown(visit, {"window_weeks"}, "visit.")
    weeks = r.get(visit, "window_weeks", float, "visit.", required=bool(visit))
    if weeks is not None and (weeks != int(weeks) or not 1 <= weeks <= 26):
        r.fail("visit.window_weeks", "must be a whole number of weeks from 1 to 26")
    return None if weeks is None else int(weeks)


def _role(r: Reader, i: int, table) -> Role:
    where = f"roles[{i}]."
    if not isinstance(table, dict):
        r.fail(f"roles[{i}]", "must be a table")
    r.unknown(table, {"tag", "label", "lead", "qa"}, where)
    tag = r.get(table, "tag", str, where, required=True).strip()
    if not tag or len(tag) > 12:
        r.fail(where + "tag", "must be a short tag of 1 to 12 characters, such as \"TM2\"")
    return Role(tag, r.get(table, "label", str, where, required=True),
                r.get(table, "lead", bool, where, default=False), r.get(table, "qa", bool, where, default=False))


def _slot(r: Reader, i: int, table) -> Slot:
    where = f"schedule[{i}]."
    if not isinstance(table, dict):
        r.fail(f"schedule[{i}]", "must be a table")
    r.unknown(table, {"day", "title", "minutes", "feedback", "actions"}, where)
    day = r.get(table, "day", float, where, required=True)
    if day != int(day) or not 1 <= day <= 10:
        r.fail(where + "day", "must be a whole number from 1 to 10")
    minutes = r.get(table, "minutes", float, where, required=True)
    if not 0 < minutes <= 24 * 60:
        r.fail(where + "minutes", f"must be more than 0 and at most a day, not {minutes:g}")
    return Slot(int(day), r.get(table, "title", str, where, required=True), minutes,
                r.get(table, "feedback", bool, where, default=False), r.get(table, "actions", bool, where, default=False))


def load(path: str | Path) -> ReviewScript:
    return parse(read_file(Path(path)), str(path))


def available(*directories: Path) -> dict[str, ReviewScript]:
    """Every review script in the folders, by id."""
    return collect(load, True, directories)
