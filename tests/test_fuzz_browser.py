"""The phone's outbox against a server that refuses, and one that never answers."""

from __future__ import annotations

import re
import sqlite3

import pytest
import socketio

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from .browser_helpers import PHONE, send, shot, watch_errors  # noqa: E402



class Wire:
    """Stands between the phone and the server: counts the phone's sends, and can lose the acks."""

    def __init__(self):
        self.sends = 0
        self.lose_acks = False

    def route(self, ws):
        server = ws.connect_to_server()

        def upstream(message):
            if isinstance(message, str) and '"contribute"' in message:
                self.sends += 1
            server.send(message)

        def downstream(message):
            if self.lose_acks and isinstance(message, str) and message.startswith("43"):
                return  # the server's answer never arrives
            ws.send(message)

        ws.on_message(upstream)
        server.on_message(downstream)


def phone_behind(browser, day: dict, wire: Wire, errors: list, fake_clock: bool = False):
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    watch_errors(page, errors)
    if fake_clock:
        page.clock.install()
    page.route_web_socket(re.compile(r"/socket\.io/"), wire.route)
    page.goto(day["join_url"])
    page.fill("#name", "Ana")
    page.select_option("#authority", "Northshire")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/p/"))
    page.locator("#conn.ok").wait_for()
    return page


def presentation(server, day: dict) -> None:
    """Move the day on to the presentation, as the facilitator would: the presenter adds risks."""
    with sqlite3.connect(server.db) as conn:
        day_id = conn.execute("select id from days").fetchone()[0]
    with socketio.SimpleClient() as fac:
        fac.connect(server.url, auth={"day": day_id, "role": "facilitator", "key": day["key"]},
                    transports=["websocket"], wait_timeout=10)
        assert fac.call("timer", {"action": "next"}, timeout=10)["ok"]


def stored(server) -> list[str]:
    with sqlite3.connect(server.db) as conn:
        return [r[0] for r in conn.execute("select text from contributions")]


def test_a_refused_send_is_shown_kept_in_the_form_and_not_sent_again(live_server, browser):
    day = live_server.new_day()
    errors: list[str] = []
    wire = Wire()
    presentation(live_server, day)
    phone = phone_behind(browser, day, wire, errors)
    expect(phone.locator("#step-title")).to_have_text("Presentation")
    send(phone, "\u200b\u200d", category="Budget")  # invisible only: the server refuses it as empty
    expect(phone.locator("#send-status")).to_have_text("text is empty")
    expect(phone.locator("#text")).to_have_value("\u200b\u200d")  # given back to be put right
    expect(phone.locator("#mine")).not_to_contain_text("waiting to send")
    send(phone, "What would the children say?", category="Budget")
    expect(phone.locator("#send-status")).to_have_text("Sent. Thank you.")
    assert wire.sends == 2, "the refused one was sent once and not again"
    assert stored(live_server) == ["What would the children say?"]
    assert not errors, errors


def test_a_send_never_answered_is_tried_a_few_times_then_waits_for_the_person(live_server, browser):
    day = live_server.new_day()
    errors: list[str] = []
    wire = Wire()
    presentation(live_server, day)
    phone = phone_behind(browser, day, wire, errors, fake_clock=True)
    expect(phone.locator("#step-title")).to_have_text("Presentation")
    wire.lose_acks = True
    send(phone, "How do families hear about the changes?", category="Budget")
    expect(phone.locator("#mine")).to_contain_text("waiting to send")
    stuck = phone.locator("#mine li", has_text="not sent")
    for _ in range(12):  # on the phone's clock: each ack waited for, and each pause between tries
        if stuck.count():
            break
        phone.clock.run_for(4000)
    expect(stuck).to_contain_text("How do families hear about the changes?")
    expect(phone.locator("#send-status")).to_contain_text("Not sent")
    tries = wire.sends
    assert 2 <= tries <= 5, tries  # tried again, but not for ever
    phone.clock.run_for(30_000)
    assert wire.sends == tries, "no more tries once it waits for the person"
    shot(phone, "phone-not-sent")
    # the server answers again: the person's Try again sends it, stored once however many tries arrived
    wire.lose_acks = False
    stuck.get_by_role("button", name="Try again to send this").click()
    expect(phone.locator("#send-status")).to_have_text(re.compile(r"Sent"))
    expect(phone.locator("#mine")).not_to_contain_text("not sent")
    assert stored(live_server) == ["How do families hear about the changes?"]
    assert not [e for e in errors if "ERR_CONNECTION_REFUSED" not in e], errors
