"""Layout helpers shared by the pages: cached indicator calls, chart cards with downloads, tables.

The only place besides app.py that calls ``st.``; it arranges what ``rural`` returns.

Text from department files (names of townships, villages, projects, categories, items; file and sheet
names; messages quoting them) is shown as text, never as Markdown or HTML: pass it through :func:`md`
wherever Streamlit renders Markdown (``st.markdown``/``caption``/``title``/``subheader``/``info``…,
``st.write`` of a string, and every label: ``st.metric`` label, value and delta, ``st.tabs``,
``st.expander``, widget labels, ``help``), or show it with ``st.text`` or in a table. Tables built by
:func:`table` (and frames passed through :func:`inert_frame`) never hold a text cell a spreadsheet would
run as a formula, so the toolbar's CSV download and clipboard copy are inert too. Chart figures go
through :func:`inert_figure`, so their category names and legend entries are never plotly's HTML.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from rural import access, indicators, periods
from rural.catalogue import entry
from rural.db import data_version, database_url, make_engine
from rural.exports import safe_text, table_xlsx
from rural.labels import display
from rural.numbers import column_format, fmt, fmt_int, fmt_pct


@st.cache_resource
def _engine(url: str):
    return make_engine(url)


def engine():
    """The engine for ``DATABASE_URL`` (default ``data/rural.db``), one per URL per process."""
    return _engine(database_url())


@dataclass(frozen=True)
class Filters:
    county: str | None
    as_of: str | None
    township: str | None
    compare: str | None
    version: str

    @property
    def scope(self) -> indicators.Scope:
        return indicators.Scope(self.as_of, self.township, self.county)

    @property
    def place(self) -> str:
        return self.township or self.county or ""


def filters() -> Filters:
    return st.session_state["filters"]


def denied(exc: access.Denied) -> None:
    """A refusal as the page's message (Chinese, as text), and the page stops there."""
    st.error(md(exc.text))
    st.stop()


def principal() -> access.Principal:
    """The signed-in principal (``st.session_state["principal"]``, set by the sign-in); without one the page
    says so and stops: nothing is shown to nobody."""
    p = st.session_state.get("principal")
    if p is None:
        denied(access.Denied("您还没有登录，或登录已过期。请重新登录。"))
    return p


@st.cache_data(show_spinner=False, max_entries=2000)
def _call(name: str, version: str, as_of, township, county, args: tuple, kwargs: tuple, url: str = "",
          who: tuple = ()):
    """One indicator call through :func:`rural.access.call`, cached by the filters, the data version and the
    principal (``who``: account, role, county, township), so one account's results never serve another's."""
    return access.call(engine(), access.Principal(*who), name, indicators.Scope(as_of, township, county), *args,
                       **dict(kwargs))


def q(name: str, *args, as_of: str | None = "", township: str | None = "", **kwargs):
    """``indicators.<name>(engine, scope, *args)`` for the signed-in principal (through ``access.call``: county
    binding, township rule), cached by filters, data version and principal. A refusal stops the page with its
    message.

    ``as_of`` / ``township`` override the sidebar's (pass None for the county)."""
    p = principal()
    f = filters()
    try:
        return _call(name, f.version, f.as_of if as_of == "" else as_of, f.township if township == "" else township,
                     f.county, args, tuple(sorted(kwargs.items())), database_url(), p.key)
    except access.Denied as exc:
        denied(exc)


@st.cache_data(show_spinner=False)
def _meta(version: str, url: str, who: tuple | None = None, requested: str | None = None):
    e = engine()
    if who is None:          # no one signed in yet (app.py before its sign-in): the pages refuse by themselves
        county = indicators.county_of(e)
    else:
        county = access.sidebar_county(access.Principal(*who), indicators.counties(e), requested)[0]
    return county, indicators.snapshots(e, county), indicators.townships(e, county)


def counties() -> list[str]:
    """The counties the signed-in principal may choose among: theirs when bound, every one for a prefecture."""
    p = st.session_state.get("principal")
    found = indicators.counties(engine())
    return found if p is None or not p.county else [c for c in found if c == p.county]


