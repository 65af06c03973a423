"""The dashboard's filters: what each keeps, contested places, quick picks, the URL form."""
from datetime import date

import pytest

from conftest import frame as _frame, synthetic_events
from liveblog import filters, views
from liveblog.records import ACTORS


def test_actor_filter_keeps_exactly_that_actors_rows(events):
    shown = filters.filter_events(events, filters.Filters(actors=("Russia", "NATO")))
    assert set(shown["actor"]) == {"Russia", "NATO"}
    assert len(shown) == events["actor"].isin(["Russia", "NATO"]).sum()


def test_claim_type_and_actor_filters_combine(events):
    shown = filters.filter_events(events, filters.Filters(actors=("Ukraine",), claim_types=("strike",)))
    assert len(shown) > 0
    assert set(zip(shown["actor"], shown["claim_type"])) == {("Ukraine", "strike")}


@pytest.mark.parametrize("field, column, value", [("regions", "admin1", "Kharkiv Oblast"),
                                                  ("outlets", "source", "Other Outlet"),
                                                  ("languages", "language", "fr")])
def test_region_outlet_and_language_filters(field, column, value):
    rows = synthetic_events("https://x.example/a", "a.txt", 14)
    for r in rows[:5]:
        r.update(source="Other Outlet", language="fr")
    df = _frame(rows)
    shown = filters.filter_events(df, filters.Filters(**{field: (value,)}))
    assert 0 < len(shown) < len(df)
    assert set(shown[column]) == {value}


def test_min_confidence_drops_unsure_places_but_keeps_claims_without_place():
    rows = synthetic_events("https://x.example/a", "a.txt", 4)
    rows[0]["geo_confidence"] = 0.3
    rows[1].update(place=None, latitude=None, longitude=None, geo_confidence=None)
    df = _frame(rows)
    shown = filters.filter_events(df, filters.Filters(min_confidence=0.5))
    assert list(shown.index) == [1, 2, 3]


def test_search_is_case_insensitive_over_claims_and_places():
    rows = synthetic_events("https://x.example/a", "a.txt", 7)
    rows[2]["claim"] = "Le ministère dit avoir abattu des DRONES."
    df = _frame(rows)
    assert list(filters.filter_events(df, filters.Filters(search="drones")).index) == [2]
    by_place = filters.filter_events(df, filters.Filters(search="kharkiv"))
    assert len(by_place) and set(by_place["place"]) == {"Kharkiv"}
    assert filters.filter_events(df, filters.Filters(search="[.*")).empty  # not a regex


def test_contested_is_a_place_day_claimed_by_one_side_and_denied_by_the_other():
    rows = synthetic_events("https://x.example/a", "a.txt", 4)
    spots = [("Avdiivka", "Russia", "territorial", "2024-10-02"), ("Avdiivka", "Ukraine", "denial", "2024-10-02"),
             ("Vuhledar", "Russia", "territorial", "2024-10-02"), ("Vuhledar", "NATO", "denial", "2024-10-03")]
    for r, (place, actor, ctype, day) in zip(rows, spots):
        r.update(place=place, latitude=48.1 if place == "Avdiivka" else 47.8, longitude=37.7, actor=actor,
                 claim_type=ctype, event_date=day)
    df = _frame(rows)
    contested = filters.filter_events(df, filters.Filters(contested=True))
    assert set(contested["place"]) == {"Avdiivka"} and len(contested) == 2
    # Contested is a property of the claims across the data (issue #5), not of the other filters.
    dated = filters.filter_events(df, filters.Filters(contested=True, end=date(2024, 10, 2)))
    assert set(dated["place"]) == {"Avdiivka"}
    # The actor filter narrows the rows, not which place-days are contested.
    russia = filters.filter_events(df, filters.Filters(contested=True, actors=("Russia",)))
    assert list(russia["actor"]) == ["Russia"] and list(russia["place"]) == ["Avdiivka"]


def test_place_filter_keeps_one_place_by_name_and_point():
    rows = synthetic_events("https://x.example/a", "a.txt", 3)
    rows[1].update(place="Pokrovsk", latitude=47.99, longitude=36.22)  # a namesake elsewhere
    df = _frame(rows)
    key = filters.place_key("Pokrovsk", 48.282, 37.176)
    shown = filters.filter_events(df, filters.Filters(place=key))
    assert list(shown.index) == [0]


def test_date_range_is_inclusive_and_undated_claims_only_leave_when_narrowed():
    rows = synthetic_events("https://x.example/a", "a.txt", 6)
    rows[0]["event_date"] = None
    df = _frame(rows)
    days = sorted(df["event_date"].dropna().dt.date)
    start, end = days[1], days[-2]
    shown = filters.filter_events(df, filters.Filters(start=start, end=end))
    assert shown["event_date"].dt.date.between(start, end).all()
    assert {start, end} <= set(shown["event_date"].dt.date)
    assert shown["event_date"].notna().all()
    assert len(filters.filter_events(df, filters.Filters())) == len(df)  # no bound: undated row kept


def test_quick_picks_end_on_the_newest_date():
    span = (date(2024, 9, 1), date(2024, 10, 28))
    assert filters.quick_range("24h", span) == (date(2024, 10, 28), date(2024, 10, 28))
    assert filters.quick_range("7d", span) == (date(2024, 10, 22), date(2024, 10, 28))
    assert filters.quick_range("30d", (date(2024, 10, 20), date(2024, 10, 28))) == (date(2024, 10, 20),
                                                                                     date(2024, 10, 28))
    assert filters.quick_range("All", span) == (None, None)


def test_filter_options_list_actors_in_schema_order(events):
    options = filters.filter_options(events)
    assert options.actors == sorted(set(events["actor"]), key=ACTORS.index)
    assert options.span == (events["event_date"].min().date(), events["event_date"].max().date())
    assert options.regions == sorted(set(events["admin1"].dropna()))


def test_query_string_round_trip():
    f = filters.Filters(start=date(2024, 10, 3), end=date(2024, 10, 20), actors=("Russia", "North Korea"),
                        claim_types=("strike",), regions=("Donetsk Oblast",), outlets=("L'Express",),
                        languages=("fr",), min_confidence=0.7, contested=True, search="drone & co",
                        place="Pokrovsk|48.28200|37.17600")
    params = {k: v if isinstance(v, list) else [v] for k, v in filters.to_query(f).items()}
    assert filters.from_query(params) == f
    assert filters.to_query(filters.Filters()) == {}


def test_query_string_ignores_what_the_data_does_not_offer():
    options = filters.FilterOptions(span=(date(2024, 10, 1), date(2024, 10, 28)), actors=["Russia", "Ukraine"])
    f = filters.from_query({"actor": ["Russia", "Atlantis"], "from": ["2023-01-01"], "to": ["not-a-date"],
                            "minconf": ["2"], "unknown": ["x"]}, options)
    assert f == filters.Filters(start=date(2024, 10, 1), actors=("Russia",), min_confidence=1.0)


def test_claim_naming_two_places_counts_once():
    rows = synthetic_events("https://x.example/a", "a.txt", 2)
    rows[1].update(claim=rows[0]["claim"], update_index=rows[0]["update_index"], event_id="other-place")
    assert views.claim_count(_frame(rows)) == 1
    assert views.claim_count(_frame([])) == 0
