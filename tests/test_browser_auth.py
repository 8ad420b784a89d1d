"""Sign-in in a real Chromium: nothing but the sign-in page without a session; each role signs in through the
form and sees what it should; a township official's bookmark to another township does not leak; a session
survives a reload and ends at sign-out; lockout; originals to an administrator only; OIDC through a real
local provider (``oidc-provider-mock``)."""
from __future__ import annotations

import shutil
import urllib.error
import urllib.request

import pytest

from tests.test_browser import CHROMIUM, Path, browser, free_port, offline, settle, streamlit_server  # noqa: F401

pytestmark = [pytest.mark.timeout(400),
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it)")]

PASSWORD = "Zq7-测试-口令-2026"


@pytest.fixture(scope="module")
def auth_db(sample_db, tmp_path_factory):
    """A private copy of the sample with one account per role (the township official of the first township)."""
    from rural import auth, indicators
    from rural.db import make_engine

    path = tmp_path_factory.mktemp("authdb") / "auth.db"
    shutil.copy(sample_db[1], path)
    url = f"sqlite:///{path}"
    e = make_engine(url)
    county = indicators.county_of(e)
    towns = indicators.townships(e, county)
    auth.create_account(e, "admin1", "admin", county=county, password=PASSWORD)
    auth.create_account(e, "clerk1", "clerk", county=county, password=PASSWORD)
    auth.create_account(e, "leader1", "county_viewer", county=county, password=PASSWORD)
    auth.create_account(e, "town1", "township_viewer", county=county, township=towns[0], password=PASSWORD)
    e.dispose()
    return url, path, county, towns


@pytest.fixture(scope="module")
def server(auth_db, tmp_path_factory):
    with streamlit_server(auth_db[0], {"RURAL_ARCHIVE_DIR": str(tmp_path_factory.mktemp("archive"))}) as url:
        yield url


@pytest.fixture
def pg(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    yield offline(context.new_page())
    context.close()


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def nav_text(page) -> str:
    return page.locator('[data-testid="stSidebarNav"]').inner_text()


def sign_in(page, server, account, password=PASSWORD, next_path="/"):
    page.goto(f"{server}/signin?next={next_path}")
    page.get_by_label("账号").fill(account)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/signin" not in page.url:
        settle(page)


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_nothing_without_a_session(pg, server):
    pg.goto(server)
    settle(pg)
    text = main_text(pg)
    assert "请先登录" in text and "73.10%" not in text
    assert pg.locator('[data-testid="stSidebarNav"]').count() == 0         # no page list, no filters
    pg.goto(f"{server}/monitoring?township=龙川镇")
    settle(pg)
    assert "请先登录" in main_text(pg) and "龙川村" not in main_text(pg)
    status, body = get(f"{server}/files/original/1")
    assert status == 401 and b"PK" not in body and "请先登录" in body.decode()
    assert pg.outside == [] and pg.errors == []


def test_each_role_sees_what_it_should(pg, server, auth_db):
    sign_in(pg, server, "leader1")
    assert "73.10%" in main_text(pg)
    nav = nav_text(pg)
    assert "总览" in nav and "汇报材料" in nav and "数据管理" not in nav and "账号与审计" not in nav
    pg.goto(f"{server}/data")
    settle(pg)
    assert "选择部门报表" not in main_text(pg)                               # not even by address
    pg.reload()
    settle(pg)
    assert "请先登录" not in main_text(pg)                                   # the session survives a reload

    pg.goto(f"{server}/signout")
    pg.get_by_role("button", name="确认退出").click()
    pg.wait_for_load_state()
    pg.goto(server)
    settle(pg)
    assert "请先登录" in main_text(pg)

    sign_in(pg, server, "clerk1")
    nav = nav_text(pg)
    assert "数据管理" in nav and "账号与审计" not in nav
    pg.goto(f"{server}/signout")
    pg.get_by_role("button", name="确认退出").click()
    pg.wait_for_load_state()

    sign_in(pg, server, "admin1")
    nav = nav_text(pg)
    assert "数据管理" in nav and "账号与审计" in nav
    pg.goto(f"{server}/admin")
    settle(pg)
    assert "审计日志" in main_text(pg)
    assert pg.outside == [] and pg.errors == []


def test_township_official_bookmark_does_not_leak(pg, server, auth_db):
    from rural import indicators
    from rural.db import make_engine

    _, _, county, towns = auth_db
    mine, other = towns[0], towns[1]
    e = make_engine(auth_db[0])
    villages = {t: set(indicators.monitoring_breakdown(e, indicators.Scope(None, t, county), "village")["name"])
                for t in (mine, other)}
    e.dispose()
    sign_in(pg, server, "town1", next_path=f"/monitoring?township={other}")
    assert f"您只能查看{mine}" in pg.locator("body").inner_text()
    pg.get_by_role("tab", name="逐级查看").click()
    settle(pg)
    assert f"{mine}监测户名单" in main_text(pg)
    assert pg.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="乡镇").locator(
        "input").is_disabled()
    box = pg.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text="行政村")
    box.locator("input").click()
    if not pg.locator('[role="option"]').count():
        box.locator("svg").last.click()                 # the arrow opens the list when the input only took focus
    pg.wait_for_selector('[role="option"]', timeout=10_000)
    options = {t.strip() for t in pg.locator('[role="option"]').all_inner_texts()} - {"（全部）"}
    assert options and options <= villages[mine] and not options & villages[other]
    assert pg.outside == [] and pg.errors == []


