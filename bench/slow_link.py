"""How soon a phone on a slow venue link can use the app: cold (first visit) and warm (coming back).

Chromium's own network throttling (the DevTools protocol's Network.emulateNetworkConditions:
1.6 Mbit/s down, 0.8 Mbit/s up, 150 ms round trip) over `facilitator serve` on this machine.

"Usable" is measured inside the page, from the start of its navigation:
  join   the join form is shown with its styles (the page's load event: HTML and CSS are in);
  cold   a phone that has joined opens its page with an empty cache, until it is connected and
         shows the current step (the snapshot has arrived and is drawn);
  warm   the same phone opens the page again in the same tab, its cache as the first visit left it;
  warm-tab  the same, in a new tab (Chromium then revalidates module scripts: one round trip more).

    python bench/slow_link.py [--runs 7] [--against DIR]

--against runs a second copy of the app (e.g. `git archive main | tar -x -C DIR`, with a
node_modules beside it) on its own port; runs alternate between the two, so both see the same load.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402

from browser_helpers import PHONE, launch  # noqa: E402
from conftest import free_port  # noqa: E402

KINDS = ("join", "cold", "warm", "warm-tab")
LINK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 800_000 / 8}

# Set in the page before anything runs: the moment (ms from navigation start) it became usable.
USABLE_PROBE = """(() => {
  const done = () => {
    const conn = document.querySelector('#conn.ok');
    const title = document.querySelector('#step-title');
    return conn && title && title.textContent !== 'Loading the day…';
  };
  new MutationObserver((_, obs) => {
    if (window.usableAt === undefined && done()) { window.usableAt = performance.now(); obs.disconnect(); }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();"""


class Server:
    """`facilitator serve` from one copy of the source, on a fresh database."""

    def __init__(self, source: Path, tmp: Path, name: str):
        self.name, self.source = name, source
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = tmp / f"{name}.db"
        self.env = {**os.environ, "PYTHONPATH": str(source), "PYTHONUNBUFFERED": "1"}
        self.log = open(tmp / f"{name}.log", "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "facilitator", "serve", "--host", "127.0.0.1",
                                      "--port", str(self.port), "--db", str(self.db)],
                                     cwd=source, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        out = subprocess.run([sys.executable, "-m", "facilitator", "new-day", "--title", "Bench day", "--date",
                              "2026-11-22", "--db", str(self.db), "--url", self.url, "--authority", "Northshire",
                              "--authority", "Eastbridge", "--authority", "Westvale"],
                             cwd=source, env=self.env, check=True, capture_output=True, text=True).stdout
        self.code = re.search(r"Join code: (\w+)", out).group(1)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()


def throttled_page(context):
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", LINK)
    return page


def one_phone(browser, server: Server, n: int) -> dict:
    """A new phone: the join form, then its own page cold, then warm."""
    context = browser.new_context(**PHONE)
    context.add_init_script(USABLE_PROBE)
    try:
        page = throttled_page(context)
        page.goto(f"{server.url}/join/{server.code}", wait_until="load")
        join = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        page.fill("#name", f"Phone {n}")
        page.select_option("#authority", "Eastbridge")
        page.click("button[type=submit]")
        page.wait_for_function("() => window.usableAt !== undefined", timeout=60_000)
        # That first phone page paid for the join form's round trips too: time a clean cold open.
        page.close()
        results = {"join": join}
        # cold: an empty cache, as on a phone that never opened the app, but the same cookie
        page = throttled_page(context)
        context.new_cdp_session(page).send("Network.clearBrowserCache")
        results["cold"] = open_phone(page, server)
        # warm: the same tab opens the page again (the phone coming back to it)
        results["warm"] = open_phone(page, server)
        page.close()
        # warm, new tab: another tab of the same browser, its HTTP cache as the visits left it
        page = throttled_page(context)
        results["warm-tab"] = open_phone(page, server)
        return results
    finally:
        context.close()


def open_phone(page, server: Server) -> float:
    page.goto(f"{server.url}/p/{server.code}", wait_until="commit")
    page.wait_for_function("() => window.usableAt !== undefined", timeout=60_000)
    return page.evaluate("window.usableAt")


def summary(values: list[float]) -> str:
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return f"median {statistics.median(values) / 1000:.2f} s (quartiles {q[0] / 1000:.2f}-{q[2] / 1000:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", type=Path, help="a second copy of the source to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        servers = [Server(ROOT, Path(tmp), "this")]
        if args.against:
            servers.append(Server(args.against.resolve(), Path(tmp), "against"))
        times = {s.name: {k: [] for k in KINDS} for s in servers}
        try:
            with sync_playwright() as p:
                browser = launch(p)
                for n in range(args.runs):
                    for s in servers if n % 2 == 0 else reversed(servers):  # interleaved, order alternating
                        for k, v in one_phone(browser, s, n).items():
                            times[s.name][k].append(v)
                browser.close()
        finally:
            for s in servers:
                s.stop()
    print(f"link: {LINK['downloadThroughput'] * 8 / 1e6:.1f} Mbit/s down, {LINK['uploadThroughput'] * 8 / 1e6:.1f} up, "
          f"{LINK['latency']} ms round trip; {args.runs} phones each")
    for s in servers:
        print(f"{s.name} ({s.source}):")
        for k in KINDS:
            print(f"  {k:8} {summary(times[s.name][k])}")
    if len(servers) == 2:
        for k in KINDS:
            ratios = [a / b for a, b in zip(times["this"][k], times["against"][k])]
            print(f"  ratio this/against, {k}: median {statistics.median(ratios):.2f} "
                  f"(range {min(ratios):.2f}-{max(ratios):.2f})")


if __name__ == "__main__":
    main()