def meta() -> tuple[str | None, list[str], list[str]]:
    """The county the signed-in principal sees (theirs when bound; a prefecture account's choice in the sidebar,
    ``st.session_state["county"]``), its snapshots and its townships."""
    p = st.session_state.get("principal")
    try:
        return _meta(data_version(engine()), database_url(), None if p is None else p.key, st.session_state.get("county"))
    except access.Denied as exc:
        denied(exc)


def export_data(make, file_name: str):
    """A download button's ``data`` callable: ``make()`` run when the file is asked for (on click), with its
    ``export`` entry in the audit log (file name, scope), for the principal signed in when the button was drawn."""
    e, p, f = engine(), st.session_state.get("principal"), st.session_state.get("filters")
    scope = access.scope_text(f.county, f.township) if f else ""

    def data():
        access.require(p, "export")
        out = make()
        access.audit(e, p, "export", file_name, scope=scope)
        return out

    return data


# Every ASCII punctuation character: CommonMark lets each be backslash-escaped, which covers Markdown
# (links, images, emphasis, code, tables, headings, lists), HTML (< and &: tags, entities, <autolinks>),
# KaTeX ($), Streamlit's own :colour[…] and :material/…: directives, and the table/strike syntax of GFM.
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_WWW = re.compile(r"(?i)(w)(ww\.)")
WORD_JOINER = "\u2060"   # invisible, never a line break


def md(value) -> str:
    """``value`` as literal text inside Markdown: what the file said, never a link, image, tag or style.

    Backslash escapes are not enough on their own: GFM turns bare ``http://…``, ``www.…`` and ``a@b.cn`` into
    links after parsing (escaped text included), and ``:smile:`` into an emoji. An invisible word joiner after
    every ``:``, before every ``@`` and inside ``www.`` keeps those patterns from matching; line breaks become
    spaces so a value never starts a block (heading, list, quote, code)."""
    t = re.sub(r"[\r\n\v\f\u2028\u2029]+", " ", str(value))
    t = t.replace(":", ":" + WORD_JOINER).replace("@", WORD_JOINER + "@")
    t = _WWW.sub(r"\1" + WORD_JOINER + r"\2", t)
    return _MD_PUNCT.sub(r"\\\1", t)


def chinese_widgets(max_upload_mb: int) -> None:
    """Words Streamlit draws itself and lets no page set: the file uploader's button and size line. The
    English stays in the page (hidden), the Chinese is drawn in its place; nothing here comes from a file."""
    st.html(f"""<style>
[data-testid=stMetricValue] {{font-size:clamp(1.5rem, 2.1vw, 2.1rem)}}
[data-testid=stMetric] p, [data-testid=stMetricValue], [data-testid=stMetricValue] > div, [data-testid=stMetricDeltaDescription],
[data-testid=stMetricDeltaDescription] > div {{white-space:normal; overflow:visible; text-overflow:clip}}
[data-testid=stMetric] div:has(> [data-testid=stMetricDelta]) {{flex-wrap:wrap; row-gap:0.15rem}}
@media (max-width: 640px) {{
  [data-testid=stMain] h1 {{font-size:1.55rem; padding-top:0}}
  [data-testid=stMain] [data-testid=stHorizontalBlock]:has([data-testid=stMetric]) {{flex-flow:row wrap; gap:0.5rem}}
  [data-testid=stMain] [data-testid=stHorizontalBlock]:has([data-testid=stMetric]) > [data-testid=stColumn]
    {{flex:1 1 calc(50% - 0.5rem); min-width:calc(50% - 0.5rem); width:calc(50% - 0.5rem)}}
  [data-testid=stMetricValue] {{font-size:1.45rem}}
}}
[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p {{font-size:0; visibility:hidden}}
[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p::after
  {{content:"选择文件"; font-size:0.875rem; visibility:visible}}
[data-testid=stFileUploaderDropzoneInstructions] span {{font-size:0; visibility:hidden}}
[data-testid=stFileUploaderDropzoneInstructions] span::after
  {{content:"拖放文件到此处，或点“选择文件”；每个不超过{int(max_upload_mb)}MB"; font-size:0.875rem; visibility:visible}}
</style>""")


