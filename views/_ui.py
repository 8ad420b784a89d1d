"""Layout helpers shared by the pages: cached indicator calls, chart cards with downloads, tables.

The only place besides app.py that calls ``st.``; it arranges what ``rural`` returns.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from rural import indicators, periods
from rural.catalogue import entry
from rural.db import data_version, database_url, make_engine
from rural.exports import table_xlsx
from rural.labels import display
from rural.numbers import fmt_int, fmt_pct


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


@st.cache_data(show_spinner=False, max_entries=2000)
def _call(name: str, version: str, as_of, township, county, args: tuple, kwargs: tuple, url: str = ""):
    fn = getattr(indicators, name)
    return fn(engine(), indicators.Scope(as_of, township, county), *args, **dict(kwargs))


def q(name: str, *args, as_of: str | None = "", township: str | None = "", **kwargs):
    """``indicators.<name>(engine, scope, *args)`` cached by filters and data version.

    ``as_of`` / ``township`` override the sidebar's (pass None for the county)."""
    f = filters()
    return _call(name, f.version, f.as_of if as_of == "" else as_of, f.township if township == "" else township,
                 f.county, args, tuple(sorted(kwargs.items())), database_url())


@st.cache_data(show_spinner=False)
def _meta(version: str, url: str):
    e = engine()
    county = indicators.county_of(e)
    return county, indicators.snapshots(e, county), indicators.townships(e, county)


def meta() -> tuple[str | None, list[str], list[str]]:
    return _meta(data_version(engine()), database_url())


def header(title: str) -> None:
    f = filters()
    st.title(title)
    scope = f.township or "全县"
    st.caption(f"{f.county} · {scope} · 数据截至{periods.label(f.as_of)}"
               + (f" · 对比{periods.label(f.compare)}" if f.compare else ""))


def empty(what: str) -> None:
    st.info(f"所选时点和范围内没有{what}数据。可在左侧换一个统计时点或乡镇，或到“数据管理”载入相应报表。")


def chart(fig, data: pd.DataFrame, key: str, filename: str) -> None:
    """A chart card: the figure, its 口径, and downloads of its data (Excel) and picture (PNG, 300 dpi)."""
    ind = entry(fig.layout.meta["indicator"])
    st.plotly_chart(_on_screen(fig), width="stretch", key=f"chart-{key}", config={"displaylogo": False})
    st.caption(f"口径：{ind.definition} 来源：{ind.source}。")
    c1, c2, _ = st.columns([1, 1, 4])
    title = fig.layout.title.text.split("<br>")[0]
    c1.download_button("下载数据（Excel）", data=lambda: table_xlsx(display(data), title), file_name=f"{filename}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"xlsx-{key}",
                       on_click="ignore")
    c2.download_button("下载图片（PNG）", data=lambda: _png(fig), file_name=f"{filename}.png", mime="image/png",
                       key=f"png-{key}", on_click="ignore")


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


def table(df: pd.DataFrame, keep: list[str] | None = None, height: int | None = None, key: str | None = None,
          selectable: bool = False):
    d = display(df, keep)
    config = {}
    for c in d.columns:
        if pd.api.types.is_float_dtype(d[c]) or (d[c].dtype == object and d[c].map(lambda v: isinstance(v, float)).any()):
            d[c] = d[c].map(lambda v: "—" if v is None or pd.isna(v) else f"{v:,.2f}")
        elif pd.api.types.is_integer_dtype(d[c]) and c not in ("年度", "户编号"):
            config[c] = st.column_config.NumberColumn(c, format="localized")
    kwargs = {"on_select": "rerun", "selection_mode": "single-row"} if selectable else {}
    if height:
        kwargs["height"] = height
    return st.dataframe(d, hide_index=True, column_config=config, width="stretch", key=key, **kwargs)


def change_text(item: dict | None) -> str | None:
    """The change of a headline since the compared snapshot (from ``indicators.changes``), as text."""
    if not item or item["change"] is None:
        return None
    v, unit = item["change"], item["unit"]
    if unit == "%":
        return f"{v:+.2f}个百分点"
    if unit in ("元", "万元"):
        return f"{v:+,.2f}{unit}"
    return f"{int(v):+,}{unit}"


__all__ = ["Filters", "change_text", "chart", "empty", "engine", "filters", "fmt_int", "fmt_pct", "header", "meta", "q", "table"]
