"""The region's programme: the calendar of every day and review with its stage, the 18-month cycle
of who has given and received, the reviewer pool, conflicts kept out of a team's invitations, each
person's message with their own link alone, and the copy into the next round."""

from __future__ import annotations

import re

from facilitator.app import create_app
from facilitator.followup import nextround
from tests.support import csrf_page, parsed
from tests.test_followup_flow import at


def _review(client, host="Northshire", script="em-pctr", start="2027-03-01", title=None):
    token, _ = csrf_page(client, "/reviews/new")
    data = {"csrf": token, "script": script, "host": host, "start_date": start}
    if title:
        data["title"] = title
    created = client.post("/reviews", data=data)
    assert created.status_code == 302, created.get_data(as_text=True)
    return created.location.split("/")[2], token


def _day(client, title="Triad round 2", date="2026-11-22"):
    token, _ = csrf_page(client, "/")
    created = client.post("/days", data={"csrf": token, "title": title, "date": date, "script": "se-triad",
                                         "authority1": "Northshire", "authority2": "Eastbridge", "authority3": "Westvale"})
    assert created.status_code == 302
    return created.location.rsplit("/", 1)[1], token


def _person(client, token, **fields):
    data = {"csrf": token, "name": "Ann Reviewer", "role": "DCS", "authority": "Eastbridge", "stage": "accredited",
            "experience": "Led two PCTRs", "conflicts": "", **fields}
    return client.post("/programme/pool", data=data)


def test_the_calendar_lists_every_day_and_review_by_date_with_its_stage(app, clock):
    at(clock, "2027-03-02")
    lead = app.test_client()
    day_id, token = _day(lead, date="2026-11-22")
    review_id, _ = _review(lead, start="2027-03-01", title="Northshire PCTR")
    later, _ = _review(lead, host="Westvale", start="2027-06-07", title="Westvale PCTR")
    page = parsed(lead.get("/programme").get_data(as_text=True))
    rows = page.select("#calendar tbody tr")
    assert [r["id"] for r in rows] == [f"day-{day_id}", f"review-{review_id}", f"review-{later}"]
    assert rows[0].select_one(".kind").get_text() == "Triad day" and rows[0].select_one(".stage").get_text() == "follow-up"
    assert rows[1].select_one(".kind").get_text() == "PCTR" and rows[1].select_one(".stage").get_text() == "on site"
    assert rows[1].select_one(".dates").get_text() == "1 to 3 March 2027"
    assert rows[2].select_one(".stage").get_text() == "planning"
    at(clock, "2027-03-10")
    assert parsed(lead.get("/programme").get_data(as_text=True)).select_one(f"#review-{review_id} .stage").get_text() == "letter"
    ics = lead.get("/programme.ics")
    body = ics.get_data(as_text=True)
    assert ics.mimetype == "text/calendar" and body.count("BEGIN:VEVENT") == 3
    assert "DTSTART;VALUE=DATE:20270301" in body and "DTEND;VALUE=DATE:20270304" in body
    assert "/reviews/lead/" not in body and "/f/" not in body  # nobody's private link


def test_a_windowed_visit_shows_its_window_and_a_stage_before_its_first_day_is_set(app, clock):
    at(clock, "2027-01-10")
    lead = app.test_client()
    token, _ = csrf_page(lead, "/reviews/new")
    created = lead.post("/reviews", data={"csrf": token, "script": "em-sav", "host": "Rutland", "start_date": "",
                                          "window_first": "2027-02-01", "window_last": "2027-03-26"})
    rid = created.location.split("/")[2]
    row = parsed(lead.get("/programme").get_data(as_text=True)).select_one(f"#review-{rid}")
    assert row.select_one(".kind").get_text() == "SAV" and row.select_one(".dates").get_text() == "window 1 February to 26 March 2027"
    assert row.select_one(".stage").get_text() == "planning"


