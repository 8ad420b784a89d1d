"""Indicator functions: SQLAlchemy Core queries that aggregate in the database and return small results.

Every number on a page, in an export or in the summary comes from one of these. Each takes an
engine and the filters (``as_of`` month ``YYYY-MM``, ``township`` name or None for the county) and
picks, per source kind, the latest active batch period not after ``as_of``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Engine

from rural import catalogue, periods, status as vocab_status
from rural.db import (
    BATCH_ACTIVE, AssistancePayment, EmploymentResult, IncomeRecord, LoadBatch, MonitoredHousehold, PlatformCase,
    Project, Township, Village, WelfarePost, WorkRecord,
)
from rural.numbers import fen_to_wan, fmt_int, per_capita_yuan, rate_pct, ratio_pct
from rural.reference import display_order, kind_label, kind_labels
from rural.settings import get_settings

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

        key = (engine.url.render_as_string(hide_password=False), data_version(engine), id(catalogue.catalogue()),
               id(get_settings()), id(vocab_status._all()), scope, args, tuple(sorted(kwargs.items())))
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


# ---------------------------------------------------------------------------- monitoring
@memo
def monitoring_overview(engine: Engine, scope: Scope) -> dict:
    """Cumulative monitored households and people, eliminated, rates, new identifications in the year."""
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        period = _period(conn, "monitoring", scope)
        if period is None:
            return {"period": None}
        where = MH.c.batch_id.in_(_batches("monitoring", period, scope.county)) & _township_filter(MH, scope)
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
            "new_households": nh, "new_people": np_}


def periods_date(iso: str) -> date:
    return date.fromisoformat(iso)


@memo
def monitoring_breakdown(engine: Engine, scope: Scope, by: str) -> pd.DataFrame:
    """Households, people, eliminated and rates by ``township``, ``village``, ``category`` or ``risk_type``."""
    scope = _resolve(engine, scope)
    cols = ["name", "households", "people", "eliminated_households", "eliminated_people",
            "elimination_rate_people", "elimination_rate_households"]
    with engine.connect() as conn:
        period = _period(conn, "monitoring", scope)
        if period is None:
            return pd.DataFrame(columns=cols)
        key = {"township": T.c.name, "village": V.c.name, "category": MH.c.category, "risk_type": MH.c.risk_type}[by]
        src = MH.join(T, MH.c.township_id == T.c.id)
        if by == "village":
            src = src.outerjoin(V, MH.c.village_id == V.c.id)
        q = (select(key.label("name"), func.count().label("households"), func.sum(MH.c.people).label("people"),
                    func.sum(case((MH.c.eliminated, 1), else_=0)).label("eliminated_households"),
                    func.sum(case((MH.c.eliminated, MH.c.people), else_=0)).label("eliminated_people"))
             .select_from(src)
             .where(MH.c.batch_id.in_(_batches("monitoring", period, scope.county)) & _township_filter(MH, scope))
             .group_by(key))
        df = pd.DataFrame(conn.execute(q).mappings().all(), columns=cols[:5])
    df["name"] = df["name"].fillna("（未填村）" if by == "village" else NO_RISK if by == "risk_type" else "（未填）")
    df["elimination_rate_people"] = [rate_pct(a, b) for a, b in zip(df["eliminated_people"], df["people"])]
    df["elimination_rate_households"] = [rate_pct(a, b) for a, b in zip(df["eliminated_households"], df["households"])]
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
                                       "elimination_rate_people", "elimination_rate_households", "new_households", "new_people"])


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
             .where(MH.c.batch_id.in_(_batches("monitoring", period, scope.county)) & _township_filter(MH, scope))
             .order_by(V.c.name, MH.c.household_key).limit(limit))
        if village:
            q = q.where(V.c.name == village)
        df = pd.DataFrame(conn.execute(q).all(), columns=cols)
    df["per_capita_income"] = df["per_capita_income"].map(lambda f: None if pd.isna(f) else float(Decimal(int(f)) / 100))
    return df


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
        q = (select(WR.c.item, func.sum(WR.c.value_c)).where(WR.c.batch_id.in_(_batches("work", period, scope.county))
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
             .where(WR.c.batch_id.in_(_batches("work", period, scope.county))).group_by(T.c.name, WR.c.item))
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
            WR.c.batch_id.in_(_batches("industry", period, scope.county))).group_by(WR.c.label, WR.c.item, WR.c.category)
            .order_by(func.min(WR.c.id)))
        rows = conn.execute(q).all()
    items = [{"name": r[0], "category": r[2] or "", "area_mu": _hundredths(r[3])} for r in rows if r[1] == "industry_area"]
    loans = [{"name": r[0], "amount_wan": fen_to_wan(r[3])} for r in rows if r[1] == "loan"]
    cattle = next((x["amount_wan"] for x in loans if "肉牛" in x["name"]), None)
    return {"period": period, "items": items, "loans": loans, "cattle_loans_wan": cattle}


def _hundredths(v) -> int | float:
    d = Decimal(int(v)) / 100
    return int(d) if d == d.to_integral_value() else float(d)


# -------------------------------------------------------------------------------- income
def income_per_capita(engine: Engine, scope: Scope, period: str) -> dict | None:
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        q = select(func.sum(INC.c.total_fen), func.sum(INC.c.people), func.sum(INC.c.households)).where(
            INC.c.batch_id.in_(_batches("income", period, scope.county)) & _township_filter(INC, scope))
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
        where = INC.c.batch_id.in_(_batches("income", period, scope.county)) & _township_filter(INC, scope)
        if conn.execute(select(func.count()).where(where & (INC.c.households > 1))).scalar():
            return [{"threshold": b, "households": None, "people": None} for b in bands]
        cols = []
        for b in bands:
            under = INC.c.per_capita_fen < b * 100
            cols += [func.coalesce(func.sum(case((under, INC.c.households), else_=0)), 0),
                     func.coalesce(func.sum(case((under, INC.c.people), else_=0)), 0)]
        row = conn.execute(select(*cols).where(INC.c.batch_id.in_(_batches("income", period, scope.county))
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
             .where(INC.c.batch_id.in_(_batches("income", period, scope.county))).group_by(T.c.name))
        rows = conn.execute(q).all()
    df = pd.DataFrame([{"name": r[0], "households": int(r[1]), "people": int(r[2]),
                        "per_capita": float(per_capita_yuan(r[3], r[2])), f"under_{bands[-1]}_households": int(r[4])}
                       for r in rows])
    order = [t for t in townships(engine, scope.county) if t in set(df.get("name", []))]
    return df.set_index("name").reindex(order).reset_index() if len(df) else df


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
             .where(EMP.c.batch_id.in_(_batches("employment", period, scope.county)) & _township_filter(EMP, scope))
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
             .where(EMP.c.batch_id.in_(_batches("employment", period, scope.county))).group_by(T.c.name, EMP.c.indicator))
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
                           .where(WP.c.batch_id.in_(_batches("welfare_posts", period, scope.county))
                                  & _township_filter(WP, scope))).one()
    return {"period": period, "posts": int(row[0] or 0), "post_subsidy_wan": fen_to_wan(row[1] or 0),
            "insurance_subsidy_wan": fen_to_wan(row[2] or 0)}


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
            ).where(PJ.c.batch_id.in_(_batches(kind, p, scope.county)) & _township_filter(PJ, scope)
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
             .where(PJ.c.batch_id.in_(_batches(kind, p, scope.county)) & _township_filter(PJ, scope) & and_(True, cond))
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
             .where(PJ.c.batch_id.in_(_batches("projects", period, scope.county)) & _township_filter(PJ, scope))
             .order_by(PJ.c.id))
        if text:
            like = f"%{text}%"
            q = q.where(PJ.c.name.like(like) | PJ.c.content.like(like) | T.c.name.like(like))
        df = pd.DataFrame(conn.execute(q).all(), columns=cols)
    df["investment_wan"] = df["investment_wan"].map(_wan)
    df["township"] = df["township"].fillna(COUNTY_LEVEL)
    return df


# ---------------------------------------------------------------------------- assistance
def assistance_by_type(engine: Engine, scope: Scope) -> dict:
    scope = _resolve(engine, scope)
    with engine.connect() as conn:
        period = _period(conn, "assistance", scope)
        if period is None:
            return {"period": None, "types": []}
        q = (select(AS.c.type, func.sum(AS.c.person_times), func.sum(AS.c.amount_fen))
             .where(AS.c.batch_id.in_(_batches("assistance", period, scope.county)) & _township_filter(AS, scope))
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
                           .where(PC.c.batch_id.in_(_batches("platform", period, scope.county))
                                  & _township_filter(PC, scope))).one()
    received, done = int(row[0]), int(row[1])
    return {"period": period, "received": received, "closed": done, "closure_rate_pct": rate_pct(done, received)}


# ------------------------------------------------------------------------------- summary
def summary(engine: Engine, scope: Scope = Scope()) -> dict:
    """The headline indicators (``python -m rural summary``), from the functions above."""
    scope = _resolve(engine, scope)
    mon = monitoring_overview(engine, scope)
    work = work_summary(engine, scope)
    industry = industry_items(engine, scope)
    return {
        "county": scope.county, "as_of": scope.as_of, "township": scope.township,
        "monitoring": mon,
        "work": work,
        "income": income_summary(engine, scope),
        "employment": employment_status(engine, scope) | {"welfare_posts": welfare_posts(engine, scope)},
        "projects": project_shares(engine, scope),
        "assistance": assistance_by_type(engine, scope) | {"platform": platform_summary(engine, scope)},
        "industry": industry,
        "indicators": [{k: v[k] for k in ("key", "name", "value", "unit", "target", "status", "period")}
                       for v in county_indicators.county_values(engine, scope)],
    }



# ----------------------------------------------------------------------- by township, alerts
def assistance_by_township(engine: Engine, scope: Scope) -> pd.DataFrame:
    scope = _resolve(engine, Scope(scope.as_of, None, scope.county))
    with engine.connect() as conn:
        period = _period(conn, "assistance", scope)
        if period is None:
            return pd.DataFrame(columns=["name", "person_times", "amount_wan"])
        q = (select(T.c.name, func.sum(AS.c.person_times), func.sum(AS.c.amount_fen))
             .select_from(AS.join(T, AS.c.township_id == T.c.id))
             .where(AS.c.batch_id.in_(_batches("assistance", period, scope.county))).group_by(T.c.name))
        rows = conn.execute(q).all()
    return pd.DataFrame([{"name": n, "person_times": int(p), "amount_wan": fen_to_wan(a)} for n, p, a in rows],
                        columns=["name", "person_times", "amount_wan"])


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
             .where(PJ.c.batch_id.in_(_batches("projects", period, scope.county))).group_by(T.c.name))
        rows = conn.execute(q).all()
    return pd.DataFrame([{"name": n, "count": int(c), "investment_wan": _wan(v), "industrial_investment_wan": _wan(i),
                          "industrial_share_pct": rate_pct(i, v)} for n, c, v, i in rows], columns=cols)


def township_table(engine: Engine, scope: Scope) -> pd.DataFrame:
    """One row per township with the indicators the ranking and the map show, and its map position."""
    scope = _resolve(engine, Scope(scope.as_of, None, scope.county))
    with engine.connect() as conn:
        pos = pd.DataFrame(conn.execute(select(T.c.name, T.c.lon, T.c.lat, T.c.coord_note)
                                        .where(T.c.county == scope.county).order_by(T.c.id)).all(),
                           columns=["name", "lon", "lat", "coord_note"])
    mon = monitoring_breakdown(engine, scope, "township")[["name", "households", "people", "eliminated_people",
                                                            "elimination_rate_people"]]
    inc = income_by_township(engine, scope)
    bands = get_settings().income_bands
    inc = inc.rename(columns={"households": "income_households", "people": "income_people",
                              f"under_{bands[-1]}_households": "low_income_households"})
    out = pos.merge(mon, on="name", how="left").merge(inc, on="name", how="left")
    out = out.merge(assistance_by_township(engine, scope).rename(columns={"amount_wan": "assistance_wan"})[
        ["name", "assistance_wan"]], on="name", how="left")
    out = out.merge(projects_by_township(engine, scope)[["name", "investment_wan"]], on="name", how="left")
    return out.merge(county_indicators.township_values(engine, scope), on="name", how="left")


def _alert(key: str, item: str, status: str, reason: str) -> dict:
    lv = vocab_status.status(status).level
    return {"key": key, "item": item, "status": status, "level": lv.key, "reason": reason}


@memo
def alerts(engine: Engine, scope: Scope) -> list[dict]:
    """Every judged item with its status (``status.toml``: one word, symbol and colour each) and the reason
    in words; the most urgent level first, then the catalogue's order."""
    scope = _resolve(engine, scope)
    th = vocab_status.threshold
    out = []
    emp = employment_status(engine, scope)
    for i in emp["indicators"]:
        gap = abs(Decimal(str(i["gap_pct"])))
        word = "高于" if i["status"] == "ahead" else "低于"
        out.append(_alert(f"employment:{i['name']}", catalogue.measure(f"employment:{i['name']}").name, i["status"],
                          f"完成目标任务的{i['completion_pct']:.2f}%，{word}时序进度{gap:.2f}个百分点"
                          f"（{periods.label(emp['period'], ytd=True)}，时序进度{emp['time_progress_pct']:.2f}%）"))
    shares = project_shares(engine, scope)
    ref = th("industrial_share_reference_pct")
    for key in ("library", "integrated"):
        s, name = shares.get(key), catalogue.measure(f"{key}_share").name
        if s and s["industrial_share_pct"] is not None:
            ok = s["industrial_share_pct"] >= ref
            out.append(_alert(f"projects:{key}", name, "meets_reference" if ok else "below_reference",
                              f"{s['industrial_share_pct']:.2f}%，{'达到' if ok else '低于'}{ref:g}%的政策参考线"))
    pf = platform_summary(engine, scope)
    if pf["closure_rate_pct"] is not None:
        r = pf["closure_rate_pct"]
        st_ = "closure_ok" if r >= th("platform_good_pct") else "closure_low" if r >= th("platform_watch_pct") else "closure_poor"
        out.append(_alert("platform", catalogue.measure("closure_rate_pct").name, st_,
                          f"今年受理{fmt_int(pf['received'])}件、办结{fmt_int(pf['closed'])}件，办结率{r:.2f}%"))
    inc = income_summary(engine, scope)
    low = get_settings().income_bands[0]
    n_low = inc.get(f"under_{low}_households")
    if n_low is not None:
        out.append(_alert("income:low", f"人均纯收入不足{low}元的户", "low_income_remaining" if n_low else "low_income_cleared",
                          f"{inc['year']}年{'仍有' + fmt_int(n_low) + '户' if n_low else '已全部消除'}"))
    if inc.get("growth_pct") is not None:
        up = inc["growth_pct"] > 0
        out.append(_alert("income:growth", catalogue.entry("per_capita_income").name, "income_growing" if up else "income_falling",
                          f"{inc['year']}年同比{'增长' if up else '下降'}{abs(inc['growth_pct']):.2f}%"))
    if not scope.township:
        mon = monitoring_overview(engine, scope)
        if mon.get("period"):
            county_rate = Decimal(str(mon["elimination_rate_people"] or 0))
            lag = Decimal(str(th("township_lag_pct")))
            for r in monitoring_breakdown(engine, scope, "township").itertuples():
                if r.elimination_rate_people is None:
                    continue
                gap = county_rate - Decimal(str(r.elimination_rate_people))
                if gap > lag:
                    out.append(_alert(f"township:{r.name}", f"{r.name}{catalogue.entry('elimination_rate').name}",
                                      "township_lagging",
                                      f"{r.elimination_rate_people:.2f}%，低于全县{county_rate:.2f}%达{gap:.2f}个百分点"))
    out += county_indicators.alerts(engine, scope)
    return sorted(out, key=lambda a: vocab_status.level(a["level"]).rank)


