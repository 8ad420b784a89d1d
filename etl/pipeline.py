"""The loader's stages, run one way: read → find table → map headers → reshape → normalize → validate →
load. :func:`plan_file` runs everything up to the load and writes nothing; :func:`load_file` then hands
the plan to :mod:`etl.load`, which writes it in one transaction.

Every row read is accounted for: loaded, reported as a total / subtotal / 其中 / note / footer row,
excluded with its reason (a lifted-out household in a monitoring roster), or the file is refused with
the reason, placed in the source.
"""
from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from etl import mappings as saved_mappings
from etl.errors import LoadError, Problem
from etl.find import Region, Table, classify_notes, find_tables, guess_header, near_misses
from etl.layouts import Layout, Reference, kind_label, reference
from etl.normalize import UNKNOWN, normalize
from etl.read import RawSheet, open_workbook
from etl.reshape import long_frame, split_periods
from etl.sources import module_for
from etl.load import COUNTY_WIDE, Progress, Unchanged, database_problem, write_plan
from etl.validate import (
    check_totals, classify, conflicts, future_dates, identical_rows, required_cells,
)
from rural import periods
from rural.db import BATCH_ACTIVE, LoadBatch, Township
from rural.reference import norm_text
from rural.settings import Settings, get_settings

SMALL_FILE = 4 * 1024 * 1024
ACCOUNTED = ("totals", "subtotals", "parts", "notes", "footers", "sections")   # rows read that are not data     # below this, every column of every sheet is read (no column selection)


@dataclass
class Context:
    """What a kind's module needs to build fact rows and to place its problems."""

    file: str
    sheet: str
    period: str
    settings: Settings
    table: Table
    warnings: list[Problem] = field(default_factory=list)
    excluded: dict[str, int] = field(default_factory=dict)      # reason → rows left out on purpose
    notes: list[str] = field(default_factory=list)              # lines for the load report
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)
    also: list["SheetPlan"] = field(default_factory=list)       # further plans of another kind from the same table
    kind: str | None = None                                     # the module may say the rows are of another kind
    label: str | None = None

    def claim(self, name: str):
        return next((c for c in self.table.mapping.claims if c.field.name == name), None)

    def header(self, name: str) -> str:
        c = self.claim(name)
        return c.column.text if c is not None else name

    def col(self, name: str) -> int | None:
        c = self.claim(name)
        return c.col if c is not None else None

    def problem(self, message: str, row=None, name: str | None = None, value="", hint: str = "",
                level: str = "error") -> Problem:
        return Problem(message, file=self.file, sheet=self.sheet, row=None if row is None else int(row),
                       column=self.header(name) if name else "", col=self.col(name) if name else None,
                       value="" if value is None else str(value), hint=hint, level=level)


@dataclass
class SheetPlan:
    kind: str
    label: str
    sheet: str
    period: str
    facts: pd.DataFrame
    rows_read: int
    skipped: list[str]
    warnings: list[Problem]
    scope: str = COUNTY_WIDE
    report: dict = field(default_factory=dict)
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)
    layout: str = ""
    header: list = field(default_factory=list)     # the header columns of its table (for saving a mapping)
    counties: list = field(default_factory=list)   # the values of its 县 column (which county it is)
    listed: list = field(default_factory=list)     # the townships its rows name (with numbers or not): its scope


@dataclass
class FilePlan:
    file: str
    sha256: str
    county: str
    sheets: list[SheetPlan]
    skipped_sheets: list[str]
    new_county: bool = False
    new_townships: dict[str, str] = field(default_factory=dict)    # name → roster | rows
    notes: list[str] = field(default_factory=list)
    file_warnings: list[Problem] = field(default_factory=list)
    column_notes: list[str] = field(default_factory=list)     # unused / personal / comparison columns, per sheet

    @property
    def warnings(self) -> list[Problem]:
        return self.file_warnings + [w for s in self.sheets for w in s.warnings]


