"""The notes and agreements of the meetings before the fieldwork: a planning discussion between
the host and visiting DCS, a team's pre-meeting or conference call. Seed 001 (paragraphs 15 and
30): an explicit dialogue about the scope sharpens the challenge, and one about the feedback (its
audience, format, length and style, how to frame the harder findings) raises satisfaction. The
script's step lists what its meeting agrees; the lead and the host record it on the timeline.
"""

from __future__ import annotations

from datetime import date as Date

from ..core.checks import text
from ..core.errors import Refused
from ..core.scripts.review import ReviewScript
from ..live.store import Store
from .plan import MARKERS, visible
from .tables import Tables


class Meetings(Tables):
    """The meetings' records over a day store's connection and lock, one per (review, step)."""

    json_columns = {"review_meetings": {"agreed"}}

    def __init__(self, store: Store):
        self.db = store.db
        self.lock = store.lock

    def records(self, review_id: str) -> dict[str, dict]:
        return {r["step"]: r for r in self._rows("review_meetings", "review_id = ?", [review_id])}

    def save(self, review_id: str, step: str, row: dict) -> int:
        cells = self._encode("review_meetings", row)
        with self._writing():
            self.db.conn.execute(
                "INSERT INTO review_meetings (review_id, step, held_on, notes, agreed, updated_ms, updated_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (review_id, step) DO UPDATE SET held_on = excluded.held_on, "
                "notes = excluded.notes, agreed = excluded.agreed, updated_ms = excluded.updated_ms, "
                "updated_by = excluded.updated_by",
                [review_id, step, cells["held_on"], cells["notes"], cells["agreed"], cells["updated_ms"],
                 cells["updated_by"]])
            return self._bump(review_id)


def record(meetings: Meetings, review: dict, script: ReviewScript, step_key: str, form, by: str, now: int) -> int:
    """The lead's or the host's record of a meeting the viewer may see: held on, notes, agreements."""
    if by not in MARKERS:
        raise Refused("forbidden", "only the lead or the host records the planning meetings")
    step = next((s for s in visible(script, review, by == "host") if s.key == step_key and s.agree is not None), None)
    if step is None:
        raise Refused("not_found", "no such meeting in this review's planning timeline")
    held_on = (form.get("held_on") or "").strip()
    if held_on:
        try:
            held_on = Date.fromisoformat(held_on).isoformat()
        except ValueError:
            raise Refused("invalid", "the day the meeting was held must be a date, YYYY-MM-DD") from None
    agreed = [text(form, f"agreed-{i}", 2000, heading, required=False) for i, heading in enumerate(step.agree)]
    notes = text(form, "notes", 6000, "The notes of the meeting", required=False)
    return meetings.save(review["id"], step.key, {"held_on": held_on, "notes": notes, "agreed": agreed,
                                                  "updated_ms": now, "updated_by": by})


def shown(script: ReviewScript, review: dict, records: dict[str, dict], host: bool) -> list[dict]:
    """Each meeting the viewer may see, with its headings beside what was agreed under each."""
    out = []
    for s in visible(script, review, host):
        if s.agree is None:
            continue
        row = records.get(s.key) or {}
        agreed = list(row.get("agreed") or [])
        out.append({"key": s.key, "what": s.what, "who": list(s.who), "held_on": row.get("held_on") or "",
                    "notes": row.get("notes") or "", "updated_ms": row.get("updated_ms"),
                    "updated_by": row.get("updated_by"),
                    "agreed": [(h, agreed[i] if i < len(agreed) else "") for i, h in enumerate(s.agree)]})
    return out


def agreed(script: ReviewScript, review: dict, records: dict[str, dict]) -> list[dict]:
    """The meetings that agreed something, for the lead's console."""
    return [m for m in shown(script, review, records, False) if any(text for _, text in m["agreed"])]
