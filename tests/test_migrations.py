"""Schema migrations: a database made by an older release opens, is migrated once, and keeps every row."""
import sqlite3
from contextlib import closing

import pytest

from liveblog import doctor, store
from liveblog.records import EVENT_COLUMNS

# The events columns as release 1 shipped them (later releases append columns).
EVENT_COLUMNS_V1 = EVENT_COLUMNS[:EVENT_COLUMNS.index("update_index") + 1]

# The schema of release 1 (user_version 1), frozen here as it shipped: store.py may change, this may not.
SCHEMA_V1 = f"""
CREATE TABLE IF NOT EXISTS articles (
    article_key   TEXT PRIMARY KEY,
    content_hash  TEXT NOT NULL,
    file          TEXT NOT NULL,
    format        TEXT NOT NULL,
    outlet        TEXT,
    url           TEXT,
    title         TEXT,
    published_at  TEXT,
    language      TEXT,
    n_updates     INTEGER NOT NULL,
    ingested_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    {", ".join(c + (" TEXT PRIMARY KEY" if c == "event_id" else "") for c in EVENT_COLUMNS_V1)},
    article_key TEXT NOT NULL REFERENCES articles(article_key) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS events_date ON events(event_date);
CREATE INDEX IF NOT EXISTS events_article ON events(article_key);
CREATE TABLE IF NOT EXISTS mentions (
    article_key  TEXT NOT NULL REFERENCES articles(article_key) ON DELETE CASCADE,
    update_index INTEGER NOT NULL,
    start        INTEGER NOT NULL,
    surface      TEXT NOT NULL,
    place        TEXT,
    place_id     TEXT,
    confidence   REAL,
    candidates   TEXT,
    PRIMARY KEY (article_key, update_index, start)
);
CREATE TABLE IF NOT EXISTS ingest_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    file     TEXT NOT NULL,
    status   TEXT NOT NULL,
    message  TEXT
);
PRAGMA user_version = 1;
"""


