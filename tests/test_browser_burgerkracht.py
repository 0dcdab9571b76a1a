"""Real browser (Debian chromium via Playwright): a programme lead runs the Burgerkrachtgenerator
in a village that did not use it yet, through its five steps - lead group, group conversations
(one of nine residents refused with the method's reason), analysis, village meeting, working
group with a first contact - and a steering member records a conversation on their village's
dashboard. Screenshots of every step go to tests/artifacts/bkg-*.png; the tab and the dashboard
section of Vorden go to tests/artifacts/burgerkracht-*.png for the README."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import LEAD, PASSWORDS, STEERING, login, shot, start_server
from tests.test_browser_journey import CURRENT, choose, idle, snap, tab

pytestmark = pytest.mark.browser
TAB = "Burgerkrachtgenerator"


@pytest.fixture(scope="module")
def bkg_server(tmp_path_factory, demo_template):
    """A server of its own: this walk adds records to a village."""
    srv = start_server(tmp_path_factory, demo_template, "burgerkracht")
    yield srv
    srv.stop()


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").first.inner_text()


def panel(page):
    """The open tab's panel (the other tabs' forms are in the page too, hidden)."""
    return page.locator("[role='tabpanel']:visible").first


def metric(page, label):
    """The value of a key figure in the open tab."""
    return panel(page).locator("[data-testid='stMetric']").filter(has_text=label).locator(
        "[data-testid='stMetricValue']").first


def open_expander(page, label):
    """Open the expander with this label (leave it open when it already is)."""
    exp = panel(page).locator("[data-testid='stExpander']").filter(
        has=page.locator("summary", has_text=label)).first
    exp.scroll_into_view_if_needed()
    if exp.locator("details").first.get_attribute("open") is None:
        exp.locator("summary").first.click()
        page.wait_for_timeout(200)
    return exp


def save(page, form):
    """Click Opslaan in `form` (a locator), wait for the run, go back to the tab."""
    form.get_by_role("button", name="Opslaan", exact=True).click()
    idle(page)
    tab(page, TAB)


def form_in(page, expander_label):
    return open_expander(page, expander_label).locator("[data-testid='stForm']").first


def pick(form, page, label, option):
    box = form.get_by_role("combobox", name=label, exact=True)
    box.click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    expect(box).to_have_value(option)


def test_lead_walks_the_five_steps(bkg_server, page):
    try:
        walk(bkg_server, page)
    except Exception:
        snap(page, "bkg-mislukt")
        raise


def walk(srv, page):
    login(page, srv.url, LEAD, PASSWORDS[LEAD])
    page.goto(srv.url + "/pilot")
    page.get_by_role("heading", name=re.compile(" · ")).first.wait_for()
    choose(page, "Pilot", "Doornspijk")
    page.get_by_role("heading", name="Doornspijk · Elburg").wait_for()
    CURRENT["tab"] = None
    tab(page, TAB)
    panel(page).get_by_text("gebruikt de Burgerkrachtgenerator (nog) niet").wait_for()
    snap(page, "bkg-0-niet-gebruikt")

    # 1. lead group: two residents and the adviser
    for n, (name, role) in enumerate((("Marga Pluim", "Bewoner"), ("Evert Huisman", "Bewoner"),
                                      ("Ilse Kamphuis", "Adviseur (Spectrum)")), start=1):
        form = form_in(page, "Lid van de kopgroep toevoegen")
        form.get_by_role("textbox", name="Naam", exact=True).fill(name)
        pick(form, page, "Rol", role)
        save(page, form)
        expect(metric(page, "Kopgroep")).to_have_text(str(n))
    assert "1 Kopgroep: nu" in main_text(page)
    snap(page, "bkg-1-kopgroep")

    # 2. group conversations: nine residents is refused with the method's reason
    form = form_in(page, "Groepsgesprek vastleggen")
    form.get_by_role("spinbutton", name="Aantal deelnemers (bewoners)").fill("9")
    form.get_by_role("textbox", name="Korte samenvatting", exact=True).fill(
        "Ouderen missen een plek om elkaar te treffen.")
    save(page, form)
    message = panel(page).get_by_text("9 deelnemers kan niet").first
    message.wait_for()
    assert "minimaal 4 en maximaal 7 bewoners" in message.inner_text()
    snap(page, "bkg-2-negen-deelnemers")
    form = form_in(page, "Groepsgesprek vastleggen")
    expect(form.get_by_role("textbox", name="Korte samenvatting", exact=True)).to_have_value(
        "Ouderen missen een plek om elkaar te treffen.")           # the input was kept
    form.get_by_role("spinbutton", name="Aantal deelnemers (bewoners)").fill("6")
    save(page, form)
    expect(metric(page, "Groepsgesprekken")).to_have_text("1")
    form = form_in(page, "Groepsgesprek vastleggen")
    form.get_by_role("spinbutton", name="Aantal deelnemers (bewoners)").fill("5")
    form.get_by_role("textbox", name="Korte samenvatting", exact=True).fill(
        "Vervoer naar de huisarts in Elburg is lastig.")
    save(page, form)
    expect(metric(page, "Bewoners gehoord")).to_have_text("11")
    assert "2 Groepsgesprekken: nu" in main_text(page)
    snap(page, "bkg-2-gesprekken")

    # 3. analysis: a theme naming a resident is refused, then an anonymous one is saved
    form = form_in(page, "Thema vastleggen")
    form.get_by_role("textbox", name="Thema", exact=True).fill("Ontmoeting, zegt Marga Pluim")
    pick_many = form.get_by_role("combobox", name="Uit welke groepsgesprekken", exact=True)
    pick_many.click()
    page.get_by_role("option", name=re.compile("^Gesprek 1")).click()
    page.keyboard.press("Escape")
    save(page, form)
    panel(page).get_by_text("Het thema noemt 'Marga Pluim'").first.wait_for()
    form = form_in(page, "Thema vastleggen")
    form.get_by_role("textbox", name="Thema", exact=True).fill("Ontmoeting in het dorpshuis")
    save(page, form)
    expect(metric(page, "Thema's")).to_have_text("1")
    snap(page, "bkg-3-analyse")

    # 4. the village meeting: recognised, eight volunteers for the theme
    form = form_in(page, "Dorpsbijeenkomst vastleggen")
    form.get_by_role("spinbutton", name="Aanwezigen").fill("35")
    form.get_by_text("Ja", exact=True).click()
    form.get_by_role("spinbutton", name="Ontmoeting in het dorpshuis").fill("8")
    save(page, form)
    panel(page).get_by_text(re.compile("4 Dorpsbijeenkomst: nu")).first.wait_for()
    snap(page, "bkg-4-dorpsbijeenkomst")

    # 5. a working group on the theme, and a first call
    form = form_in(page, "Werkgroep toevoegen")
    pick(form, page, "Thema", "Ontmoeting in het dorpshuis")
    form.get_by_role("textbox", name="Naam van de werkgroep", exact=True).fill(
        "Werkgroep Ontmoeting")
    pick(form, page, "Bereidheid (1-5)", "4")
    pick(form, page, "Bekwaamheid (1-5)", "2")
    save(page, form)
    expect(metric(page, "Actieve werkgroepen")).to_have_text("1")
    form = form_in(page, "Contact met een werkgroep vastleggen")
    form.get_by_role("textbox", name="Notitie", exact=True).fill("Eerste belronde: enthousiast.")
    save(page, form)
    panel(page).get_by_text("Opgeslagen.").first.wait_for()
    text = main_text(page)
    assert "5 Werkgroepen: nu" in text
    assert "Ondersteunen" in text          # the group's own advised mode (willing, not able)
    snap(page, "bkg-5-werkgroepen")


def test_screenshots_of_the_tab_and_the_dashboard_section(bkg_server, page):
    """Vorden ran all five steps: the tab and the dashboard section for the README."""
    login(page, bkg_server.url, LEAD, PASSWORDS[LEAD])
    page.goto(bkg_server.url + "/pilot")
    page.get_by_role("heading", name=re.compile(" · ")).first.wait_for()
    choose(page, "Pilot", "Vorden")
    page.get_by_role("heading", name="Vorden · Bronckhorst").wait_for()
    CURRENT["tab"] = None
    tab(page, TAB)
    panel(page).locator(".vega-embed svg, .vega-embed canvas").nth(2).wait_for()
    page.wait_for_timeout(800)
    snap(page, "burgerkracht-tab")

    href = page.url
    village_id = re.search(r"village_id=(\d+)", href).group(1)
    page.goto(f"{bkg_server.url}/dorpsdashboard?village_id={village_id}")
    page.get_by_role("heading", name="Vorden · Bronckhorst").wait_for()
    heading = page.get_by_role("heading", name="Burgerkrachtgenerator", exact=True)
    heading.wait_for()
    page.wait_for_function(
        "() => document.querySelectorAll('.vega-embed svg, .vega-embed canvas').length >= 9",
        timeout=30000)
    page.wait_for_timeout(800)
    section_shot(page, "Burgerkrachtgenerator", "Initiatieven", "burgerkracht-dashboard")


def section_shot(page, first: str, after: str, name: str):
    """A screenshot of one section of a long page: from heading `first` to heading `after`."""
    h = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                      "'[data-testid=stMain], [data-testid=stMainBlockContainer]')]"
                      ".map(e => e.scrollHeight), 1000)")
    page.set_viewport_size({"width": 1400, "height": min(h + 80, 9000)})
    page.wait_for_timeout(600)
    top = page.get_by_role("heading", name=first, exact=True).bounding_box()
    end = page.get_by_role("heading", name=after, exact=True).first.bounding_box()
    shot_path = shot(page, name)
    from PIL import Image
    with Image.open(shot_path) as img:
        img.crop((0, int(top["y"]) - 10, img.width, int(end["y"]) - 10)).save(shot_path)
    page.set_viewport_size({"width": 1400, "height": 1000})


def test_steering_member_records_a_conversation_on_the_dashboard(bkg_server, browser):
    ctx = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="nl-NL")
    page = ctx.new_page()
    page.set_default_timeout(30000)
    try:
        login(page, bkg_server.url, STEERING, PASSWORDS[STEERING])
        page.get_by_role("link", name="Dorpsdashboard").click()
        page.get_by_role("heading", name="Vorden · Bronckhorst").wait_for()
        page.get_by_role("heading", name="Burgerkrachtgenerator", exact=True).wait_for()
        exp = page.locator("[data-testid='stExpander']").filter(
            has=page.locator("summary", has_text="Groepsgesprek vastleggen")).first
        exp.locator("summary").first.click()
        form = exp.locator("[data-testid='stForm']").first
        form.get_by_role("spinbutton", name="Aantal deelnemers (bewoners)").fill("7")
        form.get_by_role("textbox", name="Korte samenvatting", exact=True).fill(
            "Jongeren willen helpen met boodschappen.")
        form.get_by_role("button", name="Opslaan", exact=True).click()
        idle(page)
        page.get_by_text("Opgeslagen.").first.wait_for()
        metric = page.locator("[data-testid='stMetric']").filter(has_text="Bewoners gehoord")
        expect(metric.locator("[data-testid='stMetricValue']")).to_have_text("40")   # 33 + 7
        assert "Laren" not in main_text(page)
    finally:
        ctx.close()
