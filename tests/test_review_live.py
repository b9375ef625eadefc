"""Peer reviews through the Flask test client and Socket.IO test clients: who may do what, acks
for anything sent, notes once, incidents to the lead at once, and what exports leave out."""

from __future__ import annotations

import json
import uuid

import pytest

from facilitator.web.realtime import socketio
from .support import NS, csrf_page, parsed





def test_each_visitor_sees_only_their_own_pages(review, app):
    member = review.member("TM1")
    stranger = app.test_client()
    assert member.get(f"/reviews/{review.id}/console").status_code == 403
    assert review.host.get(f"/reviews/{review.id}/console").status_code == 403
    assert review.host.get(f"/reviews/{review.id}/notebook").status_code == 403
    assert stranger.get(f"/reviews/{review.id}/host").status_code == 403
    assert member.get(f"/reviews/{review.id}/export.json").status_code == 403
    assert member.get(f"/reviews/{review.id}/letter").status_code == 403  # TM1 is not the QA reviewer
    assert review.member("QA").get(f"/reviews/{review.id}/letter").status_code == 200
    assert stranger.get("/reviews/host/not-a-key").status_code == 404
    token, _ = csrf_page(member, f"/reviews/{review.id}/survey")
    assert member.post(f"/reviews/{review.id}/decide", data={"csrf": token}).status_code == 403
    assert review.lead.post(f"/reviews/{review.id}/hypotheses", data={"title": "no token"}).status_code == 400


def test_joining_needs_a_role_of_the_script_and_never_a_name(review, app):
    client = app.test_client()
    token, page = csrf_page(client, review.join_url)
    assert "name" not in [field["name"] for field in parsed(page).select("input[name], select[name]")][1:]
    assert client.post(review.join_url, data={"csrf": token, "role": "Lead"}).status_code == 400
    assert client.post(review.join_url, data={"csrf": token, "role": "Alice"}).status_code == 400


def test_a_note_is_acknowledged_once_and_reaches_the_lead(review):
    lead = review.socket(review.lead, "lead")
    phone = review.socket(review.member("TM2"), "member")
    lead.get_received(NS)
    payload = {"id": str(uuid.uuid4()), "line": review.lines[0], "source": "Interview", "text": "Heard in interview"}
    first = phone.emit("note", payload, namespace=NS, callback=True)
    again = phone.emit("note", payload, namespace=NS, callback=True)
    assert first == {"ok": True, "id": payload["id"], "duplicate": False, "held": None}
    assert again == {"ok": True, "id": payload["id"], "duplicate": True, "held": None}
    notes = [e["args"][0]["note"] for e in lead.get_received(NS) if e["name"] == "note"]
    assert len(notes) == 1 and notes[0]["role"] == "TM2" and notes[0]["text"] == "Heard in interview"


@pytest.mark.parametrize("payload", [None, "text", [1, 2], {"id": 5}, {"id": "0" * 36}])
def test_every_event_acks_whatever_it_is_sent(review, payload):
    phone = review.socket(review.member("TM1"), "member")
    for event in ("note", "incident", "timer", "note_edit", "note_withdraw"):
        ack = phone.emit(event, payload, namespace=NS, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] in ("invalid", "forbidden", "not_found")


def _note(phone, review, text="Heard in interview"):
    payload = {"id": str(uuid.uuid4()), "line": review.lines[0], "source": "Interview", "text": text}
    assert phone.emit("note", payload, namespace=NS, callback=True)["ok"]
    return payload["id"]


