"""Benchmark: person-level rosters of 100k and 1M rows (xlsx), read → normalize → load into SQLite.

Compares the project's pipeline (fastexcel/calamine → vectorized normalization → one transaction of
driver-level executemany) with the naive path measured in the same run:
``pandas.read_excel(engine="openpyxl")`` + ``DataFrame.to_sql``.

    python bench/etl_load.py                 # 100k and 1M rows
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


def make_roster(rows: int) -> Path:
    """A person-level export of about ``rows`` rows (whole households), cached under bench/out/."""
    import xlsxwriter

    from etl.sources.common import _ID_WEIGHTS
    from rural.settings import get_settings

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"roster_{rows}.xlsx"
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
    ws.write_row(1, 0, HEADER)
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
            ws.write_row(r, 0, [f"53232400{hh:010d}", f"{hh:010d}{p:02d}", f"测试{hh % 1000}", body + check,
                                rels[min(p, 6)], str(size), *fields[:5], fields[5], fields[6], fields[7]])
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--skip-naive", action="store_true")
    args = ap.parse_args()
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
