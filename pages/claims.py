"""Claims: every filtered claim (one row per claim and place) in the event schema, with CSV and GeoJSON export."""
import streamlit as st

from liveblog.records import EVENT_COLUMNS
from pages import _shared

_shared.intro("Claims", "The filtered claims in the event schema, newest first, ready to export (CSV or GeoJSON; "
              "the file name says the filter).")
view = _shared.page_view()
_shared.place_chip(view, key="claims")
_shared.shown_caption(view)
_shared.claims_table(view, key="claims", columns=list(EVENT_COLUMNS))
st.caption("CSV: UTF-8, ISO dates, the README's column order. Text cells starting with = + - @ get a leading "
           "apostrophe, so a spreadsheet shows them instead of running them as formulas.")
