"""Readers and cell parsers: every accepted file format, header layout, unit, number and date form."""
from __future__ import annotations

import datetime as dt
import sqlite3

import pandas as pd
import pytest

from etl import parse
from etl.errors import LoadError
from etl.pipeline import extract_file, extract_table, tables_in
from etl.read import read_file
from tests.conftest import run_cli, write_csv, write_xls, write_xlsx

PERIOD_END = dt.date(2023, 6, 30)


def _extract(path, kind=None, sheet=0):
    """read → find table → map headers → normalize → validate, as the loader does; returns (table, extracted)."""
    ex = extract_file(path, kind, sheet)
    return ex.table, ex


def _rows(db_path, sql, *args):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, args).fetchall()


# --------------------------------------------------------------------------- file formats
ASSIST_ROWS = [
    ["南华县2023年1-4月社会救助发放情况表"],
    ["单位：人次、元"],
    ["乡镇", "救助类别", "人次", "金额"],
    ["龙川镇", "城市低保", 12, "1,234.50"],
    ["沙桥镇", "临时救助", "３", 800],
    ["合计", None, 15, 2034.5],
]
ASSIST_TEXT = [
    ["南华县2023年1-4月社会救助发放情况表", None, None, None],
    ["单位：人次、元", None, None, None],
    ["乡镇", "救助类别", "人次", "金额"],
    ["龙川镇", "城市低保", "12", "1,234.50"],
    ["沙桥镇", "临时救助", "３", "800"],
    ["合计", None, "15", "2034.5"],
]


def _write_any(tmp_path, fmt, rows, stem="救助"):
    if fmt == "xlsx":
        return write_xlsx(tmp_path / f"{stem}.xlsx", {"救助": rows})
    if fmt == "xls":
        return write_xls(tmp_path / f"{stem}.xls", rows, sheet="救助")
    encoding = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gbk": "gbk"}[fmt]
    return write_csv(tmp_path / f"{stem}.csv", rows, encoding)


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv-utf8", "csv-bom", "csv-gbk"])
def test_every_format_reads_the_same_text_cells_and_values(tmp_path, fmt):
    f = _write_any(tmp_path, fmt, ASSIST_ROWS)
    if fmt == "csv-gbk":
        raw = f.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # really GBK, not UTF-8 by accident
    if fmt == "csv-bom":
        assert f.read_bytes().startswith(b"\xef\xbb\xbf")
    sheets = read_file(f)
    assert len(sheets) == 1
    sheet = sheets[0]
    assert sheet.name == "救助"   # the sheet's name, or the CSV file's stem
    text = [[None if pd.isna(v) else v for v in row] for row in sheet.frame.itertuples(index=False)]
    assert text == ASSIST_TEXT
    assert sheet.first_row == 1 and sheet.columns == [0, 1, 2, 3]

    m, ex = _extract(f)
    assert m.layout.kind == "assistance"
    assert m.header_rows == [2]
    assert ex.frame["乡镇"].tolist() == ["龙川镇", "沙桥镇"]
    assert ex.frame["救助类别"].tolist() == ["城市低保", "临时救助"]
    assert ex.frame["人次"].tolist() == [12, 3]
    assert ex.frame["金额"].tolist() == [123450, 80000]      # 分, from the 元 of the unit line
    assert ex.rows.tolist() == [4, 5]                       # Excel rows of the detail lines
    assert any("第6行（合计行，已与明细核对一致）" in s for s in ex.skipped)


def test_csv_text_keeps_identifiers_as_written(tmp_path):
    rows = [["南华县监测对象名单（截至2023年6月）"],
            ["乡镇", "户编号", "户主姓名", "证件号码", "家庭人口数", "监测对象类别", "主要风险类型", "识别监测时间", "风险是否已消除"],
            ["龙川镇", "0010", "张三", "53232419800101001X", "4", "边缘易致贫户", "01", "2021-06-15", "否"]]
    f = write_csv(tmp_path / "名单.csv", rows, "gbk")
    _, ex = _extract(f)
    assert ex.frame["户编号"].tolist() == ["0010"]            # leading zeros kept
    assert ex.frame["证件号码"].tolist() == ["53232419800101001X"]


