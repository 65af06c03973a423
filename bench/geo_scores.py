"""Print place precision / recall / F1 of geo.resolve against the gold of the devset and the seed, with a
calibration table, scores per language, per gold kind and per hard case, and two baselines side by side.

Usage: .venv/bin/python bench/geo_scores.py [--errors] [SHARED_DIR]

Systems (same texts, same scorer):
- ours      geo.matcher + geo.resolve.
- pop-first the same name index (longest capitalised match), each name put at its most populous candidate:
            no context, no cues, no metonymy (what "look it up in GeoNames" gives).
- geotext   PyPI `geotext` (city names of GeoNames cities15000, no alternate names); each city it returns is
            placed at the most populous cities15000 row of that name. Bench-only dependency: skipped if absent.

Scoring (per file, then summed):
- Gold places are the `places` entries (one per distinct surface and referent). Each occurrence of an
  entry's surface in the text (inside its `context` when given) is a gold occurrence; occurrences inside
  a longer gold surface, a not-place context or a places-elsewhere context are not.
- A resolved mention that overlaps a gold occurrence is correct when its point lies within 30 km of the
  gold point (any point when the gold has none); an unresolved mention counts only for a gold entry
  without coordinates. A resolved mention on a not-place occurrence, on an out-of-scope place put in
  UA/RU, on a gold occurrence but too far, or on nothing annotated is a false positive.
- Repeats: an occurrence of an annotated surface that no gold occurrence claims (the gold gave a `context`
  to another occurrence) is judged against every gold entry of that surface: right when within 30 km of
  one of them, else a false positive. (It may be a metonymic use the gold did not list: then resolving it
  at the right place is still counted right.)
- Foreign places: a resolved mention on a `places_elsewhere` surface is right when its country is the gold
  country (or, when the gold gives none, any country outside UA/RU/BY/MD), else a false positive.
- Precision counts distinct (surface, resolved name, outcome) keys; recall counts gold entries found.
  acc@10 is the share of found entries with coordinates whose point lies within 10 km.
- Calibration counts every judged resolved mention (not keys): confidence bin → share right.
"""
from __future__ import annotations

import json
import math
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.gazetteer import load_gazetteer  # noqa: E402
from geo.resolve import geoparse_article  # noqa: E402
from liveblog.records import PlaceMention  # noqa: E402

TOL_KM, ACC_KM = 30.0, 10.0
IN_SCOPE = ("UA", "RU", "BY", "MD")
BINS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01)
# Rows of the devset README's "Hard cases → files" table that are about places.
GEO_CASES = ("spellings", "Russian forms", "Old and renamed", "Elision", "possessives", "Namesakes", "City vs",
             "Coordinated", "Plant vs", "Relative locations", "Same surface", "Looks like", "Out-of-scope",
             "Belarus place")


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


class Tally:
    """Counts for one slice (a file, a language, a gold kind, a hard case)."""

    def __init__(self):
        self.tp, self.fp, self.found, self.acc = set(), set(), set(), set()
        self.total, self.with_coords = set(), set()

    def add(self, other: "Tally", tag: str = "") -> None:
        for name in ("tp", "fp", "found", "acc", "total", "with_coords"):
            getattr(self, name).update((tag, k) for k in getattr(other, name))

    def prf(self):
        tp, fp = len(self.tp), len(self.fp)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = len(self.found) / len(self.total) if self.total else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        acc = len(self.acc) / len(self.with_coords & self.found) if self.with_coords & self.found else 1.0
        return p, r, f, acc


def entry_tags(p: dict) -> list[str]:
    """Gold-entry categories: its kind, and the hard cases its note or context tells."""
    tags = [f"kind:{p.get('kind')}"]
    note = (p.get("note") or "").lower()
    if p.get("context") or "namesake" in note:
        tags.append("entry:ambiguous (namesake / context)")
    if re.search(r"russian (form|name)|old name|formerly|renamed", note):
        tags.append("entry:Russian or old name")
    return tags


