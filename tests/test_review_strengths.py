"""Strengths first, and the host's voice: each key finding is a strength or an area for
development, the feedback and the letter open with the strengths, and the host answers findings,
previews the feedback, comments on the draft, keeps its own copies and alone publishes its letter."""

from __future__ import annotations

import io
import json
import uuid

import docx
import pytest

from facilitator.core.errors import Refused
from facilitator.review import feedback, findings, letter
from .support import NS, csrf_page, parsed


def store(review):
    return review.app.extensions["facilitator"].reviews


def note(review, text: str) -> str:
    phone = review.socket(review.member("TM1"), "member")
    payload = {"id": str(uuid.uuid4()), "line": review.lines[0], "source": "Case file", "text": text}
    assert phone.emit("note", payload, namespace=NS, callback=True)["ok"]
    return payload["id"]


def add_finding(review, text: str, kind: str | None, evidence: str | None = None):
    data = {"csrf": review.token, "line": review.lines[0], "text": text}
    data |= {"kind": kind} if kind else {}
    data |= {"evidence": evidence} if evidence else {}
    return review.lead.post(f"/reviews/{review.id}/findings", data=data)


def finding_id(review, text: str) -> str:
    return next(f["id"] for f in store(review).findings(review.id) if f["text"] == text)


def release(review, text: str) -> str:
    found = finding_id(review, text)
    response = review.lead.post(f"/reviews/{review.id}/findings/{found}/release",
                                data={"csrf": review.token, "line": review.lines[0], "on": "1"})
    assert response.status_code == 302
    return found


@pytest.fixture
def recorded(review):
    """A development recorded before a strength, both with evidence and released to the host."""
    evidence = note(review, "Three of five files had no threshold decision")
    assert add_finding(review, "Thresholds differ by locality", "development", evidence).status_code == 302
    assert add_finding(review, "Families praise their social workers", "strength", evidence).status_code == 302
    release(review, "Thresholds differ by locality")
    release(review, "Families praise their social workers")
    return review


def host_token(review) -> str:
    token, _ = csrf_page(review.host, f"/reviews/{review.id}/host")
    return token


def reply(review, found: str, stance: str, text: str = "", client=None, token=None):
    client = client or review.host
    return client.post(f"/reviews/{review.id}/findings/{found}/reply",
                       data={"csrf": token or host_token(review), "stance": stance, "text": text})


def sign_off(review):
    base = f"/reviews/{review.id}"
    assert review.lead.post(base + "/letter/share", data={"csrf": review.token}).status_code == 302
    qa = review.member("QA")
    token, _ = csrf_page(qa, base + "/letter")
    assert qa.post(base + "/letter/proofread", data={"csrf": token}).status_code == 302
    assert review.lead.post(base + "/letter/sign", data={"csrf": review.token}).status_code == 302
    assert store(review).letter(review.id)["signed_ms"]


def before(text: str, first: str, second: str) -> bool:
    return first in text and second in text and text.index(first) < text.index(second)


# -- strengths and areas for development


def test_a_finding_without_its_kind_is_refused_with_a_400_and_nothing_stored(review):
    note(review, "Three of five files had no threshold decision")
    response = add_finding(review, "Thresholds differ by locality", None)
    assert response.status_code == 400
    assert "strength or an area for development" in parsed(response.get_data(as_text=True)).select_one("#problem").text
    assert add_finding(review, "Thresholds differ by locality", "weakness").status_code == 400
    assert store(review).findings(review.id) == []
    form = parsed(review.lead.get(f"/reviews/{review.id}/lines/{review.lines[0]}").get_data(as_text=True))
    kinds = form.select('#finding-form input[name="kind"]')
    assert [k["value"] for k in kinds] == ["strength", "development"]
    assert not any(k.has_attr("checked") for k in kinds)  # the lead chooses: nothing is chosen for them


def test_strengths_open_the_verbal_feedback_even_when_recorded_last(recorded):
    line = feedback.verbal(store(recorded), store(recorded).review(recorded.id))["lines"][0]
    assert [(f["kind"], f["text"]) for f in line["findings"]] == [
        ("strength", "Families praise their social workers"), ("development", "Thresholds differ by locality")]
    for page in ("feedback", "record"):
        rows = parsed(recorded.lead.get(f"/reviews/{recorded.id}/{page}").get_data(as_text=True)).select(".finding-row")
        assert [r.select_one(".kind-badge").text for r in rows] == ["Strength", "Area for development"], page


