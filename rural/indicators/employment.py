"""就业: completion of the employment targets against time progress; public-welfare posts."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from rural import periods, status as vocab_status
from rural.numbers import fen_to_wan, rate_pct
from rural.reference import display_order
from rural.indicators.base import (
    T, EMP, WP, Scope, _period, _township_filter, _resolve, scoped,
)


# ---------------------------------------------------------------------------- employment
def employment_status(engine: Engine, scope: Scope) -> dict:
    """Each indicator's target, done and completion against time progress, with its status."""
    scope = _resolve(engine, scope)
    gap = vocab_status.threshold("far_behind_gap_pct")
    with engine.connect() as conn:
        period = _period(conn, "employment", scope)
        if period is None:
            return {"period": None, "time_progress_pct": None, "indicators": []}
        q = (select(EMP.c.indicator, func.sum(EMP.c.target), func.sum(EMP.c.done), func.min(EMP.c.id))
             .where(scoped(EMP, "employment", period, scope))
             .group_by(EMP.c.indicator).order_by(func.min(EMP.c.id)))
        rows = conn.execute(q).all()
    rows = sorted(rows, key=lambda r: display_order("employment_indicators", [x[0] for x in rows]).index(r[0]))
    progress = periods.time_progress_pct(period)
    items = []
    for name, target, done, _ in rows:
        pct = rate_pct(done, target)
        items.append({"name": name, "target": int(target), "done": int(done), "completion_pct": pct,
                      "gap_pct": float(Decimal(str(pct)) - Decimal(str(progress))), "status": status_of(pct, progress, gap)})
    return {"period": period, "time_progress_pct": progress, "indicators": items}


def status_of(completion: float | None, progress: float, far_gap: float) -> str:
    if completion is None:
        return "behind"
    if completion >= progress:
        return "ahead"
    return "far_behind" if progress - completion > far_gap else "behind"


def employment_by_township(engine: Engine, scope: Scope) -> pd.DataFrame:
    scope = _resolve(engine, Scope(scope.as_of, None, scope.county))
    with engine.connect() as conn:
        period = _period(conn, "employment", scope)
        if period is None:
            return pd.DataFrame(columns=["name", "indicator", "target", "done", "completion_pct"])
        q = (select(T.c.name, EMP.c.indicator, func.sum(EMP.c.target), func.sum(EMP.c.done))
             .select_from(EMP.join(T, EMP.c.township_id == T.c.id))
             .where(scoped(EMP, "employment", period, scope)).group_by(T.c.name, EMP.c.indicator))
        df = pd.DataFrame(conn.execute(q).all(), columns=["name", "indicator", "target", "done"])
    df["completion_pct"] = [rate_pct(d, t) for d, t in zip(df["done"], df["target"])]
    return df


def welfare_posts(engine: Engine, scope: Scope) -> dict:
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        period = _period(conn, "welfare_posts", scope)
        if period is None:
            return {"period": None, "posts": None, "post_subsidy_wan": None, "insurance_subsidy_wan": None}
        row = conn.execute(select(func.sum(WP.c.posts), func.sum(WP.c.post_subsidy_fen), func.sum(WP.c.insurance_subsidy_fen))
                           .where(scoped(WP, "welfare_posts", period, scope)
                                  & _township_filter(WP, scope))).one()
    return {"period": period, "posts": int(row[0] or 0), "post_subsidy_wan": fen_to_wan(row[1] or 0),
            "insurance_subsidy_wan": fen_to_wan(row[2] or 0)}
