"""Township map: a pydeck deck of the townships, coloured by an indicator, with their names drawn on it.

Two kinds of map, chosen by what the reference folder holds:

* **choropleth** — when ``boundaries/<县>.geojson`` exists (a FeatureCollection of Polygon / MultiPolygon
  features in WGS84 longitude/latitude with a ``name`` property per township), each township's area is
  filled by the class of its value (at most five classes of about equal count, darker is higher), with a
  legend of the classes;
* **columns** — otherwise, a column at each township seat (``townships.csv``), coloured and extruded
  by the value.

Offline by construction: no basemap (``map_provider=None``, no ``map_style``), no tiles, no web fonts.
deck.gl draws text with the browser's own fonts, so the labels name locally installed CJK fonts and
carry the exact characters they use (deck.gl's default character set is ASCII only).
"""
from __future__ import annotations

import bisect
import json
import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pydeck as pdk

from rural.settings import reference_path

def map_indicators(df: pd.DataFrame | None = None) -> dict[str, tuple[str, str]]:
    """The indicators the map can show, column of ``indicators.township_table`` → (label, unit), from the catalogue:
    the built-in values marked ``map`` and, when ``df`` is given, every county indicator marked ``map`` that has
    township figures (column ``custom:<key>``)."""
    from rural import catalogue

    out = {m.key: (m.name, m.unit) for m in catalogue.map_measures()}
    if df is not None:
        for ind in catalogue.custom():
            col = f"custom:{ind.key}"
            if ind.map and col in df and df[col].notna().any():
                out[col] = (ind.name, ind.unit)
    return out


class _BuiltIn(dict):
    """``MAP_INDICATORS``: the built-in map values (read from the catalogue when first used)."""

    def _fill(self):
        if not dict.__len__(self):
            self.update(map_indicators())

    def __getitem__(self, key):
        self._fill()
        return dict.__getitem__(self, key)

    def __iter__(self):
        self._fill()
        return dict.__iter__(self)

    def __len__(self):
        self._fill()
        return dict.__len__(self)


MAP_INDICATORS = _BuiltIn()
LOW, HIGH = (230, 159, 0), (0, 114, 178)   # Okabe–Ito orange → blue
NO_DATA = (200, 200, 200)


def _hex(*codes: str) -> list[tuple[int, int, int]]:
    return [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in codes]


