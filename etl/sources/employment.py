"""就业: employment targets and results (year to date), and urban public-welfare posts."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from etl.errors import LoadError, Problem
from etl.sources.common import TOWNSHIP, melt_groups
from etl.spec import Col, Group, Spec

NAME = "employment"
INDICATORS = (
    ("城镇新增就业", "城镇新增就业"), ("城镇新增就业人数", "城镇新增就业"),
    ("下岗失业人员再就业", "下岗失业人员再就业"), ("失业人员再就业", "下岗失业人员再就业"),
    ("城镇失业人员再就业", "下岗失业人员再就业"),
    ("就业困难人员再就业", "就业困难人员再就业"), ("就业困难人员实现再就业", "就业困难人员再就业"),
    ("困难人员再就业", "就业困难人员再就业"),
    ("农村劳动力转移就业", "农村劳动力转移就业"), ("脱贫劳动力务工就业", "脱贫劳动力务工就业"),
)
_township = Col(TOWNSHIP.name, TOWNSHIP.variants, required=False)
_measures = ("目标任务", "完成数", "完成率")

SPECS = [
    Spec("employment", "就业目标任务完成情况", (
        _township,
        Col("指标", ("指标名称", "项目", "就业指标"), vocab=INDICATORS),
        Col("目标任务", ("目标", "任务数", "下达任务", "目标任务数", "年度目标", "全年目标任务"), "int"),
        Col("完成数", ("完成", "实际完成", "完成人数", "累计完成"), "int"),
        Col("完成率", ("完成比例", "完成进度", "完成率(%)"), "pct", required=False),
    ), group=Group("指标", INDICATORS, _measures), total_col="乡镇", module=NAME),
    Spec("welfare_posts", "城镇公益性岗位", (
        _township,
        Col("城镇公益性岗位", ("公益性岗位数", "使用公益性岗位", "使用城镇公益性岗位", "公益性岗位", "岗位数"), "int"),
        Col("岗位补贴", ("岗位补贴金额", "发放岗位补贴", "公益性岗位补贴"), "money"),
        Col("社会保险补贴", ("公益性岗位社会保险补贴", "社保补贴", "社会保险补贴金额", "发放社会保险补贴"), "money"),
    ), module=NAME),
]


def build(ex, ctx) -> pd.DataFrame:
    if ex.mapped.spec.kind == "welfare_posts":
        df = ex.frame
        return pd.DataFrame({"township": df.get("乡镇"), "posts": df["城镇公益性岗位"].astype("int64"),
                             "post_subsidy_fen": df["岗位补贴"].astype("int64"),
                             "insurance_subsidy_fen": df["社会保险补贴"].astype("int64"), "src_row": ex.rows})
    df = melt_groups(ex.frame.assign(_row=ex.rows), "指标", _measures, ["乡镇", "_row"])
    df = df[df["目标任务"].notna() | df["完成数"].notna()]
    problems = []
    for i, r in df.iterrows():
        problems += _check_row(r, ctx)
    if problems:
        raise LoadError(problems)
    return pd.DataFrame({"township": df.get("乡镇"), "indicator": df["指标"],
                         "target": df["目标任务"].astype("int64"), "done": df["完成数"].astype("int64"),
                         "src_row": df["_row"]}).reset_index(drop=True)


def _check_row(r, ctx) -> list[Problem]:
    row = int(r["_row"])
    if pd.isna(r["目标任务"]) or pd.isna(r["完成数"]):
        return [Problem(f"“{r['指标']}”的目标任务和完成数须同时填写", file=ctx.file, sheet=ctx.sheet, row=row)]
    target, done = int(r["目标任务"]), int(r["完成数"])
    if target <= 0:
        return [Problem(f"“{r['指标']}”的目标任务应大于0", file=ctx.file, sheet=ctx.sheet, row=row, value=str(target))]
    reported = r.get("完成率")
    if reported is None or pd.isna(reported):
        return []
    computed = Decimal(done) * 100 / Decimal(target)
    rep = Decimal(str(reported))
    places = max(0, -rep.as_tuple().exponent)
    shown = computed.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if abs(shown - rep) > Decimal("0.01") and abs(computed - rep) > Decimal("0.01"):
        return [Problem(f"“{r['指标']}”的完成率{rep:.2f}%与完成数/目标任务（{done}/{target}={computed:.2f}%）不符",
                        file=ctx.file, sheet=ctx.sheet, row=row, column=f"{r['指标']}/完成率", value=f"{rep:.2f}%",
                        hint="完成率应由完成数除以目标任务得出，请核对")]
    return []
