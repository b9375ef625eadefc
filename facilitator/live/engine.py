"""The day as a whole: set-up, joining, the clock and contributions, over the store.

Every method takes `now` (epoch ms) from its caller, checks what it is asked, changes the store,
and returns what should be broadcast. It knows nothing of Flask or sockets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime

from ..core import clock as clockmod
from . import contributions as contrib
from ..core import wording
from ..core.errors import Refused
from ..core.scripts.day import Item, Script, agenda
from .store import Store

MAX_TITLE = 120
MAX_NAME = 40
MAX_AUTHORITY = 80
RESYNC_MAX = 200  # changed contributions a reconnecting screen is sent rather than a whole snapshot
LATE_GRACE_MS = 15 * 60_000  # how long after a step ends a phone that was offline may still add to it
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MODERATIONS = ("hide", "show", "star", "unstar", "asked", "unasked", "edit", "merge")
PUBLIC_FIELDS = ("id", "kind", "category", "text", "session", "presenter", "step", "item_index",
                 "author_authority", "origin", "created_ms", "updated_ms", "hidden", "starred",
                 "asked_ms", "merged_into", "votes")


@dataclass
class Broadcast:
    """One change to send: the same seq to the facilitator's room and to the public room."""

    event: str
    staff: dict
    public: dict


