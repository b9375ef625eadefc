"""A record of who took what: sign-ins with private links, exports and downloads, each with its
role and time and never its content; the facilitator (or the lead) reads it, and it goes with
the day or the review."""

from __future__ import annotations

from urllib.parse import urlsplit

from facilitator.core import erase
from tests.support import host, parsed


def log(client, path: str) -> list[tuple[str, str]]:
    page = parsed(client.get(path).get_data(as_text=True))
    return [tuple(td.get_text() for td in tr.select("td")[1:]) for tr in page.select("#access-log tbody tr")]


def test_access_log_records_sign_ins_and_downloads_by_role_never_their_content(played, app, client, day):
    phone = app.test_client().post(f"/api/join/{day['join_code']}", json={"name": "Ava Quillfeather", "authority": "Eastbridge"})
    assert phone.status_code == 201
    client.get(f"/f/{day['facilitator_key']}")
    host(app, played["links"]["Northshire"])
    client.get(f"/console/{day['id']}/export.docx")  # drafting left in: the page asks, nothing is taken
    client.get(f"/console/{day['id']}/export.docx", query_string={"internal": "1", "anyway": "1"})
    client.get("/summit/pack.json", query_string={"day": day["id"]})
    got = log(client, f"/console/{day['id']}/access")
    assert got[:4] == [("facilitator", "downloaded the summit pack (json)"),
                       ("facilitator", "downloaded the docx export (internal copy)"),
                       ("host (Northshire)", "opened the host's link"),
                       ("facilitator", "signed in with the facilitator's link")]
    assert ("participant", "joined on a phone") in got
    assert sum(1 for _, what in got if "docx" in what) == 1
    page = client.get(f"/console/{day['id']}/access").get_data(as_text=True)
    assert "How do you know" not in page and not any(c in page for c in ("Northshire worries", "Ava Quillfeather", "Eastbridge"))
    assert app.test_client().get(f"/console/{day['id']}/access").status_code == 403
    held = erase.holdings(app.extensions["facilitator"].engine.store.database, "day", day["id"])
    assert held["access_log"] == len(got)  # it goes with the day


def test_access_log_of_a_review_is_the_leads_to_read(review, app):
    console = parsed(review.lead.get(f"/reviews/{review.id}/console").get_data(as_text=True))
    assert app.test_client().get(urlsplit(console.select_one("#lead-link")["href"]).path).status_code == 302
    review.member("TM1")
    review.lead.get(f"/reviews/{review.id}/export.json", query_string={"internal": "1"})
    got = log(review.lead, f"/reviews/{review.id}/access")
    assert ("lead", "signed in with the lead's link") in got
    assert ("lead", "downloaded the json export (internal copy)") in got
    assert ("member", "joined the team") in got
    assert ("host", "signed in with the host's link") in got
    assert review.host.get(f"/reviews/{review.id}/access").status_code == 403
    assert review.member("TM2").get(f"/reviews/{review.id}/access").status_code == 403
