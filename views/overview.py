"""总览: the cockpit — headline cards with the change since the previous meeting (like with like), what needs
attention first, and which reports have not come in."""
import streamlit as st

from views._ui import filters, header, md, q, table
from rural import catalogue, periods, status
from rural.labels import changes_table, freshness_table
from rural.numbers import fmt

f = filters()
header(f"{f.place}乡村振兴指标总览")
ch = q("changes", f.compare)
moved = {i["key"]: i for i in ch["items"]}
mon, inc, emp = q("monitoring_overview"), q("income_summary"), q("employment_status")
shares, pf = q("project_shares"), q("platform_summary")
fresh = q("freshness")
late = [x for x in fresh if x["late"]]



def card(col, key: str, value_text: str | None = None, help: str = "", good_when_up: bool | None = True, **names) -> None:
    """A headline card, labelled from the catalogue (``names`` fill a label naming its period): the value, and
    its change only when it was compared like with like."""
    label = catalogue.measure(key).card_label(**names)
    item = moved.get(key) or {}
    value = value_text if value_text is not None else fmt(item.get("now"), item.get("unit", ""))
    delta, arrow, colour, note = None, "auto", "normal" if good_when_up else "off", None
    if item.get("basis") == "changed":
        delta = fmt(item["change"], item["unit"], signed=True)
        note = f"较{item['then_label']}" + ("累计" if item["cumulative"] else "")
        if item["cumulative"]:
            arrow = "off"      # a year-to-date total grows by itself: shown as what was added, not as an improvement
        if not item["change"]:
            delta, arrow = "持平", "off"
    elif item.get("basis") == "no_new":
        note = item["compared"]
    elif f.compare and item.get("compared"):
        note = item["compared"]
    col.metric(md(label), value, delta, delta_color=colour, delta_arrow=arrow, delta_description=md(note) if note else None,
               help=md(help) if help else None)


st.subheader("监测帮扶与收入")
c = st.columns(4)
card(c[0], "elimination_rate_people",
     help=f"风险消除{fmt(mon.get('eliminated_people'), '人')} / 累计纳入{fmt(mon.get('people'), '人')}")
card(c[1], "people", good_when_up=None,
     help=f"{fmt(mon.get('households'), '户')}{fmt(mon.get('people'), '人')}；风险消除"
          f"{fmt(mon.get('eliminated_households'), '户')}{fmt(mon.get('eliminated_people'), '人')}")
card(c[2], "per_capita", year=inc.get("year") or "",
     help=(f"同比增长{fmt(inc['growth_pct'], '%')}" if inc.get("growth_pct") is not None else ""))
card(c[3], "latest_per_capita", period=periods.label(inc["latest_period"]) if inc.get("latest_period") else "半年",
     help=(f"同比增长{fmt(inc['latest_growth_pct'], '%')}" if inc.get("latest_growth_pct") is not None else ""))

# the first screen (a phone's too): the headline figures, then what needs attention, a report that has not come in
# first — the figures beside it are older than the snapshot
st.subheader("需要关注的事项")
if late:
    st.warning(md("；".join(x["text"] for x in late)) + "。相关数字仍为较早的统计期，见下方“数据新旧”。",
               icon=":material/schedule:")
items = q("alerts")
if not items:
    st.info("所选时点和范围内没有可判定的事项。")
for lv in status.levels():
    group = [a for a in items if a["level"] == lv.key]
    if not group:
        continue
    lines = [f"{status.mark(a['status'])}　**{md(a['item'])}**：{md(a['reason'])}" for a in group]
    if lv.key == "good":
        with st.expander(f"{lv.symbol} {lv.name}（{len(group)}项）", expanded=False):
            for line in lines:
                st.markdown(line)
    else:
        box = st.error if lv.rank == 0 else st.warning
        box(f"**{lv.symbol} {lv.name}（{len(group)}项）**  \n" + "  \n".join(lines))

if emp["indicators"]:
    st.subheader(f"就业（{periods.label(emp['period'], ytd=True)}，时序进度{fmt(emp['time_progress_pct'], '%')}）")
    c = st.columns(len(emp["indicators"]))
    for col, i in zip(c, emp["indicators"]):
        s = status.status(i["status"])
        col.metric(md(catalogue.measure(f"employment:{i['name']}").name), fmt(i["completion_pct"], "%"), f"{s.mark}",
                   delta_color=s.level.streamlit, delta_arrow="off",
                   delta_description=f"与时序进度差{fmt(i['gap_pct'], '%', signed=True)}",
                   help=md(f"完成{fmt(i['done'], '人')} / 目标{fmt(i['target'], '人')}"))

st.subheader("项目与救助")
c = st.columns(4)
lib, integ = shares.get("library") or {}, shares.get("integrated") or {}
card(c[0], "library_share",
     help=f"产业类{fmt(lib.get('industrial_investment_wan'), '万元')} / 总投资{fmt(lib.get('investment_wan'), '万元')}")
card(c[1], "integrated_share",
     help=f"产业类{fmt(integ.get('industrial_investment_wan'), '万元')} / 总投资{fmt(integ.get('investment_wan'), '万元')}")
card(c[2], "assistance_wan", good_when_up=None)
card(c[3], "closure_rate_pct",
     help=f"今年受理{fmt(pf.get('received'), '件')}，办结{fmt(pf.get('closed'), '件')}")

# the county's own indicators, one section per area it has them for (产业兴旺 …): the cockpit's ones
for key in q("indicator_areas"):
    shown = [v for v in q("county_values", key) if catalogue.entry(v["key"]).cockpit]
    if not shown:
        continue
    st.subheader(md(catalogue.area(key).name))
    for start in range(0, len(shown), 4):
        c = st.columns(4)
        for col, v in zip(c, shown[start:start + 4]):
            s = status.status(v["status"]) if v["status"] else None
            col.metric(md(v["name"]), fmt(v["value"], v["unit"], places=v["precision"]), s.mark if s else None,
                       delta_color=s.level.streamlit if s else "off", delta_arrow="off",
                       delta_description=(f"年度目标{fmt(v['target'], v['unit'], places=v['precision'])}，"
                                          if v["target"] is not None else "") + v["period_label"],
                       help=md(f"口径：{v['definition']}"))

if ch["worse"]:
    st.subheader(f"较{periods.label(f.compare)}状态变差的事项")
    for w in ch["worse"]:
        st.error(f"{md(w['item'])}：由{status.mark(w['was'])}转为{status.mark(w['status'])}。{md(w['reason'])}")

if f.compare:
    st.subheader(f"较上次会议（{periods.label(f.compare)}）的变化")
    st.caption("只比较同类统计期：截至某月与截至某月，同一年的1-4月与1-6月，半年、年度与上年同期；没有新报表的指标不计变化。")
    table(changes_table(ch), key="changes")

with st.expander("数据新旧：各类报表的最新统计期", expanded=bool(late)):
    if fresh:
        table(freshness_table(fresh), key="freshness")
    else:
        st.caption("还没有载入报表。")
