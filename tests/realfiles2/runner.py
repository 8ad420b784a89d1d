"""Load every fixture of this set into a fresh SQLite database through the real CLI and compare.

    .venv/bin/python -m tests.realfiles2.runner [NAME ...] [--keep DIR] [--json REPORT.json]

For each ``build_<name>(dir) -> Fixture`` in this package: write the files, run
``python -m etl load FILE --db sqlite:///…`` once per file in order, check which files were refused and
what the loader said, run ``python -m rural summary --json`` (plus ``--township`` / ``--as-of`` variants)
and compare the dotted / bracket paths, and look for every personal value the builder wrote (names, ID
numbers, phone numbers) in the database (``sqlite3`` iterdump) and in the loader's output.

Meta keys of ``expected``:
  refused           True: every file must be refused (when refused_files is not given)
  refused_files     names of the files that must be refused; all others must load
  message_contains  strings that must appear in the output of the refused files ("a|b" = a or b)
  warns             strings that must appear in the output of the loaded files ("a|b" = a or b)
  summary_args      extra arguments for ``rural summary``
  by_township       {township: {path: value}}  checked with ``--township``
  also_as_of        {period: {path: value}}    checked with ``--as-of``
Other keys are summary paths: ``a.b.c`` or ``employment[NAME].field`` (also assistance[...] and
industry[...]; an exact name first, else the first name containing NAME). Floats compare within 0.005.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from ._common import META_KEYS

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
MODULES = ["monitoring", "income", "employment", "assistance", "projects", "work", "second_county", "refusals"]
TOL = 0.005


def fixtures():
    out = []
    for m in MODULES:
        mod = importlib.import_module(f"{__package__}.{m}")
        for name in dir(mod):
            if name.startswith("build_"):
                out.append((name[len("build_"):], getattr(mod, name)))
    return out


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "250", "NO_COLOR": "1"}
    return subprocess.run([PY, *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)


def lookup(summary: dict, key: str):
    if "[" in key:
        section, rest = key.split("[", 1)
        name, fld = rest.split("].", 1)
        lists = {"employment": summary["employment"]["indicators"], "assistance": summary["assistance"]["types"],
                 "industry": summary["industry"]["items"]}[section]
        exact = [r for r in lists if r.get("name") == name]
        matches = exact or [r for r in lists if name in (r.get("name") or "")]
        if not matches:
            raise KeyError(f"no item named {name} in {section} (have: {[r.get('name') for r in lists]})")
        return matches[0][fld]
    value = summary
    for part in key.split("."):
        if value is None:
            raise KeyError(f"{part} (parent is null)")
        value = value[part]
    return value


def same(expected, actual) -> bool:
    if expected is None:
        return actual is None
    if isinstance(expected, str):
        return expected == actual
    if actual is None or isinstance(actual, (str, bool)):
        return False
    if isinstance(expected, float) or isinstance(actual, float):
        return abs(float(actual) - float(expected)) <= TOL
    return actual == expected


def any_in(spec: str, text: str) -> bool:
    return any(alt in text for alt in spec.split("|"))


def compare(summary: dict, checks: dict, label: str) -> list[str]:
    wrong = []
    for key, exp in checks.items():
        try:
            got = lookup(summary, key)
        except (KeyError, TypeError, IndexError) as exc:
            wrong.append(f"{label}{key}: expected {exp!r}, missing ({exc})")
            continue
        if not same(exp, got):
            wrong.append(f"{label}{key}: expected {exp!r}, got {got!r}")
    return wrong


def summary(url: str, *extra: str):
    p = run("-m", "rural", "summary", "--db", url, "--json", *extra)
    if p.returncode != 0:
        return None, (p.stdout + p.stderr).strip()
    try:
        return json.loads(p.stdout), ""
    except json.JSONDecodeError:
        return None, p.stdout[-500:]


def check_fixture(name: str, build, base: Path) -> dict:
    d = base / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    fx = build(d)
    db = d / "test.db"
    url = f"sqlite:///{db}"
    exp = fx.expected
    problems: list[str] = []
    loads = []
    for f in fx.files:
        p = run("-m", "etl", "load", str(f), "--db", url)
        loads.append({"file": f.name, "rc": p.returncode, "out": (p.stdout + p.stderr)})
    must_fail = set(exp.get("refused_files") or ([f.name for f in fx.files] if exp.get("refused") else []))
    for ld in loads:
        failed = ld["rc"] != 0
        if ld["file"] in must_fail and not failed:
            problems.append(f"{ld['file']}: expected to be refused, but it loaded")
        elif ld["file"] not in must_fail and failed:
            problems.append(f"{ld['file']}: refused: {message_of(ld['out'], 1500)}")
    refused_out = "\n".join(ld["out"] for ld in loads if ld["file"] in must_fail)
    for spec in exp.get("message_contains", []):
        if must_fail and not any_in(spec, refused_out):
            problems.append(f"refusal message lacks {spec!r}: {message_of(refused_out)}")
    loaded_out = "\n".join(ld["out"] for ld in loads if ld["file"] not in must_fail)
    for spec in exp.get("warns", []):
        if not any_in(spec, loaded_out):
            problems.append(f"no warning {spec!r}")
    checks = {k: v for k, v in exp.items() if k not in META_KEYS}
    args = exp.get("summary_args", [])
    if checks or exp.get("by_township") or exp.get("also_as_of"):
        s, err = summary(url, *args)
        if s is None:
            problems.append(f"summary failed: {err[-300:]}")
        else:
            problems += compare(s, checks, "")
            for tw, c in (exp.get("by_township") or {}).items():
                st, err = summary(url, *args, "--township", tw)
                problems += compare(st, c, f"[{tw}] ") if st else [f"[{tw}] summary failed: {err[-300:]}"]
            for per, c in (exp.get("also_as_of") or {}).items():
                sp, err = summary(url, *args, "--as-of", per)
                problems += compare(sp, c, f"[as of {per}] ") if sp else [f"[as of {per}] summary failed: {err[-300:]}"]
    # personal values
    dump = ""
    if db.exists():
        with sqlite3.connect(db) as conn:
            dump = "\n".join(conn.iterdump())
    all_out = "\n".join(ld["out"] for ld in loads)
    leaks_db = sorted(v for v in fx.personal if v in dump)
    leaks_out = sorted(v for v in fx.personal if v in all_out)
    if leaks_db:
        problems.append(f"personal values in the database ({len(leaks_db)}): {leaks_db[:6]}")
    if leaks_out:
        problems.append(f"personal values in the loader's output ({len(leaks_out)}): {leaks_out[:6]}")
    return {"name": name, "ok": not problems, "problems": problems, "notes": fx.notes,
            "loads": [{"file": ld["file"], "rc": ld["rc"], "output": message_of(ld["out"], None)}
                      for ld in loads]}


def message_of(out: str, limit: int | None = 1500) -> str:
    """The loader's explanation, without the table frame."""
    lines = [ln.strip() for ln in out.splitlines() if ln.strip() and not set(ln.strip()) <= set("─━┏┓┗┛┡┩┃│┳┻╇┼┠┨└┘┌┐├┤┬┴ ")]
    keep = [ln for ln in lines if not ln.startswith(("┃ 文件", "载入结果"))]
    text = " ⏎ ".join(keep)
    return text if limit is None or len(text) <= limit else text[:limit] + " …"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--keep", help="write the files and databases here (kept)")
    ap.add_argument("--json", help="write the full report here")
    a = ap.parse_args(argv)
    todo = [(n, b) for n, b in fixtures() if not a.names or n in a.names]
    base_ctx = None
    if a.keep:
        base = Path(a.keep)
        base.mkdir(parents=True, exist_ok=True)
    else:
        base_ctx = tempfile.TemporaryDirectory(prefix="realfiles2_")
        base = Path(base_ctx.name)
    results = []
    for n, b in todo:
        try:
            r = check_fixture(n, b, base)
        except Exception as exc:  # a builder bug is reported, not hidden
            r = {"name": n, "ok": False, "problems": [f"builder error: {exc!r}"], "notes": "", "loads": []}
        results.append(r)
        print(("PASS " if r["ok"] else "FAIL ") + n, flush=True)
        for p in r["problems"]:
            print("    " + p, flush=True)
    print(f"{sum(r['ok'] for r in results)}/{len(results)} fixtures pass")
    if a.json:
        Path(a.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if base_ctx:
        base_ctx.cleanup()
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
