"""Shared pieces of the real-file fixtures: the Fixture record, writers, people, rounding.

Nothing here imports the project's own code (etl/, rural/): the expected figures are worked out
by hand in each builder from the rows it writes.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from tests.conftest import id_number

# Keys of ``Fixture.expected`` that are not summary-JSON paths (see README.md).
META_KEYS = frozenset({
    "refused", "refused_files", "message_contains", "warns", "lifted_out_households",
    "lifted_out_people", "also_as_of", "by_township", "summary_args",
})


@dataclass
class Fixture:
    """Files written by a builder and what a correct loader must make of them.

    ``files`` are loaded in list order, one ``python -m etl load FILE`` call per file, into one fresh
    database; then ``python -m rural summary --json`` (plus ``expected["summary_args"]`` if present)
    must give every summary path in ``expected``.  Meta keys are listed in ``META_KEYS``.
    """

    files: list[Path]
    expected: dict
    notes: str
    name: str = ""
    rows: dict = field(default_factory=dict)  # file name -> data rows written (for the self-check table)


def figures(expected: dict) -> dict:
    """Only the summary-JSON paths of an expected dict."""
    return {k: v for k, v in expected.items() if k not in META_KEYS}


# Rounding ---------------------------------------------------------------------------------------
D = Decimal
CENT = D("0.01")


def r2(x) -> Decimal:
    return D(x).quantize(CENT, rounding=ROUND_HALF_UP)


def pct(num, den) -> float:
    """num / den as a percentage, half up to 2 decimals (as a float for comparison with JSON)."""
    return float(r2(D(num) * 100 / D(den)))


def money(x) -> float:
    return float(r2(x))


def pct_text(num, den) -> str:
    return f"{r2(D(num) * 100 / D(den))}%"


def thousands(x, decimals: int = 0) -> str:
    return f"{x:,.{decimals}f}" if decimals else f"{int(x):,}"


FULLWIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def fullwidth(s) -> str:
    return str(s).translate(FULLWIDTH)


# Dates ------------------------------------------------------------------------------------------
EXCEL_EPOCH = dt.date(1899, 12, 30)


def serial(d: dt.date) -> int:
    return (d - EXCEL_EPOCH).days


def date_as(d: dt.date | None, style: str):
    """A date the way exports carry it: 'ym' 202106, 'iso' 2021-06-15, 'slash' 2021/6/15,
    'serial' 44362 (General-format number), 'date' a real date cell, 'cn' 2021年6月15日, 'ymd' 20210615."""
    if d is None:
        return None
    return {
        "ym": f"{d.year}{d.month:02d}",
        "iso": d.isoformat(),
        "slash": f"{d.year}/{d.month}/{d.day}",
        "serial": serial(d),
        "date": d,
        "cn": f"{d.year}年{d.month}月{d.day}日",
        "ymd": f"{d.year}{d.month:02d}{d.day:02d}",
    }[style]


def rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


# People -----------------------------------------------------------------------------------------
SURNAMES = ("李 张 王 杨 赵 罗 鲁 普 起 者 字 毕 苏 陈 刘 周 何 施 彭 段 马 朱 杞 自 钱 郭 沈 鲍 沐 查 "
            "蒋 龚 卜 郑 胡 余 董 尹 黄 吴").split()
GIVEN_M = "国华 建国 志强 文明 正兴 德才 有福 开荣 绍云 永昌 光明 家兴 学文 忠 勇 俊 斌 兴旺 开明 顺 云峰 志刚 发 贵 林 明亮".split()
GIVEN_F = "秀英 桂芬 玉兰 美 丽华 兰英 凤仙 春梅 金花 秀珍 琼 艳 芳 粉 会英 雪梅 梅 丽 玉梅 翠 丽萍 燕".split()
PHONE_PREFIX = ("133 135 136 137 138 139 150 151 152 157 158 159 182 183 187 188 189 177 180 181 199 "
                "153 173").split()


def person_name(rng: random.Random, male: bool, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + rng.choice(GIVEN_M if male else GIVEN_F)


def phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIX) + f"{rng.randint(0, 99999999):08d}"


def id_for(rng: random.Random, region: str, birth: dt.date, male: bool) -> str:
    seq = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    return id_number(f"{region}{birth:%Y%m%d}{seq:03d}")


def bank_account(rng: random.Random) -> str:
    return "6217" + "".join(str(rng.randint(0, 9)) for _ in range(15))


# Townships and villages -------------------------------------------------------------------------
NANHUA = "南华县"
NANHUA_CODE = "532324"
NANHUA_VILLAGES = {
    "龙川镇": ["岔河村", "东岭村", "大村", "新华社区"],
    "沙桥镇": ["天申堂村", "五顶山村", "沙桥社区", "普家村"],
    "五街镇": ["咪黑们村", "芭蕉村", "五街社区"],
    "红土坡镇": ["红土坡村", "龙潭村", "夏家村"],
    "马街镇": ["马街村", "楚云村", "芹菜塘村"],
    "兔街镇": ["兔街村", "干龙潭村", "九街村"],
    "雨露白族乡": ["雨露村", "岔河口村", "万家坝村"],
    "一街乡": ["一街村", "石者村", "马鞍山村"],
    "罗武庄乡": ["罗武庄村", "大坝村", "小村"],
    "五顶山乡": ["五顶山村", "新村", "旧村"],
}
TOWNSHIPS = list(NANHUA_VILLAGES)
HAMLETS = "上村 下村 大村 小组 新村 老村 河边 箐口 坡头 山后 大凹 中村".split()


# Writers ----------------------------------------------------------------------------------------
@dataclass
class Sheet:
    name: str
    rows: list[list]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r1, c1, r2, c2 inclusive
    hidden: bool = False
    number_formats: dict = field(default_factory=dict)  # 0-based column -> Excel number format
    widths: dict = field(default_factory=dict)


def merge_title(rows: list[list], ncols: int, r: int = 0) -> tuple[int, int, int, int]:
    return (r, 0, r, ncols - 1)


def save_openpyxl(path: Path, sheets: list[Sheet]) -> Path:
    """An .xlsx written the way Excel stores it: merged ranges with the value in the top-left cell
    only, real date cells, hidden sheets."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sh in sheets:
        ws = wb.create_sheet(sh.name)
        for r, row in enumerate(sh.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is None or v == "":
                    continue
                cell = ws.cell(row=r, column=c, value=v)
                if isinstance(v, (dt.date, dt.datetime)):
                    cell.number_format = "yyyy-mm-dd"
                elif (c - 1) in sh.number_formats and isinstance(v, (int, float)):
                    cell.number_format = sh.number_formats[c - 1]
        for r1, c1, r2_, c2 in sh.merges:
            assert all(sh.rows[r][c] in (None, "") for r in range(r1, r2_ + 1) for c in range(c1, c2 + 1)
                       if (r, c) != (r1, c1) and r < len(sh.rows) and c < len(sh.rows[r])), (sh.name, r1, c1)
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2_ + 1, end_column=c2 + 1)
            ws.cell(row=r1 + 1, column=c1 + 1).alignment = Alignment(horizontal="center", vertical="center",
                                                                      wrap_text=True)
        if sh.rows:
            ws.cell(row=1, column=1).font = Font(bold=True, size=14)
        for c, w in sh.widths.items():
            ws.column_dimensions[openpyxl.utils.get_column_letter(c + 1)].width = w
        if sh.hidden:
            ws.sheet_state = "hidden"
    visible = [i for i, sh in enumerate(sheets) if not sh.hidden]
    wb.active = visible[0]
    for i, ws in enumerate(wb.worksheets):
        ws.sheet_view.tabSelected = i == visible[0]
    wb.save(path)
    return path


