"""Cheap, bounded looks inside an ``.xlsx`` (a zip of XML parts), without calamine.

* :func:`precheck` — in the server process, before anything is parsed: the zip directory's declared
  sizes (total, per-member compression ratio, number of members) and each worksheet's declared
  ``<dimension>``, read from the first few KB of its XML.
* :func:`peek` — the first rows of a sheet, stream-parsed until enough rows are seen, with shared
  strings resolved by streaming ``sharedStrings.xml`` only as far as the highest index needed.
* :func:`scan_refs` — a streaming scan of a sheet's cell and row references (the whole sheet, or the
  first 64 MB of a big one) for the extents calamine would allocate (it sizes its range from the
  references it sees).

Members are inflated here by our own reader, which stops (and refuses the file) as soon as a member
inflates to more than its declared size, so the declared sizes checked up front cannot be a lie.
"""
from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterator
from xml.etree.ElementTree import XMLPullParser

from etl.errors import LoadError, Problem, col_letter

MB = 1 << 20
MAX_MEMBERS = 10_000              # a workbook of 250 sheets has about 1,000 parts
MAX_DIRECTORY_MB = 16             # the zip central directory itself
MAX_PART_MB = 32                  # workbook.xml and relationship parts, read whole
RATIO_FROM_MB = 64                # the compression-ratio test applies to members larger than this
HEAD_BYTES = 64 * 1024            # how much of a worksheet is inflated to find <dimension>
PEEK_PAST_BYTES = 16 * MB         # peek gives up looking for more rows this far past the last one kept

CORRUPT_HINT = "请在 Excel/WPS 中打开确认后重新保存，或向报送单位重新索取"
BOMB_HINT = "请确认文件来源；如是正常报表，请在 Excel/WPS 中删除多余的空行空列后另存为 .xlsx 再载入"
RANGE_HINT = "请在 Excel/WPS 中删除表格以外多余的行、列（或把数据复制到新工作表）后另存为 .xlsx 再载入"

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"


def corrupt(name: str, why: str = "", sheet: str = "") -> LoadError:
    msg = "工作簿已损坏或不完整，无法读取" + (f"（{why}）" if why else "")
    return LoadError(Problem(msg, file=name, sheet=sheet, hint=CORRUPT_HINT))


def _mb(n: int) -> str:
    return f"{n / MB:,.1f} MB"


# ------------------------------------------------------------------------------ zip members
def _directory_entries(name: str, data: bytes) -> tuple[int, int]:
    """(entries, central directory bytes) from the end record, before zipfile reads the directory."""
    tail = data[-(65536 + 22):]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise corrupt(name, "找不到 zip 目录")
    _, _, _, _, entries, size, _, _ = struct.unpack("<4s4H2LH", tail[at:at + 22])
    if entries == 0xFFFF or size == 0xFFFFFFFF:
        loc = tail.rfind(b"PK\x06\x07", 0, at)
        if loc >= 0:
            (off,) = struct.unpack("<Q", tail[loc + 8:loc + 16])
            rec = data[off:off + 56]
            if rec[:4] == b"PK\x06\x06" and len(rec) == 56:
                entries, size = struct.unpack("<QQ", rec[32:48])
    return entries, size


def open_zip(name: str, data: bytes) -> zipfile.ZipFile:
    import io

    entries, size = _directory_entries(name, data)
    if entries > MAX_MEMBERS or size > MAX_DIRECTORY_MB * MB:
        raise LoadError(Problem(f"工作簿内含 {entries:,} 个部件，超过上限 {MAX_MEMBERS:,}（文件构造异常）",
                                file=name, hint=BOMB_HINT))
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, struct.error, EOFError) as exc:
        raise corrupt(name) from exc


