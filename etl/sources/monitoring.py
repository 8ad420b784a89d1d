"""监测对象: the monitoring roster, household-level or the national system's person-level export
(folded to households: people = member rows, household fields must agree across members).

A roster that also lists lifted-out households (empty 监测对象类别) counts only the monitored ones;
the others are left out and reported (the layout's ``exclude_empty``). Every risk of a household (致贫/返贫风险1…5) is kept; the first is its main risk.
"""
from __future__ import annotations

import pandas as pd

from etl.errors import LoadError, Problem
from etl.sources.common import id_warnings, keys_from_ids

NAME = "monitoring"
HOUSEHOLD_COLS = ["乡镇", "行政村", "县", "监测对象类别", "户类型", "识别监测时间", "风险是否已消除", "风险消除时间",
                  "家庭人均纯收入"]


def build(df: pd.DataFrame, ctx) -> pd.DataFrame:
    person = ctx.table.layout.person_level
    risks = sorted((c for c in df.columns if c.startswith("主要风险类型~")), key=lambda c: int(c.split("~")[1]))
    if "风险是否已消除" not in df:
        df = df.assign(风险是否已消除=df["风险消除时间"].notna())
    warnings = []
    if "证件号码" in df:
        warnings += id_warnings(df["证件号码"], df["_row"], ctx, ctx.header("证件号码"))
    if person:
        df, more = _fold(df, ctx, risks)
        warnings += more
    else:
        df = _households(df, ctx)
    problems = _check_dates(df, ctx)
    if problems:
        raise LoadError(problems)
    main, extra = _risks(df, risks)
    elim = df["风险是否已消除"].fillna(False).astype(bool)
    out = pd.DataFrame({
        "household_key": df["户编号"].astype(str),
        "township": df["乡镇"], "village": df.get("行政村"),
        "category": df["监测对象类别"], "risk_type": main,
        "people": df["people"].astype("int64"),
        "identified_on": df["识别监测时间"],
        "eliminated": elim,
        "eliminated_on": df.get("风险消除时间", pd.Series(None, index=df.index)).where(elim, None),
        "per_capita_income_fen": df.get("家庭人均纯收入"),
        "src_row": df["_row"],
    })
    if len(extra):
        ctx.extra["household_risk"] = extra
    ctx.warnings.extend(warnings)
    return out


def _households(df: pd.DataFrame, ctx) -> pd.DataFrame:
    problems = []
    if "户编号" not in df or df["户编号"].isna().all():
        df = df.assign(户编号=keys_from_ids(df["证件号码"], ctx.settings.hash_key))
    missing = df["户编号"].isna()
    for i in df.index[missing][:10]:
        problems.append(ctx.problem("户编号和证件号码都为空，无法确定是哪一户", df.at[i, "_row"]))
    dup = df["户编号"].duplicated(keep=False) & ~missing
    if dup.any():
        first = {}
        for i in df.index[dup]:
            k = df.at[i, "户编号"]
            if k in first:
                problems.append(ctx.problem(f"户编号重复：与第{first[k]}行是同一户", df.at[i, "_row"],
                                            "户编号" if ctx.claim("户编号") else "证件号码",
                                            k if ctx.claim("户编号") else ""))
            else:
                first[k] = int(df.at[i, "_row"])
            if len(problems) >= 10:
                break
    if problems:
        raise LoadError(problems)
    return df.rename(columns={"家庭人口数": "people"})


def _risks(df: pd.DataFrame, risks: list[str]) -> tuple[pd.Series, pd.DataFrame]:
    """The main risk (first non-empty in order) and, when the roster has several risk columns, every risk of
    each household (``household_risk``). With one risk column the main risk is all there is: nothing more."""
    if not risks:
        return pd.Series(None, index=df.index, dtype=object), pd.DataFrame()
    main = df[risks].bfill(axis=1).iloc[:, 0] if len(risks) > 1 else df[risks[0]]
    if len(risks) == 1:
        return main, pd.DataFrame()
    parts = []
    for col in risks:
        v = df[col].dropna()
        parts.append(pd.DataFrame({"household_key": df.loc[v.index, "户编号"].astype(str), "ordinal": int(col.split("~")[1]),
                                   "risk_type": v, "src_row": df.loc[v.index, "_row"]}))
    extra = pd.concat(parts).sort_values(["src_row", "ordinal"], kind="stable")
    extra = extra.drop_duplicates(["household_key", "risk_type"]).reset_index(drop=True)
    extra["ordinal"] = extra.groupby("household_key").cumcount() + 1
    return main, extra


