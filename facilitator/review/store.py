"""The review's tables, in the day's database (their migrations are core/migrations/review.py), and
the store the review's domain asks by name: `line(review, id)`, `add_note(row)`, `sign_incident(...)`.

Every read and write goes through the database's connection and lock. JSON columns hold short
lists (methods, evidence note ids); everything a person wrote is a plain text column.
"""

from __future__ import annotations

import json
import secrets

from ..live.store import Store
from .tables import Tables, only
from .team_store import new_member

JSON_COLUMNS = {"reviews": {"clock", "themes"}, "review_lines": {"methods"}, "review_findings": {"evidence"},
                "review_actions": {"findings"}, "review_survey": {"answers"}}
LINE_DECISION = {"status", "host_note", "decided_ms", "disagreement"}
CONCLUSIONS = {"conclusions", "method_comments", "host_comments"}
NOTE_EDIT = {"text", "source", "edited_ms", "held"}
NOTE_RELEASE = {"text", "edited_ms", "held"}
KEPT_NOTES = "withdrawn_ms IS NULL AND held IS NULL"  # in the record: not withdrawn, nor held for a child's details
ACTION_FIELDS = {"text", "agreed", "commentary", "findings", "owner", "due_date"}
INCIDENT_RECORD = {"raised_at", "host_action", "headline", "host_dcs", "peer_dcs"}
SIGNED_BY = {"lead": ("lead_signed_ms", "lead_signed_name"), "host": ("host_signed_ms", "host_signed_name")}
LETTER_FIELDS = {"salutation", "summary", "variations", "signature", "shared_ms", "proofread_ms", "signed_ms",
                 "updated_ms", "published_ms"}
NAMES = {"host_dcs_name", "lead_name"}