def check_sizes(name: str, zf: zipfile.ZipFile, limits) -> None:
    """Declared sizes only: total inflated size, and the ratio of every large member."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise LoadError(Problem(f"工作簿内含 {len(infos):,} 个部件，超过上限 {MAX_MEMBERS:,}（文件构造异常）",
                                file=name, hint=BOMB_HINT))
    total = sum(i.file_size for i in infos)
    if total > limits.max_inflated_mb * MB:
        raise LoadError(Problem(f"文件解压后共 {_mb(total)}，超过上限 {limits.max_inflated_mb:,} MB（可能是压缩炸弹）",
                                file=name, hint=BOMB_HINT))
    for i in infos:
        if i.file_size > RATIO_FROM_MB * MB:
            ratio = i.file_size / max(i.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise LoadError(Problem(
                    f"部件“{i.filename}”解压后 {_mb(i.file_size)}，压缩比 {ratio:,.0f}:1，超过上限 "
                    f"{limits.max_compression_ratio:,.0f}:1（可能是压缩炸弹）", file=name, hint=BOMB_HINT))


def member_chunks(name: str, data: bytes, info: zipfile.ZipInfo, chunk: int = 1 << 18) -> Iterator[bytes]:
    """Inflate one member in chunks, straight from the archive bytes; refuse it if it inflates to more
    than its declared size (calamine would believe the stream, not the directory)."""
    view = memoryview(data)
    head = bytes(view[info.header_offset:info.header_offset + 30])
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise corrupt(name, f"部件“{info.filename}”的位置不对")
    if info.flag_bits & 0x1:
        raise LoadError(Problem("工作簿已加密（设置了打开密码），无法读取", file=name,
                                hint="请取消密码保护后重新保存，再载入"))
    n, m = struct.unpack("<HH", head[26:30])
    start = info.header_offset + 30 + n + m
    raw = view[start:start + info.compress_size]
    if len(raw) < info.compress_size:
        raise corrupt(name, f"部件“{info.filename}”不完整")
    declared = info.file_size
    out = 0
    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(raw), chunk):
            piece = bytes(raw[i:i + chunk])
            out += len(piece)
            if out > declared:
                raise _size_lie(name, info)
            yield piece
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise LoadError(Problem(f"工作簿使用了不支持的压缩方式（{info.compress_type}）", file=name,
                                hint="请在 Excel/WPS 中打开后另存为 .xlsx 再载入"))
    d = zlib.decompressobj(-15)
    try:
        for i in range(0, len(raw), chunk):
            piece = d.decompress(raw[i:i + chunk], declared - out + 1)
            while True:
                out += len(piece)
                if out > declared:
                    raise _size_lie(name, info)
                if piece:
                    yield piece
                if not d.unconsumed_tail:
                    break
                piece = d.decompress(d.unconsumed_tail, declared - out + 1)
            if d.eof:
                break
        tail = d.flush()
        if out + len(tail) > declared:
            raise _size_lie(name, info)
        if tail:
            yield tail
    except zlib.error as exc:
        raise corrupt(name, f"部件“{info.filename}”无法解压") from exc


def _size_lie(name: str, info: zipfile.ZipInfo) -> LoadError:
    return LoadError(Problem(f"部件“{info.filename}”解压后超过其声明的大小 {info.file_size:,} 字节（文件构造异常，可能是压缩炸弹）",
                             file=name, hint=BOMB_HINT))


def read_member(name: str, data: bytes, info: zipfile.ZipInfo, cap_mb: int = MAX_PART_MB) -> bytes:
    if info.file_size > cap_mb * MB:
        raise LoadError(Problem(f"部件“{info.filename}”解压后 {_mb(info.file_size)}，超过上限 {cap_mb} MB（文件构造异常）",
                                file=name, hint=BOMB_HINT))
    return b"".join(member_chunks(name, data, info))


def verify_member(name: str, data: bytes, info: zipfile.ZipInfo) -> None:
    """Inflate a member to the end (discarding it) to prove it is no larger than declared."""
    for _ in member_chunks(name, data, info, 1 << 20):
        pass


# ----------------------------------------------------------------------------- workbook parts
@dataclass
class SheetPart:
    index: int
    name: str
    hidden: bool
    kind: str                         # worksheet | chartsheet | dialogsheet | macrosheet | ?
    path: str | None                  # zip member name of the sheet XML


@dataclass
class Structure:
    sheets: list[SheetPart]
    shared_strings: str | None
    infos: dict[str, zipfile.ZipInfo] = field(default_factory=dict)

    def info(self, path: str | None) -> zipfile.ZipInfo | None:
        return self.infos.get(path) if path else None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml(name: str, raw: bytes, part: str):
    from xml.etree.ElementTree import ParseError, fromstring

    if b"<!ENTITY" in raw or b"<!DOCTYPE" in raw:
        raise LoadError(Problem(f"部件“{part}”含有 DTD/实体声明（文件构造异常）", file=name, hint=CORRUPT_HINT))
    try:
        return fromstring(raw)
    except ParseError as exc:
        raise corrupt(name, f"部件“{part}”不是有效的 XML") from exc


def _rels(name: str, data: bytes, infos: dict, path: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type suffix, target member path) of the part at ``path``."""
    base = posixpath.dirname(path)
    rels_path = posixpath.join(base, "_rels", posixpath.basename(path) + ".rels")
    info = _find(infos, rels_path)
    if info is None:
        return {}
    out = {}
    for rel in _xml(name, read_member(name, data, info), rels_path):
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target)
    return out


