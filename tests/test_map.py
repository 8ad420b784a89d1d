"""The 地图 page: the deck spec ``rural.maps`` builds (labels that can be drawn, CJK fonts, nothing online,
choropleth when a boundary file exists), and a real browser that reads the labels deck.gl actually drew.

deck.gl draws text into a WebGL canvas, so the browser tests read the drawn labels two ways: deck.gl's own
text-layer state (font atlas and glyph count, reached through the chart's React tree), and the pixels — a
screenshot of the map with the names on is compared with one with the names switched off, around the place
where each township's label belongs.
"""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from rural import maps
from rural.indicators import Scope, township_table
from tests.conftest import ROOT

COUNTY = "南华县"


def spec_of(m: maps.TownshipMap) -> dict:
    return json.loads(m.deck.to_json())


def layers_of(spec: dict, kind: str) -> list[dict]:
    return [layer for layer in spec["layers"] if layer["@@type"] == kind]


def strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v)


def drawn_texts(layer: dict) -> list[str]:
    """What a TextLayer draws: ``getText`` is ``@@=<field>`` of each datum."""
    field = layer["getText"].removeprefix("@@=")
    return [d[field] for d in layer["data"]]


def square(lon: float, lat: float, r: float = 0.03) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon - r, lat - r], [lon + r, lat - r], [lon + r, lat + r],
                                                [lon - r, lat + r], [lon - r, lat - r]]]}


def clip(poly: list[tuple[float, float]], a: float, b: float, c: float) -> list[tuple[float, float]]:
    """The part of ``poly`` where a·x + b·y ≤ c (Sutherland–Hodgman against one half-plane)."""
    out = []
    for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1]):
        f0, f1 = a * x0 + b * y0 - c, a * x1 + b * y1 - c
        if f0 <= 0:
            out.append((x0, y0))
        if (f0 < 0 < f1) or (f1 < 0 < f0):
            t = f0 / (f0 - f1)
            out.append((x0 + t * (x1 - x0), y0 + t * (y1 - y0)))
    return out


def voronoi(points: list[tuple[float, float]], pad: float = 0.08) -> list[dict]:
    """Synthetic township areas that tile the county like real ones: each seat's Voronoi cell in a box around all."""
    x0, y0 = min(p[0] for p in points) - pad, min(p[1] for p in points) - pad
    x1, y1 = max(p[0] for p in points) + pad, max(p[1] for p in points) + pad
    cells = []
    for i, (x, y) in enumerate(points):
        poly = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        for j, (u, v) in enumerate(points):
            if i != j:
                poly = clip(poly, u - x, v - y, (u * u + v * v - x * x - y * y) / 2)
        ring = [[round(px, 6), round(py, 6)] for px, py in poly]
        cells.append({"type": "Polygon", "coordinates": [ring + ring[:1]]})
    return cells


def bundled_townships() -> list[dict]:
    with (ROOT / "data" / "reference" / "townships.csv").open(encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["县"] == COUNTY]


