"""Period codes: ``2023-04`` (month / year to date), ``2022`` (year), ``2023H1`` (half), ``2023Q1``."""
from __future__ import annotations

import re
import unicodedata
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


LIBRARY_KINDS = frozenset({"projects", "integrated"})


def effective_month(kind: str, period: str) -> str:
    """The month from which a batch speaks for its period: its end month, except that a year's project
    library or 统筹整合 plan (``2024``) holds for that whole year, from January."""
    if kind in LIBRARY_KINDS and kind_of(period) == "year":
        return f"{period}-01"
    return end_month(period)


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


# Kinds whose figures are year to date (labelled 2023年1-4月) and kinds that are snapshots (截至2023年6月).
YTD_KINDS = frozenset({"employment", "welfare_posts", "assistance", "work", "industry"})
SNAPSHOT_KINDS = frozenset({"monitoring", "platform", "projects", "integrated", "indicators"})


def kind_label(kind: str, period: str) -> str:
    """截至2023年6月 for snapshots, 2023年1-4月 for year-to-date figures, 2022年度 for years."""
    text = label(period, ytd=kind in YTD_KINDS)
    return f"截至{text}" if kind in SNAPSHOT_KINDS and kind_of(period) == "month" else text


# Parsing periods from titles, file names and options ------------------------------------------
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_P_YTD = re.compile(r"(\d{4})年?度?\s*1\s*(?:月)?\s*[-—–~至到]\s*(\d{1,2})\s*月")
_P_UPTO = re.compile(r"截[至止]\s*(\d{4})\s*年\s*(\d{1,2})\s*月")
_P_HALF = re.compile(r"(\d{4})\s*年\s*(上|下)半年")
_P_FIRST_QS = re.compile(r"(\d{4})\s*年\s*前([二两])季度")
_P_QUARTER = re.compile(r"(\d{4})\s*年\s*第?([一二三四1-4])季度")
_P_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_P_YEAR = re.compile(r"(\d{4})\s*年度?")
_P_CODE = re.compile(r"(?<!\d)(20\d{2})[-_.]?(0[1-9]|1[0-2])(?!\d)")


_P_RANGE = re.compile(r"(\d{4})\s*年\s*1\s*月\s*1\s*日\s*[-—–~至到]\s*(?:\d{4}\s*年\s*)?(\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?")
_P_REPORTED = re.compile(r"[(（][^()（）]*(?:填报|报送|制表|打印|导出|更新)[^()（）]*[)）]|(?:填报|报送|制表|打印|导出)(?:日期|时间)?[:：]\S*")


def find_period(text: str) -> tuple[str, str] | None:
    """Find a period in a title or file name: (code, form) with form ytd/upto/month/half/quarter/year.
    When the line was made (``（2023年3月填报）``, ``导出时间：…``) is not its period."""
    t = _P_REPORTED.sub("", unicodedata.normalize("NFKC", text))
    if any(not 1 <= int(x) <= 12 for x in re.findall(r"(?<!\d)(\d{1,2})\s*月", t)):
        return None                                                         # 2023年13月 is no period
    if (m := _P_RANGE.search(t)) and 1 <= int(m.group(2)) <= 12:          # 2023年1月1日—4月30日
        return f"{m.group(1)}-{int(m.group(2)):02d}", "ytd"
    if (m := _P_YTD.search(t)) and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{int(m.group(2)):02d}", "ytd"
    if (m := _P_UPTO.search(t)) and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{int(m.group(2)):02d}", "upto"
    if m := _P_HALF.search(t):
        return f"{m.group(1)}H{1 if m.group(2) == '上' else 2}", "half"
    if m := _P_FIRST_QS.search(t):
        return f"{m.group(1)}H1", "half"
    if m := _P_QUARTER.search(t):
        return f"{m.group(1)}Q{_CN_NUM[m.group(2)]}", "quarter"
    if (m := _P_MONTH.search(t)) and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{int(m.group(2)):02d}", "month"
    if m := _P_YEAR.search(t):
        return m.group(1), "year"
    if m := _P_CODE.search(t):
        return f"{m.group(1)}-{m.group(2)}", "month"
    return None


