"""Check a conflict-map database without changing it: SQLite integrity, links, schema version, whole files.

`python -m liveblog.doctor [--db FILE]` prints each problem (or "ok") and exits 1 when there is one.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from liveblog import store


def run_doctor(db_path: str | Path | None = None) -> list[str]:
    """Problems found in the database at db_path (empty list: sound). Opens it read-only."""
    path = Path(db_path or store.default_db_path())
    if not path.is_file():
        return [f"{path}: no such database"]
    try:
        # Read-only: the doctor neither creates, migrates nor repairs; a hot WAL is still read (mode=ro).
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=store.BUSY_TIMEOUT_S,
                               isolation_level=None)
    except sqlite3.Error as e:
        return [f"{path}: cannot open ({e})"]
    with closing(conn):
        try:
            def check() -> list[str]:
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                missing = [t for t in store.TABLES if t not in tables]
                version = store.schema_version(conn)
                if version > store.SCHEMA_VERSION:
                    return [f"schema version {version} is newer than this program's ({store.SCHEMA_VERSION})"]
                if missing and version == store.SCHEMA_VERSION:
                    return [f"tables missing: {', '.join(missing)}"]
                problems = store.check_integrity(conn)
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if mode != "wal":
                    problems.append(f"journal mode {mode}, expected wal (readers would block the writer)")
                if version < store.SCHEMA_VERSION:
                    problems.append("the next ingest or dashboard start migrates it (a backup copy is kept)")
                return problems
            return store.retry_busy(check)
        except sqlite3.DatabaseError as e:
            return [f"{path}: not a readable SQLite database ({e})"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m liveblog doctor", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="SQLite file (default: $CONFLICT_MAP_DB or data/conflict_map.sqlite)")
    args = parser.parse_args(argv)
    path = args.db or store.default_db_path()
    problems = run_doctor(path)
    for p in problems:
        print(f"problem: {p}")
    if not problems:
        print(f"{path}: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
