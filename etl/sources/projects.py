"""项目库: the project library, one row per project, with the integrated-funds flag. A project name may
repeat (phases, villages): with different content that is a warning listing the rows."""
from __future__ import annotations

import pandas as pd

from etl.errors import Problem
from rural.reference import vocab

NAME = "projects"


def build(df: pd.DataFrame, ctx) -> pd.DataFrame:
    rows = df["_row"]
    name = df["项目名称"]
    rep = name.duplicated(keep=False) & name.notna()
    if rep.any():
        groups = df[rep].groupby("项目名称", sort=False)["_row"].apply(lambda s: "、".join(f"第{int(r)}行" for r in s))
        listed = "；".join(f"“{k}”：{v}" for k, v in list(groups.items())[:10])
        ctx.warnings.append(Problem(f"有{len(groups)}个项目名称出现不止一次（内容不同，均已载入）：{listed}"
                                    + ("……" if len(groups) > 10 else ""), file=ctx.file, sheet=ctx.sheet,
                                    row=int(df.loc[rep, "_row"].iloc[0]), column=ctx.header("项目名称"), level="warning",
                                    hint="如是分期或分村实施的同名项目可不处理；如是重复填报，请删除后重新上传"))
    known = set(vocab("project_types").order)
    unknown = sorted(set(df["项目类别"].dropna()) - known)
    if unknown:
        ctx.notes.append(f"工作表“{ctx.sheet}”：项目类别“{'、'.join(unknown)}”不在项目类型表中，按原文保存")
    n = len(df)

    def opt(col, fill):
        return df[col].fillna(fill) if col in df else [fill] * n

    return pd.DataFrame({
        "township": df.get("乡镇"), "village": df.get("行政村"), "name": name, "category": df["项目类别"],
        "content": opt("建设内容", ""), "investment_fen": df["总投资"].astype("int64"),
        "fund_source": opt("资金来源", ""), "year": df["年度"] if "年度" in df else [None] * n,
        "integrated": [True] * n if ctx.table.layout.kind == "integrated" else
        df["是否纳入统筹整合"].fillna(False).astype(bool) if "是否纳入统筹整合" in df else [False] * n,
        "status": opt("实施状态", ""), "src_row": rows,
    })
