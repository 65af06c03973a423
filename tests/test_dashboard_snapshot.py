"""The dashboard's fast events read and its disk snapshot: the same frame as store.load_events, reused by a
fresh process, and never stale after an ingest, a replaced article or a review correction."""
from __future__ import annotations

from contextlib import closing

import pandas as pd
import pytest

from conftest import make_events_db, synthetic_events
from liveblog import filters, snapshot, store


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Values only (None for every kind of missing), so dtype spellings do not matter."""
    return df.astype(object).where(df.notna(), None)


def _same_as_store(snap: snapshot.Snapshot, db) -> None:
    expected = store.load_events(db)
    pd.testing.assert_frame_equal(_plain(snap.events), _plain(expected))
    assert snap.keys.tolist() == filters.place_keys(expected).tolist()
    assert snap.haystack.tolist() == filters.search_text(expected).tolist()


def _add_article(db, n: int, offset: int, key: str = "https://news.example/live-3", content: str = "h3") -> None:
    rows = synthetic_events(key, "live-3.txt", n, offset=offset)
    with closing(store.connect(db)) as conn:
        store.write_article(conn, store.ArticleRow(key, content, "live-3.txt", "plain", "The Test Post", key,
                                                   "Live 3", "2024-10-28T10:00:00", "en", 1), rows, [])


def test_fast_read_is_the_stores_frame_and_the_snapshot_is_reused(tmp_path, monkeypatch):
    db = make_events_db(tmp_path / "events.sqlite")
    first = snapshot.load(db)
    assert first.source == "database"
    _same_as_store(first, db)
    assert list(snapshot.snapshot_dir(db).glob("*.arrow")) == [snapshot.snapshot_dir(db) / f"{first.fingerprint}.arrow"]
    # A fresh process (no previous snapshot in memory) reads the file, not the events table.
    monkeypatch.setattr(snapshot, "read_events", lambda conn: pytest.fail("read the database again"))
    again = snapshot.load(db)
    assert again.source == "disk" and again.fingerprint == first.fingerprint
    _same_as_store(again, db)
    assert snapshot.load(db, previous=again) is again  # unchanged: the frame in memory is kept


def test_an_ingest_or_a_replaced_article_is_never_served_stale(tmp_path):
    db = make_events_db(tmp_path / "events.sqlite")
    before = snapshot.load(db)
    _add_article(db, 3, offset=40)
    grown = snapshot.load(db, previous=before)
    assert grown.source == "database" and len(grown.events) == len(before.events) + 3
    _same_as_store(grown, db)
    # A newer version of the same live blog (same key, new content) replaces its rows.
    _add_article(db, 5, offset=60, content="h3-v2")
    replaced = snapshot.load(db)
    assert len(replaced.events) == len(before.events) + 5
    _same_as_store(replaced, db)
    # Only the current state's file is kept.
    assert [p.stem for p in snapshot.snapshot_dir(db).glob("*.arrow")] == [replaced.fingerprint]


def test_a_review_correction_and_its_undo_are_never_served_stale(tmp_path):
    db = make_events_db(tmp_path / "events.sqlite")
    before = snapshot.load(db)
    assert (before.events["place"] == "Kharkiv").any()
    store.add_correction(db, store.Correction("Kharkiv", None))  # "not a place"
    fixed = snapshot.load(db)  # a fresh process: only the disk snapshot of the old state exists
    assert fixed.fingerprint != before.fingerprint and fixed.source == "database"
    assert not (fixed.events["place"] == "Kharkiv").any()
    _same_as_store(fixed, db)
    store.add_correction(db, store.Correction("Kharkiv", "Kharkiv", admin1="Kharkiv Oblast", country="UA",
                                              latitude=50.0, longitude=36.25, geo_precision=1))
    moved = snapshot.load(db, previous=fixed)
    assert set(moved.events.loc[moved.events["place"] == "Kharkiv", "latitude"]) == {50.0}
    _same_as_store(moved, db)
    store.delete_correction(db, "Kharkiv")
    undone = snapshot.load(db, previous=moved)
    assert undone.fingerprint == before.fingerprint  # the same state as at first: its file would do
    _same_as_store(undone, db)


def test_an_unreadable_snapshot_is_read_again_from_the_database(tmp_path):
    db = make_events_db(tmp_path / "events.sqlite")
    first = snapshot.load(db)
    path = snapshot.snapshot_dir(db) / f"{first.fingerprint}.arrow"
    path.write_bytes(b"not an arrow file")
    again = snapshot.load(db)
    assert again.source == "database"
    _same_as_store(again, db)
    assert snapshot.load(db).source == "disk"  # written again


def test_a_read_only_folder_only_loses_the_snapshot(tmp_path, monkeypatch):
    db = make_events_db(tmp_path / "events.sqlite")

    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(snapshot.feather, "write_feather", refuse)
    snap = snapshot.load(db)
    _same_as_store(snap, db)
    assert not list(snapshot.snapshot_dir(db).glob("*.arrow"))
