"""Resolve each place mention of an article to one gazetteer place (or leave it unresolved).

Scoring, per candidate place c of a mention m (the highest score wins):

  prior        0.4·log10(population+1) + feature-code bonus (PPLC +1.2, PPLA +0.8, PPLA2 +0.5, PPLA3 +0.25;
               historical/abandoned places, city districts and stations −1.5) + 0.5 in UA/RU/BY/MD
               (the war's countries); kind: settlement 0, region −1.5,
               feature −1.0 (a bare name means the town: "Donetsk" is the city, "Dniepr" the river only
               when no town has that name).
  kind cue     the words around m ask for a kind ("région de X", "X region" → region; "ville de X",
               "X mayor" → settlement; "centrale de X", "X nuclear plant", "X river" → feature): matching
               kind +3, other kinds −3. A region asked for but absent from the candidates is taken as the
               region (admin1) of the best settlement. A feature asked for but absent is the nearest
               feature with an acceptable code within 80 km of the best settlement.
  country cue  "la région russe de X" → same country +1, other −3.
  region       a region named within the same sentence-sized window ("X, dans la région de Donetsk",
  context      "X in Donetsk region"): candidates in it +2; a region named elsewhere in the update +0.5.
  coherence    for each other place of the same update, exp(−d/40 km)·(its first-pass confidence) towards
               its provisional choice (first pass: prior and cues only), capped at 1.5; from the other
               updates 0.3× that, capped at 0.5. Only ambiguous mentions use it.
  relative     "X, à 8 km au nord de Y": candidates of X within 15 km of the computed point +3.
  near         "X, a village just east of Y", "X près de Y": candidates of X within 30 km of Y +2.5.
  one sense    a repeated name without a cue of its own: +1 to the choice made at its most confident
               occurrence in the article.

Confidence is 1/(1+exp(−2·(margin−0.5))) of the margin between the two best scores (a tie: 0.27; one
candidate: 0.9).
Below MIN_CONFIDENCE the mention is kept unresolved (name/lat/lon None, candidates filled) rather than
forced. Metonymic seats of power ("Moscou revendique") and countries are not returned; foreign places
keep their real country. Precision: 1 settlement/feature, 2 relative location, 3 region.
A relative location ("8 km au nord de Kourakhové") gets the anchor's point moved by geopy's geodesic
destination, kind "relative", precision 2.
"""
from __future__ import annotations

import math
import re

import numpy as np
from geopy.distance import distance as geodesic

from geo.gazetteer import Gazetteer, Place, load_gazetteer
from geo.matcher import Mention, find_mentions
from liveblog.records import PlaceMention

MIN_CONFIDENCE = 0.3
_FC_BONUS = {"PPLC": 1.2, "PPLA": 0.8, "PPLA2": 0.5, "PPLA3": 0.25, "ADM1": 0.5}
_FC_MALUS = {"PPLH", "PPLQ", "PPLW", "PPLX", "RSTN", "RSTP", "PPLCH", "HSTS"}  # ruins, districts, stations
_IN_SCOPE = {"UA", "RU", "BY", "MD"}
_KIND_PRIOR = {"settlement": 0.0, "region": -1.5, "feature": -1.0, "country": -1.0}
_PRECISION = {"settlement": 1, "feature": 1, "region": 3, "country": 3, "relative": 2}
_DIRS = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"]
_COHERENCE_KM = 40.0  # how fast the pull of a co-mentioned place fades with distance
_COHERENCE_CAP = 1.5  # at most this much from places of the same update ...
_COHERENCE_CAP_ARTICLE = 0.5  # ... and this much from the rest of the article
_NEAR_KM = 30.0
_CONTEXT_CHARS = 150  # how far a region phrase still qualifies a name ("X, dans la région de Donetsk")
_SENTENCE_END = re.compile(r"[.!?]\s|\n")


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


def _prior(p: Place) -> float:
    s = 0.4 * math.log10(p.population + 1) + _FC_BONUS.get(p.feature_code, 0.0) + _KIND_PRIOR.get(p.kind, 0.0)
    if p.feature_code in _FC_MALUS:
        s -= 1.5
    if p.country in _IN_SCOPE:
        s += 0.5
    return s


def _cue_score(p: Place, m: Mention) -> float:
    s = 0.0
    if m.kind_cue:
        s += 3.0 if p.kind == m.kind_cue else -3.0
        if m.hint == "big":  # "la ville de X", "the city of X": a town, not a village of the same name
            s += 0.4 * math.log10(p.population + 1)
        if m.kind_cue == "feature" and m.codes and p.feature_code not in m.codes:
            s -= 1.0
    if m.country_cue:
        s += 1.0 if p.country == m.country_cue else -3.0
    return s


