"""The one reader under every kind of script: the folder they ship in, the error that names file and
field, typed reads out of TOML tables, and finding a folder's scripts of one kind."""

from __future__ import annotations

import tomllib
from pathlib import Path
from dataclasses import dataclass
from typing import Callable

from ... import ROOT

SCRIPTS_DIR = ROOT / "session_scripts"  # in the package when installed, else the checkout's


class ScriptError(ValueError):
    """A script that cannot be used; the message names the file and the field."""


class Reader:
    """Reads typed fields out of a TOML table, naming file and field in every error."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, message: str):
        raise ScriptError(f"{self.source}: {where}: {message}")

    def get(self, table: dict, key: str, kind, where: str, default=None, required=False):
        if key not in table:
            if required:
                self.fail(where + key, "is required")
            return default
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            if abs(value) > 10**15:  # too large for a float to hold exactly, and far beyond any real value
                self.fail(where + key, "is far too large")
            value = float(value)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            self.fail(where + key, f"must be {_describe(kind)}, not {type(value).__name__}")
        return value

    def strings(self, table: dict, key: str, where: str, required=False) -> tuple[str, ...]:
        values = self.get(table, key, list, where, default=[], required=required)
        for i, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                self.fail(f"{where}{key}[{i}]", "must be a non-empty string")
        return tuple(values)

    def unknown(self, table: dict, allowed: set[str], where: str):
        for key in table:
            if key not in allowed:
                self.fail(where + key, f"is not a known field (expected one of {', '.join(sorted(allowed))})")


def _describe(kind) -> str:
    return {str: "a string", float: "a number", bool: "true or false", list: "a list", dict: "a table"}[kind]


def read_toml(text: str, source: str) -> dict:
    """A script's TOML as data, or a ScriptError in one line: bad TOML, or nesting too deep to read."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScriptError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ScriptError(f"{source}: not a session script: its values are nested too deeply") from None


def read_file(path: Path) -> str:
    """A script file's text, or a ScriptError in one line saying why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScriptError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ScriptError(f"{path}: is not UTF-8 text: save it as UTF-8") from None


def is_review(path: str | Path) -> bool:
    """Whether a file is a review script (`kind = "review"`) rather than a day's."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8")).get("kind") == "review"
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return False  # the day's loader says what is wrong with it


def collect(load: Callable, review: bool, directories: tuple[Path, ...]) -> dict:
    """Every script of one kind (a day's, or with `review` a review's) in the folders, by id; a broken
    one, or an id used twice, stops the load with its message."""
    found: dict = {}
    for path in [p for d in directories or (SCRIPTS_DIR,) for p in sorted(Path(d).glob("*.toml"))]:
        if is_review(path) != review:
            continue
        script = load(path)
        if script.id in found:
            raise ScriptError(f"{path}: id: '{script.id}' is already used by {found[script.id].source}")
        found[script.id] = script
    return found


@dataclass(frozen=True)
class Retention:
    """How long a day's or a review's words are kept (seed 003: not kept longer than necessary):
    `months` counted from the fieldwork, or from its hosts' reviews of impact where they hold one."""

    months: int = 12
    after: str = "fieldwork"  # or "review_of_impact"
    then: str = "delete"  # or, for a day, "reduce": to what the summit keeps


RETENTION_AFTER = ("fieldwork", "review_of_impact")
# What happens on the date, as every page and copy says it.
RETENTION_THEN = {"delete": "deleted with everything it holds",
                  "reduce": "reduced to what the summit keeps: the case studies, asks and offers its hosts "
                            "agreed, and counts of the rest"}


def retention(r: Reader, data: dict, then: tuple[str, ...] = ("delete",)) -> Retention:
    """The script's [retention] table, checked; the default when it has none. `then` is what the
    kind of script may do on the date: every kind can delete; a day can also be reduced."""
    table = r.get(data, "retention", dict, "", default={})
    r.unknown(table, {"months", "after", "then"}, "retention.")
    months = r.get(table, "months", int, "retention.", default=Retention.months)
    if not 1 <= months <= 120:
        r.fail("retention.months", f"must be from 1 to 120, not {months}")
    after = r.get(table, "after", str, "retention.", default=Retention.after)
    if after not in RETENTION_AFTER:
        r.fail("retention.after", f"must be one of {', '.join(RETENTION_AFTER)}, not '{after}'")
    action = r.get(table, "then", str, "retention.", default=Retention.then)
    if action not in then:
        r.fail("retention.then", f"must be {' or '.join(then)}, not '{action}'")
    return Retention(months, after, action)
