"""Gold coverage of the shipped gazetteer's name index.

Usage: .venv/bin/python bench/gazetteer_coverage.py [SHARED_DIR]

For every gold place surface (kinds settlement, oblast, feature) of shared/devset/gold.jsonl and
shared/seeds/gold.jsonl: is its folded form (also with a leading elided article stripped; for oblasts
also the bare stem, "région russe de Koursk" → "Koursk") a key of the index with the right place among
its candidates? Right place: a candidate within 10 km of the gold point, or with the gold name_en; for gold entries
without a point, also a candidate of the same admin1 whose name equals name_en once the generic kind words
(microdistrict, district, neighbourhood) are dropped from both. Prints the misses and the percentage.
"""
from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.gazetteer import Gazetteer, load_gazetteer  # noqa: E402
from geo.names import fold  # noqa: E402

KINDS = ("settlement", "oblast", "feature")
TOL_KM = 10.0
GOLD_FILES = ("devset/gold.jsonl", "seeds/gold.jsonl")

# Leading elided articles ("d'Izmaïlivka", "l'Oskil") and the region words around an oblast's stem.
_ELISION = re.compile(r"^(?:d|l|qu|j)['’]", re.I)
_REGION_WORDS = re.compile(
    r"\b(?:r[ée]gions?|oblasts?|provinces?|regional|military|administration|governor|russe|ukrainienne|"
    r"russian|ukrainian|of|de|du|des|d|l|la|le|the)\b", re.I)

# Generic kind words a gold name_en may carry and a gazetteer name may not (or the other way round).
_KIND_WORDS = re.compile(r"\b(?:microdistrict|district|neighbourhood)\b", re.I)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    lat = math.radians((lat1 + lat2) / 2)
    return math.hypot((lon1 - lon2) * 111.32 * math.cos(lat), (lat1 - lat2) * 111.2)


def surface_keys(surface: str, kind: str) -> list[str]:
    """Folded keys a matcher could look the surface up by, most specific first."""
    keys = [fold(surface), fold(_ELISION.sub("", surface))]
    if kind == "oblast":
        text = surface.replace("’", "'")
        tail = re.split(r"\b(?:de|d')\s*", text)[-1]  # "région voisine de Belgorod" → "Belgorod"
        keys += [fold(tail), fold(_REGION_WORDS.sub(" ", text.replace("'", " ")))]
    return [k for i, k in enumerate(keys) if k and k not in keys[:i]]


def bare_name(name: str) -> str:
    """A name without its generic kind words: "Novyi microdistrict (Chasiv Yar)" → "Novyi (Chasiv Yar)"."""
    return " ".join(_KIND_WORDS.sub(" ", name).split())


def right_place(gaz: Gazetteer, key: str, entry: dict) -> bool:
    pointless = entry.get("lat") is None
    for p in gaz.candidates(key):
        if p.name == entry["name_en"]:
            return True
        if pointless and p.admin1 == entry.get("admin1") and bare_name(p.name) == bare_name(entry["name_en"]):
            return True
        if entry.get("lat") is not None and p.lat is not None and \
                km(p.lat, p.lon, entry["lat"], entry["lon"]) <= TOL_KM:
            return True
    return False


def gold_entries(shared: Path) -> list[dict]:
    out = []
    for rel in GOLD_FILES:
        p = shared / rel
        if not p.exists():
            continue
        for line in p.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            for e in doc["places"]:
                if e["kind"] in KINDS:
                    out.append({**e, "file": doc["file"]})
    return out


def coverage(gaz: Gazetteer, entries: list[dict]) -> tuple[int, list[dict]]:
    """(entries found, missed entries)."""
    misses = [e for e in entries if not any(right_place(gaz, k, e) for k in surface_keys(e["surface"], e["kind"]))]
    return len(entries) - len(misses), misses


def main(argv: list[str]) -> int:
    shared = Path(argv[0]) if argv else ROOT.parent / "shared"
    entries = gold_entries(shared)
    if not entries:
        print(f"no gold under {shared}")
        return 1
    gaz = load_gazetteer()
    found, misses = coverage(gaz, entries)
    for e in misses:
        keys = surface_keys(e["surface"], e["kind"])
        cands = sorted({p.name for k in keys for p in gaz.candidates(k)})[:6]
        print(f"MISS {e['file'][:28]:28} {e['kind']:10} {e['surface']!r} → {e['name_en']} "
              f"({e.get('lat')}, {e.get('lon')})  keys={keys} candidates={cands}")
    by_kind = {k: [e for e in entries if e["kind"] == k] for k in KINDS}
    for k, es in by_kind.items():
        f, _ = coverage(gaz, es)
        print(f"{k:10} {f}/{len(es)}")
    print(f"gold place surfaces found with the right place: {found}/{len(entries)} = {100 * found / len(entries):.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