def test_an_older_unmarked_finding_comes_last_until_the_lead_marks_it(recorded):
    rs = store(recorded)
    rs.add_finding({"id": "old1", "review_id": recorded.id, "line_id": recorded.lines[0], "text": "From before",
                    "evidence": [], "released": 0, "created_ms": 1})
    review = rs.review(recorded.id)
    assert [f["kind_label"] for f in feedback.verbal(rs, review)["lines"][0]["findings"]] == [
        "Strength", "Area for development", "Key finding"]
    with pytest.raises(Refused, match="strength or an area"):
        findings.set_kind(rs, review, "old1", {"kind": ""})
    response = recorded.lead.post(f"/reviews/{recorded.id}/findings/old1/kind",
                                  data={"csrf": recorded.token, "line": recorded.lines[0], "kind": "strength"})
    assert response.status_code == 302
    assert [f["text"] for f in feedback.verbal(rs, review)["lines"][0]["findings"]][:2] == [
        "Families praise their social workers", "From before"]


def test_the_letter_keeps_the_templates_words_and_opens_with_strengths(recorded):
    rs = store(recorded)
    review = rs.review(recorded.id)
    script = recorded.app.extensions["facilitator"].review_scripts["em-pctr"]
    current = letter.current(rs, review, script)
    assert current["title"] == "Peer Challenge Review Northshire Children's Services"
    assert current["summary"].startswith(
        "This letter summarises the findings of the recent Peer Challenge Review in Northshire which was conducted on "
        "21 to 23 December 2026. I would like to thank all of the staff we met for their assistance in undertaking "
        "this review.")
    assert ("The review aimed to provide an objective evaluation of the key strengths and areas for development "
            "within the Children and Young People's Service. In order to conduct this evaluation, a number of agreed "
            "hypotheses were investigated by a Peer Challenge Review Team.") in current["summary"]
    assert current["priority_intro"] == "This review has identified the following area(s) for priority action:"
    assert [ln["number"] for ln in current["lines"]] == [1, 2, 3]
    assert [f["text"] for f in current["strengths"]] == ["Families praise their social workers"]
    assert [f["text"] for f in current["developments"]] == ["Thresholds differ by locality"]
    body = recorded.lead.get(f"/reviews/{recorded.id}/letter").get_data(as_text=True)
    assert before(body, "Key strengths", "Areas for development")
    assert before(body, "Areas for development", "This review has identified the following area(s)")


def test_the_letter_is_addressed_and_signed_with_the_names_the_lead_enters(recorded):
    base = f"/reviews/{recorded.id}"
    letter_page = recorded.lead.get(base + "/letter").get_data(as_text=True)
    assert "Dear Host DCS" in letter_page  # until a name is entered
    too_long = recorded.lead.post(base + "/names", data={"csrf": recorded.token, "host_dcs_name": "x" * 121,
                                                         "lead_name": "Sam Lead"})
    assert too_long.status_code == 400 and "longer than 120" in too_long.get_data(as_text=True)
    assert store(recorded).review(recorded.id)["lead_name"] is None  # nothing changed
    token, _ = csrf_page(recorded.host, base + "/host")
    assert recorded.host.post(base + "/names", data={"csrf": token, "host_dcs_name": "Not me"}).status_code == 403
    # The draft as the lead saved it, untouched, follows the names entered after.
    recorded.lead.post(base + "/letter", data={"csrf": recorded.token, "salutation": "Dear Host DCS",
                                               "signature": "Lead reviewer", "variations": "None."})
    ok = recorded.lead.post(base + "/names", data={"csrf": recorded.token, "host_dcs_name": "Jo Bloggs",
                                                   "lead_name": "Sam Lead"})
    assert ok.status_code == 302
    body = parsed(recorded.lead.get(base + "/letter").get_data(as_text=True)).select_one(".letter-body").text
    assert "Dear Jo Bloggs" in body and "Sam Lead" in body and "Lead reviewer" not in body
    doc = json.loads(recorded.lead.get(base + "/export.json").get_data(as_text=True))
    assert doc["letter"]["salutation"] == "Dear Jo Bloggs" and doc["letter"]["signature"] == "Sam Lead"


