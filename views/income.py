"""收入: per-capita net income by year and half-year with growth; low-income bands; by township."""
import streamlit as st

from views._ui import chart, empty, filters, fmt_int, growth, header, q, table
from rural import charts, periods
from rural.numbers import fmt_yuan

f = filters()
header("脱贫人口收入")
inc = q("income_summary")
if not inc.get("year") and not inc.get("latest_period"):
    empty("收入")
    st.stop()
c = st.columns(4)
c[0].metric(f"{inc['year']}年人均纯收入", fmt_yuan(inc.get("per_capita")),
            **growth(inc.get("change"), inc.get("growth_pct"), "较上年"))
if inc.get("latest_period"):
    c[1].metric(f"{periods.label(inc['latest_period'])}人均纯收入", fmt_yuan(inc["latest_per_capita"]),
                **growth(None, inc.get("latest_growth_pct"), "同比"))
bands = [k for k in inc if k.startswith("under_") and k.endswith("_households")]
for col, k in zip(c[2:], bands[::-1]):
    threshold = int(k.split("_")[1])
    col.metric(f"{inc['year']}年人均不足{fmt_int(threshold)}元", f"{fmt_int(inc[k])}户")
    col.caption(f"{fmt_int(inc[k.replace('households', 'people')])}人")

series = q("income_series")
chart(charts.income_trend(series, f.as_of), series, "trend", "脱贫人口人均纯收入")
table(series)
by_town = q("income_by_township", township=None)
if not by_town.empty:
    county = q("income_summary", township=None)
    chart(charts.income_by_township(by_town, county.get("per_capita"), f.as_of), by_town, "towns", "各乡镇人均纯收入")
    table(by_town)
