"""Map headers: the header block's columns (one to three levels, merged group labels carried over)
become claims on a layout's fields; every other column is listed as unused, personal or comparison.

A claim is a column that feeds one field, possibly for one group value (城市低保 in a wide assistance
table), one period (``1-4月完成数``) or one member of a repeated group (致贫/返贫风险3). Two columns
claiming the same thing are an error that names both cells; columns the layout does not use never are.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from etl.errors import col_letter
from etl.layouts import Field, Layout, Rules, header_unit, strip_unit
from rural.periods import header_period
from rural.reference import norm_text

MAX_LEVELS = 3
_UNITS = r"(亿元|万元|元|万亩|亩|人次|人|户|个|条|件|名|%|次|项|元/人)"
_UNIT_ONLY = re.compile(rf"^(?:[（(]\s*(?:单位[:：]?)?\s*{_UNITS}\s*[)）]|单位[:：]?\s*{_UNITS})$")


@dataclass(frozen=True)
class Column:
    """One column of a header block: its levels after carrying merged labels over, as written."""

    col: int                    # sheet column index (0-based)
    levels: tuple[str, ...]     # raw texts, top to bottom, units-only levels removed
    cell: str                   # the bottom-most header cell that has text, e.g. "D4"
    unit: str = ""

    @property
    def text(self) -> str:
        return "/".join(self.levels)


@dataclass
class Claim:
    field: Field
    column: Column
    group: str | None = None        # canonical group value (wide layouts)
    period: tuple | None = None     # header period tag (see rural.periods.header_period)
    ordinal: int | None = None      # repeated group member (1 = main)
    constant: str | None = None     # no column: the value the title, sheet or file name gives (农村低保)
    specific: float = 0.0           # how much of the header the match used (to settle two columns for one field)

    @property
    def col(self) -> int:
        return self.column.col

    @property
    def unit(self) -> str:
        return self.column.unit

    @property
    def key(self) -> tuple:
        return self.field.name, self.group, self.period, self.ordinal

    @property
    def name(self) -> str:
        """The column name in the normalized frame: field, then @group, #period, ~ordinal."""
        s = self.field.name
        if self.group:
            s += f"@{self.group}"
        if self.period:
            s += "#" + ":".join(map(str, self.period))
        if self.ordinal:
            s += f"~{self.ordinal}"
        return s


@dataclass
class Mapping:
    layout: Layout
    header_rows: list[int]                                   # frame row positions of the header block
    claims: list[Claim]
    unused: list[Column] = field(default_factory=list)       # columns the layout does not need
    personal: list[Column] = field(default_factory=list)     # personal columns: never read, stored or shown
    comparison: list[Column] = field(default_factory=list)   # 上年同期, 同比 …: not loaded
    conflicts: list[tuple[Claim, Claim]] = field(default_factory=list)
    forced: bool = False                                     # from a clerk's saved mapping or --map
    open_items: bool = False                                 # its group columns may all be unknown (see Layout.open_words)
    columns: list[Column] = field(default_factory=list)      # every column of the header block

    def claimed(self, name: str) -> list[Claim]:
        return [c for c in self.claims if c.field.name == name]

    def has(self, name: str) -> bool:
        return any(c.field.name == name for c in self.claims)

    def missing(self) -> list[str]:
        """Required fields (and any-of groups) no column claims."""
        lay = self.layout
        names = {c.field.name for c in self.claims}
        grouped = any(c.group for c in self.claims)
        out = []
        for f in lay.required():
            if f.name in names:
                continue
            if lay.group and (grouped or self.open_items) and (f.name == lay.group.key or f.name in lay.group.measures):
                continue
            out.append(f.name)
        for group in lay.any_of:
            if not set(group) & names:
                out.append("或".join(group) if len(group) <= 3 else f"{group[0]}等任一项")
        return out

    @property
    def satisfied(self) -> bool:
        return not self.missing()

    def score(self) -> float:
        """How well the layout explains the header: required fields count most; more fields, better."""
        s = 0.0
        for c in self.claims:
            if c.constant is not None:       # a value from the title satisfies, it does not explain a column
                s += 0.5
            elif c.field.type == "seq" or c.field.name == "县":
                s += 0.25
            else:
                s += 3.0 if c.field.required else 1.0
        return s - 2.0 * len(self.conflicts)

    def read_columns(self, need_key: bool) -> list[int]:
        """Sheet columns to read: every claim, except the personal key unless it is needed."""
        return sorted({c.col for c in self.claims if c.col >= 0 and (not c.field.personal or need_key)})

    def from_context(self, text: str) -> bool:
        """Fill missing ``from_title`` fields from ``text`` (titles, sheet name, file name); True if any was."""
        added = False
        for name in self.missing():
            f = self.layout.field(name) if self.layout.has(name) else None
            if f is None or not f.from_title:
                continue
            value = _find_value(f, text)
            if value is not None:
                self.claims.append(Claim(f, Column(-1, (f"（{value}，见标题）",), "标题"), constant=value))
                added = True
        return added