@dataclass
class FileResult:
    file: str
    status: str                 # loaded | unchanged | failed
    message: str = ""
    batches: list[dict] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plan: FilePlan | None = None


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------- planning
def plan_file(engine: Engine, path: Path, data: bytes | None = None, kind: str | None = None,
              period: str | None = None, today: date | None = None, columns_map: dict[str, str] | None = None) -> FilePlan:
    """Parse and check a file completely; raises :class:`LoadError`. Reads the database, writes nothing.

    ``columns_map`` ({header: field}, with ``kind``) is a clerk's mapping given for this file."""
    path = Path(path)
    data = path.read_bytes() if data is None else data
    settings, ref = get_settings(), reference()
    try:
        layouts = ref.for_kind(kind)
    except KeyError as exc:
        raise LoadError(Problem(str(exc.args[0]), file=path.name)) from None
    forced = None
    if period:
        try:
            forced = periods.parse_period_arg(period)
        except ValueError as exc:
            raise LoadError(Problem(str(exc), file=path.name)) from None
    saved = saved_mappings.all_mappings(engine)
    plans, skipped, notes, warnings, titles, problems, read, columns = [], [], [], [], [], [], [], []
    with _open_workbook(path.name, data) as wb:
        for info in wb.sheets:
            if info.hidden:
                skipped.append(f"{info.name}（隐藏的工作表，未读取）")
                continue
            sheet = _read_sheet(wb, info.index, layouts, ref, len(data), saved, columns_map, Path(path.name).stem)
            read.append(sheet)
            overrides = _overrides(sheet, layouts, ref, saved, columns_map, kind)
            tables, regions = find_tables(sheet, overrides[0] if overrides else layouts, ref,
                                          overrides[1] if overrides else None, Path(path.name).stem)
            if not tables:
                if sheet.frame.notna().to_numpy().any():
                    skipped.append(info.name)
                continue
            for reg in regions:
                warnings.append(_region_warning(path.name, sheet, reg))
            for t in tables:
                titles += t.top_lines
                try:
                    plans += _plan_table(t, path.name, forced, today or date.today(), settings, ref, notes, columns)
                except LoadError as exc:
                    problems += exc.problems
    if problems:
        raise LoadError(problems)
    if not plans:
        raise LoadError(_no_table(path.name, read, layouts, ref))
    county, new_county = _county(engine, settings, path.name, titles, plans)
    new_towns: dict[str, str] = {}
    for p in plans:
        _resolve_townships(engine, settings, county, p, path.name, new_towns, new_county)
    _no_duplicate_sheets(plans, path.name)
    if new_county:
        notes.insert(0, f"新的县：{county}（首次载入），乡镇{len(new_towns)}个：{'、'.join(new_towns)}")
    elif new_towns:
        notes.append(f"新登记的乡镇：{'、'.join(new_towns)}")
    return FilePlan(path.name, sha256_of(data), county, plans, skipped, new_county, new_towns, notes, warnings, columns)


def _open_workbook(name: str, data: bytes):
    return open_workbook(name, data)


def _read_sheet(wb, index: int, layouts, ref, size: int, saved, columns_map, context: str = "") -> RawSheet:
    """The whole sheet for small files; for large ones only the columns a recognised layout needs
    (found on the sheet's first rows), plus the personal ones for the row fingerprint, never returned."""
    if size <= SMALL_FILE:
        return _framed(wb.load(index, None, fingerprint=None))
    head = _framed(wb.peek(index, 80))
    overrides = _overrides(head, layouts, ref, saved, columns_map, None)
    tables, _ = find_tables(head, overrides[0] if overrides else layouts, ref, overrides[1] if overrides else None,
                            context)
    if not tables:
        return _framed(wb.load(index, None, fingerprint=None))
    cols, fp, seq = set(), set(), set()
    for t in tables:
        cols |= set(t.mapping.read_columns(need_key=not t.mapping.has("户编号")))
        fp |= {c.col for c in t.mapping.personal} | {c.col for c in t.mapping.claims if c.field.type != "seq" and c.col >= 0}
        seq |= {c.col for c in t.mapping.claims if c.field.type == "seq"}
    head_cols = set(head.columns)
    cols |= {c for c in head_cols if c < min(cols, default=0)}   # label columns on the left (合计 in 序号)
    return _framed(wb.load(index, sorted(cols), fingerprint=sorted((fp | cols) - seq)))


def _framed(sheet: RawSheet) -> RawSheet:
    """Frame columns named by their sheet column index, so claims address them directly."""
    sheet.frame.columns = list(sheet.columns)
    return sheet


def _overrides(sheet: RawSheet, layouts: list[Layout], ref: Reference, saved, columns_map, kind):
    """A saved or given clerk's mapping that fits this sheet: (layouts to try, {layout: {header: field}})."""
    if columns_map:
        return layouts, {lay.name: columns_map for lay in layouts}
    found = saved_mappings.match(sheet, saved, ref)
    if found is None or (kind and found["layout"] not in {lay.name for lay in ref.for_kind(kind)}):
        return None
    lay = ref.layout(found["layout"])
    return [lay], {lay.name: found["fields"]}


def _region_warning(file: str, sheet: RawSheet, reg: Region) -> Problem:
    a, b = sheet.sheet_row(reg.first), sheet.sheet_row(reg.last)
    return Problem(f"第{a}–{b}行像是另一张表格（“{reg.text}”），但未能识别，这些行没有载入", file=file, sheet=sheet.name,
                   row=a, level="warning", hint="如需载入，请把它放到单独的工作表或文件中，或在上传页面指定各列的含义")


def _no_table(name: str, sheets: list[RawSheet], layouts, ref: Reference) -> list[Problem]:
    if all(s.frame.empty or not s.frame.notna().to_numpy().any() for s in sheets):
        return [Problem("文件中没有任何数据（隐藏的工作表不读取）", file=name)]
    problems = []
    for s in sheets:
        near = near_misses(s, layouts, ref)
        if near:
            m, _ = near[0]
            row = s.sheet_row(m.header_rows[0])
            got = "、".join(dict.fromkeys(c.field.name for c in m.claims if c.field.type != "seq"))
            problems.append(Problem(f"表头像是“{m.layout.label}”（认出：{got}），但缺少：{'、'.join(m.missing())}", file=name,
                                    sheet=s.name, row=row, hint=f"{m.layout.label}应有的表头：{m.layout.expected()}。"
                                    "如表头写法不同，可在上传页面指定各列的含义，或用 --kind 和 --map 列名=字段 载入"))
    if not problems:
        kinds = "、".join(dict.fromkeys(lay.label for lay in layouts))
        problems.append(Problem("没有找到可识别的表头", file=name,
                                hint=f"可识别的报表：{kinds}（各自的表头见 docs/formats.md）；也可在上传页面选择报表类型、指定各列的含义"))
    return problems


