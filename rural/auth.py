"""Accounts, passwords, sign-in with lockout, signed expiring sessions, and principals from OpenID Connect.

Plain Python (no Streamlit): the sign-in page, the admin page and ``python -m rural users`` call these.
Passwords are hashed with Argon2id (argon2-cffi) and never logged, stored or returned except as the one
generated password handed back to the admin who created or reset it. A session token is
``<session id>.<HMAC-SHA256 of the id>`` keyed by the session secret (rural.keys); the row in ``sessions``
says when it expires and whether it was ended. Every change to an account and every sign-in, failure,
lock and sign-out is written to the audit log (rural.audit).

Times are UTC without tzinfo, as stored, from :func:`_now` (tests replace it to move the clock).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import secrets
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from rural import audit, keys
from rural.access import ADMIN, CLERK, COUNTY, ROLE_NAMES, TOWNSHIP, Denied, Principal
from rural.db import Account, AuthSession, Township
from rural.settings import get_settings

ACCOUNTS = Account.__table__
SESSIONS = AuthSession.__table__

CLI = "命令行"            # who changes accounts from ``python -m rural users``
SYSTEM = "系统"           # who, when a library caller does not say
IDP = "统一身份认证"       # who, when the identity provider's claims change an account

SESSION_COOKIE = "rural_session"   # the browser's cookie holding the session token (HttpOnly)

WRONG = "账号或密码不正确"
DISABLED = "该账号已停用，请联系管理员"
LOCKED = "连续输错密码次数过多，账号已暂时锁定。请{minutes}分钟后再试，或请管理员重设密码"
NO_ROLE = "该账号没有本系统的角色，请联系管理员"

MIN_PASSWORD = 10
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,39}")
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"   # no 0/O, 1/l/I
_hasher = PasswordHasher()   # Argon2id, argon2-cffi's current recommended parameters
_dummy_hash: list[str] = []


class AccountError(ValueError):
    """An account that cannot be created or changed as asked; ``text`` is the Chinese reason."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class SignInFailed(Exception):
    """A refused sign-in; ``text`` is what the sign-in page shows (the same for an unknown account and a
    wrong password)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# ------------------------------------------------------------------------------------ validation
def role_key(role: str) -> str:
    """A role's key from its key or its Chinese name (管理员 → admin)."""
    from rural.reference import key_of

    role = (role or "").strip()
    key = key_of(role, ROLE_NAMES)
    if key is not None:
        return key
    raise AccountError(f"未知的角色：{role}（可选：{'、'.join(f'{k}（{v}）' for k, v in ROLE_NAMES.items())}）")


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise AccountError("账号名须为2到40个字母、数字或 . _ - @，以字母或数字开头")
    if audit.looks_personal(name):
        raise AccountError("账号名不能用手机号或身份证号")
    return name


