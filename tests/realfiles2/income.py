"""Income files: per village with 小计/合计, two years side by side under merged year headers, and a
household sheet with a period column holding two half-years."""
from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from ._common import NANHUA, Fixture, People, S, Sheet, q2, write_xlsx


def _pc(rng: random.Random, lo: int, hi: int) -> Decimal:
    return Decimal(rng.randrange(lo * 100, hi * 100)) / 100


def build_income_village_subtotals(d: Path) -> Fixture:
    """行政村 rows (户数 / 人数 / 人均纯收入 with 元 in the cells), a 小计 row per township, a 合计 row."""
    rng = random.Random(11)
    rows = [["南华县2022年度脱贫人口收入情况统计表（分行政村）"], ["单位：户、人、元"],
            ["序号", "乡镇", "行政村", "户数", "人数", "人均纯收入", "备注"]]
    n = 0
    all_inc, all_p, all_h = Decimal(0), 0, 0
    by_tw = {}
    for tw, villages in NANHUA.items():
        t_inc, t_p, t_h = Decimal(0), 0, 0
        for v in villages:
            n += 1
            h = rng.randrange(40, 260)
            p = h * 3 + rng.randrange(0, h)
            pc = _pc(rng, 13500, 19800)
            rows.append([n, tw, v, h, p, f"{pc:,.2f}元", None])
            t_inc += pc * p
            t_p += p
            t_h += h
        tpc = q2(t_inc / t_p)
        by_tw[tw] = float(tpc)
        rows.append([None, tw, "小计", t_h, t_p, f"{tpc:,.2f}元", None])
        all_inc += t_inc
        all_p += t_p
        all_h += t_h
    total_pc = q2(all_inc / all_p)
    rows.append([None, "合计", None, all_h, all_p, f"{total_pc:,.2f}元", None])
    rows.append(["注：人均纯收入为各村加权平均数。"])
    f = write_xlsx(d / "南华县2022年度脱贫人口收入情况统计表.xlsx", {"分村统计": Sheet(rows)})
    exp = {"income.year": 2022, "income.per_capita": float(total_pc),
           "by_township": {"龙川镇": {"income.per_capita": by_tw["龙川镇"]},
                           "五顶山乡": {"income.per_capita": by_tw["五顶山乡"]}}}
    return Fixture([f], exp, (
        f"{n} village rows under 10 townships, each township followed by a 小计 row (label in the 行政村 column, "
        f"weighted per-capita), a 合计 row (label in the 乡镇 column); amounts as `16,520.35元`. Expected 2022 "
        f"per capita {total_pc} 元 over {all_p} people; 龙川镇 {by_tw['龙川镇']}, 五顶山乡 {by_tw['五顶山乡']}."))


def build_income_two_years(d: Path) -> Fixture:
    """Two years side by side: merged `2021年` / `2022年` over 脱贫人口（人）| 人均纯收入（元）, plus a 增减情况 group."""
    rng = random.Random(12)
    while True:
        data = []
        for tw in NANHUA:
            p21 = rng.randrange(1800, 6200)
            p22 = p21 + rng.randrange(-40, 60)
            pc21 = _pc(rng, 13000, 16500)
            pc22 = pc21 + _pc(rng, 1200, 3000)
            data.append((tw, p21, pc21, p22, pc22))
        s21 = sum(p * pc for _, p, pc, _, _ in data)
        s22 = sum(p * pc for _, _, _, p, pc in data)
        n21 = sum(x[1] for x in data)
        n22 = sum(x[3] for x in data)
        a, b = q2(s21 / n21), q2(s22 / n22)
        change = b - a
        g1 = q2(change * 100 / a)
        g2 = q2((s22 / n22 - s21 / n21) * 100 / (s21 / n21))
        if g1 == g2:  # the growth rate does not depend on whether the means are rounded first
            break
    top = ["序号", "乡镇", "2021年", None, "2022年", None, "增减情况", None]
    sub = [None, None, "脱贫人口（人）", "人均纯收入（元）", "脱贫人口（人）", "人均纯收入（元）", "增加额（元）", "增长率"]
    rows = [["南华县脱贫人口人均纯收入对比表"], ["填报单位：南华县乡村振兴局", None, None, None, None, None, "单位：人、元"],
            top, sub]
    for i, (tw, p21, pc21, p22, pc22) in enumerate(data):
        rows.append([i + 1, tw, p21, float(pc21), p22, float(pc22), float(pc22 - pc21), f"{q2((pc22 - pc21) * 100 / pc21)}%"])
    rows.append([None, "全县", n21, float(a), n22, float(b), float(change), f"{g1}%"])
    merges = [(0, 0, 0, 7), (2, 0, 3, 0), (2, 1, 3, 1), (2, 2, 2, 3), (2, 4, 2, 5), (2, 6, 2, 7)]
    f = write_xlsx(d / "南华县脱贫人口人均纯收入对比表（2021-2022年）.xlsx", {"Sheet1": Sheet(rows, merges=merges)})
    exp = {"income.year": 2022, "income.per_capita": float(b), "income.previous": float(a),
           "income.change": float(change), "income.growth_pct": float(g1)}
    return Fixture([f], exp, (
        f"township rows; merged year headers `2021年` and `2022年` each over 脱贫人口（人）| 人均纯收入（元）, a 增减情况 "
        f"group (增加额 | 增长率) that is comparison, a 全县 row at the bottom with weighted means; the title names no "
        f"year. Expected 2022 {b} 元 ({n22} people), 2021 {a} 元 ({n21}), change {change}, growth {g1}%."))


