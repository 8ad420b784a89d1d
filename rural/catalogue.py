"""The indicator catalogue: every indicator's name, 口径, unit, source and formula, written once.

Shown beside each chart in the app and reused by the briefing; a test checks every indicator
function has an entry.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    definition: str   # 口径
    unit: str
    source: str
    formula: str


CATALOGUE = {i.key: i for i in (
    Indicator("elimination_rate", "风险消除率",
              "截至统计时点，累计纳入的“三类对象”中风险已消除的人数（户数）占累计纳入人数（户数）的比例；以人数口径为主。",
              "%", "监测对象名单（防返贫监测系统导出）", "风险已消除人数 ÷ 累计纳入人数 × 100"),
    Indicator("monitored", "累计纳入监测对象", "截至统计时点，监测对象名单中的户数和人数（含已消除风险的）。",
              "户、人", "监测对象名单", "名单户数；人数为各户家庭人口数之和"),
    Indicator("new_identified", "新识别纳入", "识别监测时间在统计年度1月1日至统计时点之间的户数和人数。",
              "户、人", "监测对象名单", "按识别监测时间计数"),
    Indicator("warning_leads", "推送预警线索", "统计年度1月至统计时点累计推送的预警线索条数。", "条", "监测帮扶工作台账", "各乡镇之和"),
    Indicator("cadres", "驻村和结对帮扶", "驻村帮扶干部人数、结对帮扶干部人数和结对帮扶户数（脱贫户和监测对象户）。",
              "人、户", "监测帮扶工作台账", "各乡镇之和"),
    Indicator("per_capita_income", "脱贫人口人均纯收入",
              "收入监测范围内脱贫户家庭纯收入之和除以人口之和；同比为与上年同期相比的增加额和增幅。",
              "元", "脱贫人口收入监测明细", "Σ(人均纯收入 × 家庭人口数) ÷ Σ家庭人口数"),
    Indicator("income_bands", "低收入户分档", "年度人均纯收入低于分档线（设置，默认7000元、10000元）的户数和人数。",
              "户、人", "脱贫人口收入监测明细", "按人均纯收入计数"),
    Indicator("employment_completion", "就业目标任务完成率",
              "年初至统计月累计完成数占全年目标任务的比例，与时序进度（已过月数 ÷ 12）比较：不低于时序进度为“超序时”，"
              "低于为“滞后”，低于超过设定百分点（默认10个）为“严重滞后”。",
              "%", "就业目标任务完成情况表（人社局）", "完成数 ÷ 目标任务 × 100"),
    Indicator("welfare_posts", "城镇公益性岗位", "年初至统计月使用的城镇公益性岗位数，发放的岗位补贴和社会保险补贴。",
              "个、万元", "城镇公益性岗位表（人社局）", "各乡镇之和"),
    Indicator("industrial_share", "产业类项目投资占比",
              "项目库（或统筹整合资金规划）中产业发展类项目的投资额占全部项目投资额的比例；政策要求衔接资金用于产业发展的比例不低于60%（参考线）。",
              "%", "巩固拓展脱贫攻坚成果和乡村振兴项目库", "产业类项目投资 ÷ 全部项目投资 × 100"),
    Indicator("assistance", "社会救助发放", "年初至统计月累计发放的人次和金额，按救助类别。", "人次、万元",
              "社会救助发放情况表（民政局、残联）", "各乡镇之和"),
    Indicator("platform_closure", "救助平台办结率", "统计年度内受理的政府救助平台申请事项中，截至统计时点已办结的比例。",
              "%", "政府救助平台受理台账", "办结件数 ÷ 受理件数 × 100"),
    Indicator("industry", "产业发展和金融支持", "年初至统计月完成的产业种植面积和发放的产业贷款。", "亩、万元",
              "产业发展和金融支持表", "按项目列示"),
)}


def entry(key: str) -> Indicator:
    return CATALOGUE[key]
