"""One real browser (Playwright driving Debian's Chromium) against `streamlit run app.py`.

Opens every page through the sidebar, fails on any Streamlit exception box and on any request
that would leave the machine, saves a screenshot of each page, restores a bookmarked view and
downloads a chart picture.
"""
from __future__ import annotations

import contextlib
import os
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
PAGES = ["总览", "监测帮扶", "收入", "就业", "项目", "社会救助", "地图"]
OUT = ROOT / "test-output" / "browser"

pytestmark = [pytest.mark.timeout(300),
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it)")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_started(url: str, proc) -> None:
    """Until the server at ``url`` answers its health check (about 30 s at most)."""
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    err = proc.stderr.read()
    raise RuntimeError("streamlit did not start: " + (err.decode() if isinstance(err, bytes) else err)[-2000:])


SERVERS: dict[str, str] = {}      # base URL → its database URL, for signing a browser in


@contextlib.contextmanager
def streamlit_server(db_url: str, extra_env: dict | None = None, port: int | None = None):
    """`streamlit run server.py` (as `make run` does) on a free port of 127.0.0.1; yields its base URL."""
    port = port or free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    streamlit = Path(sys.executable).with_name("streamlit")
    proc = subprocess.Popen([str(streamlit), "run", "server.py", "--server.port", str(port), "--server.headless", "true",
                             "--server.address", "127.0.0.1"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    SERVERS[url] = db_url
    try:
        wait_started(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def private_copy(sample_db, tmp_path_factory) -> str:
    """A copy of the sample database for one server: signing in writes sessions and the audit log, which the
    shared sample (read by other tests of the same worker) must not get."""
    import shutil

    path = tmp_path_factory.mktemp("served") / "sample.db"
    shutil.copy(sample_db[1], path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    with streamlit_server(private_copy(sample_db, tmp_path_factory)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
            "--no-first-run", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def session_cookie(server: str, role: str = "admin", township: str | None = None) -> dict:
    """A real signed session for a test account of ``role`` (created in the server's database when missing),
    as the cookie the sign-in form would set."""
    from rural import auth, indicators
    from rural.db import make_engine

    e = make_engine(SERVERS[server])
    name = f"test-{role}" + (f"-{abs(hash(township)) % 10_000}" if township else "")
    if auth.get_principal(e, name) is None:
        auth.create_account(e, name, role, county=indicators.county_of(e), township=township)
    token = auth.issue_session(e, auth.get_principal(e, name))
    e.dispose()
    return {"name": auth.SESSION_COOKIE, "value": token, "url": server, "httpOnly": True, "sameSite": "Lax"}


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="zh-CN")
    context.add_cookies([session_cookie(server)])
    pg = offline(context.new_page())
    yield pg
    context.close()


def offline(pg):
    """``pg`` with every request that would leave the machine aborted and listed in ``pg.outside``, and page
    errors in ``pg.errors``."""
    pg.outside = []
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))

    def route(r):
        u = r.request.url
        if urlparse(u).hostname in ("127.0.0.1", "localhost") or u.startswith(("data:", "blob:")):
            r.continue_()
        else:
            pg.outside.append(u)
            r.abort()

    pg.route("**/*", route)
    return pg


def settle(pg) -> None:
    pg.wait_for_timeout(300)
    pg.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    pg.wait_for_timeout(500)
    pg.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


def screenshot(pg, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    height = pg.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    pg.set_viewport_size({"width": 1366, "height": min(max(height + 40, 768), 8000)})
    pg.wait_for_timeout(400)
    path = OUT / f"{name}.png"
    pg.screenshot(path=str(path))
    pg.set_viewport_size({"width": 1366, "height": 768})
    return path


def test_every_page_renders_offline(page, server):
    page.goto(server)
    settle(page)
    for name in PAGES:
        link = page.locator('[data-testid="stSidebarNav"] a', has_text=name).first
        link.click()
        page.wait_for_selector(f'[data-testid="stSidebarNav"] a[aria-current="page"]:has-text("{name}")', timeout=30_000)
        settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0, f"exception on {name}"
        assert page.locator("h1").first.inner_text().strip()
        shot = screenshot(page, name)
        assert shot.stat().st_size > 20_000
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert "Traceback" not in body and "Error:" not in body, f"error shown on {name}"
    assert page.outside == [], f"requests left the machine: {page.outside[:5]}"
    assert page.errors == [], f"script errors in the page: {page.errors[:3]}"


def test_cockpit_shows_published_figures(page, server):
    page.goto(server)
    settle(page)
    # every headline card drawn (under load the first run may still be streaming its elements when idle flips)
    page.wait_for_function("document.querySelectorAll('[data-testid=stMetric]').length >= 11", timeout=60_000)
    settle(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    for figure in ("73.10%", "16,890.43元", "53.30%", "24.50%", "16.64%", "82.00%", "71.27%", "93.44%"):
        assert figure in text, figure
    assert page.outside == []


def test_bookmarked_view_is_restored(page, server):
    page.goto(f"{server}/monitoring?as_of=2023-04&township=%E9%BE%99%E5%B7%9D%E9%95%87")
    settle(page)
    caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
    assert "龙川镇" in caption and "数据截至2023年4月" in caption
    assert "township=" in page.url and "as_of=2023-04" in page.url


def test_chart_picture_download_is_print_quality(page, server):
    page.goto(f"{server}/employment")
    settle(page)
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="下载图片（PNG）").first.click()
    path = OUT / "employment_chart.png"
    OUT.mkdir(parents=True, exist_ok=True)
    info.value.save_as(str(path))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == 2000 and height >= 800
    assert b"pHYs" in data
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="下载数据（Excel）").first.click()
    xlsx = OUT / "employment_data.xlsx"
    info.value.save_as(str(xlsx))
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    assert ws["A2"].value == "指标" and ws["B3"].value == 3300 and ws["C3"].value == 1759
    assert page.outside == []
