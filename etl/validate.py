"""Validate: which rows are totals, subtotals and 其中 parts (checked, then left out), required cells,
rows pasted twice, dates after the period's end — every problem placed in the source.

A 合计 / 总计 / 全县 row may stand in whichever column carries the row labels (序号, 乡镇, 救助类别,
项目名称 …). It is checked against the detail rows it covers — all of them, or those that share the
labels it fills in (``全县 | 城市低保`` covers the 城市低保 rows); a 小计 covers the rows since the
previous subtotal. Sums are exact; a per-capita column is checked as the weighted mean, a rate as the
ratio of the sums.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from etl.errors import Problem, col_letter
from etl.find import Table
from etl.layouts import Rules
from etl.mapping import Claim
from rural.reference import norm_text

WEIGHTED_TOLERANCE_FEN = 100      # a weighted per-capita 合计 may differ from ours by rounding: 1 元
RATIO_TOLERANCE_PCT = Decimal("0.01")


@dataclass
class RowClasses:
    """Frame index → class for the non-detail rows of a table."""

    total: list = field(default_factory=list)
    subtotal: list = field(default_factory=list)
    part: list = field(default_factory=list)


def label_claims(table: Table) -> list[Claim]:
    lay = table.layout
    names = set(lay.label_fields) | {"序号"}
    return [c for c in table.mapping.claims if c.field.name in names]


def label_columns(table: Table, rows: pd.DataFrame) -> list[int]:
    """Columns whose text labels the rows: the layout's label fields, 序号, and unread text columns on the
    left of the first number column (合计 may stand in any of them)."""
    cols = [c.col for c in label_claims(table) if c.col in rows.columns]
    numeric = [c.col for c in table.mapping.claims if c.field.type in ("int", "money", "area", "pct", "raw") and c.col >= 0]
    claimed = {c.col for c in table.mapping.claims}
    first = min(numeric, default=-1)
    cols += [c for c in rows.columns if c < first and c not in claimed]
    return list(dict.fromkeys(cols))


def classify(table: Table, rows: pd.DataFrame, rules: Rules, part_words: frozenset[str]) -> RowClasses:
    """Totals, subtotals and 其中 rows, from the label columns' text (judged once per distinct value)."""
    import numpy as np

    out = RowClasses()
    total = np.zeros(len(rows), dtype=bool)
    sub, part = total.copy(), total.copy()
    for col in label_columns(table, rows):
        codes, uniques = pd.factorize(rows[col], use_na_sentinel=True)
        keys = [norm_text(str(u)) for u in uniques]
        flags = np.array([(rules.is_total(k), rules.is_subtotal(k), any(k.startswith(w) for w in part_words))
                          for k in keys] + [(False, False, False)], dtype=bool).reshape(-1, 3)
        picked = flags[codes]          # code -1 (empty) takes the last, all-False row
        total |= picked[:, 0]
        sub |= picked[:, 1]
        part |= picked[:, 2]
    out.part = list(rows.index[part])
    out.subtotal = list(rows.index[sub & ~part])
    out.total = list(rows.index[total & ~sub & ~part])
    return out


def _is_label_value(v) -> bool:
    return v is not None and not (isinstance(v, float) and pd.isna(v)) and v is not pd.NA