def _check_password(password: str, name: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD or password == name:
        raise AccountError(f"密码至少需要{MIN_PASSWORD}个字符，且不能与账号名相同")
    return password


def new_password() -> str:
    """16 characters from 57 that are hard to mix up (about 93 bits)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(16))


def _blank(value) -> str | None:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    return value or None


def _known_townships(engine: Engine, county: str) -> list[str]:
    t = Township.__table__
    with engine.connect() as conn:
        stored = conn.execute(select(t.c.name).where(t.c.county == county).order_by(t.c.id)).scalars().all()
    return list(dict.fromkeys(get_settings().townships_of(county) + list(stored)))


def check_scope(engine: Engine, role: str, county=None, township=None) -> tuple[str, str | None, str | None]:
    """(role key, county, township) as stored, or :class:`AccountError`: a township needs its county and must be
    one of the county's when the county is known; only a clerk or a township official has a township, and a
    township official must have one."""
    role, county, township = role_key(role), _blank(county), _blank(township)
    if township and not county:
        raise AccountError("指定乡镇时须同时指定县")
    if role == TOWNSHIP and not township:
        raise AccountError("乡镇查看账号须指定乡镇（--county 和 --township）")
    if township and role not in (CLERK, TOWNSHIP):
        raise AccountError(f"{ROLE_NAMES[role]}账号不限定乡镇，请不要指定乡镇")
    known = _known_townships(engine, county) if township else []
    if known and township not in known:
        raise AccountError(f"乡镇「{township}」不是{county}的乡镇（{county}的乡镇：{'、'.join(known)}）")
    return role, county, township


def scope_text(county: str | None, township: str | None) -> str:
    return "全部县" if not county else f"{county}{township}" if township else county


def _require(by, name: str | None = None, county: str | None = None) -> None:
    """A signed-in caller must be an admin (of every county, or of the account's county); changing one's own
    password is allowed to anyone. A name (命令行) or None is a trusted caller (the shell, the system)."""
    if not isinstance(by, Principal):
        return
    if name is not None and by.account == name:
        return
    if by.role != ADMIN:
        raise Denied("只有管理员可以管理账号")
    if by.county and county != by.county:
        raise Denied(f"只能管理{by.county}的账号")


# ---------------------------------------------------------------------------------------- accounts
def _row(engine: Engine, name: str):
    with engine.connect() as conn:
        return conn.execute(select(ACCOUNTS).where(ACCOUNTS.c.name == name)).first()


def _existing(engine: Engine, name: str):
    row = _row(engine, name)
    if row is None:
        raise AccountError(f"没有账号 {name}（python -m rural users list 列出所有账号）")
    return row


def _principal(row) -> Principal:
    return Principal(row.name, row.role, row.county, row.township)


def create_account(engine: Engine, name: str, role: str, *, county: str | None = None, township: str | None = None,
                   password: str | None = None, display_name: str = "", by=None) -> str:
    """Create an account; returns its password (a strong generated one when ``password`` is None), which is
    stored only as its Argon2id hash. ``by``: who does it (a Principal, 命令行, …), for the permission check
    and the audit log."""
    _check_name(name)
    role, county, township = check_scope(engine, role, county, township)
    _require(by, county=county)
    if audit.looks_personal(display_name):
        raise AccountError("显示名称不能含手机号或身份证号")
    password = new_password() if password is None else _check_password(password, name)
    now = _now()
    try:
        with engine.begin() as conn:
            conn.execute(ACCOUNTS.insert().values(
                name=name, display_name=(display_name or "").strip()[:80], password_hash=_hasher.hash(password), role=role,
                county=county, township=township, disabled=False, failed_count=0, created_at=now, updated_at=now))
    except IntegrityError:
        raise AccountError(f"账号 {name} 已存在") from None
    audit.record(engine, by or SYSTEM, "account_created", name, scope=scope_text(county, township),
                 detail=f"角色：{ROLE_NAMES[role]}")
    return password


def set_password(engine: Engine, name: str, password: str | None = None, *, by=None) -> str:
    """Set (or generate, when None) an account's password; unlocks it and ends its sessions. Returns the password."""
    row = _existing(engine, name)
    _require(by, name, row.county)
    password = new_password() if password is None else _check_password(password, name)
    with engine.begin() as conn:
        conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.name == name).values(
            password_hash=_hasher.hash(password), failed_count=0, locked_until=None, updated_at=_now()))
    end_sessions_of(engine, name)
    audit.record(engine, by or SYSTEM, "password_changed", name, scope=scope_text(row.county, row.township))
    return password


def _other_active_admins(engine: Engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(ACCOUNTS).where(
            ACCOUNTS.c.role == ADMIN, ACCOUNTS.c.disabled.is_(False), ACCOUNTS.c.name != name)).scalar()


def set_role(engine: Engine, name: str, role: str, county: str | None = None, township: str | None = None, *,
             by=None) -> None:
    """Change an account's role and scope (in effect at once: sessions read the account on every request)."""
    row = _existing(engine, name)
    role, county, township = check_scope(engine, role, county, township)
    _require(by, county=row.county)
    _require(by, county=county)
    if row.role == ADMIN and role != ADMIN and not row.disabled and not _other_active_admins(engine, name):
        raise AccountError("这是唯一启用的管理员账号，不能改为其他角色（请先另建一个管理员）")
    with engine.begin() as conn:
        conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.name == name).values(
            role=role, county=county, township=township, updated_at=_now()))
    audit.record(engine, by or SYSTEM, "role_changed", name, scope=scope_text(county, township),
                 detail=f"{ROLE_NAMES.get(row.role, row.role)}（{scope_text(row.county, row.township)}）→ "
                        f"{ROLE_NAMES[role]}（{scope_text(county, township)}）")


