"""``python -m rural``: summary, brief; users, audit and keys (accounts, the audit log, the installation's secrets)."""
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
    _users_parser(sub)
    a = sub.add_parser("audit", help="打印审计日志（或导出为 Excel）")
    a.add_argument("--db")
    a.add_argument("--account", help="只看该账号")
    a.add_argument("--action", help="只看该操作（如 sign_in 或 登录）")
    a.add_argument("--since", type=_date_arg, help="起始日期 YYYY-MM-DD（含）")
    a.add_argument("--until", type=_date_arg, help="截止日期 YYYY-MM-DD（含）")
    a.add_argument("--limit", type=int, help="最多多少条（最新的在前）")
    a.add_argument("--xlsx", type=Path, help="写成 Excel 文件，而不打印")
    k = sub.add_parser("keys", help="密钥：生成密钥文件、标记示例数据库、检查密钥")
    ks = k.add_subparsers(dest="keys_command", required=True)
    ki = ks.add_parser("init", help="生成密钥文件（随机密钥，权限 0600，不覆盖已有文件）")
    ki.add_argument("--file", type=Path, help="密钥文件路径（默认 RURAL_KEYS_FILE 或 ~/.config/rural-dashboard/keys.toml）")
    km = ks.add_parser("mark-sample", help="把数据库标记为内置示例数据库（可使用公开的示例密钥）")
    km.add_argument("--db")
    kc = ks.add_parser("check", help="检查该数据库能否使用当前的密钥")
    kc.add_argument("--db")
    kr = ks.add_parser("rekey-archive", help="把旧版本加密的原始文件改用现在的原始文件加密密钥")
    kr.add_argument("--dir", type=Path, help="原始文件目录（默认 RURAL_ARCHIVE_DIR 或 data/archive）")
    return p


