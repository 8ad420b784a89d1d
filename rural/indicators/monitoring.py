"""监测帮扶: monitored households and people, risk elimination, new identifications, the drill-down to households."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine

from rural.db import (
    BATCH_ACTIVE,
)
from rural.numbers import rate_pct
from rural.reference import display_order
from rural.indicators.base import (
    B, T, MH, V, NO_RISK, memo, Scope, townships, _period, _resolve, periods_date, scoped,
)


# ---------------------------------------------------------------------------- monitoring
@memo
def monitoring_overview(engine: Engine, scope: Scope) -> dict:
    """Cumulative monitored households and people, eliminated, rates, new identifications in the year."""
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        period = _period(conn, "monitoring", scope)
        if period is None:
            return {"period": None}
        where = scoped(MH, "monitoring", period, scope)
        start = f"{period[:4]}-01-01"
        new = MH.c.identified_on >= periods_date(start)
        row = conn.execute(select(
            func.count(), func.coalesce(func.sum(MH.c.people), 0),
            func.coalesce(func.sum(case((MH.c.eliminated, 1), else_=0)), 0),
            func.coalesce(func.sum(case((MH.c.eliminated, MH.c.people), else_=0)), 0),
            func.coalesce(func.sum(case((new, 1), else_=0)), 0),
            func.coalesce(func.sum(case((new, MH.c.people), else_=0)), 0),
        ).where(where)).one()
    hh, people, eh, ep, nh, np_ = (int(x) for x in row)
    return {"period": period, "households": hh, "people": people, "eliminated_households": eh, "eliminated_people": ep,
            "elimination_rate_people": rate_pct(ep, people), "elimination_rate_households": rate_pct(eh, hh),
            "new_households": nh, "new_people": np_, "remaining_people": people - ep}


@memo
def monitoring_breakdown(engine: Engine, scope: Scope, by: str) -> pd.DataFrame:
    """Households, people, eliminated and rates by ``township``, ``village``, ``category`` or ``risk_type``."""
    scope = _resolve(engine, scope)
    cols = ["name", "households", "people", "eliminated_households", "eliminated_people",
            "elimination_rate_people", "elimination_rate_households"]
    with engine.connect() as conn:
        period = _period(conn, "monitoring", scope)
        if period is None:
            return pd.DataFrame(columns=[*cols, "remaining_people"])
        key = {"township": T.c.name, "village": V.c.name, "category": MH.c.category, "risk_type": MH.c.risk_type}[by]
        src = MH.join(T, MH.c.township_id == T.c.id)
        if by == "village":
            src = src.outerjoin(V, MH.c.village_id == V.c.id)
        q = (select(key.label("name"), func.count().label("households"), func.sum(MH.c.people).label("people"),
                    func.sum(case((MH.c.eliminated, 1), else_=0)).label("eliminated_households"),
                    func.sum(case((MH.c.eliminated, MH.c.people), else_=0)).label("eliminated_people"))
             .select_from(src)
             .where(scoped(MH, "monitoring", period, scope))
             .group_by(key))
        df = pd.DataFrame(conn.execute(q).mappings().all(), columns=cols[:5])
    df["name"] = df["name"].fillna("（未填村）" if by == "village" else NO_RISK if by == "risk_type" else "（未填）")
    df["elimination_rate_people"] = [rate_pct(a, b) for a, b in zip(df["eliminated_people"], df["people"])]
    df["elimination_rate_households"] = [rate_pct(a, b) for a, b in zip(df["eliminated_households"], df["households"])]
    df["remaining_people"] = (df["people"] - df["eliminated_people"]).astype("int64")
    if by == "township":
        order = townships(engine, scope.county)
        df = df.set_index("name").reindex([t for t in order if t in set(df["name"])]).reset_index()
    elif by == "category":
        df = df.set_index("name").reindex(display_order("monitoring_categories", df["name"])).reset_index()
    else:
        df = df.sort_values("people", ascending=False, kind="stable").reset_index(drop=True)
    return df


@memo
def monitoring_trend(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Elimination across all active monitoring snapshots up to ``as_of``."""
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        q = select(B.c.period).where((B.c.kind == "monitoring") & (B.c.status == BATCH_ACTIVE)
                                     & (B.c.county == scope.county) & (B.c.period_end <= scope.as_of)).distinct()
        found = sorted(r[0] for r in conn.execute(q))
    rows = [monitoring_overview(engine, Scope(p, scope.township, scope.county)) for p in found]
    return pd.DataFrame(rows, columns=["period", "households", "people", "eliminated_households", "eliminated_people",
                                       "elimination_rate_people", "elimination_rate_households", "new_households", "new_people",
                                       "remaining_people"])


def household_list(engine: Engine, scope: Scope, village: str | None = None, limit: int = 5000) -> pd.DataFrame:
    """Households of a township (and village): key, category, risk, status, income. Never names or ID numbers."""
    scope = _resolve(engine, scope)
    cols = ["household_key", "village", "category", "risk_type", "people", "identified_on", "eliminated",
            "eliminated_on", "per_capita_income"]
    with engine.connect() as conn:
        period = _period(conn, "monitoring", scope)
        if period is None or not scope.township:
            return pd.DataFrame(columns=cols)
        q = (select(MH.c.household_key, V.c.name.label("village"), MH.c.category, MH.c.risk_type, MH.c.people,
                    MH.c.identified_on, MH.c.eliminated, MH.c.eliminated_on, MH.c.per_capita_income_fen)
             .select_from(MH.outerjoin(V, MH.c.village_id == V.c.id))
             .where(scoped(MH, "monitoring", period, scope))
             .order_by(V.c.name, MH.c.household_key).limit(limit))
        if village:
            q = q.where(V.c.name == village)
        df = pd.DataFrame(conn.execute(q).all(), columns=cols)
    df["per_capita_income"] = df["per_capita_income"].map(lambda f: None if pd.isna(f) else float(Decimal(int(f)) / 100))
    return df
