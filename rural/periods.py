"""Period codes: ``2023-04`` (month / year to date), ``2022`` (year), ``2023H1`` (half), ``2023Q1``."""
from __future__ import annotations

import re
from datetime import date

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})H([12])$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def kind_of(period: str) -> str:
    for name, rx in (("month", _MONTH), ("year", _YEAR), ("half", _HALF), ("quarter", _QUARTER)):
        if rx.match(period):
            return name
    raise ValueError(f"无法识别的统计期：{period}")


def end_month(period: str) -> str:
    """The month a period ends in, ``YYYY-MM``; periods compare by it."""
    k = kind_of(period)
    if k == "month":
        return period
    y = int(period[:4])
    if k == "year":
        return f"{y}-12"
    n = int(period[-1])
    return f"{y}-{(6 * n if k == 'half' else 3 * n):02d}"


def end_date(period: str) -> date:
    y, m = map(int, end_month(period).split("-"))
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def year_of(period: str) -> int:
    return int(period[:4])


def previous_year(period: str) -> str:
    """The same period one year earlier."""
    return str(int(period[:4]) - 1) + period[4:]


def shift_months(month: str, months: int) -> str:
    y, m = map(int, month.split("-"))
    idx = y * 12 + (m - 1) + months
    return f"{idx // 12}-{idx % 12 + 1:02d}"


def label(period: str, ytd: bool = False) -> str:
    """Chinese label: 2023年1-4月 (ytd), 2023年4月, 2022年度, 2023年上半年, 2023年第一季度."""
    k = kind_of(period)
    y = period[:4]
    if k == "month":
        m = int(period[5:])
        return f"{y}年1-{m}月" if ytd and m > 1 else f"{y}年{m}月"
    if k == "year":
        return f"{y}年度"
    if k == "half":
        return f"{y}年{'上' if period.endswith('1') else '下'}半年"
    return f"{y}年第{'一二三四'[int(period[-1]) - 1]}季度"


def time_progress_pct(period: str) -> float:
    """Months elapsed in the year / 12, as a percentage rounded half up."""
    from rural.numbers import rate_pct

    return rate_pct(int(end_month(period)[5:]), 12)
