"""What the dashboard shows, as pure functions of the events DataFrame: filtering, markers, timeline, CSV."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from liveblog.records import ACTORS, EVENT_COLUMNS

# One colour per actor, shared by the map and the timeline so a colour means the same actor everywhere.
ACTOR_COLOURS = {
    "Russia": "#d62728",
    "Ukraine": "#1f5fbf",
    "NATO": "#17becf",
    "USA": "#9467bd",
    "EU": "#e6b800",
    "UN": "#2ca02c",
    "North Korea": "#8c564b",
    "Belarus": "#e377c2",
    "Other": "#7f7f7f",
}
FALLBACK_COLOUR = "#555555"  # "reported" and anything outside ACTORS


def actor_colour(actor: str) -> str:
    return ACTOR_COLOURS.get(actor, FALLBACK_COLOUR)


def _actor_rank(actor: str) -> int:
    return ACTORS.index(actor) if actor in ACTORS else len(ACTORS)


@dataclass(frozen=True)
class Filters:
    """The sidebar's choices. None / empty means "no restriction" on that axis."""

    start: date | None = None
    end: date | None = None
    actors: tuple[str, ...] = ()
    claim_types: tuple[str, ...] = ()

    @classmethod
    def from_selection(cls, start: date | None, end: date | None, actors, claim_types,
                       span: tuple[date, date] | None) -> Filters:
        """Selected widget values → Filters; a bound equal to the data's own bound is no restriction,
        so undated claims stay visible until the user actually narrows the dates."""
        lo, hi = span if span else (None, None)
        return cls(start=None if start == lo else start, end=None if end == hi else end,
                   actors=tuple(actors), claim_types=tuple(claim_types))


@dataclass(frozen=True)
class FilterOptions:
    span: tuple[date, date] | None  # first and last event date; None when no claim is dated
    actors: list[str] = field(default_factory=list)  # in ACTORS order, then any others
    claim_types: list[str] = field(default_factory=list)


def filter_options(df: pd.DataFrame) -> FilterOptions:
    dates = df["event_date"].dropna()
    span = (dates.min().date(), dates.max().date()) if len(dates) else None
    actors = sorted(df["actor"].dropna().unique(), key=lambda a: (_actor_rank(a), a))
    types = sorted(df["claim_type"].dropna().unique())
    return FilterOptions(span, list(actors), list(types))


def filter_events(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The rows matching every filter, in the input's order."""
    keep = pd.Series(True, index=df.index)
    day = df["event_date"].dt.normalize()
    if f.start is not None:
        keep &= day >= pd.Timestamp(f.start)
    if f.end is not None:
        keep &= day <= pd.Timestamp(f.end)
    if f.actors:
        keep &= df["actor"].isin(f.actors)
    if f.claim_types:
        keep &= df["claim_type"].isin(f.claim_types)
    return df[keep.fillna(False)]


def claim_count(df: pd.DataFrame) -> int:
    """Distinct claims: a claim naming several places has one row per place."""
    if df.empty:
        return 0
    return len(df.drop_duplicates(["file", "update_index", "claim"]))


def newest_first(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["event_date", "published_at", "update_index"], ascending=False,
                          na_position="last", kind="stable")


@dataclass
class Marker:
    """One place on the map and the claims made about it."""

    place: str
    lat: float
    lon: float
    precision: int  # best (lowest) geo_precision among its rows: 1 exact, 2 relative, 3 region
    n_claims: int
    dominant_actor: str
    actor_counts: dict[str, int]
    claims: list[dict]  # newest first: event_date, actor, claim_type, claim, source, source_url


def place_markers(df: pd.DataFrame) -> list[Marker]:
    """One marker per place (same name at the same point); rows without coordinates are not mapped."""
    located = df.dropna(subset=["latitude", "longitude"])
    markers = []
    for (place, lat, lon), rows in located.groupby(["place", "latitude", "longitude"], sort=False, dropna=False):
        counts = rows["actor"].value_counts()
        # Ties go to the actor listed first in ACTORS, so the colour does not depend on row order.
        dominant = min(counts.index, key=lambda a: (-counts[a], _actor_rank(a), a))
        precision = rows["geo_precision"].dropna()
        claims = [
            {"event_date": r.event_date, "actor": r.actor, "claim_type": r.claim_type, "claim": r.claim,
             "source": r.source, "source_url": r.source_url}
            for r in newest_first(rows).itertuples(index=False)
        ]
        markers.append(Marker(
            place=str(place) if pd.notna(place) else "", lat=float(lat), lon=float(lon),
            precision=int(precision.min()) if len(precision) else 1, n_claims=len(rows),
            dominant_actor=dominant, actor_counts={a: int(counts[a]) for a in counts.index}, claims=claims,
        ))
    # Big markers first so small ones are drawn on top and stay clickable.
    markers.sort(key=lambda m: (-m.n_claims, m.place))
    return markers


def timeline_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Claims per day and actor (long form: day, actor, claims), days in order; undated rows left out."""
    dated = df.dropna(subset=["event_date"]).drop_duplicates(["file", "update_index", "claim"])
    if dated.empty:
        return pd.DataFrame({"day": pd.Series(dtype="datetime64[ns]"), "actor": pd.Series(dtype=str),
                             "claims": pd.Series(dtype=int)})
    out = (dated.assign(day=dated["event_date"].dt.normalize())
           .groupby(["day", "actor"]).size().rename("claims").reset_index())
    return out.sort_values(["day", "actor"], key=lambda s: s.map(_actor_rank) if s.name == "actor" else s,
                           ignore_index=True)


def export_table(df: pd.DataFrame) -> pd.DataFrame:
    """The rows as exported and shown: schema columns in schema order, newest first, ISO date strings."""
    out = newest_first(df).loc[:, list(EVENT_COLUMNS)].copy()
    out["event_date"] = out["event_date"].dt.strftime("%Y-%m-%d")
    out["published_at"] = out["published_at"].map(lambda t: t.isoformat() if pd.notna(t) else None)
    return out.reset_index(drop=True)


def table_csv(table: pd.DataFrame) -> bytes:
    """An export_table as CSV bytes: UTF-8, header row."""
    return table.to_csv(index=False).encode("utf-8")


def events_csv(df: pd.DataFrame) -> bytes:
    """CSV (UTF-8, header row, ISO dates) of exactly the rows given, in EVENT_COLUMNS order."""
    return table_csv(export_table(df))


def _slug(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", value).strip("-")


def export_filename(f: Filters, span: tuple[date, date] | None = None, stem: str = "claims") -> str:
    """A file name that says the filter: claims_2024-10-01_2024-10-28_Russia_strike.csv."""
    lo, hi = span if span else (None, None)
    start, end = f.start or lo, f.end or hi
    parts = [stem, start.isoformat(), end.isoformat()] if start and end else [stem, "all-dates"]
    for chosen in (f.actors, f.claim_types):
        if chosen:
            parts.append("+".join(_slug(v) for v in sorted(chosen, key=lambda a: (_actor_rank(a), a))))
    return "_".join(parts) + ".csv"