def test_workbook_with_several_sheets_each_recognised(tmp_path):
    emp = [["南华县2023年1-4月就业"], ["乡镇", "指标", "目标任务", "完成数"], ["龙川镇", "城镇新增就业", 100, 40]]
    posts = [["南华县2023年1-4月城镇公益性岗位"], ["乡镇", "城镇公益性岗位（个）", "岗位补贴（万元）", "社会保险补贴（万元）"],
             ["龙川镇", 10, "2.5", "1.25"]]
    f = write_xlsx(tmp_path / "就业.xlsx", {"就业": emp, "公益性岗位": posts, "填报说明": [["填报说明"], ["1. 按月报送"]]})
    sheets = read_file(f)
    assert [s.name for s in sheets] == ["就业", "公益性岗位", "填报说明"]
    assert [(t.sheet.name, t.layout.kind) for t in tables_in(f)] == [("就业", "employment"), ("公益性岗位", "welfare_posts")]


# ------------------------------------------------------------------------ header layouts
@pytest.mark.parametrize("above", [0, 1, 3, 15])
def test_header_found_below_title_lines(tmp_path, above):
    top = [["南华县2023年1-4月监测帮扶工作台账"], ["单位：条、人、户"], [], ["（各乡镇报送）"]] + [[f"附注行{i}"] for i in range(20)]
    top = top[:above]
    rows = top + [["乡镇", "推送预警线索（条）", "驻村帮扶干部（人）"], ["龙川镇", 120, 8], ["沙桥镇", 80, 5]]
    f = write_xlsx(tmp_path / "台账_2023-04.xlsx", {"台账": rows})
    m, ex = _extract(f)
    assert m.layout.kind == "work"
    assert m.header_rows == [above]
    assert m.sheet.sheet_row(m.header_rows[0]) == above + 1
    assert ex.frame["推送预警线索"].tolist() == [120, 80]
    assert ex.rows.tolist() == [above + 2, above + 3]


EMP_TOP = [["南华县2023年1-4月就业工作完成情况表"], ["单位：人、%"]]
EMP_HEAD = [["乡镇", "城镇新增就业", None, None, "下岗失业人员再就业", None, None],
            [None, "目标任务", "完成数", "完成率", "目标任务", "完成数", "完成率"]]
EMP_BODY = [["龙川镇", 3000, 1600, "53.33%", 1000, 200, "20.00%"],
            ["沙桥镇", "300", "１５９", "53.00%", 400, 143, "35.75%"],
            ["全县合计", "3,300", 1759, "53.30%", 1400, 343, "24.50%"]]
EMP_MERGES = {"就业": [(2, 0, 3, 0, "乡镇"), (2, 1, 2, 3, "城镇新增就业"), (2, 4, 2, 6, "下岗失业人员再就业")]}


@pytest.mark.parametrize("fmt", ["xlsx-merged", "xls", "csv-gbk"])
def test_two_level_header_flattened(tmp_path, fmt):
    rows = EMP_TOP + EMP_HEAD + EMP_BODY
    if fmt == "xlsx-merged":
        f = write_xlsx(tmp_path / "就业.xlsx", {"就业": rows}, EMP_MERGES)
    elif fmt == "xls":
        f = write_xls(tmp_path / "就业.xls", rows, sheet="就业")
    else:
        f = write_csv(tmp_path / "就业.csv", rows, "gbk")
    m, ex = _extract(f)
    assert m.layout.kind == "employment"
    assert m.header_rows == [2, 3]
    headers = [(c.column.text, c.field.name, c.group) for c in m.mapping.claims]
    assert headers == [
        ("乡镇", "乡镇", None),
        ("城镇新增就业/目标任务", "目标任务", "城镇新增就业"), ("城镇新增就业/完成数", "完成数", "城镇新增就业"),
        ("城镇新增就业/完成率", "完成率", "城镇新增就业"),
        ("下岗失业人员再就业/目标任务", "目标任务", "下岗失业人员再就业"),
        ("下岗失业人员再就业/完成数", "完成数", "下岗失业人员再就业"),
        ("下岗失业人员再就业/完成率", "完成率", "下岗失业人员再就业"),
    ]
    assert ex.frame["目标任务@城镇新增就业"].tolist() == [3000, 300]
    assert ex.frame["完成数@城镇新增就业"].tolist() == [1600, 159]
    assert ex.frame["完成率@城镇新增就业"].tolist() == [53.33, 53.0]
    assert ex.frame["完成数@下岗失业人员再就业"].tolist() == [200, 143]
    assert ex.rows.tolist() == [5, 6]


