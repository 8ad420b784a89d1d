"""Tables to Excel: a title row, units in headers, frozen header, numbers as numbers, widths set,
and text that a spreadsheet would run as a formula neutralised (see :func:`safe_text`)."""
from __future__ import annotations

import io
import unicodedata
from datetime import date

import pandas as pd

# What Excel (and LibreOffice, and a CSV opened in either) reads as the start of a formula or DDE call;
# tab and CR as the first character also split or hide a cell in CSV. The full-width forms count too:
# Excel treats ＝＋－＠ as formula characters.
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_FORMULA_HEADS = frozenset("=+-@")


def formula_like(v) -> bool:
    """Whether text ``v`` would be run as a formula: its first character is one of :data:`DANGEROUS`, or is one
    after leading spaces, or is a compatibility form of ``= + - @`` (full-width, small, superscript)."""
    if not isinstance(v, str) or not v:
        return False
    if v.startswith(DANGEROUS):
        return True
    head = v.lstrip()[:1]
    return bool(head) and unicodedata.normalize("NFKC", head)[:1] in _FORMULA_HEADS


def safe_text(v):
    """Text that a spreadsheet would run as a formula, prefixed with ``'`` (so it reads, and stays when a clerk
    edits the cell or saves the sheet as CSV, as text); anything else — other text, numbers (negative ones
    included), dates, None — unchanged."""
    if formula_like(v):
        return "'" + v
    return v


def _number_format(col: str, series: pd.Series) -> str | None:
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return None
    if "%" in col or "万元" in col or "（元）" in col or "率" in col:
        return "#,##0.00"
    if pd.api.types.is_integer_dtype(series):
        return "#,##0"
    return "#,##0.00"


def write_sheet(writer, df: pd.DataFrame, sheet: str, title: str) -> None:
    """One table on one sheet of an open ``pd.ExcelWriter(engine="xlsxwriter")``."""
    wb = writer.book
    ws = wb.add_worksheet(sheet[:31])
    title_fmt = wb.add_format({"bold": True, "font_size": 14, "font_name": "黑体"})
    head_fmt = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "vcenter",
                              "align": "center", "font_name": "宋体"})
    # write_string, never write: xlsxwriter's write() turns "=…" into a formula and "http…" into a link
    ws.write_string(0, 0, safe_text(str(title)), title_fmt)
    for c, name in enumerate(df.columns):
        ws.write_string(1, c, safe_text(str(name)), head_fmt)
    formats = {}
    for c, name in enumerate(df.columns):
        fmt = _number_format(str(name), df[name])
        formats[c] = wb.add_format({"num_format": fmt, "font_name": "宋体"}) if fmt else wb.add_format({"font_name": "宋体"})
        width = max([len(str(name)) * 2] + [len(str(v)) * 2 if isinstance(v, str) else len(f"{v}") + 4
                                            for v in df[name].head(200).tolist()])
        ws.set_column(c, c, min(max(width, 8), 50), formats[c])
    for r, row in enumerate(df.itertuples(index=False), start=2):
        for c, v in enumerate(row):
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                ws.write_blank(r, c, None, formats[c])
            elif isinstance(v, str):
                ws.write_string(r, c, safe_text(v), formats[c])
            elif isinstance(v, date):
                ws.write_string(r, c, v.isoformat(), formats[c])
            elif isinstance(v, bool):
                ws.write_string(r, c, "是" if v else "否", formats[c])
            else:
                ws.write_number(r, c, float(v), formats[c])
    ws.freeze_panes(2, 0)
    ws.set_row(1, 30)


def table_xlsx(df: pd.DataFrame, title: str, sheet: str = "数据") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        write_sheet(writer, df, sheet, title)
    return buf.getvalue()
