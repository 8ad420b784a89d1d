"""Rules of the staged loader that the real-file sets do not pin down one by one: periods in headers against
the title, two columns for one field, a second table nobody can read, next year's project library, and the
accounting of every row read."""
from __future__ import annotations

from datetime import date

import pytest

from etl.errors import LoadError
from tests.conftest import write_xlsx


@pytest.fixture
def engine(tmp_path):
    from rural.db import make_engine

    return make_engine(f"sqlite:///{tmp_path / 'p.db'}")


def _plan(engine, path, today=date(2026, 12, 1)):
    from etl.pipeline import plan_file

    return plan_file(engine, path, today=today)


EMP = [["指标", "全年目标任务", "1-4月完成数", "完成率"], ["城镇新增就业人数", 3300, 1759, "53.30%"]]


def test_a_header_period_must_agree_with_the_title(engine, tmp_path):
    ok = write_xlsx(tmp_path / "a.xlsx", {"就业": [["南华县2023年1-4月就业工作完成情况"], *EMP]})
    (sp,) = _plan(engine, ok).sheets
    assert (sp.kind, sp.period, sp.facts["done"].tolist()) == ("employment", "2023-04", [1759])
    bad = write_xlsx(tmp_path / "b.xlsx", {"就业": [["南华县2023年1-6月就业工作完成情况"], *EMP]})
    with pytest.raises(LoadError) as err:
        _plan(engine, bad)
    assert "表头“1-4月完成数”（C2）的统计期是2023年1-4月，与标题中的2023年1-6月不一致" in err.value.text()


def test_two_columns_for_one_field_name_both_cells(engine, tmp_path):
    rows = [["南华县2023年1-4月监测帮扶工作台账"], ["乡镇", "推送预警线索（条）", "预警线索推送数"], ["龙川镇", 10, 10]]
    f = write_xlsx(tmp_path / "c.xlsx", {"台账": rows})
    with pytest.raises(LoadError) as err:
        _plan(engine, f)
    assert "“推送预警线索（条）”（B2）和“预警线索推送数”（C2）两列都是“推送预警线索”" in err.value.text()


def test_a_second_table_that_cannot_be_read_is_reported(engine, tmp_path):
    rows = [["南华县2023年1-4月监测帮扶工作台账"], ["乡镇", "推送预警线索（条）"], ["龙川镇", 10], ["沙桥镇", 5], [],
            ["某项专题统计"], ["片区", "甲数", "乙数"], ["东片", 1, 2]]
    plan = _plan(engine, write_xlsx(tmp_path / "d.xlsx", {"台账": rows}))
    (sp,) = plan.sheets
    assert sp.facts["value_c"].tolist() == [1000, 500] and sp.report["read"] == 2
    (w,) = plan.warnings
    assert w.level == "warning" and "第6–8行像是另一张表格（“某项专题统计”），但未能识别，这些行没有载入" in w.text()


def test_next_years_project_library_is_planned_not_future(engine, tmp_path):
    rows = lambda year: [[f"南华县{year}年度巩固拓展脱贫攻坚成果和乡村振兴项目库"], ["项目名称", "乡镇", "项目类别", "总投资（万元）"],
                         ["甲项目", "龙川镇", "产业发展", 100]]
    (sp,) = _plan(engine, write_xlsx(tmp_path / "e.xlsx", {"项目库": rows(2027)})).sheets
    assert (sp.kind, sp.period) == ("projects", "2027")
    with pytest.raises(LoadError) as err:
        _plan(engine, write_xlsx(tmp_path / "f.xlsx", {"项目库": rows(2028)}))
    assert "统计期2028年度尚未结束" in err.value.text()


def test_every_row_read_is_accounted_for(engine, tmp_path):
    rows = [["南华县2023年1-6月工作台账"], ["类别", "工作事项", "数量"], ["一、监测预警", None, None],
            [None, "推送预警线索", "6,567条"], [None, "核实预警线索", "6498条"], ["二、队伍建设", None, None],
            [None, "驻村帮扶干部", "228名"], ["注：数据来自系统", None, None], ["填表人：张某", None, "审核人：李某"]]
    plan = _plan(engine, write_xlsx(tmp_path / "g.xlsx", {"台账": rows}))
    (sp,) = plan.sheets
    r = sp.report
    assert (r["read"], r["loaded"], r["sections"], r["notes"], r["footers"]) == (7, 3, 2, 1, 1)
    assert sp.facts[["label", "unit", "value_c"]].values.tolist() == [
        ["推送预警线索", "条", 656_700], ["核实预警线索", "条", 649_800], ["驻村帮扶干部", "人", 22_800]]
