"""The dashboard's pure views: filtering, markers per place, timeline counts, CSV export and its name."""
import csv
import io
from datetime import date

import pandas as pd
import pytest

from conftest import synthetic_events
from liveblog import store, views
from liveblog.records import ACTORS, EVENT_COLUMNS


@pytest.fixture
def events(events_db):
    return store.load_events(events_db)


def _frame(rows):
    """Rows as store.load_events would return them (same dtypes), without a database."""
    df = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    df["event_date"] = pd.to_datetime(df["event_date"])
    df["published_at"] = pd.to_datetime(df["published_at"])
    df["geo_precision"] = df["geo_precision"].astype("Int64")
    return df


def test_actor_filter_keeps_exactly_that_actors_rows(events):
    shown = views.filter_events(events, views.Filters(actors=("Russia", "NATO")))
    assert set(shown["actor"]) == {"Russia", "NATO"}
    assert len(shown) == events["actor"].isin(["Russia", "NATO"]).sum()


def test_claim_type_and_actor_filters_combine(events):
    shown = views.filter_events(events, views.Filters(actors=("Ukraine",), claim_types=("strike",)))
    assert len(shown) > 0
    assert set(zip(shown["actor"], shown["claim_type"])) == {("Ukraine", "strike")}


def test_date_range_is_inclusive_and_undated_claims_only_leave_when_narrowed():
    rows = synthetic_events("https://x.example/a", "a.txt", 6)
    rows[0]["event_date"] = None
    df = _frame(rows)
    days = sorted(df["event_date"].dropna().dt.date)
    start, end = days[1], days[-2]
    shown = views.filter_events(df, views.Filters(start=start, end=end))
    assert shown["event_date"].dt.date.between(start, end).all()
    assert {start, end} <= set(shown["event_date"].dt.date)
    assert shown["event_date"].notna().all()
    assert len(views.filter_events(df, views.Filters())) == len(df)  # no bound: undated row kept


def test_full_span_selection_means_no_date_restriction():
    span = (date(2024, 10, 1), date(2024, 10, 28))
    f = views.Filters.from_selection(date(2024, 10, 1), date(2024, 10, 28), ["Russia"], [], span)
    assert (f.start, f.end, f.actors) == (None, None, ("Russia",))
    f = views.Filters.from_selection(date(2024, 10, 3), date(2024, 10, 28), [], [], span)
    assert (f.start, f.end) == (date(2024, 10, 3), None)


def test_filter_options_list_actors_in_schema_order(events):
    options = views.filter_options(events)
    assert options.actors == sorted(set(events["actor"]), key=ACTORS.index)
    assert options.span == (events["event_date"].min().date(), events["event_date"].max().date())


def test_claim_naming_two_places_counts_once():
    rows = synthetic_events("https://x.example/a", "a.txt", 2)
    rows[1].update(claim=rows[0]["claim"], update_index=rows[0]["update_index"], event_id="other-place")
    assert views.claim_count(_frame(rows)) == 1
    assert views.claim_count(_frame([])) == 0


def test_one_marker_per_place_with_its_claims_newest_first(events):
    markers = views.place_markers(events)
    located = events.dropna(subset=["latitude"])
    assert sorted(m.place for m in markers) == sorted(located["place"].unique())
    assert sum(m.n_claims for m in markers) == len(located)
    for m in markers:
        dates = [c["event_date"] for c in m.claims]
        assert dates == sorted(dates, reverse=True)
        assert m.actor_counts[m.dominant_actor] == max(m.actor_counts.values())


def test_dominant_actor_tie_goes_to_the_first_actor_in_the_schema():
    rows = synthetic_events("https://x.example/a", "a.txt", 2)
    for r, actor in zip(rows, ["Ukraine", "Russia"]):
        r.update(place="Kupiansk", latitude=49.71, longitude=37.61, actor=actor)
    [marker] = views.place_markers(_frame(rows))
    assert marker.dominant_actor == "Russia"
    assert marker.n_claims == 2


def test_marker_precision_is_the_best_of_its_rows():
    rows = synthetic_events("https://x.example/a", "a.txt", 2)
    for r, precision in zip(rows, [2, 3]):
        r.update(place="Toretsk", latitude=48.4, longitude=37.8, geo_precision=precision)
    assert [m.precision for m in views.place_markers(_frame(rows))] == [2]


def test_timeline_counts_claims_per_day_and_actor(events):
    counts = views.timeline_counts(events)
    dated = events.dropna(subset=["event_date"])
    assert counts["claims"].sum() == views.claim_count(dated)
    assert counts["day"].is_monotonic_increasing
    day = dated["event_date"].iloc[0].normalize()
    actor = dated["actor"].iloc[0]
    expected = ((dated["event_date"].dt.normalize() == day) & (dated["actor"] == actor)).sum()
    assert counts.loc[(counts["day"] == day) & (counts["actor"] == actor), "claims"].item() == expected


def test_csv_holds_exactly_the_filtered_rows_in_schema_order(events):
    shown = views.filter_events(events, views.Filters(actors=("Ukraine",)))
    text = views.events_csv(shown).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(EVENT_COLUMNS)
    assert sorted(r["event_id"] for r in rows) == sorted(shown["event_id"])
    assert all(date.fromisoformat(r["event_date"]) for r in rows)
    assert all(r["published_at"].startswith("2024-10-28T") for r in rows)


def test_csv_is_utf8_and_keeps_non_ascii_text():
    rows = synthetic_events("https://x.example/a", "a.txt", 1)
    rows[0].update(place="Курахове", claim="« Nous avons repoussé l’assaut », selon l’état-major.")
    text = views.events_csv(_frame(rows)).decode("utf-8")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["place"], row["claim"]) == (rows[0]["place"], rows[0]["claim"])


@pytest.mark.parametrize("filters, expected", [
    (views.Filters(actors=("Russia",)), "claims_2024-10-01_2024-10-28_Russia.csv"),
    (views.Filters(start=date(2024, 10, 5), actors=("Ukraine", "North Korea"), claim_types=("strike",)),
     "claims_2024-10-05_2024-10-28_Ukraine+North-Korea_strike.csv"),
    (views.Filters(), "claims_2024-10-01_2024-10-28.csv"),
])
def test_export_filename_says_the_filter(filters, expected):
    assert views.export_filename(filters, (date(2024, 10, 1), date(2024, 10, 28))) == expected


def test_export_filename_without_dated_claims():
    assert views.export_filename(views.Filters(), None) == "claims_all-dates.csv"
