"""Issue 17, section 2: keyboard only. A programme lead logs in, scores a line, records a
steering meeting, moves the pilot to the next step and logs out in Debian's chromium with the
keyboard alone: Tab (and Shift+Tab) to move, Enter or Space to press, typing into fields,
and the arrow keys inside a tab list (the ARIA pattern for tabs). No mouse click anywhere.

Every element the journey lands on has a visible focus indicator: an outline, a focus ring
(box-shadow) or the field's border in the theme's focus colour."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.conftest import LEAD, PASSWORDS, shot, start_server
from tests.test_browser_a11y import idle

pytestmark = pytest.mark.browser

VILLAGE = "Doornspijk"      # a demo pilot at step 3 whose steering group is complete

# What shows focus on the focused element or one of its three nearest ancestors.
FOCUS_INDICATOR = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const primary = [[31, 111, 139], [30, 97, 122]];
  let n = e;
  for (let i = 0; i < 4 && n; i++, n = n.parentElement) {
    const s = getComputedStyle(n);
    if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
      return 'outline ' + s.outlineWidth + ' ' + s.outlineColor + ' on ' + n.tagName;
    if (s.boxShadow && s.boxShadow !== 'none')
      return 'ring ' + s.boxShadow + ' on ' + n.tagName;
    const m = s.borderTopColor.match(/\\d+/g);
    if (m && primary.some(p => p.every((c, k) => Math.abs(c - +m[k]) < 12)))
      return 'border ' + s.borderTopColor + ' on ' + n.tagName;
  }
  return null;
}"""


@pytest.fixture(scope="module")
def keyboard_server(tmp_path_factory, demo_template):
    srv = start_server(tmp_path_factory, demo_template, "keyboard")
    yield srv
    srv.stop()


def focused(page, target) -> bool:
    return target.evaluate("e => e === document.activeElement || e.contains(document.activeElement)")


def tab_to(page, target, limit: int = 250, back: bool = False) -> None:
    """Press Tab (Shift+Tab) until `target` has the focus; it must show that it has."""
    target.wait_for(state="attached")
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if focused(page, target):
            try:    # (focus styles may fade in: a short transition)
                page.wait_for_function(FOCUS_INDICATOR, timeout=2000)
            except PlaywrightTimeout:
                raise AssertionError(f"no visible focus on {target}") from None
            return
    raise AssertionError(f"{target} not reached with the Tab key")


def pick(page, box, text: str) -> None:
    """A select box by keyboard: focus it, type to filter, Enter to choose."""
    idle(page)   # a run still drawing (a tab just opened) redraws the box and closes its list
    tab_to(page, box)
    page.keyboard.type(text)
    # the list shows the option before Enter picks it (on a busy machine it may lag behind
    # the typing; Enter on a stale list picks nothing and the typed text is dropped)
    page.get_by_role("option", name=re.compile("^" + re.escape(text))).first.wait_for()
    page.keyboard.press("Enter")
    page.get_by_role("listbox").wait_for(state="hidden")
    expect(box).to_have_value(re.compile("^" + re.escape(text)))


