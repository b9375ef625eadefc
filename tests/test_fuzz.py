"""Thousands of malformed events to every event from every role: each is answered, none raises,
and a refused one changes nothing. A seeded generator, so a failure can be replayed."""

from __future__ import annotations

import logging
import random
import sqlite3
import uuid
from collections import Counter
from pathlib import Path

import pytest

from facilitator.app import create_app
from facilitator.web.realtime import socketio

from .support import AUTHORITIES, FakeClock

NORTH, EAST, WEST = AUTHORITIES
# end_day last: once the facilitator's junk happens to end the day, the other roles' junk meets an ended day
EVENTS = ["time", "snapshot", "contribute", "edit", "vote", "timer", "moderate", "reflect", "raise_concern",
          "answer_concern", "sign_concern", "end_day"]
CODES = {"invalid", "too_long", "not_now", "forbidden", "not_found", "unauthorised", "rate_limited",
         "unknown_event"}
FIELDS = ["id", "kind", "text", "category", "authority", "item_index", "on", "action", "minutes", "into",
          "heard", "will_do", "session", "step", "confirm", "nature", "seen", "immediate_action", "response"]
ROUNDS = 160  # per event, per role: 12 events x 4 connected roles x 160 = 7,680, plus the extras
ARTIFACTS = Path(__file__).parent / "artifacts"
TABLES = ["days", "participants", "contributions", "votes", "day_concerns"]


class Junk:
    """Values of every awkward shape, with the real ones of the day mixed in so checks deep inside
    the handlers are reached as well as the first ones."""

    def __init__(self, rng: random.Random, real: list):
        self.rng = rng
        self.real = real
        self.atoms = [
            None, True, False, 0, 1, -1, 2, 59, 60, 61, 0.5, -0.0, 1e308, -1e308, 2 ** 53, 10 ** 99,
            -(10 ** 99), "", " ", "\u200b", "\u200b\u200d\ufeff", " \u200b \t\n", "How \ud800?", "\udfff",
            "\ud83d", "a" * 1001, "x" * 4096, "<script>alert(1)</script>", "\x00", "\u202e", "é", "😀",
            "start", "pause", "resume", "extend", "next", "back", "hide", "show", "star", "unstar", "asked",
            "unasked", "edit", "merge", "risk", "question", "strength", "observer", "Workforce", "reflection",
            "__proto__", "constructor", "null", "true", "5", "1e9", str(uuid.uuid4()), "0" * 36,
            [], {}, [[]], [{}], {"": None},
        ]

    def value(self, depth: int = 0):
        roll = self.rng.random()
        if roll < 0.25 and self.real:
            return self.rng.choice(self.real)
        if roll < 0.8 or depth > 6:
            return self.rng.choice(self.atoms)
        if roll < 0.9:
            return [self.value(depth + 1) for _ in range(self.rng.randint(0, 4))]
        return {self.rng.choice(FIELDS + ["x", ""]): self.value(depth + 1) for _ in range(self.rng.randint(0, 4))}

    def payload(self):
        roll = self.rng.random()
        if roll < 0.15:
            return self.value()
        fields = self.rng.sample(FIELDS, self.rng.randint(0, len(FIELDS)))
        return {f: self.value() for f in fields}

    def args(self) -> list:
        count = self.rng.choices([0, 1, 2, 3, 6], weights=[10, 70, 10, 5, 5])[0]
        return [self.payload() for _ in range(count)]


def state(db_path: str) -> list:
    with sqlite3.connect(db_path) as conn:
        return [sorted(map(repr, conn.execute(f"select * from {t}"))) for t in TABLES]


def answered_in_shape(ack) -> bool:
    if not isinstance(ack, dict) or not isinstance(ack.get("ok"), bool):
        return False
    if ack["ok"]:
        return True
    error = ack.get("error")
    return (isinstance(error, dict) and error.get("code") in CODES and isinstance(error.get("message"), str)
            and bool(error["message"].strip()))


@pytest.fixture
def fuzz_app(tmp_path):
    clock = FakeClock()
    app = create_app({"DATABASE": str(tmp_path / "fuzz.db"), "SECRET_KEY": "test", "NOW": clock, "TESTING": True,
                      "RATE_CAPACITY": 10 ** 9, "DAY_RATE_CAPACITY": 10 ** 9})
    return app, clock


