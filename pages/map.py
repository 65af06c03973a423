"""Map: one circle per place named in the filtered claims, sized by how many, coloured by who claims most.

Dashed or hollow circles are approximate locations ("8 km north of …", a whole region). Click a circle for
its claims, newest first, with links to the sources.
"""
import streamlit as st
from streamlit_folium import st_folium

from liveblog import mapview, views
from pages import _shared

view = _shared.current_view()
st.title("Who claims what, where")
_shared.shown_caption(view)

online = st.sidebar.toggle("Online map tiles (OpenStreetMap)", key="osm_tiles",
                           help="Off: the offline country and oblast outlines only. On: needs internet.")
markers = views.place_markers(view.shown)
unplaced = views.claim_count(view.shown[view.shown["latitude"].isna()])
if unplaced:
    st.caption(f"{unplaced} of the claims shown name no place and are not on the map (see the table).")

m = mapview.build_map(markers, _shared.outlines(), online_tiles=online, leaflet=mapview.leaflet_assets())
# returned_objects=[]: the map sends nothing back, so panning or clicking never reruns the app.
st_folium(m, returned_objects=[], height=560, use_container_width=True, key="claims_map")

st.subheader("Claims")
_shared.claims_table(view, key="map")
