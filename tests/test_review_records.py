"""Records a host signs, through the pages: the critical incident record on the handbook's form,
raised with the Host DCS (in a safeguarding assurance visit too) and shown to the host at once;
and the reflection survey's questions 5 to 8, its leadership scale and the composite."""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import datetime
from urllib.parse import urlsplit

from docx import Document

from .support import NS, Review, csrf_page, parsed

FORM_LABELS = [
    "Local authority", "Host DCS", "Peer challenging DCS", "Date of review", "Critical incident identified",
    "Nature of incident (narrative)", "Evidence", "Date and time identified", "Identifying team member",
    "Action taken when incident initially identified", "Date and time raised with the Host DCS by the Lead reviewer",
    "Action to be taken by the Host DCS", "Signed by the Lead reviewer", "Signed by the Host DCS",
]
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def in_words(ms: int) -> str:
    return f"{datetime.fromtimestamp(ms / 1000):%H:%M on %-d %B %Y}"


def record_of(page: str) -> dict[str, str]:
    dl = parsed(page).select_one("#incident-record")
    return {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True) for dt in dl.select("dt")}


def raise_one(review, role: str = "TM1", **fields) -> str:
    incident = {"id": str(uuid.uuid4()), "nature": "A child left alone was not visited", "evidence": "File 7",
                "identified_at": "2026-12-21T11:40", "immediate_action": "Told the duty manager", **fields}
    phone = review.socket(review.member(role), "member")
    assert phone.emit("incident", incident, namespace=NS, callback=True)["ok"]
    return incident["id"]


def complete(review, incident_id: str, **changes) -> object:
    form = {"csrf": review.token, "host_dcs": "Hana Host", "peer_dcs": "Lee Lead", "headline": "Safeguarding",
            "raised_at": "2026-12-21T12:05", "host_action": "Visit today; review the duty rota", **changes}
    return review.lead.post(f"/reviews/{review.id}/incidents/{incident_id}", data=form)


def signed_by_both(review, clock, incident_id: str) -> tuple[int, int]:
    base = f"/reviews/{review.id}/incidents/{incident_id}"
    assert complete(review, incident_id).status_code == 302
    lead_at = clock()
    review.lead.post(base + "/lead-sign", data={"csrf": review.token, "name": "Lee Lead"})
    clock.advance(minutes=7)
    token, _ = csrf_page(review.host, f"/reviews/{review.id}/host")
    review.host.post(base + "/host-sign", data={"csrf": token, "name": "Hana Host"})
    return lead_at, clock()


def test_incident_record_follows_the_handbooks_form_field_by_field(review, clock):
    incident_id = raise_one(review)
    lead_at, host_at = signed_by_both(review, clock, incident_id)
    page = review.lead.get(f"/reviews/{review.id}/incidents/{incident_id}").get_data(as_text=True)
    record = record_of(page)
    assert list(record) == FORM_LABELS
    assert record["Local authority"] == "Northshire" and record["Host DCS"] == "Hana Host"
    assert record["Peer challenging DCS"] == "Lee Lead" and record["Critical incident identified"] == "Safeguarding"
    assert record["Date of review"] == "21 to 23 December 2026"
    assert record["Identifying team member"] == "TM1"


def test_incident_record_reads_times_as_times_and_names_who_signed_and_when(review, clock):
    incident_id = raise_one(review)
    lead_at, host_at = signed_by_both(review, clock, incident_id)
    record = record_of(review.lead.get(f"/reviews/{review.id}/incidents/{incident_id}").get_data(as_text=True))
    assert record["Date and time identified"] == "11:40 on 21 December 2026"
    assert record["Date and time raised with the Host DCS by the Lead reviewer"] == "12:05 on 21 December 2026"
    assert record["Signed by the Lead reviewer"] == f"Lee Lead, {in_words(lead_at)}"
    assert record["Signed by the Host DCS"] == f"Hana Host, {in_words(host_at)}"
    assert not [v for v in record.values() if ISO.search(v)]


