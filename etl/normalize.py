"""Normalize: each claimed column's text cells become typed values (exact integer 分 for money, dates,
canonical vocabulary names …); every cell that cannot be read is a placed problem.

Parsers run once per distinct value of a column (:func:`etl.parse.parse_series`).
"""
from __future__ import annotations

import re

import pandas as pd

from etl import parse
from etl.errors import Problem, mask
from etl.find import Table
from etl.layouts import reference
from etl.mapping import Claim

MAX_CELL_PROBLEMS = 20
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")
_LINE_UNITS = {"money": ("亿元", "万元", "元"), "area": ("万亩", "亩")}


def line_units(table: Table) -> set[str]:
    """Units named on the title / 单位 lines above the header: ``单位：人次、万元`` → {人次, 万元}."""
    units = set()
    texts = [v for k, v in table.meta.items() if "单位" in k] + [
        line.split("单位", 1)[1] for line in table.top_lines if "单位" in line]
    for text in texts:
        for u in ("亿元", "万元", "万亩", "元", "亩"):
            if u in text:
                units.add(u)
    if units & {"万元", "亿元"}:
        units.discard("元")
    if "万亩" in units:
        units.discard("亩")
    return units


def unit_for(claim: Claim, table: Table) -> str:
    f = claim.field
    if claim.unit:
        return claim.unit
    stated = [u for u in _LINE_UNITS.get(f.type, ()) if u in line_units(table)]
    if len(stated) == 1:
        return stated[0]
    return f.unit or {"money": "元", "area": "亩"}.get(f.type, "")


def parser_for(claim: Claim, table: Table):
    f = claim.field
    if f.type == "int":
        return parse.parse_int
    if f.type == "money":
        return parse.fixed_parser(parse.MONEY_UNITS, unit_for(claim, table), 2)
    if f.type == "area":
        return parse.fixed_parser(parse.AREA_UNITS, unit_for(claim, table), 2)
    if f.type == "pct":
        return parse.parse_pct
    if f.type == "date":
        return parse.parse_date
    if f.type == "bool":
        return parse.parse_bool
    if f.type == "choice":
        voc = f.vocabulary()

        def choice(text: str) -> str:
            found = voc.lookup(text)
            if found is None and f.match == "contains":
                found = voc.containing(text)
            if found is not None:
                return found
            if f.unknown == "keep":
                return parse.parse_text(text)
            if f.unknown == "exclude":
                return UNKNOWN
            raise ValueError(f"不是可识别的{f.name}（可用：{'、'.join(voc.order)}）")

        return choice
    return None


NUMBERS = ("int", "money", "area", "pct")
UNKNOWN = "\x00未识别"      # a value outside a vocabulary whose field excludes such rows


