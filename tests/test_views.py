"""The dashboard's pure views: markers per place, timeline counts, exports and their names, review queue."""
import csv
import io
import json
from datetime import date

import pandas as pd
import pytest

from conftest import frame as _frame, synthetic_events
from liveblog import filters, views
from liveblog.records import EVENT_COLUMNS


def test_one_marker_per_place_with_its_newest_claims_first(events):
    markers = views.place_markers(events, max_claims=3)
    located = events.dropna(subset=["latitude"])
    assert sorted(m.place for m in markers) == sorted(located["place"].unique())
    assert sum(m.n_claims for m in markers) == len(located)
    for m in markers:
        assert len(m.claims) == min(3, m.n_claims)
        dates = [c["event_date"] for c in m.claims]
        assert dates == sorted(dates, reverse=True)
        newest = located[located["place"] == m.place]["event_date"].max()
        assert dates[0] == newest
        assert m.actor_counts[m.dominant_actor] == max(m.actor_counts.values())
        assert m.key == filters.place_key(m.place, m.lat, m.lon)


def test_namesakes_at_different_points_are_different_markers():
    rows = synthetic_events("https://x.example/a", "a.txt", 2)
    rows[0].update(place="Pokrovsk", latitude=48.28, longitude=37.18)
    rows[1].update(place="Pokrovsk", latitude=47.99, longitude=36.22)
    assert len(views.place_markers(_frame(rows))) == 2


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


@pytest.mark.parametrize("by", ["actor", "claim_type"])
def test_timeline_counts_claims_per_day_and_group(events, by):
    counts = views.timeline_counts(events, by=by)
    dated = events.dropna(subset=["event_date"])
    assert counts["claims"].sum() == views.claim_count(dated)
    assert counts["day"].is_monotonic_increasing
    day, group = dated["event_date"].iloc[0].normalize(), dated[by].iloc[0]
    expected = ((dated["event_date"].dt.normalize() == day) & (dated[by] == group)).sum()
    assert counts.loc[(counts["day"] == day) & (counts[by] == group), "claims"].item() == expected


