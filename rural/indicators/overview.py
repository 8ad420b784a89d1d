"""Across areas: the summary, the township table (ranking and map), the attention list, the headlines and
their like-with-like comparison, report freshness."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from rural import catalogue, periods, status as vocab_status
from rural.db import (
    BATCH_ACTIVE,
)
from rural.numbers import fen_to_wan, fmt_int
from rural.reference import kind_label, kind_labels
from rural.settings import get_settings
from rural.indicators.base import (
    B, T, memo, Scope, snapshots, _period, _resolve,
)
from rural.indicators.monitoring import monitoring_overview, monitoring_breakdown
from rural.indicators.work import work_summary, industry_items
from rural.indicators.income import income_per_capita, income_summary, income_by_township
from rural.indicators.employment import employment_status, welfare_posts
from rural.indicators.projects import project_shares, projects_by_township
from rural.indicators.assistance import assistance_by_type, platform_summary, assistance_by_township
from rural.indicators import county as county_indicators


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
