"""Time the dashboard in headless Chromium over a large database: first map, then filter changes.

    .venv/bin/python bench/make_events.py /tmp/bench.sqlite          # 100,000 events over 3,000 places
    .venv/bin/python bench/dashboard_speed.py /tmp/bench.sqlite [--shots DIR]

Prints, in seconds:
- first map (cold): navigation → every marker drawn and the "n of N claims shown" line, on a server that has
  not read the database yet (with the disk snapshot of this database state that an earlier run left, unless
  --no-snapshot deletes it first: then the server reads the database itself);
- first map (warm): the same in a new browser tab (the server's caches are filled);
- each filter change (an actor, a quick pick, a search): click → the new count shown, no element stale, and
  the new map's markers drawn.
"Markers drawn" is the map container's data-cm-markers attribute (set after the last marker is added).
Budget from issue #6: first map < 3 s, filter change < 1 s. Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from liveblog import filters, snapshot, store, views  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-sync"]
TIMEOUT_MS = 120_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=REPO, env={**os.environ, "CONFLICT_MAP_DB": str(db)}, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"streamlit did not start: {log.read_text(errors='replace')}")


def expected(events, f: filters.Filters) -> tuple[int, int]:
    """(claims shown, markers) for the filters, computed the way the pages do."""
    shown = filters.filter_events(events, f)
    return views.claim_count(shown), len(views.place_markers(shown))


def wait_view(page, n_claims: int, total: int, n_markers: int) -> None:
    from playwright.sync_api import expect

    page.get_by_text(f"{n_claims} of {total} claims shown", exact=False).first.wait_for(timeout=TIMEOUT_MS)
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=TIMEOUT_MS)
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    frame.locator(f'[data-cm-markers="{n_markers}"]').wait_for(timeout=TIMEOUT_MS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--shots", type=Path, default=Path("/tmp/conflict_map_bench_shots"))
    ap.add_argument("--no-snapshot", action="store_true", help="delete the dashboard's disk snapshot first")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    args.shots.mkdir(parents=True, exist_ok=True)
    events = store.load_events(args.db)
    total = views.claim_count(events)
    span = filters.filter_options(events).span
    print(f"database: {len(events)} rows, {total} claims, {len(views.place_markers(events))} places")
    folder = snapshot.snapshot_dir(args.db)
    if args.no_snapshot:
        shutil.rmtree(folder, ignore_errors=True)
    cold = "cold server, " + ("disk snapshot" if any(folder.glob("*.arrow")) else "no snapshot")
    port = _free_port()
    proc = start_server(args.db, port, args.shots / "streamlit.log")
    url = f"http://127.0.0.1:{port}"
    figures = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            n_all, m_all = expected(events, filters.Filters())
            for label in (f"first map ({cold})", "first map (warm server)"):
                page = browser.new_page(viewport={"width": 1500, "height": 1000})
                t0 = time.perf_counter()
                page.goto(url)
                wait_view(page, n_all, total, m_all)
                figures.append((label, time.perf_counter() - t0))
            page.screenshot(path=str(args.shots / "map_100k.png"))

            f = filters.Filters(actors=("Russia",))
            n, m = expected(events, f)
            page.locator('[data-testid="stMultiSelect"]').filter(has_text="Claimed by").click()
            option = page.get_by_role("option", name="Russia", exact=True)
            t0 = time.perf_counter()
            option.click()
            wait_view(page, n, total, m)
            figures.append(("filter change: actor Russia", time.perf_counter() - t0))
            page.keyboard.press("Escape")

            start, end = filters.quick_range("7d", span)
            f = filters.Filters(start=start, end=None, actors=("Russia",))
            n, m = expected(events, f)
            t0 = time.perf_counter()
            page.get_by_role("button", name="7d", exact=True).click()
            wait_view(page, n, total, m)
            figures.append(("filter change: quick pick 7d", time.perf_counter() - t0))

            f = filters.Filters(start=start, actors=("Russia",), search="strike")
            n, m = expected(events, f)
            box = page.get_by_label("Search claims and places")
            box.fill("strike")
            t0 = time.perf_counter()
            box.press("Enter")
            wait_view(page, n, total, m)
            figures.append(("filter change: search 'strike'", time.perf_counter() - t0))
            page.screenshot(path=str(args.shots / "map_100k_filtered.png"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    print(f"{'step':40s} seconds   (budget: first map < 3 s, filter change < 1 s)")
    for label, secs in figures:
        print(f"{label:40s} {secs:6.2f}")
    print(f"screenshots: {args.shots}")


if __name__ == "__main__":
    main()
