"""What every indicator query shares: the scope (snapshot, township, county), the tables, the periods and batches
in effect, and :func:`scoped`, the one helper for the filter steps every query repeats."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Engine

from rural import catalogue, periods
from rural.db import (
    BATCH_ACTIVE, AssistancePayment, EmploymentResult, IncomeRecord, LoadBatch, MonitoredHousehold, PlatformCase,
    Project, Township, Village, WelfarePost, WorkRecord,
)


B = LoadBatch.__table__


T = Township.__table__


MH = MonitoredHousehold.__table__


INC = IncomeRecord.__table__


EMP = EmploymentResult.__table__


WP = WelfarePost.__table__


AS = AssistancePayment.__table__


PC = PlatformCase.__table__


PJ = Project.__table__


WR = WorkRecord.__table__


V = Village.__table__


NO_RISK = "（未填报风险类型）"


COUNTY_LEVEL = "县本级"


_MEMOS: list = []


def clear_caches() -> None:
    """Forget every kept result (:func:`memo`, and the county indicators' figures): a benchmark's cold start."""
    for cache in _MEMOS:
        cache.clear()
    from rural.indicators import county

    county.clear_cache()


def memo(fn):
    """Keep an indicator function's results for the data version (a load, an undo or a redo changes it) and the
    catalogue: one page, the cockpit's comparisons or the meeting pack ask for the same monitoring totals several
    times, and on a county of a million people each costs a scan. Each caller gets its own copy."""
    import copy
    import functools
    import threading
    from collections import OrderedDict

    cache: OrderedDict = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(fn)
    def wrapper(engine: Engine, scope: "Scope", *args, **kwargs):
        from rural.db import data_version

        key = (engine.url.render_as_string(hide_password=False), data_version(engine), catalogue.reference_version(),
               scope, args, tuple(sorted(kwargs.items())))
        with lock:
            if key in cache:
                cache.move_to_end(key)
                return copy.deepcopy(cache[key])
        got = fn(engine, scope, *args, **kwargs)
        with lock:
            cache[key] = got
            while len(cache) > 64:
                cache.popitem(last=False)
        return copy.deepcopy(got)

    wrapper.cache_clear = cache.clear
    _MEMOS.append(cache)
    return wrapper


@dataclass(frozen=True)
class Scope:
    """Filters shared by all indicators."""

    as_of: str | None = None
    township: str | None = None
    county: str | None = None


# ------------------------------------------------------------------------------- periods
def counties(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(B.c.county).where(B.c.status == BATCH_ACTIVE).distinct().order_by(B.c.county))]


def county_of(engine: Engine, county: str | None = None) -> str | None:
    found = counties(engine)
    if county:
        return county
    return found[0] if found else None


def snapshots(engine: Engine, county: str | None = None) -> list[str]:
    """Months that have any active data, newest last."""
    county = county_of(engine, county)
    with engine.connect() as conn:
        q = select(B.c.period_end).where((B.c.status == BATCH_ACTIVE) & (B.c.county == county)).distinct()
        return sorted(r[0] for r in conn.execute(q))


def latest_as_of(engine: Engine, county: str | None = None) -> str | None:
    s = snapshots(engine, county)
    return s[-1] if s else None


def townships(engine: Engine, county: str | None = None) -> list[str]:
    county = county_of(engine, county)
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(T.c.name).where(T.c.county == county).order_by(T.c.id))]


def _period(conn, kind: str, scope: Scope, pattern: str | None = None) -> str | None:
    """Latest active period of ``kind`` in effect at ``as_of`` (its batch's ``period_end``, the month it speaks
    for: a 2024 project library from January 2024); ``pattern``: year | half."""
    q = select(B.c.period, B.c.period_end).where((B.c.kind == kind) & (B.c.status == BATCH_ACTIVE) & (B.c.county == scope.county))
    if scope.as_of:
        q = q.where(B.c.period_end <= scope.as_of)
    found = [(r[0], r[1]) for r in conn.execute(q.distinct())]
    if pattern:
        found = [(p, e) for p, e in found if periods.kind_of(p) == pattern]
    return max(found, key=lambda pe: (pe[1], pe[0]))[0] if found else None


def _batches(kind: str, period: str, county: str):
    return select(B.c.id).where((B.c.kind == kind) & (B.c.period == period) & (B.c.status == BATCH_ACTIVE)
                                & (B.c.county == county)).scalar_subquery()


def _township_filter(table, scope: Scope):
    if not scope.township:
        return True
    return table.c.township_id == select(T.c.id).where((T.c.name == scope.township) & (T.c.county == scope.county)).scalar_subquery()


def _resolve(engine: Engine, scope: Scope) -> Scope:
    county = county_of(engine, scope.county)
    return Scope(scope.as_of or latest_as_of(engine, county), scope.township or None, county)


def periods_date(iso: str) -> date:
    return date.fromisoformat(iso)


def scoped(table, kind: str, period: str, scope: Scope):
    """The one filter every indicator query applies: rows of ``table`` in the active batches of ``kind`` for
    ``period`` in the scope's county, and of the scope's township when it names one."""
    return table.c.batch_id.in_(_batches(kind, period, scope.county)) & _township_filter(table, scope)