def _check_dates(df, ctx) -> list[Problem]:
    problems = []
    elim = df["风险是否已消除"].fillna(False).astype(bool)
    if "风险消除时间" not in df:        # the export gives the flag only: it is enough (docs/formats.md)
        return problems
    has_date = df["风险消除时间"].notna()
    for i in df.index[elim & ~has_date][:10]:
        problems.append(ctx.problem("风险已消除，但没有填写风险消除时间", df.at[i, "_row"], "风险消除时间"))
    if "风险消除时间" in df:
        both = df.index[elim & has_date]
        lt = pd.to_datetime(df.loc[both, "风险消除时间"]) < pd.to_datetime(df.loc[both, "识别监测时间"])
        for i in list(both[lt.to_numpy()])[:10]:
            problems.append(ctx.problem("风险消除时间早于识别监测时间", df.at[i, "_row"], "风险消除时间",
                                        df.at[i, "风险消除时间"]))
    return problems


def _fold(df: pd.DataFrame, ctx, risks: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Person rows → one row per household; household columns must agree across members.

    Works on one integer code per household (factorized once): a million person rows fold in about a
    second."""
    import numpy as np

    cols = [c for c in HOUSEHOLD_COLS + risks if c in df]
    missing_key = df["户编号"].isna()
    if missing_key.any():
        i = df.index[missing_key][0]
        raise LoadError(ctx.problem("户编号为空，无法归户", df.at[i, "_row"], "户编号"))
    codes, keys = pd.factorize(df["户编号"])
    rows = df["_row"].to_numpy()
    problems = _same_person_twice(df, codes, rows, ctx) + _disagreements(df, codes, keys, cols, ctx)
    if problems:
        raise LoadError(problems)
    head = (df["与户主关系"] != "户主").to_numpy() if "与户主关系" in df else np.zeros(len(df), dtype=bool)
    order = np.lexsort((rows, head, codes))            # per household: the head first, then by row
    first = order[np.r_[True, codes[order][1:] != codes[order][:-1]]]
    first = first[np.argsort(rows[first], kind="stable")]   # households in the order they appear
    out = df.iloc[first][cols + ["_row"]].copy()
    out.insert(0, "户编号", keys[codes[first]])
    members = np.bincount(codes, minlength=len(keys))
    out["people"] = members[codes[first]].astype("int64")
    out = out.reset_index(drop=True)
    warnings = []
    if "家庭人口数" in df:
        stated = df["家庭人口数"].to_numpy()[first]
        diff = pd.notna(stated) & (pd.Series(stated).fillna(-1).to_numpy() != out["people"].to_numpy())
        if diff.any():
            k = int(diff.nonzero()[0][0])
            warnings.append(Problem(f"有{int(diff.sum())}户“{ctx.header('家庭人口数')}”栏与名单中的成员行数不同"
                                    f"（如户编号 {out.at[k, '户编号']}），按成员行数计",
                                    file=ctx.file, sheet=ctx.sheet, row=int(out.at[k, "_row"]), level="warning"))
    if "与户主关系" in df:
        heads_n = np.bincount(codes, weights=(~head).astype(float), minlength=len(keys))
        none = np.flatnonzero(heads_n == 0)
        if len(none):
            warnings.append(Problem(f"有{len(none)}户没有与户主关系为“户主”的成员行（如户编号 {keys[none[0]]}），以该户第一行为准",
                                    file=ctx.file, sheet=ctx.sheet, level="warning"))
    return out, warnings


def _same_person_twice(df: pd.DataFrame, codes, rows, ctx) -> list[Problem]:
    if "人编号" not in df:
        return []
    person = pd.factorize(df["人编号"])[0]
    pair = pd.Series(codes.astype("int64") * (int(person.max()) + 2) + person)
    dup = (person >= 0) & pair.duplicated(keep=False).to_numpy()
    problems, seen = [], {}
    for i in dup.nonzero()[0][:20]:
        k = int(pair.iat[i])
        if k in seen:
            problems.append(ctx.problem(f"人编号重复：与第{seen[k]}行是同一个人", rows[i], "人编号"))
        else:
            seen[k] = int(rows[i])
    return problems


def _disagreements(df: pd.DataFrame, codes, keys, cols: list[str], ctx) -> list[Problem]:
    """Households whose members disagree on a household column, each named with both rows."""
    from pandas.util import hash_pandas_object

    h = hash_pandas_object(df[cols], index=False).to_numpy()
    distinct = pd.DataFrame({"k": codes, "h": h}).drop_duplicates()
    clash = distinct["k"][distinct["k"].duplicated()].unique()
    problems = []
    for code in clash[:10]:
        members = df[codes == code]
        for c in cols:
            vals = members[c].astype("string").fillna("")
            if vals.nunique() > 1:
                odd = members.index[(vals != vals.iloc[0]).to_numpy()][0]
                problems.append(Problem(
                    f"同一户（户编号 {keys[code]}）各成员行的“{ctx.header(c.split('~')[0])}”不一致：第{int(members['_row'].iloc[0])}行为"
                    f"“{vals.iloc[0]}”，第{int(df.at[odd, '_row'])}行为“{vals[odd]}”", file=ctx.file, sheet=ctx.sheet,
                    row=int(df.at[odd, "_row"]), column=ctx.header(c.split("~")[0]),
                    hint="户级字段在每个成员行上必须相同，请核对后再载入"))
                break
    return problems
