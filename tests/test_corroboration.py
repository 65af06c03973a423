"""Corroboration: one group id per claim across outlets, `sources` per group, contested place-days, and the map
counting groups, not reports (rows and sentences written for these tests)."""
from datetime import date, datetime

from conftest import frame as _frame, synthetic_events
from liveblog import corroboration, filters, views
from liveblog.claims import extract_claims
from liveblog.records import Claim, PlaceMention, Sentence


def _place(name, pid, precision=1, start=0):
    return PlaceMention(name, start, start + len(name), name, "Donetsk Oblast", "UA", 48.0, 37.0, None, precision,
                        0.9, place_id=pid)


def _claim(lang, sentence, outlet, published):
    (c,) = extract_claims(sentence, [Sentence(0, len(sentence), sentence)], lang=lang, outlet=outlet,
                          published=published)
    return c


# --- group ids at extraction time -----------------------------------------------------------------------------


def test_the_same_claim_in_two_languages_and_outlets_has_one_group():
    fr = _claim("fr", "Le ministère russe de la Défense a revendiqué dimanche la prise de Tsukuryne.",
                "Le Courrier", datetime(2024, 11, 4, 9))
    en = _claim("en", "Russia’s defence ministry said on Sunday its troops had captured Tsukurine.",
                "The Daily Wire", datetime(2024, 11, 4, 18))
    village = _place("Tsukuryne", "gn:1")
    fr.places = en.places = [0]
    assert corroboration.group_id(fr, [village]) == corroboration.group_id(en, [village])


def test_different_claims_have_different_groups():
    base = Claim("x", 0, 1, "Russia", "Russian Ministry of Defence", "territorial", date(2024, 11, 3), "day", [0])
    places = [_place("Tsukuryne", "gn:1")]
    gid = corroboration.group_id(base, places)
    for other in (Claim("x", 0, 1, "Ukraine", "General Staff", "territorial", date(2024, 11, 3), "day", [0]),
                  Claim("x", 0, 1, "Russia", "MoD", "strike", date(2024, 11, 3), "day", [0]),
                  Claim("x", 0, 1, "Russia", "MoD", "territorial", date(2024, 11, 2), "day", [0])):
        assert corroboration.group_id(other, places) != gid
    assert corroboration.group_id(base, [_place("Tsukuryne", "gn:2")]) != gid


def test_the_main_place_is_the_most_precise():
    claim = Claim("x", 0, 1, "Russia", "MoD", "territorial", date(2024, 11, 3), "day", [0, 1])
    region, village = _place("Donetsk region", "adm:14", precision=3), _place("Tsukuryne", "gn:1")
    alone = Claim("y", 0, 1, "Russia", "Kremlin", "territorial", date(2024, 11, 3), "day", [0])
    assert corroboration.group_id(claim, [region, village]) == corroboration.group_id(alone, [village])


def test_placeless_claims_group_by_their_words_only():
    a = Claim("Le Kremlin a rejeté la proposition.", 0, 1, "Russia", "Kremlin", "statement", date(2024, 11, 3), "day")
    b = Claim("Le Kremlin a rejeté la proposition !", 0, 1, "Russia", "Kremlin", "statement", date(2024, 11, 3), "day")
    c = Claim("Le Kremlin a salué la proposition.", 0, 1, "Russia", "Kremlin", "statement", date(2024, 11, 3), "day")
    assert corroboration.group_id(a, []) == corroboration.group_id(b, [])
    assert corroboration.group_id(a, []) != corroboration.group_id(c, [])


# --- read time -------------------------------------------------------------------------------------------------


def _rows(spec):
    """spec: (actor, claim_type, day, place, source, group_id) per row."""
    rows = synthetic_events("https://x.example/a", "a.txt", len(spec))
    for i, (r, (actor, ctype, day, place, source, gid)) in enumerate(zip(rows, spec)):
        lat = {"Avdiivka": 48.14, "Vuhledar": 47.78, "Kupiansk": 49.71}.get(place)
        r.update(actor=actor, claim_type=ctype, event_date=day, place=place, latitude=lat,
                 longitude=37.7 if lat else None, source=source, group_id=gid, file=f"{source}.txt",
                 claim=f"claim {i}")
    return _frame(rows)