# ------------------------------------------------------------------------------------ a table
@dataclass
class Extracted:
    """A table's detail rows, typed, one column per claim (``金额@城市低保``, ``完成数#ytd:None:4``), checked."""

    table: Table
    frame: pd.DataFrame
    rows: pd.Series                 # 1-based sheet row of each detail row
    skipped: list[str]              # totals, subtotals, 其中, notes, footers: one line each
    account: dict
    raw: pd.DataFrame               # the text cells of the body rows (for messages)
    fingerprint: pd.Series | None


def extract_table(t: Table, file: str, ref: Reference | None = None) -> Extracted:
    """Classify, normalize and validate one table's rows; raises :class:`LoadError` with every problem."""
    ref = ref or reference()
    sheet, lay, rules = t.sheet, t.layout, ref.rules
    problems = conflicts(t, file)
    region = sheet.frame.iloc[t.start:t.end]
    filled = region.notna().to_numpy().any(axis=1)
    rows = region if filled.all() else region[filled]      # (copying a million rows only when there are blanks)
    account = {"read": len(rows)}
    marks = classify_notes(rows, ref)
    marks |= _section_rows(t, rows.drop(index=list(marks)) if marks else rows)
    body = rows.drop(index=list(marks)) if marks else rows
    part_words = frozenset(norm_text(w) for w in ref.rules.part_words)
    classes = classify(t, body, rules, part_words)
    body = _fill_merged_townships(t, body, classes)
    typed, more = normalize(t, body, file, classes.total + classes.subtotal + classes.part)
    problems += more
    not_detail = set(classes.total) | set(classes.subtotal) | set(classes.part)
    detail = body.index[~body.index.isin(list(not_detail))]
    typed = _carry_household_fields(t, typed, detail)
    excluded = {}
    for c in t.mapping.claims:      # rows whose value is not in the field's vocabulary, when the field says so
        if c.field.unknown == "exclude" and c.name in typed:
            odd = detail[(typed.loc[detail, c.name] == UNKNOWN).to_numpy()]
            if len(odd):
                names = "、".join(dict.fromkeys(str(v) for v in body.loc[odd, c.col].dropna()))[:200]
                excluded[f"不是{lay.label}的{c.field.name}（{names}；见 vocab/{c.field.vocab}.csv）"] = odd
                detail = detail.difference(odd)
    for name, reason in lay.exclude_empty.items():
        for c in t.mapping.claimed(name):
            empty = detail[typed.loc[detail, c.name].isna().to_numpy()]
            if len(empty):
                excluded[reason] = empty
                detail = detail.difference(empty)
    if excluded and len(detail) == 0 and not problems:
        reason = next(iter(excluded))
        raise LoadError(Problem(f"表中没有可载入的行：每一行都是{reason}", file=file, sheet=sheet.name,
                                row=sheet.sheet_row(t.header_rows[0]), hint=f"请确认这是{lay.label}"))
    problems += required_cells(t, typed, detail, file, set(lay.exclude_empty))
    fp = getattr(sheet, "fingerprint", None)
    fp = fp if fp is not None else _fingerprint(body, t)
    problems += identical_rows(t, fp, detail, file)
    total_problems, orphans = check_totals(t, typed, classes, detail, rules, file, body)
    problems += total_problems
    if lay.keep_totals and classes.total:    # 全县 / 合计 rows are the county's own reported figures
        detail = detail.union(pd.Index(classes.total))
        classes.total = []
    if orphans and lay.county_level:       # 全县 rows of a county-level table are its data
        classes.total = [i for i in classes.total if i not in orphans]
        detail = detail.union(pd.Index(orphans))
    elif orphans:
        for i in orphans:
            problems.append(Problem("合计行没有可对应的明细行", file=file, sheet=sheet.name, row=sheet.sheet_row(i),
                                    hint="请删除该合计行，或补上明细"))
    if problems:
        raise LoadError(problems)
    account |= {"totals": len(classes.total), "subtotals": len(classes.subtotal), "parts": len(classes.part),
                "notes": sum(v == "note" for v in marks.values()), "footers": sum(v == "footer" for v in marks.values()),
                "sections": sum(v == "section" for v in marks.values()),
                "excluded": {reason: len(idx) for reason, idx in excluded.items()}}
    for reason, idx in excluded.items():
        key = next((c.name for c in t.mapping.claimed("户编号")), None)
        households = f"，{typed.loc[idx, key].nunique():,}户" if key and lay.person_level else ""
        account.setdefault("excluded_notes", []).append(
            f"工作表“{sheet.name}”：{len(idx):,}行{households}是{reason}，未计入")
    skipped = [f"第{sheet.sheet_row(i)}行（合计行，已与明细核对一致）" for i in classes.total]
    skipped += [f"第{sheet.sheet_row(i)}行（小计行，已核对）" for i in classes.subtotal]
    skipped += [f"第{sheet.sheet_row(i)}行（“其中”分项行，未计入）" for i in classes.part]
    word = {"note": "注释", "footer": "落款", "section": "分组标题"}
    skipped += [f"第{sheet.sheet_row(i)}行（{word[v]}行）" for i, v in sorted(marks.items())]
    if len(detail) != len(typed):
        typed = typed.loc[detail]
    sheet_rows = pd.Series(detail.to_numpy() + sheet.first_row, index=detail)
    return Extracted(t, typed, sheet_rows, skipped, account, body, fp)