def test_one_row_group_slash_header(tmp_path):
    rows = [["南华县2023年1-4月社会救助"], ["单位：万元"],
            ["乡镇", "城市低保/人次", "城市低保/金额", "农村低保/人次", "农村低保/金额"],
            ["龙川镇", 10, "1.5", 100, "20"]]
    f = write_xlsx(tmp_path / "救助.xlsx", {"救助": rows})
    _, ex = _extract(f)
    assert ex.frame["人次@城市低保"].tolist() == [10]
    assert ex.frame["金额@城市低保"].tolist() == [1_500_000]       # 1.5 万元 in 分
    assert ex.frame["金额@农村低保"].tolist() == [20_000_000]


# ------------------------------------------------------------------------------- units
def _assist_wide(unit_line, amount_header, amount_cell):
    rows = [["南华县2023年1-4月社会救助发放情况表"]]
    if unit_line:
        rows.append([unit_line])
    rows += [["乡镇", "城市低保", None], [None, "人次", amount_header], ["龙川镇", 5, amount_cell]]
    return rows


@pytest.mark.parametrize("unit_line, header, cell, fen", [
    ("单位：人次、万元", "金额", "29.28", 29_280_000),          # unit line
    (None, "金额（万元）", "29.28", 29_280_000),                 # header
    ("单位：人次、元", "金额（万元）", "29.28", 29_280_000),      # header wins over the unit line
    ("单位：人次、元", "金额", "292,800", 29_280_000),            # 元, thousands separator
    (None, "金额", "292800.5", 29_280_050),                      # no unit anywhere: 元
    ("单位：人次、万元", "金额", "1.02亿元", 10_200_000_000),     # unit in the cell wins
    ("单位：亿元", "金额", "0.0102", 102_000_000),               # 亿元 unit line: 102万元
    (None, "金额(万元)", "２９．２８", 29_280_000),              # full-width digits, half-width brackets
])
def test_money_units(tmp_path, unit_line, header, cell, fen):
    f = write_xlsx(tmp_path / "救助.xlsx", {"救助": _assist_wide(unit_line, header, cell)})
    _, ex = _extract(f)
    assert ex.frame["金额@城市低保"].tolist() == [fen]


def test_unit_line_parsing():
    from etl.find import find_tables
    from etl.layouts import reference
    from etl.normalize import line_units
    from etl.read import RawSheet

    def units(line):
        frame = pd.DataFrame([[line, None, None], ["类别", "工作事项", "数量"], ["a", "b", "1"]], dtype="string")
        sheet = RawSheet("S", frame, 1, [0, 1, 2])
        (table,), _ = find_tables(sheet, reference().for_kind("work_items"), reference())
        return line_units(table)

    assert units("单位：万元") == {"万元"}
    assert units("单位：人次、元") == {"元"}
    assert units("（单位：亿元）") == {"亿元"}
    assert units("计量单位：万亩") == {"万亩"}
    assert units("单位:亩、万元") == {"亩", "万元"}
    assert units("南华县2023年社会救助") == set()


