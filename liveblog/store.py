"""The SQLite event store: schema and its migrations, idempotent per-file writes, user corrections, and
queries returning DataFrames.

Only this module writes the database (liveblog/snapshot.py reads events fast for the dashboard). A file goes in whole or not at all: one transaction (write_article) or
one savepoint inside a group commit (Writer, what ingest uses).
An article is keyed by its source URL (else the hash of its content): ingesting the same content again adds
nothing; a newer version of the same live blog replaces the older one's rows in the same transaction.

Safety: WAL journal with synchronous=NORMAL (a committed file survives a crash of the process; a power cut can
undo the last commits but never corrupts the file, and ingest is idempotent, so re-running restores them; FULL
cost a disk flush per file, most of the writer's time); readers never block the writer and always see whole files; reads run in one read transaction (one
snapshot) and are retried when SQLite reports a busy or locked database; the schema version lives in
`PRAGMA user_version` and is raised by numbered migrations, each in one transaction, after a backup copy.

Corrections (the review page's "this name is place P" / "this name is not a place") live in their own table,
keyed by (folded surface, article key or '*', context) and never by row ids, so re-ingesting a file,
rebuilding the gazetteer or migrating the schema cannot orphan or drop them. They are applied at both ends:
- when events are read (`load_events`): stored rows are re-pointed or lose the place, so a correction shows at
  once, without re-ingest, and deleting it restores what the extractor found;
- when events are written (`correct_places`, called by the pipeline on an article's places before claims are
  tied to them): a name the resolver left unresolved, which has no event row to re-point, becomes a place.
"""
from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from geo.names import fold
from liveblog.records import EVENT_COLUMNS, PlaceMention, Sentence

if TYPE_CHECKING:  # pandas is for reads only: ingest (and each worker) starts without importing it
    import pandas as pd

REPO_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DB = REPO_DIR / "data" / "conflict_map.sqlite"

# Migration n takes a database from version n-1 to n. Never edit a released step: add a new one.
# Statements are run one by one inside one transaction (SQLite DDL is transactional).
# The events columns of release 1, frozen: later columns come from later steps.
_EVENT_COLUMNS_V1 = EVENT_COLUMNS[:EVENT_COLUMNS.index("update_index") + 1]
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE IF NOT EXISTS articles (
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
        )""",
        f"""CREATE TABLE IF NOT EXISTS events (
            {", ".join(c + (" TEXT PRIMARY KEY" if c == "event_id" else "") for c in _EVENT_COLUMNS_V1)},
            article_key TEXT NOT NULL REFERENCES articles(article_key) ON DELETE CASCADE
        )""",
        "CREATE INDEX IF NOT EXISTS events_date ON events(event_date)",
        "CREATE INDEX IF NOT EXISTS events_article ON events(article_key)",
        # Every place name found, resolved or not: the review list and the ingest summary read it.
        """CREATE TABLE IF NOT EXISTS mentions (
            article_key  TEXT NOT NULL REFERENCES articles(article_key) ON DELETE CASCADE,
            update_index INTEGER NOT NULL,
            start        INTEGER NOT NULL,
            surface      TEXT NOT NULL,
            place        TEXT,
            place_id     TEXT,
            confidence   REAL,
            candidates   TEXT,
            PRIMARY KEY (article_key, update_index, start)
        )""",
        """CREATE TABLE IF NOT EXISTS ingest_log (
            id       INTEGER PRIMARY KEY AUTOINCREMENT,
            at       TEXT NOT NULL,
            file     TEXT NOT NULL,
            status   TEXT NOT NULL,   -- added | replaced | unchanged | rejected
            message  TEXT
        )""",
    ),
    2: (
        # How many rows a whole file wrote: the doctor finds a partial article by counting (NULL before v2).
        "ALTER TABLE articles ADD COLUMN n_events INTEGER",
        "ALTER TABLE articles ADD COLUMN n_mentions INTEGER",
        # No foreign key to articles: a correction outlives the rows it was made on.
        """CREATE TABLE corrections (
            surface_key   TEXT NOT NULL,              -- the name as written, folded (geo.names.fold)
            article_key   TEXT NOT NULL DEFAULT '*',  -- one article, or '*' for every article
            context       TEXT NOT NULL DEFAULT '',   -- folded words the claim sentence contains; '' anywhere
            place_id      TEXT,                       -- gazetteer id when known (refreshable after a rebuild)
            place         TEXT,                       -- canonical name; NULL: the name is not a place here
            admin1        TEXT,
            country       TEXT,
            latitude      REAL,
            longitude     REAL,
            geo_precision INTEGER,
            note          TEXT,
            created_at    TEXT NOT NULL,
            PRIMARY KEY (surface_key, article_key, context)
        )""",
    ),
    3: (
        # A claim's figures (JSON object text) and the id shared by the same claim in every outlet; NULL for
        # rows written before v3 (liveblog.corroboration reads them as their own group).
        "ALTER TABLE events ADD COLUMN figures TEXT",
        "ALTER TABLE events ADD COLUMN group_id TEXT",
        "CREATE INDEX IF NOT EXISTS events_group ON events(group_id)",
    ),
    4: (
        # No query filters events by date or group in SQL (readers load the events into frames), and the two
        # indexes cost ~30% of the writer's time: random keys scatter their inserts (bench/throughput.py).
        "DROP INDEX IF EXISTS events_date",
        "DROP INDEX IF EXISTS events_group",
    ),
}
SCHEMA_VERSION = max(MIGRATIONS)
TABLES = ("articles", "events", "mentions", "ingest_log", "corrections")

BUSY_TIMEOUT_S = 30  # SQLite's own wait for a lock, per statement
RETRY_FOR_S = 60  # then reads (and connection set-up) retry, backing off, for this long in all


class StoreError(RuntimeError):
    """The database cannot be used as it is (made by a newer version, not a database …)."""


def default_db_path() -> Path:
    """CONFLICT_MAP_DB if set, else data/conflict_map.sqlite in the repository."""
    return Path(os.environ.get("CONFLICT_MAP_DB") or DEFAULT_DB)


# --- connections, retries, migrations ---------------------------------------------------------------------

T = TypeVar("T")


def is_busy(e: BaseException) -> bool:
    """SQLite's transient lock errors ("database is locked", "database is busy", "… table is locked")."""
    msg = str(e).lower()
    return isinstance(e, sqlite3.OperationalError) and ("locked" in msg or "busy" in msg)


