"""Dorpsregie: entry point. Navigation by role; every page also guards itself.

`streamlit run app.py` finds the `app = st.App(...)` below and serves this file through it:
the ASGI app adds the two small routes that set and clear the HttpOnly session cookie
(dorp/sessions.py). Imported by the server (`__name__ != "__main__"`) it only builds that
app; run as the Streamlit script it draws the page.
"""

import streamlit as st

if __name__ != "__main__":
    from dorp import sessions, ui

    ui.always_navigate()  # deep links run through this script's navigation, never around it
    app = st.App("app.py", routes=sessions.make_routes(ui.db))
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
        ui.sidebar(user)
        nav = st.navigation(ui.pages_for(user))
    ui.run_page(nav)
