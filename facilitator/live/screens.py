"""What a screen is sent: the whole day (a snapshot), what changed since a seq, and each change.

A phone, the console and the projector each see the day as their role may: the facilitator
sees every contribution and who has joined; the room sees hidden ones withdrawn, and never one
held back for a child's details until it is released; an author sees their own. Everything here reads the store and builds dictionaries; nothing writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..core import clock as clockmod
from ..core import child_details, wording
from ..core.scripts.day import Item, Script
from . import contributions as contrib
from . import concerns, reflection
from .store import Store

ENDED = "ended"  # the clock's status once the facilitator has closed the day
RESYNC_MAX = 200  # changed contributions a reconnecting screen is sent rather than a whole snapshot
PUBLIC_FIELDS = ("id", "kind", "category", "text", "session", "presenter", "step", "item_index",
                 "author_authority", "origin", "created_ms", "updated_ms", "hidden", "starred",
                 "asked_ms", "merged_into", "votes")


@dataclass
class Broadcast:
    """One change to send: the same seq to the facilitator's room and to the public room, and
    to its author, as (participant id, view), when only the author may see more than the room."""

    event: str
    staff: dict
    public: dict
    author: tuple[str, dict] | None = None


def snapshot(store: Store, day: dict, script: Script, items: list[Item], viewer: dict, now: int) -> dict:
    """Everything a screen needs to draw the day; `viewer` is a role and maybe a participant."""
    rows = store.contributions(day["id"], with_held=True)
    snap = {
        "seq": day["seq"],
        "server_now": now,
        "day": {k: day[k] for k in ("id", "title", "date", "start_time", "authorities", "join_code", "ended_ms")},
        "script": _script_view(script),
        "agenda": [_item_view(i, reflection.steps(script)) for i in items],
        "clock": clock_view(day, script, items, now),
        "queue": queue(store, day, script, items, rows),
        "contributions": [seen for r in rows if (seen := _as_seen(r, viewer)) is not None],
        "spotlight": day.get("spotlight"),
        "reflections": reflection.listed(day),
    }
    return _personal(store, snap, day["id"], viewer)


def changes(store: Store, day: dict, script: Script, items: list[Item], viewer: dict, since, now: int) -> dict | None:
    """What changed after the seq a screen holds: the clock, the queue and the contributions
    changed since, each as this viewer may see it. None when a snapshot is needed instead: a
    seq this day never had, or more changes than are worth sending one by one."""
    if isinstance(since, bool) or not isinstance(since, int) or not 0 <= since <= day["seq"]:
        return None
    rows = store.changed_since(day["id"], since, RESYNC_MAX)
    if len(rows) > RESYNC_MAX:
        return None
    delta = {
        "since": since, "seq": day["seq"], "server_now": now,
        "clock": clock_view(day, script, items, now),
        "queue": queue(store, day, script, items),
        "contributions": [_as_seen(r, viewer) or _withdrawn(r) for r in rows],
        "reflections": reflection.listed(day),  # a few short texts: sent whole
    }
    return _personal(store, delta, day["id"], viewer)


def participants(store: Store, day_id: str) -> list[dict]:
    """Who has joined, for the facilitator only: names never reach the room or an export."""
    return [{"name": p["name"], "authority": p["authority"]} for p in store.participants(day_id)]


def clock_changed(store: Store, day: dict, script: Script, items: list[Item], now: int) -> Broadcast:
    """The clock moved: where it stands now, and the queue of the step it stands on."""
    view = {"seq": day["seq"], "clock": clock_view(day, script, items, now), "queue": queue(store, day, script, items)}
    return Broadcast("clock", view, view)


def reflection_changed(day: dict, session: int, step: str, entry: dict) -> Broadcast:
    """A presenting authority's reflection written or rewritten: the room hears what it said."""
    view = {"seq": day["seq"], "reflection": {"session": session, "step": step, **entry}}
    return Broadcast("reflection", view, view)


def contribution_changed(store: Store, day: dict, script: Script, items: list[Item], row: dict, seq: int,
                         requeue: bool = False) -> Broadcast:
    """One contribution added or changed, as each room may see it."""
    staff = {"seq": seq, "contribution": _removed(row) if row["removed_ms"] is not None else _public(row)}
    if requeue or script.kinds[row["kind"]].queue:  # no other change moves the queue (one session's, by index)
        staff["queue"] = queue(store, day, script, items)
    if row["removed_ms"] is not None:
        return Broadcast("contribution", staff, staff)
    if row["held"]:  # the room is told it is not on the wall; the author sees it, and why
        author = (row["author_id"], staff) if row["author_id"] else None
        return Broadcast("contribution", staff, {**staff, "contribution": _withdrawn(row)}, author)
    if row["hidden"]:
        return Broadcast("contribution", staff, {**staff, "contribution": _withdrawn(row)})
    return Broadcast("contribution", staff, staff)  # the same for all: sent once


