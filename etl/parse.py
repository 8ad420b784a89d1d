"""Cell parsers: text, integers, exact fixed-point amounts with units, percentages, dates, yes/no, periods.

Each parser takes one cleaned string and returns a value or raises ``ValueError`` with a Chinese
reason. :func:`parse_series` applies one to the distinct values of a column only, so a million
rows with a few thousand distinct values cost a few thousand calls.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd

MONEY_UNITS = {"元": 0, "万元": 4, "亿元": 8}
AREA_UNITS = {"亩": 0, "万亩": 4}
COUNT_UNITS = ("人次", "人", "户", "个", "条", "件", "名", "次", "项", "家", "套")
_NUM = re.compile(r"^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$")
_UNIT_SUFFIX = re.compile(r"^(.*?)(亿元|万元|元|万亩|亩|%|" + "|".join(COUNT_UNITS) + r")$")


def clean(value: str) -> str:
    """NFKC (full-width digits and brackets to half-width), no surrounding or inner spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def split_unit(text: str) -> tuple[str, str]:
    """``'1.02亿元'`` → ``('1.02', '亿元')``; ``'53.30%'`` → ``('53.30', '%')``."""
    t = clean(text).replace(",", "").replace("¥", "")
    m = _UNIT_SUFFIX.match(t)
    return (m.group(1), m.group(2)) if m else (t, "")


def to_scaled(number: str, exp: int) -> int:
    """Exact decimal string × 10**exp as an integer, rounding half up beyond that."""
    m = _NUM.match(number)
    if not m:
        raise ValueError("不是数字")
    sign, whole, frac, e = m.group(1), m.group(2), m.group(3) or "", int(m.group(4) or 0)
    d = Decimal(f"{whole}.{frac or '0'}").scaleb(exp + e)
    n = int(d.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return -n if sign == "-" else n


def parse_int(text: str) -> int:
    num, unit = split_unit(text)
    if unit and unit not in COUNT_UNITS:
        raise ValueError(f"应为整数，却带有单位“{unit}”")
    try:
        d = Decimal(num)
    except InvalidOperation:
        raise ValueError("不是数字") from None
    if d != d.to_integral_value():
        raise ValueError("应为整数")
    return int(d)


def fixed_parser(units: dict[str, int], default_unit: str, scale: int):
    """Parser of amounts to integer units of 10**-scale of the base unit (fen: scale 2 of 元)."""

    def parse(text: str) -> int:
        num, unit = split_unit(text)
        if unit and unit not in units:
            raise ValueError(f"单位“{unit}”不适用于此列（可用：{'、'.join(units)}）")
        return to_scaled(num, units[unit or default_unit] + scale)

    parse.fast_exp = units[default_unit] + scale   # plain decimals: see parse_series
    return parse


def parse_pct(text: str) -> float:
    """``'53.30%'`` → 53.3; a bare fraction ``0.533`` → 53.3; ``'53.3'`` → 53.3."""
    num, unit = split_unit(text)
    try:
        d = Decimal(num)
    except InvalidOperation:
        raise ValueError("不是百分数") from None
    if unit == "%" or d > Decimal("1.5"):
        return float(d)
    return float(d * 100)


_YES = {"是", "已消除", "y", "yes", "true", "1", "√", "已", "已纳入"}
_NO = {"否", "未消除", "n", "no", "false", "0", "×", "未", "未纳入", ""}


def parse_bool(text: str) -> bool:
    t = clean(text).lower()
    if t in _YES:
        return True
    if t in _NO:
        return False
    raise ValueError("应填“是”或“否”")


_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})[-/.年](\d{1,2})月?()$"),
    re.compile(r"^(\d{4})(\d{2})()$"),
)


