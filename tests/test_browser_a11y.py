"""Issue 17, section 2: WCAG 2.1 AA, tested in Debian's chromium.

- axe-core (axe-playwright-python, pinned; its axe.min.js ships inside the wheel, nothing is
  downloaded at test time) checks every page of the menu, and every tab of the pilot page,
  for each of the three roles, with the demo programme and with an (almost) empty one:
  rules wcag2a, wcag2aa, wcag21a, wcag21aa, zero violations;
- the page declares its language (lang="nl");
- at 390 px wide (a phone) no page scrolls sideways;
- offline: with every request to another host refused, the app's fonts and icons still come
  from the app itself, and no icon name shows as text.

One server per dataset, one browser session per role: the pages are visited one after the
other through the menu (a click, no reload)."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dorp import demo, ui
from dorp.access import SYSTEM, User, role_can
from dorp.db import open_db
from dorp.repo import bulk, users
from tests.conftest import AS_OF, FUNDER, LEAD, PASSWORDS, STEERING, Server, free_port, login, shot

pytestmark = pytest.mark.browser

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
ROLES = {LEAD: "lead", STEERING: "steering", FUNDER: "funder"}
PHONE = {"width": 390, "height": 844}


# --- the two datasets ------------------------------------------------------------------------------

def _empty_programme(path: Path) -> None:
    """The accounts of the demo and as little else as they need: the programme, and the one
    village (with its pilot) the steering member belongs to. No meeting, score, member,
    budget line or anything else: every page shows its empty state."""
    tables = demo.build(AS_OF)
    keep = {"programme": None, "villages": "Vorden", "pilots": "Vorden"}
    empty = {}
    for name, df in tables.items():
        if name not in keep:
            empty[name] = df.iloc[0:0]
        elif keep[name] is None:
            empty[name] = df
        else:
            col = "village" if "village" in df.columns else "name"
            empty[name] = df[df[col] == keep[name]]
    db = open_db(path)
    bulk.replace_all(db, SYSTEM, empty, replace=False)
    for username, password, role, villages in demo.DEMO_ACCOUNTS:
        users.add(db, SYSTEM, username, role, password, villages)
    db.con.close()


@pytest.fixture(scope="module", params=["demo", "empty"])
def site(request, tmp_path_factory, demo_template):
    db_file = tmp_path_factory.mktemp("a11y-" + request.param) / "dorp.duckdb"
    if request.param == "demo":
        shutil.copy(demo_template, db_file)
    else:
        _empty_programme(db_file)
    srv = Server(db_file, free_port())
    srv.dataset = request.param
    yield srv
    srv.stop()


# --- helpers ---------------------------------------------------------------------------------------

def idle(page) -> None:
    """Wait until the script run of the last action has finished and the charts are drawn."""
    app = page.locator("[data-testid='stApp']")
    try:
        app.and_(page.locator("[data-test-script-state='running']")).wait_for(
            state="attached", timeout=1500)
    except PlaywrightTimeout:
        pass
    app.and_(page.locator("[data-test-script-state='notRunning']")).wait_for(
        state="attached", timeout=30000)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=30000)
    try:   # charts are drawn after the run, in the browser
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]"
            ".filter(c => c.offsetParent !== null).every(c => c.querySelector('svg, canvas'))",
            timeout=10000)
    except PlaywrightTimeout:
        pass
    page.evaluate("document.fonts.ready")


def menu_paths(username: str) -> list[str]:
    """The URL paths of the pages in this role's menu ("" is the first page)."""
    who = User(username, ROLES[username])
    paths = [url for _s, _t, _sec, cap, url in ui.PAGES if role_can(who, cap)]
    return ["", *paths[1:]]


def open_page(page, base: str, path: str) -> None:
    link = page.locator(f".st-key-menu a[href='{base}/{path}']")
    if link.count():
        link.click()
    else:                       # a role with one page has no menu
        page.goto(f"{base}/{path}")
        page.get_by_role("button", name="Uitloggen").wait_for()
    idle(page)


def axe_report(where: str, response: dict) -> list[str]:
    """Each violation readably: the page, the rule, what it asks, and every element found."""
    out = []
    for v in response["violations"]:
        out.append(f"{where}: {v['id']} ({v['impact']}): {v['help']}  [{v['helpUrl']}]")
        for node in v["nodes"][:8]:
            out.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                out.append(f"       {summary[:300]}")
    return out


def check(axe, page, where: str, problems: list[str]) -> None:
    problems += axe_report(where, axe.run(page, options=AXE_OPTIONS).response)


