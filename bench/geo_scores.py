"""Print place precision / recall / F1 of geo.resolve against the gold of the devset and the seed.

Usage: .venv/bin/python bench/geo_scores.py [--errors] [SHARED_DIR]

Scoring (per file, then summed):
- Gold places are the `places` entries (one per distinct surface and referent). Each occurrence of an
  entry's surface in the text (inside its `context` when given) is a gold occurrence; occurrences inside
  a longer gold surface, a not-place context or a places-elsewhere context are not.
- A resolved mention that overlaps a gold occurrence is correct when its point lies within 30 km of the
  gold point (any point when the gold has none); an unresolved mention counts only for a gold entry
  without coordinates. A resolved mention on a not-place occurrence, on an out-of-scope place put in
  UA/RU, on a gold occurrence but too far, or on nothing annotated is a false positive.
- Precision counts distinct (surface, resolved name, outcome) keys; recall counts gold entries found.
  acc@10 is the share of found entries with coordinates whose point lies within 10 km.
"""
from __future__ import annotations

import json
import math
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.gazetteer import load_gazetteer  # noqa: E402
from geo.resolve import geoparse_article  # noqa: E402

TOL_KM, ACC_KM = 30.0, 10.0


def km(a, b) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    return math.hypot((a[1] - b[1]) * 111.32 * math.cos(lat), (a[0] - b[0]) * 111.2)


def article_texts(path: Path) -> list[str]:
    """Update texts, plus the title, intro and summary (gold places are per file)."""
    raw = path.read_text(encoding="utf-8")
    try:
        from liveblog.formats import parse_article

        art = parse_article(raw, path.name)
        extra = [t for t in [art.title or "", art.caption or "", art.intro or "", *art.summary] if t]
        return [u.text for u in art.updates] + extra
    except Exception:  # the reader is not there yet, or failed: crude fallback
        if path.suffix == ".html":
            raw = re.sub(r"(?s)<(script|style|nav)\b.*?</\1>", " ", raw)
            raw = re.sub(r"<[^>]+>", " ", raw)
        return [raw]


def _spans(text: str, surface: str, context: str | None):
    if context:
        for c in re.finditer(re.escape(context), text):
            i = context.find(surface)
            if i >= 0:
                yield c.start() + i, c.start() + i + len(surface)
    else:
        for s in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text):
            yield s.start(), s.end()


def gold_occurrences(text: str, gold: dict):
    """[(start, end, what, index)] with what in place | not | elsewhere."""
    blocked, occ = [], []
    for i, n in enumerate(gold.get("not_places_detail", [])):
        for s, e in _spans(text, n["surface"], n.get("context")):
            occ.append((s, e, "not", i))
            blocked.append((s, e))
    for i, n in enumerate(gold.get("places_elsewhere", [])):
        for s, e in _spans(text, n["surface"], n.get("context")):
            occ.append((s, e, "elsewhere", i))
            blocked.append((s, e))
    places = gold["places"]
    with_ctx = [(i, p) for i, p in enumerate(places) if p.get("context")]
    without = [(i, p) for i, p in enumerate(places) if not p.get("context")]
    taken = []
    for i, p in with_ctx + without:
        for s, e in _spans(text, p["surface"], p.get("context")):
            if any(bs <= s and e <= be for bs, be in blocked + taken):
                continue
            occ.append((s, e, "place", i))
    # Drop place occurrences nested inside a longer gold place occurrence.
    # (an anchor inside a relative location keeps its own entry).
    pl = [o for o in occ if o[2] == "place" and places[o[3]].get("kind") != "relative"]
    def nested(o):
        return any(q is not o and q[0] <= o[0] and o[1] <= q[1] and q[1] - q[0] > o[1] - o[0] for q in pl)

    occ = [o for o in occ if o[2] != "place" or not nested(o)]
    return occ


