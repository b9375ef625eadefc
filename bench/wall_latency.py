"""How long from a phone's Send to the text on the projector's wall, through the real server.

Runs `facilitator serve` (the tests' LiveServer), a phone and a projector in Chromium, sends N
contributions from the phone and times each from the click to the text appearing on the wall.

    python bench/wall_latency.py [N]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402

from browser_helpers import join_phone, launch, open_console, open_projector  # noqa: E402
from conftest import LiveServer  # noqa: E402


def main(n: int = 30) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp)).start()
        try:
            day = server.new_day()
            errors: list[str] = []
            with sync_playwright() as p:
                browser = launch(p)
                console, day_id = open_console(browser, day, errors)
                projector = open_projector(browser, day, day_id, errors)
                phone = join_phone(browser, day, "Bench", "Eastbridge", errors)
                console.keyboard.press("Space")
                console.keyboard.press("n")
                # move on to open questions: the visitor's phone sends open questions
                console.locator("#step-title", has_text="Presentation").wait_for()
                console.keyboard.press("n")
                console.locator("#step-title", has_text="Open questions").wait_for()
                phone.locator("#step-title", has_text="Open questions").wait_for()
                projector.locator("#step-title", has_text="Open questions").wait_for()
                # Timestamps taken inside the pages (one machine, one clock), free of the driver's
                # own round trips: the phone's submit, and the moment the text is in the wall's DOM.
                phone.evaluate("""() => document.querySelector('#add-form').addEventListener(
                    'submit', () => { window.sentAt = Date.now(); }, true)""")
                projector.evaluate("""() => { window.seenAt = {};
                    new MutationObserver(() => {
                      for (const m of document.querySelector('#wall').textContent.matchAll(/number (\\d{3})/g))
                        if (!(m[1] in window.seenAt)) window.seenAt[m[1]] = Date.now();
                    }).observe(document.querySelector('#wall'), {childList: true, subtree: true, characterData: true}); }""")
                times, in_page = [], []
                for i in range(n):
                    text = f"What would make the biggest difference, number {i:03d}?"
                    phone.fill("#text", text)
                    t0 = time.perf_counter()
                    phone.click("#send")
                    projector.locator("#wall", has_text=text).wait_for(timeout=5000)
                    times.append((time.perf_counter() - t0) * 1000)
                    in_page.append(projector.evaluate(f"window.seenAt['{i:03d}']") - phone.evaluate("window.sentAt"))
                    phone.locator("#send-status", has_text="Sent").wait_for()
                    phone.wait_for_timeout(500)  # a person's pace: the server allows 2 a second per phone
                browser.close()
            if errors:
                print("page errors:", *errors, sep="\n  ")
        finally:
            server.stop()
    print(f"wall latency over {n} contributions (phone submit -> text on the projector):")
    report("in the pages", in_page)
    report("seen by the driver", times)


def report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p90 = times[max(0, int(round(0.9 * len(times))) - 1)]
    print(f"  {label:>18}: median {statistics.median(times):.0f} ms   p90 {p90:.0f} ms   "
          f"max {max(times):.0f} ms   min {min(times):.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