_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+)")


def _section_rows(t: Table, body: pd.DataFrame) -> dict:
    """Rows that only name a group of the rows below (``一、监测预警`` alone in its row): a heading, not data."""
    if body.empty:
        return {}
    counts = body.notna().sum(axis=1)
    out = {}
    for i in body.index[(counts == 1).to_numpy()]:
        text = str(body.loc[i].dropna().iloc[0]).strip()
        if _NUMBERED.match(text) and not re.fullmatch(r"[\d.,%\-+ ]+", text):
            out[i] = "section"
    return out


def _carry_household_fields(t: Table, typed: pd.DataFrame, detail: pd.Index) -> pd.DataFrame:
    """Person rows whose household fields are written on one member's row only (the head's, or a merged cell):
    the other members of the same 户编号 take them."""
    lay = t.layout
    keys = t.mapping.claimed(lay.household_key) if lay.household_key else []
    cols = [c.name for c in t.mapping.claims if c.field.name in lay.household_fields and c.name in typed.columns]
    if not keys or not cols:
        return typed
    import numpy as np

    part = typed.loc[detail, cols]
    gaps = part.isna().to_numpy()
    if not gaps.any():
        return typed
    key = typed.loc[detail, keys[0].name]
    same = (key == key.shift()).fillna(False).to_numpy(dtype=bool)      # a member right under another of its household
    if not (same[:, None] & (gaps != np.roll(gaps, 1, axis=0))).any():
        return typed        # no member differs from the one above in having a value: nothing written once per household
    codes = pd.factorize(key)[0]
    sizes = np.bincount(codes[codes >= 0])
    mixed = np.zeros(len(sizes), dtype=bool)      # households where some members have the value and some not
    for j in range(len(cols)):
        filled = np.bincount(codes[codes >= 0], weights=~gaps[codes >= 0, j], minlength=len(sizes))
        mixed |= (filled > 0) & (filled < sizes)
    if not mixed.any():
        return typed                               # (a field empty for a whole household stays empty)
    rows = (codes >= 0) & mixed[np.maximum(codes, 0)]
    sub = part[rows]
    filled = sub.groupby(codes[rows], sort=False).transform("first")
    typed = typed.copy()
    for c in cols:
        take = sub.index[sub[c].isna().to_numpy() & filled[c].notna().to_numpy()]
        if len(take):
            typed.loc[take, c] = filled.loc[take, c]
    return typed


def _fill_merged_townships(t: Table, body: pd.DataFrame, classes) -> pd.DataFrame:
    """Village rows under a township written once (a merged cell): the township carries down to them."""
    town, village = t.mapping.claimed("乡镇"), t.mapping.claimed("行政村")
    if not town or not village or town[0].col not in body.columns or village[0].col not in body.columns:
        return body
    tc, vc = town[0].col, village[0].col
    gaps = body[tc].isna() & body[vc].notna() & ~body.index.isin(classes.total)
    if not gaps.any():
        return body
    body = body.copy()
    filled = body[tc].where(~body.index.isin(classes.total)).ffill()
    body.loc[gaps, tc] = filled[gaps]
    return body


def _plan_table(t: Table, file: str, forced: str | None, today: date, settings: Settings, ref: Reference,
                notes: list[str], column_notes: list[str]) -> list[SheetPlan]:
    ex = extract_table(t, file, ref)
    lay, sheet = t.layout, t.sheet
    carry = pd.DataFrame({"_row": ex.rows}, index=ex.frame.index)
    carry["_fp"] = ex.fingerprint.reindex(ex.frame.index).to_numpy() if ex.fingerprint is not None else None
    title_period = _title_period(t, file)
    out = []
    for tag, part, claims in split_periods(ex.frame, t.mapping):
        frame = long_frame(part, claims, t.mapping, carry)
        for code, rows_of in _periods_of(frame, tag, t, title_period, forced, file):
            code = _fit_period(code, lay, file, sheet.name)
            planned = lay.periods == "library" and periods.kind_of(code) == "year" and int(code) <= today.year + 1
            if periods.end_date(code) > today and not planned:      # (next year's project library is planned now)
                raise LoadError(Problem(f"统计期{periods.label(code)}尚未结束，是未来日期", file=file, sheet=sheet.name,
                                        value=code))
            end = periods.end_date(code) if lay.periods != "library" else today
            future = future_dates(t, ex.frame, rows_of.index.unique().intersection(ex.frame.index), end, file, ex.raw)
            if future:
                raise LoadError(future)
            out += _build(t, rows_of, code, file, settings, ex.account, ex.skipped, notes)
    _report_columns(t, column_notes, file)
    return out


