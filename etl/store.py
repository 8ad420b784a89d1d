"""Write side: one checked file plan into the database in one transaction; undo and redo of batches.

Nothing here parses files: :mod:`etl.load` hands over a :class:`~etl.load.FilePlan` whose every row
has been checked. A corrected file for the same kind, period, county and scope supersedes the
active batch, which is kept for history.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Callable

import pandas as pd
from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection, Engine

from etl.errors import LoadError, Problem
from etl.sources import KIND_LABEL
from rural import periods
from rural.db import (
    BATCH_ACTIVE, BATCH_SUPERSEDED, BATCH_UNDONE, EXTRA_TABLES, FACT_TABLES, LoadBatch, Township, Village,
)
from rural.settings import get_settings

if TYPE_CHECKING:
    from etl.load import FilePlan, SheetPlan

CHUNK = 50_000
Progress = Callable[[str, int, int], None]
COUNTY_WIDE = "全县"
STATUS_LABEL = {BATCH_ACTIVE: "有效", BATCH_SUPERSEDED: "已被替代", BATCH_UNDONE: "已撤销"}


def write_plan(engine: Engine, plan: FilePlan, progress: Progress | None = None) -> list[dict]:
    """Write a checked plan in one transaction; returns the batches created."""
    created = []
    with engine.begin() as conn:
        township_ids = _ensure_townships(conn, plan.county, getattr(plan, "new_townships", None) or {})
        for sp in plan.sheets:
            created.append(_write_sheet(conn, plan, sp, township_ids, progress))
    return created


def _ensure_townships(conn: Connection, county: str, new: dict[str, str]) -> dict[str, int]:
    """The county's township ids: its reference townships, plus ``new`` (name → source: roster | rows)
    that its rows introduced. A roster's townships become the county's authority (source ``roster``)."""
    t = Township.__table__
    have = {r.name: (r.id, r.source) for r in conn.execute(select(t.c.name, t.c.id, t.c.source).where(t.c.county == county))}
    for ref in get_settings().townships:
        if ref.county == county and ref.name not in have:
            tid = conn.execute(t.insert().values(county=county, name=ref.name, lon=ref.lon, lat=ref.lat,
                                                 coord_note=ref.coord_note, source="reference")).inserted_primary_key[0]
            have[ref.name] = (tid, "reference")
    for name, source in new.items():
        if name not in have:
            tid = conn.execute(t.insert().values(county=county, name=name, coord_note="", source=source)).inserted_primary_key[0]
            have[name] = (tid, source)
        elif source == "roster" and have[name][1] == "rows":
            conn.execute(update(t).where(t.c.id == have[name][0]).values(source="roster"))
    return {name: tid for name, (tid, _) in have.items()}


def _village_ids(conn: Connection, pairs: pd.DataFrame) -> dict[tuple[int, str], int]:
    v = Village.__table__
    tids = [int(x) for x in pairs["township_id"].unique()]
    have = {(r.township_id, r.name): r.id for r in conn.execute(select(v).where(v.c.township_id.in_(tids)))}
    for tid, name in pairs.itertuples(index=False):
        if (int(tid), name) not in have:
            have[(int(tid), name)] = conn.execute(v.insert().values(township_id=int(tid), name=name)).inserted_primary_key[0]
    return have


def _write_sheet(conn: Connection, plan: FilePlan, sp: SheetPlan, township_ids: dict, progress) -> dict:
    b = LoadBatch.__table__
    same = (b.c.kind == sp.kind) & (b.c.period == sp.period) & (b.c.county == plan.county) & (b.c.status == BATCH_ACTIVE)
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
    report = json.dumps(getattr(sp, "report", {}) or {}, ensure_ascii=False)
    batch_id = conn.execute(b.insert().values(
        file_name=plan.file, sha256=plan.sha256, sheet=sp.sheet, kind=sp.kind, period=sp.period,
        period_end=periods.end_month(sp.period), county=plan.county, scope=sp.scope, rows_read=sp.rows_read,
        rows_loaded=sp.rows_read - len(sp.skipped),
        rows_rejected=len(sp.skipped), loaded_at=datetime.now().replace(microsecond=0), status=BATCH_ACTIVE,
        note=note, report=report)).inserted_primary_key[0]
    if current:
        conn.execute(update(b).where(b.c.id.in_([r.id for r in current]))
                     .values(status=BATCH_SUPERSEDED, superseded_by=batch_id))
    facts = _prepare(conn, sp, township_ids, batch_id)
    bulk_insert(conn, FACT_TABLES[sp.kind], facts, progress, f"{plan.file} / {sp.sheet}")
    for name, frame in (getattr(sp, "extra", None) or {}).items():
        extra = frame.assign(batch_id=batch_id, src_sheet=sp.sheet)
        table = EXTRA_TABLES[name]
        bulk_insert(conn, table, extra[[c.name for c in table.columns if c.name in extra.columns and c.name != "id"]])
    return {"batch": batch_id, "kind": sp.kind, "label": sp.label, "sheet": sp.sheet, "period": sp.period,
            "scope": sp.scope, "rows_read": sp.rows_read, "facts": len(facts), "skipped": len(sp.skipped),
            "superseded": [r.id for r in current]}


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


def bulk_insert(conn: Connection, table, frame: pd.DataFrame, progress: Progress | None = None, label: str = "") -> None:
    """executemany in chunks through the driver, inside the caller's transaction."""
    cols = list(frame.columns)
    stmt = table.insert().values({c: bindparam(c) for c in cols}).compile(dialect=conn.dialect)
    sql = str(stmt)
    order = list(stmt.positiontup) if stmt.positional else None
    n = len(frame)
    for start in range(0, n, CHUNK):
        part = frame.iloc[start:start + CHUNK].astype(object)
        part = part.where(part.notna(), None)
        if order:
            params = list(part[order].itertuples(index=False, name=None))
        else:
            params = part.to_dict("records")
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


