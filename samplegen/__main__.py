"""``python -m samplegen [--out DIR] [--profile TOML]``: write the sample workbooks."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from samplegen import write_samples


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m samplegen", description="写出内置示例工作簿")
    p.add_argument("--out", default="data/samples", help="输出目录（默认 data/samples）")
    p.add_argument("--profile", help="示例数据配置（TOML），默认 data/sample_profiles/nanhua.toml")
    args = p.parse_args(argv)
    files = write_samples(Path(args.out), Path(args.profile) if args.profile else None)
    for f in files:
        print(f"  {f}")
    print(f"已写出 {len(files)} 个示例文件到 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