def to_tab(page, name: str) -> None:
    """Reach the tab list with Tab, then walk it with the arrow keys to `name`."""
    tabs = page.get_by_role("tab")
    selected = page.locator("[role=tab][aria-selected=true]")
    names = [n.strip() for n in tabs.all_inner_texts()]
    # the arrow towards the tab (the list does not wrap around)
    arrow = "ArrowLeft" if names.index(name) < names.index(selected.inner_text().strip()) \
        else "ArrowRight"
    tab_to(page, selected)
    here = "document.activeElement.innerText.trim()"
    for _ in range(2 * tabs.count()):
        if page.evaluate("document.activeElement.getAttribute('role')") != "tab":
            tab_to(page, selected)   # the run drew the tab list anew: back to it, by Tab
        before = page.evaluate(here)
        if before == name:
            break
        page.keyboard.press(arrow)
        # an arrow key selects the tab it lands on (automatic activation), and only the open
        # tab is drawn: wait for that run before the next key, or a late run of an earlier
        # tab is the one that stays on screen. A key that came while the list was being
        # drawn again moved nothing: it is pressed once more.
        try:
            page.wait_for_function(f"b => {here} !== b", arg=before, timeout=5000)
        except PlaywrightTimeout:
            pass
        idle(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")
    idle(page)


def test_keyboard_only_journey(keyboard_server, browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    page = ctx.new_page()
    page.set_default_timeout(30000)
    base = keyboard_server.url
    try:
        journey(page, base)
    finally:
        shot(page, "toetsenbord-laatste")
        ctx.close()


def journey(page, base):
    # log in
    page.goto(base)
    idle(page)
    tab_to(page, page.get_by_role("textbox", name="Gebruikersnaam"))
    page.keyboard.type(LEAD)
    tab_to(page, page.get_by_role("textbox", name="Wachtwoord"))
    page.keyboard.type(PASSWORDS[LEAD])
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Uitloggen").wait_for()
    idle(page)

    # score a line (Metingen): the first line's score, then save
    tab_to(page, page.locator(".st-key-menu").get_by_role("link", name="Metingen"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Metingen van de vijf lijnen").wait_for()
    idle(page)
    pick(page, page.get_by_role("combobox", name="Dorp"), VILLAGE)
    idle(page)
    pick(page, page.get_by_role("combobox", name="Score").first, "4")
    save = page.get_by_role("button", name="Meting opslaan")
    tab_to(page, save)
    page.keyboard.press("Enter")
    page.get_by_text("Meting opgeslagen.").first.wait_for()
    idle(page)
    shot(page, "toetsenbord-meting")

    # record a steering meeting (Pilot, tab 3 · Stuurgroep)
    tab_to(page, page.locator(".st-key-menu").get_by_role("link", name="Pilot"), back=True)
    page.keyboard.press("Enter")
    idle(page)
    pick(page, page.get_by_role("combobox", name="Pilot"), VILLAGE)
    idle(page)
    page.get_by_role("heading", name=re.compile("^" + VILLAGE)).wait_for()
    to_tab(page, "3 · Stuurgroep")
    adder = page.get_by_text("Vergadering vastleggen", exact=True)
    tab_to(page, page.locator("summary").filter(has=adder))
    page.keyboard.press("Enter")
    form = page.locator("[data-testid='stForm']").filter(
        has=page.get_by_role("textbox", name="Besluiten"))
    pick(page, form.get_by_role("combobox", name="Tevredenheid gemeente"), "4")
    pick(page, form.get_by_role("combobox", name="Tevredenheid dorpsgemeenschap"), "4")
    tab_to(page, form.get_by_role("textbox", name="Besluiten"))
    page.keyboard.type("Werkgroepen starten in januari.")
    tab_to(page, form.get_by_role("button", name="Opslaan"))
    page.keyboard.press("Enter")
    page.get_by_text("Opgeslagen.").first.wait_for()
    idle(page)
    shot(page, "toetsenbord-vergadering")

    # move the pilot to step 4 (Stand van zaken, Verplaatsen): Space picks, Enter runs
    to_tab(page, "Stand van zaken")
    run = page.get_by_role("button", name="Uitvoeren")
    tab_to(page, run)
    page.keyboard.press("Space")
    page.get_by_text("De pilot is verplaatst.").first.wait_for()
    idle(page)
    # the pilot's facts: a caption and its value as text (no metric that cuts it off)
    step = page.locator("[data-testid='stColumn']").filter(
        has=page.get_by_text("Stap", exact=True)).first
    expect(step).to_contain_text("4 · Uitvoering")
    shot(page, "toetsenbord-verplaatst")

    # log out
    tab_to(page, page.get_by_role("button", name="Uitloggen"), back=True)
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Inloggen").wait_for()
