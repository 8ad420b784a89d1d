"""Who may see and do what: roles, their county / township scope, and the checks every data call passes.

A :class:`Principal` is the signed-in account as the server knows it (never what a URL or a form says).
Pages, exports, the briefing pack and the loader call the functions here (or functions that call them),
so a page cannot forget a check.

The rules
---------
=========  ===============================================================================================
管理员      everything: every page and export, upload / load / undo / redo, mappings, accounts, settings, the
            audit log, the archived original files (``download_original``: admins only).
录入员      upload, load, undo and redo batches within their scope; views and exports like a viewer of that scope:
            a county clerk (``township`` None) like a county viewer, a township clerk like a township official
            (their township's figures, villages and households; county totals and the township ranking). A
            township clerk loads, undoes and redoes only their township's batches: never a county-wide file,
            never another township's.
县级查看    every page and export of the county; no loading.
乡镇查看    their township's figures, villages and households; county totals and the township ranking; never
            another township's villages or households; the sidebar's township fixed to theirs.
=========  ===============================================================================================

Every principal with a ``county`` sees and changes only that county; ``county`` None (a prefecture account)
sees all. An account whose role is unknown, or a township official with no township, may do nothing (fail
closed).

Indicator calls go through :func:`call`, which knows each function's level (:data:`LEVELS`):

- ``aggregate`` (county or township totals): a township-bound principal gets the county totals when the
  scope names no township, and *their own* township's totals when it names another (forced, not refused:
  a stale bookmark or a page asking for another township still shows something true and theirs);
- ``ranking`` (one row per township): allowed as asked;
- ``detail`` (village or household rows, lists naming villages or projects): always forced to the
  principal's township, whatever the scope says (None included).

A function not in :data:`LEVELS` is refused.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

ADMIN, CLERK, COUNTY, TOWNSHIP = "admin", "clerk", "county_viewer", "township_viewer"
ROLE_NAMES = {ADMIN: "管理员", CLERK: "录入员", COUNTY: "县级查看", TOWNSHIP: "乡镇查看"}
COUNTY_WIDE = "全县"


class Denied(PermissionError):
    """An action or a scope the principal may not have; ``text`` is the Chinese message for the page."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class Principal:
    account: str                 # the account name (never a personal value)
    role: str                    # one of ROLE_NAMES
    county: str | None = None    # None: every county in the database (a prefecture account)
    township: str | None = None  # a township clerk's or township official's township; None: county-wide

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    @property
    def key(self) -> tuple:
        """What a cache of results must be keyed by: everything that changes what the principal sees."""
        return (self.account, self.role, self.county, self.township)


# The command line (python -m rural / python -m etl): whoever runs it already holds the database file.
COMMAND_LINE = Principal("命令行", ADMIN)

# ------------------------------------------------------------------------------------ actions
ACTIONS = {
    "view": "查看数据", "export": "导出数据", "upload": "上传和检查报表", "load": "载入报表", "undo": "撤销批次",
    "redo": "恢复批次", "mappings": "管理表头映射", "accounts": "管理账号", "settings": "修改设置",
    "audit": "查看审计日志", "download_original": "下载原始文件",
}
RIGHTS = {
    ADMIN: frozenset(ACTIONS),
    CLERK: frozenset({"view", "export", "upload", "load", "undo", "redo"}),
    COUNTY: frozenset({"view", "export"}),
    TOWNSHIP: frozenset({"view", "export"}),
}


def township_of(principal: Principal) -> str | None:
    """The township a principal is bound to (a township clerk or official), None when county-wide. Admins and
    county viewers are county-wide whatever their ``township`` says."""
    if principal.role in (CLERK, TOWNSHIP):
        return principal.township or None
    return None


def _misconfigured(principal: Principal) -> bool:
    return principal.role not in RIGHTS or (principal.role == TOWNSHIP and not principal.township)


def allowed(principal: Principal | None, action: str) -> bool:
    """Whether ``principal`` may do ``action`` at all (its scope is checked where the data is)."""
    if principal is None or _misconfigured(principal):
        return False
    return action in RIGHTS[principal.role]


