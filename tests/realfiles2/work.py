"""Work ledgers."""
from __future__ import annotations

import random
from pathlib import Path

from ._common import NANHUA_TOWNSHIPS, Fixture, Sheet, split_int, write_xlsx


def build_work_ledger_grouped(d: Path) -> Fixture:
    """Item rows grouped under bold category rows that have only their first cell (`一、监测预警`), values with
    the unit in the cell (`6567条`, `228名`, `1.2万亩`, `1.02亿元`), and an item whose cell holds two counts."""
    rows = [["南华县2023年1-6月防止返贫监测帮扶工作台账"],
            ["序号", "工作内容", "完成情况", "备注"],
            ["一、监测预警"],
            [1, "推送预警线索", "6567条", "省级平台推送"],
            [2, "核实预警线索", "6498条", None],
            [3, "新识别纳入监测对象", "9户35人", "当年新识别"],
            ["二、帮扶力量"],
            [1, "驻村第一书记和工作队员", "228名", None],
            [2, "挂联帮扶干部", "3,585名", None],
            [3, "结对帮扶脱贫户和监测对象户", "7575户", None],
            ["三、产业发展"],
            [1, "有机蔬菜（土地流转）", "980亩", None],
            [2, "蔬菜、热带水果（低热河谷）", "5000亩", None],
            [3, "人工食用菌", "3020亩", None],
            [4, "巨菌草", "1.2万亩", None],
            [5, "荷包豆", "3800亩", None],
            ["四、金融支持"],
            [1, "肉牛贷款", "1.02亿元", "“肉牛贷”产品"],
            [],
            ["填报单位：南华县乡村振兴局", None, "填报日期：2023年6月30日"]]
    bold = [i for i, r in enumerate(rows) if len(r) == 1 and r[0].startswith(("一", "二", "三", "四"))]
    f = write_xlsx(d / "南华县2023年1-6月防止返贫监测帮扶工作台账.xlsx",
                   {"工作台账": Sheet(rows, merges=[(0, 0, 0, 3)], bold_rows=bold + [1])})
    exp = {"work.period": "2023-06", "work.warning_leads": 6567, "work.verified_leads": 6498,
           "work.stationed_cadres": 228, "work.pairing_cadres": 3585, "work.paired_households": 7575,
           "industry.period": "2023-06", "industry[有机蔬菜].area_mu": 980, "industry[热带水果].area_mu": 5000,
           "industry[人工食用菌].area_mu": 3020, "industry[巨菌草].area_mu": 12000, "industry[荷包豆].area_mu": 3800,
           "industry.cattle_loans_wan": 10200}
    return Fixture([f], exp, (
        "序号 | 工作内容 | 完成情况 | 备注; bold group rows with only the first cell (`一、监测预警`, `二、帮扶力量`, "
        "`三、产业发展`, `四、金融支持`), 序号 restarting at 1 in each group; item names in their long official form "
        "(`驻村第一书记和工作队员`, `挂联帮扶干部`, `结对帮扶脱贫户和监测对象户`); units in the cells (`6567条`, `3,585名`, "
        "`1.2万亩`, `1.02亿元`); one item `新识别纳入监测对象 | 9户35人` that is none of the work items (must not refuse "
        "the file). Expected the article's 6567 / 228 / 3585 / 7575, industry 980 / 5000 / 3020 / 12000 / 3800 亩, "
        "cattle loans 10200 万元."))


def build_work_township_wide(d: Path) -> Fixture:
    """Township rows × work items named as clerks name them, 全县 row first, a unit line, thousands separators."""
    rng = random.Random(51)
    totals = {"推送预警信息": 4210, "已核实预警线索": 4102, "驻村工作队员": 226, "挂包干部": 3560, "挂包户数": 7498}
    split = {k: split_int(v, 10, rng) for k, v in totals.items()}
    header = ["乡镇", "推送预警信息", "已核实预警线索", "驻村工作队员", "挂包干部", "挂包户数", "备注"]
    rows = [["南华县2023年1-4月防返贫监测帮扶工作情况统计表"], ["单位：条、名、户"], header,
            ["全县"] + [f"{v:,}" for v in totals.values()] + [None]]
    for i, tw in enumerate(NANHUA_TOWNSHIPS):
        rows.append([tw] + [f"{split[k][i]:,}" for k in totals] + [None])
    rows.append(["说明：预警线索为省防返贫监测平台推送数。"])
    f = write_xlsx(d / "监测帮扶工作情况统计表（1-4月）.xlsx", {"Sheet1": Sheet(rows)})
    exp = {"work.period": "2023-04", "work.warning_leads": 4210, "work.verified_leads": 4102,
           "work.stationed_cadres": 226, "work.pairing_cadres": 3560, "work.paired_households": 7498,
           "by_township": {"沙桥镇": {"work.warning_leads": split["推送预警信息"][1],
                                      "work.paired_households": split["挂包户数"][1]}}}
    return Fixture([f], exp, (
        "township rows, item columns named `推送预警信息`, `已核实预警线索`, `驻村工作队员`, `挂包干部`, `挂包户数` (all "
        "listed variants), 全县 row first, `单位：条、名、户` line, numbers with thousands separators as text. Expected "
        f"2023-04: 4210 / 4102 / 226 / 3560 / 7498; 沙桥镇 {split['推送预警信息'][1]} leads, "
        f"{split['挂包户数'][1]} paired households."))
