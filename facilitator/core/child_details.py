"""Text that reads as identifying a child or a family (seed 003: Caldicott, the minimum about a
child), found by the patterns in `session_scripts/privacy/child_details.toml`.

What matches is held back for the facilitator, or a review's lead, before any other screen shows
it; this module only says what a text seems to hold, in words for the person who sent it.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .scripts.reader import SCRIPTS_DIR, Reader, ScriptError, read_file, read_toml

PATTERNS = SCRIPTS_DIR / "privacy" / "child_details.toml"
SURNAME = r"[A-Z][a-zA-Z'-]*[a-z]"


def nhs_check_digit(digits: str) -> bool:
    """An NHS number's last digit is 11 less its first nine weighted 10 to 2, modulo 11 (11 is 0)."""
    d = [int(c) for c in digits if c.isdigit()]
    if len(d) != 10:
        return False
    check = 11 - sum(w * n for w, n in zip(range(10, 1, -1), d)) % 11
    return check != 10 and check % 11 == d[9]


CHECKS: dict[str, Callable[[str], bool]] = {"nhs_check_digit": nhs_check_digit}


@dataclass(frozen=True)
class Pattern:
    key: str
    says: str
    regex: re.Pattern
    check: Callable[[str], bool] | None


@functools.cache
def patterns(path: Path = PATTERNS) -> tuple[Pattern, ...]:
    """The file's patterns, compiled once; a broken one stops the app with its file and field."""
    r = Reader(str(path))
    data = read_toml(read_file(path), str(path))
    names = r.get(data, "names", dict, "", required=True)
    forenames = "|".join(map(re.escape, r.strings(names, "forenames", "names.", required=True)))
    not_names = "|".join(map(re.escape, r.strings(names, "not_names", "names.")))
    words = {  # names are capitalised whatever the pattern's case: scoped so ignore_case leaves them
        "name": rf"(?-i:\b(?:{forenames})\b(?:\s+{SURNAME}\b)?)",
        "any_case_name": rf"(?i:\b(?:{forenames})\b)(?-i:(?:\s+{SURNAME}\b)?)",
        "full_name": rf"(?-i:\b(?!(?:{not_names})\b)[A-Z][a-z'-]+\s+{SURNAME}\b)",
    }
    found = []
    for i, table in enumerate(r.get(data, "pattern", list, "", required=True)):
        where = f"pattern[{i}]."
        r.unknown(table, {"key", "says", "regex", "ignore_case", "check"}, where)
        source = r.get(table, "regex", str, where, required=True)
        check = r.get(table, "check", str, where)
        if check is not None and check not in CHECKS:
            r.fail(where + "check", f"must be one of {', '.join(CHECKS)}")
        try:
            regex = re.compile(re.sub(r"\{(name|any_case_name|full_name)\}", lambda m: words[m[1]], source),
                               re.IGNORECASE if r.get(table, "ignore_case", bool, where, default=False) else 0)
        except re.error as exc:
            r.fail(where + "regex", f"is not a regular expression: {exc}")
        found.append(Pattern(r.get(table, "key", str, where, required=True), r.get(table, "says", str, where, required=True),
                             regex, CHECKS.get(check)))
    return tuple(found)


def found(text: str) -> list[str]:
    """What the text seems to hold, in the sender's words ("an NHS number"), each once."""
    said: list[str] = []
    for p in patterns():
        if p.says not in said and any(p.check is None or p.check(m[0]) for m in p.regex.finditer(text)):
            said.append(p.says)
    return said


def why(said: list[str]) -> str:
    """'an NHS number and a postcode': what a held text seemed to hold, for a sentence."""
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]


def hold(words: str, before: str | None = None) -> str | None:
    """What a text seems to hold that could identify a child, as a store keeps it (JSON), or None.
    Once held, a text stays held through any edit until it is released: taking out a date of
    birth may leave the name it went with."""
    said = list(json.loads(before)) if before else []
    said += [s for s in found(words) if s not in said]
    return json.dumps(said) if said or before else None


def told(held: str | None, by: str) -> str | None:
    """What the sender is told of a held text: why, and that nobody else sees it until `by` (the
    facilitator, the lead reviewer) releases it."""
    if not held:
        return None
    return (f"Held for {by} to check: it seems to hold {why(json.loads(held))}, which could identify a child "
            f"or a family. Nobody else sees it until {by} releases it. You can edit it below.")


def listed(held: str | None) -> list[str] | None:
    """A held text's reasons for a screen, or None when it is not held."""
    return json.loads(held) if held else None
