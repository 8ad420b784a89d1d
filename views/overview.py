"""总览: the cockpit — KPI cards with change since the compared snapshot, and what lags."""
import pandas as pd
import streamlit as st

from views._ui import change_text, filters, fmt_int, fmt_pct, header, q
from rural import periods
from rural.labels import LEVEL
from rural.numbers import fmt_wan, fmt_yuan

def _fmt(v, unit: str, signed: bool = False) -> str:
    if v is None:
        return "—"
    sign = "+" if signed and v > 0 else ""
    if unit == "%":
        return f"{sign}{v:.2f}{'个百分点' if signed else '%'}"
    if unit in ("元", "万元"):
        return f"{sign}{v:,.2f}{unit}"
    return f"{sign}{int(v):,}{unit}"


f = filters()
header(f"{f.place}乡村振兴指标总览")
ch = q("changes", f.compare) if f.compare else {"items": [], "worse": []}
moved = {i["key"]: i for i in ch["items"]}
now = {i["key"]: i["now"] for i in ch["items"]} if f.compare else q("headlines")
mon, inc, emp = q("monitoring_overview"), q("income_summary"), q("employment_status")
shares, asst, pf = q("project_shares"), q("assistance_by_type"), q("platform_summary")
since = f"较{periods.label(f.compare)}" if f.compare else ""

st.subheader("监测帮扶与收入")
c = st.columns(4)
c[0].metric("风险消除率（按人）", fmt_pct(mon.get("elimination_rate_people")),
            change_text(moved.get("elimination_rate_people")),
            help=f"风险消除{fmt_int(mon.get('eliminated_people'))}人 / 累计纳入{fmt_int(mon.get('people'))}人。{since}")
c[1].metric("累计纳入监测人数", f"{fmt_int(mon.get('people'))}人",
            change_text(moved.get("people")), delta_color="off",
            help=f"{fmt_int(mon.get('households'))}户{fmt_int(mon.get('people'))}人；风险消除{fmt_int(mon.get('eliminated_households'))}户"
                 f"{fmt_int(mon.get('eliminated_people'))}人")
c[2].metric(f"{inc.get('year') or ''}年人均纯收入", fmt_yuan(inc.get("per_capita")),
            f"同比{inc['growth_pct']:+.2f}%" if inc.get("growth_pct") is not None else None)
c[3].metric(f"{periods.label(inc['latest_period']) if inc.get('latest_period') else '半年'}人均纯收入",
            fmt_yuan(inc.get("latest_per_capita")),
            f"同比{inc['latest_growth_pct']:+.2f}%" if inc.get("latest_growth_pct") is not None else None)

if emp["indicators"]:
    st.subheader(f"就业（{periods.label(emp['period'], ytd=True)}，时序进度{fmt_pct(emp['time_progress_pct'])}）")
    c = st.columns(len(emp["indicators"]))
    marks = {"ahead": "● 超序时", "behind": "▲ 滞后", "far_behind": "■ 严重滞后"}
    for col, i in zip(c, emp["indicators"]):
        col.metric(f"{i['name']}完成率", fmt_pct(i["completion_pct"]),
                   f"{i['gap_pct']:+.2f}个百分点 {marks[i['status']]}", delta_color="normal",
                   help=f"完成{fmt_int(i['done'])}人 / 目标{fmt_int(i['target'])}人")

st.subheader("项目与救助")
c = st.columns(4)
lib = shares.get("library") or {}
c[0].metric("项目库产业类投资占比", fmt_pct(lib.get("industrial_share_pct")),
            change_text(moved.get("library_share")),
            help=f"产业类{fmt_wan(lib.get('industrial_investment_wan'))} / 总投资{fmt_wan(lib.get('investment_wan'))}")
integ = shares.get("integrated") or {}
c[1].metric("统筹整合资金产业类占比", fmt_pct(integ.get("industrial_share_pct")),
            change_text(moved.get("integrated_share")))
c[2].metric("社会救助发放（今年累计）", fmt_wan(now["assistance_wan"]),
            change_text(moved.get("assistance_wan")), delta_color="off")
c[3].metric("救助平台办结率", fmt_pct(pf.get("closure_rate_pct")),
            change_text(moved.get("closure_rate_pct")),
            help=f"受理{fmt_int(pf.get('received'))}件，办结{fmt_int(pf.get('closed'))}件")

st.subheader("需要关注的事项")
for a in q("alerts"):
    text = f"{LEVEL[a['level']]}　**{a['item']}**：{a['reason']}"
    {"red": st.error, "amber": st.warning, "green": st.success}[a["level"]](text)

if f.compare:
    st.subheader(f"较上次会议（{periods.label(f.compare)}）的变化")
    rows = [{"指标": i["name"], periods.label(f.compare): _fmt(i["then"], i["unit"]), periods.label(f.as_of): _fmt(i["now"], i["unit"]),
             "变化": _fmt(i["change"], i["unit"], signed=True)} for i in ch["items"]]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if ch["worse"]:
        st.subheader(f"较{periods.label(f.compare)}变差的事项")
        for w in ch["worse"]:
            st.error(f"{w['item']}：由{LEVEL[w['was']]}变为{LEVEL[w['level']]}。{w['reason']}")
