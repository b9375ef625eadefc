"""A host's self-assessment before its challenge: written field by field from the template, or
uploaded as the host's own document; signed off by its DCS; read by the visitors; optionally
reviewed against the template's questions.

Plain Python over the self-assessments' store: every function takes the owner (a day's authority
or a review's host) as (kind, id, authority) and time as an argument.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date as Date
from pathlib import PurePath

from ..core.checks import text
from ..core.errors import Refused
from ..core.scripts.self_assessment import Template
from .sa_store import SelfAssessments

MAX_BYTES = 10 * 1024 * 1024
LONG, SHORT = 6000, 300
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
TYPES = {".docx": DOCX, ".pdf": PDF}


def save(sa: SelfAssessments, owner: tuple, template: Template, form, risk_choices: tuple[str, ...], now: int) -> dict:
    """Store the host's self-assessment as written; a change made after sign-off needs signing again."""
    part_a = {f.key: text(form, f"a-{f.key}", LONG if f.long else SHORT, f.label, required=False)
              for f in template.fields}
    ratings = []
    for i, area in enumerate(template.areas):
        rating = form.get(f"rating-{i}", "")
        if rating not in ("", *(str(n) for n in range(1, len(template.scale) + 1))):
            raise Refused("invalid", f"choose a rating from the scale for “{area}”")
        ratings.append({"rating": int(rating) if rating else None,
                        "commentary": text(form, f"commentary-{i}", LONG, f"The commentary on “{area}”", required=False)})
    risks = [r for r in form.getlist("risks")] if hasattr(form, "getlist") else []
    unknown = [r for r in risks if r not in risk_choices]
    if unknown:
        raise Refused("invalid", "choose the signatures of risk from the list")
    changes = {"template": template.id, "scope": text(form, "scope", LONG, template.scope_label, required=False),
               "part_a": part_a, "ratings": ratings, "strengths": _items(form, "strength", template, "A key strength"),
               "weaknesses": _items(form, "weakness", template, "A key weakness"),
               "enablers": text(form, "enablers", LONG, "The key enablers", required=False),
               "blockers": text(form, "blockers", LONG, "The key blockers", required=False),
               "enquiry": text(form, "enquiry", LONG, "The key lines of enquiry", required=False),
               "risks": [r for r in risk_choices if r in risks], "signed_ms": None, "updated_ms": now}
    return sa.save_self_assessment(*owner, changes)


def _items(form, prefix: str, template: Template, label: str) -> list[dict]:
    """Numbered narratives, each with where its evidence is; empty rows dropped."""
    items = []
    for n in range(1, template.max_items + 1):
        narrative = text(form, f"{prefix}-{n}", LONG, f"{label} ({n})", required=False)
        evidence = text(form, f"{prefix}-evidence-{n}", LONG, f"The evidence for {label.lower()} ({n})", required=False)
        if evidence and not narrative:
            raise Refused("invalid", f"{label} ({n}) has evidence but no narrative")
        if narrative:
            items.append({"text": narrative, "evidence": evidence})
    return items


def sign_off(sa: SelfAssessments, owner: tuple, form, now: int) -> dict:
    """The DCS signs the self-assessment off, by name, position and date."""
    current = sa.self_assessment(*owner)
    if current is None or not (current.get("updated_ms")):
        raise Refused("not_now", "write or upload the self-assessment before signing it off")
    name = text(form, "signed_name", 120, "The name of the DCS signing off")
    position = text(form, "signed_position", 120, "The position of the person signing off")
    try:
        signed = Date.fromisoformat(form.get("signed_date") or "").isoformat()
    except ValueError:
        raise Refused("invalid", "the date of sign-off must be a date, YYYY-MM-DD") from None
    return sa.save_self_assessment(*owner, {"signed_name": name, "signed_position": position, "signed_date": signed,
                                            "signed_ms": now})


def check_document(filename: str, data: bytes, what: str = "a self-assessment") -> dict:
    """{name, type, size, data} of a DOCX or PDF that is what its name says; else Refused, one line."""
    name = PurePath((filename or "").replace("\\", "/")).name.strip()[:200]
    suffix = PurePath(name).suffix.lower()
    if not name:
        raise Refused("invalid", "Choose a file to upload.")
    if suffix not in TYPES:
        raise Refused("invalid", f"“{name}” is not a Word document (.docx) or a PDF (.pdf).")
    if not data:
        raise Refused("invalid", f"“{name}” is empty.")
    if len(data) > MAX_BYTES:
        raise Refused("too_large", f"“{name}” is {len(data) / 1024 / 1024:.1f} MB: {what} can be at most 10 MB.")
    if not (_is_docx(data) if suffix == ".docx" else data.startswith(b"%PDF-")):
        kind = "a Word document" if suffix == ".docx" else "a PDF"
        raise Refused("invalid", f"“{name}” is named {suffix} but is not {kind}.")
    return {"name": name, "type": TYPES[suffix], "size": len(data), "data": data}


def _is_docx(data: bytes) -> bool:
    """A zip holding word/document.xml: what every Word document is, and what no renamed file is."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def upload(sa: SelfAssessments, owner: tuple, template: Template, filename: str, data: bytes, now: int) -> dict:
    checked = check_document(filename, data)
    current = sa.self_assessment(*owner)
    if current is None:
        sa.save_self_assessment(*owner, {"template": template.id})
    return sa.save_sa_document(*owner, {"file_name": checked["name"], "file_type": checked["type"],
                                        "file_size": checked["size"], "file_data": checked["data"],
                                        "updated_ms": now, "signed_ms": None})


def answer(sa: SelfAssessments, owner: tuple, template: Template, form, now: int) -> dict:
    """The reviewer's answers to the template's questions on a self-assessment that exists."""
    if sa.self_assessment(*owner) is None:
        raise Refused("not_found", "there is no self-assessment to review yet")
    answers = [text(form, f"answer-{i}", LONG, f"The answer to question {i + 1}", required=False)
               for i in range(len(template.questions))]
    if not any(answers):
        raise Refused("invalid", "answer at least one of the questions")
    return sa.save_sa_answers(*owner, {"answers": answers, "reviewed_ms": now})


def view(template: Template, row: dict | None) -> dict:
    """What a reader sees: Part A by label, Part B by area with the rating's word, in the template's order."""
    row = row or {}
    ratings = row.get("ratings") or []
    part_a = row.get("part_a") or {}
    return {
        "row": row, "written": bool(row.get("updated_ms")),
        "part_a": [(f, part_a.get(f.key, "")) for f in template.fields],
        "areas": [{"index": i, "area": area, "rating": (ratings[i] if i < len(ratings) else {}).get("rating"),
                   "word": _word(template, (ratings[i] if i < len(ratings) else {}).get("rating")),
                   "commentary": (ratings[i] if i < len(ratings) else {}).get("commentary", "")}
                  for i, area in enumerate(template.areas)],
        "answers": list(zip(template.questions, (row.get("answers") or []) + [""] * len(template.questions))),
    }


def _word(template: Template, rating: int | None) -> str:
    return f"{rating} = {template.scale[rating - 1]}" if rating else ""
