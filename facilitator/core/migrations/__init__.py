"""Every stage's tables, as one list of migration sets applied in the order of the stages.

Each set keeps the name its database records it by; the sets are independent of one another
(a table made by a later set may name an earlier one's in a foreign key, never the reverse).
"""

from __future__ import annotations

from . import followup, live, review, writeup

SETS = (live.migrations, review.migrations, writeup.migrations, followup.migrations)


def apply(db) -> None:
    """Bring a database (new, or made by any earlier version) up to date, set by set."""
    for migrations in SETS:
        migrations.apply(db)


def pending(db) -> list[tuple[str, str]]:
    """What a database has still to run, as (set, migration) names."""
    return [(m.name, step.name) for m in SETS for step in m.pending(db)]
