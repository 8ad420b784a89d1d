"""监测对象: the monitoring roster, household-level or person-level (folded to households)."""
from __future__ import annotations

import pandas as pd

from etl.errors import LoadError, Problem
from etl.parse import parse_series
from etl.sources.common import HEAD_NAME, HOUSEHOLD_NO, ID_NUMBER, TOWNSHIP, VILLAGE, id_warnings, keys_from_ids
from etl.spec import Col, Spec

NAME = "monitoring"
CATEGORIES = (("脱贫不稳定户", "脱贫不稳定户"), ("脱贫不稳定", "脱贫不稳定户"), ("边缘易致贫户", "边缘易致贫户"),
              ("边缘易致贫", "边缘易致贫户"), ("突发严重困难户", "突发严重困难户"), ("突发严重困难", "突发严重困难户"))
RISK_NAMES = {
    "因病": "因病", "因残": "因残", "因学": "因学", "因灾": "因灾", "因自然灾害": "因灾",
    "因意外事故": "因意外事故", "因务工就业不稳": "因务工就业不稳", "因就业": "因务工就业不稳",
    "因产业项目失败": "因产业项目失败", "因产业失败": "因产业项目失败", "缺劳力": "缺劳力", "因缺劳动力": "缺劳力",
    "缺劳动力": "缺劳力", "住房安全": "住房安全", "饮水安全": "饮水安全", "其他": "其他",
}
RISK_CODES = {"01": "因病", "02": "因灾", "03": "因残", "04": "缺劳力", "05": "因意外事故",
              "06": "因产业项目失败", "07": "因务工就业不稳", "09": "因学", "99": "其他"}
HOUSEHOLD_COLS = ["乡镇", "行政村", "监测对象类别", "主要风险类型", "识别监测时间", "风险是否已消除", "风险消除时间",
                  "家庭人均纯收入"]

_common = (
    TOWNSHIP, VILLAGE,
    Col("监测对象类别", ("监测对象类型", "易返贫致贫户(监测对象)类型", "易返贫致贫户类型", "类别", "监测类型"), vocab=CATEGORIES),
    Col("主要风险类型", ("风险类型", "致贫/返贫风险1", "致贫返贫风险1", "主要风险", "风险类别"), "raw"),
    Col("识别监测时间", ("识别时间", "风险识别时间", "纳入监测时间", "识别纳入时间"), "date"),
    Col("风险是否已消除", ("风险是否消除", "是否消除风险", "风险消除"), "bool"),
    Col("风险消除时间", ("消除时间",), "date", required=False),
    Col("家庭人均纯收入", ("人均纯收入", "家庭年人均纯收入", "家庭人均收入"), "money", required=False),
)
_risk_more = tuple(f"致贫/返贫风险{i}" for i in range(2, 6)) + tuple(f"致贫返贫风险{i}" for i in range(2, 6))

SPECS = [
    Spec("monitoring", "监测对象名单", (
        HOUSEHOLD_NO, HEAD_NAME, ID_NUMBER,
        Col("家庭人口数", ("人口数", "家庭人口", "户人口数", "人数"), "int"),
        *_common), ignore=_risk_more, module=NAME, any_of=("户编号", "证件号码")),
    Spec("monitoring", "监测对象人员明细", (
        Col("户编号", ("户码", "家庭编号", "户号"), "text"),
        Col("人编号", ("成员编号", "人员编号"), "text", required=False),
        Col("姓名", ("成员姓名",), "text", required=False, personal=True),
        Col("证件号码", ("身份证号", "身份证号码", "证件号"), "text", required=False, personal=True),
        Col("与户主关系", ("与户主关系名称", "关系"), "text", required=False),
        Col("人数", ("家庭人口数", "人口数", "家庭人数"), "int", required=False),
        *_common), ignore=_risk_more, module=NAME, any_of=("人编号", "与户主关系"), extra={"person_level": True}),
]


def _risk(text: str) -> str:
    t = str(text).strip()
    if t in RISK_NAMES:
        return RISK_NAMES[t]
    if t.isdigit() and len(t) >= 2:
        code = t[:2]
        if code in RISK_CODES:
            return RISK_CODES[code]
    raise ValueError("不是可识别的风险类型（名称如“因病”，或代码 01、03、09、02xx 等）")