# ColorBrewer YlGnBu (sequential, colour-blind safe): the choropleth's classes, darker is higher.
CLASS_COLOURS = {1: _hex("#41b6c4"), 2: _hex("#a1dab4", "#2c7fb8"), 3: _hex("#edf8b1", "#7fcdbb", "#2c7fb8"),
                 4: _hex("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
                 5: _hex("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")}
# Fonts the browser already has (Debian's fonts-noto-cjk; Windows / macOS / Android equivalents): nothing is fetched.
FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
NAME_SIZE, VALUE_SIZE = 15, 12            # pixels: readable on a 1366×768 screen and on a phone alike
MAX_CLASSES = 5
MAX_BOUNDARY_MB = 50
TEXT_ON_TOP = {"depthCompare": "always", "depthWriteEnabled": False}   # labels are never hidden behind columns

LAYER_IDS = {"columns": "township-columns", "seats": "township-seats", "boundaries": "township-boundaries",
             "names": "township-names", "values": "township-values"}


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: tuple[int, int, int]


@dataclass(frozen=True)
class TownshipMap:
    """What the 地图 page shows: the deck, which kind of map it is, its legend and a note in Chinese."""
    deck: pdk.Deck
    kind: str                                   # "choropleth" | "columns"
    legend: tuple[LegendEntry, ...]
    labels: tuple[str, ...]                     # every text drawn on the map
    notes: tuple[str, ...] = field(default_factory=tuple)


class BoundaryError(ValueError):
    """A boundary file that cannot be used; the message is Chinese and names no path."""


# Values and their text ------------------------------------------------------------------------------------

def value_text(v, unit: str) -> str:
    if v is None or pd.isna(v):
        return "—"
    if unit in ("户", "人"):
        return f"{int(round(float(v))):,}{unit}"
    return f"{float(v):,.2f}{unit}"


def _colour(t: float) -> list[int]:
    return [round(a + (b - a) * t) for a, b in zip(LOW, HIGH)]


def classify(values: list[float], k: int = MAX_CLASSES) -> list[float]:
    """Upper bounds of at most ``k`` classes of about equal count (ties stay in one class)."""
    vs = sorted(values)
    if not vs:
        return []
    k = max(1, min(k, len(set(vs))))
    breaks: list[float] = []
    for i in range(1, k):
        b = vs[math.ceil(i * len(vs) / k) - 1]
        if breaks and b <= breaks[-1]:          # a tie swallowed this class: start it at the next value up
            b = next((v for v in vs if v > breaks[-1]), vs[-1])
        if b < vs[-1]:
            breaks.append(b)
    return breaks + [vs[-1]]


def class_of(v: float, uppers: list[float]) -> int:
    return min(bisect.bisect_left(uppers, v), len(uppers) - 1)


# Boundaries -----------------------------------------------------------------------------------------------

def boundary_file(county: str | None) -> Path | None:
    """``boundaries/<县>.geojson`` of the county's reference folder (else the bundled one), if it exists."""
    if not county or any(c in county for c in "/\\\0") or county.startswith("."):
        return None
    path = reference_path(f"boundaries/{county}.geojson")
    return path if path.is_file() else None


def _rings(geometry: dict) -> list[list[list[list[float]]]]:
    """The polygons of a Polygon / MultiPolygon geometry, each a list of rings of [lon, lat]."""
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    polys = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else None
    if not isinstance(polys, list) or not polys:
        raise BoundaryError("只支持面（Polygon / MultiPolygon）边界")
    out = []
    for poly in polys:
        rings = []
        for ring in poly if isinstance(poly, list) else []:
            pts = [[float(p[0]), float(p[1])] for p in ring]
            if len(pts) < 3:
                raise BoundaryError("边界的环少于3个点")
            if not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in pts):
                raise BoundaryError("边界坐标不是经纬度（应为 WGS84 经度、纬度）")
            rings.append(pts)
        if not rings:
            raise BoundaryError("边界没有坐标")
        out.append(rings)
    return out


@lru_cache(maxsize=8)
def _read(path: str, mtime_ns: int, size: int) -> tuple[dict[str, dict], int]:
    """Township name → GeoJSON geometry, and how many features were left out as unusable."""
    if size > MAX_BOUNDARY_MB * 1024 * 1024:
        raise BoundaryError(f"乡镇边界文件超过{MAX_BOUNDARY_MB}MB")
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryError("乡镇边界文件不是有效的 GeoJSON") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise BoundaryError("乡镇边界文件应为 GeoJSON 的 FeatureCollection")
    shapes: dict[str, dict] = {}
    skipped = 0
    for feat in doc["features"]:
        props = feat.get("properties") if isinstance(feat, dict) else None
        name = (props or {}).get("name") or (props or {}).get("乡镇")
        geometry = feat.get("geometry") if isinstance(feat, dict) else None
        try:
            if not isinstance(name, str) or not name.strip() or not isinstance(geometry, dict):
                raise BoundaryError("缺少名称或几何")
            _rings(geometry)
        except (BoundaryError, TypeError, ValueError, IndexError):
            skipped += 1
            continue
        shapes[name.strip()] = {"type": geometry["type"], "coordinates": geometry["coordinates"]}
    return shapes, skipped


def read_boundaries(path: Path) -> tuple[dict[str, dict], int]:
    st = os.stat(path)
    return _read(str(path), st.st_mtime_ns, st.st_size)


