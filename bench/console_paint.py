"""How soon the facilitator's console shows a full day: a day of 900 contributions against an
empty one, on the same server, loads alternating.

Cold: a fresh browser context each time, nothing cached. Warm: the console reloaded in a tab
that has opened it before (its files cached), as a facilitator coming back to it.

"Painted" is measured inside the page, from the start of its navigation: the console is
connected, shows the current step, and its feed holds what the day has (or says there is
nothing yet); then the next frame is drawn. "Preview drawn": the console's small copy of the
projector shows the step too (it is drawn just after the rest, on the first load).

    python bench/console_paint.py [--contributions 900] [--runs 9]

The full day is filled before the server starts, through the engine, as three sessions would
fill it: questions, risks, strengths, insights, offers and asks, with votes; its clock stands at
the third session's open questions, so the feed's "this session" holds a third of the day.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402

from browser_helpers import LAPTOP, launch  # noqa: E402
from conftest import AUTHORITIES, free_port  # noqa: E402
from facilitator.core.scripts import day as scripts  # noqa: E402
from facilitator.live.engine import Engine  # noqa: E402
from facilitator.live.store import Store  # noqa: E402

PAINTED_PROBE = """(() => {
  const done = () => {
    const title = document.querySelector('#step-title');
    const feed = document.querySelector('#feed');
    return document.querySelector('#conn.ok') && title && title.textContent !== 'Loading…'
      && feed && feed.children.length > 0;
  };
  const previewed = () => { const t = document.querySelector('.preview-screen .proj-title'); return t && t.textContent; };
  // the frame after the one that holds the change: it has been drawn by then
  const stamp = (name) => { window[name] = -1; requestAnimationFrame(() => setTimeout(() => { window[name] = performance.now(); })); };
  new MutationObserver((_, obs) => {
    if (window.paintedAt === undefined && done()) stamp('paintedAt');
    if (window.previewAt === undefined && previewed()) stamp('previewAt');
    if (window.paintedAt !== undefined && window.previewAt !== undefined) obs.disconnect();
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();"""

# Per session, what a busy day of three authorities adds: 300 a session, 900 a day.
MIX = (("question", 120, None), ("risk", 80, "Workforce"), ("strength", 40, None), ("insight", 30, None),
       ("offer", 15, None), ("ask", 15, None))


def fill(db: Path, contributions: int) -> tuple[dict, dict]:
    """An empty day and a full one, in the same database; returns both as created."""
    engine = Engine(Store(str(db)), scripts.available(scripts.SCRIPTS_DIR))
    now = lambda: int(time.time() * 1000)  # noqa: E731
    empty = engine.create_day("Empty day", "2026-11-22", AUTHORITIES, "se-triad", None, now())
    full = engine.create_day("Full day", "2026-11-22", AUTHORITIES, "se-triad", None, now())
    people = [engine.join(full, f"P{n}", AUTHORITIES[n % 3], now()) for n in range(30)]
    facilitator = {"id": None, "authority": None, "facilitator": True}
    per_session = contributions // 3
    scale = per_session / sum(n for _, n, _ in MIX)
    engine.timer(full["id"], {"action": "next"}, now())  # the first presentation
    added = 0
    for session in range(3):
        mine = []
        for kind, n, category in MIX:
            for i in range(max(1, round(n * scale))):
                if added >= contributions:
                    break
                payload = {"id": str(uuid.uuid4()), "kind": kind, "authority": AUTHORITIES[(session + i) % 3],
                           "text": f"{kind.title()} {i} of session {session + 1}: how the front door decides "
                                   f"which families are stepped down to early help"}
                if category:
                    payload["category"] = category
                stored, _ = engine.contribute(full["id"], facilitator, payload, now())
                mine.append(stored["id"])
                added += 1
        for n, person in enumerate(people):  # each person votes for a few of the session's
            for contribution_id in mine[n::len(people)][:3]:
                engine.vote(full["id"], person, {"id": contribution_id}, now())
        steps = 1 if session == 2 else 6  # on to the next presentation; the last stops at its questions
        for _ in range(steps):
            engine.timer(full["id"], {"action": "next"}, now())
    return empty, full


def snapshot_kb(db: Path, day: dict) -> float:
    engine = Engine(Store(str(db)), scripts.available(scripts.SCRIPTS_DIR))
    snap = engine.snapshot(day["id"], {"role": "facilitator", "participant": None}, int(time.time() * 1000))
    return len(json.dumps(snap).encode()) / 1024


def serve(db: Path, port: int, log) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "facilitator", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--db", str(db)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def painted(browser, url: str) -> float:
    """A cold load: a fresh context, nothing cached."""
    context = browser.new_context(**LAPTOP)
    context.add_init_script(PAINTED_PROBE)
    try:
        return load(context.new_page(), url)
    finally:
        context.close()


def load(page, url: str) -> tuple[float, float]:
    """Painted, and the projector's preview in it drawn: ms from the start of navigation."""
    page.goto(url)
    page.wait_for_function("() => window.paintedAt > 0 && window.previewAt > 0", timeout=60_000)
    return page.evaluate("[window.paintedAt, window.previewAt]")


def warm_page(browser, url: str):
    """A facilitator coming back to the console: its files cached by an earlier visit."""
    context = browser.new_context(**LAPTOP)
    context.add_init_script(PAINTED_PROBE)
    page = context.new_page()
    load(page, url)
    return page


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contributions", type=int, default=900)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "paint.db"
        empty, full = fill(db, args.contributions)
        sizes = {"empty": snapshot_kb(db, empty), "full": snapshot_kb(db, full)}
        port = free_port()
        with open(Path(tmp) / "server.log", "w") as log:
            proc = serve(db, port, log)
            try:
                with sync_playwright() as p:
                    browser = launch(p)
                    urls = {name: f"http://127.0.0.1:{port}/f/{day['facilitator_key']}"
                            for name, day in (("empty", empty), ("full", full))}
                    painted(browser, urls["empty"])  # the server's first page and socket: not counted
                    pages = {name: warm_page(browser, url) for name, url in urls.items()}
                    got = {(name, how): [] for name in urls for how in ("cold", "warm")}
                    for run in range(args.runs):
                        for name in ("empty", "full") if run % 2 == 0 else ("full", "empty"):
                            got[name, "cold"].append(painted(browser, urls[name]))
                            got[name, "warm"].append(load(pages[name], urls[name]))
                            print(f"run {run + 1} {name}: cold {got[name, 'cold'][-1][0]:.0f} ms, "
                                  f"warm {got[name, 'warm'][-1][0]:.0f} ms", flush=True)
                    browser.close()
            finally:
                proc.terminate()
                proc.wait(10)
    print(f"\nconsole painted, median of {args.runs} loads each, empty and full alternating "
          f"(snapshot {sizes['empty']:.1f} KB empty, {sizes['full']:.1f} KB with {args.contributions} contributions):")
    for how in ("cold", "warm"):
        for part, label in ((0, "painted"), (1, "preview drawn")):
            e, f = [t[part] for t in got["empty", how]], [t[part] for t in got["full", how]]
            ratios = sorted(b / a for a, b in zip(e, f))
            print(f"  {how}, {label}: empty {statistics.median(e):.0f} ms ({min(e):.0f}-{max(e):.0f}), "
                  f"full {statistics.median(f):.0f} ms ({min(f):.0f}-{max(f):.0f}); "
                  f"full/empty per pair {statistics.median(ratios):.2f} ({ratios[0]:.2f}-{ratios[-1]:.2f})")

if __name__ == "__main__":
    main()
