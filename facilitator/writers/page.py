"""Print-ready HTML pages: one Jinja environment over the templates folder, each page standalone,
its one stylesheet embedded, so it loads nothing and prints to A4 from the browser."""

from __future__ import annotations

import base64
import hashlib

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .. import ROOT

CSS = ROOT / "static" / "css"
_templates = Environment(loader=FileSystemLoader(str(ROOT / "templates")),
                         autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def add_filter(name: str, function) -> None:
    """A filter a stage's pages use, such as the write-up's `plural`."""
    _templates.filters[name] = function


def css(name: str = "export.css") -> str:
    return (CSS / name).read_text(encoding="utf-8")


def style_hash(stylesheet: str) -> str:
    """The CSP source that lets exactly this embedded stylesheet apply, and nothing else."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(stylesheet.encode()).digest()).decode() + "'"


def render(template: str, stylesheet: str = "export.css", **context) -> str:
    return _templates.get_template(template).render(css=Markup(css(stylesheet)), **context)
