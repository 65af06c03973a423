"""Streamlit glue shared by every page: cached loaders, the one set of sidebar filters, the claims table.

Not a page itself (dashboard.py lists the pages). The filters are drawn by the entrypoint, before the page
runs: widgets drawn there keep their state across page switches, so every page sees the same filters.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from liveblog import mapview, store, views

VIEW_KEY = "_conflict_map_view"


def db_path() -> Path:
    return store.default_db_path()


@st.cache_resource(show_spinner=False)
def _ensure_sample(db: str) -> str | None:
    if store.count_articles(db):  # the usual case: skip importing the extraction chain
        return None
    from liveblog import pipeline  # imported lazily: the pipeline pulls in the whole extraction chain

    report = pipeline.ensure_sample_ingested(db)
    return report.summary() if report is not None else None


def ensure_sample(db: Path) -> None:
    """Fill an empty database from data/sample once per server process (a fresh clone shows something)."""
    with st.spinner("First run: reading the sample live blogs into the database…"):
        try:
            summary = _ensure_sample(str(db))
        except Exception as exc:  # the dashboard still opens on whatever the database holds
            st.error(f"Could not ingest the sample live blogs: {exc}")
            return
    if summary:
        st.toast("Sample live blogs ingested")


def db_version(db: Path) -> tuple:
    """Changes whenever the database does. WAL mode writes to the -wal file first, so look at both."""
    stamps = []
    for p in (db, db.with_name(db.name + "-wal")):
        try:
            s = os.stat(p)
            stamps.append((s.st_mtime_ns, s.st_size))
        except FileNotFoundError:
            stamps.append(None)
    return tuple(stamps)


@st.cache_data(show_spinner=False)
def _load_events(db: str, version: tuple) -> pd.DataFrame:  # version is only the cache key
    return store.load_events(db)


def load_events(db: Path) -> pd.DataFrame:
    return _load_events(str(db), db_version(db))


@st.cache_resource(show_spinner=False)
def outlines() -> dict:
    return mapview.load_outlines()


@dataclass
class View:
    """What every page renders: all events, the filters chosen, and the rows they keep."""

    events: pd.DataFrame
    options: views.FilterOptions
    filters: views.Filters
    shown: pd.DataFrame


def _date_range(options: views.FilterOptions) -> tuple:
    lo, hi = options.span
    chosen = st.session_state.get("filter_dates")
    # Reset a stale selection (the data changed under it) rather than let the widget raise.
    if not chosen or any(d < lo or d > hi for d in chosen):
        st.session_state["filter_dates"] = (lo, hi)
    picked = st.sidebar.date_input("Event dates", min_value=lo, max_value=hi, key="filter_dates",
                                   format="YYYY-MM-DD")
    picked = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
    # While the user has clicked only the first day of a new range, keep its end open.
    return (picked[0] if picked else lo), (picked[1] if len(picked) > 1 else hi)


def _choices(label: str, key: str, options: list[str], placeholder: str) -> list[str]:
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    return st.sidebar.multiselect(label, options, key=key, placeholder=placeholder)


def sidebar_filters(df: pd.DataFrame) -> View:
    """Draw the filters (date range, actors, claim types) and store the resulting View for the page."""
    options = views.filter_options(df)
    st.sidebar.header("Filters")
    start = end = None
    if options.span:
        start, end = _date_range(options)
    actors = _choices("Claimed by", "filter_actors", options.actors, "All actors")
    types = _choices("Claim type", "filter_types", options.claim_types, "All types")
    filters = views.Filters.from_selection(start, end, actors, types, options.span)
    view = View(df, options, filters, views.filter_events(df, filters))
    st.session_state[VIEW_KEY] = view
    return view


def current_view() -> View:
    return st.session_state[VIEW_KEY]


def shown_caption(view: View) -> None:
    n, total = views.claim_count(view.shown), views.claim_count(view.events)
    rows = f" ({len(view.shown)} rows: a claim naming several places has a row per place)" \
        if len(view.shown) != n else ""
    st.markdown(f"**{n} of {total} claims shown**{rows}")


def claims_table(view: View, key: str) -> None:
    """The filtered claims and a CSV download of exactly that table."""
    table = views.export_table(view.shown)
    st.dataframe(table, hide_index=True,
                 column_config={"source_url": st.column_config.LinkColumn("source_url")})
    st.download_button(
        "Download these claims (CSV)", data=views.table_csv(table),
        file_name=views.export_filename(view.filters, view.options.span), mime="text/csv",
        key=f"{key}_download", on_click="ignore", disabled=table.empty,
    )
