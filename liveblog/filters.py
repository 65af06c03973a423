"""The dashboard's filters as data: what they keep, their choices, quick date picks, and the URL form.

Pure functions of the events DataFrame (store.load_events), so every page and the tests share one meaning.

"Contested" (issue #5, replacing "both Russia and Ukraine claim something at the place under the other
filters"): a place-day pair is contested when one side claims something there and the other side denies it or
counter-claims (a claim of the same event type), within a day; see liveblog.corroboration.contested. It is a
property of the claims across the whole database, not of the filters: "contested only" keeps the rows at
contested place-days, then every other filter applies as usual, so "contested only" + "Russia" reads "what
Russia claims where Ukraine denies or counter-claims".
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from liveblog.corroboration import contested as contested_rows
from liveblog.records import ACTORS

# Quick picks: spans ending on the newest event date in the data (live blogs are read after the fact, so
# "the last 7 days" of an archive means its last 7 days, not the 7 days before today).
QUICK_PICKS = {"24h": 1, "7d": 7, "30d": 30, "All": None}
_LIST_FIELDS = {"actors": "actor", "claim_types": "type", "regions": "region", "outlets": "outlet",
                "languages": "lang"}  # Filters field → query-string key


def actor_rank(actor: str) -> int:
    return ACTORS.index(actor) if actor in ACTORS else len(ACTORS)


@dataclass(frozen=True)
class Filters:
    """Every filter the sidebar offers. None / empty / 0 / False means "no restriction" on that axis."""

    start: date | None = None
    end: date | None = None
    actors: tuple[str, ...] = ()
    claim_types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # admin1 (oblast / region)
    outlets: tuple[str, ...] = ()  # source
    languages: tuple[str, ...] = ()
    min_confidence: float = 0.0  # rows with a place below this go; rows without a place stay
    contested: bool = False
    search: str = ""  # case-insensitive substring of the claim, headline, place or place as written
    place: str | None = None  # one place (map click): "name|lat|lon", see place_key

    def without(self, *names: str) -> Filters:
        """The same filters with some axes reset to "no restriction"."""
        return replace(self, **{n: Filters.__dataclass_fields__[n].default for n in names})

    @property
    def is_default(self) -> bool:
        return self == Filters()


@dataclass(frozen=True)
class FilterOptions:
    """The choices the data offers (widgets list these; stale URL values outside them are dropped)."""

    span: tuple[date, date] | None  # first and last event date; None when no claim is dated
    actors: list[str] = field(default_factory=list)  # in ACTORS order, then any others
    claim_types: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def _sorted_values(series: pd.Series) -> list[str]:
    return sorted(str(v) for v in series.dropna().unique() if str(v))


def filter_options(df: pd.DataFrame) -> FilterOptions:
    dates = df["event_date"].dropna()
    span = (dates.min().date(), dates.max().date()) if len(dates) else None
    actors = sorted(df["actor"].dropna().unique(), key=lambda a: (actor_rank(a), a))
    return FilterOptions(span, list(actors), _sorted_values(df["claim_type"]), _sorted_values(df["admin1"]),
                         _sorted_values(df["source"]), _sorted_values(df["language"]))


def quick_range(pick: str, span: tuple[date, date] | None) -> tuple[date | None, date | None]:
    """(start, end) of a quick pick; (None, None) for "All" or when nothing is dated."""
    days = QUICK_PICKS[pick]
    if days is None or span is None:
        return None, None
    lo, hi = span
    return max(lo, hi - timedelta(days=days - 1)), hi


def place_key(place, lat, lon) -> str:
    """One place on the map: the name and its point (two villages may share a name)."""
    return f"{place}|{float(lat):.5f}|{float(lon):.5f}"


def place_keys(df: pd.DataFrame) -> pd.Series:
    """place_key of every row ('' for rows with no coordinates), vectorised."""
    located = df["latitude"].notna() & df["longitude"].notna()
    out = pd.Series("", index=df.index, dtype=object)
    if located.any():
        sub = df.loc[located]
        out.loc[located] = (sub["place"].fillna("").astype(str) + "|" + sub["latitude"].map("{:.5f}".format)
                            + "|" + sub["longitude"].map("{:.5f}".format))
    return out


def search_text(df: pd.DataFrame) -> pd.Series:
    """The lower-cased text the free-text search looks in (compute once per load, pass to filter_events)."""
    parts = [df[c].fillna("").astype(str) for c in ("claim", "headline", "place", "place_surface", "actor_detail")]
    return parts[0].str.cat(parts[1:], sep="\n").str.lower()


_CONTESTED_CACHE: dict[int, tuple[weakref.ref, np.ndarray]] = {}


def contested_mask(df: pd.DataFrame, keys: pd.Series | None = None) -> np.ndarray:
    """corroboration.contested for the whole frame, computed once per loaded frame (pages pass the same one)."""
    hit = _CONTESTED_CACHE.get(id(df))
    if hit is not None and hit[0]() is df and len(hit[1]) == len(df):
        return hit[1]
    mask = contested_rows(df, keys)
    _CONTESTED_CACHE.clear()  # one frame at a time: the dashboard holds one database snapshot
    _CONTESTED_CACHE[id(df)] = (weakref.ref(df), mask)
    return mask


def filter_mask(df: pd.DataFrame, f: Filters, haystack: pd.Series | None = None,
                keys: pd.Series | None = None) -> np.ndarray:
    """Boolean mask of the rows matching every filter. haystack (search_text) and keys (place_keys) may be
    passed precomputed: with 100,000 rows they are what costs."""
    keep = np.ones(len(df), dtype=bool)
    if f.start is not None or f.end is not None:
        day = df["event_date"].dt.normalize()
        if f.start is not None:
            keep &= (day >= pd.Timestamp(f.start)).to_numpy(dtype=bool, na_value=False)
        if f.end is not None:
            keep &= (day <= pd.Timestamp(f.end)).to_numpy(dtype=bool, na_value=False)
    for name, column in (("claim_types", "claim_type"), ("regions", "admin1"), ("outlets", "source"),
                         ("languages", "language")):
        chosen = getattr(f, name)
        if chosen:
            keep &= df[column].isin(chosen).to_numpy()
    if f.min_confidence > 0:
        conf = df["geo_confidence"]
        keep &= (conf.isna() | (conf >= f.min_confidence)).to_numpy(dtype=bool)
    if f.search.strip():
        hay = haystack if haystack is not None else search_text(df)
        keep &= hay.str.contains(f.search.strip().lower(), regex=False).to_numpy(dtype=bool, na_value=False)
    if f.contested or f.place:
        keys = keys if keys is not None else place_keys(df)
        if f.place:
            keep &= (keys == f.place).to_numpy()
        if f.contested:
            keep &= contested_mask(df, keys)
    if f.actors:
        keep &= df["actor"].isin(f.actors).to_numpy()
    return keep


def filter_events(df: pd.DataFrame, f: Filters, haystack: pd.Series | None = None,
                  keys: pd.Series | None = None) -> pd.DataFrame:
    """The rows matching every filter, in the input's order."""
    return df[filter_mask(df, f, haystack, keys)]


