"""Gegevens: the exchange workbook in and out, backups, and the audit trail (leads only).

Import: upload -> full check (problems as a table, nothing written) or a preview per sheet
-> confirm -> one all-or-nothing load with a progress bar, after an automatic backup."""

import datetime
import hashlib

import streamlit as st

from dorp import backup, config, exchange, ui
from dorp.access import can
from dorp.errors import Refused
from dorp.repo import audit, bulk

user = ui.guard("exchange")
db = ui.db()
today = ui.today()

st.title(ui.t("exchange.title"))
ui.demo_banner(db, user)
st.caption(ui.t("exchange.intro"))

names = [ui.t("exchange.tab_out"), ui.t("exchange.tab_in"), ui.t("exchange.tab_backup")]
show_audit = can(user, "view_audit")
if show_audit:
    names.append(ui.t("exchange.tab_audit"))
tabs = st.tabs(names)

# --- export ----------------------------------------------------------------------------------
with tabs[0]:
    st.write(ui.t("exchange.out_intro"))
    c1, c2, _ = st.columns([2, 2, 3])
    c1.download_button(ui.t("exchange.download_template"), data=exchange.template,
                       file_name="dorpsregie-sjabloon.xlsx", mime=exchange.XLSX_MIME,
                       on_click="ignore", key="dl_template")
    c2.download_button(ui.t("exchange.download_export"),
                       data=lambda: exchange.export(db, user),
                       file_name=f"dorpsregie-export-{today.isoformat()}.xlsx",
                       mime=exchange.XLSX_MIME, on_click="ignore", key="dl_export",
                       type="primary")

# --- import ----------------------------------------------------------------------------------
with tabs[1]:
    st.write(ui.t("exchange.in_intro"))
    upload = st.file_uploader(ui.t("exchange.upload"), type=["xlsx"], key="upload",
                              max_upload_size=20)
    data = upload.getvalue() if upload is not None else st.session_state.get("upload_bytes")
    if data:
        digest = hashlib.sha256(data).hexdigest()
        checked = st.session_state.get("upload_checked")
        if not checked or checked[0] != digest:
            try:
                checked = (digest, exchange.parse(data), None)
            except exchange.WorkbookRefused as e:
                checked = (digest, None, e.problems)
            st.session_state["upload_checked"] = checked
        _, tables, problems = checked
        if problems:
            st.error(ui.t("exchange.refused_one" if len(problems) == 1 else
                          "exchange.refused", n=len(problems)))
            st.dataframe(exchange.problems_frame(problems), hide_index=True, width="stretch",
                         column_config={"sheet": ui.t("exchange.problem_sheet"),
                                        "row": ui.t("exchange.problem_row"),
                                        "column": ui.t("exchange.problem_column"),
                                        "message": ui.t("exchange.problem_message")})
        elif st.session_state.get("imported") == digest:
            st.success(ui.t("exchange.imported", rows=st.session_state.get("imported_rows", 0)))
        else:
            st.success(ui.t("exchange.valid"))
            st.dataframe(exchange.preview(db, user, tables), hide_index=True, width="stretch",
                         column_config={k: ui.t(f"exchange.preview_{k}") for k in
                                        ("sheet", "now", "in_file", "added", "removed",
                                         "unchanged")})
            st.warning(ui.t("exchange.replace_warning"))
            if st.button(ui.t("exchange.confirm"), type="primary", key="confirm_import"):
                bar = st.progress(0.0)
                order = list(bulk.LOAD_ORDER)

                def progress(sheet: str, n: int) -> None:
                    bar.progress((order.index(sheet) + 1) / len(order),
                                 text=ui.t("exchange.importing", sheet=sheet))
                try:
                    result = ui.write(lambda: exchange.import_tables(
                        db, user, tables, replace=True, progress=progress,
                        source=upload.name if upload is not None else None))
                except Refused as e:
                    st.error(str(e))
                    result = None
                bar.empty()
                if result is not None:
                    rows = sum(result.counts.values())
                    st.session_state["imported"] = digest
                    st.session_state["imported_rows"] = rows
                    st.success(ui.t("exchange.imported", rows=rows))
                    if result.backup:
                        st.info(ui.t("exchange.imported_backup", name=result.backup.name))

