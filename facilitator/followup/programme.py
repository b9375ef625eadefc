"""The region's programme (seeds 000 and 003): every triad day and review on one calendar by date,
with its kind, hosts, visiting or lead DCS, QA reviewer, dates and stage; the 18-month cycle of who
has given and received a challenge; and the whole programme as one calendar file.

A stage is read from what is already stored, never kept: the dates against today, a day ended, a
review's letter signed. A calendar row carries no private link: the programme is the organiser's."""

from __future__ import annotations

from datetime import date as Date

from ..review import window
from ..review.letter import visit_days
from ..writers.ics import Event, calendar
from . import pool as pool_mod

PLANNING, ON_SITE, LETTER, FOLLOW_UP, DONE = "planning", "on site", "letter", "follow-up", "done"
STAGES = (PLANNING, ON_SITE, LETTER, FOLLOW_UP, DONE)
FOLLOW_UP_DAYS = 183  # the review of impact comes six months on (seed 002); after it, the event is done


def kind(script_id: str, title: str) -> str:
    return pool_mod.settings()["kinds"].get(script_id, title)


def cycle_months() -> int:
    return int(pool_mod.settings()["cycle"]["months"])


def day_row(day: dict, script, today: Date) -> dict:
    on = Date.fromisoformat(day["date"])
    if today < on:
        stage = PLANNING
    elif today == on and not day.get("ended_ms"):
        stage = ON_SITE
    else:
        stage = FOLLOW_UP if (today - on).days <= FOLLOW_UP_DAYS else DONE
    hosts = list(day["authorities"])
    return {"ref": "day", "id": day["id"], "kind": kind(day["script"], script.title if script else day["script"]),
            "title": day["title"], "hosts": hosts, "visiting": "", "qa": "", "first": on, "last": on,
            "window": None, "stage": stage, "script": day["script"],
            # A triad: each presenting authority receives the challenge and challenges the others.
            "receivers": hosts, "givers": hosts if len(hosts) > 1 else []}


def review_row(review: dict, script, invited: list[dict], letter: dict | None, people, today: Date) -> dict:
    days = visit_days(review, script)
    span = window.span(review) if window.windowed(review) else None
    first, last = (days[0], days[-1]) if days else (span if span else (None, None))
    signed = bool(letter and letter.get("signed_ms"))
    if signed:
        stage = FOLLOW_UP if last is None or (today - last).days <= FOLLOW_UP_DAYS else DONE
    elif not days or today < days[0]:
        stage = PLANNING
    elif today <= days[-1]:
        stage = ON_SITE
    else:
        stage = LETTER
    qa_tags = {r.tag for r in script.roles if r.qa}
    qa = ", ".join(m["name"] for m in invited if m["role"] in qa_tags)
    # The authorities whose people lead, join or quality-assure the team give the challenge (seed 003's
    # calendar counts a QA DCS's part as well as a lead's); known by name from the pool.
    givers = [a for a in dict.fromkeys([people(review.get("lead_name"))] + [people(m["name"]) for m in invited]) if a]
    return {"ref": "review", "id": review["id"], "kind": kind(review["script"], script.title), "title": review["title"],
            "hosts": [review["host"]], "visiting": review.get("lead_name") or "", "qa": qa,
            "first": first, "last": last, "window": span, "on_site": days, "stage": stage, "script": review["script"],
            "receivers": [review["host"]], "givers": givers}


def rows(day_rows: list[dict], review_rows: list[dict]) -> list[dict]:
    """Every day and review, by date (the undated last), then title."""
    return sorted(day_rows + review_rows, key=lambda r: (r["first"] or Date.max, r["title"]))


def dates(row: dict) -> str:
    """'12 March 2027', '12 to 14 March 2027', or a window: 'window 1 February to 31 March 2027'."""
    if row["first"] is None:
        return "dates still to be set"
    if row["window"] and not row.get("on_site"):
        first, last = row["window"]
        return f"window {_span(first, last)}"
    text = _span(row["first"], row["last"])
    if row["window"]:
        text += f" (window {_span(*row['window'])})"
    return text


def _span(first: Date, last: Date) -> str:
    if first == last:
        return f"{first:%-d %B %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%-d} to {last:%-d %B %Y}"
    return f"{first:%-d %B}{f' {first:%Y}' if first.year != last.year else ''} to {last:%-d %B %Y}"


def add_months(day: Date, months: int) -> Date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (31, 30, 29, 28):
        try:
            return Date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise ValueError(day)


def cycle(all_rows: list[dict], today: Date, months: int | None = None) -> list[dict]:
    """Per authority named in any day or review: when it last received and gave a challenge, the
    next one planned, and whether either is due within the cycle (no challenge in the last `months`
    and none planned)."""
    months = months or cycle_months()
    since = add_months(today, -months)
    names: dict[str, str] = {}
    for r in all_rows:
        for a in r["hosts"] + r["givers"]:
            names.setdefault(a.strip().casefold(), a.strip())
    out = []
    for key, name in sorted(names.items(), key=lambda kv: kv[1].casefold()):
        entry = {"authority": name}
        for side, field in (("received", "receivers"), ("gave", "givers")):
            mine = [r for r in all_rows if r["first"] and key in {a.strip().casefold() for a in r[field]}]
            past = [r for r in mine if r["first"] <= today]
            ahead = [r for r in mine if r["first"] > today]
            last = max(past, key=lambda r: r["first"]) if past else None
            upcoming = min(ahead, key=lambda r: r["first"]) if ahead else None
            in_cycle = bool(last and last["first"] >= since)
            entry[side] = {"last": last, "next": upcoming,
                           "due_by": add_months(last["first"], months) if last else None,
                           "due": not in_cycle and upcoming is None}
        out.append(entry)
    return out


def to_ics(all_rows: list[dict], now_ms: int) -> str:
    """The whole programme as one calendar: an event per day or review, over its days on site (a
    windowed review not yet dated, over its window). No event carries anyone's link."""
    events = []
    for r in all_rows:
        if r["first"] is None:
            continue
        who = "; ".join(x for x in (f"Host: {', '.join(r['hosts'])}", r["visiting"] and f"Lead: {r['visiting']}",
                                    r["qa"] and f"QA: {r['qa']}") if x)
        summary = f"{r['kind']}: {r['title']}" + (" (visit window)" if r["window"] and not r.get("on_site") else "")
        events.append(Event(f"programme-{r['ref']}-{r['id']}", r["first"], summary,
                            f"{who}\nDates: {dates(r)}\nStage: {r['stage']}", last=r["last"]))
    return calendar(events, now_ms, "Programme")

