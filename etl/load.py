"""Load files: read → detect → extract → build → validate, then one transaction per file.

Nothing is written until the whole file has been parsed and checked, so a bad file leaves the
database as it was. An identical file (same sha256, still active) changes nothing. A corrected
file for the same kind, period and township scope supersedes the earlier batch, kept for history.
"""
from __future__ import annotations

import difflib
import re
import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from etl import parse
from etl.errors import LoadError, Problem
from etl.read import read_file
from etl.sources import module_of, specs_for
from etl.store import COUNTY_WIDE, Progress, write_plan
from etl.table import detect, extract, near_miss
from rural import periods
from rural.db import BATCH_ACTIVE, LoadBatch, Township
from rural.settings import Settings, get_settings



@dataclass
class Context:
    file: str
    sheet: str
    period: str
    settings: Settings
    warnings: list[Problem] = field(default_factory=list)


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


@dataclass
class FilePlan:
    file: str
    sha256: str
    county: str
    sheets: list[SheetPlan]
    skipped_sheets: list[str]

    @property
    def warnings(self) -> list[Problem]:
        return [w for s in self.sheets for w in s.warnings]


@dataclass
class FileResult:
    file: str
    status: str                 # loaded | unchanged | failed
    message: str = ""
    batches: list[dict] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------- planning
def plan_file(engine: Engine, path: Path, data: bytes | None = None, kind: str | None = None,
              period: str | None = None, today: date | None = None) -> FilePlan:
    """Parse and check a file completely; raises :class:`LoadError`. Reads the database, writes nothing."""
    path = Path(path)
    data = path.read_bytes() if data is None else data
    settings = get_settings()
    try:
        specs = specs_for(kind)
    except KeyError as exc:
        raise LoadError(Problem(str(exc.args[0]), file=path.name)) from None
    forced = None
    if period:
        try:
            forced = parse.parse_period_arg(period)
        except ValueError as exc:
            raise LoadError(Problem(str(exc), file=path.name)) from None
    sheets = read_file(path, data)
    plans, skipped, titles = [], [], []
    for sheet in sheets:
        m = detect(sheet, specs)
        if m is None:
            if sheet.frame.notna().sum().sum() > 0:
                skipped.append(sheet.name)
            continue
        titles += m.top_lines()
        p = _period_for(m, path.name, forced, today or date.today())
        ex = extract(m, path.name, periods.end_date(p))
        if ex.frame.empty:
            raise LoadError(Problem(f"{m.spec.label}只有表头，没有数据行", file=path.name, sheet=sheet.name,
                                    hint="请填写数据后再载入"))
        ctx = Context(path.name, sheet.name, p, settings, list(ex.warnings))
        facts = module_of(m.spec).build(ex, ctx)
        plans.append(SheetPlan(m.spec.kind, m.spec.label, sheet.name, p, facts, ex.rows_read, ex.skipped, ctx.warnings))
    if not plans:
        raise LoadError(_no_table(path.name, sheets, specs))
    county = _county(engine, settings, path.name, titles, plans)
    for p in plans:
        _resolve_townships(engine, settings, county, p, path.name)
    _no_duplicate_sheets(plans, path.name)
    return FilePlan(path.name, sha256_of(data), county, plans, skipped)


def _no_table(name: str, sheets, specs) -> list[Problem]:
    if all(s.frame.empty or s.frame.notna().sum().sum() == 0 for s in sheets):
        return [Problem("文件中没有任何数据", file=name)]
    problems = []
    for s in sheets:
        near = near_miss(s, specs)
        if near:
            m, missing = near
            row = s.sheet_row(m.header_rows[0])
            problems.append(Problem(f"表头不完整，缺少：{'、'.join(missing)}", file=name, sheet=s.name, row=row,
                                    hint=f"{m.spec.label}应有的表头：{m.spec.expected()}"))
    if not problems:
        kinds = "；".join(f"{sp.label}（{sp.expected()}）" for sp in specs[:8])
        problems.append(Problem("没有找到可识别的表头", file=name, hint=f"可识别的表格：{kinds}"))
    return problems


