"""The real app in headless Chromium: markers and legend, a marker click, filters, a quick pick, the CSV
download, hostile text shown as text; screenshots of the map and timeline pages under the test's temp folder.

Needs Debian's chromium (/usr/bin/chromium) and the playwright package; skipped cleanly without them.
"""
from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import make_events_db
from liveblog import filters, store, views
from liveblog.records import EVENT_COLUMNS
from test_dashboard import LONG_CLAIM, add_busy_place

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
TIMEOUT_MS = 60_000  # generous: a cold Streamlit start on a loaded CI machine

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serve(db: Path, tmp: Path, launcher: bool = False):
    """`streamlit run dashboard.py` (or, launcher=True, `python -m liveblog dashboard`, what `make run` runs)
    on a free port over db, stopped on exit; yields its URL."""
    port = _free_port()
    env = {**os.environ, "CONFLICT_MAP_DB": str(db)}
    log = open(tmp / "streamlit.log", "wb")
    launch = ["-m", "liveblog", "dashboard"] if launcher else ["-m", "streamlit", "run", str(REPO / "dashboard.py")]
    proc = subprocess.Popen(
        [sys.executable, *launch, "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited: {(tmp / 'streamlit.log').read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not become healthy")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """The dashboard as `make run` starts it, on a free port over a synthetic database; yields (url, db path)."""
    tmp = tmp_path_factory.mktemp("browser")
    db = add_busy_place(make_events_db(tmp / "events.sqlite"))
    with _serve(db, tmp, launcher=True) as url:
        yield url, db


@contextmanager
def screenshot_on_failure(page, path: Path):
    try:
        yield
    except BaseException:
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot of the failure: {path}")
        raise


# The circle of a place, in the map's own coordinates: canvas markers have no DOM element to click.
# The circle of a place, found by its tooltip as streamlit-folium reads it on a click: the marker layer's
# tooltip function, called with the circle (innerText of what it returns).
_MARKER_POINT = """(name) => {
    const map = window.map;
    const groups = [];
    map.eachLayer(l => { if (l.getTooltip && l.getTooltip() && l.hasLayer) groups.push(l); });
    let found = null;
    map.eachLayer(l => {
        if (found || !l.getLatLng) return;
        const g = groups.find(g => g.hasLayer(l));
        if (g && g.getTooltip().getContent()(l).innerText.startsWith(name + " ")) found = l;
    });
    if (!found) return null;
    const p = map.latLngToContainerPoint(found.getLatLng());
    return {x: p.x, y: p.y};
}"""


def _brush(page, start: float, end: float) -> None:
    """Drag across the timeline chart, from `start` to `end` (fractions of its width)."""
    chart = page.locator('[data-testid="stVegaLiteChart"]').first.bounding_box()
    y = chart["y"] + chart["height"] * 0.5
    page.mouse.move(chart["x"] + chart["width"] * start, y)
    page.mouse.down()
    page.mouse.move(chart["x"] + chart["width"] * end, y, steps=8)
    page.mouse.up()


def _dates_in(url: str) -> tuple:
    query = parse_qs(urlparse(url).query)
    return tuple(query.get("from", [])), tuple(query.get("to", []))


def _count_text(n: int, total: int) -> str:
    return f"{n} of {total} claims shown"


def test_map_click_filters_quick_pick_and_csv_download(app_server, tmp_path):
    url, db = app_server
    events = store.load_events(db)
    total = views.claim_count(events)
    span = filters.filter_options(events).span
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(TIMEOUT_MS)
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        outside = []  # the app must work offline: no request may leave the machine
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith((url, "data:", "blob:", "about:")) else None)
        with screenshot_on_failure(page, shots / "failure.png"):
            page.goto(url)
            page.get_by_text(_count_text(total, total)).wait_for()

            # First load: one circle per place (drawn on canvas; the layer counts them) and the legend.
            iframe = page.locator('iframe[title="streamlit_folium.st_folium"]')
            frame = iframe.frame_locator(":scope")
            frame.locator(f'[data-cm-markers="{len(views.place_markers(events))}"]').wait_for()
            expect(frame.locator(".cm-legend")).to_contain_text("Dominant claimant")
            page.wait_for_timeout(500)  # let the tiles-free basemap settle before the picture
            page.screenshot(path=str(shots / "map.png"))

            # Click Pokrovsk: its popup holds the hostile claim as plain text, and the table narrows to it.
            map_frame = next(f for f in page.frames if "streamlit_folium" in f.url)
            point = map_frame.evaluate(_MARKER_POINT, "Pokrovsk")
            box = iframe.bounding_box()
            page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
            popup = frame.locator(".leaflet-popup-content")
            popup.wait_for()
            assert "<script>alert(1)</script>" in popup.inner_text()
            assert popup.locator("script, img").count() == 0
            pokrovsk = events[events["place"] == "Pokrovsk"]
            page.get_by_text(_count_text(views.claim_count(pokrovsk), total)).wait_for()
            page.get_by_text("Only claims at Pokrovsk").wait_for()
            expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=TIMEOUT_MS)
            page.get_by_role("button", name="Show all places").click()
            page.get_by_text(_count_text(total, total)).wait_for()
            expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=TIMEOUT_MS)

            # A place with more claims than a popup lists: the newest few, "and N more", long claims cut.
            point = map_frame.evaluate(_MARKER_POINT, "Vuhledar")
            page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
            expect(popup).to_contain_text("Vuhledar")
            n_vuhledar = views.claim_count(events[events["place"] == "Vuhledar"])
            assert n_vuhledar > views.POPUP_MAX_CLAIMS
            expect(popup.locator("li")).to_have_count(views.POPUP_MAX_CLAIMS)
            expect(popup).to_contain_text(f"and {n_vuhledar - views.POPUP_MAX_CLAIMS} more")
            first_line = popup.locator("li").first.inner_text()
            assert LONG_CLAIM[:60] in first_line and "…" in first_line and LONG_CLAIM[-30:] not in first_line
            page.get_by_text(_count_text(n_vuhledar, total)).wait_for()
            expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=TIMEOUT_MS)
            page.get_by_role("button", name="Show all places").click()
            page.get_by_text(_count_text(total, total)).wait_for()

            # A quick pick: the last 7 days of the data.
            page.get_by_role("button", name="7d", exact=True).click()
            start, _ = filters.quick_range("7d", span)
            week = filters.filter_events(events, filters.Filters(start=start))
            assert 0 < views.claim_count(week) < total
            page.get_by_text(_count_text(views.claim_count(week), total)).wait_for()
            expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=TIMEOUT_MS)
            frame.locator(f'[data-cm-markers="{len(views.place_markers(week))}"]').wait_for()

            # Then one actor (the week's most frequent): the count and the markers follow, the map stays.
            actor = week["actor"].value_counts().index[0]
            page.locator('[data-testid="stMultiSelect"]').filter(has_text="Claimed by").click()
            page.get_by_role("option", name=actor, exact=True).click()
            page.keyboard.press("Escape")  # close the open option list, which hides the page from a11y
            f = filters.Filters(start=start, actors=(actor,))
            shown = filters.filter_events(events, f)
            assert 0 < views.claim_count(shown) < views.claim_count(week)
            page.get_by_text(_count_text(views.claim_count(shown), total)).wait_for()
            expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=TIMEOUT_MS)
            frame.locator(f'[data-cm-markers="{len(views.place_markers(shown))}"]').wait_for()
            assert f"actor={actor}" in page.url and f"from={start.isoformat()}" in page.url

            # The CSV is the filtered table, in schema order, named after the filter.
            with page.expect_download() as info:
                page.get_by_role("button", name="Download these claims (CSV)").click()
            download = info.value
            assert download.suggested_filename == views.export_filename(f, span)
            rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
            assert list(rows[0]) == list(EVENT_COLUMNS)
            assert [r["event_id"] for r in rows] == list(views.export_table(shown)["event_id"])

            # The timeline page: the chart and the feed, hostile text shown as text.
            page.get_by_role("link", name="Timeline").click()
            page.get_by_text("Claims over time").wait_for()
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
            expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=TIMEOUT_MS)
            page.get_by_role("button", name="All", exact=True).click()  # every date back on the chart
            page.get_by_text(_count_text(views.claim_count(filters.filter_events(
                events, filters.Filters(actors=(actor,)))), total)).wait_for()
            expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=TIMEOUT_MS)
            page.wait_for_timeout(500)
            page.screenshot(path=str(shots / "timeline.png"), full_page=True)

            # Brushing the chart sets the date filter (and the URL) for every page.
            _brush(page, 0.3, 0.6)
            page.wait_for_url(lambda u: "from=" in u and "to=" in u, timeout=TIMEOUT_MS)
            brushed = _dates_in(page.url)
            # "All" widens again; brushing the same range once more applies it again.
            expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=TIMEOUT_MS)
            page.get_by_role("button", name="All", exact=True).click()
            page.wait_for_url(lambda u: "from=" not in u and "to=" not in u, timeout=TIMEOUT_MS)
            expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=TIMEOUT_MS)
            page.wait_for_timeout(300)
            _brush(page, 0.3, 0.6)
            page.wait_for_url(lambda u: _dates_in(u) == brushed, timeout=TIMEOUT_MS)
        assert dialogs == [] and outside == []
        browser.close()
    print(f"screenshots: {shots}")


APP_PAGES = ["Map", "Timeline", "Claims", "Sources", "Review", "Ingest"]


def test_a_fresh_server_opened_on_a_page_link_shows_the_apps_navigation(tmp_path):
    """A `pages/` folder puts a fresh Streamlit server in its legacy mode until st.navigation runs: a first
    visit to /timeline used to run that file alone, under Streamlit's automatic list of every file in pages/."""
    db = make_events_db(tmp_path / "events.sqlite")
    events = store.load_events(db)
    russia = filters.filter_events(events, filters.Filters(actors=("Russia",)))
    with _serve(db, tmp_path) as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        with screenshot_on_failure(page, tmp_path / "failure.png"):
            page.goto(f"{url}/timeline?actor=Russia")
            page.get_by_text("Claims over time").wait_for()
            page.get_by_text(_count_text(views.claim_count(russia), views.claim_count(events))).wait_for()
            expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=TIMEOUT_MS)
            links = page.locator('[data-testid="stSidebarNav"] a')
            expect(links).to_have_count(len(APP_PAGES))
            assert [t.split()[-1] for t in links.all_inner_texts()] == APP_PAGES
            assert "actor=Russia" in page.url and "/timeline" in page.url
        browser.close()