def check_totals(table: Table, typed: pd.DataFrame, classes: RowClasses, detail: pd.Index, rules: Rules,
                 file: str, raw: pd.DataFrame) -> tuple[list[Problem], list]:
    """Check every total and subtotal row against the detail rows it covers.

    Returns the problems and the total rows that cover no detail row at all (a county-level table that
    writes 全县 in its 乡镇 column: those rows are the data, not totals)."""
    problems: list[Problem] = []
    orphans = []
    claims = table.mapping.claims
    keyed = [c for c in claims if c.field.type in ("township", "village", "choice", "text", "period") and c.field.name != "序号"]
    numeric = [c for c in claims if c.field.totals_rule()[0] != "none"]
    subs = sorted(classes.subtotal)
    for i in sorted(classes.total) + subs:
        covered = _covered(i, typed, detail, keyed, classes, rules, i in classes.subtotal, subs)
        if len(covered) == 0:
            if i in classes.total:
                orphans.append(i)
            continue
        for c in numeric:
            stated = typed.at[i, c.name] if c.name in typed.columns else None
            if stated is None or pd.isna(stated):
                continue
            p = _check_one(c, stated, typed, covered, claims, table, file, i, raw, i in classes.subtotal)
            if p is not None:
                problems.append(p)
    return problems, orphans


def _covered(i, typed, detail, keyed, classes, rules, is_sub, subs) -> pd.Index:
    rows = detail
    filled = []
    for c in keyed:
        if c.name not in typed.columns:
            continue
        v = typed.at[i, c.name]
        if _is_label_value(v) and isinstance(v, str):
            k = norm_text(v)
            if not (rules.is_total(k) or rules.is_subtotal(k) or k in rules.county_level_words):
                filled.append((c, v))
    for c, v in filled:
        rows = rows[(typed.loc[rows, c.name] == v).fillna(False).to_numpy()]
    if is_sub and not filled:
        before = [s for s in subs if s < i]
        lo = before[-1] if before else -1
        tot_before = [t for t in classes.total if t < i]
        lo = max([lo, *tot_before])
        rows = rows[(rows > lo) & (rows < i)]
    return rows


