"""Dorpsregie: entry point. Navigation by role; every page also guards itself."""

import streamlit as st

from dorp import ui

st.set_page_config(page_title="Dorpsregie", page_icon="🏡", layout="wide")

user = ui.current_user()
if user is None:
    ui.language_switch()
    nav = st.navigation([st.Page(ui.login_form, title=ui.t("login.title"), url_path="inloggen")])
else:
    ui.sidebar(user)
    nav = st.navigation(ui.pages_for(user))
nav.run()
