"""Cases a county's files really produce, found by review: each once wrong, now pinned."""
from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from etl.errors import LoadError
from tests.conftest import id_number, run_cli, summary_json, write_csv, write_xlsx

PERSONS = ["户编号", "人编号", "与户主关系", "乡镇", "行政村", "易返贫致贫户(监测对象)类型", "风险是否消除", "风险识别时间", "风险消除时间"]


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'e.db'}", tmp_path / "e.db"


def _rows(path, sql):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_household_fields_on_the_heads_row_only(tmp_path, db):
    """A person export whose household cells are filled (or merged) on the head's row: members count."""
    url, path = db
    rows = [["南华县防返贫监测对象人员明细（截至2023年6月）"], PERSONS,
            ["H1", "P1", "户主", "龙川镇", "大村", "边缘易致贫户", "是", "2022-01-01", "2023-01-01"],
            ["H1", "P2", "配偶"], ["H1", "P3", "之子"],
            ["H2", "P4", "户主", "沙桥镇", "小村", "脱贫不稳定户", "否", "2023-02-01", None], ["H2", "P5", "之女"]]
    run_cli("etl", "load", write_xlsx(tmp_path / "人员.xlsx", {"人员": rows}), "--db", url, check=True)
    assert _rows(path, "select household_key, people, eliminated from monitored_household order by 1") == \
        [("H1", 3, 1), ("H2", 2, 0)]


def test_an_id_number_column_is_never_stored_as_a_key(tmp_path, db):
    """Neither a clerk's --map nor a key column full of ID numbers puts ID numbers into the database."""
    url, path = db
    ids = [id_number(f"53232419800101{k:03d}") for k in range(3)]
    rows = [["南华县防返贫监测对象人员明细（截至2023年6月）"], ["户主身份证号", "人编号", "与户主关系", "乡镇", "易返贫致贫户(监测对象)类型",
                                            "风险是否消除", "风险识别时间"]]
    rows += [[ids[k], f"P{k}", "户主", "龙川镇", "边缘易致贫户", "否", "2023-01-01"] for k in range(3)]
    f = write_xlsx(tmp_path / "人员.xlsx", {"人员": rows})
    proc = run_cli("etl", "load", f, "--db", url, "--kind", "monitoring_persons", "--map", "户主身份证号=户编号")
    assert proc.returncode == 1 and "Traceback" not in proc.stdout
    rows[1][0] = "户编号"
    proc = run_cli("etl", "load", write_xlsx(tmp_path / "人员2.xlsx", {"人员": rows}), "--db", url)
    assert proc.returncode == 1 and "是证件号码（18位，校验位正确），不能作为户编号保存" in proc.stdout
    dump = "\n".join(sqlite3.connect(path).iterdump())
    assert not any(i in dump or i in proc.stdout for i in ids)


def test_markup_in_a_cell_is_printed_as_text(tmp_path, db):
    url, _ = db
    rows = [["南华县2023年1-4月监测帮扶工作台账"], ["乡镇", "推送预警线索（条）"], ["[/x]镇", 10], ["[bold]龙川镇", 5]]
    proc = run_cli("etl", "load", write_xlsx(tmp_path / "台账[red].xlsx", {"台账": rows}), "--db", url)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert "“[/x]镇”不是南华县的乡镇" in proc.stdout and "“[bold]龙川镇”不是南华县的乡镇" in proc.stdout
    assert "台账[red].xlsx" in proc.stdout


