"""The presenter's reflection: what its authority heard and will do, written from its phones in its
reflection step (or by the facilitator on its behalf), kept on disk, heard live, and drawn into
the summary's Reflection section in place of the placeholder."""

import pytest

from facilitator.app import create_app
from facilitator.writeup import document, summary

from .support import AUTHORITIES, events, timer

NORTH, EAST, WEST = AUTHORITIES
REFLECTION = 5  # arrival, then session 1: presentation, open questions, strengths, balcony, reflection
SAID = {"heard": "Our early help story is not yet told with evidence.",
        "will_do": "Bring the data profile to the next scrutiny panel."}


def _to(fac, index):
    timer(fac, "start")
    for _ in range(index):
        timer(fac, "next")


@pytest.fixture
def reflecting(room):
    """Session 1's reflection running: Northshire presents, Eastbridge visits."""
    fac, pat, eve, obi = (room.facilitator(), room.participant("Pat", NORTH), room.participant("Eve", EAST),
                          room.participant("Obi", "observer"))
    _to(fac, REFLECTION)
    for sio in (fac, pat, eve, obi):
        sio.get_received()
    return fac, pat, eve, obi


def _draft(engine, day, part="session-0"):
    script = engine.scripts[day["script"]]
    return summary.draft(script, day, engine.store.contributions(day["id"]), part)


def test_the_presenters_phone_writes_it_and_every_screen_hears_it(room, engine, day, clock, reflecting):
    fac, pat, eve, obi = reflecting
    projector = room.projector()
    projector.get_received()
    assert pat.emit("reflect", SAID, callback=True) == {"ok": True}
    stored = engine.store.day(day["id"])["reflections"]["0:reflection"]
    assert {k: stored[k] for k in SAID} == SAID and stored["by"] == "presenter" and stored["updated_ms"] == clock.now
    for sio in (fac, projector, eve):
        (heard,) = events(sio, "reflection")
        assert heard["reflection"] == {"session": 0, "step": "reflection", **SAID, "by": "presenter",
                                       "updated_ms": clock.now}
    snap = events(room.participant("Ann", WEST), "snapshot")[0]
    assert snap["reflections"] == [{"session": 0, "step": "reflection", **SAID, "by": "presenter",
                                    "updated_ms": clock.now}]
    assert [i["index"] for i in snap["agenda"] if i["reflection"]] == [5, 11, 17]  # a break and lunch between


def test_a_second_save_rewrites_it(engine, day, reflecting):
    fac, pat, eve, obi = reflecting
    assert pat.emit("reflect", SAID, callback=True)["ok"]
    assert pat.emit("reflect", {**SAID, "will_do": "Ask Westvale about its academy."}, callback=True)["ok"]
    assert engine.store.day(day["id"])["reflections"]["0:reflection"]["will_do"] == "Ask Westvale about its academy."


def test_only_the_presenting_authority_writes_it_and_only_in_its_reflection(room, engine, day, reflecting):
    fac, pat, eve, obi = reflecting
    assert eve.emit("reflect", SAID, callback=True)["error"]["code"] == "forbidden"
    assert obi.emit("reflect", SAID, callback=True)["error"]["code"] == "forbidden"
    assert room.projector().emit("reflect", SAID, callback=True)["error"]["code"] == "forbidden"
    timer(fac, "back")  # the balcony: Northshire listens
    assert pat.emit("reflect", SAID, callback=True)["error"]["code"] == "not_now"
    assert engine.store.day(day["id"])["reflections"] == {}