def test_brush_selection_becomes_a_date_range():
    lo, hi = pd.Timestamp("2024-10-05"), pd.Timestamp("2024-10-12")
    selection = {"selection": {"brush": {"day": [hi.value // 10**6, lo.value // 10**6]}}}
    assert views.brush_range(selection) == (date(2024, 10, 5), date(2024, 10, 12))
    assert views.brush_range({"selection": {"brush": {}}}) is None
    assert views.brush_range(None) is None


def test_csv_holds_exactly_the_filtered_rows_in_schema_order(events):
    shown = filters.filter_events(events, filters.Filters(actors=("Ukraine",)))
    text = views.events_csv(shown).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(EVENT_COLUMNS)
    assert sorted(r["event_id"] for r in rows) == sorted(shown["event_id"])
    assert all(date.fromisoformat(r["event_date"]) for r in rows)
    assert all(r["published_at"] == "2024-10-28T13:15:52" for r in rows)


def test_csv_is_utf8_and_keeps_non_ascii_text():
    rows = synthetic_events("https://x.example/a", "a.txt", 1)
    rows[0].update(place="Курахове", claim="« Nous avons repoussé l’assaut », selon l’état-major.")
    text = views.events_csv(_frame(rows)).decode("utf-8")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["place"], row["claim"]) == (rows[0]["place"], rows[0]["claim"])


def test_csv_neutralises_spreadsheet_formulas_but_not_numbers():
    rows = synthetic_events("https://x.example/a", "a.txt", 5)
    for r, claim in zip(rows, ['=HYPERLINK("http://evil.example","x")', "+1 more", "-2 km", "@SUM(A1)",
                               "Plain claim."]):
        r["claim"] = claim
    rows[0]["longitude"] = -3.5
    text = views.events_csv(_frame(rows)).decode("utf-8")
    got = {r["event_id"]: r for r in csv.DictReader(io.StringIO(text))}
    claims = [got[r["event_id"]]["claim"] for r in rows]
    assert claims == ["'" + rows[i]["claim"] for i in range(4)] + ["Plain claim."]
    assert got[rows[0]["event_id"]]["longitude"] == "-3.5"


def test_geojson_is_a_feature_collection_of_the_rows(events):
    shown = filters.filter_events(events, filters.Filters(actors=("Russia",)))
    data = json.loads(views.table_geojson(views.export_table(shown)))
    assert data["type"] == "FeatureCollection"
    assert sorted(f["properties"]["event_id"] for f in data["features"]) == sorted(shown["event_id"])
    for f in data["features"]:
        row = shown[shown["event_id"] == f["properties"]["event_id"]].iloc[0]
        if pd.isna(row["latitude"]):
            assert f["geometry"] is None
        else:
            assert f["geometry"] == {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
        assert "latitude" not in f["properties"]


def test_geojson_properties_carry_no_live_markup(events):
    data = views.table_geojson(views.export_table(events)).decode("utf-8")
    assert "<script>" not in data and "<img" not in data
    claims = [f["properties"]["claim"] for f in json.loads(data)["features"]]
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in c for c in claims)


@pytest.mark.parametrize("f, expected", [
    (filters.Filters(actors=("Russia",)), "claims_2024-10-01_2024-10-28_Russia.csv"),
    (filters.Filters(start=date(2024, 10, 5), actors=("Ukraine", "North Korea"), claim_types=("strike",)),
     "claims_2024-10-05_2024-10-28_Ukraine+North-Korea_strike.csv"),
    (filters.Filters(), "claims_2024-10-01_2024-10-28.csv"),
    (filters.Filters(regions=("Donetsk Oblast",), contested=True, search="../../etc/passwd"),
     "claims_2024-10-01_2024-10-28_Donetsk-Oblast_contested_q-etc-passwd.csv"),
])
def test_export_filename_says_the_filter(f, expected):
    assert views.export_filename(f, (date(2024, 10, 1), date(2024, 10, 28))) == expected


def test_export_filename_without_dated_claims_and_for_geojson():
    assert views.export_filename(filters.Filters(), None) == "claims_all-dates.csv"
    assert views.export_filename(filters.Filters(), None, ext="geojson") == "claims_all-dates.geojson"


def test_review_queue_lists_unresolved_and_unsure_names_once():
    mentions = pd.DataFrame([
        ("a", 0, 10, "Krasnohorivka", None, None, 0.0, "gn:1|gn:2"),
        ("b", 1, 5, "Krasnohorivka", None, None, 0.0, "gn:1|gn:2"),
        ("a", 2, 7, "Lyman", "Lyman", "gn:3", 0.4, "gn:3|gn:4"),
        ("a", 3, 7, "Kyiv", "Kyiv", "gn:5", 0.95, "gn:5"),
    ], columns=["article_key", "update_index", "start", "surface", "place", "place_id", "confidence", "candidates"])
    articles = pd.DataFrame({"article_key": ["a", "b"], "title": ["Live A", "Live B"]})
    queue = views.review_queue(mentions, articles, max_confidence=0.6)
    assert list(queue["surface"]) == ["Krasnohorivka", "Lyman"]
    first = queue.iloc[0]
    assert (first["status"], first["mentions"], first["articles"]) == ("not resolved", 2, 2)
    assert queue.iloc[1]["status"] == "low confidence"
    assert views.review_queue(mentions.iloc[:0], articles).empty


def test_outlet_counts(events):
    articles = pd.DataFrame({"article_key": ["k1", "k2"], "outlet": ["The Test Post", "The Test Post"],
                             "published_at": ["2024-10-27", "2024-10-28"]})
    shown = filters.filter_events(events, filters.Filters(actors=("UN",)))
    table = views.outlet_counts(articles, events, shown)
    [row] = table.to_dict("records")
    assert (row["articles"], row["claims"], row["claims shown"]) == (2, views.claim_count(events),
                                                                     views.claim_count(shown))


def test_place_points_are_the_markers_places_and_counts(events):
    index = views.event_index(events)
    points = sorted(views.place_points(events, index))
    markers = views.place_markers(events)
    assert points == sorted((m.lat, m.lon, m.n_claims) for m in markers)
    assert views.place_points(events.iloc[:0], views.event_index(events.iloc[:0])) == []
