"""Build the folium map of claims: one circle per place over the shipped country/oblast outlines.

Offline by default: Leaflet itself is inlined from the xstatic-leaflet package (PyPI) as data
URIs, the basemap is the outlines from geo/data, and online tiles are only added when asked for.
Every piece of text from the data goes through `escape_text` and reaches JavaScript as JSON, never
spliced into JS source, so a claim cannot inject script into the map.
"""
from __future__ import annotations

import base64
import html
import json
import math
from functools import lru_cache
from pathlib import Path

import folium
from folium.template import Template
from branca.element import Element, MacroElement

from liveblog.views import ACTOR_COLOURS, Marker, actor_colour

REPO_DIR = Path(__file__).resolve().parents[1]
GEO_DATA = REPO_DIR / "geo" / "data"
OUTLINE_FILES = ("countries.geojson", "ukraine_adm1.geojson")  # drawn in this order: oblasts on top
# Leaflet comes from the xstatic-leaflet package (PyPI), not from a CDN: the map must draw with no network.
try:
    from xstatic.pkg import leaflet as _xstatic_leaflet

    LEAFLET_DIR = Path(_xstatic_leaflet.BASE_DIR)
except ImportError:  # pragma: no cover - a broken install; folium's CDN links are the fallback
    LEAFLET_DIR = Path("/nonexistent")

DEFAULT_CENTER = (48.5, 32.0)  # Ukraine, for an empty map
DEFAULT_ZOOM = 6
POPUP_MAX_CLAIMS = 8
PRECISION_LABELS = {1: "settlement or feature", 2: "near a place / relative (approximate)",
                    3: "region only (approximate)"}
# Exact places are solid discs; approximate ones stay visibly vague: lighter fill, dashed outline.
PRECISION_STYLES = {
    1: {"weight": 1.5, "fill_opacity": 0.75, "dash_array": None},
    2: {"weight": 2.0, "fill_opacity": 0.25, "dash_array": "5 4"},
    3: {"weight": 2.0, "fill_opacity": 0.06, "dash_array": "2 5"},
}
_JS_UNSAFE = {"`": "&#96;", "$": "&#36;", "\\": "&#92;"}


def escape_text(value) -> str:
    """HTML-escape, and also neutralise the characters that matter inside JS template literals."""
    text = html.escape("" if value is None else str(value), quote=True)
    for char, entity in _JS_UNSAFE.items():
        text = text.replace(char, entity)
    return text


def _safe_url(url) -> str | None:
    """Only http(s) links are clickable: a javascript: URL in the data must not become a link."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def _format_date(value) -> str:
    try:
        return value.strftime("%Y-%m-%d")
    except (AttributeError, ValueError):  # None / NaT
        return "undated"


def marker_radius(n_claims: int) -> float:
    return min(6 + 3 * math.sqrt(max(n_claims, 1) - 1), 28)


def popup_html(marker: Marker, max_claims: int = POPUP_MAX_CLAIMS) -> str:
    """The marker's popup: the place, then its claims newest first, capped with "and N more"."""
    noun = "claim" if marker.n_claims == 1 else "claims"
    parts = [f'<div class="cm-popup"><b class="cm-place">{escape_text(marker.place)}</b> &middot; {marker.n_claims} {noun}']
    if marker.precision > 1:
        parts.append(f'<br><i>Location: {escape_text(PRECISION_LABELS.get(marker.precision, "approximate"))}</i>')
    parts.append("<ul>")
    for c in marker.claims[:max_claims]:
        colour = actor_colour(c["actor"])
        url = _safe_url(c.get("source_url"))
        source = escape_text(c.get("source") or "source")
        link = (f' <a href="{escape_text(url)}" target="_blank" rel="noopener noreferrer">{source}</a>'
                if url else (f" <span class=\"cm-src\">{source}</span>" if c.get("source") else ""))
        parts.append(
            f'<li><span class="cm-meta">{_format_date(c["event_date"])} &middot; '
            f'<b style="color:{colour}">{escape_text(c["actor"])}</b> &middot; {escape_text(c["claim_type"])}'
            f'</span><br>{escape_text(c["claim"])}{link}</li>'
        )
    parts.append("</ul>")
    more = len(marker.claims) - max_claims
    if more > 0:
        parts.append(f'<p class="cm-more">and {more} more</p>')
    parts.append("</div>")
    return "".join(parts)