def test_only_its_author_corrects_a_note_and_the_lead_hears_of_it(review):
    lead = review.socket(review.lead, "lead")
    tm1_client = review.member("TM1")
    tm1 = review.socket(tm1_client, "member")
    tm2 = review.socket(review.member("TM2"), "member")
    host = review.socket(review.host, "host")
    note_id = _note(tm1, review)
    lead.get_received(NS)
    assert tm2.emit("note_edit", {"id": note_id, "text": "Not mine"}, namespace=NS, callback=True)["error"]["code"] \
        == "forbidden"
    assert lead.emit("note_edit", {"id": note_id, "text": "Not the lead's"}, namespace=NS, callback=True)["error"][
        "code"] == "forbidden"
    assert host.emit("note_edit", {"id": note_id, "text": "x"}, namespace=NS, callback=True)["error"]["code"] == \
        "forbidden"
    assert tm1.emit("note_edit", {"id": note_id, "text": "  "}, namespace=NS, callback=True)["error"]["code"] == "invalid"
    assert tm1.emit("note_edit", {"id": note_id, "text": "x", "source": "Gossip"}, namespace=NS,
                    callback=True)["error"]["code"] == "invalid"
    assert tm1.emit("note_edit", {"id": str(uuid.uuid4()), "text": "x"}, namespace=NS, callback=True)["error"][
        "code"] == "not_found"
    ack = tm1.emit("note_edit", {"id": note_id, "text": "Heard in two interviews", "source": "Focus group"},
                   namespace=NS, callback=True)
    assert ack["ok"] and ack["note"]["text"] == "Heard in two interviews" and "author" not in ack["note"]
    received = lead.get_received(NS)
    changed = [e["args"][0]["note"] for e in received if e["name"] == "note_changed"]
    assert changed == [ack["note"]] and changed[0]["source"] == "Focus group"
    assert [e["name"] for e in received].count("feedback") == 1
    assert [n["text"] for n in review.app.extensions["facilitator"].reviews.notes(review.id)] == ["Heard in two interviews"]
    # The same device, reconnected, is still the author; a second device under the same role is not.
    again = review.socket(tm1_client, "member")
    assert again.emit("note_edit", {"id": note_id, "text": "Heard twice"}, namespace=NS, callback=True)["ok"]
    other_tm1 = review.socket(review.member("TM1"), "member")
    assert other_tm1.emit("note_withdraw", {"id": note_id}, namespace=NS, callback=True)["error"]["code"] == \
        "forbidden"


def test_withdrawing_a_note_that_is_evidence_asks_first(review):
    tm1 = review.socket(review.member("TM1"), "member")
    lead = review.socket(review.lead, "lead")
    evidence_id = _note(tm1, review, "Three files had no threshold decision")
    plain_id = _note(tm1, review, "A stray thought")
    review.lead.post(f"/reviews/{review.id}/findings", data={"csrf": review.token, "line": review.lines[0],
                                                            "text": "Thresholds differ", "kind": "development",
                                                            "evidence": evidence_id})
    ack = tm1.emit("note_withdraw", {"id": plain_id}, namespace=NS, callback=True)
    assert ack == {"ok": True, "id": plain_id, "withdrawn": True}
    lead.get_received(NS)
    refused = tm1.emit("note_withdraw", {"id": evidence_id}, namespace=NS, callback=True)
    assert refused["error"]["code"] == "in_use" and "'Thresholds differ'" in refused["error"]["message"]
    assert "Three files" in review.lead.get(f"/reviews/{review.id}/feedback").get_data(as_text=True)
    assert tm1.emit("note_withdraw", {"id": evidence_id, "confirm": "yes"}, namespace=NS, callback=True)["error"][
        "code"] == "in_use"
    ack = tm1.emit("note_withdraw", {"id": evidence_id, "confirm": True}, namespace=NS, callback=True)
    assert ack["ok"]
    withdrawn = [e["args"][0]["note"] for e in lead.get_received(NS) if e["name"] == "note_changed"]
    assert withdrawn[0]["id"] == evidence_id and withdrawn[0]["withdrawn_ms"]
    for url in ("feedback", "console", f"lines/{review.lines[0]}", "export.json?internal=1"):
        assert "Three files" not in review.lead.get(f"/reviews/{review.id}/{url}").get_data(as_text=True), url
    assert "Thresholds differ" in review.lead.get(f"/reviews/{review.id}/feedback").get_data(as_text=True)
    # Gone for good: a resend of its id is a duplicate, a second withdrawal finds nothing.
    resend = {"id": evidence_id, "line": review.lines[0], "source": "Data", "text": "Back again"}
    assert tm1.emit("note", resend, namespace=NS, callback=True)["duplicate"] is True
    assert tm1.emit("note_withdraw", {"id": evidence_id}, namespace=NS, callback=True)["error"]["code"] == "not_found"
    assert "Back again" not in review.lead.get(f"/reviews/{review.id}/console").get_data(as_text=True)


