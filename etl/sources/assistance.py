"""社会救助: assistance paid by type (year to date), and the government assistance platform's cases."""
from __future__ import annotations

import pandas as pd

from etl.errors import LoadError, Problem
from etl.sources.common import TOWNSHIP, melt_groups
from etl.spec import Col, Group, Spec

NAME = "assistance"
TYPES = (
    ("城市低保", "城市低保"), ("城市最低生活保障", "城市低保"), ("城镇低保", "城市低保"),
    ("农村低保", "农村低保"), ("农村最低生活保障", "农村低保"),
    ("特困供养", "特困供养"), ("特困人员供养", "特困供养"), ("特困人员救助供养", "特困供养"),
    ("临时救助", "临时救助"),
    ("残疾人两项补贴", "残疾人两项补贴"), ("两项补贴", "残疾人两项补贴"), ("困难残疾人生活补贴和重度残疾人护理补贴", "残疾人两项补贴"),
)
_township = Col(TOWNSHIP.name, TOWNSHIP.variants, required=False)
_measures = ("人次", "金额")

SPECS = [
    Spec("assistance", "社会救助发放情况", (
        _township,
        Col("救助类别", ("救助类型", "类别", "项目", "救助项目"), vocab=TYPES),
        Col("人次", ("发放人次", "救助人次", "累计人次"), "int"),
        Col("金额", ("发放金额", "救助金额", "资金", "发放资金", "累计金额"), "money"),
    ), group=Group("救助类别", TYPES, _measures), module=NAME),
    Spec("platform", "政府救助平台受理台账", (
        Col("受理编号", ("事项编号", "申请编号", "编号", "案件编号"), "text"),
        TOWNSHIP,
        Col("申请人", ("申请人姓名", "姓名"), "text", required=False, personal=True),
        Col("申请事项", ("事项", "救助事项", "申请类别"), "text", required=False),
        Col("受理日期", ("受理时间", "申请日期", "申请时间"), "date"),
        Col("办结日期", ("办结时间",), "date", required=False),
        Col("办理状态", ("状态", "办结状态", "是否办结"), "text", required=False),
    ), total_col="受理编号", module=NAME),
]
_CLOSED = {"已办结", "办结", "是", "已完成"}


def build(ex, ctx) -> pd.DataFrame:
    if ex.mapped.spec.kind == "platform":
        return _platform(ex, ctx)
    df = melt_groups(ex.frame.assign(_row=ex.rows), "救助类别", _measures, ["乡镇", "_row"])
    df = df[df["人次"].notna() | df["金额"].notna()]
    return pd.DataFrame({"township": df.get("乡镇"), "type": df["救助类别"],
                         "person_times": df["人次"].fillna(0).astype("int64"),
                         "amount_fen": df["金额"].fillna(0).astype("int64"), "src_row": df["_row"]}).reset_index(drop=True)


def _platform(ex, ctx) -> pd.DataFrame:
    df, rows = ex.frame, ex.rows
    problems = []
    closed = df["办结日期"] if "办结日期" in df else pd.Series(None, index=df.index, dtype="object")
    if "办理状态" in df:
        says_closed = df["办理状态"].isin(_CLOSED)
        for i in df.index[says_closed & closed.isna()][:10]:
            problems.append(Problem("状态为已办结，但没有办结日期", file=ctx.file, sheet=ctx.sheet, row=int(rows[i]), column="办结日期"))
    both = df.index[closed.notna()]
    early = pd.to_datetime(closed[both]) < pd.to_datetime(df.loc[both, "受理日期"])
    for i in both[early.to_numpy()][:10]:
        problems.append(Problem("办结日期早于受理日期", file=ctx.file, sheet=ctx.sheet, row=int(rows[i]), column="办结日期",
                                value=str(closed[i])))
    dup = df["受理编号"].duplicated()
    for i in df.index[dup][:10]:
        problems.append(Problem("受理编号重复", file=ctx.file, sheet=ctx.sheet, row=int(rows[i]), column="受理编号",
                                value=str(df.at[i, "受理编号"])))
    if problems:
        raise LoadError(problems)
    return pd.DataFrame({"township": df["乡镇"], "case_no": df["受理编号"], "matter": df.get("申请事项", "").fillna("")
                         if "申请事项" in df else "", "received_on": df["受理日期"], "closed_on": closed, "src_row": rows})
