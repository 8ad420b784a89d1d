"""One small real file per source kind, loaded through the CLI into a fresh SQLite file: stored rows and indicators."""
from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import id_number, roster_rows, run_cli, write_csv, write_xls, write_xlsx


def load(url, *files, extra=()):
    return run_cli("etl", "load", *files, "--db", url, *extra, check=True)


def q(path, sql, *args):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, args).fetchall()


def indicators(url, as_of=None, township=None):
    """The indicator functions themselves (what every page and the summary use)."""
    from rural.db import make_engine
    from rural.indicators import Scope, summary

    engine = make_engine(url)
    try:
        return summary(engine, Scope(as_of, township))
    finally:
        engine.dispose()


def batches(path):
    return q(path, "select file_name, sheet, kind, period, scope, status from load_batch order by id")


# ------------------------------------------------------------------------------ monitoring
def test_monitoring_household_level(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "南华县监测对象名单.xlsx", {"名单": roster_rows()})
    out = load(url, f).stdout
    assert "已载入" in out
    assert batches(path) == [("南华县监测对象名单.xlsx", "名单", "monitoring", "2023-06", "全县", "active")]
    assert q(path, "select rows_read, rows_loaded, rows_rejected from load_batch") == [(5, 3, 2)]
    rows = q(path, """select m.household_key, t.name, v.name, m.category, m.risk_type, m.people, m.identified_on,
                             m.eliminated, m.eliminated_on, m.per_capita_income_fen, m.src_sheet, m.src_row
                      from monitored_household m join township t on t.id = m.township_id
                      left join village v on v.id = m.village_id order by m.src_row""")
    assert rows == [
        ("H0001", "龙川镇", "龙川村", "脱贫不稳定户", "因病", 4, "2021-06-15", 1, "2022-03-01", 1_200_050, "名单", 4),
        ("H0002", "沙桥镇", "沙桥村", "边缘易致贫户", "因病", 3, "2021-06-01", 0, None, 880_000, "名单", 5),
        ("H0003", "五街镇", "五街村", "突发严重困难户", "因灾", 2, "2023-01-01", 0, None, None, "名单", 6),
    ]
    m = indicators(url)["monitoring"]
    assert m == {"period": "2023-06", "households": 3, "people": 9, "eliminated_households": 1, "eliminated_people": 4,
                 "elimination_rate_people": 44.44, "elimination_rate_households": 33.33, "new_households": 1,
                 "new_people": 2, "remaining_people": 5}
    assert indicators(url, township="沙桥镇")["monitoring"]["people"] == 3


PERSON_HEADER = ["户编号", "人编号", "姓名", "证件号码", "与户主关系", "人数", "乡镇", "行政村", "易返贫致贫户(监测对象)类型",
                 "风险是否消除", "风险识别时间", "风险消除时间", "人均纯收入（元）", "致贫/返贫风险1", "致贫/返贫风险2"]


def person_rows():
    hh1 = ["龙川镇", "龙川村", "脱贫不稳定户", "是", "2021-06-15", "2022-03-01", "12000", "01", "03"]
    hh2 = ["沙桥镇 ", "沙桥村", "边缘易致贫户", "否", "2023-02-01", None, "8,000", "0201", None]
    return [["南华县防返贫监测对象人员明细（截至2023年6月）"], PERSON_HEADER,
            ["H0001", "P0101", "张小明", id_number("53232419800101001"), "户主", 3, *hh1],
            ["H0001", "P0102", "赵小红", id_number("53232419820505002"), "配偶", 3, *hh1],
            ["H0001", "P0103", "张小小", id_number("53232420100909003"), "之子", 3, *hh1],
            ["H0002", "P0201", "李大华", id_number("53232419750202004"), "户主", 3, *hh2],
            ["H0002", "P0202", "李小华", id_number("53232420050606005"), "之女", 3, *hh2],
            [], ["注：一人一行"]]