def test_sources_count_distinct_outlets_per_group():
    df = _rows([("Russia", "territorial", "2024-10-02", "Avdiivka", "A", "g1"),
                ("Russia", "territorial", "2024-10-02", "Avdiivka", "B", "g1"),
                ("Russia", "territorial", "2024-10-02", "Avdiivka", "B", "g1"),
                ("Ukraine", "strike", "2024-10-02", "Avdiivka", "A", "g2"),
                ("Ukraine", "strike", "2024-10-02", "Avdiivka", "A", None)])
    assert list(corroboration.sources(df)) == [2, 2, 2, 1, 1]
    keys = corroboration.group_keys(df)
    assert keys[4] != keys[3] and keys[4].startswith("claim:")  # a row from before group ids: its own group


def test_contested_needs_a_denial_or_a_counter_claim_by_the_other_side():
    df = _rows([
        ("Russia", "territorial", "2024-10-02", "Avdiivka", "A", "g1"),  # claimed …
        ("Ukraine", "denial", "2024-10-03", "Avdiivka", "B", "g2"),  # … denied the next day: contested
        ("Russia", "strike", "2024-10-05", "Vuhledar", "A", "g3"),
        ("Ukraine", "strike", "2024-10-05", "Vuhledar", "B", "g4"),  # counter-claim of the same kind: contested
        ("Russia", "territorial", "2024-10-07", "Kupiansk", "A", "g5"),
        ("Ukraine", "diplomatic", "2024-10-07", "Kupiansk", "B", "g6"),  # both speak, nobody contradicts
        ("Russia", "territorial", "2024-10-20", "Avdiivka", "A", "g7"),  # same place, weeks later: alone
        ("NATO", "denial", "2024-10-07", "Kupiansk", "C", "g8"),  # not a side
    ])
    assert list(corroboration.contested(df)) == [True, True, True, True, False, False, False, False]
    assert not corroboration.contested(df, window_days=0)[1]  # a day apart: only with the window


def test_corroborate_adds_both_columns():
    df = _rows([("Russia", "territorial", "2024-10-02", "Avdiivka", "A", "g1"),
                ("Ukraine", "denial", "2024-10-02", "Avdiivka", "A", "g2")])
    out = corroboration.corroborate(df)
    assert list(out["sources"]) == [1, 1] and list(out["contested"]) == [True, True]
    assert "sources" not in df  # a copy


def test_contested_filter_uses_the_issue_definition():
    df = _rows([("Russia", "territorial", "2024-10-02", "Avdiivka", "A", "g1"),
                ("Ukraine", "denial", "2024-10-02", "Avdiivka", "B", "g2"),
                ("Russia", "territorial", "2024-10-02", "Kupiansk", "A", "g3"),
                ("Ukraine", "statement", "2024-10-02", "Kupiansk", "B", "g4")])
    shown = filters.filter_events(df, filters.Filters(contested=True))
    assert set(shown["place"]) == {"Avdiivka"}
    russia = filters.filter_events(df, filters.Filters(contested=True, actors=("Russia",)))
    assert list(russia["actor"]) == ["Russia"] and list(russia["place"]) == ["Avdiivka"]


def test_markers_count_a_claim_reported_five_times_once():
    spec = [("Russia", "territorial", "2024-10-02", "Avdiivka", src, "g1") for src in "ABCDE"]
    spec.append(("Ukraine", "denial", "2024-10-02", "Avdiivka", "A", "g2"))
    [marker] = views.place_markers(_rows(spec))
    assert (marker.n_claims, marker.n_reports) == (2, 6)
    assert marker.actor_counts == {"Russia": 1, "Ukraine": 1}
    assert sorted(c["sources"] for c in marker.claims) == [1, 5]