# ---------------------------------------------------------------------------------- header paths
_ROWS: dict[int, tuple] = {}      # id(frame) → (weak reference, {row: cells}): a frame's rows as text, once
_BLOCK = 64


def _cells(frame: pd.DataFrame, r: int) -> list[str | None]:
    """The text of frame row ``r`` (None for empty), read in blocks and remembered: the header search looks
    at the same top rows many times, and one pandas row access costs about a millisecond on a wide sheet."""
    import weakref

    key = id(frame)
    entry = _ROWS.get(key)
    if entry is None or entry[0]() is not frame:
        if len(_ROWS) > 16:
            for k in [k for k, (ref, _) in _ROWS.items() if ref() is None] or list(_ROWS)[:8]:
                _ROWS.pop(k, None)
        entry = (weakref.ref(frame), {})
        _ROWS[key] = entry
    rows = entry[1]
    if r not in rows:
        start = r // _BLOCK * _BLOCK
        block = frame.iloc[start:start + _BLOCK].to_numpy(dtype=object)
        for j, values in enumerate(block):
            rows[start + j] = [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) or not str(v).strip()
                               else str(v).strip() for v in values]
    return rows[r]


def header_columns(frame: pd.DataFrame, rows: list[int], sheet_cols: list[int], first_row: int) -> list[Column]:
    """Columns of a header block of ``rows`` (1–3 consecutive frame rows), carrying merged labels:
    a blank cell takes the label on its left when a lower level of its column has text."""
    grid = [_cells(frame, r) for r in rows]
    k, n = len(rows), len(grid[0])
    carry: list[str | None] = [None] * k
    out = []
    for c in range(n):
        levels, bottom = [], None
        for lvl in range(k):
            v = grid[lvl][c]
            below = any(grid[d][c] is not None for d in range(lvl + 1, k))
            if v is not None:
                carry[lvl] = v
                for d in range(lvl + 1, k):
                    carry[d] = None
                levels.append(v)
                bottom = lvl
            elif below and carry[lvl] is not None:
                levels.append(carry[lvl])
            elif not below:
                carry[lvl] = None if lvl == k - 1 else carry[lvl]
        if bottom is None and not levels:
            continue
        unit, kept = "", []
        for v in levels:
            m = _UNIT_ONLY.match(unicodedata.normalize("NFKC", v))
            if m:
                unit = unit or m.group(1) or m.group(2)
            elif not kept or kept[-1] != v:
                kept.append(v)
        if not kept:
            continue
        unit = unit or next((u for u in (header_unit(v) for v in reversed(kept)) if u), "")
        r = rows[bottom] if bottom is not None else rows[0]
        out.append(Column(sheet_cols[c], tuple(kept), f"{col_letter(sheet_cols[c])}{first_row + r}", unit))
    return out


# --------------------------------------------------------------------------------------- matching
@dataclass(frozen=True)
class _Split:
    """A column's levels normalized, with the period written in them taken out."""

    keys: tuple[str, ...]
    period: tuple | None
    only_period: bool
    plain: tuple[str, ...] = ()     # the levels normalized with nothing taken out (年度 is a field, not a period)
    current: bool = False           # 本年累计 / 本年 / 本期: the report's own period


@lru_cache(maxsize=65536)
def _split(column: Column) -> _Split:
    keys, period, current = [], None, False
    for v in column.levels:
        text = unicodedata.normalize("NFKC", v)
        inner = re.findall(r"\(([^()]*)\)", text)
        tag, rest = header_period(re.sub(r"\([^()]*\)", "", text))
        for part in inner:   # 完成数（1-4月）
            t2, r2 = header_period(part)
            if t2 is not None and not r2:
                tag = tag or t2
        if tag is not None and tag[0] not in ("annual", "current"):
            period = tag
        current = current or (tag is not None and tag[0] == "current")
        key = strip_unit(norm_text(rest)) if rest else ""
        if key:
            keys.append(key)
    plain = tuple(k for k in (strip_unit(norm_text(v)) for v in column.levels) if k)
    return _Split(tuple(keys), period, not keys, plain, current)


def _lookup(lay: Layout, keys: tuple[str, ...]) -> Field | None:
    found = _lookup_spec(lay, keys)
    return found[0] if found else None


def _lookup_spec(lay: Layout, keys: tuple[str, ...]) -> tuple[Field, float] | None:
    """The field a header path names, and how specific the match is: the levels it used, plus a half when
    the levels it left out are themselves this layout's words (城镇公益性岗位 above 岗位补贴)."""
    idx = lay.by_variant()
    for start in range(len(keys)):           # the whole path first, then shorter suffixes
        f = idx.get(keys[start:])
        if f is not None:
            dropped = keys[:start]
            bonus = 0.5 if dropped and all((k,) in idx for k in dropped) else 0
            return f, len(keys) - start + bonus
    if len(keys) >= 2:                        # 城镇新增就业 + 目标任务 written as one
        f = idx.get(("".join(keys[-2:]),))
        if f is not None:
            return f, 2.0
    return None