def write_boundaries(ref, features: list[dict] | None = None, text: str | None = None) -> None:
    """A reference folder with the bundled files and ``boundaries/南华县.geojson`` (synthetic squares by default)."""
    ref.mkdir(parents=True, exist_ok=True)
    for f in (ROOT / "data" / "reference").iterdir():        # folders fall back to the bundled ones
        if f.is_file():
            shutil.copy(f, ref / f.name)
    if features is None:
        towns = bundled_townships()
        cells = voronoi([(float(t["经度"]), float(t["纬度"])) for t in towns])
        features = [{"type": "Feature", "properties": {"name": t["乡镇"]}, "geometry": g} for t, g in zip(towns, cells)]
    (ref / "boundaries").mkdir(exist_ok=True)
    (ref / "boundaries" / f"{COUNTY}.geojson").write_text(
        text if text is not None else json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8")


@pytest.fixture(scope="module")
def table(sample_engine):
    return township_table(sample_engine, Scope(None, None, COUNTY))


@pytest.fixture
def no_boundaries(monkeypatch, tmp_path):
    ref = tmp_path / "ref"
    ref.mkdir()
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    return ref


@pytest.fixture
def with_boundaries(monkeypatch, tmp_path):
    ref = tmp_path / "ref"
    write_boundaries(ref)
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    return ref


# The deck spec ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("column", list(maps.MAP_INDICATORS))
def test_text_layers_carry_every_character_and_a_cjk_font(table, no_boundaries, column):
    m = maps.township_map(table, column, COUNTY)
    texts = layers_of(spec_of(m), "TextLayer")
    assert [t["id"] for t in texts] == [maps.LAYER_IDS["names"], maps.LAYER_IDS["values"]]
    assert drawn_texts(texts[0]) == list(table["name"])                  # every township named
    for layer in texts:
        charset = layer["characterSet"]
        assert isinstance(charset, list) and all(isinstance(c, str) and len(c) == 1 for c in charset)
        for label in drawn_texts(layer):
            assert label and set(label) <= set(charset), (label, charset)
        assert set("".join(m.labels)) <= set(charset)
        font = layer["fontFamily"]
        assert not font.startswith("@@=") and "Noto Sans CJK SC" in font and font.rstrip().endswith("sans-serif")
        assert layer["parameters"]["depthCompare"] == "always"          # drawn over the columns
        assert 12 <= layer["getSize"] <= 20


def test_the_old_auto_character_set_would_be_an_expression():
    """Why the labels never appeared: pydeck turns the string "auto" into the accessor ``@@=auto``."""
    import pydeck as pdk

    old = json.loads(pdk.Deck(layers=[pdk.Layer("TextLayer", [{"name": "龙川镇"}], character_set="auto")],
                              map_provider=None).to_json())
    assert old["layers"][0]["characterSet"] == "@@=auto"


def test_values_under_names_and_toggles(table, no_boundaries):
    m = maps.township_map(table, "per_capita", COUNTY)
    values = drawn_texts(layers_of(spec_of(m), "TextLayer")[1])
    assert values[0] == "16,922.70元"
    assert maps.value_text(265.0, "户") == "265户" and maps.value_text(None, "%") == "—"
    only_names = spec_of(maps.township_map(table, "per_capita", COUNTY, values=False))
    assert [t["id"] for t in layers_of(only_names, "TextLayer")] == [maps.LAYER_IDS["names"]]
    bare = maps.township_map(table, "per_capita", COUNTY, names=False, values=False)
    assert layers_of(spec_of(bare), "TextLayer") == [] and bare.labels == ()


@pytest.mark.parametrize("boundaries", [False, True])
def test_nothing_refers_to_the_internet(table, monkeypatch, tmp_path, boundaries):
    ref = tmp_path / "ref"
    if boundaries:
        write_boundaries(ref)
    else:
        ref.mkdir()
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    spec = spec_of(maps.township_map(table, "households", COUNTY))
    assert spec.get("mapProvider") is None
    assert spec.get("mapStyle") in (None, "__MAP_STYLE__")      # pydeck's sentinel: Streamlit drops it, no basemap
    for s in strings(spec):
        assert "://" not in s and not s.startswith("//") and "url(" not in s.lower(), s
    for layer in spec["layers"]:
        assert layer["@@type"] not in ("TileLayer", "MVTLayer", "BitmapLayer", "TerrainLayer", "Tile3DLayer", "IconLayer")


def test_columns_without_a_boundary_file(table, no_boundaries):
    m = maps.township_map(table, "elimination_rate_people", COUNTY)
    spec = spec_of(m)
    assert m.kind == "columns"
    assert layers_of(spec, "ColumnLayer") and not layers_of(spec, "GeoJsonLayer")
    assert spec["initialViewState"]["pitch"] > 0
    assert [e.label for e in m.legend] == ["最低 67.11%", "最高 76.32%"]


def test_the_bundled_reference_has_no_boundaries_for_the_sample_county(table, monkeypatch):
    monkeypatch.delenv("RURAL_REFERENCE_DIR", raising=False)
    assert maps.boundary_file(COUNTY) is None
    assert maps.township_map(table, "households", COUNTY).kind == "columns"


def test_choropleth_when_a_boundary_file_exists(table, with_boundaries):
    m = maps.township_map(table, "households", COUNTY)
    spec = spec_of(m)
    assert m.kind == "choropleth" and m.notes == ()
    assert not layers_of(spec, "ColumnLayer")
    (area,) = layers_of(spec, "GeoJsonLayer")
    features = area["data"]["features"]
    assert [f["properties"]["name"] for f in features] == list(table["name"])
    assert area["getFillColor"] == "@@=properties.fill"
    assert spec["initialViewState"]["pitch"] == 0
    # classes of about equal count, each labelled in Chinese with its range; every fill is a legend colour
    assert 2 <= len(m.legend) <= maps.MAX_CLASSES
    assert all(e.label.endswith("户") for e in m.legend)
    colours = {e.colour for e in m.legend}
    assert {tuple(f["properties"]["fill"][:3]) for f in features} == colours
    by_name = dict(zip(table["name"], table["households"]))
    for f in features:          # the highest class is the bluest, the lowest the most orange
        if by_name[f["properties"]["name"]] == max(by_name.values()):
            assert tuple(f["properties"]["fill"][:3]) == m.legend[-1].colour
        if by_name[f["properties"]["name"]] == min(by_name.values()):
            assert tuple(f["properties"]["fill"][:3]) == m.legend[0].colour
    # the names are drawn there too, inside their areas
    names = layers_of(spec, "TextLayer")[0]
    assert drawn_texts(names) == list(table["name"])
    for d, f in zip(names["data"], features):
        assert maps._inside(d["lon"], d["lat"], f["geometry"]["coordinates"])
    assert "位置" not in m.deck._tooltip["html"]          # Streamlit sends the tooltip beside the spec


def test_choropleth_without_township_coordinates(table, with_boundaries):
    """The areas need no seat coordinates; the names go inside the areas."""
    bare = table.assign(lon=None, lat=None)
    m = maps.township_map(bare, "people", COUNTY)
    assert m.kind == "choropleth"
    assert maps.township_map(bare, "people", "别的县") is None          # no boundaries, no seats: nothing to draw


def test_boundary_file_problems_fall_back_to_columns(table, monkeypatch, tmp_path):
    ref = tmp_path / "ref"
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    write_boundaries(ref, text="{not json")
    m = maps.township_map(table, "people", COUNTY)
    assert m.kind == "columns" and m.notes == ("乡镇边界文件无法使用（乡镇边界文件不是有效的 GeoJSON），改用柱状图。",)

    write_boundaries(ref, [{"type": "Feature", "properties": {"name": "别处镇"}, "geometry": square(101, 25)}])
    m = maps.township_map(table, "people", COUNTY)
    assert m.kind == "columns" and "没有与本县乡镇同名的边界" in m.notes[0]

    towns = bundled_townships()
    feats = [{"type": "Feature", "properties": {"name": t["乡镇"]}, "geometry": square(float(t["经度"]), float(t["纬度"]))}
             for t in towns[:-1]]
    feats.append({"type": "Feature", "properties": {"name": towns[-1]["乡镇"]},
                  "geometry": square(500000, 2800000)})                     # metres, not degrees: left out
    write_boundaries(ref, feats)
    m = maps.township_map(table, "people", COUNTY)
    assert m.kind == "choropleth"
    assert m.notes == ("边界文件中有1个要素缺少名称或坐标不可用，未画出。", f"边界文件中没有{towns[-1]['乡镇']}的边界，图上未画出。")
    for note in m.notes:
        assert str(tmp_path) not in note and "geojson" not in note.lower() and "/" not in note


def test_label_point_is_inside_a_concave_area():
    u_shape = {"type": "Polygon", "coordinates": [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]]}
    x, y = maps.label_point(u_shape)
    assert maps._inside(x, y, maps._rings(u_shape)[0])
    assert maps.label_point(u_shape, seat=(0.5, 2.5)) == (0.5, 2.5)            # the seat, when it is inside
    assert maps.label_point(u_shape, seat=(1.5, 2.5)) != (1.5, 2.5)            # not when it is in the notch
    multi = {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
                                                     [[[5, 5], [9, 5], [9, 9], [5, 9], [5, 5]]]]}
    x, y = maps.label_point(multi)
    assert 5 < x < 9 and 5 < y < 9                                            # in the larger part


