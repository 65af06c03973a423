"""Smoke test of the real app in headless Chromium: map markers, a popup, a filter, the CSV download.

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

import pytest

from conftest import make_events_db
from liveblog import store, views
from liveblog.records import EVENT_COLUMNS

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


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """`streamlit run dashboard.py` on a free port over a synthetic database; yields (url, db path)."""
    tmp = tmp_path_factory.mktemp("browser")
    db = make_events_db(tmp / "events.sqlite")
    port = _free_port()
    env = {**os.environ, "CONFLICT_MAP_DB": str(db)}
    log = open(tmp / "streamlit.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard.py"), "--server.port", str(port),
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
        yield url, db
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextmanager
def screenshot_on_failure(page, path: Path):
    try:
        yield
    except BaseException:
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot of the failure: {path}")
        raise


def test_map_filter_and_csv_download(app_server, tmp_path):
    url, db = app_server
    events = store.load_events(db)
    russia = views.filter_events(events, views.Filters(actors=("Russia",)))
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(TIMEOUT_MS)
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        outside = []  # the app must work offline: no request may leave the machine
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith((url, "data:", "blob:", "about:")) else None)
        with screenshot_on_failure(page, tmp_path / "failure.png"):
            page.goto(url)
            page.get_by_text(f"{views.claim_count(events)} of {views.claim_count(events)} claims shown").wait_for()

            # The map: one circle per place, inside the streamlit-folium iframe.
            iframe = page.locator('iframe[title="streamlit_folium.st_folium"]')
            frame = iframe.frame_locator(":scope")
            circles = frame.locator("path.leaflet-interactive")
            circles.first.wait_for()
            assert circles.count() == len(views.place_markers(events))
            page.wait_for_timeout(500)  # let the tiles-free basemap settle before the picture
            page.screenshot(path=str(tmp_path / "map.png"))

            # The biggest circle is drawn first; its popup holds the hostile claim as plain text.
            circles.first.dispatch_event("click")
            popup = frame.locator(".leaflet-popup-content")
            popup.wait_for()
            assert "<script>alert(1)</script>" in popup.inner_text()
            assert popup.locator("script, img").count() == 0

            # Filter on one actor: the count and the map follow.
            page.locator('[data-testid="stMultiSelect"]').filter(has_text="Claimed by").click()
            page.get_by_role("option", name="Russia", exact=True).click()
            page.keyboard.press("Escape")  # close the open option list, which hides the page from a11y
            n = views.claim_count(russia)
            page.get_by_text(f"{n} of {views.claim_count(events)} claims shown").wait_for()
            # Elements below the count may still be the previous run's until the run ends.
            expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=TIMEOUT_MS)
            # The map is remounted with the new markers; the old frame lingers for a moment.
            expect(iframe).to_have_count(1)
            expect(frame.locator("path.leaflet-interactive")).to_have_count(len(views.place_markers(russia)))

            # The CSV is the filtered table, in schema order, named after the filter.
            with page.expect_download() as info:
                page.get_by_role("button", name="Download these claims (CSV)").click()
            download = info.value
            assert download.suggested_filename == views.export_filename(
                views.Filters(actors=("Russia",)), views.filter_options(events).span)
            rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
            assert list(rows[0]) == list(EVENT_COLUMNS)
            assert sorted(r["event_id"] for r in rows) == sorted(russia["event_id"])
            assert {r["actor"] for r in rows} == {"Russia"}
        assert dialogs == [] and outside == []
        browser.close()
