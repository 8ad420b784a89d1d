"""Project library (项目库) and the integrated agricultural funds plan (统筹整合), national project types."""
from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from ._common import D, NANHUA_VILLAGES, TOWNSHIPS, Fixture, Sheet, pct, r2, save_openpyxl, save_xlsxwriter

INDUSTRIAL = "产业发展"

TEMPLATES = {
    "产业发展": [("{t}{v}肉牛养殖小区建设项目", "新建标准化肉牛圈舍{n}平方米及配套青贮池", "带动{h}户脱贫户和监测户通过入股分红、务工增收"),
              ("{t}{v}高原特色水果提质增效项目", "改造低效果园{n}亩，配套水肥一体化设施", "流转土地、务工带动，保底分红"),
              ("{t}{v}食用菌种植基地建设项目", "新建食用菌钢架大棚{n}平方米及冷库", "吸纳脱贫劳动力务工，资产收益量化到户"),
              ("{t}{v}农产品初加工厂房建设项目", "新建初加工厂房{n}平方米，购置分拣设备", "订单收购、务工带动"),
              ("{t}{v}烤烟基础设施配套项目", "新建密集烤房及育苗大棚{n}平方米", "优先收购脱贫户烟叶"),
              ("{t}{v}中药材种植示范项目", "种植重楼、滇黄精{n}亩", "土地流转+务工+分红")],
    "就业项目": [("{t}就业帮扶车间建设项目", "建设就业帮扶车间{n}平方米", "吸纳脱贫劳动力就近就业")],
    "乡村建设行动": [("{t}{v}村组道路硬化项目", "硬化村组道路{n}米，宽4.5米", "以工代赈，带动群众务工"),
                ("{t}{v}人居环境整治提升项目", "建设垃圾收集房、公厕及排污沟渠{n}米", "以工代赈"),
                ("{t}{v}农村饮水安全巩固提升项目", "新建蓄水池{n}立方米，铺设管网", "改善群众饮水条件")],
    "易地搬迁后扶": [("{t}易地扶贫搬迁安置点配套设施提升项目", "安置点道路、照明及活动场所{n}平方米", "改善搬迁群众生产生活条件")],
    "巩固三保障成果": [("{t}{v}农村危房改造项目", "改造农村危房{n}户", "保障住房安全")],
}
NATURES = ["新建", "新建", "新建", "改建", "扩建", "恢复", "迁建"]
OWNERS = {"产业发展": ["县农业农村局", "县乡村振兴局", "县林草局"], "就业项目": ["县人力资源和社会保障局"],
          "乡村建设行动": ["县乡村振兴局", "县住房和城乡建设局", "县水务局"], "易地搬迁后扶": ["县发展和改革局"],
          "巩固三保障成果": ["县住房和城乡建设局", "县教育体育局"], "项目管理费": ["县乡村振兴局"]}


def _money_split(rng, total: Decimal):
    central = r2(total * D(rng.randint(40, 70)) / 100)
    prov = r2(total * D(rng.randint(5, 20)) / 100)
    city = r2(total * D(rng.randint(0, 10)) / 100)
    other = total - central - prov - city
    return central, prov, city, other


