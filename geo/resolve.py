"""Resolve each place mention of an article to one gazetteer place (or leave it unresolved).

Scoring, per candidate place c of a mention m (the highest score wins):

  prior        0.4·log10(population+1) + feature-code bonus (PPLC +1.2, PPLA +0.8, PPLA2 +0.5, PPLA3 +0.25;
               historical/abandoned places, city districts and stations −1.5; a city district (PPLX) another
               −1.5 unless the text says "district"/"quartier") + 0.5 in UA/RU/BY/MD (the war's countries)
               + the front-line bonus of its region (geo/cues/front_regions.tsv, ≤ 0.4); kind: settlement 0,
               region −1.5, feature −1.0 (a bare name means the town: "Donetsk" is the city).
  kind cue     the words around m ask for a kind ("région de X", "X region" → region; "ville de X",
               "X mayor" → settlement; "centrale de X", "X nuclear plant", "X river", "rive gauche du X" →
               feature): matching kind +3, other kinds −3; "région de Kiev" prefers the oblast to the city
               with region status (−1.5 to "… City"). A region asked for but absent from the candidates is the
               region (admin1) of the best settlement. A feature asked for but absent is the nearest feature of
               an acceptable code: one named with the cue's hint ("nuclear") within 80 km of any namesake town,
               else any within 20 km of the likeliest town, else nothing (the town is not the plant).
  country cue  "la région russe de X" → same country +1, other −3.
  region       a region named within the same sentence-sized window ("X, dans la région de Donetsk",
  context      "X in Donetsk region"): candidates in it +2; a region named elsewhere in the update +0.5.
  coherence    for each other place of the same update, exp(−d/40 km)·(its first-pass confidence) towards
               its provisional choice (first pass: prior and cues only), capped at 1.5; from the other
               updates 0.3× that, capped at 0.5. Only ambiguous mentions whose lead is < 2 use it.
  near         "X, a village just east of Y", "X près de Y", "the X district of Y": candidates of X within
               30 km of Y +2.5, and (tight apposition) candidates beyond 80 km −3; when no candidate is within
               80 km, a river without a point is meant if there is one, else X is a misfit (below).
  sentence     the country of the sentence's confidently placed names, when they are all in one country:
  country      +0.7 to candidates there when X has namesakes in two of the war's countries.
  abroad       a sentence naming an international venue (geo/cues/abroad_words.txt: "Security Council",
               "sommet") gives foreign candidates +1.
  same place   a candidate already chosen in the same update under another name ("Niu-York" … "New York")
               + that mention's confidence.
  relative     "X, à 8 km au nord de Y": candidates of X within 15 km of the computed point +3.
  one sense    a repeated name without a cue of its own: +1 to the choice made at its most confident
               occurrence in the same update, +0.3 when that occurrence is in another update.

Confidence is 1/(1+exp(−2·(margin−0.5))) of the margin between the two best scores (a tie: 0.27; one
candidate: 0.9). It is then capped at 0.2 for a misfit (every candidate contradicts the context: "Olgovka,
près de Soudja" when every Olgovka known is in Kherson oblast; a small place whose namesakes all lie outside
the one country its sentence is about), and multiplied by 0.3 for a name the gazetteer flags as needing
context (a surname or common word) with no support: no cue, no "near", no place preposition before it, no
confidently placed neighbour within 50 km in the update.
Below MIN_CONFIDENCE the mention is kept unresolved (name/lat/lon None, candidates filled) rather than
forced. Metonymic seats of power ("Moscou revendique"), persons' and organisations' names ("Vyacheslav
Gladkov", "the Luch design bureau", and later bare repeats of such a name unless a place preposition precedes
it or a city of 100k+ bears it) and countries are not returned; foreign places keep their real country.
Precision: 1 settlement/feature with its own point, 2 relative location, "near X", or a settlement whose point
is its hromada's/raion's centre, 3 region. A relative location ("8 km au nord de Kourakhové", "huit kilomètres
au nord de", "5 miles south of") gets the anchor's point moved by geopy's geodesic destination, kind
"relative", precision 2, the anchor's confidence — times 0.8 when the distance is vague or hedged ("une
dizaine de kilomètres", "a few km", "about 35 km": the point is a round guess, still within a few km); "near
Bakhmut", "aux portes de Kherson" get the anchor's point, precision 2, the span of the whole phrase.
"""
from __future__ import annotations

import bisect
import dataclasses
import math
import re
from functools import lru_cache

import numpy as np

from geo.gazetteer import Gazetteer, Place, load_gazetteer
from geo.matcher import CUES_DIR, Mention, find_mentions, fold_for_matching, normalise
from geo.names import fold
from liveblog.records import PlaceMention

