"""Benchmark: the county's own indicators at scale — 100 county-defined indicators × 10 townships × 24 monthly
periods (24,000 township rows and 2,400 county rows) loaded on top of the 1M-people database of
``bench/pages.py`` — every page cold and warm (AppTest, as ``bench/pages.py``), the area pages included, and the
whole meeting pack warm.

The naive path beside it: the county figures read the way a page without the shared, cached read would — one
query per indicator and period for the county row, then its townships — for the same answers.

    python bench/county_indicators.py            # builds bench/out/pages_1m.db and its copy once
    python bench/county_indicators.py --sample   # on the sample database instead (quick)
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
AREAS = ("thriving", "ecology", "civility", "governance", "prosperity")
N_INDICATORS, N_PERIODS = 100, 24


def catalogue_text() -> str:
    """The bundled catalogue plus 100 invented county indicators (20 per area; two per area on the cockpit)."""
    raw = (ROOT / "data" / "reference" / "indicators.toml").read_text(encoding="utf-8")
    parts = [raw]
    for i in range(N_INDICATORS):
        area = AREAS[i % len(AREAS)]
        rate = i % 2 == 0
        parts.append(f'''
[indicators.bench_{i:03d}]
name = "测试指标{i:03d}"
definition = "基准测试用的县里指标{i:03d}。"
unit = "{'%' if rate else '个'}"
precision = {2 if rate else 0}
source = "indicators"
source_label = "基准测试表"
formula = "{'分子之和 ÷ 分母之和 × 100' if rate else '各乡镇之和'}"
aggregate = "{'ratio' if rate else 'sum'}"
direction = "up"
status = "target"
targets = {{ 2022 = {90 if rate else 5000}, 2023 = {92 if rate else 5500} }}
area = "{area}"
section = "测试"
chart = "bar"
cockpit = {'true' if i < 10 else 'false'}
map = true
''')
    return "".join(parts)


def periods() -> list[str]:
    out, y, m = [], 2021, 7
    for _ in range(N_PERIODS):
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def write_sheet(path: Path, towns: list[str]) -> Path:
    """One long-form 指标数据 file: a sheet per period (乡镇 | 指标 | 数值 | 分子 | 分母), no county rows."""
    import xlsxwriter

    rng = random.Random(11)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for p in periods():
        ws = wb.add_worksheet(p)
        ws.write_row(0, 0, [f"南华县重点指标（截至{p[:4]}年{int(p[5:])}月）"])
        ws.write_row(1, 0, ["乡镇", "指标名称", "数值", "分子", "分母"])
        r = 2
        for i in range(N_INDICATORS):
            for t in towns:
                if i % 2 == 0:
                    den = rng.randint(800, 1200)
                    ws.write_row(r, 0, [t, f"测试指标{i:03d}", None, rng.randint(int(den * 0.8), den), den])
                else:
                    ws.write_row(r, 0, [t, f"测试指标{i:03d}", rng.randint(300, 700)])
                r += 1
    wb.close()
    return path


def build(db: Path, ref: Path, base: Path) -> None:
    from bench.pages import build_big_db, build_sample_db
    from rural.db import schema_current

    if base.exists() and not schema_current(f"sqlite:///{base}"):
        base.unlink()                 # built by an older version of the tables
    if not base.exists():
        t = time.perf_counter()
        (build_big_db if base.name == "pages_1m.db" else build_sample_db)(base)
        print(f"built {base.name} in {time.perf_counter() - t:.0f} s")
    shutil.copy(base, db)
    from rural.db import make_engine
    from rural.indicators import townships

    towns = townships(make_engine(f"sqlite:///{db}"), "南华县")
    with tempfile.TemporaryDirectory() as tmp:
        f = write_sheet(Path(tmp) / "南华县重点指标（基准）.xlsx", towns)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "etl", "load", str(f), "--db", f"sqlite:///{db}"], cwd=ROOT, check=True,
                       capture_output=True, env={**os.environ, "RURAL_REFERENCE_DIR": str(ref)})
        print(f"loaded {N_INDICATORS} indicators × {len(towns)} townships × {N_PERIODS} periods "
              f"({N_INDICATORS * len(towns) * N_PERIODS:,} rows) in {time.perf_counter() - t:.1f} s")


def naive_county_figures(engine, county: str, as_of: str) -> dict:
    """The county figure of every bench indicator in every period, the naive way: a query per indicator and period
    for its township rows, summed or divided in Python (what each page would do without the shared read)."""
    from decimal import ROUND_HALF_UP, Decimal

    from sqlalchemy import text

    from rural import catalogue

    out = {}
    with engine.connect() as conn:
        for ind in [i for i in catalogue.custom() if i.key.startswith("bench_")]:
            ps = [r[0] for r in conn.execute(text(
                "select distinct b.period from load_batch b join indicator_value v on v.batch_id = b.id "
                "where b.kind='indicators' and b.status='active' and b.county=:c and b.period_end<=:a and v.indicator=:k"),
                {"c": county, "a": as_of, "k": ind.key})]
            for p in ps:
                rows = conn.execute(text(
                    "select v.township_id, v.value_e4, v.numerator_e4, v.denominator_e4 from indicator_value v "
                    "join load_batch b on v.batch_id = b.id where b.kind='indicators' and b.status='active' "
                    "and b.county=:c and b.period=:p and v.indicator=:k"), {"c": county, "p": p, "k": ind.key}).all()
                if ind.aggregate == "ratio":
                    value = Decimal(sum(r[2] for r in rows)) * 100 / Decimal(sum(r[3] for r in rows))
                    out[(ind.key, p)] = float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
                else:
                    out[(ind.key, p)] = int(sum(r[1] for r in rows) // 10_000)
    return out


def shared_county_figures(engine, scope) -> dict:
    from rural import catalogue
    from rural.indicators import county as ci

    figs = ci._figures(engine, scope)
    return {(k, p): ci._round(f[0], catalogue.entry(k)) for (k, p), f in figs.county.items() if k.startswith("bench_")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", action="store_true", help="on the sample database instead of the 1M-people one")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    ref = OUT / "reference_100"
    ref.mkdir(exist_ok=True)
    (ref / "indicators.toml").write_text(catalogue_text(), encoding="utf-8")
    os.environ["RURAL_REFERENCE_DIR"] = str(ref)
    base = OUT / ("pages_sample.db" if args.sample else "pages_1m.db")
    db = OUT / ("indicators_sample.db" if args.sample else "indicators_1m.db")
    if not db.exists():
        build(db, ref, base)
    from rural.indicators import county as ci
    from rural.briefing import build_pack
    from rural.db import make_engine
    from rural.indicators import Scope, clear_caches

    engine = make_engine(f"sqlite:///{db}")
    scope = Scope("2023-06", None, "南华县")
    ci.clear_cache()
    t = time.perf_counter()
    mine = shared_county_figures(engine, scope)
    t_fast = time.perf_counter() - t
    t = time.perf_counter()
    shared_county_figures(engine, scope)
    t_warm = time.perf_counter() - t
    t = time.perf_counter()
    naive = naive_county_figures(engine, "南华县", "2023-06")
    t_naive = time.perf_counter() - t
    assert mine == naive, "the two reads disagree"
    print(f"\ncounty figures of {N_INDICATORS} indicators × {N_PERIODS} periods ({len(mine):,}): one shared read "
          f"{t_fast * 1000:.0f} ms cold, {t_warm * 1000:.1f} ms warm; naive query per indicator and period "
          f"{t_naive * 1000:.0f} ms")
    # what the cockpit asks of them in one run: its area sections, the attention list, the comparisons (now and the
    # compared snapshot), the map's township columns — each call either reads the shared figures or reads anew
    calls = [lambda: ci.county_values(engine, scope), *[lambda a=a: ci.county_values(engine, scope, a) for a in AREAS],
             lambda: ci.alerts(engine, scope), lambda: ci.county_values(engine, Scope("2023-04", None, "南华县")),
             lambda: ci.alerts(engine, Scope("2023-04", None, "南华县")), lambda: ci.township_values(engine, scope)]
    ci.clear_cache()
    t = time.perf_counter()
    for c in calls:
        c()
    t_page = time.perf_counter() - t
    t = time.perf_counter()
    for _ in calls:
        naive_county_figures(engine, "南华县", "2023-06")
    t_page_naive = time.perf_counter() - t
    print(f"one cockpit run's {len(calls)} calls: shared {t_page * 1000:.0f} ms, reading anew each time "
          f"{t_page_naive * 1000:.0f} ms — {t_page_naive / t_page:.1f}×")

    from bench.pages import PAGES, time_pages

    rows = time_pages(db, pages=[*PAGES, *(f"area:{a}" for a in AREAS)])
    print(f"\n{db.name} ({db.stat().st_size / 1e6:.0f} MB): median of 3, seconds")
    print(f"{'page':<22} {'cold':>6} {'warm':>6}")
    for page, cold, warm in rows:
        print(f"{page:<22} {cold:>6.2f} {warm:>6.2f}", flush=True)
    times, cold = [], []
    for _ in range(3):
        t = time.perf_counter()
        pack = build_pack(engine, scope)
        times.append(time.perf_counter() - t)
    for _ in range(2):          # the browser running, but nothing the indicator functions keep
        clear_caches()
        t = time.perf_counter()
        build_pack(engine, scope)
        cold.append(time.perf_counter() - t)
    print(f"\nmeeting pack: first run {times[0]:.1f} s (browser starts), warm median {statistics.median(times[1:]):.1f} s, "
          f"with the indicators' kept results cleared {statistics.median(cold):.1f} s; "
          f"{len(pack.briefing.sections)} sections, Excel sheets {len(pack.briefing.tables)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
