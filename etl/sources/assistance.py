"""社会救助: assistance paid by type (year to date), and the government assistance platform's cases."""
from __future__ import annotations

import pandas as pd

from etl.errors import LoadError

NAME = "assistance"
_CLOSED = {"已办结", "办结", "是", "已完成", "完成", "结案", "已结案", "已办理", "已处理", "办结归档"}


def build(df: pd.DataFrame, ctx) -> pd.DataFrame:
    if ctx.table.layout.kind == "platform":
        return _platform(df, ctx)
    from etl.sources.employment import NO_VALUES

    kept = df["人次"].notna() | df["金额"].notna()
    empty = set(df.loc[~kept, "_row"]) - set(df.loc[kept, "_row"])     # a row none of whose groups has a number
    if empty:
        ctx.excluded[NO_VALUES] = ctx.excluded.get(NO_VALUES, 0) + len(empty)
    df = df[kept]
    return pd.DataFrame({"township": df.get("乡镇"), "type": df["救助类别"],
                         "person_times": df["人次"].fillna(0).astype("int64"),
                         "amount_fen": df["金额"].fillna(0).astype("int64"), "src_row": df["_row"]}).reset_index(drop=True)


def _platform(df: pd.DataFrame, ctx) -> pd.DataFrame:
    rows = df["_row"]
    problems = []
    closed = df["办结日期"] if "办结日期" in df else pd.Series(None, index=df.index, dtype="object")
    says_closed = df["办理状态"].isin(_CLOSED) if "办理状态" in df else pd.Series(False, index=df.index)
    if "办结日期" in df:     # a ledger that has dates gives one for every closed case
        for i in df.index[(says_closed & closed.isna()).to_numpy()][:10]:
            problems.append(ctx.problem("状态为已办结，但没有办结日期", rows[i], "办结日期"))
    both = df.index[closed.notna().to_numpy()]
    early = pd.to_datetime(closed[both]) < pd.to_datetime(df.loc[both, "受理日期"])
    for i in both[early.to_numpy()][:10]:
        problems.append(ctx.problem("办结日期早于受理日期", rows[i], "办结日期", closed[i]))
    dup = df["受理编号"].duplicated()
    for i in df.index[dup.to_numpy()][:10]:
        problems.append(ctx.problem("受理编号重复", rows[i], "受理编号", df.at[i, "受理编号"]))
    if problems:
        raise LoadError(problems)
    matter = df["申请事项"].fillna("") if "申请事项" in df else ""
    return pd.DataFrame({"township": df["乡镇"], "case_no": df["受理编号"], "matter": matter,
                         "received_on": df["受理日期"], "closed_on": closed,
                         "closed": (closed.notna() | says_closed).astype(bool), "src_row": rows})
