"""Checks on the SHIPPED gazetteer (geo/data): the places the press names must be found by their folded key."""
from __future__ import annotations

import pytest

from geo.gazetteer import DATA_DIR, load_gazetteer
from geo.names import fold


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer(str(DATA_DIR))  # the shipped files, whatever CONFLICT_MAP_GAZETTEER says


def ids(gaz, text: str) -> set[str]:
    return {p.id for p in gaz.candidates(fold(text))}


@pytest.mark.parametrize("text, place_id", [
    ("Kourakhové", "gn:695357"),
    ("Kurakhove", "gn:695357"),
    ("Selydové", "gn:694677"),
    ("Izmaïlivka", "gn:9112509"),
    ("Izmaïlivka", "gn:707306"),
    ("Kiev", "gn:703448"),
    ("Kyiv", "gn:703448"),
    ("Київ", "gn:703448"),
    ("Bakhmout", "gn:713174"),
    ("Artiomovsk", "gn:713174"),
    ("Artemivsk", "gn:713174"),
    ("Tchassiv Iar", "gn:710915"),
    ("Vouhledar", "gn:690823"),
    ("Vovtchansk", "gn:689304"),
    ("Zaporijjia", "gn:687700"),
    ("Mykolaïv", "gn:700569"),
    ("Soudja", "gn:486816"),
    ("Sudzha", "gn:486816"),
    ("Krasnoarmiïsk", "gn:704422"),
    ("Dzerjinsk", "gn:709354"),
    ("Novgorodskoïe", "gn:699751"),
])
def test_press_spellings_find_the_place(gaz, text, place_id):
    assert place_id in ids(gaz, text)


def test_found_places_have_coordinates_and_admin(gaz):
    k = gaz.places["gn:695357"]
    assert k.kind == "settlement" and k.country == "UA" and k.admin1 == "Donetsk Oblast"
    assert abs(k.lat - 47.9847) < 0.01 and abs(k.lon - 37.2807) < 0.01
    iz = gaz.places["gn:9112509"]
    assert iz.admin1 == "Donetsk Oblast" and gaz.places["gn:707306"].admin1 == "Kirovohrad Oblast"


@pytest.mark.parametrize("text", ["Koursk", "Kursk"])
def test_kursk_is_city_and_oblast(gaz, text):
    places = gaz.candidates(fold(text))
    kinds = {(p.kind, p.name) for p in places if p.country == "RU"}
    assert ("settlement", "Kursk") in kinds and ("region", "Kursk Oblast") in kinds


def test_donetsk_is_city_and_oblast_with_centre_coordinates(gaz):
    places = {p.id: p for p in gaz.candidates(fold("Donetsk"))}
    assert "gn:709717" in places
    oblast = next(p for p in places.values() if p.kind == "region" and p.name == "Donetsk Oblast")
    assert abs(oblast.lat - 48.02) < 0.05 and abs(oblast.lon - 37.80) < 0.05  # Donetsk city, the centre


@pytest.mark.parametrize("text", ["Donetsk Oblast", "oblast de Donetsk", "Donetskaya oblast'", "région de Donetsk",
                                  "Donechchyna", "Donetsk region"])
def test_oblast_full_forms(gaz, text):
    assert "Donetsk Oblast" in {p.name for p in gaz.candidates(fold(text)) if p.kind == "region"}


@pytest.mark.parametrize("text, name, lat", [("Crimée", "Crimea", 44.95), ("Moscow Oblast", "Moscow Oblast", 55.8)])
def test_region_point_is_its_centre(gaz, text, name, lat):
    region = next(p for p in gaz.candidates(fold(text)) if p.kind == "region" and p.name == name)
    assert abs(region.lat - lat) < 0.1  # Simferopol, Krasnogorsk