def test_classes():
    assert maps.classify([]) == []
    assert maps.classify([3, 3, 3]) == [3]
    uppers = maps.classify([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert uppers == [2, 4, 6, 8, 10]
    assert [maps.class_of(v, uppers) for v in (1, 2, 3, 10)] == [0, 0, 1, 4]
    assert maps.classify([1, 1, 1, 1, 2, 9]) == [1, 2, 9]                     # ties never split


def test_phone_view_fits_the_county(table, no_boundaries):
    wide = spec_of(maps.township_map(table, "people", COUNTY))["initialViewState"]["zoom"]
    phone = spec_of(maps.township_map(table, "people", COUNTY, compact=True))["initialViewState"]["zoom"]
    assert phone < wide


# A real browser ---------------------------------------------------------------------------------------------

from tests.test_browser import CHROMIUM, Path, browser, page, private_copy, server, session_cookie, settle, streamlit_server  # noqa: E402,F401

browser_only = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it)")
SHOTS = ROOT / "test-output" / "map"
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Mobile Safari/537.36")

# deck.gl's own state, reached through the chart's React tree: the Deck instance is held in a ref of the
# DeckGL component above the canvas. For each text layer: the labels, where each is on the canvas, the
# characters of each label missing from the layer's font atlas, and how many glyphs it draws.
DECK_STATE = """() => {
  const el = document.querySelector('[data-testid="stDeckGlJsonChart"]');
  const canvas = el && el.querySelector('canvas');
  if (!canvas) return {ready: false, why: 'no canvas'};
  const key = Object.keys(canvas).find(k => k.startsWith('__reactFiber'));
  let deck = null;
  for (let f = key && canvas[key]; f && !deck; f = f.return)
    for (let h = f.memoizedState; h && !deck; h = h.next) {
      const v = h.memoizedState;
      if (v && typeof v === 'object' && v.current && v.current.deck) deck = v.current.deck;
    }
  if (!deck || !deck.layerManager) return {ready: false, why: 'no deck'};
  const all = deck.layerManager.getLayers();
  const vp = deck.getViewports()[0];
  if (!vp || !all.length) return {ready: false, why: 'no layers'};
  const layers = all.filter(l => !l.parent).map(l => l.id);
  const text = all.filter(l => l.constructor.layerName === 'TextLayer').map(l => {
    const mapping = (l.state && l.state.fontAtlasManager && l.state.fontAtlasManager.mapping) || {};
    const chars = all.find(s => s.id === l.id + '-characters');
    const get = l.props.getText;
    const labels = Array.from(l.props.data || []).map((d, i) => {
      const t = String(typeof get === 'function' ? get(d, {index: i, data: l.props.data, target: []}) : d[get]);
      const [x, y] = vp.project([d.lon, d.lat, 0]);
      return {text: t, x, y, missing: Array.from(t).filter(c => !(mapping[c] && mapping[c].width > 0))};
    });
    return {id: l.id, loaded: l.isLoaded, font: l.props.fontFamily, size: l.props.getSize,
            offset: l.props.getPixelOffset, glyphs: chars ? chars.getNumInstances() : 0, labels};
  });
  const box = canvas.getBoundingClientRect();
  return {ready: all.every(l => l.isLoaded) && !deck.needsRedraw({clearRedrawFlags: false}),
          width: box.width, height: box.height, layers, text};
}"""


def deck_state(pg, want_names: bool = True) -> dict:
    """Wait until deck.gl has drawn the layers the page asked for, and return its state."""
    for _ in range(100):
        state = pg.evaluate(DECK_STATE)
        has_names = maps.LAYER_IDS["names"] in state.get("layers", [])
        if state["ready"] and has_names == want_names:
            pg.wait_for_timeout(400)            # one more frame on screen
            return pg.evaluate(DECK_STATE)
        pg.wait_for_timeout(150)
    raise AssertionError(f"deck.gl never drew the map: {state}")


def open_map(pg, server: str, deck_errors: list) -> dict:
    pg.on("console", lambda msg: msg.type == "error" and "deck" in msg.text and deck_errors.append(msg.text))
    pg.goto(f"{server}/map")
    settle(pg)
    pg.locator('[data-testid="stDeckGlJsonChart"]').scroll_into_view_if_needed()
    return deck_state(pg)


def canvas_png(pg):
    from PIL import Image

    shot = pg.locator('[data-testid="stDeckGlJsonChart"] canvas').first.screenshot()
    return Image.open(io.BytesIO(shot)).convert("RGB")


def label_boxes(state: dict) -> list[tuple[str, tuple[int, int, int, int]]]:
    """The canvas box (x0, y0, x1, y1) where each name must be drawn: centred under its point, below the offset."""
    (names,) = [t for t in state["text"] if t["id"] == maps.LAYER_IDS["names"]]
    size, dy = names["size"], names["offset"][1]
    return [(lb["text"], (round(lb["x"] - len(lb["text"]) * size / 2), round(lb["y"] + dy - 2),
                          round(lb["x"] + len(lb["text"]) * size / 2), round(lb["y"] + dy + size + 2)))
            for lb in names["labels"]]


def changed_pixels(a, b, box) -> int:
    import numpy as np

    x0, y0, x1, y1 = box
    pa = np.asarray(a.crop(box), dtype=int)
    pb = np.asarray(b.crop(box), dtype=int)
    return int((np.abs(pa - pb).max(axis=2) > 60).sum())


def dark_pixels(img, box) -> int:
    import numpy as np

    px = np.asarray(img.crop(box), dtype=int)
    return int((px.max(axis=2) < 90).sum())        # the labels' near-black ink; columns are light or coloured


def assert_labels_drawn(state: dict, expected: list[str]) -> None:
    """deck.gl's own account: every township's name is in a text layer, every character of it is in the
    font atlas with a width, and the layer draws one glyph per character."""
    by_id = {t["id"]: t for t in state["text"]}
    names = by_id.get(maps.LAYER_IDS["names"])
    assert names, f"no township names layer on the map: {state.get('layers')}"
    assert names["loaded"] and "Noto Sans CJK SC" in names["font"]
    assert [lb["text"] for lb in names["labels"]] == expected
    for t in state["text"]:
        for lb in t["labels"]:
            assert lb["missing"] == [], f"characters {lb['missing']} of {lb['text']} not in the font atlas"
        assert t["glyphs"] == sum(len(lb["text"]) for lb in t["labels"]), t["id"]


def assert_names_on_screen(on, off, state: dict) -> None:
    """The pixels: around every name's place, the picture with names differs from the one without, and has ink."""
    assert on.size == off.size
    for text, box in label_boxes(state):
        x0, y0, x1, y1 = box
        assert 0 <= x0 and 0 <= y0 and x1 <= on.size[0] and y1 <= on.size[1], f"{text} is off the map: {box}"
        area = (x1 - x0) * (y1 - y0)
        changed = changed_pixels(on, off, box)
        assert changed >= area * 0.05, f"{text}: only {changed} of {area} pixels change when names are shown"
        assert dark_pixels(on, box) >= area * 0.04, f"{text}: no ink where its name should be"


def toggle(pg, label: str) -> None:
    pg.get_by_text(label, exact=True).click()
    settle(pg)


def expected_names(sample_db) -> list[str]:
    from rural.db import make_engine

    return list(township_table(make_engine(sample_db[0]), Scope(None, None, COUNTY))["name"])


def no_paths(pg) -> None:
    text = pg.locator('[data-testid="stMain"]').inner_text()
    for bit in ("data/", "reference", ".csv", ".geojson", "/tmp", str(ROOT)):
        assert bit not in text, f"{bit!r} shown on the map page"


@browser_only
@pytest.mark.timeout(300)
def test_names_are_drawn_on_the_map(page, server, sample_db):
    errors: list[str] = []
    state = open_map(page, server, errors)
    expected = expected_names(sample_db)
    assert_labels_drawn(state, expected)
    assert "图例" in page.locator('[data-testid="map-legend"]').inner_text()
    no_paths(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "地图_1366x768.png"))
    page.locator('[data-testid="stDeckGlJsonChart"]').screenshot(path=str(SHOTS / "地图_1366x768_map.png"))
    on = canvas_png(page)

    toggle(page, "显示乡镇名称")
    off_state = deck_state(page, want_names=False)
    off = canvas_png(page)
    assert [t["id"] for t in off_state["text"]] == [maps.LAYER_IDS["values"]]
    assert_names_on_screen(on, off, state)
    toggle(page, "显示乡镇名称")
    assert_labels_drawn(deck_state(page), expected)

    assert errors == [], errors
    assert page.outside == [], f"requests left the machine: {page.outside[:5]}"
    assert page.errors == []