def tooltip_text(marker: Marker) -> str:
    noun = "claim" if marker.n_claims == 1 else "claims"
    approx = " (approximate)" if marker.precision > 1 else ""
    return f"{escape_text(marker.place)}{approx}: {marker.n_claims} {noun}"


def legend_html(actors: list[str]) -> str:
    rows = [f'<div><span class="cm-dot" style="background:{actor_colour(a)}"></span>{escape_text(a)}</div>'
            for a in actors]
    rows.append('<div class="cm-legend-sep">Location</div>')
    rows.append('<div><span class="cm-dot" style="background:#666"></span>place</div>')
    rows.append('<div><span class="cm-dot cm-near"></span>near / relative</div>')
    rows.append('<div><span class="cm-dot cm-region"></span>region only</div>')
    return '<div class="cm-legend-title">Dominant claimant</div>' + "".join(rows)


_CSS = """<style>
.leaflet-container { background: #dce6ee; font: 12px/1.4 sans-serif; }
.cm-popup { font-size: 12.5px; line-height: 1.35; }
.cm-popup .cm-place { font-size: 14px; }
.cm-popup ul { margin: 4px 0 0 0; padding-left: 16px; max-height: 260px; overflow-y: auto; }
.cm-popup li { margin-bottom: 4px; }
.cm-meta { color: #555; font-size: 11px; }
.cm-more { margin: 2px 0 0 0; color: #555; }
.cm-legend { background: rgba(255,255,255,0.92); padding: 6px 8px; border-radius: 4px;
             box-shadow: 0 0 4px rgba(0,0,0,0.3); line-height: 18px; }
.cm-legend-title, .cm-legend-sep { font-weight: bold; }
.cm-legend-sep { margin-top: 4px; }
.cm-dot { display: inline-block; width: 11px; height: 11px; border-radius: 50%; margin-right: 6px;
          vertical-align: -1px; border: 1.5px solid #666; box-sizing: border-box; }
.cm-near { background: rgba(102,102,102,0.25); border-style: dashed; }
.cm-region { background: transparent; border-style: dotted; }
</style>"""


class _PlaceLabel(MacroElement):
    """Popup + tooltip bound to its parent marker; the HTML travels as JSON (no jQuery, no JS splicing)."""

    _template = Template("""{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindPopup({{ this.popup|tojson }}, {maxWidth: 380, minWidth: 240});
        {{ this._parent.get_name() }}.bindTooltip({{ this.tooltip|tojson }}, {sticky: true});
    {% endmacro %}""")

    def __init__(self, popup: str, tooltip: str):
        super().__init__()
        self._name = "PlaceLabel"
        self.popup, self.tooltip = popup, tooltip


class _Legend(MacroElement):
    _template = Template("""{% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "cm-legend");
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
    {% endmacro %}""")

    def __init__(self, legend: str):
        super().__init__()
        self._name = "Legend"
        self.html = legend


class _Outline(MacroElement):
    """A static GeoJSON layer: not interactive, so it never catches clicks meant for markers."""

    _template = Template("""{% macro script(this, kwargs) %}
        L.geoJSON({{ this.data|tojson }}, {style: {{ this.style|tojson }}, interactive: false})
            .addTo({{ this._parent.get_name() }});
    {% endmacro %}""")

    def __init__(self, data: dict, style: dict):
        super().__init__()
        self._name = "Outline"
        self.data, self.style = data, style


def _round_coords(obj, digits: int):
    if isinstance(obj, list):
        if obj and isinstance(obj[0], (int, float)):
            return [round(v, digits) for v in obj]
        return [_round_coords(v, digits) for v in obj]
    return obj


def load_outlines(data_dir: Path = GEO_DATA, digits: int = 3) -> dict[str, dict]:
    """The outline files that exist, by file name, coordinates rounded (~100 m) to keep the page small."""
    outlines = {}
    for name in OUTLINE_FILES:
        path = Path(data_dir) / name
        if not path.is_file():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for feature in data.get("features", []):
            geom = feature.get("geometry") or {}
            if "coordinates" in geom:
                geom["coordinates"] = _round_coords(geom["coordinates"], digits)
            feature["properties"] = {}  # names are not shown; do not ship them
        outlines[name] = data
    return outlines


