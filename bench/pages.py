"""Benchmark: every dashboard page through AppTest, cold (caches cleared) and warm (rerun).

On the sample database and on a generated one with 1,000,000 monitored people (the samples plus
the 1M-row person-level roster of ``bench/etl_load.py`` as the latest snapshot).

    python bench/pages.py               # both databases
    python bench/pages.py --sample-only
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
PAGES = ["views/overview.py", "views/monitoring.py", "views/income.py", "views/employment.py", "views/projects.py",
         "views/assistance.py", "views/map.py", "views/briefing.py", "views/data.py"]


def build_sample_db(path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "etl", "sample", "--out", tmp], cwd=ROOT, check=True, capture_output=True)
        files = sorted(str(p) for p in Path(tmp).iterdir())
        subprocess.run([sys.executable, "-m", "etl", "load", *files, "--db", f"sqlite:///{path}"], cwd=ROOT, check=True,
                       capture_output=True)


def build_big_db(path: Path) -> None:
    from bench.etl_load import make_roster

    build_sample_db(path)
    roster = make_roster(1_000_000)
    subprocess.run([sys.executable, "-m", "etl", "load", str(roster), "--db", f"sqlite:///{path}", "--period", "2023-06"],
                   cwd=ROOT, check=True, capture_output=True)


def signed_in(at) -> None:
    """An administrator signed in through Streamlit's OIDC user, which AppTest seeds (as tests/conftest.py does);
    every page then pays the real gateway (rural.access) and the sign-in lookup on each run."""
    at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "bench",
                          "county": {"client_id": "bench", "client_secret": "bench",
                                     "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}}
    at.user = {"is_logged_in": True, "sub": "bench-admin", "email": "bench-admin", "rural_role": "admin"}


def time_pages(db: Path, runs: int = 3, pages: list[str] | None = None) -> list[tuple[str, float, float]]:
    """Each page (a file of ``PAGES``, or ``area:<url path>`` for an area page) cold and warm, median of ``runs``."""
    import streamlit as st
    from streamlit.navigation.page import calc_hash
    from streamlit import logger
    from streamlit.testing.v1 import AppTest

    from rural.indicators import clear_caches

    logger.set_log_level("error")

    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    rows = []
    for page in pages or PAGES:
        colds, warms = [], []
        for _ in range(runs):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
            signed_in(at)
            at.run()
            if page.startswith("area:"):
                at._page_hash = calc_hash(page[5:])      # one file for every area page: st.Page hashes its url_path
            elif page != PAGES[0]:
                at.switch_page(page)
            st.cache_data.clear()       # cold: nothing cached but the engine
            clear_caches()              # (nor the results the indicator functions keep for the data version)
            t = time.perf_counter()
            at.run()
            colds.append(time.perf_counter() - t)
            assert not at.exception, [e.value for e in at.exception]
            t = time.perf_counter()
            at.run()
            warms.append(time.perf_counter() - t)
        rows.append((page, statistics.median(colds), statistics.median(warms)))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample-only", action="store_true")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    dbs = [("sample", OUT / "pages_sample.db", build_sample_db)]
    if not args.sample_only:
        dbs.append(("1M people", OUT / "pages_1m.db", build_big_db))
    for name, path, build in dbs:
        if not path.exists():
            t = time.perf_counter()
            build(path)
            print(f"built {name} database in {time.perf_counter() - t:.0f} s")
        print(f"\n{name} database ({path.stat().st_size / 1e6:.0f} MB): median of 3, seconds")
        print(f"{'page':<22} {'cold':>6} {'warm':>6}")
        for page, cold, warm in time_pages(path):
            print(f"{page:<22} {cold:>6.2f} {warm:>6.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
