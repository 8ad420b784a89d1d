"""Readers: ``.xlsx`` / ``.xls`` through calamine (fastexcel, Arrow), ``.csv`` in UTF-8 or GBK.

Every sheet comes back as text cells (nothing guessed as numbers, so identifiers keep their
leading zeros and final X) with the Excel row and column of every cell, for messages.

Uploaded files are untrusted bytes. Before anything is parsed, the server checks what the file
declares against ``Settings.limits`` (size; for ``.xlsx`` the zip directory's inflated sizes and
ratios and each sheet's ``<dimension>``; for ``.csv`` a linear scan of lines, fields and rows).
Parsing itself happens in a child process (:mod:`etl.sandbox`) with memory and time limits, so a
reader that crashes or runs away costs a message naming the file, never the server::

    with open_workbook(name, data) as wb:          # checks, then one child for this workbook
        top = wb.peek(0)                           # first 60 rows, cheap even on a 1M-row sheet
        sheet = wb.load(0, columns=[0, 3], fingerprint=[2, 3])
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from etl.errors import LoadError, Problem

ACCEPTED = (".xlsx", ".xls", ".csv")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MB = 1 << 20
SCAN_ALL_MB = 64           # sheets up to this size are scanned whole before calamine runs; larger ones sampled
CSV_CHUNK = 2 * MB


@dataclass
class RawSheet:
    """Text cells of one sheet. ``frame`` has columns 0..n-1 and NA for empty cells."""

    name: str
    frame: pd.DataFrame
    first_row: int          # 1-based sheet row of frame row 0
    columns: list[int]      # 0-based sheet column of each frame column
    hidden: bool = False
    fingerprint: pd.Series | None = None   # uint64 per frame row over the requested columns

    def sheet_row(self, i: int) -> int:
        return self.first_row + i


@dataclass
class SheetInfo:
    index: int
    name: str
    hidden: bool


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


# ================================================================================ parent side
def read_file(path: Path, data: bytes | None = None) -> list[RawSheet]:
    """All sheets of a workbook (all columns), or the one table of a CSV file."""
    path = Path(path)
    data = path.read_bytes() if data is None else data
    with open_workbook(path.name, data) as wb:
        return [wb.load(s.index) for s in wb.sheets]


def open_workbook(name: str, data: bytes, limits=None) -> "Workbook":
    """Check ``data`` against the limits, then start the child that will parse it."""
    if limits is None:
        from rural.settings import get_settings

        limits = get_settings().limits
    name = Path(name).name
    if len(data) > limits.max_upload_mb * MB:
        raise LoadError(Problem(f"文件大小 {len(data) / MB:,.1f} MB，超过上限 {limits.max_upload_mb:,} MB", file=name,
                                hint="请拆分成几个文件后分别载入"))
    fmt = sniff_format(Path(name), data)
    extra = {}
    if fmt == "xlsx":
        from etl import xlsx_peek

        xlsx_peek.precheck(name, data, limits)
    elif fmt == "csv":
        extra = precheck_csv(name, data, limits)
    return Workbook(name, fmt, data, limits, extra)


class Workbook:
    """One parsed file, served by one child process until :meth:`close` (or the end of ``with``)."""

    def __init__(self, name: str, fmt: str, data: bytes, limits, extra: dict | None = None):
        from etl.sandbox import Sandbox

        self.name, self.fmt, self.limits = name, fmt, limits
        self._data = data
        self.timings: dict = {}          # the last request's breakdown, for benchmarks
        self._open_args = {"name": name, "fmt": fmt, "limits": asdict(limits), "key": _fingerprint_key(), **(extra or {})}
        self._box = Sandbox(name, "etl.read:ChildReader", limits)
        try:
            header, _ = self._box.call("open", self._open_args, data)
        except BaseException:
            self._box.close()
            raise
        self.sheets = [SheetInfo(int(s["index"]), str(s["name"]), bool(s["hidden"])) for s in header["sheets"]]

    def peek(self, index: int, rows: int = 60) -> RawSheet:
        """Sheet rows 1..``rows`` (fewer if the sheet is shorter), every column used in them."""
        self._check(index)
        return self._sheet(*self._box.call("peek", {"index": index, "rows": int(rows)}))

    def load(self, index: int, columns: list[int] | None = None, fingerprint: list[int] | None = None) -> RawSheet:
        """Every row; only ``columns`` (sheet column indices, in that order) if given. ``fingerprint``: a
        uint64 per row hashed over those sheet columns, which need not be among ``columns``."""
        self._check(index)
        args = {"index": index, "columns": None if columns is None else [int(c) for c in columns],
                "fingerprint": None if fingerprint is None else [int(c) for c in fingerprint]}
        try:
            return self._sheet(*self._box.call("load", args))
        except LoadError as exc:
            if self.fmt == "xlsx" and getattr(exc, "crashed", False):
                self._diagnose(index)
            raise

    def _diagnose(self, index: int) -> None:
        """The reader died on a sheet: scan it in a fresh child, to replace "SIGABRT" by the reason if found."""
        from etl.sandbox import Sandbox

        box = Sandbox(self.name, "etl.read:ChildReader", self.limits)
        try:
            box.call("open", self._open_args, self._data)
            box.call("scan", {"index": index})
        except LoadError as found:
            if not hasattr(found, "crashed"):
                raise LoadError(found.problems) from None
        finally:
            box.close()

    def _check(self, index: int) -> None:
        if not 0 <= index < len(self.sheets):
            raise IndexError(f"sheet index {index} out of range ({len(self.sheets)} sheets)")

    def _sheet(self, header: dict, blobs: list[bytes]) -> RawSheet:
        meta = header["sheet"]
        if len(meta["columns"]) != int(meta["ncols"]) or int(meta["first_row"]) < 1:
            raise LoadError(Problem("读取器返回的数据格式不对", file=self.name, hint="请重试；如仍出错，请联系系统管理员"))
        t = time.perf_counter()
        frame, fp = _frame_from_ipc(self.name, blobs, int(meta["ncols"]), bool(meta["fingerprint"]))
        self.timings = dict(header.get("timings") or {}, to_pandas_s=time.perf_counter() - t)
        return RawSheet(str(meta["name"]), frame, int(meta["first_row"]), [int(c) for c in meta["columns"]],
                        bool(meta["hidden"]), fp)

    @property
    def child_pid(self) -> int | None:
        return self._box.pid

    @property
    def child_peak_rss_mb(self) -> float:
        return self._box.peak_rss_mb

    def close(self) -> None:
        self._box.close()
        self._data = b""

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _fingerprint_key() -> str:
    """16 characters for ``hash_array``, derived from the installation's privacy key."""
    try:
        from rural.settings import get_settings

        secret = get_settings().hash_key
    except Exception:
        secret = ""
    return hashlib.sha256(("rural-fingerprint:" + secret).encode("utf-8")).hexdigest()[:16]


