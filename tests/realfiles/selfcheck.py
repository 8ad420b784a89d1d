"""Build every real-file fixture into a temporary folder and prove each file is readable.

    .venv/bin/python -m tests.realfiles.selfcheck [--keep DIR]

Reads .xlsx with openpyxl, .xls with python-calamine, .csv with the csv module (UTF-8/BOM, else GBK);
prints one line per fixture: files, data rows written, non-empty rows read, expected keys.
Does not run the loader.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

from tests.realfiles import ALL, META_KEYS, build, figures


def read_rows(path: Path) -> tuple[int, str]:
    """(non-empty rows over all sheets, how it was read)."""
    if path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        n, states = 0, []
        for ws in wb.worksheets:
            states.append(f"{ws.title}{'(hidden)' if ws.sheet_state != 'visible' else ''}")
            n += sum(1 for r in ws.iter_rows(values_only=True) if any(v not in (None, "") for v in r))
        wb.close()
        return n, "openpyxl " + ",".join(states)
    if path.suffix == ".xls":
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        n = 0
        for name in wb.sheet_names:
            n += sum(1 for r in wb.get_sheet_by_name(name).to_python() if any(v not in (None, "") for v in r))
        return n, "calamine " + ",".join(wb.sheet_names)
    if path.suffix == ".csv":
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gbk"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        bom = "+BOM" if raw.startswith(b"\xef\xbb\xbf") else ""
        rows = list(csv.reader(text.splitlines()))
        return sum(1 for r in rows if any(c.strip() for c in r)), f"csv {enc if enc == 'gbk' else 'utf-8' + bom}"
    raise ValueError(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", help="build into this folder instead of a temporary one")
    args = ap.parse_args()
    tmp = None
    base = Path(args.keep) if args.keep else Path(tmp := tempfile.mkdtemp(prefix="realfiles_"))
    problems = 0
    print(f"{'fixture':34} {'files':>5} {'written':>7} {'read':>6} {'keys':>4}  how")
    for name in ALL:
        fx = build(name, base / name)
        json.dumps(fx.expected, ensure_ascii=False)     # plain data only
        assert set(fx.expected) - set(figures(fx.expected)) <= META_KEYS
        written = sum(fx.rows.values())
        read, hows = 0, []
        for f in fx.files:
            if not f.exists() or f.stat().st_size == 0:
                problems += 1
                print(f"  !! {f} missing or empty")
                continue
            n, how = read_rows(f)
            read += n
            hows.append(f"{f.suffix}:{how}")
        if read < written:
            problems += 1
            print(f"  !! {name}: read {read} non-empty rows, fewer than the {written} data rows written")
        kind = "refused" if fx.expected.get("refused") else ("refused file" if "refused_files" in fx.expected else "")
        print(f"{name:34} {len(fx.files):>5} {written:>7} {read:>6} {len(figures(fx.expected)):>4}  "
              f"{'; '.join(hows)}{'  [' + kind + ']' if kind else ''}")
    print(f"{len(ALL)} fixtures built in {base}; {problems} problem(s)")
    if tmp:
        import shutil

        shutil.rmtree(tmp)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