def undo(engine: Engine, batch_id: int) -> str:
    """Undo an active batch: it becomes 'undone' and the batch it had superseded is active again."""
    b = LoadBatch.__table__
    with engine.begin() as conn:
        row = _batch(conn, batch_id, BATCH_ACTIVE, "只能撤销有效的批次")
        conn.execute(update(b).where(b.c.id == batch_id).values(status=BATCH_UNDONE))
        back = conn.execute(select(b.c.id).where(b.c.superseded_by == batch_id).order_by(b.c.id)).scalars().all()
        if back:
            conn.execute(update(b).where(b.c.id.in_(back)).values(status=BATCH_ACTIVE, superseded_by=None))
    restored = f"，恢复批次 #{'、#'.join(map(str, back))}" if back else ""
    return f"已撤销批次 #{batch_id}（{row['file_name']}，{KIND_LABEL.get(row['kind'], row['kind'])}，" \
           f"{periods.label(row['period'])}）{restored}"


def redo(engine: Engine, batch_id: int) -> str:
    """Make an undone batch active again; the batch active for its kind, period and scope is superseded."""
    b = LoadBatch.__table__
    with engine.begin() as conn:
        row = _batch(conn, batch_id, BATCH_UNDONE, "只能恢复已撤销的批次")
        same = (b.c.kind == row["kind"]) & (b.c.period == row["period"]) & (b.c.county == row["county"]) \
            & (b.c.status == BATCH_ACTIVE)
        if row["scope"] != "全县":
            same = same & ((b.c.scope == row["scope"]) | (b.c.scope == "全县"))
        current = conn.execute(select(b.c.id).where(same)).scalars().all()
        if current:
            conn.execute(update(b).where(b.c.id.in_(current)).values(status=BATCH_SUPERSEDED, superseded_by=batch_id))
        conn.execute(update(b).where(b.c.id == batch_id).values(status=BATCH_ACTIVE, superseded_by=None))
    replaced = f"，替代批次 #{'、#'.join(map(str, current))}" if current else ""
    return f"已恢复批次 #{batch_id}（{row['file_name']}）{replaced}"