def library_projects(rng: random.Random) -> list[dict]:
    projects = []
    for t in TOWNSHIPS:
        vs = NANHUA_VILLAGES[t]
        picks = [("产业发展", 2 + (t in ("龙川镇", "沙桥镇", "五街镇"))), ("乡村建设行动", 1)]
        if rng.random() < 0.5:
            picks.append(("就业项目", 1))
        if rng.random() < 0.3:
            picks.append(("易地搬迁后扶", 1))
        if rng.random() < 0.3:
            picks.append(("巩固三保障成果", 1))
        for typ, k in picks:
            for tpl in rng.sample(TEMPLATES[typ], min(k, len(TEMPLATES[typ]))):
                v = rng.choice(vs)
                n = rng.randint(3, 90) * 10
                total = r2(D(rng.randint(3000, 120000)) / 100) if typ == INDUSTRIAL else r2(D(rng.randint(2000, 40000)) / 100)
                projects.append(dict(name=tpl[0].format(t=t, v=v), type=typ, nature=rng.choice(NATURES), town=t,
                                     village=v if "{v}" in tpl[0] else None, task=tpl[1].format(n=n),
                                     money=_money_split(rng, total), total=total, households=rng.randint(20, 400),
                                     goal=f"项目建成后带动{rng.randint(20, 300)}户增收，户均增收{rng.randint(5, 30) * 100}元",
                                     link=tpl[2].format(h=rng.randint(20, 200)), owner=rng.choice(OWNERS[typ])))
    county = [  # county-level items: 县直 / 全县 / no township at all
        ("南华县脱贫人口小额信贷贴息项目", "产业发展", "新建", "全县", "对脱贫人口小额信贷贴息", D("412.60"), "县乡村振兴局"),
        ("南华县野生菌交易市场提升改造项目", "产业发展", "改建", "县直", "改造交易大厅2800平方米及冷链设施", D("1860.00"), "县商务局"),
        ("南华县脱贫劳动力外出务工一次性交通补助项目", "就业项目", "新建", "全县", "补助跨省务工脱贫劳动力交通费", D("236.40"),
         "县人力资源和社会保障局"),
        ("南华县雨露计划职业教育补助项目", "巩固三保障成果", "新建", "全县", "补助脱贫家庭中高职在校生", D("318.00"), "县教育体育局"),
        ("南华县2024年度衔接资金项目管理费", "项目管理费", "新建", "县直", "项目前期设计、评审、招标、监理、验收等", D("95.00"),
         "县乡村振兴局"),
        ("南华县2024年度衔接资金项目管理费（乡镇）", "项目管理费", "新建", None, "乡镇项目管理工作经费", D("40.00"), "县乡村振兴局"),
    ]
    for name, typ, nature, town, task, total, owner in county:
        projects.append(dict(name=name, type=typ, nature=nature, town=town, village=None, task=task,
                             money=_money_split(rng, total), total=total, households=rng.randint(500, 6000),
                             goal="完成年度目标任务", link="覆盖全县脱贫人口和监测对象", owner=owner))
    # a project name repeated with different content (two phases in one village)
    first = next(p for p in projects if p["type"] == "乡村建设行动" and p["village"])
    again = dict(first, task=first["task"].replace("，", "（二期），", 1) if "，" in first["task"] else first["task"] + "（二期）",
                 total=r2(first["total"] * D("0.6")), nature="扩建", households=first["households"] // 2)
    again["money"] = _money_split(rng, again["total"])
    projects.insert(projects.index(first) + 3, again)
    return projects


HEADER_ROWS = [
    ["序号", "项目名称", "项目类型", "建设性质", "实施地点", None, "建设任务", "资金规模（万元）", None, None, None, None,
     "受益户数（户）", "绩效目标", "联农带农机制", "项目主管单位"],
    [None] * 4 + ["乡镇", "行政村", None, "合计", "财政衔接资金", None, None, "其他资金"] + [None] * 4,
    [None] * 8 + ["中央", "省级", "市县级"] + [None] * 5,
]
HEADER_MERGES = ([(2, c, 4, c) for c in (0, 1, 2, 3, 6, 12, 13, 14, 15)]
                 + [(2, 4, 2, 5), (3, 4, 4, 4), (3, 5, 4, 5), (2, 7, 2, 11), (3, 7, 4, 7), (3, 8, 3, 10), (3, 11, 4, 11)])


def _project_row(i, p):
    c, pr, ci, o = p["money"]
    return [i, p["name"], p["type"], p["nature"], p["town"], p["village"], p["task"], float(p["total"]), float(c),
            float(pr), float(ci), float(o), p["households"], p["goal"], p["link"], p["owner"]]


def library_rows(title: str, projects: list[dict], dup_of: int | None = None):
    body = [_project_row(i, p) for i, p in enumerate(projects, 1)]
    if dup_of is not None:
        body.append(list(body[dup_of]))     # a paste error: the very same row again, 序号 and all
    sums = [sum(D(str(r[k])) for r in body) for k in (7, 8, 9, 10, 11)]
    total_row = [None, "合计", None, None, None, None, None] + [float(s) for s in sums] + [sum(r[12] for r in body)] + [None] * 3
    rows = [[title] + [None] * 15, ["单位：万元、户"]] + [list(r) for r in HEADER_ROWS] + [total_row] + body
    rows += [[], ["注：项目类型按国家衔接资金项目分类填写；县级项目实施地点填“县直”或“全县”。"]]
    return rows, [(0, 0, 0, 15)] + HEADER_MERGES


def library_expected(projects: list[dict], prefix: str = "projects.library") -> dict:
    total = sum(p["total"] for p in projects)
    ind = [p for p in projects if p["type"] in (INDUSTRIAL, "产业发展项目")]
    ind_total = sum(p["total"] for p in ind)
    return {f"{prefix}.count": len(projects), f"{prefix}.investment_wan": float(total),
            f"{prefix}.industrial_count": len(ind), f"{prefix}.industrial_investment_wan": float(ind_total),
            f"{prefix}.industrial_share_pct": pct(ind_total, total),
            f"{prefix}.industrial_count_share_pct": pct(len(ind), len(projects))}


TITLE = "南华县2024年度巩固拓展脱贫攻坚成果和乡村振兴项目库"


def build_project_library(d: Path) -> Fixture:
    projects = library_projects(random.Random(2024))
    rows, merges = library_rows(TITLE, projects)
    f = save_openpyxl(d / f"{TITLE}.xlsx", [Sheet("项目库", rows, merges,
                                                 number_formats={c: "#,##0.00" for c in range(7, 12)})])
    names = [p["name"] for p in projects]
    reps = sorted({n for n in names if names.count(n) > 1})
    assert len(reps) == 1 and names.count(reps[0]) == 2
    rep = reps[0]
    exp = library_expected(projects)
    exp["warns"] = [rep]
    return Fixture([f], exp, (
        f"{len(projects)} projects under a three-level header (实施地点 → 乡镇 / 行政村; 资金规模（万元） → 合计 / 财政衔接资金 "
        "→ 中央 / 省级 / 市县级 / 其他资金), title 2024年度 (the year's library, not a December snapshot), a 合计 row "
        "directly under the header (序号 empty) with the sums, national project types (产业发展, 就业项目, 乡村建设行动, "
        "易地搬迁后扶, 巩固三保障成果, 项目管理费); county-level rows with 实施地点 县直 / 全县 / empty; "
        f"'{rep}' appears twice with different content (a warning, both rows loaded and counted). Investment = 资金规模 "
        "合计; industrial = 项目类型 产业发展."), rows={f.name: len(projects)})


def build_project_library_duplicate_row(d: Path) -> Fixture:
    projects = library_projects(random.Random(2024))
    dup = 7
    rows, merges = library_rows(TITLE, projects, dup_of=dup)
    f = save_openpyxl(d / f"{TITLE}（更新）.xlsx", [Sheet("项目库", rows, merges)])
    first_row = 7 + dup            # sheet rows: 1 title, 2 unit, 3-5 header, 6 合计, data from 7
    second_row = 7 + len(projects)
    assert rows[first_row - 1] == rows[second_row - 1]
    return Fixture([f], {"refused": True, "message_contains": [f.name, f"第{first_row}行", f"第{second_row}行"]}, (
        f"The same library with sheet row {second_row} identical in every cell (序号 included) to row {first_row} — a "
        "paste error; the 合计 row includes it, as a SUM formula would. Must be refused, the message naming both rows; "
        "nothing loaded."), rows={f.name: len(projects) + 1})


def build_integrated_plan(d: Path) -> Fixture:
    rng = random.Random(2023)
    plan = []
    for typ, k in (("产业发展项目", 16), ("乡村建设行动", 6), ("就业项目", 2), ("巩固三保障成果", 2), ("项目管理费", 1)):
        base = "产业发展" if typ == "产业发展项目" else typ
        for _ in range(k):
            if base == "项目管理费":
                plan.append(dict(name="南华县2023年统筹整合资金项目管理费", type=typ, place="县直", task="项目前期及管理工作",
                                 total=D("60.00"), owner="县财政局"))
                continue
            t = rng.choice(TOWNSHIPS)
            v = rng.choice(NANHUA_VILLAGES[t])
            tpl = rng.choice(TEMPLATES[base])
            plan.append(dict(name=tpl[0].format(t=t, v=v), type=typ, place=f"{t}{v}", task=tpl[1].format(n=rng.randint(5, 80) * 10),
                             total=r2(D(rng.randint(5000, 60000)) / 100), owner=rng.choice(OWNERS[base])))
    seen = set()
    for p in plan:   # keep names unique in the plan
        while p["name"] in seen:
            p["name"] = p["name"].replace("项目", "（二期）项目", 1) if "（二期）" not in p["name"] else p["name"] + "（三期）"
        seen.add(p["name"])
        integ = r2(p["total"] * D(rng.randint(70, 100)) / 100)
        p["money"] = (integ, p["total"] - integ)
    header = ["序号", "项目名称", "项目类别", "建设地点", "建设内容及规模", "计划投资（万元）", "其中：统筹整合资金", "其中：其他资金",
              "实施期限", "责任单位", "备注"]
    numbers = ["甲", "乙", "丙", "丁", "戊", "1", "2", "3", "己", "庚", "辛"]
    tot = [None, "总计", None, None, None, float(sum(p["total"] for p in plan)), float(sum(p["money"][0] for p in plan)),
           float(sum(p["money"][1] for p in plan)), None, None, None]
    rows = [["南华县2023年统筹整合财政涉农资金项目计划表"] + [None] * 10, ["单位：万元"], header, numbers, tot]
    for i, p in enumerate(plan, 1):
        rows.append([i, p["name"], p["type"], p["place"], p["task"], float(p["total"]), float(p["money"][0]),
                     float(p["money"][1]), "2023年1月—12月", p["owner"], None])
    rows += [[], ["填报单位：南华县财政局", None, None, "填表人：苏美", None, "联系电话：0878-7211508", None, None, "审核人：罗春梅"]]
    f = save_xlsxwriter(d / "南华县2023年统筹整合财政涉农资金项目计划表.xlsx", [Sheet("计划表", rows, [(0, 0, 0, 10)])])
    exp = library_expected([{"total": p["total"], "type": p["type"]} for p in plan], "projects.integrated")
    return Fixture([f], exp, (
        f"The 2023 integrated agricultural funds plan as its own table ({len(plan)} projects): a column-number row "
        "`甲 | 乙 | 丙 | 丁 | 戊 | 1 | 2 | 3 | 己 | 庚 | 辛` under the header, a 总计 row above the projects, 项目类别 "
        "产业发展项目 (the national type's long name, = 产业发展), 建设地点 as township+village in one cell. "
        "ASSUMPTION: a stand-alone 统筹整合 plan feeds projects.integrated (count, investment = 计划投资, industrial = "
        "产业发展项目); the library figures are not asserted for this file."), rows={f.name: len(plan)})
