"""The day's commands: set-up, joining, the clock and contributions, over the store.

Every method takes `now` (epoch ms) from its caller, checks what it is asked, changes the store,
and returns what should be broadcast (built by screens.py, which also draws a whole screen). It
knows nothing of Flask or sockets.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date as Date

from ..core import checks, child_details
from ..core import clock as clockmod
from ..core.errors import Refused
from ..core.scripts.day import Item, Script, agenda
from . import contributions as contrib
from . import concerns, reflection, screens
from .screens import Broadcast
from .store import Store

MAX_TITLE = 120
MAX_NAME = 40
MAX_AUTHORITY = 80
LATE_GRACE_MS = 15 * 60_000  # how long after a step ends a phone that was offline may still add to it
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MODERATIONS = ("hide", "show", "star", "unstar", "asked", "unasked", "edit", "merge", "release", "remove")
ENDED = "the day has ended: nothing more can be added"


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

    # -- what a screen shows: drawn by screens.py over the day this engine reads

    def snapshot(self, day_id: str, viewer: dict, now: int) -> dict:
        """Everything a screen needs to draw the day; `viewer` is a role and maybe a participant."""
        day = self._day(day_id)
        return screens.snapshot(self.store, day, *self._script_items(day), viewer, now)

    def changes(self, day_id: str, viewer: dict, since, now: int) -> dict | None:
        """What changed after the seq a screen holds, or None when it needs a snapshot instead."""
        day = self._day(day_id)
        return screens.changes(self.store, day, *self._script_items(day), viewer, since, now)

    def participants(self, day_id: str) -> list[dict]:
        """Who has joined, for the facilitator only."""
        return screens.participants(self.store, day_id)

    # -- the clock

    def timer(self, day_id: str, payload, now: int) -> Broadcast:
        if not isinstance(payload, dict) or not isinstance(payload.get("action"), str) \
                or payload["action"] not in clockmod.ACTIONS:
            raise Refused("invalid", f"action must be one of {', '.join(clockmod.ACTIONS)}")
        extend_ms = checks.minutes(payload.get("minutes"), clockmod.MAX_EXTEND_MS // 60_000) if payload["action"] == "extend" else 0
        with self.store.lock:  # read, apply and write as one step when two consoles press at once
            day = self._day(day_id)
            if day["ended_ms"] is not None:
                raise Refused("not_now", "the day has ended: its clock is stopped")
            script, items = self._script_items(day)
            try:
                clock = clockmod.apply(clockmod.Clock.from_dict(day["clock"]), payload["action"],
                                       [i.planned_ms for i in items], now, extend_ms)
            except clockmod.ClockError as exc:
                raise Refused("not_now", str(exc)) from None
            day["seq"] = self.store.save_clock(day_id, clock.to_dict())
            day["clock"] = clock.to_dict()
        return screens.clock_changed(self.store, day, script, items, now)

    def end_day(self, day_id: str, payload, now: int) -> Broadcast | None:
        """Close the day: the clock stops where it stands and phones add nothing more. It cannot be
        undone, so it must be asked for in so many words; ending an ended day changes nothing."""
        if not isinstance(payload, dict) or payload.get("confirm") is not True:
            raise Refused("invalid", "send {confirm: true} to end the day: it cannot be undone")
        with self.store.lock:
            day = self._day(day_id)
            if day["ended_ms"] is not None:
                return None
            clock = _stopped(clockmod.Clock.from_dict(day["clock"]), now)
            day["seq"] = self.store.end_day(day_id, clock.to_dict(), now)
            day["clock"], day["ended_ms"] = clock.to_dict(), now
        return screens.clock_changed(self.store, day, *self._script_items(day), now)

    # -- the presenter's reflection

    def reflect(self, day_id: str, author: dict, payload, now: int) -> Broadcast:
        """What the presenting authority heard and will do, from its phones or from the facilitator."""
        if not isinstance(payload, dict):
            raise Refused("invalid", "a reflection is an object with heard and will_do")
        with self.store.lock:  # two phones of one authority may save at once: neither is lost
            day = self._day(day_id)
            self._open(day, author)
            script, items = self._script_items(day)
            session, step = reflection.target(script, day, items[day["clock"]["index"]], author, payload)
            entry = reflection.entry(payload, "facilitator" if author.get("facilitator") else "presenter", now)
            day["reflections"][reflection.key(session, step)] = entry
            day["seq"] = self.store.save_reflections(day_id, day["reflections"])
        return screens.reflection_changed(day, session, step, entry)

    # -- serious concerns (concerns.py): seen by the facilitator and the authority concerned alone

    def raise_concern(self, day_id: str, raised_by: str, payload, now: int) -> tuple[dict, bool]:
        """Record a concern at once, the day's end notwithstanding; a repeated id is not new."""
        day = self._day(day_id)
        item = self._script_items(day)[1][day["clock"]["index"]]
        stored, new = self.store.add_concern(concerns.new(day, item, raised_by, payload, now))
        if stored["day_id"] != day_id:
            raise Refused("invalid", "that id is already used")
        return concerns.shown(stored), new

    def answer_concern(self, day_id: str, by: dict, payload, now: int) -> dict:
        with self.store.lock:
            concern = self._concern(day_id, by, payload)
            return concerns.shown(self.store.update_concern(day_id, concern["id"], concerns.response(concern, payload)))

    def sign_concern(self, day_id: str, by: dict, payload, now: int) -> dict:
        with self.store.lock:  # two phones of the host signing at once sign once
            concern = self._concern(day_id, by, payload)
            changes = concerns.signature(concern, concerns.signer(concern, by), now)
            return concerns.shown(self.store.update_concern(day_id, concern["id"], changes))

    def concerns_for(self, day_id: str, viewer: dict) -> list[dict]:
        return screens.concerns_for(self.store, day_id, viewer)

    def _concern(self, day_id: str, by: dict, payload) -> dict:
        if not isinstance(payload, dict):
            raise Refused("invalid", "the payload must be an object with the concern's id")
        concern = self.store.concern(day_id, contrib.contribution_id(payload.get("id")))
        if concern is None:
            raise Refused("not_found", "no such concern in this day")
        concerns.signer(concern, by)  # the facilitator, or the authority concerned: no one else
        return concern

    # -- contributions

    def contribute(self, day_id: str, author: dict, payload, now: int) -> tuple[dict, Broadcast | None]:
        """Store a new contribution; a repeated id is acknowledged again but not broadcast."""
        day = self._day(day_id)
        self._open(day, author)
        script, items = self._script_items(day)
        row = contrib.new(script, self._written_during(day, items, payload, now), payload, author, now)
        if author.get("facilitator") and row["author_authority"] not in (None, *day["authorities"]):
            raise Refused("invalid", "authority must be one of the day's authorities")
        stored, seq = self.store.add_contribution(day_id, row)
        if stored["day_id"] != day_id:
            raise Refused("invalid", "that id is already used")
        if seq is None:
            return stored, None
        return stored, screens.contribution_changed(self.store, day, script, items, stored, seq)

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
        self._open(self._day(day_id), participant)
        script = self.scripts[self._day(day_id)["script"]]
        words = contrib.text(payload.get("text"))
        changes = {"text": words, "held": child_details.hold(words, row["held"]), "updated_ms": now}
        if script.kinds[row["kind"]].categorised and "category" in payload:
            changes["category"] = contrib.category(script, row["kind"], payload["category"])
        return self._update(day_id, row["id"], changes)

    def vote(self, day_id: str, participant: dict, payload, now: int) -> Broadcast:
        row = self._contribution(day_id, payload)
        if not contrib.on_wall(row):
            raise Refused("not_now", "that contribution is not on the wall")
        self._open(self._day(day_id), participant)
        on = payload.get("on", True)
        if not isinstance(on, bool):
            raise Refused("invalid", "on must be true or false")
        day = self._day(day_id)
        script, items = self._script_items(day)
        stored, seq = self.store.set_vote(day_id, row["id"], participant["id"], on)
        return screens.contribution_changed(self.store, day, script, items, stored, seq)

    def moderate(self, day_id: str, payload, now: int) -> list[Broadcast]:
        """The facilitator's changes: hide, show, star, mark asked, edit, merge; release or remove a held one."""
        row = self._contribution(day_id, payload)
        action = payload.get("action")
        if not isinstance(action, str) or action not in MODERATIONS:
            raise Refused("invalid", f"action must be one of {', '.join(MODERATIONS)}")
        script = self.scripts[self._day(day_id)["script"]]
        flags = {"hide": {"hidden": 1}, "show": {"hidden": 0}, "star": {"starred": 1}, "unstar": {"starred": 0},
                 "asked": {"asked_ms": now}, "unasked": {"asked_ms": None}, "release": {"held": None}}
        if action in ("release", "remove") and not row["held"]:
            raise Refused("not_now", "only a contribution held for a child's details can be released or removed")
        if action == "remove":
            return [self._changed(day_id, *self.store.remove_contribution(day_id, row["id"], now))]
        if action in flags:
            return [self._update(day_id, row["id"], {**flags[action], "updated_ms": now})]
        if action == "edit":
            return [self._update(day_id, row["id"], self._edits(script, row, payload, now))]
        target = self._contribution(day_id, {"id": payload.get("into")})
        if target["id"] == row["id"] or target["kind"] != row["kind"] or target["merged_into"]:
            raise Refused("invalid", "merge into another contribution of the same kind that is not merged itself")
        if row["held"] or target["held"]:
            raise Refused("not_now", "release a held contribution before merging it")
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
            if not contrib.on_wall(row):
                raise Refused("not_now", "a hidden, held or merged contribution cannot be spotlit")
            target = row["id"]
        seq = self.store.set_spotlight(day_id, target)
        view = {"seq": seq, "spotlight": target}
        return Broadcast("spotlight", view, view)

    def _edits(self, script: Script, row: dict, payload: dict, now: int) -> dict:
        changes = {"updated_ms": now}
        if "text" in payload:
            changes["text"] = contrib.text(payload["text"])
            changes["held"] = child_details.hold(changes["text"], row["held"])
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

    def _open(self, day: dict, author: dict) -> None:
        """Phones add, edit and vote only while the day is on; the facilitator may still add notes."""
        if day["ended_ms"] is not None and not author.get("facilitator"):
            raise Refused("not_now", ENDED)

    def _update(self, day_id: str, contribution_id: str, changes: dict) -> Broadcast:
        stored, seq = self.store.update_contribution(day_id, contribution_id, changes)
        return self._changed(day_id, stored, seq, requeue="kind" in changes or "held" in changes)

    def _changed(self, day_id: str, stored: dict, seq: int, requeue: bool = True) -> Broadcast:
        day = self._day(day_id)
        script, items = self._script_items(day)
        return screens.contribution_changed(self.store, day, script, items, stored, seq, requeue=requeue)

    def _contribution(self, day_id: str, payload) -> dict:
        if not isinstance(payload, dict):
            raise Refused("invalid", "the payload must be an object")
        row = self.store.contribution(contrib.contribution_id(payload.get("id")))
        if row is None or row["day_id"] != day_id:
            raise Refused("not_found", "no such contribution in this day")
        if row["removed_ms"] is not None:
            raise Refused("not_found", "that contribution was removed for the details it held")
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


def _stopped(clock: clockmod.Clock, now: int) -> clockmod.Clock:
    """The clock at the day's end: held where it stands (an overrun no longer grows), and the
    item it stood on marked as ended."""
    if clock.status == clockmod.RUNNING:
        clock = clockmod.apply(clock, "pause", [], now)
    history = dict(clock.history)
    history[clock.index] = {**history.get(clock.index, {}), "ended_ms": now}
    return replace(clock, history=history)


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
