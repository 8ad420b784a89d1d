"""Readers: ``.xlsx`` / ``.xls`` through calamine (fastexcel, Arrow), ``.csv`` in UTF-8 or GBK.

Every sheet comes back as text cells (nothing guessed as numbers, so identifiers keep their
leading zeros and final X) with the Excel row and column of every cell, for messages.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.errors import LoadError, Problem

ACCEPTED = (".xlsx", ".xls", ".csv")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class RawSheet:
    """Text cells of one sheet. ``frame`` has columns 0..n-1 and NA for empty cells."""

    name: str
    frame: pd.DataFrame
    first_row: int          # 1-based sheet row of frame row 0
    columns: list[int]      # 0-based sheet column of each frame column
    hidden: bool = False

    def sheet_row(self, i: int) -> int:
        return self.first_row + i


def sniff_format(path: Path, data: bytes) -> str:
    """``xlsx``, ``xls`` or ``csv`` from the bytes; refuse a file whose content is not what its name says."""
    ext = path.suffix.lower()
    name = path.name
    if ext not in ACCEPTED:
        raise LoadError(Problem(f"不支持的文件类型“{ext or '无扩展名'}”", file=name,
                                hint="可接受的类型：" + "、".join(ACCEPTED)))
    if not data.strip():
        raise LoadError(Problem("文件是空的，没有任何内容", file=name))
    if data.startswith(ZIP_MAGIC):
        actual = "xlsx"
    elif data.startswith(OLE_MAGIC):
        actual = "xls"
    else:
        actual = "csv"
    if ext == ".csv" and actual != "csv":
        raise LoadError(Problem("扩展名为 .csv，但内容是 Excel 工作簿", file=name,
                                hint=f"请把文件改名为 .{actual} 后再载入"))
    if ext in (".xlsx", ".xls") and actual == "csv":
        raise LoadError(Problem(f"扩展名为 {ext}，但内容不是 Excel 工作簿（可能是改了扩展名的文本文件）", file=name,
                                hint="请用 Excel 或 WPS 打开后另存为 .xlsx"))
    return actual


def read_file(path: Path, data: bytes | None = None) -> list[RawSheet]:
    """All sheets of a workbook, or the one table of a CSV file."""
    path = Path(path)
    data = path.read_bytes() if data is None else data
    fmt = sniff_format(path, data)
    if fmt == "csv":
        return [_read_csv(path.name, data)]
    return _read_excel(path.name, data)


def _read_excel(name: str, data: bytes) -> list[RawSheet]:
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        sheets = []
        for idx, sheet_name in enumerate(reader.sheet_names):
            sheets.append(_load_sheet(reader, idx, sheet_name))
    except LoadError:
        raise
    except Exception as exc:  # calamine's own errors: corrupt, truncated, encrypted
        raise LoadError(Problem("工作簿已损坏或不完整，无法读取", file=name,
                                hint="请在 Excel/WPS 中打开确认后重新保存，或向报送单位重新索取")) from exc
    return sheets


def _load_sheet(reader, idx: int, sheet_name: str) -> RawSheet:
    try:
        sheet = reader.load_sheet(idx, header_row=None, dtypes="string", skip_rows=0, whitespace_as_null=True)
    except Exception as exc:
        if "empty" in str(exc).lower() or "no column" in str(exc).lower():
            return RawSheet(sheet_name, pd.DataFrame(), 1, [])
        raise
    cols = [c.absolute_index for c in sheet.available_columns()]
    frame = sheet.to_arrow().to_pandas(types_mapper=_string_dtype)
    frame.columns = range(frame.shape[1])
    return RawSheet(sheet_name, frame, 1, cols, hidden=getattr(sheet, "visible", "visible") != "visible")


def _string_dtype(arrow_type):
    return pd.StringDtype("pyarrow")


def _blank_to_na(frame: pd.DataFrame) -> pd.DataFrame:
    for c in frame.columns:
        s = frame[c].astype("string")
        frame[c] = s.where(s.str.strip().str.len() > 0)
    return frame


def decode_text(name: str, data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK); else say where it breaks."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LoadError(Problem("文本编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）", file=name, row=line,
                                value=data[exc.start:exc.start + 4].hex(" "),
                                hint="请在 Excel/WPS 中另存为“CSV UTF-8”或 .xlsx 后再载入")) from None


def _read_csv(name: str, data: bytes) -> RawSheet:
    text = decode_text(name, data)
    sample = text[:4096]
    try:
        delim = csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        delim = ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    width = max((len(r) for r in rows), default=0)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype="string")
    return RawSheet(Path(name).stem[:31] or "CSV", _blank_to_na(frame), 1, list(range(width)))
