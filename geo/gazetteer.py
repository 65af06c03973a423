"""Load the shipped gazetteer (geo/data/places.tsv.gz + names.tsv.gz) into memory.

File format (tab-separated, UTF-8, gzip, first line a header):
  places.tsv.gz  id, name, kind, feature_code, country, admin1, admin2, lat, lon, population, geonameid
                 kind: settlement | region | country | feature ; lat/lon empty when no source has them
  names.tsv.gz   key, place_id, source
                 key: geo.names.fold(variant); source: where the variant comes from (geonames, fr, en,
                 uk, ru, de, translit-uk, translit-ru, press-fr, old, region-fr, ...)
"""
from __future__ import annotations

import csv
import gzip
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Place:
    id: str  # "gn:<geonameid>" for GeoNames places, another prefix otherwise ("kt:<KATOTTG code>", "ne:…")
    name: str  # canonical English name ("Kurakhove", "Donetsk Oblast")
    kind: str  # settlement | region | country | feature
    feature_code: str  # GeoNames feature code (PPL, PPLA, ADM1, PCLI, AIRB, PS …)
    country: str  # ISO 3166-1 alpha-2
    admin1: str  # English name of the oblast / region ("Donetsk Oblast"); "" for countries
    admin2: str  # raion, when known
    lat: float | None
    lon: float | None
    population: int
    geonameid: int | None


@dataclass
class Gazetteer:
    places: dict[str, Place]
    names: dict[str, tuple[str, ...]]  # folded key → place ids

    def candidates(self, key: str) -> list[Place]:
        return [self.places[i] for i in self.names.get(key, ())]


def _float(s: str) -> float | None:
    return float(s) if s else None


def read_gazetteer(data_dir: Path) -> Gazetteer:
    places: dict[str, Place] = {}
    with gzip.open(data_dir / "places.tsv.gz", "rt", encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        for r in rows:
            places[r[0]] = Place(
                id=r[0], name=r[1], kind=r[2], feature_code=r[3], country=r[4], admin1=r[5], admin2=r[6],
                lat=_float(r[7]), lon=_float(r[8]), population=int(r[9] or 0),
                geonameid=int(r[10]) if r[10] else None,
            )
    names: dict[str, list[str]] = {}
    with gzip.open(data_dir / "names.tsv.gz", "rt", encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        for key, pid, _source in rows:
            ids = names.setdefault(key, [])
            if pid not in ids:
                ids.append(pid)
    return Gazetteer(places, {k: tuple(v) for k, v in names.items()})


@lru_cache(maxsize=None)
def load_gazetteer(data_dir: str | None = None) -> Gazetteer:
    """The shipped gazetteer, loaded once per process (CONFLICT_MAP_GAZETTEER overrides the folder)."""
    return read_gazetteer(Path(data_dir or os.environ.get("CONFLICT_MAP_GAZETTEER") or DATA_DIR))
