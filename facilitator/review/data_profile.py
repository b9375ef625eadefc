"""A host's data profile: its data pack of indicators against the region and England, as a CSV
file, read into a table the visitors see beside the self-assessment.

CSV only (UTF-8, with or without a byte-order mark): a spreadsheet is saved as CSV first. A cell
that looks like a formula is refused rather than stored, so no copy opened in a spreadsheet runs it.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import PurePath

from ..core.checks import cleaned
from ..core.errors import Refused
from .sa_store import SelfAssessments

MAX_BYTES = 1024 * 1024
MAX_ROWS, MAX_COLUMNS, MAX_CELL = 500, 30, 300
FORMULA_START = ("=", "+", "-", "@")
NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)%?")  # -3.5, +12%, -1,200: figures, not formulas


def read(filename: str, data: bytes) -> dict:
    """{name, header, rows} of a data pack; Refused, in one line, for anything else."""
    name = PurePath((filename or "").replace("\\", "/")).name.strip()[:200]
    suffix = PurePath(name).suffix.lower()
    if not name:
        raise Refused("invalid", "Choose a data file to upload.")
    if suffix in (".xlsx", ".xls", ".ods"):
        raise Refused("invalid", f"“{name}” is a spreadsheet: save it as CSV (UTF-8) and upload that.")
    if suffix != ".csv":
        raise Refused("invalid", f"“{name}” is not a CSV file (.csv).")
    if len(data) > MAX_BYTES:
        raise Refused("too_large", f"“{name}” is larger than 1 MB, the most a data profile can be.")
    try:
        body = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("invalid", f"“{name}” is not UTF-8 text: save it as “CSV UTF-8” and upload it again.") from None
    if "\x00" in body:
        raise Refused("invalid", f"“{name}” is not a text file.")
    try:
        table = [[cleaned(c) for c in row] for row in csv.reader(io.StringIO(body, newline="")) if any(row)]
    except csv.Error:
        raise Refused("invalid", f"“{name}” is not a readable CSV file.") from None
    if len(table) < 2:
        raise Refused("invalid", f"“{name}” needs a header row and at least one row of indicators.")
    if len(table) > MAX_ROWS + 1 or max(len(r) for r in table) > MAX_COLUMNS:
        raise Refused("invalid", f"“{name}” has more than {MAX_ROWS} rows or {MAX_COLUMNS} columns.")
    for r, row in enumerate(table, start=1):
        for c, cell in enumerate(row, start=1):
            if len(cell) > MAX_CELL:
                raise Refused("invalid", f"“{name}”, row {r}, column {c}: a cell is longer than {MAX_CELL} characters.")
            if cell.startswith(FORMULA_START) and not NUMBER.fullmatch(cell):
                raise Refused("invalid", f"“{name}”, row {r}, column {c} holds a formula ({cell[:20]}): "
                                         "save the values, not the formulas.")
    width = max(len(r) for r in table)
    header, *rows = [row + [""] * (width - len(row)) for row in table]
    return {"name": name, "header": header, "rows": rows}


def attach(sa: SelfAssessments, owner: tuple, template_id: str, filename: str, data: bytes) -> dict:
    """Read the data pack and keep it with the host's self-assessment; nothing is kept if it is refused."""
    table = read(filename, data)
    if sa.self_assessment(*owner) is None:
        sa.save_self_assessment(*owner, {"template": template_id})
    return sa.save_sa_data(*owner, {"data_name": table["name"], "data": {"header": table["header"], "rows": table["rows"]}})
