"""Review: place names the geocoder did not resolve, or resolved with low confidence, and a way to fix them.

A fix is stored as a correction (liveblog.store): keyed by the name as written, not by row, so it survives
re-ingesting the file and restarting; it shows on the map at once.
"""
import pandas as pd
import streamlit as st

from geo.names import fold
from liveblog import store, views
from pages import _shared

NOT_A_PLACE = "— not a place —"

_shared.intro("Review place names", "Names the geocoder could not place, or placed with low confidence: tell it "
              "what they are, once, for every live blog.")
_shared.page_view()  # the shared filters, in the sidebar of every page
db = _shared.db_path()


@st.cache_resource(show_spinner="Loading the gazetteer…")
def _gazetteer():
    from geo.gazetteer import load_gazetteer  # ~0.5 s: only this page needs it

    return load_gazetteer()


@st.cache_resource(show_spinner=False, max_entries=2)
def _queue_inputs(db: str, version: tuple):
    return store.load_table("mentions", db), store.load_table("articles", db)


def _candidates(surface: str, ids: str, extra: str):
    """Places offered for a name: the resolver's candidates, then the gazetteer's entries for the name
    and for what the reviewer typed."""
    gaz = _gazetteer()
    seen, out = set(), []
    for pid in [i for i in (ids or "").split("|") if i]:
        if pid in gaz.places and pid not in seen:
            seen.add(pid)
            out.append(gaz.places[pid])
    for key in (fold(surface), fold(extra) if extra else ""):
        for p in gaz.candidates(key) if key else []:
            if p.id not in seen and p.lat is not None:
                seen.add(p.id)
                out.append(p)
    return [p for p in out if p.lat is not None][:30]


def _label(p) -> str:
    where = ", ".join(x for x in (p.admin1, p.country) if x)
    return f"{p.name} ({where}; {p.kind}, pop. {p.population:,})"


threshold = st.slider("Show resolutions with confidence below", 0.0, 1.0, 0.6, 0.05, key="review_threshold")
mentions, articles = _queue_inputs(str(db), _shared.db_version(db))
queue = views.review_queue(mentions, articles, threshold)
corrections = store.load_corrections(db)
fixed = {c.surface for c in corrections}
pending = queue[~queue["surface"].map(fold).isin(fixed)] if not queue.empty else queue
st.markdown(f"**{len(pending)} names to review** ({len(queue) - len(pending)} already corrected)")
st.dataframe(pending, hide_index=True, key="review_queue",
             column_config={"confidence": st.column_config.NumberColumn(format="%.2f")})

if not pending.empty:
    st.subheader("Fix a name")
    surface = st.selectbox("Name as written", pending["surface"].tolist(), key="review_surface")
    row = pending[pending["surface"] == surface].iloc[0]
    extra = st.text_input("Search the gazetteer for another name", key="review_search",
                          help="e.g. the official spelling, if the text uses a nickname")
    places = _candidates(surface, row["candidates"], extra)
    choice = st.selectbox("It is", [NOT_A_PLACE] + [p.id for p in places], key="review_choice",
                          format_func=lambda pid: pid if pid == NOT_A_PLACE else
                          _label(next(p for p in places if p.id == pid)))
    title = row["title"] if isinstance(row["title"], str) and row["title"] else row["article_key"]
    scope = st.radio("Apply to", ["every live blog", "this live blog only"], key="review_scope", horizontal=True,
                     help=f"“This live blog”: {title}")
    if st.button("Save the fix", type="primary", key="review_save"):
        place = next((p for p in places if p.id == choice), None)
        correction = store.Correction(
            surface=surface, place=place.name if place else None, place_id=place.id if place else None,
            admin1=place.admin1 if place else None, country=place.country if place else None,
            latitude=place.lat if place else None, longitude=place.lon if place else None,
            geo_precision=place.precision if place else None,
            article_key="*" if scope == "every live blog" else row["article_key"], note="dashboard review")
        store.add_correction(db, correction)
        st.toast(f"Saved: “{surface}” is {place.name if place else 'not a place'}.")
        st.rerun()

st.subheader("Fixes saved")
if not corrections:
    st.caption("None yet.")
else:
    table = pd.DataFrame([{"name (folded)": c.surface, "is": c.place or NOT_A_PLACE, "admin1": c.admin1,
                           "country": c.country, "applies to": c.article_key, "context": c.context}
                          for c in corrections])
    st.dataframe(table, hide_index=True, key="review_fixes")
    undo = st.selectbox("Undo a fix", range(len(corrections)), key="review_undo",
                        format_func=lambda i: f"{corrections[i].surface} → {corrections[i].place or NOT_A_PLACE}")
    if st.button("Undo", key="review_undo_button"):
        c = corrections[undo]
        store.delete_correction(db, c.surface, c.article_key, c.context)
        st.rerun()