def test_monitoring_person_level_folded_to_households(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "人员明细.xlsx", {"人员明细": person_rows()})
    out = load(url, f).stdout
    assert "提醒" in out and "有1户“人数”栏与名单中的成员行数不同（如户编号 H0002）" in out
    rows = q(path, """select m.household_key, t.name, m.category, m.risk_type, m.people, m.identified_on, m.eliminated,
                             m.eliminated_on, m.per_capita_income_fen, m.src_row
                      from monitored_household m join township t on t.id = m.township_id order by m.src_row""")
    assert rows == [("H0001", "龙川镇", "脱贫不稳定户", "因病", 3, "2021-06-15", 1, "2022-03-01", 1_200_000, 3),
                    ("H0002", "沙桥镇", "边缘易致贫户", "因灾", 2, "2023-02-01", 0, None, 800_000, 6)]
    m = indicators(url)["monitoring"]
    assert m == {"period": "2023-06", "households": 2, "people": 5, "eliminated_households": 1, "eliminated_people": 3,
                 "elimination_rate_people": 60.0, "elimination_rate_households": 50.0, "new_households": 1,
                 "new_people": 2, "remaining_people": 2}


# ---------------------------------------------------------------------------------- income
INCOME_HEAD = ["序号", "乡镇", "行政村", "户编号", "户主姓名", "家庭人口数", "人均纯收入（元）", "家庭纯收入（元）"]


def test_income_years_half_years_growth_and_bands(tmp_path, db):
    url, path = db
    y2022 = write_xlsx(tmp_path / "收入2022.xlsx", {"收入监测": [
        ["南华县2022年度脱贫户收入监测表"], ["单位：元、人"], INCOME_HEAD,
        [1, "龙川镇", "龙川村", "A1", "张三", 4, "12,000.00", "48,000"],
        [2, "沙桥镇", "沙桥村", "B1", "李四", 2, 9000.5, 18001],
        [3, "五街镇", "五街村", "C1", "王五", "３", 6500, 19500],
        ["合计", None, None, None, None, 9, None, "85,501"],
        [], ["注：人均纯收入=家庭纯收入÷家庭人口数。"]]})
    y2021 = write_xls(tmp_path / "收入2021.xls", [
        ["南华县2021年度脱贫户收入监测表"], ["乡镇", "村", "户码", "户主", "人口数", "人均纯收入"],
        ["龙川镇", "龙川村", "A1", "张三", 4, 10000], ["沙桥镇", "沙桥村", "B1", "李四", 2, "8,000"],
        ["五街镇", "五街村", "C1", "王五", 3, "6000.00"]], sheet="收入")
    h1 = write_csv(tmp_path / "收入2023上半年.csv", [
        ["南华县2023年上半年脱贫户收入监测表"], ["乡镇", "行政村", "户编号", "户主姓名", "家庭人口数", "人均纯收入（元）"],
        ["龙川镇", "龙川村", "A1", "张三", 4, 6000], ["沙桥镇", "沙桥村", "B1", "李四", 2, 4500],
        ["五街镇", "五街村", "C1", "王五", 3, 3000]], "gbk")
    load(url, y2022, y2021, h1)
    assert [(b[2], b[3]) for b in batches(path)] == [("income", "2022"), ("income", "2021"), ("income", "2023H1")]
    rows = q(path, """select b.period, t.name, i.household_key, i.households, i.people, i.per_capita_fen, i.total_fen, i.src_row
                      from income_record i join load_batch b on b.id = i.batch_id join township t on t.id = i.township_id
                      where b.period = '2022' order by i.src_row""")
    assert rows == [("2022", "龙川镇", "A1", 1, 4, 1_200_000, 4_800_000, 4),
                    ("2022", "沙桥镇", "B1", 1, 2, 900_050, 1_800_100, 5),
                    ("2022", "五街镇", "C1", 1, 3, 650_000, 1_950_000, 6)]
    inc = indicators(url)["income"]
    # 2022: 85,501.00 / 9 = 9,500.11; 2021: 74,000 / 9 = 8,222.22; +1,277.89 = +15.54 %
    assert inc == {"year": 2022, "per_capita": 9500.11, "previous": 8222.22, "change": 1277.89, "growth_pct": 15.54,
                   "under_7000_households": 1, "under_7000_people": 3, "under_10000_households": 2,
                   "under_10000_people": 5, "latest_period": "2023H1", "latest_per_capita": 4666.67,
                   "latest_change": None, "latest_growth_pct": None}


