"""The host's self-assessment before its challenge: written, signed off, uploaded, with its data
profile; read by the day's participants and a review's team; its parts named by hypotheses."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import urlsplit

from .support import AUTHORITIES, csrf_page, multipart_form, parsed

DAY, REVIEW = "day", "review"


def _host_links(app, day) -> dict[str, str]:
    """The hosts' own self-assessment links, as the facilitator copies them from the day's list."""
    facilitator = app.test_client()
    facilitator.get(f"/f/{day['facilitator_key']}")
    page = parsed(facilitator.get(f"/console/{day['id']}/self-assessments").get_data(as_text=True))
    return {li.h2.get_text(): urlsplit(li.select_one("input.sa-link")["value"]).path for li in page.select("li.sa-host")}


def _host(app, day, authority=AUTHORITIES[0]):
    browser = app.test_client()
    path = _host_links(app, day)[authority]
    token, _ = csrf_page(browser, path)
    return browser, path, token


def _written(**extra) -> dict:
    return {"action": "save", "scope": "Early help and the front door", "a-dcs_contact": "The DCS",
            "a-period": "2025-26", "rating-2": "3", "commentary-2": "Partners meet monthly.",
            "strength-1": "Stable, skilled workforce", "strength-evidence-1": "Turnover 9% (region 15%)",
            "weakness-1": "Timeliness of assessments", "enquiry": "Is early help reaching families?\nHow well do partners share data?",
            "risks": ["Workforce", "Budget"], **extra}


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _participant(app, day, engine, clock, authority=AUTHORITIES[1]):
    phone = app.test_client()
    token, _ = csrf_page(phone, f"/join/{day['join_code']}")
    assert phone.post(f"/join/{day['join_code']}", data={"csrf": token, "name": "Sam", "authority": authority}).status_code == 302
    return phone


def _stored(app, day, authority=AUTHORITIES[0]):
    return app.extensions["facilitator"].self_assessments.self_assessment(DAY, day["id"], authority)


def test_self_assessment_written_by_the_host_is_read_on_a_participants_phone(app, day, engine, clock):
    browser, path, token = _host(app, day)
    assert browser.post(path, data={"csrf": token, **_written()}).status_code == 302
    phone = _participant(app, day, engine, clock)
    links = parsed(phone.get(f"/p/{day['join_code']}").get_data(as_text=True)).select(".sa-nav a")
    assert [a.get_text() for a in links] == [f"Read {a}'s self-assessment" for a in AUTHORITIES]
    page = parsed(phone.get(links[0]["href"]).get_data(as_text=True))
    assert page.h1.get_text() == "Northshire's self-assessment"
    assert [li.get_text() for li in page.select("#sa-risks li")] == ["Budget", "Workforce"] or \
        [li.get_text() for li in page.select("#sa-risks li")] == ["Workforce", "Budget"]
    assert page.select_one("#area-2 .sa-rating").get_text() == "Rating: 3 = Good"
    assert "Turnover 9% (region 15%)" in page.select_one("#sa-part-b").get_text()
    assert "Early help and the front door" in page.select_one("#sa-scope").get_text()
    assert page.select_one("#signed").get_text() == "Not yet signed off by the DCS"


def test_self_assessment_names_only_the_days_signatures_of_risk(app, day):
    browser, path, token = _host(app, day)
    page = browser.post(path, data={"csrf": token, **_written(risks=["Not a risk"])})
    assert page.status_code == 400
    assert parsed(page.get_data(as_text=True)).select_one("#error").get_text() == \
        "choose the signatures of risk from the list Nothing was stored."
    assert _stored(app, day) is None


def test_self_assessment_signed_off_by_the_dcs_and_signed_again_after_a_change(app, day, clock):
    browser, path, token = _host(app, day)
    refused = browser.post(path, data={"csrf": token, "action": "sign", "signed_name": "A. Director",
                                       "signed_position": "DCS", "signed_date": "2026-10-01"})
    assert refused.status_code == 400  # nothing to sign yet
    browser.post(path, data={"csrf": token, **_written()})
    bad_date = browser.post(path, data={"csrf": token, "action": "sign", "signed_name": "A. Director",
                                        "signed_position": "DCS", "signed_date": "1 October"})
    assert "YYYY-MM-DD" in parsed(bad_date.get_data(as_text=True)).select_one("#error").get_text()
    browser.post(path, data={"csrf": token, "action": "sign", "signed_name": "A. Director",
                             "signed_position": "DCS", "signed_date": "2026-10-01"})
    page = parsed(browser.get(path).get_data(as_text=True))
    assert page.select_one("#sign #signed").get_text() == "Signed off by A. Director, DCS, on 2026-10-01"
    browser.post(path, data={"csrf": token, **_written(scope="A narrower scope")})
    assert _stored(app, day)["signed_ms"] is None and _stored(app, day)["signed_name"] == "A. Director"


def test_self_assessment_text_cleaned_and_bounded_as_everywhere(app, day):
    browser, path, token = _host(app, day)
    browser.post(path, data={"csrf": token, **_written(scope="Early\x00 help\x07\r\nfront door  ")})
    assert _stored(app, day)["scope"] == "Early help\nfront door"
    long = browser.post(path, data={"csrf": token, **_written(**{"a-telephone": "1" * 301})})
    assert long.status_code == 400
    assert "longer than 300 characters" in parsed(long.get_data(as_text=True)).select_one("#error").get_text()


def test_self_assessment_uploaded_as_a_document_is_kept_and_read(app, day, engine, clock):
    browser, path, token = _host(app, day)
    sent = browser.post(path, data={"csrf": token, "action": "document",
                                    "document": (io.BytesIO(_docx()), "Our SA.docx")})
    assert sent.status_code == 302
    phone = _participant(app, day, engine, clock)
    page = parsed(phone.get(f"/days/{day['id']}/self-assessment/0").get_data(as_text=True))
    link = page.select_one("#sa-document a")
    assert link.get_text() == "Our SA.docx"
    got = phone.get(link["href"])
    assert got.data == _docx() and got.mimetype.endswith("wordprocessingml.document")
    pdf = browser.post(path, data={"csrf": token, "action": "document",
                                   "document": (io.BytesIO(b"%PDF-1.7\n...\n%%EOF"), "sa.pdf")})
    assert pdf.status_code == 302 and _stored(app, day)["file_name"] == "sa.pdf"


def test_self_assessment_bad_uploads_get_one_line_and_nothing_stored(app, day):
    browser, path, token = _host(app, day)
    not_zip = io.BytesIO()
    with zipfile.ZipFile(not_zip, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    cases = [
        ((io.BytesIO(b"plain text, renamed"), "sa.docx"), "“sa.docx” is named .docx but is not a Word document."),
        ((io.BytesIO(not_zip.getvalue()), "book.docx"), "“book.docx” is named .docx but is not a Word document."),
        ((io.BytesIO(b"<html>not a pdf</html>"), "sa.pdf"), "“sa.pdf” is named .pdf but is not a PDF."),
        ((io.BytesIO(b"MZ\x90\x00"), "sa.exe"), "“sa.exe” is not a Word document (.docx) or a PDF (.pdf)."),
    ]
    for document, message in cases:
        page = browser.post(path, data={"csrf": token, "action": "document", "document": document})
        assert page.status_code == 400
        errors = parsed(page.get_data(as_text=True)).select("#error")
        assert [e.get_text() for e in errors] == [f"{message} Nothing was stored."]
    big = browser.post(path, **multipart_form({"csrf": token, "action": "document"}, "document", "big.pdf",
                                              b"%PDF-" + b"0" * (10 * 1024 * 1024)))
    assert big.status_code == 400
    assert parsed(big.get_data(as_text=True)).select_one("#error").get_text() == \
        "“big.pdf” is 10.0 MB: a self-assessment can be at most 10 MB. Nothing was stored."
    huge = browser.post(path, **multipart_form({"csrf": token, "action": "document"}, "document", "huge.pdf",
                                               b"%PDF-" + b"0" * (17 * 1024 * 1024)))
    assert huge.status_code == 413
    assert "far larger than 10 MB" in parsed(huge.get_data(as_text=True)).select_one("#error").get_text()
    assert _stored(app, day) is None


def test_data_profile_csv_shown_as_a_table_beside_the_self_assessment(app, day, engine, clock):
    browser, path, token = _host(app, day)
    csv = "\ufeffIndicator,Northshire,South East,England\r\nRe-referrals (%),18.2,21.0,22.4\r\nChange in CLA,-3.5,+1.2,2%\r\n"
    sent = browser.post(path, data={"csrf": token, "action": "data",
                                    "data": (io.BytesIO(csv.encode("utf-8")), "pack.csv")})
    assert sent.status_code == 302
    phone = _participant(app, day, engine, clock)
    table = parsed(phone.get(f"/days/{day['id']}/self-assessment/0").get_data(as_text=True)).select_one("#data-profile table")
    assert [th.get_text() for th in table.select("thead th")] == ["Indicator", "Northshire", "South East", "England"]
    assert [[c.get_text() for c in tr.select("th, td")] for tr in table.select("tbody tr")] == [
        ["Re-referrals (%)", "18.2", "21.0", "22.4"], ["Change in CLA", "-3.5", "+1.2", "2%"]]
    assert table.select_one("tbody th")["scope"] == "row"


def test_data_profile_refuses_a_formula_a_broken_encoding_and_a_spreadsheet(app, day):
    browser, path, token = _host(app, day)
    cases = [
        ("Indicator,Value\nTotal,=SUM(B1:B3)\n".encode(), "pack.csv",
         "“pack.csv”, row 2, column 2 holds a formula (=SUM(B1:B3)): save the values, not the formulas."),
        ("Indicator,Value\nLink,@HYPERLINK(x)\n".encode(), "pack.csv",
         "“pack.csv”, row 2, column 2 holds a formula (@HYPERLINK(x)): save the values, not the formulas."),
        ("Indicator,Value\nx,-2+3\n".encode(), "pack.csv",
         "“pack.csv”, row 2, column 2 holds a formula (-2+3): save the values, not the formulas."),
        ("Indicator,Région\n".encode("utf-8") + "Re-referrals,é\n".encode("latin-1"), "pack.csv",
         "“pack.csv” is not UTF-8 text: save it as “CSV UTF-8” and upload it again."),
        (_docx(), "pack.xlsx", "“pack.xlsx” is a spreadsheet: save it as CSV (UTF-8) and upload that."),
        (b"Indicator\n", "pack.csv", "“pack.csv” needs a header row and at least one row of indicators."),
    ]
    for data, name, message in cases:
        page = browser.post(path, data={"csrf": token, "action": "data", "data": (io.BytesIO(data), name)})
        assert page.status_code == 400, name
        assert [e.get_text() for e in parsed(page.get_data(as_text=True)).select("#error")] == \
            [f"{message} Nothing was stored."]
    assert _stored(app, day) is None


def test_self_assessment_refused_to_a_participant_of_another_day_and_to_strangers(app, day, engine, clock):
    browser, path, token = _host(app, day)
    browser.post(path, data={"csrf": token, **_written()})
    other = engine.create_day("Another day", "2026-11-23", ["Southport", "Northshire", "Lakeside"], "se-triad", None,
                              clock.now)
    elsewhere = _participant(app, other, engine, clock, "Southport")
    for url in (f"/days/{day['id']}/self-assessment/0", f"/days/{day['id']}/self-assessment/0/document"):
        assert elsewhere.get(url).status_code == 403
        assert app.test_client().get(url).status_code == 403
    assert app.test_client().get(f"/console/{day['id']}/self-assessments").status_code == 403
    assert app.test_client().get("/review/not-a-key/self-assessment").status_code == 404
    assert elsewhere.get(f"/days/{day['id']}/self-assessment/7").status_code == 404


def test_self_assessment_reviewed_against_the_four_questions_seen_by_the_host(app, day, engine, clock):
    browser, path, token = _host(app, day)
    browser.post(path, data={"csrf": token, **_written()})
    phone = _participant(app, day, engine, clock)
    url = f"/days/{day['id']}/self-assessment/0"
    assert parsed(phone.get(url).get_data(as_text=True)).select_one("#review") is None
    ptoken, _ = csrf_page(phone, "/reviews/new")  # the form token this browser holds
    assert phone.post(url, data={"csrf": ptoken, "answer-0": "x"}).status_code == 403
    facilitator = app.test_client()
    facilitator.get(f"/f/{day['facilitator_key']}")
    ftoken, page = csrf_page(facilitator, url)
    questions = [lab.get_text() for lab in parsed(page).select("#review label")]
    assert questions[0].startswith("To what extent has the self-assessment highlighted strengths")
    assert len(questions) == 4
    assert facilitator.post(url, data={"csrf": ftoken}).status_code == 400
    facilitator.post(url, data={"csrf": ftoken, "answer-1": "Re-referral data tells a different story."})
    seen = parsed(browser.get(path).get_data(as_text=True)).select_one("#review-answers")
    assert "Re-referral data tells a different story." in seen.get_text()


def _review_with_sa(app):
    lead = app.test_client()
    token, _ = csrf_page(lead, "/reviews/new")
    review_id = lead.post("/reviews", data={"csrf": token, "script": "em-pctr", "host": "Northshire",
                                            "start_date": "2026-12-21"}).location.split("/")[2]
    console = parsed(lead.get(f"/reviews/{review_id}/console").get_data(as_text=True))
    host = app.test_client()
    host.get(urlsplit(console.select_one("#host-link")["href"]).path)
    sa_url = parsed(host.get(f"/reviews/{review_id}/host").get_data(as_text=True)).select_one("#write-sa")["href"]
    htoken, _ = csrf_page(host, sa_url)
    assert host.post(sa_url, data={"csrf": htoken, **_written(risks=[])}).status_code == 302
    return lead, token, review_id, host


def test_lines_of_enquiry_drawn_from_the_self_assessment_and_linked_through_the_review(app):
    lead, token, review_id, host = _review_with_sa(app)
    console = parsed(lead.get(f"/reviews/{review_id}/console").get_data(as_text=True))
    kloes = [li.select_one("span").get_text() for li in console.select("#sa-kloe li")]
    assert kloes == ["Is early help reaching families?", "How well do partners share data?"]
    area = next(o["value"] for o in console.select("#h-part option") if o.get_text() == "Part B: Working together, partnership")
    refused = lead.post(f"/reviews/{review_id}/hypotheses", data={"csrf": token, "title": "H", "linked_data": "Y",
                                                                 "linked_sa": "N", "sa_part": "area:99"})
    assert refused.status_code == 302
    lead.post(f"/reviews/{review_id}/hypotheses", data={"csrf": token, "title": "Partners share data well",
                                                       "linked_data": "Y", "linked_sa": "N", "sa_part": area})
    form = console.select("#sa-kloe form")[0]
    lead.post(form["action"], data={i["name"]: i["value"] for i in form.select("input")})
    lines = app.extensions["facilitator"].reviews.lines(review_id)
    assert [(ln["title"], ln["sa_part"], ln["linked_sa"]) for ln in lines] == [
        ("Partners share data well", area, 1), ("Is early help reaching families?", "enquiry", 1)]
    htoken, page = csrf_page(host, f"/reviews/{review_id}/host")
    assert [p.get_text() for p in parsed(page).select("#lines .sa-line-part")] == [
        "Tests your self-assessment: Part B: Working together, partnership",
        "Tests your self-assessment: Key lines of enquiry"]
    host.post(f"/reviews/{review_id}/decide", data={"csrf": htoken, **{f"decision-{ln['id']}": "investigate" for ln in lines}})
    notebook = parsed(lead.get(f"/reviews/{review_id}/notebook").get_data(as_text=True))
    assert [li.get_text() for li in notebook.select("#line-parts li")] == [
        "1. Partners share data well: tests Part B: Working together, partnership",
        "2. Is early help reaching families?: tests Key lines of enquiry"]
    line_page = parsed(lead.get(f"/reviews/{review_id}/lines/{lines[0]['id']}").get_data(as_text=True))
    assert line_page.select_one("#line-sa-part").get_text() == \
        "Tests the self-assessment: Part B: Working together, partnership"
    letter = parsed(lead.get(f"/reviews/{review_id}/letter").get_data(as_text=True))
    assert [li.get_text() for li in letter.select("#letter-sa-parts li")] == [
        "Partners share data well: tests the self-assessment's Part B: Working together, partnership",
        "Is early help reaching families?: tests the self-assessment's Key lines of enquiry"]


def test_self_assessment_of_a_review_read_by_its_team_only(app):
    lead, token, review_id, host = _review_with_sa(app)
    page = parsed(lead.get(f"/reviews/{review_id}/self-assessment").get_data(as_text=True))
    assert page.h1.get_text() == "Northshire's self-assessment" and page.select_one("#review") is not None
    assert app.test_client().get(f"/reviews/{review_id}/self-assessment").status_code == 403
    assert app.test_client().get(f"/reviews/{review_id}/self-assessment/document").status_code == 404
