"""Sign-ins that end: a private link opened in a browser lasts 30 days, the cookie itself too, and
the facilitator (or the lead) can sign out every other browser at once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from facilitator.web.realtime import socketio
from tests.support import AUTHORITIES, NS, csrf_of, csrf_page, timer
from tests.test_followup_flow import at


def test_sign_in_the_cookie_expires_in_400_days_the_longest_a_browser_keeps_one(app, day):
    browser = app.test_client()
    r = browser.get(f"/f/{day['facilitator_key']}")
    cookie = next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("session="))
    expires = parsedate_to_datetime(next(p.split("=", 1)[1] for p in cookie.split("; ") if p.startswith("Expires=")))
    assert timedelta(days=399) < expires - datetime.now(timezone.utc) <= timedelta(days=400, minutes=1)


def test_sign_in_a_projector_and_a_team_member_for_30_days_the_facilitator_and_lead_through_the_follow_up(
        app, day, clock, review):
    facilitator, projector, member = app.test_client(), app.test_client(), review.member("TM1")
    facilitator.get(f"/f/{day['facilitator_key']}")
    projector.get(f"/screen/{day['projector_key']}")
    start = datetime.fromtimestamp(clock.now / 1000).date()
    at(clock, (start + timedelta(days=29)).isoformat())
    assert projector.get(f"/projector/{day['id']}").status_code == 200
    assert member.get(f"/reviews/{review.id}/notebook").status_code == 200
    at(clock, (start + timedelta(days=31)).isoformat())
    assert projector.get(f"/projector/{day['id']}").status_code == 403
    assert member.get(f"/reviews/{review.id}/notebook").status_code == 403
    assert facilitator.get(f"/console/{day['id']}").status_code == 200  # the follow-up is months on
    assert review.lead.get(f"/reviews/{review.id}/console").status_code == 200
    at(clock, (start + timedelta(days=401)).isoformat())
    assert facilitator.get(f"/console/{day['id']}").status_code == 403
    assert review.lead.get(f"/reviews/{review.id}/console").status_code == 403 and review.host.get(
        f"/reviews/{review.id}/host").status_code == 403
    assert facilitator.get(f"/f/{day['facilitator_key']}").status_code == 302  # the link signs in again
    assert facilitator.get(f"/console/{day['id']}").status_code == 200


def test_sign_out_every_other_browser_of_a_day(app, day):
    mine, other, projector = app.test_client(), app.test_client(), app.test_client()
    mine.get(f"/f/{day['facilitator_key']}")
    other.get(f"/f/{day['facilitator_key']}")
    projector.get(f"/screen/{day['projector_key']}")
    assert other.get(f"/console/{day['id']}").status_code == 200 and projector.get(f"/projector/{day['id']}").status_code == 200
    page = mine.get(f"/console/{day['id']}/summary").get_data(as_text=True)
    assert other.post(f"/console/{day['id']}/sign-out-others", data={}).status_code == 400  # needs its form
    r = mine.post(f"/console/{day['id']}/sign-out-others", data={"csrf": csrf_of(page)})
    assert r.status_code == 302
    assert "Every other browser of this day is signed out" in mine.get(r.location).get_data(as_text=True)
    assert mine.get(f"/console/{day['id']}").status_code == 200
    assert other.get(f"/console/{day['id']}").status_code == 403
    assert projector.get(f"/projector/{day['id']}").status_code == 403
    assert app.test_client().post(f"/console/{day['id']}/sign-out-others", data={"csrf": "x"}).status_code == 403
    other.get(f"/f/{day['facilitator_key']}")  # the link still opens it again
    assert other.get(f"/console/{day['id']}").status_code == 200


def test_sign_out_every_other_browser_of_a_review(review, app):
    token, _ = csrf_page(review.lead, f"/reviews/{review.id}/console")
    member = review.member("TM1")
    assert review.host.get(f"/reviews/{review.id}/host").status_code == 200
    assert member.get(f"/reviews/{review.id}/notebook").status_code == 200
    assert review.host.post(f"/reviews/{review.id}/sign-out-others", data={"csrf": token}).status_code in (400, 403)
    assert review.lead.post(f"/reviews/{review.id}/sign-out-others", data={"csrf": token}).status_code == 302
    assert review.host.get(f"/reviews/{review.id}/host").status_code == 403
    assert member.get(f"/reviews/{review.id}/notebook").status_code == 403
    assert review.lead.get(f"/reviews/{review.id}/console").status_code == 200


def test_signing_out_cuts_the_live_connections_of_the_other_browsers(app, day, engine, clock):
    mine, other, projector = app.test_client(), app.test_client(), app.test_client()
    for browser, path in ((mine, f"/f/{day['facilitator_key']}"), (other, f"/f/{day['facilitator_key']}"),
                          (projector, f"/screen/{day['projector_key']}")):
        browser.get(path)

    def connect(browser, role):
        return socketio.test_client(app, flask_test_client=browser, auth={"day": day["id"], "role": role})

    console, screen = connect(other, "facilitator"), connect(projector, "projector")
    token = engine.join(day, "Pat", AUTHORITIES[0], clock.now)["token"]
    phone = socketio.test_client(app, auth={"day": day["id"], "role": "participant", "token": token})
    assert console.is_connected() and screen.is_connected()
    for sio in (console, screen, phone):
        sio.get_received()
    page = mine.get(f"/console/{day['id']}/summary").get_data(as_text=True)
    assert mine.post(f"/console/{day['id']}/sign-out-others", data={"csrf": csrf_of(page)}).status_code == 302
    assert [e["name"] for e in console.get_received()] == ["signed_out"]
    assert [e["name"] for e in screen.get_received()] == ["signed_out"]
    assert phone.get_received() == []  # phones stay joined
    fac = connect(mine, "facilitator")
    assert fac.is_connected()
    fac.get_received()
    timer(fac, "start")
    assert console.get_received() == [] and screen.get_received() == []  # they hear nothing more
    assert [e["name"] for e in phone.get_received()] == ["clock"]
    assert not connect(other, "facilitator").is_connected() and not connect(projector, "projector").is_connected()


def test_signing_out_a_review_cuts_its_other_pages_live_connections(review):
    member = review.member("TM1")
    notebook, host = review.socket(member, "member"), review.socket(review.host, "host")
    assert notebook.is_connected(NS) and host.is_connected(NS)
    for sio in (notebook, host):
        sio.get_received(NS)
    token, _ = csrf_page(review.lead, f"/reviews/{review.id}/console")
    assert review.lead.post(f"/reviews/{review.id}/sign-out-others", data={"csrf": token}).status_code == 302
    for sio in (notebook, host):
        assert [e["name"] for e in sio.get_received(NS)] == ["signed_out"]
    lead = review.socket(review.lead, "lead")
    assert lead.is_connected(NS)
    assert lead.emit("timer", {"action": "start"}, namespace=NS, callback=True)["ok"]
    assert notebook.get_received(NS) == [] and host.get_received(NS) == []
    assert not review.socket(member, "member").is_connected(NS) and not review.socket(review.host, "host").is_connected(NS)
