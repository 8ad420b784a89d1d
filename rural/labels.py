"""Chinese column headings (with units) for every field the indicators return: nothing raw on screen."""
from __future__ import annotations

import pandas as pd

COLUMNS = {
    "name": "名称", "township": "乡镇", "village": "行政村", "period": "统计期",
    "households": "户数（户）", "people": "人数（人）",
    "eliminated_households": "风险消除户数（户）", "eliminated_people": "风险消除人数（人）",
    "elimination_rate_people": "风险消除率·按人（%）", "elimination_rate_households": "风险消除率·按户（%）",
    "new_households": "新识别户数（户）", "new_people": "新识别人数（人）",
    "household_key": "户编号", "category": "类别", "risk_type": "主要风险类型", "identified_on": "识别监测时间",
    "eliminated": "风险是否消除", "eliminated_on": "风险消除时间", "per_capita_income": "家庭人均纯收入（元）",
    "per_capita": "人均纯收入（元）", "previous": "上年同期（元）", "change": "增加额（元）", "growth_pct": "增幅（%）",
    "income_households": "收入监测户数（户）", "income_people": "收入监测人数（人）",
    "low_income_households": "万元以下户数（户）", "under_10000_households": "万元以下户数（户）",
    "indicator": "指标", "target": "目标任务（人）", "done": "完成数（人）", "completion_pct": "完成率（%）",
    "time_progress_pct": "时序进度（%）", "gap_pct": "与时序进度差（百分点）", "status": "状态",
    "count": "项目个数（个）", "investment_wan": "投资额（万元）", "industrial_investment_wan": "产业类投资（万元）",
    "industrial_share_pct": "产业类投资占比（%）", "industrial_count": "产业类项目（个）",
    "fund_source": "资金来源", "year": "年度", "integrated": "纳入统筹整合", "content": "建设内容",
    "type": "救助类别", "person_times": "人次", "amount_wan": "金额（万元）", "assistance_wan": "社会救助金额（万元）",
    "received": "受理（件）", "closed": "办结（件）", "closure_rate_pct": "办结率（%）",
    "warning_leads": "推送预警线索（条）", "verified_leads": "核实预警线索（条）", "stationed_cadres": "驻村帮扶干部（人）",
    "pairing_cadres": "结对帮扶干部（人）", "paired_households": "结对帮扶户（户）",
    "area_mu": "面积（亩）", "lon": "经度", "lat": "纬度", "coord_note": "坐标说明",
    "item": "事项", "level": "等级", "reason": "说明", "then": "对比时点", "now": "本期", "unit": "单位",
}
STATUS = {"ahead": "超序时", "behind": "滞后", "far_behind": "严重滞后"}
LEVEL = {"green": "● 正常", "amber": "▲ 关注", "red": "■ 滞后"}


def display(df: pd.DataFrame, keep: list[str] | None = None) -> pd.DataFrame:
    """Rename columns to Chinese with units; translate status words; drop columns not asked for."""
    d = df[keep] if keep else df
    d = d.copy()
    if "status" in d:
        d["status"] = d["status"].map(lambda s: STATUS.get(s, s))
    if "level" in d:
        d["level"] = d["level"].map(lambda s: LEVEL.get(s, s))
    for col in ("eliminated", "integrated"):
        if col in d:
            d[col] = d[col].map({True: "是", False: "否", 1: "是", 0: "否"})
    if "period" in d:
        from rural import periods

        d["period"] = d["period"].map(lambda p: periods.label(p) if isinstance(p, str) else p)
    return d.rename(columns={c: COLUMNS.get(c, c) for c in d.columns})
