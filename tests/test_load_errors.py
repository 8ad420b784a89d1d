"""Bad input: a clear Chinese message naming file, sheet, row and column; the database unchanged."""
from __future__ import annotations

import pytest

from tests.conftest import ROSTER_HEADER, db_dump, roster_rows, run_cli, write_csv, write_xlsx

EMP_MERGES = {"就业": [(2, 0, 3, 0, "乡镇"), (2, 1, 2, 3, "城镇新增就业"), (2, 4, 2, 6, "下岗失业人员再就业")]}


def employment_rows(total_done="1759", rate_a="53.33%"):
    return [["南华县2023年1-4月就业工作完成情况表"], ["单位：人、%"], [], [None, "目标任务", "完成数", "完成率", "目标任务", "完成数", "完成率"],
            ["龙川镇", 3000, 1600, rate_a, 1000, 200, "20.00%"],
            ["沙桥镇", 300, 159, "53.00%", 400, 143, "35.75%"],
            ["全县合计", "3,300", total_done, "53.30%", 1400, 343, "24.50%"]]


@pytest.fixture
def loaded(tmp_path, db):
    """A database that already holds one good roster, so 'unchanged' means something."""
    url, path = db
    good = write_xlsx(tmp_path / "南华县监测对象_2023年6月.xlsx", {"名单": roster_rows()})
    run_cli("etl", "load", good, "--db", url, check=True)
    return url, path


def _fails(tmp_path, loaded, file, *expected):
    url, path = loaded
    before = db_dump(path)
    proc = run_cli("etl", "load", file, "--db", url)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "Traceback" not in out
    for text in expected:
        assert text in out, f"missing {text!r} in:\n{out}"
    assert db_dump(path) == before
    return out


def test_empty_file(tmp_path, loaded):
    f = tmp_path / "空.xlsx"
    f.write_bytes(b"")
    _fails(tmp_path, loaded, f, "空.xlsx", "文件是空的")


def test_workbook_without_data(tmp_path, loaded):
    f = write_xlsx(tmp_path / "空表.xlsx", {"Sheet1": []})
    _fails(tmp_path, loaded, f, "空表.xlsx", "没有任何数据")


def test_wrong_headers(tmp_path, loaded):
    rows = [["南华县监测对象（截至2023年6月）"], ["地区", "人名", "金额"], ["龙川镇", "张三", 1]]
    f = write_xlsx(tmp_path / "错表头.xlsx", {"数据": rows})
    _fails(tmp_path, loaded, f, "错表头.xlsx", "表头")


def test_unknown_extra_column_is_listed_not_refused(tmp_path, loaded):
    """A column the roster does not use never refuses the file: it is listed in the load report."""
    url, path = loaded
    rows = roster_rows(title="南华县防返贫监测对象名单（截至2023年5月）")
    rows[2] = ROSTER_HEADER + ["奇怪的列"]
    rows[3] = rows[3] + ["随便写点什么"]
    f = write_xlsx(tmp_path / "多一列.xlsx", {"名单": rows})
    proc = run_cli("etl", "load", f, "--db", url)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "未使用的列1个（不读取）：奇怪的列" in out
    assert "个人信息列2个（不读取、不保存、不显示）：户主姓名、证件号码" not in out   # 证件号码 is a field (a key)
    assert "个人信息列1个（不读取、不保存、不显示）：户主姓名" in out
    assert "随便写点什么" not in db_dump(path).__str__()


def test_text_file_renamed_xlsx(tmp_path, loaded):
    f = tmp_path / "改名.xlsx"
    f.write_text("乡镇,人数\n龙川镇,3\n", encoding="utf-8")
    _fails(tmp_path, loaded, f, "改名.xlsx", "不是 Excel 工作簿")


def test_truncated_workbook(tmp_path, loaded):
    good = write_xlsx(tmp_path / "full.xlsx", {"名单": roster_rows()})
    f = tmp_path / "截断.xlsx"
    f.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    _fails(tmp_path, loaded, f, "截断.xlsx", "已损坏或不完整")


def test_unsupported_type(tmp_path, loaded):
    f = tmp_path / "名单.txt"
    f.write_text("x", encoding="utf-8")
    _fails(tmp_path, loaded, f, "名单.txt", "不支持的文件类型", ".xlsx、.xls、.csv")


def test_undecodable_csv(tmp_path, loaded):
    f = tmp_path / "乱码.csv"
    f.write_bytes("乡镇,人次\n".encode("utf-8") + b"\xff\xfe\x81,3\n")
    _fails(tmp_path, loaded, f, "乱码.csv", "编码无法识别", "第2行")


def test_totals_that_do_not_add_up(tmp_path, loaded):
    f = write_xlsx(tmp_path / "就业合计错.xlsx", {"就业": employment_rows(total_done="1800")}, EMP_MERGES)
    _fails(tmp_path, loaded, f, "就业合计错.xlsx", "工作表“就业”", "第7行", "城镇新增就业/完成数", "合计为1,800，明细之和为1,759")


