"""The host's response: written in Markdown here, or uploaded as the host's own DOCX or PDF.

An upload is judged by what it holds as well as by its name: a .docx must be a Word document that
opens, a .pdf must be a PDF from its first bytes to its end marker. Anything else is refused with
a sentence saying why, before anything is stored.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

MAX_BYTES = 10 * 1024 * 1024
MAX_MARKDOWN = 60_000
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
TYPES = {".docx": DOCX, ".pdf": PDF}


class BadUpload(ValueError):
    """An upload that is not kept; the message is for the host."""


def check_upload(filename: str, data: bytes) -> dict:
    """Return {name, type, data} for a DOCX or PDF that is what it says it is; else raise BadUpload."""
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    suffix = PurePath(name).suffix.lower()
    if not name:
        raise BadUpload("Choose a file to upload.")
    if suffix not in TYPES:
        raise BadUpload(f"“{name}” is not a Word document (.docx) or a PDF (.pdf).")
    if not data:
        raise BadUpload(f"“{name}” is empty.")
    if len(data) > MAX_BYTES:
        raise BadUpload(f"“{name}” is {len(data) / 1024 / 1024:.1f} MB: a response can be at most 10 MB.")
    if suffix == ".docx":
        _check_docx(name, data)
    else:
        _check_pdf(name, data)
    return {"name": name[:200], "type": TYPES[suffix], "data": data}


def _check_docx(name: str, data: bytes) -> None:
    not_word = BadUpload(f"“{name}” is named .docx but is not a Word document: save it from Word as .docx and try again.")
    if not data.startswith(b"PK\x03\x04"):
        raise not_word
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise not_word
            if b"wordprocessingml.document.main" not in z.read("[Content_Types].xml"):
                raise not_word
        import docx  # opening it is the real test: a Word document python-docx cannot read is refused

        docx.Document(io.BytesIO(data))
    except BadUpload:
        raise
    except Exception:  # a broken zip or XML, whatever the library calls it
        raise not_word from None


def _check_pdf(name: str, data: bytes) -> None:
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise BadUpload(f"“{name}” is named .pdf but is not a complete PDF document.")


def docx_text(data: bytes, limit: int = 2000) -> str:
    """The opening paragraphs of an uploaded Word response, for the summit pack's public version."""
    import docx

    document = docx.Document(io.BytesIO(data))
    text = "\n\n".join(p.text.strip() for p in document.paragraphs if p.text.strip())
    return text[:limit] + ("…" if len(text) > limit else "")
