"""Streamlit glue shared by every page: cached loaders, the one set of sidebar filters kept in the URL, the
"n of N" line, the place chip, the claims table with its downloads.

Not a page itself (dashboard.py lists the pages). The filters are drawn by the entrypoint, before the page
runs: widgets drawn there keep their state across page switches, so every page sees the same filters. The
filters are mirrored in the URL query string (liveblog.filters.to_query / from_query): a link opens the
same view. Live-blog text is only ever shown through st.dataframe cells or escaped markdown, never as HTML.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from liveblog import filters, mapview, snapshot, store, views

VIEW_KEY = "_conflict_map_view"
ENTRY_TOKEN = "_entrypoint_ran"  # set by dashboard.py on each run, taken by the page it runs
PENDING_DATES = "_pending_dates"  # set by the timeline's brush; applied before the date widget is drawn
PLACE_KEY = "filter_place"  # set by a map click; not a widget
# The map page's tiles toggle. A widget drawn on one page only loses its state when another page runs, so its
# value is kept under a key of its own (and in the URL, tiles=osm) and given back to the toggle each time.
TILES_KEY = "_map_tiles"
TILES_WIDGET = "osm_tiles"
_LIST_WIDGETS = {"actors": "filter_actors", "claim_types": "filter_types", "regions": "filter_regions",
                 "outlets": "filter_outlets", "languages": "filter_langs"}


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


@dataclass(frozen=True)
class Loaded:
    """The events of one database state, with what every rerun would otherwise recompute."""

    events: pd.DataFrame  # read-only: shared by every session (cache_resource, no copy)
    keys: pd.Series  # filters.place_keys
    haystack: pd.Series  # filters.search_text
    options: filters.FilterOptions
    total_claims: int
    index: views.EventIndex  # row codes: markers and claim counts from a row mask
    fingerprint: str = ""  # snapshot.fingerprint of the database state


_SNAPSHOTS: dict[str, snapshot.Snapshot] = {}  # the last one read per database: reused while it is current


# cache_resource, not cache_data: cache_data would unpickle a copy of 100,000 rows on every rerun.
@st.cache_resource(show_spinner=False, max_entries=2)
def _loaded(db: str, fp: str, _snap: snapshot.Snapshot) -> Loaded:  # (db, fingerprint) is the key
    events = _snap.events
    index = views.event_index(events, _snap.keys)
    return Loaded(events, _snap.keys, _snap.haystack, filters.filter_options(events), index.claim_count(),
                  index, fp)


@st.cache_resource(show_spinner="Reading the database…", max_entries=2)
def _load(db: str, version: tuple) -> Loaded:  # version (file stamps) is only the cache key
    # The file stamps change on any write, and on checkpoints that change nothing: the snapshot module
    # compares content fingerprints, so an unchanged database is not read again (and a fresh server reads
    # the disk snapshot of this state instead of the database).
    snap = snapshot.load(db, previous=_SNAPSHOTS.get(db))
    _SNAPSHOTS[db] = snap
    return _loaded(db, snap.fingerprint, snap)


def load(db: Path) -> Loaded:
    return _load(str(db), db_version(db))


def load_events(db: Path) -> pd.DataFrame:
    return load(db).events


@st.cache_resource(show_spinner=False)
def outlines() -> dict:
    return mapview.load_outlines()


def warm_up(db: Path) -> None:
    """Before the server takes its first visitor (`python -m liveblog dashboard`): fill these caches — they
    live in the process, so the first page view finds the events, their index and the outlines ready."""
    import logging

    # Outside a script run Streamlit warns that there is no ScriptRunContext: expected here.
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        _ensure_sample(str(db))
        load(db)
        outlines()
        mapview.leaflet_assets()
    finally:
        quiet.setLevel(level)


@dataclass
class View:
    """What every page renders: all events, the filters chosen, and the rows they keep."""

    events: pd.DataFrame
    loaded: Loaded
    options: filters.FilterOptions
    filters: filters.Filters
    base_mask: np.ndarray  # every filter except the place (the map shows every place of the filtered claims)
    shown_mask: np.ndarray  # base rows at the chosen place, if one is chosen

    @property
    def shown(self) -> pd.DataFrame:
        return self.events[self.shown_mask]

    @property
    def base(self) -> pd.DataFrame:
        return self.events[self.base_mask]


# --- the sidebar ------------------------------------------------------------------------------------------


def _restore_from_url(options: filters.FilterOptions) -> None:
    """Once per session: the URL's filters become the widgets' starting values."""
    if st.session_state.get("_url_restored"):
        return
    st.session_state["_url_restored"] = True
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    f = filters.from_query(params, options)
    if options.span and (f.start or f.end):
        st.session_state["filter_dates"] = (f.start or options.span[0], f.end or options.span[1])
    for name, key in _LIST_WIDGETS.items():
        if getattr(f, name):
            st.session_state[key] = list(getattr(f, name))
    if f.min_confidence:
        st.session_state["filter_minconf"] = f.min_confidence
    if f.contested:
        st.session_state["filter_contested"] = True
    if f.search:
        st.session_state["filter_search"] = f.search
    if f.place:
        st.session_state[PLACE_KEY] = f.place
    if params.get("tiles") == ["osm"]:
        st.session_state[TILES_KEY] = True


def tiles_toggle() -> bool:
    """The map page's "online tiles" toggle, kept across page switches and in the URL."""
    def keep() -> None:
        st.session_state[TILES_KEY] = bool(st.session_state.get(TILES_WIDGET))
        sync_url(st.session_state[VIEW_KEY].filters)

    return st.sidebar.toggle("Online map tiles (OpenStreetMap)", value=bool(st.session_state.get(TILES_KEY)),
                             key=TILES_WIDGET, on_change=keep,
                             help="Off: the offline country and oblast outlines only. On: needs internet.")


