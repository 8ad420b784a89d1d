"""Service functions behind the 数据管理 page and the undo/redo CLI: check an upload, load it,
archive its original bytes (encrypted), undo and redo batches, blank templates.

Plain Python: no Streamlit here. Uploads are handled in memory; nothing is written to a
temporary file, and nothing in an upload is executed or rendered as HTML.

Who may do what is checked here, below the page (``rural.access``): every function that checks, loads,
undoes, redoes, saves or deletes a mapping, or hands out an original takes the ``principal`` doing it
(None: the command line, full rights) and records the action in the audit log. A township clerk's file
must be their township's (the scope detected from its rows), and so must every batch an undo or a redo
touches (the batch, and the batches it brings back or supersedes).
"""
from __future__ import annotations

from decimal import Decimal

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from etl import mappings
from etl.errors import LoadError, Problem
from etl.find import find_tables, guess_header, near_misses
from etl.layouts import reference
from etl.mapping import Column
from etl.pipeline import (
    FileResult, _active_with_sha, _framed, _open_workbook, list_batches, load_file, plan_file, sha256_of,
)
from etl.read import ACCEPTED, sniff_format
from etl.sources import KIND_LABEL
from etl import load as loader
from etl.load import STATUS_LABEL, Progress, Unchanged, batch_row, redo_on, undo_on, subject_of, what_if, write_plan_on  # noqa: F401
from rural import access, indicators as ind, periods
from rural.access import Denied, Principal
from rural.db import BATCH_ACTIVE, LoadBatch
from rural.settings import ROOT, get_settings

ARCHIVE_DIR = Path(os.environ.get("RURAL_ARCHIVE_DIR") or ROOT / "data" / "archive")


# ------------------------------------------------------------------------------- checking
@dataclass
class SheetCheck:
    sheet: str
    kind: str
    label: str
    period: str
    scope: str
    rows_read: int
    rows: int
    skipped: list[str]
    preview: pd.DataFrame
    report: dict = field(default_factory=dict)
    replaces: list[dict] = field(default_factory=list)   # active batches this sheet would supersede


@dataclass
class Unplaced:
    """A sheet the loader could not place by itself: its header columns, for the clerk's mapping."""

    sheet: str
    header_rows: list[int]
    columns: list[Column]
    guesses: list[tuple[str, dict[str, str]]]           # (layout name, {column text: field}) closest first
    samples: dict[str, str] = field(default_factory=dict)   # column text → first values (never a personal column's)


@dataclass
class UploadCheck:
    name: str
    size: int
    sha256: str
    sheets: list[SheetCheck] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    already_loaded: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    county: str = ""
    new_county: bool = False
    new_townships: dict[str, str] = field(default_factory=dict)
    unplaced: list[Unplaced] = field(default_factory=list)
    effect: "Effect | None" = None          # what the load would change in the headline figures
    refused: str = ""                       # why whoever checks it may not load it (their scope), if so

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self) -> pd.DataFrame:
        rows = [p.as_row() for p in self.errors + self.warnings]
        return pd.DataFrame(rows, columns=["级别", "文件", "工作表", "行", "列", "单元格", "值", "说明"])


def check_limits(name: str, data: bytes) -> list[Problem]:
    """Size and type limits, before anything is parsed."""
    limit = get_settings().limits.max_upload_mb
    if len(data) > limit * 1024 * 1024:
        return [Problem(f"文件大小{len(data) / 1024 / 1024:.1f}MB，超过上限{limit}MB", file=name,
                        hint="请拆分后分别上传，或请管理员在 data/reference/settings.toml 中调整 max_upload_mb")]
    try:
        sniff_format(Path(name), data)
    except LoadError as exc:
        return exc.problems
    return []


def _who(principal: Principal | None) -> Principal:
    return principal or access.COMMAND_LINE


