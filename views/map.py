"""地图: townships coloured by a chosen indicator, with their names on the map (offline: no basemap tiles).

Areas coloured by class when the county's reference folder has township boundaries, else columns at the
township seats."""
import re
from html import escape

import streamlit as st

from views._ui import empty, filters, header, q, table
from rural.maps import map_indicators, township_map


def _plain(text: str) -> str:
    """Data text (township names) inside a caption: every Markdown character escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", str(text))


f = filters()
header("乡镇分布图")
df = q("township_table", township=None)
choices = map_indicators(df)
# a few indicators side by side; a county with many of its own picks from a list
pick = st.radio if len(choices) <= 16 else st.selectbox
column = pick("显示指标", list(choices), format_func=lambda c: choices[c][0], key="map_indicator",
              **({"horizontal": True} if pick is st.radio else {"placeholder": "请选择"}))
# A phone gets a view fitted to its narrow screen (the map's zoom cannot follow the width by itself), and the
# names alone at first: there the values under the names would run into each other (they are in the table).
compact = "Mobi" in (st.context.headers.get("User-Agent") or "")
c1, c2, _ = st.columns([1, 1, 3])
names = c1.toggle("显示乡镇名称", value=True, key="map_names")
values = c2.toggle("显示数值", value=not compact, key="map_values")
m = None if df.empty else township_map(df, column, f.county, names=names, values=values, compact=compact)
if m is None:
    empty("乡镇位置")
    st.stop()

label, unit = choices[column]
swatch = ('<span style="display:inline-block;width:0.9em;height:0.9em;margin:0 0.3em 0 0.9em;'
          'vertical-align:-0.1em;border-radius:2px;border:1px solid rgba(0,0,0,0.25);background:rgb({},{},{})"></span>{}')
title = "图例（按数值分档）" if m.kind == "choropleth" else "图例"
st.markdown(f'<div data-testid="map-legend" style="font-size:0.9rem">{escape(title)}：'
            + "".join(swatch.format(*e.colour, escape(e.label)) for e in m.legend) + "</div>",
            unsafe_allow_html=True)
st.pydeck_chart(m.deck, height=440 if compact else 560, key="township-map")
if m.kind == "choropleth":
    st.caption(f"颜色表示{label}（{unit}），颜色越深数值越高，各档包含的乡镇数大致相同。"
               "乡镇边界按县里提供的边界资料绘制。本图不加载任何在线底图。")
else:
    st.caption(f"柱高和颜色表示{label}（{unit}），蓝色高、橙色低。坐标为各乡镇驻地的近似位置，仅示意相对位置。"
               "本图不加载任何在线底图。")
for note in m.notes:
    st.caption(_plain(note))
table(df, ["name", column, "coord_note"])
