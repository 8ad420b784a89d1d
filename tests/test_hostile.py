"""Untrusted files: checked before parsing, parsed in a child process, refused with a message naming the file.

Real files written into temporary folders (the big hostile ones once per module); no mocks. The child's
death is provoked through the sandbox's fixed test hooks, which only a child started with
``_test_hooks=True`` obeys.
"""
from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from etl.errors import LoadError
from etl.read import decode_text, open_workbook, read_file
from etl.sandbox import Sandbox
from rural.settings import Limits
from tests.conftest import ROOT, write_csv, write_xls, write_xlsx

HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>')
TAIL = b"</sheetData></worksheet>"
CELL = b'<c r="%s" t="inlineStr"><is><t>x</t></is></c>'
FAST_S = 5.0


# ------------------------------------------------------------------------------ file makers
def _template() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active["A1"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rewrite(dst: Path, chunks) -> Path:
    """A real workbook whose sheet XML is replaced by ``chunks`` (as ../shared/tools/hostile_files.py does)."""
    src = zipfile.ZipFile(io.BytesIO(_template()))
    name = next(n for n in src.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for info in src.infolist():
            if info.filename == name:
                with z.open(name, "w", force_zip64=True) as w:
                    for c in chunks:
                        w.write(c)
            else:
                z.writestr(info, src.read(info.filename))
    return dst


def _cells(*refs: str, dimension: str | None = None) -> list[bytes]:
    rows: dict[int, list[str]] = {}
    for ref in refs:
        rows.setdefault(int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), []).append(ref)
    body = b"".join(b'<row r="%d">' % r + b"".join(CELL % c.encode() for c in cs) + b"</row>" for r, cs in sorted(rows.items()))
    head = HEAD.replace(b"<sheetData>", b'<dimension ref="%s"/><sheetData>' % dimension.encode()) if dimension else HEAD
    return [head + body + TAIL]


def _padded(pad: int, last: str) -> list[bytes]:
    """A1, then ``pad`` bytes of whitespace, then one cell at ``last``."""
    chunk = b" " * (1 << 24)
    out = [HEAD + b'<row r="1">' + CELL % b"A1" + b"</row>"]
    while pad > 0:
        out.append(chunk[:min(pad, len(chunk))])
        pad -= len(chunk)
    row = int(last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return out + [b'<row r="%d">' % row + CELL % last.encode() + b"</row>" + TAIL]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("hostile")
    files = {
        "sparse": _rewrite(d / "稀疏A1至XFD1048576.xlsx", _cells("A1", "XFD1048576")),
        "sparse_dim": _rewrite(d / "声明范围A1至XFD1048576.xlsx", _cells("A1", "XFD1048576", dimension="A1:XFD1048576")),
        "bomb": _rewrite(d / "膨胀至1GB.xlsx", _padded(1_100_000_000, "A2")),
    }
    p = d / "单行51万列.csv"
    p.write_bytes((b"b" * 100 + b",") * (50 * 1024 * 1024 // 101) + b"\n")
    files["csv_fields"] = p
    p = d / "单个50MB字段.csv"
    p.write_bytes(b"A" * (50 * 1024 * 1024) + b"\n")
    files["csv_field"] = p
    return files


HOSTILE = [
    ("sparse", ["工作表“Sheet1”", "XFD1048576", "17,179,869,184 个单元格", "30,000,000"]),
    ("sparse_dim", ["工作表“Sheet1”", "声明的单元格范围为 A1:XFD1048576", "17,179,869,184 个单元格"]),
    ("bomb", ["解压后共", "超过上限 1,024 MB", "压缩炸弹"]),
    ("csv_fields", ["CSV 第1行有 519,098 个字段，超过上限 2,000"]),
    ("csv_field", ["CSV 第1行的一个字段长 52,428,800 个字符，超过上限 32,767"]),
]


# ------------------------------------------------------------------------------ hostile files
@pytest.mark.parametrize("case, words", HOSTILE, ids=[c for c, _ in HOSTILE])
def test_hostile_file_refused_in_seconds_naming_file_and_cause(hostile, case, words):
    path = hostile[case]
    t = time.monotonic()
    with pytest.raises(LoadError) as err:
        read_file(path)
    elapsed = time.monotonic() - t
    text = err.value.text()
    assert f"文件“{path.name}”" in text
    for w in words:
        assert w in text, text
    assert err.value.problems[0].hint                      # says what the clerk can do
    assert "Traceback" not in text and "Error" not in text
    assert elapsed < FAST_S


def test_sparse_sheet_without_dimension_is_stopped_in_the_child_before_calamine(hostile):
    """Its declared sizes are harmless, so it passes the checks; the child's scan refuses it before calamine
    asks for 512 GiB, and the child stays small."""
    path = hostile["sparse"]
    with open_workbook(path.name, path.read_bytes()) as wb:
        assert [s.name for s in wb.sheets] == ["Sheet1"]
        top = wb.peek(0)                                   # the first rows are harmless
        assert top.frame.iloc[0, 0] == "x" and top.columns == [0]
        with pytest.raises(LoadError) as err:
            wb.load(0)
        assert "XFD1048576" in str(err.value)
        assert wb.child_peak_rss_mb < 400


def test_moderately_sparse_sheet_refused_too(tmp_path):
    """A1 + CV1048576 made calamine take 4.7 GB; its range is 104,857,600 cells."""
    f = _rewrite(tmp_path / "稀疏CV.xlsx", _cells("A1", "CV1048576"))
    with pytest.raises(LoadError) as err:
        read_file(f)
    assert "A1:CV1048576（104,857,600 个单元格），超过上限 30,000,000" in str(err.value)


def test_far_column_in_the_first_rows_refused_by_peek(tmp_path):
    f = _rewrite(tmp_path / "宽.xlsx", _cells("A1", "XFD1"))
    with open_workbook(f.name, f.read_bytes()) as wb:
        with pytest.raises(LoadError) as err:
            wb.peek(0)
    assert "XFD1" in str(err.value) and "16,384 列" in str(err.value)


def test_compression_ratio_refused_even_under_the_size_limit(hostile):
    path = hostile["bomb"]
    with pytest.raises(LoadError) as err:
        open_workbook(path.name, path.read_bytes(), replace(Limits(), max_inflated_mb=4096))
    assert "压缩比" in str(err.value) and "超过上限 200:1" in str(err.value)


def test_small_repetitive_member_is_not_a_bomb(tmp_path):
    """Ratios are only tested on members above 64 MB: a small, very repetitive sheet is fine."""
    f = _rewrite(tmp_path / "重复.xlsx", [HEAD + b'<row r="1">' + CELL % b"A1" + b"</row>" + b" " * 20_000_000 + TAIL])
    assert zipfile.ZipFile(f).getinfo("xl/worksheets/sheet1.xml").compress_size * 200 < 20_000_000
    assert read_file(f)[0].frame.iloc[0, 0] == "x"


def test_big_sheet_with_far_row_at_the_end(tmp_path):
    """Above 64 MB only the first 64 MB are scanned before calamine; the range check after it refuses the sheet."""
    f = _rewrite(tmp_path / "尾部远行.xlsx", _padded(70_000_000, "A2000000"))
    limits = replace(Limits(), max_compression_ratio=1e9)
    t = time.monotonic()
    with open_workbook(f.name, f.read_bytes(), limits) as wb, pytest.raises(LoadError) as err:
        wb.load(0)
    assert "2,000,000 行" in str(err.value) and "行数上限 1,100,000" in str(err.value)
    assert time.monotonic() - t < 10


def test_big_sheet_whose_reader_dies_gets_diagnosed(tmp_path):
    """A1 + XFD1048576 after 70 MB of padding: beyond the 64 MB sample, so calamine runs and aborts under the
    memory limit; a fresh child's full scan then names the cell."""
    f = _rewrite(tmp_path / "尾部远列.xlsx", _padded(70_000_000, "XFD1048576"))
    limits = replace(Limits(), max_compression_ratio=1e9)
    with open_workbook(f.name, f.read_bytes(), limits) as wb, pytest.raises(LoadError) as err:
        wb.load(0)
    text = str(err.value)
    assert f.name in text
    assert "有单元格位于 XFD1048576" in text or "SIGABRT" in text
    assert read_file(write_xlsx(tmp_path / "之后.xlsx", {"S": [["a"]]}))[0].frame.iloc[0, 0] == "a"


def test_member_inflating_beyond_its_declared_size_is_refused(tmp_path):
    f = write_xlsx(tmp_path / "谎报大小.xlsx", {"S": [["甲" * 40] * 20] * 40})
    data = _declare_size(f.read_bytes(), "xl/worksheets/sheet1.xml", 100)
    with pytest.raises(LoadError) as err:
        open_workbook(f.name, data)
    assert "超过其声明的大小 100 字节" in str(err.value) and f.name in str(err.value)


def test_shared_strings_inflating_beyond_declared_size_refused_before_calamine(tmp_path):
    f = write_xlsx(tmp_path / "谎报字符串.xlsx", {"S": [[f"文本{i}" for i in range(30)]] * 30})
    data = _declare_size(f.read_bytes(), "xl/sharedStrings.xml", 50)
    with open_workbook(f.name, data) as wb, pytest.raises(LoadError) as err:
        wb.load(0)
    assert "sharedStrings.xml" in str(err.value) and "声明的大小" in str(err.value)


def _declare_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the central directory (and local header) so ``member`` claims ``size`` bytes inflated."""
    buf = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    at = buf.find(b"PK\x01\x02")
    while buf[at:at + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack("<HHH", buf[at + 28:at + 34])
        if buf[at + 46:at + 46 + n].decode() == member:
            struct.pack_into("<L", buf, at + 24, size)
        at += 46 + n + m + k
    struct.pack_into("<L", buf, info.header_offset + 22, size)
    return bytes(buf)


def test_hostile_files_bounded_memory_in_a_fresh_process(hostile):
    """Parent peak RSS (a fresh interpreter, like the CLI) and the child's sampled peak, for every case."""
    script = """
import json, resource, sys, time
from pathlib import Path
from etl.errors import LoadError
from etl.read import open_workbook
out = []
for p in map(Path, sys.argv[1:]):
    t, child = time.monotonic(), None
    try:
        with open_workbook(p.name, p.read_bytes()) as wb:
            try:
                for s in wb.sheets:
                    wb.load(s.index)
            finally:
                child = wb.child_peak_rss_mb
        refused = False
    except LoadError:
        refused = True
    out.append([p.name, refused, time.monotonic() - t, child, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024])
print(json.dumps(out))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", script, *map(str, hostile.values())], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    for name, refused, seconds, child, parent in json.loads(proc.stdout):
        assert refused, name
        assert seconds < FAST_S, (name, seconds)
        assert parent < 600, (name, parent)
        assert child is None or child < 400, (name, child)


# ------------------------------------------------------------------------- child death
@pytest.mark.parametrize("hook, words", [
    ("abort", "读取器异常退出（信号 SIGABRT）"),
    ("hog", "读取时内存超过上限 300 MB，已停止"),
    ("sleep", "读取超时（超过 2 秒），已停止"),
])
def test_child_death_is_a_load_error_and_the_parent_carries_on(tmp_path, hook, words):
    limits = replace(Limits(), parse_memory_mb=300, parse_timeout_s=2)
    box = Sandbox("某乡镇报表.xlsx", "etl.read:ChildReader", limits, _test_hooks=True)
    try:
        t = time.monotonic()
        with pytest.raises(LoadError) as err:
            box._run_test_hook(hook)
        assert time.monotonic() - t < 8
        text = err.value.text()
        assert "文件“某乡镇报表.xlsx”" in text and words in text, text
        assert "Traceback" not in text
        assert box.peak_rss_mb < 300 + 200
        time.sleep(0.05)
        assert not box._proc.is_alive()
        with pytest.raises(LoadError):        # a dead child stays dead; it is not silently restarted
            box._run_test_hook("ping")
    finally:
        box.close()
    f = write_xlsx(tmp_path / "之后.xlsx", {"S": [["乡镇", "人数"], ["龙川镇", 3]]})
    assert read_file(f)[0].frame.values.tolist() == [["乡镇", "人数"], ["龙川镇", "3"]]


def test_test_hooks_need_the_private_flag(tmp_path):
    box = Sandbox("x.xlsx", "etl.read:ChildReader", Limits())
    try:
        with pytest.raises(LoadError) as err:
            box._run_test_hook("abort")
        assert "SIGABRT" not in str(err.value)
        assert box._proc.is_alive()
    finally:
        box.close()


def test_child_exits_with_its_workbook():
    f_rows = {"S": [["a"]]}
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        f = write_xlsx(Path(d) / "a.xlsx", f_rows)
        with open_workbook(f.name, f.read_bytes()) as wb:
            pid = wb.child_pid
            assert Path(f"/proc/{pid}").exists()
        deadline = time.monotonic() + 3
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


# ----------------------------------------------------------------------- rows and columns
def _offset_sheet(path: Path) -> Path:
    """Data from C5: a title at C5, a header at row 6, three data rows; rows 1–4 and columns A–B empty."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("名单")
    bold = wb.add_format({"bold": True})
    ws.write_string(4, 2, "南华县监测对象名单")
    ws.write_row(5, 2, ["户编号", "证件号码", "人数", "是否"])
    ws.write_string(6, 2, "00123")
    ws.write_string(6, 3, "53232419800101001X")
    ws.write_number(6, 4, 4)
    ws.write_boolean(6, 5, True)
    ws.write_rich_string(7, 2, bold, "龙川", "镇")
    ws.write_string(7, 3, "532324198001010014")
    ws.write_string(7, 4, "   ")
    ws.write_number(8, 4, 12.5)
    ws.write_string(8, 3, "00123")
    wb.close()
    return path


def test_peek_and_load_agree_on_rows_and_columns(tmp_path):
    f = _offset_sheet(tmp_path / "名单.xlsx")
    with open_workbook(f.name, f.read_bytes()) as wb:
        top, whole = wb.peek(0), wb.load(0)
        few = wb.peek(0, rows=7)
        picked = wb.load(0, columns=[5, 2, 0])
    assert top.first_row == whole.first_row == 1
    assert top.columns == whole.columns == [2, 3, 4, 5]
    pd.testing.assert_frame_equal(top.frame, whole.frame.head(len(top.frame)))
    assert len(whole.frame) == 9
    assert whole.frame.iloc[:4].isna().all().all()
    assert whole.frame.iloc[4, 0] == "南华县监测对象名单" and whole.sheet_row(4) == 5
    assert whole.frame.iloc[6].tolist() == ["00123", "53232419800101001X", "4", "true"]
    assert whole.frame.iloc[7].tolist()[:2] == ["龙川镇", "532324198001010014"]   # rich text runs joined
    assert pd.isna(whole.frame.iloc[7, 2])                                          # whitespace only → NA
    assert whole.frame.iloc[8, 2] == "12.5"
    assert all(str(t) == "string" and t.storage == "pyarrow" for t in whole.frame.dtypes)
    # a shorter peek is the head of the longer one; loading columns keeps the requested order
    pd.testing.assert_frame_equal(few.frame, whole.frame.head(7))
    assert picked.columns == [5, 2, 0]
    assert picked.frame[0].tolist()[6] == "true" and picked.frame[1].tolist()[6] == "00123"
    assert picked.frame[2].isna().all() and len(picked.frame) == 9


@pytest.mark.parametrize("fmt", ["xls", "csv"])
def test_peek_and_load_agree_for_xls_and_csv(tmp_path, fmt):
    rows = [[], [], [], [], [None, None, "标题"], [None, None, "户编号", "证件号码"], [None, None, "00123", "532324198001010014"]]
    f = write_xls(tmp_path / "名单.xls", rows, sheet="名单") if fmt == "xls" else write_csv(tmp_path / "名单.csv", rows)
    with open_workbook(f.name, f.read_bytes()) as wb:
        top, whole = wb.peek(0), wb.load(0)
    assert top.first_row == whole.first_row == 1
    assert top.columns == whole.columns
    pd.testing.assert_frame_equal(top.frame, whole.frame)
    hits = whole.frame.eq("00123").fillna(False).to_numpy().nonzero()
    at = [(int(r), whole.columns[int(c)]) for r, c in zip(*hits)]
    assert [(whole.sheet_row(r), c) for r, c in at] == [(7, 2)]          # C7, as Excel shows it


def test_hidden_and_very_hidden_sheets_flagged(tmp_path):
    import xlsxwriter

    f = tmp_path / "隐藏.xlsx"
    wb = xlsxwriter.Workbook(str(f))
    for name, how in (("可见", None), ("隐藏", "hide"), ("深度隐藏", "very_hidden")):
        ws = wb.add_worksheet(name)
        ws.write(0, 0, name)
        if how:
            getattr(ws, how)()
    wb.close()
    with open_workbook(f.name, f.read_bytes()) as book:
        assert [(s.name, s.hidden) for s in book.sheets] == [("可见", False), ("隐藏", True), ("深度隐藏", True)]
        assert [book.peek(i).hidden for i in range(3)] == [False, True, True]
    assert [s.hidden for s in read_file(f)] == [False, True, True]


def test_hidden_xls_sheets_flagged(tmp_path):
    import xlwt

    f = tmp_path / "隐藏.xls"
    wb = xlwt.Workbook(encoding="utf-8")
    for name, vis in (("可见", 0), ("隐藏", 1), ("深度隐藏", 2)):
        ws = wb.add_sheet(name)
        ws.write(0, 0, name)
        ws.visibility = vis
    wb.save(str(f))
    assert [(s.name, s.hidden) for s in read_file(f)] == [("可见", False), ("隐藏", True), ("深度隐藏", True)]


# -------------------------------------------------------------------------- fingerprints
FP_ROWS = [["姓名", "证件号码", "乡镇"], ["张三", "532324198001010014", "龙川镇"], ["李四", "532324197502020025", "沙桥镇"],
           ["张三", "532324198001010014", "五街镇"], ["张三", "532324198001010014", "龙川镇"], ["张三", None, "龙川镇"]]


def _fingerprints(tmp_path, fmt):
    f = write_xlsx(tmp_path / "人.xlsx", {"人": FP_ROWS}) if fmt == "xlsx" else write_csv(tmp_path / "人.csv", FP_ROWS)
    with open_workbook(f.name, f.read_bytes()) as wb:
        person = wb.load(0, columns=[2], fingerprint=[0, 1])
        row = wb.load(0, columns=[2], fingerprint=[0, 1, 2])
        plain = wb.load(0, columns=[2])
    assert person.columns == [2] and person.frame.shape == (6, 1)
    assert not person.frame.isin(["532324198001010014", "张三"]).any().any()     # personal columns stay in the child
    assert plain.fingerprint is None
    fp = person.fingerprint.tolist()
    assert person.fingerprint.dtype == "uint64" and len(fp) == len(person.frame)
    assert fp[1] == fp[3] == fp[4] and len({fp[0], fp[1], fp[2], fp[5]}) == 4
    fp = row.fingerprint.tolist()
    assert fp[1] == fp[4] and len(set(fp)) == 5
    return fp


def test_fingerprints_equal_for_identical_rows_and_differ_otherwise(tmp_path):
    """Same rows in .xlsx and .csv give the same fingerprints (the text, not the format, is hashed)."""
    assert _fingerprints(tmp_path, "xlsx") == _fingerprints(tmp_path, "csv")


# ------------------------------------------------------------------------- formats, IDs
ID_ROWS = [["户编号", "证件号码", "姓名"], ["00123", "53232419800101001X", "张三"], ["0010", "532324198001010014", "李四"]]


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv-utf8", "csv-bom", "csv-gbk"])
def test_formats_read_and_ids_stay_exact(tmp_path, fmt):
    if fmt == "xlsx":
        f = write_xlsx(tmp_path / "名单.xlsx", {"名单": ID_ROWS})
    elif fmt == "xls":
        f = write_xls(tmp_path / "名单.xls", ID_ROWS, sheet="名单")
    else:
        f = write_csv(tmp_path / "名单.csv", ID_ROWS, {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gbk": "gbk"}[fmt])
    (sheet,) = read_file(f)
    assert sheet.name == "名单"
    assert sheet.frame.values.tolist() == ID_ROWS
    assert sheet.first_row == 1 and sheet.columns == [0, 1, 2]


def test_csv_quotes_stray_quotes_and_line_ends(tmp_path):
    f = tmp_path / "项目.csv"
    body = ['名称,说明,数', '电视,5"屏幕,1']                 # a stray quote inside a field: literal, as Excel writes it
    body += [f'项目{i},"说明,含逗号\n和换行",{i}' if i % 3 == 0 else f"项目{i},{'x' * 30},{i}" for i in range(3000)]
    f.write_bytes(("\r\n".join(body) + "\r\n").encode("utf-8"))
    sheet = read_file(f)[0]
    assert sheet.frame.shape == (3002, 3)
    assert sheet.frame.iloc[1].tolist() == ["电视", '5"屏幕', "1"]
    assert sheet.frame.iloc[2].tolist() == ["项目0", "说明,含逗号\n和换行", "0"]


def test_csv_limits_are_the_settings(tmp_path):
    f = tmp_path / "长.csv"
    f.write_bytes(b"a,b\n" + b"1,2\n" * 200 + ("乡" * 1500 + "\n").encode())
    small = replace(Limits(), max_line_chars=1000, max_rows=10_000)
    with pytest.raises(LoadError) as err:
        open_workbook(f.name, f.read_bytes(), small)
    assert "CSV 第202行长 1,500 个字符，超过上限 1,000" in str(err.value)
    with pytest.raises(LoadError) as err:
        open_workbook(f.name, f.read_bytes(), replace(Limits(), max_rows=100))
    assert "CSV 共 202 行，超过上限 100" in str(err.value)
    assert read_file(f)[0].frame.shape == (202, 2)


def test_unreadable_text_keeps_the_decoding_message(tmp_path):
    f = tmp_path / "乱码.csv"
    f.write_bytes(b"a,b\n\xff\xfe\xfa,1\n")
    with pytest.raises(LoadError) as err:
        read_file(f)
    assert "文本编码无法识别" in str(err.value) and "乱码.csv" in str(err.value)
    assert decode_text("x.csv", "乡镇".encode("gbk")) == "乡镇"


def test_corrupt_and_oversized_files(tmp_path):
    f = tmp_path / "坏.xlsx"
    f.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    with pytest.raises(LoadError) as err:
        read_file(f)
    assert "工作簿已损坏" in str(err.value) and "坏.xlsx" in str(err.value)
    g = write_xlsx(tmp_path / "大.xlsx", {"S": [["x" * 100] * 50] * 50})
    with pytest.raises(LoadError) as err:
        open_workbook(g.name, g.read_bytes() + b"\0" * (2 << 20), replace(Limits(), max_upload_mb=1))
    assert "超过上限 1 MB" in str(err.value)
