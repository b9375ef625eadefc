"""Helpers for the browser tests and the latency bench: Debian's Chromium, pages by role."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}
SMALL_PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def watch_errors(page, errors: list) -> None:
    """Collect script errors and CSP violations: a page with either is broken."""
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    # A phone taken offline on purpose logs its failed reconnection attempts: the network, not the page.
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}")
            if m.type == "error" and "favicon" not in m.text and "404" not in m.text
            and "ERR_INTERNET_DISCONNECTED" not in m.text else None)


def open_console(browser, day: dict, errors: list):
    ctx = browser.new_context(**LAPTOP)
    page = ctx.new_page()
    watch_errors(page, errors)
    page.goto(day["facilitator_url"])
    page.wait_for_url(re.compile(r"/console/"))
    return page, page.url.rsplit("/", 1)[1]


def open_projector(browser, day: dict, day_id: str, errors: list, query: str = "?mute=1"):
    ctx = browser.new_context(**PROJECTOR)
    page = ctx.new_page()
    watch_errors(page, errors)
    page.goto(day["facilitator_url"])  # the facilitator's cookie
    page.goto(f"{day['facilitator_url'].split('/f/')[0]}/projector/{day_id}{query}")
    return page


def join_phone(browser, day: dict, name: str, authority: str, errors: list, clock_skew_ms: int = 0, device=None):
    """A phone that joins the day; `clock_skew_ms` sets its clock that far from the true time."""
    ctx = browser.new_context(**(device or PHONE))
    if clock_skew_ms:
        ctx.add_init_script(f"{{ const now = Date.now; Date.now = () => now() + {int(clock_skew_ms)}; }}")
    page = ctx.new_page()
    watch_errors(page, errors)
    page.goto(day["join_url"])
    page.fill("#name", name)
    page.select_option("#authority", authority)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/p/"))
    page.locator("#conn.ok").wait_for()
    return page


def shot(page, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def send(phone, text: str, kind_label: str | None = None, category: str | None = None) -> None:
    """Add a contribution from a phone as a person would: pick the kind, the category, type, send."""
    if kind_label:
        phone.locator("#kind-choice label", has_text=kind_label).click()
    if category:
        phone.select_option("#category", category)
    phone.fill("#text", text)
    phone.click("#send")


AXE = Path(__file__).parents[1] / "node_modules" / "axe-core" / "axe.min.js"
AXE_IMPACTS = ("critical", "serious", "moderate")
AXE_LOG = ARTIFACTS / "axe.tsv"

_AXE_RUN = """async (rules) => {
  const enable = Object.fromEntries(rules.map(r => [r, {enabled: true}]));
  const result = await axe.run(document, {resultTypes: ["violations"], rules: enable});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""


def axe_findings(page, impacts=AXE_IMPACTS, rules=()) -> list[dict]:
    """Run axe-core (pinned from npm) in the page as it is now; its findings of these impacts.

    The script is evaluated through the browser's debugging protocol, which the page's
    Content-Security-Policy does not govern, so the page under test stays as served. `rules`
    switches on checks axe leaves off by default (e.g. label-content-name-mismatch)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return [v for v in page.evaluate(_AXE_RUN, list(rules)) if v["impact"] in impacts]


def assert_accessible(page, label: str, rules=()) -> None:
    """No critical, serious or moderate axe finding on the page in its current state.

    Each check is logged to artifacts/axe.tsv (page, findings) for the table in the notes."""
    findings = axe_findings(page, rules=rules)
    ARTIFACTS.mkdir(exist_ok=True)
    with AXE_LOG.open("a", encoding="utf-8") as log:
        log.write(f"{label}\t{len(findings)}\t{' '.join(sorted(f['id'] for f in findings))}\n")
    assert not findings, f"axe on {label}: " + "; ".join(
        f"{f['impact']} {f['id']} ({f['help']}) at {', '.join(f['nodes'])}" for f in findings)


def start_and_send_a_risk(console, phone, projector) -> None:
    """The live path end to end: the console starts the day and moves to the presentation by its
    keys, a phone sends a risk, and the projector's wall shows it."""
    from playwright.sync_api import expect

    console.keyboard.press("Space")
    expect(console.locator("#clock-status")).to_contain_text("Running")
    console.keyboard.press("n")
    expect(phone.locator("#step-title")).to_have_text("Presentation")
    send(phone, "Budget pressure from home-to-school transport", category="Budget")
    expect(phone.locator("#mine")).to_contain_text("on the wall")
    expect(projector.locator("#wall")).to_contain_text("home-to-school transport")


def pdf_pages(page, name: str) -> list:
    """Print the page to an A4 PDF as Chromium's Save as PDF does, and turn each page into a PNG."""
    pdf = ARTIFACTS / f"{name}.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / name)], check=True)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))
