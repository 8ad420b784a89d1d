"""Income monitoring sheets of lifted-out households, in the shapes departments send them."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ._common import (CENT, D, NANHUA_CODE, NANHUA_VILLAGES, Fixture, Sheet, id_for, pct, person_name, phone, r2,
                      rand_date, save_csv, save_openpyxl, save_xlsxwriter, thousands)

BANDS = (7000, 10000)


@dataclass
class IncomeHH:
    township: str
    village: str
    code: str
    head: str
    id_no: str
    phone: str
    people: dict = field(default_factory=dict)      # period -> people
    pc: dict = field(default_factory=dict)          # period -> per-capita net income (元, 2 decimals)
    parts: dict = field(default_factory=dict)       # period -> (wage, business, property, transfer, expense)

    def net(self, p) -> Decimal:
        return self.pc[p] * self.people[p]


def income_households(rng: random.Random, n: int, periods: list[str], half: bool = False) -> list[IncomeHH]:
    """``n`` lifted-out households with per-capita income for each period; the latest period is drawn first
    (with a few under 7,000 and under 10,000 元), earlier ones fall back by 5–25 %."""
    towns = list(NANHUA_VILLAGES)
    scale = D("0.5") if half else D(1)
    hhs = []
    seq = {}
    for i in range(n):
        t = towns[i % len(towns)]
        vi = rng.randrange(len(NANHUA_VILLAGES[t]))
        v = NANHUA_VILLAGES[t][vi]
        seq[(t, v)] = seq.get((t, v), 0) + 1
        male = rng.random() < 0.8
        birth = rand_date(rng, dt.date(1950, 1, 1), dt.date(1990, 12, 31))
        h = IncomeHH(t, v, f"{NANHUA_CODE}{towns.index(t) + 101:03d}{vi + 1:03d}{seq[(t, v)] + 5000:04d}",
                     person_name(rng, male), id_for(rng, NANHUA_CODE, birth, male), phone(rng))
        size = 1 if i == 0 else rng.choice([1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6])
        latest = periods[-1]
        band = rng.random()
        lo, hi = (600000, 699000) if band < 0.06 else (700000, 999000) if band < 0.20 else (1000500, 2650000)
        if i == 0:
            lo, hi = 1500000, 1600000   # the one-person household whose cents make the mean exact
        h.pc[latest] = r2(D(rng.randint(lo, hi)) / 100 * scale)
        h.people[latest] = size
        for p in reversed(periods[:-1]):
            nxt = periods[periods.index(p) + 1]
            h.pc[p] = r2(h.pc[nxt] / (1 + D(rng.randint(5, 25)) / 100))
            h.people[p] = h.people[nxt] if i == 0 or rng.random() > 0.08 else max(1, h.people[nxt] + rng.choice([-1, 1]))
        hhs.append(h)
    for p in periods:
        make_mean_exact(hhs, p)
    for h in hhs:
        for p in periods:
            h.parts[p] = split(rng, h.net(p))
    return hhs


def make_mean_exact(hhs: list[IncomeHH], p: str) -> None:
    """Nudge the one-person household's cents so that total income / total people is exact to the cent:
    then the per-capita figure does not depend on where a loader rounds."""
    adj = hhs[0]
    assert adj.people[p] == 1
    people = sum(h.people[p] for h in hhs)
    cents = sum(int(h.net(p) * 100) for h in hhs)
    adj.pc[p] -= D(cents % people) / 100
    assert sum(int(h.net(p) * 100) for h in hhs) % people == 0


def split(rng, net: Decimal):
    """工资性, 生产经营性, 财产性, 转移性 income and 生产经营性支出 adding up to ``net`` exactly."""
    wage = r2(net * D(rng.randint(40, 65)) / 100)
    transfer = r2(net * D(rng.randint(8, 22)) / 100)
    prop = r2(net * D(rng.randint(0, 4)) / 100)
    expense = r2(net * D(rng.randint(6, 18)) / 100)
    business = net - wage - transfer - prop + expense
    assert business >= 0
    return wage, business, prop, transfer, expense


def mean(hhs, p) -> Decimal:
    people = sum(h.people[p] for h in hhs)
    total = sum(h.net(p) for h in hhs)
    m = total / people
    assert m == m.quantize(CENT)
    return m


def year_expected(hhs, year: str, prev: str | None) -> dict:
    cur = mean(hhs, year)
    exp = {"income.year": int(year), "income.per_capita": float(cur)}
    if prev:
        old = mean(hhs, prev)
        exp.update({"income.previous": float(old), "income.change": float(cur - old),
                    "income.growth_pct": pct(cur - old, old)})
    for band in BANDS:
        under = [h for h in hhs if h.pc[year] < band]
        assert all(h.pc[year] != band for h in hhs)
        exp[f"income.under_{band}_households"] = len(under)
        exp[f"income.under_{band}_people"] = sum(h.people[year] for h in under)
    return exp


def _money(v: Decimal, as_text: bool):
    return thousands(v, 2) if as_text else float(v)


# 4a: one sheet, several periods via a 年度 column ---------------------------------------------------
def build_income_year_column(d: Path) -> Fixture:
    rng = random.Random(2122)
    hhs = income_households(rng, 48, ["2021", "2022"])
    header = ["序号", "乡镇", "行政村", "户编号", "户主姓名", "证件号码", "家庭人口数", "年度", "家庭纯收入（元）",
              "人均纯收入（元）", "联系电话"]
    rows = [["南华县脱贫户家庭收入监测表（2021—2022年度）"], ["单位：人、元"], header]
    i = 0
    for y in ("2021", "2022"):
        for h in hhs:
            i += 1
            txt = i % 7 == 3
            rows.append([i, h.township, h.village, h.code, h.head, h.id_no, h.people[y], int(y),
                         _money(h.net(y), txt), _money(h.pc[y], txt), h.phone])
    rows += [[], ["注：家庭纯收入=工资性收入+生产经营性收入+财产性收入+转移性收入-生产经营性支出。"], ["填表人：罗春梅"]]
    f = save_xlsxwriter(d / "南华县脱贫户家庭收入监测表（2021-2022年度）.xlsx",
                        [Sheet("收入监测", rows, merges=[(0, 0, 0, len(header) - 1)],
                               number_formats={8: "#,##0.00", 9: "#,##0.00"})])
    exp = year_expected(hhs, "2022", "2021")
    return Fixture([f], exp, (
        f"One sheet, {len(hhs)} households × 2 years (2021 rows, then 2022 rows for the same 户编号) told apart by a "
        "年度 column (2021 / 2022 as numbers). A few households' size differs between years. Every 7th row's money "
        "cells are text with thousands separators. Expected: 2022 figures, growth on 2021; per-capita = total income "
        "/ total people (exact to the cent by construction)."), rows={f.name: 2 * len(hhs)})


# 4b1: periods side by side under merged group headers -----------------------------------------------
def build_income_side_by_side(d: Path) -> Fixture:
    rng = random.Random(2221)
    hhs = income_households(rng, 44, ["2021", "2022"])
    g1 = ["序号", "乡镇", "行政村", "户编号", "户主姓名", "2021年度", None, "2022年度", None, "备注"]
    g2 = [None] * 5 + ["人口数", "人均纯收入（元）", "人口数", "人均纯收入（元）", None]
    rows = [["南华县脱贫户2021—2022年度人均纯收入对比表"] + [None] * 9, ["单位：人、元"], g1, g2]
    for i, h in enumerate(hhs, 1):
        note = "新增人口" if h.people["2022"] > h.people["2021"] else ("减少人口" if h.people["2022"] < h.people["2021"] else None)
        rows.append([i, h.township, h.village, h.code, h.head, h.people["2021"], float(h.pc["2021"]),
                     h.people["2022"], float(h.pc["2022"]), note])
    merges = [(0, 0, 0, 9), (2, 5, 2, 6), (2, 7, 2, 8)] + [(2, c, 3, c) for c in (0, 1, 2, 3, 4, 9)]
    f = save_openpyxl(d / "南华县脱贫户2021-2022年度收入对比表.xlsx",
                      [Sheet("对比", rows, merges, number_formats={6: "#,##0.00", 8: "#,##0.00"})])
    return Fixture([f], year_expected(hhs, "2022", "2021"), (
        "Two periods side by side: merged group headers 2021年度 / 2022年度 each over 人口数 | 人均纯收入（元）, the "
        "other headers merged over both header rows (Excel-style merges, value in the top-left cell only). No "
        "家庭纯收入 column: income = 人均 × 人口数 per household per year."), rows={f.name: len(hhs)})


# 4b2: period-prefixed flat headers, UTF-8 with BOM CSV ------------------------------------------------
def build_income_prefixed_csv(d: Path) -> Fixture:
    rng = random.Random(2023)
    hhs = income_households(rng, 40, ["2021", "2022"])
    for h in hhs:   # one people count for both years in this layout
        if h.people["2021"] != h.people["2022"]:
            h.people["2021"] = h.people["2022"]
    make_mean_exact(hhs, "2021")
    header = ["序号", "乡镇", "行政村", "户编号", "户主姓名", "家庭人口数", "2021年人均纯收入（元）", "2022年人均纯收入（元）",
              "较上年增长（%）"]
    rows = [["南华县脱贫户人均纯收入监测汇总"], header]
    for i, h in enumerate(hhs, 1):
        rows.append([i, h.township + (" " if i % 5 == 0 else ""), h.village, h.code, h.head, h.people["2022"],
                     thousands(h.pc["2021"], 2), thousands(h.pc["2022"], 2),
                     f"{r2((h.pc['2022'] - h.pc['2021']) * 100 / h.pc['2021'])}"])
    f = save_csv(d / "南华县脱贫户人均纯收入监测汇总.csv", rows, encoding="utf-8-sig")
    return Fixture([f], year_expected(hhs, "2022", "2021"), (
        "UTF-8-with-BOM CSV, title line then headers with the period in the name (2021年人均纯收入（元）, "
        "2022年人均纯收入（元）) and one 家庭人口数 for both years; money as text with thousands separators "
        "(`12,345.67`); a derived 较上年增长（%） column to ignore; some township names with a trailing space."),
        rows={f.name: len(hhs)})


# 4c: 家庭收入构成 group header, 填报单位（盖章） line, 合计 row with the weighted average ------------------
def build_income_components(d: Path) -> Fixture:
    rng = random.Random(2022)
    hhs = income_households(rng, 52, ["2022"])
    y = "2022"
    g1 = ["序号", "乡镇", "行政村", "户主姓名", "户编号", "家庭人口数", "家庭收入构成（元）", None, None, None, None,
          "家庭纯收入（元）", "家庭人均纯收入（元）"]
    g2 = [None] * 6 + ["工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出", None, None]
    rows = [["南华县2022年度脱贫户家庭收入监测表"] + [None] * 12,
            ["填报单位（盖章）：南华县乡村振兴局", None, None, None, None, None, None, None, None, "填报日期：2023年1月12日"],
            g1, g2]
    tot = [D(0)] * 5
    for i, h in enumerate(hhs, 1):
        w, b, pr, tr, ex = h.parts[y]
        tot = [a + x for a, x in zip(tot, (w, b, pr, tr, ex))]
        rows.append([i, h.township, h.village, h.head, h.code, h.people[y], float(w), float(b), float(pr), float(tr),
                     float(ex), float(h.net(y)), float(h.pc[y])])
    people = sum(h.people[y] for h in hhs)
    total = sum(h.net(y) for h in hhs)
    assert total == tot[0] + tot[1] + tot[2] + tot[3] - tot[4]
    rows.append([None, "合计", None, None, None, people, *[float(x) for x in tot], float(total), float(r2(total / people))])
    rows += [[], ["注：1.家庭人均纯收入=家庭纯收入÷家庭人口数；2.合计行人均纯收入为加权平均（总收入÷总人口）。"],
             ["填表人：毕秀英", None, None, None, "审核人：苏美", None, None, None, "联系电话：0878-7212345"]]
    merges = [(0, 0, 0, 12), (2, 6, 2, 10)] + [(2, c, 3, c) for c in (0, 1, 2, 3, 4, 5, 11, 12)]
    f = save_openpyxl(d / "南华县2022年度脱贫户家庭收入监测表.xlsx",
                      [Sheet("2022年度", rows, merges, number_formats={c: "#,##0.00" for c in range(6, 13)})])
    exp = year_expected(hhs, y, None)
    return Fixture([f], exp, (
        "Merged group header 家庭收入构成（元） over 工资性收入 | 生产经营性收入 | 财产性收入 | 转移性收入 | 生产经营性支出, "
        "then 家庭纯收入（元） | 家庭人均纯收入（元）; a 填报单位（盖章）：… line between the title and the header; a 合计 "
        f"row (序号 empty) whose per-capita cell holds the weighted average {r2(total / people)} (= total ÷ people, not "
        "a sum of per-capita cells); a 填表人 | 审核人 | 联系电话 footer spread over cells. Single year 2022: no growth."),
        rows={f.name: len(hhs)})


# 4d: half-years via a 统计期 column, GBK CSV ------------------------------------------------------------
def build_income_halfyear_gbk(d: Path) -> Fixture:
    rng = random.Random(202301)
    periods = ["2022H1", "2023H1"]
    hhs = income_households(rng, 45, periods, half=True)
    label = {"2022H1": "2022年上半年", "2023H1": "2023年上半年"}
    header = ["序号", "统计期", "乡镇", "行政村", "户编号", "户主姓名", "人口数", "家庭纯收入（元）", "人均纯收入（元）"]
    rows = [header]
    i = 0
    for p in periods:
        for h in hhs:
            i += 1
            rows.append([i, label[p], h.township, h.village, h.code, h.head, h.people[p], f"{h.net(p):.2f}", f"{h.pc[p]:.2f}"])
    f = save_csv(d / "南华县脱贫户半年收入监测.csv", rows, encoding="gbk")
    cur, old = mean(hhs, "2023H1"), mean(hhs, "2022H1")
    exp = {"income.latest_period": "2023H1", "income.latest_per_capita": float(cur),
           "income.latest_change": float(cur - old), "income.latest_growth_pct": pct(cur - old, old)}
    return Fixture([f], exp, (
        "GBK CSV (as Excel on Chinese Windows saves it, CRLF), no title, a 统计期 column holding 2022年上半年 and "
        "2023年上半年 for the same households. Half-year figures: expected in income.latest_* (2023H1 on 2022H1); "
        "no annual figures are asserted."), rows={f.name: 2 * len(hhs)})


# 4e: one sheet per year ---------------------------------------------------------------------------------
def build_income_sheet_per_year(d: Path) -> Fixture:
    rng = random.Random(2120)
    hhs = income_households(rng, 36, ["2021", "2022"])
    header = ["序号", "乡(镇)", "村（社区）", "户码", "户主", "人口数", "人均纯收入（元）", "家庭纯收入（元）", "联系电话"]
    sheets = []
    for y in ("2022", "2021"):
        rows = [[f"南华县{y}年度脱贫户收入监测表"], ["单位：元、人"], header]
        for i, h in enumerate(hhs, 1):
            rows.append([i, h.township, h.village, h.code, h.head, h.people[y], float(h.pc[y]), float(h.net(y)), h.phone])
        sheets.append(Sheet(f"{y}年度", rows, merges=[(0, 0, 0, len(header) - 1)]))
    sheets.append(Sheet("填报说明", [["填报说明"], ["1.人均纯收入=家庭纯收入÷人口数。"], ["2.数据来源：防返贫监测信息系统收入采集模块。"]]))
    f = save_openpyxl(d / "南华县脱贫户收入监测表（分年度）.xlsx", sheets)
    return Fixture([f], year_expected(hhs, "2022", "2021"), (
        "One sheet per year (2022年度 first, then 2021年度), the period only in the sheet name and title; headers "
        "乡(镇) / 村（社区） / 户码 / 户主 / 人口数; a third text-only sheet 填报说明 to skip."),
        rows={f.name: 2 * len(hhs)})