MAX_SHEETS = 1000      # a workbook with more sheets than this is not a department's file (and costs time to check)


def _find(infos: dict, path: str, lowered: dict | None = None) -> zipfile.ZipInfo | None:
    if path in infos:
        return infos[path]
    low = path.lower().replace("\\", "/")
    if lowered is not None:
        return lowered.get(low)
    for k, v in infos.items():
        if k.lower().replace("\\", "/") == low:
            return v
    return None


def structure(name: str, data: bytes, zf: zipfile.ZipFile) -> Structure:
    """Sheets in workbook order (name, hidden, part), and the shared-strings part."""
    infos = {i.filename: i for i in zf.infolist()}
    wb_path = "xl/workbook.xml"
    for kind, target in _rels(name, data, infos, "").values():
        if kind == "officeDocument":
            wb_path = target
    wb_info = _find(infos, wb_path)
    if wb_info is None:
        raise corrupt(name, "缺少 workbook.xml，可能不是 Excel 工作簿")
    wb_path = wb_info.filename
    rels = _rels(name, data, infos, wb_path)
    root = _xml(name, read_member(name, data, wb_info), wb_path)
    sheets, parts = [], set()
    lowered = {k.lower().replace("\\", "/"): v for k, v in infos.items()}
    for el in root.iter():
        if _local(el.tag) != "sheet":
            continue
        if len(sheets) >= MAX_SHEETS:
            raise LoadError(Problem(f"工作簿有超过{MAX_SHEETS:,}个工作表，不是部门报表", file=name,
                                    hint="请只保留需要载入的工作表后重新保存"))
        rid = el.get(f"{{{_REL}}}id") or el.get(f"{{{_STRICT_REL}}}id") or el.get("id")
        kind, target = rels.get(rid or "", ("?", None))
        info = _find(infos, target, lowered) if target else None
        if info is not None and info.filename in parts:
            raise corrupt(name, "几个工作表指向同一个工作表部件，工作簿构造异常")
        if info is not None:
            parts.add(info.filename)
        state = (el.get("state") or "visible").lower()
        sheets.append(SheetPart(len(sheets), el.get("name", f"Sheet{len(sheets) + 1}"), state in ("hidden", "veryhidden"),
                                kind, info.filename if info else None))
    sst = next((t for k, t in rels.values() if k == "sharedStrings"), None)
    sst_info = _find(infos, sst) if sst else _find(infos, posixpath.join(posixpath.dirname(wb_path), "sharedStrings.xml"))
    return Structure(sheets, sst_info.filename if sst_info else None, {i.filename: i for i in infos.values()})


# ------------------------------------------------------------------------------ references
_REF = re.compile(r"^\$?([A-Za-z]{1,7})\$?([0-9]{1,12})$")
_DIM = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_SHEETDATA = re.compile(rb"<(?:\w+:)?sheetData\b")


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def parse_ref(ref: str) -> tuple[int, int] | None:
    """``"D7"`` → (row 7, column 3); None if not a cell reference."""
    m = _REF.match(ref.strip())
    return (int(m.group(2)), col_index(m.group(1))) if m else None


def range_problem(name: str, sheet: str, what: str, first: tuple[int, int], last: tuple[int, int],
                  limits) -> Problem | None:
    """A Problem if the range ``first``..``last`` ((row, col), rows 1-based, columns 0-based) is too big.

    Cells count the area (what calamine allocates); rows count from row 1 (the frame starts there)."""
    area_rows = last[0] - first[0] + 1
    cols = last[1] - first[1] + 1
    cells = area_rows * cols
    ref = f"{col_letter(first[1])}{first[0]}:{col_letter(last[1])}{last[0]}"
    if cells > limits.max_cells:
        msg = f"{what} {ref}（{cells:,} 个单元格），超过上限 {limits.max_cells:,}"
    elif cols > limits.max_columns:
        msg = f"{what} {ref}（{cols:,} 列），超过列数上限 {limits.max_columns:,}"
    elif last[0] > limits.max_rows:
        msg = f"{what} {ref}（{last[0]:,} 行），超过行数上限 {limits.max_rows:,}"
    else:
        return None
    return Problem(msg, file=name, sheet=sheet, hint=RANGE_HINT)


