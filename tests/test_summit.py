"""The host's agreement, case studies and the summit pack across days."""

from __future__ import annotations

import json
import re
from collections import Counter

from click.testing import CliRunner

from facilitator.cli import cli
from tests.daybuilder import NAMES, active_parts, play
from tests.support import csrf_of, decide, host, parsed, review_links


def name_in_grid(app, links: dict) -> None:
    """Each host agrees, on its own page, to be named in the summit's grid."""
    for authority, path in links.items():
        browser, page = host(app, path)
        decide(browser, path, page, f"risk-grid:{authority}", "agreed")


def case_ids(page: str) -> list[str]:
    return [a["id"].removeprefix("s-") for a in parsed(page).select("article.decision.case-study")]


def pack(client, day, fmt="json"):
    response = client.get(f"/summit/pack.{fmt}", query_string={"day": day["id"]})
    assert response.status_code == 200, response.data
    return response.get_data(as_text=True)


def test_each_authority_has_its_own_review_link(played, app, day):
    assert set(played["links"]) == set(day["authorities"])
    _, page = host(app, played["links"]["Northshire"])
    assert "Northshire can share its recruitment" in page
    assert "Eastbridge can share" not in page  # another authority's session is not shown
    assert "How do you know your early help offer reaches families in Northshire?" in page
    assert not any(name in page for name in NAMES.values())
    assert active_parts(page.split("<body", 1)[1]) == []
    assert app.test_client().get("/review/not-a-key").status_code == 404


def test_unagreed_case_study_is_absent_from_the_summit(played, app, client, day):
    path = played["links"]["Northshire"]
    browser, page = host(app, path)
    ids = case_ids(page)
    assert len(ids) == 2  # the starred strength and the starred offer
    page = decide(browser, path, page, ids[0], "agreed")
    assert "Agreed on 20" in page
    summit = json.loads(pack(client, day))
    titles = [c["title"] for c in summit["case_studies"]]
    assert len(titles) == 1 and all("Eastbridge" not in t and "Westvale" not in t for t in titles)
    agreed = summit["case_studies"][0]
    assert agreed["id"] == ids[0] and re.match(r"\d{4}-\d\d-\d\d", agreed["approval"]["on"])
    html = pack(client, day, "html")
    assert agreed["title"] in html
    others = [c for c in json.loads(client.get(f"/console/{day['id']}/export.json").data)["case_studies"]
              if c["id"] != ids[0]]
    assert others and not any(c["title"] in html for c in others)


def test_a_facilitators_change_asks_the_host_again(played, app, client, day):
    path = played["links"]["Northshire"]
    browser, page = host(app, path)
    case_id = case_ids(page)[0]
    decide(browser, path, page, case_id, "agreed")
    edit = client.get(f"/console/{day['id']}/case-studies/{case_id}").get_data(as_text=True)
    client.post(f"/console/{day['id']}/case-studies/{case_id}",
                data={"csrf": csrf_of(edit), "title": "Growing our own social workers", "theme": "Workforce"})
    assert json.loads(pack(client, day))["case_studies"] == []
    form = browser.get(f"{path}/case-studies/{case_id}").get_data(as_text=True)
    browser.post(f"{path}/case-studies/{case_id}", data={"csrf": csrf_of(form), "contact_role": "Head of Service"})
    [case] = json.loads(pack(client, day))["case_studies"]
    assert case["title"] == "Growing our own social workers" and case["approval"]["status"] == "edited"
    assert case["contact_role"] == "Head of Service"


def test_a_host_cannot_decide_for_another_authority(played, app, day):
    browser, page = host(app, played["links"]["Northshire"])
    eastbridge_offer = played["sessions"][1]["offer"]
    response = browser.post(played["links"]["Northshire"] + "/decide",
                            data={"csrf": csrf_of(page), "subject_id": eastbridge_offer, "status": "agreed"})
    assert response.status_code == 404


