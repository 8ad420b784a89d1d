"""Number rules of official documents: exact money in fen, rates rounded half up."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")


def half_up(value, places: int = 2) -> float:
    """Round half up (四舍五入) to ``places`` decimals; returns a float for JSON."""
    q = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP))


def rate_pct(numerator, denominator) -> float | None:
    """Percentage numerator / denominator × 100, half up to two decimals; None when undefined."""
    if not denominator:
        return None
    return float((Decimal(int(numerator)) * 100 / Decimal(int(denominator))).quantize(TWO, rounding=ROUND_HALF_UP))


def ratio_pct(numerator: Decimal | int, denominator: Decimal | int) -> float | None:
    """Like :func:`rate_pct` for exact non-integer amounts (Decimal)."""
    if not denominator:
        return None
    return float((Decimal(numerator) * 100 / Decimal(denominator)).quantize(TWO, rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int | None) -> float | None:
    return None if fen is None else float(Decimal(int(fen)) / 100)


def fen_to_wan(fen: int | None, places: int = 2) -> float | None:
    """分 → 万元, half up to ``places`` decimals."""
    if fen is None:
        return None
    q = Decimal(1).scaleb(-places)
    return float((Decimal(int(fen)) / 1_000_000).quantize(q, rounding=ROUND_HALF_UP))


def per_capita_yuan(total_fen: int, people: int) -> Decimal | None:
    """Per-capita amount in 元, exact to the cent (half up)."""
    if not people:
        return None
    return (Decimal(int(total_fen)) / Decimal(int(people)) / 100).quantize(TWO, rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------------------ the one formatter
RATE_UNITS = frozenset({"%", "个百分点"})
SCALED = {"万元": "亿元", "亩": "万亩"}     # amounts written with up to two decimals, trailing zeros dropped


def fmt(value, unit: str = "", *, signed: bool = False, prose: bool = False, separators: bool = True,
        places: int | None = None) -> str:
    """Every number the product shows, in one style: ``73.10%``, ``+2.64个百分点``, ``16,890.43元``,
    ``1,504.5万元``, ``+501.5万元``, ``4,438人``; ``—`` when unknown.

    ``prose``: the style of sentences in official text (the briefing, the summary): 万元 from 1 亿 written in
    亿元 (5亿元, 1.02亿元) and 亩 from 1 万 in 万亩. On pages and in tables amounts stay in their own unit, so
    figures side by side compare. ``separators``: thousands separators (the briefing follows a setting).
    ``places``: the decimals of a count-like unit the catalogue gives a precision (吨, 公里 …); counts are whole."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    d = Decimal(str(value))
    sign = ("+" if d > 0 else "-" if d < 0 else "") if signed else ("-" if d < 0 else "")
    d = abs(d)
    comma = "," if separators else ""
    if signed and unit == "%":
        unit = "个百分点"
    if unit in RATE_UNITS or unit == "元":
        text = f"{d.quantize(TWO, rounding=ROUND_HALF_UP):{comma}.2f}"
    elif unit in SCALED:
        if prose and d >= 10000:
            d, unit = d / 10000, SCALED[unit]
        text = f"{d.quantize(TWO, rounding=ROUND_HALF_UP):{comma}.2f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    elif places:
        text = f"{d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):{comma}.{places}f}"
    else:
        text = f"{int(d.to_integral_value(rounding=ROUND_HALF_UP)):{comma}d}"
    return f"{sign}{text}{unit}"


def column_format(unit: str, whole: bool = False) -> str:
    """The same rules for a table column the browser formats (sprintf): rates ``73.10%``, amounts with two
    decimals and thousands separators, counts as whole numbers with separators."""
    if unit in RATE_UNITS:
        return "%.2f%%"
    return "%,d" if whole else "%,.2f"


def fmt_int(n) -> str:
    return fmt(n)


def fmt_pct(p) -> str:
    return fmt(p, "%")


def fmt_yuan(y) -> str:
    return fmt(y, "元")


def fmt_wan(w) -> str:
    """万元 amount on a page or in a table: 1,504.5万元, 50,000万元 (never switched to 亿元 beside 万元)."""
    return fmt(w, "万元")
