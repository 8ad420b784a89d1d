"""Accounts, sign-in, lockout, sessions, OIDC principals and the audit log: real SQLite files, real Argon2,
the real CLI. The clock is moved by replacing ``rural.auth._now`` (nothing else is replaced)."""
from __future__ import annotations

import io
import sqlite3
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from rural import audit, auth, settings
from rural.access import ADMIN, CLERK, COUNTY, TOWNSHIP, Denied, Principal
from rural.db import Account, AuditEntry, Township, make_engine
from rural.keys import KEYS, mark_sample
from tests.conftest import ROOT, run_cli

ID_NUMBER = "532324198001010014"
MOBILE = "13812345678"


@pytest.fixture(autouse=True)
def no_configured_keys(tmp_path, monkeypatch):
    """No key from this machine's environment or keys file leaks into a test."""
    for key in KEYS:
        monkeypatch.delenv(key.env, raising=False)
    monkeypatch.setenv("RURAL_KEYS_FILE", str(tmp_path / "no-keys.toml"))
    settings._load.cache_clear()
    yield
    settings._load.cache_clear()


@pytest.fixture
def path(tmp_path):
    return tmp_path / "auth.db"


@pytest.fixture
def engine(path):
    return make_engine(f"sqlite:///{path}")


class Clock:
    """``rural.auth``'s clock, moved by hand."""

    def __init__(self):
        self.now = datetime.now(timezone.utc).replace(tzinfo=None)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(auth, "_now", c)
    return c


def audit_rows(engine, action=None):
    t = AuditEntry.__table__
    q = select(t).order_by(t.c.id)
    if action:
        q = q.where(t.c.action == action)
    with engine.connect() as conn:
        return conn.execute(q).all()


def account_row(engine, name):
    t = Account.__table__
    with engine.connect() as conn:
        return conn.execute(select(t).where(t.c.name == name)).one()