MIN_CONFIDENCE = 0.3
_FC_BONUS = {"PPLC": 1.2, "PPLA": 0.8, "PPLA2": 0.5, "PPLA3": 0.25, "ADM1": 0.5}
_FC_MALUS = {"PPLH", "PPLQ", "PPLW", "PPLX", "RSTN", "RSTP", "PPLCH", "HSTS"}  # ruins, districts, stations
_PPLX_MALUS = 1.5  # a city district on top of that, unless the text speaks of a district
_DISTRICT = re.compile(r"(?i)district|quartier|raion|arrondissement")
_IN_SCOPE = {"UA", "RU", "BY", "MD"}
_KIND_PRIOR = {"settlement": 0.0, "region": -1.5, "feature": -1.0, "country": -1.0}
_PRECISION = {"settlement": 1, "feature": 1, "region": 3, "country": 3, "relative": 2}
_DIRS = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"]
_COHERENCE_KM = 40.0  # how fast the pull of a co-mentioned place fades with distance
_COHERENCE_CAP = 1.5  # at most this much from places of the same update ...
_COHERENCE_CAP_ARTICLE = 0.5  # ... and this much from the rest of the article
_NEAR_KM = 30.0
_CONTEXT_CHARS = 150  # how far a region phrase still qualifies a name ("X, dans la région de Donetsk")
_SENTENCE_END = re.compile(r"[\n.!?](?:(?<=\n)|\s)")  # "[.!?]\s|\n", opening on a set: a faster scan
_BIG_POPULATION = 100_000  # a name with a city this big among its candidates is not just a surname
_SAME_UPDATE_SENSE, _OTHER_UPDATE_SENSE = 1.0, 0.3  # one sense per update, weaker across the article
_SENTENCE_COUNTRY = 0.7  # candidates in the country the sentence is about
_MISFIT_KM = 80.0  # "X, north-west of Y" may be 50 km off; beyond this no X is the one meant
_MISFIT_CONFIDENCE = 0.2  # every candidate contradicts the context: kept unresolved
_APPROX_CONFIDENCE = 0.8  # "une dizaine de km au nord de X", "about 35 km east of X": the point is a guess


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance: quick and close enough at the scale of a front line."""
    lat = math.radians((a[0] + b[0]) / 2)
    dx = (a[1] - b[1]) * 111.32 * math.cos(lat)
    dy = (a[0] - b[0]) * 111.2
    return math.hypot(dx, dy)


def _point(p: Place) -> tuple[float, float] | None:
    return (p.lat, p.lon) if p.lat is not None and p.lon is not None else None


def _indexes(gaz: Gazetteer):
    """Region place by (country, admin1 name) and features by code, built once per gazetteer."""
    cached = getattr(gaz, "_resolve_indexes", None)
    if cached is not None:
        return cached
    regions: dict[tuple[str, str], Place] = {}
    features: dict[str, list[Place]] = {}
    for p in gaz.places.values():
        if p.kind == "region":
            regions.setdefault((p.country, p.admin1 or p.name), p)
            regions.setdefault((p.country, p.name), p)
        elif p.kind == "feature" and p.lat is not None:
            features.setdefault(p.feature_code, []).append(p)
    object.__setattr__(gaz, "_resolve_indexes", (regions, features))
    return regions, features


@lru_cache(maxsize=1)
def _word_list(name: str) -> frozenset[str]:
    return frozenset(fold(x) for x in (CUES_DIR / name).read_text(encoding="utf-8").splitlines()
                     if x.strip() and not x.startswith("#"))


@lru_cache(maxsize=1)
def _abroad_re() -> re.Pattern:
    words = sorted(_word_list("abroad_words.txt"), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words) + r")\b")


def _after_preposition(norm: str, start: int) -> bool:
    words = norm[max(0, start - 15) : start].split()
    return bool(words) and words[-1] in _word_list("place_prepositions.txt")


@lru_cache(maxsize=1)
def front_regions() -> dict[str, float]:
    """admin1 → prior bonus for settlements near the front (geo/cues/front_regions.tsv)."""
    out = {}
    for line in (CUES_DIR / "front_regions.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, bonus = line.split("\t")[:2]
            out[name] = float(bonus)
    return out


_PRIORS: dict[str, tuple[Place, float]] = {}  # place id → (place, prior): the same places recur


def _prior(p: Place) -> float:
    got = _PRIORS.get(p.id)
    if got is not None and got[0] is p:
        return got[1]
    s = _prior_of(p)
    _PRIORS[p.id] = (p, s)
    return s


def _prior_of(p: Place) -> float:
    s = 0.4 * math.log10(p.population + 1) + _FC_BONUS.get(p.feature_code, 0.0) + _KIND_PRIOR.get(p.kind, 0.0)
    if p.feature_code in _FC_MALUS:
        s -= 1.5
    if p.country in _IN_SCOPE:
        s += 0.5
    if p.kind == "settlement":
        s += front_regions().get(p.admin1, 0.0)
    return s


def _cue_score(p: Place, m: Mention, district: bool) -> float:
    s = 0.0
    if p.feature_code == "PPLX" and not district:
        s -= _PPLX_MALUS
    if m.kind_cue:
        s += 3.0 if p.kind == m.kind_cue else -3.0
        if m.kind_cue == "region" and p.name.endswith(" City"):  # "région de Kiev" is the oblast
            s -= 1.5
        if m.hint == "big":  # "la ville de X", "the city of X": a town, not a village of the same name
            s += 0.4 * math.log10(p.population + 1)
        if m.kind_cue == "feature" and m.codes and p.feature_code not in m.codes:
            s -= 1.0
    if m.country_cue:
        s += 1.0 if p.country == m.country_cue else -3.0
    return s


class _Candidates:
    """What resolution needs of a candidate tuple, worked out once per gazetteer: its places, their ids
    and priors, and whether a city district (PPLX) is among them."""

    __slots__ = ("ids_tuple", "places", "ids", "priors", "pplx", "located")

    def __init__(self, gaz: Gazetteer, ids: tuple[str, ...]):
        self.ids_tuple = ids  # kept so that its id() is not reused while cached
        self.places = [gaz.places[i] for i in ids if i in gaz.places]
        self.ids = [p.id for p in self.places]
        self.priors = [_prior(p) for p in self.places]
        self.pplx = any(p.feature_code == "PPLX" for p in self.places)
        self.located = _located(self.places)


def _candidates_of(gaz: Gazetteer, ids: tuple[str, ...]) -> _Candidates:
    # Keyed by the tuple's identity: a mention's candidates are the gazetteer's own tuple for its key, and
    # hashing a tuple of strings on every mention costs more than the rest of the lookup.
    cache = getattr(gaz, "_resolve_candidates", None)
    if cache is None:
        cache = {}
        object.__setattr__(gaz, "_resolve_candidates", cache)
    got = cache.get(id(ids))
    if got is None or got.ids_tuple is not ids:
        if len(cache) > 500_000:  # tuples other than the gazetteer's own: bounded all the same
            cache.clear()
        got = cache[id(ids)] = _Candidates(gaz, ids)
    return got


def _places_of(gaz: Gazetteer, ids: tuple[str, ...]) -> list[Place]:
    """The places of a candidate tuple, looked up once per gazetteer."""
    return _candidates_of(gaz, ids).places


def _expand_candidates(m: Mention, gaz: Gazetteer) -> list[Place]:
    """The mention's candidates, plus the region or feature its cue asks for when no candidate is one."""
    cands = list(_places_of(gaz, m.candidates))
    if m.kind_cue not in ("region", "feature") or any(p.kind == m.kind_cue for p in cands):
        return cands
    regions, features = _indexes(gaz)
    settlements = sorted((p for p in cands if p.kind == "settlement"),
                         key=lambda p: _prior(p) - (_PPLX_MALUS if p.feature_code == "PPLX" else 0.0), reverse=True)
    if m.country_cue:
        settlements = [p for p in settlements if p.country == m.country_cue] or settlements
    if not settlements:
        return cands
    best = settlements[0]
    if m.kind_cue == "region":
        r = regions.get((best.country, best.admin1))
        return cands + [r] if r else cands
    # A hinted feature ("nuclear") may lie some way from the town, and near any namesake (the plant is
    # what makes the name famous); any other feature must be close to the likeliest town.
    for town in settlements if m.hint else ():
        got = _nearest_feature(features, m.codes, town, 80.0, m.hint)
        if got is not None:
            return [got]
    got = _nearest_feature(features, m.codes, best, 20.0, "")
    # No feature of the kind asked for: the town is not the plant, so nothing is chosen.
    return [got] if got is not None else []