def _data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


@lru_cache(maxsize=4)
def leaflet_assets(asset_dir: Path = LEAFLET_DIR) -> tuple[list[tuple[str, str]], list[tuple[str, str]]] | None:
    """(js, css) links to the packaged Leaflet as data URIs, or None to fall back on folium's CDN links."""
    js, css = Path(asset_dir) / "leaflet.js", Path(asset_dir) / "leaflet.css"
    if not (js.is_file() and css.is_file()):
        return None
    return [("leaflet", _data_uri(js, "text/javascript"))], [("leaflet_css", _data_uri(css, "text/css"))]


_OUTLINE_STYLES = {
    # Without tiles the countries are the land: filled. Over tiles only their borders are drawn.
    "countries.geojson": ({"color": "#6e6e6e", "weight": 1.2, "fillColor": "#f4f1ea", "fillOpacity": 1},
                          {"color": "#666666", "weight": 1.2, "fill": False}),
    "ukraine_adm1.geojson": ({"color": "#b0a99f", "weight": 0.7, "fill": False},
                             {"color": "#888888", "weight": 0.7, "fill": False, "dashArray": "3 3"}),
}


def _weighted_quantile(values: list[tuple[float, int]], q: float) -> float:
    values = sorted(values)
    total = sum(w for _, w in values)
    seen = 0
    for v, w in values:
        seen += w
        if seen >= q * total:
            return v
    return values[-1][0]


def view_bounds(markers: list[Marker], q: float = 0.05, margin: float = 5.0) -> list[list[float]]:
    """The box to open the map on: where most claims are, plus every place within `margin` degrees of it.

    A few far places (a claim made in New York, a misplaced name on another continent) must not zoom the
    map out to the whole world; they stay on the map, reachable by zooming out.
    """
    lats = [(mk.lat, mk.n_claims) for mk in markers]
    lons = [(mk.lon, mk.n_claims) for mk in markers]
    south, north = _weighted_quantile(lats, q), _weighted_quantile(lats, 1 - q)
    west, east = _weighted_quantile(lons, q), _weighted_quantile(lons, 1 - q)
    near = [mk for mk in markers if south - margin <= mk.lat <= north + margin
            and west - margin <= mk.lon <= east + margin]
    return [[min(mk.lat for mk in near), min(mk.lon for mk in near)],
            [max(mk.lat for mk in near), max(mk.lon for mk in near)]]


def build_map(markers: list[Marker], outlines: dict[str, dict] | None = None, online_tiles: bool = False,
              leaflet: tuple[list, list] | None = None) -> folium.Map:
    """The map: outlines, then one CircleMarker per place (radius by claims, colour by dominant actor)."""
    m = folium.Map(location=DEFAULT_CENTER, zoom_start=DEFAULT_ZOOM, tiles=None, control_scale=True)
    if leaflet:  # only what these elements need: no jQuery, Bootstrap or icon fonts from a CDN
        m.default_js, m.default_css = list(leaflet[0]), list(leaflet[1])
    m.get_root().header.add_child(Element(_CSS), name="conflict_map_css")
    if online_tiles:
        folium.TileLayer("OpenStreetMap").add_to(m)
    for name in OUTLINE_FILES:
        if outlines and name in outlines:
            style = _OUTLINE_STYLES[name][1 if online_tiles else 0]
            m.add_child(_Outline(outlines[name], style))
    for mk in markers:
        colour = actor_colour(mk.dominant_actor)
        look = PRECISION_STYLES.get(mk.precision, PRECISION_STYLES[3])
        circle = folium.CircleMarker(
            location=(mk.lat, mk.lon), radius=marker_radius(mk.n_claims), color=colour, weight=look["weight"],
            fill=True, fill_color=colour, fill_opacity=look["fill_opacity"], dash_array=look["dash_array"],
        )
        circle.add_child(_PlaceLabel(popup_html(mk), tooltip_text(mk)))
        m.add_child(circle)
    if markers:
        m.fit_bounds(view_bounds(markers), padding=(40, 40), max_zoom=9)
    present = sorted({mk.dominant_actor for mk in markers},
                     key=lambda a: (list(ACTOR_COLOURS).index(a) if a in ACTOR_COLOURS else 99, a))
    m.add_child(_Legend(legend_html(present)))
    return m