def _date_arg(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 YYYY-MM-DD，如 2023-06-01，而不是 {text!r}") from None


def _users_parser(sub) -> None:
    u = sub.add_parser("users", help="账号：新建、列出、重设密码、停用、启用、修改角色、演示账号")
    us = u.add_subparsers(dest="users_command", required=True)

    def add(name, help_text, *, account=True, scope=False):
        c = us.add_parser(name, help=help_text)
        if account:
            c.add_argument("name", metavar="NAME", help="账号名")
        if scope:
            c.add_argument("--role", required=True, help="admin（管理员）、clerk（录入员）、county_viewer（县级查看）、"
                                                         "township_viewer（乡镇查看），或其中文名")
            c.add_argument("--county", help="县（不指定：全部县）")
            c.add_argument("--township", help="乡镇（录入员、乡镇查看；不指定：全县）")
        c.add_argument("--db")
        return c

    add("add", "新建账号（打印一次生成的密码）", scope=True).add_argument("--display-name", default="", help="显示名称（如 龙川镇干部）")
    add("list", "列出账号", account=False)
    add("passwd", "重设密码（打印一次新密码；结束该账号的所有登录）")
    add("disable", "停用账号（结束其所有登录）")
    add("enable", "启用账号（并解除锁定）")
    add("role", "修改角色和范围", scope=True)
    add("demo", "在内置示例数据库上建立演示账号（打印一次各自的密码）", account=False)


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


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _plain(value) -> str:
    """A cell as terminal text: control characters (a file name's escape sequences) shown as �."""
    text = "" if value is None else str(value)
    return "".join("�" if ord(ch) < 32 or 127 <= ord(ch) < 160 else ch for ch in text)


def text_table(headers: list[str], rows: list[list]) -> str:
    """Columns padded to their display width (Chinese characters count two): plain text, never Markdown."""
    cells = [[_plain(v) for v in row] for row in [headers, *rows]]
    widths = [max(_width(r[c]) for r in cells) for c in range(len(headers))]
    return "\n".join("  ".join(v + " " * (widths[c] - _width(v)) for c, v in enumerate(r)).rstrip() for r in cells)


def cmd_users(args) -> int:
    from rural import auth
    from rural.db import make_engine

    engine = make_engine(args.db)
    c = args.users_command
    if c == "add":
        password = auth.create_account(engine, args.name, args.role, county=args.county, township=args.township,
                                       display_name=args.display_name, by=auth.CLI)
        row = next(a for a in auth.list_accounts(engine) if a["name"] == args.name)
        print(f"已新建账号 {args.name}（{row['role_name']}，{row['scope']}）。密码只显示这一次，请转交本人并提醒尽快修改：")
        print(password)
    elif c == "list":
        accounts = auth.list_accounts(engine)
        if not accounts:
            print("还没有账号。新建管理员：python -m rural users add admin --role admin")
            return 0
        print(text_table(["账号", "显示名称", "角色", "范围", "状态", "登录方式"], [
            [a["name"], a["display_name"], a["role_name"], a["scope"],
             "已停用" if a["disabled"] else "已锁定" if a["locked"] else "正常",
             "、".join(w for w, on in (("密码", a["has_password"]), ("统一身份认证", a["oidc"])) if on)] for a in accounts]))
    elif c == "passwd":
        password = auth.set_password(engine, args.name, by=auth.CLI)
        print(f"已重设账号 {args.name} 的密码（其所有登录已结束）。新密码只显示这一次：")
        print(password)
    elif c == "disable":
        auth.disable(engine, args.name, by=auth.CLI)
        print(f"已停用账号 {args.name}，其所有登录已结束")
    elif c == "enable":
        auth.enable(engine, args.name, by=auth.CLI)
        print(f"已启用账号 {args.name}")
    elif c == "role":
        auth.set_role(engine, args.name, args.role, args.county, args.township, by=auth.CLI)
        row = next(a for a in auth.list_accounts(engine) if a["name"] == args.name)
        print(f"账号 {args.name} 现在是{row['role_name']}（{row['scope']}）")
    elif c == "demo":
        made = auth.create_demo_accounts(engine, by=auth.CLI)
        if not made:
            print("演示账号已存在（admin、clerk、leader、township）；如需新密码：python -m rural users passwd 账号名")
            return 0
        print("已建立演示账号（密码只显示这一次，请记下）：")
        print(text_table(["账号", "角色", "范围", "密码"], [[m["name"], m["role_name"], m["scope"], m["password"]] for m in made]))
    return 0


def cmd_audit(args) -> int:
    from rural import audit
    from rural.db import make_engine

    engine = make_engine(args.db)
    filters = dict(account=args.account, action=args.action, since=args.since, until=args.until, limit=args.limit)
    if args.xlsx:
        args.xlsx.parent.mkdir(parents=True, exist_ok=True)
        args.xlsx.write_bytes(audit.entries_xlsx(engine, **filters))
        print(f"已写出：{args.xlsx}")
        return 0
    df = audit.entries(engine, **filters)
    if df.empty:
        print("审计日志中没有符合条件的记录")
        return 0
    print(text_table(list(df.columns), df.values.tolist()))
    return 0


def cmd_keys(args) -> int:
    from rural import keys

    c = args.keys_command
    if c == "init":
        path = keys.generate_keys_file(args.file)
        print(f"已生成密钥文件 {path}（权限 0600）。请与数据库分开备份；其中的户编码密钥在载入数据后不要再更换。")
        if args.file and Path(args.file).expanduser() != keys.keys_file():
            print(f"看板和命令行默认读取 {keys.keys_file()}：请设置环境变量 RURAL_KEYS_FILE={path}")
        return 0
    if c == "rekey-archive":
        from rural.settings import ROOT

        directory = args.dir or Path(os.environ.get("RURAL_ARCHIVE_DIR") or ROOT / "data" / "archive")
        done, current, unreadable = keys.reencrypt_legacy_archive(directory)
        print(f"{directory}：改用新密钥 {done} 个，已是新密钥 {current} 个，无法解密 {unreadable} 个")
        return 1 if unreadable else 0
    from rural.db import make_engine

    engine = make_engine(args.db)
    url = engine.url.render_as_string(hide_password=True)
    if c == "mark-sample":
        keys.mark_sample(engine)
        print(f"已将数据库 {url} 标记为内置示例数据库（可使用公开的示例密钥；不要对正式数据库这样做）")
        return 0
    keys.check_keys(engine)
    print(f"密钥检查通过：{url}" + ("（内置示例数据库）" if keys.is_sample(engine) else ""))
    return 0


def main(argv=None) -> int:
    from rural.access import Denied
    from rural.auth import AccountError
    from rural.keys import KeyProblem

    args = _parser().parse_args(argv)
    commands = {"summary": cmd_summary, "brief": cmd_brief, "users": cmd_users, "audit": cmd_audit, "keys": cmd_keys}
    try:
        if args.command in ("summary", "brief"):
            from rural import keys
            from rural.db import make_engine

            keys.check_keys(make_engine(args.db))       # a county's database never runs with sample or no keys
        return commands[args.command](args)
    except (AccountError, Denied, KeyProblem) as exc:
        print(exc.text, file=sys.stderr)
        return 1
    except Exception as exc:
        if os.environ.get("RURAL_DEBUG"):
            raise
        if isinstance(exc, ValueError) and args.command in ("users", "audit", "keys"):
            print(str(exc), file=sys.stderr)   # rural.audit's own messages (an unknown action …)
            return 1
        print(f"出错了：{type(exc).__name__}：{exc}（设置 RURAL_DEBUG=1 可查看详细信息）", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