def _nearest_feature(features: dict, codes: tuple[str, ...], town: Place, km: float, hint: str) -> Place | None:
    origin = _point(town)
    if origin is None:
        return None
    near = []
    for code in codes or ():
        for f in features.get(code, ()):
            if hint and hint not in f.name.lower():
                continue
            d = _km(origin, (f.lat, f.lon))
            if d <= km:
                near.append((d, f.id, f))
    return min(near)[2] if near else None


class _Item:
    """A mention being resolved: its candidates, scores and provisional choice."""

    __slots__ = ("m", "text_index", "sentence", "cands", "scores", "choice", "weight", "misfit", "supported",
                 "known")

    def __init__(self, m: Mention, text_index: int, sentence: int, cands: list[Place], district: bool,
                 pplx: bool, known: _Candidates | None = None):
        self.m, self.text_index, self.sentence, self.cands = m, text_index, sentence, cands
        self.known = known  # set when cands are exactly the places of m.candidates
        if m.kind_cue or m.country_cue or (pplx and not district):
            self.scores = [_prior(p) + _cue_score(p, m, district) for p in cands]
        elif known is not None:  # no cue, the candidates of the name itself (most mentions)
            self.scores = list(known.priors)
        else:  # no cue: the prior alone
            self.scores = [_prior(p) for p in cands]
        self.choice: Place | None = None
        self.weight = 0.0
        self.misfit = False  # the context rules out every candidate ("Olgovka" in a sentence about Kursk)
        self.supported = bool(m.kind_cue or m.near_start is not None)  # context backs the name