def test_a_blank_form_never_supersedes_figures(tmp_path, db):
    url, path = db
    good = [["南华县2023年1-4月监测帮扶工作台账"], ["乡镇", "推送预警线索（条）"], ["龙川镇", 10], ["沙桥镇", 5]]
    run_cli("etl", "load", write_xlsx(tmp_path / "台账.xlsx", {"台账": good}), "--db", url, check=True)
    blank = [good[0], good[1], ["龙川镇", None], ["沙桥镇", None]]
    proc = run_cli("etl", "load", write_xlsx(tmp_path / "空表.xlsx", {"台账": blank}), "--db", url)
    assert proc.returncode == 1 and "没有任何数值，不能载入" in proc.stdout
    assert summary_json(url)["work"]["warning_leads"] == 15
    half = [good[0], good[1], ["龙川镇", 12], ["沙桥镇", None]]
    proc = run_cli("etl", "load", write_xlsx(tmp_path / "半表.xlsx", {"台账": half}), "--db", url, check=True)
    ((report,),) = _rows(path, "select report from load_batch where file_name = '半表.xlsx'")
    assert '"没有填写数值（未载入）": 1' in report and '"loaded": 1' in report and '"read": 2' in report


def test_a_file_loaded_again_after_a_later_one_is_loaded_again(tmp_path, db):
    url, path = db
    a = write_xlsx(tmp_path / "甲.xlsx", {"台账": [["南华县2023年1-4月监测帮扶工作台账"], ["乡镇", "推送预警线索（条）"], ["龙川镇", 10]]})
    b = write_xlsx(tmp_path / "乙.xlsx", {"台账": [["南华县2023年1-4月监测帮扶工作台账"], ["乡镇", "推送预警线索（条）"], ["龙川镇", 20]]})
    for f in (a, b):
        run_cli("etl", "load", f, "--db", url, check=True)
    again = run_cli("etl", "load", a, "--db", url, check=True)
    assert "载入 1，未改动 0" in again.stdout and summary_json(url)["work"]["warning_leads"] == 10
    assert "未改动 1" in run_cli("etl", "load", a, "--db", url, check=True).stdout


@pytest.mark.parametrize("text, day", [("2023/6/1 10:30", date(2023, 6, 1)), ("2023/5/3 14:00", date(2023, 5, 3)),
                                       ("2023-05-08T11:20:00", date(2023, 5, 8)), ("2023年5月8日 11:20", date(2023, 5, 8))])
def test_a_date_with_its_time(text, day):
    from etl.parse import parse_date

    assert parse_date(text) == day


@pytest.mark.parametrize("title, found", [
    ("南华县2023年1月1日—4月30日监测帮扶工作台账", ("2023-04", "ytd")),
    ("南华县2022年度脱贫户收入监测表（2023年3月填报）", ("2022", "year")),
    ("南华县2023年13月台账", None),
    ("导出时间：2023-07-05 南华县2023年上半年收入", ("2023H1", "half")),
])
def test_periods_in_titles(title, found):
    from rural.periods import find_period

    assert find_period(title) == found


@pytest.mark.parametrize("name, title", [("红旗村2023年1-4月台账.xlsx", "2023年1-4月监测帮扶工作台账"),
                                         ("台账.xlsx", "关于全县2023年1-4月监测帮扶工作的台账")])
def test_no_county_from_ordinary_words(tmp_path, db, name, title):
    """A village named 红旗 or a title opening 关于全县 names no county: the rows' townships say it is 南华县."""
    url, path = db
    rows = [[title], ["乡镇", "推送预警线索（条）"], ["龙川镇", 10]]
    run_cli("etl", "load", write_xlsx(tmp_path / name, {"台账": rows}), "--db", url, check=True)
    assert _rows(path, "select distinct county from load_batch") == [("南华县",)]


def test_the_county_column_is_read(tmp_path, db):
    url, _ = db
    head = ["县(市、区、旗)", "乡镇", "户编号", "家庭人口数", "监测对象类别", "识别监测时间", "风险是否已消除"]
    rows = [["防返贫监测对象名单（截至2023年6月）"], head, ["云南省楚雄州南华县", "龙川镇", "H1", 3, "边缘易致贫户", "2023-01-01", "否"],
            ["大姚县", "龙川镇", "H2", 2, "边缘易致贫户", "2023-01-01", "否"]]
    proc = run_cli("etl", "load", write_xlsx(tmp_path / "名单.xlsx", {"名单": rows}), "--db", url)
    assert proc.returncode == 1 and "文件中有几个县的数据（南华县、大姚县）" in proc.stdout
    rows[3][0] = "南华县"
    run_cli("etl", "load", write_xlsx(tmp_path / "名单2.xlsx", {"名单": rows}), "--db", url, check=True)