def retry_busy(fn: Callable[[], T], for_s: float | None = None) -> T:
    """fn(), tried again with backoff while SQLite reports a busy/locked database, for at most for_s
    (default RETRY_FOR_S)."""
    deadline = time.monotonic() + (RETRY_FOR_S if for_s is None else for_s)
    delay = 0.02
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as e:
            if not is_busy(e) or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path | None:
    """A copy of a database that holds rows, taken before its schema changes (VACUUM INTO: a consistent copy)."""
    if path == Path(":memory:") or not conn.execute("SELECT count(*) FROM articles").fetchone()[0]:
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    dest = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    conn.execute("VACUUM INTO ?", (str(dest),))
    return dest


def migrate(conn: sqlite3.Connection, path: Path | None = None) -> int:
    """Bring the schema to SCHEMA_VERSION, one transaction for all steps; return the version found.

    Safe with other processes: the version is read again under the write lock, so two processes opening an
    old database at once migrate it once.
    """
    found = schema_version(conn)
    if found > SCHEMA_VERSION:
        raise StoreError(f"database schema version {found} is newer than this program's ({SCHEMA_VERSION}): "
                         "update conflict-map")
    if found == SCHEMA_VERSION:
        return found
    if found and path is not None:
        _backup_before_migration(conn, path, found)
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = schema_version(conn)
        for version in range(found + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
        if found < SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)  # explicit transactions below
    try:
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode=WAL")  # readers (the dashboard) never block the writer
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL: safe against crashes; see the module docstring
        # Foreign keys stay declared (the doctor runs foreign_key_check) but are not enforced per row: the
        # check doubled the writer's time, and the writer, the only code that deletes, removes children itself.
        conn.execute("PRAGMA foreign_keys=OFF")
        migrate(conn, path)
    except sqlite3.DatabaseError as e:
        conn.close()
        if is_busy(e):
            raise
        raise StoreError(f"{path}: not a usable conflict-map database ({e})") from None
    except BaseException:
        conn.close()
        raise
    return conn