def parse_period_arg(text: str) -> str:
    """A period given by a person (``--period``): ``2023-04``, ``202304``, ``2022``, ``2023H1``, or Chinese."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).upper()
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", t) or re.fullmatch(r"\d{4}", t) or re.fullmatch(r"\d{4}(H[12]|Q[1-4])", t):
        return t
    if re.fullmatch(r"\d{4}(0[1-9]|1[0-2])", t):
        return f"{t[:4]}-{t[4:]}"
    found = find_period(text)
    if found:
        return found[0]
    raise ValueError(f"无法识别的统计期“{text}”（可用：2023-04、2022、2023H1、2023Q1、2023年1-4月）")


# Periods written in a header: 1-4月完成数, 全年目标任务, 截至6月, 2022年人均纯收入 ----------------------------
_H_SEP = r"[-—–~～至到]"
_HEADER_PERIODS = (
    (re.compile(rf"^(\d{{4}})年?度?(?:1|一)月?{_H_SEP}(\d{{1,2}})月(?:份)?(?:累计)?"), "ytd"),
    (re.compile(rf"^(?:1|一)月?{_H_SEP}(\d{{1,2}})月(?:份)?(?:累计)?"), "ytd_m"),
    (re.compile(r"^截[至止](\d{4})年(\d{1,2})月(?:底|末|\d{1,2}日)?"), "upto"),
    (re.compile(r"^截[至止](\d{1,2})月(?:底|末|\d{1,2}日)?"), "upto_m"),
    (re.compile(r"^(\d{4})年(上|下)半年"), "half"),
    (re.compile(r"^(上|下)半年"), "half_m"),
    (re.compile(r"^(\d{4})年第?([一二三四1-4])季度"), "quarter"),
    (re.compile(r"^第?([一二三四1-4])季度"), "quarter_m"),
    (re.compile(r"^(\d{4})年度?"), "year"),
    (re.compile(r"^(?:全年度?|年度|本年度|年初)"), "annual"),
    (re.compile(r"^(?:本年累计|当年累计|今年以来|年初至今|本年|当年|本期)"), "current"),
)


def header_period(text: str) -> tuple[tuple | None, str]:
    """Split a period written at the start of a header level (NFKC, no spaces) from the rest.

    Returns ``(tag, rest)``; tag is ``None`` (no period), ``("annual",)`` / ``("current",)`` (the report's own
    year or period), or ``(form, year or None, n)`` with form ``ytd`` / ``upto`` (month n), ``half`` (n 1-2),
    ``quarter`` (n 1-4), ``year`` (n 0)."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    for rx, form in _HEADER_PERIODS:
        m = rx.match(t)
        if not m:
            continue
        rest = t[m.end():].lstrip("的:：")
        g = m.groups()
        if form in ("annual", "current"):
            return (form,), rest
        if form == "year":
            return ("year", int(g[0]), 0), rest
        if form.endswith("_m"):
            base, year, n = form[:-2], None, g[0]
        else:
            base, year, n = form, int(g[0]), g[1]
        n = {"上": 1, "下": 2}.get(n) or _CN_NUM.get(n) or int(n)
        if base in ("ytd", "upto") and not 1 <= n <= 12:
            return None, t
        return (base, year, n), rest
    return None, t


def tag_code(tag: tuple, year: int) -> str:
    """The period code of a header tag, completing a missing year: (ytd, None, 4) in 2023 → 2023-04."""
    form, y, n = tag
    y = y or year
    if form in ("ytd", "upto"):
        return f"{y}-{n:02d}"
    if form == "half":
        return f"{y}H{n}"
    if form == "quarter":
        return f"{y}Q{n}"
    return str(y)


def tag_text(tag: tuple) -> str:
    form, y, n = tag
    ys = f"{y}年" if y else ""
    return {"ytd": f"{ys}1-{n}月", "upto": f"截至{ys}{n}月", "half": f"{ys}{'上' if n == 1 else '下'}半年",
            "quarter": f"{ys}第{'一二三四'[n - 1]}季度", "year": f"{y}年"}[form]
