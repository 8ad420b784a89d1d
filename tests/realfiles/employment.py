"""Employment (human resources and social security bureau): indicator rows × period columns."""
from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from ._common import (D, TOWNSHIPS, Fixture, Sheet, pct, pct_text, r2, save_csv, save_openpyxl, save_xlsxwriter,
                      thousands)

# official name in the department's table -> name in the summary
OFFICIAL = {
    "城镇新增就业人数": "城镇新增就业",
    "城镇失业人员再就业人数": "下岗失业人员再就业",
    "就业困难人员实现就业人数": "就业困难人员再就业",
    "农村劳动力转移就业人数": "农村劳动力转移就业",
}
FAR_BEHIND_GAP = D(10)


def status(done, target, months: int) -> str:
    comp = r2(D(done) * 100 / D(target))
    tp = r2(D(months) * 100 / 12)
    gap = comp - tp
    assert abs(gap) > D("0.5") and abs(gap + FAR_BEHIND_GAP) > D("0.5"), "keep clear of the status thresholds"
    return "ahead" if gap >= 0 else ("far_behind" if gap < -FAR_BEHIND_GAP else "behind")


def indicator_expected(items: dict, months: int, period: str) -> dict:
    """items: official name -> (target, done)."""
    exp = {"employment.period": period, "employment.time_progress_pct": pct(months, 12)}
    for official, (target, done) in items.items():
        name = OFFICIAL[official]
        exp[f"employment[{name}].target"] = target
        exp[f"employment[{name}].done"] = done
        exp[f"employment[{name}].completion_pct"] = pct(done, target)
        exp[f"employment[{name}].status"] = status(done, target, months)
    return exp


def split_total(rng: random.Random, total: int, n: int, lo: float = 0.6, hi: float = 1.5) -> list[int]:
    w = [rng.uniform(lo, hi) for _ in range(n)]
    parts = [int(total * x / sum(w)) for x in w]
    parts[0] += total - sum(parts)
    return parts


# 5a ---------------------------------------------------------------------------------------------
def build_employment_indicators(d: Path) -> Fixture:
    items = {"城镇新增就业人数": (3500, 1462), "城镇失业人员再就业人数": (1300, 371),
             "就业困难人员实现就业人数": (1000, 198), "农村劳动力转移就业人数": (12000, 4437)}
    rows = [["南华县2023年1-4月就业工作完成情况"], ["单位：人、%"], ["序号", "指标", "全年目标任务", "1-4月完成数", "完成率"]]
    for i, (name, (t, dn)) in enumerate(items.items(), 1):
        rows.append([i, name, thousands(t) if t >= 10000 else t, dn, pct_text(dn, t)])
    rows += [[], ["注：完成率=1-4月完成数÷全年目标任务。"], ["填报单位：南华县人力资源和社会保障局", None, "填表人：者文明", None, "审核人：字国华"]]
    f = save_openpyxl(d / "南华县2023年1-4月就业工作完成情况.xlsx", [Sheet("就业", rows, merges=[(0, 0, 0, 4), (1, 0, 1, 4)])])
    return Fixture([f], indicator_expected(items, 4, "2023-04"), (
        "County-level indicator rows × period columns: 序号 | 指标 | 全年目标任务 | 1-4月完成数 | 完成率, official "
        "indicator names (城镇新增就业人数, 城镇失业人员再就业人数 → 下岗失业人员再就业, 就业困难人员实现就业人数 → "
        "就业困难人员再就业, 农村劳动力转移就业人数), merged title and unit line, 12,000 as text, completion as `41.77%`. "
        "Status: ahead if completion ≥ time progress, far_behind if more than 10 points behind (settings), else behind."),
        rows={f.name: len(items)})


