"""工作台账: warning leads, cadres and paired households; industry acreage and loans."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from rural.numbers import fen_to_wan
from rural.indicators.base import (
    T, WR, Scope, townships, _period, _township_filter, _resolve, scoped,
)


# ---------------------------------------------------------------------------------- work
def _work_items() -> tuple[str, ...]:
    """The work items' codes in display order (``vocab/work_items.csv``)."""
    from rural.reference import vocab

    v = vocab("work_items")
    return tuple(v.attrs[name]["代码"] for name in v.order)


WORK_ITEMS = _work_items()


def work_summary(engine: Engine, scope: Scope) -> dict:
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        period = _period(conn, "work", scope)
        out = {"period": period}
        if period is None:
            return out | {k: None for k in WORK_ITEMS}
        q = (select(WR.c.item, func.sum(WR.c.value_c)).where(scoped(WR, "work", period, scope)
                                                            & _township_filter(WR, scope)).group_by(WR.c.item))
        got = {k: int(v) // 100 for k, v in conn.execute(q)}
    return out | {k: got.get(k) for k in WORK_ITEMS}


def work_by_township(engine: Engine, scope: Scope) -> pd.DataFrame:
    scope = _resolve(engine, Scope(scope.as_of, None, scope.county))
    with engine.connect() as conn:
        period = _period(conn, "work", scope)
        if period is None:
            return pd.DataFrame(columns=["name", *WORK_ITEMS])
        q = (select(T.c.name, WR.c.item, func.sum(WR.c.value_c)).select_from(WR.join(T, WR.c.township_id == T.c.id))
             .where(scoped(WR, "work", period, scope)).group_by(T.c.name, WR.c.item))
        df = pd.DataFrame(conn.execute(q).all(), columns=["name", "item", "value"])
    df["value"] = df["value"].astype("int64") // 100
    wide = df.pivot(index="name", columns="item", values="value").reindex(columns=list(WORK_ITEMS))
    order = [t for t in townships(engine, scope.county) if t in wide.index]
    return wide.reindex(order).reset_index().rename(columns={"index": "name"})


def industry_items(engine: Engine, scope: Scope) -> dict:
    """Industry acreage (亩) and loans (万元), county level."""
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        period = _period(conn, "industry", scope)
        if period is None:
            return {"period": None, "items": [], "loans": [], "cattle_loans_wan": None}
        q = (select(WR.c.label, WR.c.item, WR.c.category, func.sum(WR.c.value_c)).where(
            scoped(WR, "industry", period, scope)).group_by(WR.c.label, WR.c.item, WR.c.category)
            .order_by(func.min(WR.c.id)))
        rows = conn.execute(q).all()
    items = [{"name": r[0], "category": r[2] or "", "area_mu": _hundredths(r[3])} for r in rows if r[1] == "industry_area"]
    loans = [{"name": r[0], "amount_wan": fen_to_wan(r[3])} for r in rows if r[1] == "loan"]
    cattle = next((x["amount_wan"] for x in loans if "肉牛" in x["name"]), None)
    return {"period": period, "items": items, "loans": loans, "cattle_loans_wan": cattle}


def _hundredths(v) -> int | float:
    d = Decimal(int(v)) / 100
    return int(d) if d == d.to_integral_value() else float(d)
