"""收入: per-capita net income of the households lifted out of poverty, growth, low-income bands."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine

from rural import periods
from rural.db import (
    BATCH_ACTIVE,
)
from rural.numbers import per_capita_yuan, ratio_pct
from rural.settings import get_settings
from rural.indicators.base import (
    B, T, INC, Scope, townships, _period, _township_filter, _resolve, scoped,
)


# -------------------------------------------------------------------------------- income
def income_per_capita(engine: Engine, scope: Scope, period: str) -> dict | None:
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        q = select(func.sum(INC.c.total_fen), func.sum(INC.c.people), func.sum(INC.c.households)).where(
            scoped(INC, "income", period, scope))
        total, people, hh = conn.execute(q).one()
    if not people:
        return None
    return {"period": period, "per_capita": float(per_capita_yuan(total, people)), "people": int(people),
            "households": int(hh), "total_fen": int(total)}


def income_bands(engine: Engine, scope: Scope, period: str) -> list[dict]:
    """Households and people with per-capita income under each band (settings). Unknown (None) when the
    period's rows are totals of townships or villages rather than households: a band cannot be read off
    an average."""
    scope = _resolve(engine, scope)
    bands = get_settings().income_bands
    with engine.connect() as conn:
        where = scoped(INC, "income", period, scope)
        if conn.execute(select(func.count()).where(where & (INC.c.households > 1))).scalar():
            return [{"threshold": b, "households": None, "people": None} for b in bands]
        cols = []
        for b in bands:
            under = INC.c.per_capita_fen < b * 100
            cols += [func.coalesce(func.sum(case((under, INC.c.households), else_=0)), 0),
                     func.coalesce(func.sum(case((under, INC.c.people), else_=0)), 0)]
        row = conn.execute(select(*cols).where(scoped(INC, "income", period, scope)
                                                & _township_filter(INC, scope))).one()
    return [{"threshold": b, "households": int(row[2 * i]), "people": int(row[2 * i + 1])} for i, b in enumerate(bands)]


def _growth(engine: Engine, scope: Scope, period: str) -> dict:
    now = income_per_capita(engine, scope, period)
    before = income_per_capita(engine, scope, periods.previous_year(period))
    out = {"period": period, "per_capita": now and now["per_capita"], "previous": before and before["per_capita"],
           "change": None, "growth_pct": None}
    if now and before:
        change = Decimal(str(now["per_capita"])) - Decimal(str(before["per_capita"]))
        out["change"] = float(change)
        out["growth_pct"] = ratio_pct(change, Decimal(str(before["per_capita"])))
    return out


def income_summary(engine: Engine, scope: Scope) -> dict:
    """Latest full year with growth and low-income bands; latest half-year with growth."""
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        year = _period(conn, "income", scope, "year")
        half = _period(conn, "income", scope, "half")
    out: dict = {"year": int(year) if year else None}
    if year:
        g = _growth(engine, scope, year)
        out |= {"per_capita": g["per_capita"], "previous": g["previous"], "change": g["change"], "growth_pct": g["growth_pct"]}
        for band in income_bands(engine, scope, year):
            out[f"under_{band['threshold']}_households"] = band["households"]
            out[f"under_{band['threshold']}_people"] = band["people"]
    if half:
        g = _growth(engine, scope, half)
        out |= {"latest_period": half, "latest_per_capita": g["per_capita"], "latest_change": g["change"],
                "latest_growth_pct": g["growth_pct"]}
    return out


def income_series(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Per-capita income for every loaded year and half-year, with growth on the same period a year earlier."""
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        q = select(B.c.period).where((B.c.kind == "income") & (B.c.status == BATCH_ACTIVE) & (B.c.county == scope.county)
                                     & (B.c.period_end <= scope.as_of)).distinct()
        found = sorted({r[0] for r in conn.execute(q)}, key=lambda p: (periods.kind_of(p) != "year", p))
    rows = [_growth(engine, scope, p) for p in found]
    return pd.DataFrame(rows, columns=["period", "per_capita", "previous", "change", "growth_pct"])


def income_by_township(engine: Engine, scope: Scope, period: str | None = None) -> pd.DataFrame:
    scope = _resolve(engine, Scope(scope.as_of, None, scope.county))
    bands = get_settings().income_bands
    with engine.connect() as conn:
        period = period or _period(conn, "income", scope, "year")
        if period is None:
            return pd.DataFrame(columns=["name", "households", "people", "per_capita"])
        low = bands[-1] * 100
        q = (select(T.c.name, func.sum(INC.c.households), func.sum(INC.c.people), func.sum(INC.c.total_fen),
                    func.sum(case((INC.c.per_capita_fen < low, INC.c.households), else_=0)))
             .select_from(INC.join(T, INC.c.township_id == T.c.id))
             .where(scoped(INC, "income", period, scope)).group_by(T.c.name))
        rows = conn.execute(q).all()
    df = pd.DataFrame([{"name": r[0], "households": int(r[1]), "people": int(r[2]),
                        "per_capita": float(per_capita_yuan(r[3], r[2])), f"under_{bands[-1]}_households": int(r[4])}
                       for r in rows])
    order = [t for t in townships(engine, scope.county) if t in set(df.get("name", []))]
    return df.set_index("name").reindex(order).reset_index() if len(df) else df