def _expand_candidates(m: Mention, gaz: Gazetteer) -> list[Place]:
    """The mention's candidates, plus the region or feature its cue asks for when no candidate is one."""
    cands = [gaz.places[i] for i in m.candidates if i in gaz.places]
    if m.kind_cue not in ("region", "feature") or any(p.kind == m.kind_cue for p in cands):
        return cands
    regions, features = _indexes(gaz)
    settlements = sorted((p for p in cands if p.kind == "settlement"), key=_prior, reverse=True)
    if m.country_cue:
        settlements = [p for p in settlements if p.country == m.country_cue] or settlements
    if not settlements:
        return cands
    best = settlements[0]
    if m.kind_cue == "region":
        r = regions.get((best.country, best.admin1))
        return cands + [r] if r else cands
    origin = _point(best)
    if origin is None:
        return cands
    near = []
    for code in m.codes or ():
        for f in features.get(code, ()):
            d = _km(origin, (f.lat, f.lon))
            if d <= (80 if m.hint else 20):
                hinted = bool(m.hint) and m.hint in f.name.lower()
                near.append((not hinted, d, f))
    near.sort(key=lambda t: (t[0], t[1]))
    # No feature of the kind asked for: the town is not the plant, so nothing is chosen.
    return [near[0][2]] if near else []


class _Item:
    """A mention being resolved: its candidates, scores and provisional choice."""

    __slots__ = ("m", "text_index", "cands", "base", "choice", "weight", "scores")

    def __init__(self, m: Mention, text_index: int, cands: list[Place]):
        self.m, self.text_index, self.cands = m, text_index, cands
        self.base = [_prior(p) + _cue_score(p, m) for p in cands]
        self.scores = list(self.base)
        self.choice: Place | None = None
        self.weight = 0.0


def _pick(item: _Item) -> tuple[Place | None, float]:
    if not item.cands:
        return None, 0.0
    order = sorted(range(len(item.cands)), key=lambda i: item.scores[i], reverse=True)
    best = item.cands[order[0]]
    if len(order) == 1:
        return best, 0.9
    margin = item.scores[order[0]] - item.scores[order[1]]
    return best, 1.0 / (1.0 + math.exp(-2.0 * (margin - 0.5)))


def _region_context(items: list[_Item], texts: list[str]) -> None:
    """Candidates inside a region named next to the mention, or in the same update, score higher."""
    by_text: dict[int, list[_Item]] = {}
    for it in items:
        by_text.setdefault(it.text_index, []).append(it)
    for ti, group in by_text.items():
        regions = [(it.m.start, it.choice) for it in group if it.choice is not None and it.choice.kind == "region"]
        if not regions:
            continue
        text = texts[ti]
        for it in group:
            if it.m.kind_cue == "region" or len(it.cands) < 2:
                continue
            for start, region in regions:
                lo, hi = sorted((start, it.m.start))
                near = hi - lo <= _CONTEXT_CHARS and not _SENTENCE_END.search(text, lo, hi)
                bonus = 2.0 if near else 0.5
                for k, p in enumerate(it.cands):
                    if p.kind != "region" and p.country == region.country and p.admin1 == region.admin1:
                        it.scores[k] += bonus


def _coherence(items: list[_Item]) -> None:
    """Pull each ambiguous mention towards the places chosen for the others (vectorised: articles can
    name hundreds of places)."""
    anchors = [it for it in items if it.choice is not None and it.weight > 0 and it.choice.kind != "region"
               and _point(it.choice) is not None]
    targets = [it for it in items if len(it.cands) > 1]
    if not anchors or not targets:
        return
    a_lat = np.array([it.choice.lat for it in anchors])
    a_lon = np.array([it.choice.lon for it in anchors])
    a_w = np.array([it.weight for it in anchors])
    a_text = np.array([it.text_index for it in anchors])
    a_key = np.array([it.m.key for it in anchors], dtype=object)
    for it in targets:
        pts = [(k, p.lat, p.lon) for k, p in enumerate(it.cands) if p.lat is not None and p.lon is not None]
        if not pts:
            continue
        idx, lat, lon = (np.array(c) for c in zip(*pts))
        dy = (lat[:, None] - a_lat[None, :]) * 111.2
        dx = (lon[:, None] - a_lon[None, :]) * 111.32 * np.cos(np.radians((lat[:, None] + a_lat[None, :]) / 2))
        pull = np.exp(-np.hypot(dx, dy) / _COHERENCE_KM) * (a_w * (a_key != it.m.key))[None, :]
        same = a_text == it.text_index
        bonus = np.minimum(pull[:, same].sum(axis=1), _COHERENCE_CAP) + np.minimum(
            0.3 * pull[:, ~same].sum(axis=1), _COHERENCE_CAP_ARTICLE)
        for k, b in zip(idx.tolist(), bonus.tolist()):
            it.scores[k] += b


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
        for k, p in enumerate(it.cands):
            pt = _point(p)
            if pt and _km(pt, opt) <= _NEAR_KM:
                it.scores[k] += 2.5


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
            for k, p in enumerate(it.cands):
                if p is choice:
                    it.scores[k] += 1.0


