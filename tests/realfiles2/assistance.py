"""Social assistance and the assistance platform."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from ._common import (NANHUA_TOWNSHIPS, F, Fixture, People, S, Sheet, col_letter, rate, split_int, split_money, wan,
                      write_csv, write_xlsx)

ARTICLE = [("城市低保", 658, Decimal("292800.00")), ("农村低保", 34575, Decimal("9461400.00")),
           ("特困供养", 3252, Decimal("3343800.00")), ("临时救助", 656, Decimal("314200.00")),
           ("残疾人两项补贴", 19952, Decimal("1632800.00"))]


def _assist_exp(values: dict) -> dict:
    out = {}
    for name, (pt, amt) in values.items():
        out[f"assistance[{name}].person_times"] = pt
        out[f"assistance[{name}].amount_wan"] = wan(amt)
    return out


def build_assistance_monthly_long(d: Path) -> Fixture:
    """A long table by month: 统计月份 (`1月`…`6月`, the year only in the title) × 救助类别, cumulative
    (累计) person-times and amounts in 元, a 合计 row per month."""
    rng = random.Random(31)
    cum = {m: {} for m in range(1, 7)}
    for name, pt, amt in ARTICLE:
        prev_pt, prev_amt = 0, Decimal(0)
        for m in range(1, 7):
            if m == 6:
                p, a = pt, amt
            else:
                p = max(prev_pt + 1, round(pt * m / 6 * (0.9 + rng.random() * 0.15)))
                a = max(prev_amt + 1, (amt * m / 6 * Decimal(0.9 + rng.random() * 0.15)).quantize(Decimal("0.01")))
                p, a = min(p, pt - (6 - m)), min(a, amt - (6 - m))
            cum[m][name] = (p, a)
            prev_pt, prev_amt = p, a
    rows = [["南华县2023年社会救助资金发放月度统计表"], ["单位：人次、元"],
            ["统计月份", "救助类别", "累计发放人次", "累计发放金额", "备注"]]
    for m in range(1, 7):
        for name, *_r in ARTICLE:
            p, a = cum[m][name]
            rows.append([f"{m}月", name, p, float(a), None])
        rows.append([f"{m}月", "合计", sum(v[0] for v in cum[m].values()), float(sum(v[1] for v in cum[m].values())), None])
    rows.append(["注：表中数据为当年1月至统计月份的累计数。"])
    f = write_xlsx(d / "南华县2023年社会救助月度统计表.xlsx", {"月度统计": Sheet(rows, merges=[(0, 0, 0, 4)])})
    exp = {"assistance.period": "2023-06", **_assist_exp(cum[6]),
           "also_as_of": {"2023-04": {"assistance.period": "2023-04", **_assist_exp(cum[4])},
                          "2023-02": {"assistance.period": "2023-02", **_assist_exp(cum[2])}}}
    return Fixture([f], exp, (
        "one sheet, 36 rows: 统计月份 `1月`…`6月` (year only in the title `2023年`) × 5 types + a 合计 row per month; "
        "figures are cumulative (`累计发放人次`, `累计发放金额`, 元 from the unit line), so each month is its own "
        "year-to-date batch and the month's figures are taken as they stand (not summed over months). Expected 2023-06 = "
        f"the article; 2023-04 e.g. 城市低保 {cum[4]['城市低保'][0]} 人次 {wan(cum[4]['城市低保'][1])} 万元; 2023-02 "
        f"农村低保 {cum[2]['农村低保'][0]} 人次 {wan(cum[2]['农村低保'][1])} 万元."))


def build_assistance_wide_three_level(d: Path) -> Fixture:
    """Township rows × types in a three-level header (最低生活保障 → 城市低保 / 农村低保 → 人次数 | 金额（元）), a
    合计 column group on the right, a 县直 row, a formula 合计 row, and a second sheet `说明`."""
    rng = random.Random(32)
    units = NANHUA_TOWNSHIPS + ["县直"]
    per = {}
    for name, pt, amt in ARTICLE:
        if name == "城市低保":  # urban: county seat and two towns only
            idx = [0, 1, 4]
        elif name == "临时救助":
            idx = list(range(11))
        else:
            idx = list(range(10))
        pts = split_int(pt, len(idx), rng)
        amts = split_money(amt, len(idx), rng)
        per[name] = {units[i]: (pts[k], amts[k]) for k, i in enumerate(idx)}
    r0 = ["南华县2023年1-6月城乡社会救助发放情况统计表"]
    r1 = ["填报单位：南华县民政局"]
    l1 = ["序号", "乡镇", "最低生活保障", None, None, None, "特困供养", None, "临时救助", None, "残疾人两项补贴", None,
          "合计", None]
    l2 = [None, None, "城市低保", None, "农村低保", None, "人次数", "金额（元）", "人次数", "金额（元）", "人次数",
          "金额（元）", "人次数", "金额（元）"]
    l3 = [None, None, "人次数", "金额（元）", "人次数", "金额（元）"] + [None] * 8
    merges = [(0, 0, 0, 13), (2, 0, 4, 0), (2, 1, 4, 1), (2, 2, 2, 5), (3, 2, 3, 3), (3, 4, 3, 5), (2, 6, 2, 7),
              (2, 8, 2, 9), (2, 10, 2, 11), (2, 12, 2, 13)] + [(3, c, 4, c) for c in range(6, 14)]
    rows = [r0, r1, l1, l2, l3]
    first = len(rows)
    for i, u in enumerate(units):
        r = [i + 1, u]
        tp, ta = 0, Decimal(0)
        for name, *_r in ARTICLE:
            p, a = per[name].get(u, (None, None))
            r += [p, float(a) if a is not None else None]
            tp += p or 0
            ta += a or 0
        excel_row = len(rows) + 1
        r += [F(f"=C{excel_row}+E{excel_row}+G{excel_row}+I{excel_row}+K{excel_row}", tp),
              F(f"=D{excel_row}+F{excel_row}+H{excel_row}+J{excel_row}+L{excel_row}", float(ta))]
        rows.append(r)
    last = len(rows)
    tot = [None, "合计"]
    for c in range(2, 14):
        L = col_letter(c)
        if c < 12:
            name = ARTICLE[(c - 2) // 2][0]
            v = ARTICLE[(c - 2) // 2][1] if c % 2 == 0 else float(ARTICLE[(c - 2) // 2][2])
        else:
            v = sum(a[1] for a in ARTICLE) if c == 12 else float(sum(a[2] for a in ARTICLE))
        tot.append(F(f"=SUM({L}{first + 1}:{L}{last})", v))
    rows.append(tot)
    notes = Sheet([["填报说明"], ["1. 本表为2023年1月至6月累计发放数，金额单位为元。"],
                   ["2. 城市低保、农村低保、特困供养、临时救助数据来源于民政部门，残疾人两项补贴数据来源于县残联。"],
                   ["3. 县直为县民政局直接实施的临时救助。"]])
    f = write_xlsx(d / "南华县2023年1-6月城乡社会救助发放情况统计表.xlsx",
                   {"汇总表": Sheet(rows, merges=merges, freeze=(5, 2)), "说明": notes})
    lc = per["城市低保"]["龙川镇"]
    exp = {"assistance.period": "2023-06", **_assist_exp({n: (p, a) for n, p, a in ARTICLE}),
           "by_township": {"龙川镇": {"assistance[城市低保].person_times": lc[0],
                                      "assistance[城市低保].amount_wan": wan(lc[1])}}}
    return Fixture([f], exp, (
        "three-level header: 最低生活保障 → 城市低保 / 农村低保 → 人次数 | 金额（元）, while 特困供养 / 临时救助 / 两项补贴 "
        "have 人次数 | 金额（元） merged over levels 2–3; a 合计 column group on the right (row sums as formulas); city "
        "低保 only in three townships (empty cells elsewhere); a 县直 row (临时救助 paid by the county bureau); a 合计 row "
        "of =SUM formulas with cached values; a second sheet `说明` of notes. Expected the article's five types; "
        f"龙川镇 城市低保 {lc[0]} 人次 {wan(lc[1])} 万元."))


def build_platform_csv_gb18030(d: Path) -> Fixture:
    """Platform ledger as GB18030 CSV: dates `2023年3月5日`, a `办结情况` column (已办结 / 办理中), no 办结日期, a
    name only GB18030 can encode, and three items carried over from December 2022."""
    people = People(606)
    rng = people.rng
    rows = [["南华县政府救助平台受理台账（截至2023年6月30日）"],
            ["序号", "受理编号", "申请人", "身份证号", "联系电话", "所属乡镇", "申请事项", "受理日期", "办结情况", "经办人"]]
    matters = ["临时救助", "低保申请", "医疗救助", "特困供养", "教育救助", "住房救助"]
    staff = [people.name() for _ in range(3)]
    items = []
    for k in range(3):
        items.append((dt.date(2022, 12, 12 + 5 * k), "已办结" if k < 2 else "办理中"))
    for k in range(41):
        day = dt.date(2023, 1, 3) + dt.timedelta(days=int(k * 4.3))
        items.append((day, "办理中" if k in (7, 30, 38, 40) else "已办结"))
    for n, (day, state) in enumerate(items, 1):
        nm = "王䶮" if n == 9 else people.name()
        people.personal.add(nm)
        rows.append([n, f"NH{day:%Y%m%d}{n:03d}", nm, people.id(rng.randrange(1950, 2000)), people.phone(),
                     NANHUA_TOWNSHIPS[n % 10], matters[n % 6], f"{day.year}年{day.month}月{day.day}日", state,
                     staff[n % 3]])
    rows.append([])
    rows.append(["填表人：" + staff[0], None, None, None, "联系电话：0878-7211234"])
    f = write_csv(d / "救助平台受理台账2023.csv", rows, encoding="gb18030")
    y23 = [s for day, s in items if day.year == 2023]
    received, closed = len(y23), sum(1 for s in y23 if s == "已办结")
    exp = {"assistance.platform.period": "2023-06", "assistance.platform.received": received,
           "assistance.platform.closed": closed, "assistance.platform.closure_rate_pct": rate(closed, received)}
    return Fixture([f], exp, (
        f"GB18030 CSV (an applicant named 王䶮, U+4DAE, not encodable in GBK), title line, dates `2023年3月5日`, status "
        f"in `办结情况` (已办结/办理中) with no 办结日期 column, 受理编号 like NH20230103004; three items received in "
        f"December 2022 still listed (not this year's). Expected received {received}, closed {closed}, "
        f"{rate(closed, received)}%."), people.personal)


def build_assistance_csv_fullwidth(d: Path) -> Fixture:
    """County-level long table as UTF-8-with-BOM CSV: title, `单位：人次、万元` line, full-width digits, thousands
    separators, a 合计 row and a footer spread over cells."""
    vals = [("城市低保", 412, Decimal("19.62")), ("农村低保", 22981, Decimal("630.75")), ("特困供养", 2166, Decimal("222.91")),
            ("临时救助", 431, Decimal("20.05")), ("残疾人两项补贴", 13301, Decimal("108.85"))]
    fw = str.maketrans("0123456789", "０１２３４５６７８９")
    rows = [["南华县2023年1-4月社会救助资金发放情况"], ["单位：人次、万元"], ["救助类别", "累计人次", "累计金额", "备注"]]
    for i, (n, p, a) in enumerate(vals):
        rows.append([n, str(p).translate(fw) if i % 2 == 0 else f"{p:,}", f"{a}".translate(fw) if i == 1 else f"{a}",
                     None])
    rows.append(["合计", f"{sum(v[1] for v in vals):,}", f"{sum(v[2] for v in vals)}", None])
    rows.append(["填报单位：南华县民政局", "填表人：李", "审核人：", "联系电话：0878-7221000"])
    f = write_csv(d / "社会救助发放情况.csv", rows, encoding="utf-8-sig")
    exp = {"assistance.period": "2023-04"}
    for n, p, a in vals:
        exp[f"assistance[{n}].person_times"] = p
        exp[f"assistance[{n}].amount_wan"] = float(a)
    return Fixture([f], exp, (
        "UTF-8 BOM CSV, no 乡镇 column, amounts in 万元 from the unit line, person-times as full-width digits "
        "(`４１２`) or `22,981`, one amount full-width (`６３０.７５`), 合计 row, footer `填报单位：…|填表人：…|…`. "
        "Expected 2023-04: 城市低保 412 / 19.62, 农村低保 22981 / 630.75, 特困供养 2166 / 222.91, 临时救助 431 / 20.05, "
        "两项补贴 13301 / 108.85 万元."))
