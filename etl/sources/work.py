"""工作台账: warning leads, cadres and paired households; industry acreage and loans.

Two shapes: township rows × item columns (推送预警线索（条） | 驻村帮扶干部（人） …), or item rows
(类别 | 工作事项 | 数量) with the unit in the cell or a 单位 column. Items of ``vocab/work_items.csv`` are
work records, their unit checked against the item's; other items are industry figures by their unit
(亩 / 万亩 areas, 元 / 万元 / 亿元 amounts; a 贷 in the name makes it a loan).
"""
from __future__ import annotations

import re

import pandas as pd

from etl import parse
from etl.errors import LoadError
from rural.reference import vocab

NAME = "work"
INDUSTRY_LABEL = "产业发展和金融支持"


def build(df: pd.DataFrame, ctx) -> pd.DataFrame:
    if ctx.table.layout.name == "work_items":
        return _item_rows(df, ctx)
    from etl.sources.employment import NO_VALUES

    items = vocab("work_items")
    present = [item for item in items.order if item in df]
    empty = df[present].isna().all(axis=1) if present else pd.Series(True, index=df.index)
    if empty.any():
        ctx.excluded[NO_VALUES] = int(empty.sum())
    parts = []
    for item in items.order:
        if item in df:
            v = df[item].dropna()
            attrs = items.attrs[item]
            parts.append(pd.DataFrame({"township": df.loc[v.index, "乡镇"], "item": attrs["代码"], "category": "工作",
                                       "label": item, "unit": attrs["单位"], "value_c": v.astype("int64") * 100,
                                       "src_row": df.loc[v.index, "_row"]}))
    return pd.concat(parts).reset_index(drop=True) if parts else pd.DataFrame(
        columns=["township", "item", "category", "label", "unit", "value_c", "src_row"])


def _unit_of(ctx, df, i, cell_unit: str, fallback: str) -> str:
    unit = cell_unit
    if not unit and "单位" in df and pd.notna(df.at[i, "单位"]):
        unit = parse.clean(df.at[i, "单位"]).strip("()（）")
    return unit or fallback


def _item_rows(df: pd.DataFrame, ctx) -> pd.DataFrame:
    from etl.normalize import line_units

    items = vocab("work_items")
    synonyms = _synonyms()
    header_unit = ctx.claim("数量").unit if ctx.claim("数量") else ""
    stated = [u for u in line_units(ctx.table) if u in parse.AREA_UNITS or u in parse.MONEY_UNITS]
    fallback = header_unit or (stated[0] if len(stated) == 1 else "")
    work, industry, problems = [], [], []
    blank = int(df["数量"].isna().sum())
    if blank:
        from etl.sources.employment import NO_VALUES

        ctx.excluded[NO_VALUES] = blank
    for i, label, text in _cells(df):
        row = int(df.at[i, "_row"])
        num, cell_unit = parse.split_unit(text)
        unit = _unit_of(ctx, df, i, cell_unit, fallback)
        unit = synonyms.get(unit, unit)
        item = items.lookup(label)
        township = df.at[i, "乡镇"] if "乡镇" in df else None
        category = df.at[i, "类别"] if "类别" in df and pd.notna(df.at[i, "类别"]) else ""
        try:
            if item is not None:
                want = items.attrs[item]["单位"]
                if unit and unit != want:
                    problems.append(ctx.problem(f"“{label}”的单位应为“{want}”，这里是“{unit}”", row, "数量", text,
                                                hint="请核对数量和单位是否填错了行"))
                    continue
                value = parse.to_scaled(num, 2)
                if value % 100:
                    raise ValueError("应为整数")
                work.append({"township": township, "item": items.attrs[item]["代码"], "category": category or "工作",
                             "label": item, "unit": want, "value_c": value, "src_row": row})
                continue
            if unit in parse.AREA_UNITS:
                value, base, code = parse.to_scaled(num, parse.AREA_UNITS[unit] + 2), "亩", "industry_area"
            elif unit in parse.MONEY_UNITS:
                value, base = parse.to_scaled(num, parse.MONEY_UNITS[unit] + 2), "元"
                code = "loan" if "贷" in label else "industry_money"
            else:
                value, base, code = parse.to_scaled(num, 2), unit or "", "industry_other"
        except ValueError as exc:
            problems.append(ctx.problem(f"数量不是{'整数' if '整数' in str(exc) else '数字'}", row, "数量", text))
            continue
        if value < 0:
            problems.append(ctx.problem("不能为负数", row, "数量", text))
            continue
        industry.append({"township": township, "item": code, "category": category, "label": label, "unit": base,
                         "value_c": value, "src_row": row})
    if problems:
        raise LoadError(problems)
    if industry and not work:      # an industry ledger only
        ctx.kind, ctx.label = "industry", INDUSTRY_LABEL
        return pd.DataFrame(industry)
    if industry:
        from etl.pipeline import SheetPlan

        ctx.also.append(SheetPlan("industry", INDUSTRY_LABEL, ctx.sheet, ctx.period, pd.DataFrame(industry), 0, [], [],
                                  layout=ctx.table.layout.name))
    return pd.DataFrame(work, columns=["township", "item", "category", "label", "unit", "value_c", "src_row"])


_COMPOUND = re.compile(r"^(\d[\d,.]*)(户|人|条|个|名|件|次)(\d[\d,.]*)(户|人|条|个|名|件|次)$")


def _cells(df: pd.DataFrame):
    """(row, item, value) per item; a value of two counts (``9户35人``) is two items: ``…（户）`` and ``…（人）``."""
    for i in df.index:
        text, label = df.at[i, "数量"], str(df.at[i, "工作事项"])
        if pd.isna(text):
            continue
        m = _COMPOUND.match(parse.clean(text))
        if m:
            yield i, f"{label}（{m.group(2)}）", m.group(1) + m.group(2)
            yield i, f"{label}（{m.group(4)}）", m.group(3) + m.group(4)
        else:
            yield i, label, text


def _synonyms() -> dict[str, str]:
    from etl.layouts import reference

    return reference().rules.unit_synonyms
