"""Reshape: a normalized table (one column per claim) becomes long frames with the layout's canonical
field names, one per period: period column groups side by side (``1-4月完成数 | 1-6月完成数``,
``2021年 / 人均纯收入 | 2022年 / 人均纯收入``) split into periods sharing the undated columns
(``全年目标任务``, 乡镇, 户编号 …); wide groups (城市低保 / 人次 …) melt into rows keyed by the group.
"""
from __future__ import annotations

import pandas as pd

from etl.mapping import Claim, Mapping


def period_tags(mapping: Mapping) -> list[tuple]:
    """The distinct header periods, in column order."""
    return list(dict.fromkeys(c.period for c in mapping.claims if c.period is not None))


def split_periods(typed: pd.DataFrame, mapping: Mapping) -> list[tuple[tuple | None, pd.DataFrame, list[Claim]]]:
    """(tag, frame, claims) per header period; one (None, …) when no header names a period."""
    tags = period_tags(mapping)
    if not tags:
        return [(None, typed, list(mapping.claims))]
    # a yearly column (2023年目标) serves every period of its year (截至2023年6月); alone in its year, it is one
    yearly = {t for t in tags if t[0] == "year" and all(c.field.yearly for c in mapping.claims if c.period == t)}
    serves = {t: [y for y in yearly if y[1] == t[1] and y != t] for t in tags}
    tags = [t for t in tags if t not in yearly or not any(t in serves[o] for o in tags if o not in yearly)]
    out = []
    for tag in tags:
        claims = [c for c in mapping.claims if c.period in (None, tag, *serves[tag])]
        out.append((tag, typed[[c.name for c in claims]], claims))
    return out


def long_frame(typed: pd.DataFrame, claims: list[Claim], mapping: Mapping, carry: pd.DataFrame) -> pd.DataFrame:
    """Canonical columns (``主要风险类型~2`` for repeated members); groups melted into rows. ``carry``
    (same index: source row numbers …) is kept on every row."""
    lay = mapping.layout
    plain = [c for c in claims if c.group is None]
    base = pd.DataFrame({_canon(c): typed[c.name] for c in plain}, index=typed.index)
    for col in carry.columns:
        base[col] = carry[col]
    grouped = [c for c in claims if c.group is not None]
    if not grouped or lay.group is None:
        return base
    parts = []
    for g in dict.fromkeys(c.group for c in grouped):
        part = base.copy()
        part[lay.group.key] = g
        got = False
        for c in grouped:
            if c.group == g:
                part[_canon(c)] = typed[c.name]
                got = True
        if got:
            measures = [m for m in lay.group.measures if m in part.columns]
            part = part[part[measures].notna().any(axis=1)]
            parts.append(part)
    if lay.group.key in base.columns and base[lay.group.key].notna().any():
        parts.insert(0, base[base[[m for m in lay.group.measures if m in base.columns]].notna().any(axis=1)])
    frame = pd.concat(parts) if parts else base.iloc[0:0]
    return frame


def _canon(c: Claim) -> str:
    return c.field.name if not c.ordinal else f"{c.field.name}~{c.ordinal}"