def score_file(results: list[list[PlaceMention]], texts: list[str], gold: dict, errors: list, calib: list
               ) -> tuple[Tally, dict[str, Tally]]:
    places = gold["places"]
    t = Tally()
    by_tag: dict[str, Tally] = defaultdict(Tally)
    best_d: dict[int, float | None] = {}
    by_surface = defaultdict(list)
    for p in places:
        by_surface[p["surface"]].append(p)
    foreign = {p["surface"]: p.get("country") for p in gold.get("places_elsewhere", [])}

    def judge(ok: bool, key, pm, tags=()):
        (t.tp if ok else t.fp).add(key)
        for tag in tags:
            (by_tag[tag].tp if ok else by_tag[tag].fp).add(key)
        calib.append((pm.confidence, ok))

    def foreign_ok(pm, country):
        return pm.country == country if country else pm.country not in IN_SCOPE

    for text, pms in zip(texts, results):
        occ = gold_occurrences(text, gold)
        for pm in pms:
            over = [o for o in occ if o[0] < pm.end and pm.start < o[1]]
            exact = [o for o in over if (o[0], o[1]) == (pm.start, pm.end)]
            over = exact or over
            resolved = pm.name is not None
            if not resolved:
                pass
            elif not over:
                surface = pm.surface
                if pm.kind == "relative":  # "near Lyman": judged by its anchor's gold entries
                    surface = next((s for s in by_surface if pm.surface.endswith(" " + s)), surface)
                if surface in by_surface:  # a repeat the gold did not claim
                    near = [g for g in by_surface[surface] if g.get("lat") is None
                            or (pm.lat is not None and km((pm.lat, pm.lon), (g["lat"], g["lon"])) <= TOL_KM)]
                    judge(bool(near), (pm.surface, pm.name, "repeat" if near else "repeat-far"), pm,
                          [tag for g in by_surface[surface] for tag in entry_tags(g)])
                    if not near:
                        errors.append(f"  FP repeat far    {pm.surface!r} → {pm.name} ({pm.admin1})")
                elif pm.surface in foreign:
                    ok = foreign_ok(pm, foreign[pm.surface])
                    judge(ok, (pm.surface, pm.name, "foreign"), pm, ["foreign"])
                    if not ok:
                        errors.append(f"  FP foreign       {pm.surface!r} → {pm.name} ({pm.country})")
                elif pm.kind != "country":
                    judge(False, (pm.surface, pm.name, "unannotated"), pm, [f"kind:{pm.kind}"])
                    errors.append(f"  FP unannotated   {pm.surface!r} → {pm.name} ({pm.country})")
                continue
            kinds = {o[2] for o in over}
            if "place" in kinds:
                hit = None
                for o in over:
                    if o[2] != "place":
                        continue
                    g = places[o[3]]
                    if g.get("lat") is None:
                        hit = (o[3], None)
                    elif resolved and pm.lat is not None:
                        d = km((pm.lat, pm.lon), (g["lat"], g["lon"]))
                        if d <= TOL_KM:
                            hit = (o[3], d)
                    if hit:
                        break
                if hit:
                    i, d = hit
                    if i not in best_d or (d is not None and (best_d[i] is None or d < best_d[i])):
                        best_d[i] = d
                    if resolved:
                        judge(True, (pm.surface, pm.name, i), pm, entry_tags(places[i]))
                elif resolved:
                    g = places[[o for o in over if o[2] == "place"][0][3]]
                    judge(False, (pm.surface, pm.name, "far"), pm, entry_tags(g))
                    errors.append(f"  FP wrong place   {pm.surface!r} → {pm.name} ({pm.admin1})"
                                  f" want {g['name_en']} ({g.get('admin1')})")
            elif "not" in kinds and resolved:
                ctx = gold["not_places_detail"][[o for o in over if o[2] == "not"][0][3]]["context"]
                judge(False, (pm.surface, pm.name, "not", pm.start), pm, ["not-a-place"])
                errors.append(f"  FP not-a-place   {pm.surface!r} in {ctx!r}")
            elif "elsewhere" in kinds and resolved:
                e = gold["places_elsewhere"][[o for o in over if o[2] == "elsewhere"][0][3]]
                ok = foreign_ok(pm, e.get("country"))
                judge(ok, (pm.surface, pm.name, "foreign"), pm, ["foreign"])
                if not ok:
                    errors.append(f"  FP elsewhere     {pm.surface!r} → {pm.name} ({pm.country})")
    for i, p in enumerate(places):
        tags = entry_tags(p)
        for tally in [t] + [by_tag[tag] for tag in tags]:
            tally.total.add(i)
            if p.get("lat") is not None:
                tally.with_coords.add(i)
            if i in best_d:
                tally.found.add(i)
                if best_d[i] is not None and best_d[i] <= ACC_KM:
                    tally.acc.add(i)
        if i not in best_d:
            errors.append(f"  FN missed        {p['surface']!r} ({p['name_en']}) {p.get('context', '')!r}")
    return t, by_tag


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


