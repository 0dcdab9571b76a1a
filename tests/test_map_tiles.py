"""The village map's optional base map (issue 17 §3): the tile arithmetic, the setting, the
CSP that lets exactly the tile server's images in, and the map's spec with and without
tiles. In a real browser: tests/test_browser_map_tiles.py."""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest
import vl_convert as vlc

from dorp import config, demo, httpsec
from dorp.charts import lines as lc
from dorp.charts import tiles as xyz
from tests.conftest import LEAD, chart_data, chart_spec

OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
CREDIT = "© OpenStreetMap-bijdragers"
VILLAGES = [(lon, lat) for _, _, _, _, lat, lon in demo.VILLAGES]


# --- tile arithmetic ----------------------------------------------------------------------------

def reference_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The OpenStreetMap wiki's formula, written as it stands there (ln(tan + sec))."""
    n = 2 ** z
    lat_r = math.radians(lat)
    return (int((lon + 180.0) / 360.0 * n),
            int((1.0 - math.log(math.tan(lat_r) + 1 / math.cos(lat_r)) / math.pi) / 2.0 * n))


def test_a_place_falls_in_the_tile_the_reference_formula_names():
    rnd = random.Random(17)
    places = VILLAGES + [(rnd.uniform(-179.9, 179.9), rnd.uniform(-85, 85)) for _ in range(300)]
    for lon, lat in places:
        for z in (0, 1, 5, 8, 12, 17):
            assert xyz.tile_of(lon, lat, z) == reference_tile(lon, lat, z), (lon, lat, z)


def test_known_tiles():
    assert xyz.tile_of(0.001, 0.001, 1) == (1, 0)       # just north-east of (0, 0)
    assert xyz.tile_of(-0.001, -0.001, 1) == (0, 1)
    assert xyz.tile_of(-180, 85.0511, 5) == (0, 0)
    assert xyz.tile_of(179.999, -85.0511, 5) == (31, 31)
    assert xyz.tile_of(6.312, 52.105, 8) == (132, 84)   # Vorden
    assert xyz.tile_of(6.312, 52.105, 12) == (2119, 1351)
    # beyond Web Mercator's edge a place counts on the edge's tiles
    assert xyz.tile_of(10, 89.9, 3) == (4, 0) and xyz.tile_of(10, -89.9, 3) == (4, 7)


def test_corners_of_the_world_and_of_a_tile():
    assert xyz.corner(0, 0, 0) == pytest.approx((-180.0, xyz.MAX_LAT))
    assert xyz.corner(1, 1, 0) == pytest.approx((180.0, -xyz.MAX_LAT))
    assert xyz.corner(1, 1, 1) == pytest.approx((0.0, 0.0), abs=1e-12)
    # the tile that holds a place has it between its corners, and its corners map back to it
    rnd = random.Random(3)
    for _ in range(500):
        lon, lat, z = rnd.uniform(-179.9, 179.9), rnd.uniform(-85, 85), rnd.randint(0, 18)
        x, y = xyz.tile_of(lon, lat, z)
        west, north = xyz.corner(x, y, z)
        east, south = xyz.corner(x + 1, y + 1, z)
        assert west <= lon < east and south < lat <= north
        assert xyz.tile_of(west + 1e-9, north - 1e-9, z) == (x, y)
        assert xyz.tile_of(east - 1e-9, south + 1e-9, z) == (x, y)
        assert xyz.world(west, north) == pytest.approx((x / 2 ** z, y / 2 ** z), abs=1e-12)