def _require_plan(who: Principal, action: str, plan) -> None:
    """:class:`Denied` unless ``who`` may ``action`` every sheet of the plan: its county, each sheet's scope."""
    for sp in plan.sheets:
        access.require_batch(who, action, plan.county, sp.scope,
                             f"文件“{plan.file}”的工作表“{sp.sheet}”（{sp.label}，{periods.kind_label(sp.kind, sp.period)}）")


def _check_scope(check: "UploadCheck") -> str:
    return access.scope_text(check.county, "、".join(dict.fromkeys(sc.scope for sc in check.sheets)))


def inspect_upload(engine: Engine, name: str, data: bytes, kind: str | None = None, period: str | None = None,
                   preview_rows: int = 50, columns_map: dict[str, str] | None = None, *,
                   principal: Principal | None = None) -> UploadCheck:
    """Everything the page shows before a load: detected kind, period and scope, what it replaces, a preview,
    problems; for a sheet no layout fits, its columns and the closest layouts (for the clerk's mapping).

    ``principal`` must be allowed to upload (:class:`Denied` otherwise); a file outside their scope (a county-wide
    roster checked by a township clerk) comes back refused: its sheets named, no rows shown, the reason as its error."""
    who = _who(principal)
    try:
        access.require(who, "upload")
    except Denied:
        access.audit(engine, who, "upload_checked", Path(name).name, outcome="拒绝")
        raise
    check = _inspect(engine, who, name, data, kind, period, preview_rows, columns_map)
    access.audit(engine, who, "upload_checked", check.name, outcome="拒绝" if check.refused else "成功" if check.ok else "失败",
                 scope=_check_scope(check),
                 detail="；".join(f"{sc.label}（{periods.kind_label(sc.kind, sc.period)}）" for sc in check.sheets))
    return check


def _inspect(engine: Engine, who: Principal, name: str, data: bytes, kind: str | None, period: str | None,
             preview_rows: int = 50, columns_map: dict[str, str] | None = None) -> UploadCheck:
    check = UploadCheck(Path(name).name, len(data), sha256_of(data))
    check.errors = check_limits(check.name, data)
    if check.errors:
        return check
    check.already_loaded = _active_with_sha(engine, check.sha256)
    try:
        plan = plan_file(engine, Path(check.name), data, kind or None, period or None, columns_map=columns_map)
    except LoadError as exc:
        check.errors = exc.problems
        if not columns_map:
            check.unplaced = unplaced_sheets(check.name, data, kind)
        return check
    check.county = plan.county
    try:
        _require_plan(who, "upload", plan)
    except Denied as exc:     # what the file is, but none of its rows, what it would replace or change
        check.refused, check.errors = exc.text, [Problem(exc.text, file=check.name)]
        check.sheets = [SheetCheck(sp.sheet, sp.kind, sp.label, sp.period, sp.scope, sp.rows_read, len(sp.facts), [],
                                   preview(sp.facts, 0), {}) for sp in plan.sheets]
        return check
    check.warnings = plan.warnings
    check.skipped_sheets = plan.skipped_sheets
    check.notes, check.county, check.new_county, check.new_townships = plan.notes, plan.county, plan.new_county, \
        plan.new_townships      # (the unused / personal columns are in each sheet's report, shown per sheet)
    for sp in plan.sheets:
        check.sheets.append(SheetCheck(sp.sheet, sp.kind, sp.label, sp.period, sp.scope, sp.rows_read, len(sp.facts),
                                       sp.skipped, preview(sp.facts, preview_rows), sp.report,
                                       replaced_batches(engine, plan.county, sp.kind, sp.period, sp.scope,
                                                        subject_of(sp.kind, sp.facts))))
    if plan.skipped_sheets and not columns_map:
        check.unplaced = unplaced_sheets(check.name, data, kind, only=set(plan.skipped_sheets))
    if plan.sheets and not check.already_loaded:
        as_of = max(periods.effective_month(sp.kind, sp.period) for sp in plan.sheets)
        check.effect = _effect(engine, plan.county, as_of, lambda conn: write_plan_on(conn, plan), check.name)
    return check