def _fingerprint(body: pd.DataFrame, t: Table) -> pd.Series:
    """Each row's hash over its cells, 序号 aside (what "identical in every cell" is judged by)."""
    from pandas.util import hash_pandas_object

    seq = {c.col for c in t.mapping.claims if c.field.type == "seq"}
    cols = [c for c in body.columns if c not in seq]
    return hash_pandas_object(body[cols].astype("string"), index=False)


def _build(t: Table, frame: pd.DataFrame, code: str, file: str, settings: Settings, account: dict,
           skipped: list[str], notes: list[str]) -> list[SheetPlan]:
    lay = t.layout
    if frame.empty:
        raise LoadError(Problem(f"{lay.label}只有表头，没有数据行", file=file, sheet=t.sheet.name,
                                row=t.sheet.sheet_row(t.header_rows[0]), hint="请填写数据后再载入"))
    ctx = Context(file, t.sheet.name, code, settings, t)
    facts = module_for(lay).build(frame, ctx)
    if lay.county_level and "township" in facts:
        words = reference().rules.county_level_words
        county_row = facts["township"].map(lambda v: isinstance(v, str) and norm_text(v) in words, na_action="ignore")
        facts.loc[county_row.fillna(False).astype(bool), "township"] = None
    report = {k: v for k, v in account.items() if k != "excluded_notes"}
    report["excluded"] = dict(account.get("excluded", {})) | dict(ctx.excluded)
    report["loaded"] = report["read"] - sum(report.get(k, 0) for k in ACCOUNTED) \
        - sum(report["excluded"].values())
    report["facts"] = len(facts)
    report["layout"] = lay.name
    report["header"] = t.header_row_numbers()
    report["unused"] = [c.text for c in t.mapping.unused]
    report["personal"] = [c.text for c in t.mapping.personal]
    report["comparison"] = [c.text for c in t.mapping.comparison]
    skipped = skipped + [f"{reason}：{n:,}行" for reason, n in report["excluded"].items()]
    counties = sorted({str(v) for v in frame["县"].dropna().unique()}) if "县" in frame else []
    listed = ([str(v) for v in frame["乡镇"].dropna().unique()] + ([None] if frame["乡镇"].isna().any() else [])
              if "乡镇" in frame else [])
    plans = [SheetPlan(ctx.kind or lay.kind, ctx.label or lay.label, t.sheet.name, code, facts, report["read"], skipped,
                       ctx.warnings, report=report, extra=ctx.extra, layout=lay.name, header=t.mapping.columns,
                       counties=counties, listed=listed)]
    for extra_plan in ctx.also:       # its rows are its own: the first batch keeps the table's other rows
        own = int(extra_plan.facts["src_row"].nunique())
        extra_plan.report = {"read": own, "loaded": own, "excluded": {}, "facts": len(extra_plan.facts),
                             "layout": lay.name, "header": report["header"], "of_table": report["read"]}
        extra_plan.rows_read, extra_plan.skipped = own, []
        report["read"] -= own
        report["loaded"] -= own
        plans[0].rows_read = report["read"]
        plans.append(extra_plan)
    notes += [n for n in account.get("excluded_notes", []) if n not in notes] + ctx.notes
    plans = [p for p in plans if len(p.facts)]
    if not plans:        # a blank form must never supersede the figures loaded before
        raise LoadError(Problem(f"{lay.label}（{periods.label(code)}）没有任何数值，不能载入", file=file, sheet=t.sheet.name,
                                row=t.sheet.sheet_row(t.header_rows[0]),
                                hint="请填写数值后再载入；如要删除已载入的数据，请在“载入历史”中撤销该批次"))
    return plans


def _report_columns(t: Table, notes: list[str], file: str) -> None:
    m, where = t.mapping, f"工作表“{t.sheet.name}”"
    if m.unused:
        names = "、".join(c.text for c in m.unused[:40]) + ("……" if len(m.unused) > 40 else "")
        notes.append(f"{where}：未使用的列{len(m.unused)}个（不读取）：{names}")
    if m.personal:
        notes.append(f"{where}：个人信息列{len(m.personal)}个（不读取、不保存、不显示）：{'、'.join(c.text for c in m.personal)}")
    if m.comparison:
        notes.append(f"{where}：对比列{len(m.comparison)}个（上年同期等，不载入）：{'、'.join(c.text for c in m.comparison)}")
    if t.column_number_row is not None:
        notes.append(f"{where}：第{t.sheet.sheet_row(t.column_number_row)}行是栏次行（甲、乙、1、2……），不是数据")


# -------------------------------------------------------------------------------------- periods
_PERIOD_META = ("数据截至", "数据截止", "截至日期", "统计时间", "统计日期", "统计期", "所属期", "报告期")


def _title_period(t: Table, file: str) -> tuple[str, str] | None:
    """The period the titles state (a 数据截至 / 统计时间 line too; never a 填报日期 line)."""
    meta = [v for k, v in t.meta.items() if any(norm_text(k).startswith(norm_text(w)) for w in _PERIOD_META)]
    titles = [line for line in t.top_lines if not (":" in line or "：" in line) or
              any(norm_text(line).startswith(norm_text(w)) for w in _PERIOD_META)]
    for line in [*titles, *meta]:
        found = periods.find_period(line)
        if found:
            return found
    return periods.find_period(Path(file).stem)


