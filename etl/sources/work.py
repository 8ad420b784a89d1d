"""工作台账: warning leads, cadres and paired households by township; industry acreage and loans."""
from __future__ import annotations

import pandas as pd

from etl import parse
from etl.errors import LoadError, Problem
from etl.sources.common import TOWNSHIP
from etl.spec import Col, Spec

NAME = "work"
ITEMS = {  # canonical column → (item code, unit)
    "推送预警线索": ("warning_leads", "条"),
    "核实预警线索": ("verified_leads", "条"),
    "驻村帮扶干部": ("stationed_cadres", "人"),
    "结对帮扶干部": ("pairing_cadres", "人"),
    "结对帮扶户": ("paired_households", "户"),
}
SPECS = [
    Spec("work", "监测帮扶工作台账", (
        TOWNSHIP,
        Col("推送预警线索", ("推送预警线索数", "预警线索推送数", "推送预警信息", "预警线索"), "int", required=False),
        Col("核实预警线索", ("核实预警线索数", "预警线索核实数", "核实数", "已核实"), "int", required=False),
        Col("驻村帮扶干部", ("驻村干部", "驻村工作队员", "驻村帮扶干部数"), "int", required=False),
        Col("结对帮扶干部", ("结对干部", "挂包干部", "结对帮扶干部数"), "int", required=False),
        Col("结对帮扶户", ("结对户", "结对帮扶户数", "挂包户数"), "int", required=False),
    ), any_of=tuple(ITEMS), module=NAME),
    Spec("industry", "产业发展和金融支持", (
        Col("类别", ("分类", "类型"), "text", required=False),
        Col("项目", ("产业", "内容", "指标", "产业项目"), "text"),
        Col("单位", ("计量单位",), "text", required=False),
        Col("完成量", ("数量", "面积", "规模", "完成数", "完成情况", "金额", "数值"), "raw"),
    ), total_col="项目", module=NAME),
]


def build(ex, ctx) -> pd.DataFrame:
    if ex.mapped.spec.kind == "industry":
        return _industry(ex, ctx)
    df = ex.frame
    parts = []
    for col, (item, unit) in ITEMS.items():
        if col in df:
            v = df[col].dropna()
            parts.append(pd.DataFrame({"township": df.loc[v.index, "乡镇"], "item": item, "category": "工作",
                                       "label": col, "unit": unit, "value_c": v.astype("int64") * 100,
                                       "src_row": ex.rows[v.index]}))
    return pd.concat(parts).reset_index(drop=True)


def _industry(ex, ctx) -> pd.DataFrame:
    df, rows = ex.frame, ex.rows
    out, problems = [], []
    # unit order: the cell, the 单位 column, the 完成量 header (面积（万亩）), the unit line when it names one unit
    header_unit = next((f.unit for f in ex.mapped.fields if f.name == "完成量"), "")
    line_units = [u for u in ex.mapped.unit_line() if u in parse.AREA_UNITS or u in parse.MONEY_UNITS]
    fallback = header_unit or (line_units[0] if len(line_units) == 1 else "")
    for i in df.index:
        text = df.at[i, "完成量"]
        num, unit = parse.split_unit(text)
        unit = unit or (parse.clean(df.at[i, "单位"]) if "单位" in df and pd.notna(df.at[i, "单位"]) else "") or fallback
        try:
            if unit in parse.AREA_UNITS:
                value, base, item = parse.to_scaled(num, parse.AREA_UNITS[unit] + 2), "亩", "industry_area"
            elif unit in parse.MONEY_UNITS:
                value, base = parse.to_scaled(num, parse.MONEY_UNITS[unit] + 2), "元"
                item = "loan" if "贷" in df.at[i, "项目"] else "industry_money"
            else:
                value, base, item = parse.to_scaled(num, 2), unit or "", "industry_other"
        except ValueError:
            problems.append(Problem("完成量不是数字", file=ctx.file, sheet=ctx.sheet, row=int(rows[i]), column="完成量", value=str(text)))
            continue
        if value < 0:
            problems.append(Problem("不能为负数", file=ctx.file, sheet=ctx.sheet, row=int(rows[i]), column="完成量", value=str(text)))
        out.append({"township": None, "item": item, "category": df.at[i, "类别"] if "类别" in df else "",
                    "label": df.at[i, "项目"], "unit": base, "value_c": value, "src_row": int(rows[i])})
    if problems:
        raise LoadError(problems)
    return pd.DataFrame(out)