# The headlines (names, units, source kinds and how their periods compare) are the catalogue's measures
# (``indicators.toml``): "snapshot" (截至 a month: any two compare), "ytd" (year to date: two reports of the same
# year compare; across the new year's reset, the same months a year earlier), "annual" (a year or half-year:
# compared with the same period a year earlier). ``cumulative`` values add up within a year.


@memo
def headline_values(engine: Engine, scope: Scope) -> dict[str, tuple[object, str | None]]:
    """Each headline's value with the period of the report it comes from, by key (see ``HEADLINES``);
    employment completion rates added as ``employment:<indicator>``."""
    scope = _resolve(engine, scope)
    mon, inc, work = monitoring_overview(engine, scope), income_summary(engine, scope), work_summary(engine, scope)
    shares, asst = project_shares(engine, scope), assistance_by_type(engine, scope)
    pf = platform_summary(engine, scope)
    values = {k: (mon.get(k), mon.get("period")) for k in ("elimination_rate_people", "households", "people",
                                                          "eliminated_people", "new_households")}
    values |= {
        "per_capita": (inc.get("per_capita"), str(inc["year"]) if inc.get("year") else None),
        "latest_per_capita": (inc.get("latest_per_capita"), inc.get("latest_period")),
        "warning_leads": (work.get("warning_leads"), work.get("period")),
        "library_share": ((shares.get("library") or {}).get("industrial_share_pct"), shares.get("period")),
        "integrated_share": ((shares.get("integrated") or {}).get("industrial_share_pct"), shares.get("integrated_period")),
        "assistance_wan": (fen_to_wan(sum(t["amount_fen"] for t in asst["types"])) if asst["types"] else None, asst["period"]),
        "closure_rate_pct": (pf["closure_rate_pct"], pf["period"]),
    }
    emp = employment_status(engine, scope)
    for i in emp["indicators"]:
        values[f"employment:{i['name']}"] = (i["completion_pct"], emp["period"])
    for v in county_indicators.county_values(engine, scope):
        values[f"custom:{v['key']}"] = (v["value"], v["period"])
    return values


