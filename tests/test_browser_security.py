"""Real browser (Debian chromium): on a freshly started server every page URL shows only the
login; each role sees its own menu; reload and a second tab stay logged in, Uitloggen ends
it everywhere and the old cookie is worthless; five wrong passwords throttle; a note with
HTML in it shows as text and fires nothing."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from dorp import i18n, ui
from dorp.access import User, role_can
from dorp.db import open_db
from tests.conftest import AS_OF, FUNDER, LEAD, PASSWORDS, STEERING, Server, free_port, login, shot

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
ROLE_OF = {LEAD: "lead", STEERING: "steering", FUNDER: "funder"}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, demo_template):
    """A server of our own, started for this module, with HTML planted in notes of Vorden."""
    db_file = tmp_path_factory.mktemp("security") / "dorp.duckdb"
    shutil.copy(demo_template, db_file)
    db = open_db(db_file)
    v = db.scalar("SELECT id FROM villages WHERE name = 'Vorden'")
    with db.tx("leider") as tx:
        tx.insert("steering_meetings", {"village_id": v, "held_on": AS_OF - timedelta(days=2),
                                        "municipality_satisfaction": 4,
                                        "community_satisfaction": 4,
                                        "decisions": XSS, "notes": XSS}, village_id=v)
        tx.insert("line_scores", {"village_id": v, "line": "broad_support", "score": 4,
                                  "scored_on": AS_OF - timedelta(days=2), "note": XSS},
                  village_id=v)
    db.con.close()
    srv = Server(db_file, free_port())
    srv.vorden = v
    yield srv
    srv.stop()


def _page_urls() -> list[str]:
    return ["/", "/inloggen", *("/" + p[4] for p in ui.PAGES)]


def _assert_only_login(page, url):
    page.get_by_role("textbox", name="Gebruikersnaam").wait_for()
    page.wait_for_timeout(300)
    body = page.inner_text("body")
    assert page.get_by_role("button", name="Uitloggen").count() == 0, url
    assert page.locator("[data-testid='stDataFrame'], .vega-embed, [data-testid='stMetric']") \
        .count() == 0, url
    for village in ("Vorden", "Laren", "Winssen"):
        assert village not in body, (url, village)


def test_every_page_url_shows_only_the_login(fresh, browser):
    ctx = browser.new_context(locale="nl-NL")
    page = ctx.new_page()
    page.set_default_timeout(30000)
    # the very first request on this server is a deep link
    for url in [_page_urls()[-1], *_page_urls()]:
        page.goto(fresh.url + url)
        _assert_only_login(page, url)
    shot(page, "security-login-only")
    ctx.close()


def _menu(page) -> set[str]:
    nav = page.locator(".st-key-menu")     # the menu ui.sidebar draws (page links)
    nav.wait_for()
    return {t.strip() for t in nav.locator("a").all_inner_texts() if t.strip()}


@pytest.mark.parametrize("username", [LEAD, STEERING, FUNDER])
def test_each_role_sees_its_menu(fresh, browser, username):
    ctx = browser.new_context(locale="nl-NL", viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(30000)
    login(page, fresh.url, username, PASSWORDS[username])
    who = User(username, ROLE_OF[username])
    expected = {i18n.t(p[1]) for p in ui.PAGES if role_can(who, p[3])}
    if len(expected) > 1:
        assert _menu(page) == expected
    else:   # one page: no menu at all, only that page
        page.wait_for_timeout(1500)
        assert page.locator(".st-key-menu").count() == 0
        assert page.locator("[data-testid='stSidebarNav']").count() == 0
        assert page.locator("[data-testid='stSidebar']").inner_text().find("Uitloggen") >= 0
    shot(page, f"security-menu-{ROLE_OF[username]}")
    ctx.close()


def test_session_survives_reload_and_tabs_and_logout_ends_it(fresh, browser):
    ctx = browser.new_context(locale="nl-NL")
    page = ctx.new_page()
    page.set_default_timeout(30000)
    login(page, fresh.url, LEAD, PASSWORDS[LEAD])
    cookie = next(c for c in ctx.cookies() if c["name"] == "dorp_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("dorp_session") == -1   # not for scripts
    page.reload()
    page.get_by_role("button", name="Uitloggen").wait_for()
    tab2 = ctx.new_page()
    tab2.goto(fresh.url + "/pilot")
    tab2.get_by_role("button", name="Uitloggen").wait_for()
    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_role("textbox", name="Gebruikersnaam").wait_for()
    assert not any(c["name"] == "dorp_session" for c in ctx.cookies())
    tab2.reload()
    tab2.get_by_role("textbox", name="Gebruikersnaam").wait_for()
    # the old token, put back by hand, is worthless
    other = browser.new_context(locale="nl-NL")
    other.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path")}])
    p3 = other.new_page()
    p3.goto(fresh.url + "/overzicht")
    _assert_only_login(p3, "/overzicht with an old cookie")
    other.close()
    ctx.close()


def test_five_wrong_passwords_throttle(fresh, browser):
    ctx = browser.new_context(locale="nl-NL")
    page = ctx.new_page()
    page.set_default_timeout(30000)
    page.goto(fresh.url)
    user_box = page.get_by_role("textbox", name="Gebruikersnaam")
    pw_box = page.get_by_role("textbox", name="Wachtwoord")
    for i in range(5):
        user_box.fill(FUNDER)
        pw_box.fill(f"fout-{i}-wachtwoord")
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_timeout(1200)   # let the run finish (the message stays between runs)
        page.get_by_text("klopt niet").wait_for()
    page.get_by_text("seconden wachten").wait_for()
    # the right password now has to wait too
    user_box.fill(FUNDER)
    pw_box.fill(PASSWORDS[FUNDER])
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_text("Te veel mislukte pogingen").wait_for()
    assert page.get_by_role("button", name="Uitloggen").count() == 0
    shot(page, "security-throttled")
    ctx.close()


def test_html_in_a_note_is_text_and_fires_nothing(fresh, browser):
    ctx = browser.new_context(locale="nl-NL", viewport={"width": 1400, "height": 1400})
    page = ctx.new_page()
    page.set_default_timeout(30000)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, fresh.url, LEAD, PASSWORDS[LEAD])
    shown_somewhere = False
    for url in ("/dorpsdashboard", "/pilot", "/metingen"):
        page.goto(f"{fresh.url}{url}?village_id={fresh.vorden}")
        page.get_by_role("button", name="Uitloggen").wait_for()
        page.wait_for_timeout(2500)
        body = page.inner_text("body")
        shown_somewhere = shown_somewhere or XSS in body
        assert page.locator("img[src='x']").count() == 0, url
        assert page.locator("[onerror]").count() == 0, url
    page.wait_for_timeout(500)
    assert dialogs == []
    assert shown_somewhere, "the note should appear, as text, on a village page"
    shot(page, "security-html-as-text")
    ctx.close()
