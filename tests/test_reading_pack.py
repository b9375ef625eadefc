"""The host's reading pack before the fieldwork, slim by design, and the team's requests for
supplementary material with the host's answers, through the pages."""

from __future__ import annotations

import io

from facilitator.core import erase
from facilitator.review import reading_pack
from tests.support import Review, csrf_page, multipart_form, parsed
from tests.test_self_assessment import _docx

PDF = b"%PDF-1.7\n1 0 obj\n%%EOF"


def _page(client, review) -> object:
    return parsed(client.get(f"/reviews/{review.id}/reading").get_data(as_text=True))


def _add(review, name: str, data: bytes, title: str = ""):
    return review.host.post(f"/reviews/{review.id}/reading/documents",
                            data={"csrf": _token(review.host, review), "title": title, "document": (io.BytesIO(data), name)})


def _token(client, review) -> str:
    return csrf_page(client, f"/reviews/{review.id}/reading")[0]


def _problem(client, review) -> str:
    found = _page(client, review).select_one("#problem")
    return found.get_text() if found else ""


def test_reading_pack_added_by_the_host_read_by_the_team(app, clock):
    review = Review(app)
    assert _add(review, "Early help strategy.pdf", PDF, "Early help strategy 2025-28").status_code == 302
    assert _add(review, "Partnership minutes.docx", _docx()).status_code == 302
    member = review.member("TM1")
    page = _page(member, review)
    links = page.select("#pack li.document a")
    assert [a.get_text() for a in links] == ["Early help strategy 2025-28", "Partnership minutes.docx"]
    assert page.select_one("#pack-h").get_text() == f"The pack: 2 of at most {reading_pack.MAX_DOCUMENTS} documents"
    got = member.get(links[0]["href"])
    assert got.data == PDF and got.mimetype == "application/pdf"
    assert 'filename="Early-help-strategy.pdf"' in got.headers["Content-Disposition"]
    assert page.select_one("#add-document") is None  # the team reads; the host adds
    # Nobody outside the review reads it, and another review's link opens none of it.
    assert app.test_client().get(links[0]["href"]).status_code == 403
    other = Review(app)
    assert other.lead.get(links[0]["href"].replace(review.id, other.id)).status_code == 404


