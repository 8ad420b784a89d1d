"""Service functions behind the 数据管理 page and the undo/redo CLI: check an upload, load it,
archive its original bytes (encrypted), undo and redo batches, blank templates.

Plain Python: no Streamlit here. Uploads are handled in memory; nothing is written to a
temporary file, and nothing in an upload is executed or rendered as HTML.
"""
from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from etl.errors import LoadError, Problem
from etl.load import FileResult, Progress, load_file, plan_file, sha256_of
from etl.store import STATUS_LABEL, redo, undo  # noqa: F401  (the page calls service.undo / redo)
from etl.read import ACCEPTED, sniff_format
from etl.sources import KIND_LABEL, SPECS
from rural import periods
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

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self) -> pd.DataFrame:
        rows = [p.as_row() for p in self.errors + self.warnings]
        return pd.DataFrame(rows, columns=["级别", "文件", "工作表", "行", "列", "单元格", "值", "说明"])


def check_limits(name: str, data: bytes) -> list[Problem]:
    """Size and type limits, before anything is parsed."""
    limit = get_settings().max_upload_mb
    if len(data) > limit * 1024 * 1024:
        return [Problem(f"文件大小{len(data) / 1024 / 1024:.1f}MB，超过上限{limit}MB", file=name,
                        hint="请拆分后分别上传，或请管理员在 data/reference/settings.toml 中调整 max_upload_mb")]
    try:
        sniff_format(Path(name), data)
    except LoadError as exc:
        return exc.problems
    return []


def inspect_upload(engine: Engine, name: str, data: bytes, kind: str | None = None, period: str | None = None,
                   preview_rows: int = 50) -> UploadCheck:
    """Everything the page shows before a load: detected kind, period and scope, a preview, problems."""
    check = UploadCheck(Path(name).name, len(data), sha256_of(data))
    check.errors = check_limits(check.name, data)
    if check.errors:
        return check
    b = LoadBatch.__table__
    with engine.connect() as conn:
        check.already_loaded = [r[0] for r in conn.execute(select(b.c.id).where(
            (b.c.sha256 == check.sha256) & (b.c.status == BATCH_ACTIVE)))]
    try:
        plan = plan_file(engine, Path(check.name), data, kind or None, period or None)
    except LoadError as exc:
        check.errors = exc.problems
        return check
    check.warnings = plan.warnings
    check.skipped_sheets = plan.skipped_sheets
    for sp in plan.sheets:
        check.sheets.append(SheetCheck(sp.sheet, sp.kind, sp.label, sp.period, sp.scope, sp.rows_read, len(sp.facts),
                                       sp.skipped, preview(sp.facts, preview_rows)))
    return check


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
}


def preview(facts: pd.DataFrame, rows: int = 50) -> pd.DataFrame:
    """The parsed rows as they will be stored, units applied (money in 元), Chinese headings."""
    d = facts.head(rows).copy()
    for col in d.columns:
        if col.endswith("_fen") or col == "value_c":
            d[col] = d[col].map(lambda v: None if v is None or pd.isna(v) else int(v) / 100)
        if col in ("eliminated", "integrated"):
            d[col] = d[col].map({True: "是", False: "否"})
    return d.rename(columns={c: PREVIEW_COLUMNS.get(c, c) for c in d.columns})


# -------------------------------------------------------------------------------- loading
def commit_upload(engine: Engine, name: str, data: bytes, kind: str | None = None, period: str | None = None,
                  progress: Progress | None = None) -> FileResult:
    """Load a checked upload (in memory) and archive its original bytes when it loads."""
    problems = check_limits(Path(name).name, data)
    if problems:
        return FileResult(Path(name).name, "failed", "\n".join(p.text() for p in problems), problems=problems)
    result = load_file(engine, Path(Path(name).name), kind=kind or None, period=period or None, progress=progress, data=data)
    if result.status == "loaded":
        archive(data, Path(name).suffix.lower())
    return result


# -------------------------------------------------------------------------------- archive
def _key() -> bytes:
    return hashlib.sha256(("archive:" + get_settings().hash_key).encode("utf-8")).digest()


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