def test_asks_register_lists_offers_from_other_authorities(played, app, client, day):
    for authority, s in zip(day["authorities"], played["sessions"]):
        path = played["links"][authority]
        browser, page = host(app, path)
        page = decide(browser, path, page, s["offer"], "agreed")
        if authority == "Eastbridge":
            decide(browser, path, page, s["ask"], "declined")
        elif authority == "Westvale":
            decide(browser, path, page, s["ask"], "edited", "Peer support to recruit experienced workforce leaders")
        else:
            decide(browser, path, page, s["ask"], "agreed")
    summit = json.loads(pack(client, day))
    asks = {a["authority"]: a for a in summit["asks"]}
    assert set(asks) == {"Northshire", "Westvale"}  # Eastbridge declined its ask
    assert asks["Westvale"]["text"] == "Peer support to recruit experienced workforce leaders"
    matched = {o["authority"] for o in asks["Northshire"]["offers"]}
    assert matched == {"Eastbridge", "Westvale"}  # recruitment offers, never its own
    assert "Eastbridge can share its recruitment" in pack(client, day, "md")


def test_grid_counts_match_the_contributions(played, app, client, day, engine):
    name_in_grid(app, played["links"])
    s0 = played["sessions"][0]
    d = played["day"]
    d.moderate(s0["hostile"][0], "hide")
    d.moderate(s0["hostile"][1], "merge", into=s0["hostile"][2])
    script = engine.scripts[day["script"]]
    expected = Counter(
        (r["presenter"], r["category"]) for r in engine.store.contributions(day["id"])
        if script.kinds[r["kind"]].categorised and not r["hidden"] and not r["merged_into"])
    summit = json.loads(pack(client, day))
    grid = summit["grid"]
    seen = Counter({(a, c): cell["count"] for a, row in grid["cells"].items() for c, cell in row.items()})
    assert seen == expected
    assert grid["categories"] == list(script.categories)
    assert grid["cells"]["Northshire"]["Workforce"]["named"] is True
    assert grid["cells"]["Northshire"]["Senior leadership turnover"]["named"] is False
    html = pack(client, day, "html")
    drawn = Counter({(g["data-authority"], g["data-category"]): int(g["data-count"])
                     for g in parsed(html).select("g.cell") if int(g["data-count"])})
    assert drawn == expected
    assert "<svg" in html and active_parts(html) == []


def test_summit_picker_and_command_line(played, app, client, day, tmp_path):
    page = client.get("/summit").get_data(as_text=True)
    assert f'value="{day["id"]}"' in page
    other = app.test_client()
    assert other.get(f"/summit/pack.html?day={day['id']}").status_code == 403
    result = CliRunner().invoke(cli, ["summit", day["id"], day["join_code"], "--out", str(tmp_path / "pack"),
                                      "--db", app.config["DATABASE"]])
    assert result.exit_code == 0, result.output
    for name in ("summit.html", "summit.md", "summit.json", "grid.svg"):
        text = (tmp_path / "pack" / name).read_text()
        assert not any(n in text for n in NAMES.values())
    assert (tmp_path / "pack" / "grid.svg").read_text().startswith("<svg")


def test_summit_brings_several_days_together(played, app, client, day, engine, clock):
    from tests.support import Room

    second = engine.create_day("Second round", "2026-12-01", ["Southport", "Northshire", "Lakeside"], "se-triad",
                               None, clock.now)
    play(Room(app, engine, second, clock), names={"Southport": "Sam Porter", "Northshire": "Nia Shore",
                                                   "Lakeside": "Lee Lake"})
    client.get(f"/f/{second['facilitator_key']}")
    name_in_grid(app, played["links"])
    name_in_grid(app, review_links(client.get(f"/console/{second['id']}/summary").get_data(as_text=True)))
    response = client.get("/summit/pack.json", query_string=[("day", day["id"]), ("day", second["id"])])
    summit = json.loads(response.data)
    grid = summit["grid"]
    assert grid["authorities"] == ["Northshire", "Eastbridge", "Westvale", "Southport", "Lakeside"]
    assert grid["cells"]["Northshire"]["Workforce"]["count"] == 4  # two in each day's Northshire session
    text = response.get_data(as_text=True)
    assert not any(n in text for n in ("Sam Porter", "Nia Shore", "Lee Lake", *NAMES.values()))
