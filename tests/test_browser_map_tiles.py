"""The village map's base map (issue 17 §3) in a real browser: with $DORP_MAP_TILES the
overview's map lays the tile server's tiles under the dots, each dot on its village's place
on the tiles; when the tile server is down, the dots, names and credit still show.

The tile server is a local one (there is no internet here): each 256 px tile it serves is a
small PNG with a red disc at every demo village's place, computed from the tile's z/x/y
exactly as a real map would have the village there. So a dot that sits on a red disc in the
screenshot sits where it should on the tiles; a tile placed a few pixels off leaves the
dot's surroundings without red."""

from __future__ import annotations

import io
import math
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image, ImageDraw

from dorp import demo
from dorp.charts import tiles as xyz
from tests.conftest import ARTIFACTS, LEAD, PASSWORDS, Server, free_port, login, shot

pytestmark = pytest.mark.browser

DISC = 6             # radius of a village's disc on a tile, in tile pixels
CREDIT = "© Testkaart-bijdragers"
PILOTS = ["Vorden", "Winssen", "Laren", "Heteren", "Doornspijk", "Kootwijkerbroek",
          "Gendringen", "Dinxperlo", "Wekerom", "Beesd"]     # the demo's pilots: the map's dots
PLACES = [(lon, lat) for name, _, _, _, lat, lon in demo.VILLAGES if name in PILOTS]
# each village's disc in its own colour, so overlapping neighbours cannot be mistaken
COLOURS = [(255, 0, 0), (0, 150, 0), (0, 0, 255), (255, 0, 255), (0, 190, 190),
           (255, 140, 0), (130, 0, 220), (110, 60, 0), (120, 120, 255), (200, 200, 0)]
CSP_PROBE = ("document.addEventListener('securitypolicyviolation', e => window.reportCsp("
             "e.violatedDirective + ' ' + e.blockedURI));")


def tile_png(z: int, x: int, y: int) -> bytes:
    """A light tile with its border and a disc at every pilot village on it, each village
    in its own colour: the map the test expects the dots on. Drawn 8 times larger and then
    reduced, so each disc is centred on its village to an eighth of a pixel."""
    big = 8
    img = Image.new("RGB", (256 * big, 256 * big), (226, 232, 236))
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, 256 * big - 1, 256 * big - 1], outline=(150, 160, 170), width=big)
    for (lon, lat), colour in zip(PLACES, COLOURS):
        fx, fy = xyz.world(lon, lat)
        px, py = fx * 2 ** z * 256 - x * 256, fy * 2 ** z * 256 - y * 256
        if -DISC <= px <= 256 + DISC and -DISC <= py <= 256 + DISC:
            # Pillow's box holds whole pixels, its last one included
            draw.ellipse([round((px - DISC) * big), round((py - DISC) * big),
                          round((px + DISC) * big) - 1, round((py + DISC) * big) - 1],
                         fill=colour)
    out = io.BytesIO()
    img.resize((256, 256), Image.Resampling.BOX).save(out, "PNG")
    return out.getvalue()


class Tiles(BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self):   # noqa: N802
        parts = self.path.split("?")[0].strip("/").removesuffix(".png").split("/")
        try:
            z, x, y = (int(p) for p in parts)
        except ValueError:
            self.send_error(404)
            return
        type(self).asked.append(f"{z}/{x}/{y}")
        body = tile_png(z, x, y)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")   # as OSM's tile servers do
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def tile_server():
    srv = ThreadingHTTPServer(("127.0.0.1", free_port()), Tiles)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    srv.running = True
    yield srv
    if srv.running:
        srv.shutdown()
        srv.server_close()


@pytest.fixture(scope="module")
def app(tmp_path_factory, demo_template, tile_server):
    db_file = tmp_path_factory.mktemp("tiles") / "dorp.duckdb"
    shutil.copy(demo_template, db_file)
    port = tile_server.server_address[1]
    srv = Server(db_file, free_port(), env={
        "DORP_MAP_TILES": f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png",
        "DORP_MAP_ATTRIBUTION": CREDIT})
    yield srv
    srv.stop()


