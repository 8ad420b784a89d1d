"""Files a correct loader must refuse, naming the cause, leaving the database as it was."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ._common import (NANHUA, Fixture, People, S, Sheet, make_households, monitoring_expect, wan, write_csv,
                      write_xlsx)

ARTICLE = [("城市低保", 658, Decimal("29.28")), ("农村低保", 34575, Decimal("946.14")), ("特困供养", 3252, Decimal("334.38")),
           ("临时救助", 656, Decimal("31.42")), ("残疾人两项补贴", 19952, Decimal("163.28"))]


def _assist_sheet(values, total_pt, total_amt, title):
    rows = [[title], ["救助类别", "累计救助人次", "累计发放金额（万元）"]]
    rows += [[n, p, float(a)] for n, p, a in values]
    rows.append(["合计", total_pt, float(total_amt)])
    return {"社会救助": Sheet(rows)}


def build_refuse_total_mismatch(d: Path) -> Fixture:
    """A correct county table, then a 'corrected' one for the same period whose 合计 no longer adds up."""
    tp = sum(a[1] for a in ARTICLE)
    ta = sum(a[2] for a in ARTICLE)
    good = write_xlsx(d / "南华县2023年1-6月社会救助发放情况.xlsx",
                      _assist_sheet(ARTICLE, tp, ta, "南华县2023年1-6月社会救助发放情况"))
    bad_vals = [(n, p + 10 if n == "临时救助" else p, a) for n, p, a in ARTICLE]
    bad = write_xlsx(d / "南华县2023年1-6月社会救助发放情况（修改）.xlsx",
                     _assist_sheet(bad_vals, tp, ta, "南华县2023年1-6月社会救助发放情况"))
    exp = {"refused_files": [bad.name], "message_contains": ["合计", "59093|59,093|59103|59,103|相差10|差10"],
           "assistance.period": "2023-06", "assistance[临时救助].person_times": 656,
           "assistance[临时救助].amount_wan": 31.42, "assistance[农村低保].person_times": 34575}
    return Fixture([good, bad], exp, (
        "first a correct county-level table (article figures, 合计 59,093 人次); then a corrected file for the same "
        "period where 临时救助 became 666 but the 合计 row still says 59,093: it must be refused naming the 合计 and the "
        "numbers, and the first batch stays active (临时救助 656)."))


def _roster(path: Path, title: str, hh: list[dict], category_override: dict | None = None) -> Path:
    cols = ["序号", "乡镇", "行政村", "户编号", "户主姓名", "证件号码", "家庭人口数", "监测对象类别", "主要风险类型", "识别监测时间",
            "风险是否已消除", "风险消除时间", "联系电话"]
    rows = [[title], cols]
    for i, h in enumerate(hh):
        cat = (category_override or {}).get(i, h["category"])
        rows.append([i + 1, h["township"], h["village"], S(h["hid"]), h["members"][0]["name"], S(h["members"][0]["id"]),
                     h["people"], cat, h["risks"][0], h["ident"].isoformat(), "是" if h["eliminated"] else "否",
                     h["elim"].isoformat() if h["elim"] else None, S(h["phone"])])
    return write_xlsx(path, {"名单": Sheet(rows)})


def build_refuse_date_after_period(d: Path) -> Fixture:
    """A good February roster, then an April roster in which one identification is dated 2023-05-12."""
    people = People(808)
    hh2 = make_households(people, NANHUA, 15, 0, dt.date(2023, 2, 28))
    good = _roster(d / "南华县防返贫监测对象名单（截至2023年2月）.xlsx", "南华县防返贫监测对象名单（截至2023年2月）", hh2)
    hh4 = [dict(h) for h in hh2]
    late = hh4[4]
    late["ident"], late["eliminated"], late["elim"] = dt.date(2023, 5, 12), False, None
    bad = _roster(d / "南华县防返贫监测对象名单（截至2023年4月）.xlsx", "南华县防返贫监测对象名单（截至2023年4月）", hh4)
    exp = monitoring_expect(hh2, 2023)
    exp.update({"monitoring.period": "2023-02", "refused_files": [bad.name],
                "message_contains": ["2023-05-12|2023年5月12日|2023/5/12|20230512"]})
    return Fixture([good, bad], exp, (
        "a correct roster 截至2023年2月, then one 截至2023年4月 where household 5's 识别监测时间 is 2023-05-12, after the "
        "period's end: refused naming the date (and row); the February figures stay "
        f"({exp['monitoring.households']} h / {exp['monitoring.people']} p)."), people.personal)


def build_refuse_category_misspelled(d: Path) -> Fixture:
    people = People(909)
    hh = make_households(people, NANHUA, 12, 0, dt.date(2023, 6, 30))
    bad = _roster(d / "南华县防返贫监测对象名单（截至2023年6月）.xlsx", "南华县防返贫监测对象名单（截至2023年6月）", hh,
                  category_override={6: "边缘易至贫户"})
    return Fixture([bad], {"refused_files": [bad.name], "message_contains": ["边缘易至贫户"]}, (
        "household roster where row 7's 监测对象类别 is `边缘易至贫户` (至 for 致): a category is a closed code table, so "
        "the file is refused naming the value (ideally suggesting 边缘易致贫户), not loaded with 11 households."),
        people.personal)


def build_refuse_csv_sci_ids(d: Path) -> Fixture:
    """A roster opened and re-saved by Excel as CSV (GBK): the ID column became 5.32324E+17, there is no 户编号."""
    people = People(1010)
    hh = make_households(people, NANHUA, 10, 0, dt.date(2023, 6, 30))
    rows = [["序号", "乡镇", "行政村", "户主姓名", "身份证号码", "家庭人口数", "监测对象类别", "识别监测时间", "风险是否已消除",
             "风险消除时间"]]
    for i, h in enumerate(hh):
        sci = f"{float(h['members'][0]['id'].replace('X', '0')):.5E}".replace("E+", "E+")
        rows.append([i + 1, h["township"], h["village"], h["members"][0]["name"], sci, h["people"], h["category"],
                     f"{h['ident'].year}/{h['ident'].month}/{h['ident'].day}", "是" if h["eliminated"] else "否",
                     f"{h['elim'].year}/{h['elim'].month}/{h['elim'].day}" if h["elim"] else None])
    f = write_csv(d / "南华县监测对象名单（截至2023年6月）.csv", rows, encoding="gbk")
    return Fixture([f], {"refused_files": [f.name], "message_contains": ["科学计数法|E+17"]}, (
        "GBK CSV as Excel writes it after opening a roster: 身份证号码 reads `5.32324E+17` on every row and there is no "
        "户编号, so households cannot be told apart; refused naming the cause (科学计数法 / the E+17 value)."),
        people.personal)


def build_refuse_unknown_township(d: Path) -> Fixture:
    people = People(1111)
    rows = [["南华县2022年度脱贫户收入监测表"], ["序号", "乡镇", "行政村", "户编号", "户主姓名", "家庭人口数", "家庭人均纯收入（元）"]]
    towns = list(NANHUA)
    for i in range(12):
        tw = towns[i % 10]
        rows.append([i + 1, "五项山乡" if i == 9 else tw, NANHUA[tw][0], S(f"5323241{i:02d}0001{i:04d}"), people.name(),
                     3 + i % 3, 15000 + 37 * i])
    f = write_xlsx(d / "南华县2022年度脱贫户收入监测表.xlsx", {"收入": Sheet(rows)})
    return Fixture([f], {"refused_files": [f.name], "message_contains": ["五项山乡", "五顶山乡"]}, (
        "household income where one row's 乡镇 is `五项山乡` (typo of 五顶山乡) in a county with reference townships: "
        "refused naming the value and the closest match."), people.personal)
