"""``python -m etl``: sample | load | batches | undo | redo | mappings | formats."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from etl.sources import KIND_LABEL
from rural import periods

STATUS = {"loaded": "已载入", "unchanged": "未改动", "failed": "失败"}
from etl.load import STATUS_LABEL as BATCH_STATUS  # noqa: E402  (the batch status words, defined once)



def _cells(*values) -> list[Text]:
    """Table cells as plain text: a file, sheet or township name is never read as Rich markup."""
    return [Text(str(v)) for v in values]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m etl", description="部门报表 → 数据库（写入端）")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="写出内置示例工作簿")
    s.add_argument("--out", default="data/samples", help="输出目录（默认 data/samples）")
    s.add_argument("--profile", help="示例数据配置（TOML），默认 data/sample_profiles/nanhua.toml")
    ld = sub.add_parser("load", help="载入一个或多个文件")
    ld.add_argument("files", nargs="+", type=Path)
    ld.add_argument("--db", help="数据库 URL（默认 DATABASE_URL 或 sqlite:///data/rural.db）")
    ld.add_argument("--kind", help="数据类型：monitoring、income、employment、welfare_posts、assistance、platform、"
                                   "projects、work、industry（或表格定义名，见 python -m etl formats）")
    ld.add_argument("--period", help="统计期：2023-04、2022、2023H1 或“2023年1-4月”")
    ld.add_argument("--map", action="append", default=[], metavar="列名=字段",
                    help="指定某列的含义（可重复），如 --map 人均可支配收入=人均纯收入；与 --kind 一起用，载入成功后保存为表头映射")
    b = sub.add_parser("batches", help="列出载入历史")
    b.add_argument("--db")
    for name, text in (("undo", "撤销一个批次（被它替代的批次恢复有效）"), ("redo", "恢复一个已撤销的批次")):
        u = sub.add_parser(name, help=text)
        u.add_argument("batch", type=int, help="批次号（见 batches）")
        u.add_argument("--db")
    mp = sub.add_parser("mappings", help="列出或删除已保存的表头映射")
    mp.add_argument("--db")
    mp.add_argument("--delete", type=int, metavar="编号", help="删除一个映射")
    fm = sub.add_parser("formats", help="按 data/reference 中的表格定义生成接受的报表格式说明（Markdown）")
    fm.add_argument("--out", type=Path, help="写入文件（默认输出到屏幕），如 docs/formats.md")
    return p


def cmd_sample(args, console: Console) -> int:
    from samplegen import write_samples

    files = write_samples(Path(args.out), Path(args.profile) if args.profile else None)
    for f in files:
        console.print(f"  {escape(str(f))}")
    console.print(f"已写出 {len(files)} 个示例文件到 {escape(str(args.out))}")
    return 0


def cmd_load(args, console: Console) -> int:
    from etl import mappings
    from etl.errors import LoadError
    from rural.db import make_engine

    engine = make_engine(args.db)
    try:
        columns_map = mappings.parse_cli(args.map)
    except LoadError as exc:
        console.print(f"[red]{escape(exc.text())}[/red]", highlight=False, soft_wrap=True)
        return 2
    if columns_map and not args.kind:
        console.print("[red]--map 需要与 --kind 一起使用（说明这是哪一类报表）。[/red]", highlight=False)
        return 2
    results = []
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,} 行"),
                  TimeRemainingColumn(), console=console, transient=True) as bar:
        tasks = {}

        def progress(label, done, total):
            if total < 20_000:
                return
            if label not in tasks:
                tasks[label] = bar.add_task(f"写入 {label}", total=total)
            bar.update(tasks[label], completed=done)

        for path in args.files:
            r = _load_one(engine, path, args, progress, columns_map)
            results.append(r)
            if r.status == "failed":
                console.print(f"[red]✗ {escape(r.file)} 载入失败：[/red]\n{escape(r.message)}", highlight=False, soft_wrap=True)
            for n in r.notes:
                console.print(f"  {escape(r.file)}：{escape(n)}", highlight=False, soft_wrap=True)
            for w in r.warnings:
                console.print(f"[yellow]提醒：{escape(w.text())}[/yellow]", highlight=False, soft_wrap=True)
            if r.status == "loaded" and columns_map and r.plan is not None:
                saved = _save_cli_mapping(engine, r.plan, columns_map)
                if saved:
                    console.print(f"  已保存表头映射 #{saved}：以后同样表头的报表会自动按此载入", highlight=False)
    table = Table(title="载入结果")
    for h in ("文件", "结果", "批次", "类型", "统计期", "范围", "读入行", "跳过行", "说明"):
        table.add_column(h, overflow="fold")
    for r in results:
        if not r.batches:
            note = "见上方错误说明" if r.status == "failed" else r.message
            table.add_row(*_cells(r.file, STATUS[r.status], "", "", "", "", "", "", note))
        for k, b in enumerate(r.batches):
            sup = f"替代批次 #{'、#'.join(map(str, b['superseded']))}" if b["superseded"] else ""
            if k == 0 and r.skipped_sheets:
                sup = "；".join(filter(None, [sup, f"未识别的工作表已跳过：{'、'.join(r.skipped_sheets)}"]))
            table.add_row(*_cells(r.file, STATUS[r.status], f"#{b['batch']}", KIND_LABEL[b["kind"]], periods.kind_label(b["kind"], b["period"]),
                          b["scope"], f"{b['rows_read']:,}", str(b["skipped"]), sup))
    console.print(table)
    failed = sum(r.status == "failed" for r in results)
    console.print(f"共 {len(results)} 个文件：载入 {sum(r.status == 'loaded' for r in results)}，"
                  f"未改动 {sum(r.status == 'unchanged' for r in results)}，失败 {failed}")
    return 1 if failed else 0


def _load_one(engine, path, args, progress, columns_map):
    """One file; whatever goes wrong with it is its own failure, and the next file still loads."""
    from etl.errors import Problem
    from etl.pipeline import FileResult, load_file

    from etl.service import audit_load

    try:
        result = load_file(engine, path, kind=args.kind, period=args.period, progress=progress, columns_map=columns_map or None)
    except Exception as exc:  # a bug or a database error: report it as this file's failure, never a traceback
        if os.environ.get("RURAL_DEBUG"):
            raise
        p = Problem(f"载入时出错（{type(exc).__name__}），数据库未作改动", file=Path(path).name,
                    hint="请重试；如仍出错，请设置 RURAL_DEBUG=1 查看详细信息并报告")
        result = FileResult(Path(path).name, "failed", p.text(), problems=[p])
    audit_load(engine, None, result)      # the audit log: loaded (or not) by the command line
    return result


def _save_cli_mapping(engine, plan, columns_map) -> int | None:
    """After a load with --map: save the mapping for each header it was used on."""
    from etl import mappings
    from rural import access

    saved = None
    for sp in plan.sheets:
        if sp.header:
            saved = mappings.save(engine, sp.header, sp.layout, columns_map, example_file=plan.file)
            access.audit(engine, None, "mapping_saved", f"表头映射 #{saved}", detail=f"{plan.file} / {sp.sheet}")
    return saved


def cmd_mappings(args, console: Console) -> int:
    from etl import mappings
    from rural import access
    from rural.db import make_engine

    engine = make_engine(args.db)
    if args.delete is not None:
        ok = mappings.remove(engine, args.delete)
        access.audit(engine, None, "mapping_deleted", f"表头映射 #{args.delete}", outcome="成功" if ok else "失败")
        console.print(f"已删除表头映射 #{args.delete}" if ok else f"没有表头映射 #{args.delete}", highlight=False)
        return 0 if ok else 1
    df = mappings.table(engine)
    if df.empty:
        console.print("还没有保存的表头映射。")
        return 0
    table = Table(title="已保存的表头映射")
    for h in df.columns:
        table.add_column(h, overflow="fold")
    for r in df.itertuples(index=False):
        table.add_row(*_cells(*r))
    console.print(table)
    return 0


def cmd_formats(args, console: Console) -> int:
    from etl.formats import formats_markdown

    text = formats_markdown()
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        console.print(f"已写出 {escape(str(args.out))}", highlight=False)
    else:
        print(text)
    return 0


def cmd_batches(args, console: Console) -> int:
    from etl.pipeline import list_batches
    from rural.db import make_engine

    df = list_batches(make_engine(args.db))
    if df.empty:
        console.print("数据库中还没有载入任何数据。")
        return 0
    table = Table(title="载入历史")
    for h in ("批次", "文件", "工作表", "类型", "统计期", "范围", "读入", "载入", "跳过", "载入时间", "状态", "SHA-256"):
        table.add_column(h, overflow="fold")
    for r in df.itertuples():
        table.add_row(*_cells(f"#{r.id}", r.file_name, r.sheet, KIND_LABEL.get(r.kind, r.kind), periods.kind_label(r.kind, r.period), r.scope,
                      f"{r.rows_read:,}", f"{r.rows_loaded:,}", f"{r.rows_rejected:,}", str(r.loaded_at),
                      BATCH_STATUS.get(r.status, r.status), r.sha256[:12]))
    console.print(table)
    return 0


def cmd_undo_redo(args, console: Console) -> int:
    from etl import service
    from etl.errors import LoadError
    from rural.db import make_engine

    engine = make_engine(args.db)
    try:
        message = (service.undo if args.command == "undo" else service.redo)(engine, args.batch)
    except LoadError as exc:
        console.print(f"[red]{escape(exc.text())}[/red]", highlight=False, soft_wrap=True)
        return 1
    console.print(escape(message), highlight=False, soft_wrap=True)
    return 0


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    probe = Console()
    console = Console(width=probe.width if probe.is_terminal else 200)
    if args.command in ("load", "undo", "redo", "mappings"):
        from rural import keys
        from rural.db import make_engine

        try:
            keys.check_keys(make_engine(args.db), first_run=args.command == "load")   # the first load may make the keys
        except keys.KeyProblem as exc:
            console.print(f"[red]{escape(exc.text)}[/red]", highlight=False, soft_wrap=True)
            return 2
    try:
        return {"sample": cmd_sample, "load": cmd_load, "batches": cmd_batches, "undo": cmd_undo_redo,
                "redo": cmd_undo_redo, "mappings": cmd_mappings, "formats": cmd_formats}[args.command](args, console)
    except KeyboardInterrupt:
        console.print("已中断。")
        return 130
    except Exception as exc:  # never a traceback for a user; RURAL_DEBUG=1 shows it
        if os.environ.get("RURAL_DEBUG"):
            raise
        console.print(f"[red]出错了：{type(exc).__name__}：{escape(str(exc))}[/red]（设置 RURAL_DEBUG=1 可查看详细信息）", highlight=False)
        return 2


if __name__ == "__main__":
    sys.exit(main())