def _quick_pick(pick: str, span) -> None:
    start, end = filters.quick_range(pick, span)
    st.session_state["filter_dates"] = (start or span[0], end or span[1])


def _date_range(options: filters.FilterOptions) -> tuple:
    lo, hi = options.span
    pending = st.session_state.pop(PENDING_DATES, None)
    if pending:
        st.session_state["filter_dates"] = (max(lo, pending[0]), min(hi, pending[1]))
    chosen = st.session_state.get("filter_dates")
    # Reset a stale selection (the data changed under it) rather than let the widget raise.
    if not chosen or any(d < lo or d > hi for d in chosen):
        st.session_state["filter_dates"] = (lo, hi)
    picked = st.sidebar.date_input("Event dates", min_value=lo, max_value=hi, key="filter_dates",
                                   format="YYYY-MM-DD")
    cols = st.sidebar.columns(len(filters.QUICK_PICKS), gap="small")
    for col, pick in zip(cols, filters.QUICK_PICKS):
        col.button(pick, key=f"quick_{pick}", on_click=_quick_pick, args=(pick, options.span),
                   help=f"The last {pick} of the data" if pick != "All" else "Every date",
                   use_container_width=True)
    picked = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
    # While the user has clicked only the first day of a new range, keep its end open.
    start, end = (picked[0] if picked else lo), (picked[1] if len(picked) > 1 else hi)
    # A bound equal to the data's own bound is no restriction: undated claims stay until the user narrows.
    return (None if start == lo else start), (None if end == hi else end)


def _choices(label: str, key: str, options: list[str], placeholder: str) -> tuple[str, ...]:
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    return tuple(st.sidebar.multiselect(label, options, key=key, placeholder=placeholder))


def clear_place() -> None:
    st.session_state[PLACE_KEY] = None