# --- the URL query string -----------------------------------------------------------------------------------

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def to_query(f: Filters) -> dict[str, str | list[str]]:
    """The filters as query-string parameters; only the axes that restrict anything appear."""
    q: dict[str, str | list[str]] = {}
    if f.start:
        q["from"] = f.start.isoformat()
    if f.end:
        q["to"] = f.end.isoformat()
    for name, key in _LIST_FIELDS.items():
        if getattr(f, name):
            q[key] = list(getattr(f, name))
    if f.min_confidence > 0:
        q["minconf"] = f"{f.min_confidence:g}"
    if f.contested:
        q["contested"] = "1"
    if f.search.strip():
        q["q"] = f.search.strip()
    if f.place:
        q["place"] = f.place
    return q


def _day(value: str | None) -> date | None:
    if value and _ISO_DAY.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def from_query(params: dict[str, list[str]], options: FilterOptions | None = None) -> Filters:
    """Filters from query-string parameters (each key → its list of values, as st.query_params.get_all
    gives them). Unknown keys, malformed values and choices the data does not offer are ignored, so an old
    or hand-edited link opens the nearest view that exists instead of failing."""
    def one(key: str) -> str | None:
        values = params.get(key) or []
        return values[-1] if values else None

    lists = {}
    for name, key in _LIST_FIELDS.items():
        values = [v for v in params.get(key) or [] if v]
        if options is not None:
            allowed = set(getattr(options, name))
            values = [v for v in values if v in allowed]
        lists[name] = tuple(dict.fromkeys(values))
    start, end = _day(one("from")), _day(one("to"))
    if options is not None and options.span:
        lo, hi = options.span
        start = min(max(start, lo), hi) if start else None
        end = max(min(end, hi), lo) if end else None
    if start and end and start > end:
        start, end = end, start
    try:
        conf = min(max(float(one("minconf") or 0), 0.0), 1.0)
    except ValueError:
        conf = 0.0
    return Filters(start=start, end=end, min_confidence=conf, contested=one("contested") in ("1", "true"),
                   search=(one("q") or "")[:200], place=one("place") or None, **lists)


def describe(f: Filters) -> str:
    """One line naming the restrictions in force ("" when none), for captions."""
    bits = []
    if f.start or f.end:
        bits.append(f"{f.start or '…'} to {f.end or '…'}")
    for name in _LIST_FIELDS:
        if getattr(f, name):
            bits.append(", ".join(getattr(f, name)))
    if f.min_confidence:
        bits.append(f"geocoding confidence ≥ {f.min_confidence:g}")
    if f.contested:
        bits.append("contested place-days only")
    if f.search.strip():
        bits.append(f"“{f.search.strip()}”")
    if f.place:
        bits.append(f"at {f.place.split('|')[0]}")
    return "; ".join(bits)


FILTER_FIELDS = tuple(fl.name for fl in fields(Filters))