INDUSTRY_CELLS = [
    # (项目, 单位 column, 完成量) → (item, unit, value_c in hundredths of 亩 / 元)
    (("巨菌草", "万亩", "1.2"), ("industry_area", "亩", 1_200_000)),
    (("巨菌草二", "亩", "1.2万亩"), ("industry_area", "亩", 1_200_000)),        # the cell wins over 单位
    (("荷包豆", "亩", "3,800"), ("industry_area", "亩", 380_000)),
    (("人工食用菌", "亩", "３０２０"), ("industry_area", "亩", 302_000)),
    (("肉牛贷款", "亿元", "1.02"), ("loan", "元", 10_200_000_000)),
    (("肉牛贷款二", "万元", "1.02亿元"), ("loan", "元", 10_200_000_000)),
    (("肉牛贷款三", None, "10200万元"), ("loan", "元", 10_200_000_000)),
    (("产业奖补", "元", "１２,３４５.６７"), ("industry_money", "元", 1_234_567)),
]


def test_industry_cell_and_column_units(tmp_path, db):
    url, path = db
    rows = [["南华县2023年1-4月产业发展和金融支持情况"], ["类别", "项目", "单位", "完成量"]]
    rows += [["产业", name, unit, value] for (name, unit, value), _ in INDUSTRY_CELLS]
    f = write_xlsx(tmp_path / "产业.xlsx", {"产业": rows})
    run_cli("etl", "load", f, "--db", url, check=True)
    got = _rows(path, "select label, item, unit, value_c, src_row from work_record order by id")
    assert got == [(name, *exp, 3 + k) for k, ((name, _, _), exp) in enumerate(INDUSTRY_CELLS)]


INDUSTRY_FALLBACKS = [
    # (period in the title, unit line, 完成量 header, 项目, value) → (item, unit, value_c)
    ("2023年1-2月", None, "面积（万亩）", "巨菌草", "1.2", ("industry_area", "亩", 1_200_000)),   # header unit
    ("2023年1-4月", "单位：亩", "完成量", "巨菌草", "12000", ("industry_area", "亩", 1_200_000)),  # unit line
    ("2023年1-6月", "单位：万元", "完成量", "肉牛贷款", "10200", ("loan", "元", 10_200_000_000)),
]


def test_industry_unit_from_header_or_unit_line(tmp_path, db):
    """No 单位 column and no unit in the cell: the header's or the unit line's unit applies."""
    url, path = db
    files = []
    for k, (per, line, header, name, value, _) in enumerate(INDUSTRY_FALLBACKS):
        rows = [[f"南华县{per}产业发展和金融支持情况"]] + ([[line]] if line else []) + [["类别", "项目", header],
                                                                                       ["产业", name, value]]
        files.append(write_xlsx(tmp_path / f"产业{k}.xlsx", {"产业": rows}))
    run_cli("etl", "load", *files, "--db", url, check=True)
    got = _rows(path, "select b.period, w.item, w.unit, w.value_c from work_record w join load_batch b on b.id = w.batch_id "
                      "order by b.period")
    assert got == [("2023-02", *INDUSTRY_FALLBACKS[0][5]), ("2023-04", *INDUSTRY_FALLBACKS[1][5]),
                   ("2023-06", *INDUSTRY_FALLBACKS[2][5])]


# -------------------------------------------------------------------- totals and notes
@pytest.mark.parametrize("word", ["合计", "总计", "全县", "全县合计", " 合 计 "])
def test_totals_row_checked_then_left_out(tmp_path, word):
    rows = [["南华县2023年1-4月监测帮扶工作台账"], ["乡镇", "推送预警线索", "结对帮扶户"],
            ["龙川镇", 100, "1,000"], [word, 150, 1500], ["沙桥镇", 50, 500]]
    f = write_xlsx(tmp_path / "台账.xlsx", {"台账": rows})
    _, ex = _extract(f)
    assert ex.frame["乡镇"].tolist() == ["龙川镇", "沙桥镇"]
    assert ex.frame["推送预警线索"].tolist() == [100, 50]
    assert ex.skipped == ["第4行（合计行，已与明细核对一致）"]


