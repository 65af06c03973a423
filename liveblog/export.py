"""Export the event table as a Parquet dataset partitioned by month, for DuckDB, Dask, Spark or pandas users.

Layout: DIR/month=YYYY-MM/events-0.parquet (hive partitioning), the month of the event's date, else of its
publication, else month=unknown. Exporting again into the same folder replaces the months it writes.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from liveblog import store
from liveblog.records import EVENT_COLUMNS

UNKNOWN_MONTH = "unknown"


def month_of(events: pd.DataFrame) -> pd.Series:
    """'YYYY-MM' of each event: its event date, else its publication date, else 'unknown'."""
    when = events["event_date"].fillna(events["published_at"])
    return when.dt.strftime("%Y-%m").fillna(UNKNOWN_MONTH).astype(str)


def events_table(events: pd.DataFrame):
    """The events as an Arrow table with typed columns (event_date a date) and the month key added."""
    import pyarrow as pa

    df = events.loc[:, list(EVENT_COLUMNS)].copy()
    df["month"] = month_of(events)
    df["event_date"] = df["event_date"].dt.date  # a calendar day, not an instant
    table = pa.Table.from_pandas(df, preserve_index=False)
    return table.cast(table.schema.set(table.schema.get_field_index("event_date"),
                                       pa.field("event_date", pa.date32())))


def export_parquet(out_dir: str | Path, db_path: str | Path | None = None) -> int:
    """Write every event of the store under out_dir, one partition per month; return the number of events."""
    import pyarrow.dataset as ds

    events = store.load_events(db_path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ds.write_dataset(events_table(events), out_dir, format="parquet", partitioning=["month"],
                     partitioning_flavor="hive", existing_data_behavior="delete_matching",
                     basename_template="events-{i}.parquet")
    return len(events)
