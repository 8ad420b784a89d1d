"""Batches: idempotent loads, corrected files superseding earlier ones, township scopes, history, provenance."""
from __future__ import annotations

import re
import sqlite3
import unicodedata

import pytest

from tests.conftest import db_dump, roster_rows, run_cli, write_xlsx


def q(path, sql, *args):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, args).fetchall()


def load(url, *files, extra=(), check=True):
    return run_cli("etl", "load", *files, "--db", url, *extra, check=check)


def indicators(url, **scope):
    from rural.db import make_engine
    from rural.indicators import Scope, summary

    engine = make_engine(url)
    try:
        return summary(engine, Scope(**scope))
    finally:
        engine.dispose()


def work_rows(title, rows):
    return {"工作台账": [[title], ["乡镇", "推送预警线索（条）", "驻村帮扶干部（人）"], *rows]}


COUNTY = [["龙川镇", 100, 8], ["沙桥镇", 50, 5], ["全县合计", 150, 13]]
TITLE = "南华县2023年1-4月监测帮扶工作台账"


# ---------------------------------------------------------------------------- idempotence
def test_same_file_twice_changes_nothing(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "南华县监测对象名单.xlsx", {"名单": roster_rows()})
    first = load(url, f).stdout
    assert "载入 1，未改动 0，失败 0" in first
    before = db_dump(path)
    assert any("monitored_household" in line for line in before)
    second = load(url, f).stdout
    assert "未改动" in second and "与已载入的批次 #1 完全相同，未作改动" in second
    assert "载入 0，未改动 1，失败 0" in second
    assert db_dump(path) == before
    # the same bytes under another name are the same file
    copy = tmp_path / "副本.xlsx"
    copy.write_bytes(f.read_bytes())
    assert "载入 0，未改动 1，失败 0" in load(url, copy).stdout
    assert db_dump(path) == before


def test_bundled_samples_reloaded_change_nothing(sample_dir, sample_db, tmp_path):
    copy = tmp_path / "copy.db"
    with sqlite3.connect(sample_db[1]) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    before = db_dump(copy)
    files = sorted(sample_dir.iterdir())
    out = load(f"sqlite:///{copy}", *files).stdout
    assert f"共 {len(files)} 个文件：载入 0，未改动 {len(files)}，失败 0" in out
    assert db_dump(copy) == before


def test_same_bytes_with_another_period_is_loaded_as_asked(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "台账.xlsx", work_rows(TITLE, COUNTY))
    load(url, f)
    again = load(url, f, extra=("--period", "2023-04")).stdout     # what it already is: unchanged
    assert "载入 0，未改动 1，失败 0" in again
    other = load(url, f, extra=("--period", "2023-02")).stdout     # asked for as another period: loaded
    assert "载入 1，未改动 0，失败 0" in other
    assert q(path, "select id, period, status from load_batch order by id") == [(1, "2023-04", "active"), (2, "2023-02", "active")]
    bad = load(url, f, extra=("--period", "下个月"), check=False)
    assert bad.returncode == 1 and "无法识别的统计期“下个月”" in bad.stdout


# ------------------------------------------------------------------------------ supersede
def test_corrected_file_supersedes_and_history_is_kept(tmp_path, db):
    url, path = db
    v1 = write_xlsx(tmp_path / "台账v1.xlsx", work_rows(TITLE, COUNTY))
    load(url, v1)
    assert indicators(url)["work"]["warning_leads"] == 150
    fixed = [["龙川镇", 120, 8], ["沙桥镇", 50, 6], ["全县合计", 170, 14]]
    v2 = write_xlsx(tmp_path / "台账v2.xlsx", work_rows(TITLE, fixed))
    out = load(url, v2).stdout
    assert "替代批次 #1" in out
    assert q(path, "select id, file_name, kind, period, scope, status, superseded_by from load_batch order by id") == [
        (1, "台账v1.xlsx", "work", "2023-04", "全县", "superseded", 2),
        (2, "台账v2.xlsx", "work", "2023-04", "全县", "active", None)]
    # the earlier batch's rows are kept for history; the figures follow the new file
    assert q(path, "select batch_id, count(*), sum(value_c) from work_record group by batch_id order by batch_id") == [
        (1, 4, (150 + 13) * 100), (2, 4, (170 + 14) * 100)]
    w = indicators(url)["work"]
    assert (w["warning_leads"], w["stationed_cadres"]) == (170, 14)
    assert indicators(url, township="龙川镇")["work"]["warning_leads"] == 120
    # the first file again (no longer active) is a new load, superseding the correction
    out = load(url, v1).stdout
    assert "已载入" in out and "替代批次 #2" in out
    assert q(path, "select id, status, superseded_by from load_batch order by id") == [
        (1, "superseded", 2), (2, "superseded", 3), (3, "active", None)]
    assert indicators(url)["work"]["warning_leads"] == 150