def connect(path: str | Path | None = None) -> sqlite3.Connection:
    """Open (creating or migrating as needed) the store; the connection is in autocommit mode."""
    path = Path(path or default_db_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    return retry_busy(lambda: _open(path))


@contextmanager
def read_transaction(path: str | Path | None) -> Iterator[sqlite3.Connection]:
    """A connection inside one read transaction: every query sees the same committed state."""
    with closing(connect(path)) as conn:
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")


def _read(path: str | Path | None, fn: Callable[[sqlite3.Connection], T]) -> T:
    """Run a read in one snapshot, retried whole when the database is busy: a reader never shows a lock."""
    def once() -> T:
        with read_transaction(path) as conn:
            return fn(conn)
    return retry_busy(once)


@contextmanager
def _connection(target: sqlite3.Connection | str | Path | None) -> Iterator[sqlite3.Connection]:
    if isinstance(target, sqlite3.Connection):
        yield target
    else:
        with closing(connect(target)) as conn:
            yield conn


# --- writes -------------------------------------------------------------------------------------------------


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


def _write_rows(conn: sqlite3.Connection, article: ArticleRow, events: list[dict], mentions: list[Mention]) -> str:
    """One article's rows, inside the caller's transaction; return added | replaced | unchanged."""
    old = conn.execute("SELECT content_hash FROM articles WHERE article_key = ?", (article.article_key,)).fetchone()
    if old and old[0] == article.content_hash:
        status = "unchanged"
    else:
        status = "replaced" if old else "added"
        for table in ("events", "mentions", "articles"):  # children first (no cascade: see _open)
            conn.execute(f"DELETE FROM {table} WHERE article_key = ?", (article.article_key,))
        # Rows are counted as the table keys them (a repeated id is one row), for the doctor's check.
        n_events = len({str(e.get("event_id")) for e in events})
        n_mentions = len({(m.update_index, m.start) for m in mentions})
        conn.execute(
            "INSERT INTO articles (article_key, content_hash, file, format, outlet, url, title, published_at,"
            " language, n_updates, ingested_at, n_events, n_mentions) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (article.article_key, article.content_hash, article.file, article.format, article.outlet,
             article.url, article.title, article.published_at, article.language, article.n_updates, _now(),
             n_events, n_mentions),
        )
        key = article.article_key
        conn.executemany(_INSERT_EVENT, [(*_event_values(e), key) for e in events])
        conn.executemany(
            "INSERT OR REPLACE INTO mentions VALUES (?,?,?,?,?,?,?,?)",
            [(key, m.update_index, m.start, m.surface, m.place, m.place_id, m.confidence, m.candidates)
             for m in mentions],
        )
    conn.execute("INSERT INTO ingest_log (at, file, status) VALUES (?,?,?)", (_now(), article.file, status))
    return status


_event_values = itemgetter(*EVENT_COLUMNS)  # an event row's values in column order (events_of sets every key)
_INSERT_EVENT = (f"INSERT OR REPLACE INTO events ({', '.join(EVENT_COLUMNS)}, article_key) "
                 f"VALUES ({', '.join('?' * (len(EVENT_COLUMNS) + 1))})")


def write_article(conn: sqlite3.Connection, article: ArticleRow, events: list[dict],
                  mentions: list[Mention]) -> str:
    """Store one article with its events in one transaction; return added | replaced | unchanged."""
    with Writer(conn, max_files=1) as writer:
        return writer.write_article(article, events, mentions)


COMMIT_FILES = 64  # files per group commit (see Writer)
WRITER_CACHE_KB = 64 * 1024  # the ingest connection's page cache: bounded, whatever the corpus' size


class Writer:
    """The ingest writer: files in group commits, each file whole or not at all.

    Why: a commit rewrites every page it touched, and event ids are hashes, so each file's rows land on pages
    all over the id index; committing per file wrote ~17× the data's size to the WAL (bench/throughput.py:
    the store was the slowest stage). Here each file is its own savepoint inside a transaction that commits
    after `max_files` files or `max_seconds`, and when the writer closes. A failing file is rolled back to
    its savepoint alone; a crash loses at most the files since the last commit, never part of one, and
    re-running the ingest (idempotent) writes them again. Readers see whole batches appear.
    """

    def __init__(self, conn: sqlite3.Connection, max_files: int = COMMIT_FILES, max_seconds: float = 1.0):
        self.conn, self.max_files, self.max_seconds = conn, max_files, max_seconds
        # Random event ids scatter inserts over the whole id index: with SQLite's default 2 MB page cache a
        # large database re-reads index pages for every insert (the store's time per MB grew with its size).
        conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KB}")
        self.pending = 0
        self.started = 0.0

    def _begin(self) -> None:
        if not self.conn.in_transaction:
            retry_busy(lambda: self.conn.execute("BEGIN IMMEDIATE"))
            self.pending, self.started = 0, time.monotonic()

    def _done_one(self) -> None:
        self.pending += 1
        if self.pending >= self.max_files or time.monotonic() - self.started >= self.max_seconds:
            self.commit()

    def write_article(self, article: ArticleRow, events: list[dict], mentions: list[Mention]) -> str:
        self._begin()
        self.conn.execute("SAVEPOINT file")
        try:
            status = _write_rows(self.conn, article, events, mentions)
        except BaseException:
            self.conn.execute("ROLLBACK TO file")
            self.conn.execute("RELEASE file")
            raise
        self.conn.execute("RELEASE file")
        self._done_one()
        return status

    def log(self, file: str, status: str, message: str | None = None) -> None:
        """An ingest_log line for a file with no rows to write (rejected, or unchanged and not re-read)."""
        self._begin()
        self.conn.execute("INSERT INTO ingest_log (at, file, status, message) VALUES (?,?,?,?)",
                          (_now(), file, status, message))
        self._done_one()

    def commit(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self.pending = 0

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc) -> None:
        # Even after an error, every file written so far is complete (savepoints): keep them.
        try:
            self.commit()
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise


def content_hashes(conn: sqlite3.Connection) -> frozenset[str]:
    """Every stored article's content hash: files the ingest need not read again."""
    return frozenset(r[0] for r in conn.execute("SELECT content_hash FROM articles"))


def log_rejected(conn: sqlite3.Connection, file: str, message: str) -> None:
    with Writer(conn, max_files=1) as writer:
        writer.log(file, "rejected", message)


# --- corrections --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """A reviewer's decision on a place name: it is `place` (with its coordinates), or, with place None,
    it is not a place. article_key '*' applies everywhere; context (words of the claim sentence) narrows it."""

    surface: str
    place: str | None
    place_id: str | None = None
    admin1: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    article_key: str = "*"
    context: str = ""
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return fold(self.surface), self.article_key or "*", fold(self.context)


_CORRECTION_COLS = ("place_id", "place", "admin1", "country", "latitude", "longitude", "geo_precision")


def add_correction(target: sqlite3.Connection | str | Path | None, correction: Correction) -> None:
    """Record (or replace) a correction; target is a connection or a database path."""
    surface_key, article_key, context = correction.key
    if not surface_key:
        raise ValueError("a correction needs the place name as written")
    if correction.place is not None and (correction.latitude is None or correction.longitude is None):
        raise ValueError("a correction to a place needs its coordinates")
    with _connection(target) as conn:
        retry_busy(lambda: conn.execute(
            "INSERT OR REPLACE INTO corrections (surface_key, article_key, context, place_id, place, admin1,"
            " country, latitude, longitude, geo_precision, note, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (surface_key, article_key, context, correction.place_id, correction.place, correction.admin1,
             correction.country, correction.latitude, correction.longitude, correction.geo_precision,
             correction.note, _now()),
        ))


def delete_correction(target: sqlite3.Connection | str | Path | None, surface: str, article_key: str = "*",
                      context: str = "") -> bool:
    """Forget a correction (what the extractor found shows again); True if there was one."""
    with _connection(target) as conn:
        cur = retry_busy(lambda: conn.execute(
            "DELETE FROM corrections WHERE surface_key = ? AND article_key = ? AND context = ?",
            (fold(surface), article_key or "*", fold(context))))
        return cur.rowcount > 0


def _corrections(conn: sqlite3.Connection) -> list[Correction]:
    rows = conn.execute(f"SELECT surface_key, article_key, context, note, {', '.join(_CORRECTION_COLS)} "
                        "FROM corrections ORDER BY surface_key, article_key, context").fetchall()
    return [Correction(surface=r[0], article_key=r[1], context=r[2], note=r[3] or "",
                       **dict(zip(_CORRECTION_COLS, r[4:]))) for r in rows]


def load_corrections(target: sqlite3.Connection | str | Path | None = None) -> list[Correction]:
    """Every correction (surface and context as stored: folded)."""
    if isinstance(target, sqlite3.Connection):
        return _corrections(target)
    return _read(target, _corrections)


class CorrectionIndex:
    """Corrections looked up by name: the most specific one that applies wins (this article before '*',
    then the longest context found in the sentence)."""

    def __init__(self, corrections: Iterable[Correction]):
        corrections = list(corrections)
        self.fingerprint = corrections_fingerprint(corrections)
        self._by_surface: dict[str, list[tuple[tuple[str, str, str], Correction]]] = {}
        for c in corrections:
            k = c.key
            self._by_surface.setdefault(k[0], []).append((k, c))

    def __bool__(self) -> bool:
        return bool(self._by_surface)

    def knows(self, surface: str) -> bool:
        return fold(surface) in self._by_surface

    def find(self, surface: str, article_key: str, sentence: str = "") -> Correction | None:
        options = self._by_surface.get(fold(surface))
        if not options:
            return None
        folded_sentence = None
        best, best_rank = None, None
        for (_, art, context), c in options:
            if art not in ("*", article_key):
                continue
            if context:
                if folded_sentence is None:
                    folded_sentence = f" {fold(sentence)} "
                if f" {context} " not in folded_sentence:
                    continue
            rank = (art != "*", len(context))
            if best_rank is None or rank > best_rank:
                best, best_rank = c, rank
        return best


def correct_places(places: list[PlaceMention], sentences: list[Sentence], article_key: str,
                   corrections: CorrectionIndex) -> list[PlaceMention]:
    """One update's places with corrections applied (write time): a name that is not a place is dropped;
    a name corrected to a place gets that place (confidence 1). `sentences` give each mention's context."""
    if not corrections:
        return places
    out = []
    for p in places:
        sentence = next((s.text for s in sentences if s.start <= p.start < s.end), "")
        c = corrections.find(p.surface, article_key, sentence)
        if c is None:
            out.append(p)
        elif c.place is not None:
            out.append(replace(p, name=c.place, admin1=c.admin1, country=c.country, lat=c.latitude,
                               lon=c.longitude, precision=c.geo_precision, confidence=1.0, place_id=c.place_id,
                               geonameid=_geonameid(c.place_id), kind=p.kind if p.kind == "relative" else None))
    return out