def _ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-15:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(a) / 2, cx / (3 * a), cy / (3 * a)


def _inside(x: float, y: float, rings: list[list[list[float]]]) -> bool:
    """Even–odd rule over the outer ring and its holes."""
    hit = False
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                hit = not hit
    return hit


def label_point(geometry: dict, seat: tuple[float, float] | None = None) -> tuple[float, float]:
    """Where a township's name goes: its seat if that lies inside its area, else a point inside its largest part."""
    polys = _rings(geometry)
    if seat is not None and any(_inside(seat[0], seat[1], p) for p in polys):
        return seat
    biggest = max(polys, key=lambda p: _ring_area_centroid(p[0])[0])
    _, cx, cy = _ring_area_centroid(biggest[0])
    if _inside(cx, cy, biggest):
        return cx, cy
    xs = []                                     # the widest stretch of the area along the centroid's latitude
    for ring in biggest:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
            if (y0 > cy) != (y1 > cy):
                xs.append(x0 + (cy - y0) * (x1 - x0) / (y1 - y0))
    xs.sort()
    spans = [(xs[i + 1] - xs[i], (xs[i] + xs[i + 1]) / 2) for i in range(0, len(xs) - 1, 2)]
    return (max(spans)[1], cy) if spans else (cx, cy)


def _bounds(geometry: dict) -> tuple[float, float, float, float]:
    pts = [p for poly in _rings(geometry) for p in poly[0]]
    return min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts)


# The view -------------------------------------------------------------------------------------------------