def test_totals_row_that_differs_is_an_error(tmp_path):
    rows = [["南华县2023年1-4月监测帮扶工作台账"], ["乡镇", "推送预警线索", "结对帮扶户"],
            ["龙川镇", 100, 1000], ["沙桥镇", 50, 500], ["合计", 150, 1499]]
    f = write_xlsx(tmp_path / "台账.xlsx", {"台账": rows})
    (m,) = tables_in(f)
    with pytest.raises(LoadError) as err:
        extract_table(m, f.name)
    text = str(err.value)
    assert "第5行" in text and "结对帮扶户" in text and "合计为1,499，明细之和为1,500" in text


def test_totals_in_the_serial_number_column(tmp_path):
    rows = [["项目库（截至2023年6月）"], ["单位：万元"], ["序号", "项目名称", "乡镇", "项目类别", "总投资"],
            [1, "甲项目", "龙川镇", "产业发展类", "100"], [2, "乙项目", "沙桥镇", "基础设施类", "50.5"],
            ["合计", None, None, None, "150.5"]]
    f = write_xlsx(tmp_path / "项目库.xlsx", {"项目库": rows})
    _, ex = _extract(f)
    assert ex.frame["项目名称"].tolist() == ["甲项目", "乙项目"]
    assert ex.frame["总投资"].tolist() == [100_000_000, 50_500_000]  # 万元 (column default) → 分
    assert ex.skipped == ["第6行（合计行，已与明细核对一致）"]


def test_long_layout_totals_per_category(tmp_path):
    """A long table may give a totals row per category; each is checked against that category only."""
    rows = [["南华县2023年1-4月社会救助发放情况"], ["乡镇", "救助类别", "人次", "金额（元）"],
            ["龙川镇", "城市低保", 10, "1,000.50"], ["沙桥镇", "城市低保", 5, 500], ["龙川镇", "临时救助", 2, 300],
            ["全县合计", "城市低保", 15, "1500.50"], ["全县合计", "临时救助", 2, 300]]
    f = write_csv(tmp_path / "救助.csv", rows, "gbk")
    _, ex = _extract(f)
    assert ex.frame["人次"].tolist() == [10, 5, 2]
    assert ex.frame["金额"].tolist() == [100050, 50000, 30000]
    assert len([s for s in ex.skipped if "合计行" in s]) == 2
    rows[5][2] = 16
    f = write_csv(tmp_path / "救助错.csv", rows, "gbk")
    (m,) = tables_in(f)
    with pytest.raises(LoadError) as err:
        extract_table(m, f.name)
    assert "第6行" in str(err.value) and "合计为16，明细之和为15" in str(err.value)
    assert "第7行" not in str(err.value)


NOTES = ["注：数据来源于系统", "说明：按月报送", "填表人：某某", "审核人：某某", "制表：某某", "填报单位：某局",
         "联系电话：0878-1234567", "数据来源：监测系统"]


def test_note_lines_skipped(tmp_path):
    rows = [["南华县2023年1-4月监测帮扶工作台账"], ["乡镇", "推送预警线索", "驻村帮扶干部"],
            ["龙川镇", 100, 8], [], ["沙桥镇", 50, 5], []] + [[n] for n in NOTES] + [["填表人：张某", "审核人：李某"]]
    f = write_xlsx(tmp_path / "台账.xlsx", {"台账": rows})
    _, ex = _extract(f)
    assert ex.frame["乡镇"].tolist() == ["龙川镇", "沙桥镇"]
    assert ex.rows.tolist() == [3, 5]
    noted = [s for s in ex.skipped if "注释行" in s or "落款行" in s]
    kinds = ["注释", "注释", "落款", "落款", "落款", "落款", "落款", "注释", "落款"]
    assert noted == [f"第{r}行（{k}行）" for r, k in zip(range(7, 7 + len(NOTES) + 1), kinds)]


# ---------------------------------------------------------------------- cell parsers
def test_clean_and_text():
    assert parse.clean("　１２ ３\t") == "123"
    assert parse.clean("（万元）") == "(万元)"
    assert parse.parse_text(" 5323240010010001.0 ") == "5323240010010001"
    assert parse.parse_text("龙川镇 ") == "龙川镇"


