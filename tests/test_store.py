"""The store: schema, idempotent per-file writes, atomicity, DataFrame loading."""
import sqlite3

import pytest

from liveblog import store
from liveblog.records import EVENT_COLUMNS


def _article(key="https://example.test/a", content_hash="h1", file="a.txt"):
    return store.ArticleRow(key, content_hash, file, "plain", "Outlet", key, "Title", "2024-10-28 13:15:52",
                            "fr", 2)


def _event(i, **kw):
    row = {c: None for c in EVENT_COLUMNS}
    row.update(event_id=f"e{i}", event_date="2024-10-27", date_precision="day", actor="Russia",
               actor_detail="Russian Ministry of Defence", claim_type="territorial", claim=f"claim {i}",
               place="Kurakhove", latitude=47.98, longitude=37.28, geo_precision=1, geo_confidence=0.9,
               update_index=0)
    row.update(kw)
    return row


def test_same_content_twice_adds_nothing(tmp_path):
    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    assert store.write_article(conn, _article(), [_event(1), _event(2)], []) == "added"
    assert store.write_article(conn, _article(), [_event(1), _event(2)], []) == "unchanged"
    assert len(store.load_events(db)) == 2
    assert store.count_articles(db) == 1


def test_new_version_of_an_article_replaces_its_rows(tmp_path):
    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    store.write_article(conn, _article(), [_event(1), _event(2)], [])
    assert store.write_article(conn, _article(content_hash="h2"), [_event(3)], []) == "replaced"
    assert list(store.load_events(db)["event_id"]) == ["e3"]


def test_failed_write_leaves_nothing_and_keeps_what_was_stored(tmp_path):
    db = tmp_path / "t.sqlite"
    conn = store.connect(db)
    store.write_article(conn, _article(), [_event(1)], [])
    bad = _event(2)
    bad["event_id"] = ["not", "bindable"]  # sqlite cannot bind a list: the insert fails mid-file
    with pytest.raises(sqlite3.Error):
        store.write_article(conn, _article("https://example.test/b", "h9", "b.txt"), [_event(5), bad], [])
    df = store.load_events(db)
    assert list(df["event_id"]) == ["e1"]
    assert store.count_articles(db) == 1


def test_load_events_types_and_columns(tmp_path):
    db = tmp_path / "t.sqlite"
    store.write_article(store.connect(db), _article(), [_event(1), _event(2, place=None, latitude=None,
                                                                         longitude=None, geo_precision=None)], [])
    df = store.load_events(db)
    assert tuple(df.columns) == EVENT_COLUMNS
    assert str(df["event_date"].dtype).startswith("datetime64")
    assert df["latitude"].isna().sum() == 1


def test_db_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICT_MAP_DB", str(tmp_path / "env.sqlite"))
    assert store.default_db_path() == tmp_path / "env.sqlite"


def test_wal_mode(tmp_path):
    conn = store.connect(tmp_path / "t.sqlite")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