def test_the_programme_needs_the_organisers_key_when_the_server_has_one(tmp_path, clock):
    app = create_app({"DATABASE": str(tmp_path / "k.db"), "SECRET_KEY": "t", "NOW": clock, "TESTING": True,
                      "ORGANISER_KEY": "sesame"})
    visitor = app.test_client()
    refused = visitor.get("/programme")
    assert refused.status_code == 403 and "Organiser's key" in refused.get_data(as_text=True)
    assert visitor.get("/programme.ics").status_code == 403 and visitor.get("/programme/pool").status_code == 403
    token = parsed(refused.get_data(as_text=True)).select_one('input[name="csrf"]')["value"]
    wrong = visitor.post("/programme/key", data={"csrf": token, "organiser_key": "nope", "next": "/programme"})
    assert wrong.status_code == 403 and "not the organiser's key" in parsed(wrong.get_data(as_text=True)).select_one('.alert').get_text()
    assert visitor.post("/programme/pool", data={"csrf": token, "name": "X"}).status_code == 403
    right = visitor.post("/programme/key", data={"csrf": token, "organiser_key": "sesame", "next": "/programme/pool"})
    assert right.status_code == 302 and right.location.endswith("/programme/pool")
    assert visitor.get("/programme").status_code == 200
    assert app.test_client().get("/programme").status_code == 403  # another browser, without the key


def test_the_cycle_shows_who_has_given_and_received_and_who_is_due(app, clock):
    at(clock, "2027-04-01")
    lead = app.test_client()
    token, _ = csrf_page(lead, "/programme/pool")
    assert _person(lead, token, name="Dee Lead", authority="Derby").status_code == 302
    _day(lead, date="2025-06-01", title="Triad round 1")  # more than 18 months ago
    rid, _ = _review(lead, host="Northshire", start="2027-03-01")
    app.extensions["facilitator"].reviews.set_names(rid, {"lead_name": "Dee Lead"})
    page = parsed(lead.get("/programme").get_data(as_text=True))
    grid = {r.select_one("th").get_text(): r for r in page.select("#cycle-grid tbody tr")}
    assert list(grid) == ["Derby", "Eastbridge", "Northshire", "Westvale"]
    assert "1 March 2027" in grid["Northshire"].select_one(".received").get_text()
    assert "due" not in grid["Northshire"].select_one(".received")["class"]
    assert "1 March 2027" in grid["Derby"].select_one(".gave").get_text()  # its DCS led the review
    assert "Not yet" in grid["Derby"].select_one(".received").get_text() and "due" in grid["Derby"].select_one(".received")["class"]
    westvale = grid["Westvale"].select_one(".received")
    assert "1 June 2025" in westvale.get_text() and "due" in westvale["class"] and "by 1 December 2026" in westvale.get_text()


def test_the_pool_adds_edits_and_retires_and_refuses_bad_input(app, clock):
    organiser = app.test_client()
    token, _ = csrf_page(organiser, "/programme/pool")
    added = _person(organiser, token, conflicts="Northshire, Westvale")
    assert added.status_code == 302
    pid = re.search(r"#person-(\w+)", added.location).group(1)
    page = parsed(organiser.get("/programme/pool").get_data(as_text=True))
    row = page.select_one(f"#person-{pid}")
    assert "Accredited" in row.get_text() and "Northshire, Westvale" in row.get_text()
    for bad, message in [({"name": ""}, "Their name is required"), ({"role": "Wizard"}, "choose their role"),
                         ({"stage": "famous"}, "choose their accreditation stage"), ({"authority": ""}, "Their authority is required"),
                         ({"name": "ann reviewer"}, "already in the pool")]:
        refused = _person(organiser, token, **bad)
        assert refused.status_code == 400 and message in parsed(refused.get_data(as_text=True)).select_one("#problem").get_text()
    assert len(app.extensions["facilitator"].pool.people()) == 1  # nothing stored
    assert organiser.post("/programme/pool", data={"name": "No token"}).status_code == 400  # CSRF
    edited = organiser.post(f"/programme/pool/{pid}", data={"csrf": token, "name": "Ann Reviewer", "role": "AD",
                                                            "authority": "Eastbridge", "stage": "training", "conflicts": ""})
    assert edited.status_code == 302
    person = app.extensions["facilitator"].pool.person(pid)
    assert person["role"] == "AD" and person["stage"] == "training" and person["conflicts"] == []
    assert organiser.post(f"/programme/pool/{pid}", data={"csrf": token, "name": "", "role": "AD", "authority": "E",
                                                          "stage": "training"}).status_code == 400
    assert organiser.post(f"/programme/pool/{pid}/retire", data={"csrf": token}).status_code == 302
    assert app.extensions["facilitator"].pool.people() == [] and organiser.get(f"/programme/pool/{pid}").status_code == 404
    assert "Retired" in parsed(organiser.get("/programme/pool").get_data(as_text=True)).select_one(f"#person-{pid}").get_text()


