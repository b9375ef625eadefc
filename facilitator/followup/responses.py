"""The host's response: written in Markdown here, or uploaded as the host's own DOCX or PDF.

An upload is judged by what it holds as well as by its name: a .docx must be a Word document that
opens (docx_check.py says how it is opened without trusting it), a .pdf must be a PDF from its
first bytes to its end marker. Anything else is refused with a sentence saying why, before
anything is stored. The server judges contents in a child process (check_apart), bounded in
memory, processor time and wall time, so a hostile file costs that process and never stalls
or bloats the one serving the room.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import PurePath

from .docx_check import NotWord, check as check_docx

MAX_BYTES = 10 * 1024 * 1024
MAX_MARKDOWN = 60_000
MAX_NAME = 200
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
TYPES = {".docx": DOCX, ".pdf": PDF}
CHECK_TIMEOUT_S = 60  # starting Python and python-docx on two busy cores takes seconds, a check far less
CHILD_MEMORY = 1024 * 1024 * 1024  # address space: the bounds in docx_check keep a real check well under it
CHILD_CPU_S = 30
# Terminal escapes (CSI, OSC, two-character ones), removed whole so no "[31m" is left behind.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]")


class BadUpload(ValueError):
    """An upload that is not kept; the message is for the host."""


def clean_name(filename: str | None) -> str:
    """The file's own name as it may be shown and logged: no folders, no control or format
    characters (terminal escapes, direction overrides), one space for any run of spaces, at most
    MAX_NAME characters with its suffix kept."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = _ESCAPES.sub("", name)
    name = "".join(" " if c.isspace() else c for c in name if c.isspace() or unicodedata.category(c)[0] != "C")
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        suffix = PurePath(name).suffix[:10]
        name = name[:MAX_NAME - len(suffix)].rstrip() + suffix
    return name


def _named(filename: str, data: bytes) -> tuple[str, str]:
    """The cleaned name and its suffix, if the name and size can be taken; else BadUpload."""
    name = clean_name(filename)
    suffix = PurePath(name).suffix.lower()
    if not name:
        raise BadUpload("Choose a file to upload.")
    if suffix not in TYPES:
        raise BadUpload(f"“{name}” is not a Word document (.docx) or a PDF (.pdf).")
    if not data:
        raise BadUpload(f"“{name}” is empty.")
    if len(data) > MAX_BYTES:
        raise BadUpload(f"“{name}” is {len(data) / 1024 / 1024:.1f} MB: a response can be at most 10 MB.")
    return name, suffix


def problem(suffix: str, data: bytes) -> str | None:
    """Why the contents are not what the suffix says (a phrase), or None."""
    if suffix == ".pdf":
        return None if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:] else "not a complete PDF document"
    try:
        check_docx(data)
    except NotWord as why:
        return str(why)
    return None


def _refusal(name: str, suffix: str, why: str) -> BadUpload:
    if suffix == ".pdf":
        return BadUpload(f"“{name}” is named .pdf but is {why}.")
    if why == "it is not a Word document":
        return BadUpload(f"“{name}” is named .docx but is not a Word document: save it from Word as .docx and try again.")
    return BadUpload(f"“{name}” is refused: {why}. Save it from Word as .docx and try again.")


def check_upload(filename: str, data: bytes) -> dict:
    """Return {name, type, data} for a DOCX or PDF that is what it says it is; else raise BadUpload.
    In this process: the server uses check_apart."""
    name, suffix = _named(filename, data)
    why = problem(suffix, data)
    if why:
        raise _refusal(name, suffix, why)
    return {"name": name, "type": TYPES[suffix], "data": data}


def check_apart(filename: str, data: bytes, timeout_s: float = CHECK_TIMEOUT_S) -> dict:
    """check_upload with the contents judged in a child process, waited for without blocking
    the server (under eventlet, the patched subprocess lets every other client be served)."""
    name, suffix = _named(filename, data)
    with tempfile.TemporaryDirectory(prefix="facilitator-upload-") as folder:
        path, verdict = os.path.join(folder, "upload"), os.path.join(folder, "verdict")
        with open(path, "wb") as f:
            f.write(data)
        with open(verdict, "wb") as out:
            child = subprocess.Popen([sys.executable, "-m", __name__, suffix, path], stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=subprocess.DEVNULL)
            try:
                code = child.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
                raise BadUpload(f"“{name}” took too long to check, so it is refused: save it again from Word "
                                f"and try again.") from None
        with open(verdict, "rb") as f:
            said = f.read(4096)
    try:
        why = json.loads(said)["problem"] if code == 0 else "too large or too complex to open safely"
    except (ValueError, KeyError, TypeError):
        why = "too large or too complex to open safely"
    if why:
        raise _refusal(name, suffix, why if suffix == ".docx" else "not a complete PDF document")
    return {"name": name, "type": TYPES[suffix], "data": data}


def docx_text(data: bytes, limit: int = 2000) -> str:
    """The opening paragraphs of an uploaded Word response, for the summit pack's public version."""
    import docx

    document = docx.Document(io.BytesIO(data))
    text = "\n\n".join(p.text.strip() for p in document.paragraphs if p.text.strip())
    return text[:limit] + ("…" if len(text) > limit else "")


def _main(argv: list[str]) -> int:
    """The child: judge one file's contents within bounds and say, as JSON, what is wrong with it."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CHILD_CPU_S, CHILD_CPU_S))
    suffix, path = argv
    with open(path, "rb") as f:
        data = f.read(MAX_BYTES + 1)
    sys.stdout.write(json.dumps({"problem": problem(suffix, data)}))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