def _string_dtype(arrow_type):
    return pd.StringDtype("pyarrow")


def _frame_from_ipc(name: str, blobs: list[bytes], ncols: int, has_fp: bool) -> tuple[pd.DataFrame, pd.Series | None]:
    import pyarrow as pa

    if not blobs:
        return pd.DataFrame({i: pd.Series([], dtype=pd.StringDtype("pyarrow")) for i in range(ncols)}), None
    schema = pa.ipc.read_schema(pa.py_buffer(blobs[0]))
    batch = pa.ipc.read_record_batch(pa.py_buffer(blobs[1]), schema)
    batch.validate()
    if batch.num_columns != ncols + has_fp or any(not pa.types.is_string(batch.column(i).type) for i in range(ncols)):
        raise LoadError(Problem("读取器返回的数据格式不对", file=name, hint="请重试；如仍出错，请联系系统管理员"))
    fp = pd.Series(batch.column(ncols).to_numpy(), name="fingerprint") if has_fp else None
    if ncols == 0:
        return pd.DataFrame(index=range(batch.num_rows)), fp
    frame = batch.select(list(range(ncols))).to_pandas(types_mapper=_string_dtype)
    frame.columns = range(ncols)
    return frame, fp


# ------------------------------------------------------------------------------ CSV pre-check
def _csv_encoding(name: str, raw) -> str:
    for enc in ("utf-8", "gb18030"):
        dec = codecs.getincrementaldecoder(enc)()
        try:
            for i in range(0, len(raw), 4 * MB):
                dec.decode(raw[i:i + 4 * MB])
            dec.decode(b"", final=True)
            return enc
        except UnicodeDecodeError:
            continue
    decode_text(name, bytes(raw))   # raises with the line and bytes where it breaks
    return "gb18030"


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        return ","