def test_a_lead_is_offered_the_pool_with_conflicts_kept_out_and_a_conflicted_invitation_is_refused(app, clock):
    lead = app.test_client()
    token, _ = csrf_page(lead, "/programme/pool")
    _person(lead, token, name="Free Reviewer", authority="Eastbridge")
    _person(lead, token, name="Conflicted Reviewer", authority="Westvale", conflicts="Northshire")
    _person(lead, token, name="Home Reviewer", authority="Northshire")
    _person(lead, token, name="Trainee Reviewer", authority="Derby", stage="training")
    rid, _ = _review(lead)
    console = parsed(lead.get(f"/reviews/{rid}/console").get_data(as_text=True))
    assert [o["value"] for o in console.select("#pool-offered option")] == ["Free Reviewer"]
    for name, why in [("Conflicted Reviewer", "has a conflict of interest with Northshire"),
                      ("home reviewer", "is from Northshire, the host authority"), ("Trainee Reviewer", "is not yet accredited")]:
        lead.post(f"/reviews/{rid}/team", data={"csrf": token, "name": name, "role": "QA"})
        problem = parsed(lead.get(f"/reviews/{rid}/console").get_data(as_text=True)).select_one("#problem").get_text()
        assert why in problem
    assert app.extensions["facilitator"].team.invited(rid) == []
    lead.post(f"/reviews/{rid}/team", data={"csrf": token, "name": "Free Reviewer", "role": "QA"})
    assert [m["name"] for m in app.extensions["facilitator"].team.invited(rid)] == ["Free Reviewer"]


def test_each_persons_message_and_calendar_file_carry_their_own_link_alone(app, clock):
    at(clock, "2027-01-10")
    lead = app.test_client()
    rid, token = _review(lead)
    lead.post(f"/reviews/{rid}/team", data={"csrf": token, "name": "Quinn QA", "role": "QA"})
    lead.post(f"/reviews/{rid}/team", data={"csrf": token, "name": "Tess Member", "role": "TM1"})
    house = app.extensions["facilitator"]
    house.reviews.set_names(rid, {"lead_name": "Lee Lead", "host_dcs_name": "Hal Host"})
    review = house.reviews.review(rid)
    invited = house.team.invited(rid)
    assert len(invited) == 2, invited
    links = {"host": f"/reviews/host/{review['host_key']}", "lead": f"/reviews/lead/{review['lead_key']}",
             **{m["id"]: f"/reviews/member/{m['token']}" for m in invited}}
    console = parsed(lead.get(f"/reviews/{rid}/console").get_data(as_text=True))
    hrefs = {a["href"] for a in console.select("#host-message, #lead-message, .message-link")}
    assert hrefs == {f"/reviews/{rid}/message/{w}" for w in links}
    names = {"host": "Dear Hal Host,", "lead": "Dear Lee Lead,", invited[0]["id"]: "Dear Quinn QA,", invited[1]["id"]: "Dear Tess Member,"}
    for who, own in links.items():
        text = parsed(lead.get(f"/reviews/{rid}/message/{who}").get_data(as_text=True)).select_one("#message-text").get_text()
        ics = lead.get(f"/reviews/{rid}/message/{who}.ics").get_data(as_text=True).replace("\r\n ", "")
        assert text.startswith(names[who]) and "1 March" in text
        for body in (text, ics):
            assert own in body
            assert not [o for w, o in links.items() if w != who and o in body], (who, body)
    assert app.test_client().get(f"/reviews/{rid}/message/host").status_code == 403
    assert lead.get(f"/reviews/{rid}/message/nobody").status_code == 404


