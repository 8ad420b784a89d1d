"""地图: townships coloured and extruded by a chosen indicator (offline: no basemap tiles)."""
import streamlit as st

from views._ui import empty, filters, header, q, table
from rural.maps import MAP_INDICATORS, township_deck

f = filters()
header("乡镇分布图")
df = q("township_table", township=None)
if df.empty or df[["lon", "lat"]].isna().all().all():
    empty("乡镇位置")
    st.stop()
column = st.radio("显示指标", list(MAP_INDICATORS), format_func=lambda c: MAP_INDICATORS[c][0], horizontal=True,
                  key="map_indicator")
st.pydeck_chart(township_deck(df, column), height=560)
label, unit = MAP_INDICATORS[column]
st.caption(f"柱高和颜色表示{label}（{unit}），蓝色高、橙色低。乡镇位置取自 data/reference/townships.csv，"
           "为近似驻地坐标，仅示意相对位置；可在该文件中修改。本图不加载任何在线底图。")
table(df, ["name", column, "coord_note"])
