"""Who may add what, when; the closed-question nudge; turn-taking in the question queue."""

import uuid

import pytest

from facilitator.live import contributions as c
from facilitator.core.scripts import day as scripts
from facilitator.core.errors import Refused

SCRIPT = scripts.load(scripts.SCRIPTS_DIR / "se-triad.toml")
ITEMS = {i.step.key: i for i in scripts.agenda(SCRIPT, ["A", "B", "C"]) if i.session in (0, None)}


def payload(kind, text="Something", **extra):
    return {"id": str(uuid.uuid4()), "kind": kind, "text": text, **extra}


@pytest.mark.parametrize("step, authority, kinds", [
    ("presentation", "A", ["risk"]),
    ("presentation", "B", ["risk"]),
    ("open-questions", "B", ["question", "risk"]),
    ("open-questions", "A", ["risk"]),
    ("strengths", "observer", ["strength", "risk"]),
    ("balcony", "C", ["insight", "risk"]),
    ("balcony", "A", ["risk"]),
    ("reflection", "A", ["offer", "ask", "risk"]),
    ("reflection", "B", ["risk"]),
    ("break", "A", []),
    ("learning-points", "B", ["learning"]),
])
def test_what_each_part_can_add_at_each_step(step, authority, kinds):
    assert c.kinds_open(SCRIPT, ITEMS[step], authority) == kinds


def test_a_new_contribution_records_session_step_and_origin():
    row = c.new(SCRIPT, ITEMS["open-questions"], payload("risk", " Budget gap ", category="Budget"),
                {"id": "p1", "authority": "B"}, 5)
    assert row["text"] == "Budget gap" and row["category"] == "Budget"
    assert (row["session"], row["presenter"], row["step"], row["origin"]) == (0, "A", "open-questions", "visitor")
    assert row["author_authority"] == "B" and row["created_ms"] == 5


@pytest.mark.parametrize("body, code", [
    (payload("risk"), "invalid"),  # no category
    (payload("risk", category="Weather"), "invalid"),
    (payload("question", category="Budget"), "invalid"),
    (payload("question", text=""), "invalid"),
    (payload("question", text="x" * 1001), "too_long"),
    (payload("question", text=7), "invalid"),
    ({**payload("question"), "id": "not-a-uuid"}, "invalid"),
    (payload("gossip"), "invalid"),
    (payload("offer"), "not_now"),
    ("a string", "invalid"),
])
def test_bad_contributions_are_refused_with_a_code(body, code):
    with pytest.raises(Refused) as info:
        c.new(SCRIPT, ITEMS["open-questions"], body, {"id": "p1", "authority": "B"}, 0)
    assert info.value.code == code


def test_the_facilitator_may_add_any_kind_attributed_to_an_authority():
    row = c.new(SCRIPT, ITEMS["break"], payload("learning", authority="C"),
                {"id": None, "authority": None, "facilitator": True}, 0)
    assert row["origin"] == "facilitator" and row["author_authority"] == "C"


@pytest.mark.parametrize("text, closed", [
    ("Is the budget agreed?", True), ("Do you have a plan?", True), ("Don't you think so?", True),
    ("What helped most?", False), ("How do you know?", False), ("Tell us about the front door", False),
    ("Island thinking: what is it?", False),
])
def test_closed_questions_are_spotted_by_how_they_open(text, closed):
    assert c.looks_closed(text) is closed


def q(id, authority, created, votes=0, asked=None, session=0):
    return {"id": id, "kind": "question", "session": session, "author_authority": authority, "created_ms": created,
            "votes": votes, "asked_ms": asked, "hidden": 0, "merged_into": None}


def test_the_queue_alternates_between_the_visiting_authorities():
    rows = [q("b1", "B", 1), q("b2", "B", 2), q("c1", "C", 3), q("b3", "B", 4)]
    assert c.queue(rows, 0, ["B", "C"], {"question"}) == {"turn": "B", "ids": ["b1", "c1", "b2", "b3"]}


def test_after_a_question_is_asked_the_turn_passes_to_the_other_visitor():
    rows = [q("b1", "B", 1, asked=10), q("b2", "B", 2), q("c1", "C", 3)]
    assert c.queue(rows, 0, ["B", "C"], {"question"}) == {"turn": "C", "ids": ["c1", "b2"]}


def test_votes_order_questions_within_an_authority_and_other_sessions_are_left_out():
    rows = [q("b1", "B", 1), q("b2", "B", 2, votes=3), q("x", "B", 0, session=1)]
    assert c.queue(rows, 0, ["B", "C"], {"question"})["ids"] == ["b2", "b1"]
