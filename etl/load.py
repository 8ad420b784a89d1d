"""Write side: one checked file plan into the database in one transaction; undo and redo of batches.

Nothing here parses files: :mod:`etl.pipeline` hands over a :class:`~etl.pipeline.FilePlan` whose every row
has been checked. A corrected file for the same kind, period, county and scope supersedes the
active batch, which is kept for history.

Every write runs in :func:`write_transaction`: it holds the database's write lock (SQLite ``BEGIN
IMMEDIATE``, PostgreSQL ``pg_advisory_xact_lock``) from its first statement, so the decision which
batch a new one supersedes is taken on what the previous writer committed, and a second writer waits.
The database itself also refuses a second active batch for one kind, period, county and scope
(``uq_batch_active``). A database error becomes a :class:`LoadError` in Chinese; the transaction is
rolled back and the database is exactly as before.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Iterator

import pandas as pd
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from etl.errors import LoadError, Problem
from etl.sources import KIND_LABEL
from rural import periods
from rural.db import (
    BATCH_ACTIVE, BATCH_SUPERSEDED, BATCH_UNDONE, EXTRA_TABLES, FACT_TABLES, LoadBatch, Township, Village,
)
from rural.db import busy_message, is_lock_timeout, write_transaction as locked_transaction
from rural.settings import get_settings

if TYPE_CHECKING:
    from etl.pipeline import FilePlan, SheetPlan

CHUNK = 50_000
Progress = Callable[[str, int, int], None]
Check = Callable[[Connection, dict, list[int]], None]    # undo / redo: may it be done? (raises when not)
COUNTY_WIDE = "全县"
STATUS_LABEL = {BATCH_ACTIVE: "有效", BATCH_SUPERSEDED: "已被替代", BATCH_UNDONE: "已撤销"}


# --------------------------------------------------------------------------- write lock
@contextmanager
def write_transaction(engine: Engine, file: str = "") -> Iterator[Connection]:
    """One transaction holding the database write lock (:func:`rural.db.write_transaction`).

    A database error inside — the lock not released within ``lock_timeout_s``, a constraint, a lost
    connection — rolls the transaction back and is raised as a :class:`LoadError` placed at ``file``."""
    try:
        with locked_transaction(engine) as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise LoadError(database_problem(exc, file)) from exc


def database_problem(exc: BaseException, file: str = "") -> Problem:
    """A database error as a Chinese message with what to do (no driver text, unless RURAL_DEBUG is set).
    Every write is one transaction, so whatever failed, nothing of it was kept."""
    orig = getattr(exc, "orig", None)
    debug = str(orig or exc) if os.environ.get("RURAL_DEBUG") else ""
    state = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None), "sqlstate", None)
    if is_lock_timeout(exc):
        return Problem(busy_message(), file=file, value=debug, hint="请稍后重试；如一直如此，请检查是否有卡住的载入进程")
    if state == "40P01":
        return Problem("数据库检测到与另一个操作相互等待，本次操作已撤回，数据库未改动", file=file, value=debug, hint="请稍后重试")
    if isinstance(exc, IntegrityError):
        if "load_batch" in str(orig) or "uq_batch_active" in str(orig):
            return Problem("同一类型、统计期和范围已有另一个有效批次（可能有另一个载入同时进行），本次操作已撤回，数据库未改动",
                           file=file, value=debug, hint="请用 python -m etl batches 查看载入历史后重试")
        return Problem("要写入的数据与数据库中已有的数据冲突，本次操作已撤回，数据库未改动", file=file, value=debug,
                       hint="请稍后重试；如一直如此，请把此提示告知管理员")
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return Problem("与数据库的连接中断，本次操作已撤回，数据库未改动", file=file, value=debug, hint="请检查数据库服务后重试")
    return Problem("访问数据库时出错，本次操作已撤回，数据库未改动", file=file, value=debug,
                   hint="请稍后重试；如一直如此，请把此提示告知管理员（设置 RURAL_DEBUG=1 可查看详细信息）")


def _insert_missing(conn: Connection, table, rows: list[dict], keys: list[str]) -> None:
    """Insert the rows whose ``keys`` are not in ``table`` yet; a row that is (inserted meanwhile by another
    writer) is left as it is. Needs a unique constraint on ``keys``."""
    if not rows:
        return
    name = conn.dialect.name
    if name in ("sqlite", "postgresql"):
        insert = sqlite_insert if name == "sqlite" else pg_insert
        conn.execute(insert(table).on_conflict_do_nothing(index_elements=keys), rows)
        return
    for row in rows:
        try:
            with conn.begin_nested():
                conn.execute(table.insert(), row)
        except IntegrityError:
            pass


# ------------------------------------------------------------------------------- writing
def write_plan(engine: Engine, plan: FilePlan, progress: Progress | None = None) -> list[dict]:
    """Write a checked plan in one transaction, under the write lock; returns the batches created.
    Raises :class:`LoadError` (nothing written) when the database refuses or is busy too long."""
    with write_transaction(engine, plan.file) as conn:
        return write_plan_on(conn, plan, progress)


def write_plan_on(conn: Connection, plan: FilePlan, progress: Progress | None = None) -> list[dict]:
    """:func:`write_plan` inside a write transaction the caller holds."""
    if _already_active(conn, plan):
        raise Unchanged(plan.file)
    township_ids = _ensure_townships(conn, plan.county, getattr(plan, "new_townships", None) or {})
    return [_write_sheet(conn, plan, sp, township_ids, progress) for sp in plan.sheets]


class _RollBack(Exception):
    """Raised inside :func:`what_if` to roll its transaction back."""


def what_if(engine: Engine, change: Callable[[Connection], object], measure: Callable[[object], object],
            file: str = "") -> tuple[object, object]:
    """What ``change`` would do, with nothing kept: ``measure`` (given an engine stand-in reading inside the
    transaction) before and after ``change`` runs, then the transaction is rolled back. Holds the write lock
    for as long, so what is measured is what a real change would start from."""
    from rural.db import OnConnection

    out: dict = {}
    try:
        with write_transaction(engine, file) as conn:
            view = OnConnection(conn)
            out["before"] = measure(view)
            change(conn)
            out["after"] = measure(view)
            raise _RollBack
    except _RollBack:
        pass
    return out["before"], out["after"]


class Unchanged(Exception):
    """The same bytes are already the active batches for every sheet of the plan (seen under the lock:
    another process loaded the identical file a moment ago)."""


def _already_active(conn: Connection, plan: FilePlan) -> bool:
    b = LoadBatch.__table__
    rows = conn.execute(select(b.c.kind, b.c.period, b.c.scope).where(
        (b.c.sha256 == plan.sha256) & (b.c.status == BATCH_ACTIVE) & (b.c.county == plan.county))).all()
    return bool(rows) and {tuple(r) for r in rows} >= {(p.kind, p.period, p.scope) for p in plan.sheets}


def _ensure_townships(conn: Connection, county: str, new: dict[str, str]) -> dict[str, int]:
    """The county's township ids: its reference townships, plus ``new`` (name → source: roster | rows)
    that its rows introduced. A roster's townships become the county's authority (source ``roster``).

    Insert-if-missing on ``township(county, name)``, then read back: a township another writer created
    meanwhile is used, not created twice (and not an error)."""
    t = Township.__table__

    def read() -> dict[str, tuple[int, str]]:
        return {r.name: (r.id, r.source) for r in conn.execute(select(t.c.name, t.c.id, t.c.source).where(t.c.county == county))}

    have = read()
    refs = [ref for ref in get_settings().townships if ref.county == county and ref.name not in have]
    _insert_missing(conn, t, [dict(county=county, name=ref.name, lon=ref.lon, lat=ref.lat, coord_note=ref.coord_note,
                                   source="reference") for ref in refs], ["county", "name"])
    ref_names = {ref.name for ref in refs}
    _insert_missing(conn, t, [dict(county=county, name=name, lon=None, lat=None, coord_note="", source=source)
                              for name, source in new.items() if name not in have and name not in ref_names],
                    ["county", "name"])
    roster = [name for name, source in new.items() if source == "roster"]
    if roster:
        conn.execute(update(t).where((t.c.county == county) & t.c.name.in_(roster) & (t.c.source == "rows"))
                     .values(source="roster"))
    return {name: tid for name, (tid, _) in read().items()}


def _village_ids(conn: Connection, pairs: pd.DataFrame) -> dict[tuple[int, str], int]:
    """(township id, village name) → village id, creating the missing villages (insert-if-missing on
    ``village(township_id, name)``, then read back)."""
    v = Village.__table__
    tids = [int(x) for x in pairs["township_id"].unique()]

    def read() -> dict[tuple[int, str], int]:
        return {(r.township_id, r.name): r.id for r in conn.execute(select(v.c.id, v.c.township_id, v.c.name)
                                                                    .where(v.c.township_id.in_(tids)))}

    have = read()
    missing = {(int(tid), name) for tid, name in pairs.itertuples(index=False)} - set(have)
    if missing:
        _insert_missing(conn, v, [{"township_id": tid, "name": name} for tid, name in sorted(missing)],
                        ["township_id", "name"])
        have = read()
    return have


def subject_of(kind: str, facts: pd.DataFrame) -> str:
    """What of its kind a batch speaks for (``LoadBatch.subject``): for 指标数据, its indicators — a sheet of other
    indicators (another department's) does not replace it, a sheet of the same ones does; "" for other kinds."""
    if kind != "indicators" or "indicator" not in facts:
        return ""
    keys = ",".join(sorted(set(facts["indicator"].dropna())))
    if len(keys) <= 64:
        return keys
    import hashlib

    return f"{len(set(facts['indicator'].dropna()))}项:" + hashlib.sha256(keys.encode()).hexdigest()[:40]


def _write_sheet(conn: Connection, plan: FilePlan, sp: SheetPlan, township_ids: dict, progress) -> dict:
    b = LoadBatch.__table__
    subject = subject_of(sp.kind, sp.facts)
    same = (b.c.kind == sp.kind) & (b.c.period == sp.period) & (b.c.county == plan.county) & (b.c.status == BATCH_ACTIVE) \
        & (b.c.subject == subject)
    current = conn.execute(select(b.c.id, b.c.scope, b.c.file_name).where(same)).all()
    if sp.scope != COUNTY_WIDE:
        wide = [r for r in current if r.scope == COUNTY_WIDE]
        if wide:
            raise LoadError(Problem(
                f"{periods.label(sp.period)}的{sp.label}已有全县数据（批次 #{wide[0].id}，{wide[0].file_name}），"
                f"不能再单独载入{sp.scope}的数据", file=plan.file, sheet=sp.sheet,
                hint="请报送全县更正后的文件，或先撤销该全县批次"))
        current = [r for r in current if r.scope == sp.scope]
    note = "；".join(sp.skipped)
    rep = getattr(sp, "report", {}) or {}
    loaded = int(rep.get("loaded", sp.rows_read - len(sp.skipped)))
    report = json.dumps(rep, ensure_ascii=False)
    replaced = [r.id for r in current]
    if replaced:   # first, so that the new batch is never a second active one (uq_batch_active)
        conn.execute(update(b).where(b.c.id.in_(replaced)).values(status=BATCH_SUPERSEDED))
    batch_id = conn.execute(b.insert().values(
        file_name=plan.file, sha256=plan.sha256, sheet=sp.sheet, kind=sp.kind, period=sp.period,
        period_end=periods.effective_month(sp.kind, sp.period), county=plan.county, scope=sp.scope,
        rows_read=sp.rows_read, rows_loaded=loaded, rows_rejected=sp.rows_read - loaded,
        loaded_at=datetime.now().replace(microsecond=0), status=BATCH_ACTIVE, subject=subject,
        note=note, report=report)).inserted_primary_key[0]
    if replaced:
        conn.execute(update(b).where(b.c.id.in_(replaced)).values(superseded_by=batch_id))
    facts = _prepare(conn, sp, township_ids, batch_id)
    bulk_insert(conn, FACT_TABLES[sp.kind], facts, progress, f"{plan.file} / {sp.sheet}")
    for name, frame in (getattr(sp, "extra", None) or {}).items():
        extra = frame.assign(batch_id=batch_id, src_sheet=sp.sheet)
        table = EXTRA_TABLES[name]
        bulk_insert(conn, table, extra[[c.name for c in table.columns if c.name in extra.columns and c.name != "id"]])
    return {"batch": batch_id, "kind": sp.kind, "label": sp.label, "sheet": sp.sheet, "period": sp.period,
            "scope": sp.scope, "rows_read": sp.rows_read, "facts": len(facts), "skipped": len(sp.skipped),
            "superseded": replaced}


def _prepare(conn: Connection, sp: SheetPlan, township_ids: dict, batch_id: int) -> pd.DataFrame:
    facts = sp.facts.copy()
    facts["township_id"] = facts["township"].map(township_ids, na_action="ignore")
    if "village" in facts:
        has = facts["village"].notna() & facts["township_id"].notna()
        ids = _village_ids(conn, facts.loc[has, ["township_id", "village"]].drop_duplicates())
        facts["village_id"] = [ids.get((int(t), v)) if h else None
                               for t, v, h in zip(facts["township_id"].fillna(0), facts["village"], has)]
    facts["batch_id"] = batch_id
    facts["src_sheet"] = sp.sheet
    table = FACT_TABLES[sp.kind]
    cols = [c.name for c in table.columns if c.name in facts.columns and c.name != "id"]
    return facts[cols]


def _plain(col: pd.Series) -> list:
    """A column as a list of plain Python values for the driver (numpy ints as int, NA as None)."""
    values = col.astype(object)
    return values.where(col.notna(), None).tolist()


def _dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns as ISO text in one step (what the driver would otherwise do one value at a time)."""
    import datetime as dt

    out = None
    for c in frame.columns:
        col = frame[c]
        if col.dtype == object:
            sample = col.dropna()
            if len(sample) and isinstance(sample.iloc[0], dt.date) and not isinstance(sample.iloc[0], dt.datetime):
                out = frame.copy() if out is None else out
                out[c] = pd.to_datetime(col).dt.strftime("%Y-%m-%d").where(col.notna(), None)
    return frame if out is None else out


def bulk_insert(conn: Connection, table, frame: pd.DataFrame, progress: Progress | None = None, label: str = "") -> None:
    """executemany in chunks through the driver, inside the caller's transaction."""
    cols = list(frame.columns)
    stmt = table.insert().values({c: bindparam(c) for c in cols}).compile(dialect=conn.dialect)
    sql = str(stmt)
    order = list(stmt.positiontup) if stmt.positional else None
    n = len(frame)
    frame = _dates_as_text(frame)
    columns = {c: _plain(frame[c]) for c in cols}         # Python values, None for empty, once per column
    for start in range(0, n, CHUNK):
        if order:
            params = list(zip(*(columns[c][start:start + CHUNK] for c in order)))
        else:
            params = [dict(zip(cols, row)) for row in zip(*(columns[c][start:start + CHUNK] for c in cols))]
        conn.exec_driver_sql(sql, params)
        if progress:
            progress(label, min(start + CHUNK, n), n)




# ---------------------------------------------------------------------------- undo / redo
def _batch(conn, batch_id: int, status: str, may: str):
    """The batch row, which must exist and have ``status`` for the action ``may`` describes."""
    b = LoadBatch.__table__
    row = conn.execute(select(b).where(b.c.id == batch_id)).mappings().first()
    if row is None:
        raise LoadError(Problem(f"没有批次 #{batch_id}"))
    if row["status"] != status:
        raise LoadError(Problem(f"批次 #{batch_id} 的状态是“{STATUS_LABEL[row['status']]}”，{may}"))
    return row


def undo(engine: Engine, batch_id: int, check: Check | None = None) -> str:
    """Undo an active batch: it becomes 'undone' and the batch it had superseded is active again. ``check``
    (conn, the batch, the batches it brings back) runs inside the transaction, before it commits: raising
    there leaves everything as it was."""
    with write_transaction(engine) as conn:
        row, back = undo_on(conn, batch_id)
        if check:
            check(conn, dict(row), list(back))
    restored = f"，恢复批次 #{'、#'.join(map(str, back))}" if back else ""
    return f"已撤销批次 #{batch_id}（{row['file_name']}，{KIND_LABEL.get(row['kind'], row['kind'])}，" \
           f"{periods.label(row['period'])}）{restored}"


def undo_on(conn: Connection, batch_id: int) -> tuple[dict, list[int]]:
    """:func:`undo` inside the caller's write transaction: (the batch, the batches it brings back)."""
    b = LoadBatch.__table__
    row = _batch(conn, batch_id, BATCH_ACTIVE, "只能撤销有效的批次")
    conn.execute(update(b).where(b.c.id == batch_id).values(status=BATCH_UNDONE))
    back = conn.execute(select(b.c.id).where(b.c.superseded_by == batch_id).order_by(b.c.id)).scalars().all()
    if back:
        conn.execute(update(b).where(b.c.id.in_(back)).values(status=BATCH_ACTIVE, superseded_by=None))
    return dict(row), list(back)


def redo(engine: Engine, batch_id: int, check: Check | None = None) -> str:
    """Make an undone batch active again; the batch active for its kind, period and scope is superseded.
    ``check`` as for :func:`undo` (with the batches it supersedes)."""
    with write_transaction(engine) as conn:
        row, current = redo_on(conn, batch_id)
        if check:
            check(conn, dict(row), list(current))
    replaced = f"，替代批次 #{'、#'.join(map(str, current))}" if current else ""
    return f"已恢复批次 #{batch_id}（{row['file_name']}）{replaced}"


def redo_on(conn: Connection, batch_id: int) -> tuple[dict, list[int]]:
    """:func:`redo` inside the caller's write transaction: (the batch, the batches it supersedes)."""
    b = LoadBatch.__table__
    row = _batch(conn, batch_id, BATCH_UNDONE, "只能恢复已撤销的批次")
    same = (b.c.kind == row["kind"]) & (b.c.period == row["period"]) & (b.c.county == row["county"]) \
        & (b.c.status == BATCH_ACTIVE) & (b.c.subject == row["subject"])
    if row["scope"] != "全县":
        same = same & ((b.c.scope == row["scope"]) | (b.c.scope == "全县"))
    current = conn.execute(select(b.c.id).where(same)).scalars().all()
    if current:
        conn.execute(update(b).where(b.c.id.in_(current)).values(status=BATCH_SUPERSEDED, superseded_by=batch_id))
    conn.execute(update(b).where(b.c.id == batch_id).values(status=BATCH_ACTIVE, superseded_by=None))
    return dict(row), list(current)


def batch_row(engine: Engine, batch_id: int) -> dict | None:
    b = LoadBatch.__table__
    with engine.connect() as conn:
        row = conn.execute(select(b).where(b.c.id == batch_id)).mappings().first()
    return dict(row) if row else None
