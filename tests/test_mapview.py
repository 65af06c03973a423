"""The folium map: escaping, popups, precision styles, offline assets, outlines."""
import json
import re

import pandas as pd
import pytest

from conftest import HOSTILE_CLAIMS
from liveblog import mapview, store, views


@pytest.fixture
def markers(events_db):
    return views.place_markers(store.load_events(events_db))


def _marker(n_claims=1, precision=1, **claim):
    base = {"event_date": pd.Timestamp("2024-10-27"), "actor": "Russia", "claim_type": "strike",
            "claim": "A claim.", "source": "The Test Post", "source_url": "https://news.example/live"}
    claims = [{**base, **claim, "claim": f"{claim.get('claim', 'A claim.')} #{i}"} for i in range(n_claims)]
    return views.Marker("Pokrovsk", 48.28, 37.18, precision, n_claims, "Russia", {"Russia": n_claims}, claims)


def _render(m) -> str:
    return m.get_root().render()


def test_hostile_claims_are_escaped_in_popups(markers):
    html = "".join(mapview.popup_html(m, max_claims=50) for m in markers)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html and "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html
    assert "${" not in html and "`" not in html and "\\u0041" not in html  # inert inside JS templates too


def test_hostile_claims_never_reach_the_map_script_raw(markers):
    page = _render(mapview.build_map(markers))
    for claim in HOSTILE_CLAIMS:
        assert claim not in page
    assert "<script>alert(1)" not in page and "onerror=\"alert" not in page


def test_only_http_links_are_clickable():
    html = mapview.popup_html(_marker(source_url="javascript:alert(1)"))
    assert "href" not in html and "javascript:" not in html
    assert 'href="https://news.example/live"' in mapview.popup_html(_marker())


def test_popup_is_capped_with_and_n_more():
    html = mapview.popup_html(_marker(n_claims=12), max_claims=8)
    assert html.count("<li>") == 8
    assert "and 4 more" in html
    assert "more" not in mapview.popup_html(_marker(n_claims=3), max_claims=8)


def test_popup_lists_date_actor_type_and_sentence():
    html = mapview.popup_html(_marker(claim="Moscow says it took Selydove."))
    for text in ("2024-10-27", "Russia", "strike", "Moscow says it took Selydove.", "Pokrovsk"):
        assert text in html


def test_one_circle_per_marker_no_tiles_by_default(markers):
    page = _render(mapview.build_map(markers))
    assert page.count("L.circleMarker(") == len(markers)
    assert "tile.openstreetmap" not in page and "L.tileLayer" not in page
    online = _render(mapview.build_map(markers, online_tiles=True))
    assert "tile.openstreetmap" in online


def test_radius_grows_with_claims_and_colour_follows_the_dominant_actor():
    assert mapview.marker_radius(1) < mapview.marker_radius(5) < mapview.marker_radius(40)
    page = _render(mapview.build_map([_marker(n_claims=3)]))
    assert views.actor_colour("Russia") in page


def test_approximate_locations_are_drawn_dashed_and_lighter():
    page = _render(mapview.build_map([_marker(precision=1), _marker(precision=2), _marker(precision=3)]))
    options = [json.loads(o) for o in re.findall(r"L\.circleMarker\(\s*\[[^\]]*\],\s*(\{.*?\})\s*\)", page, re.S)]
    exact, near, region = options
    assert exact.get("dashArray") is None and near["dashArray"] and region["dashArray"]
    assert exact["fillOpacity"] > near["fillOpacity"] > region["fillOpacity"]


def test_packaged_leaflet_keeps_the_map_offline(markers):
    assets = mapview.leaflet_assets()
    assert assets is not None, "xstatic-leaflet is not installed"
    page = _render(mapview.build_map(markers, leaflet=assets))
    assert "data:text/javascript;base64," in page
    assert not re.search(r'(src|href)="https?://', page)  # no CDN script or stylesheet


def test_missing_outlines_give_no_basemap_and_no_error(tmp_path, markers):
    assert mapview.load_outlines(tmp_path) == {}
    assert "L.geoJSON" not in _render(mapview.build_map(markers, {}))


def test_outlines_are_drawn_non_interactive_with_rounded_coordinates(tmp_path, markers):
    square = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "Testland"},
        "geometry": {"type": "Polygon", "coordinates": [[[30.123456, 50.0], [31.0, 50.987654], [30.5, 49.5],
                                                          [30.123456, 50.0]]]}}]}
    (tmp_path / "countries.geojson").write_text(json.dumps(square), encoding="utf-8")
    outlines = mapview.load_outlines(tmp_path)
    assert list(outlines) == ["countries.geojson"]
    ring = outlines["countries.geojson"]["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == [30.123, 50.0] and ring[1] == [31.0, 50.988]
    page = _render(mapview.build_map(markers, outlines))
    assert page.count("L.geoJSON(") == 1
    assert re.search(r"L\.geoJSON\(.*?interactive: false", page, re.S)


def test_shipped_outlines_load_when_present():
    outlines = mapview.load_outlines()
    if not outlines:
        pytest.skip("geo/data outlines not built")
    for data in outlines.values():
        assert data["type"] == "FeatureCollection" and data["features"]


def test_legend_names_the_actors_on_the_map():
    page = _render(mapview.build_map([_marker()]))
    assert "Dominant claimant" in page and "region only" in page
    legend = mapview.legend_html(["Russia"])
    assert "Russia" in legend and "Ukraine" not in legend


def test_far_outlier_does_not_zoom_the_map_out(markers):
    far = views.Marker("Nowhere", 43.4, 132.0, 1, 1, "Other", {"Other": 1}, [])
    (south, west), (north, east) = mapview.view_bounds(markers + [far])
    assert east < 60
    assert (south, west, north, east) == (min(m.lat for m in markers), min(m.lon for m in markers),
                                          max(m.lat for m in markers), max(m.lon for m in markers))
