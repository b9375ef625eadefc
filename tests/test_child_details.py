"""A child's details held back from the room: the patterns on real-looking and ordinary texts, and a
held contribution through the real-time API, the snapshot, a reconnect, the exports and the disk."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from facilitator.core import child_details
from facilitator.core.scripts.reader import ScriptError

from .support import AUTHORITIES, NS, add, csrf_page, events, parsed, timer
from .test_export import export

NORTH, EAST, WEST = AUTHORITIES
SETS = [json.loads((Path(__file__).parent / "data" / name).read_text())
        for name in ("child_details.json", "child_details_holdout.json")]
CORPUS = {part: [x for s in SETS for x in s[part]] for part in ("identifying", "ordinary")}
JAYDEN = "Jayden Smith (DOB 04/05/2015), NHS number 943 476 5919, 12 Acacia Road: how is his plan reviewed?"


# -- the patterns


@pytest.mark.parametrize("case", CORPUS["identifying"], ids=lambda c: c["text"][:40])
def test_a_text_that_identifies_a_child_is_found(case):
    assert child_details.found(case["text"]), case


def test_ordinary_contributions_are_not_held():
    """False positives counted on the ordinary set: bench/child_details.py prints the same figures."""
    held = [t for t in CORPUS["ordinary"] if child_details.found(t)]
    assert len(CORPUS["ordinary"]) >= 290 and held == []


@pytest.mark.parametrize("text", ["a 15-year-old", "children aged 0-5", "Child A, aged 9", "In March, 12 children came home",
                                  "Mosaic went live in 2021", "ring 0113 222 4000", "review on 04/05/2025"])
def test_near_misses_are_not_held(text):
    assert child_details.found(text) == []


def test_the_sender_is_told_each_kind_of_detail_once_in_words():
    said = child_details.found(JAYDEN)
    assert said == ["an NHS number", "a date of birth", "a house address"]
    assert child_details.why(said) == "an NHS number, a date of birth and a house address"


@pytest.mark.parametrize("digits, valid", [("9434765919", True), ("943 476 5919", True), ("9434765918", False),
                                           ("1234567890", False), ("12345", False)])
def test_an_nhs_number_must_carry_its_check_digit(digits, valid):
    assert child_details.nhs_check_digit(digits) is valid


@pytest.mark.parametrize("body, field", [
    ('[names]\nforenames = ["Ann"]\n[[pattern]]\nkey = "x"\nsays = "x"\nregex = "("\n', "pattern[0].regex"),
    ('[names]\nforenames = ["Ann"]\n[[pattern]]\nkey = "x"\nsays = "x"\nregex = "a"\ncheck = "luhn"\n', "pattern[0].check"),
    ('[[pattern]]\nkey = "x"\nsays = "x"\nregex = "a"\n', "names"),
])
def test_a_broken_pattern_file_names_its_field(tmp_path, body, field):
    path = tmp_path / "child_details.toml"
    path.write_text(body)
    with pytest.raises(ScriptError, match=field.replace("[", r"\[").replace("]", r"\]")):
        child_details.patterns(path)


# -- a held contribution in the room


@pytest.fixture
def questions(room):
    """The open questions of the first session, a facilitator, a projector and three phones."""
    fac, projector = room.facilitator(), room.projector()
    east, west, north = room.participant("Eve", EAST), room.participant("Wes", WEST), room.participant("Pat", NORTH)
    timer(fac, "start")
    timer(fac, "next")
    timer(fac, "next")
    for sio in (fac, projector, east, west, north):
        sio.get_received()
    return fac, projector, east, west, north


def _texts(received: list) -> str:
    return json.dumps(received)


def test_a_held_question_reaches_the_facilitator_and_its_author_alone(questions):
    fac, projector, east, west, north = questions
    ack = add(east, "question", JAYDEN)
    assert ack["ok"] and "NHS number" in ack["held"] and "Nobody else sees it" in ack["held"]
    staff = events(fac, "contribution")
    assert staff[0]["contribution"]["text"] == JAYDEN
    assert staff[0]["contribution"]["held"] == ["an NHS number", "a date of birth", "a house address"]
    assert JAYDEN not in staff[0]["queue"]["ids"] and ack["id"] not in staff[0]["queue"]["ids"]
    received = east.get_received()
    assert [e["name"] for e in received] == ["contribution", "own_contribution"]  # the room's word first
    assert received[1]["args"][0]["contribution"]["text"] == JAYDEN
    for sio in (projector, west, north):
        received = sio.get_received()
        assert "Jayden" not in _texts(received) and "5919" not in _texts(received)
        assert [e["args"][0]["contribution"] for e in received if e["name"] == "contribution"] == [
            {"id": ack["id"], "hidden": 1}]


def test_a_held_question_is_in_no_later_snapshot_resync_or_export(room, questions, client, day):
    fac, projector, east, west, north = questions
    seq = west.emit("snapshot", {}, callback=True)["snapshot"]["seq"]
    ack = add(east, "question", JAYDEN)
    for sio in (projector, west):
        snap = sio.emit("snapshot", {}, callback=True)["snapshot"]
        assert ack["id"] not in [c["id"] for c in snap["contributions"]] and "Jayden" not in json.dumps(snap)
    changes = west.emit("snapshot", {"seq": seq}, callback=True)["changes"]
    assert changes["contributions"] == [{"id": ack["id"], "hidden": 1}]
    assert [c["id"] for c in events_snapshot(fac)["contributions"]] == [ack["id"]]
    assert events_snapshot(east)["contributions"][0]["held"]
    client.get(f"/f/{day['facilitator_key']}")
    for fmt in ("md", "html", "json", "csv"):
        assert "Jayden" not in export(client, day, fmt), fmt
        assert "Jayden" not in export(client, day, fmt, internal="1"), fmt
    assert "Jayden" not in client.get(f"/console/{day['id']}/summary").get_data(as_text=True)


def events_snapshot(sio) -> dict:
    return sio.emit("snapshot", {}, callback=True)["snapshot"]


def test_nothing_held_can_be_voted_on_spotlit_merged_or_asked_in_turn(questions):
    fac, projector, east, west, north = questions
    held = add(east, "question", JAYDEN)["id"]
    plain = add(west, "question", "How do you hear the voice of the child in planning?")["id"]
    assert west.emit("vote", {"id": held, "on": True}, callback=True)["error"]["code"] == "not_now"
    assert fac.emit("spotlight", {"id": held}, callback=True)["error"]["code"] == "not_now"
    assert fac.emit("moderate", {"id": plain, "action": "merge", "into": held}, callback=True)["error"]["code"] == "not_now"
    assert fac.emit("moderate", {"id": plain, "action": "release"}, callback=True)["error"]["code"] == "not_now"
    assert events_snapshot(west)["queue"]["ids"] == [plain]


def test_a_participant_cannot_release_what_is_held(questions):
    fac, projector, east, west, north = questions
    held = add(east, "question", JAYDEN)["id"]
    for action in ("release", "remove"):
        assert east.emit("moderate", {"id": held, "action": action}, callback=True)["error"]["code"] == "forbidden"
    assert events_snapshot(west)["contributions"] == []


def test_the_author_editing_a_held_question_keeps_it_held(questions):
    fac, projector, east, west, north = questions
    held = add(east, "question", JAYDEN)["id"]
    west.get_received()
    assert east.emit("edit", {"id": held, "text": "Jayden Smith: how is his plan reviewed?"}, callback=True) == {"ok": True}
    assert "Jayden" not in _texts(west.get_received())
    assert events_snapshot(fac)["contributions"][0]["held"]


def test_released_by_the_facilitator_after_an_edit_it_reaches_the_room(questions):
    fac, projector, east, west, north = questions
    held = add(east, "question", JAYDEN)["id"]
    words = "How is the plan of the child we discussed reviewed?"
    assert fac.emit("moderate", {"id": held, "action": "edit", "text": words}, callback=True) == {"ok": True}
    assert "Jayden" not in _texts(west.get_received() + projector.get_received())
    assert fac.emit("moderate", {"id": held, "action": "release"}, callback=True) == {"ok": True}
    shown = events(west, "contribution")[-1]
    assert shown["contribution"]["text"] == words and shown["contribution"]["held"] is None
    assert shown["queue"]["ids"] == [held]
    assert [c["text"] for c in events_snapshot(projector)["contributions"]] == [words]


def test_a_removed_question_is_wiped_from_the_disk_and_every_screen(app, questions):
    fac, projector, east, west, north = questions
    held = add(east, "question", JAYDEN)["id"]
    assert fac.emit("moderate", {"id": held, "action": "remove"}, callback=True) == {"ok": True}
    gone = {"id": held, "hidden": 1, "removed": 1}
    assert events(fac, "contribution")[-1]["contribution"] == gone
    assert events(west, "contribution")[-1]["contribution"] == gone
    assert events_snapshot(east)["contributions"] == [gone]  # its author is told it went
    assert events_snapshot(fac)["contributions"] == [gone]
    assert fac.emit("moderate", {"id": held, "action": "release"}, callback=True)["error"]["code"] == "not_found"
    assert east.emit("edit", {"id": held, "text": "again"}, callback=True)["error"]["code"] == "not_found"
    database = Path(app.config["DATABASE"])
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            data = path.read_bytes()
            assert b"Jayden" not in data and b"943 476 5919" not in data and b"Acacia" not in data, path


def test_the_facilitators_own_note_is_held_as_well(questions):
    fac, projector, east, west, north = questions
    ack = add(fac, "question", "Amira (9) lives in LS9 8AB", authority=EAST)
    assert ack["ok"] and "a postcode" in ack["held"]
    assert "Amira" not in _texts(projector.get_received())


# -- a held note on a review: the lead's to release or remove


def _note(phone, review, text: str) -> dict:
    payload = {"id": str(uuid.uuid4()), "line": review.lines[0], "source": "Case file", "text": text}
    return phone.emit("note", payload, namespace=NS, callback=True)


def _pages(review, reader) -> str:
    """Every page and copy a note in the record reaches, as the lead and another member read them."""
    urls = [f"/reviews/{review.id}/{u}" for u in ("feedback", "record", "export.json?internal=1", "export.md", "letter")]
    return "".join(review.lead.get(u).get_data(as_text=True) for u in urls) + reader.get(
        f"/reviews/{review.id}/lines/{review.lines[0]}").get_data(as_text=True)


def test_a_held_note_reaches_the_lead_alone_until_released(review):
    lead = review.socket(review.lead, "lead")
    phone = review.socket(review.member("TM1"), "member")
    reader = review.member("TM2")
    lead.get_received(NS)
    ack = _note(phone, review, JAYDEN)
    assert ack["ok"] and "lead reviewer" in ack["held"] and "an NHS number" in ack["held"]
    heard = [e["args"][0]["note"] for e in lead.get_received(NS) if e["name"] == "note"]
    assert heard[0]["held"] == ["an NHS number", "a date of birth", "a house address"] and "author" not in heard[0]
    console = parsed(review.lead.get(f"/reviews/{review.id}/console").get_data(as_text=True))
    assert [n["text"] for n in json.loads(console.select_one("#held-notes")["data-held"])] == [JAYDEN]
    assert "Jayden" not in console.select_one("#feed").get_text()
    assert "Jayden" not in _pages(review, reader)
    assert reader.post(f"/reviews/{review.id}/notes/{ack['id']}/release",
                       data={"csrf": csrf_page(reader, f"/reviews/{review.id}/survey")[0]}).status_code == 403

    words = "The child's plan was last reviewed in March."
    token, _ = csrf_page(review.lead, f"/reviews/{review.id}/console")
    response = review.lead.post(f"/reviews/{review.id}/notes/{ack['id']}/release", data={"csrf": token, "text": words})
    assert response.status_code == 302
    changed = [e["args"][0]["note"] for e in lead.get_received(NS) if e["name"] == "note_changed"]
    assert changed[-1]["text"] == words and changed[-1]["held"] is None
    line = reader.get(f"/reviews/{review.id}/lines/{review.lines[0]}").get_data(as_text=True)
    assert words.replace("'", "&#39;") in line  # in the record, for a key finding to cite
    assert "Jayden" not in _pages(review, reader)


def test_a_held_note_the_lead_removes_leaves_no_byte_behind(app, review):
    phone = review.socket(review.member("TM1"), "member")
    ack = _note(phone, review, "Amira (9) at 47 Church Street, Mosaic ID 7712345")
    token, _ = csrf_page(review.lead, f"/reviews/{review.id}/console")
    assert review.lead.post(f"/reviews/{review.id}/notes/{ack['id']}/remove", data={"csrf": token}).status_code == 302
    console = parsed(review.lead.get(f"/reviews/{review.id}/console").get_data(as_text=True))
    assert json.loads(console.select_one("#held-notes")["data-held"]) == []
    again = review.lead.post(f"/reviews/{review.id}/notes/{ack['id']}/release", data={"csrf": token, "text": "x"})
    assert again.status_code == 302 and "no such held note" in review.lead.get(
        f"/reviews/{review.id}/console").get_data(as_text=True)
    database = Path(app.config["DATABASE"])
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            assert b"Amira" not in path.read_bytes() and b"7712345" not in path.read_bytes(), path


def test_a_note_edited_by_its_author_stays_held(review):
    phone = review.socket(review.member("TM1"), "member")
    ack = _note(phone, review, JAYDEN)
    edited = phone.emit("note_edit", {"id": ack["id"], "text": "Jayden Smith: his plan"}, namespace=NS, callback=True)
    assert edited["ok"] and edited["held"] and edited["note"]["held"]
    assert "Jayden" not in review.lead.get(f"/reviews/{review.id}/feedback").get_data(as_text=True)
