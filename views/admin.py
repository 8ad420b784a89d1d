"""账号与审计 (administrators only): accounts, roles and scope; the audit log, filterable and exportable."""
import datetime as dt

import pandas as pd
import streamlit as st

from views._ui import engine, table
from rural import access, audit, auth

me: access.Principal = st.session_state["principal"]
try:
    access.require(me, "accounts")
except access.Denied as exc:
    st.error(exc.text)
    st.stop()
st.title("账号与审计")
tab_acc, tab_log = st.tabs(["账号", "审计日志"])

with tab_acc:
    accounts = pd.DataFrame(auth.list_accounts(engine()))
    if not accounts.empty:
        shown = accounts.rename(columns={"name": "账号", "display_name": "姓名或说明", "role": "角色", "county": "县",
                                         "township": "乡镇", "disabled": "已停用", "locked": "已锁定"})
        shown["角色"] = shown["角色"].map(lambda r: access.ROLE_NAMES.get(r, r))
        table(shown[[c for c in ("账号", "姓名或说明", "角色", "县", "乡镇", "已停用", "已锁定") if c in shown]], key="accounts")
    if st.session_state.get("admin_message"):
        kind, text = st.session_state["admin_message"]
        (st.success if kind == "ok" else st.error)(text)
        if kind == "ok" and st.session_state.get("admin_password"):
            st.text("初始密码（只显示这一次，请当面或当场转交）：")
            st.code(st.session_state.pop("admin_password"), language=None)
        if st.button("知道了", key="admin_ok"):
            st.session_state.pop("admin_message", None)
            st.rerun()
    roles = list(access.ROLE_NAMES)
    with st.form("new_account", clear_on_submit=True, border=True):
        st.markdown("**新建账号**")
        c1, c2 = st.columns(2)
        name = c1.text_input("账号（字母、数字、. _ -）", max_chars=40)
        label = c2.text_input("姓名或说明（可留空）", max_chars=40)
        c1, c2, c3 = st.columns(3)
        role = c1.selectbox("角色", roles, format_func=access.ROLE_NAMES.get, placeholder="请选择")
        county = c2.text_input("县（留空为全部县）", value=me.county or "", max_chars=40)
        township = c3.text_input("乡镇（录入员、乡镇查看填写；留空为全县）", max_chars=40)
        if st.form_submit_button("创建", type="primary"):
            try:
                password = auth.create_account(engine(), name.strip(), role, county=county.strip() or None,
                                               township=township.strip() or None, display_name=label.strip(), by=me)
                st.session_state["admin_message"] = ("ok", f"已创建账号 {name.strip()}（{access.ROLE_NAMES[role]}）。")
                st.session_state["admin_password"] = password
            except (ValueError, access.Denied) as exc:
                st.session_state["admin_message"] = ("error", getattr(exc, "text", str(exc)))
            st.rerun()
    if not accounts.empty:
        with st.container(border=True):
            st.markdown("**修改账号**")
            c1, c2 = st.columns([2, 3])
            pick = c1.selectbox("账号", accounts["name"].tolist(), index=None, placeholder="选择账号", key="acc_pick")
            if pick:
                row = accounts.set_index("name").loc[pick]
                b1, b2, b3 = c2.columns(3)
                if b1.button("重设密码", key="acc_pw"):
                    try:
                        st.session_state["admin_password"] = auth.set_password(engine(), pick, by=me)
                        st.session_state["admin_message"] = ("ok", f"已为 {pick} 重设密码，原有登录已失效。")
                    except (ValueError, access.Denied) as exc:
                        st.session_state["admin_message"] = ("error", getattr(exc, "text", str(exc)))
                    st.rerun()
                if bool(row.get("disabled")):
                    if b2.button("启用", key="acc_enable"):
                        auth.enable(engine(), pick, by=me)
                        st.session_state["admin_message"] = ("ok", f"已启用 {pick}。")
                        st.rerun()
                elif pick != me.account and b2.button("停用", key="acc_disable"):
                    auth.disable(engine(), pick, by=me)
                    st.session_state["admin_message"] = ("ok", f"已停用 {pick}，其登录已失效。")
                    st.rerun()
                with st.form("acc_role"):
                    c1, c2, c3 = st.columns(3)
                    new_role = c1.selectbox("角色", roles, index=roles.index(row["role"]) if row["role"] in roles else 0,
                                            format_func=access.ROLE_NAMES.get, placeholder="请选择")
                    new_county = c2.text_input("县（留空为全部县）", value=row.get("county") or "", max_chars=40)
                    new_town = c3.text_input("乡镇（留空为全县）", value=row.get("township") or "", max_chars=40)
                    if st.form_submit_button("保存角色和范围"):
                        try:
                            auth.set_role(engine(), pick, new_role, new_county.strip() or None, new_town.strip() or None, by=me)
                            st.session_state["admin_message"] = ("ok", f"已保存 {pick} 的角色和范围。")
                        except (ValueError, access.Denied) as exc:
                            st.session_state["admin_message"] = ("error", getattr(exc, "text", str(exc)))
                        st.rerun()

with tab_log:
    c1, c2, c3, c4 = st.columns(4)
    who = c1.text_input("账号", max_chars=40, key="log_account").strip() or None
    names = audit.action_names()
    action = c2.selectbox("操作", list(names), index=None, format_func=names.get, placeholder="全部操作", key="log_action")
    since = c3.date_input("起始日期", value=dt.date.today() - dt.timedelta(days=30), format="YYYY-MM-DD", key="log_since")
    until = c4.date_input("截止日期", value=dt.date.today(), format="YYYY-MM-DD", key="log_until")
    log = audit.entries(engine(), account=who, action=action, since=since, until=until)
    st.caption(f"共{len(log):,}条")
    table(log, height=420, key="audit")
    st.download_button("导出审计日志（Excel）", data=lambda: audit.entries_xlsx(
        engine(), account=who, action=action, since=since, until=until),
        file_name="审计日志.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="audit_xlsx", on_click="ignore")