def test_notes_no_longer_change_once_the_letter_is_signed(review):
    tm1 = review.socket(review.member("TM1"), "member")
    note_id = _note(tm1, review)
    review.app.extensions["facilitator"].reviews.save_letter(review.id, {"signed_ms": 1})
    for event, payload in (("note_edit", {"id": note_id, "text": "Later"}), ("note_withdraw", {"id": note_id})):
        ack = tm1.emit(event, payload, namespace=NS, callback=True)
        assert ack["error"]["code"] == "closed" and "signed off" in ack["error"]["message"]


def test_the_projected_feedback_hears_of_each_change_after_it_is_stored(review):
    lead = review.socket(review.lead, "lead")
    tm1 = review.socket(review.member("TM1"), "member")
    note_id = _note(tm1, review)
    lead.get_received(NS)
    base = f"/reviews/{review.id}"
    review.lead.post(base + "/findings", data={"csrf": review.token, "line": review.lines[0], "text": "F1",
                                               "kind": "strength", "evidence": note_id})
    review.lead.post(f"{base}/lines/{review.lines[0]}/conclusions", data={"csrf": review.token, "conclusions": "C1"})
    review.lead.post(base + "/actions", data={"csrf": review.token, "text": "A1", "agreed": "Y"})
    review.lead.post(base + "/actions", data={"csrf": review.token, "text": "", "agreed": "Y"})  # refused: no news
    seqs = [e["args"][0]["seq"] for e in lead.get_received(NS) if e["name"] == "feedback"]
    assert len(seqs) == 3 and seqs == sorted(seqs)
    assert seqs[-1] == review.app.extensions["facilitator"].reviews.review(review.id)["seq"]
    assert not [e for e in tm1.get_received(NS) if e["name"] == "feedback"]  # the lead's pages only


def test_only_the_lead_moves_the_clock_and_the_host_sends_no_notes(review):
    phone = review.socket(review.member("TM1"), "member")
    host = review.socket(review.host, "host")
    lead = review.socket(review.lead, "lead")
    assert phone.emit("timer", {"action": "start"}, namespace=NS, callback=True)["error"]["code"] == "forbidden"
    assert host.emit("note", {"id": str(uuid.uuid4())}, namespace=NS, callback=True)["error"]["code"] == "forbidden"
    ack = lead.emit("timer", {"action": "start"}, namespace=NS, callback=True)
    assert ack["ok"] and ack["clock"]["status"] == "running"
    clocks = [e for e in phone.get_received(NS) if e["name"] == "clock"]
    assert clocks[-1]["args"][0]["clock"]["status"] == "running"
    assert lead.emit("timer", {"action": "start"}, namespace=NS, callback=True)["error"]["message"] == \
        "the timer is already running"


def test_a_connection_without_its_link_is_refused(review, app):
    stranger = socketio.test_client(app, namespace=NS, flask_test_client=app.test_client(),
                                    auth={"review": review.id, "role": "lead"})
    assert not stranger.is_connected(NS)
    posing = review.socket(review.member("TM1"), "lead")
    assert not posing.is_connected(NS)
    for auth in (None, ["lead"], {"review": "nope", "role": "lead"}):
        odd = socketio.test_client(app, namespace=NS, flask_test_client=review.lead, auth=auth)
        assert not odd.is_connected(NS)


def test_an_incident_reaches_the_lead_and_never_a_plain_export(review):
    lead = review.socket(review.lead, "lead")
    phone = review.socket(review.member("TM3"), "member")
    lead.get_received(NS)
    incident = {"id": str(uuid.uuid4()), "nature": "Unvisited child", "evidence": "File 7"}
    assert phone.emit("incident", incident, namespace=NS, callback=True)["ok"]
    raised = [e["args"][0]["incident"] for e in lead.get_received(NS) if e["name"] == "incident"]
    assert raised[0]["nature"] == "Unvisited child" and raised[0]["role"] == "TM3"
    phone.emit("note", {"id": str(uuid.uuid4()), "line": review.lines[0], "source": "Data", "text": "A figure"},
               namespace=NS, callback=True)
    for fmt in ("md", "json", "html"):
        body = review.lead.get(f"/reviews/{review.id}/export.{fmt}").get_data(as_text=True)
        assert "Unvisited child" not in body and "TM3" not in body
    internal = json.loads(review.lead.get(f"/reviews/{review.id}/export.json?internal=1").get_data(as_text=True))
    assert internal["internal"] is True and internal["incidents"][0]["Nature of incident (narrative)"] == \
        "Unvisited child"
    assert review.lead.get(f"/reviews/{review.id}/export.pdf").status_code == 404


