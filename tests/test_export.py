"""Parquet export: every event once, hive-partitioned by month, typed columns, re-export replaces."""
from pathlib import Path

import pandas as pd
import pytest

from liveblog import pipeline, store
from liveblog.export import UNKNOWN_MONTH, export_parquet, month_of
from liveblog.records import EVENT_COLUMNS

pa_ds = pytest.importorskip("pyarrow.dataset")
FIX = Path(__file__).parent / "fixtures" / "pipeline"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "t.sqlite"
    pipeline.ingest_paths([FIX], db)
    return db


def read(out: Path) -> pd.DataFrame:
    return pa_ds.dataset(out, format="parquet", partitioning="hive").to_table().to_pandas()


def test_every_event_once_in_its_month(db, tmp_path):
    out = tmp_path / "parquet"
    n = export_parquet(out, db)
    events = store.load_events(db)
    assert n == len(events) > 0
    got = read(out)
    assert sorted(got["event_id"]) == sorted(events["event_id"])
    assert set(EVENT_COLUMNS) <= set(got.columns)
    # one folder per month, and each row sits in the month of its event date
    months = {p.name for p in out.iterdir()}
    assert months == {f"month={m}" for m in got["month"]}
    dated = got[got["event_date"].notna()]
    assert (dated["event_date"].map(lambda d: d.strftime("%Y-%m")) == dated["month"].astype(str)).all()


def test_columns_keep_their_types(db, tmp_path):
    out = tmp_path / "parquet"
    export_parquet(out, db)
    schema = pa_ds.dataset(out, format="parquet", partitioning="hive").schema
    assert str(schema.field("event_date").type) == "date32[day]"
    assert str(schema.field("latitude").type) == "double"
    assert schema.field("published_at").type.__class__.__name__ == "TimestampType"


def test_export_again_replaces_rather_than_duplicates(db, tmp_path):
    out = tmp_path / "parquet"
    export_parquet(out, db)
    export_parquet(out, db)
    assert len(read(out)) == len(store.load_events(db))


def test_month_falls_back_to_publication_then_unknown():
    df = pd.DataFrame({
        "event_date": pd.to_datetime(["2024-10-27", None, None]),
        "published_at": pd.to_datetime(["2024-11-01 10:00", "2023-02-28 23:00", None]),
    })
    assert list(month_of(df)) == ["2024-10", "2023-02", UNKNOWN_MONTH]
