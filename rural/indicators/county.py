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

import threading
from collections import OrderedDict
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from rural import catalogue, periods, status as vocab_status
from rural.db import BATCH_ACTIVE, IndicatorValue, LoadBatch, Township, Village, data_version

from rural.indicators.base import Scope, _resolve, townships

B = LoadBatch.__table__
IV = IndicatorValue.__table__
T = Township.__table__
V = Village.__table__
KIND = catalogue.CUSTOM_KIND
E4 = Decimal(10_000)

# ------------------------------------------------------------------------------------ the rows
_CACHE: OrderedDict = OrderedDict()      # (database, county, snapshot, data version, reference) → figures
_CACHE_SIZE = 32
_LOCK = threading.Lock()


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def _figures(engine: Engine, scope: Scope) -> "_Figures":
    """The figures of the rows in effect (:class:`_Figures`), kept for the data version and the reference folder's
    version: a page, the cockpit's sections, the attention list, the map and the comparisons all read and work them
    out once (a load, an undo or a redo, or a changed catalogue, gives another key, so nothing is stale)."""
    key = (engine.url.render_as_string(hide_password=False), scope.county, scope.as_of, data_version(engine),
           catalogue.reference_version())
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    figs = _Figures(_read_rows(engine, scope))
    with _LOCK:
        _CACHE[key] = figs
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return figs


def _read_rows(engine: Engine, scope: Scope) -> list[tuple]:
    """Every value row in effect for the county up to ``as_of``: (indicator, period, period_end, township, village,
    value, 分子, 分母, target) — values ×10⁴ as stored — the newest active batch per indicator and period only,
    oldest period first. The one place the filter steps are written: county, active batches of the kind, up to the
    snapshot. Plain tuples: a hundred indicators × townships × periods is tens of thousands of rows."""
    q = (select(IV.c.indicator, B.c.period, B.c.period_end, IV.c.batch_id, IV.c.township_id, IV.c.village_id,
                IV.c.value_e4, IV.c.numerator_e4, IV.c.denominator_e4, IV.c.target_e4)
         .select_from(IV.join(B, IV.c.batch_id == B.c.id))
         .where((B.c.kind == KIND) & (B.c.status == BATCH_ACTIVE) & (B.c.county == scope.county)))
    if scope.as_of:
        q = q.where(B.c.period_end <= scope.as_of)
    with engine.connect() as conn:
        got = conn.execute(q).all()
        if not got:
            return []
        towns = dict(conn.execute(select(T.c.id, T.c.name).where(T.c.county == scope.county)).all())
        villages = dict(conn.execute(select(V.c.id, V.c.name).where(V.c.township_id.in_(list(towns)))).all()) \
            if any(r[5] is not None for r in got) else {}
    newest: dict[tuple, int] = {}
    for r in got:
        k = (r[0], r[1])
        if newest.get(k, -1) < r[3]:
            newest[k] = r[3]
    rows = [(r[0], r[1], r[2], towns.get(r[4]), villages.get(r[5]), r[6], r[7], r[8], r[9])
            for r in got if newest[(r[0], r[1])] == r[3]]
    rows.sort(key=lambda r: (r[0], r[2], r[1]))
    return rows


def _dec(v) -> Decimal | None:
    return None if v is None else Decimal(v) / E4


def _round(d: Decimal | None, ind: catalogue.Indicator) -> float | None:
    if d is None:
        return None
    q = d.quantize(Decimal(1).scaleb(-ind.precision), rounding=ROUND_HALF_UP)
    return int(q) if ind.precision == 0 else float(q)


def _aggregate(units: list[tuple], ind: catalogue.Indicator) -> tuple[Decimal | None, int | None, int | None]:
    """(value, 分子 sum, 分母 sum) of unit figures (value Decimal, 分子 e4, 分母 e4), as the catalogue says."""
    units = [u for u in units if u[0] is not None or u[1] is not None]
    if not units or ind.aggregate == "latest":
        return None, None, None
    nums, dens = [u[1] for u in units], [u[2] for u in units]
    num = sum(nums) if None not in nums else None
    den = sum(dens) if None not in dens else None
    values = [u[0] for u in units]
    if ind.aggregate == "sum":
        return (sum(values) if None not in values else None), num, den
    if ind.aggregate == "count":
        return Decimal(sum(v is not None and v >= ind.count_at_least for v in values)), num, den
    if not den:
        return None, num, den
    if ind.aggregate == "ratio":
        return (None if num is None else Decimal(num) * (100 if ind.unit == "%" else 1) / Decimal(den)), num, den
    if None in values:
        return None, num, den
    return sum(v * Decimal(d) for v, d in zip(values, dens)) / Decimal(den), num, den   # weighted by 分母