def _v1_database(path, n_articles=2, n_events=3):
    """A database as release 1 wrote it, with articles, events, mentions and a log line."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA_V1)
        for a in range(n_articles):
            key = f"https://old.example/live-{a}"
            conn.execute("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                         (key, f"h{a}", f"live-{a}.txt", "plain", "Old Post", key, f"Live {a}",
                          "2024-10-28 13:00:00", "en", n_events, "2024-10-28T14:00:00+00:00"))
            for e in range(n_events):
                row = {c: None for c in EVENT_COLUMNS_V1}
                row.update(event_id=f"{a}-{e}", event_date="2024-10-27", actor="Russia", claim_type="strike",
                           claim=f"Russia says it struck Kupiansk, claim {e}.", place="Kupiansk",
                           place_surface="Kupiansk", latitude=49.71, longitude=37.61, geo_precision=1,
                           geo_confidence=0.8, file=f"live-{a}.txt", update_index=e)
                conn.execute(f"INSERT INTO events ({', '.join(EVENT_COLUMNS_V1)}, article_key) "
                             f"VALUES ({', '.join('?' * (len(EVENT_COLUMNS_V1) + 1))})",
                             (*row.values(), key))
            conn.execute("INSERT INTO mentions VALUES (?,?,?,?,?,?,?,?)",
                         (key, 0, 25, "Kupiansk", "Kupiansk", "gn:704422", 0.8, "gn:704422"))
        conn.execute("INSERT INTO ingest_log (at, file, status) VALUES ('2024-10-28', 'live-0.txt', 'added')")
        conn.commit()
    return path


def _dump(path, table):
    with closing(sqlite3.connect(path)) as conn:
        return sorted(conn.execute(f"SELECT * FROM {table}").fetchall())


def test_previous_schema_is_migrated_keeping_its_rows(tmp_path):
    db = _v1_database(tmp_path / "old.sqlite")
    before = {t: _dump(db, t) for t in ("articles", "events", "mentions", "ingest_log")}
    assert store.SCHEMA_VERSION > 1
    conn = store.connect(db)
    assert store.schema_version(conn) == store.SCHEMA_VERSION
    conn.close()
    after = {t: _dump(db, t) for t in before}
    # articles gained columns (NULL for old rows); every old value is still there
    assert [r[:11] for r in after["articles"]] == before["articles"]
    assert all(r[11:] == (None, None) for r in after["articles"])
    # events gained figures and group_id (v3), NULL for old rows, after article_key
    n = len(EVENT_COLUMNS_V1) + 1
    assert [r[:n] for r in after["events"]] == before["events"]
    assert all(r[n:] == (None, None) for r in after["events"])
    assert after["mentions"] == before["mentions"]
    assert after["ingest_log"] == before["ingest_log"]
    df = store.load_events(db)
    assert len(df) == 6 and set(df["place"]) == {"Kupiansk"}
    assert list(df.columns) == list(EVENT_COLUMNS) and df["group_id"].isna().all()
    assert doctor.run_doctor(db) == []


def test_migration_keeps_a_backup_copy_of_the_old_database(tmp_path):
    db = _v1_database(tmp_path / "old.sqlite")
    store.connect(db).close()
    backups = list(tmp_path.glob("old.sqlite.v1-*.bak"))
    assert len(backups) == 1
    with closing(sqlite3.connect(backups[0])) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 6


def test_migrated_database_takes_corrections_and_new_writes(tmp_path):
    db = _v1_database(tmp_path / "old.sqlite")
    store.add_correction(db, store.Correction("Kupiansk", "Kupiansk-Vuzlovyi", "kt:1", "Kharkiv Oblast", "UA",
                                              49.87, 37.73, 1))
    df = store.load_events(db)
    assert set(df["place"]) == {"Kupiansk-Vuzlovyi"}
    with closing(store.connect(db)) as conn:
        row = store.ArticleRow("https://new.example/x", "hx", "x.txt", "plain", "New", None, None, None, "en", 1)
        assert store.write_article(conn, row, [], []) == "added"
    assert store.count_articles(db) == 3


def test_opening_twice_migrates_once(tmp_path):
    db = _v1_database(tmp_path / "old.sqlite")
    store.connect(db).close()
    store.connect(db).close()
    assert len(list(tmp_path.glob("*.bak"))) == 1
    assert len(_dump(db, "events")) == 6


def test_a_fresh_database_and_a_migrated_one_have_the_same_events_columns(tmp_path):
    fresh, old = tmp_path / "fresh.sqlite", _v1_database(tmp_path / "old.sqlite")
    columns = []
    for db in (fresh, old):
        store.connect(db).close()
        with closing(sqlite3.connect(db)) as conn:
            columns.append({r[1] for r in conn.execute("PRAGMA table_info(events)")})
    assert columns[0] == columns[1] == {*EVENT_COLUMNS, "article_key"}


def test_a_failing_migration_leaves_the_old_database_untouched(tmp_path, monkeypatch):
    db = _v1_database(tmp_path / "old.sqlite")
    before = _dump(db, "events")
    steps = dict(store.MIGRATIONS)
    steps[store.SCHEMA_VERSION] = (*steps[store.SCHEMA_VERSION], "THIS IS NOT SQL")
    monkeypatch.setattr(store, "MIGRATIONS", steps)
    with pytest.raises(store.StoreError):
        store.connect(db)
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        cols = [r[1] for r in conn.execute("PRAGMA table_info(articles)")]
        assert "n_events" not in cols  # the first statements of the step were rolled back too
    assert _dump(db, "events") == before


def test_a_database_from_a_newer_release_is_refused(tmp_path):
    db = tmp_path / "new.sqlite"
    store.connect(db).close()
    with closing(sqlite3.connect(db)) as conn:
        conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    with pytest.raises(store.StoreError, match="newer"):
        store.connect(db)
    assert any("newer" in p for p in doctor.run_doctor(db))


def test_every_migration_step_is_numbered_without_gaps():
    assert sorted(store.MIGRATIONS) == list(range(1, store.SCHEMA_VERSION + 1))
