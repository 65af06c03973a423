"""The Streamlit app run headless with AppTest over a temp database (CONFLICT_MAP_DB), page by page."""
from __future__ import annotations

import csv
import io
import json
import re
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
from liveblog import filters, store, views

DASHBOARD = str(Path(__file__).resolve().parents[1] / "dashboard.py")
# Written for this test (not news text): the plain-text format's title line, date line, time stamps.
PASTED_BLOG = """Ukraine war live: test blog for the ingest page
Published 3 October 2024, 08:00 BST | Updated 18:00 BST

17:40
Kyiv says it repelled attacks near Pokrovsk
Ukraine's general staff said on Thursday its forces had repelled eleven assaults near Pokrovsk.

12:15
Moscow claims Vuhledar
Russia's defence ministry said its troops had taken full control of Vuhledar, in the Donetsk region.
"""


# Written for these tests (and the browser's): a claim longer than a popup line (mapview.CLAIM_CHARS), its end
# only in the table.
LONG_CLAIM = ("The regional governor said that repair crews had worked through the night to restore power to "
              "the northern districts after the strike, that schools would stay closed until the end of the "
              "week, and that the last villages were expected to be reconnected on Sunday evening.")


def add_busy_place(db: Path, n: int = 8) -> Path:
    """One more article: n claims at Vuhledar (more than a popup lists), the newest of them LONG_CLAIM."""
    rows = synthetic_events("https://news.example/live-3", "live-3.txt", n, offset=100)
    for i, row in enumerate(rows):
        row.update(place="Vuhledar", place_surface="Vuhledar", admin1="Donetsk Oblast", country="UA",
                   latitude=47.78, longitude=37.25, geo_precision=1, event_date=f"2024-10-{20 + i:02d}",
                   claim=LONG_CLAIM if i == n - 1 else f"Claim {i} about Vuhledar.")
    article = store.ArticleRow("https://news.example/live-3", "hash-live-3", "live-3.txt", "plain", "The Test Post",
                               "https://news.example/live-3", "Live: test blog", "2024-10-28T13:15:52", "en", n)
    with closing(store.connect(db)) as conn:
        store.write_article(conn, article, rows, [])
    return db