def _periods_of(frame: pd.DataFrame, tag, t: Table, title, forced: str | None, file: str):
    """(period code, rows) for the rows of one header period: the tag's, the 统计期 column's, the title's."""
    sheet = t.sheet
    if forced:
        yield forced, frame
        return
    if tag is not None:
        year = _year_context(title, file)
        if tag[1] is None and year is None:
            raise LoadError(Problem(f"表头中的统计期“{periods.tag_text(tag)}”没有年份，标题和文件名中也没有", file=file,
                                    sheet=sheet.name, hint="请在标题中写明年份，如“2023年1-4月”"))
        code = periods.tag_code(tag, year)
        _check_tag(tag, code, t, title, file)
        yield code, frame
        return
    if "统计期" in frame.columns and frame["统计期"].notna().any():
        year = _year_context(title, file)
        codes = frame["统计期"].map(lambda v: _period_cell(v, year), na_action="ignore")
        bad = frame.index[frame["统计期"].notna() & codes.isna()]
        if len(bad):
            i = bad[0]
            c = t.mapping.claimed("统计期")[0]
            raise LoadError(Problem("不是可识别的统计期（如 2022、2022年度、2023年上半年）", file=file, sheet=sheet.name,
                                    row=int(frame.at[i, "_row"]) if not isinstance(frame.at[i, "_row"], pd.Series) else None,
                                    column=c.column.text, col=c.col, value=str(frame.at[i, "统计期"])))
        missing = frame["统计期"].isna()
        if missing.any() and title is None:
            raise LoadError(Problem("部分行的统计期为空，标题和文件名中也没有统计期", file=file, sheet=sheet.name,
                                    row=int(frame.loc[missing, "_row"].iloc[0])))
        codes = codes.where(~missing, title[0] if title else None)
        for code in dict.fromkeys(codes):
            yield code, frame[(codes == code).to_numpy()]
        return
    if title is None:
        raise LoadError(Problem("无法确定统计期：标题行、表头、统计期列和文件名中都没有找到", file=file, sheet=sheet.name,
                                hint="请在标题中写明（如“2023年1-4月”“截至2023年6月”“2022年度”），或载入时用 --period 指定"))
    yield title[0], frame


def _period_cell(text: str, year: int | None = None) -> str | None:
    """A period column's cell: ``2022``, ``2022年度``, ``2023年上半年``, ``2023-04``, ``2023年1-4月``, or a month
    of the title's year (``4月``, ``1-4月``)."""
    t = re.sub(r"\s+", "", str(text))
    m = re.fullmatch(r"(?:1[-—~至])?(\d{1,2})月(?:份)?(?:累计)?", t)
    if m and year and 1 <= int(m.group(1)) <= 12:
        return f"{year}-{int(m.group(1)):02d}"
    try:
        return periods.parse_period_arg(t if "年" in t or not t.isdigit() else f"{t}年")
    except ValueError:
        return None


def _year_context(title, file: str) -> int | None:
    if title:
        return int(title[0][:4])
    m = re.search(r"(20\d{2})", Path(file).stem)
    return int(m.group(1)) if m else None


def _check_tag(tag, code: str, t: Table, title, file: str) -> None:
    """A header's period must agree with the title's (one period) or be among them (several)."""
    if not title or title[1] not in ("ytd", "upto", "month"):
        return
    tags = list(dict.fromkeys(c.period for c in t.mapping.claims if c.period is not None))
    year = _year_context(title, file)
    codes = {periods.end_month(periods.tag_code(x, year)) for x in tags}
    want = periods.end_month(title[0])
    if want in codes:
        return
    if len(tags) == 1 or want > max(codes):
        c = next(c for c in t.mapping.claims if c.period == tag)
        raise LoadError(Problem(f"表头“{c.column.text}”（{c.column.cell}）的统计期是{periods.label(code, ytd=True)}，"
                                f"与标题中的{periods.label(title[0], ytd=True)}不一致", file=file, sheet=t.sheet.name,
                                hint="请核对标题或表头的月份"))


def _fit_period(code: str, lay: Layout, file: str, sheet: str) -> str:
    k = periods.kind_of(code)
    if lay.periods == "library":
        return code if k in ("year", "month") else periods.end_month(code)
    if lay.periods == "month":
        return periods.end_month(code)
    if lay.periods == "any":         # as reported: a year, a half-year, a quarter or a month
        return code
    if k == "month":  # income: 1-12月 → year, 1-6月 → first half, 1-3/1-9月 → quarter
        m = int(code[5:])
        if m == 12:
            return code[:4]
        if m == 6:
            return f"{code[:4]}H1"
        if m in (3, 9):
            return f"{code[:4]}Q{m // 3}"
        raise LoadError(Problem(f"收入数据的统计期应为年度、半年或季度，而不是{periods.label(code)}", file=file, sheet=sheet))
    return code