def _group(lay: Layout, keys: tuple[str, ...]) -> tuple[str, Field] | None:
    """(group value, measure field) for a wide column: [城市低保, 人次] or one level 城市低保人次."""
    if lay.group is None:
        return None
    key_field = lay.field(lay.group.key)
    if key_field.vocab == "indicators":       # the indicator catalogue: read as it is now (it may have changed)
        voc = key_field.vocabulary()
    else:
        if "group_vocab" not in lay._index:
            lay._index["group_vocab"] = key_field.vocabulary()
        voc = lay._index["group_vocab"]
    measures = {m: lay.field(m) for m in lay.group.measures}
    for i, k in enumerate(keys):
        g = voc.lookup(k) if voc else None
        if g is None:
            continue
        rest = keys[i + 1:]
        if not rest:     # the group's name alone (a period under it taken out): its value column, when it has one
            pv = next((lay.field(m) for m in lay.group.measures if lay.field(m).period_value), None)
            if pv is not None and i == len(keys) - 1 and len(keys) == 1:
                return g, pv
            continue
        f = _lookup(lay, rest)
        if f is not None and f.name in measures:
            return g, f
    last = keys[-1] if keys else ""
    for form, canonical in (voc.forms.items() if voc else ()):
        if len(form) >= 2 and last.startswith(form) and len(last) > len(form):
            f = _lookup(lay, (last[len(form):].lstrip("/"),))
            if f is not None and f.name in measures:
                return canonical, f
    return None


def _repeat(lay: Layout, keys: tuple[str, ...]) -> tuple[Field, int] | None:
    if not keys:
        return None
    for rx, f in lay.repeats():
        m = rx.match(keys[-1])
        if m:
            return f, int(m.group(1))
    return None


def map_columns(columns: list[Column], lay: Layout, rules: Rules, header_rows: list[int],
                overrides: dict[str, str] | None = None) -> Mapping:
    """Claims of ``lay`` on the header columns; ``overrides`` maps a header text (any level or the path,
    normalized) to a field name (a clerk's mapping)."""
    m = Mapping(lay, list(header_rows), [], columns=list(columns))
    seen: dict[tuple, Claim] = {}
    over = {norm_text(k): v for k, v in (overrides or {}).items()}
    for col in columns:
        sp = _split(col)
        claim = None
        forced = over.get(norm_text(col.text)) or over.get(norm_text(col.levels[-1]))
        if forced:
            if forced in ("", "-", "忽略"):
                m.unused.append(col)
                continue
            claim = Claim(lay.field(forced), col, period=sp.period)
        elif any(rules.is_comparison(v) for v in col.levels):
            m.comparison.append(col)
            continue
        elif sp.only_period and lay.by_variant().get(sp.plain) is None:
            pv = next((f for f in lay.fields if f.period_value), None)
            if pv is not None and (sp.period is not None or sp.current):
                claim = Claim(pv, col, period=sp.period)
        elif (grp := _group(lay, sp.keys)) is not None:
            claim = Claim(grp[1], col, group=grp[0], period=sp.period)
        elif sp.plain != sp.keys and (f := lay.by_variant().get(sp.plain)) is not None:
            claim = Claim(f, col, specific=len(sp.plain))
        elif (found := _lookup_spec(lay, sp.keys)) is not None:
            claim = Claim(found[0], col, period=sp.period, specific=found[1])
        elif (rep := _repeat(lay, sp.keys)) is not None:
            claim = Claim(rep[0], col, period=sp.period, ordinal=rep[1])
        if claim is None:
            (m.personal if rules.is_personal(col.text) else m.unused).append(col)
            continue
        if claim.field.type != "personal_key" and rules.is_personal(col.text):
            m.personal.append(col)      # never a field, a clerk's mapping or not (rules.toml personal_patterns)
            continue
        if claim.field.repeat and claim.ordinal is None:
            claim.ordinal = 1
        if claim.key in seen:
            old = seen[claim.key]
            if claim.specific == old.specific:
                m.conflicts.append((old, claim))
            elif claim.specific > old.specific:      # the other column only shares a last word (岗位数)
                m.claims[m.claims.index(old)] = claim
                seen[claim.key] = claim
                m.unused.append(old.column)
            else:
                m.unused.append(col)
            continue
        seen[claim.key] = claim
        m.claims.append(claim)
    return m


def _find_value(f: Field, text: str) -> str | None:
    """The vocabulary value a title names (the longest written form found in it)."""
    voc = f.vocabulary()
    if voc is None:
        return None
    t = norm_text(text)
    best = None
    for form, canonical in voc.forms.items():
        if len(form) >= 2 and form in t and (best is None or len(form) > len(best[0])):
            best = (form, canonical)
    return best[1] if best else None


def excluded(columns: list[Column], lay: Layout) -> bool:
    """A header that rules this layout out (人编号 rules out the household-level roster)."""
    if not lay.excludes:
        return False
    return any(norm_text(c.levels[-1]) in lay.excludes for c in columns)
