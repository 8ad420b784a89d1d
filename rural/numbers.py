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


def fmt_int(n) -> str:
    return "—" if n is None else f"{int(n):,}"


def fmt_pct(p) -> str:
    return "—" if p is None else f"{p:.2f}%"


def fmt_yuan(y) -> str:
    return "—" if y is None else f"{y:,.2f}元"


def scaled_text(value, small: str, big: str, separators: bool = True) -> str:
    """An amount in ``small`` units (万元, 亩), switched to ``big`` (亿元, 万亩) from 10,000; two decimals at
    most, trailing zeros dropped: 203.5万元, 8,662万元, 5亿元, 1.02亿元, 1.2万亩."""
    if value is None:
        return "—"
    d, unit = Decimal(str(value)), small
    if abs(d) >= 10000:
        d, unit = d / 10000, big
    text = f"{d.quantize(TWO, rounding=ROUND_HALF_UP):{',' if separators else ''}.2f}"
    return text.rstrip("0").rstrip(".") + unit


def fmt_wan(w) -> str:
    """万元 amount with thousands separators; 亿元 when ≥ 1 亿 (headline text)."""
    return scaled_text(w, "万元", "亿元")
