"""收入: per-capita net income of lifted-out households, per year or half-year."""
from __future__ import annotations

import pandas as pd

from etl.errors import LoadError, Problem
from etl.sources.common import HEAD_NAME, HOUSEHOLD_NO, ID_NUMBER, TOWNSHIP, VILLAGE, keys_from_ids
from etl.spec import Col, Spec

NAME = "income"
SPECS = [
    Spec("income", "脱贫人口收入明细", (
        TOWNSHIP, VILLAGE, HOUSEHOLD_NO, HEAD_NAME, ID_NUMBER,
        Col("户数", ("脱贫户数", "户数(户)"), "int", required=False),
        Col("家庭人口数", ("人口数", "家庭人口", "户人口数", "人数", "脱贫人口数"), "int"),
        Col("人均纯收入", ("家庭人均纯收入", "人均纯收入(元)", "年人均纯收入", "人均收入"), "money"),
        Col("家庭纯收入", ("家庭年纯收入", "家庭总纯收入", "纯收入"), "money", required=False),
        Col("统计期", ("年度", "统计年度", "收入年度"), "raw", required=False),
    ), periods="income", module=NAME),
]


def build(ex, ctx) -> pd.DataFrame:
    df, rows = ex.frame, ex.rows
    f = {fl.name: fl for fl in ex.mapped.fields}
    problems = []
    key = df["户编号"] if "户编号" in df else None
    if key is None and "证件号码" in df:
        key = keys_from_ids(df["证件号码"], ctx.settings.hash_key)
    households = df["户数"].fillna(1).astype("int64") if "户数" in df else pd.Series(1, index=df.index, dtype="int64")
    people = df["家庭人口数"].astype("int64")
    zero = people <= 0
    for i in df.index[zero][:10]:
        problems.append(Problem("人口数应大于0", file=ctx.file, sheet=ctx.sheet, row=int(rows[i]), column=f["家庭人口数"].header,
                                value=str(df.at[i, "家庭人口数"])))
    pc = df["人均纯收入"].astype("int64")
    total = pc * people
    if "家庭纯收入" in df:
        stated = df["家庭纯收入"]
        off = stated.notna() & ((stated.fillna(0).astype("int64") - total).abs() > people)
        for i in df.index[off][:10]:
            problems.append(Problem(f"家庭纯收入与“人均纯收入×人口数”（{int(total[i]) / 100:,.2f}元）不符", file=ctx.file,
                                    sheet=ctx.sheet, row=int(rows[i]), column=f["家庭纯收入"].header,
                                    value=f"{int(stated[i]) / 100:,.2f}"))
    if key is not None:
        dup = key.duplicated() & key.notna()
        for i in df.index[dup][:10]:
            problems.append(Problem("同一户出现了两次", file=ctx.file, sheet=ctx.sheet, row=int(rows[i]),
                                    column=f["户编号"].header if "户编号" in f else "证件号码"))
    if problems:
        raise LoadError(problems)
    return pd.DataFrame({
        "township": df["乡镇"], "village": df.get("行政村"),
        "household_key": key if key is not None else None,
        "households": households, "people": people, "per_capita_fen": pc, "total_fen": total,
        "src_row": rows,
    })