def disable(engine: Engine, name: str, *, by=None) -> None:
    """Disable an account and end its sessions (the last enabled admin cannot be disabled)."""
    row = _existing(engine, name)
    _require(by, county=row.county)
    if row.role == ADMIN and not row.disabled and not _other_active_admins(engine, name):
        raise AccountError("这是唯一启用的管理员账号，不能停用（请先另建一个管理员）")
    with engine.begin() as conn:
        conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.name == name).values(disabled=True, updated_at=_now()))
    end_sessions_of(engine, name)
    audit.record(engine, by or SYSTEM, "account_disabled", name, scope=scope_text(row.county, row.township))


def enable(engine: Engine, name: str, *, by=None) -> None:
    """Enable a disabled account (and clear a lock)."""
    row = _existing(engine, name)
    _require(by, county=row.county)
    with engine.begin() as conn:
        conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.name == name).values(
            disabled=False, failed_count=0, locked_until=None, updated_at=_now()))
    audit.record(engine, by or SYSTEM, "account_changed", name, scope=scope_text(row.county, row.township), detail="启用")


def list_accounts(engine: Engine) -> list[dict]:
    """Every account, by name: what it is and its state; never its hash or its identity-provider subject."""
    now = _now()
    with engine.connect() as conn:
        rows = conn.execute(select(ACCOUNTS).order_by(ACCOUNTS.c.name)).all()
    return [dict(name=r.name, display_name=r.display_name, role=r.role, role_name=ROLE_NAMES.get(r.role, r.role),
                 county=r.county, township=r.township, scope=scope_text(r.county, r.township), disabled=bool(r.disabled),
                 locked=bool(r.locked_until and r.locked_until > now), failed_count=r.failed_count,
                 has_password=r.password_hash is not None, oidc=r.oidc_subject is not None,
                 created_at=r.created_at, updated_at=r.updated_at) for r in rows]


def has_accounts(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(ACCOUNTS.c.id).limit(1)).first() is not None


def get_principal(engine: Engine, name: str) -> Principal | None:
    """The account as a Principal; None when there is no such account or it is disabled."""
    row = _row(engine, name)
    return None if row is None or row.disabled else _principal(row)


# ----------------------------------------------------------------------------------------- sign-in
def _verify(stored: str | None, password: str) -> bool:
    """Argon2 verification; an unknown account is checked against a dummy hash, so it takes as long."""
    if stored is None:
        if not _dummy_hash:
            _dummy_hash.append(_hasher.hash(secrets.token_urlsafe(16)))
        stored = _dummy_hash[0]
    try:
        return _hasher.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        return False


def _failed(engine: Engine, row, now: datetime) -> str:
    """Count a wrong password; lock the account after ``max_failures`` in a row. Returns the text to show."""
    auth = get_settings().auth
    with engine.begin() as conn:
        conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.name == row.name).values(failed_count=ACCOUNTS.c.failed_count + 1))
        count = conn.execute(select(ACCOUNTS.c.failed_count).where(ACCOUNTS.c.name == row.name)).scalar_one()
        locked = count >= auth.max_failures
        if locked:
            conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.name == row.name).values(
                failed_count=0, locked_until=now + timedelta(minutes=auth.lock_minutes)))
    audit.record(engine, row.name, "sign_in_failed", outcome=audit.FAILED, detail=f"密码错误（连续第{count}次）")
    if not locked:
        return WRONG
    audit.record(engine, row.name, "locked", outcome="已锁定", detail=f"连续{count}次密码错误，锁定{auth.lock_minutes:g}分钟")
    return LOCKED.format(minutes=math.ceil(auth.lock_minutes))