# ---------------------------------------------------------------------------- what it changes
@dataclass
class Effect:
    """What a load, an undo or a redo would change: the headline figures of the county at ``as_of`` that
    differ, computed by doing it in a transaction that is then rolled back."""

    county: str
    as_of: str
    rows: list[dict] = field(default_factory=list)       # indicators.headline_differences
    note: str = ""                                         # why it could not be worked out, if so


def _effect(engine: Engine, county: str, as_of: str, change, file: str = "") -> Effect:
    effect = Effect(county, as_of)
    try:
        before, after = what_if(engine, change, lambda view: ind.headline_values(view, ind.Scope(as_of, None, county)), file)
    except Unchanged:
        return effect
    except LoadError as exc:
        effect.note = "无法预先算出变化：" + exc.problems[0].message
        return effect
    effect.rows = ind.headline_differences(before, after)
    return effect


def undo_effect(engine: Engine, batch_id: int, *, principal: Principal | None = None) -> tuple[dict, list[int], Effect]:
    """What undoing ``batch_id`` would do: (the batch, the batches it brings back, the changed figures).
    :class:`Denied` when ``principal`` may not undo it."""
    return _action_effect(engine, batch_id, undo_on, _who(principal), "undo")


def redo_effect(engine: Engine, batch_id: int, *, principal: Principal | None = None) -> tuple[dict, list[int], Effect]:
    """What restoring ``batch_id`` would do: (the batch, the batches it supersedes, the changed figures).
    :class:`Denied` when ``principal`` may not restore it."""
    return _action_effect(engine, batch_id, redo_on, _who(principal), "redo")


def _action_effect(engine: Engine, batch_id: int, action, who: Principal, name: str) -> tuple[dict, list[int], Effect]:
    access.require(who, name)
    row = batch_row(engine, batch_id)
    if row is None:
        raise LoadError(Problem(f"没有批次 #{batch_id}"))
    _require_rows(who, name, [row])
    others: list[int] = []

    def change(conn):
        got = action(conn, batch_id)[1]
        _require_batches(conn, who, name, got)
        others.extend(got)

    effect = _effect(engine, row["county"], periods.effective_month(row["kind"], row["period"]), change)
    return row, others, effect


def _require_rows(who: Principal, action: str, rows) -> None:
    for r in rows:
        access.require_batch(who, action, r["county"], r["scope"], f"批次 #{r['id']}（{r['file_name']}）")


def _require_batches(conn, who: Principal, action: str, ids: list[int]) -> None:
    """:class:`Denied` unless ``who`` may ``action`` every batch in ``ids`` (read on ``conn``)."""
    if not ids:
        return
    b = LoadBatch.__table__
    rows = conn.execute(select(b.c.id, b.c.county, b.c.scope, b.c.file_name).where(b.c.id.in_(ids))).mappings().all()
    _require_rows(who, action, rows)


def replaced_batches(engine: Engine, county: str, kind: str, period: str, scope: str, subject: str = "") -> list[dict]:
    """The active batches a load of (kind, period, scope, subject) would supersede, with their sizes."""
    b = LoadBatch.__table__
    same = (b.c.kind == kind) & (b.c.period == period) & (b.c.county == county) & (b.c.status == BATCH_ACTIVE) \
        & (b.c.subject == subject)
    if scope != "全县":
        same = same & (b.c.scope == scope)
    with engine.connect() as conn:
        rows = conn.execute(select(b.c.id, b.c.file_name, b.c.loaded_at, b.c.rows_loaded, b.c.scope).where(same)).all()
    return [{"batch": r.id, "file": r.file_name, "loaded_at": str(r.loaded_at), "rows": r.rows_loaded, "scope": r.scope}
            for r in rows]


