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
    "item": "事项", "level": "等级", "reason": "说明", "then": "对比值", "now": "本期值", "unit": "单位",
    "compared": "比较", "change_text": "变化",
    "value": "数值", "annual_target": "年度目标", "definition": "口径", "county_value": "全县平均",
    "gap": "与全县平均差", "county_status": "与全县平均比较", "rank": "名次", "area": "领域", "period_label": "统计期", "remaining_people": "未消除风险人数（人）",
}


class _Words(dict):
    """Status or level words by key, read from the one vocabulary (``status.toml``) when first used."""

    def __init__(self, build):
        super().__init__()
        self._build = build

    def _fill(self):
        if not dict.__len__(self):
            self.update(self._build())

    def __getitem__(self, key):
        self._fill()
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        self._fill()
        return dict.get(self, key, default)


def _status_words():
    from rural.status import statuses

    return {k: s.mark for k, s in statuses().items()}


def _level_words():
    from rural.status import levels

    return {lv.key: f"{lv.symbol} {lv.name}" for lv in levels()}


STATUS = _Words(_status_words)   # 'far_behind' → '■ 严重滞后': the same mark on cards, lists, tables and exports
LEVEL = _Words(_level_words)     # 'watch' → '▲ 需关注'


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
            d[col] = d[col].map({True: "是", False: "否"})
    if "period" in d:
        from rural import periods

        d["period"] = d["period"].map(lambda p: periods.label(p) if isinstance(p, str) else p)
    return d.rename(columns={c: COLUMNS.get(c) or _custom_heading(c) for c in d.columns})


def _custom_heading(column) -> str:
    """``custom:<key>`` (a county indicator's column) → its catalogue name with the unit, 农村卫生厕所普及率（%）."""
    if isinstance(column, str) and column.startswith("custom:"):
        from rural.catalogue import CATALOGUE

        ind = CATALOGUE.get(column[7:])
        if ind is not None:
            return f"{ind.name}（{ind.unit}）"
    return column


def changes_table(ch: dict, *, prose: bool = False, separators: bool = True) -> pd.DataFrame:
    """The comparison table of ``indicators.changes``: each headline, how it was compared (like with like), the
    two values and the change, in the one number style (``prose`` and ``separators`` as the caller shows)."""
    from rural.numbers import fmt

    def f(v, unit, signed=False):
        return fmt(v, unit, signed=signed, prose=prose, separators=separators)

    def change(i):
        """In words, as official text writes it (提高2.64个百分点, 增加14人, 持平): no leading sign, so no cell
        of a copied or downloaded table reads as a spreadsheet formula."""
        v = i["change"]
        if v is None:
            return "—"
        if v == 0:
            return "持平"
        rate = i["unit"] == "%"
        word = ("提高" if v > 0 else "下降") if rate else ("增加" if v > 0 else "减少")
        return word + f(abs(v), "个百分点" if rate else i["unit"])

    rows = [{"指标": i["name"], "比较": i["compared"] or "—", "对比值": f(i["then"], i["unit"]),
             "本期值": f(i["now"], i["unit"]), "变化": change(i)} for i in ch["items"]]
    return pd.DataFrame(rows, columns=["指标", "比较", "对比值", "本期值", "变化"])


def freshness_table(items: list[dict]) -> pd.DataFrame:
    """Each source's latest report and whether the one due by the snapshot has come in."""
    rows = [{"报表": x["name"], "最新统计期": x["latest_label"], "状态": STATUS.get(x["status"], x["status"]),
             "说明": (f"{x['due_label']}报表尚未载入" if x["late"] else "")} for x in items]
    return pd.DataFrame(rows, columns=["报表", "最新统计期", "状态", "说明"])


def effect_table(rows: list[dict], before: str = "载入前", after: str = "载入后") -> pd.DataFrame:
    """The headline figures a load or an undo would change (``indicators.headline_differences``)."""
    ch = {"items": [{**r, "compared": ""} for r in rows]}
    t = changes_table(ch).drop(columns=["比较"])
    return t.rename(columns={"对比值": before, "本期值": after})


def indicator_rows(df: pd.DataFrame, unit: str | None = None, places: int | None = None) -> pd.DataFrame:
    """A table of county indicators (``county_indicators.indicator_table``, or a ranking of one indicator with
    ``unit`` and ``places``) as shown and exported: values in the one number style with their units (rows may
    differ in unit), status words, Chinese headings. The page and the Excel pack both use this."""
    from rural.numbers import fmt

    d = df.copy()
    for col in ("value", "target", "county_value", "gap"):
        if col in d:
            if unit is None:
                d[col] = [fmt(v, u, places=None if u in ("%", "元") else int(p)) for v, u, p in
                          zip(d[col], d["unit"], d["precision"])]
            elif col == "gap":       # in words (高 / 低 …个百分点): no cell of a copied table reads as a formula
                d[col] = [_gap_words(v, unit, places) for v in d[col]]
            else:
                d[col] = [fmt(v, unit, places=places) for v in d[col]]
    if "county_status" in d:
        d["county_status"] = d["county_status"].map(lambda s: STATUS.get(s, s) if isinstance(s, str) else "—")
    if "status" in d:
        d["status"] = d["status"].map(lambda s: s if isinstance(s, str) else "—")
    d = d.rename(columns={"target": "annual_target"})
    return display(d.drop(columns=[c for c in ("unit", "precision", "area") if c in d.columns]))


def _gap_words(v, unit: str, places: int | None) -> str:
    from rural.numbers import fmt

    if v is None or (isinstance(v, float) and v != v):
        return "—"
    if v == 0:
        return "持平"
    return ("高" if v > 0 else "低") + fmt(abs(v), "个百分点" if unit == "%" else unit, places=places)

