"""Off-site preparation for the LGA Safeguarding Children peer review: the survey of staff and
partners through its own anonymous link, its summary (exact figures, small groups shown only in
the total), and the team's case mapping, through the pages as each person reaches them."""

from __future__ import annotations

import sqlite3
import uuid
from urllib.parse import urlsplit

import pytest

from facilitator.core.scripts import review as review_scripts
from facilitator.core.scripts.reader import SCRIPTS_DIR, ScriptError
from tests.support import csrf_of, csrf_page, parsed

SCALE = ["clear_vision", "thresholds", "working_together"]


class Lga:
    """An LGA review set up through its pages, with the participation theme, and its survey opened."""

    def __init__(self, app):
        self.app = app
        self.lead = app.test_client()
        token, _ = csrf_page(self.lead, "/reviews/new")
        made = self.lead.post("/reviews", data={"csrf": token, "script": "lga-safeguarding", "host": "Northshire",
                                                "start_date": "2026-12-21", "themes": ["Participation"]})
        self.id = made.location.split("/")[2]
        console = parsed(self.lead.get(f"/reviews/{self.id}/console").get_data(as_text=True))
        self.token = csrf_of(str(console))
        self.host = app.test_client()
        self.host.get(urlsplit(console.select_one("#host-link")["href"]).path)
        self.join_url = urlsplit(console.select_one("#join-link")["href"]).path

    def open_survey(self) -> str:
        assert self.lead.post(f"/reviews/{self.id}/offsite/survey/open", data={"csrf": self.token}).status_code == 302
        page = parsed(self.host.get(f"/reviews/{self.id}/offsite/survey").get_data(as_text=True))
        return urlsplit(page.select_one("#survey-link")["value"]).path

    def member(self, role: str):
        client = self.app.test_client()
        token, _ = csrf_page(client, self.join_url)
        client.post(self.join_url, data={"csrf": token, "role": role})
        return client

    def survey(self, client=None):
        return parsed((client or self.lead).get(f"/reviews/{self.id}/offsite/survey").get_data(as_text=True))


def session_token(client) -> str:
    """The form token a browser holds, for one whose pages carry no form."""
    with client.session_transaction() as session:
        return session.setdefault("csrf", "a-token")


def respondent(app, link: str, group: str):
    """A phone with the link: the form for its group, with its token and one-time id."""
    phone = app.test_client()
    form = parsed(phone.get(f"{link}?group={group}").get_data(as_text=True))
    return phone, {"csrf": form.select_one('input[name="csrf"]')["value"],
                   "answer_id": form.select_one('input[name="answer_id"]')["value"], "group": group}


def answer(app, link, group, **answers):
    phone, base = respondent(app, link, group)
    return phone.post(link, data={**base, **{f"q-{k}": v for k, v in answers.items()}})


@pytest.fixture
def lga(app):
    return Lga(app)


def _figures(page, key: str) -> dict[str, list[str]]:
    """A question's table: each row's header to its cells."""
    table = page.select_one(f"#q-{key} table")
    return {r.th.get_text(strip=True): [td.get_text(strip=True) for td in r.select("td")] for r in table.select("tr")}


def test_the_lga_script_carries_its_survey_and_case_mapping():
    script = review_scripts.available()["lga-safeguarding"]
    survey, cases = script.offsite.survey, script.offsite.cases
    assert [g.key for g in survey.groups] == ["staff", "partner"]
    assert {q.kind for q in survey.questions} == {"scale", "yes_no", "text"}
    assert survey.source in script.sources and cases.source in script.sources
    assert [q.key for q in survey.asked("partner")].count("supervision") == 0
    assert {f.key for f in cases.fields} >= {"stage", "agencies", "worked", "got_in_the_way", "timeliness", "rating"}
    assert not any("name" in q.text.lower().replace("any names", "").replace("your name", "") for q in survey.questions)


