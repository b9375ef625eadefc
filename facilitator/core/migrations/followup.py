"""The follow-up tables: hosts' responses, reviews of impact, outcomes of asks and offers, and the
facilitator's decisions on suggested matches.

The set keeps the name it was first released under, so a database that has had it runs none again.
"""

from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("facilitator-followup")


@migrations()
def m001_followup(db):
    # A host's response: written here in Markdown, or a document uploaded in the host's own format.
    db.table("fu_responses").create(
        {"id": str, "day_id": str, "authority": str, "markdown": str, "file_name": str, "file_type": str,
         "file_data": bytes, "file_size": int, "public": int, "created_ms": int, "updated_ms": int},
        pk="id", foreign_keys=[("day_id", "days", "id")], not_null={"day_id", "authority"},
        defaults={"public": 0},
    )
    db.table("fu_responses").create_index(["day_id", "authority"])
    # A host's review of impact: progress and measurable evidence; submitted once complete.
    db.table("fu_impact").create(
        {"day_id": str, "authority": str, "progress": str, "evidence": str, "submitted_ms": int, "updated_ms": int},
        pk=("day_id", "authority"), foreign_keys=[("day_id", "days", "id")],
    )
    # What became of each agreed ask, offer or action: answered by whom, taken up by whom, done.
    db.table("fu_outcomes").create(
        {"item_id": str, "day_id": str, "authority": str, "role": str, "status": str, "by_authority": str,
         "offer_id": str, "evidence": str, "decided_ms": int},
        pk="item_id", not_null={"status", "role"},
    )
    # The facilitator's word on a suggested pairing of an ask with an offer, remembered.
    db.table("fu_matches").create(
        {"ask_id": str, "offer_id": str, "decision": str, "score": float, "decided_ms": int},
        pk=("ask_id", "offer_id"), not_null={"decision"},
    )


@migrations()
def m002_host_plan(db):
    # The review of impact is at the host's discretion: the date it chose, or that it holds none.
    for column, kind in (("plan", str), ("planned_for", str), ("planned_ms", int)):
        db.table("fu_impact").add_column(column, kind)


@migrations()
def m003_reviews_followed_up(db):
    # A peer review's host holds its review of impact too: the row names a day or a review, so it
    # no longer points at the days alone (erase removes a review's rows with the review).
    db.table("fu_impact").transform(drop_foreign_keys=["day_id"])


@migrations()
def m004_programme(db):
    # The region's pool of reviewers: each person's role, authority, experience, accreditation stage
    # (followup/programme.toml) and the authorities they must not review; retired, never deleted.
    db.table("programme_pool").create(
        {"id": str, "name": str, "role": str, "authority": str, "experience": str, "stage": str,
         "conflicts": str, "created_ms": int, "updated_ms": int, "retired_ms": int},
        pk="id", not_null={"name", "role", "authority", "stage"}, defaults={"conflicts": "[]", "experience": ""},
    )


@migrations()
def m005_summit_decisions(db):
    # A summit the organiser prepares: the round's days it brings together and the date it meets.
    db.table("fu_summits").create(
        {"id": str, "title": str, "held_on": str, "day_ids": str, "created_ms": int},
        pk="id", not_null={"title", "day_ids"},
    )
    # The organiser's word on a computed issue for collective action: its wording, merged into
    # another, or dropped. The issue itself is drawn afresh from the days each time.
    db.table("fu_summit_issues").create(
        {"summit_id": str, "key": str, "wording": str, "merged_into": str, "dropped": int, "updated_ms": int},
        pk=("summit_id", "key"), foreign_keys=[("summit_id", "fu_summits", "id")], defaults={"dropped": 0},
    )
    # What is put to the summit for approval (an item of the regional improvement plan, or a support
    # offer drawn from an agreed offer) and what the summit decided, on which date.
    db.table("fu_summit_items").create(
        {"id": str, "summit_id": str, "kind": str, "text": str, "authority": str, "source_id": str,
         "decision": str, "change": str, "decided_on": str, "decided_ms": int, "created_ms": int},
        pk="id", foreign_keys=[("summit_id", "fu_summits", "id")], not_null={"summit_id", "kind", "text"},
    )
    db.table("fu_summit_items").create_index(["summit_id"])