def _pick(item: _Item) -> tuple[Place | None, float]:
    if not item.cands:
        return None, 0.0
    scores = item.scores
    if len(scores) == 1:
        return item.cands[0], 0.9
    ordered = sorted(scores)
    first = ordered[-1]
    # The first of equal best scores wins, as in a stable sort; a tie leaves no margin.
    return item.cands[scores.index(first)], 1.0 / (1.0 + math.exp(-2.0 * (first - ordered[-2] - 0.5)))


def _margin(item: _Item) -> float:
    """The lead of the best score over the second (0 for a tie)."""
    scores = sorted(item.scores)
    return scores[-1] - scores[-2] if len(scores) > 1 else 0.0


def _region_context(items: list[_Item], texts: list[str]) -> None:
    """Candidates inside a region named next to the mention, or in the same update, score higher."""
    regions: dict[int, list[tuple[int, Place]]] = {}  # update → (start, region) of its regions
    for it in items:
        if it.choice is not None and it.choice.kind == "region":
            regions.setdefault(it.text_index, []).append((it.m.start, it.choice))
    if not regions:
        return
    for it in items:
        here = regions.get(it.text_index)
        if here is None or it.m.kind_cue == "region" or len(it.cands) < 2:
            continue
        text = texts[it.text_index]
        for start, region in here:
            lo, hi = sorted((start, it.m.start))
            near = hi - lo <= _CONTEXT_CHARS and not _SENTENCE_END.search(text, lo, hi)
            bonus = 2.0 if near else 0.5
            for k, p in enumerate(it.cands):
                if p.kind != "region" and p.country == region.country and p.admin1 == region.admin1:
                    it.scores[k] += bonus