class Tracebacks(logging.Handler):
    """Every log record with a traceback attached, or that mentions one."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        if record.exc_info or "Traceback" in record.getMessage():
            self.records.append(record)


def test_thousands_of_malformed_events_are_each_answered_and_change_nothing(fuzz_app):
    app, clock = fuzz_app
    engine = app.extensions["facilitator"].engine
    db = app.config["DATABASE"]
    day = engine.create_day("Fuzz day", "2026-11-22", AUTHORITIES, "se-triad", None, clock.now)
    other = engine.create_day("Other day", "2026-11-23", ["X", "Y", "Z"], "se-triad", None, clock.now)

    def connect(d, role, **auth):
        return socketio.test_client(app, auth={"day": d["id"], "role": role, **auth})

    fac = connect(day, "facilitator", key=day["facilitator_key"])
    fac.emit("timer", {"action": "next"}, callback=True)  # presentation: the presenter can add
    people = {}
    for name, authority in (("Pat", NORTH), ("Eve", EAST), ("Obi", "observer")):
        p = engine.join(day, name, authority, clock.now)
        people[name] = connect(day, "participant", token=p["token"])
    # something of everyone's to aim at: own, another's, the other day's
    real = []
    for sio, extra in ((people["Pat"], {"kind": "risk", "category": "Workforce"}),
                       (fac, {"kind": "question", "authority": EAST})):
        ack = sio.emit("contribute", {"id": str(uuid.uuid4()), "text": "What helped?", **extra}, callback=True)
        assert ack["ok"], ack
        real.append(ack["id"])
    other_row, _ = engine.contribute(other["id"], {"id": None, "authority": None, "facilitator": True},
                                     {"id": str(uuid.uuid4()), "kind": "question", "text": "Elsewhere?",
                                      "item_index": 0}, clock.now)
    real += [other_row["id"], day["id"], other["id"], day["join_code"], NORTH, "Workforce"]

    refused_client = socketio.test_client(app, auth={"day": day["id"], "role": "facilitator", "key": "guess"})
    assert not refused_client.is_connected()
    refused_client.connected["/"] = True  # send anyway, as a client that ignored the refusal would
    watcher = connect(day, "projector", key=day["facilitator_key"])

    roles = {"facilitator": fac, "projector": connect(day, "projector", key=day["facilitator_key"]),
             "participant": people["Pat"], "observer": people["Obi"], "not connected": refused_client}
    rng = random.Random(11)
    junk = Junk(rng, real)
    tracebacks = Tracebacks()
    logging.getLogger().addHandler(tracebacks)
    counts, outcomes, unanswered, bad_shape, changed = Counter(), Counter(), [], [], []
    try:
        for role, sio in roles.items():
            events = EVENTS + ["connect", "disconnect", "message", "no-such-event"]
            for event in events:
                rounds = ROUNDS if event in EVENTS else 25
                for _ in range(rounds):
                    args = junk.args()
                    watcher.get_received()
                    before = state(db)
                    ack = sio.emit(event, *args, callback=True)
                    counts[role, event] += 1
                    if role == "not connected":
                        # the protocol routes nothing from a socket that never connected: no answer, no effect
                        outcomes["dropped"] += ack is None
                        if ack is not None or state(db) != before:
                            changed.append((role, event, args, ack))
                        continue
                    if ack is None:
                        unanswered.append((role, event, args))
                        continue
                    if not answered_in_shape(ack):
                        bad_shape.append((role, event, args, ack))
                        continue
                    outcomes["accepted" if ack["ok"] else ack["error"]["code"]] += 1
                    if not ack["ok"] and (state(db) != before or watcher.get_received()):
                        changed.append((role, event, args, ack))
    finally:
        logging.getLogger().removeHandler(tracebacks)

    sent = sum(counts.values())
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [f"events sent: {sent}", f"unanswered: {len(unanswered)}", f"answers not in the documented shape: "
             f"{len(bad_shape)}", f"tracebacks logged: {len(tracebacks.records)}",
             f"refused events that changed state or broadcast: {len(changed)}",
             "outcomes: " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()),
             "per role: " + ", ".join(f"{r} {sum(v for (ro, _), v in counts.items() if ro == r)}" for r in roles)]
    (ARTIFACTS / "fuzz-figures.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    assert sent > 4000
    assert not unanswered, unanswered[:5]
    assert not bad_shape, bad_shape[:5]
    assert not tracebacks.records, [r.getMessage() for r in tracebacks.records[:5]]
    assert not changed, changed[:5]
    assert outcomes["accepted"] > 0 and outcomes["invalid"] > 1000  # both paths were exercised
