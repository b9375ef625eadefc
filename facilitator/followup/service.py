"""What the follow-up pages ask of the stores, in one place the views and the command line share."""

from __future__ import annotations

from ..writeup import document as export
from . import impact, ledger, responses, rounds, sources
from ..review import findings
from .store import Records



class FollowUp:
    """The follow-up's records over every source of engagements and items: triad days and reviews."""

    def __init__(self, engine, reports, records: Records, reviews=None, review_scripts: dict | None = None):
        self.engine, self.reports, self.records, self.reviews = engine, reports, records, reviews
        self.sources: list[sources.Source] = [sources.Days(engine, reports)]
        if reviews is not None:
            self.sources.append(sources.Reviews(reviews, review_scripts or {}))

    def engagements(self) -> list[sources.Engagement]:
        return [e for s in self.sources for e in s.engagements()]

    def items(self) -> list[sources.Item]:
        return [i for s in self.sources for i in s.items()]

    def ledger_rows(self, held: set[str] | None = None, suggest: bool = True) -> list[dict]:
        """The ledger over every source, or over the days (and reviews) in `held`."""
        items = [i for i in self.items() if held is None or i.ref in held]
        return ledger.build(items, self.records.outcomes(), self.records.matches(), suggest=suggest)

    def region(self) -> list[str]:
        """Every authority any day or review has named, for "answered by" and "taken up by"."""
        seen: list[str] = []
        for e in self.engagements():
            seen += [a for a in (e.host, *e.visiting) if a not in seen]
        return sorted(seen)

    def engagement(self, ref: str, host: str) -> sources.Engagement | None:
        return next((e for e in self.engagements() if e.ref == ref and e.host == host), None)

    def public_responses(self, refs: set[str]) -> list[dict]:
        """Responses their hosts marked public, as text for the summit pack."""
        records = self.records
        out = []
        for r in records.responses():
            if not r["public"] or r["day_id"] not in refs:
                continue
            if r["markdown"]:
                text, title = r["markdown"], "response"
            elif r["file_type"] == responses.DOCX:
                text = responses.docx_text(records.response_file(r["id"])["file_data"])
                title = f"response ({r['file_name']})"
            else:
                text, title = f"The response is a PDF document, {r['file_name']}, held with the day.", "response"
            out.append({"authority": r["authority"], "day_id": r["day_id"], "title": title, "text": text})
        return out

    def impact_document(self, e: sources.Engagement, now: int) -> dict:
        """A host's review of impact, with 001's six parts, for the page and the Word copy."""
        engine, reports, records = self.engine, self.reports, self.records
        day = engine.store.day(e.ref)
        review = records.impact(e.ref, e.host) or {}
        # Every source's items: the offer confirmed for this host's ask is usually another day's.
        rows = {r["id"]: r for r in self.ledger_rows(suggest=False)}
        outcomes = records.outcomes()
        items = []
        for item in (i for i in self.items() if i.ref == e.ref and i.authority == e.host):
            o, row = outcomes.get(item.id) or {}, rows.get(item.id, {})
            by = o.get("by_authority") or (row.get("with_authority") if row.get("status") == "taken up" else None)
            items.append({"id": item.id, "role": item.role, "text": item.text,
                          "status": o.get("status") or ("not started" if item.role == "action" else "not yet"),
                          "by": by, "offer_id": o.get("offer_id"), "evidence": o.get("evidence"),
                          "ledger": row.get("status"), "recorded": bool(o),
                          **impact.prefill(item.role, o, by, row.get("confirmed") or [])})
        doc = export.gather(engine, reports, day, now) if day else None
        session_no = day["authorities"].index(e.host) if day else None
        named = [c for c in (doc["contributions"] if doc else []) if c["session"] == session_no
                 and c["named_by_presenter"] and not c["hidden"]]
        part = next((p for p in doc["summary"] if p["part"] == f"session-{session_no}"), None) if doc else None
        script = engine.scripts.get(e.script)
        return {
            "engagement": {"title": e.title, "date": e.date, "host": e.host, "visiting": list(e.visiting),
                           "ref": e.ref, "source": e.source},
            "earliest": impact.earliest(e).isoformat() if impact.earliest(e) else None,
            "plan": review.get("plan") or "",
            "planned_for": review.get("planned_for"),
            "when": impact.plan_words(e, review),
            "submitted": impact.today(review["submitted_ms"]).isoformat() if review.get("submitted_ms") else None,
            "scope": f"{e.host}'s session at '{e.title}' on {e.date}" + (f" ({script.title})" if script else "")
                     + f", challenged by {', '.join(e.visiting)}.",
            "self_assessment": [{"category": c["category"], "text": c["text"]} for c in named],
            "commentary": part["markdown"] if part else "",
            "responses": [r["markdown"] or f"Uploaded: {r['file_name']} ({r['file_size'] // 1024 + 1} KB)"
                          for r in records.responses(e.ref, e.host)],
            "progress": review.get("progress") or "", "evidence": review.get("evidence") or "",
            "items": items,
        }


    def summit_rounds(self, docs, previous, held: set[str], since: str | None, now: int) -> dict:
        # A host writes its response after its day, so the previous round's come to this summit too.
        refs = {d["day"]["id"] for d in docs + previous}
        rows = self.ledger_rows(held)
        p = rounds.pack(docs, previous, rows, self.public_responses(refs), since, now)
        held = self.round_reviews(p["since"], now)
        p["review_strengths"] = findings.shared_strengths(self.reviews, held) if held else []
        p["review_lines"] = findings.shared_lines(self.reviews, held) if held else []
        return p

    def round_reviews(self, since: str | None, now: int) -> list[dict]:
        """The peer reviews of the round: those whose fieldwork has begun, since the last summit if known."""
        if self.reviews is None:
            return []
        today = impact.today(now).isoformat()
        return [r for r in self.reviews.reviews() if r.get("start_date") and r["start_date"] <= today
                and (since is None or r["start_date"] > since)]