# --- backups ---------------------------------------------------------------------------------
with tabs[2]:
    st.write(ui.t("exchange.backup_intro", keep=config.backups_to_keep()))
    if st.button(ui.t("exchange.backup_now"), key="backup_now", type="primary"):
        made = backup.create(db.con, reason="handmatig")
        st.success(ui.t("exchange.backup_done", name=made.name))
    found = backup.list_backups(backup.backup_root(db.con))
    if not found:
        st.info(ui.t("exchange.backups_none"))
    else:
        st.dataframe(
            [{"name": b["name"], "created_at": b["created_at"].replace("T", " "),
              "reason": b["reason"], "rows": b["rows"]} for b in found],
            hide_index=True, width="stretch",
            column_config={"name": ui.t("exchange.backup_name"),
                           "created_at": ui.t("exchange.backup_created"),
                           "reason": ui.t("exchange.backup_reason"),
                           "rows": ui.t("exchange.backup_rows")})
        by_name = {b["name"]: b["path"] for b in found}
        pick = st.selectbox(ui.t("exchange.backup_pick"), list(by_name), key="backup_pick")
        st.download_button(ui.t("exchange.backup_download"),
                           data=lambda: backup.zip_bytes(by_name[pick]),
                           file_name=f"{pick}.zip", mime="application/zip",
                           on_click="ignore", key="dl_backup")
    st.caption(ui.t("exchange.restore_hint"))

# --- audit trail -----------------------------------------------------------------------------
if show_audit:
    with tabs[3]:
        st.write(ui.t("exchange.audit_intro"))
        opts = audit.choices(db, user)
        every = ui.t("exchange.audit_all")
        f1, f2, f3, f4, f5 = st.columns(5)
        # Audit times are the real clock (not DORP_TODAY); a picker always shows a date (an
        # empty one shows Streamlit's English "dd - mm - yyyy").
        now = datetime.date.today()
        since = f1.date_input(ui.t("exchange.audit_since"), value=now - datetime.timedelta(days=365),
                              key="audit_since", format="DD-MM-YYYY")
        until = f2.date_input(ui.t("exchange.audit_until"), value=now, key="audit_until",
                              format="DD-MM-YYYY")
        who = f3.selectbox(ui.t("exchange.audit_user"), [every, *opts["username"]],
                           key="audit_user")
        action = f4.selectbox(ui.t("exchange.audit_action"), [every, *opts["action"]],
                              key="audit_action")
        table = f5.selectbox(ui.t("exchange.audit_table"), [every, *opts["table"]],
                             key="audit_table")
        text = st.text_input(ui.t("exchange.audit_text"), key="audit_text")
        filters = dict(since=since, until=until, username=None if who == every else who,
                       action=None if action == every else action,
                       table=None if table == every else table, text=text or None)
        trail = audit.entries(db, user, **filters)
        st.caption(ui.t("exchange.audit_count", shown=len(trail), total=audit.count(db, user)))
        shown = trail.astype({"record_id": "string"}).astype(object).where(trail.notna(), "")
        st.dataframe(shown, hide_index=True, width="stretch",
                     column_config={c: ui.t(f"exchange.col_{c}") for c in audit.COLUMNS})
        d1, d2, _ = st.columns([2, 2, 3])
        d1.download_button(ui.t("exchange.audit_download"),
                           data=lambda: exchange.write_table(
                               "logboek", audit.entries(db, user, limit=None, **filters)),
                           file_name=f"logboek-{today.isoformat()}.xlsx",
                           mime=exchange.XLSX_MIME, on_click="ignore", key="dl_audit")
        d2.download_button(ui.t("exchange.audit_download_csv"),
                           data=lambda: exchange.safe_csv(
                               audit.entries(db, user, limit=None, **filters)),
                           file_name=f"logboek-{today.isoformat()}.csv", mime="text/csv",
                           on_click="ignore", key="dl_audit_csv")