class _Figures:
    """Every figure of the rows in effect, worked out once: per (indicator, period) the county's and per
    (indicator, period, township) the townships' — (value, reported, 分子, 分母) — their targets, and each
    indicator's periods, newest first. A township's figure is its own row, else its villages' aggregated; the
    county's is its own (全县 / 合计) row, else the townships' figures aggregated."""

    def __init__(self, rows: list[tuple]):
        self.periods: dict[str, list[str]] = {}
        self.county: dict[tuple, tuple] = {}
        self.town: dict[tuple, tuple] = {}
        self.targets: dict[tuple, Decimal] = {}          # (indicator, period, township or None) → target
        self.year_targets: dict[tuple, Decimal] = {}     # (indicator, year, township or None) → the year's latest
        if not rows:
            return
        cat = catalogue.catalogue().indicators
        seen = set()
        for r in rows:                                            # (sorted oldest first)
            if (r[0], r[1]) not in seen:
                seen.add((r[0], r[1]))
                self.periods.setdefault(r[0], []).insert(0, r[1])
        villages: dict[tuple, list] = {}
        for k, p, _, t, v, val, num, den, tgt in rows:
            unit = (_dec(val), num, den)
            if v is not None and t is not None:
                villages.setdefault((k, p, t), []).append(unit)
                continue
            if t is None and v is None:
                if unit[0] is not None:
                    self.county[(k, p)] = (unit[0], True, unit[1], unit[2])
            elif unit[0] is not None or unit[1] is not None:
                if unit[0] is None and k in cat:        # 分子 / 分母 only: the township's ratio
                    unit = (_aggregate([unit], cat[k])[0], unit[1], unit[2])
                self.town[(k, p, t)] = (unit[0], True, unit[1], unit[2])
            if tgt is not None and v is None:
                self.targets[(k, p, t)] = _dec(tgt)
                self.year_targets[(k, p[:4], t)] = _dec(tgt)
        for (k, p, t), units in villages.items():        # townships known only by their villages
            if (k, p, t) not in self.town and k in cat:
                value, num, den = _aggregate(units, cat[k])
                if value is not None:
                    self.town[(k, p, t)] = (value, False, num, den)
        by_period: dict[tuple, list] = {}
        for (k, p, t), f in self.town.items():
            by_period.setdefault((k, p), []).append(f)
        for (k, p), towns in by_period.items():
            if (k, p) in self.county or k not in cat:
                continue
            if cat[k].aggregate == "count":     # a township's count of its villages adds up; its own value counts once
                counted = [f for f in towns if not f[1]]
                value, num, den = _aggregate([(f[0], f[2], f[3]) for f in towns if f[1]], cat[k])
                value = (value or Decimal(0)) + sum((f[0] for f in counted), Decimal(0))
            else:
                value, num, den = _aggregate([(f[0], f[2], f[3]) for f in towns], cat[k])
            if value is not None:
                self.county[(k, p)] = (value, False, num, den)

    def figure(self, key: str, period: str, township: str | None) -> tuple[Decimal | None, bool]:
        f = self.county.get((key, period)) if township is None else self.town.get((key, period, township))
        return (f[0], f[1]) if f else (None, False)

    def target(self, ind: catalogue.Indicator, period: str, township: str | None) -> Decimal | None:
        """The sheet's target for the period, else the year's (2023年目标 sent with 截至2023年6月), else (the county)
        the catalogue's."""
        got = self.targets.get((ind.key, period, township)) or self.year_targets.get((ind.key, period[:4], township))
        if got is None and township is None:
            got = ind.target(period[:4])
        return got

    def latest_with_townships(self, key: str) -> str | None:
        return next((p for p in self.periods.get(key, []) if any(k == key and q == p for k, q, _ in self.town)), None)


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


# ------------------------------------------------------------------------------------ the values
def _value(ind: catalogue.Indicator, figs: _Figures, township: str | None) -> dict:
    """One indicator's figure in effect: the latest period with a value for the unit, its target and status."""
    out = {"key": ind.key, "name": ind.name, "unit": ind.unit, "precision": ind.precision, "area": ind.area,
           "section": ind.section, "definition": ind.definition, "source": ind.source, "direction": ind.direction,
           "period": None, "period_label": "", "value": None, "target": None, "completion_pct": None,
           "gap_to_target": None, "status": None, "reported": False}
    for period in figs.periods.get(ind.key, []):
        value, reported = figs.figure(ind.key, period, township)
        if value is None:
            continue
        target = figs.target(ind, period, township)
        out |= {"period": period, "period_label": periods.kind_label(KIND, period), "value": _round(value, ind),
                "target": _round(target, ind), "completion_pct": completion_pct(value, target),
                "gap_to_target": None if target is None else _round(abs(target - value), ind),
                "status": status_of(ind, value, target, period), "reported": reported}
        break
    return out


