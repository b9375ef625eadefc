"""The day's real-time events, on the namespace `/`: each a thin check over one call into the engine.

Every event is listed in docs/realtime-api.md with its payload, who may send it and its ack.
"""

from __future__ import annotations

from flask_socketio import join_room

from . import access
from ..core import child_details
from ..live.engine import Broadcast, Engine
from .house import house
from .realtime import Namespace, credential, now, socketio

FACILITATOR, PROJECTOR, PARTICIPANT = "facilitator", "projector", "participant"
ROLES = (FACILITATOR, PROJECTOR, PARTICIPANT)
# Each phone's events, and the contributions of the whole room (not the facilitator's).
DAY = Namespace("/", limits=("phone", "day"), stranger="connect with a day and a role first")


def _engine() -> Engine:
    return house().engine


def rooms(day_id: str) -> tuple[str, str]:
    return f"{day_id}:staff", f"{day_id}:public"


def projector_room(day_id: str) -> str:
    """Projectors hear what the public room hears, from a room of their own: signing out every
    other browser of the day closes it and the staff room, and leaves the phones in theirs."""
    return f"{day_id}:projector"


def signed_out(day_id: str) -> None:
    """Every other browser of the day was signed out: its consoles and projectors are told to
    connect again (which only the browser still signed in can), and hear nothing more meanwhile."""
    staff, projectors = rooms(day_id)[0], projector_room(day_id)
    socketio.emit("signed_out", {}, to=[staff, projectors])
    socketio.close_room(staff)
    socketio.close_room(projectors)


def broadcast(day_id: str, changes: Broadcast | list[Broadcast] | None) -> None:
    """Send each change to the facilitator's room and, as the public sees it, to everyone else;
    then to its author, when the author may see more than the room (after, so it is what stays)."""
    staff, public = rooms(day_id)
    public = [public, projector_room(day_id)]
    for change in changes if isinstance(changes, list) else [changes] if changes else []:
        if change.staff is change.public:  # one packet, encoded once, for every room
            socketio.emit(change.event, change.staff, to=[staff, *public])
            continue
        socketio.emit(change.event, change.staff, to=staff)
        socketio.emit(change.event, change.public, to=public)
        if change.author:  # no seq of its own: the room's packet above moved the seq on
            socketio.emit("own_contribution", {"contribution": change.author[1]["contribution"]},
                          to=participant_room(day_id, change.author[0]))


def participant_room(day_id: str, participant_id: str) -> str:
    """Each phone's own room: what only its author may see of a contribution reaches it there."""
    return f"{day_id}:participant:{participant_id}"


def authority_room(day_id: str, authority: str) -> str:
    return f"{day_id}:authority:{authority}"


def joined(day_id: str, participants: list[dict]) -> None:
    """Tell the facilitator who is in the room; not a change to the day, so no seq."""
    socketio.emit("participants", {"participants": participants}, to=rooms(day_id)[0])


@DAY.on_connect
def connect(auth_data):
    """Authenticate from `auth`, join the day's room, and send a full snapshot (or what changed)."""
    who = _identify(auth_data)
    staff, public = rooms(who["day"])
    join_room({FACILITATOR: staff, PROJECTOR: projector_room(who["day"])}.get(who["role"], public))  # first, so no change falls between
    if who["role"] == PARTICIPANT:  # a serious concern reaches the authority it is about, and no one else
        join_room(authority_room(who["day"], who["authority"]))
        join_room(participant_room(who["day"], who["participant"]))
    # A screen that reconnects says the seq it holds: send what changed since, if the engine can.
    changes = _changes(who, auth_data.get("seq"))
    return who, ("changes", changes) if changes is not None else ("snapshot", _snapshot(who))


def _identify(auth_data) -> dict:
    """Who this connection is, from `auth` and the session's cookie; refuse with a message if no one."""
    if not isinstance(auth_data, dict) or not isinstance(auth_data.get("role"), str) \
            or auth_data["role"] not in ROLES:
        raise ConnectionRefusedError("auth must give a role: facilitator, projector or participant")
    day = _engine().store.day(credential(auth_data, "day") or "")
    if day is None:
        raise ConnectionRefusedError("no such day")
    role = auth_data["role"]
    who = {"day": day["id"], "role": role, "participant": None, "sender": None, "room": None}
    if role == FACILITATOR:
        if not access.is_facilitator(day, credential(auth_data, "key")):
            raise ConnectionRefusedError("the facilitator's link is needed for this view")
        return who
    if role == PROJECTOR:
        if not access.may_project(day, credential(auth_data, "key")):
            raise ConnectionRefusedError("the facilitator's or the projector's link is needed for this view")
        return who
    token = credential(auth_data, "token") or access.participant_token(day["id"])
    participant = _engine().store.participant_by_token(token) if isinstance(token, str) else None
    if participant is None or participant["day_id"] != day["id"]:
        raise ConnectionRefusedError("join the day first")
    who["participant"] = who["sender"] = participant["id"]
    who["room"] = day["id"]
    who["authority"] = participant["authority"]  # fixed at joining: events need not read it again
    return who


