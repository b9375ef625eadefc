"""The region's pool of reviewers (seed 003: "your information will then be held in a regional
'pool' until you are invited by a Lead DCS to join a review team"): each person's role, authority,
experience, accreditation stage and the authorities they must not review. The organiser adds, edits
and retires them; a lead inviting a team is offered only the accredited with no conflict with the host.

The roles and the stages are data (followup/programme.toml), not code."""

from __future__ import annotations

import json
import secrets
import tomllib
from functools import cache
from pathlib import Path

from ..core.checks import text
from ..core.errors import Refused
from ..live.store import Store
from ..review.tables import Tables

DATA = Path(__file__).with_name("programme.toml")
FIELDS = {"name", "role", "authority", "experience", "stage", "conflicts", "updated_ms", "retired_ms"}


@cache
def settings() -> dict:
    """programme.toml: the calendar's kinds, the cycle's months, the pool's roles and stages."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    if not data.get("stages") or not any(s.get("deployable") for s in data["stages"]):
        raise ValueError(f"{DATA}: the pool needs its stages, one of them deployable")
    return data


def roles() -> list[dict]:
    return settings()["roles"]


def stages() -> list[dict]:
    return settings()["stages"]


def stage_label(key: str) -> str:
    return next((s["label"] for s in stages() if s["key"] == key), key)


def deployable(person: dict) -> bool:
    return any(s["key"] == person["stage"] and s.get("deployable") for s in stages())


class Pool(Tables):
    """The pool's one table over the day store's connection and lock."""

    json_columns = {"programme_pool": {"conflicts"}}

    def __init__(self, store: Store):
        self.db = store.db
        self.lock = store.lock

    def people(self, retired: bool = False) -> list[dict]:
        """Everyone in the pool, by name; the retired too when asked."""
        return self._rows("programme_pool", "1" if retired else "retired_ms IS NULL", [], order_by="name COLLATE NOCASE, rowid")

    def person(self, person_id: str) -> dict | None:
        return self._one("programme_pool", "id = ?", [str(person_id)])

    def add_person(self, row: dict, now: int) -> dict:
        with self._writing():
            return self._insert("programme_pool", {**row, "id": secrets.token_hex(6), "created_ms": now, "updated_ms": now})

    def update_person(self, person_id: str, changes: dict) -> dict:
        """Changes to one person (any of FIELDS); refused if there is no such person."""
        changes = self._encode("programme_pool", {k: v for k, v in changes.items() if k in FIELDS})
        with self._writing():
            stored = self._returned("programme_pool", f"UPDATE programme_pool SET {', '.join(f'[{k}] = ?' for k in changes)} "
                                    "WHERE id = ? RETURNING *", [*changes.values(), str(person_id)])
        if stored is None:
            raise Refused("not_found", "no such person in the pool")
        return stored


# -- the domain: reading the organiser's form, and who a lead may invite


def read(form) -> dict:
    """A person as the form gives them, checked: one clear refusal, nothing stored."""
    name = text(form, "name", 120, "Their name")
    role = form.get("role") or ""
    if role not in {r["key"] for r in roles()}:
        raise Refused("invalid", "choose their role: " + ", ".join(r["key"] for r in roles()))
    authority = text(form, "authority", 120, "Their authority")
    stage = form.get("stage") or ""
    if stage not in {s["key"] for s in stages()}:
        raise Refused("invalid", "choose their accreditation stage")
    experience = text(form, "experience", 2000, "Their experience", required=False)
    raw = text(form, "conflicts", 1000, "The authorities they must not review", required=False)
    conflicts = list(dict.fromkeys(c.strip() for c in raw.replace("\n", ",").replace(";", ",").split(",") if c.strip()))
    if any(len(c) > 120 for c in conflicts):
        raise Refused("invalid", "each authority they must not review is at most 120 characters")
    return {"name": name, "role": role, "authority": authority, "stage": stage, "experience": experience,
            "conflicts": conflicts}


def add(pool: Pool, form, now: int) -> dict:
    row = read(form)
    if any(p["name"].casefold() == row["name"].casefold() for p in pool.people()):
        raise Refused("invalid", f"{row['name']} is already in the pool: edit them instead")
    return pool.add_person(row, now)


def edit(pool: Pool, person_id: str, form, now: int) -> dict:
    _current(pool, person_id)
    row = read(form)
    if any(p["name"].casefold() == row["name"].casefold() and p["id"] != person_id for p in pool.people()):
        raise Refused("invalid", f"someone else in the pool is already called {row['name']}")
    return pool.update_person(person_id, {**row, "updated_ms": now})


def retire(pool: Pool, person_id: str, now: int) -> dict:
    _current(pool, person_id)
    return pool.update_person(person_id, {"retired_ms": now, "updated_ms": now})


def _current(pool: Pool, person_id: str) -> dict:
    found = pool.person(person_id)
    if found is None or found["retired_ms"]:
        raise Refused("not_found", "no such person in the pool (or they have retired)")
    return found


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def conflict(person: dict, host: str) -> str | None:
    """Why this person may not review `host`, or None."""
    if _same(person["authority"], host):
        return f"{person['name']} is from {host}, the host authority"
    if any(_same(c, host) for c in person["conflicts"]):
        return f"{person['name']} has a conflict of interest with {host}"
    if not deployable(person):
        return f"{person['name']} is not yet accredited ({stage_label(person['stage'])})"
    return None


def offered(pool: Pool, host: str) -> list[dict]:
    """The pool's people a lead may invite to review `host`: accredited, no conflict kept in."""
    return [p for p in pool.people() if conflict(p, host) is None]


def check_invite(pool: Pool, host: str, name: str) -> None:
    """An invitation by name of someone in the pool who may not review the host is refused; a name
    outside the pool is the lead's to choose."""
    person = next((p for p in pool.people() if _same(p["name"], name or "")), None)
    reason = conflict(person, host) if person else None
    if reason:
        raise Refused("invalid", f"{reason}: choose someone else from the pool.")


def authority_of(pool: Pool, name: str | None) -> str | None:
    """The authority of a person in the pool (retired too), by name."""
    if not name:
        return None
    return next((p["authority"] for p in pool.people(retired=True) if _same(p["name"], name)), None)


def suggested_role(person: dict, script_roles) -> str | None:
    """The team role a pool person's role points to in a review's script, if one plainly does: a QA
    reviewer to the script's QA role, a data specialist to its data role; else the lead chooses."""
    open_roles = [r for r in script_roles if not r.lead]
    if person["role"] == "QA":
        return next((r.tag for r in open_roles if r.qa), None)
    if person["role"] == "Data specialist":
        return next((r.tag for r in open_roles if "data" in f"{r.tag} {r.label}".lower()), None)
    return None
