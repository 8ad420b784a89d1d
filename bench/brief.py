"""Benchmark: the whole meeting pack (docx + xlsx + pptx + PNG/SVG pictures) on the sample data.

Also renders the same charts the naive way, one ``fig.to_image`` per chart with no shared browser
session (each call starts Chromium), to show what the single session saves.

    python bench/brief.py
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"


def main() -> int:
    from bench.pages import build_sample_db
    from rural.briefing import build_pack
    from rural.db import make_engine
    from rural.indicators import Scope

    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / "pages_sample.db"
    if not db.exists():
        build_sample_db(db)
    engine = make_engine(f"sqlite:///{db}")
    times = []
    for _ in range(3):
        t = time.perf_counter()
        pack = build_pack(engine, Scope())
        times.append(time.perf_counter() - t)
    figs = list(pack.briefing.figures.values())
    print(f"pack: {len(pack.docx) / 1e6:.1f} MB docx, {len(pack.xlsx) / 1e3:.0f} kB xlsx, {len(pack.pptx) / 1e6:.1f} MB pptx, "
          f"{len(pack.pictures)} charts × (PNG 300 dpi + SVG)")
    print(f"whole pack, first run in the process (browser starts): {times[0]:.1f} s")
    print(f"whole pack, later runs (median):                      {statistics.median(times[1:]):.1f} s")
    code = ("import sys,time,pickle,plotly.io as pio;sys.path.insert(0,%r);figs=pickle.load(open(%r,'rb'));"
            "t=time.perf_counter();[pio.to_image(f,format='png',width=1000,height=560,scale=2) for f in figs];"
            "print(time.perf_counter()-t)")
    import pickle

    path = OUT / "figs.pkl"
    path.write_bytes(pickle.dumps(figs))
    naive = float(subprocess.run([sys.executable, "-c", code % (str(ROOT), str(path))], capture_output=True, text=True,
                                 check=True).stdout.strip().splitlines()[-1])
    t = time.perf_counter()
    from rural.render import png

    for f in figs:
        png(f)
    shared = time.perf_counter() - t
    print(f"{len(figs)} PNGs, one browser start per chart: {naive:.1f} s; one shared session (warm): {shared:.1f} s "
          f"({naive / shared:.0f}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