def precheck_csv(name: str, data: bytes, limits) -> dict:
    """Encoding, delimiter, then fields per record, field and record length and rows, against the limits:
    numpy passes over the bytes (in chunks), linear in the file size. Returns what the child needs."""
    raw = memoryview(data)[3:] if data.startswith(b"\xef\xbb\xbf") else memoryview(data)
    enc = _csv_encoding(name, raw)
    delim = _sniff_delimiter(bytes(raw[:16384]).decode(enc, "ignore")[:4096])
    st = _scan_csv(raw, ord(delim))
    chars = _csv_chars(raw, enc)
    if st["fields"][0] > limits.max_columns:
        raise LoadError(Problem(f"CSV 第{st['fields'][1] + 1}行有 {st['fields'][0]:,} 个字段，超过上限 {limits.max_columns:,}",
                                file=name, hint="请确认分隔符和引号是否正确，或另存为 .xlsx 后再载入"))
    plain = None     # the same scan with quotes ignored: a stray quote must not make the rest of the file one field
    for what, limit in (("field", limits.max_field_chars), ("line", limits.max_line_chars)):
        n, a, b, r = st[what]
        if n <= limit or chars(a, b, what == "field") <= limit:
            continue
        plain = plain or _scan_csv(raw, ord(delim), quotes=False)
        pn, pa_, pb, _ = plain[what]
        if pn <= limit or chars(pa_, pb, False) <= limit:
            continue
        if what == "field":
            raise LoadError(Problem(f"CSV 第{r + 1}行的一个字段长 {chars(a, b, True):,} 个字符，超过上限 {limit:,}", file=name,
                                    hint="一个单元格最多 32,767 个字符；请确认引号是否配对，或另存为 .xlsx 后再载入"))
        raise LoadError(Problem(f"CSV 第{r + 1}行长 {chars(a, b, False):,} 个字符，超过上限 {limit:,}", file=name,
                                hint="请确认换行和引号是否正确，或另存为 .xlsx 后再载入"))
    rows, width = st["rows"], st["fields"][0]
    if rows > limits.max_rows:
        raise LoadError(Problem(f"CSV 共 {rows:,} 行，超过上限 {limits.max_rows:,}", file=name,
                                hint="请按乡镇或月份拆分成几个文件后分别载入"))
    if rows * width > limits.max_cells:
        raise LoadError(Problem(f"CSV 共 {rows:,} 行 × {width:,} 列（{rows * width:,} 个单元格），超过上限 {limits.max_cells:,}",
                                file=name, hint="请只保留需要的列，或拆分成几个文件后分别载入"))
    return {"encoding": enc, "delimiter": delim}


def _csv_chars(raw, enc: str):
    def chars(a: int, b: int, field: bool) -> int:
        text = bytes(raw[a:b]).decode(enc, "replace").rstrip("\r\n")
        if field and len(text) >= 2 and text[0] == '"' and text[-1] == '"':
            text = text[1:-1].replace('""', '"')
        return len(text)
    return chars