def test_every_export_opens_with_strengths_then_areas_for_development(recorded):
    base = f"/reviews/{recorded.id}"
    strength, development = "Families praise their social workers", "Thresholds differ by locality"
    for fmt in ("md", "html"):
        text = recorded.lead.get(f"{base}/export.{fmt}").get_data(as_text=True)
        assert before(text, "Key strengths", "Areas for development"), fmt
        assert before(text, strength, development), fmt
        record = text[text.index("Record of the verbal feedback"):]
        assert before(record, strength, development), fmt
    html = parsed(recorded.lead.get(f"{base}/export.html").get_data(as_text=True))
    assert [li.text for li in html.select("ol.lines-investigated li")] == ["H1", "H2", "H3"]
    doc = json.loads(recorded.lead.get(f"{base}/export.json").get_data(as_text=True))
    assert doc["strengths"] == [strength] and doc["developments"] == [development]
    assert [f["kind"] for f in doc["record"]["lines"][0]["findings"]] == ["Strength", "Area for development"]
    word = docx.Document(io.BytesIO(recorded.lead.get(f"{base}/export.docx").data))
    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs.index("Key strengths") < paragraphs.index(strength) < paragraphs.index(
        "Areas for development") < paragraphs.index(development)
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert cells.index(f"Strength: {strength}") < cells.index(f"Area for development: {development}")


# -- the host's voice


def test_host_reply_to_a_released_finding_reaches_the_lead_and_the_record(recorded):
    base = f"/reviews/{recorded.id}"
    development = finding_id(recorded, "Thresholds differ by locality")
    token = host_token(recorded)
    assert reply(recorded, development, "correction", "", token=token).status_code == 400  # a correction says what
    assert reply(recorded, development, "maybe", "Hm", token=token).status_code == 400
    assert reply(recorded, development, "context", "x" * 2001, token=token).status_code == 400
    assert store(recorded).host_replies(recorded.id) == {}
    response = reply(recorded, development, "context", "A new framework started in May.", token=token)
    assert response.status_code == 302
    assert reply(recorded, finding_id(recorded, "Families praise their social workers"), "agree", token=token
                 ).status_code == 302  # agreeing needs no words
    line = parsed(recorded.lead.get(f"{base}/lines/{recorded.lines[0]}").get_data(as_text=True))
    item = line.select_one(f'.finding[data-finding="{development}"]')
    assert "The host adds context: A new framework started in May." in item.select_one(".host-reply").text
    for page in ("record", "feedback"):
        assert "A new framework started in May." in recorded.lead.get(f"{base}/{page}").get_data(as_text=True), page
    for fmt in ("md", "html", "json"):
        assert "A new framework started in May." in recorded.lead.get(f"{base}/export.{fmt}").get_data(as_text=True)
    host_page = parsed(recorded.host.get(base + "/host").get_data(as_text=True))
    assert "Your answer: adds context" in host_page.select_one(f"#reply-{development}").text


def test_only_the_host_replies_and_only_to_what_it_was_shown(recorded):
    base = f"/reviews/{recorded.id}"
    development = finding_id(recorded, "Thresholds differ by locality")
    assert reply(recorded, development, "agree", client=recorded.lead, token=recorded.token).status_code == 403
    member = recorded.member("TM2")
    member_token, _ = csrf_page(member, base + "/survey")
    assert reply(recorded, development, "agree", client=member, token=member_token).status_code == 403
    assert add_finding(recorded, "Not yet shared", "strength").status_code == 302
    hidden = finding_id(recorded, "Not yet shared")
    refused = reply(recorded, hidden, "agree")
    assert refused.status_code == 400 and "has shared" in refused.get_data(as_text=True)
    assert store(recorded).host_replies(recorded.id) == {}
    # And the host does not post as the lead.
    token = host_token(recorded)
    assert recorded.host.post(f"{base}/findings/{development}/kind",
                              data={"csrf": token, "kind": "strength"}).status_code == 403


def test_host_previews_the_verbal_feedback_read_only_with_only_what_it_was_shown(recorded):
    base = f"/reviews/{recorded.id}"
    assert add_finding(recorded, "Not yet shared", "strength").status_code == 302
    preview = recorded.host.get(base + "/host/feedback")
    assert preview.status_code == 200
    page = parsed(preview.get_data(as_text=True))
    texts = [r.text for r in page.select("#host-preview .finding-row")]
    assert len(texts) == 2 and "Families praise" in texts[0] and "Thresholds differ" in texts[1]
    assert not page.select("#host-preview form, #host-preview textarea")
    assert "Not yet shared" not in preview.get_data(as_text=True)
    assert recorded.lead.get(base + "/host/feedback").status_code == 403
    assert recorded.member("TM1").get(base + "/host/feedback").status_code == 403
    recorded.lead.post(base + "/letter/share", data={"csrf": recorded.token})
    assert "Not yet shared" in recorded.host.get(base + "/host/feedback").get_data(as_text=True)