def score_file(texts: list[str], lang: str, gold: dict, gaz, errors: list):
    results = geoparse_article(texts, lang, gaz)
    places = gold["places"]
    found: dict[int, float | None] = {}
    tp_keys, fp_keys = set(), set()
    surfaces = {p["surface"] for p in places}
    foreign = {p["surface"] for p in gold.get("places_elsewhere", [])}
    for text, pms in zip(texts, results):
        occ = gold_occurrences(text, gold)
        for pm in pms:
            over = [o for o in occ if o[0] < pm.end and pm.start < o[1]]
            exact = [o for o in over if (o[0], o[1]) == (pm.start, pm.end)]
            over = exact or over
            resolved = pm.name is not None
            if not over:
                # An unclaimed occurrence of an annotated surface, or a foreign place the gold names
                # elsewhere, is not judged.
                if pm.surface in surfaces or (pm.surface in foreign and pm.country not in ("UA", "RU")):
                    continue
                if resolved and pm.kind != "country":
                    fp_keys.add((pm.surface, pm.name, "unannotated"))
                    errors.append(f"  FP unannotated   {pm.surface!r} → {pm.name} ({pm.country})")
                continue
            kinds = {o[2] for o in over}
            if "place" in kinds:
                best = None
                for o in over:
                    if o[2] != "place":
                        continue
                    g = places[o[3]]
                    if g.get("lat") is None:
                        d = None
                        ok = True
                    elif not resolved or pm.lat is None:
                        ok, d = False, None
                    else:
                        d = km((pm.lat, pm.lon), (g["lat"], g["lon"]))
                        ok = d <= TOL_KM
                    if ok:
                        best = (o[3], d)
                        break
                if best:
                    i, d = best
                    if i not in found or (d is not None and (found[i] is None or d < found[i])):
                        found[i] = d
                    if resolved:
                        tp_keys.add((pm.surface, pm.name, i))
                elif resolved:
                    g = places[[o for o in over if o[2] == "place"][0][3]]
                    fp_keys.add((pm.surface, pm.name, "far"))
                    errors.append(f"  FP wrong place   {pm.surface!r} → {pm.name} ({pm.admin1})"
                                  f" want {g['name_en']} ({g.get('admin1')})")
            elif "not" in kinds and resolved:
                fp_keys.add((pm.surface, pm.name, "not", pm.start))
                ctx = gold["not_places_detail"][[o for o in over if o[2] == "not"][0][3]]["context"]
                errors.append(f"  FP not-a-place   {pm.surface!r} in {ctx!r}")
            elif "elsewhere" in kinds and resolved and pm.country in ("UA", "RU"):
                fp_keys.add((pm.surface, pm.name, "elsewhere"))
                errors.append(f"  FP elsewhere     {pm.surface!r} → {pm.name} ({pm.country})")
    for i, p in enumerate(places):
        if i not in found:
            errors.append(f"  FN missed        {p['surface']!r} ({p['name_en']}) {p.get('context', '')!r}")
    with_coords = [i for i in found if places[i].get("lat") is not None]
    acc = sum(1 for i in with_coords if found[i] is not None and found[i] <= ACC_KM)
    return len(tp_keys), len(fp_keys), len(found), len(places), acc, len(with_coords)


def _seed_gold(gold: dict) -> dict:
    """The seed's gold lists not-places as 'Moscou (in 'Moscou revendique')' and foreign names as '(foreign)'."""
    g = dict(gold)
    detail, elsewhere = [], []
    for s in gold.get("not_places", []):
        m = re.match(r"(.+?) \((.*)\)$", s)
        name, note = (m.group(1), m.group(2)) if m else (s, "")
        if note == "foreign":
            elsewhere.append({"surface": name, "country": None})
            continue
        ctxs = re.findall(r"'([^']+)'", note) or [None]
        detail += [{"surface": name, "context": c} for c in ctxs]
    g["not_places_detail"], g["places_elsewhere"] = detail, elsewhere
    return g


def prf(tp, fp, found, total):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = found / total if total else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str]) -> None:
    show = "--errors" in argv
    args = [a for a in argv if not a.startswith("--")]
    shared = Path(args[0]) if args else ROOT.parent / "shared"
    gaz = load_gazetteer()
    jobs = []
    for line in (shared / "devset" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        jobs.append((shared / "devset" / g["file"], g))
    seed = shared / "seeds" / "gold.jsonl"
    if seed.exists():
        g = _seed_gold(json.loads(seed.read_text(encoding="utf-8").splitlines()[0]))
        jobs.append((shared / "seeds" / g["file"], g))
    tot = [0] * 6
    chars, t0 = 0, time.perf_counter()
    print(f"{'file':48} {'P':>5} {'R':>5} {'F1':>5} {'acc@10':>6}")
    for path, g in jobs:
        texts = article_texts(path)
        chars += sum(map(len, texts))
        errors: list[str] = []
        res = score_file(texts, g["lang"], g, gaz, errors)
        tot = [a + b for a, b in zip(tot, res)]
        p, r, f = prf(*res[:4])
        acc = res[4] / res[5] if res[5] else 1.0
        print(f"{path.name[:48]:48} {p:5.2f} {r:5.2f} {f:5.2f} {acc:6.2f}")
        if show:
            print("\n".join(errors))
    p, r, f = prf(*tot[:4])
    print(f"{'OVERALL':48} {p:5.2f} {r:5.2f} {f:5.2f} {tot[4] / max(tot[5], 1):6.2f}"
          f"   (tp keys {tot[0]}, fp keys {tot[1]}, gold found {tot[2]}/{tot[3]})")
    print(f"{chars} chars in {time.perf_counter() - t0:.2f} s (gazetteer already loaded)")


if __name__ == "__main__":
    main(sys.argv[1:])
