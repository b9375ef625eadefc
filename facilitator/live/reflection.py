"""The presenting authority's reflection: what it heard and what it will do, kept for the write-up.

The presenter's phones write it during the reflection step; the facilitator may write it on the
authority's behalf at any time. It names the authority, never a person. No I/O.
"""

from __future__ import annotations

import unicodedata

from ..core.checks import INVISIBLE, text
from ..core.errors import Refused
from ..core.scripts.day import Item, Script
from . import contributions as contrib

MAX_TEXT = 2000
FIELDS = {"heard": "What we heard", "will_do": "What we will do"}


def steps(script: Script) -> list[str]:
    """The steps of a session in which the presenter reflects: it speaks after the opening, on
    nothing filed under a category (the opening names its risks; a reflection does not)."""
    return [k for k in script.session[1:]
            if script.steps[k].speaker == "presenter"
            and not any(script.kinds[c].categorised for c in script.steps[k].collects)]


def key(session: int, step: str) -> str:
    return f"{session}:{step}"


def of(day: dict, session: int, step: str) -> dict | None:
    """What was entered for one session's reflection step, or None."""
    return day.get("reflections", {}).get(key(session, step))


def listed(day: dict) -> list[dict]:
    """Every reflection entered, as screens are sent them."""
    out = []
    for k, entry in sorted(day.get("reflections", {}).items()):
        session, step = k.split(":", 1)
        out.append({"session": int(session), "step": step, **entry})
    return out


def target(script: Script, day: dict, item: Item, author: dict, payload: dict) -> tuple[int, str]:
    """The session and step a reflection is written for: a presenter's phone writes its own, in its
    reflection step; the facilitator names the session (and, when a session has several, the step)."""
    if author.get("facilitator"):
        session = payload.get("session")
        if isinstance(session, bool) or not isinstance(session, int) or not 0 <= session < len(day["authorities"]):
            raise Refused("invalid", "session must be the number of one of the day's sessions, from 0")
        step = payload.get("step", None)
        if step is None and steps(script):
            step = steps(script)[0]
        if not isinstance(step, str) or step not in steps(script):
            raise Refused("invalid", "this day's script has no such reflection step")
        return session, step
    if contrib.role(author["authority"], item) != "presenter":
        raise Refused("forbidden", "only the presenting authority's phones write its reflection")
    if item.step.key not in steps(script):
        raise Refused("not_now", "what you heard and will do is written during your reflection step")
    if payload.get("session", item.session) != item.session:
        raise Refused("not_now", "that session's reflection step is over: the facilitator can still add to it")
    return item.session, item.step.key


def entry(payload: dict, by: str, now: int) -> dict:
    """The two texts, checked; at least one must say something."""
    texts = {field: _words(payload, field, label) for field, label in FIELDS.items()}
    if not any(texts.values()):
        raise Refused("invalid", "write what you heard or what you will do first")
    return {**texts, "by": by, "updated_ms": now}


def _words(payload: dict, field: str, label: str) -> str:
    """One text, cleaned; nothing a reader could see counts as nothing said."""
    value = text(payload, field, MAX_TEXT, label, required=False)
    seen = any(not c.isspace() and unicodedata.category(c) not in INVISIBLE for c in value)
    return value if seen else ""
