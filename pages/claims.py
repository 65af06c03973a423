"""Claims table: every filtered claim (one row per claim and place), downloadable as CSV in the event schema."""
import streamlit as st

from pages import _shared

view = _shared.current_view()
st.title("Claims")
_shared.shown_caption(view)
_shared.claims_table(view, key="claims")