def headlines(engine: Engine, scope: Scope) -> dict:
    """The headline values of one snapshot, by key (see ``HEADLINES``); employment indicators added."""
    return {k: v for k, (v, _) in headline_values(engine, scope).items()}


def _meta(key: str) -> tuple[str, str, str, str]:
    m = catalogue.measure(key)
    return m.name, m.unit, catalogue.kind_of(m), m.compare or "snapshot"


def _label(kind: str, period: str, year_known: str | None = None) -> str:
    """A report's period as its kind labels it; the year left out when the reader already has it."""
    text = periods.kind_label(kind, period)
    return text.replace(f"{period[:4]}年", "", 1) if year_known == period[:4] and periods.kind_of(period) == "month" else text


def changes(engine: Engine, scope: Scope, compare_as_of: str | None) -> dict:
    """Each headline now and at the compared snapshot (the previous meeting), compared like with like.

    Every item says how it was compared (``basis``, ``compared``): ``changed`` between two reports of the
    same kind of period (snapshot to snapshot, 2023年1-4月 to 1-6月; a half-year or year to the same period a
    year earlier; across the new year's reset, to the same months a year earlier); ``no_new`` when no newer
    report has come in since (no change is stated); ``not_comparable`` when there is nothing like to compare
    with. ``worse``: items whose status became more urgent."""
    scope = _resolve(engine, scope)
    now = headline_values(engine, scope)
    then = headline_values(engine, Scope(compare_as_of, scope.township, scope.county)) if compare_as_of else {}
    cache: dict[str, dict] = {}

    def value_at(period: str, key: str, kind: str):
        """The headline ``key`` of the report of ``period`` itself (the same months a year earlier)."""
        if kind == "income":
            got = income_per_capita(engine, scope, period)
            return got and got["per_capita"]
        month = periods.end_month(period)
        if month not in cache:
            cache[month] = headline_values(engine, Scope(month, scope.township, scope.county))
        v, p = cache[month].get(key, (None, None))
        return v if p == period else None

    rows = []
    for key, (value, period) in now.items():
        name, unit, kind, form = _meta(key)
        before, before_period = then.get(key, (None, None))
        row = {"key": key, "name": name, "unit": unit, "kind": kind, "now": value, "now_period": period,
               "then": None, "then_period": None, "change": None, "basis": "not_comparable", "compared": "",
               "cumulative": catalogue.measure(key).cumulative}
        if value is None or period is None:
            row["compared"] = "无数据"
        elif not compare_as_of:
            row["compared"] = ""
        elif before_period == period:
            row |= {"basis": "no_new", "compared": f"无新报表（仍为{_label(kind, period)}）"}
        else:
            like = None
            if form == "snapshot" and before_period is not None:
                like = (before, before_period)
            elif form == "ytd" and before_period is not None and before_period[:4] == period[:4]:
                like = (before, before_period)
            elif form in ("ytd", "annual"):
                prev = periods.previous_year(period)
                like = (value_at(prev, key, kind), prev)
            if like and like[0] is not None:
                prev_v, prev_p = like
                same_year = prev_p[:4] == period[:4]
                then_label, now_label = _label(kind, prev_p), _label(kind, period, prev_p[:4] if same_year else None)
                row |= {"then": prev_v, "then_period": prev_p, "basis": "changed",
                        "change": float(Decimal(str(value)) - Decimal(str(prev_v))),
                        "then_label": then_label, "now_label": now_label,
                        "compared": f"{then_label}→{now_label}" + ("（上年同期）" if form == "ytd" and not same_year else "")}
            else:
                row["compared"] = ("上次会议时无数据" if before_period is None and form == "snapshot"
                                   else f"无可比数据（{_label(kind, periods.previous_year(period))}未载入）")
        rows.append(row)
    worse = []
    if compare_as_of:
        before_alerts = {a["key"]: a for a in alerts(engine, Scope(compare_as_of, scope.township, scope.county))}
        for a in alerts(engine, scope):
            b = before_alerts.get(a["key"])
            if b and vocab_status.level(a["level"]).rank < vocab_status.level(b["level"]).rank:
                worse.append({**a, "was": b["status"]})
    return {"as_of": scope.as_of, "compare": compare_as_of, "items": rows, "worse": worse}


