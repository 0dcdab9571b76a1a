"""Accounts en privacy (leads): accounts (create, disable, enable, new password), the log of
who opened personal data, and a person's rights (export everything, erase)."""

import pandas as pd
import streamlit as st

from dorp import ui
from dorp.method import ROLES
from dorp.repo import privacy, users

user = ui.guard("manage_users")
db = ui.db()



def when(d) -> str:
    return ui.fmt_date(None if d is None or pd.isna(d) else d)


st.title(ui.t("accounts.title"))
st.caption(ui.t("accounts.intro"))

tab_list, tab_new, tab_reads, tab_person = st.tabs(
    [ui.t("accounts.tab_list"), ui.t("accounts.tab_new"), ui.t("accounts.tab_reads"),
     ui.t("accounts.tab_person")])

# --- accounts ----------------------------------------------------------------------------------
with tab_list:
    df = users.list_users(db, user)
    table = df.assign(
        role=df.role.map(lambda r: ui.label("role", r)),
        villages=df.villages.map(lambda v: ", ".join(v) if len(v) else "–"),
        disabled=df.disabled.map(lambda d: ui.t("accounts.disabled" if d else "accounts.active")),
        created_at=df.created_at.map(when),
        last_login=df.last_login.map(when),
    )[["username", "role", "villages", "disabled", "created_at", "last_login"]]
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "username": ui.t("accounts.username"), "role": ui.t("accounts.role"),
        "villages": ui.t("accounts.villages"), "disabled": ui.t("accounts.state"),
        "created_at": ui.t("accounts.created"), "last_login": ui.t("accounts.last_login")})

    if not df.empty:
        chosen = st.selectbox(ui.t("accounts.choose"), list(df.username), key="acc_user")
        row = df[df.username == chosen].iloc[0]
        c1, c2 = st.columns(2)
        with c1:
            if row.disabled:
                if st.button(ui.t("accounts.enable"), key="acc_enable"):
                    if ui.write(lambda: users.enable(db, user, chosen) or True,
                                success=ui.t("accounts.enabled_ok", user=chosen)):
                        st.rerun()
            elif chosen != user.username:
                if st.button(ui.t("accounts.disable"), key="acc_disable"):
                    if ui.write(lambda: users.disable(db, user, chosen) or True,
                                success=ui.t("accounts.disabled_ok", user=chosen)):
                        st.rerun()
        with c2:
            with st.form("acc_reset"):
                st.markdown(f"**{ui.t('accounts.reset')}**")
                pw1 = st.text_input(ui.t("accounts.new_password"), type="password",
                                    help=ui.t("accounts.password_rules"), key="acc_pw1")
                pw2 = st.text_input(ui.t("accounts.repeat_password"), type="password",
                                    key="acc_pw2")
                if st.form_submit_button(ui.t("accounts.reset")):
                    if pw1 != pw2:
                        st.error(ui.t("accounts.mismatch"))
                    else:
                        ui.write(lambda: users.reset_password(db, user, chosen, pw1),
                                 success=ui.t("accounts.reset_ok", user=chosen))

# --- a new account -----------------------------------------------------------------------------
with tab_new:
    with st.form("acc_new"):
        name = st.text_input(ui.t("accounts.username"), max_chars=64, key="acc_new_name")
        role = st.selectbox(ui.t("accounts.role"), list(ROLES),
                            format_func=lambda r: ui.label("role", r), key="acc_new_role")
        villages = st.multiselect(ui.t("accounts.villages"), users.village_names(db, user),
                                  help=ui.t("accounts.villages_help"), key="acc_new_villages")
        pw1 = st.text_input(ui.t("accounts.password"), type="password",
                            help=ui.t("accounts.password_rules"), key="acc_new_pw1")
        pw2 = st.text_input(ui.t("accounts.repeat_password"), type="password", key="acc_new_pw2")
        if st.form_submit_button(ui.t("accounts.create"), type="primary"):
            if pw1 != pw2:
                st.error(ui.t("accounts.mismatch"))
            else:
                ui.write(lambda: users.add(db, user, name, role, pw1, villages),
                         success=ui.t("accounts.created_ok", user=name.strip()))
    for field in ("username", "role", "villages", "password"):
        ui.field_error(field)

# --- who opened personal data ------------------------------------------------------------------
with tab_reads:
    st.caption(ui.t("accounts.reads_intro"))
    reads = privacy.read_log(db, user)
    if reads.empty:
        st.info(ui.t("accounts.reads_empty"))
    else:
        st.dataframe(reads.assign(
            logged_at=reads.logged_at.map(when),
            what=reads.what.map(lambda w: ui.label("read", w)),
            village=reads.village.fillna(ui.t("accounts.all_villages")),
        ), hide_index=True, width="stretch", column_config={
            "logged_at": ui.t("accounts.read_when"), "username": ui.t("accounts.read_who"),
            "what": ui.t("accounts.read_what"), "village": ui.t("accounts.read_village")})

# --- one person's data -------------------------------------------------------------------------
with tab_person:
    st.caption(ui.t("accounts.person_intro"))
    person = st.text_input(ui.t("accounts.person_name"), key="acc_person").strip()
    if len(person) >= privacy.MIN_NAME:
        found = ui.write(lambda: privacy.find_person(db, user, person))
        if not found:
            st.info(ui.t("accounts.person_none"))
        else:
            total = sum(len(v) for v in found.values())
            st.write(ui.t("accounts.person_found", n=total))
            st.dataframe([{ui.t("accounts.person_table"): table,
                           ui.t("accounts.person_count"): len(rows)}
                          for table, rows in found.items()], hide_index=True)
            st.download_button(ui.t("accounts.person_download"),
                               data=lambda: privacy.export_person(db, user, person),
                               file_name="persoonsgegevens.json", mime="application/json",
                               on_click="ignore", key="acc_person_export")
            st.subheader(ui.t("accounts.erase_title"))
            st.warning(ui.t("accounts.erase_intro"))
            with st.form("acc_erase"):
                confirm = st.text_input(ui.t("accounts.erase_confirm"), key="acc_erase_confirm")
                if st.form_submit_button(ui.t("accounts.erase_button")):
                    n = ui.write(lambda: privacy.erase_person(db, user, person, confirm))
                    if n is not None:
                        st.success(ui.t("accounts.erased_ok", n=n))
            ui.field_error("confirm")