def hard_cases(readme: Path) -> dict[str, set[str]]:
    """Hard case → file numbers, from the devset README's table (place-related rows only)."""
    out: dict[str, set[str]] = {}
    if not readme.exists():
        return out
    rows = readme.read_text(encoding="utf-8").split("## Hard cases", 1)[-1].splitlines()
    for line in rows:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not any(k in cells[0] for k in GEO_CASES):
            continue
        name = re.sub(r"[`*]", "", cells[0])
        name = name.split(":")[0] + (":" + name.split(":")[1][:28] if ":" in name else "")
        out[name[:60]] = set(re.findall(r"\b\d\d\b", cells[1]))
    return out


# ---------------------------------------------------------------- baselines


def pop_first(texts: list[str], lang: str, gaz) -> list[list[PlaceMention]]:
    """Our name index, the most populous candidate, nothing else."""
    from geo.matcher import raw_hits

    out = []
    for text in texts:
        pms = []
        for s, e, key in raw_hits(text, gaz):
            cands = [gaz.places[i] for i in gaz.names.get(key, ()) if i in gaz.places]
            cands = [p for p in cands if p.lat is not None] or cands
            if not cands:
                continue
            p = max(cands, key=lambda c: c.population)
            pms.append(PlaceMention(text[s:e], s, e, p.name, p.admin1, p.country, p.lat, p.lon, p.geonameid,
                                    1, 1.0, p.id, p.kind))
        out.append(pms)
    return out


_GEOTEXT_POINTS: dict[str, tuple] = {}


def geotext_system():
    try:
        import geotext
    except ImportError:
        return None
    if not _GEOTEXT_POINTS:
        path = Path(geotext.__file__).parent / "data" / "cities15000.txt"
        best: dict[str, tuple] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            r = line.split("\t")
            key, pop = r[1].lower(), int(r[14] or 0)
            if key not in best or pop > best[key][0]:
                best[key] = (pop, r[1], float(r[4]), float(r[5]), r[8], int(r[0]))
        _GEOTEXT_POINTS.update(best)

    def run(texts: list[str], lang: str, gaz) -> list[list[PlaceMention]]:
        out = []
        for text in texts:
            pms, pos = [], 0
            for city in geotext.GeoText(text).cities:
                i = text.find(city, pos)
                if i < 0:
                    continue
                pos = i + len(city)
                row = _GEOTEXT_POINTS.get(city.lower())
                if row is None:
                    continue
                _, name, lat, lon, cc, gid = row
                pms.append(PlaceMention(city, i, pos, name, None, cc, lat, lon, gid, 1, 1.0, None, "settlement"))
            out.append(pms)
        return out

    return run


# ---------------------------------------------------------------- report


def _row(label: str, tallies: list[Tally]) -> str:
    cells = []
    for t in tallies:
        p, r, f, acc = t.prf()
        cells.append(f"{p:5.2f} {r:5.2f} {f:5.2f} {acc:5.2f}")
    n = len(tallies[0].total)
    return f"{label[:52]:52} {n:4} " + "  │ ".join(cells)


