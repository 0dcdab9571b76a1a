"""A base map of XYZ tiles ("slippy map" tiles, as OpenStreetMap serves them) under the village
map: which tiles at which zoom cover the villages, and where each tile's corners lie.

Pure arithmetic, no network: the browser loads the tiles itself, straight from the tile server
($DORP_MAP_TILES, dorp/config.py), and draws each one as a Vega-Lite image mark between its
corners in the map's own mercator projection. A tile that does not load leaves its square
empty; the dots and names are drawn regardless (dorp/charts/lines.py `village_map`).

Web Mercator (EPSG:3857) tiles: at zoom z the world is 2^z x 2^z tiles of 256 px, x counted
eastwards from 180° W, y southwards from 85.0511° N. The formulas are the ones of
https://wiki.openstreetmap.org/wiki/Slippy_map_tilenames.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TILE_PX = 256
MAX_LAT = 85.0511287798066      # Web Mercator's edge: atan(sinh(pi)) in degrees
MAX_ZOOM = 17                   # beyond this, tile servers (OSM: 19) add nothing for a region map
MAX_TILES = 40                  # at most this many tiles per map (each is one request)

# The view the zoom is chosen for. The map's plot area is about 215 px high (Streamlit fits
# the whole chart, legend included, into its 340 px) and as wide as its column: about 350 px
# on a phone, 430-470 px beside the pipeline at 1400 px, up to about 800 px on a wide screen.
# The projection fits the villages into it. The zoom shows the tiles at one to two times
# their own size in the NOMINAL_VIEW (sharp, the names on the tiles readable); the tiles
# cover every view between MIN_ASPECT and MAX_ASPECT times as wide as high.
NOMINAL_VIEW = (560, 220)
MIN_ASPECT, MAX_ASPECT = 0.9, 4.0


def world(lon: float, lat: float) -> tuple[float, float]:
    """A place as a fraction of the Web Mercator world: (0, 0) is the north-west corner
    (180° W, 85.05° N), (1, 1) the south-east one."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    fx = (lon + 180.0) / 360.0
    fy = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0
    return fx, fy


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The tile (x, y) at zoom z that holds the place."""
    n = 2 ** z
    fx, fy = world(lon, lat)
    return min(n - 1, max(0, math.floor(fx * n))), min(n - 1, max(0, math.floor(fy * n)))


def corner(x: float, y: float, z: int) -> tuple[float, float]:
    """(lon, lat) of the north-west corner of tile (x, y) at zoom z; corner(x + 1, y + 1, z)
    is its south-east corner."""
    n = 2 ** z
    lon = x / n * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y / n))))
    return lon, lat


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int
    url: str
    west: float
    north: float
    east: float
    south: float


def tile_url(template: str, z: int, x: int, y: int) -> str:
    return template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))


def _cover(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """The part of the world (fractions: west, north, east, south) the map can show: the
    projection fits the points' extent into the view, whose width is MIN_ASPECT to
    MAX_ASPECT times its height, so around a wide extent more can show above and below,
    around a tall one more left and right."""
    xs, ys = zip(*(world(lon, lat) for lon, lat in points))
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    cover_w = max(w, MAX_ASPECT * h)
    cover_h = max(h, w / MIN_ASPECT)
    if cover_w == 0:                     # a single place: a small square around it
        cover_w = cover_h = 1e-4
    return cx - cover_w / 2, cy - cover_h / 2, cx + cover_w / 2, cy + cover_h / 2


def zoom_for(points: list[tuple[float, float]], view: tuple[int, int] = NOMINAL_VIEW) -> int:
    """The zoom at which the points' extent, fitted into `view` (width, height in px), shows
    tiles at one to two times their own size."""
    xs, ys = zip(*(world(lon, lat) for lon, lat in points))
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    fits = [size / (span * TILE_PX) for size, span in zip(view, (w, h)) if span > 0]
    if not fits:
        return MAX_ZOOM
    return max(0, min(MAX_ZOOM, math.floor(math.log2(min(fits)))))


def covering(points: list[tuple[float, float]], template: str,
             view: tuple[int, int] = NOMINAL_VIEW) -> list[Tile]:
    """The tiles to draw under a map that fits these (lon, lat) points: every tile of the
    chosen zoom that touches what the map can show, at most MAX_TILES (a lower zoom when
    more would be needed)."""
    if not points:
        return []
    west, north, east, south = _cover(points)
    z = zoom_for(points, view)
    while True:
        n = 2 ** z
        x0, x1 = max(0, math.floor(west * n)), min(n - 1, math.floor(east * n))
        y0, y1 = max(0, math.floor(north * n)), min(n - 1, math.floor(south * n))
        if (x1 - x0 + 1) * (y1 - y0 + 1) <= MAX_TILES or z == 0:
            break
        z -= 1
    out = []
    for y in range(y0, y1 + 1):
        for x in range(x0, x1 + 1):
            west_lon, north_lat = corner(x, y, z)
            east_lon, south_lat = corner(x + 1, y + 1, z)
            out.append(Tile(z, x, y, tile_url(template, z, x, y),
                            west_lon, north_lat, east_lon, south_lat))
    return out
