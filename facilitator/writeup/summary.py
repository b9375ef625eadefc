"""The facilitator's summary: drafted in Markdown from what the room captured.

Plain Python: it takes the script, the day and its contributions, and knows nothing of Flask.
The script decides the kinds and categories; the few kinds the sector names (strengths, offers,
asks...) get their usual headings, and any other kind falls back to its own label.
"""

from __future__ import annotations

from ..core.scripts.day import Script
from ..core.wording import named_by_presenter, plural  # noqa: F401 (their home; read here by name)
from ..live import reflection
from ..writers.markdown import text as md_text

DAY_PART = "day"


# -- which contributions go where

def shown(rows: list[dict]) -> list[dict]:
    """What is still on the wall: neither hidden by the facilitator nor merged into another."""
    return [r for r in rows if not r["hidden"] and not r["merged_into"]]


def ranked(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (-(r.get("votes") or 0), r["created_ms"]))


def session_kinds(script: Script) -> list[str]:
    collected = {k for key in script.session for k in script.steps[key].collects}
    return [k for k, kind in script.kinds.items() if k in collected or kind.anytime]


def day_kinds(script: Script) -> list[str]:
    """Kinds only the day's own steps collect, such as the closing learning points."""
    inside = set(session_kinds(script))
    collected = {k for key in script.day if key in script.steps for k in script.steps[key].collects}
    return [k for k in script.kinds if k in collected and k not in inside]


def owned_by_presenter(script: Script, kind_key: str) -> bool:
    """Kinds the presenting authority owns and must agree to before they leave the room."""
    return script.kinds[kind_key].who == "presenter"


def attributed(script: Script, kind_key: str) -> bool:
    """Offers, asks and insights name their authority (seeds/000: two tiers); the rest no source."""
    return script.kinds[kind_key].attributed


def heading(script: Script, kind_key: str) -> str:
    return script.kinds[kind_key].heading or plural(script.kinds[kind_key].label)


# -- Markdown

AWAITING = "awaiting the host's agreement"


def named(script: Script, row: dict) -> str | None:
    """The authority a contribution is printed with: an offer or ask is its host's own, in its own
    session; an insight carries the visiting authority's name only once that authority agreed."""
    if not attributed(script, row["kind"]):
        return None
    if owned_by_presenter(script, row["kind"]) or row.get("consent") in ("agreed", "edited"):
        return row["author_authority"]
    return None


def _item(script: Script, row: dict) -> str:
    who = named(script, row)
    pending = owned_by_presenter(script, row["kind"]) and row.get("consent", "pending") == "pending"
    return (f"- {md_text(row['text'])}" + (f" ({md_text(who)})" if who else "")
            + (f" _({AWAITING})_" if pending else ""))


def _categorised_table(script: Script, kind_key: str, presenter: str, rows: list[dict]) -> list[str]:
    mine = [r for r in rows if r["kind"] == kind_key]
    if not mine:
        return [f"### {plural(script.kinds[kind_key].label)}", "", "_None recorded._", ""]
    out = [f"### {plural(script.kinds[kind_key].label)}: named and seen", "",
           f"| {md_text(script.category_label)} | Named by {md_text(presenter)} | Added by the visitors |",
           "|---|---|---|"]
    for category in script.categories:
        here = [r for r in mine if r["category"] == category]
        if here:
            named = " · ".join(md_text(r["text"]) for r in here if named_by_presenter(r)) or " "
            seen = " · ".join(md_text(r["text"]) for r in here if not named_by_presenter(r)) or " "
            out.append(f"| {md_text(category)} | {named} | {seen} |")
    return out + [""]


def _questions(script: Script, kind_key: str, rows: list[dict]) -> list[str]:
    mine = [r for r in rows if r["kind"] == kind_key]
    asked = sorted((r for r in mine if r["asked_ms"]), key=lambda r: r["asked_ms"])
    out = [f"### {heading(script, kind_key)}", ""]
    out += [_item(script, r) for r in asked] or ["_None marked as asked._"]
    rest = ranked([r for r in mine if not r["asked_ms"]])
    if rest:
        out += ["", "Also put forward, not reached:", ""] + [_item(script, r) for r in rest]
    return out + [""]