def require(principal: Principal | None, action: str) -> Principal:
    """``principal`` when it may do ``action``; else :class:`Denied` with the reason in Chinese."""
    if principal is None:
        raise Denied("请先登录。")
    if action not in ACTIONS:
        raise Denied(f"未知的操作“{action}”，已拒绝。")
    if principal.role == TOWNSHIP and not principal.township:
        raise Denied("您的乡镇查看账号没有指定乡镇，暂不能查看数据。请联系管理员。")
    if not allowed(principal, action):
        raise Denied(f"您的账号（{principal.role_name}）不能{ACTIONS[action]}。如需此权限，请联系管理员。")
    return principal


# ------------------------------------------------------------------------------------- levels
AGGREGATE, RANKING, DETAIL = "aggregate", "ranking", "detail"


def _breakdown_level(args: tuple, kwargs: dict) -> str:
    """``monitoring_breakdown(engine, scope, by)``: by township is the ranking, by village the detail."""
    by = kwargs.get("by", args[0] if args else None)
    return {"township": RANKING, "category": AGGREGATE, "risk_type": AGGREGATE}.get(by, DETAIL)


# Every indicator function that pages, the briefing, the summary and the exports call, with its level.
LEVELS: dict[str, str | Callable[[tuple, dict], str]] = {
    # monitoring
    "monitoring_overview": AGGREGATE, "monitoring_trend": AGGREGATE, "monitoring_breakdown": _breakdown_level,
    "household_list": DETAIL,
    # work and industry
    "work_summary": AGGREGATE, "work_by_township": RANKING, "industry_items": AGGREGATE,
    # income
    "income_per_capita": AGGREGATE, "income_bands": AGGREGATE, "income_summary": AGGREGATE,
    "income_series": AGGREGATE, "income_by_township": RANKING,
    # employment
    "employment_status": AGGREGATE, "employment_by_township": RANKING, "welfare_posts": AGGREGATE,
    # projects: shares and categories are totals; the list names projects and villages
    "project_shares": AGGREGATE, "projects_by_category": AGGREGATE, "projects_by_township": RANKING,
    "project_list": DETAIL,
    # assistance
    "assistance_by_type": AGGREGATE, "assistance_trend": AGGREGATE, "assistance_by_township": RANKING,
    "platform_summary": AGGREGATE,
    # across sources (alerts and changes of a county scope name lagging townships: ranking-level facts)
    "township_table": RANKING, "summary": AGGREGATE, "alerts": AGGREGATE, "headline_values": AGGREGATE,
    "headlines": AGGREGATE, "changes": AGGREGATE, "freshness": AGGREGATE,
    # the county's own indicators (指标数据): county or township figures; the ranking names every township
    "county_values": AGGREGATE, "indicator_series": AGGREGATE, "indicator_table": AGGREGATE,
    "indicator_areas": AGGREGATE, "indicator_by_township": RANKING,
}


def level_of(name: str, args: tuple = (), kwargs: dict | None = None) -> str:
    """The level of ``indicators.<name>`` called with ``args``; :class:`Denied` for a function not registered."""
    level = LEVELS.get(name)
    if level is None:
        raise Denied(f"数据项“{name}”未登记访问级别，已拒绝。")
    return level(args, kwargs or {}) if callable(level) else level


# -------------------------------------------------------------------------------------- scope
def bind(principal: Principal | None, scope):
    """``scope`` bound to the principal's county (filled in when None); :class:`Denied` for another county."""
    require(principal, "view")
    if principal.county is None:
        return scope
    if scope.county not in (None, principal.county):
        raise Denied(f"您只能查看{principal.county}的数据。")
    return replace(scope, county=principal.county)


def scope_for(principal: Principal | None, scope, level: str = AGGREGATE):
    """The scope a call of ``level`` runs with for ``principal`` (see the module's rules)."""
    scope = bind(principal, scope)
    own = township_of(principal)
    if own is None or level == RANKING:
        return scope
    if level == DETAIL or scope.township not in (None, own):
        return replace(scope, township=own)
    return scope


def call(engine, principal: Principal | None, name: str, scope, *args, **kwargs):
    """``indicators.<name>(engine, scope, *args, **kwargs)`` with the county binding and the township rule of
    its level applied: the one gateway from pages, the briefing pack, the summary and the exports."""
    from rural import indicators

    level = level_of(name, args, kwargs)
    return getattr(indicators, name)(engine, scope_for(principal, scope, level), *args, **kwargs)


