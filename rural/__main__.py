"""``python -m rural``: summary (and, later, brief)."""
from __future__ import annotations

import argparse
import json
import os
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m rural", description="乡村振兴指标看板（读取端）")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("summary", help="打印主要指标")
    s.add_argument("--db", help="数据库 URL（默认 DATABASE_URL 或 sqlite:///data/rural.db）")
    s.add_argument("--as-of", help="统计时点，如 2023-06（默认最新）")
    s.add_argument("--township", help="乡镇（默认全县）")
    s.add_argument("--county", help="县（数据库中只有一个县时可省略）")
    s.add_argument("--json", action="store_true", help="输出 JSON")
    return p


def cmd_summary(args) -> int:
    from etl.parse import parse_period_arg
    from rural import periods
    from rural.db import make_engine
    from rural.indicators import Scope, summary
    from rural.report import summary_text

    engine = make_engine(args.db)
    as_of = periods.end_month(parse_period_arg(args.as_of)) if args.as_of else None
    data = summary(engine, Scope(as_of, args.township, args.county))
    if data["county"] is None:
        print("数据库中还没有数据。请先运行：python -m etl sample && python -m etl load data/samples/*", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(summary_text(data))
    return 0


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"summary": cmd_summary}[args.command](args)
    except Exception as exc:
        if os.environ.get("RURAL_DEBUG"):
            raise
        print(f"出错了：{type(exc).__name__}：{exc}（设置 RURAL_DEBUG=1 可查看详细信息）", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