# ------------------------------------------------------------------------------- county, townships
_COUNTY_AT_START = re.compile(r"^\s*(?:[\u4e00-\u9fff]{1,8}?[省州市盟])?([\u4e00-\u9fff]{1,6}?[县旗])(?![\u4e00-\u9fff]{0,3}[村乡镇组社屯])")
_NOT_A_COUNTY = ("全县", "本县", "该县", "各县", "县级", "县直", "县域", "全旗", "本旗", "县本级")
_NOT_IN_A_NAME = ("关于", "红旗", "国旗", "党旗", "锦旗", "印发", "通知", "报告", "情况")


def _county(engine: Engine, settings: Settings, file: str, titles: list[str], plans: list[SheetPlan]) -> tuple[str, bool]:
    """The county a file belongs to, and whether it is new to this database and the reference list."""
    known = set(settings.counties()) | set(_db_counties(engine))
    column = {_county_name(c) for p in plans for c in p.counties} - {None}
    if len(column) > 1:
        raise LoadError(Problem(f"文件中有几个县的数据（{'、'.join(sorted(column))}），请每个县分开报送", file=file))
    text = " ".join(titles) + " " + Path(file).stem
    named = {c for c in known if c in text}
    if column:
        c = next(iter(column))
        if named and c not in named:
            raise LoadError(Problem(f"“县”列是{c}，标题或文件名却是{'、'.join(sorted(named))}", file=file))
        return c, c not in known
    if len(named) == 1:
        return next(iter(named)), False
    names = {str(n) for p in plans if "township" in p.facts for n in p.facts["township"].dropna().unique()}
    fits = [c for c in known if names and names <= set(_townships_of(engine, settings, c))]
    if len(fits) == 1:          # the rows' townships say whose file it is, whatever a title's other words say
        return fits[0], False
    stranger = _unknown_county_named([*titles, Path(file).stem], known)
    if stranger:
        return stranger, True
    if len(known) == 1:
        return next(iter(known)), False
    raise LoadError(Problem("无法确定数据所属的县：标题、文件名和“县”列中都没有县名，乡镇名也对不上已有的县", file=file,
                            hint="请在标题中写明县名（如“某县2023年……”）"))


def _county_name(value: str) -> str | None:
    """``云南省楚雄州南华县`` → 南华县: the county after any province / prefecture in front of it."""
    v = re.sub(r"\s+", "", str(value))
    head = re.match(r"^.*(?:省|自治区|州|盟|地区)(?=.+[县旗区市]$)", v)
    v = v[head.end():] if head else v
    return None if not v or v in _NOT_A_COUNTY else v


def _unknown_county_named(lines: list[str], known: set[str]) -> str | None:
    """A county name (…县, …旗) opening a title line or the file name that is none of the known counties."""
    for line in lines:
        m = _COUNTY_AT_START.match(line)
        name = m.group(1) if m else ""
        if len(name) >= 2 and not any(w in name for w in _NOT_A_COUNTY + _NOT_IN_A_NAME) \
                and not any(k in name or name in k for k in known):
            return name
    return None


def _db_counties(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(Township.county).distinct())]


def _db_townships(engine: Engine, county: str) -> dict[str, str]:
    with engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(select(Township.name, Township.source).where(Township.county == county))}


def _townships_of(engine: Engine, settings: Settings, county: str) -> list[str]:
    return list(dict.fromkeys(settings.townships_of(county) + list(_db_townships(engine, county))))


def _resolve_townships(engine, settings, county: str, plan: SheetPlan, file: str, new: dict[str, str],
                       new_county: bool) -> None:
    """Township names must be the county's. A county whose townships come from the reference list or a
    loaded roster refuses a name it does not have (usually a typo); a county new to the database takes its
    townships from the rows (a roster's rows make them the county's list)."""
    if "township" not in plan.facts:
        plan.facts["township"] = None
    db = _db_townships(engine, county)
    reference_list = settings.townships_of(county)
    known = list(dict.fromkeys(reference_list + list(db)))
    authority = bool(reference_list) or any(s in ("reference", "roster") for s in db.values())
    _split_township_village(plan, known if authority else [])
    names = plan.facts["township"].dropna().astype(str)
    problems = []
    for name in names.unique():
        if name in known or name in new:
            if plan.kind == "monitoring" and new.get(name) == "rows":
                new[name] = "roster"
            continue
        if not authority or new_county:
            new[name] = "roster" if plan.kind == "monitoring" else "rows"
            continue
        first = plan.facts.loc[names.index[names == name][0], "src_row"]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
        problems.append(Problem(f"“{name}”不是{county}的乡镇", file=file, sheet=plan.sheet, row=int(first), column="乡镇",
                                value=name, hint=(f"是否应为“{close[0]}”？" if close else "")
                                + f"{county}的乡镇：{'、'.join(known)}"))
    if problems:
        raise LoadError(problems)
    present = names.unique()
    listed = set(plan.listed) if plan.listed else set(present)       # a township listed without numbers counts too
    count = len(set(known) | set(new))
    whole = plan.facts["township"].notna().all() and None not in listed
    plan.scope = str(present[0]) if len(present) == 1 and listed == {str(present[0])} and whole and count > 1 else COUNTY_WIDE