@pytest.mark.parametrize("extra, field", [
    ('[offsite.survey]\ntitle = "S"\nsource = "Interview"\ncolour = 1\n', "offsite.survey.colour"),
    ('[offsite.survey]\ntitle = "S"\nsource = "Gossip"\n[[offsite.survey.groups]]\nkey = "staff"\nlabel = "x"\n'
     '[[offsite.survey.questions]]\nkey = "a"\nkind = "text"\ntext = "t"\n', "offsite.survey.source"),
    ('[offsite.survey]\ntitle = "S"\nsource = "Interview"\n[[offsite.survey.groups]]\nkey = "public"\nlabel = "x"\n'
     '[[offsite.survey.questions]]\nkey = "a"\nkind = "text"\ntext = "t"\n', "offsite.survey.groups[0].key"),
    ('[offsite.survey]\ntitle = "S"\nsource = "Interview"\n[[offsite.survey.groups]]\nkey = "staff"\nlabel = "x"\n'
     '[[offsite.survey.questions]]\nkey = "a"\nkind = "scale"\ntext = "t"\nlabels = ["1", "2"]\n',
     "offsite.survey.questions[0].labels"),
    ('[offsite.survey]\ntitle = "S"\nsource = "Interview"\n[[offsite.survey.groups]]\nkey = "staff"\nlabel = "x"\n'
     '[[offsite.survey.questions]]\nkey = "a"\nkind = "text"\ntext = "t"\ngroups = ["partner"]\n',
     "offsite.survey.questions[0].groups"),
    ('[offsite.cases]\ntitle = "C"\nsource = "Visit"\n[[offsite.cases.fields]]\nkey = "s"\nkind = "choice"\n'
     'label = "Stage"\nchoices = ["one"]\n', "offsite.cases.fields[0].choices"),
    ('[offsite.cases]\ntitle = "C"\nsource = "Visit"\n[[offsite.cases.fields]]\nkey = "s"\nkind = "dropdown"\n'
     'label = "Stage"\n', "offsite.cases.fields[0].kind"),
])
def test_an_offsite_table_in_a_script_is_checked_naming_the_field(extra, field):
    text = SCRIPTS_DIR.joinpath("em-pctr.toml").read_text() + "\n" + extra
    with pytest.raises(ScriptError, match=field.replace("[", r"\[").replace("]", r"\]")):
        review_scripts.parse(text, "offsite.toml")


def test_staff_and_partners_answer_and_the_summary_figures_are_exact(app, lga):
    link = lga.open_survey()
    for v, yes in (("5", "yes"), ("4", "yes"), ("4", "no")):
        assert answer(app, link, "staff", thresholds=v, lscb_training=yes, supervision="3").status_code == 302
    for v in ("2", "3", "3"):
        assert answer(app, link, "partner", thresholds=v, lscb_training="yes",
                      works_well="The front door answers quickly.").status_code == 302
    page = lga.survey(lga.host)
    assert page.select_one("#answer-count").get_text() == "6 answers"
    figures = _figures(page, "thresholds")
    assert figures["4 Agree"] == ["2", "2", "0"] and figures["2 Disagree"] == ["1", "0", "1"]
    assert figures["Mean (1 to 5)"] == ["3.5", "4.3", "2.7"]
    assert _figures(page, "lscb_training") == {"Answer": [], "Yes": ["5", "2", "3"], "No": ["1", "1", "0"]}
    assert page.select_one("#q-supervision .answered").get_text() == "3 answers"
    assert "asked of staff only" in page.select_one("#q-supervision").get_text()
    assert [li.get_text() for li in page.select("#q-works_well li")] == ["The front door answers quickly."] * 3
    member = lga.member("Off-site")
    assert lga.survey(member).select_one("#answer-count").get_text() == "6 answers"
    assert lga.survey(member).select_one("#survey-link") is None  # the link is the host's to send


