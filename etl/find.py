"""Find the tables in a sheet: title and 填报单位 / 单位 lines, a header block of one to three levels,
an optional column-number row (甲 乙 1 2 3), the data rows, and where a second table begins.

Works on text cells only (:class:`etl.read.RawSheet`), before anything is parsed as a number.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from etl.layouts import Layout, Reference
from etl.mapping import MAX_LEVELS, Claim, Column, Mapping, _cells, excluded, header_columns, map_columns
from etl.read import RawSheet
from rural.reference import norm_text

SCAN_ROWS = 25          # a header starts within this many rows of the top (or of the end of the previous table)
_NUMBERISH = re.compile(r"^[-+]?[\d,，.．０-９]+(?:[%％]|[\u4e00-\u9fff]{0,2})?$")
_COLON = re.compile(r"^([^:：]{1,12})[:：](.*)$")


@dataclass
class Table:
    sheet: RawSheet
    mapping: Mapping
    start: int                          # first data row (frame position)
    end: int                            # one past the last row of this table
    top_lines: list[str]                # titles and meta lines above the header, as text
    meta: dict[str, str] = field(default_factory=dict)   # 填报单位 / 单位 / 数据截至 …, label → value
    column_number_row: int | None = None

    @property
    def layout(self) -> Layout:
        return self.mapping.layout

    @property
    def header_rows(self) -> list[int]:
        return self.mapping.header_rows

    def header_row_numbers(self) -> str:
        rows = [self.sheet.sheet_row(r) for r in self.header_rows]
        return f"第{rows[0]}行" if len(rows) == 1 else f"第{rows[0]}–{rows[-1]}行"


@dataclass
class Region:
    """Rows that are not part of any recognised table (a second table we could not read)."""

    first: int
    last: int
    text: str


def _row(frame: pd.DataFrame, r: int) -> list[str]:
    """The non-empty cells of a row, as text."""
    return [c for c in _cells(frame, r) if c is not None]


@lru_cache(maxsize=200_000)
def _numberish(text: str) -> bool:
    t = unicodedata.normalize("NFKC", text).replace(" ", "")
    return bool(_NUMBERISH.match(t)) or bool(re.match(r"^\d{4}[-/.年]\d{1,2}([-/.月]\d{1,2})?", t))


def meta_line(cells: list[str], meta_labels: tuple[str, ...]) -> dict[str, str] | None:
    """``填报单位（盖章）：某局 | 单位：万元`` → {label: value}; None when the row is not such a line."""
    if not cells:
        return None
    found = {}
    for c in cells:
        m = _COLON.match(unicodedata.normalize("NFKC", c).replace(" ", ""))
        if not m:
            return None
        label = norm_text(m.group(1))
        if not any(label.startswith(norm_text(w)) for w in meta_labels):
            return None
        found[m.group(1)] = m.group(2)
    return found


def _title_like(cells: list[str]) -> bool:
    return len(cells) == 1 and len(cells[0]) >= 6 and not _numberish(cells[0])


def find_tables(sheet: RawSheet, layouts: list[Layout], ref: Reference,
                overrides: dict[str, dict[str, str]] | None = None, context: str = "") -> tuple[list[Table], list[Region]]:
    """Every table of a sheet, top to bottom, and the non-empty regions no layout explains.

    ``overrides``: layout name → {header text: field} from a clerk's mapping; when given, only those
    layouts are tried."""
    frame = sheet.frame
    n = len(frame)
    tables, regions = [], []
    pos = 0
    while pos < n:
        t = best_table(sheet, layouts, ref, pos, overrides, context)
        if t is None:
            left = [r for r in range(pos, n) if _row(frame, r)]
            if left and (tables or pos > 0):
                regions.append(Region(left[0], left[-1], " ".join(_row(frame, left[0]))[:60]))
            break
        if tables and t.header_rows[0] > pos:
            gap = [r for r in range(pos, t.header_rows[0]) if _row(frame, r)]
            content = [r for r in gap if not _title_like(_row(frame, r))
                       and meta_line(_row(frame, r), ref.rules.meta_labels) is None]
            if content:
                regions.append(Region(content[0], content[-1], " ".join(_row(frame, content[0]))[:60]))
        t.end = _table_end(sheet, t, layouts, ref)
        tables.append(t)
        pos = t.end
    return tables, regions


def best_table(sheet: RawSheet, layouts: list[Layout], ref: Reference, start: int = 0,
               overrides: dict[str, dict[str, str]] | None = None, context: str = "") -> Table | None:
    """The best (layout, header block) starting within ``SCAN_ROWS`` rows of ``start``. A field the layout
    may take from the title (救助类别 of a 农村低保 table) is looked for in the lines above the header,
    the sheet name and ``context`` (the file name)."""
    frame = sheet.frame
    best: tuple[float, Table] | None = None
    limit = min(len(frame), start + SCAN_ROWS)
    tried = [lay for lay in layouts if not overrides or lay.name in overrides]
    head_text = norm_text(" ".join(" ".join(_row(frame, x)) for x in range(start, limit)) + sheet.name + context)
    titled = {lay.name for lay in tried if lay.title_words and any(norm_text(w) in head_text for w in lay.title_words)}
    tried = [lay for lay in tried if not lay.title_words or lay.name in titled]
    for r in range(start, limit):
        cells = _row(frame, r)
        if len(cells) < 2 or meta_line(cells, ref.rules.meta_labels) is not None:
            continue
        if sum(_numberish(c) for c in cells) > len(cells) / 2:
            continue
        for k in range(1, MAX_LEVELS + 1):
            rows = list(range(r, r + k))
            if rows[-1] >= len(frame):
                break
            if k > 1 and _data_like(_row(frame, rows[-1])):
                break
            columns = header_columns(frame, rows, sheet.columns, sheet.first_row)
            for lay in tried:
                if excluded(columns, lay):
                    continue
                m = map_columns(columns, lay, ref.rules, rows, (overrides or {}).get(lay.name))
                m.forced = bool(overrides)
                _units_not_places(m, frame, rows[-1] + 1)
                if lay.open_words and m.unused and any(c.field.type in ("township", "village") for c in m.claims) \
                        and (len(tried) == 1 or any(norm_text(w) in head_text for w in lay.open_words)):
                    m.open_items = True      # every indicator column unknown: the layout's module names them
                if not m.satisfied:
                    above = " ".join(" ".join(_row(frame, x)) for x in range(start, r) if len(_row(frame, x)) <= 2)
                    m.from_context(f"{above} {sheet.name} {context}")
                if not m.satisfied or len(m.claims) < (1 if m.open_items else 2):
                    continue
                score = m.score() + 0.01 * k     # on a tie the deeper header: its extra rows are header text
                if lay.name in titled:            # the title says what it is (统筹整合…计划)
                    score += 2
                if best is None or score > best[0]:
                    best = (score, _table(sheet, m, start, ref))
    return best[1] if best else None


_UNIT_WORDS = frozenset(("人", "人次", "户", "个", "条", "件", "名", "项", "次", "元", "万元", "亿元", "亩", "万亩", "%", "家",
                         "套", "座", "公里", "千米", "平方米", "吨", "头", "只", "万人"))


def _units_not_places(m: Mapping, frame: pd.DataFrame, start: int) -> None:
    """A 单位 column holding 人 / 万元 … is a unit column, not the townships (both are written 单位)."""
    for c in [c for c in m.claims if c.field.type == "township"]:
        if c.col not in frame.columns:
            continue
        values = [str(v).strip() for v in frame[c.col].iloc[start:start + 30].dropna().tolist()]
        if values and sum(v in _UNIT_WORDS for v in values) >= 0.8 * len(values):
            m.claims.remove(c)
            unit = next((f for f in m.layout.fields if f.name in ("计量单位", "单位")), None)
            if unit is not None and not m.has(unit.name):
                m.claims.append(Claim(unit, c.column))
            else:
                m.unused.append(c.column)


def near_misses(sheet: RawSheet, layouts: list[Layout], ref: Reference) -> list[tuple[Mapping, list[Column]]]:
    """For a sheet no layout fits: the closest mappings (most fields claimed), with their header columns."""
    frame = sheet.frame
    found = []
    for r in range(min(len(frame), SCAN_ROWS)):
        cells = _row(frame, r)
        if len(cells) < 2 or meta_line(cells, ref.rules.meta_labels) is not None:
            continue
        for k in range(1, MAX_LEVELS + 1):
            rows = list(range(r, r + k))
            if rows[-1] >= len(frame) or (k > 1 and _data_like(_row(frame, rows[-1]))):
                break
            columns = header_columns(frame, rows, sheet.columns, sheet.first_row)
            for lay in layouts:
                m = map_columns(columns, lay, ref.rules, rows)
                real = [c for c in m.claims if c.field.type != "seq" and c.field.name != "县"]
                if len(real) >= 2:
                    found.append((len(real) / max(1, len(lay.required())) + len(real) / 10, m, columns))
    found.sort(key=lambda x: -x[0])
    out, kinds = [], set()
    for _, m, cols in found:
        if m.layout.name not in kinds:
            kinds.add(m.layout.name)
            out.append((m, cols))
    return out[:3]


def guess_header(sheet: RawSheet, ref: Reference) -> tuple[list[int], list[Column]] | None:
    """The most header-like row of a sheet nothing recognised (most text cells near the top)."""
    frame = sheet.frame
    best = None
    for r in range(min(len(frame), SCAN_ROWS)):
        cells = _row(frame, r)
        if meta_line(cells, ref.rules.meta_labels) is not None:
            continue
        text = [c for c in cells if not _numberish(c)]
        if len(text) >= 2 and (best is None or len(text) > best[0]):
            best = (len(text), r)
    if best is None:
        return None
    rows = [best[1]]
    return rows, header_columns(frame, rows, sheet.columns, sheet.first_row)


def _data_like(cells: list[str]) -> bool:
    return bool(cells) and sum(_numberish(c) for c in cells) >= max(2, len(cells) / 2)


def _table(sheet: RawSheet, m: Mapping, search_from: int, ref: Reference) -> Table:
    frame = sheet.frame
    top, meta = [], {}
    for r in range(search_from, m.header_rows[0]):
        cells = _row(frame, r)
        if not cells:
            continue
        found = meta_line(cells, ref.rules.meta_labels)
        if found is not None:
            meta.update(found)
        top.append(" ".join(cells))
    start = m.header_rows[-1] + 1
    t = Table(sheet, m, start, len(frame), top, meta)
    if start < len(frame) and _column_numbers(_row(frame, start), ref):
        t.column_number_row = start
        t.start = start + 1
    return t


def _text_only(cells: list[str]) -> bool:
    """Two or more cells, none of them a number: a header row."""
    return len(cells) >= 2 and not any(_numberish(c) for c in cells)


def _column_numbers(cells: list[str], ref: Reference) -> bool:
    """甲 | 乙 | 1 | 2 | 3 … or 1 | 2 | 3 …: a row numbering the columns."""
    if len(cells) < 3:
        return False
    marks = ref.rules.column_number_marks
    nums = []
    for c in cells:
        t = unicodedata.normalize("NFKC", c).strip("()（）").replace(" ", "")
        if t in marks:
            continue
        m = re.match(r"^(\d{1,3})(?:=[\d+\-*/×÷()（）]+)?$", t)     # 3=2/1: column 3 is column 2 ÷ column 1
        if not m:
            return False
        nums.append(int(m.group(1)))
    return bool(nums) and nums == list(range(nums[0], nums[0] + len(nums))) and nums[0] <= 2


def _table_end(sheet: RawSheet, t: Table, layouts: list[Layout], ref: Reference) -> int:
    """Where the next table begins: a title or header-like row that follows a blank row or a note line."""
    frame = sheet.frame
    if t.start >= len(frame):
        return len(frame)
    body = frame.iloc[t.start:]
    nonblank = body.notna().to_numpy().any(axis=1)
    cands = [i for i in range(1, len(nonblank)) if nonblank[i] and not nonblank[i - 1]]
    words = _header_words(tuple(layouts))
    numbers = [c.col for c in t.mapping.claims if c.field.type in ("int", "money", "area", "pct") and c.col >= 0]
    for i in cands:
        r = t.start + i
        cells = _row(frame, r)
        if _is_note(cells, ref) or _is_footer(cells, ref):
            continue
        hits = sum(norm_text(c) in words for c in cells)
        nxt = _row(frame, r + 1) if r + 1 < len(frame) else []
        if hits >= 2 or (_title_like(cells) and (sum(norm_text(c) in words for c in nxt) >= 2 or _text_only(nxt))):
            return r
        marks = ref.rules.empty_marks
        if _text_only([c for c in cells if c not in marks]) and any(
                _cells(frame, r)[frame.columns.get_loc(c)] not in (None, *marks) for c in numbers if c in frame.columns):
            return r        # a header of another table: words where this table has its numbers
        if _title_like(cells) and r + 2 < len(frame) and sum(norm_text(c) in words for c in _row(frame, r + 2)) >= 2:
            return r
    return len(frame)


@lru_cache(maxsize=16)
def _header_words(layouts: tuple[Layout, ...]) -> frozenset[str]:
    words = set()
    for lay in layouts:
        for f in lay.fields:
            if f.type == "seq":
                continue
            for v in f.variants:
                words.add(v[-1])
    return frozenset(w for w in words if len(w) >= 2)


# ------------------------------------------------------------------------------ row classes
def _starts(text: str, words) -> bool:
    t = unicodedata.normalize("NFKC", text).replace(" ", "")
    for w in words:
        if t.startswith(w) and (len(t) == len(w) or t[len(w)] in ":：、.．0123456789(（)）"):
            return True
    return False


def _is_note(cells: list[str], ref: Reference) -> bool:
    return bool(cells) and len(cells) <= 3 and _starts(cells[0], ref.rules.note_prefixes)


def _is_footer(cells: list[str], ref: Reference) -> bool:
    """填报单位：… | 填表人：… | 联系电话：… — every cell a footer label (with or without its value)."""
    return bool(cells) and all(_starts(c, ref.rules.footer_labels) for c in cells)


def classify_notes(frame: pd.DataFrame, ref: Reference) -> dict[int, str]:
    """Note (``注：``) and footer (``填表人：…``) rows of a data region: frame index → ``note`` | ``footer``.

    Only rows that can be such lines are looked at: few cells, or a note / footer word in the first
    column (cheap on a million rows)."""
    if frame.empty:
        return {}
    counts = frame.notna().sum(axis=1)
    limit = max(3, (frame.shape[1] + 1) // 2)
    words = tuple(ref.rules.note_prefixes) + tuple(ref.rules.footer_labels)
    first = frame[frame.columns[0]].astype("string").str.strip()
    starts = first.str.startswith(words).fillna(False).astype(bool)
    cand = frame.index[((counts > 0) & (counts <= limit)) | starts]
    out = {}
    for i in cand:
        cells = [str(v).strip() for v in frame.loc[i].tolist() if not pd.isna(v) and str(v).strip()]
        if _is_footer(cells, ref):
            out[i] = "footer"
        elif _is_note(cells, ref):
            out[i] = "note"
    return out
