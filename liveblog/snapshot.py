"""The events frame for the dashboard, read fast: one query into Arrow, and a disk snapshot of the result keyed
by the database's content fingerprint, so a freshly started server does not re-read 100,000 rows through
sqlite3 → pandas.

The frame is store.load_events's (same rows, values and corrections; text columns are pandas' Arrow-backed
strings), plus two derived columns the filters need (filters.place_keys and filters.search_text).

Never stale: the fingerprint and the rows come from one read transaction, a snapshot file is named after the
fingerprint of the state it was read from, and only the file named after the current fingerprint is ever
opened. The fingerprint covers what the events frame depends on:
- the events table's row count and highest rowid: store writes events only by replacing a whole article
  (DELETE + INSERT), so any write moves them;
- every article's key, content hash, ingest time and row count (a re-ingest or a replacement changes them);
- every stored correction (applied at read time), the schema version;
- the code that builds the frame (this module, the store, the filters' derived columns) and the pandas /
  pyarrow versions, so an upgrade never reads an old file.
A database changed some other way (an UPDATE of event rows in place) would not be seen: store does not do that.
Files are written to a temporary name and renamed (a reader never sees half a file); an unreadable file is
ignored and rewritten; a database whose folder is read-only just gets no snapshot.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather

from liveblog import filters, store
from liveblog.records import EVENT_COLUMNS

FORMAT = 1  # bump when the snapshot's layout changes
KEY_COLUMN, HAYSTACK_COLUMN = "_place_key", "_search_text"
_TMP_MAX_AGE_S = 3600  # a temporary file older than this was left by a crashed writer


@dataclass(frozen=True)
class Snapshot:
    """The events of one database state and what the filters derive from them."""

    events: pd.DataFrame  # store.load_events's columns
    keys: pd.Series  # filters.place_keys(events)
    haystack: pd.Series  # filters.search_text(events)
    fingerprint: str
    source: str  # "database" or "disk": where the rows came from (for tests and the bench)


def snapshot_dir(db: str | Path) -> Path:
    """Beside the database: data/conflict_map.sqlite → data/conflict_map.sqlite-snapshots/ (git ignores it)."""
    db = Path(db)
    return db.with_name(db.name + "-snapshots")


_CODE_DIGEST: str | None = None


def _code_digest() -> str:
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        import numpy
        from liveblog import corroboration

        h = hashlib.sha1(f"{FORMAT}|{pd.__version__}|{pa.__version__}|{numpy.__version__}".encode())
        for module in (store, filters, corroboration):
            h.update(Path(module.__file__).read_bytes())
        h.update(Path(__file__).read_bytes())
        _CODE_DIGEST = h.hexdigest()
    return _CODE_DIGEST


def fingerprint(conn: sqlite3.Connection) -> str:
    """A digest of everything the events frame depends on (see the module doc), read on an open connection
    (inside the caller's read transaction). Milliseconds: it reads the articles and corrections, not events."""
    h = hashlib.sha1(_code_digest().encode())
    h.update(repr((store.schema_version(conn), EVENT_COLUMNS)).encode())
    h.update(repr(conn.execute("SELECT count(*), max(rowid) FROM events").fetchone()).encode())
    for query in ("SELECT article_key, content_hash, ingested_at, n_events FROM articles ORDER BY article_key",
                  "SELECT * FROM corrections ORDER BY surface_key, article_key, context"):
        for row in conn.execute(query):
            h.update(repr(row).encode())
    return h.hexdigest()[:24]


# The rows as store.load_events gives them (a name of its own: tests watch when the database is read).
read_events = store.events_frame


def _derive(events: pd.DataFrame, fp: str, source: str) -> Snapshot:
    return Snapshot(events, filters.place_keys(events), filters.search_text(events), fp, source)


def _read_file(path: Path) -> Snapshot | None:
    try:
        table = feather.read_table(path, memory_map=False)
        frame = table.to_pandas()
    except (OSError, pa.ArrowException, ValueError):
        return None
    if list(frame.columns) != [*EVENT_COLUMNS, KEY_COLUMN, HAYSTACK_COLUMN]:
        return None
    keys, haystack = frame.pop(KEY_COLUMN), frame.pop(HAYSTACK_COLUMN)
    return Snapshot(frame, keys.rename(None), haystack.rename(None), path.stem, "disk")


def _write_file(snap: Snapshot, folder: Path) -> None:
    """Write atomically (temporary name, then rename), then drop the snapshots of older states."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{snap.fingerprint}.arrow"
        tmp = folder / f"{snap.fingerprint}.arrow.{os.getpid()}.tmp"
        frame = snap.events.assign(**{KEY_COLUMN: snap.keys.to_numpy(), HAYSTACK_COLUMN: snap.haystack.to_numpy()})
        feather.write_feather(frame, tmp, compression="uncompressed")
        os.replace(tmp, path)
        now = time.time()
        for old in folder.iterdir():
            stale_tmp = old.suffix == ".tmp" and now - old.stat().st_mtime > _TMP_MAX_AGE_S
            if (old.suffix == ".arrow" and old != path) or stale_tmp:
                old.unlink(missing_ok=True)
    except (OSError, pa.ArrowException, ValueError, TypeError):
        pass  # no snapshot (read-only folder, full disk, odd data): the next start reads the database again


def load(db: str | Path, previous: Snapshot | None = None, use_disk: bool = True) -> Snapshot:
    """The events of the database now: `previous` again if the database has not changed since it was read,
    else the disk snapshot of this state, else the database (then saved as the snapshot of this state)."""
    db = Path(db)
    folder = snapshot_dir(db)

    def once(disk: bool) -> Snapshot | str:
        with store.read_transaction(db) as conn:
            fp = fingerprint(conn)
            if previous is not None and previous.fingerprint == fp:
                return previous
            if disk and (folder / f"{fp}.arrow").is_file():
                return fp  # read the file outside the transaction: it holds that state, whatever happens next
            return _derive(read_events(conn), fp, "database")

    got = store.retry_busy(lambda: once(use_disk))
    if isinstance(got, str):
        snap = _read_file(folder / f"{got}.arrow")
        if snap is not None:
            return snap
        got = store.retry_busy(lambda: once(False))  # unreadable: read the database, write the file again
    if use_disk and got.source == "database":
        _write_file(got, folder)
    return got
