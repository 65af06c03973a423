"""Load the shipped gazetteer (geo/data/places.tsv.gz + names.tsv.gz) into memory.

File format (tab-separated, UTF-8, gzip, first line a header):
  places.tsv.gz  id, name, kind, feature_code, country, admin1, admin2, lat, lon, population, geonameid,
                 hromada, katottg, coords_from
                 kind: settlement | region | country | feature ; lat/lon empty when no source has them;
                 coords_from: "" own point, "hromada" / "raion": the point is that unit's centre (the
                 settlement itself has no coordinates in any source)
  names.tsv.gz   key, place_ids, priors, sources, needs_context — one row per key; the last three are
                 space-separated and parallel to place_ids, which are ranked by prior (best first).
                 key: geo.names.fold(variant); source: where the variant comes from (geonames, katottg,
                 fr, en, uk, ru, de, translit-uk, translit-ru, press-fr, old, region-fr, ...);
                 needs_context "1": the key is also a common word or surname (Mars, Nova, Lyman).
"""
from __future__ import annotations

import gc
import gzip
import os
from dataclasses import dataclass, field
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
    hromada: str = ""  # KATOTTG territorial community ("Kurakhivska hromada"), UA settlements only
    katottg: str = ""  # KATOTTG code ("UA14160110160074716"): the official registry entry
    coords_from: str = ""  # "" own point; "hromada" / "raion": no source has the place's point, lat/lon
    #                        are that unit's administrative centre (precision 2, not 1)

    @property
    def precision(self) -> int:
        """geo_precision of a point on this place: 1 own point, 2 a nearby centre, 3 a region."""
        return 3 if self.kind in ("region", "country") else 2 if self.coords_from else 1


@dataclass
class Gazetteer:
    places: dict[str, Place]
    names: dict[str, tuple[str, ...]]  # folded key → place ids, ranked by prior (best first)
    needs_context: frozenset[str] = frozenset()  # keys that are also common words or surnames
    _priors: dict[str, str] | None = field(default=None, repr=False)  # key → "priors\tsources\tflag"
    _names_path: Path | None = field(default=None, repr=False)  # names.tsv.gz, read again for _priors

    def candidates(self, key: str) -> list[Place]:
        return [self.places[i] for i in self.names.get(key, ())]

    def ranked(self, key: str) -> list[tuple[Place, float]]:
        """Candidates of a key with their priors (kind, rank, population, own point, name provenance)."""
        if self._priors is None:  # few callers need the priors: not kept in memory from the load
            rows = _rows(self._names_path, 3) if self._names_path else []
            self._priors = {r[0]: r[2] for r in rows}
        raw = self._priors.get(key)
        priors = [float(x) for x in raw.split("\t")[0].split()] if raw else [0.0] * len(self.names.get(key, ()))
        return list(zip(self.candidates(key), priors))


def _rows(path: Path, columns: int) -> list[list[str]]:
    """Data rows of a gzip TSV; the last column keeps any tabs past `columns - 1` (not split further)."""
    with gzip.open(path, "rb") as f:
        lines = f.read().decode("utf-8").split("\n")
    return [ln.split("\t", columns - 1) for ln in lines[1:] if ln]


_PLACE_FIELDS = tuple(Place.__dataclass_fields__)


def _place(r: list[str]) -> Place:
    # Bypasses the frozen dataclass's __init__ (one object.__setattr__ per field): 50k places load 3× faster.
    p = object.__new__(Place)
    p.__dict__.update(zip(_PLACE_FIELDS, (
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], float(r[7]) if r[7] else None, float(r[8]) if r[8] else None,
        int(r[9]) if r[9] else 0, int(r[10]) if r[10] else None, r[11], r[12], r[13])))
    return p


def read_gazetteer(data_dir: Path) -> Gazetteer:
    # Half a million small objects and no cycles among them: the cyclic GC would rescan them repeatedly.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read(data_dir)
    finally:
        if enabled:
            gc.enable()


def _read(data_dir: Path) -> Gazetteer:
    places = {r[0]: _place(r) for r in _rows(data_dir / "places.tsv.gz", 14)}
    rows = _rows(data_dir / "names.tsv.gz", 3)
    names = {key: tuple(ids.split(" ")) for key, ids, _ in rows}
    flagged = frozenset(key for key, _, rest in rows if rest[-1] == "1")
    return Gazetteer(places, names, flagged, _names_path=data_dir / "names.tsv.gz")


@lru_cache(maxsize=None)
def load_gazetteer(data_dir: str | None = None) -> Gazetteer:
    """The shipped gazetteer, loaded once per process (CONFLICT_MAP_GAZETTEER overrides the folder)."""
    return read_gazetteer(Path(data_dir or os.environ.get("CONFLICT_MAP_GAZETTEER") or DATA_DIR))