# --- axe on every page, every role, both datasets -----------------------------------------------

@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_meets_wcag_21_aa(site, browser, username):
    from axe_playwright_python.sync_playwright import Axe
    axe = Axe()
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    page = ctx.new_page()
    page.set_default_timeout(30000)
    problems: list[str] = []
    page.goto(site.url)
    idle(page)
    check(axe, page, "inloggen", problems)
    login(page, site.url, username, PASSWORDS[username])
    assert page.evaluate("document.documentElement.lang") == "nl"
    for path in menu_paths(username):
        open_page(page, site.url, path)
        where = f"{site.dataset}/{username}/{path or 'start'}"
        tabs = page.get_by_role("tab")
        if path == "pilot" and tabs.count():
            for i in range(tabs.count()):
                name = tabs.nth(i).inner_text()
                tabs.nth(i).click()
                idle(page)
                check(axe, page, f"{where} [{name}]", problems)
        else:
            check(axe, page, where, problems)
        shot(page, f"a11y-{site.dataset}-{ROLES[username]}-{path or 'start'}")
    ctx.close()
    assert not problems, "WCAG 2.1 A/AA violations found by axe-core:\n" + "\n".join(problems)


# --- the ballot: the residents' page and the projector ----------------------------------------------

@pytest.fixture(scope="module")
def ballot_site(tmp_path_factory, demo_template):
    """The demo with two start meetings: one with a round open and codes issued (the
    projector's turnout, and codes for the residents' page), one whose round is closed
    (the result chart)."""
    from dorp.repo import ballot, steps
    db_file = tmp_path_factory.mktemp("a11y-ballot") / "dorp.duckdb"
    shutil.copy(demo_template, db_file)
    db = open_db(db_file)
    rounds, codes = {}, []
    for state, mun, villages in (("open", "Oost Gelre", ("Mariënvelde", "Harreveld", "Zieuwent")),
                                 ("closed", "Lochem", ("Barchem", "Almen"))):
        mid = steps.add_start_meeting(db, SYSTEM, mun, AS_OF, 40, 1, None, AS_OF)
        for v in villages:
            steps.add_pitch(db, SYSTEM, mid, v, None)
        rid = rounds[state] = ballot.open_meeting_round(db, SYSTEM, mid)
        issued = ballot.issue_codes(db, SYSTEM, rid, 10)
        if state == "open":
            codes = issued
        else:
            options = [oid for oid, _ in ballot.ballot_for_code(db, issued[0], "test").options]
            for code, oid in zip(issued, (options[0], options[0], options[1])):
                assert ballot.cast(db, code, [oid], "test").state == "counted"
            ballot.close(db, SYSTEM, rid, ballot.get_round(db, SYSTEM, rid)["version"])
    db.con.close()
    srv = Server(db_file, free_port())
    srv.rounds, srv.codes = rounds, codes
    yield srv
    srv.stop()


def test_the_ballot_pages_meet_wcag_21_aa(ballot_site, browser):
    """The one public page, /stem, on a phone: without a code, with a code (the options),
    with a wrong code (a message), after voting (thanks); and the lead's Stemronde with a
    round open, on the projector, and a closed round's result."""
    from axe_playwright_python.sync_playwright import Axe
    axe, url, problems = Axe(), ballot_site.url, []
    ctx = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    phone = ctx.new_page()
    phone.set_default_timeout(30000)
    code = ballot_site.codes[0]
    for where, path, shows in (
            ("stem", "/stem", "Uw code"),
            ("stem met code", f"/stem?code={code}", "Kies één optie"),
            ("stem met onbekende code", "/stem?code=ZZZZ-ZZZZ", "Deze code kennen we niet")):
        phone.goto(url + path)
        phone.get_by_text(shows).first.wait_for()
        assert phone.evaluate("document.documentElement.lang") == "nl"
        check(axe, phone, where, problems)
    phone.goto(f"{url}/stem?code={code}")
    phone.get_by_role("radio", name="Harreveld").check()
    phone.get_by_role("button", name="Stem uitbrengen").click()
    phone.get_by_text("Bedankt, uw stem is geteld.").wait_for()
    check(axe, phone, "stem bedankt", problems)
    shot(phone, "a11y-stem-bedankt")
    ctx.close()

    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    page = ctx.new_page()
    page.set_default_timeout(30000)
    login(page, url, LEAD, PASSWORDS[LEAD])
    page.goto(f"{url}/stemronde?ronde={ballot_site.rounds['open']}")
    page.get_by_text("1 van 10").wait_for()        # the turnout of the open round
    idle(page)
    check(axe, page, "stemronde open", problems)
    page.get_by_text("Beamerweergave", exact=True).click()
    page.get_by_text("Stem met uw telefoon").wait_for()
    idle(page)
    check(axe, page, "stemronde beamer", problems)
    shot(page, "a11y-stemronde-beamer")
    page.goto(f"{url}/stemronde?ronde={ballot_site.rounds['closed']}")
    page.get_by_text("Gekozen: Almen").wait_for()   # options in name order: Almen has 2 votes
    idle(page)
    check(axe, page, "stemronde uitslag", problems)
    shot(page, "a11y-stemronde-uitslag")
    ctx.close()
    assert not problems, "WCAG 2.1 A/AA violations found by axe-core:\n" + "\n".join(problems)