def sign_in(engine: Engine, name: str, password: str) -> Principal:
    """The account's Principal when ``password`` is right and the account is enabled and not locked; else
    :class:`SignInFailed`. Each attempt is audited once (an unknown name is not written down: it may be a
    password typed into the wrong box, or a phone number)."""
    name = (name or "").strip()
    row = _row(engine, name) if name else None
    now = _now()
    if row is None or row.password_hash is None:
        _verify(None, password)
        audit.record(engine, row.name if row else None, "sign_in_failed", "" if row else "未知账号", outcome=audit.FAILED,
                     detail="该账号只能通过统一身份认证登录" if row else "账号不存在")
        raise SignInFailed(WRONG)
    if row.disabled or (row.locked_until and row.locked_until > now):
        _verify(None, password)
        audit.record(engine, row.name, "sign_in_failed", outcome=audit.FAILED, detail="账号已停用" if row.disabled else "账号锁定中")
        minutes = 0 if row.disabled else math.ceil((row.locked_until - now).total_seconds() / 60)
        raise SignInFailed(DISABLED if row.disabled else LOCKED.format(minutes=minutes))
    if not _verify(row.password_hash, password):
        raise SignInFailed(_failed(engine, row, now))
    values = dict(failed_count=0, locked_until=None)
    if _hasher.check_needs_rehash(row.password_hash):
        values["password_hash"] = _hasher.hash(password)
    with engine.begin() as conn:
        conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.name == row.name).values(**values))
    principal = _principal(row)
    audit.record(engine, principal, "sign_in", detail="本地账号")
    return principal


