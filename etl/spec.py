"""How a source kind declares its layout: canonical columns, header variants, types, units, groups."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# Types: text, township, village, key, personal, int, money, area, pct, date, bool, raw
NUMERIC_TYPES = ("int", "money", "area")
HEADER_UNITS = ("亿元", "万元", "元/人", "元", "万亩", "亩", "人次", "人", "户", "个", "条", "件", "名", "%", "次", "项")
GLOBAL_IGNORE = ("序号", "编号", "备注", "说明", "联系电话", "电话", "联系方式", "审核意见", "操作")


@lru_cache(maxsize=4096)
def norm_header(text: str) -> tuple[str, str]:
    """Header text → (key, unit): ``'金额（万元）'`` → ``('金额', '万元')``."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lstrip("*★")
    unit = ""
    for inner in re.findall(r"\(([^()]*)\)", t):
        inner_unit = inner.replace("单位:", "").replace("单位", "")
        if inner_unit in HEADER_UNITS:
            unit = inner_unit
    key = re.sub(r"\([^()]*\)", "", t)
    for u in HEADER_UNITS:  # a unit glued to the end: 金额万元
        if not unit and key.endswith(u) and len(key) > len(u) + 1 and u in ("万元", "亿元", "万亩"):
            key, unit = key[: -len(u)], u
    return key.lower(), unit


@dataclass(frozen=True)
class Col:
    name: str
    variants: tuple[str, ...] = ()
    type: str = "text"
    required: bool = True
    vocab: tuple[tuple[str, str], ...] = ()   # (variant, canonical) pairs for category values
    unit: str = ""                          # default unit for money (元) or area (亩)
    personal: bool = False

    def keys(self) -> set[str]:
        return {norm_header(v)[0] for v in (self.name, *self.variants)}

    def vocab_map(self) -> dict[str, str]:
        return {norm_header(a)[0]: b for a, b in self.vocab}


@dataclass(frozen=True)
class Group:
    """A wide layout: ``<group>/<measure>`` columns melted into rows keyed by ``key``."""

    key: str
    values: tuple[tuple[str, str], ...]   # (header variant, canonical value)
    measures: tuple[str, ...]             # canonical column names of the measures

    def value_of(self, header_key: str) -> str | None:
        for variant, canonical in self.values:
            if norm_header(variant)[0] == header_key:
                return canonical
        return None


@dataclass(frozen=True)
class Spec:
    kind: str
    label: str
    columns: tuple[Col, ...]
    group: Group | None = None
    ignore: tuple[str, ...] = ()
    total_col: str = "乡镇"
    periods: str = "month"          # month: snapshot / year to date; income: year, half, quarter
    any_of: tuple[str, ...] = ()    # at least one of these columns must be present
    module: str = ""
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    def by_key(self) -> dict[str, Col]:
        """Normalized header variant → column (computed once per spec)."""
        cached = self.extra.get("_by_key")
        if cached is None:
            cached = self.extra["_by_key"] = {k: c for c in self.columns for k in c.keys()}
        return cached

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)

    def ignore_keys(self) -> set[str]:
        return {norm_header(v)[0] for v in (*GLOBAL_IGNORE, *self.ignore)}

    def expected(self) -> str:
        return "、".join(c.name for c in self.columns)