def test_incident_record_in_every_internal_export_reads_times_as_times(review, clock):
    incident_id = raise_one(review)
    lead_at, host_at = signed_by_both(review, clock, incident_id)
    base = f"/reviews/{review.id}/export"
    internal = json.loads(review.lead.get(base + ".json?internal=1").get_data(as_text=True))
    [incident] = internal["incidents"]
    assert list(incident) == FORM_LABELS and not [v for v in incident.values() if ISO.search(v)]
    assert incident["Signed by the Host DCS"] == f"Hana Host, {in_words(host_at)}"
    for fmt in ("md", "html"):
        body = review.lead.get(f"{base}.{fmt}?internal=1").get_data(as_text=True)
        part = body[body.index("Critical incident"):]
        assert "12:05 on 21 December 2026" in part and f"Lee Lead, {in_words(lead_at)}" in part, fmt
        assert "Peer challenging DCS" in part and not ISO.search(part), fmt
    word = Document(io.BytesIO(review.lead.get(base + ".docx?internal=1").data))
    lines = [p.text for p in word.paragraphs]
    assert "Date and time identified: 11:40 on 21 December 2026" in lines
    assert f"Signed by the Host DCS: Hana Host, {in_words(host_at)}" in lines


def test_incident_record_refused_keeps_what_was_typed(review):
    incident_id = raise_one(review)
    response = complete(review, incident_id, raised_at="next Tuesday", host_action="Ring the team manager")
    assert response.status_code == 400
    page = parsed(response.get_data(as_text=True))
    assert "give a date and a time" in page.select_one("#problem").get_text()
    assert page.select_one("#host_action").get_text() == "Ring the team manager"
    assert page.select_one("#raised_at")["value"] == "next Tuesday"
    assert page.select_one("#host_dcs")["value"] == "Hana Host"


def test_incident_signature_needs_a_name(review):
    incident_id = raise_one(review)
    complete(review, incident_id, peer_dcs="")
    base = f"/reviews/{review.id}/incidents/{incident_id}"
    review.lead.post(base + "/lead-sign", data={"csrf": review.token, "name": ""})
    page = review.lead.get(base).get_data(as_text=True)
    assert "give the name of who signs" in page and record_of(page)["Signed by the Lead reviewer"] == "not yet"


class SavReview(Review):
    """A safeguarding assurance visit: its host's link is the Host AD's."""

    def __init__(self, app):
        self.app = app
        self.lead = app.test_client()
        self.token, _ = csrf_page(self.lead, "/reviews/new")
        r = self.lead.post("/reviews", data={"csrf": self.token, "script": "em-sav", "host": "Westvale",
                                             "start_date": "2026-12-21", "window_first": "2026-12-14",
                                             "window_last": "2027-01-29"})
        self.id = r.location.split("/")[2]
        console = parsed(self.lead.get(f"/reviews/{self.id}/console").get_data(as_text=True))
        self.join_url = urlsplit(console.select_one("#join-link")["href"]).path
        self.host = app.test_client()
        self.host.get(urlsplit(console.select_one("#host-link")["href"]).path)


def test_sav_incident_raised_with_host_dcs_and_shown_to_the_host_at_once(app):
    sav = SavReview(app)
    host_socket = sav.socket(sav.host, "host")
    host_socket.get_received(NS)
    incident_id = raise_one(sav, "TM2")
    told = [e["args"][0] for e in host_socket.get_received(NS) if e["name"] == "incident"]
    assert told == [{"incident": {"id": incident_id}}]  # which one, never the team role
    host_page = parsed(sav.host.get(f"/reviews/{sav.id}/host").get_data(as_text=True))
    section = host_page.select_one("#incidents")
    assert section.select_one("h2").get_text() == "Critical incidents raised with the Host DCS"
    shown = section.select_one(f'article[data-id="{incident_id}"]').get_text()
    assert "A child left alone was not visited" in shown and "11:40 on 21 December 2026" in shown
    assert "TM2" not in section.get_text() and "Identifying team member" not in section.get_text()
    record = record_of(sav.lead.get(f"/reviews/{sav.id}/incidents/{incident_id}").get_data(as_text=True))
    assert "Date and time raised with the Host DCS by the SAV AD" in record and "Signed by the Host DCS" in record
    assert not [label for label in record if "Host AD" in label]


def test_sav_incident_record_reaches_the_host_as_it_is_completed_and_signed(app):
    sav = SavReview(app)
    incident_id = raise_one(sav)
    host_socket = sav.socket(sav.host, "host")
    host_socket.get_received(NS)
    assert complete(sav, incident_id).status_code == 302
    assert [e["name"] for e in host_socket.get_received(NS)] == ["incident"]
    article = parsed(sav.host.get(f"/reviews/{sav.id}/host").get_data(as_text=True)).select_one(
        f'article[data-id="{incident_id}"]')
    assert "12:05 on 21 December 2026" in article.get_text()
    assert article.select_one('input[name="name"]')["value"] == "Hana Host"


def test_host_cannot_sign_before_the_record_is_complete(review):
    incident_id = raise_one(review)
    article = parsed(review.host.get(f"/reviews/{review.id}/host").get_data(as_text=True)).select_one(
        f'article[data-id="{incident_id}"]')
    assert article is not None and article.select_one("form") is None