# ---------------------------------------------------------------------------------------- sessions
def _sign(session_id: str) -> str:
    mac = hmac.new(keys.session_key(), session_id.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def _session_id(token) -> str | None:
    """The session id of a token whose signature is right (compared in constant time), else None."""
    if not isinstance(token, str) or len(token) > 200 or token.count(".") != 1:
        return None
    session_id, signature = token.split(".")
    return session_id if session_id and hmac.compare_digest(signature.encode(), _sign(session_id).encode()) else None


def session_hours() -> float:
    """How long a session lasts (``session_hours`` in ``[auth]``)."""
    return get_settings().auth.session_hours


def issue_session(engine: Engine, principal: Principal) -> str:
    """A new session for a signed-in principal, valid ``session_hours``; returns its token for the browser."""
    now = _now()
    session_id = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(delete(SESSIONS).where(SESSIONS.c.expires_at < now - timedelta(days=30)))
        conn.execute(SESSIONS.insert().values(id=session_id, account=principal.account, issued_at=now,
                                              expires_at=now + timedelta(hours=get_settings().auth.session_hours)))
    return f"{session_id}.{_sign(session_id)}"


def principal_from_token(engine: Engine, token) -> Principal | None:
    """The principal of a live session (the account's current role and scope); None for a bad signature, an
    unknown, ended or expired session, or a disabled or locked account."""
    session_id = _session_id(token)
    if session_id is None:
        return None
    now = _now()
    with engine.connect() as conn:
        row = conn.execute(select(ACCOUNTS).join(SESSIONS, SESSIONS.c.account == ACCOUNTS.c.name).where(
            SESSIONS.c.id == session_id, SESSIONS.c.ended_at.is_(None), SESSIONS.c.expires_at > now)).first()
    if row is None or row.disabled or (row.locked_until and row.locked_until > now):
        return None
    return _principal(row)


def end_session(engine: Engine, token) -> bool:
    """Sign out: end the token's session (audited). False when it was not a live session."""
    session_id = _session_id(token)
    if session_id is None:
        return False
    with engine.begin() as conn:
        account = conn.execute(select(SESSIONS.c.account).where(SESSIONS.c.id == session_id,
                                                                 SESSIONS.c.ended_at.is_(None))).scalar()
        if account is None:
            return False
        conn.execute(update(SESSIONS).where(SESSIONS.c.id == session_id).values(ended_at=_now()))
    audit.record(engine, account, "sign_out")
    return True


def end_sessions_of(engine: Engine, name: str) -> int:
    """End every live session of an account (on disable, password change); returns how many."""
    with engine.begin() as conn:
        return conn.execute(update(SESSIONS).where(SESSIONS.c.account == name, SESSIONS.c.ended_at.is_(None))
                            .values(ended_at=_now())).rowcount


# -------------------------------------------------------------------------------------------- OIDC
def _claimed_role(engine: Engine, claims: dict) -> tuple[str, str | None, str | None] | None:
    """(role, county, township) from the claims named in ``[auth]`` when the role claim is there and the
    three make a valid role and scope; else None."""
    auth = get_settings().auth
    value = claims.get(auth.role_claim)
    for role in value if isinstance(value, (list, tuple)) else [value]:
        if not isinstance(role, str) or not role.strip():
            continue
        try:
            return check_scope(engine, role, claims.get(auth.county_claim), claims.get(auth.township_claim))
        except AccountError:
            continue
    return None


def _claimed_names(claims: dict) -> list[str]:
    names = [claims.get("preferred_username")]
    if claims.get("email_verified") is not False:
        names.append(claims.get("email"))
    return [n.strip() for n in names if isinstance(n, str) and n.strip()]


def _oidc_account(engine: Engine, sub: str, claims: dict):
    with engine.connect() as conn:
        row = conn.execute(select(ACCOUNTS).where(ACCOUNTS.c.oidc_subject == sub)).first()
        names = [n.lower() for n in _claimed_names(claims)]
        if row is None and names:
            row = conn.execute(select(ACCOUNTS).where(func.lower(ACCOUNTS.c.name).in_(names))
                               .order_by(ACCOUNTS.c.id)).first()
    return row


def _new_oidc_name(engine: Engine, sub: str, claims: dict) -> str:
    for name in _claimed_names(claims):
        if _NAME.fullmatch(name) and not audit.looks_personal(name) and _row(engine, name) is None:
            return name
    return "oidc-" + hashlib.sha256(sub.encode("utf-8")).hexdigest()[:12]


def principal_from_oidc(engine: Engine, claims: dict, *, record_sign_in: bool = True) -> Principal:
    """The principal of a user signed in through the identity provider (``claims``: the ID token's, e.g.
    Streamlit's ``st.user``). The account is found by ``sub`` (bound on first sign-in) or by
    ``preferred_username`` / ``email`` equal to an account name; the role and scope come from the claims named
    in ``[auth]`` when present and valid, else from the account. A user with neither: :class:`Denied`.
    The sign-in is audited unless ``record_sign_in`` is False (call it once per browser session)."""
    sub = str(claims.get("sub") or "").strip()
    if not sub:
        raise Denied("统一身份认证没有返回用户标识（sub），无法登录，请联系管理员")
    row, claimed, now = _oidc_account(engine, sub, claims), _claimed_role(engine, claims), _now()
    if row is not None and row.oidc_subject not in (None, sub):
        audit.record(engine, row.name, "sign_in_failed", IDP, outcome=audit.DENIED, detail="账号已绑定另一个统一身份认证用户")
        raise Denied("该账号已绑定另一个统一身份认证用户，请联系管理员")
    if row is not None and row.disabled:
        audit.record(engine, row.name, "sign_in_failed", IDP, outcome=audit.DENIED, detail="账号已停用")
        raise Denied(DISABLED)
    if row is None and claimed is None:
        audit.record(engine, None, "sign_in_failed", IDP, outcome=audit.DENIED, detail="未知用户，声明中没有有效角色")
        raise Denied(NO_ROLE)
    if row is None:
        name = _new_oidc_name(engine, sub, claims)
        role, county, township = claimed
        with engine.begin() as conn:
            conn.execute(ACCOUNTS.insert().values(name=name, display_name="", password_hash=None, role=role, county=county,
                                                  township=township, disabled=False, failed_count=0, created_at=now,
                                                  updated_at=now, oidc_subject=sub))
        audit.record(engine, IDP, "account_created", name, scope=scope_text(county, township),
                     detail=f"角色：{ROLE_NAMES[role]}（来自统一身份认证）")
    else:
        name = row.name
        role, county, township = claimed or (row.role, row.county, row.township)
        with engine.begin() as conn:
            conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.name == name, or_(ACCOUNTS.c.oidc_subject.is_(None),
                                                                              ACCOUNTS.c.oidc_subject == sub))
                         .values(oidc_subject=sub, role=role, county=county, township=township,
                                 updated_at=now if claimed and claimed != (row.role, row.county, row.township) else row.updated_at))
        if (role, county, township) != (row.role, row.county, row.township):
            audit.record(engine, IDP, "role_changed", name, scope=scope_text(county, township),
                         detail=f"{ROLE_NAMES.get(row.role, row.role)}（{scope_text(row.county, row.township)}）→ "
                                f"{ROLE_NAMES[role]}（{scope_text(county, township)}）")
    principal = Principal(name, role, county, township)
    if record_sign_in:
        audit.record(engine, principal, "sign_in", detail=IDP)
    return principal