# --- a phone: nothing scrolls sideways -------------------------------------------------------------

SIDEWAYS = """() => {
  const boxes = [document.documentElement, document.body,
                 ...document.querySelectorAll('[data-testid=stApp], [data-testid=stMain],'
                   + ' [data-testid=stMainBlockContainer], [data-testid=stAppViewContainer]')];
  return boxes.filter(b => b.scrollWidth > b.clientWidth + 1)
              .map(b => (b.dataset.testid || b.tagName) + ' ' + b.scrollWidth + '>' + b.clientWidth);
}"""


@pytest.mark.parametrize("username", list(ROLES))
def test_no_page_scrolls_sideways_on_a_phone(site, browser, username):
    if site.dataset != "demo":
        pytest.skip("the phone check runs on the demo programme (full pages)")
    ctx = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(30000)
    login(page, site.url, username, PASSWORDS[username])
    wide = []
    for path in menu_paths(username):
        page.goto(f"{site.url}/{path}")
        page.get_by_role("button", name="Uitloggen").wait_for(state="attached")
        idle(page)
        tabs = page.get_by_role("tab")
        for i in range(tabs.count() if path == "pilot" else 1):
            if path == "pilot":
                tabs.nth(i).click()
                idle(page)
            try:    # charts settle to their column's width just after they are drawn
                page.wait_for_function(f"() => ({SIDEWAYS})().length === 0", timeout=5000)
            except PlaywrightTimeout:
                pass
            over = page.evaluate(SIDEWAYS)
            if over:
                wide.append(f"{path or 'start'}{f' tab {i}' if path == 'pilot' else ''}: {over}")
        shot(page, f"telefoon-{ROLES[username]}-{path or 'start'}")
    ctx.close()
    assert not wide, "pages wider than a 390 px screen:\n" + "\n".join(wide)


# --- offline: own fonts and icons -------------------------------------------------------------------

ICON_TEXT = """() => [...document.querySelectorAll('[data-testid=stIconMaterial]')]
  .filter(e => e.offsetParent !== null)
  .filter(e => !getComputedStyle(e).fontFamily.includes('Material Symbols'))
  .map(e => e.textContent)"""


def test_offline_fonts_and_icons_come_from_the_app(site, browser):
    if site.dataset != "demo":
        pytest.skip("one dataset is enough")
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    own = urlparse(site.url).netloc
    refused: list[str] = []

    def only_local(route):
        if urlparse(route.request.url).netloc == own or route.request.url.startswith("data:"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    ctx.route("**/*", only_local)
    page = ctx.new_page()
    page.set_default_timeout(30000)
    login(page, site.url, LEAD, PASSWORDS[LEAD])
    for path in ("", "pilot", "dorpsdashboard"):
        open_page(page, site.url, path)
        # an expander: its arrow is an icon of the Material Symbols font
        loaded = page.evaluate("""async () => { await document.fonts.ready;
            return ['Material Symbols Rounded', 'Source Sans'].map(f =>
              [...document.fonts].some(ff => ff.family.replace(/"/g, '') === f
                                            && ff.status === 'loaded')); }""")
        assert loaded == [True, True], (path, loaded)
        assert page.evaluate(ICON_TEXT) == [], path
        icons = page.locator("[data-testid=stIconMaterial]")
        if icons.count():
            box = icons.first.bounding_box()
            # a glyph is about one line high and wide; a name as text is several times wider
            assert box is None or box["width"] < 3 * box["height"], icons.first.inner_text()
    shot(page, "offline-dorpsdashboard")
    ctx.close()
    assert refused == [], f"requests to other hosts: {refused}"