def _period_for(m, file: str, forced: str | None, today: date) -> str:
    spec = m.spec
    found = None
    if forced:
        found = (forced, "given")
    elif "统计期" in {f.name for f in m.fields}:
        pos = next(f.pos for f in m.fields if f.name == "统计期")
        values = m.sheet.frame.iloc[m.data_start:][pos].dropna().map(parse.clean)
        values = values[~values.isin({"合计", "总计"})].unique()
        if len(values) > 1:
            raise LoadError(Problem(f"同一工作表含有多个统计期（{'、'.join(values[:5])}），请每个统计期分开报送", file=file,
                                    sheet=m.sheet.name))
        if len(values) == 1:
            found = parse.find_period(str(values[0]) if "年" in str(values[0]) else f"{values[0]}年")
    if found is None:
        for line in m.top_lines():
            found = parse.find_period(line)
            if found:
                break
    if found is None:
        found = parse.find_period(Path(file).stem)
    if found is None:
        raise LoadError(Problem("无法确定统计期：标题行、统计期列和文件名中都没有找到", file=file, sheet=m.sheet.name,
                                hint="请在标题中写明（如“2023年1-4月”“截至2023年6月”“2022年度”），或载入时用 --period 指定"))
    code, form = found
    code = _fit_period(code, form, spec.periods, file, m.sheet.name)
    if periods.end_date(code) > today:
        raise LoadError(Problem(f"统计期{periods.label(code)}尚未结束，是未来日期", file=file, sheet=m.sheet.name, value=code))
    return code


def _fit_period(code: str, form: str, wanted: str, file: str, sheet: str) -> str:
    k = periods.kind_of(code)
    if wanted == "month":
        return periods.end_month(code)
    if k == "month":  # income: 1-12月 → year, 1-6月 → first half, 1-3/1-9月 → quarter
        m = int(code[5:])
        if m == 12:
            return code[:4]
        if m == 6:
            return f"{code[:4]}H1"
        if m in (3, 9) and form == "ytd":
            return f"{code[:4]}Q{m // 3}"
        raise LoadError(Problem(f"收入数据的统计期应为年度、半年或季度，而不是{periods.label(code)}", file=file, sheet=sheet))
    return code


def _county(engine: Engine, settings: Settings, file: str, titles: list[str], plans: list[SheetPlan]) -> str:
    known = set(settings.counties()) | set(_db_counties(engine))
    text = " ".join(titles) + " " + file
    named = [c for c in known if c in text]
    if len(named) == 1:
        return named[0]
    stranger = _unknown_county_named([*titles, Path(file).stem], known)
    if stranger:
        raise LoadError(Problem(f"标题或文件名中的“{stranger}”不在已登记的县中（已登记：{'、'.join(sorted(known)) or '无'}）",
                                file=file, hint="如确是另一个县的数据，请先在 data/reference/townships.csv 中登记该县及其乡镇"))
    names = {str(n) for p in plans if "township" in p.facts for n in p.facts["township"].dropna().unique()}
    fits = [c for c in known if names and names <= set(_townships_of(engine, settings, c))]
    if len(fits) == 1:
        return fits[0]
    if len(known) == 1:
        return next(iter(known))
    raise LoadError(Problem("无法确定数据所属的县：标题和文件名中没有县名，乡镇名也对不上参考名单", file=file,
                            hint="请在标题中写明县名，或在 data/reference/townships.csv 中登记该县的乡镇"))


_COUNTY_AT_START = re.compile(r"^\s*(?:[\u4e00-\u9fff]{1,8}?[省州市盟])?([\u4e00-\u9fff]{1,6}?[县旗])")
_NOT_A_COUNTY = ("全县", "本县", "该县", "各县", "县级", "县直", "县域", "全旗", "本旗")


