"""Words and derived facts that the documents and the screens both show, kept in one place: the
server sends what they give, so a page never works them out again for itself."""

from __future__ import annotations


def plural(label: str) -> str:
    """'Signature of risk' -> 'Signatures of risk'; 'Offer' -> 'Offers'."""
    head, sep, tail = label.partition(" of ")
    if head.endswith("s"):
        return label
    return head + ("es" if head.endswith(("ch", "sh", "x")) else "s") + sep + tail


def plurals(script) -> dict:
    """The script's labels in the plural, as a screen heads its lists with them."""
    return {"category": plural(script.category_label),
            "kinds": {k: plural(v.label) for k, v in script.kinds.items()}}


def named_by_presenter(row: dict) -> bool:
    """A signature the presenting authority named itself, not one its visitors saw."""
    return row.get("origin") == "presenter" or (row.get("origin") == "facilitator"
                                                and row.get("author_authority") == row.get("presenter"))