def declared_dimension(name: str, data: bytes, info: zipfile.ZipInfo) -> str | None:
    """The ``<dimension ref>`` of a worksheet, from at most the first 64 KB of its XML."""
    head = b""
    for piece in member_chunks(name, data, info, 16 * 1024):
        head += piece
        if _SHEETDATA.search(head) or len(head) >= HEAD_BYTES:
            break
    m = _DIM.search(head[:HEAD_BYTES])
    return m.group(1).decode("ascii", "replace") if m else None


def precheck(name: str, data: bytes, limits) -> Structure:
    """Everything that can be refused from what the file declares; nothing of the sheet data is inflated."""
    zf = open_zip(name, data)
    check_sizes(name, zf, limits)
    st = structure(name, data, zf)
    for sheet in st.sheets:
        info = st.info(sheet.path)
        if info is None or sheet.kind != "worksheet":
            continue
        ref = declared_dimension(name, data, info)
        if not ref:
            continue
        ends = [parse_ref(p) for p in ref.split(":")]
        if not ends or not all(ends):
            continue
        first = (min(e[0] for e in ends), min(e[1] for e in ends))
        last = (max(e[0] for e in ends), max(e[1] for e in ends))
        p = range_problem(name, sheet.name, "声明的单元格范围为", first, last, limits)
        if p is not None:
            raise LoadError(p)
    return st


# ----------------------------------------------------------------------------------- scan
_RARE = re.compile(rb' r="([A-Z]{3,}[0-9]*|[A-Z]{0,2}[0-9]{7,})"')   # a literal prefix: fast to search
SAMPLE_BYTES = 64 * MB


def scan_refs(name: str, sheet: str, data: bytes, info: zipfile.ZipInfo, limits, max_bytes: int | None = None) -> None:
    """Stream a sheet's XML: refuse it if its cell or row references reach beyond the limits, or if it
    inflates to more than its declared size.

    Only the rare references are parsed (columns of three letters or more, rows of seven digits or more),
    so the cost is one inflate and one regular-expression pass, about 0.1 s per 64 MB. ``max_bytes``
    stops after that much XML (a bounded sample of a big sheet; its remainder is left to the child's
    memory limit and to the range check after calamine has read it)."""
    max_row = 0
    max_col = -1
    seen = 0
    tail = b""
    for piece in member_chunks(name, data, info, 1 << 20):
        seen += len(piece)
        for ref in _RARE.findall(tail + piece):
            ref = ref.decode("ascii")
            letters = ref.rstrip("0123456789")
            digits = ref[len(letters):]
            if letters:
                max_col = max(max_col, col_index(letters))
            if digits:
                max_row = max(max_row, int(digits[:12]))
            if max_col + 1 > limits.max_columns or max_row > limits.max_rows:
                _raise_extent(name, sheet, max(max_row, 1), max(max_col + 1, 1), limits, ref)
        tail = piece[-64:]
        if max_bytes is not None and seen >= max_bytes:
            break
    height, width = max(max_row, 1), max(max_col + 1, 1)
    if height * width > limits.max_cells:
        _raise_extent(name, sheet, height, width, limits, None)


def _raise_extent(name, sheet, height, width, limits, ref):
    where = f"有单元格位于 {ref}，" if ref and parse_ref(ref) else ""
    p = range_problem(name, sheet, f"{where}单元格范围至少为", (1, 0), (height, width - 1), limits)
    if p is None:
        p = Problem(f"{where}单元格范围过大", file=name, sheet=sheet, hint=RANGE_HINT)
    raise LoadError(p)


# ----------------------------------------------------------------------------------- peek
def number_text(v: str) -> str:
    """A numeric cell's text as calamine renders it: integral values without ".0", others positional."""
    try:
        f = float(v)
    except ValueError:
        return v
    if f != f or f in (float("inf"), float("-inf")):
        return v
    if f.is_integer():
        return str(int(f))
    return format(Decimal(repr(f)), "f")


