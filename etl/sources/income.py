"""收入: per-capita net income of lifted-out households (or of townships / villages), per period."""
from __future__ import annotations

import pandas as pd

from etl.errors import LoadError
from etl.sources.common import keys_from_ids

NAME = "income"


def build(df: pd.DataFrame, ctx) -> pd.DataFrame:
    rows = df["_row"]
    problems = []
    key = df["户编号"] if "户编号" in df and df["户编号"].notna().any() else None
    if key is None and "证件号码" in df:
        key = keys_from_ids(df["证件号码"], ctx.settings.hash_key)
    households = df["户数"].fillna(1).astype("int64") if "户数" in df else pd.Series(1, index=df.index, dtype="int64")
    people = df["家庭人口数"].astype("int64")
    for i in df.index[(people <= 0).to_numpy()][:10]:
        problems.append(ctx.problem("人口数应大于0", rows[i], "家庭人口数", df.at[i, "家庭人口数"]))
    pc = df["人均纯收入"].astype("int64")
    total = pc * people
    if "家庭纯收入" in df:
        stated = df["家庭纯收入"]
        off = stated.notna() & ((stated.fillna(0).astype("int64") - total).abs() > people)
        for i in df.index[off.to_numpy()][:10]:
            problems.append(ctx.problem(f"家庭纯收入与“人均纯收入×人口数”（{int(total[i]) / 100:,.2f}元）不符", rows[i],
                                        "家庭纯收入", f"{int(stated[i]) / 100:,.2f}"))
    if key is not None:
        dup = key.duplicated(keep=False) & key.notna()
        first = {}
        for i in df.index[dup.to_numpy()]:
            if key[i] in first:
                problems.append(ctx.problem(f"同一户出现了两次（与第{first[key[i]]}行）", rows[i],
                                            "户编号" if "户编号" in df else "证件号码"))
                if len(problems) >= 10:
                    break
            else:
                first[key[i]] = int(rows[i])
    if problems:
        raise LoadError(problems)
    return pd.DataFrame({
        "township": df["乡镇"], "village": df.get("行政村"),
        "household_key": key if key is not None else None,
        "households": households, "people": people, "per_capita_fen": pc, "total_fen": total,
        "src_row": rows,
    })