def unplaced_sheets(name: str, data: bytes, kind: str | None = None, only: set[str] | None = None) -> list[Unplaced]:
    """Sheets that no layout fits, with a guessed header and the closest layouts' column assignments."""
    ref = reference()
    layouts = ref.for_kind(kind) if kind else list(ref.layouts)
    out = []
    try:
        with _open_workbook(name, data) as wb:
            for info in wb.sheets:
                if info.hidden or (only is not None and info.name not in only):
                    continue
                sheet = _framed(wb.peek(info.index, 60))
                if find_tables(sheet, layouts, ref, context=Path(name).stem)[0]:
                    continue          # recognised: its problems are in its data, not in its header
                near = near_misses(sheet, layouts, ref)
                if near:
                    rows, cols = near[0][0].header_rows, near[0][1]
                else:
                    found = guess_header(sheet, ref)
                    if found is None:
                        continue
                    rows, cols = found
                guesses = [(m.layout.name, {c.column.text: c.field.name for c in m.claims if c.field.type != "seq"})
                           for m, _ in near]
                out.append(Unplaced(info.name, [sheet.sheet_row(r) for r in rows], cols, guesses,
                                    _samples(sheet, rows, cols, ref)))
    except LoadError:
        return []
    return out


def _samples(sheet, rows: list[int], cols: list[Column], ref) -> dict[str, str]:
    """The first few values under each column, so the clerk sees what it holds; personal columns show none."""
    frame = sheet.frame.iloc[rows[-1] + 1: rows[-1] + 6]
    out = {}
    for c in cols:
        if ref.rules.is_personal(c.text):
            out[c.text] = "（个人信息，不显示）"
        elif c.col in frame.columns:
            vals = [str(v) for v in frame[c.col].dropna().tolist()[:3]]
            out[c.text] = "、".join(v[:20] for v in vals)
    return out


def layout_choices() -> dict[str, str]:
    """Layout name → label, for the clerk's choice of what a sheet is."""
    return {lay.name: lay.label for lay in reference().layouts}


def mappable_headers(u: "Unplaced") -> list[str]:
    """The columns a clerk may assign: every one but the personal columns (never read, whatever is chosen)."""
    rules = reference().rules
    return [c.text for c in u.columns if not rules.is_personal(c.text)]


def layout_fields(layout: str) -> list[tuple[str, bool]]:
    """(field, required) of a layout, required first, for the clerk's mapping form."""
    lay = reference().layout(layout)
    fields = [f for f in lay.fields if f.type not in ("seq",) and f.name != "县"]
    return [(f.name, f.required) for f in sorted(fields, key=lambda f: not f.required)]


def mapping_table(engine: Engine) -> pd.DataFrame:
    """The saved header mappings, for the 表头映射 tab."""
    return mappings.table(engine)


def remove_mapping(engine: Engine, mapping_id: int, *, principal: Principal | None = None) -> bool:
    """Delete a saved mapping: an admin's (``mappings``) task."""
    who = _who(principal)
    try:
        access.require(who, "mappings")
    except Denied:
        access.audit(engine, who, "mapping_deleted", f"表头映射 #{mapping_id}", outcome="拒绝")
        raise
    done = mappings.remove(engine, mapping_id)
    access.audit(engine, who, "mapping_deleted", f"表头映射 #{mapping_id}", outcome="成功" if done else "失败")
    return done


def save_mapping(engine: Engine, name: str, data: bytes, sheet: str, layout: str, fields: dict[str, str], *,
                 principal: Principal | None = None) -> int:
    """Save a clerk's mapping for a sheet of an upload (by its header signature); the mapping must make the
    sheet load (checked first), so a saved mapping is never a broken one. Whoever may upload the file may save
    its mapping (the clerk's mapping, once); deleting one is an admin's."""
    who = _who(principal)
    file = Path(name).name
    try:
        access.require(who, "upload")
        for u in unplaced_sheets(name, data, None):
            if u.sheet == sheet:
                check = _inspect(engine, who, name, data, layout, None, columns_map=fields)
                if check.refused:
                    raise Denied(check.refused)
                if check.errors:
                    raise LoadError(check.errors)
                mid = mappings.save(engine, u.columns, layout, fields, example_file=file)
                access.audit(engine, who, "mapping_saved", f"表头映射 #{mid}", scope=_check_scope(check),
                             detail=f"{layout_choices().get(layout, layout)}：{file} / {sheet}")
                return mid
    except Denied:
        access.audit(engine, who, "mapping_saved", file, outcome="拒绝")
        raise
    raise LoadError(Problem(f"工作表“{sheet}”没有可保存的表头", file=file))


