"""乡村振兴指标看板 — entry: page config, navigation, shared sidebar filters (kept in the URL)."""
from __future__ import annotations

import streamlit as st

from urllib.parse import quote

from views._ui import Filters, chinese_widgets, counties, engine, md, meta, q
from rural import access, auth, periods, web
from rural.db import data_version
from rural.indicators import default_compare
from rural.settings import get_settings

st.set_page_config(page_title="乡村振兴指标看板", page_icon="🌾", layout="wide", initial_sidebar_state="auto")

# The page files live in views/, not pages/: Streamlit treats a pages/ folder beside the entry
# script as its older multipage mode, which serves a bookmarked /<page> of a freshly started server
# (and AppTest's switch_page) from the page file alone, without this script's sidebar.
PAGES = [
    st.Page("views/overview.py", title="总览", url_path="overview", default=True),
    st.Page("views/monitoring.py", title="监测帮扶", url_path="monitoring"),
    st.Page("views/income.py", title="收入", url_path="income"),
    st.Page("views/employment.py", title="就业", url_path="employment"),
    st.Page("views/projects.py", title="项目", url_path="projects"),
    st.Page("views/assistance.py", title="社会救助", url_path="assistance"),
    st.Page("views/map.py", title="地图", url_path="map"),
    st.Page("views/briefing.py", title="汇报材料", url_path="briefing"),
    st.Page("views/data.py", title="数据管理", url_path="data"),
    st.Page("views/admin.py", title="账号与审计", url_path="admin"),
]
PAGE_ACTION = {"data": "upload", "admin": "accounts"}    # other pages: "view"
AREA_PAGES_AFTER = "assistance"     # the areas of the county's own indicators (产业兴旺 …) come after this page


def area_pages(areas: list[str]) -> list:
    """One page per area the county has indicators for (views/area.py, told its area by ``page_area``)."""
    from rural import catalogue

    return [st.Page("views/area.py", title=catalogue.area(a).name, url_path=a) for a in areas
            if not catalogue.area(a).page]
COUNTY_WIDE = "全县"


def sidebar(principal: access.Principal) -> Filters | None:
    choices = counties()
    if len(choices) > 1:                 # a prefecture account in a database of several counties: choose one
        if "county" not in st.session_state:
            st.session_state["county"] = st.query_params.get("county") if st.query_params.get("county") in choices \
                else choices[0]
        st.sidebar.selectbox("县", choices, placeholder="请选择", key="county")
    county, snaps, towns = meta()
    if not snaps:
        return None
    params = st.query_params
    state = st.session_state
    if "as_of" not in state:  # first run of the session: restore a bookmarked view, never wider than the account
        state["as_of"] = params.get("as_of") if params.get("as_of") in snaps else snaps[-1]
        asked = params.get("township") if params.get("township") in towns else None
        township, notice = access.sidebar_township(principal, asked)
        state["township"] = township or COUNTY_WIDE
        state["compare"] = params.get("compare", "")
        if notice:
            st.toast(notice)
            state["scope_notice"] = notice
    if state["as_of"] not in snaps:
        state["as_of"] = snaps[-1]
    if state["township"] not in (COUNTY_WIDE, *towns):      # another county chosen
        state["township"] = COUNTY_WIDE
    fixed = access.township_of(principal)
    if fixed:
        state["township"] = fixed
    with st.sidebar:
        st.markdown(f"### {md(county)}")
        as_of = st.selectbox("统计时点", snaps[::-1], placeholder="请选择", key="as_of", format_func=periods.label)
        st.selectbox("乡镇", [fixed] if fixed else [COUNTY_WIDE, *towns], placeholder="请选择", key="township",
                     disabled=bool(fixed), help="您的账号只能查看本乡镇" if fixed else None)
        earlier = [s for s in snaps if s < as_of][::-1]
        if state["compare"] not in earlier:
            state["compare"] = default_compare(engine(), as_of, county) or ""
        st.selectbox("对比时点（上次会议）", ["", *earlier], placeholder="请选择", key="compare",
                     format_func=lambda p: periods.label(p) if p else "不对比")
        st.caption("筛选条件保存在网址中，可收藏或发给同事。")
        account_box(principal)
    township = None if state["township"] == COUNTY_WIDE else state["township"]
    params.from_dict({k: v for k, v in {"county": county if len(choices) > 1 else "", "as_of": state["as_of"],
                                        "township": township or "",
                                        "compare": state["compare"]}.items() if v})
    return Filters(county, state["as_of"], township, state["compare"] or None, data_version(engine()))


