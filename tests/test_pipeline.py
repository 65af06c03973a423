"""The whole path: files → events in the store, bad files reported and skipped, re-ingest adds nothing."""
from pathlib import Path

import pytest

from liveblog import pipeline, store

FIX = Path(__file__).parent / "fixtures" / "pipeline"
BAD = ["empty.txt", "binary.txt", "no_updates_syndicated.txt", "no_updates.html"]
GOOD = ["syndicated_fr.txt", "plain_en.txt", "plain_en_utf16.txt", "syndicated_fr_latin1.txt"]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "t.sqlite"
    report = pipeline.ingest_paths([FIX], db)
    return db, report


def test_bad_files_are_reported_and_the_rest_goes_in(ingested):
    db, report = ingested
    rejected = {Path(f).name: why for f, why in report.rejected}
    assert set(rejected) == set(BAD)
    # a reason a person can act on
    assert "empty" in rejected["empty.txt"] and "binary" in rejected["binary.txt"]
    assert all("update" in rejected[f] for f in ("no_updates_syndicated.txt", "no_updates.html"))
    assert report.added == len(GOOD)
    files = set(store.load_table("articles", db)["file"])
    assert files == set(GOOD)


def test_non_utf8_files_are_decoded_with_a_warning(ingested):
    _, report = ingested
    warned = {name for name, _ in report.warnings}
    assert "syndicated_fr_latin1.txt" in warned


def test_events_carry_claims_places_and_dates(ingested):
    db, _ = ingested
    df = store.load_events(db)
    izm = df[(df["place"] == "Izmailivka") & (df["file"] == "syndicated_fr.txt")]
    assert len(izm) == 1
    row = izm.iloc[0]
    assert row["actor"] == "Russia"
    assert "Défense" in row["actor_detail"] or "Defence" in row["actor_detail"]
    assert row["claim_type"] == "territorial"
    assert str(row["event_date"].date()) == "2024-11-03"  # "ce dimanche" before Monday 4 November
    assert row["admin1"] == "Donetsk Oblast"
    assert abs(row["latitude"] - 48.05) < 0.1
    sbu = df[(df["file"] == "syndicated_fr.txt") & (df["actor_detail"].str.contains("SBU"))]
    assert set(sbu["actor"]) == {"Ukraine"} and set(sbu["claim_type"]) == {"arrest"}
    assert "Pokrovsk" in set(sbu["place"])


def test_reingest_adds_nothing(ingested, tmp_path):
    db, _ = ingested
    before = store.load_events(db)
    report = pipeline.ingest_paths([FIX], db)
    assert report.added == 0 and report.unchanged == len(GOOD)
    after = store.load_events(db)
    assert sorted(after["event_id"]) == sorted(before["event_id"])


@pytest.mark.parametrize("workers", [1, 2])
def test_files_already_stored_are_not_analysed_again(ingested, monkeypatch, workers):
    db, _ = ingested
    log_before = len(store.load_table("ingest_log", db))

    def must_not_run(*a, **kw):
        raise AssertionError("an unchanged file was analysed")

    monkeypatch.setattr(pipeline, "analyse_bytes", must_not_run)
    monkeypatch.setattr("liveblog.parallel.analyse_bytes", must_not_run)
    report = pipeline.ingest_paths([FIX / f for f in GOOD], db, workers=workers)
    assert report.unchanged == len(GOOD) and report.added == report.replaced == 0 and not report.rejected
    log = store.load_table("ingest_log", db).iloc[log_before:]
    assert list(log["status"]) == ["unchanged"] * len(GOOD)
    assert list(log["file"]) == GOOD


def test_a_crash_on_one_file_keeps_the_batch(tmp_path, monkeypatch):
    real = pipeline.extract_article

    def flaky(article, *args):
        if article.file == "plain_en.txt":
            raise RuntimeError("boom")
        return real(article, *args)

    monkeypatch.setattr(pipeline, "extract_article", flaky)
    db = tmp_path / "t.sqlite"
    report = pipeline.ingest_paths([FIX / "plain_en.txt", FIX / "syndicated_fr.txt"], db)
    assert [Path(f).name for f, _ in report.rejected] == ["plain_en.txt"]
    assert "boom" in report.rejected[0][1]
    assert set(store.load_table("articles", db)["file"]) == {"syndicated_fr.txt"}


def test_sample_corpus_fills_an_empty_database_once(tmp_path):
    if not pipeline.SAMPLE_DIR.is_dir():
        pytest.skip("no sample corpus")
    db = tmp_path / "t.sqlite"
    first = pipeline.ensure_sample_ingested(db)
    assert first is not None and first.added >= 10 and not first.rejected
    df = store.load_events(db)
    assert df["latitude"].notna().sum() > 50
    assert pipeline.ensure_sample_ingested(db) is None


def test_corrections_apply_when_files_are_written_and_force_re_extraction(tmp_path):
    db = tmp_path / "t.sqlite"
    pipeline.ingest_paths([FIX / "syndicated_fr.txt"], db)
    # The reviewer says "Pokrovsk" is not a place, and "Kourakhové" is a made-up village of their choosing.
    store.add_correction(db, store.Correction(surface="Pokrovsk", place=None))
    store.add_correction(db, store.Correction(surface="Kourakhové", place="Testville", place_id="test:1",
                                              admin1="Donetsk Oblast", country="UA", latitude=48.0,
                                              longitude=37.0, geo_precision=1))
    report = pipeline.ingest_paths([FIX / "syndicated_fr.txt"], db, workers=1)
    assert report.replaced == 1  # same bytes, new corrections: re-extracted, not "unchanged"
    raw = store.load_events(db, corrected=False)
    assert "Pokrovsk" not in set(raw["place"].dropna())
    assert "Testville" in set(raw["place"].dropna())
    mentions = store.load_table("mentions", db)
    assert "Testville" in set(mentions["place"].dropna())
    assert pipeline.ingest_paths([FIX / "syndicated_fr.txt"], db).unchanged == 1
