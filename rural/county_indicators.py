"""The county's own indicators (指标数据, the catalogue's county entries): values, targets, status, trend and
township ranking — the five requirements of rural revitalization (产业兴旺 … 生活富裕) and whatever else a county
reports — all driven by ``indicators.toml``.

Which value counts: per indicator and period, the newest active batch that carries it (two departments' sheets of
one period stand side by side; a corrected sheet of the same indicators replaces its predecessor). The county
figure is the county's own reported row (全县 / 合计) when there is one, else the townships' rows aggregated as the
catalogue says (sum; ratio of the 分子 and 分母 sums; mean weighted by 分母; count of units reaching
``count_at_least``; ``latest``: the reported county figure only). A township's figure is its own row, else its
villages' rows aggregated the same way. The value in effect at a snapshot is the latest period whose report
speaks for a month not after it.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from rural import catalogue, periods, status as vocab_status
from rural.db import BATCH_ACTIVE, IndicatorValue, LoadBatch, Township, Village
from rural.indicators import Scope, _resolve, townships

B = LoadBatch.__table__
IV = IndicatorValue.__table__
T = Township.__table__
V = Village.__table__
KIND = catalogue.CUSTOM_KIND
E4 = Decimal(10_000)
COUNTY = "全县"


# ------------------------------------------------------------------------------------ the rows
def _rows(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Every value row in effect for the county up to ``as_of``: (indicator, period, period_end, batch, township,
    village, value, numerator, denominator, target), the newest active batch per indicator and period only.
    The one place the filter steps are written: county, active batches of the kind, up to the snapshot."""
    q = (select(IV.c.indicator, B.c.period, B.c.period_end, IV.c.batch_id, T.c.name.label("township"),
                V.c.name.label("village"), IV.c.value_e4, IV.c.numerator_e4, IV.c.denominator_e4, IV.c.target_e4)
         .select_from(IV.join(B, IV.c.batch_id == B.c.id).outerjoin(T, IV.c.township_id == T.c.id)
                      .outerjoin(V, IV.c.village_id == V.c.id))
         .where((B.c.kind == KIND) & (B.c.status == BATCH_ACTIVE) & (B.c.county == scope.county)))
    if scope.as_of:
        q = q.where(B.c.period_end <= scope.as_of)
    with engine.connect() as conn:
        df = pd.DataFrame(conn.execute(q).all(), columns=["indicator", "period", "period_end", "batch", "township",
                                                          "village", "value", "numerator", "denominator", "target"])
    if df.empty:
        return df
    newest = df.groupby(["indicator", "period"])["batch"].transform("max")
    return df[df["batch"] == newest]


def _dec(v) -> Decimal | None:
    return None if v is None or pd.isna(v) else Decimal(int(v)) / E4


def _round(d: Decimal | None, ind: catalogue.Indicator) -> float | None:
    if d is None:
        return None
    q = d.quantize(Decimal(1).scaleb(-ind.precision), rounding=ROUND_HALF_UP)
    return int(q) if ind.precision == 0 else float(q)


def _aggregate(rows: pd.DataFrame, ind: catalogue.Indicator) -> Decimal | None:
    """The figure of a set of unit rows (townships, or villages), as the catalogue says."""
    rows = rows[rows["value"].notna() | rows["numerator"].notna()]
    if rows.empty or ind.aggregate == "latest":
        return None
    if ind.aggregate == "sum":
        return Decimal(int(rows["value"].sum())) / E4 if rows["value"].notna().all() else None
    if ind.aggregate == "count":
        return Decimal(int((rows["value"] >= int(ind.count_at_least * E4)).sum()))
    if rows["denominator"].isna().any() or not rows["denominator"].sum():
        return None
    den = Decimal(int(rows["denominator"].sum()))
    if ind.aggregate == "ratio":
        if rows["numerator"].isna().any():
            return None
        return Decimal(int(rows["numerator"].sum())) * (100 if ind.unit == "%" else 1) / den
    weighted = sum(Decimal(int(v)) * Decimal(int(w)) for v, w in zip(rows["value"], rows["denominator"]))
    return weighted / den / E4          # weighted: mean of the values, 分母 the weights


def _figure(rows: pd.DataFrame, ind: catalogue.Indicator, township: str | None) -> tuple[Decimal | None, bool]:
    """(value, reported) of the county (``township`` None) or a township in one period's rows."""
    if township is None:
        own = rows[rows["township"].isna()]
        units = rows[rows["township"].notna() & rows["village"].isna()]
        if units.empty:                     # villages only: the county is their aggregate
            units = rows[rows["village"].notna()]
    else:
        mine = rows[rows["township"] == township]
        own, units = mine[mine["village"].isna()], mine[mine["village"].notna()]
    if len(own) and own["value"].notna().any():
        return _dec(own["value"].dropna().iloc[0]), True
    return _aggregate(units, ind), False