def archived(sha256: str) -> bytes | None:
    """The original bytes of a loaded file, or None when it was never archived."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    found = sorted(ARCHIVE_DIR.glob(f"{sha256}.*.enc")) if ARCHIVE_DIR.exists() else []
    if not found:
        return None
    blob = found[0].read_bytes()
    data = AESGCM(_key()).decrypt(blob[:12], blob[12:], sha256.encode())
    return data if sha256_of(data) == sha256 else None


# ---------------------------------------------------------------------------- undo / redo
def history(engine: Engine) -> pd.DataFrame:
    b = LoadBatch.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(b).order_by(b.c.id.desc())).mappings().all()
    df = pd.DataFrame(rows, columns=[c.name for c in b.columns])
    return df


def history_display(engine: Engine) -> pd.DataFrame:
    df = history(engine)
    if df.empty:
        return df
    return pd.DataFrame({
        "批次": df["id"], "文件": df["file_name"], "工作表": df["sheet"], "类型": df["kind"].map(KIND_LABEL),
        "统计期": [periods.kind_label(k, p) for k, p in zip(df["kind"], df["period"])], "范围": df["scope"],
        "读入行": df["rows_read"], "载入行": df["rows_loaded"], "跳过行": df["rows_rejected"],
        "载入时间": df["loaded_at"].astype(str), "状态": df["status"].map(STATUS_LABEL), "SHA-256": df["sha256"],
        "说明": df["note"],
    })


def provenance(engine: Engine, as_of: str | None = None) -> pd.DataFrame:
    """Which file each figure comes from: the active batches used at ``as_of`` (latest by default)."""
    from rural.indicators import Scope, _period, _resolve

    scope = _resolve(engine, Scope(as_of))
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
TEMPLATE_KINDS = {s.kind: s for s in SPECS if not s.extra.get("person_level")}
_NOTES = {
    "common": ["每个统计期一个文件（或一个工作表）；第一行标题请写明县名和统计期，如“某县2023年1-4月……”或“截至2023年6月”。",
               "表头请保持不变；带单位的列按表头单位填写，也可在单元格中写明单位（如“1.02亿元”“1.2万亩”）。",
               "如有合计行，请写“合计”，系统会核对合计与明细之和是否一致。",
               "姓名、证件号码只用于归户，系统不会保存。"],
}
EXAMPLE_UNITS = {"money": "元", "area": "亩"}


def template_xlsx(kind: str, county: str = "某县") -> bytes:
    """A blank workbook for one source kind: title, canonical headers with units, and a 填报说明 sheet."""
    import xlsxwriter

    spec = TEMPLATE_KINDS[kind]
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(spec.label[:31])
    title = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True})
    period_hint = "2023年1-4月" if kind in ("employment", "welfare_posts", "assistance", "work", "industry") else \
        "2022年度" if kind == "income" else "截至2023年6月"
    ws.write(0, 0, f"{county}{period_hint}{spec.label}", title)
    headers = []
    for col in spec.columns:
        if col.name == "统计期":
            continue
        unit = col.unit or EXAMPLE_UNITS.get(col.type, "")
        headers.append(f"{col.name}（{unit}）" if unit else col.name)
    for c, h in enumerate(headers):
        ws.write(1, c, h, head)
        ws.set_column(c, c, max(10, len(h) * 2))
    ws.freeze_panes(2, 0)
    notes = wb.add_worksheet("填报说明")
    notes.write(0, 0, f"{spec.label}填报说明", title)
    lines = list(_NOTES["common"])
    for col in spec.columns:
        if col.name == "统计期":
            continue
        need = "必填" if col.required else "选填"
        extra = f"；可用取值：{'、'.join(dict.fromkeys(v for _, v in col.vocab))}" if col.vocab else ""
        alias = f"；也可写作：{'、'.join(col.variants[:4])}" if col.variants else ""
        lines.append(f"“{col.name}”：{need}{extra}{alias}")
    for r, line in enumerate(lines, start=2):
        notes.write(r, 0, line)
    notes.set_column(0, 0, 110)
    wb.close()
    return buf.getvalue()


def accepted_types() -> str:
    return "、".join(ACCEPTED)


def now() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M")
