"""The summary for the terminal: the headline indicators (through ``rural.access``) and their plain text
(numbers come from ``rural.indicators``)."""
from __future__ import annotations

from rural import access, periods, status
from rural.access import Principal
from rural.indicators import Scope
from rural.numbers import fmt, fmt_int, fmt_pct, fmt_yuan


def summary(engine, scope: Scope | None = None, *, principal: Principal | None = None) -> dict:
    """``indicators.summary`` of what ``principal`` may see (county binding, township rule); None: the command
    line (``python -m rural summary``), which holds the database anyway."""
    return access.call(engine, principal or access.COMMAND_LINE, "summary", scope or Scope())


def summary_text(s: dict) -> str:
    m, w, inc, emp, pj, asst, ind = (s["monitoring"], s["work"], s["income"], s["employment"], s["projects"],
                                     s["assistance"], s["industry"])
    lines = [f"{s['county']}{('·' + s['township']) if s.get('township') else ''} 主要指标（截至{periods.label(s['as_of'])}）", ""]
    if m.get("period"):
        lines.append(f"监测帮扶：累计纳入“三类对象”{fmt_int(m['households'])}户{fmt_int(m['people'])}人，风险消除"
                     f"{fmt_int(m['eliminated_households'])}户{fmt_int(m['eliminated_people'])}人，消除率"
                     f"{fmt_pct(m['elimination_rate_people'])}（按户{fmt_pct(m['elimination_rate_households'])}）；"
                     f"今年新识别纳入{fmt_int(m['new_households'])}户{fmt_int(m['new_people'])}人。")
    if w.get("period"):
        lines.append(f"工作台账：推送预警线索{fmt_int(w['warning_leads'])}条；驻村帮扶干部{fmt_int(w['stationed_cadres'])}名，"
                     f"结对帮扶干部{fmt_int(w['pairing_cadres'])}名，结对帮扶{fmt_int(w['paired_households'])}户。")
    if inc.get("year"):
        lines.append(f"收入：{inc['year']}年脱贫人口人均纯收入{fmt_yuan(inc['per_capita'])}，同比增加{fmt_yuan(inc['change'])}、"
                     f"增幅{fmt_pct(inc['growth_pct'])}。")
    if inc.get("latest_period"):
        lines.append(f"      {periods.label(inc['latest_period'])}人均纯收入{fmt_yuan(inc['latest_per_capita'])}，"
                     f"同比增长{fmt_pct(inc['latest_growth_pct'])}。")
    if emp.get("period"):
        lines.append(f"就业（{periods.label(emp['period'], ytd=True)}，时序进度{fmt_pct(emp['time_progress_pct'])}）：")
        for i in emp["indicators"]:
            lines.append(f"      {i['name']}{fmt_int(i['done'])}人，完成目标任务{fmt_int(i['target'])}人的"
                         f"{fmt_pct(i['completion_pct'])}，{status.mark(i['status'])}")
    for key, name in (("library", "项目库"), ("integrated", "统筹整合资金规划")):
        p = pj.get(key)
        if p:
            lines.append(f"{name}：项目{fmt_int(p['count'])}个{_wan(p['investment_wan'])}，其中产业类{fmt_int(p['industrial_count'])}个"
                         f"{_wan(p['industrial_investment_wan'])}，占比{fmt_pct(p['industrial_share_pct'])}。")
    if asst.get("types"):
        lines.append("社会救助：" + "；".join(f"{t['name']}{fmt_int(t['person_times'])}人次{_wan(t['amount_wan'])}"
                                          for t in asst["types"]) + "。")
    pf = asst.get("platform") or {}
    if pf.get("period"):
        lines.append(f"救助平台：受理{fmt_int(pf['received'])}件，办结{fmt_int(pf['closed'])}件，办结率{fmt_pct(pf['closure_rate_pct'])}。")
    if ind.get("items"):
        lines.append("产业：" + "；".join(f"{i['name']}{i['area_mu']:,}亩" for i in ind["items"])
                     + (f"；肉牛贷款{_wan(ind['cattle_loans_wan'])}" if ind.get("cattle_loans_wan") else "") + "。")
    if s.get("indicators"):
        from rural import catalogue

        def one(v):
            places = catalogue.entry(v["key"]).precision
            target = f"，年度目标{fmt(v['target'], v['unit'], places=places)}" if v["target"] is not None else ""
            word = f"，{status.mark(v['status'])}" if v["status"] else ""
            when = periods.kind_label(catalogue.CUSTOM_KIND, v["period"]) if v["period"] else ""
            return f"{v['name']}{fmt(v['value'], v['unit'], places=places)}（{when}{target}{word}）"

        lines.append("县里的指标：" + "；".join(one(v) for v in s["indicators"]) + "。")
    return "\n".join(lines)


def _wan(v) -> str:
    """Amounts in the summary's sentences: prose style (5亿元, 8,662万元)."""
    return fmt(v, "万元", prose=True)