PREVIEW_COLUMNS = {
    "township": "乡镇", "village": "行政村", "household_key": "户编号", "category": "类别", "risk_type": "主要风险类型",
    "people": "人数（人）", "identified_on": "识别监测时间", "eliminated": "风险是否消除", "eliminated_on": "风险消除时间",
    "per_capita_income_fen": "家庭人均纯收入（元）", "households": "户数（户）", "per_capita_fen": "人均纯收入（元）",
    "total_fen": "家庭纯收入（元）", "indicator": "指标", "target": "目标任务（人）", "done": "完成数（人）",
    "posts": "公益性岗位（个）", "post_subsidy_fen": "岗位补贴（元）", "insurance_subsidy_fen": "社会保险补贴（元）",
    "type": "救助类别", "person_times": "人次", "amount_fen": "金额（元）", "case_no": "受理编号", "matter": "申请事项",
    "received_on": "受理日期", "closed_on": "办结日期", "name": "项目名称", "content": "建设内容",
    "investment_fen": "总投资（元）", "fund_source": "资金来源", "year": "年度", "integrated": "纳入统筹整合",
    "status": "实施状态", "item": "事项", "label": "名称", "unit": "单位", "value_c": "数值", "src_row": "原表行号",
    "value_e4": "数值", "numerator_e4": "分子", "denominator_e4": "分母", "target_e4": "年度目标",
}


def preview(facts: pd.DataFrame, rows: int = 50) -> pd.DataFrame:
    """The parsed rows as they will be stored, units applied (money in 元), Chinese headings."""
    d = facts.head(rows).copy()
    for col in d.columns:
        if col.endswith("_fen") or col == "value_c":
            d[col] = d[col].map(lambda v: None if v is None or pd.isna(v) else int(v) / 100)
        if col.endswith("_e4"):       # 指标数据: exact values ×10⁴ in the catalogue's unit
            d[col] = d[col].map(lambda v: None if v is None or pd.isna(v) else format(Decimal(int(v)).scaleb(-4).normalize(), "f"))
        if col == "indicator":
            from rural.catalogue import CATALOGUE

            d[col] = d[col].map(lambda k: CATALOGUE[k].name if k in CATALOGUE else k)
        if col in ("eliminated", "integrated"):
            d[col] = d[col].map({True: "是", False: "否"})
    d = d.astype(object).where(d.notna(), "")
    return d.rename(columns={c: PREVIEW_COLUMNS.get(c, c) for c in d.columns})


# -------------------------------------------------------------------------------- loading
def commit_upload(engine: Engine, name: str, data: bytes, kind: str | None = None, period: str | None = None,
                  progress: Progress | None = None, columns_map: dict[str, str] | None = None, *,
                  principal: Principal | None = None) -> FileResult:
    """Load a checked upload (in memory) and archive its original bytes when it loads. :class:`Denied` (nothing
    written) when ``principal`` may not load, or may not load this file (its county or township scope)."""
    who = _who(principal)
    file = Path(name).name
    try:
        access.require(who, "load")
        problems = check_limits(file, data)
        if problems:
            result = FileResult(file, "failed", "\n".join(p.text() for p in problems), problems=problems)
        else:
            result = load_file(engine, Path(file), kind=kind or None, period=period or None, progress=progress, data=data,
                               columns_map=columns_map, allow=lambda plan: _require_plan(who, "load", plan))
    except Denied as exc:
        access.audit(engine, who, "batch_loaded", file, outcome="拒绝", detail=exc.text)
        raise
    if result.status == "loaded":
        archive(data, Path(name).suffix.lower())
    audit_load(engine, who, result)
    return result


