"""Monitoring rosters and person-level exports in layouts the first set does not use."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ._common import (CATEGORY_CODES, D, Fixture, People, RISK_CODES, S, Sheet, NANHUA, monitoring_expect,
                      make_households, write_xls, write_xlsx)

# ---------------------------------------------------------------------------------------------------
NATIONAL_COLS = [
    "序号", "数据日期", "省", "市(州)", "县(市、区、旗)", "乡(镇)", "行政村", "自然村", "行政区划代码",
    "姓名", "性别", "证件类型", "证件号码", "与户主关系", "民族", "政治面貌", "文化程度", "在校生状况", "健康状况",
    "劳动技能", "务工时间（月）", "务工所在地", "是否参加城乡居民基本医疗保险", "是否参加大病保险", "人联系电话",
    "户主姓名", "户主证件号码", "户联系电话", "家庭人口", "户类型", "监测对象类型", "纳入时间", "是否风险消除",
    "风险消除日期", "风险消除方式", "返贫致贫风险1", "返贫致贫风险2", "返贫致贫风险3", "人均纯收入（元）",
    "工资性收入（元）", "生产经营性收入（元）", "财产性收入（元）", "转移性收入（元）", "合规自付支出（元）",
    "享受低保政策情况", "享受特困供养政策情况", "产业帮扶", "就业帮扶", "健康帮扶", "户编号", "人编号",
    "信息采集人", "信息采集人联系电话", "帮扶责任人", "备注",
]
DATE_FMTS = ["yyyy-mm-dd", "yyyy/m/d", 'yyyy"年"m"月"d"日"']


def _national_rows(hh: list[dict], people: People, data_date: str, elim_key="elim") -> list[list]:
    rows = []
    n = 0
    collectors = [people.name() for _ in range(4)]
    collector_phones = [people.phone() for _ in range(4)]
    for i, h in enumerate(hh):
        head = h["members"][0]
        pc = h["per_capita"]
        wage = (pc * h["people"] * 55 / 100).quantize(pc)
        for k, m in enumerate(h["members"]):
            n += 1
            mon = bool(h["category"])
            row = {c: None for c in NATIONAL_COLS}
            row.update({
                "序号": n, "数据日期": data_date, "省": "云南省", "市(州)": "楚雄彝族自治州", "县(市、区、旗)": "南华县",
                "乡(镇)": h["township"], "行政村": h["village"], "自然村": h["village"].rstrip("村社区") + f"{k % 3 + 1}组",
                "行政区划代码": S(h["hid"][:9] + "201"),
                "姓名": m["name"], "性别": m["sex"], "证件类型": "居民身份证", "证件号码": S(m["id"]),
                "与户主关系": S(m["rel"]), "民族": ["彝族", "汉族", "白族"][i % 3], "政治面貌": "群众",
                "文化程度": "初中", "在校生状况": "非在校生", "健康状况": "健康" if k else "长期慢性病",
                "劳动技能": "普通劳动力", "务工时间（月）": 6 if k == 1 else 0, "务工所在地": "省内县外" if k == 1 else None,
                "是否参加城乡居民基本医疗保险": "是", "是否参加大病保险": "是", "人联系电话": S(m["phone"]),
                "户主姓名": head["name"], "户主证件号码": S(head["id"]), "户联系电话": S(h["phone"]),
                "家庭人口": h["people"], "户类型": "脱贫户" if (not mon or h["category"] == "脱贫不稳定户") else "一般农户",
                "人均纯收入（元）": float(pc), "工资性收入（元）": float(wage), "生产经营性收入（元）": float(pc * h["people"] - wage),
                "财产性收入（元）": 0, "转移性收入（元）": 0, "合规自付支出（元）": 0,
                "享受低保政策情况": "否", "享受特困供养政策情况": "否",
                "户编号": S(h["hid"]), "人编号": S(h["hid"] + f"{k + 1:02d}"),
                "信息采集人": collectors[i % 4], "信息采集人联系电话": S(collector_phones[i % 4]),
                "帮扶责任人": collectors[(i + 1) % 4],
            })
            if mon:
                row["监测对象类型"] = S(CATEGORY_CODES[h["category"]])
                row["纳入时间"] = D(h["ident"], DATE_FMTS[i % 3])
                row["是否风险消除"] = 1 if h["eliminated"] else 0
                if h["eliminated"]:
                    row["风险消除日期"] = D(h[elim_key], DATE_FMTS[(i + 1) % 3])
                    row["风险消除方式"] = "帮扶消除" if i % 2 else "自然消除"
                for j, r in enumerate(h["risks"]):
                    row[f"返贫致贫风险{j + 1}"] = S(RISK_CODES.get(r, "99") if r not in ("住房安全",) else "因安全住房")
                row["产业帮扶"] = "是"
            rows.append([row[c] for c in NATIONAL_COLS])
    return rows


def build_national_person_export(d: Path) -> Fixture:
    """National person-level export, 55 columns in a new order, codes everywhere, real date cells."""
    people = People(101)
    snap = dt.date(2023, 6, 30)
    hh = make_households(people, NANHUA, 30, 8, snap)
    rows = [["南华县防返贫监测对象人员信息（数据截至2023年6月30日）"],
            ["导出时间：2023-07-03 09:12:45"],
            NATIONAL_COLS] + _national_rows(hh, people, "20230630")
    n = len(NATIONAL_COLS)
    f = write_xlsx(d / "监测对象人员信息导出_20230703091245.xlsx", {
        "Sheet1": Sheet(rows, merges=[(0, 0, 0, n - 1)], freeze=(3, 0))})
    exp = monitoring_expect(hh, 2023)
    exp["monitoring.period"] = "2023-06"
    exp["county"] = "南华县"
    return Fixture([f], exp, (
        f"55 columns, one row per person ({len(rows) - 3} rows), 户编号/人编号 near the end; 监测对象类型 as codes "
        f"1/2/3, 与户主关系 01/10/20…, risks 01/0203/09/因安全住房, 是否风险消除 1/0, 纳入时间/风险消除日期 as "
        f"date-formatted cells in three number formats; both 证件号码 and 户主证件号码; 8 lifted-out households "
        f"(脱贫户, empty 监测对象类型) must not count; title merged, then an 导出时间 line dated July (the period is "
        f"June, from the title). Expected {exp['monitoring.households']} households {exp['monitoring.people']} people, "
        f"eliminated {exp['monitoring.eliminated_households']}/{exp['monitoring.eliminated_people']}, new "
        f"{exp['monitoring.new_households']}/{exp['monitoring.new_people']}."), people.personal)


# ---------------------------------------------------------------------------------------------------
def build_xls_risk_group(d: Path) -> Fixture:
    """Household roster as .xls, two-row header, 风险1|风险2|风险3 under a merged 致贫返贫风险 group."""
    people = People(202)
    snap = dt.date(2023, 4, 30)
    hh = make_households(people, NANHUA, 22, 0, snap)
    top = ["序号", "乡镇", "行政村", "户编号", "户主姓名", "户主身份证号码", "家庭人口数", "监测对象类别",
           "致贫返贫风险", None, None, "监测识别情况", None, None, "家庭人均纯收入（元）", "联系电话", "备注"]
    sub = [None] * 8 + ["风险1", "风险2", "风险3", "识别时间", "是否消除风险", "消除时间", None, None, None]
    merges = [(0, 0, 0, 16), (1, 0, 1, 16)] + [(2, c, 3, c) for c in (0, 1, 2, 3, 4, 5, 6, 7, 14, 15, 16)] + \
             [(2, 8, 2, 10), (2, 11, 2, 13)]
    rows = [["南华县防返贫监测对象户信息表（截至2023年4月30日）"],
            ["填报单位（盖章）：南华县乡村振兴局                         单位：人、元"],
            top, sub]
    for i, h in enumerate(hh):
        head = h["members"][0]
        ident = h["ident"]
        idt = f"{ident.year}.{ident.month:02d}.{ident.day:02d}" if i % 2 else f"{ident.year}年{ident.month}月{ident.day}日"
        el = h["elim"]
        rows.append([i + 1, h["township"], h["village"], h["hid"], head["name"], head["id"], h["people"],
                     h["category"]] + (h["risks"] + [None] * 3)[:3] +
                    [idt, "是" if h["eliminated"] else "否",
                     (f"{el.year}.{el.month:02d}.{el.day:02d}" if el else None),
                     f"{h['per_capita']:,.2f}", h["phone"], None])
    rows += [[], ["注：1.本表由各乡镇核实后报送；2.风险类型按主次顺序填写。"], ["审核人：", None, None, None, "填表人：", None, None, "联系电话：0878-7212345"]]
    f = write_xls(d / "南华县监测对象户信息表（2023年4月）.xls", {"监测户": Sheet(rows, merges=merges)})
    exp = monitoring_expect(hh, 2023)
    exp["monitoring.period"] = "2023-04"
    return Fixture([f], exp, (
        f"BIFF .xls, title and 填报单位 line merged, header on two rows: single columns merged vertically, "
        f"风险1|风险2|风险3 under merged 致贫返贫风险 and 识别时间|是否消除风险|消除时间 under merged 监测识别情况; dates "
        f"as text `2022.03.15` and `2023年2月8日`; incomes `12,345.60`; note and a signature footer. Expected "
        f"{exp['monitoring.households']} h / {exp['monitoring.people']} p, eliminated "
        f"{exp['monitoring.eliminated_households']}/{exp['monitoring.eliminated_people']}, new "
        f"{exp['monitoring.new_households']}/{exp['monitoring.new_people']}."), people.personal)


# ---------------------------------------------------------------------------------------------------
def build_rollback_two_exports(d: Path) -> Fixture:
    """Two exports for the same month; the second (system upgraded: other header names) rolls back one
    elimination (风险消除回退), corrects one identification and adds one household. The second wins."""
    people = People(303)
    snap = dt.date(2023, 6, 30)
    hh = make_households(people, NANHUA, 24, 0, snap)
    cols_a = ["序号", "乡(镇)", "行政村", "户编号", "人编号", "姓名", "证件号码", "与户主关系", "人数",
              "易返贫致贫户(监测对象)类型", "致贫/返贫风险1", "致贫/返贫风险2", "风险识别时间", "风险是否已消除",
              "风险消除时间", "人均纯收入（元）", "户联系电话"]

    def rows_for(hs, cols, ident_fmt, elim_fmt, yes="是", no="否"):
        out = []
        n = 0
        for h in hs:
            for k, m in enumerate(h["members"]):
                n += 1
                v = {"序号": n, "乡(镇)": h["township"], "乡镇名称": h["township"], "行政村": h["village"],
                     "村名": h["village"], "户编号": S(h["hid"]), "户码": S(h["hid"]), "人编号": S(h["hid"] + f"{k + 1:02d}"),
                     "成员编号": S(h["hid"] + f"{k + 1:02d}"), "姓名": m["name"], "证件号码": S(m["id"]),
                     "身份证号": S(m["id"]), "与户主关系": m["rel_word"], "人数": h["people"], "家庭人数": h["people"],
                     "易返贫致贫户(监测对象)类型": h["category"], "监测对象类别": h["category"],
                     "致贫/返贫风险1": (h["risks"] + [None])[0], "致贫/返贫风险2": (h["risks"] + [None, None])[1],
                     "风险类型1": (h["risks"] + [None])[0], "风险类型2": (h["risks"] + [None, None])[1],
                     "风险识别时间": ident_fmt(h["ident"]), "识别监测时间": ident_fmt(h["ident"]),
                     "风险是否已消除": yes if h["eliminated"] else no, "风险是否消除": yes if h["eliminated"] else no,
                     "风险消除时间": elim_fmt(h["elim"]) if h["elim"] else None,
                     "消除监测时间": elim_fmt(h["elim"]) if h["elim"] else None,
                     "人均纯收入（元）": float(h["per_capita"]), "家庭人均纯收入": float(h["per_capita"]),
                     "户联系电话": S(h["phone"]), "联系电话": S(h["phone"])}
                out.append([v[c] for c in cols])
        return out

    a_rows = [["南华县防返贫监测对象人员明细（截至2023年6月）"], cols_a] + \
        rows_for(hh, cols_a, lambda x: x.strftime("%Y%m"), lambda x: x.strftime("%Y%m"))
    fa = write_xlsx(d / "南华县防返贫监测对象人员明细（截至2023年6月）.xlsx", {"人员明细": Sheet(a_rows)})
    exp_a = monitoring_expect(hh, 2023)

    # the corrected export: one elimination rolled back, one identification moved into 2023, one new household
    import copy
    hb = copy.deepcopy(hh)
    rolled = next(h for h in hb if h["eliminated"])
    rolled["eliminated"], rolled["elim"] = False, None
    moved = next(h for h in hb if h["ident"].year == 2022 and not h["eliminated"])
    moved["ident"] = dt.date(2023, 1, 9)
    extra = make_households(people, {"兔街镇": ["干海资村"]}, 1, 0, snap, first=dt.date(2023, 5, 2))[0]
    extra["hid"] = "532324106" + "99001"
    hb.append(extra)
    cols_b = ["序号", "乡镇名称", "村名", "户码", "成员编号", "姓名", "身份证号", "与户主关系", "家庭人数", "监测对象类别",
              "风险类型1", "风险类型2", "识别监测时间", "风险是否消除", "消除监测时间", "家庭人均纯收入", "联系电话"]
    b_rows = [["南华县防返贫监测对象人员明细（截至2023年6月30日）（更正）"], cols_b] + \
        rows_for(hb, cols_b, lambda x: x.strftime("%Y/%-m/%-d"), lambda x: x.strftime("%Y-%m-%d"), yes="Y", no="N")
    fb = write_xlsx(d / "南华县防返贫监测对象人员明细（截至2023年6月）更正版.xlsx", {"人员明细": Sheet(b_rows)})
    exp = monitoring_expect(hb, 2023)
    exp["monitoring.period"] = "2023-06"
    return Fixture([fa, fb], exp, (
        f"first export (户编号/人编号, 风险是否已消除 是/否, dates YYYYMM) gives {exp_a['monitoring.households']} h, "
        f"eliminated {exp_a['monitoring.eliminated_households']}/{exp_a['monitoring.eliminated_people']}, new "
        f"{exp_a['monitoring.new_households']}/{exp_a['monitoring.new_people']}; the corrected export for the same month "
        f"(other header names: 户码, 成员编号, 风险是否消除 Y/N, 消除监测时间, dates 2023/1/9) rolls back household "
        f"{rolled['hid']}'s elimination, moves {moved['hid']}'s identification to 2023-01-09 and adds one household "
        f"identified 2023-05: expected {exp['monitoring.households']} h / {exp['monitoring.people']} p, eliminated "
        f"{exp['monitoring.eliminated_households']}/{exp['monitoring.eliminated_people']}, new "
        f"{exp['monitoring.new_households']}/{exp['monitoring.new_people']} (the second file supersedes the first)."),
        people.personal)


# ---------------------------------------------------------------------------------------------------
OLD_LIST_COLS = ["序号", "省", "市", "县", "乡(镇)", "行政村", "自然村", "户编号", "姓名", "证件号码", "人数", "与户主关系",
                 "民族", "性别", "文化程度", "在校生状况", "健康状况", "劳动技能", "务工时间（月）", "务工所在地",
                 "是否参加大病保险", "是否参加城乡居民基本医疗保险", "人均纯收入（元）", "户类型",
                 "易返贫致贫户(监测对象)类型", "联系电话", "首次识别时间", "风险识别时间", "风险是否消除", "风险消除方式",
                 "风险消除时间"]


def build_old_list_export(d: Path) -> Fixture:
    """The older 31-column 边缘易致贫人口名单: person rows, relation words (之子, 之女…), no 人编号, no risk
    column, YYYYMM dates, Y/N, and a 首次识别时间 column beside 风险识别时间."""
    assert len(OLD_LIST_COLS) == 31
    people = People(404)
    snap = dt.date(2022, 12, 31)
    hh = make_households(people, NANHUA, 18, 0, snap, first=dt.date(2021, 1, 1))
    for h in hh:
        h["category"] = "边缘易致贫户"
    rows = [["南华县边缘易致贫人口名单（截至2022年12月）"], OLD_LIST_COLS]
    n = 0
    for i, h in enumerate(hh):
        first_ident = h["ident"].replace(year=2020) if i % 3 == 0 else h["ident"]
        for k, m in enumerate(h["members"]):
            n += 1
            v = dict.fromkeys(OLD_LIST_COLS)
            v.update({"序号": n, "省": "云南省", "市": "楚雄彝族自治州", "县": "南华县", "乡(镇)": h["township"],
                      "行政村": h["village"], "自然村": "上村组", "户编号": S(h["hid"]), "姓名": m["name"],
                      "证件号码": S(m["id"]), "人数": h["people"], "与户主关系": m["rel_word"] if k else "户主",
                      "民族": "彝族", "性别": m["sex"], "文化程度": "小学", "在校生状况": "非在校生", "健康状况": "健康",
                      "劳动技能": "普通劳动力", "务工时间（月）": 0, "是否参加大病保险": "Y",
                      "是否参加城乡居民基本医疗保险": "Y", "人均纯收入（元）": S(f"{h['per_capita']:.2f}"),
                      "户类型": "一般农户", "易返贫致贫户(监测对象)类型": "边缘易致贫户", "联系电话": S(m["phone"]),
                      "首次识别时间": S(first_ident.strftime("%Y%m")), "风险识别时间": S(h["ident"].strftime("%Y%m")),
                      "风险是否消除": "Y" if h["eliminated"] else "N",
                      "风险消除方式": ("帮扶消除" if h["eliminated"] else None),
                      "风险消除时间": S(h["elim"].strftime("%Y%m")) if h["elim"] else None})
            rows.append([v[c] for c in OLD_LIST_COLS])
    f = write_xlsx(d / "边缘易致贫人口名单.xlsx", {"边缘易致贫人口名单": Sheet(rows)})
    exp = monitoring_expect(hh, 2022)
    exp["monitoring.period"] = "2022-12"
    return Fixture([f], exp, (
        f"31 columns 序号…风险消除时间, person rows with relation words (户主/之子/之女/之母/之孙女) and no 人编号, "
        f"Y/N flags, YYYYMM text dates; a 首次识别时间 column (some households first identified in 2020, re-identified "
        f"later) beside 风险识别时间, which is the identification that counts. Snapshot 2022-12: expected "
        f"{exp['monitoring.households']} h / {exp['monitoring.people']} p, eliminated "
        f"{exp['monitoring.eliminated_households']}/{exp['monitoring.eliminated_people']}, new (2022) "
        f"{exp['monitoring.new_households']}/{exp['monitoring.new_people']}."), people.personal)


# ---------------------------------------------------------------------------------------------------
def build_national_flag_only(d: Path) -> Fixture:
    """A national-style person export that has `是否风险消除` (是/否) but no elimination-date column at all:
    the elimination figures can come only from the flag."""
    people = People(1212)
    snap = dt.date(2023, 3, 31)
    hh = make_households(people, NANHUA, 20, 4, snap)
    cols = ["序号", "县(市、区、旗)", "乡(镇)", "行政村", "户编号", "人编号", "姓名", "证件号码", "与户主关系", "家庭人口",
            "户类型", "监测对象类型", "纳入时间", "是否风险消除", "风险消除方式", "返贫致贫风险1", "人均纯收入（元）", "户联系电话"]
    rows = [["南华县防返贫监测对象信息（截至2023年3月31日）"], ["导出时间：2023年4月6日"], cols]
    n = 0
    for i, h in enumerate(hh):
        mon = bool(h["category"])
        for k, m in enumerate(h["members"]):
            n += 1
            rows.append([n, "南华县", h["township"], h["village"], S(h["hid"]), S(h["hid"] + f"{k + 1:02d}"), m["name"],
                         S(m["id"]), S(m["rel"]), h["people"], "脱贫户" if not mon else "一般农户",
                         S(CATEGORY_CODES[h["category"]]) if mon else None, D(h["ident"]) if mon else None,
                         ("是" if h["eliminated"] else "否") if mon else None,
                         ("帮扶消除" if h["eliminated"] else None), S(RISK_CODES.get(h["risks"][0], "99")) if mon else None,
                         float(h["per_capita"]), S(h["phone"])])
    f = write_xlsx(d / "南华县防返贫监测对象信息（截至2023年3月31日）.xlsx",
                   {"Sheet1": Sheet(rows, merges=[(0, 0, 0, len(cols) - 1)])})
    exp = monitoring_expect(hh, 2023)
    exp["monitoring.period"] = "2023-03"
    return Fixture([f], exp, (
        "national person export with `是否风险消除` 是/否 and NO 风险消除时间 column (as some exports are cut); "
        f"codes for category / relation / risk, 纳入时间 as date cells, 4 lifted-out households. Expected "
        f"{exp['monitoring.households']} h / {exp['monitoring.people']} p, eliminated (by the flag) "
        f"{exp['monitoring.eliminated_households']}/{exp['monitoring.eliminated_people']}, new "
        f"{exp['monitoring.new_households']}/{exp['monitoring.new_people']}."), people.personal)


def build_roster_status_words(d: Path) -> Fixture:
    """A clerk's roster: status in `风险消除情况` as 已消除 / 未消除 (no date), categories written short
    (`脱贫不稳定`, `边缘易致贫`, `突发严重困难`), risks as `因病致贫`, `因残致贫`."""
    people = People(1313)
    snap = dt.date(2023, 6, 30)
    hh = make_households(people, NANHUA, 16, 0, snap)
    short = {"脱贫不稳定户": "脱贫不稳定", "边缘易致贫户": "边缘易致贫", "突发严重困难户": "突发严重困难"}
    rows = [["南华县2023年6月防返贫监测对象花名册"],
            ["序号", "乡镇", "行政村", "户编号", "户主", "身份证号码", "家庭人口", "监测对象类别", "主要风险", "纳入监测时间",
             "风险消除情况", "联系电话"]]
    for i, h in enumerate(hh):
        risk = {"因病": "因病致贫", "因残": "因残致贫", "因学": "因学致贫"}.get(h["risks"][0], h["risks"][0])
        rows.append([i + 1, h["township"], h["village"], S(h["hid"]), h["members"][0]["name"], S(h["members"][0]["id"]),
                     h["people"], short[h["category"]], risk, D(h["ident"], 'yyyy"年"m"月"d"日"'),
                     "已消除" if h["eliminated"] else "未消除", S(h["phone"])])
    f = write_xlsx(d / "南华县防返贫监测对象花名册（2023年6月）.xlsx", {"花名册": Sheet(rows)})
    exp = monitoring_expect(hh, 2023)
    exp["monitoring.period"] = "2023-06"
    return Fixture([f], exp, (
        "household roster, elimination only as `风险消除情况` = 已消除 / 未消除 (no date column); categories in their "
        "short listed forms; risks `因病致贫`…; 纳入监测时间 as date cells shown `2022年3月15日`. Expected "
        f"{exp['monitoring.households']} h / {exp['monitoring.people']} p, eliminated "
        f"{exp['monitoring.eliminated_households']}/{exp['monitoring.eliminated_people']}, new "
        f"{exp['monitoring.new_households']}/{exp['monitoring.new_people']}."), people.personal)