def _coherence(items: list[_Item]) -> None:
    """Pull each ambiguous mention towards the places chosen for the others. Anchors are deduplicated by
    (update, name, place) and candidates grouped by (update, name, candidate list) first (a name repeated
    5,000 times is one anchor of 5,000 times the weight, one group of rows), then the pull matrix is
    computed in blocks of rows: memory stays bounded on any input."""
    anchor_w: dict[tuple[int, str, str], float] = {}
    anchor_place: dict[str, Place] = {}
    for it in items:
        c = it.choice
        if it.weight > 0 and c is not None and c.kind != "region" and _point(c):
            k = (it.text_index, it.m.key, c.id)
            anchor_w[k] = anchor_w.get(k, 0.0) + it.weight
            anchor_place[c.id] = c
    # A mention whose best candidate leads by more than the largest possible pull keeps its choice: skip it.
    most = _COHERENCE_CAP + _COHERENCE_CAP_ARTICLE
    groups: dict[tuple, list[_Item]] = {}
    for it in items:
        if len(it.cands) > 1 and _margin(it) <= most:
            # (A name's own candidate list is one shared object; a cue-widened one is compared by its ids.)
            cands = it.known if it.known is not None else tuple(p.id for p in it.cands)
            groups.setdefault((it.text_index, it.m.key, cands), []).append(it)
    if not anchor_w or not groups:
        return
    key_id: dict[str, int] = {}  # names as ints: the matrix compares ints, not strings
    akeys = list(anchor_w)
    a_w = np.array([anchor_w[k] for k in akeys])
    a_text = np.array([k[0] for k in akeys])
    a_key = np.array([key_id.setdefault(k[1], len(key_id)) for k in akeys])
    # The decay with distance is computed once per pair of distinct points, then spread over the rows and
    # columns: the same towns recur as anchors, and the same candidate lists in several updates.
    a_points: dict[str, int] = {}
    a_at = np.array([a_points.setdefault(k[2], len(a_points)) for k in akeys])
    a_lat = np.array([anchor_place[i].lat for i in a_points])[None, :]
    a_lon = np.array([anchor_place[i].lon for i in a_points])[None, :]
    # One row per located candidate of a group; spans: (group, candidate indexes), in row order.
    lats: list[float] = []
    lons: list[float] = []
    first_point: dict = {}  # candidate list → where its points start in lats/lons
    r_at: list[int] = []
    r_text: list[int] = []
    r_key: list[int] = []
    spans = []
    for (ti, key, cands), group in groups.items():
        places = group[0].cands
        located = group[0].known.located if group[0].known is not None else _located(places)
        if not located:
            continue
        base = first_point.get(cands)
        if base is None:
            base = first_point[cands] = len(lats)
            lats.extend([places[k].lat for k in located])
            lons.extend([places[k].lon for k in located])
        n = len(located)
        r_at.extend(range(base, base + n))
        r_text.extend([ti] * n)
        r_key.extend([key_id.setdefault(key, len(key_id))] * n)
        spans.append((group, located))
    if not spans:
        return
    lats_a, lons_a, r_at_a = np.array(lats), np.array(lons), np.array(r_at)
    r_text_a, r_key_a = np.array(r_text)[:, None], np.array(r_key)[:, None]
    block = max(1, 2_000_000 // len(akeys))  # rows per block: about 16 MB per float matrix
    bonus: list[float] = []
    for lo in range(0, len(r_at), block):
        used, at = np.unique(r_at_a[lo : lo + block], return_inverse=True)  # the block's distinct points
        lat, lon = lats_a[used][:, None], lons_a[used][:, None]
        dy = (lat - a_lat) * 111.2
        dx = (lon - a_lon) * 111.32 * np.cos(np.radians((lat + a_lat) / 2))
        decay = np.exp(-np.hypot(dx, dy) / _COHERENCE_KM).take(at, axis=0).take(a_at, axis=1)
        pull = decay * a_w[None, :] * (r_key_a[lo : lo + block] != a_key[None, :])
        same = r_text_a[lo : lo + block] == a_text[None, :]
        bonus += (np.minimum((pull * same).sum(axis=1), _COHERENCE_CAP) + np.minimum(
            0.3 * (pull * ~same).sum(axis=1), _COHERENCE_CAP_ARTICLE)).tolist()
    pos = 0
    for group, located in spans:
        b = bonus[pos : pos + len(located)]
        pos += len(located)
        for it in group:
            scores = it.scores
            for k, v in zip(located, b):
                scores[k] += v


def _located(places: list[Place]) -> list[int]:
    """Indexes of the places that have a point."""
    return [k for k, p in enumerate(places) if p.lat is not None and p.lon is not None]


def _near(items: list[_Item]) -> None:
    """'X, a village near Y' / 'X, à l'est de Y': X's candidates close to Y's choice score higher."""
    by_start = {(it.text_index, it.m.start): it for it in items}
    for it in items:
        if it.m.near_start is None or len(it.cands) < 2:
            continue
        other = by_start.get((it.text_index, it.m.near_start))
        opt = _point(other.choice) if other is not None and other.choice is not None else None
        if opt is None:
            continue
        close = False
        for k, p in enumerate(it.cands):
            pt = _point(p)
            if pt and _km(pt, opt) <= _NEAR_KM:
                it.scores[k] += 2.5
                close = True
        # Misfit only for a tight apposition ("X, près de Y"), never for a region.
        tight = other.m.start - it.m.end <= 30 and it.m.kind_cue != "region"
        if tight and close and other.weight >= 0.8 and other.choice.kind != "region":
            for k, p in enumerate(it.cands):  # a namesake here: the famous one far away is not meant
                pt = _point(p)
                if pt and _km(pt, opt) > _MISFIT_KM:
                    it.scores[k] -= 3.0
        if tight and not close and other.weight >= 0.8 and other.choice.kind != "region" and not any(
                _point(p) and _km(_point(p), opt) <= _MISFIT_KM for p in it.cands):
            rivers = [k for k, p in enumerate(it.cands) if p.kind == "feature" and _point(p) is None]
            if rivers:  # "the Dnipro near Nova Kakhovka": the river (no point) runs there, not the city
                for k, p in enumerate(it.cands):
                    it.scores[k] += 3.0 if k in rivers else -3.0 if _point(p) else 0.0
            else:
                it.misfit = True  # "X, near Y" and no X anywhere near Y: the gazetteer lacks this X


def _one_sense(items: list[_Item]) -> None:
    """One sense per article: a name repeated without its own cue leans to the choice made where the
    article was most confident about it."""
    groups: dict[str, list[tuple[float, _Item]]] = {}
    for it in items:
        if len(it.cands) > 1:
            groups.setdefault(it.m.key, []).append((_pick(it)[1], it))
    for group in groups.values():
        if len(group) < 2:
            continue
        conf, lead = max(group, key=lambda t: t[0])
        choice = _pick(lead)[0]
        for c, it in group:
            if it is lead or it.m.kind_cue or c >= conf:
                continue
            # The same update keeps one sense; across updates a name may mean another place ("New York"
            # the Donetsk town in one post, the UN's seat in another), so the pull is weaker.
            bonus = _SAME_UPDATE_SENSE if it.text_index == lead.text_index else _OTHER_UPDATE_SENSE
            for k, p in enumerate(it.cands):
                if p is choice:
                    it.scores[k] += bonus


def _sentence_country(items: list[_Item]) -> None:
    """The country a sentence is about (its confidently placed names, and countries named in it): an
    ambiguous name leans to candidates there; a small place none of whose candidates is there, while the
    sentence speaks only of that other country, is left unresolved rather than forced."""
    by_sentence: dict[tuple[int, int], list[_Item]] = {}
    for it in items:
        by_sentence.setdefault((it.text_index, it.sentence), []).append(it)
    for group in by_sentence.values():
        if len(group) < 2:
            continue
        voters = [(o.m.key, o.choice.country, o.weight) for o in group if o.choice is not None
                  and o.weight >= 0.5 and o.choice.country in _IN_SCOPE]
        if not voters:
            continue
        for it in group:
            if len(it.cands) < 2 or it.m.kind_cue == "region":
                continue
            countries = {p.country for p in it.cands}
            if len(countries & _IN_SCOPE) < 2 and len(countries) > 1:
                continue  # a foreign city vs one namesake here: the venue may be abroad (see _abroad)
            votes: dict[str, float] = {}
            for key, country, weight in voters:
                if key != it.m.key:
                    votes[country] = votes.get(country, 0.0) + weight
            if len(votes) != 1:
                continue  # no place, or places in two countries ("from Belgorod into Kharkiv")
            (country, weight), = votes.items()
            if country not in countries:
                best = it.cands[max(range(len(it.cands)), key=it.scores.__getitem__)]
                if weight >= 0.8 and best.country in _IN_SCOPE and best.population < 50_000:
                    it.misfit = True
                continue
            if len(countries) == 1:
                continue  # every candidate in that country: nothing to choose between
            for k, p in enumerate(it.cands):
                if p.country == country:
                    it.scores[k] += _SENTENCE_COUNTRY


def _abroad(items: list[_Item], texts: list[str], norms, starts: list[list[int]]) -> None:
    """'the Security Council in New York': in a sentence set abroad, foreign candidates score higher."""
    for it in items:
        if len(it.cands) < 2 or all(p.country in _IN_SCOPE for p in it.cands):
            continue
        st = starts[it.text_index]
        lo = st[it.sentence - 1] if it.sentence else 0
        hi = st[it.sentence] if it.sentence < len(st) else len(texts[it.text_index])
        if _abroad_re().search(norms[it.text_index], lo, hi):
            for k, p in enumerate(it.cands):
                if p.country not in _IN_SCOPE:
                    it.scores[k] += 1.0


def _same_referent(items: list[_Item]) -> None:
    """A place already named in the same update under another name ('Niu-York' … 'New York') is the
    likelier sense of an ambiguous name there."""
    chosen: dict[int, dict[str, tuple[float, str]]] = {}  # update → place id → (weight, name)
    for it in items:
        if it.choice is not None and it.weight > 0:
            here = chosen.setdefault(it.text_index, {})
            got = here.get(it.choice.id)
            if got is None or got[0] < it.weight:
                here[it.choice.id] = (it.weight, it.m.key)
    for it in items:
        if len(it.cands) < 2:
            continue
        here = chosen.get(it.text_index)
        if not here:
            continue
        ids = it.known.ids if it.known is not None else [p.id for p in it.cands]
        for k, pid in enumerate(ids):
            got = here.get(pid)
            if got and got[1] != it.m.key:
                it.scores[k] += got[0]


_RELATIVE_POINTS: dict[tuple, tuple[float, float]] = {}


@lru_cache(maxsize=1)
def _geodesic():
    """One geopy geodesic (building its ellipsoid's series per call cost more than the Direct problem),
    imported on first use: importing geopy imports all its online geocoders, a tenth of a second."""
    from geopy.distance import geodesic

    return geodesic()


def _relative_point(anchor: Place, km: float, bearing: float) -> tuple[float, float]:
    key = (anchor.lat, anchor.lon, km, bearing)
    got = _RELATIVE_POINTS.get(key)
    if got is None:
        dest = _geodesic().destination((anchor.lat, anchor.lon), bearing, distance=km)
        got = _RELATIVE_POINTS[key] = (dest.latitude, dest.longitude)
    return got


def _relative_bonus(items: list[_Item], rel_items: list[tuple[int, Mention]], texts: list[str],
                    first_at: dict[tuple[int, int], _Item]) -> None:
    """'X, à 8 km au nord de Y': X's candidates near the computed point score higher."""
    by_text: dict[int, list[_Item]] | None = None
    for ti, rm in rel_items:
        if rm.relative.km == 0:  # "near X": no offset to place anything by
            continue
        anchor = _anchor_item(items, ti, rm, first_at)
        if anchor is None or anchor.choice is None or _point(anchor.choice) is None:
            continue
        target = _relative_point(anchor.choice, rm.relative.km, rm.relative.bearing)
        if by_text is None:
            by_text = {}
            for it in items:
                by_text.setdefault(it.text_index, []).append(it)
        for it in by_text.get(ti, ()):
            if it.m.end > rm.start or rm.start - it.m.end > 12:
                continue
            for k, p in enumerate(it.cands):
                pt = _point(p)
                if pt and _km(pt, target) <= 15:
                    it.scores[k] += 3.0


def _anchor_item(items: list[_Item], ti: int, rm: Mention, first_at: dict[tuple[int, int], _Item]) -> _Item | None:
    """The item a relative location is measured from; first_at: (update, start) → the first item there."""
    rel = rm.relative
    if rel.anchor_start >= 0:
        return first_at.get((ti, rel.anchor_start))
    before = [it for it in items if it.text_index == ti and it.m.end <= rm.start and it.choice is not None
              and it.choice.kind == rel.anchor_kind]
    return before[-1] if before else None


def _mention_record(it: _Item, choice: Place | None, conf: float) -> PlaceMention:
    m = it.m
    ids = list(it.known.ids) if it.known is not None else [p.id for p in it.cands]
    if choice is None or conf < MIN_CONFIDENCE:
        return PlaceMention(m.surface, m.start, m.end, None, None, None, None, None, None, None, round(conf, 3),
                            candidates=ids)
    precision = _PRECISION.get(choice.kind, 1)
    if precision == 1 and getattr(choice, "coords_from", ""):  # the point is the hromada's / raion's centre
        precision = 2
    return PlaceMention(
        surface=m.surface, start=m.start, end=m.end, name=choice.name, admin1=choice.admin1 or None,
        country=choice.country or None, lat=choice.lat, lon=choice.lon, geonameid=choice.geonameid,
        precision=precision, confidence=round(conf, 3), place_id=choice.id,
        kind=choice.kind, candidates=ids,
    )


def _relative_record(rm: Mention, anchor: _Item | None, conf: float) -> PlaceMention:
    if anchor is None or anchor.choice is None or _point(anchor.choice) is None or conf < MIN_CONFIDENCE:
        return PlaceMention(rm.surface, rm.start, rm.end, None, None, None, None, None, None, None, 0.0,
                            kind="relative")
    a = anchor.choice
    if rm.relative.km == 0:
        lat, lon, label = a.lat, a.lon, f"near {a.name}"
    else:
        lat, lon = _relative_point(a, rm.relative.km, rm.relative.bearing)
        label = f"{rm.relative.km:g} km {_DIRS[round(rm.relative.bearing / 45) % 8]} of {a.name}"
    return PlaceMention(
        surface=rm.surface, start=rm.start, end=rm.end, name=label, admin1=a.admin1 or None,
        country=a.country or None, lat=round(lat, 5), lon=round(lon, 5), geonameid=None, precision=2,
        confidence=round(conf, 3), place_id=None, kind="relative", candidates=[a.id],
    )


class _LazyNorms:
    """normalise(text) per update, computed only for the updates a rule needs it for (or given)."""

    def __init__(self, texts: list[str], given: list[str] | None = None):
        self.texts, self.done = texts, dict(enumerate(given)) if given else {}

    def __getitem__(self, i: int) -> str:
        if i not in self.done:
            self.done[i] = normalise(self.texts[i])
        return self.done[i]


def _has_neighbour(it: _Item, items: list[_Item], km: float = 50.0) -> bool:
    """Another confidently placed name of the same update lies near this mention's choice."""
    here = _point(it.choice) if it.choice is not None else None
    if here is None:
        return False
    return any(o is not it and o.text_index == it.text_index and o.m.key != it.m.key and o.weight >= 0.8
               and o.choice is not None and o.choice.kind != "region" and _point(o.choice)
               and _km(here, _point(o.choice)) <= km for o in items)


def _is_big(gaz: Gazetteer, key: str) -> bool:
    return any(p.population >= _BIG_POPULATION or p.kind != "settlement" for p in gaz.candidates(key))


def _sentence_starts(text: str) -> list[int]:
    return list(map(re.Match.end, _SENTENCE_END.finditer(text)))


def resolve_mentions(per_text: list[list[Mention]], texts: list[str], gaz: Gazetteer,
                     norms: list[str] | None = None) -> list[list[PlaceMention]]:
    """Choose one place per mention, using all the article's mentions as context. `norms`: normalise() of
    each text, when the caller has them."""
    # A name read as a person's once ("Alexei Smirnov") is a person's in the rest of the article too
    # ("Smirnov said"), unless a cue says place or the name is also a city's.
    persons = {m.key for ms in per_text for m in ms if m.person}
    persons = {k for k in persons if not _is_big(gaz, k)}
    needs_context = getattr(gaz, "needs_context", frozenset())
    items: list[_Item] = []
    rel_items: list[tuple[int, Mention]] = []
    norms = _LazyNorms(texts, norms)
    all_starts = []
    for ti, ms in enumerate(per_text):
        starts = _sentence_starts(texts[ti]) if ms else []  # (an update without a place needs none)
        all_starts.append(starts)
        for m in ms:
            if m.metonymic or m.person:
                continue
            if m.key in persons and not m.kind_cue and not _after_preposition(norms[ti], m.start):
                continue
            if m.relative is not None:
                rel_items.append((ti, m))
                continue
            known = _candidates_of(gaz, m.candidates)
            if m.kind_cue:
                cands = _expand_candidates(m, gaz)
                pplx = known.pplx or (m.kind_cue in ("region", "feature") and any(
                    p.feature_code == "PPLX" for p in cands))
                known = None  # the cue may have added a region or feature: not the tuple's own places
            else:
                cands, pplx = list(known.places), known.pplx
            district = pplx and bool(_DISTRICT.search(texts[ti], max(0, m.start - 20), m.end + 12))
            items.append(_Item(m, ti, bisect.bisect_right(starts, m.start), cands, district, pplx, known))
    anchors = {(ti, rm.relative.anchor_start) for ti, rm in rel_items}
    first_at: dict[tuple[int, int], _Item] = {}
    for it in reversed(items):  # the first item at a start wins, as a scan in order would find it
        first_at[(it.text_index, it.m.start)] = it
    for it in items:
        if (it.text_index, it.m.start) in anchors:
            it.supported = True
    # First pass: prior and cues only.
    for it in items:
        it.choice, conf = _pick(it)
        it.weight = conf if len(it.cands) == 1 or conf >= 0.5 else 0.0
    _region_context(items, texts)
    _coherence(items)
    _near(items)
    _sentence_country(items)
    _abroad(items, texts, norms, all_starts)
    for it in items:
        it.choice, conf = _pick(it)
        it.weight = conf
    _same_referent(items)
    _relative_bonus(items, rel_items, texts, first_at)
    _one_sense(items)
    out: list[list[PlaceMention]] = [[] for _ in per_text]
    for it in items:
        choice, conf = _pick(it)
        it.choice = choice
        if choice is not None and choice.kind == "country":
            continue  # countries are context, not places on the map
        if it.misfit:
            conf = min(conf, _MISFIT_CONFIDENCE)
        elif it.m.key in needs_context and not it.supported and not _has_neighbour(it, items) and \
                not _after_preposition(norms[it.text_index], it.m.start):
            conf *= 0.3  # a surname or common word that is also a village: only context makes it a place
        out[it.text_index].append(_mention_record(it, choice, conf))
    for ti, rm in rel_items:
        anchor = _anchor_item(items, ti, rm, first_at)
        if rm.relative.km == 0 and (anchor is None or anchor.choice is None
                                    or anchor.choice.kind not in ("settlement", "feature")):
            continue  # "near the Kursk region", "near Ukraine": the region or country says it all
        conf = _pick(anchor)[1] if anchor is not None else 0.0
        if rm.relative.approx:
            conf *= _APPROX_CONFIDENCE
        out[ti].append(_relative_record(rm, anchor, conf))
    for places in out:
        places.sort(key=lambda p: (p.start, -p.end))
    return out


# Between updates when an article is matched in one pass: a line break and a pilcrow, which no cue,
# apposition or sentence pattern crosses. One pass over the article instead of one per update: the
# per-call costs (folding tables, automaton walk set-up, regexes) dominate on short updates.
_JOIN = "\n\u00b6\n"


def _split_mentions(found: list[Mention], starts: list[int]) -> list[list[Mention]]:
    """Mentions of the joined article → mentions per update, offsets made relative to the update."""
    per_text: list[list[Mention]] = [[] for _ in starts]
    for m in found:
        i = bisect.bisect_right(starts, m.start) - 1
        shift = starts[i]
        if shift:
            m.start -= shift
            m.end -= shift
            m.name_start -= shift
            m.name_end -= shift
            if m.near_start is not None:
                m.near_start -= shift
            if m.relative is not None and m.relative.anchor_start >= 0:
                m.relative = dataclasses.replace(m.relative, anchor_start=m.relative.anchor_start - shift)
        per_text[i].append(m)
    return per_text


def geoparse_article(texts: list[str], lang: str, gaz: Gazetteer | None = None) -> list[list[PlaceMention]]:
    """For each update text of one article, its places (resolved or not), sorted by start offset.

    lang is accepted for the pipeline's sake; the cue files hold both languages and are all applied.
    """
    gaz = gaz or load_gazetteer()
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + len(_JOIN)
    joined = _JOIN.join(texts)
    folded, norm = fold_for_matching(joined)
    per_text = _split_mentions(find_mentions(joined, gaz, norm, folded), starts)
    norms = [norm[a : a + len(t)] for a, t in zip(starts, texts)]
    return resolve_mentions(per_text, texts, gaz, norms)
