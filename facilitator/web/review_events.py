"""The review's real-time events, on the Socket.IO namespace /review.

Connections authenticate from the page's signed cookie: the lead, a team member, or the host.
Notes and critical incidents come in here with their device-made ids and are acknowledged once
stored; the lead's room hears every note and incident at once, and the host's page is told of
each incident as it is raised, recorded or signed.
"""

from __future__ import annotations

import functools

from flask_socketio import join_room

from . import access
from .house import house
from .realtime import Namespace, credential, now, socketio
from ..core import child_details
from ..review import incidents, notebook, visit

NS = "/review"
LEAD, MEMBER, HOST = "lead", "member", "host"
TEAM, EVERYONE = (LEAD, MEMBER), (LEAD, MEMBER, HOST)
# Each member's (and the lead's) events, and the notes and incidents of the whole review.
REVIEW = Namespace(NS, limits=("member", "review"), stranger="connect to a review first")


def rooms(review_id: str) -> dict[str, str]:
    return {LEAD: f"review:{review_id}:lead", MEMBER: f"review:{review_id}:team", HOST: f"review:{review_id}:host"}


def _emit(event: str, data: dict, review_id: str, to: str) -> None:
    socketio.emit(event, data, to=rooms(review_id)[to], namespace=NS)


@REVIEW.on_connect
def connect(auth_data):
    """Recognise the lead, a member or the host from the cookie their link set; send the clock."""
    if not isinstance(auth_data, dict):
        raise ConnectionRefusedError("auth must give the review and a role: lead, member or host")
    review = house().reviews.review(credential(auth_data, "review") or "")
    if review is None:
        raise ConnectionRefusedError("no such review")
    wanted, found = auth_data.get("role"), None
    if wanted == LEAD and access.is_lead(review):
        who = {"role": LEAD, "tag": _script(review).lead_role.tag, "author": "lead"}
    elif wanted == MEMBER and (found := access.member(review)):
        who = {"role": MEMBER, "tag": found["role"], "author": found["id"]}
    elif wanted == HOST and access.is_host(review):
        who = {"role": HOST, "tag": None, "author": None}
    else:
        raise ConnectionRefusedError("open your own link for this review first")
    # The lead's and members' events are counted per device (the lead's per review); the host's
    # page sends only `time`, and is not counted.
    sender = None if who["author"] is None else f"{review['id']}:{who['author']}"
    who = {**who, "review": review["id"], "sender": sender, "room": review["id"]}
    join_room(rooms(review["id"])[who["role"]], namespace=NS)
    return who, ("clock", _clock(review))


def _script(review: dict):
    return house().review_scripts[review["script"]]


def _clock(review: dict) -> dict:
    return {"seq": review["seq"], "clock": visit.clock_view(review, _script(review), now())}


def event(name: str, roles: tuple[str, ...], payload: bool | None = True, crowd: bool = False):
    """A review event: the handler is given the review and its script as they are now."""

    def wrap(fn):
        @functools.wraps(fn)
        def handler(who, sent):
            review = house().reviews.review(who["review"])
            return fn(who, review, _script(review), sent)

        REVIEW.event(name, roles, payload, crowd)(handler)
        return fn

    return wrap


@event("time", EVERYONE, payload=False)
def server_time(who, review, script, payload):
    return {"now": now()}


@event("note", TEAM, crowd=True)
def note(who, review, script, payload):
    stored, seq = notebook.add_note(house().reviews, review, script, who["tag"], payload, now(), who["author"])
    if seq is not None:
        _emit("note", {"seq": seq, "note": public_note(stored)}, review["id"], LEAD)
        feedback_changed(review["id"], seq)
    return {"id": stored["id"], "duplicate": seq is None, "held": child_details.told(stored["held"], "the lead reviewer")}


@event("note_edit", TEAM, crowd=True)
def note_edit(who, review, script, payload):
    stored, seq = notebook.edit_note(house().reviews, review, script, who["author"], payload, now())
    note_changed(review["id"], seq, stored)
    return {"note": public_note(stored), "held": child_details.told(stored["held"], "the lead reviewer")}


@event("note_withdraw", TEAM, crowd=True)
def note_withdraw(who, review, script, payload):
    stored, seq = notebook.withdraw_note(house().reviews, review, who["author"], payload, now())
    note_changed(review["id"], seq, stored)
    return {"id": stored["id"], "withdrawn": True}


def public_note(note: dict) -> dict:
    """A note as pages see it: its role tag, never the device it came from."""
    return {k: v for k, v in note.items() if k != "author"} | {"held": child_details.listed(note.get("held"))}


def note_changed(review_id: str, seq: int, note: dict) -> None:
    """A note corrected, withdrawn, or released or removed by the lead: the lead's screens hear it."""
    _emit("note_changed", {"seq": seq, "note": public_note(note)}, review_id, LEAD)
    feedback_changed(review_id, seq)


@event("incident", TEAM, crowd=True)
def incident(who, review, script, payload):
    stored, seq = incidents.raise_incident(house().reviews, review, who["tag"], payload, now())
    if seq is not None:
        incident_changed(review["id"], stored)
    return {"id": stored["id"], "duplicate": seq is None}


@event("timer", (LEAD,))
def timer(who, review, script, payload):
    visit.timer(house().reviews, review, script, payload, now())
    fresh = _clock(house().reviews.review(review["id"]))
    socketio.emit("clock", fresh, to=list(rooms(review["id"]).values()), namespace=NS)
    return {"clock": fresh["clock"]}


# -- what the pages tell the review's screens


def incident_changed(review_id: str, stored: dict) -> None:
    """The lead's screen shows a new or signed incident at once, wherever the lead is in the app; the
    host's page, told only which one, fetches its own copy of the record (with no team role)."""
    _emit("incident", {"incident": incidents.shown(stored)}, review_id, LEAD)
    _emit("incident", {"incident": {"id": stored["id"]}}, review_id, HOST)


def signed_out(review_id: str) -> None:
    """Every other browser of the review was signed out: each page is told to connect again (which
    only the lead's browser that asked can), and its rooms are closed so it hears nothing more."""
    for room in rooms(review_id).values():
        socketio.emit("signed_out", {}, to=room, namespace=NS)
        socketio.close_room(room, namespace=NS)


def member_joined(review_id: str, role: str) -> None:
    """The lead's console lists the team as it joins: role tags only."""
    _emit("member", {"role": role}, review_id, LEAD)


def finding_released(review_id: str, finding: dict) -> None:
    """No surprises: the host's page shows a key finding the moment the lead releases it."""
    shown = {"id": finding["id"], "text": finding["text"], "released": bool(finding["released"])}
    _emit("finding", {"finding": shown}, review_id, HOST)


def feedback_changed(review_id: str, seq: int | None = None) -> None:
    """Findings, conclusions, agreed actions or notes changed (and are committed): the projected
    verbal feedback, a lead's page, fetches the record afresh if its seq is older. A caller that
    holds the seq its write committed passes it, so nothing is read again."""
    if seq is None:
        seq = house().reviews.review(review_id)["seq"]
    _emit("feedback", {"seq": seq}, review_id, LEAD)
