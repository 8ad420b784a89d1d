"""乡村振兴指标看板 — entry point (placeholder cockpit until the dashboard pages land)."""
from __future__ import annotations

import streamlit as st

from rural import periods
from rural.db import data_version, make_engine
from rural.indicators import Scope, summary
from rural.numbers import fmt_int, fmt_pct, fmt_wan, fmt_yuan

st.set_page_config(page_title="乡村振兴指标看板", page_icon="🌾", layout="wide")


@st.cache_resource
def engine():
    return make_engine()


@st.cache_data(show_spinner="正在汇总指标……")
def headline(version: str) -> dict:
    return summary(engine(), Scope())


s = headline(data_version(engine()))
if s["county"] is None:
    st.title("乡村振兴指标看板")
    st.info("数据库中还没有数据。请运行 `make run`（会自动生成并载入示例数据），或用 `python -m etl load 文件…` 载入部门报表。")
    st.stop()

st.title(f"{s['county']}乡村振兴指标看板")
st.caption(f"数据截至{periods.label(s['as_of'])}")
m, inc, emp, pj, asst = s["monitoring"], s["income"], s["employment"], s["projects"], s["assistance"]
c = st.columns(4)
c[0].metric("风险消除率（按人）", fmt_pct(m["elimination_rate_people"]))
c[1].metric("累计纳入监测", f"{fmt_int(m['households'])}户 {fmt_int(m['people'])}人")
c[2].metric(f"{inc['year']}年人均纯收入", fmt_yuan(inc["per_capita"]), f"{fmt_pct(inc['growth_pct'])}")
c[3].metric("救助平台办结率", fmt_pct(asst["platform"]["closure_rate_pct"]))
c = st.columns(4)
for col, item in zip(c, emp["indicators"]):
    col.metric(item["name"], fmt_pct(item["completion_pct"]), f"时序进度 {fmt_pct(emp['time_progress_pct'])}", delta_color="off")
if pj.get("library"):
    c[3].metric("项目库产业类投资占比", fmt_pct(pj["library"]["industrial_share_pct"]), fmt_wan(pj["library"]["investment_wan"]),
                delta_color="off")
