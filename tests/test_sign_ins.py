"""Sign-ins that end: a private link opened in a browser lasts 30 days, the cookie itself too, and
the facilitator (or the lead) can sign out every other browser at once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from tests.support import csrf_of, csrf_page
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