def build(ex, ctx) -> pd.DataFrame:
    df, rows = ex.frame, ex.rows
    problems: list[Problem] = []
    f = {fl.name: fl for fl in ex.mapped.fields}
    risk, errors = parse_series(df["主要风险类型"], _risk)
    for i in errors.index[errors.notna()][:20]:
        problems.append(_p(ctx, rows[i], f["主要风险类型"], errors[i], df.at[i, "主要风险类型"]))
    if problems:
        raise LoadError(problems)
    df = df.assign(主要风险类型=risk)
    warnings = []
    if "证件号码" in df:
        warnings += id_warnings(df["证件号码"], rows, ctx, f["证件号码"].header)
    if ex.mapped.spec.extra.get("person_level"):
        df, more = _fold(df, rows, ctx, f)
        warnings += more
    else:
        df = df.assign(_row=rows)
        if "户编号" not in df:
            df["户编号"] = keys_from_ids(df["证件号码"], ctx.settings.hash_key)
        missing = df["户编号"].isna()
        for i in df.index[missing][:10]:
            problems.append(Problem("户编号和证件号码都为空，无法确定是哪一户", file=ctx.file, sheet=ctx.sheet, row=int(rows[i])))
        dup = df["户编号"].duplicated(keep="first") & ~missing
        for i in df.index[dup][:10]:
            problems.append(Problem("户编号重复：同一户出现了两次", file=ctx.file, sheet=ctx.sheet, row=int(rows[i]),
                                    column=f["户编号"].header if "户编号" in f else "证件号码",
                                    value=str(df.at[i, "户编号"]) if "户编号" in f else ""))
        df = df.rename(columns={"家庭人口数": "people"})
    problems += _check_dates(df, ctx, f)
    if problems:
        raise LoadError(problems)
    elim = df["风险是否已消除"].astype(bool)
    out = pd.DataFrame({
        "household_key": df["户编号"].astype(str),
        "township": df["乡镇"], "village": df.get("行政村"),
        "category": df["监测对象类别"], "risk_type": df["主要风险类型"],
        "people": df["people"].astype("int64"),
        "identified_on": df["识别监测时间"],
        "eliminated": elim,
        "eliminated_on": df.get("风险消除时间", pd.Series(None, index=df.index)).where(elim, None),
        "per_capita_income_fen": df.get("家庭人均纯收入"),
        "src_row": df["_row"],
    })
    ctx.warnings.extend(warnings)
    return out


def _p(ctx, row, field, msg, value) -> Problem:
    return Problem(msg, file=ctx.file, sheet=ctx.sheet, row=int(row), column=field.header, value=str(value))


def _check_dates(df, ctx, f) -> list[Problem]:
    problems = []
    elim = df["风险是否已消除"].astype(bool)
    has_date = df["风险消除时间"].notna() if "风险消除时间" in df else pd.Series(False, index=df.index)
    for i in df.index[elim & ~has_date][:10]:
        problems.append(Problem("风险已消除，但没有填写风险消除时间", file=ctx.file, sheet=ctx.sheet, row=int(df.at[i, "_row"]),
                                column="风险消除时间"))
    if "风险消除时间" in df:
        both = df.index[elim & has_date]
        lt = pd.to_datetime(df.loc[both, "风险消除时间"]) < pd.to_datetime(df.loc[both, "识别监测时间"])
        early = list(both[lt.to_numpy()])
        for i in early[:10]:
            problems.append(Problem("风险消除时间早于识别监测时间", file=ctx.file, sheet=ctx.sheet, row=int(df.at[i, "_row"]),
                                    column=f["风险消除时间"].header, value=str(df.at[i, "风险消除时间"])))
    return problems


def _fold(df: pd.DataFrame, rows: pd.Series, ctx, f) -> tuple[pd.DataFrame, list[Problem]]:
    """Person rows → one row per household; household columns must agree across members."""
    df = df.assign(_row=rows)
    cols = [c for c in HOUSEHOLD_COLS if c in df]
    missing_key = df["户编号"].isna()
    if missing_key.any():
        i = df.index[missing_key][0]
        raise LoadError(Problem("户编号为空，无法归户", file=ctx.file, sheet=ctx.sheet, row=int(rows[i]), column=f["户编号"].header))
    distinct = df[["户编号", *cols]].astype("string").fillna("").drop_duplicates()
    clash = distinct["户编号"][distinct["户编号"].duplicated()].unique()
    if len(clash):
        problems = []
        for key in clash[:10]:
            members = df[df["户编号"] == key]
            for c in cols:
                vals = members[c].astype("string").fillna("")
                if vals.nunique() > 1:
                    odd = members.index[vals != vals.iloc[0]][0]
                    problems.append(Problem(
                        f"同一户（户编号 {key}）各成员行的“{f[c].header}”不一致：第{int(members['_row'].iloc[0])}行为“{vals.iloc[0]}”，"
                        f"第{int(rows[odd])}行为“{vals[odd]}”", file=ctx.file, sheet=ctx.sheet, row=int(rows[odd]),
                        column=f[c].header, col=None, hint="户级字段在每个成员行上必须相同，请核对后再载入"))
                    break
        raise LoadError(problems)
    g = df.groupby("户编号", sort=False)
    heads = g.head(1).set_index("户编号")
    members = g.size()
    out = heads[cols + ["_row"]].copy()
    out["people"] = members.reindex(out.index).astype("int64")
    out = out.reset_index()
    warnings = []
    if "人数" in df:
        stated = g["人数"].first().reindex(out["户编号"]).to_numpy()
        diff = (pd.Series(stated) != out["people"].to_numpy()) & pd.notna(pd.Series(stated))
        if diff.any():
            k = int(diff.to_numpy().nonzero()[0][0])
            warnings.append(Problem(f"有{int(diff.sum())}户“人数”栏与名单中的成员行数不同（如户编号 {out.at[k, '户编号']}），按成员行数计",
                                    file=ctx.file, sheet=ctx.sheet, row=int(out.at[k, "_row"]), level="warning"))
    return out, warnings