def fit_view(bounds: tuple[float, float, float, float], width: float, height: float, pitch: float) -> pdk.ViewState:
    """A view showing ``bounds`` (lon0, lat0, lon1, lat1) in ``width``×``height`` pixels of the map."""
    lon0, lat0, lon1, lat1 = bounds

    def merc(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = max(lon1 - lon0, 1e-3) / 360
    dy = max(merc(lat1) - merc(lat0), 1e-3) / (2 * math.pi)
    zoom = math.log2(min(width / (512 * dx), height / (512 * dy)))
    return pdk.ViewState(longitude=(lon0 + lon1) / 2, latitude=(lat0 + lat1) / 2, zoom=round(min(max(zoom, 5.0), 12.0), 2),
                         pitch=pitch, bearing=0)


def _view(bounds, names: list[str], compact: bool, pitched: bool) -> pdk.ViewState:
    """Fit the townships and their labels (centred under each point, value under the name) into the map:
    about 960×560 pixels beside the sidebar on a 1366-wide screen, about 358×440 on a phone. A tilted
    view magnifies its near (southern) side, so it gets more room. The same view whichever labels are shown."""
    width, height = (340, 400) if compact else (700, 470)
    half_label = max((len(n) for n in names), default=0) * NAME_SIZE / 2 + 6
    below = 10 + NAME_SIZE + 6 + VALUE_SIZE + 6
    tilt = 1.25 if pitched else 1.0
    pitch = (25 if compact else 30) if pitched else 0
    return fit_view(bounds, (width - 2 * half_label) / tilt, (height - below) / tilt, pitch)


def _literal(layer: pdk.Layer, **props) -> pdk.Layer:
    """Set props verbatim: pydeck turns every string (and list of strings) argument into a JavaScript
    expression, which would make a character set or a font name a function of the datum."""
    for k, v in props.items():
        setattr(layer, k, v)
    return layer


def _text_layers(points: list[dict], names: bool, values: bool, centred: bool) -> tuple[list[pdk.Layer], list[str]]:
    """The name (bold) and under it the value, hanging below each point (a column's foot) or, ``centred``,
    centred on it (a point inside the township's area). Each layer gets the characters of all labels."""
    layers, texts = [], []
    if names:
        texts += [p["name"] for p in points]
    if values:
        texts += [p["value_text"] for p in points]
    charset = sorted(set("".join(texts)))
    common = dict(get_position="[lon, lat]", get_color=[33, 33, 33, 255], get_text_anchor="'middle'",
                  get_alignment_baseline="'top'", billboard=True, background=True,
                  get_background_color=[255, 255, 255, 215], background_padding=[4, 2, 4, 2], parameters=TEXT_ON_TOP)
    top = -(NAME_SIZE + 6 + VALUE_SIZE) // 2 if centred else 10
    if names:
        layers.append(_literal(pdk.Layer("TextLayer", points, id=LAYER_IDS["names"], get_text="name", get_size=NAME_SIZE,
                                         get_pixel_offset=[0, top], **common),
                               character_set=charset, font_family=FONT_FAMILY, font_weight="bold"))
    if values:
        offset = top + (NAME_SIZE + 6 if names else 0)
        layers.append(_literal(pdk.Layer("TextLayer", points, id=LAYER_IDS["values"], get_text="value_text",
                                         get_size=VALUE_SIZE, get_pixel_offset=[0, offset], **common),
                               character_set=charset, font_family=FONT_FAMILY, font_weight="normal"))
    return layers, texts


def township_map(df: pd.DataFrame, column: str, county: str | None = None, *, names: bool = True,
                 values: bool = True, compact: bool = False) -> TownshipMap | None:
    """``df`` is ``indicators.township_table``. The choropleth when the county has a boundary file, else columns
    at the township seats (townships without coordinates are left off). None when nothing can be placed.

    ``names`` / ``values`` draw each township's name / its value under the name; ``compact`` fits the county
    into a phone-sized map."""
    label, unit = map_indicators(df)[column]
    notes: list[str] = []
    d = df.copy()
    d["value"] = pd.to_numeric(d[column], errors="coerce")
    d["value_text"] = [value_text(v, unit) for v in d["value"]]
    d["note"] = d["coord_note"].fillna("") if "coord_note" in d else ""

    path = boundary_file(county)
    if path is not None:
        try:
            shapes, skipped = read_boundaries(path)
        except BoundaryError as exc:
            shapes, skipped = {}, 0
            notes.append(f"乡镇边界文件无法使用（{exc}），改用柱状图。")
        matched = d[d["name"].isin(shapes)]
        if shapes and matched.empty:
            notes.append("乡镇边界文件中没有与本县乡镇同名的边界，改用柱状图。")
        elif not matched.empty:
            if skipped:
                notes.append(f"边界文件中有{skipped}个要素缺少名称或坐标不可用，未画出。")
            return _choropleth(d, matched, shapes, label, unit, names, values, compact, notes)
    return _columns(d, label, unit, names, values, compact, notes)


def _tooltip(label: str, seat_note: bool) -> dict:
    return {"html": "<b>{name}</b><br/>" + label + "：{value_text}" + ("<br/><small>位置：{note}</small>" if seat_note else ""),
            "style": {"backgroundColor": "white", "color": "#222", "fontSize": "13px"}}


def _choropleth(d, matched, shapes, label, unit, names, values, compact, notes) -> TownshipMap:
    present = matched["value"].dropna().tolist()
    uppers = classify(present)
    k = len(uppers)
    colours = CLASS_COLOURS.get(k, [])
    members: list[list[float]] = [[] for _ in range(k)]
    features, points, bounds = [], [], []
    for r in matched.itertuples():
        geometry = shapes[r.name]
        if pd.isna(r.value):
            fill = NO_DATA
        else:
            c = class_of(r.value, uppers)
            members[c].append(r.value)
            fill = colours[c]
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"name": r.name, "value_text": r.value_text, "fill": [*fill, 230]}})
        seat = (r.lon, r.lat) if not (pd.isna(r.lon) or pd.isna(r.lat)) else None
        lon, lat = label_point(geometry, seat)
        points.append({"name": r.name, "value_text": r.value_text, "lon": lon, "lat": lat})
        bounds.append(_bounds(geometry))
    legend = []
    for i, ms in enumerate(members):
        if ms:
            lo, hi = value_text(min(ms), unit), value_text(max(ms), unit)
            legend.append(LegendEntry(lo if lo == hi else f"{lo}～{hi}", colours[i]))
    if matched["value"].isna().any():
        legend.append(LegendEntry("无数据", NO_DATA))
    missing = [n for n in d["name"] if n not in shapes]
    if missing:
        notes.append(f"边界文件中没有{'、'.join(missing)}的边界，图上未画出。")
    area = pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": features}, id=LAYER_IDS["boundaries"],
                     get_fill_color="properties.fill", get_line_color=[255, 255, 255, 255], line_width_min_pixels=1.5,
                     stroked=True, filled=True, pickable=True, auto_highlight=True)
    texts, labels = _text_layers(points, names, values, centred=True)
    box = (min(b[0] for b in bounds), min(b[1] for b in bounds), max(b[2] for b in bounds), max(b[3] for b in bounds))
    deck = pdk.Deck(layers=[area, *texts], initial_view_state=_view(box, list(matched["name"]), compact, pitched=False),
                    tooltip=_tooltip(label, False), map_provider=None)
    return TownshipMap(deck, "choropleth", tuple(legend), tuple(labels), tuple(notes))


