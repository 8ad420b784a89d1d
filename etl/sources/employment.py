"""就业: employment targets and results (year to date), and urban public-welfare posts."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from etl.errors import LoadError, Problem
from etl.validate import pct_agrees

NAME = "employment"
NO_VALUES = "没有填写数值（未载入）"


def build(df: pd.DataFrame, ctx) -> pd.DataFrame:
    if ctx.table.layout.kind == "welfare_posts":
        return pd.DataFrame({"township": df.get("乡镇"), "posts": df["城镇公益性岗位"].astype("int64"),
                             "post_subsidy_fen": df["岗位补贴"].astype("int64"),
                             "insurance_subsidy_fen": df["社会保险补贴"].astype("int64"), "src_row": df["_row"]})
    kept = df["目标任务"].notna() | df["完成数"].notna()
    if not kept.all():
        ctx.excluded[NO_VALUES] = ctx.excluded.get(NO_VALUES, 0) + int(df.loc[~kept, "_row"].nunique())
    df = df[kept]
    problems = []
    for _, r in df.iterrows():
        problems += _check_row(r, ctx)
    if problems:
        raise LoadError(problems)
    return pd.DataFrame({"township": df.get("乡镇"), "indicator": df["指标"],
                         "target": df["目标任务"].astype("int64"), "done": df["完成数"].astype("int64"),
                         "src_row": df["_row"]}).reset_index(drop=True)


def _check_row(r, ctx) -> list[Problem]:
    row = int(r["_row"])
    if pd.isna(r["目标任务"]) or pd.isna(r["完成数"]):
        return [ctx.problem(f"“{r['指标']}”的目标任务和完成数须同时填写", row)]
    target, done = int(r["目标任务"]), int(r["完成数"])
    if target <= 0:
        return [ctx.problem(f"“{r['指标']}”的目标任务应大于0", row, value=str(target))]
    reported = r.get("完成率")
    if reported is None or pd.isna(reported):
        return []
    computed = Decimal(done) * 100 / Decimal(target)
    rep = Decimal(str(reported))
    if pct_agrees(computed, rep):
        return []
    return [ctx.problem(f"“{r['指标']}”的完成率{rep:.2f}%与完成数/目标任务（{done}/{target}={computed:.2f}%）不符", row,
                        "完成率", f"{rep:.2f}%", hint="完成率应由完成数除以目标任务得出，请核对")]
