"""Benchmark: person-level rosters of 100k and 1M rows (xlsx), read → normalize → load into SQLite, and a
national-system-style export of the same 100k people in 110 columns.

Compares the project's pipeline (sandboxed fastexcel/calamine reading only the needed columns → vectorized
normalization → one transaction of driver-level executemany) with the naive path measured in the same run:
``pandas.read_excel(engine="openpyxl")`` + ``DataFrame.to_sql``.

    python bench/etl_load.py                 # 100k and 1M rows, and the 110-column export
    python bench/etl_load.py --rows 100000   # one size
    python bench/etl_load.py --skip-naive    # only the pipeline
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
HEADER = ["户编号", "人编号", "姓名", "证件号码", "与户主关系", "人数", "乡镇", "行政村", "易返贫致贫户(监测对象)类型",
          "风险是否消除", "风险识别时间", "风险消除时间", "人均纯收入（元）", "致贫/返贫风险1"]


# The national monitoring system's person export: 110 columns in its order; the 14 the roster has are among them.
NATIONAL = (["序号", "数据日期", "省", "市", "县(市、区、旗)", "乡(镇)", "行政村", "自然村", "户编号", "人编号", "姓名", "证件号码",
             "证件类型", "人数", "与户主关系", "性别", "出生日期", "民族", "政治面貌", "文化程度", "在校生状况", "在校生学段",
             "健康状况", "残疾类别", "残疾等级", "劳动技能", "务工时间（月）", "务工所在地", "务工企业名称", "是否参加大病保险",
             "是否参加城乡居民基本医疗保险", "是否参加城乡居民基本养老保险", "是否享受人身意外保险补贴", "户类型",
             "易返贫致贫户(监测对象)类型", "风险是否消除", "风险识别时间", "风险消除时间", "风险消除方式", "致贫/返贫风险1",
             "致贫/返贫风险2", "致贫/返贫风险3", "致贫/返贫风险4", "致贫/返贫风险5", "因自然灾害子项", "致贫原因1", "危房户",
             "是否解决安全饮用水", "是否有安全住房", "人均纯收入（元）", "家庭纯收入（元）", "工资性收入", "生产经营性收入",
             "财产性收入", "转移性收入", "生产经营性支出", "合规自付支出", "理赔收入", "户联系电话", "人联系电话",
             "家庭成员联系电话", "开户银行", "银行账号", "家庭住址", "首次识别时间", "人员识别时间", "脱贫年度",
             "整户无劳动能力兜底保障户", "享受低保政策情况", "享受特困供养政策情况", "产业帮扶", "就业帮扶", "金融帮扶",
             "公益岗位帮扶", "健康帮扶", "义务教育保障", "住房安全保障", "饮水安全保障", "综合保障", "社会帮扶", "搬迁",
             "其他帮扶", "帮扶责任人", "帮扶责任人联系电话", "帮扶单位", "信息采集人", "信息采集人联系电话", "填报日期",
             "审核状态", "审核人", "是否易地搬迁户", "搬迁安置方式", "安置地点", "耕地面积（亩）", "林地面积（亩）",
             "牧草地面积（亩）", "是否通生产用电", "是否通生活用电", "距村主干路距离（公里）", "入户路类型",
             "主要燃料类型", "是否加入农民专业合作社", "是否有卫生厕所", "是否参加职业技能培训", "培训时间",
             "培训类型", "务工稳定性", "是否享受雨露计划", "备注", "数据状态"])
assert len(NATIONAL) == 110, len(NATIONAL)
ROSTER_TO_NATIONAL = {"乡镇": "乡(镇)", "人均纯收入（元）": "人均纯收入（元）"}
# columns of the export that the monitoring layout also reads get values of their kind (the rest: filler)
EXTRA_VALUES = {"户类型": "监测户", "致贫/返贫风险2": None, "致贫/返贫风险3": None, "致贫/返贫风险4": None,
                "致贫/返贫风险5": None, "风险消除方式": "帮扶消除"}


def make_roster(rows: int, national: bool = False) -> Path:
    """A person-level export of about ``rows`` rows (whole households), cached under bench/out/. With
    ``national``: the same people in the national system's 110 columns (the roster's 14 among them)."""
    import xlsxwriter

    from etl.sources.common import _ID_WEIGHTS
    from rural.settings import get_settings

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / (f"national_{rows}.xlsx" if national else f"roster_{rows}.xlsx")
    if path.exists():
        return path
    rng = random.Random(rows)
    refs = get_settings().townships
    county = refs[0].county
    towns = [t.name for t in refs if t.county == county]
    cats = ["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"]
    rels = ["户主", "配偶", "之子", "之女", "之孙子", "之父", "之母"]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("人员明细")
    ws.write_row(0, 0, [f"{county}防返贫监测对象人员明细（截至2023年6月）"])
    header = NATIONAL if national else HEADER
    ws.write_row(1, 0, header)
    where = [header.index(ROSTER_TO_NATIONAL.get(h, h)) for h in HEADER] if national else list(range(len(HEADER)))
    r, hh = 2, 0
    while r - 2 < rows:
        hh += 1
        size = min(rng.randint(1, 6), rows - (r - 2))
        town = towns[hh % len(towns)]
        elim = rng.random() < 0.7
        ident = f"202{rng.randint(0, 2)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        fields = [town, f"{town[:2]}{hh % 12 + 1}村", cats[hh % 3], "是" if elim else "否", ident,
                  "2023-03-01" if elim else "", f"{rng.randint(6000, 30000)}.{rng.randint(0, 99):02d}", "01"]
        for p in range(size):
            body = f"532324{rng.randint(1950, 2015)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
            check = "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS)) % 11]
            person = [f"53232400{hh:010d}", f"{hh:010d}{p:02d}", f"测试{hh % 1000}", body + check,
                      rels[min(p, 6)], str(size), *fields[:5], fields[5], fields[6], fields[7]]
            if national:
                row = [f"v{(r * 7 + c) % 97}" for c in range(len(NATIONAL))]
                row[0], row[1], row[4] = str(r - 1), "2023-06-30", county
                for name, value in EXTRA_VALUES.items():
                    row[NATIONAL.index(name)] = value
                for value, c in zip(person, where):
                    row[c] = value
                person = row
            ws.write_row(r, 0, person)
            r += 1
    wb.close()
    return path


def pipeline(path: Path, db: Path) -> tuple[float, int]:
    from etl.pipeline import plan_file
    from etl.load import write_plan
    from rural.db import make_engine

    t = time.perf_counter()
    engine = make_engine(f"sqlite:///{db}")
    plan = plan_file(engine, path)
    write_plan(engine, plan)
    return time.perf_counter() - t, len(plan.sheets[0].facts)


def naive(path: Path, db: Path) -> float:
    import pandas as pd
    from sqlalchemy import create_engine

    t = time.perf_counter()
    df = pd.read_excel(path, engine="openpyxl", header=1, dtype=str)
    df.to_sql("roster", create_engine(f"sqlite:///{db}"), index=False)
    return time.perf_counter() - t


def national(rows: int) -> None:
    """The 110-column export against the 14-column roster of the same people: same households, the time."""
    t = time.perf_counter()
    narrow, wide = make_roster(rows), make_roster(rows, national=True)
    gen = time.perf_counter() - t
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, path in (("14 columns", narrow), ("110 columns", wide)):
            best = None
            for k in range(3):
                took, households = pipeline(path, Path(tmp) / f"{label}{k}.db")
                best = took if best is None else min(best, took)
            times[label] = (best, households)
    (a, ha), (b, hb) = times["14 columns"], times["110 columns"]
    assert ha == hb, (ha, hb)
    print(f"national-style export, {rows:,} people ({hb:,} households; best of 3): 14 columns {a:.2f} s, "
          f"110 columns {b:.2f} s ({b / a:.2f}× the 14-column roster)" + (f"   (written in {gen:.0f} s)" if gen > 1 else ""),
          flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--skip-national", action="store_true", help="skip the 110-column export")
    args = ap.parse_args()
    if not args.skip_national and 100_000 in args.rows:
        national(100_000)
    print(f"{'rows':>10} {'pipeline s':>11} {'rows/s':>10} {'households':>11} {'naive s':>9} {'rows/s':>10} {'ratio':>7}")
    for rows in args.rows:
        t = time.perf_counter()
        path = make_roster(rows)
        gen = time.perf_counter() - t
        with tempfile.TemporaryDirectory() as tmp:
            ours, households = pipeline(path, Path(tmp) / "ours.db")
            theirs = None if args.skip_naive else naive(path, Path(tmp) / "naive.db")
        line = f"{rows:>10,} {ours:>11.1f} {rows / ours:>10,.0f} {households:>11,}"
        if theirs is not None:
            line += f" {theirs:>9.1f} {rows / theirs:>10,.0f} {theirs / ours:>6.1f}×"
        print(line + (f"   (roster written in {gen:.0f} s)" if gen > 1 else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