# -- the reflection survey

Q5 = "What is the main thing you have learned from being part of this review process?"
Q6 = "Has the review process been useful for you, personally, in terms of your leadership development?"
Q7 = "Will your participation in this review have direct benefits for the organisation and partnerships you work within?"
Q8 = "Do you have any other comments to offer on this process that the DCSs might consider?"


def survey_url(review) -> str:
    return f"/reviews/{review.id}/survey"


def test_survey_asks_questions_5_to_8_in_the_handbooks_words(review):
    page = parsed(review.member("TM1").get(survey_url(review)).get_data(as_text=True))
    labels = {label.get_text(" ", strip=True) for label in page.select("#survey-form label")}
    assert {Q5, Q7, Q8} <= labels
    legend = page.select_one("#q-leadership legend").get_text(strip=True)
    assert legend == f"{Q6} (1 not helpful, 5 very helpful)"
    assert [i["value"] for i in page.select('#q-leadership input[name="leadership"]')] == ["1", "2", "3", "4", "5"]
    assert [h.get_text() for h in page.select("#survey-form h2")][-2:] == ["Impact upon you", "Other comments"]


def test_survey_q6_scale_out_of_range_is_a_400_that_loses_nothing(review):
    member = review.member("TM1")
    token, _ = csrf_page(member, survey_url(review))
    typed = {"csrf": token, "rating": "4", "leadership": "9", "learned": "Hypotheses keep a team focused",
             "other": "More time for the huddle", "self-strengths": "Listening"}
    response = member.post(survey_url(review), data=typed)
    assert response.status_code == 400
    page = parsed(response.get_data(as_text=True))
    assert "1 (not helpful) to 5 (very helpful)" in page.select_one("#survey-error").get_text()
    assert page.select_one("#learned").get_text() == "Hypotheses keep a team focused"
    assert page.select_one("#other").get_text() == "More time for the huddle"
    assert page.select_one("#self-strengths").get_text() == "Listening"
    assert page.select_one('input[name="rating"][value="4"]').has_attr("checked")
    again = member.post(survey_url(review), data={**typed, "leadership": "5"})
    assert again.status_code == 302  # nothing was kept from the refused answer: this is the first


def test_survey_composite_shows_the_q6_scale_and_open_answers_without_names(review):
    # Data leaves question 6 blank (a personal question): it counts in neither the tally nor the mean.
    answers = (("TM1", "5", "Learned A", "Benefit A"), ("TM2", "4", "Learned B", "Benefit B"), ("Data", "", "", ""))
    for role, leadership, learned, benefits in answers:
        member = review.member(role)
        token, _ = csrf_page(member, survey_url(review))
        member.post(survey_url(review), data={"csrf": token, "rating": "3", "leadership": leadership,
                                              "learned": learned, "benefits": benefits,
                                              "other": "Shorter days" if role == "Data" else ""})
    page = parsed(review.lead.get(survey_url(review)).get_data(as_text=True))
    row = page.select_one("#scale-leadership")
    assert Q6 in row.select_one("th").get_text() and "2 answered" in row.select_one("th").get_text()
    assert [td.get_text() for td in row.select("td")] == ["0", "0", "0", "1", "1", "4.5"]
    assert [td.get_text() for td in page.select("#scale-rating td")] == ["0", "0", "3", "0", "0", "3.0"]
    open_answers = page.select_one("#composite-open")
    assert [h.get_text() for h in open_answers.select("h3")] == [Q5, Q7, Q8]
    assert [li.get_text() for li in open_answers.select("li")] == [
        "Learned A", "Learned B", "Benefit A", "Benefit B", "Shorter days"]
    assert not re.search(r"TM1|TM2|Data", open_answers.get_text())  # notes are non-attributable


def test_incident_identified_time_defaults_to_when_it_was_raised_and_must_be_a_time(review, clock):
    phone = review.socket(review.member("TM1"), "member")
    odd = phone.emit("incident", {"id": str(uuid.uuid4()), "nature": "Risk", "identified_at": "soon"},
                     namespace=NS, callback=True)
    assert odd["ok"] is False and "give a date and a time" in odd["error"]["message"]
    incident_id = str(uuid.uuid4())
    assert phone.emit("incident", {"id": incident_id, "nature": "Risk"}, namespace=NS, callback=True)["ok"]
    record = record_of(review.lead.get(f"/reviews/{review.id}/incidents/{incident_id}").get_data(as_text=True))
    assert record["Date and time identified"] == in_words(clock())
