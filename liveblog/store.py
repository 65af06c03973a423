"""The SQLite event store: schema, idempotent per-file writes, and queries returning DataFrames.

Only this module touches the database. One transaction per file: a file either goes in whole or not at all.
An article is keyed by its source URL (else the hash of its content): ingesting the same content again adds
nothing; a newer version of the same live blog replaces the older one's rows in the same transaction.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from liveblog.records import EVENT_COLUMNS

REPO_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DB = REPO_DIR / "data" / "conflict_map.sqlite"

SCHEMA_VERSION = 1
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS articles (
    article_key   TEXT PRIMARY KEY,   -- source URL, else sha256 of the content
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
    {", ".join(c + (" TEXT PRIMARY KEY" if c == "event_id" else "") for c in EVENT_COLUMNS)},
    article_key TEXT NOT NULL REFERENCES articles(article_key) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS events_date ON events(event_date);
CREATE INDEX IF NOT EXISTS events_article ON events(article_key);
-- Every place name found, resolved or not: the review list and the ingest summary read it.
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
    status   TEXT NOT NULL,   -- added | replaced | unchanged | rejected
    message  TEXT
);
PRAGMA user_version = {SCHEMA_VERSION};
"""


def default_db_path() -> Path:
    """CONFLICT_MAP_DB if set, else data/conflict_map.sqlite in the repository."""
    return Path(os.environ.get("CONFLICT_MAP_DB") or DEFAULT_DB)


def connect(path: str | Path | None = None) -> sqlite3.Connection:
    path = Path(path or default_db_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)  # explicit transactions below
    conn.execute("PRAGMA journal_mode=WAL")  # readers (the dashboard) never block the writer
    conn.execute("PRAGMA foreign_keys=ON")
    conn.executescript(SCHEMA)
    return conn


@dataclass
class ArticleRow:
    article_key: str
    content_hash: str
    file: str
    format: str
    outlet: str | None
    url: str | None
    title: str | None
    published_at: str | None
    language: str
    n_updates: int


@dataclass
class Mention:
    update_index: int
    start: int
    surface: str
    place: str | None
    place_id: str | None
    confidence: float
    candidates: str


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_article(conn: sqlite3.Connection, article: ArticleRow, events: list[dict],
                  mentions: list[Mention]) -> str:
    """Store one article with its events in one transaction; return added | replaced | unchanged."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        old = conn.execute("SELECT content_hash FROM articles WHERE article_key = ?",
                           (article.article_key,)).fetchone()
        if old and old[0] == article.content_hash:
            status = "unchanged"
        else:
            status = "replaced" if old else "added"
            conn.execute("DELETE FROM articles WHERE article_key = ?", (article.article_key,))
            conn.execute(
                "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (article.article_key, article.content_hash, article.file, article.format, article.outlet,
                 article.url, article.title, article.published_at, article.language, article.n_updates, _now()),
            )
            cols = (*EVENT_COLUMNS, "article_key")
            conn.executemany(
                f"INSERT OR REPLACE INTO events ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [tuple(e.get(c) for c in EVENT_COLUMNS) + (article.article_key,) for e in events],
            )
            conn.executemany(
                "INSERT OR REPLACE INTO mentions VALUES (?,?,?,?,?,?,?,?)",
                [(article.article_key, m.update_index, m.start, m.surface, m.place, m.place_id, m.confidence,
                  m.candidates) for m in mentions],
            )
        conn.execute("INSERT INTO ingest_log (at, file, status) VALUES (?,?,?)", (_now(), article.file, status))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return status


def log_rejected(conn: sqlite3.Connection, file: str, message: str) -> None:
    conn.execute("INSERT INTO ingest_log (at, file, status, message) VALUES (?,?,?,?)",
                 (_now(), file, "rejected", message))


def count_articles(path: str | Path | None = None) -> int:
    with closing(connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def load_events(path: str | Path | None = None) -> pd.DataFrame:
    """All events as a DataFrame with the schema's columns; dates as pandas datetimes."""
    with closing(connect(path)) as conn:
        df = pd.read_sql_query(f"SELECT {', '.join(EVENT_COLUMNS)} FROM events", conn)
    df["event_date"] = pd.to_datetime(df["event_date"], errors="coerce")
    df["published_at"] = pd.to_datetime(df["published_at"], errors="coerce")
    for c in ("latitude", "longitude", "geo_confidence"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    df["geo_precision"] = pd.to_numeric(df["geo_precision"], errors="coerce").astype("Int64")
    return df


def load_table(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """articles, mentions or ingest_log as a DataFrame (for the Sources and Review pages)."""
    if name not in ("articles", "mentions", "ingest_log"):
        raise ValueError(f"unknown table {name!r}")
    with closing(connect(path)) as conn:
        return pd.read_sql_query(f"SELECT * FROM {name}", conn)
