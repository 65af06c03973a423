"""The folium map: escaping, popup data, precision styles, offline assets, outlines, click matching."""
import html
import json
import re

import pandas as pd
import pytest

from conftest import HOSTILE_CLAIMS
from liveblog import mapview, store, views


@pytest.fixture
def markers(events_db):
    return views.place_markers(store.load_events(events_db))


def _marker(n_claims=1, precision=1, place="Pokrovsk", lat=48.28, lon=37.18, **claim):
    base = {"event_date": pd.Timestamp("2024-10-27"), "actor": "Russia", "claim_type": "strike",
            "claim": "A claim.", "source": "The Test Post", "source_url": "https://news.example/live"}
    claims = [{**base, **claim, "claim": f"{claim.get('claim', 'A claim.')} #{i}"}
              for i in range(min(n_claims, views.POPUP_MAX_CLAIMS))]
    return views.Marker(place, lat, lon, precision, n_claims, "Russia", {"Russia": n_claims}, claims,
                        key=f"{place}|{lat}|{lon}", admin1="Donetsk Oblast")


def _render(m) -> str:
    return m.get_root().render()


def _data(page: str) -> dict:
    """The marker data literal of a rendered map, each row with its claims (sent apart, as JSON text) again."""
    data = json.loads(re.search(r"var data = (\{.*?\});\n", page).group(1))
    claims = json.loads(json.loads(re.search(r"var claimsText = (\".*?(?<!\\)\"), claimLists", page).group(1)))
    for row, row_claims in zip(data["rows"], claims):
        row.append(row_claims)
    return data


def test_hostile_claims_never_reach_the_page_raw(markers):
    page = _render(mapview.build_map(markers))
    for claim in HOSTILE_CLAIMS:
        assert claim not in page
    assert "<script>alert(1)" not in page and "<img" not in page and "onerror=\"alert" not in page
    # ...but the claims are there, as data, to be shown as text.
    texts = {c[3] for row in _data(page)["rows"] for c in row[9]}
    assert set(HOSTILE_CLAIMS) <= texts


def test_marker_data_cannot_close_the_script_element():
    page = _render(mapview.build_map([_marker(claim="</script><script>alert(1)</script>", place="</script>")]))
    script = re.search(r"var data = (\{.*?\});\n.*?claimLists = null;", page, re.S).group(0)
    assert "<" not in script and ">" not in script and "&" not in script
    assert "</script>" in json.dumps(_data(page))  # still there, as data


def test_tooltips_are_escaped_html():
    text = mapview.tooltip_text(_marker(place='<img src=x onerror="alert(1)">'))
    assert "<img" not in text and html.unescape(text).startswith('<img src=x onerror="alert(1)">')


def test_popup_data_is_capped_with_the_total_for_and_n_more():
    payload = mapview.popup_payload([_marker(n_claims=12)], max_claims=5)
    [row] = payload["rows"]
    assert row[8] == 12 and len(row[9]) == 5  # the browser writes "and 7 more"
    date_, actor, ctype, sentence, source = row[9][0]
    assert (date_, payload["actors"][actor], payload["types"][ctype], sentence) == (
        "2024-10-27", "Russia", "strike", "A claim. #0")
    assert payload["sources"][source] == ["The Test Post", "https://news.example/live"]


def test_only_http_links_become_links():
    payload = mapview.popup_payload([_marker(source_url="javascript:alert(1)")])
    assert payload["sources"] == [["The Test Post", None]]


def test_one_circle_per_marker_no_tiles_by_default(markers):
    page = _render(mapview.build_map(markers))
    assert len(_data(page)["rows"]) == len(markers)
    assert "preferCanvas" in page and '"preferCanvas": true' in page
    assert "tile.openstreetmap" not in page and "L.tileLayer" not in page
    assert "tile.openstreetmap" in _render(mapview.build_map(markers, online_tiles=True))


def test_radius_grows_with_claims_and_colour_follows_the_dominant_actor():
    assert mapview.marker_radius(1) < mapview.marker_radius(5) < mapview.marker_radius(40)
    payload = mapview.popup_payload([_marker(n_claims=3)])
    assert payload["colours"][payload["rows"][0][3]] == views.actor_colour("Russia")


def test_approximate_locations_are_drawn_dashed_and_lighter():
    payload = mapview.popup_payload([_marker(precision=p) for p in (1, 2, 3)])
    assert [row[4] for row in payload["rows"]] == [1, 2, 3]
    exact, near, region = (mapview.PRECISION_STYLES[p] for p in (1, 2, 3))
    assert exact["dash_array"] is None and near["dash_array"] and region["dash_array"]
    assert exact["fill_opacity"] > near["fill_opacity"] > region["fill_opacity"]
    assert "approximate" in mapview.tooltip_text(_marker(precision=2))


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


def test_legend_names_the_actors_and_sizes():
    page = _render(mapview.build_map([_marker()]))
    assert "Dominant claimant" in page and "region only" in page and "cm-size" in page
    legend = mapview.legend_html(["Russia"])
    assert "Russia" in legend and "Ukraine" not in legend


def test_base_map_does_not_depend_on_the_markers():
    """A filter change must keep the map in the browser: only the marker layer differs."""
    from streamlit_folium import _get_map_string

    def base_script():
        m = mapview.base_map({}, actors=["Russia", "Ukraine"], bounds=[[47, 36], [50, 38]])
        m.get_root().render()
        return _get_map_string(m)

    assert base_script() == base_script()
    layer = _render(mapview.build_map([_marker()]))
    assert "var data =" in layer and "var data =" not in base_script()


def test_click_finds_the_marker_by_tooltip_then_nearest_point():
    a = _marker(place="Pokrovsk", lat=48.28, lon=37.18)
    b = _marker(place="Pokrovsk", lat=47.99, lon=36.22)  # same tooltip text, another point
    c = _marker(place="Kurakhove", lat=47.98, lon=37.28)
    tooltip = html.unescape(mapview.tooltip_text(a))
    assert mapview.marker_at([a, b, c], {"last_object_clicked": {"lat": 48.27, "lng": 37.19},
                                         "last_object_clicked_tooltip": tooltip}) is a
    assert mapview.marker_at([a, b, c], {"last_object_clicked": {"lat": 48.0, "lng": 36.2},
                                         "last_object_clicked_tooltip": tooltip}) is b
    assert mapview.marker_at([a, b, c], {"last_object_clicked": None, "last_object_clicked_tooltip": None}) is None
    assert mapview.marker_at([a, b, c], None) is None


def test_far_outlier_does_not_zoom_the_map_out(markers):
    far = views.Marker("Nowhere", 43.4, 132.0, 1, 1, "Other", {"Other": 1}, [])
    (south, west), (north, east) = mapview.view_bounds(markers + [far])
    assert east < 60
    assert (south, west, north, east) == (min(m.lat for m in markers), min(m.lon for m in markers),
                                          max(m.lat for m in markers), max(m.lon for m in markers))