def test_reading_pack_bad_uploads_get_one_line_and_nothing_stored(app, clock):
    review = Review(app)
    cases = [(("renamed.docx", b"plain text"), "“renamed.docx” is named .docx but is not a Word document."),
             (("notes.pdf", b"<html>"), "“notes.pdf” is named .pdf but is not a PDF."),
             (("tool.exe", b"MZ\x90"), "“tool.exe” is not a Word document (.docx) or a PDF (.pdf)."),
             (("", b""), "Choose a file to upload.")]
    for (name, data), message in cases:
        _add(review, name, data)
        assert _problem(review.host, review) == message
    big = review.host.post(f"/reviews/{review.id}/reading/documents", **multipart_form(
        {"csrf": _token(review.host, review)}, "document", "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)))
    assert big.status_code == 302
    assert _problem(review.host, review) == "“big.pdf” is 10.0 MB: a document in the reading pack can be at most 10 MB."
    huge = review.host.post(f"/reviews/{review.id}/reading/documents", **multipart_form(
        {"csrf": _token(review.host, review)}, "document", "huge.pdf", b"%PDF-" + b"0" * (17 * 1024 * 1024)))
    assert huge.status_code == 302 and "far larger than 10 MB" in _problem(review.host, review)
    assert app.extensions["facilitator"].pack.documents(review.id) == []
    # Only the host adds to its pack.
    member = review.member("TM2")
    r = member.post(f"/reviews/{review.id}/reading/documents",
                    data={"csrf": _token(member, review), "document": (io.BytesIO(PDF), "x.pdf")})
    assert r.status_code == 403 and app.extensions["facilitator"].pack.documents(review.id) == []


def test_reading_pack_stays_slim(app, clock):
    review = Review(app)
    for n in range(reading_pack.MAX_DOCUMENTS):
        _add(review, f"doc{n}.pdf", PDF)
    _add(review, "one more.pdf", PDF)
    assert "a slim pack serves the team better" in _problem(review.host, review)
    documents = app.extensions["facilitator"].pack.documents(review.id)
    assert len(documents) == reading_pack.MAX_DOCUMENTS
    token = _token(review.host, review)
    review.host.post(f"/reviews/{review.id}/reading/documents/{documents[0]['id']}/remove", data={"csrf": token})
    assert _add(review, "one more.pdf", PDF).status_code == 302
    assert [d["file_name"] for d in app.extensions["facilitator"].pack.documents(review.id)][-1] == "one more.pdf"


def test_reading_pack_requests_for_supplementary_material_answered_by_the_host(app, clock):
    review = Review(app)
    member = review.member("TM1")
    token = _token(member, review)
    member.post(f"/reviews/{review.id}/reading/requests", data={"csrf": token, "text": "  "})
    assert _problem(member, review) == "What you would like to read is required"
    member.post(f"/reviews/{review.id}/reading/requests",
                data={"csrf": token, "text": "The latest audit of early help thresholds"})
    review.lead.post(f"/reviews/{review.id}/reading/requests", data={"csrf": review.token, "text": "The MASH terms of reference"})
    host_page = _page(review.host, review)
    asked = host_page.select("#requests li.request")
    assert [li.select_one("p").get_text(" ", strip=True) for li in asked] == [
        "TM1 The latest audit of early help thresholds", "Lead The MASH terms of reference"]
    first, second = (li["id"].removeprefix("request-") for li in asked)
    token = _token(review.host, review)
    # An answer needs words or a document; a bad document stores nothing, the words neither.
    review.host.post(f"/reviews/{review.id}/reading/requests/{first}/answer", data={"csrf": token, "answer": ""})
    assert _problem(review.host, review) == "Your answer is required"
    review.host.post(f"/reviews/{review.id}/reading/requests/{first}/answer",
                     data={"csrf": token, "answer": "Attached", "document": (io.BytesIO(b"nope"), "audit.pdf")})
    assert _problem(review.host, review) == "“audit.pdf” is named .pdf but is not a PDF."
    assert app.extensions["facilitator"].pack.requests(review.id)[0]["answered_ms"] is None
    review.host.post(f"/reviews/{review.id}/reading/requests/{first}/answer",
                     data={"csrf": token, "answer": "Our March audit, attached.", "document": (io.BytesIO(PDF), "audit.pdf")})
    review.host.post(f"/reviews/{review.id}/reading/requests/{second}/answer",
                     data={"csrf": token, "answer": "It is being rewritten; the current draft comes on day 1."})
    page = _page(member, review)
    answered = page.select("#requests li.request")
    assert answered[0].select_one(".answer").get_text() == "Host DCS: Our March audit, attached."
    assert member.get(answered[0].select_one("p.small a")["href"]).data == PDF
    assert "current draft comes on day 1" in answered[1].get_text()
    assert len(page.select("#pack li.document")) == 0  # an answer's document is with its request, not in the pack
    # The host does not ask; a member does not answer; an unknown request is refused.
    assert review.host.post(f"/reviews/{review.id}/reading/requests", data={"csrf": token, "text": "x"}).status_code == 403
    assert member.post(f"/reviews/{review.id}/reading/requests/{first}/answer",
                       data={"csrf": _token(member, review), "answer": "x"}).status_code == 403
    review.host.post(f"/reviews/{review.id}/reading/requests/nope/answer", data={"csrf": token, "answer": "x"})
    assert "no such request" in _problem(review.host, review)


def test_reading_pack_goes_with_the_review_when_it_is_deleted(app, clock):
    review = Review(app)
    _add(review, "strategy.pdf", PDF)
    review.lead.post(f"/reviews/{review.id}/reading/requests", data={"csrf": review.token, "text": "The audit"})
    held = erase.holdings(app.extensions["facilitator"].engine.store.database, "review", review.id)
    assert held["review_documents"] == 1 and held["review_requests"] == 1
    assert "1 reading pack document" in erase.described(held)
