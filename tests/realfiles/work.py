"""The bureau's own work ledger (工作台账): item rows with the unit in the cell or in a 单位 column."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ._common import D, Fixture, Sheet, save_openpyxl, save_xls

# (类别, 工作事项, cell text, summary path or None, expected value)
LEDGER_2023_06 = [
    ("监测预警", "推送预警线索", "5,312条", "work.warning_leads", 5312),
    ("监测预警", "核实预警线索", "5,298条", "work.verified_leads", 5298),
    ("监测预警", "新识别纳入监测户数", "11户", None, None),
    ("监测预警", "新识别纳入监测人数", "38人", None, None),
    ("队伍建设", "驻村帮扶干部", "231人", "work.stationed_cadres", 231),
    ("队伍建设", "结对帮扶干部", "3,602人", "work.pairing_cadres", 3602),
    ("队伍建设", "结对帮扶户（脱贫户和监测对象户）", "7,618户", "work.paired_households", 7618),
    ("产业发展", "巨菌草种植", "1.2万亩", "industry[巨菌草].area_mu", 12000),
    ("产业发展", "人工食用菌", "3,150亩", "industry[人工食用菌].area_mu", 3150),
    ("产业发展", "荷包豆种植", "3,650亩", "industry[荷包豆].area_mu", 3650),
    ("产业发展", "有机蔬菜（土地流转）", "1,020亩", "industry[有机蔬菜].area_mu", 1020),
    ("金融支持", "肉牛贷款", "0.23亿元", "industry.cattle_loans_wan", 2300.0),
    ("金融支持", "脱贫人口小额信贷", "5,680万元", None, None),
]


def _ledger_rows(title, items, override=None):
    rows = [[title], ["序号", "类别", "工作事项", "数量", "备注"]]
    for i, (cat, item, text, *_r) in enumerate(items, 1):
        if override and item == override[0]:
            text = override[1]
        rows.append([i, cat, item, text, "年初至6月末累计" if cat == "产业发展" else None])
    rows += [[], ["填报单位：南华县乡村振兴局", None, "填表人：段海波", None, "审核人：陆德学"]]
    return rows


def build_work_ledger_units_in_cells(d: Path) -> Fixture:
    rows = _ledger_rows("南华县2023年1-6月防返贫监测帮扶工作台账", LEDGER_2023_06)
    f = save_openpyxl(d / "南华县2023年1-6月防返贫监测帮扶工作台账.xlsx", [Sheet("台账", rows, [(0, 0, 0, 4)])])
    exp = {"work.period": "2023-06", "industry.period": "2023-06"}
    exp.update({p: v for *_x, p, v in LEDGER_2023_06 if p})
    return Fixture([f], exp, (
        "类别 | 工作事项 | 数量 with the unit in the cell (`5,312条`, `231人`, `1.2万亩` = 12,000 亩, `0.23亿元` = "
        "2,300 万元, `7,618户`), period in the title (1-6月). Work and industry items in one sheet. Also items the "
        "summary does not show (新识别纳入监测户数/人数, 脱贫人口小额信贷 5,680万元) — to be accepted, not refused; "
        "the 小额信贷 is not a cattle loan (cattle_loans_wan = 肉牛贷款 only)."), rows={f.name: len(LEDGER_2023_06)})


LEDGER_2023_04 = [  # (类别, 工作事项, 单位, 数量 text, summary path, value)
    ("监测预警", "推送预警线索", "条", "4,106", "work.warning_leads", 4106),
    ("监测预警", "核实预警线索", "条", "4,090", "work.verified_leads", 4090),
    (None, None, None, None, None, None),
    ("队伍建设", "驻村帮扶干部", "人", "229", "work.stationed_cadres", 229),
    ("队伍建设", "结对帮扶干部", "人", "3,590", "work.pairing_cadres", 3590),
    ("队伍建设", "结对帮扶户", "户", "7,601", "work.paired_households", 7601),
    (None, None, None, None, None, None),
    ("产业发展", "巨菌草", "万亩", "0.9", "industry[巨菌草].area_mu", 9000),
    ("产业发展", "荷包豆", "亩", "3,200", "industry[荷包豆].area_mu", 3200),
    ("金融支持", "肉牛贷款", "万元", "7,800", "industry.cattle_loans_wan", 7800.0),
]


def build_work_ledger_unit_column_xls(d: Path) -> Fixture:
    rows = [["南华县2023年1-4月巩固拓展脱贫攻坚成果工作台账"], ["序号", "类别", "工作事项", "单位", "数量", "备注"]]
    i = 0
    for cat, item, unit, text, *_r in LEDGER_2023_04:
        if cat is None:
            rows.append([])
            continue
        i += 1
        rows.append([i, cat, item, unit, text, None])
    rows += [[], ["注：数量为2023年1月1日至4月30日累计。"]]
    f = save_xls(d / "南华县2023年1-4月巩固拓展脱贫攻坚成果工作台账.xls", [Sheet("Sheet1", rows, [(0, 0, 0, 5)])])
    exp = {"work.period": "2023-04", "industry.period": "2023-04"}
    exp.update({p: v for *_x, p, v in LEDGER_2023_04 if p})
    return Fixture([f], exp, (
        "Legacy .xls ledger with a 单位 column (条 / 人 / 户 / 万亩 / 亩 / 万元) and numbers as text with thousands "
        "separators, blank rows between the groups; 巨菌草 0.9 万亩 = 9,000 亩; period 1-4月 from the title."),
        rows={f.name: 8})


def build_work_ledger_unit_contradiction(d: Path) -> Fixture:
    rows = _ledger_rows("南华县2023年1-6月防返贫监测帮扶工作台账", LEDGER_2023_06, override=("推送预警线索", "6,567户"))
    f = save_openpyxl(d / "南华县2023年1-6月防返贫监测帮扶工作台账（有误）.xlsx", [Sheet("台账", rows, [(0, 0, 0, 4)])])
    return Fixture([f], {"refused": True, "message_contains": [f.name, "推送预警线索", "6,567户", "D3"]}, (
        "The 1-6月 ledger with 推送预警线索 written `6,567户` (cell D3): leads are counted in 条, not households. Must "
        "be refused with a message naming the cell (D3 / 第3行), the item and the value; nothing loaded."),
        rows={f.name: len(LEDGER_2023_06)})
