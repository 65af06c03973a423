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
    texts = {c[3] for row in _data(page)["rows"] for c in row[8]}
    assert set(HOSTILE_CLAIMS) <= texts


def test_marker_data_cannot_close_the_script_element():
    page = _render(mapview.build_map([_marker(claim="</script><script>alert(1)</script>", place="</script>")]))
    script = re.search(r"var data = (\{.*?\});\n.*?claimLists = null;", page, re.S).group(0)
    assert "<" not in script and ">" not in script and "&" not in script
    assert "</script>" in json.dumps(_data(page))  # still there, as data


def test_tooltips_are_escaped_html():
    text = mapview.tooltip_text(_marker(place='<img src=x onerror="alert(1)">'))
    assert "<img" not in text and html.unescape(text).startswith('<img src=x onerror="alert(1)">')


def test_tooltips_are_written_in_the_browser_escaped_from_plain_data():
    """The rows carry the place and region as plain data; the page's script escapes them for Leaflet."""
    place = '<img src=x onerror="alert(1)">'
    payload = mapview.popup_payload([_marker(place=place)])
    [row] = payload["rows"]
    assert row[5] == place and payload["regions"][row[6]] == "Donetsk Oblast"
    page = _render(mapview.build_map([_marker(place=place)]))
    assert "box.innerHTML = tooltip(" in page and 'replace(/[&<>"\']/g' in page


def test_popup_data_is_capped_with_the_total_for_and_n_more():
    assert views.POPUP_MAX_CLAIMS <= 5  # a popup lists a few claims, the table all of them
    payload = mapview.popup_payload([_marker(n_claims=12)], max_claims=3)
    [row] = payload["rows"]
    assert row[7] == 12 and len(row[8]) == 3  # the browser writes "and 9 more"
    day, actor, ctype, sentence, source, outlets = row[8][0]
    assert (day, payload["actors"][actor], payload["types"][ctype], sentence, outlets) == (
        (pd.Timestamp("2024-10-27") - pd.Timestamp("1970-01-01")).days, "Russia", "strike", "A claim. #0", 1)
    assert payload["sources"][source] == ["The Test Post", "https://news.example/live"]
    page = _render(mapview.build_map([_marker(n_claims=12)]))
    assert '"and " + (n - claims.length)' in page and "new Date(d * 864e5)" in page


def test_undated_claims_are_sent_as_null_days():
    payload = mapview.popup_payload([_marker(event_date=pd.NaT)])
    assert payload["rows"][0][8][0][0] is None


@pytest.mark.parametrize("text, expected", [
    ("Short claim.", "Short claim."),
    ("word " * 10, "word word…"),  # cut at the last space before the limit
    ("x" * 30, "x" * 11 + "…"),  # no space to cut at: cut inside the word
])
def test_clip_cuts_long_claims_at_a_word_with_an_ellipsis(text, expected):
    assert mapview.clip(text, limit=12) == expected
    assert len(mapview.clip(text, limit=12)) <= 12


def test_popup_claims_are_clipped_and_coordinates_rounded():
    long_claim = "Officials said " + "the situation near the town remained difficult, " * 10 + "end."
    payload = mapview.popup_payload([_marker(claim=long_claim, lat=48.2812345678, lon=37.1765432)])
    [row] = payload["rows"]
    sentence = row[8][0][3]
    assert sentence.endswith("…") and len(sentence) <= mapview.CLAIM_CHARS
    assert long_claim.startswith(sentence[:-1])
    assert (row[0], row[1]) == (48.2812, 37.1765)


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


def _square_pair(wiggle: float, bump: float) -> dict:
    """Two unit squares side by side; their shared edge (x = 31) has small wiggles and one big bump."""
    shared = [(31.0, 50.0)] + [(31.0 + (wiggle if i % 2 else -wiggle), 50.0 + i / 10) for i in range(1, 10)]
    shared[5] = (31.0 + bump, 50.5)
    shared += [(31.0, 51.0)]
    west = [(30.0, 50.0), *shared, (30.0, 51.0), (30.0, 50.0)]
    east = [*reversed(shared), (32.0, 51.0), (32.0, 50.0), (31.0, 50.0)]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": n},
         "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in r]]}}
        for n, r in (("West", west), ("East", east))]}


def test_simplified_outlines_keep_shared_borders_identical():
    from geo import simplify_outlines

    data = _square_pair(wiggle=0.001, bump=0.05)
    simple = simplify_outlines.simplify_collection(data, tolerance=0.004)
    west, east = ([tuple(p) for p in f["geometry"]["coordinates"][0]] for f in simple["features"])
    border_w = {p for p in west if 30.5 < p[0] < 31.5}
    border_e = {p for p in east if 30.5 < p[0] < 31.5}
    assert border_w == border_e  # one border, drawn the same for both: no gap, no overlap
    assert (31.05, 50.5) in border_w  # the bump is more than the tolerance: kept
    # The wiggles are less: gone, but for the two next to the bump (which shape it).
    assert sorted(y for _, y in border_w) == [50.0, 50.4, 50.5, 50.6, 51.0]
    assert all(f["properties"] == {} for f in simple["features"])
    assert west[0] == west[-1] and east[0] == east[-1]  # rings stay closed


def test_display_copy_is_used_only_while_its_source_is_unchanged(tmp_path):
    from geo import simplify_outlines

    source = tmp_path / "ukraine_adm1.geojson"
    source.write_text(json.dumps(_square_pair(wiggle=0.001, bump=0.05)), encoding="utf-8")
    simplify_outlines.build(source, tolerance=0.004)
    n_points = lambda data: sum(len(r) for f in data["features"] for r in f["geometry"]["coordinates"])  # noqa: E731
    shown = mapview.load_outlines(tmp_path)["ukraine_adm1.geojson"]
    assert n_points(shown) < n_points(json.loads(source.read_text())) and "conflict_map_source" not in shown
    # The source is rebuilt (another square): the stale copy is not used, the source is (rounded).
    changed = _square_pair(wiggle=0.001, bump=0.2)
    source.write_text(json.dumps(changed), encoding="utf-8")
    shown = mapview.load_outlines(tmp_path)["ukraine_adm1.geojson"]
    assert n_points(shown) == n_points(changed) and [31.2, 50.5] in shown["features"][0]["geometry"]["coordinates"][0]


def test_shipped_display_copies_parse():
    from geo import simplify_outlines

    copies = [simplify_outlines.display_path(mapview.GEO_DATA / name) for name in mapview.OUTLINE_FILES]
    copies = [c for c in copies if c.is_file()]
    if not copies:
        pytest.skip("no display copies built (geo/simplify_outlines.py)")
    for copy in copies:
        data = json.loads(copy.read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection" and data["features"]
        assert data["conflict_map_source"]["file"] == copy.name.replace(".display", "")