def headline_differences(before: dict, after: dict) -> list[dict]:
    """The headlines (``headline_values`` of one snapshot) that differ between two states of the database —
    before and after a load or an undo — with the change where both are known."""
    rows = []
    for key in dict.fromkeys([*before, *after]):
        (b, _), (a, _) = before.get(key, (None, None)), after.get(key, (None, None))
        if a == b:
            continue
        name, unit, _, _ = _meta(key)
        change = None if a is None or b is None else float(Decimal(str(a)) - Decimal(str(b)))
        rows.append({"key": key, "name": name, "unit": unit, "then": b, "now": a, "change": change})
    return rows


def freshness(engine: Engine, scope: Scope) -> list[dict]:
    """Each source kind's latest report in effect at the snapshot against the one due by then (``status.toml``
    ``[freshness]``: a kind reported every N months owes the report ending in the last such month). ``late``
    items carry the sentence the cockpit and the briefing show: 就业：最新为2023年1-4月，1-6月报表尚未载入."""
    scope = _resolve(engine, scope)
    if not scope.as_of:
        return []
    with engine.connect() as conn:
        kinds = [r[0] for r in conn.execute(select(B.c.kind).where((B.c.status == BATCH_ACTIVE) & (B.c.county == scope.county)
                                                                    & (B.c.period_end <= scope.as_of)).distinct())]
        latest = {k: _period(conn, k, scope) for k in kinds}
    order = list(kind_labels())
    out = []
    for kind in sorted(kinds, key=lambda k: (order.index(k) if k in order else len(order), k)):
        period = latest[kind]
        every = vocab_status.report_every_months(kind)
        y, m = map(int, scope.as_of.split("-"))
        due_m = m - m % every
        due = f"{y - 1}-12" if due_m == 0 else f"{y}-{due_m:02d}"
        late = periods.end_month(period) < due and periods.effective_month(kind, period) < due
        item = {"kind": kind, "name": kind_label(kind), "latest": period, "latest_label": periods.kind_label(kind, period),
                "due": due, "late": late, "status": "report_late" if late else "report_current", "text": ""}
        if late:
            due_period = _due_period(kind, period, due)
            item["due_label"] = _label(kind, due_period, period[:4])
            item["text"] = f"{item['name']}：最新为{item['latest_label']}，{item['due_label']}报表尚未载入"
        out.append(item)
    return out


def _due_period(kind: str, latest: str, due_month: str) -> str:
    """The period code of the report due by ``due_month``, in the form the kind's reports take."""
    form = periods.kind_of(latest)
    y, m = due_month.split("-")
    if form == "year":
        return y if m == "12" else str(int(y) - 1)
    if form == "half":
        return f"{y}H{1 if int(m) <= 6 else 2}"
    if form == "quarter":
        return f"{y}Q{(int(m) - 1) // 3 + 1}"
    return due_month


def default_compare(engine: Engine, as_of: str, county: str | None = None) -> str | None:
    """The previous meeting's snapshot: two months earlier when it has data, else the latest before."""
    earlier = [s for s in snapshots(engine, county) if s < as_of]
    target = periods.shift_months(as_of, -2)
    if target in earlier:
        return target
    return earlier[-1] if earlier else None


# The county's own indicators (指标数据), reached through the same gateway (access.call → indicators.<name>).
from rural import county_indicators  # noqa: E402
from rural.county_indicators import (  # noqa: E402,F401
    county_values, indicator_areas, indicator_by_township, indicator_series, indicator_table,
)