def test_lockout_after_repeated_failures(pg, server):
    for _ in range(4):
        sign_in(pg, server, "leader1", password="wrong-password")
        assert "账号或密码不正确" in pg.locator("body").inner_text()
    sign_in(pg, server, "leader1", password="wrong-password")          # the fifth in a row locks the account
    assert "锁定" in pg.locator("body").inner_text()
    sign_in(pg, server, "leader1")                     # the right password, but locked now
    assert "/signin" in pg.url and "锁定" in pg.locator("body").inner_text()


def test_originals_to_an_administrator_only(pg, server, auth_db):
    from rural import auth
    from rural.db import make_engine

    e = make_engine(auth_db[0])
    leader = auth.issue_session(e, auth.get_principal(e, "clerk1"))
    e.dispose()
    req = urllib.request.Request(f"{server}/files/original/1", headers={"Cookie": f"{auth.SESSION_COOKIE}={leader}"})
    try:
        urllib.request.urlopen(req, timeout=10)
        raise AssertionError("a clerk got an original file")
    except urllib.error.HTTPError as exc:
        assert exc.code == 403


# ----------------------------------------------------------------------------------------------- OIDC
@pytest.fixture(scope="module")
def oidc_server(auth_db, tmp_path_factory):
    from oidc_provider_mock import User, run_server_in_thread

    _, _, county, _ = auth_db
    users = [User(sub="leader-oidc", claims={"email": "leader@example.gov.cn", "rural_role": "县级查看",
                                             "rural_county": county})]
    with run_server_in_thread(user_claims=users) as provider:
        port = free_port()
        env = {"RURAL_AUTH_MODE": "oidc", "RURAL_ARCHIVE_DIR": str(tmp_path_factory.mktemp("archive-oidc")),
               "RURAL_OIDC_METADATA_URL": f"http://127.0.0.1:{provider.server_port}/.well-known/openid-configuration",
               "RURAL_OIDC_CLIENT_ID": "rural-dashboard", "RURAL_OIDC_CLIENT_SECRET": "test-only-client-secret",
               "RURAL_OIDC_REDIRECT_URI": f"http://127.0.0.1:{port}/oauth2callback"}
        with streamlit_server(auth_db[0], env, port=port) as url:
            yield url


def test_oidc_sign_in_through_the_local_provider(pg, oidc_server):
    pg.goto(oidc_server)
    settle(pg)
    assert "73.10%" not in main_text(pg)
    pg.get_by_role("button", name="使用统一身份认证登录").click()
    pg.wait_for_url("**/oauth2/authorize**")
    pg.locator('input[name="sub"]').fill("leader-oidc")
    pg.locator('button[type="submit"]').first.click()
    pg.wait_for_url(f"{oidc_server}/**")
    settle(pg)
    assert "73.10%" in main_text(pg)
    assert "县级查看" in pg.locator('[data-testid="stSidebar"]').inner_text()
    # the provider's own page asks a CDN for its stylesheet (blocked here); the dashboard asked for nothing
    assert [u for u in pg.outside if "cdn.jsdelivr.net" not in u] == []