@pytest.mark.parametrize("payload, code", [
    ({}, "invalid"), ({"heard": " ", "will_do": "\u200b"}, "invalid"), ({"heard": "x" * 2001}, "invalid"),
    ({"heard": 5}, "invalid"), ({"will_do": ["a"]}, "invalid"), ("heard", "invalid"), (None, "invalid"),
    ({**SAID, "session": 1}, "not_now"),
])
def test_bad_input_is_refused_with_a_clear_error_and_stores_nothing(engine, day, reflecting, payload, code):
    fac, pat, eve, obi = reflecting
    ack = pat.emit("reflect", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code and ack["error"]["message"]
    assert engine.store.day(day["id"])["reflections"] == {}


def test_the_facilitator_writes_it_on_the_authoritys_behalf_for_any_session(room, engine, day):
    fac = room.facilitator()
    assert fac.emit("reflect", {"session": 2, "will_do": "Share the front door model."}, callback=True) == {"ok": True}
    stored = engine.store.day(day["id"])["reflections"]["2:reflection"]
    assert stored["by"] == "facilitator" and stored["heard"] == "" and stored["will_do"] == "Share the front door model."
    for session in (3, -1, None, True, "0"):
        ack = fac.emit("reflect", {"session": session, **SAID}, callback=True)
        assert ack["error"]["code"] == "invalid", session
    assert fac.emit("reflect", {"session": 0, "step": "balcony", **SAID}, callback=True)["error"]["code"] == "invalid"


def test_once_the_day_ends_phones_write_no_more_but_the_facilitator_may(engine, day, reflecting):
    fac, pat, eve, obi = reflecting
    assert fac.emit("end_day", {"confirm": True}, callback=True)["ok"]
    assert pat.emit("reflect", SAID, callback=True)["error"]["code"] == "not_now"
    assert fac.emit("reflect", {"session": 0, **SAID}, callback=True)["ok"]


def test_the_summary_draws_it_in_place_of_the_placeholder(engine, day, reflecting):
    fac, pat, eve, obi = reflecting
    assert summary.PLACEHOLDER in _draft(engine, day)
    assert pat.emit("reflect", SAID, callback=True)["ok"]
    day = engine.store.day(day["id"])
    text = _draft(engine, day)
    section = text.split("### Reflection")[1].split("###")[0]
    assert f"**What Northshire heard:** {SAID['heard']}" in section
    assert f"**What Northshire will do:** {SAID['will_do']}" in section
    assert summary.PLACEHOLDER not in section
    assert summary.PLACEHOLDER in _draft(engine, day, "session-1")  # nothing said there yet


def test_what_was_not_said_keeps_its_placeholder(room, engine, day):
    fac = room.facilitator()
    assert fac.emit("reflect", {"session": 1, "heard": "That our budget story lands."}, callback=True)["ok"]
    section = _draft(engine, engine.store.day(day["id"]), "session-1").split("### Reflection")[1]
    assert "**What Eastbridge heard:** That our budget story lands." in section
    assert f"**What Eastbridge will do:** _{summary.PLACEHOLDER}._" in section


def test_a_summary_saved_before_the_reflection_takes_it_in_and_the_export_no_longer_flags_it(app, engine, day,
                                                                                              reflecting):
    fac, pat, eve, obi = reflecting
    reports = app.extensions["facilitator"].reports
    script = engine.scripts[day["script"]]
    saved = summary.current(script, day, engine.store.contributions(day["id"]), {})[0]["prose"]
    reports.save_summary(day["id"], "session-0", saved + "\nThe facilitator's own note.\n", 1)
    assert pat.emit("reflect", SAID, callback=True)["ok"]
    with app.app_context():
        doc = document.gather(engine, reports, engine.store.day(day["id"]), 0)
    first = doc["summary"][0]["markdown"]
    assert SAID["will_do"] in first and "The facilitator's own note." in first and summary.PLACEHOLDER not in first
    flagged = document.placeholders(doc)
    assert not any(f.startswith("Session 1: Northshire") for f in flagged)
    assert len([f for f in flagged if summary.PLACEHOLDER in f]) == 2


def test_it_is_on_disk_for_a_fresh_app(tmp_path, clock):
    config = {"DATABASE": str(tmp_path / "day.db"), "SECRET_KEY": "test", "NOW": clock, "TESTING": True}
    engine = create_app(config).extensions["facilitator"].engine
    day = engine.create_day("Day", "2026-11-22", AUTHORITIES, "se-triad", None, clock.now)
    engine.reflect(day["id"], {"id": None, "authority": None, "facilitator": True}, {"session": 0, **SAID}, clock.now)
    again = create_app(config).extensions["facilitator"].engine
    assert again.store.day(day["id"])["reflections"]["0:reflection"]["heard"] == SAID["heard"]


def test_the_summary_page_shows_it(client, room, engine, day, reflecting):
    fac, pat, eve, obi = reflecting
    assert pat.emit("reflect", SAID, callback=True)["ok"]
    client.get(f"/f/{day['facilitator_key']}")
    page = client.get(f"/console/{day['id']}/summary").get_data(as_text=True)
    assert SAID["heard"] in page and SAID["will_do"] in page
