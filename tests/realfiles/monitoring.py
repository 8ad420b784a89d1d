"""Monitoring rosters: national-system person-level exports and older list exports."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from ._common import (NANHUA, NANHUA_CODE, NANHUA_VILLAGES, Fixture, Sheet, date_as, pct, save_csv,
                      save_openpyxl, save_xls, save_xlsxwriter)
from .people import DISASTER_SUB, RISK_CODES, RISK_NAMES, Household, Member, make_households, monitoring_expected

# The national system's person-level export, 108 columns, in the order such exports use.
NATIONAL_HEADER = [
    "序号", "数据日期", "县(市、区、旗)", "乡(镇)", "行政村", "自然村", "户编号", "人编号", "姓名", "证件号码", "人数",
    "与户主关系", "性别", "民族", "政治面貌", "文化程度", "在校生状况", "健康状况", "残疾类别", "残疾等级", "劳动技能",
    "是否会讲普通话", "务工状况", "务工时间（月）", "务工所在地", "务工企业名称", "是否参加城乡居民基本医疗保险",
    "是否参加大病保险", "是否参加城乡居民基本养老保险", "是否享受人身意外保险补贴", "是否参加商业补充医疗保险", "是否现役军人",
    "人员识别时间", "首次识别时间", "户类型", "脱贫年度", "致贫原因1", "易返贫致贫户(监测对象)类型", "风险是否消除",
    "风险识别时间", "风险消除时间", "风险消除方式", "致贫/返贫风险1", "致贫/返贫风险2", "致贫/返贫风险3", "致贫/返贫风险4",
    "致贫/返贫风险5", "因自然灾害子项", "整户无劳动能力兜底保障户", "享受低保政策情况", "享受特困供养政策情况",
    "是否易地扶贫搬迁户", "搬迁方式", "安置方式", "危房户", "是否解决安全饮用水", "是否通生活用电", "是否通广播电视", "入户路类型",
    "与村主干路距离（公里）", "住房面积（平方米）", "耕地面积（亩）", "有效灌溉面积（亩）", "林地面积（亩）", "退耕还林面积（亩）",
    "林果面积（亩）", "牧草地面积（亩）", "是否加入农民专业合作社", "是否有龙头企业带动", "是否有创业致富带头人带动", "主要燃料类型",
    "是否有卫生厕所", "人均纯收入（元）", "家庭年纯收入（元）", "工资性收入", "生产经营性收入", "财产性收入", "转移性收入",
    "其中：计划生育金", "其中：低保金", "其中：特困供养金", "其中：养老保险金", "其中：生态补偿金", "生产经营性支出", "合规自付支出",
    "户联系电话", "人联系电话", "开户银行", "银行账号", "产业帮扶", "就业帮扶", "金融帮扶", "公益岗位帮扶", "健康帮扶",
    "义务教育保障", "住房安全保障", "饮水安全保障", "综合保障", "社会帮扶", "搬迁", "其他帮扶", "帮扶责任人", "帮扶责任人联系电话",
    "帮扶单位", "是否参加防返贫保险", "备注", "信息采集人", "信息采集人联系电话",
]
assert 105 <= len(NATIONAL_HEADER) <= 115 and len(set(NATIONAL_HEADER)) == len(NATIONAL_HEADER)

# The older 31-column list exports (已脱贫人口名单 / 边缘易致贫人口名单), 序号 … 风险消除时间, no risk-type column.
LIST31_HEADER = [
    "序号", "省(区、市)", "市(州、盟)", "县(市、区、旗)", "乡(镇)", "行政村", "自然村", "户编号", "人编号", "姓名", "证件号码",
    "性别", "民族", "与户主关系", "人数", "文化程度", "在校生状况", "健康状况", "劳动技能", "务工状况", "务工时间（月）",
    "是否参加城乡居民基本医疗保险", "是否参加大病保险", "户类型", "脱贫年度", "人均纯收入（元）", "户联系电话",
    "易返贫致贫户(监测对象)类型", "识别监测时间", "风险是否已消除", "风险消除时间",
]
assert len(LIST31_HEADER) == 31

# A narrower export (about 60 columns) as a second county's clerk pulled it.
NARROW_HEADER = [
    "序号", "数据日期", "县(市、区、旗)", "乡(镇)", "行政村", "自然村", "户编号", "人编号", "姓名", "证件号码", "人数",
    "与户主关系", "性别", "民族", "文化程度", "在校生状况", "健康状况", "劳动技能", "务工时间（月）", "务工所在地",
    "是否参加大病保险", "户类型", "监测对象类别", "风险是否已消除", "识别监测时间", "消除监测时间", "风险消除方式",
    "致贫/返贫风险1", "致贫/返贫风险2", "致贫/返贫风险3", "因自然灾害子项", "危房户", "是否解决安全饮用水",
    "人均纯收入（元）", "工资性收入", "转移性收入", "合规自付支出", "户联系电话", "人联系电话", "家庭成员联系电话",
    "产业帮扶", "就业帮扶", "金融帮扶", "公益岗位帮扶", "健康帮扶", "义务教育保障", "住房安全保障", "饮水安全保障",
    "综合保障", "社会帮扶", "搬迁", "信息采集人", "信息采集人联系电话",
]

YES_NO = {"是否": ("是", "否"), "10": ("1", "0"), "YN": ("Y", "N")}


def _yn(flag: bool, style: str) -> str:
    return YES_NO[style][0 if flag else 1]


def _row(h: Household, m: Member, i: int, o: dict) -> dict:
    """Every cell of one person's row, by column name. ``o`` holds the export's styles."""
    yn = o["yn"]
    ds = h.date_style
    risk_list = h.risks + [None] * 5

    def risk(k):
        c = risk_list[k]
        if c is None:
            return None
        return c if o["risk"] == "code" else (o["risk_names"].get(c) or RISK_CODES[c])

    seed = random.Random(f"{h.code}-{i}")
    adult = o["snap"].year - m.birth.year >= 18
    head = m.rel == "head"
    measures = {
        "产业帮扶": ["种植业（烤烟）", "养殖业（肉牛）", "种植业（核桃）", None],
        "就业帮扶": ["劳务输出", "就业培训", None],
        "金融帮扶": ["脱贫人口小额信贷", None, None],
        "公益岗位帮扶": ["乡村公益性岗位", None, None, None],
        "健康帮扶": ["家庭医生签约服务", "医疗救助", None],
        "义务教育保障": ["教育资助", None],
        "住房安全保障": ["农村危房改造", None, None],
        "饮水安全保障": [None, None, "饮水工程"],
        "综合保障": ["纳入农村低保", None, None],
        "社会帮扶": ["“万企兴万村”", "东西部协作", None, None],
        "搬迁": [None, None, None, "易地扶贫搬迁"],
        "其他帮扶": [None, None, "临时救助"],
    }
    hseed = random.Random(f"{h.code}-household")
    return {
        "序号": i,
        "数据日期": o.get("data_date"),
        "省(区、市)": "云南省",
        "市(州、盟)": o.get("prefecture", "楚雄彝族自治州"),
        "县(市、区、旗)": h.county,
        "乡(镇)": h.township,
        "行政村": h.village,
        "自然村": h.hamlet,
        "户编号": h.code,
        "人编号": f"{h.code}{h.members.index(m) + 1:02d}",
        "姓名": m.name,
        "证件号码": m.id_no,
        "人数": h.size,
        "与户主关系": m.rel_code if o["rel"] == "code" else m.rel_name,
        "性别": "男" if m.male else "女",
        "民族": m.ethnic,
        "政治面貌": seed.choice(["群众"] * 8 + ["中共党员", "共青团员"]) if adult else "群众",
        "文化程度": m.education if m.school == "非在校生" else None,
        "在校生状况": m.school,
        "健康状况": m.health,
        "残疾类别": seed.choice(["肢体残疾", "视力残疾", "智力残疾"]) if m.health == "残疾" else None,
        "残疾等级": seed.choice(["二级", "三级", "四级"]) if m.health == "残疾" else None,
        "劳动技能": m.skill,
        "是否会讲普通话": _yn(True, yn),
        "务工状况": ("省外务工" if m.work_place and "省" in m.work_place[2:] else "省内务工") if m.work_months else None,
        "务工时间（月）": m.work_months if m.work_months else (0 if adult else None),
        "务工所在地": m.work_place,
        "务工企业名称": seed.choice(["宁波某电子有限公司", "楚雄某食品厂", "个体务工", None]) if m.work_months else None,
        "是否参加城乡居民基本医疗保险": _yn(True, yn),
        "是否参加大病保险": _yn(True, yn),
        "是否参加城乡居民基本养老保险": _yn(adult, yn),
        "是否享受人身意外保险补贴": _yn(seed.random() < 0.4, yn),
        "是否参加商业补充医疗保险": _yn(seed.random() < 0.3, yn),
        "是否现役军人": _yn(False, yn),
        "人员识别时间": date_as(h.first_identified, "iso") if h.first_identified else None,
        "首次识别时间": date_as(h.first_identified, "iso") if h.first_identified else None,
        "户类型": h.htype,
        "脱贫年度": h.lifted_year,
        "致贫原因1": hseed.choice(["缺资金", "缺技术", "因病", "缺劳力", "交通条件落后"]) if h.htype == "脱贫户" else None,
        "易返贫致贫户(监测对象)类型": h.category or None,
        "监测对象类别": h.category or None,
        "风险是否消除": _yn(h.eliminated, yn) if h.category else None,
        "风险是否已消除": _yn(h.eliminated, yn) if h.category else None,
        "风险识别时间": date_as(h.identified, ds),
        "识别监测时间": date_as(h.identified, ds),
        "风险消除时间": date_as(h.eliminated_on, ds),
        "消除监测时间": date_as(h.eliminated_on, ds),
        "风险消除方式": h.way or None,
        "致贫/返贫风险1": risk(0), "致贫/返贫风险2": risk(1), "致贫/返贫风险3": risk(2),
        "致贫/返贫风险4": risk(3), "致贫/返贫风险5": risk(4),
        "因自然灾害子项": next((DISASTER_SUB[c] for c in h.risks if c in DISASTER_SUB), None),
        "整户无劳动能力兜底保障户": _yn(h.size == 1 and h.head.skill == "无劳动力", yn),
        "享受低保政策情况": "享受" if h.transfer_parts[1] > 0 else "未享受",
        "享受特困供养政策情况": "享受" if h.transfer_parts[2] > 0 else "未享受",
        "是否易地扶贫搬迁户": _yn(False, yn),
        "搬迁方式": None, "安置方式": None,
        "危房户": _yn(False, yn),
        "是否解决安全饮用水": _yn(True, yn),
        "是否通生活用电": _yn(True, yn),
        "是否通广播电视": _yn(True, yn),
        "入户路类型": hseed.choice(["水泥路", "水泥路", "砂石路", "泥土路"]),
        "与村主干路距离（公里）": hseed.choice([0.1, 0.3, 0.5, 1.2, 2.0]),
        "住房面积（平方米）": hseed.choice([60, 80, 96, 120, 135, 150]),
        "耕地面积（亩）": hseed.choice([1.5, 2.3, 3.0, 4.6, 6.8]),
        "有效灌溉面积（亩）": hseed.choice([0, 0.5, 1.2, 2.0]),
        "林地面积（亩）": hseed.choice([0, 5, 10, 22.5, 40]),
        "退耕还林面积（亩）": hseed.choice([0, 0, 1.5, 3]),
        "林果面积（亩）": hseed.choice([0, 0.8, 2, 3.5]),
        "牧草地面积（亩）": 0,
        "是否加入农民专业合作社": _yn(hseed.random() < 0.5, yn),
        "是否有龙头企业带动": _yn(hseed.random() < 0.3, yn),
        "是否有创业致富带头人带动": _yn(hseed.random() < 0.2, yn),
        "主要燃料类型": hseed.choice(["柴草", "电", "液化气"]),
        "是否有卫生厕所": _yn(hseed.random() < 0.85, yn),
        "人均纯收入（元）": float(h.per_capita),
        "家庭年纯收入（元）": float(h.net),
        "工资性收入": float(h.wage),
        "生产经营性收入": float(h.business),
        "财产性收入": float(h.prop),
        "转移性收入": float(h.transfer),
        "其中：计划生育金": float(h.transfer_parts[0]),
        "其中：低保金": float(h.transfer_parts[1]),
        "其中：特困供养金": float(h.transfer_parts[2]),
        "其中：养老保险金": float(h.transfer_parts[3]),
        "其中：生态补偿金": float(h.transfer_parts[4]),
        "生产经营性支出": float(h.expense),
        "合规自付支出": float(h.selfpay),
        "户联系电话": h.phone,
        "人联系电话": m.phone,
        "家庭成员联系电话": m.phone,
        "开户银行": "农村信用合作联社" if head else None,
        "银行账号": h.bank if head else None,
        **{k: hseed.choice(vals) for k, vals in measures.items()},
        "帮扶责任人": o.get("helper", {}).get(h.village),
        "帮扶责任人联系电话": o.get("helper_phone", {}).get(h.village),
        "帮扶单位": o.get("unit", {}).get(h.township),
        "是否参加防返贫保险": _yn(True, yn),
        "备注": h.note or None,
        "信息采集人": h.collector,
        "信息采集人联系电话": h.collector_phone,
    }


def person_rows(hhs: list[Household], header: list[str], opts: dict) -> list[list]:
    """Data rows of a person-level export, household fields repeated on every member row."""
    helper_rng = random.Random("helpers")
    from ._common import person_name, phone
    villages = sorted({h.village for h in hhs})
    opts = {"risk_names": {}, **opts}
    opts.setdefault("helper", {v: person_name(helper_rng, helper_rng.random() < 0.6) for v in villages})
    opts.setdefault("helper_phone", {v: phone(helper_rng) for v in villages})
    opts.setdefault("unit", {h.township: f"{h.county}{h.township[:2]}工作队" for h in hhs})
    rows, i = [], 0
    for h in hhs:
        for m in h.members:
            i += 1
            cells = _row(h, m, i, opts)
            rows.append([cells[c] for c in header])
    return rows


def _risk_name_map(rng: random.Random) -> dict:
    """How a clerk writes risk names instead of codes (some also as 因安全住房 / 因安全饮水)."""
    return {"01": "因病", "03": "因残", "09": "因学", "04": "缺劳动力", "05": "因意外事故", "06": "因产业项目失败",
            "07": "务工就业不稳", "0201": "因自然灾害", "0202": "因自然灾害", "0203": "因自然灾害", "0204": "因自然灾害",
            "0205": "因自然灾害", "0206": "因自然灾害", "0299": "因自然灾害", "99": "其他",
            "H": "因安全住房", "W": "因安全饮水"}


SNAP = dt.date(2023, 6, 30)


def _township_expected(hhs, snap, township):
    return {k: v for k, v in monitoring_expected([h for h in hhs if h.township == township], snap).items()
            if k != "monitoring.period"}


# 1 ----------------------------------------------------------------------------------------------
def build_national_person_export(d: Path) -> Fixture:
    rng = random.Random(20230630)
    hhs = make_households(rng, county=NANHUA, region=NANHUA_CODE, villages=NANHUA_VILLAGES, n=62, snap=SNAP,
                          new_in_year=9, styles=("ym", "iso", "slash", "serial", "date"))
    # edge dates: one identified on 2023-01-01 (an Excel serial, 44927), one on 2022-12-31 (not new)
    olds = [h for h in hhs if h.identified.year < 2023 and not h.eliminated]
    olds[0].identified, olds[0].date_style = dt.date(2022, 12, 31), "slash"
    news = [h for h in hhs if h.identified.year == 2023]
    news[0].identified, news[0].date_style = dt.date(2023, 1, 1), "serial"
    if news[0].eliminated_on and news[0].eliminated_on < news[0].identified:
        news[0].eliminated_on = dt.date(2023, 4, 18)
    rows = person_rows(hhs, NATIONAL_HEADER, {"yn": "是否", "risk": "code", "rel": "code", "snap": SNAP,
                                              "data_date": "20230630"})
    title = "南华县防止返贫监测对象信息（截至2023年6月30日）"
    n = len(NATIONAL_HEADER)
    sheet = Sheet("sheet1", [[title] + [None] * (n - 1), NATIONAL_HEADER] + rows, merges=[(0, 0, 0, n - 1)])
    f = save_openpyxl(d / "南华县防止返贫监测对象信息_20230630.xlsx", [sheet])
    exp = monitoring_expected(hhs, SNAP)
    exp["by_township"] = {"龙川镇": _township_expected(hhs, SNAP, "龙川镇")}
    return Fixture([f], exp, (
        f"National person-level export, {n} columns, one merged title line over all columns, header on row 2, "
        f"{len(rows)} person rows of {len(hhs)} households (people = member rows; 人数 = household size on every row). "
        "与户主关系 as codes 01/10/20/30/40/50, 致贫/返贫风险1-5 as codes (01, 0203, 07, 99 …), 是/否. 风险识别时间 "
        "and 风险消除时间 per household in one of YYYYMM text, 2021-06-15 text, 2021/6/15 text, a General-format "
        "Excel serial (44927 = 2023-01-01) or a real date cell. One household identified 2022/12/31 (not new), one "
        "44927 (new). 首次识别时间/人员识别时间 (2014-2015 for 脱贫户) are not the monitoring identification date. "
        "Period from the title and 数据日期 20230630: 2023-06."), rows={f.name: len(rows)})


# 2 ----------------------------------------------------------------------------------------------
def build_mixed_roster(d: Path) -> Fixture:
    rng = random.Random(4403)
    hhs = make_households(rng, county=NANHUA, region=NANHUA_CODE, villages=NANHUA_VILLAGES, n=46, lifted_only=34,
                          snap=SNAP, new_in_year=7, styles=("iso", "date", "ym"),
                          risk_pool=list(RISK_CODES) + ["H", "W"])
    names = _risk_name_map(rng)
    rows = person_rows(hhs, NATIONAL_HEADER, {"yn": "是否", "risk": "name", "risk_names": names, "rel": "name",
                                              "snap": SNAP, "data_date": "2023-06-30"})
    n = len(NATIONAL_HEADER)
    sheet = Sheet("基础信息", [["南华县脱贫户和监测对象基础信息表"], ["数据截至：2023-06-30"], NATIONAL_HEADER] + rows)
    f = save_xlsxwriter(d / "南华县脱贫户和监测对象基础信息（2023年6月）.xlsx", [sheet])
    lifted = [h for h in hhs if not h.category]
    exp = monitoring_expected(hhs, SNAP)
    exp["lifted_out_households"] = len(lifted)
    exp["lifted_out_people"] = sum(h.size for h in lifted)
    mon_tp = sum(1 for h in hhs if h.category == "脱贫不稳定户")
    return Fixture([f], exp, (
        f"基础信息 table mixing {len(lifted)} lifted-out households ({exp['lifted_out_people']} person rows: 户类型 脱贫户, "
        f"empty 易返贫致贫户(监测对象)类型, empty 风险 fields) with {exp['monitoring.households']} monitored households. "
        f"Beware: {mon_tp} monitored households are 脱贫不稳定户 and also carry 户类型 脱贫户 — monitoring is decided by a "
        "non-empty 监测对象类型, not by 户类型. Title (not merged) + a `数据截至：2023-06-30` line + header on row 3, "
        f"{n} columns; 与户主关系 as names (户主/配偶/之子/之儿媳/之孙女/之母), risks as names incl. 因安全住房 / "
        "因安全饮水 / 缺劳动力 / 因产业项目失败. Written by xlsxwriter."), rows={f.name: len(rows)})


# 3 ----------------------------------------------------------------------------------------------
def build_list31_lifted(d: Path) -> Fixture:
    snap = dt.date(2023, 3, 31)
    rng = random.Random(31)
    hhs = make_households(rng, county=NANHUA, region=NANHUA_CODE, villages=NANHUA_VILLAGES, n=24, lifted_only=30,
                          snap=snap, new_in_year=4, styles=("iso",))
    for h in hhs:  # an 已脱贫人口名单 lists lifted-out households only; the monitored among them are 脱贫不稳定户
        h.htype = "脱贫户"
        if h.category:
            h.category = "脱贫不稳定户" if rng.random() < 0.8 else "突发严重困难户"
        h.lifted_year = h.lifted_year or 2019
    rows = person_rows(hhs, LIST31_HEADER, {"yn": "是否", "risk": "code", "rel": "name", "snap": snap})
    sheet = Sheet("已脱贫人口名单", [["南华县已脱贫人口名单（数据截至2023年3月31日）"] + [None] * 30, LIST31_HEADER] + rows,
                  merges=[(0, 0, 0, 30)])
    f = save_openpyxl(d / "南华县已脱贫人口名单_202303.xlsx", [sheet])
    exp = monitoring_expected(hhs, snap)
    lifted = [h for h in hhs if not h.category]
    exp["lifted_out_households"] = len(lifted)
    exp["lifted_out_people"] = sum(h.size for h in lifted)
    return Fixture([f], exp, (
        "Older 31-column 已脱贫人口名单 export (序号 … 风险消除时间), no risk-type column, headers 识别监测时间 / "
        "风险是否已消除 / 风险消除时间; every household 户类型 脱贫户, the monitored ones carry 易返贫致贫户(监测对象)类型 "
        f"(脱贫不稳定户 / 突发严重困难户), {len(lifted)} households with it empty are lifted-out only. Dates as "
        "2021-06-15 text. Period 2023-03 from the title."), rows={f.name: len(rows)})


def build_list31_edge_xls(d: Path) -> Fixture:
    snap = dt.date(2023, 3, 31)
    rng = random.Random(3131)
    hhs = make_households(rng, county=NANHUA, region=NANHUA_CODE, villages=NANHUA_VILLAGES, n=41, snap=snap,
                          new_in_year=5, styles=("date", "slash"))
    for h in hhs:
        h.category, h.htype, h.lifted_year, h.first_identified = "边缘易致贫户", "一般农户", None, None
    header = LIST31_HEADER[:-3] + ["识别监测时间", "风险是否已消除", "消除监测时间"]
    rows = person_rows(hhs, header, {"yn": "10", "risk": "code", "rel": "code", "snap": snap})
    sheet = Sheet("Sheet1", [["南华县边缘易致贫人口名单（截至2023年3月）"] + [None] * 30, header] + rows,
                  merges=[(0, 0, 0, 30)])
    f = save_xls(d / "南华县边缘易致贫人口名单（截至2023年3月）.xls", [sheet])
    exp = monitoring_expected(hhs, snap)
    return Fixture([f], exp, (
        "Legacy .xls (xlwt) 31-column 边缘易致贫人口名单: merged title, header ending 识别监测时间 | 风险是否已消除 | "
        "消除监测时间, no risk-type column, 风险是否已消除 as 1/0 text, 与户主关系 as codes, dates as real date cells or "
        "2021/6/15 text. All households 边缘易致贫户 / 户类型 一般农户. Period 2023-03."), rows={f.name: len(rows)})


# Rollback: two exports of one period, the later one wins -----------------------------------------
def build_rollback_two_exports(d: Path) -> Fixture:
    rng = random.Random(77)
    hhs = make_households(rng, county=NANHUA, region=NANHUA_CODE, villages=NANHUA_VILLAGES, n=30, snap=SNAP,
                          new_in_year=4, styles=("iso",))
    opts = {"yn": "是否", "risk": "code", "rel": "code", "snap": SNAP, "data_date": "20230630"}
    n = len(NATIONAL_HEADER)
    title = "南华县防止返贫监测对象信息（截至2023年6月30日）"
    first = [[title] + [None] * (n - 1), NATIONAL_HEADER] + person_rows(hhs, NATIONAL_HEADER, opts)
    f1 = save_openpyxl(d / "南华县监测对象信息_20230630_0703导出.xlsx", [Sheet("sheet1", first, [(0, 0, 0, n - 1)])])
    rolled = [h for h in hhs if h.eliminated][:2]
    for h in rolled:
        h.eliminated, h.eliminated_on, h.way, h.note = False, None, "", "风险消除回退"
    second_rows = person_rows(hhs, NATIONAL_HEADER, opts)
    f2 = save_openpyxl(d / "南华县监测对象信息_20230630_0710导出.xlsx",
                       [Sheet("sheet1", [[title] + [None] * (n - 1), NATIONAL_HEADER] + second_rows, [(0, 0, 0, n - 1)])])
    exp = monitoring_expected(hhs, SNAP)
    return Fixture([f1, f2], exp, (
        "Two national exports of the same period (截至2023年6月30日), loaded in order. In the second (exported "
        f"07-10) {len(rolled)} households' risk elimination was rolled back (风险是否消除 否, 备注 风险消除回退). "
        "The later export for the period replaces the earlier one; the expected figures are the second file's."),
        rows={f1.name: len(first) - 2, f2.name: len(second_rows)})


# 10 ---------------------------------------------------------------------------------------------
def build_mangled_ids_csv(d: Path) -> Fixture:
    rng = random.Random(1010)
    hhs = make_households(rng, county=NANHUA, region=NANHUA_CODE, villages=NANHUA_VILLAGES, n=25, snap=SNAP,
                          new_in_year=3)
    header = ["序号", "乡镇", "行政村", "户编号", "户主姓名", "家庭人口数", "监测对象类别", "主要风险类型", "识别监测时间",
              "风险是否已消除", "风险消除时间", "家庭人均纯收入（元）", "联系电话"]
    rows = [["南华县防返贫监测对象名单（截至2023年6月）"], header]
    for i, h in enumerate(hhs, 1):
        rows.append([i, h.township, h.village, "5.32324E+15",
                     h.head.name, h.size, h.category, RISK_CODES[h.risks[0]] if h.risks[0] in RISK_CODES else "其他",
                     date_as(h.identified, "slash"), "是" if h.eliminated else "否", date_as(h.eliminated_on, "slash"),
                     f"{h.per_capita:.2f}", h.phone])
    f = save_csv(d / "南华县防返贫监测对象名单（截至2023年6月）.csv", rows, encoding="gbk")
    return Fixture([f], {"refused": True, "message_contains": [f.name, "户编号", "5.32324E+15", "科学计数法"]}, (
        "A household list opened in Excel and saved as CSV (GBK, CRLF): every 16-digit 户编号 became `5.32324E+15`, so "
        "all households share one key. Must be refused: the message names the file, the column 户编号, the value and "
        "says it is scientific notation (科学计数法); nothing loaded."), rows={f.name: len(hhs)})


# 11 ---------------------------------------------------------------------------------------------
YONGPING = "永平县"
YONGPING_CODE = "532928"
YONGPING_VILLAGES = {
    "博南镇": ["花桥村", "太平村", "城北社区"],
    "杉阳镇": ["杉阳村", "松坡村", "永和村"],
    "龙街镇": ["龙街村", "狮子窝村", "岩洞村"],
    "厂街彝族乡": ["厂街村", "瓦厂村"],
    "北斗彝族乡": ["北斗村", "西山村"],
}


def build_second_county_roster(d: Path) -> Fixture:
    rng = random.Random(532928)
    hhs = make_households(rng, county=YONGPING, region=YONGPING_CODE, villages=YONGPING_VILLAGES, n=44, snap=SNAP,
                          new_in_year=6, styles=("serial", "date", "iso"))
    rows = person_rows(hhs, NARROW_HEADER, {"yn": "是否", "risk": "code", "rel": "name", "snap": SNAP,
                                            "data_date": "2023-06-30", "prefecture": "大理白族自治州"})
    n = len(NARROW_HEADER)
    title = "永平县防止返贫监测对象信息（截至2023年6月30日）"
    f = save_openpyxl(d / "永平县防止返贫监测对象信息_20230630.xlsx",
                      [Sheet("监测对象", [[title] + [None] * (n - 1), NARROW_HEADER] + rows, [(0, 0, 0, n - 1)])])
    exp = {"county": YONGPING, **monitoring_expected(hhs, SNAP), "summary_args": ["--county", YONGPING]}
    exp["by_township"] = {"博南镇": _township_expected(hhs, SNAP, "博南镇")}
    return Fixture([f], exp, (
        f"First roster of a county not in the reference data: 永平县 (大理州), townships "
        f"{'、'.join(YONGPING_VILLAGES)} and their villages come from the rows (县(市、区、旗) = 永平县). "
        f"{n}-column export with 监测对象类别 / 风险是否已消除 / 识别监测时间 / 消除监测时间, dates as Excel serials, real "
        "date cells or ISO text. Must load as 永平县, not as 南华县."), rows={f.name: len(rows)})


def build_second_county_bad_township(d: Path) -> Fixture:
    first = build_second_county_roster(d)
    header = ["序号", "乡镇", "城市低保", None, "农村低保", None, "特困供养", None, "临时救助", None]
    sub = [None, None, "人次", "金额", "人次", "金额", "人次", "金额", "人次", "金额"]
    data = [[1, "博南镇", 96, 4.15, 2210, 60.31, 180, 19.22, 45, 2.05],
            [2, "杉阳镇", 40, 1.83, 1650, 44.9, 131, 14.1, 31, 1.46],
            [3, "龙街镇", 22, 0.97, 1322, 35.12, 97, 10.6, 26, 1.1],
            [4, "厂街彝族乡", 11, 0.48, 980, 26.0, 60, 6.52, 19, 0.88],
            [5, "博楠镇", 9, 0.39, 870, 23.4, 55, 5.96, 12, 0.55]]
    tot = [None, "合计"] + [round(sum(r[c] for r in data), 2) if isinstance(data[0][c], float) else sum(r[c] for r in data)
                          for c in range(2, 10)]
    rows = [["永平县2023年1-6月社会救助发放情况表"], ["单位：人次、万元"], header, sub] + data + [tot]
    merges = [(0, 0, 0, 9), (2, 0, 3, 0), (2, 1, 3, 1), (2, 2, 2, 3), (2, 4, 2, 5), (2, 6, 2, 7), (2, 8, 2, 9)]
    f = save_openpyxl(d / "永平县2023年1-6月社会救助发放情况表.xlsx", [Sheet("社会救助", rows, merges)])
    exp = {k: v for k, v in first.expected.items()}
    exp["refused_files"] = [f.name]
    exp["message_contains"] = [f.name, "第9行", "博楠镇", "永平县"]
    return Fixture(first.files + [f], exp, (
        "The 永平县 roster (loads, figures as in second_county_roster), then a 永平县 assistance table whose row 9 "
        "names 博楠镇 — a township 永平县 does not have (a typo of 博南镇). The second file must be refused (message names "
        "博楠镇 and 永平县, ideally suggests 博南镇) and leave the roster's figures unchanged."),
        rows={**first.rows, f.name: len(data)})