def _listed(script: Script, kind_key: str, rows: list[dict]) -> list[str]:
    items = [_item(script, r) for r in ranked([r for r in rows if r["kind"] == kind_key])]
    return [f"### {heading(script, kind_key)}", ""] + (items or ["_None recorded._"]) + [""]


def _reflection_steps(script: Script) -> list[tuple[str, str]]:
    """Steps where the presenter reflects after the opening, as (key, title): the rule is the live
    day's, so the step whose phones write the reflection is the one the summary prints."""
    return [(k, script.steps[k].title) for k in reflection.steps(script)]


PLACEHOLDER = "to be written up"


def session_tables(script: Script, day: dict, session: int, rows: list[dict]) -> str:
    """The grids of categorised contributions: drawn from what was captured, never typed over."""
    presenter = day["authorities"][session]
    rows = [r for r in shown(rows) if r["session"] == session]
    out = []
    for k in session_kinds(script):
        if script.kinds[k].categorised:
            out += _categorised_table(script, k, presenter, rows)
    return "\n".join(out).rstrip() + "\n" if out else ""


def tables(script: Script, day: dict, rows: list[dict], part: str) -> str:
    return "" if part == DAY_PART else session_tables(script, day, int(part.removeprefix("session-")), rows)


def compose(prose: str, grids: str, lists: str = "") -> str:
    """A part in full: the facilitator's text with the grids under its opening heading and the
    host's own lists at its end.

    A text saved before the grids were kept apart already holds them, and keeps its own."""
    tail = f"\n{lists}" if lists else ""
    if not grids or grids.splitlines()[0] in prose.splitlines():
        return prose.rstrip("\n") + "\n" + tail
    head, sep, rest = prose.partition("\n")
    if head.startswith("## "):
        return f"{head}\n\n{grids}\n{rest.lstrip(chr(10))}".rstrip("\n") + "\n" + tail
    return f"{grids}\n{prose}".rstrip("\n") + "\n" + tail


def session_prose(script: Script, day: dict, session: int, rows: list[dict]) -> str:
    """The part of a session's summary the facilitator writes up: all but the grids."""
    presenter = day["authorities"][session]
    rows = [r for r in shown(rows) if r["session"] == session]
    kinds = session_kinds(script)
    out = [f"## Session {session + 1}: {md_text(presenter)}", ""]
    for k in kinds:
        if not script.kinds[k].categorised and not owned_by_presenter(script, k):
            out += _questions(script, k, rows) if script.kinds[k].queue else _listed(script, k, rows)
    for step, title in _reflection_steps(script):
        out += [f"### {md_text(title)}", "", *_reflected(day, session, step), ""]
    return "\n".join(out).rstrip() + "\n"


def _placeholder(presenter: str) -> str:
    return f"_What {md_text(presenter)} heard, and what they will do: {PLACEHOLDER}._"


def _reflected(day: dict, session: int, step: str) -> list[str]:
    """What the presenter said it heard and will do, in its own words; the placeholder stands for
    what it has not said."""
    presenter = day["authorities"][session]
    said = reflection.of(day, session, step) or {}
    if not any(said.get(f) for f in reflection.FIELDS):
        return [_placeholder(presenter)]
    lines = []
    for field, verb in (("heard", "heard"), ("will_do", "will do")):
        words = md_text(said.get(field, "")) or f"_{PLACEHOLDER}._"
        lines += [f"**What {md_text(presenter)} {verb}:** {words}", ""]
    return lines[:-1]


def with_reflections(script: Script, day: dict, session: int, prose: str) -> str:
    """A text saved before the presenter's reflection was entered takes it in place of the placeholder."""
    line = _placeholder(day["authorities"][session])
    if line not in prose.splitlines():
        return prose
    for step, _ in _reflection_steps(script):
        said = _reflected(day, session, step)
        if said != [line]:
            return "\n".join("\n".join(said) if old == line else old for old in prose.splitlines()) + "\n"
    return prose


def owned_lists(script: Script, day: dict, session: int, rows: list[dict]) -> str:
    """The presenting authority's own offers and asks, drawn as its host left them and never typed
    over, so a declined one is in no copy and a reworded one reads in the host's words."""
    rows = [r for r in shown(rows) if r["session"] == session]
    out = []
    for k in session_kinds(script):
        if not script.kinds[k].categorised and owned_by_presenter(script, k):
            out += _listed(script, k, rows)
    return "\n".join(out).rstrip() + "\n" if out else ""