def clock_view(day: dict, script: Script, items: list[Item], now: int) -> dict:
    clock = clockmod.Clock.from_dict(day["clock"])
    ended = day.get("ended_ms")
    # An ended day's clock stands still at its end: nothing runs late after it.
    plan = clockmod.schedule(clock, [i.planned_ms for i in items], now if ended is None else ended, planned_start_ms(day))
    if ended is not None:
        plan = {**plan, "projected_end_ms": ended, "late_ms": ended - plan["planned_end_ms"]}
    item = items[clock.index]
    return {
        "index": clock.index,
        "status": ENDED if ended is not None else clock.status,
        "ended_ms": ended,
        "deadline_ms": clock.deadline_ms,
        "remaining_ms": clock.remaining_ms,
        "server_now": now,
        "late_ms": plan["late_ms"],
        "planned_end_ms": plan["planned_end_ms"],
        "projected_end_ms": plan["projected_end_ms"],
        "items": plan["items"],
        "open_kinds": {part: [] if ended is not None else contrib.kinds_open(script, item, authority)
                       for part, authority in _sample_roles(item, day["authorities"]).items()},
        "parts": {a: contrib.role(a, item) for a in [*day["authorities"], contrib.OBSERVER]},  # by authority
    }


def queue(store: Store, day: dict, script: Script, items: list[Item], rows: list[dict] | None = None) -> dict:
    """The question queue of the session the clock stands in; `rows` when the caller has read them all."""
    item = items[day["clock"]["index"]]
    visitors = [a for a in day["authorities"] if a != item.presenter]
    kinds = {k for k, v in script.kinds.items() if v.queue}
    if rows is None:
        rows = store.session_rows(day["id"], item.session, sorted(kinds)) if kinds else []
    return {"session": item.session, **contrib.queue(rows, item.session, visitors, kinds)}


def planned_start_ms(day: dict) -> int | None:
    """The day's scheduled start as epoch ms, in the server's local time, if it has one."""
    if not day.get("start_time"):
        return None
    return int(datetime.fromisoformat(f"{day['date']}T{day['start_time']}").astimezone().timestamp() * 1000)


def _personal(store: Store, view: dict, day_id: str, viewer: dict) -> dict:
    if viewer["role"] != "projector":
        view["concerns"] = concerns_for(store, day_id, viewer)
    if viewer.get("participant"):
        p = viewer["participant"]
        view["me"] = {"id": p["id"], "name": p["name"], "authority": p["authority"],
                      "mine": store.authored(p["id"]), "votes": store.votes_by(p["id"])}
    if viewer["role"] == "facilitator":
        view["participants"] = participants(store, day_id)
    return view


def concerns_for(store: Store, day_id: str, viewer: dict) -> list[dict]:
    """The serious concerns a viewer may see: all of them for the facilitator, those about its own
    authority for a phone, none for the projector."""
    rows = store.concerns(day_id)
    if viewer["role"] == "facilitator":
        return [concerns.shown(c) for c in rows]
    mine = (viewer.get("participant") or {}).get("authority")
    return [concerns.shown(c) for c in rows if mine and c["authority"] == mine]


def _sample_roles(item: Item, authorities: list[str]) -> dict:
    """One authority standing for each part a phone can play in this item."""
    visitor = next((a for a in authorities if a != item.presenter), None)
    return {"presenter": item.presenter, "visitor": visitor if item.presenter else None,
            "observer": contrib.OBSERVER}


def _as_seen(row: dict, viewer: dict) -> dict | None:
    """A contribution as this viewer may see it, or None when it is not theirs to see. Held and
    hidden ones reach the facilitator and their author alone; a removed one only tells its author
    that it went."""
    mine, staff = _by(row, viewer), viewer["role"] == "facilitator"
    if row["removed_ms"] is not None:
        return _removed(row) if mine or staff else None
    if staff or mine or not (row["hidden"] or row["held"]):
        return _public(row)
    return None


def _by(row: dict, viewer: dict) -> bool:
    """Whether the viewer wrote it: authors see their own hidden contributions (no surprises)."""
    return bool(viewer.get("participant")) and row["author_id"] == viewer["participant"]["id"]


def _public(row: dict) -> dict:
    return {k: row.get(k) for k in PUBLIC_FIELDS} | {"named_by_presenter": wording.named_by_presenter(row),
                                                     "held": child_details.listed(row.get("held"))}


def _removed(row: dict) -> dict:
    """A contribution the facilitator removed for the details it held: its words are gone."""
    return {"id": row["id"], "hidden": 1, "removed": 1}


def _withdrawn(row: dict) -> dict:
    """A hidden contribution as the room sees it: gone from the wall."""
    return {"id": row["id"], "hidden": 1}


def _script_view(script: Script) -> dict:
    return {
        "id": script.id, "title": script.title,
        "category_label": script.category_label, "categories": list(script.categories),
        "kinds": {k: {"label": v.label, "who": v.who, "hint": v.hint, "categorised": v.categorised,
                      "anytime": v.anytime, "queue": v.queue, "open_question_nudge": v.open_question_nudge}
                  for k, v in script.kinds.items()},
        "plurals": wording.plurals(script),  # the lists' headings, as the documents word them
        "max_text": contrib.MAX_TEXT,  # the longest text a contribution may hold, as the forms allow
        "max_reflection": reflection.MAX_TEXT, "max_concern": concerns.MAX_TEXT,  # and each of these texts
        "closed_question": contrib.CLOSED_QUESTION,  # the nudge's rule, run by the phone as it is typed
    }


def _item_view(item: Item, reflecting: list[str]) -> dict:
    s = item.step
    return {
        "reflection": item.session is not None and s.key in reflecting,
        "index": item.index, "key": s.key, "title": s.title, "minutes": s.minutes, "speaker": s.speaker,
        "collects": list(s.collects), "guidance": s.guidance, "prompts_title": s.prompts_title,
        "prompts": list(s.prompts), "turns": s.turns, "listening": s.listening,
        "session": item.session, "presenter": item.presenter, "position": item.position,
        "session_length": item.session_length,
    }