def streamlit_secrets() -> dict:
    """What Streamlit's ``st.login`` reads from its secrets, built from the settings and the keys (no secrets
    file in the repository): ``{"auth": {redirect_uri, cookie_secret, <provider>: {client_id, client_secret,
    server_metadata_url}}}`` with ``mode = "oidc"``, else ``{}``. The cookie secret is derived from the session
    secret; the client secret comes from ``RURAL_OIDC_CLIENT_SECRET`` or the keys file."""
    from rural import web

    oidc = web.oidc_settings()
    if not oidc:
        return {}
    provider = {"client_id": oidc["client_id"], "server_metadata_url": oidc["server_metadata_url"],
                "client_secret": oidc.get("client_secret") or keys.optional_secret("oidc_client_secret")}
    return {"auth": {"redirect_uri": oidc["redirect_uri"], "cookie_secret": keys.derived_secret("streamlit-auth-cookie"),
                     web.OIDC_PROVIDER: provider}}


# ------------------------------------------------------------------------------------- demo accounts
DEMO = (("admin", ADMIN, False), ("clerk", CLERK, False), ("leader", COUNTY, False), ("township", TOWNSHIP, True))


def create_demo_accounts(engine: Engine, *, by=CLI) -> list[dict]:
    """The four demo accounts of the bundled sample (admin, county-wide clerk, county leader, an official of the
    county's first township), each with a generated password, returned once. Nothing when any exists already;
    :class:`AccountError` on a database that is not the sample."""
    if not keys.is_sample(engine):
        raise AccountError("演示账号只能建在内置示例数据库上（python -m rural keys mark-sample 标记的数据库）；"
                           "正式数据库请用 python -m rural users add 建立账号")
    if any(_row(engine, name) is not None for name, _, _ in DEMO):
        return []
    t = Township.__table__
    with engine.connect() as conn:
        first = conn.execute(select(t.c.county, t.c.name).order_by(t.c.id).limit(1)).first()
    if first is None:
        raise AccountError("数据库中还没有乡镇：请先载入示例数据（make db）再建演示账号")
    county = first.county
    made = []
    for name, role, in_township in DEMO:
        place = (county, first.name) if in_township else (None, None) if role == ADMIN else (county, None)
        password = create_account(engine, name, role, county=place[0], township=place[1], by=by)
        made.append(dict(name=name, role=role, role_name=ROLE_NAMES[role], scope=scope_text(*place), password=password))
    return made


__all__ = ["SESSION_COOKIE", "session_hours", "streamlit_secrets", "AccountError", "SignInFailed", "create_account", "set_password", "set_role", "disable", "enable",
           "list_accounts", "has_accounts", "get_principal", "sign_in", "issue_session", "principal_from_token",
           "end_session", "end_sessions_of", "principal_from_oidc", "create_demo_accounts", "check_scope", "role_key", "new_password",
           "ADMIN", "CLERK", "COUNTY", "TOWNSHIP"]
