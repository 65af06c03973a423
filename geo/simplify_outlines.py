"""Build the map's display copies of the outlines: geo/data/<name>.display.geojson next to each source file.

    .venv/bin/python geo/simplify_outlines.py [--tolerance 0.004]

The map draws the outlines at zoom 5–9, where 0.004° (~300–450 m, 1–2 px at zoom 9) is below what the eye
sees; the source files keep their full detail for anything else. Simplification is Douglas–Peucker on
*arcs*, not rings: each ring is cut wherever the set of rings sharing its points changes, every arc is
simplified once with its ends fixed, and each ring is put back together from its arcs. Two oblasts that
share a border therefore get the same simplified border, with no gaps or overlaps between them.

Each display file carries `conflict_map_source` = {"file", "sha1"} of the file it was made from:
liveblog.mapview uses it only while that matches the source, so a rebuilt source is never shown through a
stale copy (it falls back to the source itself until this script is run again). Properties are dropped (the
map does not show them) and coordinates rounded to 3 decimals (~100 m).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

GEO_DATA = Path(__file__).resolve().parent / "data"
SOURCES = ("countries.geojson", "ukraine_adm1.geojson")
DIGITS = 3
# Where the map is read (Ukraine and its neighbours, with a margin): full display detail inside, a coarse
# outline outside (the rest of Russia, Kazakhstan, the Arctic).
FOCUS = (12.0, 40.0, 50.0, 60.0)
OUTSIDE = 0.05
Point = tuple[float, float]


def display_path(source: Path) -> Path:
    return source.with_name(source.name.replace(".geojson", ".display.geojson"))


def file_sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def douglas_peucker(points: np.ndarray, tolerance: float | np.ndarray) -> np.ndarray:
    """Indices of the points kept (first and last always), in order. `tolerance` may be per point."""
    tol = np.broadcast_to(np.asarray(tolerance, dtype=float), (len(points),))
    n = len(points)
    if n <= 2:
        return np.arange(n)
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        lo, hi = stack.pop()
        if hi - lo < 2:
            continue
        a, b, mid = points[lo], points[hi], points[lo + 1:hi]
        d = b - a
        norm = np.hypot(*d)
        if norm == 0:  # a closed run: distance to the point itself
            dist = np.hypot(*(mid - a).T)
        else:
            dist = np.abs(d[0] * (mid[:, 1] - a[1]) - d[1] * (mid[:, 0] - a[0])) / norm
        over = dist - tol[lo + 1:hi]
        i = int(np.argmax(over))
        if over[i] > 0:
            k = lo + 1 + i
            keep[k] = True
            stack += [(lo, k), (k, hi)]
    return np.flatnonzero(keep)


def _rings(geometry: dict) -> list[list[Point]]:
    """Every ring of a Polygon / MultiPolygon, open (closing point dropped), as tuples."""
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    out = []
    for poly in polys:
        for ring in poly:
            pts = [tuple(p[:2]) for p in ring]
            if len(pts) > 1 and pts[0] == pts[-1]:
                pts.pop()
            out.append(pts)
    return out


def simplify_rings(rings: list[list[Point]], tolerance: float, focus: tuple[float, float, float, float] | None = None,
                   outside: float | None = None) -> list[list[Point] | None]:
    """The rings simplified arc by arc (see the module doc); None for a ring too small to draw.

    Outside the `focus` box (west, south, east, north) the tolerance is `outside`, and a ring lying wholly
    outside it and smaller than 10 × that is dropped: the map never shows the Arctic islands up close."""
    def tolerances(pts: np.ndarray) -> float | np.ndarray:
        if focus is None or outside is None:
            return tolerance
        w, s, e, n = focus
        inside = (pts[:, 0] >= w) & (pts[:, 0] <= e) & (pts[:, 1] >= s) & (pts[:, 1] <= n)
        return np.where(inside, tolerance, outside)

    sharing: dict[Point, set[int]] = {}
    for r, ring in enumerate(rings):
        for p in ring:
            sharing.setdefault(p, set()).add(r)
    done: dict[tuple, list[Point]] = {}  # arc (canonical direction) → simplified arc

    def simplify_arc(arc: list[Point]) -> list[Point]:
        key = tuple(arc)
        back = key[::-1]
        canonical, flipped = (key, False) if key <= back else (back, True)
        if canonical not in done:
            pts = np.array(canonical, dtype=float)
            done[canonical] = [canonical[i] for i in douglas_peucker(pts, tolerances(pts))]
        return done[canonical][::-1] if flipped else done[canonical]

    out: list[list[Point] | None] = []
    for ring in rings:
        n = len(ring)
        if n < 3 or _negligible(ring, focus, outside):
            out.append(None)
            continue
        sets = [frozenset(sharing[p]) for p in ring]
        cuts = [i for i in range(n) if sets[i] != sets[i - 1] or sets[i] != sets[(i + 1) % n]]
        if not cuts:  # a ring nobody shares: cut it at its first point and the point farthest from it
            far = int(np.argmax(np.hypot(*(np.array(ring) - ring[0]).T)))
            cuts = sorted({0, far})
        kept: list[Point] = []
        for j, start in enumerate(cuts):
            end = cuts[(j + 1) % len(cuts)]
            arc = ring[start:end + 1] if end > start else ring[start:] + ring[:end + 1]
            kept.extend(simplify_arc(arc)[:-1])  # each arc's last point is the next arc's first
        if len(kept) < 3:
            out.append(None)
            continue
        out.append(kept)
    return out


def _negligible(ring: list[Point], focus, outside) -> bool:
    if focus is None or outside is None:
        return False
    pts = np.array(ring)
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    w, s, e, n = focus
    away = x1 < w or x0 > e or y1 < s or y0 > n
    return bool(away and max(x1 - x0, y1 - y0) < 10 * outside)


def _rounded(ring: list[Point]) -> list[list[float]]:
    pts, last = [], None
    for x, y in ring:
        p = [round(x, DIGITS), round(y, DIGITS)]
        if p != last:
            pts.append(p)
            last = p
    if pts and pts[0] != pts[-1]:
        pts.append(pts[0])
    return pts


def simplify_collection(data: dict, tolerance: float, focus=None, outside: float | None = None) -> dict:
    """A FeatureCollection of (Multi)Polygons simplified for display: properties dropped, 3 decimals."""
    features = [f for f in data.get("features", []) if (f.get("geometry") or {}).get("type") in ("Polygon",
                                                                                                "MultiPolygon")]
    shape: list[list[int]] = []  # per feature, per polygon: how many rings
    rings: list[list[Point]] = []
    for f in features:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        shape.append([len(poly) for poly in polys])
        rings.extend(_rings(geom))
    simple = iter(simplify_rings(rings, tolerance, focus, outside))
    out = []
    for f, counts in zip(features, shape):
        polys = []
        for n_rings in counts:
            poly = [next(simple) for _ in range(n_rings)]
            kept = [_rounded(r) for r in poly if r is not None]
            if poly[0] is None or len(kept[0]) < 4:  # the outer ring vanished: the polygon (and its holes) too
                continue
            polys.append([r for r in kept if len(r) >= 4])
        if not polys:
            continue
        geom = {"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1 else \
            {"type": "MultiPolygon", "coordinates": polys}
        out.append({"type": "Feature", "properties": {}, "geometry": geom})
    return {"type": "FeatureCollection", "features": out}


def build(source: Path, tolerance: float, focus=FOCUS, outside: float | None = OUTSIDE) -> tuple[Path, int, int]:
    data = json.loads(source.read_text(encoding="utf-8"))
    simple = simplify_collection(data, tolerance, focus, outside)
    simple["conflict_map_source"] = {"file": source.name, "sha1": file_sha1(source), "tolerance": tolerance,
                                     "focus": list(focus) if focus else None, "outside_tolerance": outside}
    target = display_path(source)
    text = json.dumps(simple, separators=(",", ":"))
    target.write_text(text + "\n", encoding="utf-8")
    return target, source.stat().st_size, len(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tolerance", type=float, default=0.004, help="degrees (default 0.004, ~1-2 px at zoom 9)")
    ap.add_argument("--data", type=Path, default=GEO_DATA)
    args = ap.parse_args()
    for name in SOURCES:
        source = args.data / name
        if not source.is_file():
            print(f"{source}: missing, skipped", file=sys.stderr)
            continue
        target, before, after = build(source, args.tolerance)
        print(f"{target.name}: {before:,} → {after:,} bytes")


if __name__ == "__main__":
    main()