def _split_township_village(plan: SheetPlan, known: list[str]) -> None:
    """A place written as township and village in one cell (``雨露白族乡万家坝村``): the known township at
    its start, the rest its village (when the row has no village of its own)."""
    facts = plan.facts
    names = facts["township"].dropna().astype(str)
    for name in names.unique():
        if name in known:
            continue
        head = max((k for k in known if name.startswith(k) and len(name) > len(k)), key=len, default=None)
        if head is None:
            continue
        rows = names.index[names == name]
        facts.loc[rows, "township"] = head
        if "village" in facts:
            empty = facts.loc[rows, "village"].isna()
            facts.loc[rows[empty.to_numpy()], "village"] = name[len(head):]


def _no_duplicate_sheets(plans: list[SheetPlan], file: str) -> None:
    seen = {}
    for p in plans:
        key = (p.kind, p.period, p.scope)
        if key in seen:
            raise LoadError(Problem(f"工作表“{seen[key]}”和“{p.sheet}”是同一类数据（{p.label}，{periods.label(p.period)}，{p.scope}）",
                                    file=file, sheet=p.sheet, hint="请合并为一个工作表，或分成两个文件分别载入"))
        seen[key] = p.sheet


# ------------------------------------------------------------------------------------ loading
def load_file(engine: Engine, path: Path, kind: str | None = None, period: str | None = None,
              progress: Progress | None = None, data: bytes | None = None,
              columns_map: dict[str, str] | None = None, allow: Callable[[FilePlan], None] | None = None) -> FileResult:
    """Load one file; never raises for bad input: the result says what happened. ``allow`` sees the checked
    plan before anything is written and raises when whoever loads may not (its exception is not caught)."""
    path = Path(path)
    try:
        data = path.read_bytes() if data is None else data
    except OSError as exc:
        return FileResult(path.name, "failed", problems=[Problem(f"无法打开文件：{exc.strerror}", file=path.name)])
    digest = sha256_of(data)
    try:
        same = _active_with_sha(engine, digest)
        unchanged = FileResult(path.name, "unchanged", f"与已载入的批次 #{'、#'.join(map(str, same))} 完全相同，未作改动")
        if same and not (kind or period or columns_map):
            return unchanged
        plan = plan_file(engine, path, data, kind, period, columns_map=columns_map)
        if allow:
            allow(plan)
        if same and {(p.kind, p.period, p.scope) for p in plan.sheets} == _batch_keys(engine, same):
            return unchanged
        batches = write_plan(engine, plan, progress)
    except Unchanged:
        return FileResult(path.name, "unchanged", "与刚刚载入的批次完全相同（另一个载入同时进行），未作改动")
    except LoadError as exc:
        return FileResult(path.name, "failed", exc.text(), problems=exc.problems)
    except SQLAlchemyError as exc:
        p = database_problem(exc, path.name)
        return FileResult(path.name, "failed", p.text(), problems=[p])
    msg = "；".join(f"{b['label']}（{periods.kind_label(b['kind'], b['period'])}，{b['scope']}）" for b in batches)
    if plan.skipped_sheets:
        msg += f"；未识别或隐藏的工作表已跳过：{'、'.join(plan.skipped_sheets)}"
    return FileResult(path.name, "loaded", msg, batches, plan.warnings, skipped_sheets=plan.skipped_sheets,
                      notes=plan.notes + plan.column_notes, plan=plan)


def _active_with_sha(engine: Engine, digest: str) -> list[int]:
    """The batches of these bytes when every batch ever made from them is still active (else none: loading the
    file again restores what a later file superseded or a clerk undid)."""
    b = LoadBatch.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(b.c.id, b.c.status).where(b.c.sha256 == digest)).all()
    return [r.id for r in rows] if rows and all(r.status == BATCH_ACTIVE for r in rows) else []


def _batch_keys(engine: Engine, ids: list[int]) -> set[tuple[str, str, str]]:
    b = LoadBatch.__table__
    with engine.connect() as conn:
        return {tuple(r) for r in conn.execute(select(b.c.kind, b.c.period, b.c.scope).where(b.c.id.in_(ids)))}


def list_batches(engine: Engine) -> pd.DataFrame:
    b = LoadBatch.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(b).order_by(b.c.id)).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in b.columns])


__all__ = ["Context", "FilePlan", "FileResult", "SheetPlan", "guess_header", "kind_label", "list_batches",
           "load_file", "plan_file", "sha256_of"]


def tables_in(path: Path, data: bytes | None = None, kind: str | None = None) -> list[Table]:
    """The recognised tables of every visible sheet of a file (for tests and previews)."""
    path = Path(path)
    data = path.read_bytes() if data is None else data
    ref = reference()
    out = []
    with _open_workbook(path.name, data) as wb:
        for info in wb.sheets:
            if not info.hidden:
                out += find_tables(_framed(wb.load(info.index)), ref.for_kind(kind), ref, context=path.stem)[0]
    return out


def extract_file(path: Path, kind: str | None = None, index: int = 0, data: bytes | None = None) -> Extracted:
    """The ``index``-th table of a file, extracted (read → find → map → normalize → validate)."""
    tables = tables_in(path, data, kind)
    if len(tables) <= index:
        raise LoadError(Problem("没有找到可识别的表格", file=Path(path).name))
    return extract_table(tables[index], Path(path).name)
