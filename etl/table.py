"""Find the table in a sheet and turn it into typed columns.

Title and unit lines above the header, one- or two-row headers (merged group labels flattened),
header variants and units, totals rows checked then left out, note lines skipped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from etl import parse
from etl.errors import LoadError, Problem, col_letter, mask
from etl.read import RawSheet
from etl.spec import NUMERIC_TYPES, Spec, norm_header

HEADER_SCAN_ROWS = 20
TOTAL_WORDS = {"合计", "总计", "全县", "全县合计", "总合计", "全县总计", "合计数", "全市合计", "全区合计"}
SUBTOTAL_WORDS = {"小计"}
NOTE_PREFIXES = ("注", "说明", "备注", "填表人", "填报人", "审核人", "制表", "填报单位", "联系电话", "数据来源",
                 "负责人", "统计人", "单位负责人", "附")
_UNIT_LINE = re.compile(r"^\s*[（(]?\s*(?:计量)?单位\s*[:：]")


@dataclass
class Field:
    """A mapped column: frame column ``pos``, canonical ``name``, wide ``group`` value, unit."""

    pos: int
    name: str
    header: str
    group: str | None = None
    unit: str = ""


@dataclass
class Mapped:
    spec: Spec
    sheet: RawSheet
    header_rows: list[int]
    fields: list[Field]
    unknown: list[tuple[int, str]]
    score: int

    @property
    def data_start(self) -> int:
        return self.header_rows[-1] + 1

    def top_lines(self) -> list[str]:
        """Text of the lines above the header (titles, unit line)."""
        lines = []
        for i in range(self.header_rows[0]):
            cells = [str(v) for v in self.sheet.frame.iloc[i].dropna().tolist()]
            if cells:
                lines.append(" ".join(cells))
        return lines

    def unit_line(self) -> set[str]:
        units = set()
        for line in self.top_lines() + self._right_of_title():
            if _UNIT_LINE.search(line) or "单位" in line:
                for u in ("亿元", "万元", "万亩", "元", "亩"):
                    if u in line.split("单位", 1)[-1]:
                        units.add(u)
        # "元" is a substring of "万元": keep the longest stated
        if "万元" in units or "亿元" in units:
            units.discard("元")
        if "万亩" in units:
            units.discard("亩")
        return units

    def _right_of_title(self) -> list[str]:
        return []


@dataclass
class Extracted:
    """Typed columns of the data rows; ``wide`` columns are named ``name@group``."""

    mapped: Mapped
    frame: pd.DataFrame
    rows: pd.Series                 # 1-based sheet row of each frame row
    rows_read: int
    skipped: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _cells(frame: pd.DataFrame, i: int) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in frame.iloc[i].tolist()]


def _headers(frame: pd.DataFrame, r: int, double: bool) -> list[tuple[str, str]]:
    top = _cells(frame, r)
    if not double:
        return [(t or "", "") for t in top]
    sub = _cells(frame, r + 1)
    out, carry = [], None
    for t, s in zip(top, sub):
        if t is not None:
            carry = t if s is not None else None
            out.append((t, s or ""))
        elif s is not None and carry is not None:
            out.append((carry, s))
        else:
            carry = None if s is None else carry
            out.append((s or "", ""))
    return out


def _match(spec: Spec, top: str, sub: str) -> tuple[str, str | None, str] | None:
    """(canonical, group value, unit) for one header cell, or None."""
    by_key = spec.by_key()
    tk, tu = norm_header(top)
    if not sub:
        if tk in by_key:
            return by_key[tk].name, None, tu
        if spec.group and "/" in top:  # a one-row "group/measure" header
            g, m = top.split("/", 1)
            return _match(spec, g, m)
        return None
    sk, su = norm_header(sub)
    if spec.group:
        g = spec.group.value_of(tk)
        if g and sk in by_key and by_key[sk].name in spec.group.measures:
            return by_key[sk].name, g, su or tu
    if sk in by_key:
        return by_key[sk].name, None, su or tu
    jk, ju = norm_header(top + sub)
    if jk in by_key:
        return by_key[jk].name, None, ju
    return None


def map_headers(sheet: RawSheet, spec: Spec, r: int, double: bool) -> Mapped:
    fields, unknown = [], []
    ignore = spec.ignore_keys()
    seen = set()
    for pos, (top, sub) in enumerate(_headers(sheet.frame, r, double)):
        if not top and not sub:
            continue
        m = _match(spec, top, sub)
        text = f"{top}/{sub}" if sub else top
        if m and (m[0], m[1]) not in seen:
            seen.add((m[0], m[1]))
            fields.append(Field(pos, m[0], text, m[1], m[2]))
        elif norm_header(sub or top)[0] in ignore or norm_header(top)[0] in ignore or m:
            continue
        else:
            unknown.append((pos, text))
    score = len(fields) * 2 - len(unknown)
    return Mapped(spec, sheet, [r, r + 1] if double else [r], fields, unknown, score)


def _satisfied(m: Mapped) -> bool:
    names = {f.name for f in m.fields if f.group is None}
    grouped = {f.name for f in m.fields if f.group is not None}
    spec = m.spec
    for c in spec.columns:
        if not c.required or c.name in names:
            continue
        if spec.group and (c.name == spec.group.key or c.name in spec.group.measures) and grouped:
            continue
        return False
    if spec.any_of and not (set(spec.any_of) & (names | grouped)):
        return False
    return True


def detect(sheet: RawSheet, specs: list[Spec]) -> Mapped | None:
    """The best (spec, header row) for a sheet, among layouts whose required columns are all present."""
    frame = sheet.frame
    if frame.empty:
        return None
    best = None
    limit = min(HEADER_SCAN_ROWS, len(frame))
    for r in range(limit):
        if frame.iloc[r].notna().sum() < 2:
            continue
        for double in (False, True):
            if double and r + 1 >= len(frame):
                continue
            for spec in specs:
                m = map_headers(sheet, spec, r, double)
                if _satisfied(m) and (best is None or m.score > best.score):
                    best = m
    return best


def near_miss(sheet: RawSheet, specs: list[Spec]) -> tuple[Mapped, list[str]] | None:
    """The layout that came closest, with the required columns it lacks (for the message)."""
    frame = sheet.frame
    best = None
    for r in range(min(HEADER_SCAN_ROWS, len(frame))):
        if frame.iloc[r].notna().sum() < 2:
            continue
        for spec in specs:
            m = map_headers(sheet, spec, r, False)
            if len(m.fields) >= 2 and (best is None or _closeness(m) > _closeness(best)):
                best = m
    if best is None:
        return None
    names = {f.name for f in best.fields}
    missing = [c.name for c in best.spec.columns if c.required and c.name not in names]
    return best, missing


def _closeness(m: Mapped) -> tuple[float, int]:
    return len(m.fields) / len(m.spec.columns), len(m.fields)


def _type_parser(col, unit: str):
    if col.type == "int":
        return parse.parse_int
    if col.type == "money":
        return parse.fixed_parser(parse.MONEY_UNITS, unit or col.unit or "元", 2)
    if col.type == "area":
        return parse.fixed_parser(parse.AREA_UNITS, unit or col.unit or "亩", 2)
    if col.type == "pct":
        return parse.parse_pct
    if col.type == "date":
        return parse.parse_date
    if col.type == "bool":
        return parse.parse_bool
    if col.vocab:
        vm = col.vocab_map()

        def vocab(text: str) -> str:
            key = norm_header(text)[0]
            if key in vm:
                return vm[key]
            raise ValueError(f"不是可识别的取值（可用：{'、'.join(dict.fromkeys(v for _, v in col.vocab))}）")

        return vocab
    return parse.parse_text


def extract(m: Mapped, file: str, period_end: date | None) -> Extracted:
    """Typed data rows of a mapped sheet; raises :class:`LoadError` with every problem found."""
    sheet, spec = m.sheet, m.spec
    frame = sheet.frame.iloc[m.data_start:]
    problems: list[Problem] = []
    skipped: list[str] = []
    if m.unknown:
        for pos, text in m.unknown:
            problems.append(Problem(
                f"无法识别的表头“{text}”", file=file, sheet=sheet.name, row=sheet.sheet_row(m.header_rows[-1]),
                col=sheet.columns[pos], hint=f"{spec.label}应有的表头：{spec.expected()}；如确属多余列，请删除后再载入"))
        raise LoadError(problems)
    mapped_pos = {f.pos for f in m.fields}
    counts = frame.notna().sum(axis=1)
    nonblank = counts > 0
    frame = frame[nonblank]
    counts = counts[nonblank]
    rows_read = len(frame)

    # note lines: few cells, the first one starting with a note word
    few = frame[counts <= 2]
    drop = set()
    for i, row in few.iterrows():
        first = str(row.dropna().iloc[0]).strip()
        if first.startswith(NOTE_PREFIXES) or (counts[i] == 1 and row.dropna().index[0] not in mapped_pos):
            drop.add(i)
            skipped.append(f"第{sheet.sheet_row(i)}行（注释或落款行）")
    # columns with data but no header
    for pos in range(frame.shape[1]):
        if pos in mapped_pos:
            continue
        hdr = _headers(sheet.frame, m.header_rows[0], len(m.header_rows) == 2)[pos]
        if hdr == ("", "") and frame[pos].drop(index=list(drop), errors="ignore").notna().any():
            i = frame[pos].drop(index=list(drop), errors="ignore").first_valid_index()
            problems.append(Problem("该列有数据但没有表头", file=file, sheet=sheet.name, row=sheet.sheet_row(i),
                                    col=sheet.columns[pos], value=str(frame.at[i, pos])[:20],
                                    hint="请补上表头或删除该列"))
    frame = frame.drop(index=list(drop))

    # totals and subtotals
    total_field = next((f for f in m.fields if f.name == spec.total_col), None)
    totals = pd.Series(False, index=frame.index)
    subtotal = pd.Series(False, index=frame.index)
    keys = [frame[total_field.pos]] if total_field is not None else []
    if 0 not in mapped_pos and 0 in frame.columns:  # 合计 written in the 序号 column
        keys.append(frame[0])
    for k in keys:
        k = k.astype("string").str.replace(r"\s+", "", regex=True)
        totals = totals | _is_total(k)
        subtotal = subtotal | k.isin(SUBTOTAL_WORDS).fillna(False)
    for i in frame.index[subtotal]:
        skipped.append(f"第{sheet.sheet_row(i)}行（小计行，未计入）")
    frame = frame[~subtotal]
    totals = totals[~subtotal]

    out = pd.DataFrame(index=frame.index)
    for f in m.fields:
        col = spec.col(f.name)
        raw = frame[f.pos]
        if col.type == "raw" or col.personal or (col.type == "text" and not col.vocab):
            out[_name(f)] = parse.clean_series(raw)
            continue
        unit = f.unit or _line_unit(col, m.unit_line())
        values, errors = parse.parse_series(raw, _type_parser(col, unit))
        bad = errors.notna()
        for i in errors.index[bad][:20]:
            problems.append(_cell_problem(errors[i], file, sheet, i, f, raw[i], col.personal))
        if col.type in NUMERIC_TYPES:
            neg = values.notna() & ~bad & (values.fillna(0) < 0)
            for i in values.index[neg][:20]:
                problems.append(_cell_problem("不能为负数", file, sheet, i, f, raw[i], False))
        if col.type == "date" and period_end is not None:
            late = values.notna() & ~bad & values.map(lambda d: d > period_end, na_action="ignore").fillna(False).astype(bool)
            for i in values.index[late][:20]:
                problems.append(_cell_problem(f"日期晚于统计期末（{period_end:%Y-%m-%d}），是未来日期或填错了年份",
                                              file, sheet, i, f, raw[i], False))
        out[_name(f)] = values

    # required cells (not on totals rows)
    detail = ~totals
    for f in m.fields:
        col = spec.col(f.name)
        if col.required and f.group is None:
            empty = frame[f.pos].isna() & detail
            for i in frame.index[empty][:10]:
                problems.append(_cell_problem("必填项为空", file, sheet, i, f, "", False))
    if problems:
        raise LoadError(problems)

    # check totals rows against the detail sum, then leave them out; in a long layout a totals row
    # that names a category (全县合计 | 城市低保 | …) is the total of that category's rows only
    long_key = spec.group.key if spec.group is not None and spec.group.key in out.columns else None
    for i in frame.index[totals]:
        rows_of = detail
        if long_key is not None and pd.notna(out.at[i, long_key]):
            rows_of = detail & (out[long_key] == out.at[i, long_key]).fillna(False)
        for f in m.fields:
            col = spec.col(f.name)
            name = _name(f)
            if col.type not in NUMERIC_TYPES or pd.isna(out.at[i, name]):
                continue
            detail_sum = int(out.loc[rows_of, name].dropna().sum())
            if int(out.at[i, name]) != detail_sum:
                problems.append(Problem(
                    f"合计行与明细之和不符：合计为{_show(col, out.at[i, name])}，明细之和为{_show(col, detail_sum)}",
                    file=file, sheet=sheet.name, row=sheet.sheet_row(i), column=f.header, col=sheet.columns[f.pos],
                    value=str(frame.at[i, f.pos]), hint="请核对明细或合计后再载入"))
        skipped.append(f"第{sheet.sheet_row(i)}行（合计行，已与明细核对一致）")
    if problems:
        raise LoadError(problems)
    out = out[detail]
    rows = pd.Series([sheet.sheet_row(i) for i in out.index], index=out.index)
    return Extracted(m, out, rows, rows_read, skipped)


def _is_total(key: pd.Series) -> pd.Series:
    return (key.isin(TOTAL_WORDS) | key.str.startswith("全县").fillna(False)
            | key.str.endswith("合计").fillna(False) | key.str.endswith("总计").fillna(False)).fillna(False)


def _name(f: Field) -> str:
    return f.name if f.group is None else f"{f.name}@{f.group}"


def _line_unit(col, units: set[str]) -> str:
    if col.type == "money":
        return next((u for u in ("亿元", "万元", "元") if u in units), "")
    if col.type == "area":
        return next((u for u in ("万亩", "亩") if u in units), "")
    return ""


def _show(col, v) -> str:
    if col.type == "money":
        return f"{int(v) / 100:,.2f}元"
    if col.type == "area":
        return f"{int(v) / 100:,.2f}亩"
    return f"{int(v):,}"


def _cell_problem(msg, file, sheet: RawSheet, i, f: Field, raw, personal: bool) -> Problem:
    value = "" if raw is None or (not isinstance(raw, str) and pd.isna(raw)) else str(raw)
    return Problem(msg, file=file, sheet=sheet.name, row=sheet.sheet_row(i), column=f.header,
                   col=sheet.columns[f.pos], value=mask(value, personal) if value else "")


__all__ = ["detect", "extract", "near_miss", "Mapped", "Extracted", "Field", "col_letter"]
