"""The 账号与审计 page (AppTest on a private copy of the sample): accounts listed without hashes, a new account
made through the form with its password shown once, the audit log filtered and holding that change once;
anyone but an administrator is refused."""
from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from rural.access import ADMIN, COUNTY, Principal
from tests.conftest import ROOT


@pytest.fixture
def admin_db(sample_db, tmp_path, monkeypatch):
    path = tmp_path / "admin.db"
    shutil.copy(sample_db[1], path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return f"sqlite:///{path}"


def page(principal) -> AppTest:
    at = AppTest.from_file(str(ROOT / "views" / "admin.py"), default_timeout=60)
    at.session_state["principal"] = principal
    return at.run()


def test_accounts_and_audit_log(admin_db):
    from rural import audit, auth
    from rural.db import make_engine

    e = make_engine(admin_db)
    auth.create_account(e, "chief", ADMIN, county="南华县", password="Chief-password-2026")
    me = auth.get_principal(e, "chief")
    at = page(me)
    assert not at.exception
    accounts = at.dataframe[0].value
    assert "chief" in list(accounts["账号"]) and not any("argon" in str(v) for v in accounts.to_numpy().ravel())
    at.text_input[0].input("town.clerk")
    at.selectbox[0].select("clerk")
    at.text_input[3].input("龙川镇")
    at.button[0].click().run()          # the form's 创建
    assert not at.exception
    assert any("已创建账号 town.clerk（录入员）" in s.value for s in at.success)
    shown = [c.value for c in at.code]
    assert len(shown) == 1 and len(shown[0]) >= 10          # the generated password, once
    assert auth.get_principal(e, "town.clerk") == Principal("town.clerk", "clerk", "南华县", "龙川镇")
    log = audit.entries(e, action="account_created", account="chief")
    assert len(log) == 1 and log.iloc[0]["账号"] == "chief" and "town.clerk" in log.iloc[0]["对象"]
    assert shown[0] not in " ".join(map(str, audit.entries(e).to_numpy().ravel()))    # never the password
    at.run()
    assert [c.value for c in at.code] == []                  # shown only that once


def test_only_administrators(admin_db):
    at = page(Principal("leader", COUNTY, "南华县"))
    assert not at.exception and [x.value for x in at.error] and not at.dataframe   # refused, in words, nothing shown
