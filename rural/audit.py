"""The audit log: who did what, when, to which object, in which scope, with which outcome.

Each :func:`record` is its own short transaction on its own connection, so a row lands even when the
audited action then fails (call it outside a write transaction: on SQLite it would wait for that
transaction's lock). Nothing personal is ever written: a record whose text looks like an ID number or a
mobile number is refused with ``ValueError`` (name accounts, batches and files, never people).
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from rural.access import ROLE_NAMES, Principal
from rural.db import Account, AuditEntry

AUDIT = AuditEntry.__table__

ACTIONS = {
    "sign_in": "登录",
    "sign_in_failed": "登录失败",
    "sign_out": "退出登录",
    "locked": "账号锁定",
    "upload_checked": "检查上传文件",
    "batch_loaded": "载入批次",
    "batch_replaced": "替代批次",
    "batch_undone": "撤销批次",
    "batch_redone": "恢复批次",
    "mapping_saved": "保存表头映射",
    "mapping_deleted": "删除表头映射",
    "export": "导出",
    "download_original": "下载原始文件",
    "account_created": "新建账号",
    "account_changed": "修改账号",
    "role_changed": "修改角色",
    "password_changed": "修改密码",
    "account_disabled": "停用账号",
    "settings_changed": "修改设置",
    "indicator_added": "添加指标",
}
OK, FAILED, DENIED = "成功", "失败", "拒绝"
ANONYMOUS = "（未登录）"
COLUMNS = ["时间", "账号", "角色", "操作", "对象", "范围", "结果", "说明"]

# An 18-character ID number, an 11-digit mobile (optionally +86, spaces or hyphens between groups), standing
# as a number of its own (not inside a longer run of letters and digits such as a SHA-256).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9A-Za-z])")


def looks_personal(text) -> bool:
    """Whether ``text`` holds something that looks like an ID number or a mobile number."""
    return isinstance(text, str) and bool(_ID_NUMBER.search(text) or _MOBILE.search(text))


def action_names() -> dict[str, str]:
    """Every action's key and Chinese name, in the vocabulary's order (for a filter's choices)."""
    return dict(ACTIONS)


def action_key(action: str) -> str:
    """An action's key from its key or its Chinese name; ``ValueError`` for anything else."""
    from rural.reference import key_of

    key = key_of(action, ACTIONS)
    if key is not None:
        return key
    raise ValueError(f"未知的审计操作：{action}（可选：{'、'.join(f'{k} {v}' for k, v in ACTIONS.items())}）")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _who(engine: Engine, who) -> tuple[str | None, str]:
    """(account, role) of a Principal, an account name (its role looked up; "" for 命令行 and the like) or None."""
    if who is None:
        return None, ""
    if isinstance(who, Principal):
        return who.account, who.role
    acc = Account.__table__
    with engine.connect() as conn:
        role = conn.execute(select(acc.c.role).where(acc.c.name == str(who))).scalar()
    return str(who), role or ""


def record(engine: Engine, who, action: str, object: str = "", *, outcome: str = OK, scope: str = "",
           detail: str = "") -> int:
    """Write one audit row now, in its own transaction; returns its id. ``who``: a Principal, an account
    name (or 命令行 / 系统) or None (not signed in). ``ValueError`` for an unknown action or a personal value."""
    action = action_key(action)
    account, role = _who(engine, who)
    for label, value in (("账号", account), ("对象", object), ("范围", scope), ("说明", detail), ("结果", outcome)):
        if looks_personal(value):
            raise ValueError(f"审计日志不记录个人信息：{label}中有像身份证号或手机号的内容")
    row = dict(at=_now(), account=account, role=role, action=action, object=str(object or "")[:255],
               scope=str(scope or "")[:100], outcome=str(outcome or "")[:20], detail=str(detail or "")[:2000])
    with engine.begin() as conn:
        return conn.execute(AUDIT.insert().values(**row)).inserted_primary_key[0]


def _utc(moment, end: bool = False) -> datetime:
    """A date ("YYYY-MM-DD", a date: local midnight; the next midnight when ``end``) or a datetime (naive: local
    time) as naive UTC, as stored."""
    if isinstance(moment, str):
        moment = date.fromisoformat(moment.strip())
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment + timedelta(days=1) if end else moment, time.min)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _local(at: datetime) -> str:
    return at.replace(tzinfo=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def entries(engine: Engine, *, account: str | None = None, action: str | None = None, since=None, until=None,
            limit: int | None = None) -> pd.DataFrame:
    """The log, newest first, with Chinese columns (时间 in the server's local time). ``since`` / ``until``:
    dates (both days included) or datetimes; ``action``: a key or its Chinese name."""
    q = select(AUDIT).order_by(AUDIT.c.at.desc(), AUDIT.c.id.desc())
    if account:
        q = q.where(AUDIT.c.account == account)
    if action:
        q = q.where(AUDIT.c.action == action_key(action))
    if since:
        q = q.where(AUDIT.c.at >= _utc(since))
    if until:
        q = q.where(AUDIT.c.at < _utc(until, end=True))
    if limit:
        q = q.limit(int(limit))
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame([[_local(r.at), r.account or ANONYMOUS, ROLE_NAMES.get(r.role, r.role), ACTIONS.get(r.action, r.action),
                          r.object, r.scope, r.outcome, r.detail] for r in rows], columns=COLUMNS, dtype=object)


def entries_xlsx(engine: Engine, **filters) -> bytes:
    """:func:`entries` as an Excel sheet (rural.exports: text a spreadsheet would run as a formula neutralised)."""
    from rural.exports import table_xlsx

    return table_xlsx(entries(engine, **filters), "审计日志", sheet="审计日志")