# ------------------------------------------------------------------------------------ sidebar
def sidebar_county(principal: Principal | None, counties: list[str],
                   requested: str | None = None) -> tuple[str | None, str | None]:
    """The county to show and a notice when a request (a bookmark) was narrowed: a bound principal always
    gets their county; a prefecture account the requested one when the database has it, else the first."""
    require(principal, "view")
    if principal.county:
        notice = None
        if requested and requested != principal.county:
            notice = f"您只能查看{principal.county}的数据，已切换到{principal.county}"
        return principal.county, notice
    if requested in counties:
        return requested, None
    return (counties[0] if counties else None), None


def sidebar_township(principal: Principal | None, requested: str | None) -> tuple[str | None, str | None]:
    """The township to use (None: the county) and a notice when the request was narrowed: a township-bound
    principal always gets their own township (a bookmark ``?township=龙川镇`` of a 沙桥镇 official →
    沙桥镇 and “您只能查看沙桥镇的数据，已切换到沙桥镇”)."""
    require(principal, "view")
    want = None if requested in (None, "", COUNTY_WIDE) else requested
    own = township_of(principal)
    if own is None:
        return want, None
    if want not in (None, own):
        return own, f"您只能查看{own}的数据，已切换到{own}"
    return own, None


def township_choices(principal: Principal | None, townships: list[str]) -> list[str]:
    """The townships a principal may pick for village and household detail (a drill-down): their own, or all."""
    require(principal, "view")
    own = township_of(principal)
    return [own] if own else list(townships)


def scope_text(county: str | None, township: str | None = None) -> str:
    """A scope in words for messages and the audit log: 南华县, 南华县沙桥镇, 南华县全县."""
    return f"{county or ''}{township or ''}"


# ------------------------------------------------------------------------------ batches, files
def may_change(principal: Principal | None, action: str, county: str, scope: str) -> bool:
    """Whether ``principal`` may ``action`` (load, undo, redo) data of ``county`` with batch scope ``scope``
    (``全县`` or a township name)."""
    try:
        require_batch(principal, action, county, scope)
    except Denied:
        return False
    return True


_VERBS = {"upload": "上传", "load": "载入", "undo": "撤销", "redo": "恢复"}


def require_batch(principal: Principal | None, action: str, county: str, scope: str, what: str = "") -> None:
    """:class:`Denied` unless ``principal`` may ``action`` data of ``county`` / ``scope``; ``what`` names the
    file or the batch in the message."""
    require(principal, action)
    verb = _VERBS.get(action, ACTIONS[action])
    where = f"{county}{'全县' if scope == COUNTY_WIDE else scope}"
    if principal.county and county != principal.county:
        raise Denied(f"您只能{verb}{principal.county}的数据；{what or '这些数据'}属于{where}。")
    own = township_of(principal)
    if own and scope != own:
        whose = "请由县级录入员或管理员办理" if scope == COUNTY_WIDE else f"请由{scope}的录入员办理"
        raise Denied(f"您只能{verb}{own}的数据；{what or '这些数据'}是{where}的数据，{whose}。")


# -------------------------------------------------------------------------------------- audit
def audit(engine, principal: Principal | None, action: str, object: str = "", **kw) -> None:
    """One entry in the audit log (``rural.audit.record``). A text that looks personal (an ID or mobile number in
    a file name or a message) is left out of the entry rather than failing the action it records."""
    import logging

    from sqlalchemy.exc import SQLAlchemyError

    from rural import audit as log

    try:
        try:
            log.record(engine, principal or COMMAND_LINE, action, object, **kw)
        except ValueError:
            kw = {k: v for k, v in kw.items() if k != "detail"}
            log.record(engine, principal or COMMAND_LINE, action, "" if log.looks_personal(object) else object,
                       **{**kw, "detail": "部分内容像个人信息，未记入日志"})
    except SQLAlchemyError:              # a busy or read-only database must not turn a done action into an error
        logging.getLogger("rural.audit").warning("数据库正忙，这一条审计记录未能写入：%s", log.action_names().get(action, action))


__all__ = ["ACTIONS", "ADMIN", "AGGREGATE", "CLERK", "COMMAND_LINE", "COUNTY", "COUNTY_WIDE", "DETAIL", "Denied",
           "LEVELS", "Principal", "RANKING", "RIGHTS", "ROLE_NAMES", "TOWNSHIP", "allowed", "audit", "bind", "call",
           "level_of", "may_change", "require", "require_batch", "scope_for", "scope_text", "sidebar_county",
           "sidebar_township", "township_choices", "township_of"]
