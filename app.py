"""Dorpsregie: entry point. Navigation by role; every page also guards itself.

`streamlit run app.py` finds the `app = st.App(...)` below and serves this file through it:
the ASGI app adds the small routes that set and clear the HttpOnly session cookie
(dorp/sessions.py), the residents' ballot page /stem (dorp/ballot_web.py: the one page
reachable without login) and the security middleware (dorp/httpsec.py: headers, websocket origin,
metrics, the browser key of a log-in). Imported by the server (`__name__ != "__main__"`) it
only builds that app; run as the Streamlit script it draws the page.
"""

import streamlit as st

if __name__ != "__main__":
    from starlette.middleware import Middleware

    from dorp import ballot_web, config, httpsec, sessions, ui

    try:
        config.allowed_origins()
        config.map_tiles()
        httpsec.align_proxy_trust()  # X-Forwarded-Proto only from $DORP_TRUSTED_PROXIES
    except config.SettingError as e:   # a malformed setting: say so plainly, do not start
        raise SystemExit(f"Dorpsregie start niet: {e}") from None
    ui.always_navigate()  # deep links run through this script's navigation, never around it
    app = st.App("app.py", routes=sessions.make_routes(ui.db) + ballot_web.make_routes(ui.db),
                 middleware=[Middleware(httpsec.SecurityMiddleware, get_db=ui.db,
                                        is_lead=sessions.is_lead_session)])
    # The first visitor after a start should not wait for imports, migrations and the facts
    # of every pilot: a background thread does that now (dorp/ui/warm.py).
    from dorp.ui import warm
    warm.start()
else:
    from dorp import ui

    st.set_page_config(page_title="Dorpsregie", page_icon="🏡", layout="wide")

    user = ui.current_user()
    if user is None:
        # Every page stays reachable by its URL, but each shows only the log-in form until
        # someone has logged in (ui.guard); after logging in the browser returns there.
        ui.language_switch()
        nav = st.navigation(
            [st.Page(ui.login_form, title=ui.t("login.title"), url_path="inloggen", default=True),
             *ui.all_pages()],
            position="hidden")
    else:
        menu = ui.pages_for(user)
        nav = st.navigation(menu, position="hidden")   # the menu is drawn by ui.sidebar
        ui.sidebar(user, menu)
    ui.run_page(nav)
