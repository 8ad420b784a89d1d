"""就业: completion against time progress per indicator, status; public-welfare posts and subsidies."""
import streamlit as st

from views._ui import chart, empty, filters, fmt, fmt_int, fmt_pct, header, md, q, table
from rural import charts, periods, tables
from rural.labels import STATUS
from rural.numbers import fmt_wan

f = filters()
header("就业稳收")
emp = q("employment_status")
if not emp["indicators"]:
    empty("就业")
    st.stop()
st.markdown(f"统计期：**{periods.label(emp['period'], ytd=True)}**　时序进度：**{fmt_pct(emp['time_progress_pct'])}**"
            f"（已过{int(emp['period'][5:])}个月 ÷ 12）")
c = st.columns(len(emp["indicators"]))
for col, i in zip(c, emp["indicators"]):
    col.metric(f"{md(i['name'])}（完成{fmt_pct(i['completion_pct'])}）", f"{fmt_int(i['done'])}人",
               f"{fmt(i['gap_pct'], '%', signed=True)}，{STATUS[i['status']]}", help=f"目标任务{fmt_int(i['target'])}人；与时序进度相比")

items = tables.employment_rows(emp)
chart(charts.employment_progress(emp, f.as_of), items, "progress", "就业目标任务完成情况")
table(items, ["indicator", "target", "done", "completion_pct", "time_progress_pct", "gap_pct", "status"])
wp = q("welfare_posts")
if wp.get("period"):
    st.subheader(f"城镇公益性岗位（{periods.label(wp['period'], ytd=True)}）")
    c = st.columns(3)
    c[0].metric("使用城镇公益性岗位", f"{fmt_int(wp['posts'])}个")
    c[1].metric("发放岗位补贴", fmt_wan(wp["post_subsidy_wan"]))
    c[2].metric("发放社会保险补贴", fmt_wan(wp["insurance_subsidy_wan"]))
if not f.township:
    st.subheader("各乡镇完成情况")
    table(q("employment_by_township"))
