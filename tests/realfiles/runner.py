"""Run the project's loader on every real-file fixture and compare with the expected figures.

    .venv/bin/python -m tests.realfiles.runner [NAME ...] [--json OUT]

Not a pytest module (the loader is being rewritten): a convenience for whoever writes those tests, and the
reference for the conventions in README.md — each fixture gets a fresh SQLite database, its files are
loaded one `python -m etl load FILE` call per file, in list order; then `python -m rural summary --json`
(with expected["summary_args"]) is compared with the expected figures.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from tests.realfiles import ALL, build, figures

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "250"}
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)


def lookup(summary: dict, key: str):
    """As ../shared/tools/check_figures.py: 'a.b', 'employment[NAME].x', 'assistance[NAME].x', 'industry[NAME].x'."""
    if "[" in key:
        section, rest = key.split("[", 1)
        name, field = rest.split("].", 1)
        lists = {"employment": summary["employment"]["indicators"], "assistance": summary["assistance"]["types"],
                 "industry": summary["industry"]["items"]}[section]
        matches = [row for row in lists if name in row.get("name", "")]
        if not matches:
            raise KeyError(f"no item named {name} in {section}")
        return matches[0][field]
    value = summary
    for part in key.split("."):
        value = value[part]
    return value


def same(expected, actual) -> bool:
    if isinstance(expected, (str, bool)) or expected is None:
        return expected == actual
    if actual is None or isinstance(actual, (str, bool)):
        return False
    return Decimal(str(expected)) == Decimal(str(actual))


def compare(summary: dict, exp: dict) -> list[str]:
    wrong = []
    for key, want in figures(exp).items():
        try:
            got = lookup(summary, key)
        except (KeyError, TypeError, IndexError) as e:
            wrong.append(f"{key}: missing ({e})")
            continue
        if not same(want, got):
            wrong.append(f"{key}: expected {want}, got {got}")
    return wrong


def summary(url: str, *extra: str) -> tuple[dict | None, str]:
    p = run("-m", "rural", "summary", "--db", url, "--json", *extra)
    if p.returncode != 0:
        return None, (p.stdout + p.stderr).strip()
    try:
        return json.loads(p.stdout), ""
    except json.JSONDecodeError:
        return None, p.stdout.strip()[:500]


def check_fixture(fx, work: Path) -> dict:
    exp = fx.expected
    url = f"sqlite:///{work / 'x.db'}"
    loads, problems = [], []
    refused_files = set(exp.get("refused_files", []))
    for f in fx.files:
        p = run("-m", "etl", "load", str(f), "--db", url)
        out = p.stdout + p.stderr
        loads.append({"file": f.name, "rc": p.returncode, "output": out[:6000]})
        must_fail = exp.get("refused") or f.name in refused_files
        if must_fail:
            if p.returncode == 0:
                problems.append(f"{f.name}: loaded, should be refused")
            missing = [w for w in exp.get("message_contains", []) if w not in out]
            if p.returncode != 0 and missing:
                problems.append(f"{f.name}: refused, but message lacks {missing}")
        elif p.returncode != 0:
            problems.append(f"{f.name}: refused: {tail(out)}")
        if "Traceback" in out:
            problems.append(f"{f.name}: Traceback in output")
        for w in exp.get("warns", []):
            if not must_fail and p.returncode == 0 and w not in out:
                problems.append(f"{f.name}: no warning containing {w!r}")
    if figures(exp):
        args = exp.get("summary_args", [])
        s, err = summary(url, *args)
        if s is None:
            problems.append(f"summary failed: {tail(err)}")
        else:
            problems += compare(s, exp)
            for t, sub in exp.get("by_township", {}).items():
                st, err = summary(url, *args, "--township", t)
                problems += [f"[{t}] {w}" for w in (compare(st, sub) if st else [f"summary failed: {tail(err)}"])]
            for as_of, sub in exp.get("also_as_of", {}).items():
                sa, err = summary(url, *args, "--as-of", as_of)
                problems += [f"[as of {as_of}] {w}" for w in (compare(sa, sub) if sa else [f"summary failed: {tail(err)}"])]
    return {"name": fx.name, "ok": not problems, "problems": problems, "loads": loads}


def tail(text: str, width: int = 400) -> str:
    """The loader's first error line (and how many there were), else the last meaningful line."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith(("文件“", "出错了", "错误"))]
    if errors:
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        return errors[0][:width] + more
    plain = [ln for ln in lines if not ln.startswith(("│", "┃", "┏", "┡", "└", "━", "─")) and "载入结果" not in ln]
    return " | ".join(plain[-2:])[:width]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--json", help="write the full results here")
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="realfiles_run_") as tmp:
        for name in args.names or list(ALL):
            work = Path(tmp) / name
            fx = build(name, work / "files")
            r = check_fixture(fx, work)
            results.append(r)
            print(f"{'PASS' if r['ok'] else 'FAIL'} {name}")
            for p in r["problems"][:8]:
                print(f"     {p}")
            if len(r["problems"]) > 8:
                print(f"     … {len(r['problems']) - 8} more")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{sum(r['ok'] for r in results)}/{len(results)} fixtures as expected")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