def drawn(script: Script, day: dict, rows: list[dict], part: str) -> str:
    """What a part prints from what was captured rather than from the facilitator's text."""
    return "" if part == DAY_PART else owned_lists(script, day, int(part.removeprefix("session-")), rows)


def without_owned(script: Script, prose: str) -> str:
    """A text saved before the host's lists were drawn apart loses its own copy of them: the drawn
    lists are the only ones printed."""
    headings = {f"### {heading(script, k)}" for k in script.kinds
                if owned_by_presenter(script, k) and not script.kinds[k].categorised}
    out, skipping = [], False
    for line in prose.splitlines():
        if line.startswith("#"):
            skipping = line.strip() in headings
        if not skipping:
            out.append(line)
    return "\n".join(out).rstrip() + "\n"


def draft_session(script: Script, day: dict, session: int, rows: list[dict]) -> str:
    return compose(session_prose(script, day, session, rows), session_tables(script, day, session, rows),
                   owned_lists(script, day, session, rows))


def shared_themes(script: Script, day: dict, rows: list[dict]) -> dict[str, list[str]]:
    """Categories raised in each presenting authority's session, by how many shared them."""
    sessions: dict[str, set[int]] = {}
    for r in shown(rows):
        if r["kind"] in script.kinds and script.kinds[r["kind"]].categorised and r["session"] is not None:
            sessions.setdefault(r["category"], set()).add(r["session"])
    everyone = len(day["authorities"])
    return {
        "all": [c for c in script.categories if len(sessions.get(c, ())) == everyone],
        "some": [c for c in script.categories if 1 < len(sessions.get(c, ())) < everyone],
    }


def draft_day(script: Script, day: dict, rows: list[dict]) -> str:
    out = ["## Across the day", ""]
    for k in day_kinds(script):
        out += _listed(script, k, [r for r in shown(rows) if r["session"] is None])
    if any(kind.categorised for kind in script.kinds.values()):
        themes = shared_themes(script, day, rows)
        out += [f"### Themes the authorities share ({md_text(script.category_label.lower())})", ""]
        out += [f"- {md_text(c)}: raised for all {len(day['authorities'])}" for c in themes["all"]]
        out += [f"- {md_text(c)}: raised for more than one" for c in themes["some"]]
        if not themes["all"] and not themes["some"]:
            out.append("_No theme was raised for more than one authority._")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def parts(day: dict) -> list[tuple[str, str]]:
    """The summary's parts, in order: one per session, then the day's."""
    return [(f"session-{i}", f"Session {i + 1}: {a}") for i, a in enumerate(day["authorities"])] + [
        (DAY_PART, "Across the day")]


def draft(script: Script, day: dict, rows: list[dict], part: str) -> str:
    if part == DAY_PART:
        return draft_day(script, day, rows)
    return draft_session(script, day, int(part.removeprefix("session-")), rows)


def draft_prose(script: Script, day: dict, rows: list[dict], part: str) -> str:
    if part == DAY_PART:
        return draft_day(script, day, rows)
    return session_prose(script, day, int(part.removeprefix("session-")), rows)


def current(script: Script, day: dict, rows: list[dict], saved: dict[str, dict]) -> list[dict]:
    """Each part as the facilitator last saved it, or as drafted afresh when never edited.

    `prose` is what the facilitator edits; `tables` the grids drawn from what was captured and
    `lists` the host's own offers and asks as it agreed them; `markdown` all three, as every
    export prints them. `rows` are as casestudies.as_agreed leaves them."""
    out = []
    for key, title in parts(day):
        row = saved.get(key)
        prose = without_owned(script, row["markdown"]) if row else draft_prose(script, day, rows, key)
        if row and key != DAY_PART:
            prose = with_reflections(script, day, int(key.removeprefix("session-")), prose)
        grids, lists = tables(script, day, rows, key), drawn(script, day, rows, key)
        out.append({"part": key, "title": title, "edited": row is not None,
                    "updated_ms": row["updated_ms"] if row else None,
                    "markdown": compose(prose, grids, lists), "prose": prose, "tables": grids, "lists": lists})
    return out