def save_xlsxwriter(path: Path, sheets: list[Sheet]) -> Path:
    """An .xlsx written by xlsxwriter (as WPS and many export tools write them)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    merge_fmt = wb.add_format({"align": "center", "valign": "vcenter", "text_wrap": True})
    for sh in sheets:
        ws = wb.add_worksheet(sh.name)
        merged_cells = {}
        for r1, c1, r2_, c2 in sh.merges:
            merged_cells[(r1, c1)] = (r2_, c2)
        fmts = {c: wb.add_format({"num_format": f}) for c, f in sh.number_formats.items()}
        for r, row in enumerate(sh.rows):
            for c, v in enumerate(row):
                if (r, c) in merged_cells or v is None or v == "":
                    continue
                if isinstance(v, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
                elif isinstance(v, str):
                    ws.write_string(r, c, v)
                elif c in fmts:
                    ws.write_number(r, c, v, fmts[c])
                else:
                    ws.write(r, c, v)
        for (r1, c1), (r2_, c2) in merged_cells.items():
            v = sh.rows[r1][c1] if r1 < len(sh.rows) and c1 < len(sh.rows[r1]) else None
            ws.merge_range(r1, c1, r2_, c2, "" if v is None else v, merge_fmt)
        if sh.hidden:
            ws.hide()
    wb.close()
    return path


def save_xls(path: Path, sheets: list[Sheet]) -> Path:
    """A legacy .xls (BIFF8) via xlwt, with merges and real date cells."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for sh in sheets:
        ws = wb.add_sheet(sh.name)
        merged = {(r1, c1): (r2_, c2) for r1, c1, r2_, c2 in sh.merges}
        for r, row in enumerate(sh.rows):
            for c, v in enumerate(row):
                if (r, c) in merged or v is None or v == "":
                    continue
                if isinstance(v, (dt.date, dt.datetime)):
                    ws.write(r, c, dt.datetime(v.year, v.month, v.day), date_style)
                else:
                    ws.write(r, c, v)
        for (r1, c1), (r2_, c2) in merged.items():
            ws.write_merge(r1, r2_, c1, c2, sh.rows[r1][c1])
    wb.save(str(path))
    return path


def save_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    """CSV as Excel saves it: CRLF line ends, every row padded to the same width."""
    width = max(len(r) for r in rows)
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        for r in rows:
            w.writerow([("" if v is None else v) for v in r] + [""] * (width - len(r)))
    return path


def pad(row: list, n: int) -> list:
    return list(row) + [None] * (n - len(row))


def footer_lines(unit: str, clerk: str, checker: str, tel: str) -> list[list]:
    return [[f"填报单位：{unit}"], [f"填表人：{clerk}    审核人：{checker}    联系电话：{tel}"]]
