"""Shared fixtures: a small synthetic events database (written through liveblog.store)."""
from __future__ import annotations

import os
import tempfile
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from liveblog import store
from liveblog.records import EVENT_COLUMNS

# The gazetteer cache (geo.gazetteer.cached) of the tests and of the processes they start: out of the user's home.
os.environ.setdefault("CONFLICT_MAP_CACHE", str(Path(tempfile.gettempdir()) / "conflict-map-test-cache"))

# (place, admin1, country, lat, lon, geo_precision)
_PLACES = [
    ("Pokrovsk", "Donetsk Oblast", "UA", 48.282, 37.176, 1),
    ("Kurakhove", "Donetsk Oblast", "UA", 47.983, 37.282, 1),
    ("Kharkiv", "Kharkiv Oblast", "UA", 49.993, 36.231, 1),
    ("Kyiv", "Kyiv City", "UA", 50.450, 30.523, 1),
    ("Sudzha", "Kursk Oblast", "RU", 51.192, 35.272, 1),
    ("Toretsk", "Donetsk Oblast", "UA", 48.470, 37.870, 2),  # "8 km north of Toretsk"
    ("Zaporizhzhia Oblast", "Zaporizhzhia Oblast", "UA", 47.500, 35.500, 3),
]
_ACTORS = ["Russia", "Ukraine", "Russia", "Ukraine", "NATO", "UN"]
_TYPES = ["territorial", "strike", "casualties", "diplomatic"]
HOSTILE_CLAIMS = (
    "Moscow says <script>alert(1)</script> was intercepted.",
    'Kyiv reports <img src=x onerror="alert(2)"> near the front.',
    "A spokesman wrote `${alert(3)}` and \\u0041 on social media.",
)


def synthetic_events(source_url: str, file: str, n: int, offset: int = 0) -> list[dict]:
    """n deterministic events over several places, actors, types and dates (2024-10-01 .. 2024-10-28)."""
    rows = []
    for i in range(offset, offset + n):
        place, admin1, country, lat, lon, precision = _PLACES[i % len(_PLACES)]
        row = {c: None for c in EVENT_COLUMNS}
        row.update(
            event_id=f"{file}-{i}", event_date=(date(2024, 10, 1) + timedelta(days=(i * 5) % 28)).isoformat(),
            date_precision="day", published_at="2024-10-28T13:15:52", actor=_ACTORS[i % len(_ACTORS)],
            actor_detail="spokesperson", claim_type=_TYPES[i % len(_TYPES)],
            claim=f"Claim number {i} about {place}.", headline=f"Update {i // 3}", place=place,
            place_surface=place, admin1=admin1, country=country, latitude=lat, longitude=lon,
            geo_precision=precision, geo_confidence=0.9, source="The Test Post", source_url=source_url,
            language="en", title="Live: test blog", file=file, update_index=i // 3,
        )
        rows.append(row)
    return rows


def _article(key: str, file: str) -> store.ArticleRow:
    return store.ArticleRow(key, "hash-" + file, file, "plain", "The Test Post", key, "Live: test blog",
                            "2024-10-28T13:15:52", "en", 10)


def make_events_db(db):
    """Write 30 events in two articles to the SQLite store at db: hostile HTML in three claims, one claim
    with no place, one contested place-day (Russia claims Pokrovsk on 1 October, Ukraine denies it the next
    day). Returns db."""
    first = synthetic_events("https://news.example/live-1", "live-1.txt", 15)
    second = synthetic_events("https://news.example/live-2", "live-2.txt", 15, offset=15)
    for row, claim in zip(first, HOSTILE_CLAIMS):
        row["claim"] = claim
    first[7].update(claim_type="denial", event_date="2024-10-02")  # Ukraine at Pokrovsk, against first[0]
    unplaced = second[-1]
    unplaced.update({c: None for c in ("place", "place_surface", "admin1", "country", "latitude", "longitude",
                                       "geo_precision", "geo_confidence")})
    unplaced["claim"] = "Officials said talks would resume next week."
    with closing(store.connect(db)) as conn:
        store.write_article(conn, _article("https://news.example/live-1", "live-1.txt"), first, [])
        store.write_article(conn, _article("https://news.example/live-2", "live-2.txt"), second, [])
    return db


@pytest.fixture
def events_db(tmp_path):
    """Path of a temp store filled by make_events_db."""
    return make_events_db(tmp_path / "events.sqlite")


@pytest.fixture
def events(events_db):
    """The synthetic events as the dashboard loads them."""
    return store.load_events(events_db)


def frame(rows):
    """Rows typed as store.load_events types dates and precision, without a database."""
    df = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    df["event_date"] = pd.to_datetime(df["event_date"])
    df["published_at"] = pd.to_datetime(df["published_at"])
    df["geo_precision"] = df["geo_precision"].astype("Int64")
    return df