class Engine:
    def __init__(self, store: Store, scripts: dict[str, Script]):
        self.store = store
        self.scripts = scripts
        self._agendas: dict[tuple, list[Item]] = {}

    # -- set-up

    def create_day(self, title, date, authorities, script_id, start_time, now: int) -> dict:
        script = self.scripts.get(script_id)
        if script is None:
            raise Refused("invalid", f"unknown session script '{script_id}'")
        title = _bounded(title, "title", MAX_TITLE)
        if not isinstance(date, str):
            raise Refused("invalid", "date must be given as YYYY-MM-DD")
        try:
            Date.fromisoformat(date)
        except ValueError:
            raise Refused("invalid", "date must be given as YYYY-MM-DD") from None
        start_time = (start_time or "").strip() or None
        if start_time is not None and not TIME_RE.match(start_time):
            raise Refused("invalid", "start time must be given as HH:MM")
        if not isinstance(authorities, (list, tuple)):
            raise Refused("invalid", "authorities must be a list")
        names = [_bounded(a, "authority", MAX_AUTHORITY) for a in authorities if str(a).strip()]
        if len(names) != script.sessions_per_day:
            raise Refused("invalid", f"'{script.title}' needs {script.sessions_per_day} presenting authorities, "
                                     f"in presenting order; {len(names)} given")
        if len({n.lower() for n in names}) != len(names):
            raise Refused("invalid", "the authorities must all be different")
        if any(n.lower() == contrib.OBSERVER for n in names):
            raise Refused("invalid", "'observer' cannot be an authority's name")
        planned = self._planned(script, names)
        return self.store.create_day(title, date, names, script.id, clockmod.new(planned).to_dict(), start_time, now)

    def join(self, day: dict, name, authority, now: int) -> dict:
        name = _bounded(name, "name", MAX_NAME)
        if authority != contrib.OBSERVER and authority not in day["authorities"]:
            raise Refused("invalid", "choose one of the day's authorities, or observer")
        return self.store.add_participant(day["id"], name, authority, now)

    # -- what a screen shows

    def snapshot(self, day_id: str, viewer: dict, now: int) -> dict:
        """Everything a screen needs to draw the day; `viewer` is a role and maybe a participant."""
        day = self._day(day_id)
        script, items = self._script_items(day)
        staff = viewer["role"] == "facilitator"
        rows = self.store.contributions(day_id)
        snap = {
            "seq": day["seq"],
            "server_now": now,
            "day": {k: day[k] for k in ("id", "title", "date", "start_time", "authorities", "join_code")},
            "script": _script_view(script),
            "agenda": [_item_view(script, i) for i in items],
            "clock": self._clock_view(day, script, items, now),
            "queue": self._queue(day, script, items, rows),
            "contributions": [_public(r) for r in rows if staff or not r["hidden"] or _by(r, viewer)],
            "spotlight": day.get("spotlight"),
        }
        return self._personal(snap, day_id, viewer)

    def changes(self, day_id: str, viewer: dict, since, now: int) -> dict | None:
        """What changed after the seq a screen holds: the clock, the queue and the contributions
        changed since, each as this viewer may see it. None when a snapshot is needed instead: a
        seq this day never had, or more changes than are worth sending one by one."""
        day = self._day(day_id)
        if isinstance(since, bool) or not isinstance(since, int) or not 0 <= since <= day["seq"]:
            return None
        rows = self.store.changed_since(day_id, since, RESYNC_MAX)
        if len(rows) > RESYNC_MAX:
            return None
        script, items = self._script_items(day)
        staff = viewer["role"] == "facilitator"
        delta = {
            "since": since, "seq": day["seq"], "server_now": now,
            "clock": self._clock_view(day, script, items, now),
            "queue": self._queue(day, script, items),
            "contributions": [_public(r) if staff or not r["hidden"] or _by(r, viewer) else _withdrawn(r)
                              for r in rows],
        }
        return self._personal(delta, day_id, viewer)

    def _personal(self, view: dict, day_id: str, viewer: dict) -> dict:
        if viewer.get("participant"):
            p = viewer["participant"]
            view["me"] = {"id": p["id"], "name": p["name"], "authority": p["authority"],
                          "mine": self.store.authored(p["id"]), "votes": self.store.votes_by(p["id"])}
        if viewer["role"] == "facilitator":
            view["participants"] = self.participants(day_id)
        return view

    def participants(self, day_id: str) -> list[dict]:
        """Who has joined, for the facilitator only: names never reach the room or an export."""
        return [{"name": p["name"], "authority": p["authority"]} for p in self.store.participants(day_id)]

    # -- the clock

    def timer(self, day_id: str, payload, now: int) -> Broadcast:
        if not isinstance(payload, dict) or not isinstance(payload.get("action"), str) \
                or payload["action"] not in clockmod.ACTIONS:
            raise Refused("invalid", f"action must be one of {', '.join(clockmod.ACTIONS)}")
        extend_ms = _extension_ms(payload.get("minutes")) if payload["action"] == "extend" else 0
        with self.store.lock:  # read, apply and write as one step when two consoles press at once
            day = self._day(day_id)
            script, items = self._script_items(day)
            try:
                clock = clockmod.apply(clockmod.Clock.from_dict(day["clock"]), payload["action"],
                                       [i.planned_ms for i in items], now, extend_ms)
            except clockmod.ClockError as exc:
                raise Refused("not_now", str(exc)) from None
            day["seq"] = self.store.save_clock(day_id, clock.to_dict())
            day["clock"] = clock.to_dict()
        view = {"seq": day["seq"], "clock": self._clock_view(day, script, items, now),
                "queue": self._queue(day, script, items)}
        return Broadcast("clock", view, view)

    # -- contributions

    def contribute(self, day_id: str, author: dict, payload, now: int) -> tuple[dict, Broadcast | None]:
        """Store a new contribution; a repeated id is acknowledged again but not broadcast."""
        day = self._day(day_id)
        script, items = self._script_items(day)
        row = contrib.new(script, self._written_during(day, items, payload, now), payload, author, now)
        if author.get("facilitator") and row["author_authority"] not in (None, *day["authorities"]):
            raise Refused("invalid", "authority must be one of the day's authorities")
        stored, seq = self.store.add_contribution(day_id, row)
        if stored["day_id"] != day_id:
            raise Refused("invalid", "that id is already used")
        if seq is None:
            return stored, None
        return stored, self._changed(day, script, items, stored, seq)

    def _written_during(self, day: dict, items: list[Item], payload, now: int) -> Item:
        """The step a contribution belongs to: the current one, or, for one a phone kept while it
        was offline, the step it was written in, if that ended less than LATE_GRACE_MS ago."""
        clock = day["clock"]
        index = payload.get("item_index") if isinstance(payload, dict) else None
        if index is None or index == clock["index"]:
            return items[clock["index"]]
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(items):
            raise Refused("invalid", "item_index must be the index of an agenda item")
        ended = clock["history"].get(str(index), {}).get("ended_ms")
        recent = index < clock["index"] and ended is not None and now - ended <= LATE_GRACE_MS
        return items[index] if recent else items[clock["index"]]

    def nudge(self, row: dict) -> str | None:
        return contrib.nudge(self.scripts[self._day(row["day_id"])["script"]], row)

    def edit_own(self, day_id: str, participant: dict, payload, now: int) -> Broadcast:
        row = self._contribution(day_id, payload)
        if row["author_id"] != participant["id"]:
            raise Refused("forbidden", "you can only edit your own contributions")
        script = self.scripts[self._day(day_id)["script"]]
        changes = {"text": contrib.text(payload.get("text")), "updated_ms": now}
        if script.kinds[row["kind"]].categorised and "category" in payload:
            changes["category"] = contrib.category(script, row["kind"], payload["category"])
        return self._update(day_id, row["id"], changes)

    def vote(self, day_id: str, participant: dict, payload, now: int) -> Broadcast:
        row = self._contribution(day_id, payload)
        if row["hidden"] or row["merged_into"]:
            raise Refused("not_now", "that contribution is no longer on the wall")
        on = payload.get("on", True)
        if not isinstance(on, bool):
            raise Refused("invalid", "on must be true or false")
        day = self._day(day_id)
        script, items = self._script_items(day)
        stored, seq = self.store.set_vote(day_id, row["id"], participant["id"], on)
        return self._changed(day, script, items, stored, seq)

    def moderate(self, day_id: str, payload, now: int) -> list[Broadcast]:
        """The facilitator's changes: hide, show, star, mark asked, edit, re-categorise, merge."""
        row = self._contribution(day_id, payload)
        action = payload.get("action")
        if not isinstance(action, str) or action not in MODERATIONS:
            raise Refused("invalid", f"action must be one of {', '.join(MODERATIONS)}")
        script = self.scripts[self._day(day_id)["script"]]
        flags = {"hide": {"hidden": 1}, "show": {"hidden": 0}, "star": {"starred": 1}, "unstar": {"starred": 0},
                 "asked": {"asked_ms": now}, "unasked": {"asked_ms": None}}
        if action in flags:
            return [self._update(day_id, row["id"], {**flags[action], "updated_ms": now})]
        if action == "edit":
            return [self._update(day_id, row["id"], self._edits(script, row, payload, now))]
        target = self._contribution(day_id, {"id": payload.get("into")})
        if target["id"] == row["id"] or target["kind"] != row["kind"] or target["merged_into"]:
            raise Refused("invalid", "merge into another contribution of the same kind that is not merged itself")
        self.store.move_votes(row["id"], target["id"])
        return [self._update(day_id, row["id"], {"merged_into": target["id"], "updated_ms": now}),
                self._update(day_id, target["id"], {"updated_ms": now})]

    def spotlight(self, day_id: str, payload, now: int) -> Broadcast:
        """Show one contribution full screen on the projector, or (id null) take it down."""
        if not isinstance(payload, dict) or "id" not in payload:
            raise Refused("invalid", "send {id}: a contribution's id, or null to take the spotlight down")
        target = None
        if payload["id"] is not None:
            row = self._contribution(day_id, payload)
            if row["hidden"] or row["merged_into"]:
                raise Refused("not_now", "a hidden or merged contribution cannot be spotlit")
            target = row["id"]
        seq = self.store.set_spotlight(day_id, target)
        view = {"seq": seq, "spotlight": target}
        return Broadcast("spotlight", view, view)

    def _edits(self, script: Script, row: dict, payload: dict, now: int) -> dict:
        changes = {"updated_ms": now}
        if "text" in payload:
            changes["text"] = contrib.text(payload["text"])
        kind = payload.get("kind", row["kind"])
        if not isinstance(kind, str) or kind not in script.kinds:
            raise Refused("invalid", f"kind must be one of {', '.join(script.kinds)}")
        changes["kind"] = kind
        if script.kinds[kind].categorised:
            changes["category"] = contrib.category(script, kind, payload.get("category", row["category"]))
        else:
            changes["category"] = None
        return changes

    # -- helpers

    def _update(self, day_id: str, contribution_id: str, changes: dict) -> Broadcast:
        day = self._day(day_id)
        script, items = self._script_items(day)
        stored, seq = self.store.update_contribution(day_id, contribution_id, changes)
        return self._changed(day, script, items, stored, seq, requeue="kind" in changes)

    def _changed(self, day: dict, script: Script, items: list[Item], row: dict, seq: int,
                 requeue: bool = False) -> Broadcast:
        staff = {"seq": seq, "contribution": _public(row)}
        if requeue or script.kinds[row["kind"]].queue:  # no other change moves the queue (one session's, by index)
            staff["queue"] = self._queue(day, script, items)
        if row["hidden"]:
            return Broadcast("contribution", staff, {**staff, "contribution": _withdrawn(row)})
        return Broadcast("contribution", staff, staff)  # the same for all: sent once

    def _contribution(self, day_id: str, payload) -> dict:
        if not isinstance(payload, dict):
            raise Refused("invalid", "the payload must be an object")
        row = self.store.contribution(contrib.contribution_id(payload.get("id")))
        if row is None or row["day_id"] != day_id:
            raise Refused("not_found", "no such contribution in this day")
        return row

    def _day(self, day_id: str) -> dict:
        day = self.store.day(day_id)
        if day is None:
            raise Refused("not_found", "no such day")
        return day

    def _script_items(self, day: dict) -> tuple[Script, list[Item]]:
        script = self.scripts[day["script"]]
        key = (script.id, tuple(day["authorities"]))
        items = self._agendas.get(key)
        if items is None:  # a day's agenda never changes: expand it once, not on every change
            items = self._agendas[key] = agenda(script, day["authorities"])
        return script, items

    def _planned(self, script: Script, authorities: list[str]) -> list[int]:
        return [i.planned_ms for i in agenda(script, authorities)]

    def _clock_view(self, day: dict, script: Script, items: list[Item], now: int) -> dict:
        clock = clockmod.Clock.from_dict(day["clock"])
        plan = clockmod.schedule(clock, [i.planned_ms for i in items], now, planned_start_ms(day))
        item = items[clock.index]
        return {
            "index": clock.index,
            "status": clock.status,
            "deadline_ms": clock.deadline_ms,
            "remaining_ms": clock.remaining_ms,
            "server_now": now,
            "late_ms": plan["late_ms"],
            "planned_end_ms": plan["planned_end_ms"],
            "projected_end_ms": plan["projected_end_ms"],
            "items": plan["items"],
            "open_kinds": {part: contrib.kinds_open(script, item, authority)
                           for part, authority in _sample_roles(item, day["authorities"]).items()},
            "parts": {a: contrib.role(a, item) for a in [*day["authorities"], contrib.OBSERVER]},  # by authority
        }

    def _queue(self, day: dict, script: Script, items: list[Item], rows: list[dict] | None = None) -> dict:
        item = items[day["clock"]["index"]]
        visitors = [a for a in day["authorities"] if a != item.presenter]
        kinds = {k for k, v in script.kinds.items() if v.queue}
        if rows is None:
            rows = self.store.session_rows(day["id"], item.session, sorted(kinds)) if kinds else []
        return {"session": item.session, **contrib.queue(rows, item.session, visitors, kinds)}