def _scan_csv(raw, delim: int, quotes: bool = True) -> dict:
    """One pass: separators outside quotes (quote parity), record ends (LF, or CR not before LF).

    Returns the widest record (fields, record index), the longest field and record in bytes
    (bytes, start, end, record index) and the number of records."""
    import numpy as np

    buf = np.frombuffer(raw, dtype=np.uint8)
    n = buf.size
    parity = 0
    prev_sep = prev_end = -1
    open_delims = records = 0
    best_fields = (0, 0)
    best_field = (0, 0, 0, 0)
    best_line = (0, 0, 0, 0)
    for off in range(0, n, CSV_CHUNK):
        a = buf[off:off + CSV_CHUNK]
        sep = (a == 10) | (a == 13) | (a == delim)
        if quotes:
            par = np.bitwise_xor.accumulate((a == 34).view(np.uint8))
            if parity:
                par ^= 1
            parity = int(par[-1])
            sep &= par == 0
            del par
        pos = np.flatnonzero(sep)
        del sep
        if pos.size == 0:
            continue
        kinds = a[pos]
        after = np.empty(pos.size, dtype=np.uint8)
        inner = pos + 1 < a.size
        after[inner] = a[pos[inner] + 1]
        after[~inner] = buf[off + a.size] if off + a.size < n else 0
        is_end = (kinds == 10) | ((kinds == 13) & (after != 10))
        gpos = pos.astype(np.int64) + off
        ends_idx = np.flatnonzero(is_end)
        # longest field: between consecutive separators
        flen = np.diff(gpos, prepend=prev_sep) - 1
        k = int(flen.argmax())
        if flen[k] > best_field[0]:
            start = int(gpos[k - 1]) + 1 if k else prev_sep + 1
            best_field = (int(flen[k]), start, int(gpos[k]), records + int(np.searchsorted(ends_idx, k)))
        prev_sep = int(gpos[-1])
        # fields per record, record lengths
        cum = np.cumsum(kinds == delim)
        if ends_idx.size:
            at_end = cum[ends_idx]
            per = np.diff(at_end, prepend=0)
            per[0] += open_delims
            k = int(per.argmax())
            if per[k] + 1 > best_fields[0]:
                best_fields = (int(per[k]) + 1, records + k)
            ends = gpos[ends_idx]
            llen = np.diff(ends, prepend=prev_end) - 1
            k = int(llen.argmax())
            if llen[k] > best_line[0]:
                start = int(ends[k - 1]) + 1 if k else prev_end + 1
                best_line = (int(llen[k]), start, int(ends[k]), records + k)
            open_delims = int(cum[-1] - at_end[-1])
            prev_end = int(ends[-1])
            records += int(ends_idx.size)
        else:
            open_delims += int(cum[-1])
    if n - 1 > prev_end:                      # a last record without a line end
        if open_delims + 1 > best_fields[0]:
            best_fields = (open_delims + 1, records)
        if n - prev_sep - 1 > best_field[0]:
            best_field = (n - prev_sep - 1, prev_sep + 1, n, records)
        if n - prev_end - 1 > best_line[0]:
            best_line = (n - prev_end - 1, prev_end + 1, n, records)
        records += 1
    return {"fields": best_fields, "field": best_field, "line": best_line, "rows": records}


