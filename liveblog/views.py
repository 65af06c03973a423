"""What the dashboard shows, as pure functions of the (filtered) events DataFrame: markers per place, the
timeline, the tables, the CSV / GeoJSON exports and their file names, per-outlet counts, the review queue.

Filtering itself lives in liveblog.filters. Everything here is vectorised: the dashboard must stay fast
with 100,000 events.

CSV exports neutralise spreadsheet formulas: a text cell starting with = + - @ (or a tab / carriage
return) gets a leading apostrophe, so a claim like "=HYPERLINK(...)" opens in Excel or LibreOffice as
text, not as a live formula (OWASP "CSV injection"). Numbers are left as they are.
"""
from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from liveblog.corroboration import group_keys
from liveblog.filters import Filters, actor_rank, place_keys
from liveblog.records import EVENT_COLUMNS

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
POPUP_MAX_CLAIMS = 5  # newest claims per popup ("and N more" below them; the table lists them all)
CLAIM_KEY = ["file", "update_index", "claim"]  # one claim; it has a row per place it names
# The columns a reader scans first; the Claims page shows the whole schema.
READER_COLUMNS = ["event_date", "actor", "claim_type", "claim", "place", "admin1", "geo_precision",
                  "geo_confidence", "actor_detail", "source", "source_url"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def actor_colour(actor: str) -> str:
    return ACTOR_COLOURS.get(actor, FALLBACK_COLOUR)


def claim_count(df: pd.DataFrame) -> int:
    """Distinct claims: a claim naming several places has one row per place."""
    if df.empty:
        return 0
    return int((~df.duplicated(CLAIM_KEY)).sum())


def _present(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and v is not pd.NA and v is not pd.NaT


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
    claims: list[dict]  # the newest (at most the cap), newest first: event_date, actor, claim_type, claim,
    #                     source, source_url
    key: str = ""  # filters.place_key: what a click on the marker filters on
    admin1: str = ""
    n_reports: int = 0  # claims as reported, before grouping (n_claims counts one claim reported by 5 outlets once)


@dataclass(frozen=True)
class EventIndex:
    """Integer codes for the rows of one events frame, made once per load (event_index): the map's markers
    and the claim counts are then numpy work on a row mask, not pandas groupbys over 100,000 rows of text."""

    order: np.ndarray  # row positions, newest first (newest_first's order)
    place: np.ndarray  # per row: place code (index into keys), -1 where the row is not mapped
    keys: np.ndarray  # place_key per place code
    group: np.ndarray  # per row: claim group code (corroboration.group_keys)
    claim: np.ndarray  # per row: distinct-claim code (CLAIM_KEY)
    outlet: np.ndarray  # per row: outlet code (the source, else the file)
    actor: np.ndarray  # per row: actor code; codes follow `actors`, in actor_rank order
    actors: tuple[str, ...]
    precision: np.ndarray  # per row: geo_precision as float, NaN when unknown

    def claim_count(self, mask: np.ndarray | None = None) -> int:
        """Distinct claims among the rows kept by mask (claim_count without pandas)."""
        codes = self.claim if mask is None else self.claim[mask]
        if not len(codes):
            return 0
        return int(np.count_nonzero(np.bincount(codes, minlength=int(self.claim.max()) + 1)))


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def event_index(df: pd.DataFrame, keys: pd.Series | None = None) -> EventIndex:
    """The EventIndex of a frame (keys: filters.place_keys of it, when already made)."""
    keys = place_keys(df) if keys is None else keys
    n = len(df)
    by = ["event_date", "published_at", "update_index"]
    order = newest_first(pd.DataFrame({c: df[c].to_numpy() for c in by})).index.to_numpy()
    place, place_names = _codes(keys.where(keys != "").reset_index(drop=True)) if n else \
        (np.zeros(0, np.int64), np.zeros(0, object))
    group, _ = _codes(group_keys(df).reset_index(drop=True)) if n else (np.zeros(0, np.int64), None)
    claim = (df.groupby(CLAIM_KEY, sort=False, dropna=False).ngroup().to_numpy().astype(np.int64) if n
             else np.zeros(0, np.int64))
    outlet_text = df["source"].where(df["source"].notna(), "file:" + df["file"].astype(str))
    outlet, _ = _codes(outlet_text.reset_index(drop=True)) if n else (np.zeros(0, np.int64), None)
    actor_text = df["actor"].fillna("").astype(str).to_numpy(dtype=object)
    actors = tuple(sorted(set(actor_text), key=lambda a: (actor_rank(a), a)))
    rank = {a: i for i, a in enumerate(actors)}
    actor = np.fromiter((rank[a] for a in actor_text), dtype=np.int64, count=n)
    precision = pd.to_numeric(df["geo_precision"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return EventIndex(order, place, place_names, group, claim, outlet, actor, actors, precision)


def markers_at(df: pd.DataFrame, index: EventIndex, mask: np.ndarray | None = None,
               max_claims: int = POPUP_MAX_CLAIMS) -> list[Marker]:
    """place_markers of the rows kept by mask, from the frame's EventIndex (same markers, same order)."""
    keep = np.ones(len(df), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    newest = index.order[keep[index.order]]
    sel = newest[index.place[newest] >= 0]  # mapped rows kept, newest first
    if not len(sel):
        return []
    n_places, n_groups = len(index.keys), int(index.group.max()) + 1
    place, group = index.place[sel], index.group[sel]
    pair = place * n_groups + group
    _, first = np.unique(pair, return_index=True)
    first.sort()
    rows, row_pair = sel[first], pair[first]  # the newest row of each claim group at each place, newest first
    row_place = index.place[rows]
    n_actors = len(index.actors)
    counts = np.bincount(row_place * n_actors + index.actor[rows], minlength=n_places * n_actors)
    counts = counts.reshape(n_places, n_actors)
    totals = counts.sum(axis=1)
    dominant = counts.argmax(axis=1)  # actors are in actor_rank order: a tie goes to the one listed first
    best = np.full(n_places, np.inf)
    np.fmin.at(best, row_place, index.precision[rows])
    # Claims as reported (before grouping) and distinct outlets per claim group at each place.
    reported = np.unique(place * (int(index.claim.max()) + 1) + index.claim[sel])
    n_reports = np.bincount(reported // (int(index.claim.max()) + 1), minlength=n_places)
    n_outlets = int(index.outlet.max()) + 1
    triples = np.unique(pair * n_outlets + index.outlet[sel])
    source_pairs, source_counts = np.unique(triples // n_outlets, return_counts=True)
    # Per place, its rows newest first: a stable sort by place keeps the newest-first order inside each place.
    by_place = np.argsort(row_place, kind="stable")
    grouped_place = row_place[by_place]
    starts = np.flatnonzero(np.r_[True, grouped_place[1:] != grouped_place[:-1]])
    rank = np.arange(len(by_place)) - np.repeat(starts, np.diff(np.r_[starts, len(by_place)]))
    shown = by_place[rank < max_claims]
    first_rows = rows[by_place[starts]]
    claims: dict[int, list[dict]] = {}
    if len(shown):
        cols = ["actor", "claim_type", "claim", "source", "source_url"]
        at = rows[shown]
        # Column by column: taking rows of the whole frame would copy its ~30 Arrow columns, for 6 used here.
        days = df["event_date"].iloc[at].array.to_pydatetime()  # datetimes: ~3x faster than boxing Timestamps
        n_src = source_counts[np.searchsorted(source_pairs, row_pair[shown])]
        for p, day, actor, ctype, claim, source, url, k in zip(row_place[shown].tolist(), days,
                                                               *(df[c].iloc[at].tolist() for c in cols),
                                                               n_src.tolist()):
            claims.setdefault(p, []).append({"event_date": day, "actor": actor, "claim_type": ctype, "claim": claim,
                                             "source": source, "source_url": url, "sources": int(k)})
    markers = []
    for p, place_name, lat, lon, admin1 in zip(grouped_place[starts].tolist(),
                                               *(df[c].iloc[first_rows].tolist()
                                                 for c in ("place", "latitude", "longitude", "admin1"))):
        prec = best[p]
        markers.append(Marker(
            place=str(place_name) if _present(place_name) else "", lat=float(lat), lon=float(lon),
            precision=int(prec) if np.isfinite(prec) else 1, n_claims=int(totals[p]),
            dominant_actor=index.actors[dominant[p]],
            actor_counts={a: int(c) for a, c in zip(index.actors, counts[p].tolist()) if c},
            claims=claims.get(p, []), key=str(index.keys[p]), admin1=str(admin1) if _present(admin1) else "",
            n_reports=int(n_reports[p]),
        ))
    # Big markers first so small ones are drawn on top and stay clickable.
    markers.sort(key=lambda m: (-m.n_claims, m.place, m.key))
    return markers


def place_points(df: pd.DataFrame, index: EventIndex) -> list[tuple[float, float, int]]:
    """(lat, lon, claims) of every mapped place of the frame, claims counted as markers_at counts them
    (claim groups): what the map's opening view needs, without building the markers."""
    rows = np.flatnonzero(index.place >= 0)
    if not len(rows):
        return []
    place = index.place[rows]
    n_groups = int(index.group.max()) + 1
    pairs = np.unique(place * n_groups + index.group[rows])
    claims = np.bincount(pairs // n_groups, minlength=len(index.keys))
    places, first = np.unique(place, return_index=True)
    lat = df["latitude"].to_numpy(dtype=float, na_value=np.nan)[rows[first]]
    lon = df["longitude"].to_numpy(dtype=float, na_value=np.nan)[rows[first]]
    return list(zip(lat.tolist(), lon.tolist(), claims[places].tolist()))


def place_markers(df: pd.DataFrame, max_claims: int = POPUP_MAX_CLAIMS,
                  keys: pd.Series | None = None) -> list[Marker]:
    """One marker per place (same name at the same point); rows without coordinates are not mapped.

    Counts are of distinct claim groups (corroboration.group_keys): the same claim reported by five outlets
    counts once, and its popup line carries `sources` = 5. Each marker carries its newest `max_claims` groups
    for the popup; n_claims counts them all, n_reports the claims before grouping. (The dashboard keeps the
    frame's EventIndex and calls markers_at with a row mask.)"""
    if df.empty:
        return []
    return markers_at(df, event_index(df, keys), None, max_claims)


def timeline_counts(df: pd.DataFrame, by: str = "actor") -> pd.DataFrame:
    """Claims per day and `by` (actor or claim_type), long form: day, <by>, claims; undated rows left out."""
    dated = df[df["event_date"].notna() & ~df.duplicated(CLAIM_KEY)]
    if dated.empty:
        return pd.DataFrame({"day": pd.Series(dtype="datetime64[ns]"), by: pd.Series(dtype=str),
                             "claims": pd.Series(dtype=int)})
    out = (dated.assign(day=dated["event_date"].dt.normalize())
           .groupby(["day", by]).size().rename("claims").reset_index())
    rank = (lambda s: s.map(actor_rank)) if by == "actor" else (lambda s: s)
    return out.sort_values(["day", by], key=lambda s: rank(s) if s.name == by else s, ignore_index=True)


def brush_range(selection, field: str = "day") -> tuple[date, date] | None:
    """The (start, end) days of an Altair interval selection as st.altair_chart returns it
    ({"selection": {name: {field: [ms, ms]}}}), or None when nothing is brushed."""
    try:
        params = dict(selection["selection"])
    except (KeyError, TypeError):
        return None
    for value in params.values():
        if not isinstance(value, dict):
            continue
        bounds = value.get(field) or next((v for v in value.values() if isinstance(v, list)), None)
        if bounds and len(bounds) == 2:
            lo, hi = sorted(pd.to_datetime(b, unit="ms") if isinstance(b, (int, float)) else pd.Timestamp(b)
                            for b in bounds)
            return lo.date(), hi.date()
    return None


# --- tables and exports -------------------------------------------------------------------------------------


def _iso_times(s: pd.Series, unit: str = "s") -> pd.Series:
    """ISO strings of a datetime column (NaN where missing): "2024-10-28" (unit "D") or "2024-10-28T13:15:52"
    (with the offset when the column has a time zone). numpy formats naive times ten times faster than strftime."""
    if getattr(s.dt, "tz", None) is not None:
        return s.dt.strftime("%Y-%m-%dT%H:%M:%S%z" if unit == "s" else "%Y-%m-%d")
    text = np.datetime_as_string(s.to_numpy(), unit=unit)
    return pd.Series(text, index=s.index, dtype="str").where(s.notna().to_numpy())


def export_table(df: pd.DataFrame, order: np.ndarray | None = None, mask: np.ndarray | None = None,
                 columns: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """The rows as exported and shown: schema columns in schema order, newest first, ISO date strings.

    With `order` (EventIndex.order of df) and `mask`, the rows are df[mask], put newest first by taking them
    in that order: the same table as export_table(df[mask]), without sorting 100,000 rows again. `columns`
    (default: the whole schema) picks the columns first, so a table showing a few copies only those."""
    columns = list(EVENT_COLUMNS if columns is None else columns)
    if order is not None:
        keep = np.ones(len(df), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        out = df.loc[:, columns].iloc[order[keep[order]]]
    else:
        out = newest_first(df).loc[:, columns].copy()
    if "event_date" in out:
        out["event_date"] = _iso_times(out["event_date"], unit="D")
    if "published_at" in out:
        out["published_at"] = _iso_times(out["published_at"])
    return out.reset_index(drop=True)


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as a formula get a leading apostrophe (see the module doc)."""
    out = table.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            s = out[c]
            risky = s.notna() & s.astype(str).str.startswith(_FORMULA_START)
            if risky.any():
                out[c] = s.where(~risky, "'" + s.astype(str))
    return out


def table_csv(table: pd.DataFrame) -> bytes:
    """An export_table as CSV bytes: UTF-8, header row, formulas neutralised."""
    return neutralise_formulas(table).to_csv(index=False).encode("utf-8")


def events_csv(df: pd.DataFrame) -> bytes:
    """CSV (UTF-8, header row, ISO dates) of exactly the rows given, in EVENT_COLUMNS order."""
    return table_csv(export_table(df))


def _json_value(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def table_geojson(table: pd.DataFrame) -> bytes:
    """An export_table as a GeoJSON FeatureCollection (RFC 7946): one Point feature per row, [lon, lat];
    a row with no place keeps its feature with a null geometry, as the spec allows.

    Text properties are HTML-escaped: GIS viewers and web maps commonly drop GeoJSON properties straight into
    popup HTML, and live-blog text is untrusted."""
    props = [c for c in table.columns if c not in ("latitude", "longitude")]
    features = []
    for rec in table.to_dict("records"):
        lat, lon = _json_value(rec["latitude"]), _json_value(rec["longitude"])
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {c: _html_safe(_json_value(rec[c])) for c in props}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def _html_safe(value):
    return html.escape(value) if isinstance(value, str) else value


def _slug(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", value).strip("-")


def export_filename(f: Filters, span: tuple[date, date] | None = None, stem: str = "claims",
                    ext: str = "csv", max_len: int = 150) -> str:
    """A file name that says the filter: claims_2024-10-01_2024-10-28_Russia_strike.csv.

    Only [0-9A-Za-z_+.-]: safe on every file system whatever the data holds."""
    lo, hi = span if span else (None, None)
    start, end = f.start or lo, f.end or hi
    parts = [stem, start.isoformat(), end.isoformat()] if start and end else [stem, "all-dates"]
    for chosen in (f.actors, f.claim_types, f.regions, f.outlets, f.languages):
        if chosen:
            parts.append("+".join(_slug(v) for v in sorted(chosen, key=lambda a: (actor_rank(a), a))))
    if f.min_confidence:
        parts.append(f"conf{f.min_confidence:g}")
    if f.contested:
        parts.append("contested")
    if f.search.strip():
        parts.append("q-" + _slug(f.search)[:30])
    if f.place:
        parts.append("at-" + _slug(f.place.split("|")[0])[:40])
    name = "_".join(p for p in parts if p)
    return name[:max_len].rstrip("_+-.") + "." + ext


# --- sources and review -------------------------------------------------------------------------------------


def outlet_counts(articles: pd.DataFrame, events: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """Per outlet: articles ingested, claims stored, claims shown by the filters, newest article."""
    arts = articles.assign(outlet=articles["outlet"].fillna("(unknown outlet)"))
    per = arts.groupby("outlet").agg(articles=("article_key", "size"), newest=("published_at", "max"))

    def claims(df):
        d = df[~df.duplicated(CLAIM_KEY)]
        return d.assign(source=d["source"].fillna("(unknown outlet)")).groupby("source").size()

    per["claims"] = claims(events).reindex(per.index).fillna(0).astype(int)
    per["claims shown"] = claims(shown).reindex(per.index).fillna(0).astype(int)
    return per.reset_index().sort_values(["claims", "outlet"], ascending=[False, True], ignore_index=True)


def review_queue(mentions: pd.DataFrame, articles: pd.DataFrame, max_confidence: float = 0.6) -> pd.DataFrame:
    """Place names to review, one row per name as written: never resolved, or resolved with confidence
    below max_confidence. Columns: surface, status, place, confidence (lowest), mentions, articles,
    candidates (ids, best first), article_key (one article it appears in), title."""
    cols = ["surface", "status", "place", "confidence", "mentions", "articles", "candidates", "article_key", "title"]
    if mentions.empty:
        return pd.DataFrame(columns=cols)
    m = mentions.copy()
    m["confidence"] = pd.to_numeric(m["confidence"], errors="coerce")
    unresolved = m["place"].isna() | (m["place"].astype(str) == "")
    low = ~unresolved & (m["confidence"].fillna(0) < max_confidence)
    m = m[unresolved | low].assign(status=np.where(unresolved[unresolved | low], "not resolved", "low confidence"))
    if m.empty:
        return pd.DataFrame(columns=cols)
    titles = articles.set_index("article_key")["title"] if "title" in articles else pd.Series(dtype=object)
    g = m.groupby(["surface", "status"], sort=False)
    out = g.agg(place=("place", "first"), confidence=("confidence", "min"), mentions=("surface", "size"),
                articles=("article_key", "nunique"), candidates=("candidates", "first"),
                article_key=("article_key", "first")).reset_index()
    out["title"] = out["article_key"].map(titles)
    out["candidates"] = out["candidates"].fillna("")
    return out.sort_values(["mentions", "surface"], ascending=[False, True], ignore_index=True)[cols]