def test_an_empty_cell_in_a_years_column(tmp_path, db):
    url, _ = db
    rows = [["南华县脱贫户收入"], ["乡镇", "户编号", "人数", "2021年人均纯收入（元）", "2022年人均纯收入（元）"],
            ["龙川镇", "H1", 3, "9000", "9900"], ["龙川镇", "H2", 2, None, "12000"]]
    proc = run_cli("etl", "load", write_xlsx(tmp_path / "收入.xlsx", {"收入": rows}), "--db", url)
    assert proc.returncode == 1 and "第4行，“2021年人均纯收入（元）”列（D4）：必填项为空" in proc.stdout


def test_a_ledger_of_work_and_industry_items_counts_each_row_once(tmp_path, db):
    url, path = db
    rows = [["南华县2023年1-6月工作台账"], ["类别", "工作事项", "数量"], ["监测", "推送预警线索", "6567条"], ["队伍", "驻村帮扶干部", "228人"],
            ["产业", "巨菌草", "1.2万亩"], ["金融", "肉牛贷款", "1.02亿元"]]
    run_cli("etl", "load", write_xlsx(tmp_path / "台账.xlsx", {"台账": rows}), "--db", url, check=True)
    assert _rows(path, "select kind, rows_read, rows_loaded from load_batch order by id") == [("work", 2, 2), ("industry", 2, 2)]


def test_a_workbook_with_absurdly_many_sheets_is_refused_fast(tmp_path):
    import io
    import time
    import zipfile

    import openpyxl

    from etl.read import open_workbook

    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                start, end = data.index(b"<sheet "), data.index(b"</sheets>")
                sheet = data[start:end]
                assert b'name="Sheet"' in sheet
                data = data[:start] + b"".join(sheet.replace(b'"Sheet"', b'"S%d"' % k) for k in range(20000)) + data[end:]
            z.writestr(info, data)
    t = time.monotonic()
    with pytest.raises(LoadError) as err:
        with open_workbook("多表.xlsx", out.getvalue()):
            pass
    assert time.monotonic() - t < 5 and "工作表" in err.value.text() and "多表.xlsx" in err.value.text()


def test_a_row_pasted_twice_in_a_large_file(tmp_path, monkeypatch, db):
    """Column selection for large files must not let a renumbered copy of a row through."""
    import etl.pipeline as pipeline
    from rural.db import make_engine

    monkeypatch.setattr(pipeline, "SMALL_FILE", 0)
    rows = [["南华县巩固拓展脱贫攻坚成果和乡村振兴项目库（截至2023年6月）"], ["序号", "项目名称", "乡镇", "项目类别", "总投资（万元）"],
            [1, "甲项目", "龙川镇", "产业发展", 100], [2, "乙项目", "沙桥镇", "产业发展", 50], [3, "甲项目", "龙川镇", "产业发展", 100]]
    with pytest.raises(LoadError) as err:
        pipeline.plan_file(make_engine(db[0]), write_xlsx(tmp_path / "项目库.xlsx", {"项目库": rows}))
    assert "第5行与第3行各单元格完全相同" in err.value.text()


def test_csv_with_times_loads_the_right_days(tmp_path, db):
    url, path = db
    rows = [["南华县政府救助平台受理台账（截至2023年6月）"], ["受理编号", "乡镇", "受理日期", "办结日期"],
            ["A1", "龙川镇", "2023/6/1 10:30", "2023/6/3 9:00"], ["A2", "沙桥镇", "2023/5/3 14:00", ""]]
    run_cli("etl", "load", write_csv(tmp_path / "平台.csv", rows, "gbk"), "--db", url, check=True)
    assert _rows(path, "select case_no, received_on, closed_on from platform_case order by 1") == \
        [("A1", "2023-06-01", "2023-06-03"), ("A2", "2023-05-03", None)]
