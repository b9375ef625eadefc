"""The day's tables: days, participants, contributions and votes.

The set keeps the name it was first released under: a database records each migration it has
had by set and function name, and would run a renamed one again.
"""

from __future__ import annotations

import secrets

from sqlite_utils import Migrations

migrations = Migrations("facilitator")


@migrations()
def m001_initial(db):
    db.table("days").create(
        {"id": str, "title": str, "date": str, "start_time": str, "script": str, "authorities": str,
         "join_code": str, "facilitator_key": str, "clock": str, "seq": int, "created_ms": int},
        pk="id", not_null={"title", "date", "script", "authorities", "join_code", "facilitator_key", "clock"},
        defaults={"seq": 0},
    )
    db.table("days").create_index(["join_code"], unique=True)
    db.table("days").create_index(["facilitator_key"], unique=True)
    db.table("participants").create(
        {"id": str, "day_id": str, "name": str, "authority": str, "token": str, "created_ms": int},
        pk="id", foreign_keys=[("day_id", "days", "id")], not_null={"day_id", "name", "authority", "token"},
    )
    db.table("participants").create_index(["token"], unique=True)
    db.table("contributions").create(
        {"id": str, "day_id": str, "kind": str, "category": str, "text": str, "session": int,
         "presenter": str, "step": str, "item_index": int, "author_id": str, "author_authority": str,
         "origin": str, "created_ms": int, "updated_ms": int, "hidden": int, "starred": int,
         "asked_ms": int, "merged_into": str},
        pk="id", foreign_keys=[("day_id", "days", "id")], not_null={"day_id", "kind", "text"},
    )
    db.table("contributions").create_index(["day_id", "created_ms"])
    db.table("votes").create(
        {"contribution_id": str, "participant_id": str},
        pk=("contribution_id", "participant_id"),
        foreign_keys=[("contribution_id", "contributions", "id"), ("participant_id", "participants", "id")],
    )


@migrations()
def m002_change_seq(db):
    """Each contribution records the day's seq at its last change, so a reconnecting screen can be
    sent what changed since the seq it holds; the queue reads one session's questions by index."""
    db.execute("ALTER TABLE contributions ADD COLUMN seq INTEGER")
    db.execute("UPDATE contributions SET seq = (SELECT seq FROM days WHERE days.id = contributions.day_id)")
    db.table("contributions").create_index(["day_id", "seq"])
    db.table("contributions").create_index(["day_id", "session", "kind"])
    db.table("contributions").create_index(["author_id"])
    db.table("votes").create_index(["participant_id"])


@migrations()
def m003_projector_key_and_spotlight(db):
    """A read-only key per day that opens the projector and nothing else; what it spotlights."""
    db.table("days").add_column("projector_key", str)
    db.table("days").add_column("spotlight", str)
    for (day_id,) in db.execute("SELECT id FROM days").fetchall():
        db.execute("UPDATE days SET projector_key = ? WHERE id = ?", [secrets.token_urlsafe(18), day_id])
    db.table("days").create_index(["projector_key"], unique=True)


@migrations()
def m004_drop_unused_index(db):
    """Nothing asks for a day's contributions by time (arrival is rowid order; the other indexes
    lead with day_id): one less index page for every contribution's commit to write."""
    db.execute("DROP INDEX IF EXISTS idx_contributions_day_id_created_ms")


@migrations()
def m005_day_ended(db):
    """When the facilitator closed the day: its clock stands still and phones add nothing more."""
    db.table("days").add_column("ended_ms", int)


@migrations()
def m006_reflections(db):
    """What each presenting authority heard and will do, said in its reflection step (JSON)."""
    db.table("days").add_column("reflections", str)


@migrations()
def m007_day_concerns(db):
    """Serious concerns raised during a day: recorded with the host's response, signed by the
    facilitator and the host, and kept out of every open export."""
    db.table("day_concerns").create(
        {"id": str, "day_id": str, "authority": str, "raised_by": str, "nature": str, "seen": str,
         "immediate_action": str, "host_response": str, "created_ms": int, "facilitator_signed_ms": int,
         "host_signed_ms": int},
        pk="id", foreign_keys=[("day_id", "days", "id")], not_null={"day_id", "authority", "raised_by", "nature"},
    )
    db.table("day_concerns").create_index(["day_id"])


@migrations()
def m008_held_contributions(db):
    """What a contribution seemed to hold that could identify a child (JSON), while the facilitator
    holds it back from the room; and when the facilitator removed one, its words wiped."""
    db.table("contributions").add_column("held", str)
    db.table("contributions").add_column("removed_ms", int)


@migrations()
def m009_reduced_days(db):
    """When a day past its retention date was reduced to what the summit keeps, and counts of
    what it held (JSON): the rest of its words are deleted."""
    db.table("days").add_column("reduced", str)
