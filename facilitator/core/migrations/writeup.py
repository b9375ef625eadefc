"""What is written after the session: summaries, hosts' review keys, case studies and agreements.

The set keeps the name it was first released under ("reports"), so a database that has had it
runs none again.
"""

from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("facilitator-reports")
# The case study's fields as first made; the store's own list may grow, a migration never changes.
_CASE_FIELDS = ("title", "authority", "theme", "summary", "context", "actions", "impact", "sustained",
                "lessons", "reuse", "contact_role")


@migrations()
def m001_reports(db):
    db.table("summaries").create(
        {"day_id": str, "part": str, "markdown": str, "updated_ms": int},
        pk=("day_id", "part"), foreign_keys=[("day_id", "days", "id")], not_null={"markdown"},
    )
    db.table("review_keys").create(
        {"day_id": str, "authority": str, "key": str, "created_ms": int},
        pk=("day_id", "authority"), foreign_keys=[("day_id", "days", "id")], not_null={"key"},
    )
    db.table("review_keys").create_index(["key"], unique=True)
    db.table("case_studies").create(
        {"id": str, "day_id": str, "source_id": str, **{f: str for f in _CASE_FIELDS},
         "created_ms": int, "updated_ms": int},
        pk="id", foreign_keys=[("day_id", "days", "id")], not_null={"day_id", "title", "authority"},
    )
    db.table("case_studies").create_index(["source_id"], unique=True)
    # One row per thing a host decides on: a contribution (offer, ask) or a case study.
    db.table("agreements").create(
        {"day_id": str, "subject_id": str, "subject": str, "authority": str, "status": str, "text": str,
         "by_role": str, "decided_ms": int, "decided_on": str},
        pk=("day_id", "subject_id"), foreign_keys=[("day_id", "days", "id")], not_null={"status"},
    )


@migrations()
def m002_access_log(db):
    # Who took what: each private-link sign-in, export and download, by role and time, never its content.
    # No foreign key: a day's or a review's entries go with it (core.erase reads day_id and review_id).
    db.table("access_log").create(
        {"id": int, "day_id": str, "review_id": str, "role": str, "what": str, "at_ms": int},
        pk="id", not_null={"role", "what", "at_ms"},
    )
    db.table("access_log").create_index(["day_id"])
    db.table("access_log").create_index(["review_id"])


@migrations()
def m003_sign_outs(db):
    # "Sign out every other browser": each day's (or review's) count of sign-outs; a browser's sign-in
    # made under an older count no longer opens it.
    db.table("sign_outs").create({"day_id": str, "review_id": str, "generation": int}, not_null={"generation"})
    db.table("sign_outs").create_index(["day_id"], unique=True)
    db.table("sign_outs").create_index(["review_id"], unique=True)