def test_every_ukrainian_oblast_is_a_region(gaz):
    regions = {p.admin1 for p in gaz.places.values() if p.kind == "region" and p.country == "UA"}
    assert {"Donetsk Oblast", "Kyiv City", "Crimea", "Sevastopol", "Kherson Oblast"} <= regions
    assert len(regions) >= 27


def test_donbas_is_a_region(gaz):
    assert any(p.kind == "region" for p in gaz.candidates(fold("Donbass")))


@pytest.mark.parametrize("text, country, kind", [
    ("Islande", "IS", "country"), ("Corée du Nord", "KP", "country"), ("Belgique", "BE", "country"),
    ("Bruxelles", "BE", "settlement"), ("Pyongyang", "KP", "settlement"), ("Reykjavik", "IS", "settlement"),
    ("Vienne", "AT", "settlement"), ("La Haye", "NL", "settlement"), ("Hiroshima", "JP", "settlement"),
    ("Munich", "DE", "settlement"), ("Jeddah", "SA", "settlement"), ("New York", "US", "settlement"),
    ("Washington", "US", "settlement"),
])
def test_foreign_places_have_their_country(gaz, text, country, kind):
    assert (country, kind) in {(p.country, p.kind) for p in gaz.candidates(fold(text))}


def test_countries_point_at_their_capital(gaz):
    iceland = next(p for p in gaz.candidates(fold("Islande")) if p.kind == "country")
    assert abs(iceland.lat - 64.1) < 0.2


@pytest.mark.parametrize("text, code", [
    ("Engels air base", "AIRB"), ("base aérienne d'Engels", "AIRB"),
    ("Zaporizhzhia NPP", "PS"), ("centrale nucléaire de Zaporijjia", "PS"), ("Crimean Bridge", "BDG"),
    ("Kakhovka Reservoir", "RSV"), ("Dnipro", "STM"), ("Oskil", "STM"), ("ZNPP", "PS"),
    ("centrale nucléaire de Koursk", "PS"), ("Kakhovka HPP", "PSH"), ("barrage de Kakhovka", "PSH"),
    ("pont de Kertch", "BDG"), ("Belbek air base", "AIRB"), ("base aérienne de Saky", "AIRB"),
    ("Millerovo air base", "AIRB"), ("Seym", "STM"), ("Siverskyi Donets", "STM"), ("Desna river", "STM"),
    ("port of Novorossiysk", "PRT"), ("Industrialnyi district", "PPLX"),
])
def test_features(gaz, text, code):
    assert code in {p.feature_code for p in gaz.candidates(fold(text)) if p.kind == "feature"}


def test_feature_points_come_from_a_source(gaz):
    rivers = [p for p in gaz.places.values() if p.name in ("Dnipro River", "Oskil River", "Seym River")]
    assert len(rivers) == 3 and all(p.lat is None and p.kind == "feature" for p in rivers)  # a line: no point
    kursk_npp = next(p for p in gaz.candidates(fold("Kursk NPP")) if p.kind == "feature")
    assert kursk_npp.coords_from == "settlement" and kursk_npp.precision == 2  # at Kurchatov
    assert abs(kursk_npp.lat - 51.65) < 0.05 and kursk_npp.country == "RU"


def test_katottg_fields_and_official_names(gaz):
    iz = gaz.places["gn:9112509"]
    assert iz.katottg == "UA14160110160074716" and iz.hromada == "Kurakhivska hromada"
    assert gaz.places["gn:713122"].name == "Avdiivka"  # official romanisation, not GeoNames' "Avdiyivka"
    unplaced = [p for p in gaz.places.values() if p.coords_from in ("hromada", "raion") and p.country == "UA"]
    assert len(unplaced) > 1000 and all(p.lat is not None and p.katottg and p.precision == 2 for p in unplaced)
    ua = [p for p in gaz.places.values() if p.country == "UA" and p.kind == "settlement" and p.katottg]
    assert len(ua) > 29_000