@pytest.mark.parametrize("text, value", [
    ("4", 4), ("４", 4), (" 1,234 ", 1234), ("１，２３４", 1234), ("4.0", 4), ("3人", 3), ("12户", 12), ("658人次", 658),
])
def test_parse_int(text, value):
    assert parse.parse_int(text) == value


@pytest.mark.parametrize("text", ["四口", "4.5", "3万元", "", "1-2"])
def test_parse_int_refuses(text):
    with pytest.raises(ValueError):
        parse.parse_int(text)


@pytest.mark.parametrize("default, text, fen", [
    ("元", "12,000.50", 1_200_050), ("元", "8800", 880_000), ("元", "１２，０００．５０", 1_200_050),
    ("元", "12.345", 1_235), ("元", "12.344", 1_234), ("元", "¥1,000", 100_000), ("元", "0", 0),
    ("元", "1.02亿元", 10_200_000_000), ("元", "203.5万元", 203_500_000), ("元", "1e3", 100_000),
    ("万元", "29.28", 29_280_000), ("万元", "8662", 8_662_000_000), ("万元", "50元", 5_000),
    ("亿元", "1.02", 10_200_000_000),
])
def test_money_parser_exact_fen(default, text, fen):
    assert parse.fixed_parser(parse.MONEY_UNITS, default, 2)(text) == fen


@pytest.mark.parametrize("default, text, value", [
    ("亩", "980", 98_000), ("亩", "3,020亩", 302_000), ("亩", "1.2万亩", 1_200_000), ("万亩", "1.2", 1_200_000),
    ("亩", "12.5", 1_250),
])
def test_area_parser_hundredths(default, text, value):
    assert parse.fixed_parser(parse.AREA_UNITS, default, 2)(text) == value


def test_unit_not_for_the_column():
    with pytest.raises(ValueError, match="不适用"):
        parse.fixed_parser(parse.MONEY_UNITS, "元", 2)("3亩")
    with pytest.raises(ValueError, match="不适用"):
        parse.fixed_parser(parse.AREA_UNITS, "亩", 2)("3万元")
    with pytest.raises(ValueError):
        parse.fixed_parser(parse.MONEY_UNITS, "元", 2)("一百元")


@pytest.mark.parametrize("text, pct", [
    ("53.30%", 53.3), ("５３．３０％", 53.3), ("53.3", 53.3), ("0.533", 53.3), ("24.5 %", 24.5), ("100%", 100.0),
    ("1", 100.0), ("106.63%", 106.63),
])
def test_parse_pct(text, pct):
    assert parse.parse_pct(text) == pytest.approx(pct, abs=1e-9)


def test_parse_bool():
    assert [parse.parse_bool(t) for t in ("是", "否", " 是 ", "已消除", "未消除", "Y", "n")] == [
        True, False, True, True, False, True, False]
    with pytest.raises(ValueError):
        parse.parse_bool("也许")


@pytest.mark.parametrize("text, day", [
    ("2021-06-15", dt.date(2021, 6, 15)), ("2021/6/15", dt.date(2021, 6, 15)), ("2021.6.15", dt.date(2021, 6, 15)),
    ("2021年6月15日", dt.date(2021, 6, 15)), ("20210615", dt.date(2021, 6, 15)), ("202106", dt.date(2021, 6, 1)),
    ("2021-06", dt.date(2021, 6, 1)), ("2021年6月", dt.date(2021, 6, 1)),
    ("44362", dt.date(2021, 6, 15)), ("44362.0", dt.date(2021, 6, 15)), ("44927", dt.date(2023, 1, 1)),
    ("2021-06-15 00:00:00", dt.date(2021, 6, 15)), ("２０２１／６／１５", dt.date(2021, 6, 15)),
])
def test_parse_date(text, day):
    assert parse.parse_date(text) == day