def build_income_halfyear_period_column(d: Path) -> Fixture:
    """Household rows for two half-years in one sheet, told apart by a 收入期间 column; no 户编号 (the
    household is the 户主身份证号); income parts under a merged 家庭收入构成（元） group."""
    people = People(505)
    rng = people.rng
    hh = []
    towns = ["龙川镇", "沙桥镇", "红土坡镇", "雨露白族乡", "罗武庄乡"]
    for i in range(30):
        tw = towns[i % 5]
        size = rng.choice([2, 3, 4, 4, 5, 6])
        head = people.name()
        hh.append({"tw": tw, "v": NANHUA[tw][i % len(NANHUA[tw])], "name": head,
                   "id": people.id(rng.randrange(1955, 1990), want_x=(i % 6 == 0)), "n": size})
    header_top = ["序号", "收入期间", "乡镇", "行政村", "户主姓名", "户主身份证号", "家庭人口数", "家庭收入构成（元）",
                  None, None, None, None, "家庭纯收入（元）", "家庭人均纯收入（元）"]
    header_sub = [None] * 7 + ["工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出", None, None]
    rows = [["南华县脱贫户家庭收入监测表（2022年上半年、2023年上半年）"], header_top, header_sub]
    merges = [(0, 0, 0, 13), (1, 7, 1, 11)] + [(1, c, 2, c) for c in (0, 1, 2, 3, 4, 5, 6, 12, 13)]
    totals = {}
    k = 0
    for period, lo, hi in (("2022年上半年", 6200, 9800), ("2023年上半年", 7400, 11600)):
        inc, ppl = Decimal(0), 0
        for h in hh:
            k += 1
            pc = _pc(rng, lo, hi)
            net = pc * h["n"]
            expense = _pc(rng, 300, 1500)
            wage = q2((net + expense) * Decimal("0.6"))
            business = q2((net + expense) * Decimal("0.25"))
            prop = Decimal("120.00")
            transfer = net + expense - wage - business - prop
            rows.append([k, period, h["tw"], h["v"], h["name"], S(h["id"]), h["n"], float(wage), float(business),
                         float(prop), float(transfer), float(expense), float(net), float(pc)])
            inc += net
            ppl += h["n"]
        totals[period] = q2(inc / ppl)
    prev, latest = totals["2022年上半年"], totals["2023年上半年"]
    f = write_xlsx(d / "南华县脱贫户家庭收入监测表（上半年）.xlsx", {"收入监测": Sheet(rows, merges=merges)})
    exp = {"income.latest_period": "2023H1", "income.latest_per_capita": float(latest),
           "income.latest_change": float(latest - prev), "income.latest_growth_pct": float(q2((latest - prev) * 100 / prev))}
    return Fixture([f], exp, (
        f"30 households × 2 half-years in one sheet, period in a `收入期间` column (`2022年上半年` / `2023年上半年`), "
        f"household identified by 户主身份证号 only (five end in X), income parts under a merged 家庭收入构成（元） group, "
        f"家庭纯收入 = 人均 × 人口 exactly. Expected 2023H1 {latest} 元, 2022H1 {prev} 元, change {latest - prev}, "
        f"growth {exp['income.latest_growth_pct']}%."), people.personal)


def build_income_xls_numeric_hid(d: Path) -> Fixture:
    """Household income as .xls where 户编号 was stored as a number (14 digits, exact in a double)."""
    from ._common import write_xls
    people = People(1414)
    rng = people.rng
    rows = [["南华县2022年度脱贫户收入监测表"], ["序号", "乡镇", "行政村", "户编号", "户主姓名", "家庭人口数", "家庭纯收入（元）",
                                               "家庭人均纯收入（元）", "联系电话"]]
    towns = list(NANHUA)
    hh = []
    for i in range(30):
        tw = towns[i % 10]
        n = rng.choice([2, 3, 4, 5])
        pc = (Decimal(rng.randrange(780000, 990000)) if i < 4 else Decimal(rng.randrange(1100000, 2100000))) / 100
        hid = 53232410100000 + (towns.index(tw) + 1) * 1000000 + i
        rows.append([i + 1, tw, NANHUA[tw][0], hid, people.name(), n, float(pc * n), float(pc), people.phone()])
        hh.append((n, pc))
    tot_n = sum(n for n, _ in hh)
    per_capita = q2(sum(n * pc for n, pc in hh) / tot_n)
    u10 = [(n, pc) for n, pc in hh if pc < 10000]
    f = write_xls(d / "南华县2022年度脱贫户收入监测表.xls", {"Sheet1": Sheet(rows)})
    exp = {"income.year": 2022, "income.per_capita": float(per_capita),
           "income.under_10000_households": len(u10), "income.under_10000_people": sum(n for n, _ in u10),
           "income.under_7000_households": 0}
    return Fixture([f], exp, (
        "BIFF .xls, 30 households, 户编号 stored as numbers (e.g. 53232410100000+…, 14 digits: exact, not "
        f"scientific), 家庭纯收入 and 人均 as numbers. Expected 2022 {per_capita} 元 over {tot_n} people, under 10000: "
        f"{len(u10)} h {exp['income.under_10000_people']} p."), people.personal)
