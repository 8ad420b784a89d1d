"""A generic area page (产业兴旺、生态宜居、乡风文明、治理有效、生活富裕, or any area of the catalogue): every
county indicator of the area from the catalogue — the county's (or the township's) figure with its trend against
the year's target and the status word, the townships' ranking against the county, 口径 beside each, downloads."""
import streamlit as st

from views._ui import chart, empty, filters, header, md, q, table
from rural import catalogue, charts, status
from rural.labels import indicator_rows
from rural.numbers import fmt

f = filters()
area = catalogue.area(st.session_state["page_area"])
header(f"{f.place}{area.name}")
values = q("county_values", area.key)
if not values:
    empty(area.name)
    st.stop()

st.subheader("主要指标")
cols = st.columns(min(4, len(values)))
for i, v in enumerate(values):
    col = cols[i % len(cols)]
    chip = status.mark(v["status"]) if v["status"] else None
    note = (f"年度目标{fmt(v['target'], v['unit'], places=v['precision'])}" if v["target"] is not None else "未设年度目标") \
        + f"（{v['period_label']}）"
    col.metric(md(v["name"]), fmt(v["value"], v["unit"], places=v["precision"]), chip,
               delta_color=status.status(v["status"]).level.streamlit if v["status"] else "off", delta_arrow="off",
               delta_description=note, help=md(f"口径：{v['definition']}"))
table(indicator_rows(q("indicator_table", area.key)), key="area-table")

for v in values:
    st.subheader(md(v["name"]))
    series = q("indicator_series", v["key"])
    if len(series):
        chart(charts.indicator_trend(series, v["key"], f.as_of), series, f"trend-{v['key']}", f"{v['name']}变化")
    if not f.township:
        ranking = q("indicator_by_township", v["key"])
        if len(ranking):
            chart(charts.indicator_ranking(ranking, v["key"], f.as_of), ranking, f"rank-{v['key']}", f"各乡镇{v['name']}")
            ind = catalogue.entry(v["key"])
            table(indicator_rows(ranking, ind.unit, ind.precision), key=f"rank-table-{v['key']}")
