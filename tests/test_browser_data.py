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