def corrections_fingerprint(corrections: Iterable[Correction]) -> str:
    """A short digest of a set of corrections ("" for none): the pipeline appends it to an article's
    content_hash, so a file ingested again after the corrections changed is re-extracted, not "unchanged"."""
    import hashlib

    keys = sorted(repr((*c.key, *(getattr(c, k) for k in _CORRECTION_COLS))) for c in corrections)
    return hashlib.sha1("\n".join(keys).encode()).hexdigest()[:12] if keys else ""


def _geonameid(place_id: str | None) -> int | None:
    if place_id and place_id.startswith("gn:") and place_id[3:].isdigit():
        return int(place_id[3:])
    return None


_PLACE_EVENT_COLS = ("place", "admin1", "country", "latitude", "longitude", "geo_precision", "geo_confidence")


def apply_corrections(df: pd.DataFrame, corrections: CorrectionIndex) -> pd.DataFrame:
    """Event rows with corrections applied (read time). df has the event columns plus article_key.

    A claim keeps at least one row: a place that is not a place is dropped from a claim that has other places,
    else its row loses the location; a claim corrected onto a place it already had keeps one row for it.
    """
    import pandas as pd

    if not corrections or df.empty:
        return df
    df = df.copy()
    touched = pd.Series(False, index=df.index)
    surfaces = df["place_surface"].dropna().unique()
    hit = {s for s in surfaces if corrections.knows(s)}
    for i in df.index[df["place_surface"].isin(hit)]:
        row = df.loc[i]
        c = corrections.find(row["place_surface"], row["article_key"], row["claim"] or "")
        if c is None:
            continue
        touched[i] = True
        if c.place is None:
            df.loc[i, list(_PLACE_EVENT_COLS) + ["place_surface"]] = None
        else:
            df.loc[i, list(_PLACE_EVENT_COLS)] = [c.place, c.admin1, c.country, c.latitude, c.longitude,
                                                  c.geo_precision, 1.0]
    if not touched.any():
        return df
    claim_key = ["article_key", "update_index", "claim"]
    groups = df.loc[touched, claim_key].drop_duplicates()
    in_group = df[claim_key].merge(groups, how="left", indicator=True)["_merge"].eq("both").to_numpy()
    affected = df[in_group]
    # Keep per claim: each place once, and a placeless row only when the claim has no place left.
    placed = affected[affected["place"].notna()].drop_duplicates(subset=claim_key + ["place"])
    bare = affected[affected["place"].isna()]
    bare = bare[~bare.set_index(claim_key).index.isin(placed.set_index(claim_key).index)]
    bare = bare.drop_duplicates(subset=claim_key)
    keep = df[~in_group].index.union(placed.index).union(bare.index)
    return df.loc[df.index.isin(keep)]