def open_map(page, app, violations: list[str]):
    page.expose_function("reportCsp", lambda text: violations.append(text))
    page.add_init_script(CSP_PROBE)
    login(page, app.url, LEAD, PASSWORDS[LEAD])
    page.get_by_role("heading", name="Programma-overzicht").wait_for()
    chart = page.locator(".vega-embed", has=page.locator("g.mark-image")).first
    chart.locator("g.mark-symbol.role-mark path").nth(len(PLACES) - 1).wait_for(state="attached")
    chart.scroll_into_view_if_needed()
    return chart


def texts(chart) -> list[str]:
    return chart.locator("svg").evaluate(
        "e => Array.from(e.querySelectorAll('text')).map(x => x.textContent)")


def dot_centres(chart) -> list[tuple[float, float]]:
    """Each village dot's centre, in pixels of the browser's viewport."""
    return chart.evaluate("""e => Array.from(e.querySelectorAll('g.mark-symbol.role-mark path'))
        .map(p => { const r = p.getBoundingClientRect();
                    return [r.x + r.width / 2, r.y + r.height / 2]; })""")


def viewport(page, name: str):
    """A screenshot of what the browser shows (viewport pixels, no rounding of a clip)."""
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return Image.open(path).convert("RGB")


def on_screen(colour) -> tuple[float, ...]:
    """A tile colour as the map shows it: tiles are drawn at opacity 0.8 over the chart's
    white background."""
    return tuple(0.8 * c + 0.2 * 255 for c in colour)


def disc_centre(img, colour, near: tuple[float, float], reach: int = 30):
    """The centre of the pixels of `colour` (as shown) within `reach` px of `near`, and how
    many there are."""
    want = on_screen(colour)
    cx, cy = near
    found = [(x, y) for x in range(max(0, int(cx) - reach), min(img.width, int(cx) + reach))
             for y in range(max(0, int(cy) - reach), min(img.height, int(cy) + reach))
             if math.dist(img.getpixel((x, y)), want) < 40]
    if not found:
        return None, 0
    return (sum(x for x, _ in found) / len(found) + 0.5,
            sum(y for _, y in found) / len(found) + 0.5), len(found)


def view_box(chart) -> dict:
    """The map's own area (Vega's view background), in viewport pixels."""
    return chart.locator("svg path.background").first.evaluate(
        "e => { const r = e.getBoundingClientRect(); "
        "return {x: r.x, y: r.y, width: r.width, height: r.height}; }")


def plain_spots(img, box: dict) -> list[tuple[int, int]]:
    """Points of the map's area (every 8 px) where no tile is drawn: the plain background
    (white as Streamlit's theme draws it, or the spec's #fafafa)."""
    return [(x, y) for x in range(int(box["x"]) + 3, int(box["x"] + box["width"]) - 3, 8)
            for y in range(int(box["y"]) + 3, int(box["y"] + box["height"]) - 3, 8)
            if min(math.dist(img.getpixel((x, y)), plain)
                   for plain in ((255, 255, 255), (250, 250, 250))) < 4]


def wait_for_tiles(page):
    """Every tile the chart asked for has an address and has had time to load."""
    page.wait_for_function(
        """() => { const imgs = document.querySelectorAll('g.mark-image image');
                   return imgs.length > 0 && Array.from(imgs).every(i => i.getAttribute('href')); }""")
    page.wait_for_timeout(1000)


HIDE_MARKS = ("document.querySelectorAll('.vega-embed g.mark-symbol.role-mark, "
              ".vega-embed g.mark-text.role-mark').forEach(g => g.style.visibility = 'hidden')")


