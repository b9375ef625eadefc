"""The house's shape, read from the package's own imports: a stage stands on the floor and the
stages before it, never on one after, and Flask stays in the web layer and the app factory."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "facilitator"
# Each folder may import the ones before it in this list, and the package root's own names.
STAGES = ["core", "writers", "live", "review", "writeup", "followup", "web", "serve"]
FLASK_ALLOWED = {"web", "app.py"}


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def imports(path: Path, package: Path = PACKAGE) -> list[tuple[str, ...]]:
    """Every module path (as parts within the package, or ("flask",) and the like) a file imports."""
    rel = path.relative_to(package)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [tuple(a.name.split(".")) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = list(rel.parts[:-1])[: len(rel.parts) - node.level]
            target = base + (node.module.split(".") if node.module else [])
            found += [tuple(target)] if target else [(a.name,) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append(tuple((node.module or "").split(".")))
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_stage_imports_only_the_floor_and_the_stages_before_it(path):
    stage = path.relative_to(PACKAGE).parts[0]
    if stage not in STAGES:
        return  # the entry points at the root may import any stage
    later = STAGES[STAGES.index(stage) + 1:]
    wrong = [".".join(t) for t in imports(path) if t and t[0] in later]
    assert not wrong, f"{stage}/ must not import {wrong}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_flask_stays_in_the_web_layer_and_the_app_factory(path):
    where = path.relative_to(PACKAGE).parts[0]
    flask = [".".join(t) for t in imports(path) if t and (t[0] == "flask" or t[0].startswith("flask_"))]
    assert where in FLASK_ALLOWED or not flask, f"{where}: imports {flask}"


def test_the_check_resolves_relative_imports_to_their_stage(tmp_path):
    """The reading of imports itself, on a file that breaks the order: it must be seen."""
    (tmp_path / "live").mkdir()
    probe = tmp_path / "live" / "probe.py"
    probe.write_text("from ..web import house\nfrom . import store\nfrom ..core.errors import Refused\n"
                     "from flask import request\n")
    assert imports(probe, tmp_path) == [("web",), ("live",), ("core", "errors"), ("flask",)]
