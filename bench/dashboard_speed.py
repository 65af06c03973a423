"""Time the dashboard in headless Chromium over a large database: first map, then filter changes.

    .venv/bin/python bench/make_events.py /tmp/bench.sqlite          # 100,000 events over 3,000 places
    .venv/bin/python bench/dashboard_speed.py /tmp/bench.sqlite [--repeat 3] [--no-snapshot] [--app DIR]

Prints, in seconds:
- first map (cold): navigation → every marker drawn and the "n of N claims shown" line, on a server that has
  not read the database yet, in a new browser (empty cache): with the disk snapshot of this database state
  that an earlier run left, unless --no-snapshot deletes it first (then the server reads the database itself);
- first map (warm): the same in a new tab of that browser (the server's caches and the browser's are filled);
- each filter change (an actor, a quick pick, a search): click → the new count shown, no element stale, and
  the new map's markers drawn.
"Markers drawn" is the map container's data-cm-markers attribute (set after the last marker is added). For the
first maps it also prints when the map's iframe and the table appeared and the bytes the page received over
the WebSocket (most of it the map). --repeat N starts N fresh servers one after the other and prints each
step's median and range; the machine's load average (`uptime`) is printed before and after: other jobs on a
shared machine move these figures. The server is started as `make run` starts it (`python -m liveblog
dashboard`: imports and data loaded before the first visitor); --plain starts a bare `streamlit run
dashboard.py` instead, whose first visitor waits for them. --app DIR times another checkout's dashboard.py (e.g. the last commit's,
exported with `git archive`) with the same steps and database, for a back-to-back comparison.
Budget from issue #6: first map < 3 s, filter change < 1 s. Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
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


def start_server(db: Path, port: int, log: Path, app: Path = REPO, plain: bool = False) -> subprocess.Popen:
    """`python -m liveblog dashboard` (what `make run` runs: data loaded before the first visitor), or with
    plain=True a bare `streamlit run dashboard.py` (the first visitor waits for imports and the data)."""
    launch = ["-m", "streamlit", "run", str(app / "dashboard.py")] if plain else ["-m", "liveblog", "dashboard"]
    proc = subprocess.Popen(
        [sys.executable, *launch, "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=app, env={**os.environ, "CONFLICT_MAP_DB": str(db.resolve())}, stdout=open(log, "wb"),
        stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"streamlit did not start: {log.read_text(errors='replace')}")


# When the map's iframe and the table first appear (Date.now(), read back after the first map is drawn).
_MARKS = """
(() => {
  window.__cmMarks = {};
  const mark = (k) => { if (!(k in window.__cmMarks)) window.__cmMarks[k] = Date.now(); };
  new MutationObserver(() => {
    if (document.querySelector('iframe[title="streamlit_folium.st_folium"]')) mark('map iframe');
    if (document.querySelector('[data-testid="stDataFrame"]')) mark('table');
  }).observe(document, {subtree: true, childList: true});
})();
"""


def _process_tree() -> dict[int, int]:
    """{pid: parent pid} of every process (Linux /proc)."""
    parents = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parents[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return parents


def cpu_seconds(root: int, exclude: int | None = None) -> float:
    """User + system CPU time of `root` and its descendants (minus the `exclude` subtree), in seconds: a
    figure other jobs on a shared machine move much less than wall time. 0 where /proc is missing."""
    parents = _process_tree()
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in tree or pid == exclude:
            continue
        tree.add(pid)
        todo += [child for child, parent in parents.items() if parent == pid]
    total = 0
    for pid in tree:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


class Clock:
    """Wall time and the CPU time the server and the browser spent, over one step."""

    def __init__(self, server: int):
        self.server = server

    def __enter__(self):
        self.t0 = time.perf_counter()
        self.cpu0 = self._cpu()
        return self

    def _cpu(self) -> tuple[float, float]:
        return cpu_seconds(self.server), cpu_seconds(os.getpid(), exclude=self.server)

    def __exit__(self, *exc):
        self.secs = time.perf_counter() - self.t0
        (s0, b0), (s1, b1) = self.cpu0, self._cpu()
        self.note = f"CPU: server {s1 - s0:.2f} s, browser {b1 - b0:.2f} s"


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


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


def first_map(browser, url: str, n_all: int, total: int, m_all: int, server: int):
    """Open the app in a new tab: (Clock of the map drawn, the tab, {mark: seconds}, bytes received)."""
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.add_init_script(_MARKS)
    received = [0]
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.__setitem__(
        0, received[0] + len(payload))))
    with Clock(server) as clock:
        t0 = time.time()
        page.goto(url)
        wait_view(page, n_all, total, m_all)
    marks = {k: v / 1000 - t0 for k, v in (page.evaluate("window.__cmMarks") or {}).items()}
    return clock, page, marks, received[0]


def one_server(args, events, total: int, span, shots: Path) -> list[tuple[str, float, str]]:
    """Start a server, time the first maps and the filter changes: [(step, seconds, note)]."""
    from playwright.sync_api import sync_playwright

    folder = snapshot.snapshot_dir(args.db)
    if args.no_snapshot:
        shutil.rmtree(folder, ignore_errors=True)
    cold = "cold server, " + ("disk snapshot" if any(folder.glob("*.arrow")) else "no snapshot")
    port = _free_port()
    proc = start_server(args.db, port, shots / "streamlit.log", args.app, args.plain)
    url = f"http://127.0.0.1:{port}"
    figures = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            n_all, m_all = expected(events, filters.Filters())
            for label in (f"first map ({cold})", "first map (warm server)"):
                clock, page, marks, received = first_map(browser, url, n_all, total, m_all, proc.pid)
                order = ", ".join(f"{k} {v:.2f}" for k, v in sorted(marks.items(), key=lambda kv: kv[1]))
                figures.append((label, clock.secs, f"{clock.note}; {order}; {received / 1e6:.2f} MB received"))
            page.screenshot(path=str(shots / "map_100k.png"))

            def change(label: str, f: filters.Filters, act) -> None:
                n, m = expected(events, f)
                with Clock(proc.pid) as clock:
                    act()
                    wait_view(page, n, total, m)
                figures.append((label, clock.secs, clock.note))

            page.locator('[data-testid="stMultiSelect"]').filter(has_text="Claimed by").click()
            option = page.get_by_role("option", name="Russia", exact=True)
            change("filter change: actor Russia", filters.Filters(actors=("Russia",)), option.click)
            page.keyboard.press("Escape")

            start, end = filters.quick_range("7d", span)
            change("filter change: quick pick 7d", filters.Filters(start=start, end=None, actors=("Russia",)),
                   page.get_by_role("button", name="7d", exact=True).click)

            box = page.get_by_label("Search claims and places")
            box.fill("strike")
            change("filter change: search 'strike'", filters.Filters(start=start, actors=("Russia",),
                                                                     search="strike"), lambda: box.press("Enter"))
            page.screenshot(path=str(shots / "map_100k_filtered.png"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--shots", type=Path, default=Path("/tmp/conflict_map_bench_shots"))
    ap.add_argument("--no-snapshot", action="store_true", help="delete the dashboard's disk snapshot first")
    ap.add_argument("--repeat", type=int, default=1, help="fresh servers one after the other (default 1)")
    ap.add_argument("--app", type=Path, default=REPO, help="the checkout whose dashboard.py to time")
    ap.add_argument("--plain", action="store_true",
                    help="start the server with a bare `streamlit run dashboard.py` instead of `make run`'s launcher")
    args = ap.parse_args()
    args.app = args.app.resolve()
    args.shots.mkdir(parents=True, exist_ok=True)
    events = store.load_events(args.db)
    total = views.claim_count(events)
    span = filters.filter_options(events).span
    print(f"database: {len(events)} rows, {total} claims, {len(views.place_markers(events))} places; "
          f"app: {args.app}")
    print(f"load average before: {load_average()}  ({os.cpu_count()} CPUs)")
    runs = []
    for i in range(args.repeat):
        runs.append(one_server(args, events, total, span, args.shots))
        print(f"run {i + 1}: " + "  ".join(f"{secs:.2f}" for _, secs, _ in runs[-1]) + f"   (load {load_average()})")
        for label, _, note in runs[-1]:
            print(f"    {label}: {note}")
    print(f"load average after: {load_average()}")
    print(f"{'step':40s} seconds: median (min-max of {args.repeat})   budget: first map < 3 s, filter change < 1 s")
    for k, (label, _, _) in enumerate(runs[0]):
        secs = [run[k][1] for run in runs]
        print(f"{label:40s} {statistics.median(secs):6.2f}  ({min(secs):.2f}-{max(secs):.2f})")
    print(f"screenshots: {args.shots}")


if __name__ == "__main__":
    main()