def test_income_household_total_must_match(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "收入.xlsx", {"收入": [
        ["南华县2022年度脱贫户收入监测表"], INCOME_HEAD, [1, "龙川镇", "龙川村", "A1", "张三", 4, 12000, 47000]]})
    proc = run_cli("etl", "load", f, "--db", url)
    assert proc.returncode == 1
    assert "第3行" in proc.stdout and "家庭纯收入与“人均纯收入×人口数”（48,000.00元）不符" in proc.stdout
    assert q(path, "select count(*) from load_batch") == [(0,)]


# ------------------------------------------------------------------------------ employment
EMP_MERGES = {"就业": [(2, 0, 3, 0, "乡镇"), (2, 1, 2, 3, "城镇新增就业"), (2, 4, 2, 6, "下岗失业人员再就业"),
                        (2, 7, 2, 9, "就业困难人员再就业")]}
EMP_TITLE = [["南华县2023年1-4月就业工作完成情况表"], ["单位：人、%"]]
EMP_HEAD = [["乡镇", "城镇新增就业", None, None, "下岗失业人员再就业", None, None, "就业困难人员再就业", None, None],
            [None, "目标任务", "完成数", "完成率", "目标任务", "完成数", "完成率", "目标任务", "完成数", "完成率"]]
EMP_BODY = [["龙川镇", 1000, 400, "40.00%", 500, 150, "30.00%", 300, 30, "10.00%"],
            ["沙桥镇", 500, 300, "60.00%", 300, 70, "23.33%", 200, 40, "20.00%"],
            ["全县合计", "1,500", 700, "46.67%", 800, 220, "27.50%", 500, 70, "14.00%"]]


def test_employment_wide(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "就业.xlsx", {"就业": EMP_TITLE + EMP_HEAD + EMP_BODY}, EMP_MERGES)
    load(url, f)
    rows = q(path, """select t.name, e.indicator, e.target, e.done, e.src_row from employment_result e
                      join township t on t.id = e.township_id order by e.src_row, e.id""")
    assert rows == [("龙川镇", "城镇新增就业", 1000, 400, 5), ("龙川镇", "下岗失业人员再就业", 500, 150, 5),
                    ("龙川镇", "就业困难人员再就业", 300, 30, 5), ("沙桥镇", "城镇新增就业", 500, 300, 6),
                    ("沙桥镇", "下岗失业人员再就业", 300, 70, 6), ("沙桥镇", "就业困难人员再就业", 200, 40, 6)]
    emp = indicators(url)["employment"]
    assert emp["period"] == "2023-04" and emp["time_progress_pct"] == 33.33
    assert [(i["name"], i["target"], i["done"], i["completion_pct"], i["status"]) for i in emp["indicators"]] == [
        ("城镇新增就业", 1500, 700, 46.67, "ahead"), ("下岗失业人员再就业", 800, 220, 27.5, "behind"),
        ("就业困难人员再就业", 500, 70, 14.0, "far_behind")]
    one = indicators(url, township="沙桥镇")["employment"]["indicators"]
    assert [(i["target"], i["done"]) for i in one] == [(500, 300), (300, 70), (200, 40)]