def _rich_text(el) -> str:
    """Text of an ``<is>`` or ``<si>``: its ``<t>``, or the ``<t>`` of every run; phonetic runs left out."""
    parts = []
    for child in el:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts += [t.text or "" for t in child if _local(t.tag) == "t"]
    return "".join(parts)


@dataclass
class Peeked:
    cells: dict[tuple[int, int], object]      # (row, col) → str, or ("s", index) for a shared string
    height: int                               # sheet rows 1..height
    min_col: int
    max_col: int


def _feed(parser: XMLPullParser, piece: bytes, name: str, part: str):
    try:
        parser.feed(piece)
        return parser.read_events()
    except Exception as exc:      # xml.etree.ElementTree.ParseError, or expat's own limits
        raise corrupt(name, f"部件“{part}”不是有效的 XML") from exc


def peek_cells(name: str, sheet: str, data: bytes, info: zipfile.ZipInfo, rows: int, limits) -> Peeked:
    """Cells of sheet rows 1..rows, stream-parsed; stops at the first value beyond ``rows``."""
    parser = XMLPullParser(events=("start", "end"))
    cells: dict[tuple[int, int], object] = {}
    row_no = 0
    col_no = -1
    last_row = 0
    past_since = None            # inflated bytes seen when row ``rows`` was passed
    seen = 0
    holder = None
    beyond = ended = False
    for piece in member_chunks(name, data, info, 64 * 1024):
        seen += len(piece)
        for event, el in _feed(parser, piece, name, info.filename):
            tag = _local(el.tag)
            if event == "start":
                if tag == "row":
                    r = el.get("r")
                    row_no = int(r) if r and r.isdigit() else row_no + 1
                    col_no = -1
                elif tag == "sheetData":
                    holder = el
                continue
            if tag == "c":
                ref = parse_ref(el.get("r", "")) if el.get("r") else None
                r, c = ref if ref else (row_no, col_no + 1)
                col_no = c
                value = _cell_value(el)
                el.clear()
                if value is None:
                    continue
                if r > rows:
                    beyond = True
                    break
                if c + 1 > limits.max_columns:
                    _raise_extent(name, sheet, r, c + 1, limits, f"{col_letter(c)}{r}")
                cells[(r, c)] = value
                last_row = max(last_row, r)
            elif tag == "row":
                el.clear()
                if holder is not None:
                    holder.clear()
                if row_no >= rows and past_since is None:
                    past_since = seen
            elif tag == "sheetData":
                ended = True
                break
        if beyond or ended:
            break
        if past_since is not None and seen - past_since > PEEK_PAST_BYTES:
            beyond = True        # only empty rows for a long way: assume the sheet goes on
            break
    height = rows if beyond else last_row
    cols = [c for _, c in cells]
    return Peeked(cells, min(height, rows), min(cols, default=0), max(cols, default=-1))


def _cell_value(el):
    """The raw value of a ``<c>`` element: text, ("s", index), or None when it holds no value."""
    t = el.get("t", "n")
    v = None
    inline = None
    for child in el:
        tag = _local(child.tag)
        if tag == "v":
            v = child.text or ""
        elif tag == "is":
            inline = _rich_text(child)
    if t == "inlineStr":
        return inline if inline is not None else v
    if v is None:
        return inline
    if t == "s":
        return ("s", int(v)) if v.strip().isdigit() else None
    if t == "b":
        return "true" if v.strip() in ("1", "true") else "false"
    if t == "e":
        return ""                      # calamine gives error cells no text
    if t in ("str", "d"):
        return v
    return number_text(v)


def shared_strings(name: str, data: bytes, info: zipfile.ZipInfo | None, needed: set[int]) -> dict[int, str]:
    """The shared strings of the given indices, streaming ``sharedStrings.xml`` only as far as needed."""
    if not needed or info is None:
        return {}
    top = max(needed)
    parser = XMLPullParser(events=("start", "end"))
    out: dict[int, str] = {}
    i = -1
    root = None
    for piece in member_chunks(name, data, info, 64 * 1024):
        for event, el in _feed(parser, piece, name, info.filename):
            tag = _local(el.tag)
            if event == "start":
                if tag == "sst":
                    root = el
                continue
            if tag != "si":
                continue
            i += 1
            if i in needed:
                out[i] = _rich_text(el)
            el.clear()
            if root is not None:
                root.clear()
            if i >= top:
                return out
    return out