def db_bytes(path):
    """The database file and its write-ahead log, as stored on disk."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def add_township(engine, county="南华县", name="龙川镇"):
    with engine.begin() as conn:
        conn.execute(Township.__table__.insert().values(county=county, name=name, source="reference"))


# ----------------------------------------------------------------------------------------- accounts
def test_password_is_hashed_with_argon2id_and_never_stored_in_clear(engine, path):
    password = auth.create_account(engine, "clerk", CLERK, county="南华县", display_name="县农业农村局")
    assert len(password) == 16 and password != auth.create_account(engine, "clerk2", CLERK, county="南华县")
    stored = account_row(engine, "clerk").password_hash
    assert stored.startswith("$argon2id$")
    assert PasswordHasher().verify(stored, password)
    engine.dispose()
    assert password.encode() not in db_bytes(path)
    listed = auth.list_accounts(engine)
    assert [a["name"] for a in listed] == ["clerk", "clerk2"]
    assert all("$argon2" not in str(v) for a in listed for v in a.values())
    assert listed[0] | {"created_at": None, "updated_at": None} == dict(
        name="clerk", display_name="县农业农村局", role=CLERK, role_name="录入员", county="南华县", township=None,
        scope="南华县", disabled=False, locked=False, failed_count=0, has_password=True, oidc=False,
        created_at=None, updated_at=None)


def test_a_given_password_is_used_and_must_be_long_enough(engine):
    assert auth.create_account(engine, "admin", ADMIN, password="correct horse battery") == "correct horse battery"
    assert auth.sign_in(engine, "admin", "correct horse battery") == Principal("admin", ADMIN, None, None)
    with pytest.raises(auth.AccountError, match="密码至少需要10个字符"):
        auth.create_account(engine, "admin2", ADMIN, password="short")
    assert not any(a["name"] == "admin2" for a in auth.list_accounts(engine))


@pytest.mark.parametrize("name, role, county, township, message", [
    ("a", ADMIN, None, None, "账号名须为2到40个"),
    ("has space", ADMIN, None, None, "账号名须为2到40个"),
    ("-dash", ADMIN, None, None, "账号名须为2到40个"),
    ("x" * 41, ADMIN, None, None, "账号名须为2到40个"),
    ("张三", ADMIN, None, None, "账号名须为2到40个"),
    (MOBILE, ADMIN, None, None, "不能用手机号或身份证号"),
    (ID_NUMBER, ADMIN, None, None, "不能用手机号或身份证号"),
    ("boss", "superuser", None, None, "未知的角色：superuser"),
    ("lc", TOWNSHIP, None, "龙川镇", "指定乡镇时须同时指定县"),
    ("lc", TOWNSHIP, "南华县", None, "乡镇查看账号须指定乡镇"),
    ("lc", COUNTY, "南华县", "龙川镇", "县级查看账号不限定乡镇"),
    ("lc", TOWNSHIP, "南华县", "火星镇", "乡镇「火星镇」不是南华县的乡镇（南华县的乡镇：龙川镇"),
])
def test_account_rules(engine, name, role, county, township, message):
    with pytest.raises(auth.AccountError, match=message):
        auth.create_account(engine, name, role, county=county, township=township)
    assert not auth.has_accounts(engine)
    assert not audit_rows(engine)


def test_roles_by_key_or_chinese_name_and_duplicates(engine):
    assert not auth.has_accounts(engine)
    auth.create_account(engine, "lc-official", "乡镇查看", county="南华县", township="龙川镇")
    assert auth.has_accounts(engine)
    assert auth.get_principal(engine, "lc-official") == Principal("lc-official", TOWNSHIP, "南华县", "龙川镇")
    assert auth.get_principal(engine, "nobody") is None
    with pytest.raises(auth.AccountError, match="账号 lc-official 已存在"):
        auth.create_account(engine, "lc-official", ADMIN)
    # a new county (not in the reference townships, nothing loaded) is accepted, its townships come with its files
    auth.create_account(engine, "other", TOWNSHIP, county="新县", township="新镇")
    assert len(audit_rows(engine, "account_created")) == 2


def test_only_an_admin_manages_accounts_and_the_last_admin_stays(engine):
    auth.create_account(engine, "admin", ADMIN)
    auth.create_account(engine, "leader", COUNTY, county="南华县")
    leader = auth.get_principal(engine, "leader")
    with pytest.raises(Denied, match="只有管理员可以管理账号"):
        auth.create_account(engine, "sneaky", ADMIN, by=leader)
    with pytest.raises(Denied):
        auth.set_role(engine, "leader", ADMIN, by=leader)
    auth.set_password(engine, "leader", "a new long password", by=leader)       # one's own password: allowed
    county_admin = Principal("cadmin", ADMIN, "南华县", None)
    with pytest.raises(Denied, match="只能管理南华县的账号"):
        auth.create_account(engine, "prefecture", COUNTY, by=county_admin)
    with pytest.raises(auth.AccountError, match="唯一启用的管理员账号，不能停用"):
        auth.disable(engine, "admin")
    with pytest.raises(auth.AccountError, match="唯一启用的管理员账号，不能改为其他角色"):
        auth.set_role(engine, "admin", COUNTY, "南华县")
    assert auth.get_principal(engine, "admin").role == ADMIN


def test_role_change_takes_effect_and_is_audited(engine):
    auth.create_account(engine, "admin", ADMIN)
    auth.create_account(engine, "wang", CLERK, county="南华县", township="龙川镇")
    admin = auth.get_principal(engine, "admin")
    auth.set_role(engine, "wang", "县级查看", "南华县", None, by=admin)
    assert auth.get_principal(engine, "wang") == Principal("wang", COUNTY, "南华县", None)
    (row,) = audit_rows(engine, "role_changed")
    assert (row.account, row.role, row.object, row.scope) == ("admin", ADMIN, "wang", "南华县")
    assert row.detail == "录入员（南华县龙川镇）→ 县级查看（南华县）"


# ------------------------------------------------------------------------------------------ sign-in
def test_wrong_password_and_unknown_account_get_the_same_message(engine):
    auth.create_account(engine, "clerk", CLERK, county="南华县", password="the right password")
    with pytest.raises(auth.SignInFailed) as wrong:
        auth.sign_in(engine, "clerk", "not the password")
    with pytest.raises(auth.SignInFailed) as unknown:
        auth.sign_in(engine, "nobody", "not the password")
    with pytest.raises(auth.SignInFailed) as empty:
        auth.sign_in(engine, "", "")
    assert wrong.value.text == unknown.value.text == empty.value.text == "账号或密码不正确"
    assert auth.sign_in(engine, " clerk ", "the right password") == Principal("clerk", CLERK, "南华县", None)
    failed = audit_rows(engine, "sign_in_failed")
    assert [(r.account, r.object, r.outcome) for r in failed] == [
        ("clerk", "", "失败"), (None, "未知账号", "失败"), (None, "未知账号", "失败")]
    assert [(r.account, r.role, r.outcome) for r in audit_rows(engine, "sign_in")] == [("clerk", CLERK, "成功")]


def test_an_unknown_name_is_not_written_down(engine, path):
    """What is typed into the account box may be a password or a phone number: never in the log."""
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(engine, MOBILE, "whatever it is")
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(engine, "MyS3cretPassw0rd", "")
    engine.dispose()
    data = db_bytes(path)
    assert MOBILE.encode() not in data and b"MyS3cretPassw0rd" not in data


def test_lockout_after_repeated_failures_and_unlock_after_the_period(engine, clock):
    auth.create_account(engine, "clerk", CLERK, county="南华县", password="the right password")
    for n in range(1, 5):
        with pytest.raises(auth.SignInFailed, match="账号或密码不正确"):
            auth.sign_in(engine, "clerk", f"wrong {n}")
        assert account_row(engine, "clerk").failed_count == n
    with pytest.raises(auth.SignInFailed, match="账号已暂时锁定。请15分钟后再试") as locked:
        auth.sign_in(engine, "clerk", "wrong 5")
    assert "账号或密码不正确" not in locked.value.text
    assert auth.list_accounts(engine)[0]["locked"]
    # locked: the right password is refused too, and the attempt does not extend the lock
    clock.advance(minutes=10)
    with pytest.raises(auth.SignInFailed, match="请5分钟后再试"):
        auth.sign_in(engine, "clerk", "the right password")
    assert account_row(engine, "clerk").locked_until == clock.now - timedelta(minutes=10) + timedelta(minutes=15)
    clock.advance(minutes=5, seconds=1)
    assert auth.sign_in(engine, "clerk", "the right password").account == "clerk"
    assert account_row(engine, "clerk").failed_count == 0
    assert len(audit_rows(engine, "sign_in_failed")) == 6
    (lock,) = audit_rows(engine, "locked")
    assert (lock.account, lock.detail) == ("clerk", "连续5次密码错误，锁定15分钟")
    assert [r.detail for r in audit_rows(engine, "sign_in_failed")][-2:] == ["密码错误（连续第5次）", "账号锁定中"]


def test_a_success_resets_the_count(engine):
    auth.create_account(engine, "clerk", CLERK, county="南华县", password="the right password")
    for _ in range(2):
        for n in range(4):
            with pytest.raises(auth.SignInFailed, match="账号或密码不正确"):
                auth.sign_in(engine, "clerk", f"wrong {n}")
        auth.sign_in(engine, "clerk", "the right password")
    assert not audit_rows(engine, "locked")


def test_lockout_follows_the_settings(engine, clock, tmp_path, monkeypatch):
    ref = tmp_path / "reference"
    ref.mkdir()
    text = (ROOT / "data" / "reference" / "settings.toml").read_text(encoding="utf-8")
    (ref / "settings.toml").write_text(text.replace("max_failures = 5", "max_failures = 2")
                                       .replace("lock_minutes = 15", "lock_minutes = 1"), encoding="utf-8")
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    settings._load.cache_clear()
    assert settings.get_settings().auth.max_failures == 2
    auth.create_account(engine, "clerk", CLERK, county="南华县", password="the right password")
    with pytest.raises(auth.SignInFailed, match="账号或密码不正确"):
        auth.sign_in(engine, "clerk", "wrong")
    with pytest.raises(auth.SignInFailed, match="请1分钟后再试"):
        auth.sign_in(engine, "clerk", "wrong")
    clock.advance(seconds=61)
    assert auth.sign_in(engine, "clerk", "the right password").account == "clerk"


def test_a_disabled_account_cannot_sign_in_even_with_the_right_password(engine):
    auth.create_account(engine, "admin", ADMIN)
    auth.create_account(engine, "clerk", CLERK, county="南华县", password="the right password")
    token = auth.issue_session(engine, auth.sign_in(engine, "clerk", "the right password"))
    auth.disable(engine, "clerk", by=auth.CLI)
    with pytest.raises(auth.SignInFailed, match="该账号已停用，请联系管理员"):
        auth.sign_in(engine, "clerk", "the right password")
    assert auth.principal_from_token(engine, token) is None
    assert auth.get_principal(engine, "clerk") is None
    auth.enable(engine, "clerk", by=auth.CLI)
    assert auth.principal_from_token(engine, token) is None          # ended on disable, not revived
    assert auth.sign_in(engine, "clerk", "the right password").account == "clerk"
    assert [(r.action, r.account, r.object) for r in audit_rows(engine) if r.action.startswith("account")] == [
        ("account_created", "系统", "admin"), ("account_created", "系统", "clerk"),
        ("account_disabled", "命令行", "clerk"), ("account_changed", "命令行", "clerk")]


def test_an_outdated_hash_is_replaced_on_sign_in(engine):
    auth.create_account(engine, "clerk", CLERK, county="南华县")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("an older password")
    with engine.begin() as conn:
        conn.execute(update(Account.__table__).where(Account.__table__.c.name == "clerk").values(password_hash=weak))
    auth.sign_in(engine, "clerk", "an older password")
    stored = account_row(engine, "clerk").password_hash
    assert stored != weak and stored.startswith("$argon2id$") and not PasswordHasher().check_needs_rehash(stored)
    assert auth.sign_in(engine, "clerk", "an older password").account == "clerk"


def test_password_change_ends_sessions_and_unlocks(engine, clock):
    auth.create_account(engine, "clerk", CLERK, county="南华县", password="the first password")
    token = auth.issue_session(engine, auth.sign_in(engine, "clerk", "the first password"))
    for _ in range(5):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(engine, "clerk", "wrong")
    new = auth.set_password(engine, "clerk", by=auth.CLI)
    assert auth.principal_from_token(engine, token) is None
    with pytest.raises(auth.SignInFailed, match="账号或密码不正确"):
        auth.sign_in(engine, "clerk", "the first password")
    assert auth.sign_in(engine, "clerk", new).account == "clerk"
    assert len(audit_rows(engine, "password_changed")) == 1


# ----------------------------------------------------------------------------------------- sessions
def test_a_session_survives_a_reload_and_ends_on_sign_out(engine, path):
    auth.create_account(engine, "leader", COUNTY, county="南华县", password="the right password")
    token = auth.issue_session(engine, auth.sign_in(engine, "leader", "the right password"))
    session_id, _, signature = token.partition(".")
    assert len(session_id) == 43 and signature
    engine.dispose()
    again = make_engine(f"sqlite:///{path}")        # a new server process: the token still holds
    assert auth.principal_from_token(again, token) == Principal("leader", COUNTY, "南华县", None)
    assert auth.end_session(again, token)
    assert auth.principal_from_token(again, token) is None
    assert not auth.end_session(again, token)
    (out,) = audit_rows(again, "sign_out")
    assert (out.account, out.role) == ("leader", COUNTY)


def test_a_tampered_or_foreign_token_gets_nothing(engine, monkeypatch):
    auth.create_account(engine, "leader", COUNTY, county="南华县", password="the right password")
    token = auth.issue_session(engine, auth.get_principal(engine, "leader"))
    session_id, signature = token.split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    other_id = auth.issue_session(engine, auth.get_principal(engine, "leader")).split(".")[0]
    for bad in (f"{session_id}.{flipped}", f"{other_id}.{signature}", session_id, f"{session_id}.", f".{signature}",
                f"{token}.x", "", None, 42, "é" * 50 + "." + signature, token + "x" * 300):
        assert auth.principal_from_token(engine, bad) is None, bad
        assert not auth.end_session(engine, bad)
    assert auth.principal_from_token(engine, token).account == "leader"
    monkeypatch.setenv("RURAL_SESSION_SECRET", "another installation's session secret")
    assert auth.principal_from_token(engine, token) is None           # signed with another secret


def test_a_session_expires(engine, clock):
    auth.create_account(engine, "leader", COUNTY, county="南华县")
    token = auth.issue_session(engine, auth.get_principal(engine, "leader"))
    clock.advance(hours=7, minutes=59)
    assert auth.principal_from_token(engine, token) is not None
    clock.advance(minutes=2)
    assert auth.principal_from_token(engine, token) is None


def test_a_session_follows_the_account(engine, clock):
    auth.create_account(engine, "admin", ADMIN)
    auth.create_account(engine, "wang", CLERK, county="南华县", password="the right password")
    token = auth.issue_session(engine, auth.get_principal(engine, "wang"))
    auth.set_role(engine, "wang", TOWNSHIP, "南华县", "龙川镇")
    assert auth.principal_from_token(engine, token) == Principal("wang", TOWNSHIP, "南华县", "龙川镇")
    for _ in range(5):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(engine, "wang", "wrong")
    assert auth.principal_from_token(engine, token) is None           # locked
    clock.advance(minutes=16)
    assert auth.principal_from_token(engine, token) is not None
    assert auth.end_sessions_of(engine, "wang") == 1
    assert auth.principal_from_token(engine, token) is None


# --------------------------------------------------------------------------------------------- OIDC
def test_oidc_user_found_by_name_bound_to_its_subject(engine):
    auth.create_account(engine, "zhang@nanhua.gov.cn", COUNTY, county="南华县")
    claims = {"sub": "idp-0001", "email": "Zhang@nanhua.gov.cn", "name": "ignored"}
    assert auth.principal_from_oidc(engine, claims) == Principal("zhang@nanhua.gov.cn", COUNTY, "南华县", None)
    assert account_row(engine, "zhang@nanhua.gov.cn").oidc_subject == "idp-0001"
    # found by the subject afterwards, whatever the e-mail says now
    assert auth.principal_from_oidc(engine, {"sub": "idp-0001", "email": "new@x.cn"}).account == "zhang@nanhua.gov.cn"
    # another subject claiming the same name is refused
    with pytest.raises(Denied, match="已绑定另一个统一身份认证用户"):
        auth.principal_from_oidc(engine, {"sub": "idp-9999", "preferred_username": "zhang@nanhua.gov.cn"})
    # an unverified e-mail does not match
    with pytest.raises(Denied, match="该账号没有本系统的角色，请联系管理员"):
        auth.principal_from_oidc(engine, {"sub": "idp-0002", "email": "zhang@nanhua.gov.cn", "email_verified": False})
    assert [r.outcome for r in audit_rows(engine, "sign_in")] == ["成功", "成功"]
    assert [r.outcome for r in audit_rows(engine, "sign_in_failed")] == ["拒绝", "拒绝"]
    assert auth.list_accounts(engine)[0]["oidc"] and "idp-0001" not in str(auth.list_accounts(engine))


def test_oidc_roles_from_claims_or_from_the_account_table(engine):
    add_township(engine)
    # unknown user, valid role claim (Chinese name): an account is made for it
    p = auth.principal_from_oidc(engine, {"sub": "s1", "preferred_username": "li.si", "rural_role": "乡镇查看",
                                          "rural_county": "南华县", "rural_township": "龙川镇"})
    assert p == Principal("li.si", TOWNSHIP, "南华县", "龙川镇")
    assert account_row(engine, "li.si").password_hash is None
    with pytest.raises(auth.SignInFailed, match="账号或密码不正确"):
        auth.sign_in(engine, "li.si", "")                              # no password: OIDC only
    # the claim changes: the account follows (audited as a role change by 统一身份认证)
    p = auth.principal_from_oidc(engine, {"sub": "s1", "rural_role": "county_viewer", "rural_county": "南华县"})
    assert p == Principal("li.si", COUNTY, "南华县", None)
    (change,) = audit_rows(engine, "role_changed")
    assert change.account == "统一身份认证" and change.detail == "乡镇查看（南华县龙川镇）→ 县级查看（南华县）"
    # an invalid claim (unknown role, township of another county): the account table decides
    for bad in ({"rural_role": "superuser"}, {"rural_role": TOWNSHIP, "rural_county": "南华县", "rural_township": "火星镇"}):
        assert auth.principal_from_oidc(engine, {"sub": "s1", **bad}) == Principal("li.si", COUNTY, "南华县", None)
    # no claim at all: the account table
    assert auth.principal_from_oidc(engine, {"sub": "s1"}).role == COUNTY
    # an unknown user without a valid role: refused, nothing made
    with pytest.raises(Denied) as denied:
        auth.principal_from_oidc(engine, {"sub": "s2", "preferred_username": "wu", "rural_role": "boss"})
    assert denied.value.text == "该账号没有本系统的角色，请联系管理员"
    assert auth.get_principal(engine, "wu") is None
    # a personal-looking username is not used as the account name
    p = auth.principal_from_oidc(engine, {"sub": "s3", "preferred_username": MOBILE, "rural_role": "admin"})
    assert p.account.startswith("oidc-") and MOBILE not in p.account
    # disabled: refused
    auth.disable(engine, "li.si")
    with pytest.raises(Denied, match="该账号已停用"):
        auth.principal_from_oidc(engine, {"sub": "s1"})
    with pytest.raises(Denied, match="没有返回用户标识"):
        auth.principal_from_oidc(engine, {"email": "x@y.cn"})


def test_oidc_claim_names_come_from_the_settings(engine, tmp_path, monkeypatch):
    ref = tmp_path / "reference"
    ref.mkdir()
    (ref / "settings.toml").write_text('[auth]\nmode = "oidc"\nrole_claim = "groups"\ncounty_claim = "region"\n',
                                       encoding="utf-8")
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    settings._load.cache_clear()
    assert settings.get_settings().auth.mode == "oidc"
    p = auth.principal_from_oidc(engine, {"sub": "s1", "preferred_username": "zhao", "groups": ["staff", "clerk"],
                                          "region": "南华县", "rural_role": "admin"})
    assert p == Principal("zhao", CLERK, "南华县", None)


def test_bad_auth_settings_are_refused(tmp_path, monkeypatch):
    ref = tmp_path / "reference"
    ref.mkdir()
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    for text, message in (('[auth]\nmode = "ldap"\n', "mode 应为"), ("[auth]\nsession_hour = 8\n", "未知的设置：session_hour"),
                          ("[auth]\nmax_failures = 0\n", "max_failures 至少为1")):
        (ref / "settings.toml").write_text(text, encoding="utf-8")
        settings._load.cache_clear()
        with pytest.raises(ValueError, match=message):
            settings.get_settings()


# -------------------------------------------------------------------------------------------- audit
def test_each_action_is_recorded_once_with_who_and_where(engine):
    auth.create_account(engine, "admin", ADMIN, password="the right password")
    admin = auth.sign_in(engine, "admin", "the right password")
    token = auth.issue_session(engine, admin)
    audit.record(engine, admin, "batch_undone", "批次 #21 南华县监测对象名单_2023年4月.xlsx", scope="南华县")
    audit.record(engine, "admin", "export", "汇报材料.docx", scope="南华县龙川镇")
    audit.record(engine, None, "download_original", "批次 #3", outcome=audit.DENIED, detail="未登录")
    auth.end_session(engine, token)
    actions = [r.action for r in audit_rows(engine)]
    assert actions == ["account_created", "sign_in", "batch_undone", "export", "download_original", "sign_out"]
    df = audit.entries(engine)
    assert list(df.columns) == ["时间", "账号", "角色", "操作", "对象", "范围", "结果", "说明"]
    assert df["操作"].tolist() == ["退出登录", "下载原始文件", "导出", "撤销批次", "登录", "新建账号"]
    assert df.iloc[1][["账号", "角色", "结果", "说明"]].tolist() == ["（未登录）", "", "拒绝", "未登录"]
    assert df.iloc[2][["账号", "角色", "范围"]].tolist() == ["admin", "管理员", "南华县龙川镇"]
    assert df.iloc[5][["账号", "角色"]].tolist() == ["系统", ""]
    assert audit.entries(engine, account="admin", action="导出")["对象"].tolist() == ["汇报材料.docx"]
    assert len(audit.entries(engine, action="sign_in")) == 1
    assert len(audit.entries(engine, limit=2)) == 2
    with pytest.raises(ValueError, match="未知的审计操作"):
        audit.record(engine, admin, "launch_rockets")


def test_the_log_refuses_anything_personal(engine, path):
    for where in ("object", "detail", "scope"):
        for value in (ID_NUMBER, ID_NUMBER[:-1] + "X", f"证件号码{ID_NUMBER}有误", MOBILE, "+86 138-1234-5678",
                      f"联系电话：{MOBILE}。"):
            with pytest.raises(ValueError, match="审计日志不记录个人信息"):
                audit.record(engine, "admin", "export", **{where: value})
    with pytest.raises(ValueError, match="审计日志不记录个人信息"):
        audit.record(engine, MOBILE, "sign_in")
    assert not audit_rows(engine)
    # what may be there: a SHA-256, batch numbers, dates, counts
    sha = "1353812345678901234567890123456789012345678901234567890abcdef12"
    audit.record(engine, "clerk", "download_original", sha, detail="2023-06-30 载入 13800 行，批次 #135")
    engine.dispose()
    data = db_bytes(path)
    assert ID_NUMBER.encode() not in data and MOBILE.encode() not in data


def test_a_record_lands_when_the_audited_action_fails(engine):
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(engine, "nobody", "x")
    with pytest.raises(auth.AccountError):
        auth.set_password(engine, "nobody")
    assert [r.action for r in audit_rows(engine)] == ["sign_in_failed"]


def test_audit_filters_by_date_and_exports_formula_safe(engine):
    t = AuditEntry.__table__
    audit.record(engine, "clerk", "batch_loaded", "=HYPERLINK(\"http://x\")")
    audit.record(engine, "clerk", "batch_loaded", "2023年6月.xlsx")
    with engine.begin() as conn:
        conn.execute(t.update().where(t.c.id == 1).values(at=datetime(2023, 6, 1, 12, 0)))   # UTC, as stored
        conn.execute(t.update().where(t.c.id == 2).values(at=datetime(2023, 6, 5, 12, 0)))
    # dates are the server's local days: whatever its time zone, 06-03 falls between the two
    assert audit.entries(engine, since="2023-06-03")["对象"].tolist() == ["2023年6月.xlsx"]
    assert audit.entries(engine, until="2023-06-03")["对象"].tolist() == ["=HYPERLINK(\"http://x\")"]
    assert len(audit.entries(engine, since="2023-05-31", until="2023-06-06")) == 2
    wb = openpyxl.load_workbook(io.BytesIO(audit.entries_xlsx(engine)))
    ws = wb["审计日志"]
    assert ws["A1"].value == "审计日志"
    assert [c.value for c in ws[2]] == ["时间", "账号", "角色", "操作", "对象", "范围", "结果", "说明"]
    objects = [ws.cell(r, 5).value for r in range(3, ws.max_row + 1)]
    assert objects == ["2023年6月.xlsx", "'=HYPERLINK(\"http://x\")"]
    assert all(ws.cell(r, 5).data_type != "f" for r in range(3, ws.max_row + 1))


# ---------------------------------------------------------------------------------------------- CLI
def cli(*args, db, tmp_path, check=True):
    return run_cli("rural", *args, "--db", db, env={"RURAL_KEYS_FILE": str(tmp_path / "no-keys.toml")}, check=check)


def test_users_cli_round_trip(engine, path, tmp_path):
    db = f"sqlite:///{path}"
    out = cli("users", "list", db=db, tmp_path=tmp_path).stdout
    assert "还没有账号" in out and "python -m rural users add admin --role admin" in out
    out = cli("users", "add", "wang", "--role", "录入员", "--county", "南华县", "--township", "龙川镇", db=db, tmp_path=tmp_path).stdout
    assert out.splitlines()[0] == "已新建账号 wang（录入员，南华县龙川镇）。密码只显示这一次，请转交本人并提醒尽快修改："
    first = out.splitlines()[1]
    assert auth.sign_in(engine, "wang", first) == Principal("wang", CLERK, "南华县", "龙川镇")
    cli("users", "add", "admin", "--role", "admin", db=db, tmp_path=tmp_path)
    listed = cli("users", "list", db=db, tmp_path=tmp_path).stdout
    assert "wang" in listed and "南华县龙川镇" in listed and "$argon2" not in listed and first not in listed
    assert "|" not in listed and "---" not in listed                  # text, not Markdown

    second = cli("users", "passwd", "wang", db=db, tmp_path=tmp_path).stdout.splitlines()[1]
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(engine, "wang", first)
    assert auth.sign_in(engine, "wang", second).account == "wang"

    out = cli("users", "role", "wang", "--role", "county_viewer", "--county", "南华县", db=db, tmp_path=tmp_path).stdout
    assert out.strip() == "账号 wang 现在是县级查看（南华县）"
    assert auth.get_principal(engine, "wang") == Principal("wang", COUNTY, "南华县", None)

    cli("users", "disable", "wang", db=db, tmp_path=tmp_path)
    with pytest.raises(auth.SignInFailed, match="已停用"):
        auth.sign_in(engine, "wang", second)
    cli("users", "enable", "wang", db=db, tmp_path=tmp_path)
    assert auth.sign_in(engine, "wang", second).account == "wang"

    refused = cli("users", "add", "bad", "--role", "boss", db=db, tmp_path=tmp_path, check=False)
    assert refused.returncode == 1 and refused.stderr.startswith("未知的角色：boss") and "Traceback" not in refused.stderr
    refused = cli("users", "disable", "admin", db=db, tmp_path=tmp_path, check=False)
    assert refused.returncode == 1 and "唯一启用的管理员账号" in refused.stderr

    log = audit_rows(engine)
    by_cli = [(r.action, r.object) for r in log if r.account == "命令行"]
    assert by_cli == [("account_created", "wang"), ("account_created", "admin"), ("password_changed", "wang"),
                      ("role_changed", "wang"), ("account_disabled", "wang"), ("account_changed", "wang")]
    engine.dispose()
    data = db_bytes(path)
    assert first.encode() not in data and second.encode() not in data


def test_audit_cli_prints_text_and_writes_excel(engine, path, tmp_path):
    db = f"sqlite:///{path}"
    auth.create_account(engine, "admin", ADMIN, password="the right password", by=auth.CLI)
    auth.sign_in(engine, "admin", "the right password")
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(engine, "admin", "wrong")
    out = cli("audit", db=db, tmp_path=tmp_path).stdout.splitlines()
    assert out[0].split() == ["时间", "账号", "角色", "操作", "对象", "范围", "结果", "说明"]
    assert [line.split()[2] for line in out[1:]] == ["admin", "admin", "命令行"]
    assert "登录失败" in out[1] and "密码错误（连续第1次）" in out[1]
    assert not any(line.startswith("|") for line in out)
    only = cli("audit", "--action", "sign_in", "--account", "admin", db=db, tmp_path=tmp_path).stdout.splitlines()
    assert len(only) == 2 and "登录" in only[1]
    today = datetime.now().date()
    assert "没有符合条件的记录" in cli("audit", "--since", str(today + timedelta(days=2)), db=db, tmp_path=tmp_path).stdout
    xlsx = tmp_path / "审计.xlsx"
    assert cli("audit", "--xlsx", xlsx, db=db, tmp_path=tmp_path).stdout.strip() == f"已写出：{xlsx}"
    ws = openpyxl.load_workbook(xlsx)["审计日志"]
    assert ws.max_row == 2 + 3
    bad = cli("audit", "--since", "2023/06/01", db=db, tmp_path=tmp_path, check=False)
    assert bad.returncode == 2 and "日期应写作 YYYY-MM-DD" in bad.stderr


def test_demo_accounts_on_the_sample_only(engine, path, tmp_path):
    db = f"sqlite:///{path}"
    add_township(engine, name="龙川镇")
    add_township(engine, name="沙桥镇")
    refused = cli("users", "demo", db=db, tmp_path=tmp_path, check=False)
    assert refused.returncode == 1 and "演示账号只能建在内置示例数据库上" in refused.stderr
    assert not auth.has_accounts(engine)
    mark_sample(engine)
    out = cli("users", "demo", db=db, tmp_path=tmp_path).stdout.splitlines()
    assert out[0] == "已建立演示账号（密码只显示这一次，请记下）："
    rows = [line.split() for line in out[2:]]
    assert [r[:3] for r in rows] == [["admin", "管理员", "全部县"], ["clerk", "录入员", "南华县"],
                                     ["leader", "县级查看", "南华县"], ["township", "乡镇查看", "南华县龙川镇"]]
    for name, *_, password in rows:
        assert auth.sign_in(engine, name, password).account == name
    assert auth.get_principal(engine, "township") == Principal("township", TOWNSHIP, "南华县", "龙川镇")
    again = cli("users", "demo", db=db, tmp_path=tmp_path)
    assert again.returncode == 0 and len(again.stdout.strip().splitlines()) == 1 and "已存在" in again.stdout
    assert len(audit_rows(engine, "account_created")) == 4


def test_nothing_personal_anywhere_in_the_auth_tables(engine, path):
    """After a full round of account work, no table holds an ID number, a phone number or a password."""
    auth.create_account(engine, "admin", ADMIN, password="the right password", display_name="信息中心")
    with pytest.raises(auth.AccountError):
        auth.create_account(engine, "x2", CLERK, county="南华县", display_name=f"王五 {MOBILE}")
    for name in (ID_NUMBER, MOBILE, "admin"):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(engine, name, "a wrong password")
    token = auth.issue_session(engine, auth.sign_in(engine, "admin", "the right password"))
    auth.end_session(engine, token)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        dump = "\n".join(conn.iterdump())
    assert ID_NUMBER not in dump and MOBILE not in dump and "the right password" not in dump


def test_streamlit_sign_in_secrets_come_from_the_settings_and_the_keys(tmp_path, monkeypatch):
    from rural import keys

    assert auth.streamlit_secrets() == {}                              # local accounts: nothing for st.login
    assert auth.session_hours() == 8
    ref = tmp_path / "reference"
    ref.mkdir()
    (ref / "settings.toml").write_text('[auth]\nmode = "oidc"\noidc_metadata_url = "http://127.0.0.1:9/.well-known/'
                                       'openid-configuration"\noidc_client_id = "rural-dashboard"\n'
                                       'oidc_redirect_uri = "http://localhost:8501/oauth2callback"\n', encoding="utf-8")
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    path = keys.generate_keys_file(tmp_path / "k" / "keys.toml")
    with path.open("a", encoding="utf-8") as fh:
        fh.write('oidc_client_secret = "client-secret-from-the-provider"\n')
    monkeypatch.setenv("RURAL_KEYS_FILE", str(path))
    settings._load.cache_clear()
    found = auth.streamlit_secrets()["auth"]
    provider = next(v for v in found.values() if isinstance(v, dict))
    assert provider == {"client_id": "rural-dashboard", "client_secret": "client-secret-from-the-provider",
                        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
    assert found["redirect_uri"] == "http://localhost:8501/oauth2callback"
    session_secret = keys.resolve("session_secret")[0]
    assert len(found["cookie_secret"]) == 64 and found["cookie_secret"] != session_secret
    assert auth.streamlit_secrets()["auth"]["cookie_secret"] == found["cookie_secret"]     # stable across restarts
    assert not keys.key_problems()                                      # the extra secret is allowed in the file
    assert list(audit.action_names())[:3] == ["sign_in", "sign_in_failed", "sign_out"]
