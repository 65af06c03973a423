"""Parallel ingest: the same database whatever --workers or --dask; input order kept; bounded look-ahead."""
from pathlib import Path

import pytest

from liveblog import parallel, pipeline, store

FIX = Path(__file__).parent / "fixtures" / "pipeline"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The pipeline fixtures, plus a newer version of one live blog (same URL) that must replace it."""
    d = tmp_path_factory.mktemp("corpus")
    for f in FIX.iterdir():
        (d / f.name).write_bytes(f.read_bytes())
    text = (FIX / "syndicated_fr.txt").read_text(encoding="utf-8")
    newer = text.replace("Moscou revendique la prise", "Moscou revendique encore la prise")
    assert newer != text
    (d / "zz_syndicated_fr_newer.txt").write_text(newer, encoding="utf-8")
    return d


def tables(db: Path) -> dict:
    """Every table the ingest writes, in a canonical order, without the ingest time stamps."""
    events = store.load_events(db).sort_values("event_id").reset_index(drop=True)
    mentions = store.load_table("mentions", db).sort_values(["article_key", "update_index", "start"])
    articles = store.load_table("articles", db).drop(columns=["ingested_at"]).sort_values("article_key")
    log = store.load_table("ingest_log", db)[["file", "status", "message"]]
    return {"events": events, "mentions": mentions.reset_index(drop=True),
            "articles": articles.reset_index(drop=True), "log": log}


def ingest(corpus, tmp_path, **kw):
    db = tmp_path / f"{'-'.join(map(str, kw.values())) or 'serial'}.sqlite"
    report = pipeline.ingest_paths([corpus], db, **kw)
    return report, tables(db)


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory):
    return ingest(corpus, tmp_path_factory.mktemp("serial"))


def assert_same(a, b):
    (ra, ta), (rb, tb) = a, b
    assert ra.summary() == rb.summary()
    for name in ta:
        assert ta[name].equals(tb[name]), name


def test_serial_ingest_keeps_the_newer_version(serial):
    report, t = serial
    assert report.replaced == 1 and len(report.rejected) == 4
    ev = t["events"]
    assert set(ev[ev["headline"].str.contains("revendique encore")]["file"]) == {"zz_syndicated_fr_newer.txt"}
    assert "syndicated_fr.txt" not in set(ev["file"])  # the older version's rows are gone


def test_worker_processes_give_the_same_database(corpus, serial, tmp_path):
    assert_same(serial, ingest(corpus, tmp_path, workers=2))


def test_bad_files_come_back_in_input_order(corpus):
    files = list(pipeline.iter_input_files([corpus]))
    results = list(parallel.analyse_files(files, workers=2, window=2))
    assert [r.path for r in results] == [str(f) for f in files]
    assert {Path(r.path).name for r in results if r.error} == {"empty.txt", "binary.txt", "no_updates.html",
                                                               "no_updates_syndicated.txt"}


@pytest.mark.parametrize("workers", [1, 2])
def test_look_ahead_is_bounded(corpus, workers):
    """Streaming: never more than `window` files read ahead of what the writer has taken."""
    files = list(pipeline.iter_input_files([corpus])) * 3
    pulled = 0

    def source():
        nonlocal pulled
        for f in files:
            pulled += 1
            yield f

    taken = 0
    for _ in parallel.analyse_files(source(), workers=workers, window=3):
        taken += 1
        assert pulled - taken <= 3
    assert taken == len(files)


def test_default_workers_is_at_least_one():
    assert parallel.default_workers() >= 1


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster:
        yield cluster


def test_dask_cluster_gives_the_same_database(corpus, serial, tmp_path, dask_cluster):
    assert_same(serial, ingest(corpus, tmp_path, dask=dask_cluster.scheduler_address))


def test_dask_local_gives_the_same_database(corpus, serial, tmp_path):
    pytest.importorskip("distributed")
    assert_same(serial, ingest(corpus, tmp_path, dask="local", workers=1))


def test_a_place_named_twice_in_a_claim_is_one_event():
    """The writer reports len(events) as the events stored: rows sharing an id must not be counted twice."""
    from liveblog.records import Article, Claim, PlaceMention, Update, UpdateResult

    text = "Kupiansk: l’armée russe affirme avoir pris Kupiansk et Kindrachivka."
    art = Article("f.txt", "plain", "Outlet", None, "T", None, "fr", [])
    upd = Update(0, "Kupiansk", text)

    def place(surface, start, pid, conf):
        return PlaceMention(surface, start, start + len(surface), surface, "Kharkiv Oblast", "UA", 49.7, 37.6,
                            None, 1, conf, place_id=pid)

    places = [place("Kupiansk", 0, "gn:1", 0.5), place("Kupiansk", 43, "gn:1", 0.9),
              place("Kindrachivka", 55, "gn:2", 0.8)]
    claim = Claim(text, 0, len(text), "Russia", "armée russe", "territorial", None, "inferred", [0, 1, 2])
    rows = pipeline.events_of([UpdateResult(art, upd, places, [claim])], "k")
    assert len(rows) == len({r["event_id"] for r in rows}) == 2
    assert {r["geo_confidence"] for r in rows} == {0.9, 0.8}  # the last mention's row, as the store keeps it