# --- reads --------------------------------------------------------------------------------------------------


def count_articles(path: str | Path | None = None) -> int:
    return _read(path, lambda conn: conn.execute("SELECT count(*) FROM articles").fetchone()[0])


_NUMERIC = ("latitude", "longitude", "geo_confidence")
_NOT_TEXT = {"event_date", "published_at", "geo_precision", "update_index", *_NUMERIC}


def _frame(columns: list[str], rows: list[tuple]) -> pd.DataFrame:
    """Rows as a DataFrame: text columns through Arrow (one C loop per column, Arrow-backed strings)."""
    import pandas as pd
    import pyarrow as pa

    values = list(zip(*rows)) if rows else [()] * len(columns)
    data = {}
    for name, column in zip(columns, values):
        if name in _NOT_TEXT:
            data[name] = pd.Series(column, dtype=object)
            continue
        try:
            data[name] = pa.array(column, type=pa.string()).to_pandas()
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # SQLite's dynamic typing: a number in a text column
            data[name] = pd.Series([None if v is None else str(v) for v in column], dtype="str")
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def events_frame(conn: sqlite3.Connection, corrected: bool = True) -> pd.DataFrame:
    """All events as a DataFrame with the schema's columns, read on an open connection (inside the caller's
    read transaction): dates as pandas datetimes, coordinates and confidence as floats, text as Arrow-backed
    strings; the corrections applied unless corrected=False (the rows as extracted)."""
    import pandas as pd

    cols = [*EVENT_COLUMNS, "article_key"]
    rows = conn.execute(f"SELECT {', '.join(cols)} FROM events ORDER BY rowid").fetchall()
    df = _frame(cols, rows)
    df = apply_corrections(df, CorrectionIndex(_corrections(conn) if corrected else []))
    df = df[list(EVENT_COLUMNS)].reset_index(drop=True)
    df["event_date"] = pd.to_datetime(df["event_date"], errors="coerce")
    df["published_at"] = pd.to_datetime(df["published_at"], errors="coerce")
    for c in _NUMERIC:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    df["geo_precision"] = pd.to_numeric(df["geo_precision"], errors="coerce").astype("Int64")
    update = pd.to_numeric(df["update_index"], errors="coerce")
    df["update_index"] = update.astype("int64") if update.notna().all() else update
    return df


def load_events(path: str | Path | None = None, corrected: bool = True) -> pd.DataFrame:
    """events_frame in one read transaction (events and corrections seen in the same state, so an article
    shows with all its rows or none), retried while the database is busy."""
    return _read(path, lambda conn: events_frame(conn, corrected))


def load_table(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """articles, mentions, ingest_log or corrections as a DataFrame (for the Sources and Review pages)."""
    import pandas as pd

    if name not in ("articles", "mentions", "ingest_log", "corrections"):
        raise ValueError(f"unknown table {name!r}")
    return _read(path, lambda conn: pd.read_sql_query(f"SELECT * FROM {name}", conn))


# --- checks -------------------------------------------------------------------------------------------------


def check_integrity(conn: sqlite3.Connection) -> list[str]:
    """Problems found in an open database (empty list: sound). Read-only."""
    problems = []
    result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        problems += [f"integrity check: {r}" for r in result[:20]]
        return problems  # the rest would read a damaged file
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    if fk:
        tables = sorted({r[0] for r in fk})
        problems.append(f"{len(fk)} rows point to missing articles (in {', '.join(tables)})")
    version = schema_version(conn)
    if version != SCHEMA_VERSION:
        problems.append(f"schema version {version}, expected {SCHEMA_VERSION}")
        return problems
    for table, column in (("events", "n_events"), ("mentions", "n_mentions")):
        partial = conn.execute(
            f"SELECT a.file, a.{column}, (SELECT count(*) FROM {table} t WHERE t.article_key = a.article_key)"
            f" AS n FROM articles a WHERE a.{column} IS NOT NULL AND a.{column} != n").fetchall()
        problems += [f"partial article {file!r}: {n} {table} stored, {want} written" for file, want, n in partial]
    bad = conn.execute("SELECT count(*) FROM corrections WHERE place IS NOT NULL AND "
                       "(latitude IS NULL OR longitude IS NULL)").fetchone()[0]
    if bad:
        problems.append(f"{bad} corrections name a place without coordinates")
    return problems