def test_employment_long(tmp_path, db):
    url, path = db
    county = write_xlsx(tmp_path / "就业长表.xlsx", {"就业": [
        ["南华县2023年1-2月就业目标任务完成情况"], ["指标", "任务数", "实际完成", "完成比例"],
        ["城镇新增就业", 3300, 861, "26.09%"], ["失业人员再就业", 1400, 162, "11.57%"], ["困难人员再就业", 1100, 96, "8.73%"]]})
    by_town = write_csv(tmp_path / "就业长表分乡镇.csv", [
        ["南华县2023年1-4月就业目标任务完成情况"], ["乡镇", "指标", "目标任务", "完成数", "完成率"],
        ["龙川镇", "城镇新增就业", 1000, 400, "40%"], ["沙桥镇", "城镇新增就业", 500, 300, "60%"],
        ["龙川镇", "就业困难人员再就业", 300, 30, "10%"], ["沙桥镇", "就业困难人员再就业", 200, 40, "20%"],
        ["全县合计", "城镇新增就业", 1500, 700, "46.67%"], ["全县合计", "就业困难人员再就业", 500, 70, "14.00%"]], "gbk")
    load(url, county, by_town)
    rows = q(path, """select b.period, t.name, e.indicator, e.target, e.done, e.src_row from employment_result e
                      join load_batch b on b.id = e.batch_id left join township t on t.id = e.township_id
                      order by b.period, e.src_row""")
    assert rows == [("2023-02", None, "城镇新增就业", 3300, 861, 3), ("2023-02", None, "下岗失业人员再就业", 1400, 162, 4),
                    ("2023-02", None, "就业困难人员再就业", 1100, 96, 5),
                    ("2023-04", "龙川镇", "城镇新增就业", 1000, 400, 3), ("2023-04", "沙桥镇", "城镇新增就业", 500, 300, 4),
                    ("2023-04", "龙川镇", "就业困难人员再就业", 300, 30, 5),
                    ("2023-04", "沙桥镇", "就业困难人员再就业", 200, 40, 6)]
    early = indicators(url, as_of="2023-02")["employment"]
    assert early["time_progress_pct"] == 16.67
    assert [(i["name"], i["completion_pct"], i["status"]) for i in early["indicators"]] == [
        ("城镇新增就业", 26.09, "ahead"), ("下岗失业人员再就业", 11.57, "behind"), ("就业困难人员再就业", 8.73, "behind")]
    late = indicators(url)["employment"]
    assert [(i["name"], i["target"], i["done"], i["status"]) for i in late["indicators"]] == [
        ("城镇新增就业", 1500, 700, "ahead"), ("就业困难人员再就业", 500, 70, "far_behind")]


def test_welfare_posts(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "公益性岗位.xlsx", {"公益性岗位": [
        ["南华县2023年1-4月城镇公益性岗位使用情况表"], ["乡镇", "公益性岗位数（个）", "岗位补贴金额（万元）", "社保补贴（万元）"],
        ["龙川镇", 200, "103.5", "65.95"], ["沙桥镇", "１９７", 100, 64], ["全县合计", 397, 203.5, "129.95"]]})
    load(url, f)
    assert q(path, """select t.name, w.posts, w.post_subsidy_fen, w.insurance_subsidy_fen, w.src_row from welfare_post w
                      join township t on t.id = w.township_id order by w.src_row""") == [
        ("龙川镇", 200, 103_500_000, 65_950_000, 3), ("沙桥镇", 197, 100_000_000, 64_000_000, 4)]
    assert indicators(url)["employment"]["welfare_posts"] == {"period": "2023-04", "posts": 397, "post_subsidy_wan": 203.5,
                                                               "insurance_subsidy_wan": 129.95}


# ------------------------------------------------------------------------------ assistance
ASSIST_MERGES = {"社会救助": [(2, 0, 3, 0, "乡镇"), (2, 1, 2, 2, "城市低保"), (2, 3, 2, 4, "农村最低生活保障"),
                              (2, 5, 2, 6, "特困人员供养")]}


def test_assistance_wide(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "社会救助.xlsx", {"社会救助": [
        ["南华县2023年1-6月社会救助发放情况表"], ["单位：人次、万元"],
        ["乡镇", "城市低保", None, "农村最低生活保障", None, "特困人员供养", None],
        [None, "人次", "金额", "人次", "金额", "人次", "金额"],
        ["龙川镇", 100, "4.5", 2000, "55.25", 150, 15], ["沙桥镇", 58, 2.78, "1,500", 40, 100, "10.38"],
        ["全县合计", 158, "7.28", 3500, "95.25", 250, "25.38"], [], ["注：人次、金额均为年初至本月累计。"]]}, ASSIST_MERGES)
    load(url, f)
    rows = q(path, """select t.name, a.type, a.person_times, a.amount_fen, a.src_row from assistance_payment a
                      join township t on t.id = a.township_id order by a.src_row, a.id""")
    assert rows == [("龙川镇", "城市低保", 100, 4_500_000, 5), ("龙川镇", "农村低保", 2000, 55_250_000, 5),
                    ("龙川镇", "特困供养", 150, 15_000_000, 5), ("沙桥镇", "城市低保", 58, 2_780_000, 6),
                    ("沙桥镇", "农村低保", 1500, 40_000_000, 6), ("沙桥镇", "特困供养", 100, 10_380_000, 6)]
    a = indicators(url)["assistance"]
    assert a["period"] == "2023-06"
    assert [(t["name"], t["person_times"], t["amount_wan"], t["amount_fen"]) for t in a["types"]] == [
        ("城市低保", 158, 7.28, 7_280_000), ("农村低保", 3500, 95.25, 95_250_000), ("特困供养", 250, 25.38, 25_380_000)]


