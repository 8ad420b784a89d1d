"""Township map: a pydeck deck of columns at township seats, coloured and extruded by an indicator.

Offline by construction: no basemap (``map_provider=None``, no ``map_style``), no tiles, no fonts.
"""
from __future__ import annotations

import pandas as pd
import pydeck as pdk

# indicator column → (label, unit)
MAP_INDICATORS = {
    "elimination_rate_people": ("风险消除率（按人）", "%"),
    "households": ("累计纳入监测户数", "户"),
    "people": ("累计纳入监测人数", "人"),
    "per_capita": ("脱贫人口人均纯收入", "元"),
    "low_income_households": ("人均纯收入万元以下户数", "户"),
    "assistance_wan": ("社会救助发放金额", "万元"),
    "investment_wan": ("项目库投资额", "万元"),
}
LOW, HIGH = (230, 159, 0), (0, 114, 178)   # Okabe–Ito orange → blue


def _colour(t: float) -> list[int]:
    return [round(a + (b - a) * t) for a, b in zip(LOW, HIGH)] + [220]


def township_deck(df: pd.DataFrame, column: str) -> pdk.Deck:
    """``df`` is ``indicators.township_table``; townships without coordinates are left off the map."""
    label, unit = MAP_INDICATORS[column]
    d = df.dropna(subset=["lon", "lat"]).copy()
    values = pd.to_numeric(d[column], errors="coerce")
    lo, hi = values.min(), values.max()
    span = (hi - lo) or 1
    d["t"] = ((values - lo) / span).fillna(0)
    d["fill"] = d["t"].map(_colour)
    d["height"] = 500 + d["t"] * 9500
    d["value_text"] = [("—" if pd.isna(v) else f"{v:,.2f}" if isinstance(v, float) else f"{int(v):,}") + unit
                       for v in d[column]]
    d["note"] = d["coord_note"].fillna("")
    columns = pdk.Layer("ColumnLayer", d, get_position=["lon", "lat"], get_elevation="height", elevation_scale=1,
                        radius=1800, get_fill_color="fill", pickable=True, auto_highlight=True, extruded=True)
    seats = pdk.Layer("ScatterplotLayer", d, get_position=["lon", "lat"], get_radius=2600, get_fill_color=[200, 200, 200, 90],
                      get_line_color=[120, 120, 120, 160], stroked=True, line_width_min_pixels=1)
    names = pdk.Layer("TextLayer", d[["name", "lon", "lat"]].to_dict("records"), get_position="[lon, lat]",
                      get_text="name", get_size=16, get_color=[30, 30, 30, 255], get_text_anchor="'middle'",
                      get_alignment_baseline="'top'", character_set="auto", billboard=True)
    view = pdk.ViewState(longitude=float(d["lon"].mean()), latitude=float(d["lat"].mean()), zoom=9.2, pitch=40)
    tooltip = {"html": "<b>{name}</b><br/>" + label + "：{value_text}<br/><small>位置：{note}</small>",
               "style": {"backgroundColor": "white", "color": "#222", "fontSize": "13px"}}
    return pdk.Deck(layers=[seats, columns, names], initial_view_state=view, tooltip=tooltip, map_provider=None)