def _target(rows: pd.DataFrame, ind: catalogue.Indicator, township: str | None, period: str) -> Decimal | None:
    """The year's target of the county (``township`` None) or a township: the sheet's for the period, else the
    sheet's of another report of the same year (2023年目标 sent with 截至2023年6月), else (county) the catalogue's."""
    def own(r):
        return r[r["township"].isna()] if township is None else r[(r["township"] == township) & r["village"].isna()]

    for part in (rows[rows["period"] == period], rows[rows["period"].str[:4] == period[:4]].sort_values("period_end")):
        got = own(part)["target"].dropna()
        if len(got):
            return _dec(got.iloc[-1])
    return ind.target(period[:4]) if township is None else None


def status_of(ind: catalogue.Indicator, value: Decimal | None, target: Decimal | None,
              period: str | None = None) -> str | None:
    """The status key of a value against its target, by the catalogue's rule (``status.toml`` words)."""
    if value is None or target is None or ind.status == "none" or ind.direction == "none":
        return None
    if ind.status == "reference":
        ref = ind.reference if ind.reference is not None else target
        ok = value >= ref if ind.direction == "up" else value <= ref
        return "meets_reference" if ok else "below_reference"
    if ind.status == "time_progress" and period:
        progress = Decimal(str(periods.time_progress_pct(periods.end_month(period))))
        done = value * 100 / target if target else Decimal(0)
        gap = Decimal(str(vocab_status.threshold("far_behind_gap_pct")))
        return "ahead" if done >= progress else "far_behind" if progress - done > gap else "behind"
    ok = value >= target if ind.direction == "up" else value <= target
    if ok:
        return "target_met"
    gap = abs(value - target) * 100 / abs(target) if target else Decimal(100)
    return "target_missed" if gap <= Decimal(str(vocab_status.threshold("target_gap_watch_pct"))) else "target_far"


