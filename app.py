"""乡村振兴指标看板 — entry: page config, navigation, shared sidebar filters (kept in the URL)."""
from __future__ import annotations

import streamlit as st

from views._ui import Filters, chinese_widgets, engine, meta
from rural import periods
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
]
COUNTY_WIDE = "全县"


def sidebar() -> Filters | None:
    county, snaps, towns = meta()
    if not snaps:
        return None
    params = st.query_params
    state = st.session_state
    if "as_of" not in state:  # first run of the session: restore a bookmarked view
        state["as_of"] = params.get("as_of") if params.get("as_of") in snaps else snaps[-1]
        state["township"] = params.get("township") if params.get("township") in towns else COUNTY_WIDE
        state["compare"] = params.get("compare", "")
    if state["as_of"] not in snaps:
        state["as_of"] = snaps[-1]
    with st.sidebar:
        st.markdown(f"### {county}")
        as_of = st.selectbox("统计时点", snaps[::-1], placeholder="请选择", key="as_of", format_func=periods.label)
        st.selectbox("乡镇", [COUNTY_WIDE, *towns], placeholder="请选择", key="township")
        earlier = [s for s in snaps if s < as_of][::-1]
        if state["compare"] not in earlier:
            state["compare"] = default_compare(engine(), as_of, county) or ""
        st.selectbox("对比时点（上次会议）", ["", *earlier], placeholder="请选择", key="compare",
                     format_func=lambda p: periods.label(p) if p else "不对比")
        st.caption("筛选条件保存在网址中，可收藏或发给同事。")
    township = None if state["township"] == COUNTY_WIDE else state["township"]
    params.from_dict({k: v for k, v in {"as_of": state["as_of"], "township": township or "",
                                        "compare": state["compare"]}.items() if v})
    return Filters(county, state["as_of"], township, state["compare"] or None, data_version(engine()))


def welcome() -> None:
    st.title("乡村振兴指标看板")
    st.warning("数据库中还没有数据。")
    st.markdown("请先载入部门报表：\n\n"
                "- 在左侧“数据管理”页上传各部门报表（.xlsx、.xls、.csv），检查无误后确认载入；\n"
                "- 用示例数据试用：在项目目录运行 `make run`（会自动生成并载入示例数据）；\n"
                "- 用命令行载入：`python -m etl load 报表1.xlsx 报表2.xls …`（数据库位置见 README）。")


chinese_widgets(get_settings().limits.max_upload_mb)
filters = sidebar()
st.session_state["filters"] = filters
if filters is None:
    st.navigation([st.Page(welcome, title="开始", url_path="start", default=True), PAGES[-1]], position="sidebar").run()
else:
    st.navigation(PAGES, position="sidebar").run()
