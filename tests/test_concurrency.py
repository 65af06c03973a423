"""Concurrency: a reader process loads events in a loop (as the dashboard does) while two ingests write at once.

The reader never meets "database is locked" and never sees part of a file: each article shows with all of
its events (of one version) or not at all. Both ingests land.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from liveblog import doctor, pipeline, store

sys.path.insert(0, str(Path(__file__).parent))
from fuzz_corpus import good_corpus, write_files  # noqa: E402  (the generated live blogs)

REPO = Path(__file__).resolve().parents[1]

_READER = """
import json, sys, time
from pathlib import Path
from liveblog import store
db, allowed_path, stop, out = sys.argv[1:5]
allowed = {k: set(v) for k, v in json.loads(Path(allowed_path).read_text()).items()}
reads, errors, torn, states = 0, [], [], set()
while not Path(stop).exists() or reads == 0:
    try:
        df = store.load_events(db)
    except Exception as e:  # what the dashboard would show the user
        errors.append(f"{type(e).__name__}: {e}")
        continue
    reads += 1
    counts = df.groupby(df["source_url"].fillna(df["file"])).size().to_dict()
    torn += [(k, n) for k, n in counts.items() if n not in allowed.get(k, ())]
    states.add(tuple(sorted(counts.items())))
Path(out).write_text(json.dumps({"reads": reads, "errors": errors[:5], "torn": torn[:5], "states": len(states)}))
"""


def _article_counts(db: Path) -> dict[str, int]:
    df = store.load_events(db)
    return df.groupby(df["source_url"].fillna(df["file"])).size().to_dict()


def test_reader_sees_whole_files_only_while_two_ingests_write(tmp_path):
    rng = random.Random(4)
    first = good_corpus(rng, 12)
    second = good_corpus(rng, 12, start=100)
    # new versions (same URLs, other text) of the first batch's syndicated and HTML live blogs
    newer = [f for f in good_corpus(random.Random(5), 12) if not f[0].endswith("-en.txt")]
    for name, files in (("first", first), ("second", second), ("newer", newer)):
        write_files(tmp_path / name, files)
    # what each article may show: its events of one version, whole
    allowed: dict[str, set[int]] = {}
    for batch in ("first", "second", "newer"):
        pipeline.ingest_paths([tmp_path / batch], tmp_path / f"ref-{batch}.sqlite")
        for key, n in _article_counts(tmp_path / f"ref-{batch}.sqlite").items():
            allowed.setdefault(key, set()).add(n)
    assert any(len(v) == 2 for v in allowed.values())  # some articles do change between versions
    (tmp_path / "allowed.json").write_text(json.dumps({k: sorted(v) for k, v in allowed.items()}))

    db, stop, out = tmp_path / "shared.sqlite", tmp_path / "stop", tmp_path / "reader.json"
    reader = subprocess.Popen([sys.executable, "-c", _READER, str(db), str(tmp_path / "allowed.json"), str(stop),
                               str(out)], cwd=REPO)
    try:
        def ingest(*batches: str) -> subprocess.Popen:
            cmds = [f"{sys.executable} -m liveblog ingest {tmp_path / b} --db {db} -q" for b in batches]
            return subprocess.Popen(" && ".join(cmds), shell=True, cwd=REPO, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)

        writers = [ingest("first", "newer"), ingest("second")]
        results = [w.communicate(timeout=600) for w in writers]
        assert [w.returncode for w in writers] == [0, 0], [err[-1500:] for _, err in results]
        assert all("locked" not in out_ + err for out_, err in results)
    finally:
        stop.touch()
        reader.wait(timeout=120)
    seen = json.loads(out.read_text())
    assert seen["errors"] == []
    assert seen["torn"] == []
    assert seen["reads"] >= 3 and seen["states"] >= 2  # the reader did read while the writers wrote
    # both uploads landed, the newer versions replaced the older ones
    final = _article_counts(db)
    newest = {**_article_counts(tmp_path / "ref-first.sqlite"), **_article_counts(tmp_path / "ref-second.sqlite"),
              **_article_counts(tmp_path / "ref-newer.sqlite")}
    assert final == newest
    assert doctor.run_doctor(db) == []


def test_two_uploads_at_once_both_land(tmp_path):
    """Two ingests in one process at once (the dashboard's two upload sessions) serialise; neither fails."""
    import threading

    db = tmp_path / "t.sqlite"
    rng = random.Random(9)
    for i, start in enumerate((0, 50)):
        write_files(tmp_path / f"upload-{i}", good_corpus(rng, 6, start=start))
    reports, errors = [], []

    def upload(folder):
        try:
            reports.append(pipeline.ingest_paths([folder], db))
        except Exception as e:  # noqa: BLE001 - any failure is the finding
            errors.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=upload, args=(tmp_path / f"upload-{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    assert [r.rejected for r in reports] == [[], []] and sum(r.added for r in reports) == 12
    assert store.count_articles(db) == 12
    assert doctor.run_doctor(db) == []
