"""Build the folium map of claims: one circle per place over the shipped country/oblast outlines.

Offline by default: Leaflet itself is inlined from the xstatic-leaflet package (PyPI) as data
URIs, the basemap is the outlines from geo/data, and online tiles are only added when asked for.
Every piece of text from the data goes through `escape_text` and reaches JavaScript as JSON, never
spliced into JS source, so a claim cannot inject script into the map.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from functools import lru_cache
from pathlib import Path

import folium
from folium.template import Template
from branca.element import Element, MacroElement

from geo.simplify_outlines import display_path
from liveblog.views import ACTOR_COLOURS, POPUP_MAX_CLAIMS, Marker, actor_colour

REPO_DIR = Path(__file__).resolve().parents[1]
GEO_DATA = REPO_DIR / "geo" / "data"
OUTLINE_FILES = ("countries.geojson", "ukraine_adm1.geojson")  # drawn in this order: oblasts on top
# Leaflet comes from the xstatic-leaflet package (PyPI), not from a CDN: the map must draw with no network.
try:
    from xstatic.pkg import leaflet as _xstatic_leaflet

    LEAFLET_DIR = Path(_xstatic_leaflet.BASE_DIR)
except ImportError:  # pragma: no cover - a broken install; folium's CDN links are the fallback
    LEAFLET_DIR = Path("/nonexistent")

CLAIM_CHARS = 160  # a popup line's sentence is cut here ("…"); the table below the map shows it whole
COORD_DIGITS = 4  # marker positions sent to the browser: ~10 m
DEFAULT_CENTER = (48.5, 32.0)  # Ukraine, for an empty map
DEFAULT_ZOOM = 6
PRECISION_LABELS = {1: "settlement or feature", 2: "near a place / relative (approximate)",
                    3: "region only (approximate)"}
# Exact places are solid discs; approximate ones stay visibly vague: lighter fill, dashed outline.
PRECISION_STYLES = {
    1: {"weight": 1.5, "fill_opacity": 0.75, "dash_array": None},
    2: {"weight": 2.0, "fill_opacity": 0.25, "dash_array": "5 4"},
    3: {"weight": 2.0, "fill_opacity": 0.06, "dash_array": "2 5"},
}
# What Jinja's tojson escapes too: JSON placed in a <script> can then neither close it nor open a comment.
_JSON_IN_SCRIPT = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"),
                   ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
_JS_UNSAFE = {"`": "&#96;", "$": "&#36;", "\\": "&#92;"}


_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"),
            *_JS_UNSAFE.items())  # html.escape(quote=True), "&" first, then the JS template characters
_NEEDS_ESCAPE = re.compile(r"[&<>\"'`$\\]")


def escape_text(value) -> str:
    """HTML-escape, and also neutralise the characters that matter inside JS template literals."""
    text = "" if value is None else str(value)
    if not _NEEDS_ESCAPE.search(text):  # most text: nothing to do (the map escapes ~100,000 strings)
        return text
    for char, entity in _ESCAPES:
        text = text.replace(char, entity)
    return text


def _js_json(value) -> str:
    """JSON safe to place inside a <script> element, built once (the map has megabytes of it: Jinja's tojson
    filter would redo the work on each of streamlit-folium's renders)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _JSON_IN_SCRIPT:  # str.replace runs at C speed; str.translate would not
        text = text.replace(char, escaped)
    return text


def _safe_url(url) -> str | None:
    """Only http(s) links are clickable: a javascript: URL in the data must not become a link."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if url.lower().startswith(("http://", "https://")) else None


_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()


@lru_cache(maxsize=4096)
def _day_number(value) -> int | None:
    """Days since 1970-01-01 (the browser writes the ISO date), None when undated. Cached: a few hundred
    distinct days."""
    try:
        return value.toordinal() - _EPOCH_ORDINAL
    except (AttributeError, ValueError, TypeError):  # None / NaT
        return None


def clip(text, limit: int = CLAIM_CHARS) -> str:
    """The text cut to at most `limit` characters, at a word boundary when one is near, ending in "…"."""
    text = "" if text is None else str(text)
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def marker_radius(n_claims: int) -> float:
    return min(6 + 3 * math.sqrt(max(n_claims, 1) - 1), 28)


def tooltip_text(marker: Marker) -> str:
    """Escaped HTML; its text (what streamlit-folium returns for a clicked marker) identifies the marker."""
    noun = "claim" if marker.n_claims == 1 else "claims"
    approx = " (approximate)" if marker.precision > 1 else ""
    region = f" · {marker.admin1}" if marker.admin1 and marker.admin1 != marker.place else ""
    return escape_text(f"{marker.place}{region}{approx}: {marker.n_claims} {noun}")


def marker_at(markers: list[Marker], clicked: dict | None) -> Marker | None:
    """The marker a st_folium click refers to: same tooltip text, nearest the clicked point (the click is
    anywhere on the disc, not its centre); None when no marker has that tooltip."""
    if not clicked or not markers:
        return None
    point = clicked.get("last_object_clicked") or {}
    tooltip = clicked.get("last_object_clicked_tooltip")
    same = [m for m in markers if tooltip is not None and html.unescape(tooltip_text(m)) == tooltip.strip()]
    if not same or "lat" not in point:
        return same[0] if same else None
    return min(same, key=lambda m: (m.lat - point["lat"]) ** 2 + (m.lon - point["lng"]) ** 2)


_SIZE_STEPS = (1, 10, 100)


def legend_html(actors: list[str]) -> str:
    rows = [f'<div><span class="cm-dot" style="background:{actor_colour(a)}"></span>{escape_text(a)}</div>'
            for a in actors]
    rows.append('<div class="cm-legend-sep">Location</div>')
    rows.append('<div><span class="cm-dot" style="background:#666"></span>place</div>')
    rows.append('<div><span class="cm-dot cm-near"></span>near / relative</div>')
    rows.append('<div><span class="cm-dot cm-region"></span>region only</div>')
    rows.append('<div class="cm-legend-sep">Claims</div><div class="cm-sizes">')
    for n in _SIZE_STEPS:
        d = round(2 * marker_radius(n))
        rows.append(f'<span class="cm-size" style="width:{d}px;height:{d}px"></span>{n} ')
    rows.append("</div>")
    return '<div class="cm-legend-title">Dominant claimant</div>' + "".join(rows)


_CSS = """<style>
.leaflet-container { background: #dce6ee; font: 12px/1.4 sans-serif; }
.cm-popup { font-size: 12.5px; line-height: 1.35; }
.cm-popup .cm-place { font-size: 14px; }
.cm-popup ul { margin: 4px 0 0 0; padding-left: 16px; max-height: 260px; overflow-y: auto; }
.cm-popup li { margin-bottom: 4px; }
.cm-meta { color: #555; font-size: 11px; }
.cm-approx { display: block; }
.cm-more { margin: 2px 0 0 0; color: #555; }
.cm-legend { background: rgba(255,255,255,0.92); padding: 6px 8px; border-radius: 4px;
             box-shadow: 0 0 4px rgba(0,0,0,0.3); line-height: 18px; }
.cm-legend-title, .cm-legend-sep { font-weight: bold; }
.cm-legend-sep { margin-top: 4px; }
.cm-dot { display: inline-block; width: 11px; height: 11px; border-radius: 50%; margin-right: 6px;
          vertical-align: -1px; border: 1.5px solid #666; box-sizing: border-box; }
.cm-near { background: rgba(102,102,102,0.25); border-style: dashed; }
.cm-region { background: transparent; border-style: dotted; }
.cm-size { display: inline-block; border-radius: 50%; border: 1.5px solid #666; background: rgba(102,102,102,0.4);
           vertical-align: middle; margin: 0 3px 0 6px; }
</style>"""


class _RawScript(Element):
    """Script text added to the page as it is. branca's MacroElement would wrap its output in a new Jinja
    Template, i.e. lex megabytes of marker data as a template on every render (0.5 s with 3,000 places)."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class _ScriptElement(MacroElement):
    """A map element whose script is plain Python-built text (see _RawScript). The template only calls
    back into Python: streamlit-folium renders each element's `script` macro itself."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.script(this._parent.get_name()) }}{% endmacro %}")

    def script(self, map_name: str) -> str:
        raise NotImplementedError

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        figure.script.add_child(_RawScript(self.script(self._parent.get_name())), name=self.get_name())


def popup_payload(markers: list[Marker], max_claims: int = POPUP_MAX_CLAIMS, claim_chars: int = CLAIM_CHARS) -> dict:
    """What the browser needs to draw the markers and, on click, their popups: plain data, no HTML.

    rows: [lat, lon, radius, colour index, precision (1-3), place, region index, n_claims, claims]; claims
    newest first, at most `max_claims` (the popup says "and N more"): [day (days since 1970, null if
    undated), actor index, type index, sentence (clip()ped to claim_chars), source index, outlets reporting
    it]. Repeated strings (actors, types, regions, outlets with their links) are sent once in lookup lists;
    the tooltip is written by the browser from the place, region, precision and count (as tooltip_text).
    The popup is built in JavaScript with textContent and the tooltip escaped there, so no text from a live
    blog is ever parsed as HTML; only http(s) links become links."""
    actors, types, sources, regions = {}, {}, {}, {}

    def index(table: dict, value) -> int:
        return table.setdefault(value, len(table))

    def source_index(name, url) -> int:  # per (outlet, URL): a few hundred, for ~15,000 popup lines
        key = (name, url)
        if key not in source_of:
            source_of[key] = index(sources, (name or "", _safe_url(url)))
        return source_of[key]

    source_of: dict = {}
    rows = []
    for m in markers:
        claims = [[_day_number(c["event_date"]), index(actors, c["actor"]), index(types, c["claim_type"]),
                   c["claim"] if isinstance(c["claim"], str) and len(c["claim"]) <= claim_chars
                   else clip(c["claim"], claim_chars),
                   source_index(c.get("source"), c.get("source_url")), c.get("sources", 1)]
                  for c in m.claims[:max_claims]]
        rows.append([round(m.lat, COORD_DIGITS), round(m.lon, COORD_DIGITS), round(marker_radius(m.n_claims), 1),
                     index(actors, m.dominant_actor), min(max(m.precision, 1), 3), m.place,
                     index(regions, m.admin1 or ""), m.n_claims, claims])
    return {"rows": rows, "actors": list(actors), "colours": [actor_colour(a) for a in actors],
            "types": list(types), "sources": [list(s) for s in sources], "regions": list(regions),
            "precision": {str(p): label for p, label in PRECISION_LABELS.items()}}


class _PlaceLayer(_ScriptElement):
    """All the place markers: one JSON data literal and a loop, on one canvas renderer.

    3,000 folium CircleMarkers would mean 3,000 templates rendered in Python, 3,000 script blocks and 3,000
    popups' HTML. Here the data is one JSON literal (< > & ' escaped, so it cannot close the script) and
    the browser builds each popup when it opens. Added to a FeatureGroup (marker_layer), it reaches the
    browser through streamlit-folium's feature_group_to_add: new markers replace the old ones in the map
    already drawn, with no reload; each circle is then on the map, so its click is hooked
    (last_object_clicked*)."""

    _JS = """
        (function () {
            var layer = %(map)s;
            var data = %(data)s;
            // The popups' claims: JSON text, parsed when the first popup opens (a string is scanned, not
            // parsed, while the map loads: most of the payload and none of its cost before the markers show).
            var claimsText = %(claims)s, claimLists = null;
            function claimsOf(i) {
                if (claimLists === null) claimLists = JSON.parse(claimsText);
                return claimLists[i];
            }
            var styles = %(styles)s;
            var ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
            function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return ENTITY[c]; }); }
            function day(d) { return d === null ? "undated" : new Date(d * 864e5).toISOString().slice(0, 10); }
            // The same text as mapview.tooltip_text (a click is matched on it), escaped: Leaflet sets it as HTML.
            function tooltip(r) {
                var region = data.regions[r[6]], n = r[7];
                return esc(r[5] + (region && region !== r[5] ? " \u00b7 " + region : "") +
                           (r[4] > 1 ? " (approximate)" : "") + ": " + n + (n === 1 ? " claim" : " claims"));
            }
            function el(tag, cls, text) {
                var e = document.createElement(tag);
                if (cls) e.className = cls;
                if (text !== undefined && text !== null) e.textContent = String(text);
                return e;
            }
            function popup(r, i) {
                var box = el("div", "cm-popup"), n = r[7], claims = claimsOf(i), region = data.regions[r[6]];
                box.appendChild(el("b", "cm-place", r[5]));
                if (region && region !== r[5]) box.appendChild(el("span", "cm-meta", " " + region));
                box.appendChild(document.createTextNode(" \u00b7 " + n + (n === 1 ? " claim" : " claims")));
                if (r[4] > 1) box.appendChild(el("i", "cm-approx", "Location: " + data.precision[r[4]]));
                var list = el("ul");
                claims.forEach(function (c) {
                    var li = el("li"), meta = el("span", "cm-meta", day(c[0]) + " \u00b7 ");
                    var who = el("b", null, data.actors[c[1]]);
                    who.style.color = data.colours[c[1]];
                    meta.appendChild(who);
                    meta.appendChild(document.createTextNode(" \u00b7 " + data.types[c[2]]));
                    li.appendChild(meta);
                    li.appendChild(el("div", null, c[3]));
                    var src = data.sources[c[4]];
                    if (src[1]) {
                        var a = el("a", null, src[0] || "source");
                        a.href = src[1]; a.target = "_blank"; a.rel = "noopener noreferrer";
                        li.appendChild(a);
                    } else if (src[0]) {
                        li.appendChild(el("span", "cm-src", src[0]));
                    }
                    if (c[5] > 1) li.appendChild(el("span", "cm-meta", " \u00b7 reported by " + c[5] + " outlets"));
                    list.appendChild(li);
                });
                box.appendChild(list);
                if (n > claims.length) {
                    box.appendChild(el("p", "cm-more", "and " + (n - claims.length) +
                                       " more (click the marker: the table lists them all)"));
                }
                return box;
            }
            data.rows.forEach(function (r, i) {
                var s = styles[r[4]], colour = data.colours[r[3]];
                // No renderer given: the map's own (prefer_canvas) canvas draws every circle.
                var c = L.circleMarker([r[0], r[1]], {radius: r[2], color: colour,
                    fillColor: colour, fill: true, weight: s.weight, fillOpacity: s.fillOpacity,
                    dashArray: s.dashArray});
                c.cmRow = i;
                layer.addLayer(c);
            });
            // One popup and one tooltip for the whole layer, written for the circle under the pointer: not
            // 3,000 of each made (and unbound at the next filter change) for the few a reader opens.
            // streamlit-folium reads a clicked circle's tooltip through the layer's function (innerText).
            layer.bindPopup(function (c) { return popup(data.rows[c.cmRow], c.cmRow); },
                            {maxWidth: 380, minWidth: 240});
            layer.bindTooltip(function (c) {
                var box = el("div");
                box.innerHTML = tooltip(data.rows[c.cmRow]);  // escaped by tooltip()
                return box;
            }, {sticky: true});
            // "Markers drawn", for tests and the bench: set once the layer is on the map.
            layer.once("add", function () {
                this._map.getContainer().setAttribute("data-cm-markers", String(data.rows.length));
            });
        })();
"""

    def __init__(self, markers: list[Marker]):
        super().__init__()
        self._name = "PlaceLayer"
        self._styles_json = _js_json({str(p): {"weight": s["weight"], "fillOpacity": s["fill_opacity"],
                                               "dashArray": s["dash_array"]} for p, s in PRECISION_STYLES.items()})
        payload = popup_payload(markers)
        claims = [row.pop() for row in payload["rows"]]  # rows keep [0..7]; claims travel as JSON text
        self._data_json = _js_json(payload)
        self._claims_json = _js_json(json.dumps(claims, ensure_ascii=False, separators=(",", ":")))

    def script(self, map_name: str) -> str:
        return self._JS % {"map": map_name, "styles": self._styles_json, "data": self._data_json,
                           "claims": self._claims_json}


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


class _Outline(_ScriptElement):
    """A static GeoJSON layer: not interactive, so it never catches clicks meant for markers."""

    def __init__(self, data: dict, style: dict):
        super().__init__()
        self._name = "Outline"
        self._data_json, self._style_json = _outline_json(data), _js_json(style)

    def script(self, map_name: str) -> str:
        return (f"L.geoJSON({self._data_json}, {{style: {self._style_json}, interactive: false}})"
                f".addTo({map_name});")


_OUTLINE_JSON: dict[int, tuple[dict, str]] = {}


def _outline_json(data: dict) -> str:
    """The outlines' JSON, made once per loaded outline object (a megabyte: not worth redoing per map)."""
    hit = _OUTLINE_JSON.get(id(data))
    if hit is None or hit[0] is not data:
        hit = _OUTLINE_JSON[id(data)] = (data, _js_json(data))
    return hit[1]


def _round_coords(obj, digits: int):
    if isinstance(obj, list):
        if obj and isinstance(obj[0], (int, float)):
            return [round(v, digits) for v in obj]
        return [_round_coords(v, digits) for v in obj]
    return obj


def _display_copy(source: Path) -> dict | None:
    """The simplified display copy of an outline file (geo/simplify_outlines.py), if it was made from the
    source as it is now (its recorded SHA-1): a rebuilt source is never drawn through a stale copy."""
    copy = display_path(source)
    try:
        data = json.loads(copy.read_text(encoding="utf-8"))
        made_from = data.pop("conflict_map_source", None) or {}
        current = made_from.get("sha1") == hashlib.sha1(source.read_bytes()).hexdigest()
    except (OSError, ValueError, AttributeError):
        return None
    return data if current and data.get("features") is not None else None


def load_outlines(data_dir: Path = GEO_DATA, digits: int = 3) -> dict[str, dict]:
    """The outline files that exist, by file name: their display copy when it is current (a few times
    smaller), else the file itself with coordinates rounded (~100 m) and properties dropped."""
    outlines = {}
    for name in OUTLINE_FILES:
        path = Path(data_dir) / name
        if not path.is_file():
            continue
        data = _display_copy(path)
        if data is None:
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


def view_bounds(markers: list[Marker] | list[tuple[float, float, int]], q: float = 0.05,
                margin: float = 5.0) -> list[list[float]]:
    """The box to open the map on: where most claims are, plus every place within `margin` degrees of it.
    `markers`: Markers, or (lat, lon, claims) per place (views.place_points).

    A few far places (a claim made in New York, a misplaced name on another continent) must not zoom the
    map out to the whole world; they stay on the map, reachable by zooming out.
    """
    points = [(mk.lat, mk.lon, mk.n_claims) if isinstance(mk, Marker) else tuple(mk) for mk in markers]
    south, north = (_weighted_quantile([(lat, n) for lat, _, n in points], x) for x in (q, 1 - q))
    west, east = (_weighted_quantile([(lon, n) for _, lon, n in points], x) for x in (q, 1 - q))
    near = [(lat, lon) for lat, lon, _ in points if south - margin <= lat <= north + margin
            and west - margin <= lon <= east + margin]
    return [[min(lat for lat, _ in near), min(lon for _, lon in near)],
            [max(lat for lat, _ in near), max(lon for _, lon in near)]]


def base_map(outlines: dict[str, dict] | None = None, online_tiles: bool = False,
             leaflet: tuple[list, list] | None = None, actors: list[str] = (),
             bounds: list[list[float]] | None = None) -> folium.Map:
    """The map without its markers: outlines, legend, initial view. It depends only on the data as a whole
    (every actor, every place's extent), so a filter change keeps it: streamlit-folium then swaps the
    marker layer in place instead of reloading the map, and the reader's zoom and pan stay."""
    m = folium.Map(location=DEFAULT_CENTER, zoom_start=DEFAULT_ZOOM, tiles=None, control_scale=True,
                   prefer_canvas=True)  # canvas: thousands of circles stay fluid where SVG paths would not
    if leaflet:  # only what these elements need: no jQuery, Bootstrap or icon fonts from a CDN
        m.default_js, m.default_css = list(leaflet[0]), list(leaflet[1])
    m.get_root().header.add_child(Element(_CSS), name="conflict_map_css")
    if online_tiles:
        folium.TileLayer("OpenStreetMap").add_to(m)
    for name in OUTLINE_FILES:
        if outlines and name in outlines:
            style = _OUTLINE_STYLES[name][1 if online_tiles else 0]
            m.add_child(_Outline(outlines[name], style))
    if bounds:
        m.fit_bounds(bounds, padding=(40, 40), max_zoom=9)
    ordered = sorted(actors, key=lambda a: (list(ACTOR_COLOURS).index(a) if a in ACTOR_COLOURS else 99, a))
    m.add_child(_Legend(legend_html(ordered)))
    return m


def marker_layer(markers: list[Marker]) -> folium.FeatureGroup:
    """One circle per place (radius by claims, colour by dominant actor), as a layer for base_map."""
    group = folium.FeatureGroup(name="places", control=False)
    group.add_child(_PlaceLayer(markers))
    return group


def build_map(markers: list[Marker], outlines: dict[str, dict] | None = None, online_tiles: bool = False,
              leaflet: tuple[list, list] | None = None) -> folium.Map:
    """A whole map (base and markers) in one object: for a standalone page or a test."""
    present = {mk.dominant_actor for mk in markers}
    m = base_map(outlines, online_tiles, leaflet, sorted(present), view_bounds(markers) if markers else None)
    m.add_child(marker_layer(markers))
    return m