def test_needs_context_and_ranked_priors(gaz):
    assert {"mars", "nova", "lyman", "ray", "mir", "pobeda"} <= gaz.needs_context
    assert not {"kharkiv", "moscou", "paris", "donetsk"} & gaz.needs_context
    ranked = gaz.ranked(fold("Kursk"))
    assert [p.id for p, _ in ranked] == list(gaz.names[fold("Kursk")])
    assert [w for _, w in ranked] == sorted((w for _, w in ranked), reverse=True)
    assert ranked[0][0].name == "Kursk"  # the city of 450,000 before the region and any namesake


@pytest.mark.parametrize("text, name", [("Donetchtchina", "Donetsk Oblast"), ("Donechchyna", "Donetsk Oblast"),
                                        ("oblast de Kherson", "Kherson Oblast"), ("Kursk region", "Kursk Oblast"),
                                        ("Charkiw", "Kharkiv"), ("Saporischschja", "Zaporizhzhia"),
                                        ("Dnipropetrovsk", "Dnipro"), ("Kirovograd", "Kropyvnytskyi")])
def test_region_forms_german_and_former_names(gaz, text, name):
    assert name in {p.name for p in gaz.candidates(fold(text))}


def test_russian_border_villages_from_postal_codes(gaz):
    # Плехово (Kursk oblast) is in no GeoNames file shipped here but the postal one
    places = [p for p in gaz.candidates(fold("Plekhovo")) if p.admin1 == "Kursk Oblast"]
    assert places and places[0].id.startswith("ru-post:") and places[0].lat is not None


def test_index_is_consistent(gaz):
    assert all(pid in gaz.places for pids in gaz.names.values() for pid in pids)
    assert all(key == fold(key) for key in list(gaz.names)[:5000])
    kinds = {p.kind for p in gaz.places.values()}
    assert kinds == {"settlement", "region", "country", "feature"}


@pytest.mark.parametrize("text, country", [("Moscow", "RU"), ("Minsk", "BY"), ("Chisinau", "MD"), ("Kyiv", "UA"),
                                           ("Warsaw", "PL"), ("Paris", "FR")])
def test_national_capitals_are_pplc(gaz, text, country):
    capital = max((p for p in gaz.candidates(fold(text)) if p.kind == "settlement" and p.country == country),
                  key=lambda p: p.population)
    assert capital.feature_code == "PPLC"


def test_every_katottg_settlement_has_a_point(gaz):
    kt = [p for p in gaz.places.values() if p.katottg and p.kind == "settlement"]
    assert kt and all(p.lat is not None for p in kt)
    zone = {p.name: p for p in gaz.places.values() if p.katottg and p.admin1 == "Kyiv Oblast"
            and p.name in ("Chornobyl", "Prypiat")}
    assert set(zone) == {"Chornobyl", "Prypiat"}  # in no raion or hromada: joined to their GeoNames rows
    assert all(p.geonameid and p.precision == 1 and p.admin2 == "" for p in zone.values())


@pytest.mark.parametrize("text", ["Novyi microdistrict", "microdistrict Novyi", "mikroraion Novyi", "quartier Novyi",
                                  "Novyi district"])
def test_city_sections_are_features_of_their_town(gaz, text):
    sections = [p for p in gaz.candidates(fold(text)) if p.name == "Novyi (Chasiv Yar)"]
    assert sections and sections[0].kind == "feature" and sections[0].admin1 == "Donetsk Oblast"
    assert abs(sections[0].lat - 48.593) < 0.01  # the section's own point, not the town's


def test_sections_rank_below_villages(gaz):
    for key in ("novyi", "novyi svit", "podil"):
        ranked = gaz.ranked(key)
        villages = [w for p, w in ranked if p.kind == "settlement" and p.feature_code == "PPL"]
        sections = [w for p, w in ranked if p.feature_code == "PPLX" and p.kind == "feature"]
        assert villages and sections and max(sections) < min(villages), key
