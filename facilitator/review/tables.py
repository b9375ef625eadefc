"""How the review's store speaks SQLite, under its named methods: reads straight to the connection;
each write one transaction under the process's lock, answered with its row as stored (RETURNING),
so nothing is read after it; short lists kept in JSON columns, encoded in and decoded out."""

from __future__ import annotations

import json
from contextlib import contextmanager

from ..core.errors import Refused


def only(changes: dict, allowed: set[str]) -> dict:
    """The columns a named method may set: column names go into SQL, so none comes from elsewhere."""
    stray = set(changes) - allowed
    if stray:
        raise ValueError(f"cannot set {', '.join(sorted(stray))} here")
    return changes


def _names(columns) -> str:
    return ", ".join(f"[{k}]" for k in columns)


class Tables:
    """The SQL beneath a stage's store: `db` (sqlite-utils), `lock` and `json_columns` come from it."""

    db = None
    lock = None
    json_columns: dict[str, set[str]] = {}

    def _decode(self, table: str, row: dict) -> dict:
        columns = self.json_columns.get(table, set())
        return {k: (json.loads(v) if k in columns and isinstance(v, str) else v) for k, v in row.items()}

    def _encode(self, table: str, row: dict) -> dict:
        columns = self.json_columns.get(table, set())
        return {k: (json.dumps(v) if k in columns and not isinstance(v, str) else v) for k, v in row.items()}

    def _rows(self, table: str, where: str, args: list, order_by: str = "rowid") -> list[dict]:
        # Straight to the connection: sqlite-utils would look the schema up twice on every read.
        with self.lock:
            cursor = self.db.conn.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY {order_by}", args)
            keys = [d[0] for d in cursor.description]
            return [self._decode(table, dict(zip(keys, row))) for row in cursor.fetchall()]

    def _one(self, table: str, where: str, args: list) -> dict | None:
        found = self._rows(table, where, args)
        return found[0] if found else None

    @contextmanager
    def _writing(self):
        """One write transaction under the process's lock; its BEGIN takes the file's write lock at once."""
        with self.lock, self.db.atomic():
            yield

    def _returned(self, table: str, sql: str, args: list) -> dict | None:
        """A write statement ending RETURNING *, inside `_writing`: its row, or None if it wrote none."""
        cursor = self.db.conn.execute(sql, args)
        rows = cursor.fetchall()  # to the end, so the statement is finished before COMMIT
        return self._decode(table, dict(zip([d[0] for d in cursor.description], rows[0]))) if rows else None

    def _insert(self, table: str, row: dict, once: bool = False) -> dict | None:
        """INSERT a row, as stored; `once`: a row whose key is already taken writes nothing (None)."""
        row = self._encode(table, row)
        return self._returned(table, f"INSERT INTO {table} ({_names(row)}) VALUES ({', '.join('?' * len(row))})"
                                     f"{' ON CONFLICT DO NOTHING' if once else ''} RETURNING *", list(row.values()))

    def _set(self, table: str, review_id: str, row_id: str, changes: dict, allowed: set[str], what: str) -> dict:
        """UPDATE one of the review's rows, as stored; a row that is not the review's is refused."""
        changes = self._encode(table, only(changes, allowed))
        stored = self._returned(table, f"UPDATE {table} SET {', '.join(f'[{k}] = ?' for k in changes)} "
                                       "WHERE id = ? AND review_id = ? RETURNING *",
                                [*changes.values(), str(row_id), review_id])
        if stored is None:
            raise Refused("not_found", f"no such {what} in this review")
        return stored

    def _bump(self, review_id: str) -> int:
        """The review's next seq, inside the write it marks: pages compare it to what they last saw."""
        return self.db.conn.execute("UPDATE reviews SET seq = seq + 1 WHERE id = ? RETURNING seq",
                                    [review_id]).fetchall()[0][0]

    def _changed(self, table: str, review_id: str, row_id: str, changes: dict, allowed: set[str],
                 what: str) -> tuple[dict, int]:
        """`_set` and the seq, in one transaction."""
        with self._writing():
            stored = self._set(table, review_id, row_id, changes, allowed, what)
            return stored, self._bump(review_id)
