"""项目库: the project library, one row per project, with the integrated-funds flag."""
from __future__ import annotations

import pandas as pd

from etl.errors import LoadError, Problem
from etl.sources.common import TOWNSHIP, VILLAGE
from etl.spec import Col, Spec

NAME = "projects"
SPECS = [
    Spec("projects", "项目库", (
        Col("项目名称", ("项目", "名称"), "text"),
        TOWNSHIP, VILLAGE,
        Col("项目类别", ("项目类型", "类别", "建设类别", "项目分类"), "text"),
        Col("建设内容", ("建设内容及规模", "建设规模及内容", "主要建设内容"), "text", required=False),
        Col("总投资", ("计划投资", "投资额", "总投资额", "项目总投资", "投资"), "money", unit="万元"),
        Col("资金来源", ("资金渠道",), "text", required=False),
        Col("年度", ("实施年度", "项目年度", "计划年度"), "int", required=False),
        Col("是否纳入统筹整合", ("纳入统筹整合", "统筹整合", "是否统筹整合", "是否纳入涉农资金统筹整合"), "bool", required=False),
        Col("实施状态", ("项目状态", "进度", "实施进度"), "text", required=False),
    ), total_col="项目名称", module=NAME),
]


def build(ex, ctx) -> pd.DataFrame:
    df, rows = ex.frame, ex.rows
    dup = df.duplicated(subset=["项目名称", "乡镇"])
    if dup.any():
        i = df.index[dup][0]
        raise LoadError(Problem("同一乡镇的项目名称重复", file=ctx.file, sheet=ctx.sheet, row=int(rows[i]), column="项目名称",
                                value=str(df.at[i, "项目名称"])))
    n = len(df)
    return pd.DataFrame({
        "township": df["乡镇"], "village": df.get("行政村"), "name": df["项目名称"], "category": df["项目类别"],
        "content": df["建设内容"].fillna("") if "建设内容" in df else [""] * n,
        "investment_fen": df["总投资"].astype("int64"),
        "fund_source": df["资金来源"].fillna("") if "资金来源" in df else [""] * n,
        "year": df["年度"] if "年度" in df else [None] * n,
        "integrated": df["是否纳入统筹整合"].fillna(False).astype(bool) if "是否纳入统筹整合" in df else [False] * n,
        "status": df["实施状态"].fillna("") if "实施状态" in df else [""] * n,
        "src_row": rows,
    })