def planned_start_ms(day: dict) -> int | None:
    """The day's scheduled start as epoch ms, in the server's local time, if it has one."""
    if not day.get("start_time"):
        return None
    return int(datetime.fromisoformat(f"{day['date']}T{day['start_time']}").astimezone().timestamp() * 1000)


def _sample_roles(item: Item, authorities: list[str]) -> dict:
    """One authority standing for each part a phone can play in this item."""
    visitor = next((a for a in authorities if a != item.presenter), None)
    return {"presenter": item.presenter, "visitor": visitor if item.presenter else None,
            "observer": contrib.OBSERVER}


def _by(row: dict, viewer: dict) -> bool:
    """Whether the viewer wrote it: authors see their own hidden contributions (no surprises)."""
    return bool(viewer.get("participant")) and row["author_id"] == viewer["participant"]["id"]


def _bounded(value, field: str, limit: int) -> str:
    if not isinstance(value, str):
        raise Refused("invalid", f"{field} is required")
    try:
        value = contrib.plain(value, field)
    except Refused:
        raise Refused("invalid", f"{field} is required") from None
    if len(value) > limit:
        raise Refused("invalid", f"{field} must be at most {limit} characters")
    return value


def _extension_ms(minutes) -> int:
    """Minutes to add, checked as a number in range before any arithmetic is done with it."""
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)):
        raise Refused("invalid", "minutes must be a number")
    if not 0 < minutes <= clockmod.MAX_EXTEND_MS / 60_000:  # also false for NaN
        raise Refused("not_now", "an extension must be more than 0 and at most 60 minutes")
    return int(minutes * 60_000)


def _public(row: dict) -> dict:
    return {k: row.get(k) for k in PUBLIC_FIELDS} | {"named_by_presenter": wording.named_by_presenter(row)}


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
        "closed_question": contrib.CLOSED_QUESTION,  # the nudge's rule, run by the phone as it is typed
    }


def _item_view(script: Script, item: Item) -> dict:
    s = item.step
    return {
        "index": item.index, "key": s.key, "title": s.title, "minutes": s.minutes, "speaker": s.speaker,
        "collects": list(s.collects), "guidance": s.guidance, "prompts_title": s.prompts_title,
        "prompts": list(s.prompts), "turns": s.turns, "listening": s.listening,
        "session": item.session, "presenter": item.presenter, "position": item.position,
        "session_length": item.session_length,
    }