# 5b ---------------------------------------------------------------------------------------------
def build_employment_ytd_column(d: Path) -> Fixture:
    items = {"城镇新增就业人数": (3600, 1987), "城镇失业人员再就业人数": (1350, 612),
             "就业困难人员实现就业人数": (1050, 401), "农村劳动力转移就业人数": (12500, 6820)}
    last_year = {"城镇新增就业人数": 1765, "城镇失业人员再就业人数": 598, "就业困难人员实现就业人数": 377,
                 "农村劳动力转移就业人数": 6512}
    header = ["序号", "指标名称", "单位", "全年目标任务", "本年累计", "完成进度", "上年同期"]
    rows = [["南华县2023年1-6月就业创业主要指标完成情况"], ["单位：人、万元、%"], header]
    for i, (name, (t, dn)) in enumerate(items.items(), 1):
        rows.append([i, name, "人", thousands(t), thousands(dn), pct_text(dn, t), thousands(last_year[name])])
    rows.append([5, "发放创业担保贷款", "万元", "8,000", "4,350", pct_text(4350, 8000), "3,920"])
    rows += [[], ["注：本年累计为2023年1月1日至6月30日累计数。"]]
    f = save_csv(d / "南华县2023年1-6月就业创业主要指标完成情况.csv", rows, encoding="utf-8-sig")
    return Fixture([f], indicator_expected(items, 6, "2023-06"), (
        "UTF-8-BOM CSV: 指标名称 | 单位 | 全年目标任务 | 本年累计 | 完成进度 | 上年同期 — the period only in the title "
        "(1-6月), numbers as text with thousands separators, a 上年同期 column that is last year's figure (not the "
        "done count), and a fifth indicator (发放创业担保贷款, 万元) that is none of the four and must not be refused."),
        rows={f.name: 5})


# 5c ---------------------------------------------------------------------------------------------
def build_employment_two_periods(d: Path) -> Fixture:
    items4 = {"城镇新增就业人数": (3400, 1180), "城镇失业人员再就业人数": (1400, 512),
              "就业困难人员实现就业人数": (1100, 243), "农村劳动力转移就业人数": (11800, 4690)}
    done6 = {"城镇新增就业人数": 1796, "城镇失业人员再就业人数": 640, "就业困难人员实现就业人数": 412,
             "农村劳动力转移就业人数": 6102}
    items6 = {k: (t, done6[k]) for k, (t, _) in items4.items()}
    rows = [["南华县2023年就业目标任务推进情况"], ["单位：人"], ["序号", "指标", "全年目标任务", "1-4月完成数", "1-6月完成数"]]
    for i, (name, (t, dn)) in enumerate(items4.items(), 1):
        rows.append([i, name, t, dn, done6[name]])
    rows += [[], ["填报单位：南华县人力资源和社会保障局", None, "填表人：起云峰", "联系电话：0878-7213301"]]
    f = save_xlsxwriter(d / "南华县2023年就业目标任务推进情况.xlsx", [Sheet("推进情况", rows, merges=[(0, 0, 0, 4)])])
    exp = indicator_expected(items6, 6, "2023-06")
    exp["also_as_of"] = {"2023-04": indicator_expected(items4, 4, "2023-04")}
    return Fixture([f], exp, (
        "Two periods in one sheet: 全年目标任务 | 1-4月完成数 | 1-6月完成数, no completion column, the title names "
        "only the year. Default summary = the latest period (2023-06); `--as-of 2023-04` must give the 1-4月 "
        "figures (also_as_of)."), rows={f.name: 4})


