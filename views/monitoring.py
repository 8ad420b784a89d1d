"""监测帮扶: elimination rates, ranking, composition, trend, new identifications, leads, pairing; drill-down."""
import streamlit as st

from views._ui import chart, empty, filters, fmt_int, fmt_pct, header, md, meta, principal, q, table
from rural import access, catalogue, charts

f = filters()
header("监测帮扶")
mon = q("monitoring_overview")
if not mon.get("period"):
    empty("监测对象")
    st.stop()
work = q("work_summary")
c = st.columns(4)
name = {k: catalogue.measure(k).name for k in ("elimination_rate_people", "people", "households", "new_households",
                                              "eliminated_people", "warning_leads")}      # the catalogue's words
c[0].metric(name["elimination_rate_people"], fmt_pct(mon["elimination_rate_people"]),
            help=f"{fmt_int(mon['eliminated_people'])} / {fmt_int(mon['people'])}人")
c[1].metric("风险消除率（按户）", fmt_pct(mon["elimination_rate_households"]),
            help=f"{fmt_int(mon['eliminated_households'])} / {fmt_int(mon['households'])}户")
c[2].metric(name["people"], f"{fmt_int(mon['people'])}人", help=f"{fmt_int(mon['households'])}户")
c[3].metric(name["households"], f"{fmt_int(mon['households'])}户")
c = st.columns(4)
c[0].metric(name["new_households"], f"{fmt_int(mon['new_households'])}户", help=f"{fmt_int(mon['new_people'])}人")
c[1].metric("今年新识别纳入人数", f"{fmt_int(mon['new_people'])}人")
c[2].metric("风险消除户数", f"{fmt_int(mon['eliminated_households'])}户")
c[3].metric(name["eliminated_people"], f"{fmt_int(mon['eliminated_people'])}人")
c = st.columns(4)
c[0].metric(f"{name['warning_leads']}（今年）", f"{fmt_int(work.get('warning_leads'))}条")
c[1].metric("驻村帮扶干部", f"{fmt_int(work.get('stationed_cadres'))}名")
c[2].metric("结对帮扶干部", f"{fmt_int(work.get('pairing_cadres'))}名")
c[3].metric("结对帮扶户", f"{fmt_int(work.get('paired_households'))}户")

tab_rank, tab_mix, tab_trend, tab_work, tab_drill = st.tabs(["乡镇排名", "类别和风险", "变化趋势", "排查和帮扶", "逐级查看"])
with tab_rank:
    county = q("monitoring_overview", township=None)
    by_town = q("monitoring_breakdown", "township", township=None)
    chart(charts.elimination_by_township(by_town, county["elimination_rate_people"], f.as_of), by_town, "rank",
          "各乡镇风险消除率")
    table(by_town.sort_values("elimination_rate_people", ascending=False))
with tab_mix:
    cat = q("monitoring_breakdown", "category")
    chart(charts.monitoring_composition(cat, "类别", f.as_of), cat, "category", "监测对象类别构成")
    table(cat)
    risk = q("monitoring_breakdown", "risk_type")
    chart(charts.monitoring_composition(risk, "主要风险类型", f.as_of), risk, "risk", "监测对象风险类型构成")
    table(risk)
with tab_trend:
    trend = q("monitoring_trend")
    chart(charts.elimination_trend(trend, f.as_of), trend, "trend", "风险消除率变化")
    table(trend)
with tab_work:
    wt = q("work_by_township")
    if wt.empty:
        empty("工作台账")
    else:
        chart(charts.work_by_township(wt, f.as_of), wt, "leads", "各乡镇预警线索")
        table(wt)
with tab_drill:
    towns = access.township_choices(principal(), meta()[2])    # a township official: their own township only
    town = st.selectbox("乡镇", towns, index=towns.index(f.township) if f.township in towns else 0, placeholder="请选择", key="drill_town")
    villages = q("monitoring_breakdown", "village", township=town)
    st.markdown(f"**{md(town)}各行政村**（点选一行查看该村的监测户）")
    picked = table(villages, key="drill_villages", selectable=True)
    rows = picked.selection.rows if picked is not None and hasattr(picked, "selection") else []
    village = villages.iloc[rows[0]]["name"] if rows else None
    village = st.selectbox("行政村", ["（全部）", *villages["name"]], index=0 if village is None else
                           1 + list(villages["name"]).index(village), placeholder="请选择", key="drill_village")
    hh = q("household_list", None if village == "（全部）" else village, township=town)
    st.markdown(f"**{md(town)}{'' if village == '（全部）' else md(village)}监测户名单**（{len(hh):,}户；不含姓名和证件号码）")
    table(hh, height=400)
