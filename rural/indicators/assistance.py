"""社会救助: assistance paid by type and over time; the assistance platform's cases."""
from __future__ import annotations


import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine

from rural import periods
from rural.db import (
    BATCH_ACTIVE,
)
from rural.numbers import fen_to_wan, rate_pct
from rural.reference import display_order
from rural.indicators.base import (
    B, T, AS, PC, Scope, _period, _township_filter, _resolve, periods_date, scoped,
)


# ---------------------------------------------------------------------------- assistance
def assistance_by_type(engine: Engine, scope: Scope) -> dict:
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        period = _period(conn, "assistance", scope)
        if period is None:
            return {"period": None, "types": []}
        q = (select(AS.c.type, func.sum(AS.c.person_times), func.sum(AS.c.amount_fen))
             .where(scoped(AS, "assistance", period, scope))
             .group_by(AS.c.type))
        got = {t: (int(n), int(a)) for t, n, a in conn.execute(q)}
    order = display_order("assistance_types", sorted(got))
    return {"period": period, "types": [{"name": t, "person_times": got[t][0], "amount_wan": fen_to_wan(got[t][1]),
                                         "amount_fen": got[t][1]} for t in order]}


def assistance_trend(engine: Engine, scope: Scope) -> pd.DataFrame:
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        q = (select(B.c.period, AS.c.type, func.sum(AS.c.person_times), func.sum(AS.c.amount_fen))
             .select_from(AS.join(B, AS.c.batch_id == B.c.id))
             .where((B.c.status == BATCH_ACTIVE) & (B.c.county == scope.county) & (B.c.period_end <= scope.as_of)
                    & _township_filter(AS, scope))
             .group_by(B.c.period, AS.c.type).order_by(B.c.period))
        rows = conn.execute(q).all()
    return pd.DataFrame([{"period": p, "type": t, "person_times": int(n), "amount_wan": fen_to_wan(a)} for p, t, n, a in rows],
                        columns=["period", "type", "person_times", "amount_wan"])


def platform_summary(engine: Engine, scope: Scope) -> dict:
    """Cases received in the snapshot's year up to its end, and how many of them were closed by then."""
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        period = _period(conn, "platform", scope)
        if period is None:
            return {"period": None, "received": None, "closed": None, "closure_rate_pct": None}
        start, end = periods_date(f"{period[:4]}-01-01"), periods.end_date(period)
        in_year = (PC.c.received_on >= start) & (PC.c.received_on <= end)
        # closed by the snapshot's end: by its date, or by its status when the ledger gives no dates
        closed = (PC.c.closed_on.is_not(None) & (PC.c.closed_on <= end)) | (PC.c.closed_on.is_(None) & PC.c.closed)
        row = conn.execute(select(func.coalesce(func.sum(case((in_year, 1), else_=0)), 0),
                                  func.coalesce(func.sum(case((in_year & closed, 1), else_=0)), 0))
                           .where(scoped(PC, "platform", period, scope)
                                  & _township_filter(PC, scope))).one()
    received, done = int(row[0]), int(row[1])
    return {"period": period, "received": received, "closed": done, "closure_rate_pct": rate_pct(done, received)}


# ----------------------------------------------------------------------- by township, alerts
def assistance_by_township(engine: Engine, scope: Scope) -> pd.DataFrame:
    scope = _resolve(engine, Scope(scope.as_of, None, scope.county))
    with engine.connect() as conn:
        period = _period(conn, "assistance", scope)
        if period is None:
            return pd.DataFrame(columns=["name", "person_times", "amount_wan"])
        q = (select(T.c.name, func.sum(AS.c.person_times), func.sum(AS.c.amount_fen))
             .select_from(AS.join(T, AS.c.township_id == T.c.id))
             .where(scoped(AS, "assistance", period, scope)).group_by(T.c.name))
        rows = conn.execute(q).all()
    return pd.DataFrame([{"name": n, "person_times": int(p), "amount_wan": fen_to_wan(a)} for n, p, a in rows],
                        columns=["name", "person_times", "amount_wan"])