def test_completion_rate_contradicts_counts(tmp_path, loaded):
    f = write_xlsx(tmp_path / "完成率错.xlsx", {"就业": employment_rows(rate_a="120.00%")}, EMP_MERGES)
    _fails(tmp_path, loaded, f, "完成率错.xlsx", "第5行", "完成率120.00%", "不符")


def test_unknown_township(tmp_path, loaded):
    rows = roster_rows()
    rows[4][1] = "沙侨镇"
    f = write_xlsx(tmp_path / "错乡镇.xlsx", {"名单": rows})
    _fails(tmp_path, loaded, f, "错乡镇.xlsx", "第5行", "“沙侨镇”不是南华县的乡镇", "是否应为“沙桥镇”")


def test_future_date(tmp_path, loaded):
    rows = roster_rows()
    rows[3][9] = "2031-06-15"
    f = write_xlsx(tmp_path / "未来日期.xlsx", {"名单": rows})
    _fails(tmp_path, loaded, f, "未来日期.xlsx", "第4行", "识别监测时间", "J4", "未来日期")


def test_future_period(tmp_path, loaded):
    f = write_xlsx(tmp_path / "未来统计期.xlsx", {"名单": roster_rows("南华县防返贫监测对象名单（截至2031年6月）")})
    _fails(tmp_path, loaded, f, "未来统计期.xlsx", "尚未结束")


def test_negative_amount(tmp_path, loaded):
    rows = roster_rows()
    rows[3][12] = "-500"
    f = write_xlsx(tmp_path / "负数.xlsx", {"名单": rows})
    _fails(tmp_path, loaded, f, "负数.xlsx", "第4行", "家庭人均纯收入", "不能为负数", "-500")


def test_bad_number_and_masked_personal_value(tmp_path, loaded):
    rows = roster_rows()
    rows[3][6] = "四口"
    f = write_xlsx(tmp_path / "人口错.xlsx", {"名单": rows})
    out = _fails(tmp_path, loaded, f, "人口错.xlsx", "第4行", "家庭人口数", "G4", "四口")
    assert "张小明" not in out and "532324198001010014" not in out


def test_conflicting_member_rows(tmp_path, loaded):
    header = ["户编号", "人编号", "姓名", "证件号码", "与户主关系", "人数", "乡镇", "行政村", "易返贫致贫户(监测对象)类型",
              "风险是否消除", "风险识别时间", "风险消除时间", "人均纯收入（元）", "致贫/返贫风险1"]
    rows = [["南华县防返贫监测对象人员明细（截至2023年6月）"], header,
            ["H0001", "P1", "张小明", "532324198001010014", "户主", 2, "龙川镇", "龙川村", "脱贫不稳定户", "是", "2021-06-15", "2022-03-01", "12000", "01"],
            ["H0001", "P2", "赵小红", "532324198205050021", "配偶", 2, "龙川镇", "龙川村", "边缘易致贫户", "是", "2021-06-15", "2022-03-01", "12000", "01"]]
    f = write_xlsx(tmp_path / "成员冲突.xlsx", {"人员": rows})
    out = _fails(tmp_path, loaded, f, "成员冲突.xlsx", "H0001", "第4行", "不一致", "易返贫致贫户(监测对象)类型")
    assert "赵小红" not in out


def test_several_files_each_stands_alone(tmp_path, loaded):
    url, path = loaded
    bad = tmp_path / "坏.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    good = write_xlsx(tmp_path / "南华县2023年1-4月就业.xlsx", {"就业": employment_rows()}, EMP_MERGES)
    proc = run_cli("etl", "load", bad, good, "--db", url)
    assert proc.returncode == 1
    assert "载入 1，未改动 0，失败 1" in proc.stdout
    assert "南华县2023年1-4月就业.xlsx │ 已载入" in proc.stdout and "坏.xlsx 载入失败" in proc.stdout


def test_gbk_csv_wrong_headers_names_expected(tmp_path, loaded):
    f = write_csv(tmp_path / "救助.csv", [["南华县2023年1-2月社会救助"], ["乡镇", "救助类别", "人数"], ["龙川镇", "城市低保", "3"]], "gbk")
    _fails(tmp_path, loaded, f, "救助.csv", "缺少", "金额")


def test_title_naming_an_unknown_county_loads_as_that_county(tmp_path, loaded):
    """A title naming a county the database does not know is that county's first load, never 南华县's."""
    url, path = loaded
    rows = [["姚安县2023年1-6月产业发展情况"], ["类别", "项目", "单位", "完成量"], ["产业种植", "巨菌草", "亩", "100"]]
    f = write_xlsx(tmp_path / "产业.xlsx", {"产业发展": rows})
    proc = run_cli("etl", "load", f, "--db", url)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "新的县：姚安县（首次载入）" in out
    import sqlite3

    with sqlite3.connect(path) as conn:
        assert conn.execute("select county, kind from load_batch where file_name = '产业.xlsx'").fetchall() == [("姚安县", "industry")]
        assert conn.execute("select count(*) from township where county = '姚安县'").fetchone() == (0,)
