"""Real browser on the 数据管理 page: upload a good file and see the cockpit change, upload a bad
file and see the error naming the row, undo the batch and see the published figures again."""
from __future__ import annotations

import shutil

import pytest

from tests.conftest import roster_rows, write_xlsx
from tests.test_browser import CHROMIUM, Path, screenshot, settle, streamlit_server

pytestmark = [pytest.mark.timeout(300),
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it)")]


@pytest.fixture(scope="module")
def sample_db(sample_db, tmp_path_factory):
    """A private copy: this module changes the database."""
    path = tmp_path_factory.mktemp("datapage") / "data.db"
    shutil.copy(sample_db[1], path)
    return f"sqlite:///{path}", path


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    with streamlit_server(sample_db[0], {"RURAL_ARCHIVE_DIR": str(tmp_path_factory.mktemp("archive"))}) as url:
        yield url


from tests.test_browser import browser, page  # noqa: E402,F401


def upload(page, path):
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.wait_for_timeout(800)
    settle(page)


def cockpit_text(page, server) -> str:
    page.goto(server)
    settle(page)
    return page.locator('[data-testid="stMain"]').inner_text()


def test_upload_check_load_and_undo(page, server, tmp_path):
    good = write_xlsx(tmp_path / "南华县监测对象名单_更正.xlsx", {"名单": roster_rows()})
    bad_rows = roster_rows()
    bad_rows[4][1] = "沙侨镇"
    bad = write_xlsx(tmp_path / "南华县监测对象名单_有错.xlsx", {"名单": bad_rows})
    assert "73.10%" in cockpit_text(page, server)

    page.goto(f"{server}/data")
    settle(page)
    upload(page, bad)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "此文件不能载入" in main and "第5行" in main and "沙侨镇" in main and "是否应为“沙桥镇”" in main
    assert page.get_by_role("button", name="确认载入").count() == 0
    screenshot(page, "数据管理_错误")

    page.goto(f"{server}/data")
    settle(page)
    upload(page, good)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "监测对象名单，截至2023年6月，范围：全县" in main and "证件号码格式或校验位不正确" in main
    assert "读入5行，载入3行，注释行1，落款行1；得到3条记录" in main   # every row read accounted for
    assert page.get_by_role("button", name="确认载入").is_disabled()  # warnings need a tick
    page.get_by_text("我已核对以上提醒，仍要载入").click()
    settle(page)
    page.get_by_role("button", name="确认载入").click()
    settle(page)
    assert "已载入" in page.locator('[data-testid="stMain"]').inner_text()
    screenshot(page, "数据管理_载入")

    text = cockpit_text(page, server)
    assert "44.44%" in text and "73.10%" not in text   # 4 of 9 people in the corrected roster

    page.goto(f"{server}/data")
    settle(page)
    page.get_by_role("tab", name="载入历史").click()
    settle(page)
    undo = page.get_by_role("button", name="撤销……")
    assert undo.is_disabled()                         # nothing preselected as the target
    page.locator('[data-testid="stSelectbox"]').filter(has_text="撤销批次").locator("input").click()
    page.get_by_role("option", name="南华县监测对象名单_更正.xlsx").click()
    settle(page)
    undo.click()
    settle(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "将撤销批次 #" in main and "南华县监测对象名单_更正.xlsx" in main and "并恢复它替代的批次 #" in main
    assert "撤销后，南华县截至2023年6月的主要指标将变为" in main   # the effect (before → after table; AppTest reads its cells)
    assert "44.44%" in cockpit_text(page, server)     # nothing happens before the confirmation
    page.goto(f"{server}/data")
    settle(page)
    page.get_by_role("tab", name="载入历史").click()
    settle(page)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="撤销批次").locator("input").click()
    page.get_by_role("option", name="南华县监测对象名单_更正.xlsx").click()
    settle(page)
    page.get_by_role("button", name="撤销……").click()
    settle(page)
    page.get_by_role("button", name="确认撤销").click()
    settle(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "已撤销" in main and "各页面的数字已随之更新" in main   # the result stays on the page
    assert page.get_by_role("button", name="撤销……").is_disabled()
    screenshot(page, "数据管理_撤销")
    assert "73.10%" in cockpit_text(page, server)
    assert page.outside == [] and page.errors == []


def test_an_admin_adds_an_unknown_indicator_on_the_upload_page(browser, sample_db, tmp_path_factory, tmp_path):
    """A 指标数据 sheet naming an indicator the catalogue lacks is refused with the catalogue's names; an administrator
    adds it there (名称, 口径, 单位, 领域, 方向, 年度目标), the file is checked again and loads; the addition is in the
    audit log and in the county's reference folder (not the bundled catalogue)."""
    from tests.test_browser import offline, private_copy, session_cookie

    ref = tmp_path_factory.mktemp("county-reference")
    db_url = private_copy(sample_db, tmp_path_factory)
    sheet = write_xlsx(tmp_path / "南华县农村户用卫生厕所普查表.xlsx", {"普查": [
        ["南华县农村户用卫生厕所普查表（截至2023年6月）"], ["乡镇", "农村户用卫生厕所普及率（%）"], ["龙川镇", 82.5], ["沙桥镇", 86]]})
    with streamlit_server(db_url, {"RURAL_REFERENCE_DIR": str(ref)}) as url:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        context.add_cookies([session_cookie(url)])
        page = offline(context.new_page())
        page.goto(f"{url}/data")
        settle(page)
        upload(page, sheet)
        # nothing in it names an indicator of the catalogue: the clerk says what it is
        page.locator('[data-testid="stSelectbox"]').filter(has_text="报表类型").locator("input").click()
        page.get_by_role("option", name="指标数据").click()
        settle(page)
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert "此文件不能载入" in main and "不是指标目录中的指标" in main and "农村卫生厕所普及率" in main
        assert "在指标目录中添加这个指标" in main
        page.get_by_label("口径（统计范围和算法，页面上写在指标旁）").fill("使用卫生户厕的农户占农户总数的比例。")
        page.locator('[data-testid="stSelectbox"]').filter(has_text="所属领域").locator("input").click()
        page.get_by_role("option", name="生态宜居").click()
        page.locator('[data-testid="stSelectbox"]').filter(has_text="方向").locator("input").click()
        page.get_by_role("option", name="越高越好").click()
        page.locator('[data-testid="stSelectbox"]').filter(has_text="没有全县行时全县数").locator("input").click()
        page.get_by_role("option", name="只用报送的全县数").click()
        page.get_by_label("年度目标（可留空）").fill("85")
        page.get_by_role("button", name="添加到指标目录").click()
        settle(page)
        page.wait_for_timeout(1500)
        settle(page)
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert "此文件不能载入" not in main, main[:2000]
        screenshot(page, "数据管理_添加指标")
        page.get_by_role("button", name="确认载入").click()
        settle(page)
        assert "已载入" in page.locator('[data-testid="stMain"]').inner_text()
        context.close()
    added = (ref / "indicators_added.toml").read_text(encoding="utf-8")
    assert 'name = "农村户用卫生厕所普及率"' in added and 'unit = "%"' in added and "targets = { 2023 = 85 }" in added
    from rural import audit
    from rural.db import make_engine

    log = audit.entries(make_engine(db_url), action="indicator_added")
    assert [(r["对象"], r["结果"]) for _, r in log.iterrows()] == [("农村户用卫生厕所普及率", "成功")]
