"""Accounts en privacy (leads): accounts (create, disable, enable, new password), the log of
who opened personal data, and a person's rights (export everything, erase)."""

import pandas as pd
import streamlit as st

from dorp import ui
from dorp.errors import Invalid
from dorp.method import ROLES
from dorp.repo import privacy, users

user = ui.guard("manage_users")
db = ui.db()


def when(d) -> str:
    return ui.fmt_date(None if d is None or pd.isna(d) else d)


def same_passwords(x: dict, first: str, second: str) -> None:
    if x[first] != x[second]:
        raise Invalid({second: ui.t("accounts.mismatch")})


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
        version = int(row.version)
        c1, c2 = st.columns(2)
        with c1:
            ui.flash(f"account:{chosen}")   # enabled / disabled: the other button shows now
            if row.disabled:
                ui.confirm_button(
                    ui.t("accounts.enable"), ui.t("accounts.enable_q", user=ui.md(chosen)),
                    lambda: users.enable(db, user, chosen, version),
                    key=f"acc_enable:{chosen}", success=ui.t("accounts.enabled_ok", user=chosen),
                    flash=f"account:{chosen}")
            elif chosen != user.username:
                ui.confirm_button(
                    ui.t("accounts.disable"), ui.t("accounts.disable_q", user=ui.md(chosen)),
                    lambda: users.disable(db, user, chosen, version),
                    key=f"acc_disable:{chosen}", success=ui.t("accounts.disabled_ok", user=chosen),
                    flash=f"account:{chosen}")
        with c2:
            # Keyed by the account: a password typed for one account never goes to another.
            fm = ui.Form("password", scope=chosen, record={"id": chosen, "version": version})
            with fm:
                st.markdown(f"**{ui.t('accounts.reset')}**")
                st.text_input(ui.t("accounts.new_password"), type="password",
                              help=ui.t("accounts.password_rules"), key=fm.key("pw1"))
                fm.err("password")
                st.text_input(ui.t("accounts.repeat_password"), type="password",
                              key=fm.key("pw2"))
                fm.err("pw2")

                def reset(x, version, chosen=chosen):
                    same_passwords(x, "pw1", "pw2")
                    users.reset_password(db, user, chosen, x["pw1"], version)

                fm.submit(ui.t("accounts.reset"), reset,
                          success=ui.t("accounts.reset_ok", user=chosen))

# --- a new account -----------------------------------------------------------------------------
with tab_new:
    fm = ui.Form("account")
    with fm:
        st.text_input(ui.t("accounts.username"), max_chars=64, key=fm.key("username"))
        fm.err("username")
        st.selectbox(ui.t("accounts.role"), list(ROLES), format_func=lambda r: ui.label("role", r),
                     key=fm.key("role"))
        fm.err("role")
        st.multiselect(ui.t("accounts.villages"), users.village_names(db, user),
                       help=ui.t("accounts.villages_help"), key=fm.key("villages"))
        fm.err("villages")
        st.text_input(ui.t("accounts.password"), type="password",
                      help=ui.t("accounts.password_rules"), key=fm.key("pw1"))
        fm.err("password")
        st.text_input(ui.t("accounts.repeat_password"), type="password", key=fm.key("pw2"))
        fm.err("pw2")

        def create(x, _v):
            same_passwords(x, "pw1", "pw2")
            users.add(db, user, x["username"], x["role"], x["pw1"], x["villages"])
            return x["username"].strip()

        fm.submit(ui.t("accounts.create"), create,
                  success=lambda name: ui.t("accounts.created_ok", user=name), type="primary")

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
            ui.form_message("erase", scope=person)   # the person just erased
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
            fm = ui.Form("erase", scope=person)
            with fm:
                st.text_input(ui.t("accounts.erase_confirm"), key=fm.key("confirm"))
                fm.err("confirm")

                fm.submit(ui.t("accounts.erase_button"),
                          lambda x, _v, person=person: privacy.erase_person(db, user, person,
                                                                            x["confirm"]),
                          success=lambda n: ui.t("accounts.erased_ok", n=n))