def test_tiles_covering_the_demo_villages():
    tiles = xyz.covering(VILLAGES, OSM)
    z = tiles[0].z
    assert {t.z for t in tiles} == {z} and 1 <= len(tiles) <= xyz.MAX_TILES
    # the zoom shows the villages' extent at one to two times the tiles' size in the view
    xs, ys = zip(*(xyz.world(lon, lat) for lon, lat in VILLAGES))
    w, h = xyz.NOMINAL_VIEW
    scale = min(w / ((max(xs) - min(xs)) * 256 * 2 ** z), h / ((max(ys) - min(ys)) * 256 * 2 ** z))
    assert 1 <= scale < 2
    # a block of whole tiles, each named by its own z/x/y, neighbours sharing their edges
    by_xy = {(t.x, t.y): t for t in tiles}
    cols, rows = sorted({t.x for t in tiles}), sorted({t.y for t in tiles})
    assert len(by_xy) == len(cols) * len(rows) == len(tiles)
    assert cols == list(range(cols[0], cols[-1] + 1)) and rows == list(range(rows[0], rows[-1] + 1))
    for t in tiles:
        assert t.url == f"https://tile.openstreetmap.org/{t.z}/{t.x}/{t.y}.png"
        if (t.x + 1, t.y) in by_xy:
            assert by_xy[(t.x + 1, t.y)].west == pytest.approx(t.east)
        if (t.x, t.y + 1) in by_xy:
            assert by_xy[(t.x, t.y + 1)].north == pytest.approx(t.south)
    # they cover every village, and around the extent what a view of any shape can show
    west, north = min(t.west for t in tiles), max(t.north for t in tiles)
    east, south = max(t.east for t in tiles), min(t.south for t in tiles)
    assert all(west < lon < east and south < lat < north for lon, lat in VILLAGES)
    (cx0, cy0), (cx1, cy1) = xyz.world(west, north), xyz.world(east, south)
    ex, ey = max(xs) - min(xs), max(ys) - min(ys)
    assert cx1 - cx0 >= xyz.MAX_ASPECT * ey and cy1 - cy0 >= ex / xyz.MIN_ASPECT


def test_few_tiles_for_far_apart_places_and_one_place():
    world = xyz.covering([(-120.0, 60.0), (150.0, -40.0)], OSM)
    assert len(world) <= xyz.MAX_TILES and world[0].z <= 2
    one = xyz.covering([(5.7, 52.1)], OSM)
    assert 14 <= one[0].z <= xyz.MAX_ZOOM and len(one) <= xyz.MAX_TILES
    assert any(t.west <= 5.7 < t.east and t.south < 52.1 <= t.north for t in one)
    assert xyz.covering([], OSM) == []


# --- the setting ---------------------------------------------------------------------------------

def test_no_tiles_unless_configured(monkeypatch):
    monkeypatch.delenv("DORP_MAP_TILES", raising=False)
    assert config.map_tiles() is None
    monkeypatch.setenv("DORP_MAP_TILES", "  ")
    assert config.map_tiles() is None


def test_tiles_setting_with_its_credit(monkeypatch):
    monkeypatch.setenv("DORP_MAP_TILES", "https://Tiles.Example.nl:8443/osm/{z}/{x}/{y}.png?k=1")
    monkeypatch.setenv("DORP_MAP_ATTRIBUTION", f" {CREDIT} ")
    tiles = config.map_tiles()
    assert tiles.template == "https://Tiles.Example.nl:8443/osm/{z}/{x}/{y}.png?k=1"
    assert tiles.attribution == CREDIT and tiles.origin == "https://tiles.example.nl:8443"


@pytest.mark.parametrize("template", [
    "tile.openstreetmap.org/{z}/{x}/{y}.png",               # no scheme
    "ftp://tiles.example.nl/{z}/{x}/{y}.png",
    "https://tiles.example.nl/{z}/{x}.png",                 # no {y}
    "https://tiles.example.nl/{z}/{x}/{y}/{y}.png",          # {y} twice
    "https://{s}.tile.example.nl/{z}/{x}/{y}.png",          # subdomains: more than one host
    "https://tiles.example.nl/{z}/{x}/{-y}.png",            # TMS rows
    "https://user:pw@tiles.example.nl/{z}/{x}/{y}.png",
    "https://tiles.example.nl:99999/{z}/{x}/{y}.png",
])
def test_a_malformed_tiles_setting_is_refused_in_dutch(monkeypatch, template):
    monkeypatch.setenv("DORP_MAP_TILES", template)
    monkeypatch.setenv("DORP_MAP_ATTRIBUTION", CREDIT)
    with pytest.raises(config.SettingError, match="DORP_MAP_TILES: .* geen adres van kaarttegels"):
        config.map_tiles()


