"""A county that is not in the reference data (丘北县, Wenshan): its roster, then its income file."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ._common import QIUBEI, Fixture, People, S, Sheet, make_households, monitoring_expect, q2, write_xlsx


def build_second_county_qiubei(d: Path) -> Fixture:
    people = People(707, "532626")
    rng = people.rng
    snap = dt.date(2023, 5, 31)
    hh = make_households(people, QIUBEI, 24, 0, snap, area="532626")
    cols = ["序号", "乡（镇）", "村（社区）", "户码", "户主", "身份证号", "家庭人数", "监测类型", "主要风险", "识别纳入时间",
            "是否已消除风险", "解除监测时间", "家庭人均收入", "联系电话"]
    rows = [["丘北县防返贫监测对象名单（截至2023年5月）"], cols]
    for i, h in enumerate(hh):
        head = h["members"][0]
        rows.append([i + 1, h["township"], h["village"], S(h["hid"]), head["name"], S(head["id"]), h["people"],
                     h["category"], h["risks"][0], h["ident"].isoformat(), "是" if h["eliminated"] else "否",
                     h["elim"].isoformat() if h["elim"] else None, float(h["per_capita"]), S(h["phone"])])
    f1 = write_xlsx(d / "丘北县防返贫监测对象名单（截至2023年5月）.xlsx", {"监测对象": Sheet(rows)})

    # income of lifted-out households in the same townships and villages
    top = ["序号", "乡镇", "行政村", "户主姓名", "户主身份证号码", "家庭人口数", "家庭收入构成（元）", None, None, None,
           "生产经营性支出（元）", "家庭纯收入（元）", "家庭人均纯收入（元）"]
    sub = [None] * 6 + ["工资性收入", "生产经营性收入", "转移性收入", "财产性收入", None, None, None]
    irows = [["丘北县2022年度脱贫户家庭收入监测表"], ["填报单位（盖章）：丘北县乡村振兴局", None, None, None, None, None,
                                                    "单位：人、元"], top, sub]
    merges = [(0, 0, 0, 12), (2, 6, 2, 9)] + [(2, c, 3, c) for c in (0, 1, 2, 3, 4, 5, 10, 11, 12)]
    towns = list(QIUBEI)
    inc_rows = []
    for i in range(40):
        tw = towns[i % len(towns)]
        vi = QIUBEI[tw][i % len(QIUBEI[tw])]
        n = rng.choice([2, 3, 4, 4, 5])
        if i < 3:
            pc = Decimal(rng.randrange(620000, 699000)) / 100
        elif i < 8:
            pc = Decimal(rng.randrange(720000, 990000)) / 100
        else:
            pc = Decimal(rng.randrange(1050000, 2300000)) / 100
        net = pc * n
        expense = Decimal(rng.randrange(50000, 200000)) / 100
        wage = q2((net + expense) * Decimal("0.58"))
        biz = q2((net + expense) * Decimal("0.22"))
        prop = Decimal("60.00")
        transfer = net + expense - wage - biz - prop
        inc_rows.append({"tw": tw, "n": n, "pc": pc, "net": net})
        irows.append([i + 1, tw, vi, people.name(), S(people.id(rng.randrange(1950, 1990))), n, float(wage), float(biz),
                      float(transfer), float(prop), float(expense), float(net), float(pc)])
    tot_n = sum(r["n"] for r in inc_rows)
    tot_net = sum(r["net"] for r in inc_rows)
    per_capita = q2(tot_net / tot_n)
    irows.append([None, "合计", None, None, None, tot_n, None, None, None, None, None, float(tot_net), float(per_capita)])
    f2 = write_xlsx(d / "丘北县2022年脱贫户家庭收入监测表.xlsx", {"收入监测": Sheet(irows, merges=merges)})

    exp = monitoring_expect(hh, 2023)
    u7 = [r for r in inc_rows if r["pc"] < 7000]
    u10 = [r for r in inc_rows if r["pc"] < 10000]
    exp.update({"county": "丘北县", "monitoring.period": "2023-05", "income.year": 2022,
                "income.per_capita": float(per_capita),
                "income.under_7000_households": len(u7), "income.under_7000_people": sum(r["n"] for r in u7),
                "income.under_10000_households": len(u10), "income.under_10000_people": sum(r["n"] for r in u10)})
    jp = [h for h in hh if h["township"] == "锦屏镇"]
    exp["by_township"] = {"锦屏镇": {k: v for k, v in monitoring_expect(jp, 2023).items()
                                     if k in ("monitoring.households", "monitoring.people",
                                              "monitoring.eliminated_households")}}
    return Fixture([f1, f2], exp, (
        "fresh database, county 丘北县 (not in the reference data, ID area 532626): a household roster with headers "
        "`乡（镇）`, `村（社区）` (full-width brackets), `户码`, `家庭人数`, `监测类型`, `识别纳入时间`, `是否已消除风险`, "
        "`解除监测时间`, `家庭人均收入`; then a 2022 household income sheet (no 户编号, by 户主身份证号码) with parts under "
        f"a merged 家庭收入构成（元） and a weighted 合计 row. Expected {exp['monitoring.households']} h / "
        f"{exp['monitoring.people']} p, eliminated {exp['monitoring.eliminated_households']}/"
        f"{exp['monitoring.eliminated_people']}, new {exp['monitoring.new_households']}/{exp['monitoring.new_people']}; "
        f"income 2022 {per_capita} 元 over {tot_n} people, under 7000: {len(u7)} h, under 10000: {len(u10)} h "
        f"{exp['income.under_10000_people']} p."), people.personal)