def _relative_point(anchor: Place, km: float, bearing: float) -> tuple[float, float]:
    dest = geodesic(kilometers=km).destination((anchor.lat, anchor.lon), bearing)
    return dest.latitude, dest.longitude


def _relative_bonus(items: list[_Item], rel_items: list[tuple[int, Mention]], texts: list[str]) -> None:
    """'X, à 8 km au nord de Y': X's candidates near the computed point score higher."""
    for ti, rm in rel_items:
        anchor = _anchor_item(items, ti, rm)
        if anchor is None or anchor.choice is None or _point(anchor.choice) is None:
            continue
        target = _relative_point(anchor.choice, rm.relative.km, rm.relative.bearing)
        for it in items:
            if it.text_index != ti or it.m.end > rm.start or rm.start - it.m.end > 12:
                continue
            for k, p in enumerate(it.cands):
                pt = _point(p)
                if pt and _km(pt, target) <= 15:
                    it.scores[k] += 3.0


def _anchor_item(items: list[_Item], ti: int, rm: Mention) -> _Item | None:
    rel = rm.relative
    if rel.anchor_start >= 0:
        return next((it for it in items if it.text_index == ti and it.m.start == rel.anchor_start), None)
    before = [it for it in items if it.text_index == ti and it.m.end <= rm.start and it.choice is not None
              and it.choice.kind == rel.anchor_kind]
    return before[-1] if before else None


def _mention_record(it: _Item, choice: Place | None, conf: float) -> PlaceMention:
    m = it.m
    ids = [p.id for p in it.cands]
    if choice is None or conf < MIN_CONFIDENCE:
        return PlaceMention(m.surface, m.start, m.end, None, None, None, None, None, None, None, round(conf, 3),
                            candidates=ids)
    return PlaceMention(
        surface=m.surface, start=m.start, end=m.end, name=choice.name, admin1=choice.admin1 or None,
        country=choice.country or None, lat=choice.lat, lon=choice.lon, geonameid=choice.geonameid,
        precision=_PRECISION.get(choice.kind, 1), confidence=round(conf, 3), place_id=choice.id,
        kind=choice.kind, candidates=ids,
    )


def _relative_record(rm: Mention, anchor: _Item | None, conf: float) -> PlaceMention:
    if anchor is None or anchor.choice is None or _point(anchor.choice) is None or conf < MIN_CONFIDENCE:
        return PlaceMention(rm.surface, rm.start, rm.end, None, None, None, None, None, None, None, 0.0,
                            kind="relative")
    a = anchor.choice
    lat, lon = _relative_point(a, rm.relative.km, rm.relative.bearing)
    label = f"{rm.relative.km:g} km {_DIRS[round(rm.relative.bearing / 45) % 8]} of {a.name}"
    return PlaceMention(
        surface=rm.surface, start=rm.start, end=rm.end, name=label, admin1=a.admin1 or None,
        country=a.country or None, lat=round(lat, 5), lon=round(lon, 5), geonameid=None, precision=2,
        confidence=round(conf, 3), place_id=None, kind="relative", candidates=[a.id],
    )


def resolve_mentions(per_text: list[list[Mention]], texts: list[str], gaz: Gazetteer) -> list[list[PlaceMention]]:
    """Choose one place per mention, using all the article's mentions as context."""
    items: list[_Item] = []
    rel_items: list[tuple[int, Mention]] = []
    for ti, ms in enumerate(per_text):
        for m in ms:
            if m.metonymic:
                continue
            if m.relative is not None:
                rel_items.append((ti, m))
                continue
            items.append(_Item(m, ti, _expand_candidates(m, gaz)))
    # First pass: prior and cues only.
    for it in items:
        it.choice, conf = _pick(it)
        it.weight = conf if len(it.cands) == 1 or conf >= 0.5 else 0.0
    _region_context(items, texts)
    _coherence(items)
    _near(items)
    for it in items:
        it.choice, _ = _pick(it)
    _relative_bonus(items, rel_items, texts)
    _one_sense(items)
    out: list[list[PlaceMention]] = [[] for _ in per_text]
    for it in items:
        choice, conf = _pick(it)
        it.choice = choice
        if choice is not None and choice.kind == "country":
            continue  # countries are context, not places on the map
        out[it.text_index].append(_mention_record(it, choice, conf))
    for ti, rm in rel_items:
        anchor = _anchor_item(items, ti, rm)
        conf = _pick(anchor)[1] if anchor is not None else 0.0
        out[ti].append(_relative_record(rm, anchor, conf))
    for places in out:
        places.sort(key=lambda p: (p.start, -p.end))
    return out


def geoparse_article(texts: list[str], lang: str, gaz: Gazetteer | None = None) -> list[list[PlaceMention]]:
    """For each update text of one article, its places (resolved or not), sorted by start offset.

    lang is accepted for the pipeline's sake; the cue files hold both languages and are all applied.
    """
    gaz = gaz or load_gazetteer()
    per_text = [find_mentions(t, gaz) for t in texts]
    return resolve_mentions(per_text, texts, gaz)