def test_the_dots_sit_on_their_villages_on_the_tiles(app, tile_server, page):
    violations: list[str] = []
    Tiles.asked.clear()
    chart = open_map(page, app, violations)
    wait_for_tiles(page)
    hrefs = chart.locator("g.mark-image image").evaluate_all(
        "l => l.map(i => i.getAttribute('href'))")
    assert len(hrefs) == len(set(hrefs)) and len(hrefs) <= xyz.MAX_TILES
    assert {h.split(":", 2)[2].split("/", 1)[1].removesuffix(".png") for h in hrefs} \
        <= set(Tiles.asked)
    zoom = {int(h.rsplit("/", 3)[1]) for h in hrefs}
    assert len(zoom) == 1 and 7 <= zoom.pop() <= 12, hrefs     # one zoom, a region's
    drawn = texts(chart)
    assert CREDIT in drawn
    assert {"Vorden", "Laren", "Beesd"} <= set(drawn)
    shot(page, "map_tiles")
    chart.screenshot(path=str(ARTIFACTS / "map_tiles_chart.png"))
    # Where each village's disc lies on the tiles, seen with the dots and names hidden (in
    # this browser only), against where its dot is drawn.
    chart.scroll_into_view_if_needed()
    names = chart.evaluate("""e => Array.from(e.querySelectorAll(
        'g.mark-symbol.role-mark path')).map(p => p.__data__.datum.village)""")
    centres = dict(zip(names, dot_centres(chart)))
    assert sorted(centres) == sorted(PILOTS)
    page.evaluate(HIDE_MARKS)
    img = viewport(page, "map_tiles_bare")
    placed = {}
    for name, colour in zip([n for n, *_ in demo.VILLAGES if n in PILOTS], COLOURS):
        disc, pixels = disc_centre(img, colour, centres[name])
        assert pixels > 60, (name, pixels)          # the whole disc is there, not an edge
        placed[name] = (round(disc[0] - centres[name][0], 2), round(disc[1] - centres[name][1], 2))
    assert all(math.hypot(*d) <= 1.0 for d in placed.values()), placed
    print("disc centre minus dot centre (px):", placed)
    # the tiles cover the whole map, edge to edge
    assert plain_spots(img, view_box(chart)) == []
    assert violations == [], violations


def test_on_a_phone_the_tiles_still_cover_the_map(app, tile_server, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")
    try:
        page = ctx.new_page()
        page.set_default_timeout(30000)
        chart = open_map(page, app, [])
        wait_for_tiles(page)
        chart.scroll_into_view_if_needed()
        chart.screenshot(path=str(ARTIFACTS / "map_tiles_phone.png"))
        page.evaluate(HIDE_MARKS)
        box = view_box(chart)
        assert box["width"] < 390
        assert plain_spots(viewport(page, "map_tiles_phone_bare"), box) == []
    finally:
        ctx.close()


def test_without_the_tile_server_the_map_still_shows_dots_names_and_credit(
        app, tile_server, page):
    tile_server.shutdown()
    tile_server.server_close()
    tile_server.running = False
    violations: list[str] = []
    chart = open_map(page, app, violations)
    page.wait_for_timeout(3000)    # the tiles fail (connection refused), the map redraws
    shot(page, "map_tiles_down")
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(ARTIFACTS / "map_tiles_down_chart.png"))
    img = viewport(page, "map_tiles_down_viewport")
    centres = dot_centres(chart)
    assert len(centres) == len(PILOTS)
    # the dots are drawn: their step's colour at their centre, not the plain background
    assert all(math.dist(img.getpixel((round(x), round(y))), (255, 255, 255)) > 60
               for x, y in centres)
    # no tile shows: with the dots and names hidden, no village's disc near its dot
    page.evaluate(HIDE_MARKS)
    bare = viewport(page, "map_tiles_down_bare")
    assert all(disc_centre(bare, colour, c)[1] == 0 for colour, c in zip(COLOURS, centres))
    assert len(plain_spots(bare, view_box(chart))) > 500     # the plain background throughout
    drawn = texts(chart)
    assert CREDIT in drawn and set(PILOTS) <= set(drawn)
    assert violations == [], violations