class ReviewStore(Tables):
    """The review tables over a day store's connection, asked and told by name.

    A read goes straight to the connection. A write is one transaction (BEGIN IMMEDIATE) that moves
    the review's seq with it, and answers with the row as stored (RETURNING), so nothing reads after.
    A method given a review's id and a row's id touches the row only if it is that review's.
    """

    json_columns = JSON_COLUMNS

    def __init__(self, store: Store):
        self.store = store
        self.db = store.db
        self.lock = store.lock

    # -- reviews

    def create_review(self, row: dict) -> dict:
        with self._writing():
            row = {**row, "id": secrets.token_hex(4), "lead_key": secrets.token_urlsafe(18),
                   "host_key": secrets.token_urlsafe(18), "join_code": self.store.database.unique_code(), "seq": 0}
            return self._insert("reviews", row)

    def review(self, review_id: str) -> dict | None:
        return self._one("reviews", "id = ?", [str(review_id)])

    def reviews(self) -> list[dict]:
        return self._rows("reviews", "1", [], order_by="start_date")

    def review_by(self, column: str, value: str) -> dict | None:
        assert column in ("lead_key", "host_key", "join_code")
        return self._one("reviews", f"{column} = ?", [str(value)])

    def set_clock(self, review_id: str, clock: dict) -> int:
        return self._set_review(review_id, {"clock": json.dumps(clock)})

    def set_start_date(self, review_id: str, value: str) -> int:  # an unannounced visit's, once known
        return self._set_review(review_id, {"start_date": value})

    def set_feedback_date(self, review_id: str, value: str) -> int:
        return self._set_review(review_id, {"feedback_date": value})

    def set_names(self, review_id: str, names: dict) -> int:
        """The host DCS's and the lead's names, which the letter is addressed to and signed with."""
        return self._set_review(review_id, only(names, NAMES))

    def share_lines(self, review_id: str, agreed: bool) -> int:
        """The host's word on naming the review's lines of enquiry at the summit."""
        return self._set_review(review_id, {"summit_lines": "agreed" if agreed else None})

    def _set_review(self, review_id: str, columns: dict) -> int:
        """Columns of the review itself (named by the methods above, never by a caller), and the seq."""
        with self._writing():
            self.db.conn.execute(f"UPDATE reviews SET {', '.join(f'[{k}] = ?' for k in columns)} WHERE id = ?",
                                 [*columns.values(), review_id])
            return self._bump(review_id)

    # -- the team

    def add_member(self, review_id: str, role: str, now: int) -> dict:
        with self._writing():
            return self._insert("review_members", new_member(review_id, role, now))

    def member_by_token(self, token: str) -> dict | None:
        return self._one("review_members", "token = ? AND withdrawn_ms IS NULL", [str(token)])

    def members(self, review_id: str) -> list[dict]:
        """Who has joined: with the team's code, or by opening their own invitation, and not withdrawn."""
        return self._rows("review_members", "review_id = ? AND withdrawn_ms IS NULL AND (name IS NULL OR "
                          "opened_ms IS NOT NULL)", [review_id])

    # -- lines of enquiry

    def lines(self, review_id: str) -> list[dict]:
        return self._rows("review_lines", "review_id = ?", [review_id], order_by="position")

    def line(self, review_id: str, line_id: str) -> dict | None:
        return self._one("review_lines", "id = ? AND review_id = ?", [str(line_id), review_id])

    def add_lines(self, rows: list[dict]) -> None:
        """A new review's themes, together, before anyone has its seq."""
        with self._writing():
            for row in rows:
                self._insert("review_lines", row)

    def add_line(self, row: dict) -> int:
        with self._writing():
            self._insert("review_lines", row)
            return self._bump(row["review_id"])

    def set_methods(self, review_id: str, line_id: str, methods: list[str]) -> dict:
        with self._writing():
            return self._set("review_lines", review_id, line_id, {"methods": methods}, {"methods"}, "line of enquiry")

    def decide_lines(self, review_id: str, decisions: dict[str, dict]) -> tuple[list[dict], int]:
        """The host's decision on each line (line id to its changes), in one transaction with one seq;
        the lines as stored, in the order given."""
        with self._writing():
            lines = [self._set("review_lines", review_id, line_id, changes, LINE_DECISION, "line of enquiry")
                     for line_id, changes in decisions.items()]
            return lines, self._bump(review_id)

    def set_conclusions(self, review_id: str, line_id: str, changes: dict) -> tuple[dict, int]:
        return self._changed("review_lines", review_id, line_id, changes, CONCLUSIONS, "line of enquiry")

    # -- the planning timeline

    def plan_done(self, review_id: str) -> dict[str, dict]:
        """The planning steps marked done, by step key."""
        return {r["step"]: r for r in self._rows("review_plan", "review_id = ?", [review_id])}

    def mark_step(self, review_id: str, step: str, by: str | None, now: int) -> int:
        """A planning step marked done by `by` (the lead or the host), or (None) not done after all."""
        with self._writing():
            if by is None:
                self.db.conn.execute("DELETE FROM review_plan WHERE review_id = ? AND step = ?", [review_id, step])
            else:
                self.db.conn.execute(
                    "INSERT INTO review_plan (review_id, step, done_ms, done_by) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (review_id, step) DO UPDATE SET done_ms = excluded.done_ms, done_by = excluded.done_by",
                    [review_id, step, now, by])
            return self._bump(review_id)

    # -- the notebook

    def notes(self, review_id: str) -> list[dict]:
        """The review's notes in the record (not withdrawn, not held), in the order they arrived."""
        return self._rows("review_notes", f"review_id = ? AND {KEPT_NOTES}", [review_id])

    def held_notes(self, review_id: str) -> list[dict]:
        """The notes held back for a child's details, for the lead alone to release or remove."""
        return self._rows("review_notes", "review_id = ? AND withdrawn_ms IS NULL AND held IS NOT NULL", [review_id])

    def notes_of(self, review_id: str, line_id: str) -> list[dict]:
        return self._rows("review_notes", f"review_id = ? AND line_id = ? AND {KEPT_NOTES}",
                          [review_id, str(line_id)])

    def note(self, review_id: str, note_id: str) -> dict | None:
        """One of the review's notes, withdrawn or not."""
        return self._one("review_notes", "id = ? AND review_id = ?", [str(note_id), review_id])

    def note_by_id(self, note_id: str) -> dict | None:
        """The note stored under a device-made id, in whichever review it is."""
        return self._one("review_notes", "id = ?", [str(note_id)])

    def add_note(self, row: dict, line_status: str) -> tuple[dict | None, int | None]:
        """Store a note once under its device-made id, if its line is the review's and has `line_status`.

        A new note is one write and no read: (the note as stored, the review's new seq). Otherwise
        nothing is written and the seq is None, beside the note already under that id (in any
        review), or None when the line is not the review's or not in that status.
        """
        cells = self._encode("review_notes", row)
        with self._writing():
            # The line's check rides in the INSERT: a SELECT of the values from the line, if it qualifies.
            stored = self._returned(
                "review_notes",
                f"INSERT INTO review_notes ({', '.join(f'[{k}]' for k in cells)}) "
                f"SELECT {', '.join('?' * len(cells))} FROM review_lines WHERE id = ? AND review_id = ? AND status = ? "
                "ON CONFLICT DO NOTHING RETURNING *",
                [*cells.values(), row["line_id"], row["review_id"], line_status])
            if stored is not None:
                return stored, self._bump(row["review_id"])
        return self.note_by_id(row["id"]), None

    def edit_note(self, review_id: str, note_id: str, changes: dict) -> tuple[dict, int]:
        return self._changed("review_notes", review_id, note_id, changes, NOTE_EDIT, "note")

    def release_note(self, review_id: str, note_id: str, text: str, now: int) -> tuple[dict, int]:
        """A held note into the record, in the words the lead left it in."""
        return self._changed("review_notes", review_id, note_id, {"text": text, "edited_ms": now, "held": None},
                             NOTE_RELEASE, "note")

    def remove_note(self, review_id: str, note_id: str, now: int) -> tuple[dict, int]:
        """A held note's words wiped, the note withdrawn, and the log emptied of its old copy."""
        with self._writing():
            stored = self._set("review_notes", review_id, note_id, {"text": "", "withdrawn_ms": now},
                               {"text", "withdrawn_ms"}, "note")
            seq = self._bump(review_id)
        self.store.database.scrub()
        return stored, seq

    def withdraw_note(self, review_id: str, note_id: str, evidence: dict[str, list[str]], now: int
                      ) -> tuple[dict, int]:
        """Withdraw a note and set the evidence of the findings it was in (`evidence`: finding id to
        note ids), in one transaction."""
        with self._writing():
            for finding_id, ids in evidence.items():
                self._set("review_findings", review_id, finding_id, {"evidence": ids}, {"evidence"}, "finding")
            stored = self._set("review_notes", review_id, note_id, {"withdrawn_ms": now}, {"withdrawn_ms"}, "note")
            return stored, self._bump(review_id)

    # -- key findings

    def findings(self, review_id: str) -> list[dict]:
        return self._rows("review_findings", "review_id = ?", [review_id])

    def finding(self, review_id: str, finding_id: str) -> dict | None:
        return self._one("review_findings", "id = ? AND review_id = ?", [str(finding_id), review_id])

    def add_finding(self, row: dict) -> tuple[dict, int]:
        with self._writing():
            return self._insert("review_findings", row), self._bump(row["review_id"])

    def set_evidence(self, review_id: str, finding_id: str, evidence: list[str]) -> tuple[dict, int]:
        return self._changed("review_findings", review_id, finding_id, {"evidence": evidence}, {"evidence"},
                             "finding")

    def release_finding(self, review_id: str, finding_id: str, on: bool) -> tuple[dict, int]:
        return self._changed("review_findings", review_id, finding_id, {"released": int(on)}, {"released"},
                             "finding")

    def set_kind(self, review_id: str, finding_id: str, kind: str) -> tuple[dict, int]:
        return self._changed("review_findings", review_id, finding_id, {"kind": kind}, {"kind"}, "finding")

    # -- the host's replies to released findings

    def host_replies(self, review_id: str) -> dict[str, dict]:
        """The host's reply to each finding it answered, by the finding's id."""
        return {r["finding_id"]: r for r in self._rows("review_host_replies", "review_id = ?", [review_id])}

    def save_host_reply(self, row: dict) -> tuple[dict, int]:
        """Store the host's reply to a finding, replacing any earlier one."""
        with self._writing():
            stored = self._returned(
                "review_host_replies",
                "INSERT INTO review_host_replies (review_id, finding_id, stance, text, updated_ms) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (review_id, finding_id) DO UPDATE SET stance = excluded.stance, text = excluded.text, "
                "updated_ms = excluded.updated_ms RETURNING *",
                [row["review_id"], row["finding_id"], row["stance"], row["text"], row["updated_ms"]])
            return stored, self._bump(row["review_id"])

    def share_finding(self, review_id: str, finding_id: str, choice: str, words: str) -> tuple[dict, int]:
        """The host's word on sharing a strength with the summit, and its words if it reworded it."""
        shared = {"summit": choice, "summit_text": words}
        return self._changed("review_findings", review_id, finding_id, shared, set(shared), "finding")

    # -- agreed actions

    def actions(self, review_id: str) -> list[dict]:
        return self._rows("review_actions", "review_id = ?", [review_id], order_by="position")

    def action(self, review_id: str, action_id: str) -> dict | None:
        return self._one("review_actions", "id = ? AND review_id = ?", [str(action_id), review_id])

    def add_action(self, row: dict) -> tuple[dict, int]:
        with self._writing():
            return self._insert("review_actions", row), self._bump(row["review_id"])

    def update_action(self, review_id: str, action_id: str, fields: dict) -> tuple[dict, int]:
        return self._changed("review_actions", review_id, action_id, fields, ACTION_FIELDS, "action")

    # -- critical incidents

    def incidents(self, review_id: str) -> list[dict]:
        return self._rows("review_incidents", "review_id = ?", [review_id])

    def incident(self, review_id: str, incident_id: str) -> dict | None:
        return self._one("review_incidents", "id = ? AND review_id = ?", [str(incident_id), review_id])

    def add_incident(self, row: dict) -> tuple[dict | None, int | None]:
        """Store an incident once under its device-made id: (as stored, seq); a repeat writes nothing
        and gives the incident already under that id (in whichever review) and no seq."""
        with self._writing():
            stored = self._insert("review_incidents", row, once=True)
            if stored is not None:
                return stored, self._bump(row["review_id"])
        return self._one("review_incidents", "id = ?", [row["id"]]), None

    def record_incident(self, review_id: str, incident_id: str, changes: dict) -> tuple[dict, int]:
        return self._changed("review_incidents", review_id, incident_id, changes, INCIDENT_RECORD, "incident")

    def sign_incident(self, review_id: str, incident_id: str, by: str, name: str, now: int) -> tuple[dict, int]:
        """Sign as the lead or the host (`by`), under the signer's name."""
        at, who = SIGNED_BY[by]
        return self._changed("review_incidents", review_id, incident_id, {at: now, who: name},
                             {c for pair in SIGNED_BY.values() for c in pair}, "incident")

    # -- the letter

    def letter(self, review_id: str) -> dict | None:
        return self._one("review_letters", "review_id = ?", [review_id])

    def save_letter(self, review_id: str, changes: dict) -> dict:
        """Create or change the review's letter; the letter as stored."""
        changes = only(changes, LETTER_FIELDS)
        columns = ["review_id", *changes]
        update = ", ".join(f"[{k}] = excluded.[{k}]" for k in changes) or "review_id = excluded.review_id"
        with self._writing():
            return self._returned(
                "review_letters",
                f"INSERT INTO review_letters ({', '.join(f'[{k}]' for k in columns)}) "
                f"VALUES ({', '.join('?' * len(columns))}) ON CONFLICT (review_id) DO UPDATE SET {update} RETURNING *",
                [review_id, *changes.values()])

    def letter_comments(self, review_id: str) -> list[dict]:
        return self._rows("review_letter_comments", "review_id = ?", [review_id])

    def add_letter_comment(self, row: dict) -> dict:
        with self._writing():
            return self._insert("review_letter_comments", row)

    # -- the survey: whether a member answered, and the answers, never joined

    def answer_survey(self, review_id: str, member_id: str, answers: dict) -> bool:
        """Record a member's answers once; False, and nothing written, if they had answered."""
        with self._writing():
            if self._insert("review_survey_done", {"review_id": review_id, "member_id": member_id}, once=True) is None:
                return False
            self._insert("review_survey", {"id": secrets.token_hex(8), "review_id": review_id, "answers": answers})
        return True

    def answered(self, review_id: str, member_id: str) -> bool:
        return self._one("review_survey_done", "review_id = ? AND member_id = ?", [review_id, member_id]) is not None

    def survey_answers(self, review_id: str) -> list[dict]:
        # Random order, so the order of answering says nothing about who answered.
        return [r["answers"] for r in self._rows("review_survey", "review_id = ?", [review_id], order_by="id")]