def completion_pct(value: Decimal | None, target: Decimal | None) -> float | None:
    if value is None or not target:
        return None
    return float((value * 100 / target).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _latest(rows: pd.DataFrame) -> str | None:
    if rows.empty:
        return None
    ends = rows.drop_duplicates("period").sort_values(["period_end", "period"])
    return ends["period"].iloc[-1]


# ------------------------------------------------------------------------------------ the values
def _value(ind: catalogue.Indicator, rows: pd.DataFrame, township: str | None) -> dict:
    """One indicator's figure in effect: the latest period with a value for the unit, its target and status."""
    out = {"key": ind.key, "name": ind.name, "unit": ind.unit, "precision": ind.precision, "area": ind.area,
           "section": ind.section, "definition": ind.definition, "source": ind.source, "direction": ind.direction,
           "period": None, "period_label": "", "value": None, "target": None, "completion_pct": None,
           "status": None, "reported": False}
    for period in rows.drop_duplicates("period").sort_values(["period_end", "period"], ascending=False)["period"]:
        part = rows[rows["period"] == period]
        value, reported = _figure(part, ind, township)
        if value is None:
            continue
        target = _target(rows, ind, township, period)
        out |= {"period": period, "period_label": periods.kind_label(KIND, period), "value": _round(value, ind),
                "target": _round(target, ind), "completion_pct": completion_pct(value, target),
                "status": status_of(ind, value, target, period), "reported": reported}
        break
    return out


def county_values(engine: Engine, scope: Scope, area: str | None = None) -> list[dict]:
    """Every county indicator (of ``area``) with data up to the snapshot: value, period, target, completion and
    status for the county or the scope's township, in the catalogue's order."""
    scope = _resolve(engine, scope)
    rows = _rows(engine, scope)
    if rows.empty:
        return []
    out = []
    for ind in catalogue.custom():
        if area and ind.area != area:
            continue
        mine = rows[rows["indicator"] == ind.key]
        if mine.empty:
            continue
        v = _value(ind, mine, scope.township)
        if v["period"] is not None or v["target"] is not None:
            out.append(v)
    return out


def indicator_areas(engine: Engine, scope: Scope) -> list[str]:
    """The areas the county has indicators for (their pages and cockpit sections), in the catalogue's order."""
    scope = _resolve(engine, Scope(scope.as_of, None, scope.county))
    rows = _rows(engine, Scope(None, None, scope.county))
    have = {catalogue.entry(k).area for k in rows["indicator"].unique() if k in catalogue.CATALOGUE} if len(rows) else set()
    return [a.key for a in catalogue.areas() if a.key in have]


def indicator_series(engine: Engine, scope: Scope, key: str) -> pd.DataFrame:
    """One indicator for every loaded period up to the snapshot: value and target (county or township)."""
    scope = _resolve(engine, scope)
    ind = catalogue.entry(key)
    rows = _rows(engine, scope)
    cols = ["period", "period_label", "value", "target", "status"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    rows = rows[rows["indicator"] == key]
    out = []
    for period in rows.drop_duplicates("period").sort_values(["period_end", "period"])["period"]:
        part = rows[rows["period"] == period]
        value, _ = _figure(part, ind, scope.township)
        target = _target(rows, ind, scope.township, period)
        out.append({"period": period, "period_label": periods.kind_label(KIND, period), "value": _round(value, ind),
                    "target": _round(target, ind), "status": status_of(ind, value, target, period)})
    return pd.DataFrame(out, columns=cols)


def indicator_by_township(engine: Engine, scope: Scope, key: str) -> pd.DataFrame:
    """Each township's figure of one indicator in the latest period up to the snapshot, against the county's
    (gap in points for a rate, in the unit otherwise), with its target, status against it, and whether it is
    behind the county by more than ``township_lag_pct``; best first."""
    scope = _resolve(engine, Scope(scope.as_of, None, scope.county))
    ind = catalogue.entry(key)
    cols = ["rank", "name", "value", "county_value", "gap", "target", "completion_pct", "status", "county_status"]
    rows = _rows(engine, scope)
    rows = rows[rows["indicator"] == key] if len(rows) else rows
    period = _latest(rows[rows["township"].notna()]) if len(rows) else None
    if period is None:
        return pd.DataFrame(columns=cols)
    part = rows[rows["period"] == period]
    county, _ = _figure(part, ind, None)
    lag = Decimal(str(vocab_status.threshold("township_lag_pct")))
    out = []
    for name in townships(engine, scope.county):
        value, _ = _figure(part, ind, name)
        if value is None:
            continue
        target = _target(rows, ind, name, period)
        gap = None if county is None else (value - county) * (1 if ind.direction != "down" else -1)
        behind = gap is not None and -gap > (lag if ind.unit == "%" else abs(county) * lag / 100)
        out.append({"name": name, "value": _round(value, ind), "county_value": _round(county, ind),
                    "gap": _round(gap, ind) if gap is not None else None, "target": _round(target, ind),
                    "completion_pct": completion_pct(value, target), "status": status_of(ind, value, target, period),
                    "county_status": None if gap is None else "township_lagging" if behind else "above_county"})
    df = pd.DataFrame(out, columns=cols[1:])
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df.sort_values("value", ascending=ind.direction == "down", kind="stable").reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    df.attrs["period"] = period
    return df


def indicator_table(engine: Engine, scope: Scope, area: str | None = None) -> pd.DataFrame:
    """The table of the county indicators (of ``area``): the page's and the Excel pack's, one function for both."""
    vals = county_values(engine, scope, area)
    cols = ["name", "period_label", "value", "unit", "target", "completion_pct", "status", "definition"]
    return pd.DataFrame([{c: v[c] for c in cols} for v in vals], columns=cols)


def township_values(engine: Engine, scope: Scope) -> pd.DataFrame:
    """One row per township, one column ``custom:<key>`` per county indicator with township figures (the map's)."""
    scope = _resolve(engine, Scope(scope.as_of, None, scope.county))
    rows = _rows(engine, scope)
    names = townships(engine, scope.county)
    out = pd.DataFrame({"name": pd.Series(names, dtype=object)})
    if rows.empty:
        return out
    for ind in catalogue.custom():
        mine = rows[(rows["indicator"] == ind.key) & rows["township"].notna()]
        period = _latest(mine)
        if period is None:
            continue
        part = mine[mine["period"] == period]
        out[f"custom:{ind.key}"] = [_round(_figure(part, ind, n)[0], ind) for n in names]
    return out


def alerts(engine: Engine, scope: Scope) -> list[dict]:
    """The county indicators judged against their targets, for the attention list (key ``custom:<key>``)."""
    out = []
    for v in county_values(engine, scope):
        if v["status"] is None:
            continue
        from rural.numbers import fmt

        word = "达到" if v["status"] in ("target_met", "meets_reference", "ahead") else "未达到"
        out.append({"key": f"custom:{v['key']}", "item": v["name"], "status": v["status"],
                    "level": vocab_status.status(v["status"]).level.key,
                    "reason": f"{v['period_label']}为{fmt(v['value'], v['unit'], places=v['precision'])}，"
                              f"{word}年度目标{fmt(v['target'], v['unit'], places=v['precision'])}"
                              + (f"（完成目标的{v['completion_pct']:.2f}%）" if v["completion_pct"] is not None
                                 and v["unit"] != "%" else "")})
    return out