def _unknown_county_named(lines: list[str], known: set[str]) -> str | None:
    """A county name (…县, …旗) opening a title line or the file name that is none of the known counties."""
    for line in lines:
        m = _COUNTY_AT_START.match(line)
        if m and m.group(1) not in _NOT_A_COUNTY and not any(k in m.group(1) or m.group(1) in k for k in known):
            return m.group(1)
    return None


def _db_counties(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(Township.county).distinct())]


def _townships_of(engine: Engine, settings: Settings, county: str) -> list[str]:
    with engine.connect() as conn:
        db = [r[0] for r in conn.execute(select(Township.name).where(Township.county == county))]
    return list(dict.fromkeys(settings.townships_of(county) + db))


def _resolve_townships(engine, settings, county: str, plan: SheetPlan, file: str) -> None:
    """Township names must be the county's; a name it does not have is an error (usually a typo)."""
    if "township" not in plan.facts:
        plan.facts["township"] = None
    known = _townships_of(engine, settings, county)
    names = plan.facts["township"].dropna().astype(str)
    problems = []
    for name in names.unique():
        if name not in known:
            first = plan.facts.loc[names.index[names == name][0], "src_row"]
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            problems.append(Problem(f"“{name}”不是{county}的乡镇", file=file, sheet=plan.sheet, row=int(first), column="乡镇",
                                    value=name, hint=(f"是否应为“{close[0]}”？" if close else "")
                                    + f"{county}的乡镇：{'、'.join(known)}"))
    if problems:
        raise LoadError(problems)
    present = names.unique()
    plan.scope = str(present[0]) if len(present) == 1 and plan.facts["township"].notna().all() and len(known) > 1 else COUNTY_WIDE


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
              progress: Progress | None = None, data: bytes | None = None) -> FileResult:
    """Load one file; never raises for bad input: the result says what happened."""
    path = Path(path)
    try:
        data = path.read_bytes() if data is None else data
    except OSError as exc:
        return FileResult(path.name, "failed", problems=[Problem(f"无法打开文件：{exc.strerror}", file=path.name)])
    digest = sha256_of(data)
    same = _active_with_sha(engine, digest)
    unchanged = FileResult(path.name, "unchanged", f"与已载入的批次 #{'、#'.join(map(str, same))} 完全相同，未作改动")
    if same and not (kind or period):
        return unchanged
    try:
        plan = plan_file(engine, path, data, kind, period)
        # with --kind / --period the same bytes may be asked for as something else: unchanged only if it is the same
        if same and {(p.kind, p.period, p.scope) for p in plan.sheets} == _batch_keys(engine, same):
            return unchanged
        batches = write_plan(engine, plan, progress)
    except LoadError as exc:
        return FileResult(path.name, "failed", exc.text(), problems=exc.problems)
    msg = "；".join(f"{b['label']}（{periods.label(b['period'])}，{b['scope']}）" for b in batches)
    if plan.skipped_sheets:
        msg += f"；未识别的工作表已跳过：{'、'.join(plan.skipped_sheets)}"
    return FileResult(path.name, "loaded", msg, batches, plan.warnings, skipped_sheets=plan.skipped_sheets)


def _active_with_sha(engine: Engine, digest: str) -> list[int]:
    b = LoadBatch.__table__
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(b.c.id).where((b.c.sha256 == digest) & (b.c.status == BATCH_ACTIVE)))]


def _batch_keys(engine: Engine, ids: list[int]) -> set[tuple[str, str, str]]:
    b = LoadBatch.__table__
    with engine.connect() as conn:
        return {tuple(r) for r in conn.execute(select(b.c.kind, b.c.period, b.c.scope).where(b.c.id.in_(ids)))}


def list_batches(engine: Engine) -> pd.DataFrame:
    b = LoadBatch.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(b).order_by(b.c.id)).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in b.columns])