def test_incident_signatures_need_the_record_first(review):
    lead = review.socket(review.lead, "lead")
    phone = review.socket(review.member("TM1"), "member")
    lead.get_received(NS)
    incident_id = str(uuid.uuid4())
    phone.emit("incident", {"id": incident_id, "nature": "Risk"}, namespace=NS, callback=True)
    [raised] = [e["args"][0]["incident"] for e in lead.get_received(NS) if e["name"] == "incident"]
    assert raised["status"] == "to be signed"  # the server words it; the lead's page shows it as sent
    base = f"/reviews/{review.id}/incidents/{incident_id}"
    review.lead.post(base + "/lead-sign", data={"csrf": review.token})
    assert "record when it was raised" in review.lead.get(base).get_data(as_text=True)
    shown = parsed(review.host.get(f"/reviews/{review.id}/host").get_data(as_text=True)).select_one("#incidents")
    assert "Risk" in shown.get_text() and shown.select_one("form") is None  # seen at once; nothing to sign yet
    review.lead.post(base, data={"csrf": review.token, "raised_at": "2026-12-21T12:00", "host_action": "Visit"})
    review.lead.post(base + "/lead-sign", data={"csrf": review.token, "name": "Lee Lead"})
    token, page = csrf_page(review.host, f"/reviews/{review.id}/host")
    assert "Risk" in page
    review.host.post(base + "/host-sign", data={"csrf": token, "name": "Hana Host"})
    assert "Hana Host, " in review.host.get(f"/reviews/{review.id}/host").get_data(as_text=True)
    signed = [e["args"][0]["incident"] for e in lead.get_received(NS) if e["name"] == "incident"]
    assert signed[-1]["status"] == "signed by both"
    console = parsed(review.lead.get(f"/reviews/{review.id}/console").get_data(as_text=True))
    assert [b.get_text() for b in console.select(f'li[data-id="{incident_id}"] .badge')] == ["TM1", "signed by both"]


@pytest.mark.parametrize("minutes, code", [(1e308, "not_now"), (-1e308, "not_now"), (10 ** 99, "not_now"),
                                           (-5, "not_now"), (0, "not_now"), (61, "not_now"), ("5", "invalid"),
                                           (True, "invalid"), (None, "invalid"), ([5], "invalid")])
def test_the_review_timer_refuses_an_extension_out_of_range_as_the_day_does(review, minutes, code):
    lead = review.socket(review.lead, "lead")
    ack = lead.emit("timer", {"action": "extend", "minutes": minutes}, namespace=NS, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    if minutes not in (-5, 0):  # other actions ignore a small number, never a huge one or a non-number
        assert lead.emit("timer", {"action": "start", "minutes": minutes}, namespace=NS, callback=True)["error"][
            "code"] == "invalid"
    ack = lead.emit("timer", {"action": "extend", "minutes": 60}, namespace=NS, callback=True)
    assert ack["ok"] and ack["clock"]["remaining_ms"] > 60 * 60_000


def test_review_events_refuse_extra_arguments_and_unknown_names(review):
    phone = review.socket(review.member("TM1"), "member")
    note = {"id": str(uuid.uuid4()), "line": review.lines[0], "source": "Interview", "text": "x"}
    assert phone.emit("note", note, {"more": 1}, namespace=NS, callback=True)["error"]["code"] == "invalid"
    assert phone.emit("time", {"x": 1}, namespace=NS, callback=True)["error"]["code"] == "invalid"
    assert phone.emit("no_such_event", {}, namespace=NS, callback=True)["error"]["code"] == "unknown_event"
    assert phone.emit("connect", {"review": review.id, "role": "lead"}, namespace=NS, callback=True)["error"][
        "code"] == "invalid"
    assert phone.emit("disconnect", namespace=NS, callback=True)["error"]["code"] == "invalid"
    assert phone.is_connected(NS) and phone.emit("time", namespace=NS, callback=True)["ok"]