def test_assistance_long_csv(tmp_path, db):
    url, path = db
    f = write_csv(tmp_path / "南华县2023年1-2月社会救助发放情况表.csv", [
        ["南华县2023年1-2月社会救助发放情况表"], ["乡镇", "救助类别", "人次", "金额（元）"],
        ["龙川镇", "城市低保", 20, "9,760.50"], ["龙川镇", "临时救助", 3, 1200], ["沙桥镇", "城镇低保", 10, 4000],
        ["沙桥镇", "两项补贴", 50, "5,000"], ["注：年初至本月累计"]], "gbk")
    load(url, f)
    rows = q(path, """select t.name, a.type, a.person_times, a.amount_fen, a.src_row from assistance_payment a
                      join township t on t.id = a.township_id order by a.src_row""")
    assert rows == [("龙川镇", "城市低保", 20, 976_050, 3), ("龙川镇", "临时救助", 3, 120_000, 4),
                    ("沙桥镇", "城市低保", 10, 400_000, 5), ("沙桥镇", "残疾人两项补贴", 50, 500_000, 6)]
    a = indicators(url)["assistance"]
    assert a["period"] == "2023-02"
    assert [(t["name"], t["person_times"], t["amount_wan"], t["amount_fen"]) for t in a["types"]] == [
        ("城市低保", 30, 1.38, 1_376_050), ("临时救助", 3, 0.12, 120_000), ("残疾人两项补贴", 50, 0.5, 500_000)]


def test_platform(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "受理台账.xlsx", {"受理台账": [
        ["南华县政府救助平台受理台账（截至2023年6月）"],
        ["序号", "受理编号", "乡镇", "申请人", "申请事项", "受理日期", "办结日期", "办理状态"],
        [1, "NH2022-0999", "龙川镇", "张三", "临时救助", "2022-12-20", "2023-01-05", "已办结"],
        [2, "NH2023-0001", "龙川镇", "李四", "临时救助", "2023-01-10", "2023/1/20", "已办结"],
        [3, "NH2023-0002", "沙桥镇", "王五", "医疗救助", "2023/3/1", None, "办理中"],
        [4, "NH2023-0003", "五街镇", "赵六", "教育救助", 45000, "20230630", "已办结"]]})
    load(url, f)
    rows = q(path, """select p.case_no, t.name, p.matter, p.received_on, p.closed_on, p.src_row from platform_case p
                      join township t on t.id = p.township_id order by p.src_row""")
    assert rows == [("NH2022-0999", "龙川镇", "临时救助", "2022-12-20", "2023-01-05", 3),
                    ("NH2023-0001", "龙川镇", "临时救助", "2023-01-10", "2023-01-20", 4),
                    ("NH2023-0002", "沙桥镇", "医疗救助", "2023-03-01", None, 5),
                    ("NH2023-0003", "五街镇", "教育救助", "2023-03-15", "2023-06-30", 6)]
    # received in 2023 up to June: 3; of those closed by the end of June: 2
    assert indicators(url)["assistance"]["platform"] == {"period": "2023-06", "received": 3, "closed": 2,
                                                         "closure_rate_pct": 66.67}


