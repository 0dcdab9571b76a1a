"""Real browser (Debian chromium via Playwright): a programme lead takes a new village from the
start meeting through the vote, consent, mBc and steering group into execution, without
leaving the app. A screenshot of each step goes to tests/artifacts/stap-*.png."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.conftest import LEAD, PASSWORDS, login, shot, start_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def journey_server(tmp_path_factory, demo_template):
    """A server of its own: this journey adds a municipality, villages and a pilot."""
    srv = start_server(tmp_path_factory, demo_template, "journey")
    yield srv
    srv.stop()


def idle(page, calm_ms=600):
    """Wait until the script run triggered by the last action has finished, and no other run
    follows it. On a busy machine a run may start late and a page may run twice (a callback's
    rerun): wait a while for a run to start (Streamlit marks the app element with its run
    state), then until the app has been idle for `calm_ms` on end. Typing or choosing while a
    run is still drawing the form can lose the choice, so every form step starts here."""
    app = page.locator("[data-testid='stApp']")
    running = app.and_(page.locator("[data-test-script-state='running']"))
    try:
        running.wait_for(state="attached", timeout=3000)
    except PlaywrightTimeout:
        pass                                    # a quick run may have come and gone already
    for _ in range(60):
        app.and_(page.locator("[data-test-script-state='notRunning']")).wait_for(
            state="attached", timeout=30000)
        page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=30000)
        try:
            running.wait_for(state="attached", timeout=calm_ms)
        except PlaywrightTimeout:
            return                              # calm: no run started since
    raise AssertionError("the page kept re-running")


def choose(page, label, option, nth=0):
    """Pick an option of a select box by typing it (the box filters) and pressing Enter, then
    wait until the box shows it (a submit before that would send the old value)."""
    idle(page, calm_ms=300)
    box = page.get_by_role("combobox", name=label, exact=True).nth(nth)
    box.click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    expect(box).to_have_value(option)


def snap(page, name):
    """A screenshot of the whole page: Streamlit scrolls inside its main area, so make the
    window as tall as the content first."""
    h = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                      "'[data-testid=stMain], [data-testid=stMainBlockContainer]')]"
                      ".map(e => e.scrollHeight), 1000)")
    page.set_viewport_size({"width": 1400, "height": min(h + 80, 5000)})
    page.wait_for_timeout(500)
    shot(page, name)
    page.set_viewport_size({"width": 1400, "height": 1000})


def type_new(page, label, text):
    """Type a new option into a select box that accepts new options."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(text)
    page.keyboard.press("Enter")


def submit(page, name, field=None, reselect=True):
    """Click a form's button; `field` (a textbox label) picks the form when several share
    the button's name."""
    scope = page
    if field:
        scope = page.locator("[data-testid='stForm']").filter(
            has=page.get_by_role("textbox", name=field, exact=True))
    scope.get_by_role("button", name=name, exact=True).click()
    idle(page)
    if CURRENT["tab"] and reselect:
        tab(page, CURRENT["tab"])     # stay on the tab the user was working in


CURRENT = {"tab": None}


def fact(page, label):
    """A pilot fact as the tabs show it: a caption with its label, the value in bold under it."""
    return (page.locator("[data-testid='stColumn']:visible")
            .filter(has=page.locator("[data-testid='stCaptionContainer']").get_by_text(label, exact=True))
            .locator("strong").first)


def tab(page, name):
    """Open a tab of the pilot page: only the open tab is drawn, so opening one re-runs the
    page; wait for that run."""
    CURRENT["tab"] = name
    idle(page, calm_ms=300)
    t = page.get_by_role("tab", name=name)
    if t.get_attribute("aria-selected") != "true":
        t.click()
        idle(page)


def move_on(page, to):
    tab(page, "Stand van zaken")
    submit(page, "Uitvoeren")
    page.get_by_text("De pilot is verplaatst.").first.wait_for()
    page.get_by_text(to, exact=True).first.wait_for()