def sidebar_filters(loaded: Loaded) -> View:
    """Draw the filters, mirror them in the URL, and store the resulting View for the page."""
    df, options = loaded.events, loaded.options
    _restore_from_url(options)
    st.sidebar.header("Filters")
    start = end = None
    if options.span:
        start, end = _date_range(options)
    search = st.sidebar.text_input("Search claims and places", key="filter_search", max_chars=200,
                                   placeholder="e.g. Pokrovsk, drone, Koursk")
    actors = _choices("Claimed by", "filter_actors", options.actors, "All actors")
    types = _choices("Claim type", "filter_types", options.claim_types, "All types")
    regions = _choices("Oblast / region", "filter_regions", options.regions, "All regions")
    outlets = _choices("Outlet", "filter_outlets", options.outlets, "All outlets")
    langs = _choices("Language", "filter_langs", options.languages, "All languages")
    conf = st.sidebar.slider("Minimum geocoding confidence", 0.0, 1.0, step=0.05, key="filter_minconf",
                             help="Hide places the resolver was less sure of. Claims with no place stay.")
    contested = st.sidebar.toggle(
        "Contested places only", key="filter_contested",
        help="Place-days where one side claims something and the other denies or counter-claims it "
             "(within a day), across the whole database.")
    f = filters.Filters(start=start, end=end, actors=actors, claim_types=types, regions=regions, outlets=outlets,
                        languages=langs, min_confidence=float(conf), contested=bool(contested), search=search or "",
                        place=st.session_state.get(PLACE_KEY) or None)
    base_mask = filters.filter_mask(df, f.without("place"), loaded.haystack, loaded.keys)
    view = View(df, loaded, options, f, base_mask, _at_place(base_mask, loaded.keys, f.place))
    sync_url(f)
    st.session_state[VIEW_KEY] = view
    return view


def _at_place(base_mask: np.ndarray, keys: pd.Series, place: str | None) -> np.ndarray:
    if not place:
        return base_mask
    return base_mask & (keys == place).to_numpy()


def set_place(view: View, place: str | None) -> View:
    """The view with another place chosen (a map click), the URL following."""
    st.session_state[PLACE_KEY] = place
    f = filters.Filters(**{**view.filters.__dict__, "place": place})
    new = View(view.events, view.loaded, view.options, f, view.base_mask,
               _at_place(view.base_mask, view.loaded.keys, place))
    sync_url(f)
    st.session_state[VIEW_KEY] = new
    return new


def sync_url(f: filters.Filters) -> None:
    wanted = filters.to_query(f)
    if st.session_state.get(TILES_KEY):
        wanted["tiles"] = "osm"
    current = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    normal = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if current != normal:
        st.query_params.from_dict(wanted)


def page_view() -> View:
    """What a page starts with: the View dashboard.py's filters made in this run.

    A page can also run without the entrypoint: a `pages/` folder starts Streamlit in its legacy
    multipage mode until dashboard.py's st.navigation has run once, so the first session of a fresh
    server may run a page file alone (a shared link such as `/timeline?actor=Russia`, or that session's
    first page list). Streamlit's automatic page list would show then, instead of the app's: leave that
    mode as st.navigation does and rerun, so dashboard.py runs and draws the app's navigation, on this page.
    If that is not possible, the page draws the filters itself, so the view still opens, URL filters and all."""
    if not st.session_state.pop(ENTRY_TOKEN, False):
        if _leave_legacy_pages_mode():
            st.rerun()
        db = db_path()
        ensure_sample(db)
        sidebar_filters(load(db))
    return current_view()


def _leave_legacy_pages_mode() -> bool:
    """Switch off Streamlit's `pages/`-folder mode (st.navigation's first call does the same); True if it was on."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without it has no legacy mode to leave
        return False
    if not getattr(PagesManager, "uses_pages_directory", False):
        return False
    PagesManager.uses_pages_directory = False
    return True


def current_view() -> View:
    """The View of this run, with the place chosen since (a fragment rerun does not redraw the sidebar)."""
    view = st.session_state[VIEW_KEY]
    place = st.session_state.get(PLACE_KEY) or None
    return view if place == view.filters.place else set_place(view, place)


# --- shared page parts ------------------------------------------------------------------------------------


def intro(title: str, purpose: str) -> None:
    """Every page opens with its title and one line on what it is for."""
    st.title(title)
    st.caption(purpose)


def shown_caption(view: View) -> None:
    n, total = view.loaded.index.claim_count(view.shown_mask), view.loaded.total_claims
    n_rows = int(view.shown_mask.sum())
    rows = f" ({n_rows} rows: a claim naming several places has a row per place)" if n_rows != n else ""
    st.markdown(f"**{n} of {total} claims shown**{rows}")
    said = filters.describe(view.filters)
    if said:
        st.caption("Filters: " + md_escape(said))


def place_chip(view: View, key: str) -> None:
    """The place a map click chose, with a way back to every place."""
    if not view.filters.place:
        return
    name = view.filters.place.split("|")[0]
    cols = st.columns([4, 1])
    cols[0].info(f"Only claims at **{md_escape(name)}** (clicked on the map).", icon=":material/place:")
    cols[1].button("Show all places", key=f"{key}_clear_place", on_click=clear_place)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&^=\"'])")


def md_escape(text) -> str:
    """Text from a live blog made inert in st.markdown: every ASCII punctuation mark that markdown,
    Streamlit's :directives: or HTML could read is backslash-escaped (CommonMark allows that for any)."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text)).replace("\n", " ")


