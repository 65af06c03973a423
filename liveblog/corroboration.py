"""Corroboration: one id for the same claim in every outlet, its `sources` count, and contested place-days.

At extraction time `group_id` hashes what a claim asserts, normalised so that wording, language and outlet drop
out: the claimant (the normalised actor, not the office that spoke: the MoD and the Kremlin claiming one capture
is one Russian claim), the claim type, the event date, and the claim's main place (its most precise one, by
gazetteer id). A claim with no place has nothing language-free to key on, so its words are keyed instead: the
same wire sentence reprinted by several outlets groups, two different sentences never do. Figures are left out
on purpose: outlets update a toll, and "2 killed" then "3 killed" at one place and day is one event.

At read time (pure functions of the events DataFrame, store.load_events):
- `group_keys`: the stored group_id, or for rows written before it existed, the claim itself (its own group);
- `sources`: distinct outlets reporting each group;
- `contested`: a place-day where one side claims and the other side denies or counter-claims. Sides: Russia
  (with Belarus and North Korea, its co-belligerents) and Ukraine. Counter-claim: both sides make a claim of
  the same event type there (territorial, strike, casualties, arrest, humanitarian); denial: either side makes a
  `denial` claim there while the other claims anything. A denial is usually dated a day after the claim it
  answers, so the other side is looked for within `window_days` (1) of the day.
"""
from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd

from liveblog.dates import fold
from liveblog.records import Claim, PlaceMention

SIDES = {"Russia": "Russia", "Belarus": "Russia", "North Korea": "Russia", "Ukraine": "Ukraine"}
EVENT_TYPES = ("territorial", "strike", "casualties", "arrest", "humanitarian")
WINDOW_DAYS = 1
_WORD = re.compile(r"\w+")


def _place_identity(p: PlaceMention) -> str:
    if p.place_id:
        return p.place_id
    return f"{p.name}|{p.lat:.2f}|{p.lon:.2f}" if p.lat is not None and p.lon is not None else str(p.name)


def main_place(claim: Claim, places: list[PlaceMention]) -> PlaceMention | None:
    """The claim's most precise place (settlement before region), the first one on a tie."""
    named = [places[i] for i in claim.places if 0 <= i < len(places)]
    return min(named, key=lambda p: p.precision if p.precision is not None else 9, default=None)


def group_id(claim: Claim, places: list[PlaceMention]) -> str:
    """16 hex digits shared by the same claim whatever the outlet, wording or language (see the module doc)."""
    place = main_place(claim, places)
    day = claim.event_date.isoformat() if claim.event_date else ""
    what = f"place:{_place_identity(place)}" if place is not None else "words:" + " ".join(
        _WORD.findall(fold(claim.sentence)))
    key = "\x1f".join((claim.actor, claim.type, day, what))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


# --- read time ------------------------------------------------------------------------------------------------


def group_keys(df: pd.DataFrame) -> pd.Series:
    """Each row's group: group_id when stored, else its own claim (file, update, sentence)."""
    own = "claim:" + df["file"].fillna("").astype(str) + "|" + df["update_index"].astype(str) + "|" + \
        df["claim"].fillna("").astype(str)
    if "group_id" not in df:
        return own
    gid = df["group_id"]
    stored = gid.notna() & (gid.astype(str) != "")
    return gid.where(stored, own)


def sources(df: pd.DataFrame, keys: pd.Series | None = None) -> pd.Series:
    """Per row: how many distinct outlets report its group (an article with no outlet counts as its own)."""
    if df.empty:
        return pd.Series(dtype="int64", index=df.index)
    keys = group_keys(df) if keys is None else keys
    outlet = df["source"].where(df["source"].notna() & (df["source"].astype(str) != ""), "file:" + df["file"].astype(str))
    per = pd.DataFrame({"g": keys.to_numpy(), "o": outlet.to_numpy()}).drop_duplicates().groupby("g").size()
    return keys.map(per).astype("int64")


def _place_key(df: pd.DataFrame) -> pd.Series:
    from liveblog.filters import place_keys  # the map's notion of one place

    return place_keys(df)


def contested(df: pd.DataFrame, place_keys: pd.Series | None = None, window_days: int = WINDOW_DAYS) -> np.ndarray:
    """Boolean per row: its place-day is contested (see the module doc). Rows with no place or date are not."""
    n = len(df)
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    keys = _place_key(df) if place_keys is None else place_keys
    side = df["actor"].map(SIDES)
    day = df["event_date"].dt.normalize()
    use = (keys != "").to_numpy() & side.notna().to_numpy() & day.notna().to_numpy()
    if not use.any():
        return out
    ctype = df["claim_type"].to_numpy()[use]
    rows = pd.DataFrame({"k": keys.to_numpy()[use], "d": day.to_numpy()[use], "s": side.to_numpy()[use],
                         "deny": ctype == "denial", **{t: ctype == t for t in EVENT_TYPES}})
    per = rows.groupby(["k", "d", "s"], sort=False).any().reset_index()
    ru, ua = per[per["s"] == "Russia"], per[per["s"] == "Ukraine"]
    if ru.empty or ua.empty:
        return out
    hits = []
    for shift in range(-window_days, window_days + 1):
        # Ukraine's place-days moved by `shift`, met with Russia's on the same place and day.
        pairs = ru.merge(ua.assign(d_ua=ua["d"], d=ua["d"] + pd.Timedelta(days=shift)), on=["k", "d"],
                         suffixes=("", "_ua"))
        if pairs.empty:
            continue
        same_kind = np.zeros(len(pairs), dtype=bool)
        for t in EVENT_TYPES:
            same_kind |= (pairs[t] & pairs[f"{t}_ua"]).to_numpy()
        pairs = pairs[same_kind | (pairs["deny"] | pairs["deny_ua"]).to_numpy()]
        hits.append(pairs[["k", "d"]])
        hits.append(pairs[["k", "d_ua"]].rename(columns={"d_ua": "d"}))
    flagged = pd.concat(hits).drop_duplicates() if hits else None
    if flagged is None or flagged.empty:
        return out
    marked = pd.MultiIndex.from_frame(flagged)
    here = pd.MultiIndex.from_arrays([keys.to_numpy()[use], day.to_numpy()[use]])
    out[np.flatnonzero(use)] = here.isin(marked)
    return out


def corroborate(df: pd.DataFrame, place_keys: pd.Series | None = None) -> pd.DataFrame:
    """The rows with `sources` and `contested` columns added (a copy)."""
    keys = group_keys(df)
    return df.assign(sources=sources(df, keys).to_numpy() if len(df) else [],
                     contested=contested(df, place_keys))
