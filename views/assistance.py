"""社会救助: person-times and amounts by type and over time; the assistance platform."""
import pandas as pd
import streamlit as st

from views._ui import chart, empty, figures, filters, fmt_int, fmt_pct, header, md, q, table
from rural import charts, periods, tables
from rural.numbers import fmt_wan

f = filters()
header("政策保收 · 社会救助")
asst = q("assistance_by_type")
pf = q("platform_summary")
if not asst["types"] and not pf.get("period"):
    empty("社会救助")
    st.stop()
if asst["types"]:
    st.markdown(f"统计期：**{periods.label(asst['period'], ytd=True)}**")
    figures([(md(t["name"]), f"{fmt_int(t['person_times'])}人次", f"发放金额{fmt_wan(t['amount_wan'])}")
             for t in asst["types"]], per_row=3)
    types = tables.assistance_rows(asst)
    chart(charts.assistance_by_type(asst["types"], f.as_of), types, "types", "社会救助发放情况")
    table(types)
    trend = q("assistance_trend")
    chart(charts.assistance_trend(trend, f.as_of), trend, "trend", "社会救助累计发放金额变化")
if pf.get("period"):
    st.subheader("政府救助平台")
    c = st.columns(3)
    c[0].metric("受理", f"{fmt_int(pf['received'])}件")
    c[1].metric("办结", f"{fmt_int(pf['closed'])}件")
    c[2].metric("办结率", fmt_pct(pf["closure_rate_pct"]))
    chart(charts.platform(pf, f.as_of), pd.DataFrame([pf]), "platform", "救助平台受理办结")
if not f.township:
    st.subheader("各乡镇社会救助")
    table(q("assistance_by_township"))