def _app(db, monkeypatch, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("CONFLICT_MAP_DB", str(db))
    # A `pages/` folder beside the script makes Streamlit start in its legacy multipage mode until the
    # script's st.navigation switches it off; a server does so once for good, but AppTest resets the flag on
    # every run. Keep it off, as on a running server.
    real_init = PagesManager.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at


def _shown(at) -> str:
    return next(m.value for m in at.markdown if "claims shown" in m.value)


def _query(at) -> dict[str, list[str]]:
    return {k: (v if isinstance(v, list) else [v]) for k, v in at.query_params.items()}


def _table(at):
    return at.dataframe[0].value


@pytest.fixture
def downloads(monkeypatch):
    """What the download buttons would hand the browser when clicked: {button key: (file name, bytes)}."""
    seen = {}
    real_add = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        seen[file_name.rsplit(".", 1)[-1]] = (file_name, data_callable)
        return real_add(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return seen


def test_map_page_runs_and_counts_every_claim(events_db, monkeypatch):
    at = _app(events_db, monkeypatch).run()
    assert not at.exception and not at.error
    events = store.load_events(events_db)
    n = views.claim_count(events)
    assert _shown(at) == f"**{n} of {n} claims shown**"
    assert len(_table(at)) == len(events)
    assert at.get("component_instance"), "the folium map is not rendered"
    assert at.caption[0].value.startswith("One circle per place")  # the page says what it is for


def test_actor_filter_changes_the_table_and_the_url(events_db, monkeypatch):
    at = _app(events_db, monkeypatch).run()
    before = len(_table(at))
    at.multiselect(key="filter_actors").select("UN").run()
    table = _table(at)
    assert not at.exception
    assert 0 < len(table) < before
    assert set(table["actor"]) == {"UN"}
    assert _query(at) == {"actor": ["UN"]}


def test_url_query_string_restores_a_view(events_db, monkeypatch):
    query = {"actor": ["Russia", "Ukraine"], "type": "strike", "from": "2024-10-05", "to": "2024-10-20",
             "q": "claim"}
    at = _app(events_db, monkeypatch, query).run()
    assert not at.exception
    assert at.multiselect(key="filter_actors").value == ["Russia", "Ukraine"]
    assert at.date_input(key="filter_dates").value == (date(2024, 10, 5), date(2024, 10, 20))
    f = filters.Filters(start=date(2024, 10, 5), end=date(2024, 10, 20), actors=("Russia", "Ukraine"),
                        claim_types=("strike",), search="claim")
    expected = filters.filter_events(store.load_events(events_db), f)
    assert 0 < len(expected) and sorted(_table(at)["claim"]) == sorted(expected["claim"])
    # ...and the URL the app writes back is the same view.
    assert filters.from_query(_query(at)) == f


def test_quick_pick_sets_the_last_days_of_the_data(events_db, monkeypatch):
    at = _app(events_db, monkeypatch).run()
    at.button(key="quick_7d").click().run()
    assert at.date_input(key="filter_dates").value == (date(2024, 10, 22), date(2024, 10, 28))
    expected = filters.filter_events(store.load_events(events_db), filters.Filters(start=date(2024, 10, 22)))
    assert len(_table(at)) == len(expected)


def test_contested_toggle(events_db, monkeypatch):
    at = _app(events_db, monkeypatch).run()
    at.toggle(key="filter_contested").set_value(True).run()
    expected = filters.filter_events(store.load_events(events_db), filters.Filters(contested=True))
    assert 0 < len(_table(at)) == len(expected)
    assert _query(at) == {"contested": ["1"]}


def test_downloads_are_exactly_the_filtered_table(events_db, monkeypatch, downloads):
    at = _app(events_db, monkeypatch).run()
    at.multiselect(key="filter_actors").select("Russia").run()
    at.multiselect(key="filter_types").select("territorial").run()
    name, make = downloads["csv"]
    data = make()
    expected = filters.filter_events(store.load_events(events_db),
                                     filters.Filters(actors=("Russia",), claim_types=("territorial",)))
    assert data == views.events_csv(expected)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert [r["event_id"] for r in rows] == list(_table(at)["event_id"] if "event_id" in _table(at)
                                                  else views.export_table(expected)["event_id"])
    assert name == "claims_2024-10-01_2024-10-28_Russia_territorial.csv"
    gname, gmake = downloads["geojson"]
    assert gname == name.replace(".csv", ".geojson")
    assert gmake() == views.table_geojson(views.export_table(expected))


def test_date_filter_and_pages_share_the_filters(events_db, monkeypatch):
    at = _app(events_db, monkeypatch).run()
    at.date_input(key="filter_dates").set_value((date(2024, 10, 5), date(2024, 10, 12))).run()
    expected = filters.filter_events(store.load_events(events_db),
                                     filters.Filters(start=date(2024, 10, 5), end=date(2024, 10, 12)))
    assert len(_table(at)) == len(expected)
    at.switch_page("pages/claims.py").run()
    assert not at.exception
    assert sorted(_table(at)["event_id"]) == sorted(expected["event_id"])
    at.switch_page("pages/timeline.py").run()
    assert not at.exception
    assert _shown(at).startswith(f"**{views.claim_count(expected)} of ")
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_timeline_feed_shows_hostile_text_escaped(events_db, monkeypatch):
    at = _app(events_db, monkeypatch).run()
    at.switch_page("pages/timeline.py").run()
    assert not at.exception
    feed = "\n".join(m.value for m in at.markdown)
    assert not re.search(r"(?<!\\)[<>]", feed)  # every angle bracket escaped: markdown shows it as text
    assert r"\<script\>alert\(1\)\</script\>" in feed
    at.segmented_control(key="timeline_by").set_value("claim_type").run()
    assert not at.exception


def test_sources_page_lists_articles_and_outlets(events_db, monkeypatch):
    at = _app(events_db, monkeypatch).run()
    at.switch_page("pages/sources.py").run()
    assert not at.exception
    outlets, articles, log = (d.value for d in at.dataframe)
    assert list(outlets["outlet"]) == ["The Test Post"]
    assert outlets["claims"].item() == views.claim_count(store.load_events(events_db))
    assert len(articles) == 2 and len(log) == 2


def _db_with_mentions(tmp_path) -> tuple[Path, store.ArticleRow, list[dict], list[store.Mention]]:
    db = tmp_path / "review.sqlite"
    rows = synthetic_events("https://news.example/r", "r.txt", 3)
    rows[0].update(place="Kurakhove", place_surface="Kourakhové", latitude=47.0, longitude=36.0,
                   geo_confidence=0.3)
    mentions = [store.Mention(0, 10, "Kourakhové", "Kurakhove", "gn:0", 0.3, "gn:695357"),
                store.Mention(1, 4, "Bidule", None, None, 0.0, "")]
    article = store.ArticleRow("https://news.example/r", "h1", "r.txt", "plain", "The Test Post",
                               "https://news.example/r", "Live: review", "2024-10-28T10:00:00", "en", 2)
    with closing(store.connect(db)) as conn:
        store.write_article(conn, article, rows, mentions)
    return db, article, rows, mentions


def test_review_fixes_are_stored_and_survive_reingest_and_restart(tmp_path, monkeypatch):
    db, article, rows, mentions = _db_with_mentions(tmp_path)
    at = _app(db, monkeypatch).run()
    at.switch_page("pages/review.py").run()
    assert not at.exception
    queue = at.dataframe[0].value
    assert set(queue["surface"]) == {"Kourakhové", "Bidule"}
    # "Kourakhové" is the gazetteer's Kurakhove (offered from the resolver's candidates and the name itself).
    at.selectbox(key="review_surface").set_value("Kourakhové").run()
    assert any(o.startswith("Kurakhove (Donetsk Oblast") for o in at.selectbox(key="review_choice").options)
    at.selectbox(key="review_choice").set_value("gn:695357").run()
    at.button(key="review_save").click().run()
    assert not at.exception
    [fix] = store.load_corrections(db)
    assert (fix.place, fix.place_id, fix.article_key) == ("Kurakhove", "gn:695357", "*")
    # "Bidule" is not a place, in this live blog only.
    at.selectbox(key="review_surface").set_value("Bidule").run()
    at.radio(key="review_scope").set_value("this live blog only").run()
    at.button(key="review_save").click().run()
    assert {(c.surface, c.place, c.article_key) for c in store.load_corrections(db)} == {
        ("kourakhove", "Kurakhove", "*"), ("bidule", None, article.article_key)}
    # Re-ingest a newer version of the file, then "restart" (a new app over the same database).
    with closing(store.connect(db)) as conn:
        store.write_article(conn, store.ArticleRow(**{**article.__dict__, "content_hash": "h2"}), rows, mentions)
    at = _app(db, monkeypatch).run()
    assert len(store.load_corrections(db)) == 2
    fixed = store.load_events(db)
    row = fixed[fixed["place_surface"] == "Kourakhové"].iloc[0]
    assert (row["latitude"], row["longitude"], row["geo_confidence"]) == (pytest.approx(47.9847), pytest.approx(37.28069), 1.0)
    at.switch_page("pages/review.py").run()
    assert at.dataframe[0].value.empty  # nothing left to review
    at.selectbox(key="review_undo").set_value(0).run()
    at.button(key="review_undo_button").click().run()
    assert len(store.load_corrections(db)) == 1


def test_ingest_page_stores_pasted_text_and_reports_it(tmp_path, monkeypatch):
    db = make_events_db(tmp_path / "ingest.sqlite")
    at = _app(db, monkeypatch).run()
    at.switch_page("pages/ingest.py").run()
    assert not at.exception
    at.button(key="ingest_go").click().run()
    assert any("Nothing to ingest" in i.value for i in at.info)
    at.text_area(key="ingest_text").input(PASTED_BLOG).run()
    at.button(key="ingest_go").click().run()
    assert not at.exception
    report = at.dataframe[0].value
    [row] = report.to_dict("records")
    assert row["status"] == "added" and row["file"].startswith("pasted-") and row["updates"] == 2
    assert store.count_articles(db) == 3
    at.button(key="ingest_go").click().run()  # the same text again adds nothing
    assert at.dataframe[0].value["status"].tolist() == ["unchanged"]


def test_ingest_names_are_labels_never_paths():
    from pages.ingest import clean_name

    assert clean_name("../../etc/passwd", "x") == "passwd"
    assert clean_name("C:\\Users\\me\\live blog.txt", "x") == "live blog.txt"
    assert clean_name("<script>.txt", "x") == "_script_.txt"
    assert clean_name("", "upload-1.txt") == "upload-1.txt"


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


def _map_args(at) -> str:
    return at.get("component_instance")[0].proto.json_args


def test_tiles_toggle_is_kept_across_pages_and_in_the_url(events_db, monkeypatch):
    at = _app(events_db, monkeypatch).run()
    assert at.toggle(key="osm_tiles").value is False
    assert "tile.openstreetmap.org" not in _map_args(at)
    at.toggle(key="osm_tiles").set_value(True).run()
    assert "tile.openstreetmap.org" in _map_args(at)
    assert _query(at)["tiles"] == ["osm"]
    at.switch_page("pages/timeline.py").run()
    assert _query(at)["tiles"] == ["osm"]
    at.switch_page("pages/map.py").run()
    assert at.toggle(key="osm_tiles").value is True
    assert "tile.openstreetmap.org" in _map_args(at)
    at.toggle(key="osm_tiles").set_value(False).run()
    at.switch_page("pages/claims.py").run()
    at.switch_page("pages/map.py").run()
    assert at.toggle(key="osm_tiles").value is False and "tiles" not in _query(at)


def test_tiles_from_the_url(events_db, monkeypatch):
    at = _app(events_db, monkeypatch, {"tiles": "osm", "actor": "UN"}).run()
    assert at.toggle(key="osm_tiles").value is True
    assert _query(at) == {"tiles": ["osm"], "actor": ["UN"]}


def test_a_long_claim_is_cut_in_its_popup_but_whole_in_the_table_and_the_csv(tmp_path, monkeypatch, downloads):
    from liveblog import mapview

    db = add_busy_place(make_events_db(tmp_path / "events.sqlite"))
    at = _app(db, monkeypatch).run()
    assert not at.exception
    assert LONG_CLAIM in set(_table(at)["claim"])  # the table: whole
    _, make = downloads["csv"]
    assert LONG_CLAIM in {r["claim"] for r in csv.DictReader(io.StringIO(make().decode("utf-8")))}  # CSV: whole
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    layer = args["feature_group"]
    cut = mapview.clip(LONG_CLAIM)
    assert cut.endswith("…") and len(cut) <= mapview.CLAIM_CHARS
    assert json.dumps(cut, ensure_ascii=False)[1:-1] in layer  # the popup data: cut...
    assert LONG_CLAIM not in layer and LONG_CLAIM[-30:] not in layer  # ...and nothing after the cut
