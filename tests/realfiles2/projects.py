"""Project library and integrated-funds plan."""
from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from ._common import NANHUA, Fixture, Sheet, rate, write_xlsx

D0 = Decimal(0)


def _wan(rng: random.Random, lo: int, hi: int) -> Decimal:
    return Decimal(rng.randrange(lo * 10, hi * 10)) / 10


def _set_exp(prefix: str, projects: list[dict], industrial) -> dict:
    inv = sum((p["inv"] for p in projects), D0)
    ind = [p for p in projects if industrial(p)]
    ind_inv = sum((p["inv"] for p in ind), D0)
    return {f"{prefix}.count": len(projects), f"{prefix}.investment_wan": float(inv),
            f"{prefix}.industrial_count": len(ind), f"{prefix}.industrial_investment_wan": float(ind_inv),
            f"{prefix}.industrial_share_pct": rate(ind_inv, inv),
            f"{prefix}.industrial_count_share_pct": rate(len(ind), len(projects))}


LIB = [
    ("产业发展类项目", "龙川镇", "大村", "高原特色蔬菜种植基地建设项目", "新建标准化蔬菜大棚120亩及配套灌溉设施"),
    ("产业发展类项目", "沙桥镇", "天申堂村", "肉牛养殖小区建设项目", "新建标准化牛舍2400平方米，购置饲草料加工设备"),
    ("产业发展类项目", "五街镇", "咪黑们村", "核桃提质增效项目", "核桃低效林改造3000亩"),
    ("产业发展类项目", "红土坡镇", "马鞍山村", "野生菌交易市场建设项目", "新建交易大棚1200平方米及冷链设施"),
    ("产业发展类项目", "马街镇", "拉务村", "巨菌草种植及加工项目", "种植巨菌草800亩，建设青贮池"),
    ("产业发展类项目", "兔街镇", "干海资村", "荷包豆种植示范项目", "荷包豆种植示范1000亩"),
    ("产业发展类项目", "雨露白族乡", "大中村", "人工食用菌种植大棚项目", "新建食用菌大棚60个"),
    ("产业发展类项目", "一街乡", "大水井村", "热带水果种植项目", "种植芒果、火龙果500亩"),
    ("产业发展类项目", "罗武庄乡", "三街村", "生猪养殖场改扩建项目", "改扩建猪舍1800平方米"),
    ("乡村建设行动类项目", "龙川镇", "岔河村", "村内道路硬化项目", "硬化村内道路3.2公里"),
    ("乡村建设行动类项目", "沙桥镇", "五里坡村", "人居环境提升项目", "建设公厕2座、垃圾收集点8个"),
    ("乡村建设行动类项目", "五顶山乡", "小古村", "农村饮水安全巩固提升项目", "新建蓄水池2座，铺设管网6.5公里"),
    ("乡村建设行动类项目", "兔街镇", "兔街村", "产业路建设项目", "新建产业路4.1公里"),
    ("乡村建设行动类项目", "红土坡镇", "红土坡村", "村庄亮化项目", "安装太阳能路灯150盏"),
    ("就业类项目", "全县", None, "脱贫劳动力外出务工交通补助项目", "对跨省务工脱贫劳动力给予一次性交通补助"),
    ("就业类项目", "龙川镇", "新华村", "帮扶车间建设项目", "新建帮扶车间1200平方米"),
    ("巩固三保障成果类项目", "马街镇", "马街村", "农村危房改造项目", "改造C、D级危房35户"),
    ("巩固三保障成果类项目", "一街乡", "一街村", "雨露计划职业教育补助项目", "补助中高职在校生210人"),
    ("易地搬迁后扶类项目", "五街镇", "五街村", "易地搬迁安置点配套设施项目", "完善安置点供排水及活动场所"),
    ("项目管理费", "县直", None, "2024年度项目管理费", "项目前期设计、评审、招标、监理、验收等"),
]