def test_new_pilot_from_start_meeting_to_execution(journey_server, page):
    try:
        journey(journey_server, page)
    except Exception:
        snap(page, "stap-mislukt")
        raise


def journey(journey_server, page):
    login(page, journey_server.url, LEAD, PASSWORDS[LEAD])
    page.goto(journey_server.url + "/startbijeenkomst")
    page.get_by_role("heading", name="Startbijeenkomst").first.wait_for()

    # step 1: the start meeting, two pitches, the vote
    page.get_by_text("Nieuwe startbijeenkomst").click()
    type_new(page, "Gemeente", "Berkelland")
    page.get_by_role("spinbutton", name="Aantal aanwezige bewoners", exact=True).fill("38")
    page.get_by_role("textbox", name="Notitie", exact=True).fill("Volle zaal in het dorpshuis.")
    submit(page, "Startbijeenkomst vastleggen")
    page.get_by_role("heading", name=re.compile("^Berkelland")).wait_for()
    for village, note in (("Eibergen", "Eibergen wil ouderen thuis laten wonen."),
                          ("Neede", "Neede heeft een sterk verenigingsleven.")):
        type_new(page, "Dorp", village)
        page.get_by_role("textbox", name="Korte notitie van de pitch", exact=True).fill(note)
        submit(page, "Pitch opslaan")
        page.get_by_role("spinbutton", name=village, exact=True).wait_for()
    page.get_by_role("spinbutton", name="Eibergen", exact=True).fill("31")
    page.get_by_role("spinbutton", name="Neede", exact=True).fill("12")
    submit(page, "Stemmen opslaan")
    page.get_by_text("Gekozen: Eibergen").wait_for()
    page.locator(".vega-embed:visible").first.wait_for()
    snap(page, "stap-1-stemming")
    href = page.get_by_role("link", name="Open pilot Eibergen").get_attribute("href")
    village_id = re.search(r"village_id=(\d+)", href).group(1)

    # step 1 on the pilot: consent of both parties
    page.goto(f"{journey_server.url}/pilot?village_id={village_id}")
    page.get_by_role("heading", name="Eibergen · Berkelland").wait_for()
    tab(page, "1 · Willen")
    submit(page, "Opslaan")                 # without who: refused, the message at the field
    consent_form = page.locator("[data-testid='stForm']").filter(has_text="Instemming vastleggen")
    consent_form.get_by_text("Vul in wie namens deze partij instemde").wait_for()
    snap(page, "stap-1-fout")
    tab(page, "1 · Willen")
    page.get_by_role("textbox", name="Wie", exact=True).fill("College van B&W")
    submit(page, "Opslaan", reselect=False)
    # after saving, the user is still in the tab they worked in
    page.get_by_text("Gemeente stemt in").wait_for()
    assert page.get_by_role("tab", name="1 · Willen").get_attribute("aria-selected") == "true"
    tab(page, "1 · Willen")
    choose(page, "Partij", "Dorpsgemeenschap")
    page.get_by_role("textbox", name="Wie", exact=True).fill("Dorpsraad Eibergen")
    submit(page, "Opslaan")
    page.get_by_text("Dorpsgemeenschap stemt in").wait_for()
    snap(page, "stap-1-instemming")
    move_on(page, "2 · Businesscase (mBc)")

    # step 2: the social business case
    tab(page, "2 · Businesscase (mBc)")
    page.get_by_text("Ja", exact=True).click()
    page.get_by_role("textbox", name="Toelichting bij 'mag dit?'", exact=True).fill(
        "Binnen de wet, voor alle bewoners.")
    choose(page, "Bereidheid", "4")
    choose(page, "Bron", "Bewoners", nth=0)
    choose(page, "Bekwaamheid", "2")
    choose(page, "Bron", "Professionals", nth=1)
    page.get_by_role("textbox", name="Kansen", exact=True).fill("Actief dorpshuis\nHuisarts denkt mee")
    page.get_by_role("textbox", name="Weerstanden", exact=True).fill("Vrijwilligers overbelast")
    submit(page, "Opslaan")
    page.get_by_text("Kansrijk: de methode is bruikbaar").wait_for()
    tab(page, "2 · Businesscase (mBc)")
    idle(page)
    presented = page.locator("[data-testid='stForm']").filter(
        has_text="Gepresenteerd aan dorp en gemeente")
    for i, label in enumerate(("Gepresenteerd aan het dorp op", "Gepresenteerd aan de gemeente op")):
        # Streamlit's date field keeps a native <input type=date> underneath: fill that
        (presented.locator("[data-testid='stDateInput']").filter(has_text=label)
         .locator("input[type=date]").first.fill("2026-11-29"))
        # an optional date is "Nog niet gepresenteerd" until that box is cleared
        not_yet = presented.get_by_role("checkbox", name="Nog niet gepresenteerd").nth(i)
        presented.locator("[data-testid='stCheckbox']").filter(
            has_text="Nog niet gepresenteerd").nth(i).locator("label").click()
        expect(not_yet).not_to_be_checked()
    presented.get_by_role("button", name="Opslaan", exact=True).click()
    idle(page)
    tab(page, "Stand van zaken")
    page.get_by_text("Volgende stap: Stap 3").wait_for()
    expect(page.get_by_text("De laatste mBc is niet (op tijd) gepresenteerd")).to_have_count(0)
    tab(page, "2 · Businesscase (mBc)")
    page.locator(".vega-embed:visible").first.wait_for()
    snap(page, "stap-2-mbc")
    move_on(page, "3 · Stuurgroep")

    # step 3: the steering group with both parties and a satisfied meeting
    tab(page, "3 · Stuurgroep")
    member_form = page.locator("[data-testid='stForm']").filter(
        has=page.locator("input[aria-label='Organisatie']"))
    name_box = member_form.locator("input[aria-label='Naam']")
    for name, party in (("Anna Wethouder", "Gemeente"), ("Bert Dorpsraad", "Dorpsgemeenschap")):
        idle(page)
        if not name_box.is_visible():
            page.get_by_text("Lid toevoegen").click()
        name_box.fill(name)
        choose(page, "Partij", party)
        submit(page, "Opslaan", field="Organisatie")
        # saved: the add form is empty again (on a busy machine the run ends late; typing
        # the next member before then would go into the form that is being replaced)
        expect(name_box).to_have_value("", timeout=30000)
        tab(page, "3 · Stuurgroep")
    page.get_by_text("De stuurgroep is compleet").wait_for()
    choose(page, "Tevredenheid gemeente", "4 – tevreden")
    choose(page, "Tevredenheid dorpsgemeenschap", "4 – tevreden")
    page.get_by_role("textbox", name="Besluiten", exact=True).fill("Werkgroepen starten in januari.")
    submit(page, "Opslaan", field="Besluiten")
    tab(page, "3 · Stuurgroep")
    page.locator(".vega-embed:visible").first.wait_for()
    snap(page, "stap-3-stuurgroep")
    move_on(page, "4 · Uitvoering")

    # step 4: execution with the advised working mode
    tab(page, "4 · Uitvoering")
    page.get_by_text("Werkwijze starten").click()
    choose(page, "Werkwijze", "Ondersteunen")
    page.get_by_role("textbox", name="Reden", exact=True).fill(
        "Bereid maar nog niet bekwaam: coach de werkgroepen.")
    submit(page, "Opslaan", field="Reden")
    tab(page, "4 · Uitvoering")
    # advised and in use, side by side
    expect(fact(page, "Werkwijzen in gebruik")).to_contain_text("Ondersteunen")
    expect(fact(page, "Geadviseerde werkwijze")).to_have_text("Ondersteunen")
    snap(page, "stap-4-uitvoering")
    tab(page, "Stand van zaken")
    expect(fact(page, "Stap")).to_have_text("4 · Uitvoering")
    snap(page, "stap-tijdlijn")