def audit_load(engine: Engine, who: Principal | None, result: FileResult) -> None:
    """The audit log's entries for a load (``who`` None: the command line): one entry per batch made
    (``batch_replaced`` when it supersedes one); on the page, one for a file that made none."""
    county = result.plan.county if result.plan else ""
    for b in result.batches:
        replaced = b.get("superseded") or []
        access.audit(engine, who, "batch_replaced" if replaced else "batch_loaded", result.file,
                     scope=access.scope_text(county, b["scope"]),
                     detail=f"批次 #{b['batch']}，{b['label']}，{periods.kind_label(b['kind'], b['period'])}"
                            + (f"，替代批次 #{'、#'.join(map(str, replaced))}" if replaced else ""))
    # a file that made no batch: on the page an entry (who tried what); from the command line none — a refused
    # load leaves the database exactly as it was, and the terminal holds the report
    if not result.batches and who not in (None, access.COMMAND_LINE):
        access.audit(engine, who, "batch_loaded", result.file, outcome="未改动" if result.status == "unchanged" else "失败",
                     detail=f"{len(result.problems)}处问题" if result.problems else "")


# -------------------------------------------------------------------------------- archive
def _key() -> bytes:
    """The archive's AES-256-GCM key: HKDF-SHA256 of its own secret (``RURAL_ARCHIVE_SECRET``), not of the hash key."""
    from rural.keys import archive_key

    return archive_key()