def test_tiles_without_their_credit_are_refused(monkeypatch):
    monkeypatch.setenv("DORP_MAP_TILES", OSM)
    monkeypatch.delenv("DORP_MAP_ATTRIBUTION", raising=False)
    with pytest.raises(config.SettingError, match="DORP_MAP_ATTRIBUTION ontbreekt"):
        config.map_tiles()


# --- the CSP -------------------------------------------------------------------------------------

def _csp(monkeypatch, template: str | None) -> dict[str, str]:
    if template:
        monkeypatch.setenv("DORP_MAP_TILES", template)
        monkeypatch.setenv("DORP_MAP_ATTRIBUTION", CREDIT)
    else:
        monkeypatch.delenv("DORP_MAP_TILES", raising=False)
    httpsec.content_security_policy.cache_clear()
    try:
        return dict(d.split(" ", 1) for d in httpsec.content_security_policy().split("; "))
    finally:
        httpsec.content_security_policy.cache_clear()


def test_csp_lets_images_come_from_the_tile_server_only(monkeypatch):
    plain = _csp(monkeypatch, None)
    assert plain["img-src"] == "'self' data: blob:"
    osm = _csp(monkeypatch, OSM)
    assert osm["img-src"] == "'self' data: blob: https://tile.openstreetmap.org"
    # that host, for images, and nothing else changes: no other directive, no wildcard
    assert {k: v for k, v in osm.items() if k != "img-src"} == \
        {k: v for k, v in plain.items() if k != "img-src"}
    local = _csp(monkeypatch, "http://127.0.0.1:8089/{z}/{x}/{y}.png")
    assert local["img-src"] == "'self' data: blob: http://127.0.0.1:8089"
    assert "*" not in " ".join(local.values())


def test_every_response_carries_the_tile_servers_csp(monkeypatch):
    monkeypatch.setenv("DORP_MAP_TILES", OSM)
    monkeypatch.setenv("DORP_MAP_ATTRIBUTION", CREDIT)
    httpsec.content_security_policy.cache_clear()
    try:
        headers = dict(httpsec.security_headers(https=True))
    finally:
        httpsec.content_security_policy.cache_clear()
    assert "img-src 'self' data: blob: https://tile.openstreetmap.org;" in \
        headers["Content-Security-Policy"]


# --- the map's spec ------------------------------------------------------------------------------