def county_values(engine: Engine, scope: Scope, area: str | None = None) -> list[dict]:
    """Every county indicator (of ``area``) with data up to the snapshot: value, period, target, completion and
    status for the county or the scope's township, in the catalogue's order."""
    scope = _resolve(engine, scope)
    figs = _figures(engine, scope)
    out = []
    for ind in catalogue.custom():
        if (area and ind.area != area) or ind.key not in figs.periods:
            continue
        v = _value(ind, figs, scope.township)
        if v["period"] is not None:
            out.append(v)
    return out


def indicator_areas(engine: Engine, scope: Scope) -> list[str]:
    """The areas the county has indicators for (their pages and cockpit sections), in the catalogue's order."""
    scope = _resolve(engine, replace(scope, township=None))
    figs = _figures(engine, replace(scope, as_of=None))
    have = {catalogue.entry(k).area for k in figs.periods if k in catalogue.CATALOGUE}
    return [a.key for a in catalogue.areas() if a.key in have]


def indicator_series(engine: Engine, scope: Scope, key: str) -> pd.DataFrame:
    """One indicator for every loaded period up to the snapshot: value and target (county or township)."""
    scope = _resolve(engine, scope)
    ind = catalogue.entry(key)
    figs = _figures(engine, scope)
    cols = ["period", "period_label", "value", "target", "status"]
    out = []
    for period in reversed(figs.periods.get(key, [])):
        value, _ = figs.figure(key, period, scope.township)
        target = figs.target(ind, period, scope.township)
        out.append({"period": period, "period_label": periods.kind_label(KIND, period), "value": _round(value, ind),
                    "target": _round(target, ind), "status": status_of(ind, value, target, period)})
    return pd.DataFrame(out, columns=cols)


def indicator_by_township(engine: Engine, scope: Scope, key: str) -> pd.DataFrame:
    """Each township's figure of one indicator in the latest period up to the snapshot, against the county average
    (the county's figure for a rate or a mean; for a total or a count, the county's figure ÷ the townships that
    report), the gap (in points for a rate, in the unit otherwise), its target, status against it, and whether it
    is behind the county average by more than ``township_lag_pct``; best first."""
    scope = _resolve(engine, replace(scope, township=None))
    ind = catalogue.entry(key)
    cols = ["rank", "name", "value", "county_value", "gap", "target", "completion_pct", "status", "county_status"]
    figs = _figures(engine, scope)
    period = figs.latest_with_townships(key)
    if period is None:
        return pd.DataFrame(columns=cols)
    county, _ = figs.figure(key, period, None)
    lag = Decimal(str(vocab_status.threshold("township_lag_pct")))
    names = [n for n in townships(engine, scope.county) if figs.figure(key, period, n)[0] is not None]
    if county is not None and ind.aggregate in ("sum", "count") and names:
        county = county / len(names)          # a total: the average township's share of it
    out = []
    for name in names:
        value, _ = figs.figure(key, period, name)
        target = figs.target(ind, period, name)
        gap = None if county is None else (value - county) * (1 if ind.direction != "down" else -1)
        behind = gap is not None and -gap > (lag if ind.unit == "%" else abs(county) * lag / 100)
        out.append({"name": name, "value": _round(value, ind), "county_value": _round(county, ind),
                    "gap": _round(gap, ind) if gap is not None else None, "target": _round(target, ind),
                    "completion_pct": completion_pct(value, target), "status": status_of(ind, value, target, period),
                    "county_status": None if gap is None else "township_lagging" if behind
                    else "above_county" if gap >= 0 else "near_county"})
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
    cols = ["name", "period_label", "value", "unit", "precision", "target", "completion_pct", "status", "definition",
            "area"]
    return pd.DataFrame([{c: v[c] for c in cols} for v in vals], columns=cols)


def township_values(engine: Engine, scope: Scope) -> pd.DataFrame:
    """One row per township, one column ``custom:<key>`` per county indicator with township figures (the map's),
    each in its latest period with township figures."""
    scope = _resolve(engine, replace(scope, township=None))
    figs = _figures(engine, scope)
    names = townships(engine, scope.county)
    out = pd.DataFrame({"name": pd.Series(names, dtype=object)})
    latest: dict[str, str] = {}
    for k, p, _ in figs.town:           # each indicator's newest period with township figures
        if k not in latest or figs.periods[k].index(p) < figs.periods[k].index(latest[k]):
            latest[k] = p
    columns = {}
    for ind in catalogue.custom():
        if ind.key in latest:
            columns[f"custom:{ind.key}"] = [_round(figs.figure(ind.key, latest[ind.key], n)[0], ind) for n in names]
    return pd.concat([out, pd.DataFrame(columns, index=out.index)], axis=1) if columns else out


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
