"""Whether a .docx is a Word document, judged without trusting it.

A zip can declare a member of a few kilobytes that inflates to gigabytes, or hold a hundred
thousand members; an XML part can declare entities that expand a thousandfold each (the
"billion laughs"). So the central directory is judged first (how many members, their declared
sizes, how hard each is compressed) before any member is read; every read is capped; an XML part
with a document type declaration is refused (no Office part has one); and only then does
python-docx open it. Run this in a process of its own (responses.check_apart): what it costs
is that process's, never the server's.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath
from xml.etree import ElementTree

MAX_MEMBERS = 2000           # a long report with many images holds a few hundred
MAX_UNPACKED = 200 * 1024 * 1024  # all members together, as declared
MAX_PART = 32 * 1024 * 1024  # any one XML part read
MAX_RATIO = 200              # inflated over compressed, for a member past RATIO_FROM
RATIO_FROM = 1024 * 1024     # small parts compress hard and are harmless
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_UNICODE = {"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be"}  # all ECMA-376 lets a part use


class NotWord(ValueError):
    """Why the file is not a Word document that can safely be opened (a phrase, for the host)."""


def check(data: bytes) -> None:
    """Raise NotWord unless `data` is a Word document within every bound."""
    if not data.startswith(b"PK\x03\x04"):
        raise NotWord("it is not a Word document")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = _directory(z)
            types = _content_types(z, infos)
            for info in infos.values():
                if _is_xml(info.filename, types):
                    _xml_text(_read(z, info), info.filename)
        import docx  # opening it is the last test: a Word document python-docx cannot read is refused

        docx.Document(io.BytesIO(data))
    except NotWord:
        raise
    except Exception:  # a broken zip or XML, whatever the library calls it
        raise NotWord("it is not a Word document") from None


def _directory(z: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The members by name, judged by what the central directory declares; nothing is inflated."""
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        raise NotWord(f"it holds {len(infos):,} files inside, more than any Word document does")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise NotWord(f"it would unpack to {total / 1024 / 1024:,.0f} MB, more than any Word document does")
    for i in infos:
        if i.file_size > RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise NotWord("it is compressed far beyond what a Word document is (a zip bomb)")
    by_name = {i.filename: i for i in infos}
    if len(by_name) != len(infos):
        raise NotWord("it names one file inside twice")
    if "[Content_Types].xml" not in by_name or "word/document.xml" not in by_name:
        raise NotWord("it is not a Word document")
    return by_name


def _read(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member, never more than MAX_PART bytes of it (zipfile stops at the declared size and checks the CRC)."""
    with z.open(info) as f:
        blob = f.read(MAX_PART + 1)
    if len(blob) > MAX_PART:
        raise NotWord(f"a part inside is larger than {MAX_PART // 1024 // 1024} MB")
    return blob


def _content_types(z, infos) -> tuple[dict, dict]:
    """[Content_Types].xml read safely: (defaults by extension, overrides by part name)."""
    blob = _read(z, infos["[Content_Types].xml"])
    _xml_text(blob, "[Content_Types].xml")
    root = ElementTree.fromstring(blob)  # no document type declaration: nothing to expand
    defaults = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in root.iter(_CT + "Default")}
    overrides = {e.get("PartName", "").lstrip("/"): e.get("ContentType", "") for e in root.iter(_CT + "Override")}
    if not any("wordprocessingml.document.main" in t for t in overrides.values()):
        raise NotWord("it is not a Word document")
    return defaults, overrides


def _is_xml(name: str, types: tuple[dict, dict]) -> bool:
    """Whether python-docx may parse this member as XML (images, SVG among them, are never parsed)."""
    defaults, overrides = types
    kind = overrides.get(name) or defaults.get(PurePosixPath(name).suffix.lstrip(".").lower(), "")
    if kind.startswith("image/"):
        return False
    return name.endswith((".xml", ".rels")) or "xml" in kind


def _xml_text(blob: bytes, name: str) -> str:
    """An XML part's text, refused if it declares a document type (and so entities) or an odd encoding."""
    declared = _ENCODING.match(blob)
    if declared and declared.group(1).decode().lower() not in _UNICODE:
        raise NotWord(f"{name} inside is in an encoding Word never writes")
    text = blob.decode("utf-16") if blob.startswith((b"\xff\xfe", b"\xfe\xff")) else blob.decode("utf-8")
    if "\x00" in text:
        raise NotWord(f"{name} inside is in an encoding Word never writes")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise NotWord(f"{name} inside declares entities, which no Word document does (an entity bomb)")
    return text