def test_a_triad_days_hosts_each_get_their_own_review_link_and_the_join_details(app, clock):
    facilitator = app.test_client()
    day_id, _ = _day(facilitator)
    house = app.extensions["facilitator"]
    day = house.engine.store.day(day_id)
    console = parsed(facilitator.get(f"/console/{day_id}").get_data(as_text=True))
    assert [a.get_text() for a in console.select(".day-message")] == day["authorities"]
    keys = {a: house.reports.review_key(day_id, a, clock.now) for a in day["authorities"]}
    for authority in day["authorities"]:
        text = parsed(facilitator.get(f"/console/{day_id}/message/{authority}").get_data(as_text=True)).select_one("#message-text").get_text()
        ics = facilitator.get(f"/console/{day_id}/message/{authority}.ics").get_data(as_text=True).replace("\r\n ", "")
        for body in (text, ics):
            assert f"/review/{keys[authority]}" in body and day["join_code"] in body
            assert not [k for a, k in keys.items() if a != authority and k in body]
            assert day["facilitator_key"] not in body
    assert app.test_client().get(f"/console/{day_id}/message/Northshire").status_code == 403
    assert facilitator.get(f"/console/{day_id}/message/Elsewhere").status_code == 404


def test_copy_into_the_next_round_takes_the_authorities_script_and_title_and_nothing_else(app, clock):
    assert nextround.next_title("Triad round 2") == "Triad round 3"
    assert nextround.next_title("Northshire PCTR") == "Northshire PCTR (next round)"
    facilitator = app.test_client()
    day_id, token = _day(facilitator)
    house = app.extensions["facilitator"]
    house.engine.store.add_participant(day_id, "Pat", "Northshire", clock.now)
    for bad, message in [("", "as a date"), ("2026-11-01", "must come after")]:
        refused = facilitator.post(f"/console/{day_id}/next-round", data={"csrf": token, "date": bad})
        assert refused.status_code == 400 and message in parsed(refused.get_data(as_text=True)).select_one("#problem").get_text()
    before = len(house.engine.store.days())
    copied = facilitator.post(f"/console/{day_id}/next-round", data={"csrf": token, "date": "2027-05-20"})
    assert copied.status_code == 302 and len(house.engine.store.days()) == before + 1
    new_id = copied.location.rsplit("/", 1)[1]
    new, old = house.engine.store.day(new_id), house.engine.store.day(day_id)
    assert (new["title"], new["date"], new["authorities"], new["script"]) == ("Triad round 3", "2027-05-20", old["authorities"], "se-triad")
    assert house.engine.store.participants(new_id) == [] and new["join_code"] != old["join_code"]
    assert new["facilitator_key"] != old["facilitator_key"]

    rid, _ = _review(facilitator, title="Northshire PCTR")
    facilitator.post(f"/reviews/{rid}/team", data={"csrf": token, "name": "Quinn QA", "role": "QA"})
    house.reviews.set_names(rid, {"lead_name": "Lee Lead"})
    assert facilitator.post(f"/reviews/{rid}/next-round", data={"csrf": token, "start_date": "2027-02-01"}).status_code == 400
    moved = facilitator.post(f"/reviews/{rid}/next-round", data={"csrf": token, "start_date": "2028-09-04"})
    assert moved.status_code == 302
    new_rid = moved.location.split("/")[2]
    new, old = house.reviews.review(new_rid), house.reviews.review(rid)
    assert (new["title"], new["host"], new["script"], new["start_date"]) == ("Northshire PCTR (next round)", "Northshire", "em-pctr", "2028-09-04")
    assert house.team.invited(new_rid) == [] and not new["lead_name"] and new["host_key"] != old["host_key"]
    assert app.test_client().post(f"/reviews/{rid}/next-round", data={"csrf": token, "start_date": "2028-09-04"}).status_code == 403


def test_an_unannounced_visits_host_is_told_the_window_and_never_the_first_day(app, clock):
    at(clock, "2027-01-10")
    lead = app.test_client()
    token, _ = csrf_page(lead, "/reviews/new")
    created = lead.post("/reviews", data={"csrf": token, "script": "em-sav", "host": "Rutland", "start_date": "2027-03-03",
                                          "window_first": "2027-02-01", "window_last": "2027-03-26"})
    rid = created.location.split("/")[2]
    host = parsed(lead.get(f"/reviews/{rid}/message/host").get_data(as_text=True)).select_one("#message-text").get_text()
    ics = lead.get(f"/reviews/{rid}/message/host.ics").get_data(as_text=True)
    assert "1 February to 26 March 2027" in host and "3 March" not in host
    assert "DTSTART;VALUE=DATE:20270201" in ics and "20270303" not in ics
    own = parsed(lead.get(f"/reviews/{rid}/message/lead").get_data(as_text=True)).select_one("#message-text").get_text()
    assert "Wednesday 3 March" in own