@browser_only
@pytest.mark.timeout(300)
def test_names_are_legible_on_a_phone(browser, server, sample_db):
    from urllib.parse import urlparse

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  user_agent=PHONE_UA, locale="zh-CN")
    context.add_cookies([session_cookie(server)])
    pg = context.new_page()
    outside: list[str] = []
    pg.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost")
             or r.request.url.startswith(("data:", "blob:")) else (outside.append(r.request.url), r.abort()))
    try:
        errors: list[str] = []
        pg.goto(server)
        settle(pg)
        assert pg.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "true"   # collapsed on a phone
        state = open_map(pg, server, errors)
        assert_labels_drawn(state, expected_names(sample_db))
        assert state["width"] <= 390
        pg.locator('[data-testid="stDeckGlJsonChart"]').evaluate("e => e.scrollIntoView({block: 'center'})")
        pg.wait_for_timeout(300)
        SHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SHOTS / "地图_390x844.png"))
        on = canvas_png(pg)
        toggle(pg, "显示乡镇名称")
        deck_state(pg, want_names=False)
        assert_names_on_screen(on, canvas_png(pg), state)         # every name inside the phone's map, drawn
        assert errors == [] and outside == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def boundary_server(sample_db, tmp_path_factory):
    ref = tmp_path_factory.mktemp("mapref") / "reference"
    write_boundaries(ref)
    with streamlit_server(private_copy(sample_db, tmp_path_factory), {"RURAL_REFERENCE_DIR": str(ref)}) as url:
        yield url


@browser_only
@pytest.mark.timeout(300)
def test_choropleth_with_names_in_a_browser(page, boundary_server, sample_db):
    page.context.add_cookies([session_cookie(boundary_server)])
    errors: list[str] = []
    state = open_map(page, boundary_server, errors)
    assert maps.LAYER_IDS["boundaries"] in state["layers"] and maps.LAYER_IDS["columns"] not in state["layers"]
    assert_labels_drawn(state, expected_names(sample_db))
    legend = page.locator('[data-testid="map-legend"]').inner_text()
    assert "按数值分档" in legend and "%" in legend
    no_paths(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "地图_分档_1366x768.png"))
    on = canvas_png(page)
    toggle(page, "显示乡镇名称")
    deck_state(page, want_names=False)
    assert_names_on_screen(on, canvas_png(page), state)
    assert errors == [] and page.outside == [] and page.errors == []