def growth(change, pct, basis: str) -> dict:
    """``st.metric`` keywords for a growth chip, ``+1,694.13元，增长11.14%`` or ``下降2.50%``, with the arrow
    following the direction and ``basis`` (较上年, 同比) beside it; nothing when unknown."""
    if pct is None:
        return {}
    rate = ("增长" if pct >= 0 else "下降") + fmt(abs(pct), "%")
    text = rate if change is None else f"{fmt(change, '元', signed=True)}，{rate}"
    return {"delta": text, "delta_arrow": "up" if pct >= 0 else "down", "delta_description": basis}


def figures(items: list[tuple], per_row: int = 4) -> None:
    """Headline figures in rows of ``per_row`` cards: (label, value) or (label, value, note). A note is a second
    figure or a basis (金额, 按个数), written under the value: the ↑ chip of ``st.metric`` is kept for changes."""
    for start in range(0, len(items), per_row):
        cols = st.columns(per_row)
        for col, item in zip(cols, items[start:start + per_row]):
            col.metric(item[0], item[1])
            if len(item) > 2 and item[2]:
                col.caption(item[2])


def header(title: str) -> None:
    """The page title (which may name the county or township) and the scope line under it."""
    f = filters()
    st.title(md(title))
    scope = f.township or "全县"
    st.caption(f"{md(f.county)} · {md(scope)} · 数据截至{periods.label(f.as_of)}"
               + (f" · 对比{periods.label(f.compare)}" if f.compare else ""))


def empty(what: str) -> None:
    st.info(f"所选时点和范围内没有{what}数据。可在左侧换一个统计时点或乡镇，或到“数据管理”载入相应报表。")


# The chart toolbar: download and reset only, with Chinese tips. plotly.js takes a locale's dictionary in the
# config itself (``locales``), so nothing is fetched; its keys are plotly's own English titles.
CHART_CONFIG = {
    "displaylogo": False,
    "modeBarButtons": [["toImage", "resetScale2d"]],
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "locale": "zh-CN",
    "locales": {"zh-CN": {"dictionary": {"Download plot as a PNG": "保存当前视图为图片", "Download plot": "保存当前视图为图片",
                                         "Reset axes": "还原坐标轴", "Autoscale": "自动缩放",
                                         "Double-click to zoom back out": "双击还原",
                                         "Click to enter Colorscale title": "", "Click to enter Colorbar title": ""},
                          "format": {"decimal": ".", "thousands": ",", "grouping": [3],
                                     "currency": ["¥", ""], "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
                                     "shortDays": ["日", "一", "二", "三", "四", "五", "六"],
                                     "months": [f"{m}月" for m in range(1, 13)], "shortMonths": [f"{m}月" for m in range(1, 13)],
                                     "date": "%Y年%m月%d日"}}},
}


def chart(fig, data: pd.DataFrame, key: str, filename: str) -> None:
    """A chart card: the figure, its 口径, and downloads of its data (Excel) and picture (PNG, 300 dpi)."""
    ind = entry(fig.layout.meta["indicator"])
    fig = inert_figure(fig)
    st.plotly_chart(_on_screen(fig), width="stretch", key=f"chart-{key}", config=CHART_CONFIG)
    st.caption(f"口径：{ind.definition} 来源：{ind.source}。")
    if not access.allowed(st.session_state.get("principal"), "export"):
        return
    c1, c2, _ = st.columns([1, 1, 4])
    title = fig.layout.title.text.split("<br>")[0]
    c1.download_button("下载数据（Excel）", data=export_data(lambda: table_xlsx(display(data), title), f"{filename}.xlsx"),
                       file_name=f"{filename}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"xlsx-{key}",
                       on_click="ignore")
    c2.download_button("下载图片（PNG）", data=export_data(lambda: _png(fig), f"{filename}.png"), file_name=f"{filename}.png",
                       mime="image/png", key=f"png-{key}", on_click="ignore")


def _plot_text(v):
    """A data string for plotly, whose text is a subset of HTML (``<a href>``, ``<b>``, ``<br>``…): with ``<``
    and ``>`` as entities no tag can form, and plotly shows the characters. ``&`` is left alone, so this is
    idempotent (a figure whose builder escaped already is unchanged) and entities in data cannot form tags
    either (plotly splits tags before it decodes entities)."""
    return v.replace("<", "&lt;").replace(">", "&gt;") if isinstance(v, str) else v