def test_projects_with_integrated_flag(tmp_path, db):
    url, path = db
    head = ["序号", "项目名称", "乡镇", "行政村", "项目类别", "建设内容", "总投资（万元）", "资金来源", "年度", "是否纳入统筹整合",
            "实施状态"]
    f = write_xlsx(tmp_path / "项目库.xlsx", {"项目库": [
        ["南华县巩固拓展脱贫攻坚成果和乡村振兴项目库（截至2023年6月）"], ["单位：万元"], head,
        [1, "大村肉牛养殖小区建设项目", "龙川镇", "大村", "产业发展类", "新建圈舍", 500, "衔接资金", 2023, "是", "在建"],
        [2, "沙桥村道路硬化项目", "沙桥镇", "沙桥村", "基础设施类", "硬化道路2公里", "300.5", "衔接资金", 2023, "否", "已完工"],
        [3, "五街村食用菌大棚项目", "五街镇", "五街村", "产业发展类", "新建大棚", "1,199.5", "整合资金", 2022, "是", "已完工"],
        [4, "小河村人居环境整治项目", "龙川镇", "小河村", "乡村建设", "垃圾收集房", 100, "衔接资金", 2023, "是", "未开工"],
        ["合计", None, None, None, None, None, "2,100", None, None, None, None],
        [], ["填报单位：南华县乡村振兴局"]]})
    load(url, f)
    rows = q(path, """select p.name, t.name, v.name, p.category, p.investment_fen, p.year, p.integrated, p.status, p.src_row
                      from project p join township t on t.id = p.township_id left join village v on v.id = p.village_id
                      order by p.src_row""")
    # 产业发展类 is stored by its canonical name in vocab/project_types.csv
    assert rows == [("大村肉牛养殖小区建设项目", "龙川镇", "大村", "产业发展", 500_000_000, 2023, 1, "在建", 4),
                    ("沙桥村道路硬化项目", "沙桥镇", "沙桥村", "基础设施类", 300_500_000, 2023, 0, "已完工", 5),
                    ("五街村食用菌大棚项目", "五街镇", "五街村", "产业发展", 1_199_500_000, 2022, 1, "已完工", 6),
                    ("小河村人居环境整治项目", "龙川镇", "小河村", "乡村建设行动", 100_000_000, 2023, 1, "未开工", 7)]
    p = indicators(url)["projects"]
    assert p["period"] == "2023-06"
    assert p["library"] == {"count": 4, "investment_wan": 2100, "industrial_count": 2, "industrial_investment_wan": 1699.5,
                            "industrial_share_pct": 80.93, "industrial_count_share_pct": 50.0}
    assert p["integrated"] == {"count": 3, "investment_wan": 1799.5, "industrial_count": 2,
                               "industrial_investment_wan": 1699.5, "industrial_share_pct": 94.44,
                               "industrial_count_share_pct": 66.67}
    town = indicators(url, township="龙川镇")["projects"]["library"]
    assert (town["count"], town["investment_wan"], town["industrial_investment_wan"]) == (2, 600, 500)


# ------------------------------------------------------------------------- work, industry
def test_work_ledger(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "台账.xlsx", {"工作台账": [
        ["南华县2023年1-4月防止返贫监测帮扶工作台账"],
        ["乡镇", "推送预警线索（条）", "核实预警线索（条）", "驻村帮扶干部（人）", "结对帮扶干部（人）", "结对帮扶户（户）"],
        ["龙川镇", 100, 98, 10, 150, 300], ["沙桥镇", 50, 49, 6, 90, "200"], ["全县合计", 150, 147, 16, 240, 500]]})
    load(url, f)
    rows = q(path, """select t.name, w.item, w.unit, w.value_c, w.src_row from work_record w
                      join township t on t.id = w.township_id where t.name = '沙桥镇' order by w.id""")
    assert rows == [("沙桥镇", "warning_leads", "条", 5000, 4), ("沙桥镇", "verified_leads", "条", 4900, 4),
                    ("沙桥镇", "stationed_cadres", "人", 600, 4), ("沙桥镇", "pairing_cadres", "人", 9000, 4),
                    ("沙桥镇", "paired_households", "户", 20000, 4)]
    assert q(path, "select count(*) from work_record") == [(10,)]
    assert indicators(url)["work"] == {"period": "2023-04", "warning_leads": 150, "verified_leads": 147,
                                       "stationed_cadres": 16, "pairing_cadres": 240, "paired_households": 500}
    assert indicators(url, township="龙川镇")["work"]["paired_households"] == 300


