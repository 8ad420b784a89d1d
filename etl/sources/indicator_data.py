"""指标数据: the county's own indicators (the catalogue's county entries, ``indicators.toml``), one value per
township (village, or the county's own 全县 row) × indicator × period, with an optional 分子 / 分母 and a yearly
target (年度目标).

Values are kept exactly (×10⁴) in the catalogue's unit: a cell or header written in another unit of the same
kind (万亩 for 亩, 万元 for 元) is converted, one of another kind is refused. A column holding numbers that is no
indicator of the catalogue is refused with the catalogue's names (the admin adds the indicator first); so is a
value that is not a number. A 全县 / 合计 row is the county's reported figure; for an indicator summed over
townships it must equal their sum.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from etl import parse
from etl.errors import LoadError, Problem
from rural import catalogue
from rural.reference import norm_text

NAME = "indicator_data"
SCALE = 4
_CONVERT = {"亩": ("亩", 0), "万亩": ("亩", 4), "元": ("元", 0), "万元": ("元", 4), "亿元": ("元", 8)}
_MEASURES = (("数值", "value_e4"), ("分子", "numerator_e4"), ("分母", "denominator_e4"), ("年度目标", "target_e4"))
COLUMNS = ["township", "village", "indicator", "unit", "value_e4", "numerator_e4", "denominator_e4", "target_e4", "src_row"]


def _known() -> str:
    names = [i.name for i in catalogue.custom()]
    return "、".join(names) if names else "（目录中还没有县里的指标）"


def scaled(text: str, want: str, stated: str, where) -> int | None:
    """A cell as an exact integer ×10⁴ in the catalogue's unit ``want``; ``stated``: the header's or row's unit."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    t = parse.clean(str(text))
    if t == "" or t in where.empty_marks:
        return None
    num, unit = parse.split_unit(t)
    unit = unit or stated
    unit = where.synonyms.get(unit, unit)
    exp = 0
    if unit and unit != want:
        have, want_kind = _CONVERT.get(unit), _CONVERT.get(want)
        if have is None or want_kind is None or have[0] != want_kind[0]:
            raise ValueError(f"单位是“{unit}”，指标目录中该指标的单位是“{want}”")
        exp = have[1] - want_kind[1]
    return parse.to_scaled(num, SCALE + exp)


class _Where:
    def __init__(self):
        from etl.layouts import reference

        rules = reference().rules
        self.empty_marks = frozenset(rules.empty_marks)
        self.synonyms = rules.unit_synonyms
        self.totals = frozenset(rules.total_words) | frozenset(rules.county_level_words)


def build(df: pd.DataFrame, ctx) -> pd.DataFrame:
    where = _Where()
    problems = _unknown_columns(ctx) + _unknown_rows(df, ctx)
    if problems:
        raise LoadError(problems)
    header_units = {c.group: c.unit for c in ctx.table.mapping.claims if c.group and c.unit}
    rows = []
    for rec in df.to_dict("records"):      # (a wide table's groups melted into rows share their source index)
        name = rec.get("指标")
        ind = catalogue.by_name(name) if isinstance(name, str) else None
        if ind is None:
            continue          # (every name was checked above)
        row = int(rec["_row"])
        unit_cell = rec.get("计量单位")
        stated = parse.clean(unit_cell).strip("()（）") if isinstance(unit_cell, str) and unit_cell.strip() else ""
        stated = stated or header_units.get(name, "")
        out = {"indicator": ind.key, "unit": ind.unit, "src_row": row}
        for field, col in _MEASURES:
            text = rec.get(field)
            try:
                out[col] = scaled(text, ind.unit, "" if field in ("分子", "分母") else stated, where)
            except ValueError as exc:
                problems.append(ctx.problem(f"{ind.name}的{field}{'不是数字' if str(exc) == '不是数字' else str(exc)}",
                                            row, field, text, hint="请填写数字（可带单位，如 96.5%、1.2万亩）"))
                out[col] = None
        if out.get("value_e4") is None and out.get("numerator_e4") is not None and out.get("denominator_e4"):
            out["value_e4"] = _ratio(out["numerator_e4"], out["denominator_e4"], ind)
        if all(out.get(col) is None for _, col in _MEASURES):
            continue
        town = rec.get("乡镇")
        town = None if not isinstance(town, str) or norm_text(town) in where.totals else town
        village = rec.get("行政村") if isinstance(rec.get("行政村"), str) else None
        out |= {"township": town, "village": village if town else None}
        rows.append(out)
    if problems:
        raise LoadError(problems)
    facts = pd.DataFrame(rows, columns=COLUMNS)
    blank = df["_row"].nunique() - facts["src_row"].nunique()
    if blank > 0:
        from etl.sources.employment import NO_VALUES

        ctx.excluded[NO_VALUES] = ctx.excluded.get(NO_VALUES, 0) + int(blank)
    _check_sums(facts, ctx)
    return facts