def normalize(table: Table, rows: pd.DataFrame, file: str, totals: list | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed values of every claim over ``rows`` (a slice of the sheet frame); columns named by
    :attr:`etl.mapping.Claim.name`. The label cells of ``totals`` rows (合计, 小计 …) are read when they can
    be and kept as text otherwise, never an error. Problems name the file, sheet, row, header, cell and value.

    Columns are independent: on a large table they are normalized two at a time (Arrow compute and
    factorization release the interpreter lock), which uses the second core while the first works."""
    in_totals = rows.index.isin(totals or [])
    claims = table.mapping.claims

    def one(claim: Claim):
        return _column(claim, table, rows, file, in_totals)

    if len(rows) > 200_000 and len(claims) > 2:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:
            done = list(pool.map(one, claims))
    else:
        done = [one(c) for c in claims]
    out = pd.DataFrame({c.name: values for c, (values, _) in zip(claims, done)}, index=rows.index)
    return out, [p for _, found in done for p in found]


def _column(claim: Claim, table: Table, rows: pd.DataFrame, file: str, in_totals) -> tuple[pd.Series, list[Problem]]:
    """One claim's typed values and the problems of its cells."""
    if claim.constant is not None:
        return pd.Series(claim.constant, index=rows.index, dtype=object).where(~in_totals, None), []
    problems: list[Problem] = []
    raw = rows[claim.col] if claim.col in rows.columns else pd.Series(pd.NA, index=rows.index, dtype="string")
    f = claim.field
    fn = parser_for(claim, table)
    if fn is None:
        values = parse.clean_series(raw)
        if f.type in ("key", "personal_key"):
            problems += _scientific(values[~in_totals], claim, table, file)
        if f.type == "key":
            problems += _id_numbers(values[~in_totals], claim, table, file)
        return values, problems
    marks = reference().rules.empty_marks if f.type in NUMBERS else frozenset()
    if f.empty == "zero":
        raw = raw.where(~raw.astype("string").str.strip().isin(marks).fillna(False)).fillna("0")
    labels = f.type not in NUMBERS and in_totals.any()
    values, errors = parse.parse_series(raw.where(~in_totals) if labels else raw, fn, empty=marks)
    if labels:
        tv, te = parse.parse_series(raw[in_totals], fn)
        values.loc[in_totals] = tv.where(te.isna(), parse.clean_series(raw[in_totals]).astype(object))
    bad = errors.notna()
    for i in errors.index[bad][:MAX_CELL_PROBLEMS]:
        problems.append(cell_problem(str(errors[i]), file, table, i, claim, raw[i]))
    if f.type in ("int", "money", "area"):
        neg = values.notna() & ~bad & (pd.to_numeric(values, errors="coerce").fillna(0) < 0)
        for i in values.index[neg][:MAX_CELL_PROBLEMS]:
            problems.append(cell_problem("不能为负数", file, table, i, claim, raw[i]))
    return values, problems


def _id_numbers(values: pd.Series, claim: Claim, table: Table, file: str) -> list[Problem]:
    """A key column that holds resident ID numbers (18 characters, valid check digit): storing it would keep
    the ID numbers in clear, so it is refused."""
    from etl.sources.common import ids_ok

    v = values.dropna()
    sample = v.iloc[:2000]
    if len(sample) == 0 or ids_ok(sample).mean() < 0.5:
        return []
    return [Problem(f"“{claim.column.text}”列的值是证件号码（18位，校验位正确），不能作为{claim.field.name}保存", file=file,
                    sheet=table.sheet.name, column=claim.column.text, col=claim.col,
                    row=table.sheet.sheet_row(v.index[0]),
                    hint="证件号码只用于在没有户编号时生成密钥户码，不作为编号保存：请指定真正的户编号列，或不指定编号列")]


def _scientific(values: pd.Series, claim: Claim, table: Table, file: str) -> list[Problem]:
    """An ID column Excel turned into a number shown as ``5.32324E+15``: the digits are gone."""
    sci = values.dropna()
    sci = sci[sci.str.match(_SCIENTIFIC.pattern).fillna(False).astype(bool)]
    if sci.empty:
        return []
    i = sci.index[0]
    return [Problem(
        f"“{claim.column.text}”列有{len(sci):,}个值是科学计数法（如“{mask(sci[i], claim.field.personal)}”）："
        "Excel 把长编号当作数字保存，末尾几位已经丢失，无法还原", file=file, sheet=table.sheet.name,
        row=table.sheet.sheet_row(i), column=claim.column.text, col=claim.col,
        hint="请从系统重新导出原始文件直接上传；如必须用 Excel 编辑，先把该列设为“文本”格式再粘贴，"
             "不要在 Excel 中打开 CSV 后直接保存")]


def cell_problem(msg: str, file: str, table: Table, i, claim: Claim, raw, level: str = "error") -> Problem:
    value = "" if raw is None or (not isinstance(raw, str) and pd.isna(raw)) else str(raw)
    return Problem(msg, file=file, sheet=table.sheet.name, row=table.sheet.sheet_row(i), column=claim.column.text,
                   col=claim.col, value=mask(value, claim.field.personal) if value else "", level=level)