def safe_links(urls: pd.Series) -> pd.Series:
    """Only http(s) URLs stay (a javascript: link in the data must not become clickable)."""
    return urls.where(urls.astype("string").str.match(r"(?i)https?://").fillna(False).astype(bool), None)


@st.cache_resource(show_spinner=False, max_entries=6)
def _export(db: str, state: str, query: str, _view: View) -> pd.DataFrame:
    """export_table of the view (every schema column), once per (database state, filters): made when a
    download is clicked, reused by the next click. `state` is the fingerprint of the data the view holds
    (not the file's stamps now): a click after the database changed can never file the old rows under the
    new state."""
    return views.export_table(_view.events, order=_view.loaded.index.order, mask=_view.shown_mask)


@st.cache_resource(show_spinner=False, max_entries=6)
def _display(db: str, state: str, query: str, columns: tuple[str, ...], _view: View) -> pd.DataFrame:
    """The columns of export_table the page shows, with only safe links: copying 11 columns of the filtered
    rows instead of the schema's 30 is most of a filter change's table work."""
    table = views.export_table(_view.events, order=_view.loaded.index.order, mask=_view.shown_mask,
                               columns=columns)
    return table.assign(source_url=safe_links(table["source_url"])) if "source_url" in table else table


def view_export(view: View) -> pd.DataFrame:
    return _export(str(db_path()), view.loaded.fingerprint, repr(view.filters), view)


def view_display(view: View, columns) -> pd.DataFrame:
    return _display(str(db_path()), view.loaded.fingerprint, repr(view.filters), tuple(columns), view)


def display_table(table: pd.DataFrame, key: str) -> None:
    """A table of export_table columns in the grid (text cells, never HTML); lazy above 5,000 rows (the
    browser fetches only the rows on screen)."""
    st.dataframe(table, hide_index=True, key=f"{key}_table", lazy=len(table) > 5000,
                 column_config={"source_url": st.column_config.LinkColumn("source_url"),
                                "claim": st.column_config.TextColumn("claim", width="large"),
                                "geo_confidence": st.column_config.NumberColumn("geo_confidence", format="%.2f")})


def downloads(view: View, key: str) -> None:
    """CSV and GeoJSON of exactly the table's rows, every schema column; built when clicked (100,000 rows
    take a second to write)."""
    span = view.options.span
    empty = not view.shown_mask.any()
    cols = st.columns(2)
    cols[0].download_button(
        "Download these claims (CSV)", data=lambda: views.table_csv(view_export(view)),
        file_name=views.export_filename(view.filters, span), mime="text/csv",
        key=f"{key}_download", on_click="ignore", disabled=empty, icon=":material/download:",
        help="UTF-8, ISO dates, the event schema's columns. Cells starting with = + - @ get a leading "
             "apostrophe so a spreadsheet does not run them as formulas.")
    cols[1].download_button(
        "Download as GeoJSON", data=lambda: views.table_geojson(view_export(view)),
        file_name=views.export_filename(view.filters, span, ext="geojson"), mime="application/geo+json",
        key=f"{key}_geojson", on_click="ignore", disabled=empty, icon=":material/download:")


def claims_table(view: View, key: str, columns: list[str] = views.READER_COLUMNS) -> None:
    """The filtered claims, newest first, and the CSV / GeoJSON downloads of exactly those rows."""
    display_table(view_display(view, columns), key)
    downloads(view, key)