def test_a_group_with_fewer_than_three_answers_is_shown_only_in_the_total(app, lga):
    link = lga.open_survey()
    for v in ("5", "4", "4"):
        answer(app, link, "staff", thresholds=v)
    for v in ("1", "2"):
        answer(app, link, "partner", thresholds=v)
    page = lga.survey()
    figures = _figures(page, "thresholds")
    assert figures["Answer"] == [] and figures["Mean (1 to 5)"] == ["3.2"]  # the total column alone
    notes = {p["data-group"]: p.get_text(" ", strip=True) for p in page.select("#q-thresholds .group-note")}
    assert notes["partner"] == "Partners: fewer than 3 answers: shown only in the total."
    assert "shown only in the total" in notes["staff"]
    assert [th.get_text() for th in page.select("#q-thresholds thead th")] == ["Answer", "All"]


def test_a_double_submit_is_stored_once(app, lga):
    link = lga.open_survey()
    phone, base = respondent(app, link, "staff")
    for _ in range(2):
        sent = phone.post(link, data={**base, "q-thresholds": "4"})
        assert sent.status_code == 302 and sent.location.endswith("?sent=1")
    assert "Thank you" in parsed(phone.get(f"{link}?sent=1").get_data(as_text=True)).select_one("#sent").get_text()
    assert lga.survey().select_one("#answer-count").get_text() == "1 answer"