def build_project_library_split_funds(d: Path) -> Fixture:
    """A 2024 library: `产业发展类项目`-style category values, investment split 衔接资金 | 其他资金 | 合计 under a
    merged 计划投资（万元）, the 合计 row at the top, 实施地点 written `龙川镇/大村` in one column."""
    rng = random.Random(41)
    projects = []
    for i, (cat, tw, vi, name, content) in enumerate(LIB):
        link = _wan(rng, 60, 900) if cat != "项目管理费" else Decimal("85.0")
        other = _wan(rng, 0, 300) if cat.startswith("产业") or i % 4 == 0 else D0
        projects.append({"cat": cat, "tw": tw, "vi": vi, "name": name, "content": content, "link": link,
                         "other": other, "inv": link + other, "integrated": i % 3 != 2,
                         "households": rng.randrange(20, 400)})
    top = ["序号", "项目名称", "项目类别", "建设性质", "实施地点", "建设内容及规模", "计划投资（万元）", None, None,
           "是否纳入统筹整合", "受益户数（户）", "项目主管单位", "备注"]
    sub = [None] * 6 + ["衔接资金", "其他资金", "合计"] + [None] * 4
    rows = [["南华县2024年度巩固拓展脱贫攻坚成果和乡村振兴项目库"], top, sub,
            [None, "合计", None, None, None, None, float(sum((p["link"] for p in projects), D0)),
             float(sum((p["other"] for p in projects), D0)), float(sum((p["inv"] for p in projects), D0)), None,
             sum(p["households"] for p in projects), None, None]]
    for i, p in enumerate(projects):
        place = f"{p['tw']}/{p['vi']}" if p["vi"] else p["tw"]
        rows.append([i + 1, p["name"], p["cat"], "新建" if i % 3 else "改扩建", place, p["content"], float(p["link"]),
                     float(p["other"]) if p["other"] else None, float(p["inv"]), "是" if p["integrated"] else "否",
                     p["households"], "县农业农村局" if p["cat"].startswith("产业") else "县乡村振兴局", None])
    merges = [(0, 0, 0, 12), (1, 6, 1, 8)] + [(1, c, 2, c) for c in (0, 1, 2, 3, 4, 5, 9, 10, 11, 12)]
    f = write_xlsx(d / "南华县2024年度巩固拓展脱贫攻坚成果和乡村振兴项目库.xlsx", {"项目库": Sheet(rows, merges=merges)})
    industrial = lambda p: p["cat"].startswith("产业发展")  # noqa: E731
    exp = {**_set_exp("projects.library", projects, industrial),
           **_set_exp("projects.integrated", [p for p in projects if p["integrated"]], industrial)}
    lc = [p for p in projects if p["tw"] == "龙川镇"]
    exp["by_township"] = {"龙川镇": {"projects.library.count": len(lc),
                                     "projects.library.investment_wan": float(sum((p["inv"] for p in lc), D0))}}
    return Fixture([f], exp, (
        "20 projects, categories written `产业发展类项目`, `乡村建设行动类项目`, `就业类项目`, `巩固三保障成果类项目`, "
        "`易地搬迁后扶类项目`, `项目管理费`; 计划投资（万元） merged over 衔接资金 | 其他资金 | 合计 (other funds empty for "
        "some); the 合计 row directly under the header; 实施地点 `龙川镇/大村` in one column, `全县` and `县直` rows; "
        f"是否纳入统筹整合 是/否. Expected library {exp['projects.library.count']} projects "
        f"{exp['projects.library.investment_wan']} 万元, industrial {exp['projects.library.industrial_count']} / "
        f"{exp['projects.library.industrial_investment_wan']} 万元 = {exp['projects.library.industrial_share_pct']}%; "
        f"integrated {exp['projects.integrated.count']} / {exp['projects.integrated.investment_wan']} 万元, industrial "
        f"{exp['projects.integrated.industrial_count']} / {exp['projects.integrated.industrial_investment_wan']}."))


PLAN = [
    ("龙川镇", "大村", "产业发展", "蔬菜冷链仓储建设项目"), ("龙川镇", "岔河村", "产业发展", "烤烟烘烤工场提升项目"),
    ("龙川镇", "新华村", "乡村建设行动", "村组道路硬化项目"),
    ("沙桥镇", "沙桥村", "产业发展", "肉牛养殖扩群项目"), ("沙桥镇", "天申堂村", "产业发展", "中药材种植项目"),
    ("五街镇", "五街村", "产业发展", "核桃初加工厂建设项目"), ("五街镇", "咪黑们村", "乡村建设行动", "小型水利设施项目"),
    ("红土坡镇", "红土坡村", "产业发展", "野生菌保鲜库建设项目"),
    ("兔街镇", "干海资村", "产业发展", "低热河谷热带水果种植项目"), ("兔街镇", "兔街村", "乡村建设行动", "农村公路安防工程"),
    ("雨露白族乡", "雨露村", "产业发展", "人工食用菌基地建设项目"),
    ("五顶山乡", "五顶山村", "乡村建设行动", "人畜饮水巩固提升项目"),
    ("县直", None, "项目管理费", "统筹整合资金项目管理费"), (None, None, "就业项目", "脱贫人口公益性岗位补助"),
    ("马街镇", "拉务村", "巩固三保障成果", "农村危房改造项目"),
]


