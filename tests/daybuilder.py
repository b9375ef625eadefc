"""A whole challenge day played through the real-time API, for the tests of what comes after it."""

from __future__ import annotations

from html.parser import HTMLParser

from uuid import uuid4

NAMES = {"Northshire": "Nadia Quill", "Eastbridge": "Ezra Brightwater", "Westvale": "Wanda Fenwick"}
HOSTILE = ["<script>alert('x')</script> budget pressure", '<img src=x onerror="alert(1)"> workforce',
           "[click me](javascript:alert(1)) and **bold** | pipe # hash"]


def ok(ack):
    assert ack and ack.get("ok"), ack
    return ack


class Day:
    """Drives one day: the facilitator moves the clock; participants and the facilitator contribute."""

    def __init__(self, room, names: dict):
        self.room = room
        self.facilitator = room.facilitator()
        self.people = {a: room.participant(n, a) for a, n in names.items()}
        self.added: list[dict] = []

    def next(self, times: int = 1):
        for _ in range(times):
            ok(self.facilitator.emit("timer", {"action": "next"}, callback=True))

    def add(self, authority: str | None, kind: str, text: str, category: str | None = None) -> str:
        payload = {"id": str(uuid4()), "kind": kind, "text": text}
        if category:
            payload["category"] = category
        sio = self.people[authority] if authority else self.facilitator
        ok(sio.emit("contribute", payload, callback=True))
        self.added.append({**payload, "authority": authority})
        return payload["id"]

    def moderate(self, contribution_id: str, action: str, **extra):
        ok(self.facilitator.emit("moderate", {"id": contribution_id, "action": action, **extra}, callback=True))


def play(room, hostile: bool = False, names: dict | None = None) -> dict:
    """Three sessions and the closing learning points; returns the ids worth checking by name."""
    d = Day(room, names or NAMES)
    authorities = list(room.day["authorities"])
    ids = {"sessions": []}
    d.next()  # from arrival to the first presentation
    for s, presenter in enumerate(authorities):
        v1, v2 = [a for a in authorities if a != presenter]
        got = {"presenter": presenter}
        got["named"] = d.add(presenter, "risk", f"{presenter} worries about recruiting social workers", "Workforce")
        got["named_budget"] = d.add(presenter, "risk", f"{presenter} faces an overspend on placements", "Budget")
        d.next()  # open questions
        got["q_asked"] = d.add(v1, "question", f"How do you know your early help offer reaches families in {presenter}?")
        got["q_open"] = d.add(v2, "question", "What would your lead member say about the pace of change?")
        got["seen"] = d.add(v1, "risk", "Interim leaders in two of the three service areas", "Senior leadership turnover")
        got["seen_workforce"] = d.add(v2, "risk", "Agency staff carry a third of the caseloads", "Workforce")
        if hostile and s == 0:
            got["hostile"] = [d.add(v1, "risk", t, "Budget") for t in HOSTILE]
        d.moderate(got["q_asked"], "asked")
        d.next()  # strengths
        got["strength"] = d.add(v1, "strength", f"{presenter} has a stable, well-supported workforce of newly qualified social workers")
        got["strength_plain"] = d.add(v2, "strength", "Clear line of sight from the front door to the board")
        d.moderate(got["strength"], "star")
        d.next()  # balcony
        got["insight"] = d.add(v2, "insight", "The self-assessment is more cautious than the evidence suggests")
        d.next()  # reflection
        got["offer"] = d.add(presenter, "offer", f"{presenter} can share its recruitment and retention academy model")
        got["ask"] = d.add(presenter, "ask", "Help with recruiting experienced social workers to the workforce")
        d.moderate(got["offer"], "star")
        ids["sessions"].append(got)
        d.next()  # the break, lunch or the learning points
        if s < len(authorities) - 1:
            d.next()  # the next presentation
    ids["learning"] = d.add(authorities[0], "learning", "Workforce stability underpins every improvement journey")
    ids["day"] = d
    return ids


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def active_parts(html: str) -> list[str]:
    """Anything in a page that could run: script-like elements, handlers, javascript: links."""
    parser = _Elements()
    parser.feed(html)
    bad = []
    for tag, attrs in parser.found:
        if tag in ("script", "iframe", "object", "embed", "img"):
            bad.append(tag)
        bad += [f"{tag}[{k}]" for k in attrs if k.lower().startswith("on")]
        bad += [f"{tag}[{k}]" for k, v in attrs.items() if (v or "").strip().lower().startswith("javascript:")]
    return bad
