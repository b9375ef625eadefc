"""What the server works out once and sends, so that no page works it out again: which side of the
risk wall a signature stands on, each authority's part in the step, the labels in the plural."""

import uuid

import pytest

from facilitator.core.wording import plural

from .support import AUTHORITIES, add, events, timer

NORTH, EAST, WEST = AUTHORITIES


def on_behalf(fac, authority, text):
    return fac.emit("contribute", {"id": str(uuid.uuid4()), "kind": "risk", "text": text,
                                   "category": "Workforce", "authority": authority}, callback=True)


def test_each_contribution_says_whether_the_presenting_authority_named_it(room):
    fac, presenter, east = room.facilitator(), room.participant("Pat", NORTH), room.participant("Eve", EAST)
    timer(fac, "next")  # the presentation: the North presents
    ids = {
        add(presenter, "risk", "Turnover", category="Workforce")["id"]: True,
        add(east, "risk", "Quiet members", category="Workforce")["id"]: False,
        on_behalf(fac, NORTH, "Caseloads, as the North put it")["id"]: True,
        on_behalf(fac, EAST, "Drift, as the East saw it")["id"]: False,
    }
    for screen in (fac, presenter, room.projector()):
        rows = {r["id"]: r for r in screen.emit("snapshot", callback=True)["snapshot"]["contributions"]}
        assert {i: rows[i]["named_by_presenter"] for i in ids} == ids
    # and each one as it is broadcast, so a screen need not wait for a snapshot to place it
    sent = {e["contribution"]["id"]: e["contribution"]["named_by_presenter"] for e in events(east, "contribution")}
    assert {i: sent[i] for i in ids} == ids


def test_a_phone_is_told_its_part_in_each_step_as_the_clock_moves(room):
    fac, east = room.facilitator(), room.participant("Eve", EAST)
    snap = events(east, "snapshot")[0]
    assert snap["clock"]["parts"] == {NORTH: "observer", EAST: "observer", WEST: "observer", "observer": "observer"}
    east.get_received()
    timer(fac, "next")  # the North presents
    parts = events(east, "clock")[-1]["clock"]["parts"]
    assert parts == {NORTH: "presenter", EAST: "visitor", WEST: "visitor", "observer": "observer"}
    assert snap["clock"]["open_kinds"].keys() >= {"presenter", "visitor", "observer"}
    # the part names the list of kinds the phone may add
    clock = east.emit("snapshot", callback=True)["snapshot"]["clock"]
    assert clock["open_kinds"][clock["parts"][NORTH]] == ["risk"]
    assert "risk" in clock["open_kinds"][clock["parts"][EAST]]


def test_the_script_comes_with_its_labels_in_the_plural_as_the_documents_word_them(room):
    snap = events(room.participant("Eve", EAST), "snapshot")[0]
    plurals = snap["script"]["plurals"]
    assert plurals["category"] == "Signatures of risk"  # the script's category_label
    assert plurals["kinds"]["risk"] == "Signatures of risk"
    assert plurals["kinds"]["question"] == "Open questions"
    assert set(plurals["kinds"]) == set(snap["script"]["kinds"])


@pytest.mark.parametrize("label, words", [
    ("Signature of risk", "Signatures of risk"), ("Offer", "Offers"), ("Approach", "Approaches"),
    ("Box of tricks", "Boxes of tricks"), ("Wish", "Wishes"), ("Ideas", "Ideas"),
])
def test_one_plural_for_the_documents_and_the_screens(label, words):
    assert plural(label) == words


def test_the_longest_text_a_form_allows_is_the_one_the_server_takes(room):
    phone = room.participant("Eve", EAST)
    most = events(phone, "snapshot")[0]["script"]["max_text"]
    timer(room.facilitator(), "next")
    assert add(phone, "risk", "x" * most, category="Workforce")["ok"]
    assert add(phone, "risk", "x" * (most + 1), category="Workforce")["error"]["code"] == "too_long"