def _viewer(who: dict) -> dict:
    participant = _engine().store.participant(who["participant"]) if who["participant"] else None
    return {"role": who["role"], "participant": participant}


def _snapshot(who: dict) -> dict:
    return _engine().snapshot(who["day"], _viewer(who), now())


def _changes(who: dict, since) -> dict | None:
    """What changed since the seq a reconnecting screen holds, if the engine can say."""
    return None if since is None else _engine().changes(who["day"], _viewer(who), since, now())


def _participant(who: dict) -> dict:
    return {"id": who["participant"], "authority": who["authority"]}


@DAY.event("time", ROLES, payload=False)
def server_time(who, payload):
    return {"now": now()}


@DAY.event("snapshot", ROLES, payload=None)
def snapshot(who, payload):
    changes = _changes(who, payload.get("seq")) if isinstance(payload, dict) else None
    return {"changes": changes} if changes is not None else {"snapshot": _snapshot(who)}


@DAY.event("contribute", (FACILITATOR, PARTICIPANT), crowd=True)
def contribute(who, payload):
    if who["role"] == FACILITATOR:
        author = {"id": None, "authority": None, "facilitator": True}
    else:
        author = _participant(who)
    stored, change = _engine().contribute(who["day"], author, payload, now())
    broadcast(who["day"], change)
    return {"id": stored["id"], "duplicate": change is None, "nudge": _engine().nudge(stored),
            "held": child_details.told(stored["held"], "the facilitator")}


@DAY.event("edit", (PARTICIPANT,))
def edit(who, payload):
    broadcast(who["day"], _engine().edit_own(who["day"], _participant(who), payload, now()))


@DAY.event("vote", (PARTICIPANT,))
def vote(who, payload):
    broadcast(who["day"], _engine().vote(who["day"], _participant(who), payload, now()))


@DAY.event("timer", (FACILITATOR,))
def timer(who, payload):
    broadcast(who["day"], _engine().timer(who["day"], payload, now()))


@DAY.event("moderate", (FACILITATOR,))
def moderate(who, payload):
    broadcast(who["day"], _engine().moderate(who["day"], payload, now()))


@DAY.event("spotlight", (FACILITATOR,))
def spotlight(who, payload):
    broadcast(who["day"], _engine().spotlight(who["day"], payload, now()))


@DAY.event("end_day", (FACILITATOR,))
def end_day(who, payload):
    change = _engine().end_day(who["day"], payload, now())
    broadcast(who["day"], change)
    return {"already": change is None}


@DAY.event("reflect", (FACILITATOR, PARTICIPANT))
def reflect(who, payload):
    author = {"id": None, "authority": None, "facilitator": True} if who["role"] == FACILITATOR else _participant(who)
    broadcast(who["day"], _engine().reflect(who["day"], author, payload, now()))


# -- serious concerns: to the facilitator's room and the room of the authority concerned only

def concern_changed(day_id: str, concern: dict) -> None:
    """A concern raised, answered or signed: no seq, as it is no change to what the room sees."""
    socketio.emit("concern", {"concern": concern}, to=[rooms(day_id)[0], authority_room(day_id, concern["authority"])])


def _signer(who: dict) -> dict:
    return {"facilitator": True} if who["role"] == FACILITATOR else {"authority": who["authority"]}


@DAY.event("raise_concern", (FACILITATOR, PARTICIPANT), crowd=True)
def raise_concern(who, payload):
    raised_by = FACILITATOR if who["role"] == FACILITATOR else who["authority"]
    concern, new = _engine().raise_concern(who["day"], raised_by, payload, now())
    if new:
        concern_changed(who["day"], concern)
    return {"id": concern["id"], "duplicate": not new}


@DAY.event("answer_concern", (FACILITATOR, PARTICIPANT))
def answer_concern(who, payload):
    concern_changed(who["day"], _engine().answer_concern(who["day"], _signer(who), payload, now()))


@DAY.event("sign_concern", (FACILITATOR, PARTICIPANT))
def sign_concern(who, payload):
    concern_changed(who["day"], _engine().sign_concern(who["day"], _signer(who), payload, now()))
