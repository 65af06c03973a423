"""conflict-map dashboard: `streamlit run dashboard.py`. Wires the pages and the shared filters, nothing more."""
import streamlit as st

from pages import _shared

st.set_page_config(page_title="conflict-map: who claims what, where", page_icon="🗺️", layout="wide")

db = _shared.db_path()
_shared.ensure_sample(db)
loaded = _shared.load(db)

page = st.navigation([
    st.Page("pages/map.py", title="Map", icon=":material/map:", default=True),
    st.Page("pages/timeline.py", title="Timeline", icon=":material/bar_chart:"),
    st.Page("pages/claims.py", title="Claims", icon=":material/table:"),
    st.Page("pages/sources.py", title="Sources", icon=":material/newspaper:"),
    st.Page("pages/review.py", title="Review", icon=":material/rule:"),
    st.Page("pages/ingest.py", title="Ingest", icon=":material/upload_file:"),
])
# Drawn here, not in the pages, so the filters keep their values when the user switches pages.
_shared.sidebar_filters(loaded)
st.session_state[_shared.ENTRY_TOKEN] = True
st.sidebar.caption(f"Database: `{db}`")
page.run()