def pilots(n: int | None = None) -> pd.DataFrame:
    rows = [{"village": name, "municipality": mun, "lat": lat, "lon": lon, "step": 1 + i % 4,
             "status": "active"} for i, (name, mun, _, _, lat, lon) in enumerate(demo.VILLAGES)]
    if n is not None:
        rows = [{**rows[i % len(rows)], "village": f"Dorp {i}",
                 "lat": 52 + (i % 20) / 40, "lon": 5.5 + (i // 20) / 20} for i in range(n)]
    return pd.DataFrame(rows)


def test_map_with_tiles_lays_them_under_the_dots_and_fits_the_villages():
    tiles = config.MapTiles(OSM, CREDIT)
    spec = lc.spec(lc.village_map(pilots(), "nl", tiles))
    layers = spec["layer"]
    marks = [layer.get("mark", {}).get("type") for layer in layers]
    assert marks[0] == "image" and marks[1] == "circle"     # tiles first: under everything
    image = layers[0]
    assert image["mark"]["clip"] is True and image["mark"]["aspect"] is False
    enc = image["encoding"]
    assert [enc[c]["field"] for c in ("longitude", "latitude", "longitude2", "latitude2", "url")] \
        == ["west", "north", "east", "south", "url"]
    rows = values(spec, image)
    expected = xyz.covering(spec_fit_points(spec), OSM)
    assert [r["url"] for r in rows] == [t.url for t in expected]
    assert rows[0]["west"] == expected[0].west and rows[0]["north"] == expected[0].north
    # the projection fits the villages and their names, not the tiles (which reach beyond)
    fit = spec["projection"]["fit"]["geometry"]["coordinates"]
    assert {(lon, lat) for lon, lat in VILLAGES} <= {tuple(p) for p in fit}
    assert len(fit) == 2 * len(VILLAGES)
    # names on a white halo, the credit once, under the map's corner
    texts = [layer for layer in layers if layer.get("mark", {}).get("type") == "text"]
    assert [t["mark"].get("stroke") for t in texts[:2]] == ["white", None]
    credit = layers[-1]
    assert values(spec, credit) == [{"credit": CREDIT}]
    assert credit["mark"]["x"] == "width" and credit["mark"]["baseline"] == "top"
    assert spec["usermeta"] == lc.SVG


def values(spec: dict, layer: dict) -> list[dict]:
    """A layer's own rows (Altair moves inline data into the spec's named datasets)."""
    data = layer["data"]
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def spec_fit_points(spec) -> list[tuple[float, float]]:
    return [tuple(p) for p in spec["projection"]["fit"]["geometry"]["coordinates"]]


def test_map_with_tiles_stays_svg_with_hundreds_of_villages():
    """On a canvas a failed tile would stop the redraw (chromium throws on drawing a broken
    image), so a map with tiles is SVG even where the plain map would use a canvas."""
    tiles = config.MapTiles(OSM, CREDIT)
    many = pilots(300)
    assert lc.spec(lc.village_map(many))["usermeta"] == lc.CANVAS
    spec = lc.spec(lc.village_map(many, "nl", tiles))
    assert spec["usermeta"] == {"embedOptions": {"renderer": "svg"}}
    texts = [x for x in spec["layer"] if x["mark"].get("type") == "text"]
    assert len(texts) == 1 and values(spec, texts[0]) == [{"credit": CREDIT}]   # no names
    assert len(spec["projection"]["fit"]["geometry"]["coordinates"]) == 300   # dots only


def test_map_without_tiles_is_the_plain_map():
    plain = lc.spec(lc.village_map(pilots()))
    assert plain == lc.spec(lc.village_map(pilots(), "nl", None))
    assert plain["projection"] == {"type": "mercator"}
    assert "image" not in str(plain) and "tile" not in str(plain).lower()


def test_map_with_tiles_renders_offline():
    """vl-convert cannot reach the tile server either: the map renders, with dots and names."""
    svg = vlc.vegalite_to_svg(lc.spec(lc.village_map(pilots(), "nl", config.MapTiles(
        "http://127.0.0.1:9/{z}/{x}/{y}.png", CREDIT))))
    assert "Vorden" in svg and CREDIT in svg


# --- the page ------------------------------------------------------------------------------------

def test_overview_map_follows_the_setting(app_as, monkeypatch):
    def the_map(at):
        return next(c for c in at.get("vega_lite_chart") if chart_spec(c).get("projection"))

    plain = chart_spec(the_map(app_as(LEAD)))
    assert "image" not in str(plain)
    monkeypatch.setenv("DORP_MAP_TILES", OSM)
    monkeypatch.setenv("DORP_MAP_ATTRIBUTION", CREDIT)
    el = the_map(app_as(LEAD))
    tiled = chart_spec(el)
    assert tiled["layer"][0]["mark"]["type"] == "image"
    data = chart_data(el)
    assert data["url"].dropna().str.startswith("https://tile.openstreetmap.org/").all()
    assert data["credit"].dropna().tolist() == [CREDIT]
    assert set(data["village"].dropna()) >= {"Vorden", "Beesd"}
