"""The Streamlit app run headless with AppTest over a temp database (CONFLICT_MAP_DB)."""
from __future__ import annotations

import sys
import types
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from conftest import make_events_db, synthetic_events
from liveblog import store, views

DASHBOARD = str(Path(__file__).resolve().parents[1] / "dashboard.py")


def _app(db, monkeypatch) -> AppTest:
    monkeypatch.setenv("CONFLICT_MAP_DB", str(db))
    # A `pages/` folder beside the script makes Streamlit start in its legacy multipage mode until the
    # script's st.navigation switches it off; a server does so once for good, but AppTest resets the flag on
    # every run. Keep it off, as on a running server.
    real_init = PagesManager.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    return AppTest.from_file(DASHBOARD, default_timeout=60)


def _shown(at) -> str:
    return next(m.value for m in at.markdown if "claims shown" in m.value)


@pytest.fixture
def downloads(monkeypatch):
    """What every st.download_button would hand the browser: (file name, bytes), in call order."""
    seen = []
    real_add = MediaFileManager.add

    def add(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if is_for_static_download:
            seen.append((file_name, path_or_data))
        return real_add(self, path_or_data, mimetype, coordinates, file_name=file_name,
                        is_for_static_download=is_for_static_download)

    monkeypatch.setattr(MediaFileManager, "add", add)
    return seen


def test_map_page_runs_and_counts_every_claim(events_db, monkeypatch):
    at = _app(events_db, monkeypatch).run()
    assert not at.exception and not at.error
    events = store.load_events(events_db)
    n = views.claim_count(events)
    assert _shown(at) == f"**{n} of {n} claims shown**"
    assert len(at.dataframe[0].value) == len(events)
    assert at.get("component_instance"), "the folium map is not rendered"


def test_actor_filter_changes_the_table(events_db, monkeypatch):
    at = _app(events_db, monkeypatch).run()
    before = len(at.dataframe[0].value)
    at.multiselect(key="filter_actors").select("UN").run()
    table = at.dataframe[0].value
    assert not at.exception
    assert 0 < len(table) < before
    assert set(table["actor"]) == {"UN"}


def test_csv_download_is_exactly_the_filtered_table(events_db, monkeypatch, downloads):
    at = _app(events_db, monkeypatch).run()
    at.multiselect(key="filter_actors").select("Russia").run()
    at.multiselect(key="filter_types").select("territorial").run()
    name, data = downloads[-1]
    table = at.dataframe[0].value
    assert data == views.table_csv(table)
    expected = views.filter_events(store.load_events(events_db),
                                   views.Filters(actors=("Russia",), claim_types=("territorial",)))
    assert data == views.events_csv(expected)
    assert name == "claims_2024-10-01_2024-10-28_Russia_territorial.csv"


def test_date_filter_and_pages_share_the_filters(events_db, monkeypatch):
    at = _app(events_db, monkeypatch).run()
    at.date_input(key="filter_dates").set_value((date(2024, 10, 5), date(2024, 10, 12))).run()
    expected = views.filter_events(store.load_events(events_db),
                                   views.Filters(start=date(2024, 10, 5), end=date(2024, 10, 12)))
    assert len(at.dataframe[0].value) == len(expected)
    at.switch_page("pages/claims.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == len(expected)
    at.switch_page("pages/timeline.py").run()
    assert not at.exception
    assert _shown(at).startswith(f"**{views.claim_count(expected)} of ")
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_empty_database_is_filled_from_the_sample_once(tmp_path, monkeypatch):
    """A fresh clone: the app calls pipeline.ensure_sample_ingested, then shows what it stored."""
    calls = []

    def ensure_sample_ingested(db_path=None):
        calls.append(db_path)
        make_events_db(Path(db_path))
        return types.SimpleNamespace(summary=lambda: "2 files")

    fake = types.ModuleType("liveblog.pipeline")
    fake.ensure_sample_ingested = ensure_sample_ingested
    import liveblog
    monkeypatch.setitem(sys.modules, "liveblog.pipeline", fake)
    monkeypatch.setattr(liveblog, "pipeline", fake, raising=False)

    db = tmp_path / "fresh.sqlite"
    at = _app(db, monkeypatch).run()
    assert not at.exception
    assert calls == [str(db)]
    assert _shown(at) == "**30 of 30 claims shown**"
    at.run()
    assert calls == [str(db)]  # cached: not called on every rerun


def test_new_rows_in_the_database_show_without_restart(tmp_path, monkeypatch):
    db = make_events_db(tmp_path / "grow.sqlite")
    at = _app(db, monkeypatch).run()
    assert _shown(at) == "**30 of 30 claims shown**"
    extra = synthetic_events("https://news.example/live-3", "live-3.txt", 3, offset=40)
    with closing(store.connect(db)) as conn:
        store.write_article(conn, store.ArticleRow("https://news.example/live-3", "h3", "live-3.txt", "plain",
                                                   None, None, None, None, "en", 1), extra, [])
    at.run()
    assert _shown(at) == "**33 of 33 claims shown**"
