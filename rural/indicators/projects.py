"""项目: the project library and the integrated-funds plan, their industrial share against the 60% line."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Engine

from rural import status as vocab_status
from rural.numbers import rate_pct
from rural.settings import get_settings
from rural.indicators.base import (
    T, PJ, V, COUNTY_LEVEL, Scope, _period, _resolve, scoped,
)


# ------------------------------------------------------------------------------ projects
def project_shares(engine: Engine, scope: Scope) -> dict:
    """Counts and investment, total and industrial, for the library and for the integrated-funds plan."""
    scope = _resolve(engine, scope)
    industrial = PJ.c.category.in_(get_settings().industrial_categories)
    with engine.connect() as conn:
        period = _period(conn, "projects", scope)
        plan = _integrated_source(conn, scope, period)
        out = {"period": period, "integrated_period": plan[1] if plan else None,
               "integrated_source": ("plan" if plan and plan[0] == "integrated" else "library") if plan else None}
        for name, source in (("library", ("projects", period, True) if period else None), ("integrated", plan)):
            if source is None:
                out[name] = None
                continue
            kind, p, cond = source
            row = conn.execute(select(
                func.count(), func.coalesce(func.sum(PJ.c.investment_fen), 0),
                func.coalesce(func.sum(case((industrial, 1), else_=0)), 0),
                func.coalesce(func.sum(case((industrial, PJ.c.investment_fen), else_=0)), 0),
            ).where(scoped(PJ, kind, p, scope)
                    & and_(True, cond))).one()
            n, inv, n_ind, inv_ind = (int(x) for x in row)
            out[name] = {"count": n, "investment_wan": _wan(inv), "industrial_count": n_ind,
                         "industrial_investment_wan": _wan(inv_ind), "industrial_share_pct": rate_pct(inv_ind, inv),
                         "industrial_count_share_pct": rate_pct(n_ind, n)}
    out["reference_pct"] = vocab_status.threshold("industrial_share_reference_pct")
    return out


def _integrated_source(conn, scope: Scope, library_period: str | None):
    """Where the integrated-funds figures come from: a 统筹整合 plan loaded on its own (kind ``integrated``)
    when there is one in effect, else the library's projects flagged 纳入统筹整合. (kind, period, condition)."""
    plan = _period(conn, "integrated", scope)
    if plan is not None:
        return "integrated", plan, True
    return ("projects", library_period, PJ.c.integrated) if library_period else None


def _wan(fen: int) -> int | float:
    """万元 exactly: an integer when whole."""
    d = Decimal(int(fen)) / 1_000_000
    return int(d) if d == d.to_integral_value() else float(d)


def projects_by_category(engine: Engine, scope: Scope, integrated_only: bool = False) -> pd.DataFrame:
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        period = _period(conn, "projects", scope)
        source = _integrated_source(conn, scope, period) if integrated_only else ("projects", period, True)
        if source is None or source[1] is None:
            return pd.DataFrame(columns=["category", "count", "investment_wan"])
        kind, p, cond = source
        q = (select(PJ.c.category, func.count(), func.sum(PJ.c.investment_fen))
             .where(scoped(PJ, kind, p, scope) & and_(True, cond))
             .group_by(PJ.c.category).order_by(func.sum(PJ.c.investment_fen).desc()))
        rows = conn.execute(q).all()
    return pd.DataFrame([{"category": c, "count": int(n), "investment_wan": _wan(v)} for c, n, v in rows],
                        columns=["category", "count", "investment_wan"])


def project_list(engine: Engine, scope: Scope, text: str = "") -> pd.DataFrame:
    scope = _resolve(engine, scope)
    cols = ["name", "township", "village", "category", "investment_wan", "fund_source", "year", "integrated", "status",
            "content"]
    with engine.connect() as conn:
        period = _period(conn, "projects", scope)
        if period is None:
            return pd.DataFrame(columns=cols)
        q = (select(PJ.c.name, T.c.name, V.c.name, PJ.c.category, PJ.c.investment_fen, PJ.c.fund_source, PJ.c.year,
                    PJ.c.integrated, PJ.c.status, PJ.c.content)
             .select_from(PJ.outerjoin(T, PJ.c.township_id == T.c.id).outerjoin(V, PJ.c.village_id == V.c.id))
             .where(scoped(PJ, "projects", period, scope))
             .order_by(PJ.c.id))
        if text:
            like = f"%{text}%"
            q = q.where(PJ.c.name.like(like) | PJ.c.content.like(like) | T.c.name.like(like))
        df = pd.DataFrame(conn.execute(q).all(), columns=cols)
    df["investment_wan"] = df["investment_wan"].map(_wan)
    df["township"] = df["township"].fillna(COUNTY_LEVEL)
    return df


def projects_by_township(engine: Engine, scope: Scope) -> pd.DataFrame:
    scope = _resolve(engine, Scope(scope.as_of, None, scope.county))
    industrial = PJ.c.category.in_(get_settings().industrial_categories)
    cols = ["name", "count", "investment_wan", "industrial_investment_wan", "industrial_share_pct"]
    with engine.connect() as conn:
        period = _period(conn, "projects", scope)
        if period is None:
            return pd.DataFrame(columns=cols)
        q = (select(T.c.name, func.count(), func.sum(PJ.c.investment_fen),
                    func.sum(case((industrial, PJ.c.investment_fen), else_=0)))
             .select_from(PJ.join(T, PJ.c.township_id == T.c.id))
             .where(scoped(PJ, "projects", period, scope)).group_by(T.c.name))
        rows = conn.execute(q).all()
    return pd.DataFrame([{"name": n, "count": int(c), "investment_wan": _wan(v), "industrial_investment_wan": _wan(i),
                          "industrial_share_pct": rate_pct(i, v)} for n, c, v, i in rows], columns=cols)
