"""A host's review of impact as a Word document: the six parts the sector asks for, then its asks,
offers and agreed actions with where each stands. Authorities are named, participants never."""

from __future__ import annotations

from ..writeup.document import OPEN_NOTICE
from ..writers import word

ROLES = (("ask", "Asks", "Answered by"), ("offer", "Offers", "Taken up by"), ("action", "Agreed actions", "With"))


def to_docx(r: dict) -> bytes:
    """The review as FollowUp.impact_document made it."""
    e = r["engagement"]
    d = word.new(f"{e['host']}: review of impact", OPEN_NOTICE)
    word.table(d, ["", ""], [["Challenge day", f"{e['title']} ({e['date']})"], ["Host", e["host"]],
                             ["Visiting", ", ".join(e["visiting"])], ["When", r["when"]],
                             ["Submitted", r["submitted"] or "not yet"]])
    word.heading(d, "The original scope")
    word.paragraph(d, r["scope"])
    word.heading(d, "The findings of the self-assessment")
    word.table(d, ["Signature of risk", "What the host named"], [[x["category"], x["text"]] for x in r["self_assessment"]])
    word.heading(d, "The commentary of the peer challenge")
    word.markdown(d, r["commentary"], base=2)
    word.heading(d, "The first response")
    for text in r["responses"] or ["No response was recorded."]:
        word.markdown(d, text, base=2)  # the host wrote it in Markdown: headings and lists, not marks
    word.heading(d, "Progress on the improvement journey")
    word.markdown(d, r["progress"] or "Not recorded.", base=2)
    word.heading(d, "Measurable evidence of impact")
    word.markdown(d, r["evidence"] or "Not recorded.", base=2)
    for role, heading, by in ROLES:
        rows = [x for x in r["items"] if x["role"] == role]
        if rows:
            word.heading(d, heading)
            word.table(d, [heading[:-1], "Status", by, "Evidence"],
                       [[x["text"], x["status"], x["by"] or "–", x["evidence"] or ""] for x in rows])
    return word.save(d)