def test_industry_units_in_cells(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "产业.xlsx", {"产业发展": [
        ["南华县2023年1-6月产业发展和金融支持情况"], ["类别", "项目", "单位", "完成量"],
        ["产业种植", "巨菌草", "万亩", "1.2万亩"], ["产业种植", "有机蔬菜", "亩", 980], ["产业种植", "荷包豆", "亩", "3,800亩"],
        ["金融支持", "肉牛贷款", "亿元", "1.02亿元"], ["金融支持", "产业贷款", "万元", "350"],
        [], ["注：单元格内注明单位的，以单元格为准。"]]})
    load(url, f)
    rows = q(path, "select township_id, item, category, label, unit, value_c, src_row from work_record order by src_row")
    assert rows == [(None, "industry_area", "产业种植", "巨菌草", "亩", 1_200_000, 3),
                    (None, "industry_area", "产业种植", "有机蔬菜", "亩", 98_000, 4),
                    (None, "industry_area", "产业种植", "荷包豆", "亩", 380_000, 5),
                    (None, "loan", "金融支持", "肉牛贷款", "元", 10_200_000_000, 6),
                    (None, "loan", "金融支持", "产业贷款", "元", 350_000_000, 7)]
    ind = indicators(url)["industry"]
    assert ind == {"period": "2023-06",
                   "items": [{"name": "巨菌草", "category": "产业种植", "area_mu": 12000},
                             {"name": "有机蔬菜", "category": "产业种植", "area_mu": 980},
                             {"name": "荷包豆", "category": "产业种植", "area_mu": 3800}],
                   "loans": [{"name": "肉牛贷款", "amount_wan": 10200.0}, {"name": "产业贷款", "amount_wan": 350.0}],
                   "cattle_loans_wan": 10200.0}


# --------------------------------------------------------------------- kind and period
def _work(title):
    return [[title], ["乡镇", "推送预警线索", "驻村帮扶干部"], ["龙川镇", 10, 2], ["沙桥镇", 5, 1]]


def _income(title):
    return [[title], ["乡镇", "户编号", "家庭人口数", "人均纯收入"], ["龙川镇", "A1", 3, 9000], ["沙桥镇", "B1", 2, 8000]]


def test_period_from_title_and_file_name(tmp_path, db):
    url, path = db
    files = [
        write_xlsx(tmp_path / "a.xlsx", {"台账": _work("南华县2023年1-4月监测帮扶工作台账")}),
        write_xlsx(tmp_path / "b.xlsx", {"名单": roster_rows("南华县防返贫监测对象名单（截至2023年6月）")}),
        write_xlsx(tmp_path / "c.xlsx", {"收入": _income("南华县2022年度脱贫户收入监测表")}),
        write_xlsx(tmp_path / "d.xlsx", {"收入": _income("南华县2023年上半年脱贫户收入监测表")}),
        write_xlsx(tmp_path / "e.xlsx", {"收入": _income("南华县2021年1-6月脱贫户收入")}),
        write_xlsx(tmp_path / "就业_2022年度.xlsx", {"就业": [["南华县就业工作完成情况"], ["指标", "目标任务", "完成数"],
                                                              ["城镇新增就业", 100, 120]]}),
        write_xlsx(tmp_path / "项目库_2023-02.xlsx", {"项目库": [["南华县项目库"], ["项目名称", "乡镇", "项目类别", "总投资"],
                                                                  ["甲项目", "龙川镇", "产业发展类", 100]]}),
        write_csv(tmp_path / "南华县2023年1-2月社会救助.csv", [["南华县社会救助发放情况"], ["乡镇", "救助类别", "人次", "金额"],
                                                              ["龙川镇", "临时救助", 2, 300]], "gbk"),
    ]
    load(url, *files)
    got = {(b[0], b[2], b[3]) for b in batches(path)}
    assert got == {("a.xlsx", "work", "2023-04"), ("b.xlsx", "monitoring", "2023-06"), ("c.xlsx", "income", "2022"),
                   ("d.xlsx", "income", "2023H1"), ("e.xlsx", "income", "2021H1"), ("就业_2022年度.xlsx", "employment", "2022-12"),
                   ("项目库_2023-02.xlsx", "projects", "2023-02"), ("南华县2023年1-2月社会救助.csv", "assistance", "2023-02")}
    assert q(path, "select period, period_end from load_batch where kind = 'income' order by id") == [
        ("2022", "2022-12"), ("2023H1", "2023-06"), ("2021H1", "2021-06")]