def build_integrated_plan_merged_townships(d: Path) -> Fixture:
    """An integrated-funds plan sent alone: three-level header 资金规模 → 合计 / 统筹整合财政涉农资金 → 中央 | 省级 | 州级 |
    县级, the 乡镇 cell merged down over that township's projects, a 县直 row and a row with no township."""
    rng = random.Random(42)
    projects = []
    for tw, vi, cat, name in PLAN:
        parts = [_wan(rng, 20, 400), _wan(rng, 0, 120), _wan(rng, 0, 40), _wan(rng, 0, 60)]
        projects.append({"tw": tw, "vi": vi, "cat": cat, "name": name, "parts": parts, "inv": sum(parts, D0)})
    l1 = ["序号", "项目名称", "项目类型", "实施地点", None, "建设内容", "资金规模", None, None, None, None, "项目主管部门"]
    l2 = [None, None, None, "乡镇", "行政村", None, "合计", "统筹整合财政涉农资金", None, None, None, None]
    l3 = [None] * 7 + ["中央", "省级", "州级", "县级", None]
    rows = [["南华县2023年统筹整合财政涉农资金项目计划表"], ["单位：万元"], l1, l2, l3]
    merges = [(0, 0, 0, 11), (2, 0, 4, 0), (2, 1, 4, 1), (2, 2, 4, 2), (2, 3, 2, 4), (3, 3, 4, 3), (3, 4, 4, 4),
              (2, 5, 4, 5), (2, 6, 2, 10), (3, 6, 4, 6), (3, 7, 3, 10), (2, 11, 4, 11)]
    start = len(rows)
    for i, p in enumerate(projects):
        rows.append([i + 1, p["name"], p["cat"], p["tw"], p["vi"], "详见项目实施方案", float(p["inv"])] +
                    [float(x) for x in p["parts"]] + ["县乡村振兴局"])
    # merge the 乡镇 cell over consecutive projects of the same township (as clerks do)
    r = 0
    while r < len(projects):
        k = r
        while k + 1 < len(projects) and projects[k + 1]["tw"] == projects[r]["tw"] and projects[r]["tw"]:
            k += 1
        if k > r:
            merges.append((start + r, 3, start + k, 3))
        r = k + 1
    rows.append([None, "合计", None, None, None, None, float(sum((p["inv"] for p in projects), D0))] +
                [float(sum((p["parts"][j] for p in projects), D0)) for j in range(4)] + [None])
    f = write_xlsx(d / "南华县2023年统筹整合财政涉农资金项目计划表.xlsx", {"计划表": Sheet(rows, merges=merges)})
    exp = _set_exp("projects.integrated", projects, lambda p: p["cat"] == "产业发展")
    lc = [p for p in projects if p["tw"] == "龙川镇"]
    exp["by_township"] = {"龙川镇": {"projects.integrated.count": len(lc),
                                     "projects.integrated.investment_wan": float(sum((p["inv"] for p in lc), D0)),
                                     "projects.integrated.industrial_count": 2}}
    return Fixture([f], exp, (
        "plan alone, unit line `单位：万元`; 资金规模 over 合计 (merged down) and 统筹整合财政涉农资金 → 中央|省级|州级|县级; "
        "实施地点 over 乡镇|行政村; the 乡镇 cell merged vertically over 2–3 projects of the same township (龙川镇 ×3, "
        "沙桥镇 ×2, 五街镇 ×2, 兔街镇 ×2); a 县直 row and a row with no township (county level); 合计 row at the bottom. "
        f"Expected {exp['projects.integrated.count']} projects {exp['projects.integrated.investment_wan']} 万元, "
        f"industrial {exp['projects.integrated.industrial_count']} / {exp['projects.integrated.industrial_investment_wan']}"
        f" 万元 = {exp['projects.integrated.industrial_share_pct']}%; 龙川镇 3 projects "
        f"{exp['by_township']['龙川镇']['projects.integrated.investment_wan']} 万元."))