def _ratio(num: int, den: int, ind) -> int:
    scale = 100 if ind.unit == "%" else 1
    return int((Decimal(num) * scale * 10 ** SCALE / Decimal(den)).quantize(Decimal(1)))


def _unknown_rows(df: pd.DataFrame, ctx) -> list[Problem]:
    """Long form: an 指标 cell naming no indicator of the catalogue (normalize keeps unknown names out already)."""
    out = []
    for name, row in zip(df.get("指标", []), df["_row"]):
        if isinstance(name, str) and catalogue.by_name(name) is None:
            out.append(ctx.problem(f"“{name}”不是指标目录中的指标", row, "指标", name,
                                   hint=f"目录中县里的指标有：{_known()}。新指标请管理员先在指标目录（indicators.toml）中添加"))
    return out


def _unknown_columns(ctx) -> list[Problem]:
    """Wide form: a column of numbers under a header that names no indicator of the catalogue is refused (not left
    out unnoticed): its figures would otherwise be lost."""
    t = ctx.table
    region = t.sheet.frame.iloc[t.start:t.end]
    out = []
    for c in t.mapping.unused:
        if c.col not in region.columns:
            continue
        cells = region[c.col].dropna().astype(str).map(parse.clean)
        cells = cells[cells != ""]
        if len(cells) == 0:
            continue
        numeric = cells.map(lambda v: parse._NUM.match(parse.split_unit(v)[0]) is not None).mean()
        if numeric >= 0.5:
            out.append(Problem(f"表头“{c.text}”下是数字，但它不是指标目录中的指标", file=ctx.file, sheet=ctx.sheet,
                               row=t.sheet.sheet_row(t.header_rows[0]), column=c.text, col=c.col, value=c.text,
                               hint=f"目录中县里的指标有：{_known()}。请改用目录中的名称，"
                                    "或请管理员先在指标目录（indicators.toml）中添加这个指标"))
    return out


def _check_sums(facts: pd.DataFrame, ctx) -> None:
    """A 全县 row of an indicator summed over townships must be the sum of its township rows."""
    problems = []
    for key, part in facts.groupby("indicator", sort=False):
        ind = catalogue.entry(key)
        county = part[part["township"].isna()]
        towns = part[part["township"].notna() & part["village"].isna()]
        if ind.aggregate != "sum" or county.empty or towns.empty or towns["value_e4"].isna().any():
            continue
        reported, summed = county["value_e4"].iloc[0], int(towns["value_e4"].sum())
        if reported is not None and not pd.isna(reported) and int(reported) != summed:
            problems.append(ctx.problem(
                f"{ind.name}的全县数{_text(reported)}{ind.unit}与各乡镇之和{_text(summed)}{ind.unit}不一致",
                int(county["src_row"].iloc[0]), "数值", _text(reported), hint="请核对全县（合计）行或各乡镇的数值"))
    if problems:
        raise LoadError(problems)


def _text(e4) -> str:
    d = Decimal(int(e4)).scaleb(-SCALE).normalize()
    return format(d, "f")