def test_other_period_does_not_supersede(tmp_path, db):
    url, path = db
    load(url, write_xlsx(tmp_path / "a.xlsx", work_rows(TITLE, COUNTY)))
    load(url, write_xlsx(tmp_path / "b.xlsx", work_rows("南华县2023年1-6月监测帮扶工作台账",
                                                       [["龙川镇", 300, 9], ["沙桥镇", 100, 5]])))
    assert q(path, "select period, status from load_batch order by id") == [("2023-04", "active"), ("2023-06", "active")]
    assert indicators(url)["work"]["warning_leads"] == 400
    assert indicators(url, as_of="2023-04")["work"]["warning_leads"] == 150


# ------------------------------------------------------------------------- township scope
def test_township_files_coexist_and_supersede_only_their_own(tmp_path, db):
    url, path = db
    a = write_xlsx(tmp_path / "龙川镇台账.xlsx", work_rows(TITLE, [["龙川镇", 100, 8]]))
    b = write_xlsx(tmp_path / "沙桥镇台账.xlsx", work_rows(TITLE, [["沙桥镇", 50, 5]]))
    load(url, a, b)
    assert q(path, "select id, scope, status from load_batch order by id") == [(1, "龙川镇", "active"), (2, "沙桥镇", "active")]
    assert indicators(url)["work"]["warning_leads"] == 150
    a2 = write_xlsx(tmp_path / "龙川镇台账更正.xlsx", work_rows(TITLE, [["龙川镇", 110, 8]]))
    assert "替代批次 #1" in load(url, a2).stdout
    assert q(path, "select id, scope, status, superseded_by from load_batch order by id") == [
        (1, "龙川镇", "superseded", 3), (2, "沙桥镇", "active", None), (3, "龙川镇", "active", None)]
    assert indicators(url)["work"]["warning_leads"] == 160
    # a county-wide file replaces every township file of that kind and period
    county = write_xlsx(tmp_path / "全县台账.xlsx", work_rows(TITLE, COUNTY))
    assert "替代批次 #2、#3" in load(url, county).stdout
    assert q(path, "select id, scope, status from load_batch where status = 'active'") == [(4, "全县", "active")]
    assert indicators(url)["work"]["warning_leads"] == 150


def test_township_file_refused_over_a_county_wide_batch(tmp_path, db):
    url, path = db
    load(url, write_xlsx(tmp_path / "全县台账.xlsx", work_rows(TITLE, COUNTY)))
    before = db_dump(path)
    one = write_xlsx(tmp_path / "龙川镇台账.xlsx", work_rows(TITLE, [["龙川镇", 999, 8]]))
    proc = load(url, one, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert "龙川镇台账.xlsx" in out
    assert "2023年4月的监测帮扶工作台账已有全县数据（批次 #1，全县台账.xlsx），不能再单独载入龙川镇的数据" in out
    assert db_dump(path) == before
    assert indicators(url)["work"]["warning_leads"] == 150


# -------------------------------------------------------------------------------- history
def test_batches_command_lists_history(tmp_path, db):
    url, path = db
    empty = run_cli("etl", "batches", "--db", url, check=True).stdout
    assert "数据库中还没有载入任何数据" in empty
    load(url, write_xlsx(tmp_path / "台账v1.xlsx", work_rows(TITLE, COUNTY)))
    load(url, write_xlsx(tmp_path / "台账v2.xlsx", work_rows(TITLE, [["龙川镇", 120, 8], ["沙桥镇", 50, 5]])))
    load(url, write_xlsx(tmp_path / "名单.xlsx", {"名单": roster_rows()}))
    out = run_cli("etl", "batches", "--db", url, check=True).stdout
    lines = [line for line in out.splitlines() if "│" in line and "#" in line]
    assert len(lines) == 3
    sha = {r[0]: r[1][:12] for r in q(path, "select id, sha256 from load_batch")}
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in lines]
    assert [c[:7] for c in cells] == [
        ["#1", "台账v1.xlsx", "工作台账", "工作台账", "2023年1-4月", "全县", "3"],
        ["#2", "台账v2.xlsx", "工作台账", "工作台账", "2023年1-4月", "全县", "2"],
        ["#3", "名单.xlsx", "名单", "监测对象", "截至2023年6月", "全县", "5"]]
    assert [c[10] for c in cells] == ["已被替代", "有效", "有效"]
    assert [c[11] for c in cells] == [sha[1], sha[2], sha[3]]


