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

# one indicator at a time below (an area may hold dozens): its trend against the target and the townships' ranking
st.subheader("历年变化与各乡镇比较")
by_key = {v["key"]: v for v in values}
key = st.selectbox("选择指标", list(by_key), format_func=lambda k: by_key[k]["name"], placeholder="请选择",
                   key=f"area-indicator-{area.key}")
v = by_key[key]
series = q("indicator_series", key)
if len(series):
    chart(charts.indicator_trend(series, key, f.as_of), series, f"trend-{key}", f"{v['name']}变化")
if not f.township:
    ranking = q("indicator_by_township", key)
    if len(ranking):
        chart(charts.indicator_ranking(ranking, key, f.as_of), ranking, f"rank-{key}", f"各乡镇{v['name']}")
        ind = catalogue.entry(key)
        table(indicator_rows(ranking, ind.unit, ind.precision), key=f"rank-table-{key}")