def _header(names: list[str]) -> str:
    return f"{'':52} {'gold':>4} " + "  │ ".join(f"{n:^23}" for n in names) + "\n" + \
        f"{'':52} {'':4} " + "  │ ".join(f"{'P':>5} {'R':>5} {'F1':>5} {'@10':>5}" for _ in names)


def calibration_table(calib: list[tuple[float, bool]]) -> str:
    lines = [f"{'confidence':>12} {'n':>5} {'right':>6}"]
    for lo, hi in zip(BINS, BINS[1:]):
        sel = [ok for c, ok in calib if lo <= c < hi]
        if sel:
            lines.append(f"{lo:5.2f}–{min(hi, 1.0):4.2f}  {len(sel):5} {sum(sel) / len(sel):6.3f}")
    hi = [ok for c, ok in calib if c >= 0.8]
    if hi:
        lines.append(f"{'≥ 0.80':>12} {len(hi):5} {sum(hi) / len(hi):6.3f}   (bar: ≥ 0.95)")
    return "\n".join(lines)


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
    cases = hard_cases(shared / "devset" / "README.md")
    systems = {"ours": geoparse_article, "pop-first": pop_first}
    gt = geotext_system()
    if gt:
        systems["geotext"] = gt
    names = list(systems)
    total = {n: Tally() for n in names}
    per_lang = {n: defaultdict(Tally) for n in names}
    per_tag = {n: defaultdict(Tally) for n in names}
    per_case = {n: defaultdict(Tally) for n in names}
    calib: dict[str, list] = {n: [] for n in names}
    chars, elapsed = 0, 0.0
    print(f"{'file (ours)':48} {'P':>5} {'R':>5} {'F1':>5} {'acc@10':>6}")
    for path, g in jobs:
        texts = article_texts(path)
        chars += sum(map(len, texts))
        num = path.name[:2]
        for n in names:
            t0 = time.perf_counter()
            results = systems[n](texts, g["lang"], gaz)
            if n == "ours":
                elapsed += time.perf_counter() - t0
            errors: list[str] = []
            t, by_tag = score_file(results, texts, g, errors, calib[n])
            total[n].add(t, path.name)
            per_lang[n][g["lang"]].add(t, path.name)
            for tag, tt in by_tag.items():
                per_tag[n][tag].add(tt, path.name)
            for case, files in cases.items():
                if num in files:
                    per_case[n][case].add(t, path.name)
            if n == "ours":
                p, r, f, acc = t.prf()
                print(f"{path.name[:48]:48} {p:5.2f} {r:5.2f} {f:5.2f} {acc:6.2f}")
                if show:
                    print("\n".join(errors))
    print()
    print(_header(names))
    print(_row("OVERALL", [total[n] for n in names]))
    for lang in sorted(per_lang["ours"]):
        print(_row(f"lang {lang}", [per_lang[n][lang] for n in names]))
    print("-- per gold entry kind / tag (precision: judged mentions of that gold kind)")
    for tag in sorted(per_tag["ours"]):
        if per_tag["ours"][tag].total:
            print(_row(tag, [per_tag[n][tag] for n in names]))
    print("-- per hard case of the devset README (files holding the case)")
    for case in cases:
        print(_row(case, [per_case[n][case] for n in names]))
    print("-- foreign places (judged mentions right / all)")
    for n in names:
        ft = per_tag[n]["foreign"]
        print(f"  {n:10} {len(ft.tp)}/{len(ft.tp) + len(ft.fp)} keys right")
    print("-- calibration (ours; every judged resolved mention)")
    print(calibration_table(calib["ours"]))
    t = total["ours"]
    print(f"ours: tp keys {len(t.tp)}, fp keys {len(t.fp)}, gold found {len(t.found)}/{len(t.total)}")
    print(f"{chars} chars in {elapsed:.2f} s for ours (gazetteer already loaded)")


if __name__ == "__main__":
    main(sys.argv[1:])
