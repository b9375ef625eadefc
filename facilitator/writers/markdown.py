"""Markdown both ways: what a person wrote, escaped to go into a Markdown document, and a Markdown
document rendered to HTML that nothing in it can make run."""

from __future__ import annotations

import re

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre",
                "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "hr", "br", "del"}
_ESCAPE = re.compile(r"([\\`*_\[\]#|>{}])")


def text(value: str) -> str:
    """One contribution as inline Markdown text: one line, no markup, no raw HTML."""
    flat = " ".join((value or "").split())
    return _ESCAPE.sub(r"\\\1", flat).replace("<", "&lt;")


def block(value: str) -> str:
    """Free text a person wrote in a form, as Markdown that keeps its lines but cannot carry raw HTML."""
    return (value or "").replace("<", "&lt;").strip()


def render(source: str) -> str:
    """Markdown to HTML with raw HTML shown as text, then sanitised: nothing in it can run."""
    html = markdown_lib.markdown((source or "").replace("<", "&lt;"), extensions=["tables", "sane_lists"])
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