def archive(data: bytes, suffix: str) -> Path:
    """Keep the original bytes under data/archive/<sha256><suffix>.enc, encrypted (AES-GCM):
    department files carry names and ID numbers, which are never stored in clear."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ARCHIVE_DIR.mkdir(parents=True, exist_ok=True)
    digest = sha256_of(data)
    path = ARCHIVE_DIR / f"{digest}{suffix}.enc"
    if not path.exists():
        nonce = os.urandom(12)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(nonce + AESGCM(_key()).encrypt(nonce, data, digest.encode()))
        os.chmod(tmp, 0o600)
        tmp.replace(path)
    return path


def has_archive(sha256: str) -> bool:
    """Whether the original of a loaded file was archived (files loaded from the command line are not)."""
    return ARCHIVE_DIR.exists() and any(ARCHIVE_DIR.glob(f"{sha256}.*.enc"))


def archived(sha256: str, *, principal: Principal | None = None, engine: Engine | None = None,
             name: str = "") -> bytes | None:
    """The original bytes of a loaded file, or None when it was never archived. Admins only (the originals
    carry names and ID numbers); each download in the audit log (``engine`` given: the page's)."""
    who = _who(principal)
    what = name or sha256[:12]
    try:
        access.require(who, "download_original")
    except Denied:
        if engine is not None:
            access.audit(engine, who, "download_original", what, outcome="拒绝")
        raise
    data = _decrypt(sha256)
    if engine is not None:
        access.audit(engine, who, "download_original", what, outcome="成功" if data is not None else "失败")
    return data


def original_file(engine: Engine, batch_id: int, *, principal: Principal | None = None) -> tuple[str, bytes | None]:
    """(file name, original bytes or None when not archived) of a batch, for the server's download route: admins
    of the batch's county only (:func:`archived` checks the role and audits); :class:`LookupError` for no batch."""
    from rural.db import LoadBatch

    t = LoadBatch.__table__
    with engine.connect() as conn:
        row = conn.execute(select(t.c.file_name, t.c.sha256, t.c.county).where(t.c.id == batch_id)).first()
    who = _who(principal)
    access.require(who, "download_original")
    if row is None:
        raise LookupError(batch_id)
    if who.county and row.county != who.county:
        raise Denied(f"您只能下载{who.county}的原始文件。")
    return row.file_name, archived(row.sha256, principal=who, engine=engine, name=row.file_name)


def _decrypt(sha256: str) -> bytes | None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    found = sorted(ARCHIVE_DIR.glob(f"{sha256}.*.enc")) if ARCHIVE_DIR.exists() else []
    if not found:
        return None
    blob = found[0].read_bytes()
    data = AESGCM(_key()).decrypt(blob[:12], blob[12:], sha256.encode())
    return data if sha256_of(data) == sha256 else None


# ---------------------------------------------------------------------------- undo / redo
def undo(engine: Engine, batch_id: int, *, principal: Principal | None = None) -> str:
    """Undo an active batch (the batch it had superseded is active again), when ``principal`` may: the batch
    and every batch it brings back must be in their scope, checked inside the write transaction."""
    return _change(engine, batch_id, "undo", _who(principal))


def redo(engine: Engine, batch_id: int, *, principal: Principal | None = None) -> str:
    """Make an undone batch active again (superseding the active one for its kind, period and scope), when
    ``principal`` may: the batch and every batch it supersedes in their scope."""
    return _change(engine, batch_id, "redo", _who(principal))


def _change(engine: Engine, batch_id: int, action: str, who: Principal) -> str:
    event = {"undo": "batch_undone", "redo": "batch_redone"}[action]
    seen: dict = {}

    def check(conn, row: dict, others: list[int]) -> None:
        seen.update(row)
        _require_batches(conn, who, action, [row["id"], *others])

    try:
        access.require(who, action)
        message = (loader.undo if action == "undo" else loader.redo)(engine, batch_id, check)
    except (Denied, LoadError) as exc:
        access.audit(engine, who, event, f"批次 #{batch_id}", outcome="拒绝" if isinstance(exc, Denied) else "失败",
                     scope=access.scope_text(seen.get("county"), seen.get("scope")))
        raise
    access.audit(engine, who, event, f"批次 #{batch_id}（{seen['file_name']}）",
                 scope=access.scope_text(seen["county"], seen["scope"]), detail=message)
    return message


def history(engine: Engine, *, principal: Principal | None = None) -> pd.DataFrame:
    """Every batch (of the principal's county when bound), newest first."""
    df = list_batches(engine).iloc[::-1].reset_index(drop=True)
    county = _who(principal).county
    return df[df["county"] == county].reset_index(drop=True) if county and not df.empty else df


def history_display(engine: Engine, *, principal: Principal | None = None) -> pd.DataFrame:
    df = history(engine, principal=principal)
    if df.empty:
        return df
    return pd.DataFrame({
        "批次": df["id"], "文件": df["file_name"], "工作表": df["sheet"], "类型": df["kind"].map(KIND_LABEL),
        "统计期": [periods.kind_label(k, p) for k, p in zip(df["kind"], df["period"])], "范围": df["scope"],
        "读入行": df["rows_read"], "载入行": df["rows_loaded"], "跳过行": df["rows_rejected"],
        "载入时间": df["loaded_at"].astype(str), "状态": df["status"].map(STATUS_LABEL), "SHA-256": df["sha256"],
        "说明": df["note"],
    })


def provenance(engine: Engine, as_of: str | None = None, *, principal: Principal | None = None) -> pd.DataFrame:
    """Which file each figure comes from: the active batches used at ``as_of`` (latest by default), of the
    principal's county."""
    from rural.indicators import Scope, _period, _resolve

    scope = _resolve(engine, access.bind(_who(principal), Scope(as_of)))
    b = LoadBatch.__table__
    rows = []
    with engine.connect() as conn:
        for kind, label in KIND_LABEL.items():
            for pattern in ((None,) if kind != "income" else ("year", "half")):
                p = _period(conn, kind, scope, pattern)
                if p is None:
                    continue
                for r in conn.execute(select(b).where((b.c.kind == kind) & (b.c.period == p) & (b.c.status == BATCH_ACTIVE)
                                                      & (b.c.county == scope.county))).mappings():
                    rows.append({"数据": label, "统计期": periods.label(p), "批次": r["id"], "文件": r["file_name"],
                                 "工作表": r["sheet"], "范围": r["scope"], "载入时间": str(r["loaded_at"]),
                                 "SHA-256": r["sha256"][:12]})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ templates
def template_layouts() -> dict[str, object]:
    """One blank template per layout that a clerk fills by hand (not the national system's exports)."""
    return {lay.name: lay for lay in reference().layouts if lay.grain != "person"}


_NOTES = ["每个统计期一个文件（或一个工作表）；第一行标题请写明县名和统计期，如“某县2023年1-4月……”或“截至2023年6月”。",
          "表头可以用下面列出的任一种写法；多出的列不影响载入（载入报告会列出未使用的列）。",
          "带单位的列按表头单位填写，也可在单元格中写明单位（如“1.02亿元”“1.2万亩”）。",
          "如有合计行，请写“合计”，系统会核对合计与明细是否一致（人均数按加权平均核对）。",
          "姓名、证件号码、电话等个人信息不需要填写；如有，系统不读取、不保存。"]
TYPE_TEXT = {"text": "文字", "township": "乡镇名称", "village": "行政村名称", "county": "县名", "seq": "序号",
             "key": "编号（请设为文本格式）", "personal_key": "证件号码（仅在没有户编号时用于归户，不保存）", "int": "整数",
             "money": "金额", "area": "面积", "pct": "百分数", "date": "日期", "bool": "是/否", "choice": "取值",
             "raw": "数量（可带单位）", "period": "统计期（如 2022、2023年上半年）"}


def template_xlsx(kind: str, county: str = "某县") -> bytes:
    """A blank workbook for one layout: title, canonical headers with units, and a 填报说明 sheet."""
    import xlsxwriter

    lay = template_layouts()[kind]
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(lay.label[:31])
    title = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True})
    text = wb.add_format({"num_format": "@"})
    ws.write(0, 0, f"{county}{lay.template_period}{lay.label}", title)
    fields = [f for f in lay.fields if f.type not in ("seq", "county", "period", "personal_key") and f.in_template]
    for c, f in enumerate(fields):
        unit = f.unit if f.type in ("money", "area") else (f.unit if f.unit and f.type == "int" else "")
        h = f"{f.name}（{unit}）" if unit else f.name
        ws.write(1, c, h, head)
        ws.set_column(c, c, max(10, len(h) * 2), text if f.type == "key" else None)
    ws.freeze_panes(2, 0)
    notes = wb.add_worksheet("填报说明")
    notes.write(0, 0, f"{lay.label}填报说明", title)
    lines = [lay.description, *_NOTES] if lay.description else list(_NOTES)
    for f in fields:
        need = "必填" if f.required else "选填"
        voc = f.vocabulary()
        extra = f"；可用取值：{'、'.join(voc.order)}" if voc else ""
        alias = [v for v in f.raw_variants if v != f.name][:6]
        lines.append(f"“{f.name}”：{need}，{TYPE_TEXT.get(f.type, f.type)}{extra}" + (f"；也可写作：{'、'.join(alias)}" if alias else ""))
    for r, line in enumerate(lines, start=2):
        notes.write(r, 0, line)
    notes.set_column(0, 0, 110)
    wb.close()
    return buf.getvalue()


def accepted_types() -> str:
    return "、".join(ACCEPTED)



# ------------------------------------------------------------------------------- the catalogue
def add_indicator(engine: Engine, principal: Principal | None, **fields):
    """An administrator adds a county indicator to the catalogue (offered on the upload page for a name a sheet
    uses and the catalogue lacks); recorded in the audit log, refusals included."""
    from rural import catalogue

    who = _who(principal)
    try:
        access.require(who, "settings")
        ind = catalogue.add_indicator(**fields)
    except Denied as exc:
        access.audit(engine, who, "indicator_added", fields.get("name", ""), outcome="拒绝", detail=exc.text)
        raise
    except catalogue.CatalogueError as exc:
        access.audit(engine, who, "indicator_added", fields.get("name", ""), outcome="失败", detail=str(exc))
        raise
    target = fields.get("target")
    access.audit(engine, who, "indicator_added", ind.name,
                 detail=f"代码 {ind.key}，{catalogue.area(ind.area).name}，单位{ind.unit}"
                        + (f"，{fields.get('year')}年目标{target}" if target is not None else ""))
    return ind
