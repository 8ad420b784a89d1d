"""``python -m rural``: summary (and, later, brief)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m rural", description="乡村振兴指标看板（读取端）")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("summary", help="打印主要指标")
    s.add_argument("--db", help="数据库 URL（默认 DATABASE_URL 或 sqlite:///data/rural.db）")
    s.add_argument("--as-of", help="统计时点，如 2023-06（默认最新）")
    s.add_argument("--township", help="乡镇（默认全县）")
    s.add_argument("--county", help="县（数据库中只有一个县时可省略）")
    s.add_argument("--json", action="store_true", help="输出 JSON")
    b = sub.add_parser("brief", help="生成汇报材料（Word），可同时生成 Excel、幻灯片和图片")
    b.add_argument("--db")
    b.add_argument("--as-of", help="统计时点（默认最新）")
    b.add_argument("--compare", help="对比时点（默认两个月前的上次会议；none 表示不对比）")
    b.add_argument("--township", help="乡镇（默认全县）")
    b.add_argument("--county")
    b.add_argument("--out", required=True, type=Path, help="Word 文件路径，如 /tmp/汇报.docx")
    b.add_argument("--xlsx", type=Path, help="同时写出 Excel 数据表")
    b.add_argument("--pptx", type=Path, help="同时写出幻灯片")
    b.add_argument("--pictures", type=Path, help="同时写出图片（PNG 300dpi 和 SVG）到该目录")
    return p


def cmd_summary(args) -> int:
    from rural import periods
    from rural.db import make_engine
    from rural.indicators import Scope, summary
    from rural.report import summary_text

    engine = make_engine(args.db)
    as_of = periods.end_month(periods.parse_period_arg(args.as_of)) if args.as_of else None
    data = summary(engine, Scope(as_of, args.township, args.county))
    if data["county"] is None:
        print("数据库中还没有数据。请先运行：python -m etl sample && python -m etl load data/samples/*", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(summary_text(data))
    return 0


def cmd_brief(args) -> int:
    from rural import briefing, periods
    from rural.db import make_engine
    from rural.indicators import Scope, county_of

    engine = make_engine(args.db)
    if county_of(engine, args.county) is None:
        print("数据库中还没有数据，无法生成汇报材料。", file=sys.stderr)
        return 1
    as_of = periods.end_month(periods.parse_period_arg(args.as_of)) if args.as_of else None
    compare = "auto" if not args.compare else None if args.compare.lower() == "none" else \
        periods.end_month(periods.parse_period_arg(args.compare))

    def progress(text, frac):
        print(f"[{frac * 100:5.1f}%] {text}", file=sys.stderr)

    pack = briefing.build_pack(engine, Scope(as_of, args.township, args.county), compare, progress)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(pack.docx)
    written = [args.out]
    if args.xlsx:
        args.xlsx.write_bytes(pack.xlsx)
        written.append(args.xlsx)
    if args.pptx:
        args.pptx.write_bytes(pack.pptx)
        written.append(args.pptx)
    if args.pictures:
        args.pictures.mkdir(parents=True, exist_ok=True)
        for k, (key, (png, svg)) in enumerate(pack.pictures.items(), start=1):
            stem = f"{k:02d}_{briefing.FIGURE_NAMES.get(key, key)}"
            (args.pictures / f"{stem}.png").write_bytes(png)
            (args.pictures / f"{stem}.svg").write_bytes(svg)
        written.append(args.pictures)
    print(pack.briefing.title)
    print(pack.briefing.as_of_line)
    for path in written:
        print(f"已写出：{path}")
    return 0


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"summary": cmd_summary, "brief": cmd_brief}[args.command](args)
    except Exception as exc:
        if os.environ.get("RURAL_DEBUG"):
            raise
        print(f"出错了：{type(exc).__name__}：{exc}（设置 RURAL_DEBUG=1 可查看详细信息）", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