def _columns(d, label, unit, names, values, compact, notes) -> TownshipMap | None:
    placed = d.dropna(subset=["lon", "lat"]).copy()
    if placed.empty:
        return None
    missing = [n for n in d["name"] if n not in set(placed["name"])]
    if missing:
        notes.append(f"{'、'.join(missing)}没有驻地坐标，图上未画出。")
    v = placed["value"]
    lo, hi = v.min(), v.max()
    span = (hi - lo) or 1
    placed["t"] = ((v - lo) / span).fillna(0)
    placed["fill"] = [[*_colour(t), 220] if not pd.isna(x) else [*NO_DATA, 220] for t, x in zip(placed["t"], v)]
    placed["height"] = 500 + placed["t"] * 9500
    records = placed[["name", "lon", "lat", "value_text", "note", "fill", "height"]].to_dict("records")
    columns = pdk.Layer("ColumnLayer", records, id=LAYER_IDS["columns"], get_position=["lon", "lat"],
                        get_elevation="height", elevation_scale=1, radius=1800, get_fill_color="fill", pickable=True,
                        auto_highlight=True, extruded=True)
    seats = pdk.Layer("ScatterplotLayer", records, id=LAYER_IDS["seats"], get_position=["lon", "lat"], get_radius=2600,
                      get_fill_color=[200, 200, 200, 90], get_line_color=[120, 120, 120, 160], stroked=True,
                      line_width_min_pixels=1)
    points = [{k: r[k] for k in ("name", "value_text", "lon", "lat")} for r in records]
    texts, labels = _text_layers(points, names, values, centred=False)
    box = (placed["lon"].min(), placed["lat"].min(), placed["lon"].max(), placed["lat"].max())
    legend = []
    if not v.dropna().empty:
        legend = [LegendEntry(f"最低 {value_text(lo, unit)}", LOW), LegendEntry(f"最高 {value_text(hi, unit)}", HIGH)]
    if v.isna().any():
        legend.append(LegendEntry("无数据", NO_DATA))
    deck = pdk.Deck(layers=[seats, columns, *texts], initial_view_state=_view(box, list(placed["name"]), compact, pitched=True),
                    tooltip=_tooltip(label, True), map_provider=None)
    return TownshipMap(deck, "columns", tuple(legend), tuple(labels), tuple(notes))


def township_deck(df: pd.DataFrame, column: str, county: str | None = None, **kwargs) -> pdk.Deck | None:
    """The deck alone (see ``township_map``)."""
    m = township_map(df, column, county, **kwargs)
    return m.deck if m else None
