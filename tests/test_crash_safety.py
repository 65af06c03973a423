"""Crash safety: `python -m liveblog ingest` killed (SIGKILL) at random points never leaves a corrupt database
or a partial file, and running it again completes the batch with no duplicates.

Bounded: a few kills of a small generated batch, plus kills landing inside one large transaction.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from liveblog import doctor, pipeline, store

sys.path.insert(0, str(Path(__file__).parent))
from fuzz_corpus import good_corpus, write_files  # noqa: E402  (the generated live blogs)

REPO = Path(__file__).resolve().parents[1]
KILLS = 4

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def _integrity(db: Path) -> str:
    """SQLite's own verdict, read with a plain connection (no store code involved)."""
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def _events_per_article(db: Path) -> dict[str, list[str]]:
    """{file name: its event ids} (file names are unique in these batches)."""
    with closing(sqlite3.connect(db)) as conn:
        out: dict[str, list[str]] = {file: [] for (file,) in conn.execute("SELECT file FROM articles")}
        for file, event_id in conn.execute("SELECT a.file, e.event_id FROM events e JOIN articles a "
                                           "USING (article_key) ORDER BY e.event_id"):
            out[file].append(event_id)
        return out


def _ingest_cmd(folder: Path, db: Path) -> list[str]:
    # Small group commits, so that kills land both inside a group and between groups.
    return [sys.executable, "-m", "liveblog", "ingest", str(folder), "--db", str(db), "-q", "--commit-every", "3"]


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the ingest and any worker it started (it runs in its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=60)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    write_files(root / "in", good_corpus(random.Random(21), 72))  # enough that a kill lands mid-batch
    reference = root / "reference.sqlite"
    report = pipeline.ingest_paths([root / "in"], reference)
    assert not report.rejected and report.events > 100
    return root, _events_per_article(reference)


def _wait_for_articles(db: Path, n: int, proc: subprocess.Popen, limit_s: float = 120) -> None:
    """Return once the database holds n articles (or the ingest has ended): kill points follow progress."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with closing(sqlite3.connect(db, timeout=1)) as conn:
                    if conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= n:
                        return
            except sqlite3.OperationalError:  # the schema is not there yet
                pass
        time.sleep(0.01)


def test_ingest_killed_at_random_points_loses_nothing_and_duplicates_nothing(batch):
    root, expected = batch
    db = root / "killed.sqlite"
    rng = random.Random(7)
    seen_partial_batch = False
    for kill in range(KILLS):
        before = len(_events_per_article(db)) if db.exists() else 0
        proc = subprocess.Popen(_ingest_cmd(root / "in", db), cwd=REPO, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        if kill == 0:
            time.sleep(rng.uniform(0.05, 0.5))  # during start-up: imports, schema creation, gazetteer
        else:  # during the batch, between or inside the per-file transactions
            _wait_for_articles(db, before + rng.randint(1, 6), proc)
            time.sleep(rng.uniform(0, 0.05))
        _kill_group(proc)
        if not db.exists():
            continue
        assert _integrity(db) == "ok"
        assert doctor.run_doctor(db) == []
        stored = _events_per_article(db)
        # every article in the database is whole: exactly the events an uninterrupted run gives it
        assert stored == {k: expected[k] for k in stored}
        # and the dashboard's loader shows whole files only
        per_file = store.load_events(db).groupby("file").size().to_dict()
        assert per_file == {k: len(v) for k, v in stored.items() if v}
        seen_partial_batch |= 0 < len(stored) < len(expected)
    done = subprocess.run(_ingest_cmd(root / "in", db), cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert _integrity(db) == "ok" and doctor.run_doctor(db) == []
    assert _events_per_article(db) == expected
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == sum(map(len, expected.values()))
    # at least one kill landed mid-batch, else the test proved nothing about resuming
    assert seen_partial_batch


# A child that replaces an article by a much larger version and is killed from inside while the write runs.
_CHILD = """
import os, random, signal, sys, threading, time
from liveblog import store
from liveblog.records import EVENT_COLUMNS
db, version, n, delay = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
def event(i):
    row = dict.fromkeys(EVENT_COLUMNS)
    row.update(event_id=f"v{version}-{i}", claim="Claim " + "x" * 200, place="Kharkiv", update_index=i)
    return row
conn = store.connect(db)
row = store.ArticleRow("https://crash.example/live", f"h{version}", "live.txt", "plain", None, None, None, None,
                       "en", n)
events = [event(i) for i in range(n)]
mentions = [store.Mention(i, 0, "Kharkiv", "Kharkiv", None, 1.0, "") for i in range(n)]
if delay >= 0:
    threading.Timer(delay, lambda: os.kill(os.getpid(), signal.SIGKILL)).start()
started = time.perf_counter()
store.write_article(conn, row, events, mentions)
print("committed", time.perf_counter() - started, flush=True)
if delay >= 0:
    time.sleep(60)  # the kill comes
"""


def test_a_kill_inside_the_transaction_keeps_the_old_version_whole(tmp_path):
    db = tmp_path / "t.sqlite"
    # How long a write of the large version takes on this machine, so that the kills land inside it.
    timed = subprocess.run([sys.executable, "-c", _CHILD, str(tmp_path / "timing.sqlite"), "1", "20000", "-1"],
                           cwd=REPO, timeout=120, check=True, capture_output=True, text=True)
    write_s = float(timed.stdout.split()[-1])
    subprocess.run([sys.executable, "-c", _CHILD, str(db), "1", "500", "-1"], cwd=REPO, timeout=120,
                   check=True, capture_output=True)  # version 1: no kill
    assert _events_per_article(db) == {"live.txt": sorted(f"v1-{i}" for i in range(500))}
    rng = random.Random(3)
    killed_mid_write = 0
    for version in range(2, 2 + KILLS):
        child = subprocess.run([sys.executable, "-c", _CHILD, str(db), str(version), "20000",
                                str(rng.uniform(0.0, 1.2 * write_s))], cwd=REPO, timeout=120, capture_output=True, text=True)
        assert child.returncode == -signal.SIGKILL
        assert _integrity(db) == "ok" and doctor.run_doctor(db) == []
        (ids,) = _events_per_article(db).values()
        # either the article before this write, whole, or the new version, whole
        versions = {i.split("-")[0] for i in ids}
        assert len(versions) == 1
        n = 500 if versions == {"v1"} else 20000
        assert len(ids) == n
        if "committed" in child.stdout:
            assert versions == {f"v{version}"}
        else:
            killed_mid_write += 1
    assert killed_mid_write  # else no kill landed inside the transaction
    assert store.count_articles(db) == 1
