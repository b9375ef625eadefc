"""The host's reading pack before the fieldwork, and the team's requests for supplementary material.

Seed 001 (paragraph 16): the host sends the self-assessment and a high-level reading pack, "not
intended to be comprehensive"; the visiting team asks for supplementary material just before the
fieldwork, and teams prefer a slim pack with a ready answer to their requests over a welter of
just-in-case documents. So the pack is capped, each document is checked as the self-assessment's
is, and a request is answered in words, with a document if the host has one.
"""

from __future__ import annotations

import secrets

from ..core.checks import text
from ..core.errors import Refused
from ..live.store import Store
from .self_assessment import check_document
from .tables import Tables

MAX_DOCUMENTS = 12  # a slim pack: the self-assessment outputs, supporting evidence, some background
LISTED = "id, review_id, title, file_name, file_type, file_size, request_id, added_ms"


class Pack(Tables):
    """The reading pack's and the requests' rows over a day store's connection and lock."""

    def __init__(self, store: Store):
        self.db = store.db
        self.lock = store.lock

    def documents(self, review_id: str) -> list[dict]:
        """The pack in the order it was added, without the documents' bytes."""
        with self.lock:
            cursor = self.db.conn.execute(f"SELECT {LISTED} FROM review_documents WHERE review_id = ? "
                                          "ORDER BY added_ms, rowid", [review_id])
            keys = [d[0] for d in cursor.description]
            return [dict(zip(keys, row)) for row in cursor.fetchall()]

    def document(self, review_id: str, document_id: str) -> dict | None:
        return self._one("review_documents", "id = ? AND review_id = ?", [str(document_id), review_id])

    def add_document(self, row: dict) -> dict:
        with self._writing():
            stored = self._insert("review_documents", {"id": secrets.token_hex(8), **row})
            self._bump(row["review_id"])
            return stored

    def remove_document(self, review_id: str, document_id: str) -> int:
        with self._writing():
            gone = self.db.conn.execute("DELETE FROM review_documents WHERE id = ? AND review_id = ?",
                                        [str(document_id), review_id]).rowcount
            if not gone:
                raise Refused("not_found", "no such document in this review's reading pack")
            return self._bump(review_id)

    def requests(self, review_id: str) -> list[dict]:
        return self._rows("review_requests", "review_id = ?", [review_id], order_by="asked_ms, rowid")

    def ask(self, row: dict) -> dict:
        with self._writing():
            stored = self._insert("review_requests", {"id": secrets.token_hex(8), **row})
            self._bump(row["review_id"])
            return stored

    def answer(self, review_id: str, request_id: str, answer: str, now: int, document: dict | None) -> dict:
        """The host's answer, and its document if any, in one transaction."""
        with self._writing():
            stored = self._set("review_requests", review_id, request_id, {"answer": answer, "answered_ms": now},
                               {"answer", "answered_ms"}, "request for supplementary material")
            if document:
                self._insert("review_documents", {"id": secrets.token_hex(8), "review_id": review_id,
                                                  "request_id": request_id, "added_ms": now, **document})
            self._bump(review_id)
            return stored


def _checked(form, filename: str, data: bytes) -> dict:
    checked = check_document(filename, data, "a document in the reading pack")
    title = text(form, "title", 200, "The document's title", required=False) or checked["name"]
    return {"title": title, "file_name": checked["name"], "file_type": checked["type"], "file_size": checked["size"],
            "file_data": checked["data"]}


def add(pack: Pack, review: dict, form, filename: str, data: bytes, now: int) -> dict:
    """A document into the pack, if it is what its name says and the pack has room."""
    if len([d for d in pack.documents(review["id"]) if not d["request_id"]]) >= MAX_DOCUMENTS:
        raise Refused("invalid", f"The reading pack already holds {MAX_DOCUMENTS} documents: a slim pack serves the "
                                 "team better. Remove one first, or answer a request for supplementary material.")
    return pack.add_document({"review_id": review["id"], "added_ms": now, **_checked(form, filename, data)})


def ask(pack: Pack, review: dict, role: str, form, now: int) -> dict:
    """A request for supplementary material, under the asker's role: never a name."""
    return pack.ask({"review_id": review["id"], "role": role,
                     "text": text(form, "text", 1000, "What you would like to read"), "asked_ms": now})


def answer(pack: Pack, review: dict, request_id: str, form, filename: str, data: bytes, now: int) -> dict:
    """The host answers a request in words, with a document if it sends one."""
    if not any(r["id"] == request_id for r in pack.requests(review["id"])):
        raise Refused("not_found", "no such request for supplementary material in this review")
    words = text(form, "answer", 2000, "Your answer", required=not filename)
    document = _checked(form, filename, data) if filename else None
    return pack.answer(review["id"], request_id, words, now, document)


def by_request(documents: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for d in documents:
        if d["request_id"]:
            out.setdefault(d["request_id"], []).append(d)
    return out