def _check_one(c: Claim, stated, typed, covered, claims, table: Table, file: str, i, raw, is_sub: bool) -> Problem | None:
    rule, a, b = c.field.totals_rule()
    values = typed.loc[covered, c.name].dropna()

    def partner(name):
        return next((x for x in claims if x.field.name == name and x.group == c.group and x.period == c.period), None)

    if rule == "sum":
        expected = int(sum(int(v) for v in values))
        if int(stated) == expected:
            return None
        text = f"合计为{_show(c, stated)}，明细之和为{_show(c, expected)}"
    elif rule == "weighted":
        w = partner(a)
        if w is None or w.name not in typed.columns:
            return None
        weights = typed.loc[covered, w.name]
        both = values.index.intersection(weights.dropna().index)
        den = sum(int(x) for x in weights[both])
        if den == 0:
            return None
        num = sum(Decimal(int(values[k])) * int(weights[k]) for k in both)
        expected = int((num / den).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if abs(int(stated) - expected) <= WEIGHTED_TOLERANCE_FEN:
            return None
        text = (f"合计行为{_show(c, stated)}，按“{w.field.name}”加权的平均值（总额÷{w.field.name}）为{_show(c, expected)}"
                "（人均数的合计应为加权平均，不是各行之和或简单平均）")
    elif rule == "ratio":
        num, den = partner(a), partner(b)
        if num is None or den is None:
            return None
        n = sum(int(x) for x in typed.loc[covered, num.name].dropna())
        d = sum(int(x) for x in typed.loc[covered, den.name].dropna())
        if d == 0:
            return None
        expected = Decimal(n) * 100 / Decimal(d)
        if pct_agrees(expected, Decimal(str(stated))):
            return None
        rep = Decimal(str(stated))
        text = f"合计行为{rep:.2f}%，按合计的{num.field.name}÷{den.field.name}应为{expected:.2f}%"
    else:
        return None
    cell = raw.at[i, c.col] if c.col in raw.columns else ""
    return Problem(f"{'小计' if is_sub else '合计'}行与明细不符：{text}", file=file, sheet=table.sheet.name,
                   row=table.sheet.sheet_row(i), column=c.column.text, col=c.col,
                   value="" if pd.isna(cell) else str(cell), hint="请核对明细或合计后再载入")


def pct_agrees(computed: Decimal, reported: Decimal) -> bool:
    """A reported percentage agrees with the computed one at the precision it was written with."""
    places = max(0, -reported.as_tuple().exponent)
    shown = computed.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(shown - reported) <= RATIO_TOLERANCE_PCT or abs(computed - reported) <= RATIO_TOLERANCE_PCT


def _show(c: Claim, v) -> str:
    t = c.field.type
    if t == "money":
        return f"{int(v) / 100:,.2f}元"
    if t == "area":
        return f"{int(v) / 100:,.2f}亩"
    return f"{int(v):,}"


def required_cells(table: Table, typed: pd.DataFrame, detail: pd.Index, file: str, handled: set[str]) -> list[Problem]:
    problems = []
    lay = table.layout
    for c in table.mapping.claims:
        f = c.field
        if not f.required or f.name in handled or c.group or (lay.group and f.name in lay.group.measures) or c.col < 0:
            continue
        if lay.county_level and f.type == "township":
            continue
        empty = typed.loc[detail, c.name].isna()
        for i in empty.index[empty.to_numpy()][:10]:
            problems.append(Problem("必填项为空", file=file, sheet=table.sheet.name, row=table.sheet.sheet_row(i),
                                    column=c.column.text, col=c.col))
    return problems


def identical_rows(table: Table, fingerprint: pd.Series | None, detail: pd.Index, file: str) -> list[Problem]:
    """Two detail rows identical in every cell (序号 aside): a paste error, naming both rows."""
    if fingerprint is None or len(detail) < 2:
        return []
    fp = fingerprint.reindex(detail)
    dup = fp.duplicated(keep=False) & fp.notna()
    if not dup.any():
        return []
    problems = []
    firsts: dict = {}
    for i in fp.index[dup.to_numpy()]:
        h = fp[i]
        if h in firsts:
            a, b = table.sheet.sheet_row(firsts[h]), table.sheet.sheet_row(i)
            problems.append(Problem(f"第{b}行与第{a}行各单元格完全相同（序号除外），像是重复粘贴", file=file,
                                    sheet=table.sheet.name, row=b, hint=f"请删除重复的一行（第{a}行或第{b}行）后再载入"))
            if len(problems) >= 10:
                break
        else:
            firsts[h] = i
    return problems


def future_dates(table: Table, typed: pd.DataFrame, detail: pd.Index, period_end: date | None, file: str,
                 raw: pd.DataFrame) -> list[Problem]:
    if period_end is None:
        return []
    problems = []
    for c in table.mapping.claims:
        if c.field.type != "date" or c.name not in typed.columns:
            continue
        v = typed.loc[detail, c.name].dropna()
        late = v[(pd.to_datetime(v) > pd.Timestamp(period_end)).to_numpy()]
        for i in late.index[:20]:
            problems.append(Problem(f"日期晚于统计期末（{period_end:%Y-%m-%d}），是未来日期或填错了年份", file=file,
                                    sheet=table.sheet.name, row=table.sheet.sheet_row(i), column=c.column.text, col=c.col,
                                    value=str(raw.at[i, c.col]) if c.col in raw.columns else ""))
    return problems


def conflicts(table: Table, file: str) -> list[Problem]:
    """Two columns that claim the same field: an error naming both cells."""
    out = []
    for a, b in table.mapping.conflicts:
        what = a.field.name + (f"（{a.group}）" if a.group else "")
        out.append(Problem(f"“{a.column.text}”（{a.column.cell}）和“{b.column.text}”（{b.column.cell}）两列都是“{what}”，"
                           "无法确定用哪一列", file=file, sheet=table.sheet.name,
                           row=int(b.column.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), column=b.column.text, col=b.col,
                           hint="请删除或改名其中一列（或在上传页面指定各列的含义）"))
    return out


__all__ = ["RowClasses", "check_totals", "classify", "col_letter", "conflicts", "future_dates", "identical_rows",
           "label_claims", "required_cells"]
