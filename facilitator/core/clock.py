"""The day's clock: which agenda item is on, and its deadline. Pure arithmetic, time passed in.

What is stored is a deadline while running and the time left while paused, never a tick, so
every screen can count down on its own and a restarted server picks up the same countdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

READY, RUNNING, PAUSED = "ready", "running", "paused"
MAX_EXTEND_MS = 60 * 60_000
ACTIONS = ("start", "pause", "resume", "extend", "next", "back")


class ClockError(ValueError):
    """A command that does not fit the clock as it is (pausing what is not running, say)."""


@dataclass(frozen=True)
class Clock:
    index: int = 0
    status: str = READY
    deadline_ms: int | None = None  # while running
    remaining_ms: int | None = None  # while ready or paused
    # Per agenda index: when it first started, when it was last left, and the time it had left.
    history: dict = field(default_factory=dict)

    def remaining(self, now: int) -> int:
        """Milliseconds left on the current item; negative once it overruns."""
        if self.status == RUNNING:
            return self.deadline_ms - now
        return self.remaining_ms

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "status": self.status,
            "deadline_ms": self.deadline_ms,
            "remaining_ms": self.remaining_ms,
            "history": {str(k): v for k, v in self.history.items()},
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Clock":
        history = {int(k): dict(v) for k, v in data.get("history", {}).items()}
        return cls(data["index"], data["status"], data.get("deadline_ms"), data.get("remaining_ms"), history)


def new(planned: list[int]) -> Clock:
    return Clock(index=0, status=READY, remaining_ms=planned[0])


def apply(clock: Clock, action: str, planned: list[int], now: int, extend_ms: int = 0) -> Clock:
    """Return the clock after the facilitator's action at time `now` (epoch ms)."""
    if action == "start" or action == "resume":
        if clock.status == RUNNING:
            raise ClockError("the timer is already running")
        return _run(clock, clock.index, clock.remaining_ms, now)
    if action == "pause":
        if clock.status != RUNNING:
            raise ClockError("the timer is not running")
        return replace(clock, status=PAUSED, deadline_ms=None, remaining_ms=clock.deadline_ms - now)
    if action == "extend":
        if not 0 < extend_ms <= MAX_EXTEND_MS:
            raise ClockError("an extension must be more than 0 and at most 60 minutes")
        if clock.status == RUNNING:
            return replace(clock, deadline_ms=clock.deadline_ms + extend_ms)
        return replace(clock, remaining_ms=clock.remaining_ms + extend_ms)
    if action == "next":
        if clock.index + 1 >= len(planned):
            raise ClockError("this is the last item of the day")
        target = clock.index + 1
        left = _leave(clock, now)
        return _run(left, target, _time_left(left, target, planned), now)
    if action == "back":
        if clock.index == 0:
            raise ClockError("this is the first item of the day")
        target = clock.index - 1
        left = _leave(clock, now, done=False)
        return replace(left, index=target, status=PAUSED, deadline_ms=None, remaining_ms=_time_left(left, target, planned))
    raise ClockError(f"unknown timer action '{action}'")


def _run(clock: Clock, index: int, remaining: int, now: int) -> Clock:
    history = dict(clock.history)
    entry = dict(history.get(index, {}))
    entry.setdefault("started_ms", now)
    history[index] = entry
    return replace(clock, index=index, status=RUNNING, deadline_ms=now + remaining, remaining_ms=None, history=history)


def _leave(clock: Clock, now: int, done: bool = True) -> Clock:
    """Note when the current item was left and what it had left, so Back can restore it.

    Moving on ends the item; going Back leaves it unfinished, with its time kept for later."""
    history = dict(clock.history)
    entry = dict(history.get(clock.index, {}))
    if done and "started_ms" in entry:
        entry["ended_ms"] = now
    elif not done:
        entry.pop("ended_ms", None)
    entry["left_ms"] = clock.remaining(now)
    history[clock.index] = entry
    return replace(clock, history=history)


def _time_left(clock: Clock, index: int, planned: list[int]) -> int:
    """An item returned to keeps the time it had left; a new one gets its planned time."""
    return clock.history.get(index, {}).get("left_ms", planned[index])


def schedule(clock: Clock, planned: list[int], now: int, planned_start_ms: int | None = None) -> dict:
    """How late the day runs, and the planned and projected start of every item.

    The plan is anchored at the day's scheduled start if it has one, else at the moment its
    first item started. Items still to come are projected from now at their planned lengths.
    """
    first = clock.history.get(0, {}).get("started_ms")
    anchor = planned_start_ms if planned_start_ms is not None else (first if first is not None else now)
    items = []
    planned_at = anchor
    projected_at = None
    for index, length in enumerate(planned):
        entry = clock.history.get(index, {})
        if index < clock.index:
            projected = entry.get("started_ms", planned_at)
        elif index == clock.index:
            if clock.status == READY:  # not begun: it can start no earlier than planned
                projected = max(now, planned_at)
                projected_at = projected + clock.remaining_ms
            else:  # a paused item is projected as if resumed now
                projected = entry.get("started_ms", now)
                projected_at = now + max(clock.remaining(now), 0)
        else:
            projected = projected_at
            projected_at += _time_left(clock, index, planned)
        items.append({"planned_start_ms": planned_at, "projected_start_ms": projected, "ended_ms": entry.get("ended_ms")})
        planned_at += length
    return {
        "planned_end_ms": planned_at,
        "projected_end_ms": projected_at,
        "late_ms": projected_at - planned_at,
        "items": items,
    }
