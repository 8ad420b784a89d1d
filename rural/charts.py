"""Chart builders: an indicator's output in, a ``plotly.graph_objects.Figure`` out.

Each figure carries its title with the data-as-of date, its unit on the axis, and the 口径 note
and source from the catalogue, so a picture pasted into a briefing explains itself. Builders
never query and never compute a figure: they arrange what ``rural.indicators`` returned.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from rural import periods, status as vocab_status
from rural.catalogue import entry
from rural.numbers import fmt

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
# Okabe–Ito: distinguishable with the common colour-vision deficiencies
BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#8C8C8C"
SERIES = [BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, "#F0E442", GREY]
# Status colours, symbols and words come from the one vocabulary (data/reference/status.toml); the bar pattern
# repeats the level for print and colour-blind readers.
LEVEL_PATTERN = {"good": "", "watch": "/", "bad": "x"}


def status_colour(key: str) -> str:
    return vocab_status.colour(key)


def status_mark(key: str) -> str:
    return vocab_status.mark(key)


def status_pattern(key: str) -> str:
    return LEVEL_PATTERN.get(vocab_status.status(key).level.key, "")
WIDTH, HEIGHT = 1000, 560


def _frame(fig: go.Figure, key: str, title: str, as_of: str | None, unit: str, height: int = HEIGHT) -> go.Figure:
    """Title with as-of date, 口径 and source at the foot, house style."""
    ind = entry(key)
    when = f"（截至{periods.label(as_of)}）" if as_of else ""
    note = f"口径：{ind.definition}"
    fig.update_layout(
        title={"text": f"{title}{when}<br><sup>单位：{unit}</sup>", "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT, "size": 13, "color": "#222"},
        template="plotly_white", width=WIDTH, height=height, margin={"l": 70, "r": 30, "t": 80, "b": 120},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        separators=".,",
        meta={"indicator": key, "as_of": as_of, "unit": unit},
    )
    plot_height = height - 80 - 120
    fig.add_annotation(text=_wrap(note, 70) + f"<br>来源：{ind.source}", xref="paper", yref="paper", x=0,
                       y=-58 / plot_height,
                       xanchor="left", yanchor="top", showarrow=False, align="left", font={"size": 11, "color": "#555"})
    return fig


def _wrap(text: str, width: int) -> str:
    return "<br>".join(text[i:i + width] for i in range(0, len(text), width))


def _pct(v) -> str:
    return "—" if v is None or pd.isna(v) else fmt(v, "%")


# ---------------------------------------------------------------------------- monitoring
def elimination_by_township(df: pd.DataFrame, county_rate: float | None, as_of: str | None) -> go.Figure:
    d = df.sort_values("elimination_rate_people")
    fig = go.Figure(go.Bar(x=d["elimination_rate_people"], y=d["name"], orientation="h", marker_color=BLUE,
                           customdata=d[["eliminated_people", "people"]], name="风险消除率",
                           hovertemplate="%{y}：%{x:.2f}%（%{customdata[0]:,}/%{customdata[1]:,}人）<extra></extra>"))
    # the values stand in a column of their own right of the 100% mark: no bar end, and no county line, crosses them
    fig.add_scatter(x=[104] * len(d), y=d["name"], mode="text", text=[_pct(v) for v in d["elimination_rate_people"]],
                    textposition="middle right", hoverinfo="skip", showlegend=False, cliponaxis=False)
    if county_rate is not None:
        fig.add_vline(x=county_rate, line_dash="dash", line_color=VERMILLION, layer="below",
                      annotation_text=f"全县 {county_rate:.2f}%", annotation_position="top")
    fig.update_xaxes(title="风险消除率（%）", range=[0, 118], tickvals=[0, 20, 40, 60, 80, 100])
    fig.update_layout(showlegend=False)
    return _frame(fig, "elimination_rate", "各乡镇风险消除率（按人）", as_of, "%", height=max(HEIGHT, 60 + 34 * len(d)))


def elimination_trend(df: pd.DataFrame, as_of: str | None) -> go.Figure:
    x = [periods.label(p) for p in df["period"]]
    fig = go.Figure()
    fig.add_bar(x=x, y=df["remaining_people"], name="未消除风险人数", marker_color=ORANGE, yaxis="y2",
                opacity=0.45)
    fig.add_scatter(x=x, y=df["elimination_rate_people"], name="消除率（按人）", mode="lines+markers+text",
                    text=[_pct(v) for v in df["elimination_rate_people"]], textposition="top center",
                    line={"color": BLUE, "width": 3}, marker={"symbol": "circle", "size": 9})
    fig.add_scatter(x=x, y=df["elimination_rate_households"], name="消除率（按户）", mode="lines+markers",
                    line={"color": GREEN, "dash": "dot"}, marker={"symbol": "diamond", "size": 9})
    fig.update_layout(yaxis={"title": "消除率（%）", "range": [0, 100]},
                      yaxis2={"title": "未消除风险人数（人）", "overlaying": "y", "side": "right", "showgrid": False})
    return _frame(fig, "elimination_rate", "风险消除率变化", as_of, "%、人")


def monitoring_composition(df: pd.DataFrame, by_label: str, as_of: str | None) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(x=df["name"], y=df["eliminated_people"], name="已消除风险", marker_color=BLUE,
                marker_pattern_shape="")
    fig.add_bar(x=df["name"], y=df["remaining_people"], name="未消除风险", marker_color=ORANGE,
                marker_pattern_shape="/")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title="人数（人）", tickformat=",d", rangemode="nonnegative")
    for x, y, r in zip(df["name"], df["people"], df["elimination_rate_people"]):
        fig.add_annotation(x=x, y=y, text=_pct(r), showarrow=False, yshift=10)
    return _frame(fig, "monitored", f"监测对象{by_label}构成", as_of, "人")


# -------------------------------------------------------------------------------- income
def income_trend(df: pd.DataFrame, as_of: str | None) -> go.Figure:
    fig = go.Figure()
    for kind, color, name in (("year", BLUE, "年度"), ("half", SKY, "半年")):
        d = df[[periods.kind_of(p) == kind for p in df["period"]]]
        if d.empty:
            continue
        labels = [fmt(v, "元") + (f"<br>同比{'增长' if g >= 0 else '下降'}{fmt(abs(g), '%')}" if g is not None and not pd.isna(g) else "")
                  for v, g in zip(d["per_capita"], d["growth_pct"])]
        fig.add_bar(x=[periods.label(p) for p in d["period"]], y=d["per_capita"], name=name, marker_color=color,
                    text=labels, textposition="outside")
    fig.update_yaxes(title="人均纯收入（元）", tickformat=",.0f", rangemode="tozero")
    fig.update_layout(uniformtext_minsize=10)
    return _frame(fig, "per_capita_income", "脱贫人口人均纯收入", as_of, "元")


def income_by_township(df: pd.DataFrame, county_value: float | None, as_of: str | None) -> go.Figure:
    d = df.sort_values("per_capita")
    fig = go.Figure(go.Scatter(x=d["per_capita"], y=d["name"], mode="markers+text", marker={"size": 14, "color": BLUE},
                               text=[fmt(v, "元") for v in d["per_capita"]], textposition="middle right"))
    if county_value:
        fig.add_vline(x=county_value, line_dash="dash", line_color=VERMILLION, annotation_text=f"全县 {fmt(county_value, '元')}",
                      annotation_position="top left")
    lo, hi = float(d["per_capita"].min()), float(d["per_capita"].max())
    pad = max((hi - lo) * 0.25, 100)
    fig.update_xaxes(title="人均纯收入（元）（横轴未从0开始）", tickformat=",.0f", range=[lo - pad, hi + pad * 1.6])
    return _frame(fig, "per_capita_income", "各乡镇脱贫人口人均纯收入", as_of, "元", height=max(HEIGHT, 60 + 34 * len(d)))


# ---------------------------------------------------------------------------- employment
def employment_progress(status: dict, as_of: str | None) -> go.Figure:
    items = status["indicators"]
    names = [i["name"] for i in items][::-1]
    vals = [i["completion_pct"] for i in items][::-1]
    st = [i["status"] for i in items][::-1]
    fig = go.Figure(go.Bar(
        x=vals, y=names, orientation="h", marker_color=[status_colour(s) for s in st],
        marker_pattern_shape=[status_pattern(s) for s in st],
        text=[f"{_pct(v)}  {status_mark(s)}" for v, s in zip(vals, st)], textposition="outside",
        customdata=[[i["done"], i["target"]] for i in items][::-1],
        hovertemplate="%{y}：%{customdata[0]:,}/%{customdata[1]:,}人，%{x:.2f}%<extra></extra>"))
    tp = status["time_progress_pct"]
    if tp is not None:
        fig.add_vline(x=tp, line_color=GREY, line_width=3, annotation_text=f"时序进度 {tp:.2f}%",
                      annotation_position="top")
    fig.update_xaxes(title="完成率（%）", range=[0, max([100, *(v or 0 for v in vals)]) * 1.15])
    return _frame(fig, "employment_completion", f"就业目标任务完成情况（{periods.label(status['period'], ytd=True)}）",
                  None, "%", height=460)


# ------------------------------------------------------------------------------ projects
def project_shares(shares: dict, as_of: str | None) -> go.Figure:
    sets = [(k, n) for k, n in (("library", "项目库"), ("integrated", "统筹整合资金规划")) if shares.get(k)]
    fig = go.Figure()
    fig.add_bar(x=[n for _, n in sets], y=[shares[k]["industrial_share_pct"] for k, _ in sets], name="按投资额",
                marker_color=BLUE, text=[_pct(shares[k]["industrial_share_pct"]) for k, _ in sets], textposition="outside")
    fig.add_bar(x=[n for _, n in sets], y=[shares[k]["industrial_count_share_pct"] for k, _ in sets], name="按项目个数",
                marker_color=SKY, marker_pattern_shape="/",
                text=[_pct(shares[k]["industrial_count_share_pct"]) for k, _ in sets], textposition="outside")
    ref = shares.get("reference_pct")
    if ref is not None:
        # the line's words stand in the right margin, where no bar or bar label can be under them
        fig.add_hline(y=ref, line_dash="dash", line_color=VERMILLION)
        fig.add_annotation(xref="paper", x=1, xanchor="left", y=ref, yanchor="middle", showarrow=False,
                           text=f"参考线<br>{fmt(ref, '%')}", font={"color": VERMILLION}, align="left")
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="产业类占比（%）", range=[0, 105])
    return _frame(fig, "industrial_share", "产业类项目占比", as_of, "%").update_layout(margin_r=100)


def projects_by_category(df: pd.DataFrame, title: str, as_of: str | None) -> go.Figure:
    fig = go.Figure(go.Bar(x=df["category"], y=df["investment_wan"], marker_color=SERIES[: len(df)],
                           text=[f"{fmt(v, '万元')}<br>{fmt(n, '个')}" for v, n in zip(df["investment_wan"], df["count"])],
                           textposition="outside"))
    fig.update_yaxes(title="投资额（万元）", tickformat=",.0f")
    return _frame(fig, "industrial_share", title, as_of, "万元、个")


# ---------------------------------------------------------------------------- assistance
def assistance_by_type(types: list[dict], as_of: str | None) -> go.Figure:
    """Amounts by type; each bar is labelled with its amount and its person-times (one axis, nothing to collide)."""
    names = [t["name"] for t in types]
    fig = go.Figure()
    fig.add_bar(x=names, y=[t["amount_wan"] for t in types], name="金额（万元）", marker_color=BLUE,
                text=[f"{fmt(t['amount_wan'], '万元')}<br>{fmt(t['person_times'], '人次')}" for t in types],
                textposition="outside", customdata=[[t["person_times"]] for t in types],
                hovertemplate="%{x}：%{y:,.2f}万元，%{customdata[0]:,d}人次<extra></extra>")
    top_amount = max([t["amount_wan"] or 0 for t in types] + [1])
    # amounts start at zero, with room above for the two-line labels (never a negative axis)
    fig.update_layout(showlegend=False, yaxis={"title": "金额（万元）", "tickformat": ",.0f", "range": [0, top_amount * 1.25]})
    return _frame(fig, "assistance", "社会救助发放情况", as_of, "万元（柱上标注人次）")


def assistance_trend(df: pd.DataFrame, as_of: str | None) -> go.Figure:
    fig = go.Figure()
    symbols = ["circle", "square", "diamond", "triangle-up", "x"]
    # year-to-date amounts restart every January: each year is its own line, never joined across the reset
    order = [periods.label(p, ytd=True) for p in sorted(df["period"].unique())]
    for k, (t, d) in enumerate(df.groupby("type", sort=False)):
        for n, (year, dy) in enumerate(d.groupby(d["period"].str[:4], sort=True)):
            fig.add_scatter(x=[periods.label(p, ytd=True) for p in dy["period"]], y=dy["amount_wan"], name=t,
                            legendgroup=t, showlegend=n == 0, mode="lines+markers", line={"color": SERIES[k % len(SERIES)]},
                            marker={"symbol": symbols[k % len(symbols)], "size": 9},
                            hovertemplate=f"{t}：%{{x}}累计%{{y:,.2f}}万元<extra></extra>")
    fig.update_xaxes(categoryorder="array", categoryarray=order)
    fig.update_yaxes(title="累计金额（万元）", tickformat=",.0f", rangemode="nonnegative")
    return _frame(fig, "assistance", "社会救助累计发放金额变化", as_of, "万元")


def platform(pf: dict, as_of: str | None) -> go.Figure:
    fig = go.Figure(go.Bar(x=["受理", "办结"], y=[pf["received"], pf["closed"]], marker_color=[BLUE, GREEN],
                           text=[fmt(pf['received'], '件'), fmt(pf['closed'], '件')], textposition="outside"))
    fig.add_annotation(x=1, y=pf["closed"] or 0, text=f"办结率 {_pct(pf['closure_rate_pct'])}", showarrow=False, yshift=40,
                       font={"size": 16, "color": VERMILLION})
    fig.update_yaxes(title="件数（件）", tickformat=",d", rangemode="nonnegative")
    return _frame(fig, "platform_closure", "政府救助平台受理办结情况", as_of, "件、%", height=420)


# ------------------------------------------------------------------------ work, industry
def industry_items(ind: dict, as_of: str | None) -> go.Figure:
    items = ind["items"]
    fig = go.Figure(go.Bar(x=[i["name"] for i in items], y=[i["area_mu"] for i in items], marker_color=GREEN,
                           text=[fmt(i['area_mu'], '亩') for i in items], textposition="outside"))
    fig.update_yaxes(title="面积（亩）", tickformat=",d", rangemode="nonnegative")
    return _frame(fig, "industry", "产业发展面积", as_of, "亩")


def work_by_township(df: pd.DataFrame, as_of: str | None) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(x=df["name"], y=df["warning_leads"], name="推送预警线索（条）", marker_color=BLUE)
    fig.add_bar(x=df["name"], y=df["verified_leads"], name="核实预警线索（条）", marker_color=SKY, marker_pattern_shape="/")
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="条数（条）", tickformat=",d", rangemode="nonnegative")
    return _frame(fig, "warning_leads", "各乡镇预警线索推送和核实", as_of, "条")


# -------------------------------------------------------------------- the county's own indicators
def indicator_trend(series: pd.DataFrame, key: str, as_of: str | None) -> go.Figure:
    """One county indicator over its reported periods (``county_indicators.indicator_series``), with the year's
    target as a dashed mark; bars coloured by status."""
    ind = entry(key)
    x = list(series["period_label"])
    places = ind.precision
    colours = [status_colour(s) if isinstance(s, str) else BLUE for s in series["status"]]
    fig = go.Figure()
    if ind.chart == "line":
        fig.add_scatter(x=x, y=series["value"], mode="lines+markers+text", name=ind.name, line={"color": BLUE, "width": 3},
                        marker={"size": 10, "color": colours},
                        text=[fmt(v, ind.unit, places=places) for v in series["value"]], textposition="bottom center")
    else:      # the value inside its bar, so the target's mark and words above it never cover it
        fig.add_bar(x=x, y=series["value"], name=ind.name, marker_color=colours, textposition="inside",
                    insidetextanchor="middle", text=[fmt(v, ind.unit, places=places) for v in series["value"]],
                    textfont={"size": 15})
    if series["target"].notna().any():
        fig.add_scatter(x=x, y=series["target"], mode="markers+text", name="年度目标",
                        marker={"symbol": "line-ew-open", "size": 60, "color": VERMILLION, "line": {"width": 3}},
                        text=[f"目标 {fmt(v, ind.unit, places=places)}" if pd.notna(v) else "" for v in series["target"]],
                        textposition="top center", cliponaxis=False)
    fig.update_yaxes(title=f"{ind.name}（{ind.unit}）", rangemode="tozero", tickformat=",")
    return _frame(fig, key, ind.name, as_of, ind.unit)


def indicator_ranking(df: pd.DataFrame, key: str, as_of: str | None) -> go.Figure:
    """Townships' figures of one county indicator (``county_indicators.indicator_by_township``), best on top,
    against the county's figure; bars coloured by their status against the county."""
    ind = entry(key)
    d = df.iloc[::-1]
    # coloured by the status against the year's target where there is one, else against the county
    colours = [status_colour(t if isinstance(t, str) else c) if isinstance(t, str) or isinstance(c, str) else BLUE
               for t, c in zip(d["status"], d["county_status"])]
    fig = go.Figure(go.Bar(x=d["value"], y=d["name"], orientation="h", marker_color=colours,
                           text=[fmt(v, ind.unit, places=ind.precision) for v in d["value"]], textposition="outside",
                           cliponaxis=False, name=ind.name))
    county = df["county_value"].dropna()
    if len(county):
        fig.add_vline(x=float(county.iloc[0]), line_dash="dash", line_color=VERMILLION,
                      annotation_text=f"全县平均 {fmt(county.iloc[0], ind.unit, places=ind.precision)}",
                      annotation_position="top")
    fig.update_xaxes(title=f"{ind.name}（{ind.unit}）", rangemode="tozero", tickformat=",")
    fig.update_layout(showlegend=False)
    return _frame(fig, key, f"各乡镇{ind.name}", as_of, ind.unit, height=max(HEIGHT, 60 + 34 * len(d)))
