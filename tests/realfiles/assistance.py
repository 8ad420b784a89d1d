"""Social assistance (civil affairs bureau), public-welfare posts and the assistance platform ledger."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from ._common import (D, NANHUA_CODE, NANHUA_VILLAGES, TOWNSHIPS, Fixture, Sheet, date_as, fullwidth, id_for, money,
                      pct, person_name, phone, r2, rand_date, save_openpyxl, save_xlsxwriter, thousands)

WAN_TO_FEN = 1_000_000


def type_expected(name: str, person_times: int, amount_wan: Decimal) -> dict:
    return {f"assistance[{name}].person_times": person_times,
            f"assistance[{name}].amount_wan": money(amount_wan),
            f"assistance[{name}].amount_fen": int(amount_wan * WAN_TO_FEN)}


# 6a ---------------------------------------------------------------------------------------------
COUNTY_6A = [  # (name in the table, name in the summary, person-times, amount 万元)
    ("城市低保", "城市低保", 712, D("31.56")),
    ("农村低保", "农村低保", 35108, D("958.37")),
    ("特困人员救助供养", "特困供养", 3301, D("340.12")),
    ("临时救助", "临时救助", 698, D("33.05")),
    ("残疾人两项补贴", "残疾人两项补贴", 20114, D("165.90")),
]


def county_table(title: str, data, fancy: bool = True) -> list[list]:
    rows = [[title], ["单位：人次、万元"], ["序号", "救助类别", "人次", "金额（万元）"]]
    for i, (label, _, n, amt) in enumerate(data, 1):
        cnt = n
        if fancy:
            cnt = fullwidth(n) if label == "临时救助" else (thousands(n) if n >= 10000 else n)
        rows.append([i, label, cnt, float(amt)])
    rows.append([None, "合计", thousands(sum(x[2] for x in data)), float(sum(x[3] for x in data))])
    rows += [[], ["注：人次、金额均为2023年1月至6月累计数。"], ["填报单位：南华县民政局", None, "填表人：鲁开明"]]
    return rows


def build_assistance_county(d: Path) -> Fixture:
    rows = county_table("南华县2023年1-6月社会救助资金发放情况统计表", COUNTY_6A)
    f = save_xlsxwriter(d / "南华县2023年1-6月社会救助资金发放情况统计表.xlsx",
                        [Sheet("救助", rows, merges=[(0, 0, 0, 3), (1, 0, 1, 3)], number_formats={3: "0.00"})])
    exp = {"assistance.period": "2023-06"}
    for _, name, n, amt in COUNTY_6A:
        exp.update(type_expected(name, n, amt))
    return Fixture([f], exp, (
        "County-level 序号 | 救助类别 | 人次 | 金额（万元）, unit line 单位：人次、万元, a 合计 row whose label sits in "
        "the 救助类别 column with 序号 empty (totals equal the sums), 特困人员救助供养 for 特困供养, 临时救助 人次 in "
        "full-width digits (６９８), large counts as text with thousands separators, 165.90 stored as 165.9."),
        rows={f.name: 5})


# 6b: township rows × measure groups, footer spread over cells, + a 公益性岗位 sheet -----------------------
GROUPS = [  # (group header, sub-headers, summary name, index of person-times, index of amount)
    ("城市低保", ["保障户数", "保障人数", "累计发放人次", "累计发放金额"], "城市低保", 2, 3),
    ("农村低保", ["保障户数", "保障人数", "累计发放人次", "累计发放金额"], "农村低保", 2, 3),
    ("特困供养", ["供养人数", "累计发放人次", "累计发放金额"], "特困供养", 1, 2),
    ("临时救助", ["救助人次", "救助金额"], "临时救助", 0, 1),
    ("残疾人两项补贴", ["享受人数", "累计发放人次", "累计发放金额"], "残疾人两项补贴", 1, 2),
]


def _township_measures(rng: random.Random):
    out = {}
    for t in TOWNSHIPS:
        vals = []
        hh = rng.randint(40, 130)
        people = hh + rng.randint(10, 60)
        vals.append([hh, people, people * 6 - rng.randint(0, 12), None])
        vals[-1][3] = r2(D(vals[-1][2]) * D(rng.randint(560, 640)) / 10000)
        hh = rng.randint(500, 1400)
        people = int(hh * rng.uniform(1.6, 2.4))
        pt = people * 6 - rng.randint(0, 40)
        vals.append([hh, people, pt, r2(D(pt) * D(rng.randint(260, 300)) / 10000)])
        people = rng.randint(40, 110)
        pt = people * 6
        vals.append([people, pt, r2(D(pt) * D(rng.randint(950, 1100)) / 10000)])
        pt = rng.randint(40, 120)
        vals.append([pt, r2(D(pt) * D(rng.randint(420, 560)) / 10000)])
        people = rng.randint(300, 700)
        pt = people * 6 - rng.randint(0, 30)
        vals.append([people, pt, r2(D(pt) * D(rng.randint(75, 90)) / 10000)])
        out[t] = vals
    return out


def build_assistance_townships_with_posts(d: Path) -> Fixture:
    rng = random.Random(616)
    data = _township_measures(rng)
    g1, g2 = ["序号", "乡镇"], [None, None]
    merges = [(0, 0, 0, 0), (2, 0, 3, 0), (2, 1, 3, 1)]
    c = 2
    for head, subs, *_ in GROUPS:
        g1 += [head] + [None] * (len(subs) - 1)
        g2 += subs
        merges.append((2, c, 2, c + len(subs) - 1))
        c += len(subs)
    ncol = c
    merges[0] = (0, 0, 0, ncol - 1)
    rows = [["南华县2023年1-6月城乡低保、特困供养、临时救助及残疾人两项补贴发放情况统计表"] + [None] * (ncol - 1),
            ["单位：户、人、人次、万元"], g1, g2]
    for i, t in enumerate(TOWNSHIPS, 1):
        rows.append([i, t + ("  " if i in (3, 7) else "")] + [float(v) if isinstance(v, Decimal) else v
                                                               for g in data[t] for v in g])
    tot = [None, "合计"]
    for gi, (_, subs, *_r) in enumerate(GROUPS):
        for k in range(len(subs)):
            s = sum(data[t][gi][k] for t in TOWNSHIPS)
            tot.append(float(s) if isinstance(s, Decimal) else s)
    rows.append(tot)
    footer = [None] * ncol
    footer[0], footer[5], footer[9], footer[13] = ("填报单位：南华县民政局（盖章）", "填表人：普建华", "联系电话：0878-7212139",
                                                  "审核人：鲁开明")
    rows += [[], footer]
    sheet1 = Sheet("社会救助", rows, merges)

    posts = {t: (rng.randint(24, 60), rng.randint(30, 90)) for t in TOWNSHIPS}  # (城镇 posts, 乡村 posts)
    urban = {t: (n, r2(D(n) * D(rng.randint(4800, 5400)) / 10000), r2(D(n) * D(rng.randint(2900, 3400)) / 10000))
             for t, (n, _) in posts.items()}
    rural = {t: (m, r2(D(m) * D(rng.randint(2800, 3300)) / 10000)) for t, (_, m) in posts.items()}
    rows2 = [["南华县2023年1-6月公益性岗位开发使用及补贴发放情况"] + [None] * 6,
             ["序号", "乡镇", "城镇公益性岗位", None, None, "乡村公益性岗位", None],
             [None, None, "岗位数（个）", "岗位补贴（万元）", "社会保险补贴（万元）", "岗位数（个）", "岗位补贴（万元）"]]
    for i, t in enumerate(TOWNSHIPS, 1):
        u, r = urban[t], rural[t]
        rows2.append([i, t, u[0], float(u[1]), float(u[2]), r[0], float(r[1])])
    su = [sum(urban[t][k] for t in TOWNSHIPS) for k in range(3)]
    sr = [sum(rural[t][k] for t in TOWNSHIPS) for k in range(2)]
    rows2.append([None, "合计", su[0], float(su[1]), float(su[2]), sr[0], float(sr[1])])
    rows2 += [[], ["注：城镇公益性岗位由县人社局统筹，乡村公益性岗位由乡镇管理。"]]
    sheet2 = Sheet("公益性岗位", rows2, [(0, 0, 0, 6), (1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 1, 4), (1, 5, 1, 6)])
    f = save_openpyxl(d / "南华县2023年1-6月社会救助及公益性岗位情况统计表.xlsx", [sheet1, sheet2])

    exp = {"assistance.period": "2023-06"}
    for gi, (_, _, name, ip, ia) in enumerate(GROUPS):
        exp.update(type_expected(name, sum(data[t][gi][ip] for t in TOWNSHIPS), sum(data[t][gi][ia] for t in TOWNSHIPS)))
    exp.update({"employment.welfare_posts.period": "2023-06", "employment.welfare_posts.posts": su[0],
                "employment.welfare_posts.post_subsidy_wan": money(su[1]),
                "employment.welfare_posts.insurance_subsidy_wan": money(su[2])})
    lc = data["龙川镇"]
    exp["by_township"] = {"龙川镇": {**type_expected("农村低保", lc[1][2], lc[1][3]),
                                    **type_expected("临时救助", lc[3][0], lc[3][1])}}
    return Fixture([f], exp, (
        "Sheet 社会救助: township rows × measure groups (城市低保 / 农村低保 → 保障户数 | 保障人数 | 累计发放人次 | "
        "累计发放金额; 特困供养 → 供养人数 | 累计发放人次 | 累计发放金额; 临时救助 → 救助人次 | 救助金额; 残疾人两项补贴 → "
        "享受人数 | 累计发放人次 | 累计发放金额), unit line 单位：户、人、人次、万元 (amount headers carry no unit), a 合计 "
        "row, a footer row spread over cells (填报单位 | 填表人 | 联系电话 | 审核人), two township names with trailing "
        "spaces. Person-times = 累计发放人次 (救助人次 for 临时救助). Sheet 公益性岗位 (another kind in the same "
        "workbook): 城镇公益性岗位 → 岗位数 | 岗位补贴 | 社会保险补贴, 乡村公益性岗位 → 岗位数 | 岗位补贴. ASSUMPTION: "
        "employment.welfare_posts is the 城镇 group only (figures.md: 'urban public-welfare posts used' and their "
        f"subsidies); the 乡村 posts ({sr[0]} posts, {sr[1]} 万元) are not in that figure."), rows={f.name: 20})


# 6c: village rows with a 小计 per township, amounts in 元 ----------------------------------------------
def build_assistance_villages_subtotals(d: Path) -> Fixture:
    rng = random.Random(660)
    header = ["序号", "乡镇", "村（社区）", "保障户数（户）", "保障人数（人）", "累计发放人次", "累计发放金额（元）"]
    rows = [["南华县2023年1-6月农村最低生活保障金分村发放情况"] + [None] * 6, header]
    merges = [(0, 0, 0, 6)]
    vill = []
    for t in TOWNSHIPS:
        for v in NANHUA_VILLAGES[t]:
            hh = rng.randint(60, 260)
            people = int(hh * rng.uniform(1.5, 2.3))
            pt = people * 6 - rng.randint(0, 15)
            amt = D(pt) * D(rng.randint(25000, 31000)) / 100
            vill.append([t, v, hh, people, pt, r2(amt)])
    total_amt = sum(x[5] for x in vill)
    vill[-1][5] -= total_amt % 100       # the county total is a whole number of hundreds of 元: exact in 万元
    seq = 0
    for t in TOWNSHIPS:
        tv = [x for x in vill if x[0] == t]
        start = len(rows)
        for x in tv:
            seq += 1
            rows.append([seq, t if x is tv[0] else None, x[1], x[2], x[3], x[4], thousands(x[5], 2)])
        rows.append([None, None, "小计", sum(x[2] for x in tv), sum(x[3] for x in tv), sum(x[4] for x in tv),
                     thousands(sum(x[5] for x in tv), 2)])
        merges.append((start, 1, len(rows) - 1, 1))
    rows.append([None, "全县合计", None, sum(x[2] for x in vill), sum(x[3] for x in vill), sum(x[4] for x in vill),
                 thousands(sum(x[5] for x in vill), 2)])
    merges.append((len(rows) - 1, 1, len(rows) - 1, 2))
    rows += [[], ["填报单位：南华县民政局社会救助股", None, None, "填表人：杨丽", None, "审核人：毕秀英"]]
    f = save_openpyxl(d / "南华县2023年1-6月农村低保分村发放情况.xlsx", [Sheet("农村低保", rows, merges)])
    total_yuan = sum(x[5] for x in vill)
    assert total_yuan % 100 == 0
    exp = {"assistance.period": "2023-06", **type_expected("农村低保", sum(x[4] for x in vill), total_yuan / 10000)}
    lc = [x for x in vill if x[0] == "龙川镇"]
    exp["by_township"] = {"龙川镇": type_expected("农村低保", sum(x[4] for x in lc), sum(x[5] for x in lc) / 10000)}
    exp["by_township"]["龙川镇"].pop("assistance[农村低保].amount_wan")
    exp["by_township"]["龙川镇"]["assistance[农村低保].amount_fen"] = int(sum(x[5] for x in lc) * 100)
    return Fixture([f], exp, (
        f"Village rows ({len(vill)} villages) with a 小计 row after each township's villages (村 column says 小计, 序号 "
        "empty), the township name in a cell merged down over its villages and its 小计 row (only the top cell holds "
        "it), a 全县合计 row merged over 乡镇+村, amounts in 元 as text with thousands separators (万元 = 元 ÷ 10,000; "
        "the county total is a whole number of 百元, so amount_wan is exact). Only 农村低保. Subtotals are not more "
        "villages or townships."), rows={f.name: len(vill)})


# 6d: the government assistance platform ledger ---------------------------------------------------------
def build_platform_ledger(d: Path) -> Fixture:
    rng = random.Random(4270)
    header = ["序号", "受理编号", "申请人姓名", "身份证号码", "所属乡镇", "所属村（社区）", "救助事项", "受理时间", "办结时间",
              "办理状态", "联系电话", "备注"]
    rows = [["南华县政府救助平台受理台账（截至2023年6月30日）"] + [None] * 11, header]
    items = ["最低生活保障", "临时救助", "医疗救助", "特困供养", "残疾人两项补贴", "住房救助", "教育救助", "就业救助"]
    styles = ["date", "iso", "slash", "ymd"]
    closed = 0
    n = 83
    for i in range(1, n + 1):
        t = rng.choice(TOWNSHIPS)
        got = rand_date(rng, dt.date(2023, 1, 3), dt.date(2023, 6, 30))
        done = i <= n - 9 and rng.random() < 0.95
        end = min(got + dt.timedelta(days=rng.randint(1, 20)), dt.date(2023, 6, 30)) if done else None
        closed += done
        st = styles[i % 4]
        male = rng.random() < 0.5
        rows.append([i, f"5323242023{i:05d}", person_name(rng, male),
                     id_for(rng, NANHUA_CODE, rand_date(rng, dt.date(1940, 1, 1), dt.date(2000, 12, 31)), male), t,
                     rng.choice(NANHUA_VILLAGES[t]), rng.choice(items), date_as(got, st), date_as(end, st),
                     "已办结" if done else "办理中", phone(rng), "转乡镇核查" if not done and rng.random() < 0.5 else None])
    rows += [[], ["注：受理、办结件数按2023年1月1日至6月30日统计。"]]
    f = save_openpyxl(d / "南华县政府救助平台受理台账（截至2023年6月30日）.xlsx", [Sheet("受理台账", rows, [(0, 0, 0, 11)])])
    exp = {"assistance.platform.period": "2023-06", "assistance.platform.received": n,
           "assistance.platform.closed": closed, "assistance.platform.closure_rate_pct": pct(closed, n)}
    return Fixture([f], exp, (
        f"Platform ledger, one row per application ({n}, all received 2023-01-03…06-30), 办理状态 已办结 / 办理中; "
        "受理时间 / 办结时间 as real dates, ISO text, 2023/1/5 text or 20230105 text by row; applicant names, ID "
        "numbers, phones (never stored). received = rows, closed = 已办结."), rows={f.name: n})


# 9: a hidden sheet with stale data of the same kind ------------------------------------------------------
def build_hidden_stale_sheet(d: Path) -> Fixture:
    fresh = [("城市低保", "城市低保", 705, D("31.02")), ("农村低保", "农村低保", 34988, D("951.60")),
             ("特困供养", "特困供养", 3289, D("338.47")), ("临时救助", "临时救助", 671, D("32.18")),
             ("残疾人两项补贴", "残疾人两项补贴", 20031, D("164.44"))]
    stale = [("城市低保", "城市低保", 690, D("30.11")), ("农村低保", "农村低保", 34410, D("936.02")),
             ("特困供养", "特困供养", 3240, D("333.90")), ("临时救助", "临时救助", 640, D("30.77")),
             ("残疾人两项补贴", "残疾人两项补贴", 19870, D("161.95"))]
    title = "南华县2023年1-6月社会救助发放情况表"
    hidden_name = "社会救助（6月初稿）"
    f = save_openpyxl(d / "南华县2023年1-6月社会救助发放情况表（修订）.xlsx", [
        Sheet(hidden_name, county_table(title, stale, fancy=False), [(0, 0, 0, 3)], hidden=True),
        Sheet("社会救助", county_table(title, fresh, fancy=False), [(0, 0, 0, 3)]),
    ])
    exp = {"assistance.period": "2023-06", "warns": [hidden_name, "隐藏"]}
    for _, name, n, amt in fresh:
        exp.update(type_expected(name, n, amt))
    return Fixture([f], exp, (
        f"Two sheets with the same title and period: the first, '{hidden_name}', is hidden and holds a stale draft; "
        "the visible '社会救助' (active tab) holds the figures. The hidden sheet must be ignored and reported (a "
        "warning naming it); loading it would double or overwrite the figures."), rows={f.name: 5})