def account_box(principal: access.Principal) -> None:
    st.divider()
    where = principal.township or principal.county or "全部县"
    st.caption(f"{md(principal.account)} · {principal.role_name} · {md(where)}")
    if principal_source() == "oidc":
        st.button("退出登录", on_click=st.logout, key="sign_out")
    else:
        st.link_button("退出登录", "/signout")


def principal_source() -> str:
    return st.session_state.get("principal_source", "")


def oidc_enabled() -> bool:
    """Sign-in through the county's identity provider: Streamlit's secrets hold its ``[auth]`` section (built by
    server.py from the settings and the keys when ``mode = "oidc"``)."""
    try:
        return "auth" in st.secrets
    except Exception:   # noqa: BLE001 — no secrets at all
        return False


def who() -> access.Principal | None:
    """The signed-in account, from this request's session cookie (local) or Streamlit's OIDC sign-in; asked
    again on every run, so a session ended elsewhere (sign-out, a disabled account, expiry) ends here too."""
    e = engine()
    token = st.context.cookies.get(auth.SESSION_COOKIE)
    principal = auth.principal_from_token(e, token) if token else None
    if principal is not None:
        st.session_state["principal_source"] = "local"
        return principal
    if oidc_enabled() and st.user.is_logged_in:
        claims = st.user.to_dict()
        key = ("oidc", str(claims.get("sub", "")))
        if st.session_state.get("oidc_key") != key:      # resolved (and audited) once per sign-in
            try:
                st.session_state["oidc_principal"] = auth.principal_from_oidc(e, claims)
            except access.Denied as exc:
                st.session_state["oidc_principal"] = None
                st.session_state["signin_problem"] = exc.text
            st.session_state["oidc_key"] = key
        principal = st.session_state.get("oidc_principal")
        st.session_state["principal_source"] = "oidc"
        return principal
    return None


def signin_page() -> None:
    st.title("乡村振兴指标看板")
    e = engine()
    oidc = oidc_enabled()
    if st.session_state.get("signin_problem"):
        st.error(st.session_state["signin_problem"])
    if oidc:
        st.info("请使用本县统一身份认证账号登录。")
        if st.user.is_logged_in:
            st.button("退出并换一个账号", on_click=st.logout)
        else:
            st.button("使用统一身份认证登录", on_click=st.login, args=(web.OIDC_PROVIDER,), type="primary")
    elif not auth.has_accounts(e):
        st.warning("这个数据库还没有任何账号，暂时无法登录。")
        st.markdown("请管理员在服务器上创建第一个管理员账号（命令会显示一次初始密码）：")
        st.code("python -m rural users add 账号名 --role admin", language=None)
    else:
        st.info("看板中有监测户等敏感数据，请先登录。")
        url = st.context.url or "/"
        path = "/" + url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else "/"
        st.link_button("登录", "/signin?next=" + quote(path, safe="/?=&"), type="primary")


def welcome() -> None:
    st.title("乡村振兴指标看板")
    st.warning("数据库中还没有数据。")
    st.markdown("请先载入部门报表：\n\n"
                "- 在左侧“数据管理”页上传各部门报表（.xlsx、.xls、.csv），检查无误后确认载入；\n"
                "- 用示例数据试用：在项目目录运行 `make run`（会自动生成并载入示例数据）；\n"
                "- 用命令行载入：`python -m etl load 报表1.xlsx 报表2.xls …`（数据库位置见 README）。")


chinese_widgets(get_settings().limits.max_upload_mb)
principal = who()
st.session_state["principal"] = principal
if principal is None:
    st.session_state["filters"] = None
    st.navigation([st.Page(signin_page, title="登录", url_path="signin-required", default=True)], position="hidden").run()
    st.stop()
filters = sidebar(principal)
st.session_state["filters"] = filters
pages = [p for p in PAGES if access.allowed(principal, PAGE_ACTION.get(p.url_path, "view"))]
if filters is None:
    data = [p for p in pages if p.url_path in ("data", "admin")]
    st.navigation([st.Page(welcome, title="开始", url_path="start", default=True), *data], position="sidebar").run()
else:
    at = next(i for i, p in enumerate(pages) if p.url_path == AREA_PAGES_AFTER) + 1 \
        if any(p.url_path == AREA_PAGES_AFTER for p in pages) else len(pages)
    pages = pages[:at] + area_pages(q("indicator_areas")) + pages[at:]
    page = st.navigation(pages, position="sidebar", expanded=True)    # every page listed (no “View more”)
    st.session_state["page_area"] = page.url_path
    page.run()
