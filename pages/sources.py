"""Sources: the articles and outlets in the database, claims per outlet, and the history of ingests."""
import pandas as pd
import streamlit as st

from liveblog import store, views
from pages import _shared

HISTORY_MAX = 500

_shared.intro("Sources", "What the map is made of: every live blog ingested, claims per outlet, and each ingest "
              "(including files rejected and why).")
view = _shared.page_view()
db = _shared.db_path()


@st.cache_resource(show_spinner=False, max_entries=2)
def _tables(db: str, version: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    return store.load_table("articles", db), store.load_table("ingest_log", db)


articles, log = _tables(str(db), _shared.db_version(db))
outlets = views.outlet_counts(articles, view.events, view.shown)
c1, c2, c3 = st.columns(3)
c1.metric("Articles", len(articles))
c2.metric("Outlets", len(outlets))
c3.metric("Claims stored", view.loaded.total_claims)

st.subheader("Per outlet")
st.caption("“claims shown” follows the sidebar filters.")
st.dataframe(outlets, hide_index=True, key="sources_outlets")

st.subheader("Articles")
cols = [c for c in ("outlet", "title", "published_at", "language", "n_updates", "n_events", "format", "file", "url",
                    "ingested_at") if c in articles]
table = articles.sort_values("published_at", ascending=False, na_position="last")[cols]
table = table.assign(url=_shared.safe_links(table["url"])) if "url" in table else table
st.dataframe(table, hide_index=True, key="sources_articles",
             column_config={"url": st.column_config.LinkColumn("url")})

st.subheader("Ingest history")
history = log.sort_values("id", ascending=False).head(HISTORY_MAX) if not log.empty else log
st.dataframe(history.drop(columns=["id"], errors="ignore"), hide_index=True, key="sources_log")
if len(log) > HISTORY_MAX:
    st.caption(f"The latest {HISTORY_MAX} of {len(log)} entries.")
