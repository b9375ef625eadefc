"""Deleting a day or a review with everything it holds, leaving no readable copy on disk.

What a day holds is read from the schema, not listed by hand, so a table added later is not
forgotten: every table with a `day_id` (or `review_id`) column, the votes on the day's
contributions, the self-assessments it owns, and the follow-up's pairings that name its asks and
offers. Deleted rows are zeroed in place (secure_delete) and the write-ahead log is emptied into
the file, so neither the database, its log nor its shared memory keeps a copy.
"""

from __future__ import annotations

from .database import Database, StoreError

KINDS = {"day": ("days", "day_id"), "review": ("reviews", "review_id")}
# What each table holds, in the words the facilitator and the lead use; any other table by its name.
LABELS = {"days": "day", "participants": "participants", "contributions": "contributions", "votes": "votes",
          "summaries": "summary parts", "review_keys": "host links", "case_studies": "case studies",
          "agreements": "host decisions", "fu_responses": "responses and uploads", "fu_impact": "reviews of impact",
          "fu_outcomes": "outcomes of asks and offers", "fu_matches": "matches of asks and offers",
          "fu_summit_items": "support offers put to a summit",
          "self_assessments": "self-assessments", "reviews": "review", "review_members": "team members",
          "review_lines": "lines of enquiry", "review_notes": "notes", "review_findings": "findings",
          "review_actions": "action points", "review_incidents": "critical incidents", "review_letters": "letter",
          "review_survey": "survey answers", "review_survey_done": "survey completions",
          "review_duties": "days of responsibilities", "review_plan": "planning steps done",
          "review_documents": "reading pack documents", "review_requests": "requests for supplementary material",
          "review_offsite": "staff and partner survey", "review_offsite_answers": "staff and partner answers",
          "review_offsite_texts": "staff and partner comments", "review_offsite_cases": "mapped cases",
          "review_meetings": "records of planning meetings"}


ONE = {"case studies": "case study", "responses and uploads": "response or upload",
       "reviews of impact": "review of impact", "outcomes of asks and offers": "outcome of an ask or offer",
       "matches of asks and offers": "match of an ask and an offer",
       "support offers put to a summit": "support offer put to a summit", "lines of enquiry": "line of enquiry",
       "days of responsibilities": "day of responsibilities", "planning steps done": "planning step done",
       "reading pack documents": "reading pack document",
       "requests for supplementary material": "request for supplementary material",
       "records of planning meetings": "record of a planning meeting"}


def _label(table: str, n: int) -> str:
    many = LABELS.get(table, table.replace("_", " "))
    return many if n != 1 else ONE.get(many, many.removesuffix("s"))


def described(counts: dict[str, int]) -> str:
    """'12 contributions, 4 participants, 1 day': what a deletion took or would take, most first."""
    return ", ".join(f"{n} {_label(t, n)}" for t, n in sorted(counts.items(), key=lambda x: -x[1]))


def _tables_with(db, column: str) -> list[str]:
    return [t.name for t in db.tables if column in t.columns_dict]


def _where(db, kind: str, ref: str) -> list[tuple[str, str, list]]:
    """(table, condition, parameters) for every row the day or review holds."""
    owner, column = KINDS[kind]
    out = []
    if kind == "day":  # rows reached through the day's contributions go before the contributions
        items = "SELECT id FROM contributions WHERE day_id = ?"
        out.append(("votes", f"contribution_id IN ({items})", [ref]))
        out.append(("fu_outcomes", f"item_id IN ({items})", [ref]))
        out.append(("fu_matches", f"ask_id IN ({items}) OR offer_id IN ({items})", [ref, ref]))
        out.append(("fu_summit_items", f"source_id IN ({items})", [ref]))  # a support offer drawn from its offer
    out += [(t, f"{column} = ?", [ref]) for t in _tables_with(db, column) if t != owner]
    if kind == "review":  # the follow-up's rows name a review by the column they share with days
        out += [("fu_outcomes", "day_id = ?", [ref]), ("fu_impact", "day_id = ?", [ref])]
    out.append(("self_assessments", "owner_kind = ? AND owner_id = ?", [kind, ref]))
    out.append((owner, "id = ?", [ref]))
    return [(t, cond, args) for t, cond, args in out if t in db.table_names()]


def holdings(database: Database, kind: str, ref: str) -> dict[str, int]:
    """How many rows of each table the day or review holds (tables holding none left out)."""
    with database.lock:
        counts = {}
        for table, cond, args in _where(database.db, kind, ref):
            n = database.db.execute(f"SELECT count(*) FROM [{table}] WHERE {cond}", args).fetchone()[0]
            if n:
                counts[table] = counts.get(table, 0) + n
        return counts


# What a reduced day keeps, by table: the column its kept rows are named by.
KEPT_BY = {"contributions": "id", "case_studies": "id", "agreements": "subject_id"}


def reduce_day(database: Database, ref: str, keep: dict[str, list[str]], reduced: str, now: int) -> dict[str, int]:
    """Delete all a day holds but the rows `keep` names (by table, as KEPT_BY says), then empty the
    log; the day itself stays, ended, with `reduced` (JSON) saying what it held. Kept
    contributions lose their author. Returns the rows deleted, by table."""
    db = database.db
    with database.lock, db.atomic():
        before = holdings(database, "day", ref)
        db.execute("PRAGMA defer_foreign_keys = ON")
        for table, cond, args in _where(db, "day", ref):
            if table == "days":
                continue
            kept = keep.get(table, []) if table in KEPT_BY else []
            if kept:
                cond = f"({cond}) AND [{KEPT_BY[table]}] NOT IN ({', '.join('?' * len(kept))})"
            db.execute(f"DELETE FROM [{table}] WHERE {cond}", [*args, *kept])
        db.execute("UPDATE contributions SET author_id = NULL WHERE day_id = ?", [ref])
        db.execute("UPDATE days SET reduced = ?, ended_ms = coalesce(ended_ms, ?) WHERE id = ?", [reduced, now, ref])
        after = holdings(database, "day", ref)
    if not database.scrub(tries=5):
        raise StoreError(f"{database.path}: the day is reduced, but another program reading the database "
                         f"kept an old copy in its log: close that program, then run the same command again to empty the log")
    return {t: n - after.get(t, 0) for t, n in before.items() if n - after.get(t, 0)}


def erase(database: Database, kind: str, ref: str) -> dict[str, int]:
    """Delete the day or review and all it holds in one transaction, then empty the log.

    Another day's outcome that named one of its offers keeps its status but no longer points at
    it. Raises StoreError when a reader in another program still holds the old pages in the log.
    """
    db = database.db
    with database.lock, db.atomic():
        counts = holdings(database, kind, ref)
        db.execute("PRAGMA defer_foreign_keys = ON")  # children and parents go together, in any order
        if kind == "day" and "fu_outcomes" in db.table_names():
            db.execute("UPDATE fu_outcomes SET offer_id = NULL WHERE offer_id IN "
                       "(SELECT id FROM contributions WHERE day_id = ?) AND day_id != ?", [ref, ref])
        for table, cond, args in _where(db, kind, ref):
            db.execute(f"DELETE FROM [{table}] WHERE {cond}", args)
    if not database.scrub(tries=5):
        raise StoreError(f"{database.path}: the {kind} is deleted, but another program reading the database "
                         f"kept an old copy in its log: close that program, then run the same command again to empty the log")
    return counts