def test_a_stored_answer_holds_nothing_that_identifies_who_gave_it(app, lga):
    link = lga.open_survey()
    phone, base = respondent(app, link, "partner")
    phone.post(link, data={**base, "q-thresholds": "4", "q-works_well": "Good joint visits."},
               headers={"User-Agent": "Phone/1.0 (Jane's)"}, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    db = sqlite3.connect(app.config["DATABASE"])
    columns = {t: [c[1] for c in db.execute(f"PRAGMA table_info({t})")]
               for t in ("review_offsite_answers", "review_offsite_texts")}
    assert columns == {"review_offsite_answers": ["id", "review_id", "grp", "answers"],
                       "review_offsite_texts": ["id", "review_id", "question", "text", "held"]}
    rows = [str(r) for t in columns for r in db.execute(f"SELECT * FROM {t}")]
    assert rows and not any("203.0.113.9" in r or "Phone/1.0" in r for r in rows)
    assert base["answer_id"] not in str(list(db.execute("SELECT * FROM review_offsite_texts")))


def test_held_free_text_is_not_shown_until_the_lead_releases_it(app, lga):
    link = lga.open_survey()
    answer(app, link, "staff", even_better="More time for Jayden Smith's family, DOB 03/04/2015")
    host_page = lga.survey(lga.host)
    assert "Jayden" not in str(host_page) and "1 held for the lead reviewer" in host_page.select_one("#q-even_better").get_text()
    lead_page = lga.survey()
    assert "Jayden" in lead_page.select_one("#held-texts").get_text()
    release = lead_page.select_one("#held-texts form")["action"]
    member = lga.member("Officer")
    assert member.post(release, data={"csrf": csrf_of(member.get(f"/reviews/{lga.id}/offsite/cases").get_data(as_text=True))}
                       ).status_code == 403
    assert "Jayden" not in str(lga.survey(lga.host))
    assert lga.lead.post(release, data={"csrf": lga.token}).status_code == 302
    assert "Jayden" in lga.survey(lga.host).select_one("#q-even_better").get_text()


@pytest.mark.parametrize("answers, message", [
    ({"q-thresholds": "7"}, "from 1 (Strongly disagree) to 5 (Strongly agree)"),
    ({"q-lscb_training": "maybe"}, "yes or no"),
    ({"q-favourite_colour": "blue"}, "there is no question 'favourite_colour'"),
    ({"q-supervision": "3"}, "there is no question 'supervision'"),  # asked of staff, not partners
    ({"q-works_well": "x" * 2001}, "longer than 2000 characters"),
    ({}, "answer at least one question"),
    ({"group": "public", "q-thresholds": "3"}, "choose whether you answer as staff or as a partner"),
])
def test_a_wrong_answer_is_refused_with_one_message_and_nothing_stored(app, lga, answers, message):
    link = lga.open_survey()
    phone, base = respondent(app, link, "partner")
    refused = phone.post(link, data={**base, **answers})
    assert refused.status_code == 400
    assert message in parsed(refused.get_data(as_text=True)).select_one("#problem").get_text()
    assert lga.survey().select_one("#answer-count").get_text() == "0 answers"


def test_a_closed_survey_takes_nothing_and_only_the_lead_closes_it(app, lga):
    link = lga.open_survey()
    phone, base = respondent(app, link, "staff")
    member = lga.member("Health")
    token = csrf_of(member.get(f"/reviews/{lga.id}/offsite/cases").get_data(as_text=True))
    refused = member.post(f"/reviews/{lga.id}/offsite/survey/close", data={"csrf": token})
    assert refused.status_code == 403
    assert parsed(refused.get_data(as_text=True)).select_one("#problem").get_text() == "only the lead reviewer closes the survey"
    host_token = session_token(lga.host)
    assert lga.host.post(f"/reviews/{lga.id}/offsite/survey/close", data={"csrf": host_token}).status_code == 403
    assert "Open" in lga.survey().select_one("#survey-open-state").get_text()
    assert lga.lead.post(f"/reviews/{lga.id}/offsite/survey/close", data={"csrf": lga.token}).status_code == 302
    late = phone.post(link, data={**base, "q-thresholds": "4"})
    assert late.status_code == 400 and "this survey has closed" in late.get_data(as_text=True)
    assert "This survey has closed" in app.test_client().get(link).get_data(as_text=True)
    assert lga.survey().select_one("#answer-count").get_text() == "0 answers"


def test_the_survey_link_needs_the_form_token_and_a_known_key(app, lga):
    link = lga.open_survey()
    phone, base = respondent(app, link, "staff")
    assert phone.post(link, data={**base, "csrf": "forged", "q-thresholds": "4"}).status_code == 400
    assert app.test_client().get("/reviews/answer/not-a-key").status_code == 404
    assert lga.survey().select_one("#answer-count").get_text() == "0 answers"
    assert lga.lead.get(f"/reviews/{lga.id}/lead") is not None
    stranger = app.test_client()
    assert stranger.get(f"/reviews/{lga.id}/offsite/survey").status_code == 403
    assert link.split("/")[-1] not in {lga.join_url.split("/")[-1]}


def _case(client, review_id, **fields):
    page = parsed(client.get(f"/reviews/{review_id}/offsite/cases").get_data(as_text=True))
    data = {"csrf": page.select_one('#case-form input[name="csrf"]')["value"],
            "case_id": page.select_one('input[name="case_id"]')["value"], **fields}
    return client.post(f"/reviews/{review_id}/offsite/cases", data=data), data


def test_members_map_cases_and_the_results_tally_each_choice_for_the_team_and_the_host(app, lga):
    offsite = lga.member("Off-site")
    sent, data = _case(offsite, lga.id, label="Case 1", **{"f-stage": "Child protection", "f-rating": "Mostly met",
                       "f-agencies": ["Police", "Early help"], "f-worked": "A strong core group."})
    assert sent.status_code == 302
    assert offsite.post(f"/reviews/{lga.id}/offsite/cases", data=data).status_code == 302  # a resend: stored once
    _case(lga.lead, lga.id, label="Case 2", **{"f-stage": "Child in need", "f-rating": "Well met",
                                                "f-agencies": ["Police"], "f-timeliness": "Some delay"})
    page = parsed(lga.host.get(f"/reviews/{lga.id}/offsite/cases").get_data(as_text=True))
    assert page.select_one("#tally-h").get_text() == "Results: 2 cases mapped"
    tally = {r.th.get_text(): r.td.get_text() for r in page.select("#tally-agencies tbody tr")}
    assert tally["Police"] == "2" and tally["Early help"] == "1" and tally["Housing"] == "0"
    assert [h.get_text(" ", strip=True) for h in page.select(".mapped-case h3")] == ["Case 1 Off-site", "Case 2 Lead"]
    assert page.select_one("#case-form") is None  # the host reads the results; the team maps
    console = parsed(lga.lead.get(f"/reviews/{lga.id}/console").get_data(as_text=True))
    assert console.select_one("#offsite-cases").get_text() == "2 cases mapped"
    assert console.select_one("#offsite-answers").get_text() == "0 answers"


def test_a_case_that_seems_to_name_a_child_is_held_for_the_lead(app, lga):
    member = lga.member("Officer")
    sent, _ = _case(member, lga.id, label="Case 3", **{"f-stage": "Looked after", "f-rating": "Partly met",
                    "f-got_in_the_way": "Jayden Smith moved school twice, NHS number 943 476 5919"})
    assert sent.status_code == 302
    after = parsed(member.get(f"/reviews/{lga.id}/offsite/cases").get_data(as_text=True))
    assert "Held for the lead reviewer to check" in after.select_one("#offsite-status").get_text()
    assert "Jayden" not in str(after.select_one("#mapped")) and "Jayden" not in str(
        lga.host.get(f"/reviews/{lga.id}/offsite/cases").get_data(as_text=True))
    lead = parsed(lga.lead.get(f"/reviews/{lga.id}/offsite/cases").get_data(as_text=True))
    remove = lead.select("#held-cases form")[1]["action"]
    assert lga.lead.post(remove, data={"csrf": lga.token}).status_code == 302
    db = sqlite3.connect(app.config["DATABASE"])
    assert db.execute("SELECT count(*) FROM review_offsite_cases").fetchone()[0] == 0


@pytest.mark.parametrize("fields, message", [
    ({"label": "", "f-stage": "Early help", "f-rating": "Well met"}, "The case's label is required"),
    ({"label": "Case 9", "f-stage": "Somewhere", "f-rating": "Well met"}, "The case's stage now: choose from"),
    ({"label": "Case 9", "f-rating": "Well met"}, "The case's stage now is required"),
    ({"label": "Case 9", "f-stage": "Early help", "f-rating": "Well met", "f-colour": "red"}, "no field 'colour'"),
    ({"label": "Case 9", "f-stage": "Early help", "f-rating": "Well met", "f-worked": "x" * 2001}, "longer than 2000"),
    ({"label": "C" * 41, "f-stage": "Early help", "f-rating": "Well met"}, "longer than 40"),
])
def test_a_wrong_case_is_refused_with_one_message_and_nothing_stored(app, lga, fields, message):
    member = lga.member("Member")
    refused, _ = _case(member, lga.id, **fields)
    assert refused.status_code == 400
    assert message in parsed(refused.get_data(as_text=True)).select_one("#problem").get_text()
    assert sqlite3.connect(app.config["DATABASE"]).execute("SELECT count(*) FROM review_offsite_cases").fetchone()[0] == 0


def test_the_host_cannot_map_a_case_nor_a_stranger_read_the_results(app, lga):
    token = session_token(lga.host)
    refused = lga.host.post(f"/reviews/{lga.id}/offsite/cases", data={"csrf": token, "case_id": str(uuid.uuid4()),
                                                                     "label": "Case 1", "f-stage": "Early help",
                                                                     "f-rating": "Well met"})
    assert refused.status_code == 403
    assert app.test_client().get(f"/reviews/{lga.id}/offsite/cases").status_code == 403


def test_a_review_whose_script_has_no_offsite_preparation_has_no_such_pages(app, review):
    assert review.lead.get(f"/reviews/{review.id}/offsite/survey").status_code == 404
    assert review.lead.get(f"/reviews/{review.id}/offsite/cases").status_code == 404
    assert parsed(review.lead.get(f"/reviews/{review.id}/console").get_data(as_text=True)).select_one("#offsite") is None