@pytest.mark.parametrize("text", ["2021-02-30", "202113", "明天", "2021", "15/06/2021"])
def test_parse_date_refuses(text):
    with pytest.raises(ValueError):
        parse.parse_date(text)


@pytest.mark.parametrize("text, found", [
    ("南华县2023年1-4月就业工作完成情况表", ("2023-04", "ytd")),
    ("南华县2023年1—4月防止返贫监测帮扶工作台账", ("2023-04", "ytd")),
    ("南华县防返贫监测对象名单（截至2023年6月）", ("2023-06", "upto")),
    ("截止2023年6月底", ("2023-06", "upto")),
    ("南华县2022年度脱贫户收入监测表", ("2022", "year")),
    ("南华县2023年上半年脱贫户收入监测表", ("2023H1", "half")),
    ("2023年第一季度", ("2023Q1", "quarter")),
    ("2023年6月监测对象", ("2023-06", "month")),
    ("就业_202304", ("2023-04", "month")),
    ("就业_2023-04", ("2023-04", "month")),
    ("南华县监测对象名单", None),
])
def test_find_period(text, found):
    assert parse.find_period(text) == found


@pytest.mark.parametrize("text, code", [
    ("2023-04", "2023-04"), ("202304", "2023-04"), ("2022", "2022"), ("2023h1", "2023H1"), ("2023Q1", "2023Q1"),
    ("2023年1-4月", "2023-04"), ("截至2023年6月", "2023-06"),
])
def test_parse_period_arg(text, code):
    assert parse.parse_period_arg(text) == code


def test_parse_period_arg_refuses():
    with pytest.raises(ValueError, match="无法识别的统计期"):
        parse.parse_period_arg("上个月")


# ------------------------------------------------------------------ dates through to the DB
ROSTER_HEAD = ["乡镇", "行政村", "户编号", "家庭人口数", "监测对象类别", "主要风险类型", "识别监测时间", "风险是否已消除",
               "风险消除时间", "家庭人均纯收入（元）"]


def test_date_forms_stored_as_dates(tmp_path, db):
    import xlsxwriter

    url, path = db
    f = tmp_path / "南华县监测对象名单（截至2023年6月）.xlsx"
    wb = xlsxwriter.Workbook(str(f))
    ws = wb.add_worksheet("名单")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["南华县防返贫监测对象名单（截至2023年6月）"])
    ws.write_row(1, 0, ROSTER_HEAD)
    idents = ["2021-06-15", "2021/6/15", "202106", 44362, None, "2021年6月15日", "2021.6.15", "20210615"]
    for k, ident in enumerate(idents):
        r = k + 2
        ws.write_row(r, 0, ["龙川镇", "大村", f"H{k:03d}", 3, "边缘易致贫户", "因病"])
        if ident is None:
            ws.write_datetime(r, 6, dt.datetime(2021, 6, 15), date_fmt)   # a real date cell
        else:
            ws.write(r, 6, ident)
        ws.write(r, 7, "是" if k == 0 else "否")
        if k == 0:
            ws.write_datetime(r, 8, dt.datetime(2022, 3, 1), date_fmt)
        ws.write(r, 9, ["12,000.50", "８８００", 9000.5, "1.2万元", 0, "7000", "7,000.00", "6999.99"][k])
    wb.close()
    run_cli("etl", "load", f, "--db", url, check=True)
    got = _rows(path, "select household_key, identified_on, eliminated, eliminated_on, per_capita_income_fen, src_row "
                      "from monitored_household order by household_key")
    assert [g[1] for g in got] == ["2021-06-15", "2021-06-15", "2021-06-01", "2021-06-15", "2021-06-15", "2021-06-15",
                                   "2021-06-15", "2021-06-15"]
    assert got[0][2:4] == (1, "2022-03-01")
    assert all(g[2] == 0 and g[3] is None for g in got[1:])
    assert [g[4] for g in got] == [1_200_050, 880_000, 900_050, 1_200_000, 0, 700_000, 700_000, 699_999]
    assert [g[5] for g in got] == list(range(3, 11))