def inert_figure(fig):
    """A copy of ``fig`` whose data strings — category coordinates (``x``/``y``, and annotations placed on
    them), legend names, pie labels, hover text — plotly shows as text. Titles, annotation texts and bar
    labels are left as built: ``rural.charts`` composes them from numbers and its own words with ``<br>``."""
    import plotly.graph_objects as go

    out = go.Figure(fig)
    for trace in out.data:
        for attr in ("x", "y", "labels", "hovertext", "ids"):
            values = getattr(trace, attr, None) if attr in trace else None
            if values is not None and not isinstance(values, str) and any(isinstance(v, str) for v in values):
                trace[attr] = [_plot_text(v) for v in values]
        if "name" in trace and isinstance(trace.name, str):
            trace.name = _plot_text(trace.name)
        if "legendgroup" in trace and isinstance(trace.legendgroup, str):
            trace.legendgroup = _plot_text(trace.legendgroup)
    for a in out.layout.annotations:
        for attr in ("x", "y"):
            if isinstance(a[attr], str):
                a[attr] = _plot_text(a[attr])
    return out


def _on_screen(fig):
    """The same figure sized to the page; the 口径 note goes in the caption below instead."""
    import plotly.graph_objects as go

    screen = go.Figure(fig)
    screen.layout.annotations = [a for a in screen.layout.annotations if not str(a.text).startswith("口径")]
    screen.update_layout(width=None, autosize=True, margin={"b": 60})
    return screen


def _png(fig) -> bytes:
    from rural.render import png

    return png(fig)


def inert_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` for ``st.dataframe`` whose text cells and headers that a spreadsheet would run as a formula
    (``=``, ``+``, ``-``, ``@``, tab, CR, their full-width forms) start with ``'`` — as the Excel downloads do —
    so the table toolbar's CSV download and a copy to the clipboard stay inert. Numbers are left alone."""
    d = df.copy()
    for c in d.columns:
        col = d[c]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            if col.map(lambda v: isinstance(v, str) and safe_text(v) != v).any():
                d[c] = col.map(safe_text).astype(object)
    d.columns = [safe_text(c) for c in d.columns]
    return d


IDENTIFIERS = {"年度", "批次", "序号", "编号", "户编号"}    # numbers that name, not count: no separators


def table(df: pd.DataFrame, keep: list[str] | None = None, height: int | None = None, key: str | None = None,
          selectable: bool = False):
    """A table with Chinese headings and text inert (see :func:`inert_frame`); numbers stay numbers (they sort),
    right-aligned and drawn by the number rules (:func:`rural.numbers.column_format`): a rate column shows
    ``73.10%`` under a heading without ``（%）``."""
    d = inert_frame(display(df, keep))
    config, names = {}, {}
    for c in d.columns:
        unit = m.group(1) if (m := re.search(r"（([^（）]+)）$", str(c))) else ""
        col = d[c]
        if col.dtype == object and col.map(lambda v: v is None or isinstance(v, (int, float))).all() and col.notna().any():
            col = d[c] = pd.to_numeric(col)
        if c in IDENTIFIERS or str(c).endswith("编号") or not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            continue
        name = c[: -len(unit) - 2] if unit in ("%",) else c
        names[c] = name
        config[name] = st.column_config.NumberColumn(name, format=column_format(unit, pd.api.types.is_integer_dtype(col)),
                                                     alignment="right")
    d = d.rename(columns=names)
    kwargs = {"on_select": "rerun", "selection_mode": "single-row"} if selectable else {}
    if height:
        kwargs["height"] = height
    return st.dataframe(d, hide_index=True, column_config=config, width="stretch", key=key, **kwargs)


def change_text(item: dict | None) -> str | None:
    """The change of a headline since the compared snapshot (from ``indicators.changes``), as text."""
    if not item or item["change"] is None:
        return None
    return fmt(item["change"], item["unit"], signed=True)


__all__ = ["Filters", "change_text", "chart", "denied", "empty", "engine", "export_data", "figures", "filters", "fmt", "growth", "fmt_int", "fmt_pct", "header", "inert_figure",
           "inert_frame", "md", "meta", "principal", "q", "table"]