def parse_date(text: str) -> date:
    t = re.split(r"[\sT]+", unicodedata.normalize("NFKC", str(text)).strip(), maxsplit=1)[0]   # 2023/6/1 10:30
    t = clean(t)
    for rx in _DATE_PATTERNS:
        m = rx.match(t)
        if m:
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
            try:
                return date(y, mo, d)
            except ValueError:
                raise ValueError("不是有效日期") from None
    if re.fullmatch(r"\d{4,5}(?:\.0+)?", t):
        n = int(float(t))
        if 3000 <= n <= 80000:
            return _EXCEL_EPOCH + timedelta(days=n)
    raise ValueError("不是可识别的日期（可用：2021-06-15、2021/6/15、202106、Excel 日期）")


def parse_text(text: str) -> str:
    t = clean(text)
    if re.fullmatch(r"\d+\.0", t):  # an identifier that went through a float
        t = t[:-2]
    return t


def clean_series(series: pd.Series) -> pd.Series:
    """:func:`parse_text` for a whole column at once (Arrow compute, no Python per cell)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(series.astype("string[pyarrow]").array)
    if not pc.all(pc.string_is_ascii(arr)).as_py():       # ASCII needs no NFKC (IDs, codes: most big columns)
        arr = pc.utf8_normalize(arr, "NFKC")
    if pc.any(pc.match_substring_regex(arr, r"\s")).as_py():
        arr = pc.replace_substring_regex(arr, r"\s+", "")
    if pc.any(pc.match_substring_regex(arr, r"^\d+\.0$")).as_py():
        arr = pc.replace_substring_regex(arr, r"^(\d+)\.0$", r"\1")
    arr = pc.if_else(pc.equal(pc.utf8_length(arr), 0), pa.scalar(None, pa.string()), arr)
    return pd.Series(pd.arrays.ArrowStringArray(arr), index=series.index)


def _plain_decimals(uniques, exp: int):
    """Which values are plain ASCII decimals with at most ``exp`` decimals, and their exact value × 10**exp
    (the same integers :func:`to_scaled` gives, without a Python call per value)."""
    import numpy as np

    u = pd.Series(uniques, dtype="string[pyarrow]")
    ok = u.str.fullmatch(r"\d{1,13}(?:\.\d{0,%d})?" % exp).fillna(False).to_numpy(dtype=bool)
    parts = u[ok].str.partition(".")
    whole = parts[0].astype("int64").to_numpy()
    frac = parts[2].str.pad(exp, side="right", fillchar="0") if exp else parts[2]
    frac = frac.where(frac.str.len() > 0, "0").astype("int64").to_numpy() if exp else np.zeros(len(whole), dtype=np.int64)
    return ok, (whole * 10 ** exp + frac).astype(object)


def parse_series(series: pd.Series, fn, empty=frozenset()) -> tuple[pd.Series, pd.Series]:
    """Apply ``fn`` to the distinct non-empty values; returns (values, error text per row or NA). Values in
    ``empty`` (``—``, ``/`` … in a number column) are empty cells."""
    import numpy as np

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if empty and len(uniques):
        blank = np.array([str(u).strip() in empty for u in uniques] + [True])
        if blank[:-1].any():
            codes = np.where(blank[codes], -1, codes)
    values = np.empty(len(uniques) + 1, dtype=object)
    errors = np.empty(len(uniques) + 1, dtype=object)
    todo = np.arange(len(uniques))
    exp = getattr(fn, "fast_exp", None)
    if exp is not None and len(uniques) > 512:    # many distinct plain amounts (12604.03): exact, vectorized
        done, ints = _plain_decimals(uniques, exp)
        values[:-1][done] = ints
        todo = todo[~done]
    for k in todo:
        u = uniques[k]
        try:
            values[k] = fn(u)
        except ValueError as exc:
            errors[k] = str(exc)
    # code -1 (empty cell) picks the last slot, which stays None
    return (pd.Series(values[codes], index=series.index, dtype=object),
            pd.Series(errors[codes], index=series.index, dtype=object))


# Periods are parsed in the shared core (rural.periods); re-exported for the loader.
from rural.periods import find_period, parse_period_arg  # noqa: E402,F401