def test_period_given_on_the_command_line(tmp_path, db):
    url, path = db
    work = write_xlsx(tmp_path / "台账2023年1-4月.xlsx", {"台账": _work("南华县2023年1-4月监测帮扶工作台账")})
    load(url, work, extra=("--period", "2023-02"))
    income = write_xlsx(tmp_path / "收入.xlsx", {"收入": _income("南华县2022年度脱贫户收入监测表")})
    load(url, income, extra=("--period", "2023年上半年"))
    other = write_xlsx(tmp_path / "台账（无期）.xlsx", {"台账": _work("南华县监测帮扶工作台账")})
    load(url, other, extra=("--period", "2023年1-6月"))
    assert [(b[0], b[2], b[3]) for b in batches(path)] == [("台账2023年1-4月.xlsx", "work", "2023-02"),
                                                           ("收入.xlsx", "income", "2023H1"),
                                                           ("台账（无期）.xlsx", "work", "2023-06")]
    assert indicators(url, as_of="2023-02")["work"]["warning_leads"] == 15
    bad = run_cli("etl", "load", other, "--db", url, "--period", "上个月")
    assert bad.returncode == 1 and "无法识别的统计期“上个月”" in bad.stdout


def test_no_period_anywhere_is_an_error(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "台账.xlsx", {"台账": _work("南华县监测帮扶工作台账")})
    proc = run_cli("etl", "load", f, "--db", url)
    assert proc.returncode == 1
    assert "台账.xlsx" in proc.stdout and "无法确定统计期" in proc.stdout and "--period" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    assert q(path, "select count(*) from load_batch") == [(0,)]


def test_income_period_must_be_a_year_half_or_quarter(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "收入.xlsx", {"收入": _income("南华县2023年1-4月脱贫户收入")})
    proc = run_cli("etl", "load", f, "--db", url)
    assert proc.returncode == 1 and "收入数据的统计期应为年度、半年或季度，而不是2023年4月" in proc.stdout


def test_kind_forced(tmp_path, db):
    url, path = db
    emp = [["南华县2023年1-4月就业"], ["乡镇", "指标", "目标任务", "完成数"], ["龙川镇", "城镇新增就业", 100, 40]]
    posts = [["南华县2023年1-4月城镇公益性岗位"], ["乡镇", "城镇公益性岗位（个）", "岗位补贴（万元）", "社会保险补贴（万元）"],
             ["龙川镇", 10, "2.5", "1.25"]]
    f = write_xlsx(tmp_path / "就业.xlsx", {"就业": emp, "公益性岗位": posts})
    out = load(url, f, extra=("--kind", "welfare_posts")).stdout
    assert "未识别的工作表已跳过：就业" in out
    assert [(b[1], b[2]) for b in batches(path)] == [("公益性岗位", "welfare_posts")]
    assert q(path, "select count(*) from employment_result") == [(0,)]

    url2 = f"sqlite:///{tmp_path / 'two.db'}"
    load(url2, f, extra=("--kind", "employment"))   # a module: both its sheet kinds
    assert [(b[1], b[2]) for b in batches(tmp_path / "two.db")] == [("就业", "employment"), ("公益性岗位", "welfare_posts")]

    wrong = run_cli("etl", "load", f, "--db", url, "--kind", "platform")
    assert wrong.returncode == 1 and "没有找到可识别的表头" in wrong.stdout and "政府救助平台受理台账" in wrong.stdout
    unknown = run_cli("etl", "load", f, "--db", url, "--kind", "就业")
    assert unknown.returncode == 1 and "未知的数据类型“就业”" in unknown.stdout
    assert len(batches(path)) == 1