# ----------------------------------------------------------------------------- provenance
FACT_TABLES = ("monitored_household", "income_record", "employment_result", "welfare_post", "assistance_payment",
               "platform_case", "project", "work_record")


def test_every_fact_row_has_its_batch_sheet_and_row(sample_db):
    path = sample_db[1]
    for table in FACT_TABLES:
        rows = q(path, f"""select count(*), sum(f.batch_id is null), sum(f.src_sheet is null), sum(f.src_row is null),
                                  sum(b.id is null), sum(b.sheet <> f.src_sheet), min(f.src_row)
                           from {table} f left join load_batch b on b.id = f.batch_id""")
        n, no_batch, no_sheet, no_row, orphan, other_sheet, first = rows[0]
        assert n > 0, table
        assert (no_batch, no_sheet, no_row, orphan, other_sheet) == (0, 0, 0, 0, 0), table
        assert first >= 2, table   # below a header


def _sheet_rows(path):
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def _cell(v) -> str:
    """A source cell as the loader stores text: NFKC (full-width brackets/digits to half-width), no spaces."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v)))
    return s[:-2] if s.endswith(".0") else s


@pytest.mark.parametrize("pattern, table, key, column", [
    ("监测对象名单（截至2023年4月）", "monitored_household", "household_key", ("户编号", "户码", "家庭编号")),
    ("监测对象名单（截至2023年2月）", "monitored_household", "household_key", ("户编号", "户码", "家庭编号")),
    ("2022年度脱贫户收入", "income_record", "household_key", ("户编号", "户码")),
    ("项目库（截至2023年6月）", "project", "name", ("项目名称",)),
    ("受理台账（截至2023年6月）", "platform_case", "case_no", ("受理编号",)),
])
def test_src_row_points_at_the_source_row(sample_dir, sample_db, pattern, table, key, column):
    """Every stored row's src_row is the Excel row of the line it came from, in the file its batch names."""
    path = next(p for p in sample_dir.iterdir() if pattern in p.name)
    sheets = _sheet_rows(path)
    facts = q(sample_db[1], f"""select f.{key}, f.src_sheet, f.src_row from {table} f join load_batch b on b.id = f.batch_id
                                where b.file_name = ? and b.status = 'active'""", path.name)
    assert len(facts) > 100
    for value, sheet, row in facts:
        cells = sheets[sheet]
        header = next(r for r in cells if any(str(c).strip() in column for c in r))
        pos = next(i for i, c in enumerate(header) if str(c).strip() in column)
        assert _cell(cells[row - 1][pos]) == value, (path.name, sheet, row)


def test_person_level_src_row_is_the_first_member(sample_dir, sample_db):
    path = next(p for p in sample_dir.iterdir() if "人员明细" in p.name)
    cells = _sheet_rows(path)["人员明细"]
    header = next(r for r in cells if "户编号" in r)
    k, rel = header.index("户编号"), header.index("与户主关系")
    first_row = {}
    for n, r in enumerate(cells, 1):
        if n > cells.index(header) + 1 and str(r[k]).strip():
            first_row.setdefault(str(r[k]).strip(), (n, r[rel]))
    facts = q(sample_db[1], """select f.household_key, f.src_row from monitored_household f join load_batch b on b.id = f.batch_id
                               where b.file_name = ?""", path.name)
    assert len(facts) == 1351
    assert {key: row for key, row in facts} == {key: n for key, (n, _) in first_row.items()}
    assert {r for _, r in first_row.values()} == {"户主"}


def test_one_known_row(sample_dir, sample_db):
    """The 2023-04 roster's first household: row 3 of sheet 监测对象名单, every field as in the file."""
    path = next(p for p in sample_dir.iterdir() if "名单（截至2023年4月）" in p.name)
    cells = _sheet_rows(path)["监测对象名单"]
    assert cells[1][:4] == ["序号", "所属乡镇", "行政村名称", "家庭编号"]
    src = dict(zip(cells[1], cells[2]))
    got = q(sample_db[1], """select f.household_key, t.name, v.name, f.people, f.category, f.src_sheet, f.src_row, b.file_name
                             from monitored_household f join load_batch b on b.id = f.batch_id
                             join township t on t.id = f.township_id join village v on v.id = f.village_id
                             where b.file_name = ? and f.src_row = 3""", path.name)
    assert got == [(_cell(src["家庭编号"]), src["所属乡镇"].strip(), src["行政村名称"], int(src["家庭人口"]),
                    src["监测对象类别"], "监测对象名单", 3, path.name)]