def test_host_comments_on_the_draft_once_shared_and_the_lead_sees_them(recorded):
    base = f"/reviews/{recorded.id}"
    token = host_token(recorded)
    early = recorded.host.post(base + "/letter/comments", data={"csrf": token, "text": "Too soon"})
    assert early.status_code == 400 and "not been shared" in early.get_data(as_text=True)
    recorded.lead.post(base + "/letter/share", data={"csrf": recorded.token})
    assert recorded.host.post(base + "/letter/comments", data={"csrf": token, "text": "  "}).status_code == 400
    assert recorded.lead.post(base + "/letter/comments", data={"csrf": recorded.token, "text": "As the host"}
                              ).status_code == 403
    assert store(recorded).letter_comments(recorded.id) == []
    sent = recorded.host.post(base + "/letter/comments", data={"csrf": token, "text": "Please name the May framework."})
    assert sent.status_code == 302
    comments = parsed(recorded.lead.get(base + "/letter").get_data(as_text=True)).select("#letter-comments li")
    assert len(comments) == 1 and "Please name the May framework." in comments[0].text
    sign_off(recorded)
    late = recorded.host.post(base + "/letter/comments", data={"csrf": token, "text": "After"})
    assert late.status_code == 400 and len(store(recorded).letter_comments(recorded.id)) == 1


def test_host_downloads_its_own_record_and_letter_never_the_internal_copy(recorded):
    base = f"/reviews/{recorded.id}"
    assert recorded.host.get(base + "/host/letter.docx").status_code == 404  # not shared yet
    record = docx.Document(io.BytesIO(recorded.host.get(base + "/host/record.docx").data))
    paragraphs = [p.text for p in record.paragraphs]
    assert paragraphs[0] != "" and not any(p.startswith("INTERNAL") for p in paragraphs)
    assert "Dear Host DCS" not in paragraphs and "Record of the verbal feedback" in paragraphs
    assert recorded.host.get(base + "/host/record.html").status_code == 200
    assert recorded.host.get(base + "/host/record.json").status_code == 404
    assert recorded.lead.get(base + "/host/record.docx").status_code == 403
    recorded.lead.post(base + "/letter/share", data={"csrf": recorded.token})
    word = docx.Document(io.BytesIO(recorded.host.get(base + "/host/letter.docx").data))
    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs.index("Key strengths") < paragraphs.index("Areas for development")
    text = "\n".join(paragraphs + [c.text for t in word.tables for r in t.rows for c in r.cells])
    assert "(TM1)" not in text and "Three of five files" in text
    links = parsed(recorded.host.get(base + "/host").get_data(as_text=True)).select("#downloads a")
    assert len(links) == 4


def test_the_letter_is_public_only_once_the_host_publishes_it_signed(recorded):
    base = f"/reviews/{recorded.id}"
    stranger = recorded.app.test_client()
    refused = stranger.get(base + "/published")
    assert refused.status_code == 404 and "only once its host publishes it" in refused.get_data(as_text=True)
    token = host_token(recorded)
    recorded.lead.post(base + "/letter/share", data={"csrf": recorded.token})
    unsigned = recorded.host.post(base + "/letter/publish", data={"csrf": token})
    assert unsigned.status_code == 400 and "signed-off" in unsigned.get_data(as_text=True)
    sign_off(recorded)
    signed = reply(recorded, finding_id(recorded, "Thresholds differ by locality"), "agree", token=token)
    assert signed.status_code == 400 and "signed off" in signed.get_data(as_text=True)  # the record is fixed
    assert recorded.lead.post(base + "/letter/publish", data={"csrf": recorded.token}).status_code == 403
    assert stranger.get(base + "/published").status_code == 404
    assert recorded.host.post(base + "/letter/publish", data={"csrf": token}).status_code == 302
    public = stranger.get(base + "/published")
    assert public.status_code == 200 and public.headers["Content-Security-Policy"].startswith("default-src 'none'")
    text = parsed(public.get_data(as_text=True)).text
    assert "Peer Challenge Review Northshire Children's Services" in text and "(TM1)" not in text
    assert before(text, "Key strengths", "Areas for development")
    assert recorded.host.post(base + "/letter/publish", data={"csrf": token}).status_code == 400  # once