# ================================================================================= child side
class ChildReader:
    """Runs in the sandbox child: holds the file and answers open / peek / load / scan."""

    def __init__(self, chan):
        self.chan = chan

    def handle(self, op: str, args: dict, payload: bytes | None):
        self.timings = {}
        t = time.perf_counter()
        header, blobs = self._handle(op, args, payload)
        self.timings["total_s"] = time.perf_counter() - t
        return dict(header, timings={k: round(v, 4) for k, v in self.timings.items()}), blobs

    def _handle(self, op: str, args: dict, payload: bytes | None):
        if op == "open":
            return self.open(args, payload)
        if op == "peek":
            return self.peek(int(args["index"]), int(args["rows"]))
        if op == "load":
            return self.load(int(args["index"]), args.get("columns"), args.get("fingerprint"))
        if op == "scan":
            return self.scan(int(args["index"]))
        raise ValueError(op)

    # ------------------------------------------------------------------ open
    def open(self, args: dict, data: bytes):
        from rural.settings import Limits

        self.name, self.fmt, self.key = args["name"], args["fmt"], args["key"]
        self.limits = Limits(**args["limits"])
        self.data = data
        self.kept: dict[int, tuple[dict, int, bool, str]] = {}    # xls/csv: index → (columns, height, hidden, name)
        self._reader = None
        self._verified = False
        if self.fmt == "xlsx":
            from etl import xlsx_peek

            self.zf = xlsx_peek.open_zip(self.name, data)
            self.st = xlsx_peek.structure(self.name, data, self.zf)
            sheets = [(s.name, s.hidden) for s in self.st.sheets]
        elif self.fmt == "xls":
            sheets = self._open_xls()
        else:
            sheets = [self._open_csv(args["delimiter"])]
        return {"sheets": [{"index": i, "name": n, "hidden": h} for i, (n, h) in enumerate(sheets)]}, []

    def _open_xls(self):
        import fastexcel

        try:
            reader = fastexcel.read_excel(self.data)
            names = list(reader.sheet_names)
        except Exception as exc:
            raise _corrupt(self.name) from exc
        out = []
        for i, name in enumerate(names):
            cols, height, visible = self._load_fastexcel(reader, i, name, None)
            hidden = visible != "visible"
            self.kept[i] = (cols, height, hidden, name)
            out.append((name, hidden))
        return out

    def _open_csv(self, delim: str):
        import pyarrow as pa

        text = decode_text(self.name, self.data)
        self.data = b""
        lim = self.limits
        csv.field_size_limit(lim.max_field_chars + 1)
        reader = csv.reader(io.StringIO(text), delimiter=delim)
        rows, width = [], 0
        try:
            while True:     # in batches: list/map run at C speed, and the limits still stop a runaway early
                batch = list(itertools.islice(reader, 65536))
                if not batch:
                    break
                widest = max(map(len, batch))
                if widest > lim.max_columns:
                    at = len(rows) + next(i for i, r in enumerate(batch) if len(r) == widest) + 1
                    raise LoadError(Problem(f"CSV 第{at}行有 {widest:,} 个字段，超过上限 {lim.max_columns:,}",
                                            file=self.name, hint="请确认分隔符和引号是否正确，或另存为 .xlsx 后再载入"))
                rows += batch
                width = max(width, widest)
                if len(rows) > lim.max_rows:
                    raise LoadError(Problem(f"CSV 超过 {lim.max_rows:,} 行的上限", file=self.name,
                                            hint="请按乡镇或月份拆分成几个文件后分别载入"))
        except csv.Error as exc:
            too_long = "field larger" in str(exc)
            raise LoadError(Problem(f"CSV 第{reader.line_num}行" + (f"有字段超过 {lim.max_field_chars:,} 个字符的上限" if too_long
                                                                 else "格式有误，无法读取"), file=self.name,
                                    hint="请确认引号是否配对，或另存为 .xlsx 后再载入")) from None
        del text
        if len(rows) * width > lim.max_cells:
            raise LoadError(Problem(f"CSV 共 {len(rows):,} 行 × {width:,} 列，超过 {lim.max_cells:,} 个单元格的上限",
                                    file=self.name, hint="请只保留需要的列，或拆分成几个文件后分别载入"))
        columns = {}
        for j, values in enumerate(itertools.zip_longest(*rows, fillvalue="")) if rows else ():
            arr = pa.array(values, type=pa.string())
            columns[j] = _blank_to_null(arr)
            self._check_field_length(arr, j)
        name = Path(self.name).stem[:31] or "CSV"
        self.kept[0] = (columns, len(rows), False, name)
        return name, False

    def _check_field_length(self, arr, j: int) -> None:
        import pyarrow.compute as pc

        lengths = pc.utf8_length(arr)
        top = pc.max(lengths).as_py() or 0
        if top > self.limits.max_field_chars:
            row = pc.index(lengths, top).as_py()
            raise LoadError(Problem(f"CSV 第{row + 1}行的一个字段长 {top:,} 个字符，超过上限 {self.limits.max_field_chars:,}",
                                    file=self.name, hint="一个单元格最多 32,767 个字符；请确认引号是否配对"))

    # ------------------------------------------------------------------ peek / load
    def peek(self, index: int, rows: int):
        if self.fmt != "xlsx":
            columns, height, hidden, name = self.kept[index]
            cols = sorted(columns)
            h = min(rows, height)
            return self._reply(name, {c: columns[c].slice(0, h) for c in cols}, h, cols, hidden, None)
        import pyarrow as pa

        from etl import xlsx_peek

        part = self.st.sheets[index]
        info = self.st.info(part.path)
        if part.kind != "worksheet" or info is None:
            return self._reply(part.name, {}, 0, [], part.hidden, None)
        got = xlsx_peek.peek_cells(self.name, part.name, self.data, info, rows, self.limits)
        needed = {v[1] for v in got.cells.values() if isinstance(v, tuple)}
        sst = xlsx_peek.shared_strings(self.name, self.data, self.st.info(self.st.shared_strings), needed)
        cols = list(range(got.min_col, got.max_col + 1)) if got.cells else []
        grid = {c: [None] * got.height for c in cols}
        for (r, c), v in got.cells.items():
            if isinstance(v, tuple):
                v = sst.get(v[1])
            if v is not None and v.strip():
                grid[c][r - 1] = v
        arrays = {c: pa.array(grid[c], type=pa.string()) for c in cols}
        return self._reply(part.name, arrays, got.height, cols, part.hidden, None)

    def load(self, index: int, columns: list[int] | None, fingerprint: list[int] | None):
        if self.fmt == "xlsx":
            part = self.st.sheets[index]
            info = self.st.info(part.path)
            if part.kind != "worksheet" or info is None:
                have, height = {}, 0
            else:
                wanted = None if columns is None else set(columns) | set(fingerprint or [])
                have, height = self._load_xlsx(index, part, info, wanted)
            name, hidden = part.name, part.hidden
        else:
            have, height, hidden, name = self.kept[index]
        cols = sorted(have) if columns is None else list(columns)
        return self._reply(name, have, height, cols, hidden, fingerprint)

    def scan(self, index: int):
        from etl import xlsx_peek

        part = self.st.sheets[index]
        info = self.st.info(part.path)
        if info is not None:
            xlsx_peek.scan_refs(self.name, part.name, self.data, info, self.limits)
        return {}, []

    def _load_xlsx(self, index, part, info, wanted):
        from etl import xlsx_peek

        t0 = time.perf_counter()
        self._verify_parts()
        reader = self._fastexcel()
        t1 = time.perf_counter()
        # the whole sheet when small; the first 64 MB of a big one (a full scan would cost about 1 s per
        # 800 MB; beyond the sample, RLIMIT_AS, the watchdog and the range check below hold the line)
        sample = None if info.file_size <= SCAN_ALL_MB * MB else xlsx_peek.SAMPLE_BYTES
        xlsx_peek.scan_refs(self.name, part.name, self.data, info, self.limits, max_bytes=sample)
        t2 = time.perf_counter()
        key = part.name if part.name in reader.sheet_names else index
        cols, height, _ = self._load_fastexcel(reader, key, part.name, wanted)
        self.timings.update(open_s=t1 - t0, scan_s=t2 - t1, parse_s=time.perf_counter() - t2)
        return cols, height

    def _verify_parts(self):
        """Before calamine reads shared strings and styles: every non-sheet part inflates to its declared size."""
        if self._verified:
            return
        from etl import xlsx_peek

        sheets = {s.path for s in self.st.sheets}
        for info in self.zf.infolist():
            if info.filename not in sheets and not info.is_dir():
                xlsx_peek.verify_member(self.name, self.data, info)
        self._verified = True

    def _fastexcel(self):
        if self._reader is None:
            import fastexcel

            try:
                self._reader = fastexcel.read_excel(self.data)
            except Exception as exc:
                raise _corrupt(self.name) from exc
        return self._reader

    def _load_fastexcel(self, reader, key, sheet_name: str, wanted):
        """One calamine parse: {sheet column: arrow array}, height (rows from sheet row 1), visibility."""
        from etl import xlsx_peek

        try:
            sheet = reader.load_sheet(key, header_row=None, dtypes="string", skip_rows=0, whitespace_as_null=True,
                                      use_columns=None if wanted is None else (lambda c: c.absolute_index in wanted))
        except Exception as exc:
            text = str(exc).lower()
            if "empty" in text or "no column" in text or "not a valid worksheet" in text:
                return {}, 0, "visible"
            raise _corrupt(self.name, sheet_name) from exc
        avail = [c.absolute_index for c in sheet.available_columns()]
        height = int(sheet.total_height)
        if avail:
            p = xlsx_peek.range_problem(self.name, sheet_name, "单元格范围为", (1, min(avail)), (max(height, 1), max(avail)),
                                        self.limits)
            if p is not None:
                raise LoadError(p)
        batch = sheet.to_arrow()
        picked = [c.absolute_index for c in sheet.selected_columns]
        cols = {c: batch.column(i) for i, c in enumerate(picked)}
        height = batch.num_rows if batch.num_columns else height     # no column picked: no rows either
        return cols, height, getattr(sheet, "visible", "visible")

    def _reply(self, name, have: dict, height: int, cols: list[int], hidden: bool, fingerprint):
        import pyarrow as pa

        null = None
        arrays = []
        for c in cols:
            arr = have.get(c)
            if arr is None:
                null = null if null is not None else pa.nulls(height, type=pa.string())
                arr = null
            arrays.append(arr)
        names = [f"c{i}" for i in range(len(cols))]
        if fingerprint is not None:
            t = time.perf_counter()
            arrays.append(_fingerprint([have.get(c) for c in fingerprint], height, self.key))
            names.append("fp")
            self.timings["fingerprint_s"] = time.perf_counter() - t
        meta = {"name": name, "first_row": 1, "columns": cols, "hidden": hidden, "ncols": len(cols),
                "fingerprint": fingerprint is not None}
        if not arrays:
            return {"sheet": meta}, []
        t = time.perf_counter()
        batch = pa.RecordBatch.from_arrays(arrays, names=names)
        blobs = [batch.schema.serialize(), batch.serialize()]
        self.timings["ipc_s"] = time.perf_counter() - t
        self.timings["ipc_mb"] = blobs[1].size / MB
        return {"sheet": meta}, blobs


def _fingerprint(arrays: list, height: int, key: str):
    """uint64 per row over the given columns (NA distinct from every text), keyed."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = [a if a is not None else pa.nulls(height, type=pa.string()) for a in arrays]
    if not arrays:
        return pa.array(np.zeros(height, dtype=np.uint64))
    if len(arrays) == 1:
        joined = pc.fill_null(arrays[0], "\x01")
    else:
        joined = pc.binary_join_element_wise(*arrays, "\x00", null_handling="replace", null_replacement="\x01")
    values = joined.to_numpy(zero_copy_only=False)
    return pa.array(pd.util.hash_array(values, hash_key=key, categorize=False))


def _blank_to_null(arr):
    import pyarrow as pa
    import pyarrow.compute as pc

    blank = pc.equal(pc.utf8_trim_whitespace(arr), "")
    return pc.if_else(blank, pa.scalar(None, pa.string()), arr)


def _corrupt(name: str, sheet: str = "") -> LoadError:
    return LoadError(Problem("工作簿已损坏或不完整，无法读取", file=name, sheet=sheet,
                             hint="请在 Excel/WPS 中打开确认后重新保存，或向报送单位重新索取"))