# 5d: township level, three-level header -------------------------------------------------------------
def build_employment_township_3level(d: Path) -> Fixture:
    rng = random.Random(1234)
    totals = {"城镇新增就业人数": (3300, 1218), "城镇失业人员再就业人数": (1400, 401), "就业困难人员实现就业人数": (1100, 212)}
    per = {}
    for name, (t, dn) in totals.items():
        ts = split_total(rng, t, 10)
        ds = [max(1, int(x * dn / t * rng.uniform(0.7, 1.3))) for x in ts]
        ds[0] += dn - sum(ds)
        per[name] = list(zip(ts, ds))
    g1 = ["序号", "乡镇"] + sum(([n, None, None] for n in totals), [])
    g2 = [None, None] + ["全年目标任务", "1-4月完成情况", None] * 3
    g3 = [None, None] + [None, "完成数", "完成率"] * 3
    rows = [["南华县2023年1-4月各乡镇就业目标任务完成情况"] + [None] * 10, ["单位：人、%"], g1, g2, g3]
    for i, t in enumerate(TOWNSHIPS):
        row = [i + 1, t]
        for name in totals:
            tt, dd = per[name][i]
            row += [tt, dd, pct_text(dd, tt)]
        rows.append(row)
    tot = [None, "全县合计"]
    for name, (t, dn) in totals.items():
        tot += [thousands(t), thousands(dn), pct_text(dn, t)]
    rows.append(tot)
    rows += [[], ["填报单位：南华县就业服务中心", None, None, "填表人：杨丽", None, None, "联系电话：0878-7216620", None, None,
                  "审核人：李正兴"]]
    merges = [(0, 0, 0, 10), (1, 0, 1, 10), (2, 0, 4, 0), (2, 1, 4, 1)]
    for k in range(3):
        c = 2 + 3 * k
        merges += [(2, c, 2, c + 2), (3, c, 4, c), (3, c + 1, 3, c + 2)]
    f = save_openpyxl(d / "南华县2023年1-4月各乡镇就业目标任务完成情况.xlsx", [Sheet("乡镇", rows, merges)])
    exp = indicator_expected(totals, 4, "2023-04")
    lc = dict(zip(totals, [per[n][0] for n in totals]))
    exp["by_township"] = {"龙川镇": {f"employment[{OFFICIAL[n]}].{k}": v for n, (t, dn) in lc.items()
                                    for k, v in (("target", t), ("done", dn), ("completion_pct", pct(dn, t)))}}
    return Fixture([f], exp, (
        "Township rows under a three-level header: indicator (城镇新增就业人数 …) → 全年目标任务 (merged down) / "
        "1-4月完成情况 → 完成数 | 完成率; 序号 and 乡镇 merged over the three header rows; a 全县合计 row (序号 empty) "
        "with text numbers equal to the sums; a footer spread over cells. County figures = the 合计 row."),
        rows={f.name: 10})


# Two tables on one sheet: the indicators, then the urban welfare posts by township ------------------
def build_employment_two_tables_one_sheet(d: Path) -> Fixture:
    rng = random.Random(397)
    items = {"城镇新增就业人数": (3200, 1390), "城镇失业人员再就业人数": (1250, 316),
             "就业困难人员实现就业人数": (980, 171)}
    rows = [["南华县2023年1-4月就业目标任务完成情况"], ["单位：人、%"],
            ["序号", "指标", "全年目标任务", "截至4月完成", "完成率"]]
    for i, (name, (t, dn)) in enumerate(items.items(), 1):
        rows.append([i, name, thousands(t), thousands(dn), pct_text(dn, t)])
    rows += [[], [], ["南华县2023年1-4月城镇公益性岗位开发使用情况"],
             ["序号", "乡镇", "城镇公益性岗位（个）", "岗位补贴（万元）", "社会保险补贴（万元）"]]
    posts = []
    for i, t in enumerate(TOWNSHIPS, 1):
        n = rng.randint(22, 61)
        posts.append((t, n, r2(D(n) * D(rng.randint(1700, 1900)) / 10000), r2(D(n) * D(rng.randint(1050, 1250)) / 10000)))
        rows.append([i, t, n, float(posts[-1][2]), float(posts[-1][3])])
    tp = (sum(p[1] for p in posts), sum(p[2] for p in posts), sum(p[3] for p in posts))
    rows.append([None, "全县", tp[0], float(tp[1]), float(tp[2])])
    rows += [[], ["填报单位：南华县人力资源和社会保障局", None, "填表人：字国华", None, "审核人：普建华"]]
    f = save_openpyxl(d / "南华县2023年1-4月就业目标任务及公益性岗位情况.xlsx",
                      [Sheet("Sheet1", rows, merges=[(0, 0, 0, 4), (len(items) + 5, 0, len(items) + 5, 4)])])
    exp = indicator_expected(items, 4, "2023-04")
    exp.update({"employment.welfare_posts.period": "2023-04", "employment.welfare_posts.posts": tp[0],
                "employment.welfare_posts.post_subsidy_wan": float(tp[1]),
                "employment.welfare_posts.insurance_subsidy_wan": float(tp[2])})
    return Fixture([f], exp, (
        "Two tables on one sheet: the indicator table (header `截至4月完成`, numbers as text with thousands "
        "separators, three indicators only — no 农村劳动力转移就业), two blank rows, then a second title and a "
        "township table of urban welfare posts (城镇公益性岗位（个） | 岗位补贴（万元） | 社会保险补贴（万元）) closed by a "
        "`全县` total row. Both tables are 2023年1-4月."), rows={f.name: 3 + 10})
