"""Map: one circle per place named in the filtered claims, sized by how many, coloured by who claims most.

Dashed or hollow circles are approximate locations ("8 km north of …", a whole region). Hover for the place,
click for its claims (newest first, with links to the sources): the click also narrows the table below to
that place.
"""
import streamlit as st
from streamlit_folium import st_folium

from liveblog import mapview, views
from pages import _shared

_shared.intro("Who claims what, where",
              "One circle per place: size = claims there, colour = who claims most. Click a circle to list its "
              "claims below.")


@st.cache_resource(show_spinner=False, max_entries=2)
def _extent(db: str, state: str, _view: _shared.View) -> list | None:
    """The box of every place in the database: the map opens there whatever the filters."""
    points = views.place_points(_view.events, _view.loaded.index)
    return mapview.view_bounds(points) if points else None


@st.cache_resource(show_spinner="Drawing the map…", max_entries=8)
def _markers(db: str, state: str, query: str, _view: _shared.View):
    """Markers and their layer, once per (database state, filters): a rerun that changes neither (a click,
    another page and back) reuses them. `state`: the fingerprint of the data the view holds."""
    markers = views.markers_at(_view.events, _view.loaded.index, _view.base_mask)
    return markers, mapview.marker_layer(markers)


def _base_map(view: _shared.View, online: bool):
    """Built per run (cheap: the outlines' JSON is cached), never shared: st_folium mutates the map it is
    given. It depends on the data as a whole only, so filter changes keep the same map in the browser."""
    db = _shared.db_path()
    return mapview.base_map(_shared.outlines(), online_tiles=online, leaflet=mapview.leaflet_assets(),
                            actors=view.options.actors, bounds=_extent(str(db), view.loaded.fingerprint, view))


@st.fragment
def map_and_claims() -> None:
    """A marker click reruns this fragment only: the sidebar and the rest of the page stay as they are."""
    view = _shared.current_view()
    db = _shared.db_path()
    query = repr(view.filters.without("place"))
    markers, layer = _markers(str(db), view.loaded.fingerprint, query, view)
    # Only a click on a marker comes back (panning and zooming never rerun the app). The markers travel as
    # feature_group_to_add: the map in the browser stays and swaps them in place.
    out = st_folium(_base_map(view, online), feature_group_to_add=layer, height=560, use_container_width=True,
                    returned_objects=["last_object_clicked", "last_object_clicked_tooltip"], key="claims_map")
    click = (out or {}).get("last_object_clicked_tooltip"), str((out or {}).get("last_object_clicked"))
    if out and click[0] and click != st.session_state.get("_map_click"):
        st.session_state["_map_click"] = click  # st_folium keeps returning the last click: act once
        marker = mapview.marker_at(markers, out)
        if marker is not None and marker.key != view.filters.place:
            view = _shared.set_place(view, marker.key)
    unplaced = view.loaded.index.claim_count(view.base_mask & view.events["latitude"].isna().to_numpy())
    if unplaced:
        st.caption(f"{unplaced} of the claims shown name no place and are not on the map (see the table).")
    # The table after the map, in this fragment (a click narrows it). Measured with bench/dashboard_speed.py:
    # the map's iframe is created before the table, and the table in a fragment of its own or in a second
    # run after the map did not draw the markers sooner.
    st.subheader("Claims")
    _shared.place_chip(view, key="map")
    _shared.shown_caption(view)
    _shared.claims_table(view, key="map")


view = _shared.page_view()
online = _shared.tiles_toggle()
if view.filters.place and view.filters.place not in set(view.loaded.keys[view.base_mask]):
    _shared.set_place(view, None)  # the filters no longer keep that place
map_and_claims()
