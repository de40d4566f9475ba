"""Number and date formatting for Chinese official paperwork.

The one rounding rule of the project
------------------------------------
Every share or percentage shown anywhere (statistics, work summaries, result notices, checks of
typed figures) goes through `ratio` / `percent` here and is rounded **half up** (四舍五入,
`decimal.ROUND_HALF_UP`) to a fixed number of places, 2 unless a caller asks otherwise:
9700/12670 = 76.5627…% → "76.56%"; 1/8 = 12.5% → "12.5%" at one place, 0.125 → "0.13" at two.
The rounding is exact: the quotient is never a float and never a 28-digit decimal
approximation, so a value exactly half-way always rounds up (away from zero for negatives).

Dates follow GB/T 9704-2012 practice: Arabic numerals without zero padding ("2026年3月18日");
`chinese_date_upper` gives the older all-Chinese form ("二〇二六年三月十八日") for documents
that want it. 文号 use the hexagonal brackets 〔〕 ("阳选委〔2026〕3号").
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from numbers import Rational

__all__ = [
    "Decimal",
    "DASH",
    "ratio",
    "percent",
    "chinese_date",
    "chinese_date_upper",
    "doc_number",
    "chinese_numeral",
    "year_month",
]

DASH = "—"  # shown where a share cannot be computed (denominator 0 or unknown)

_DIGITS = "零一二三四五六七八九"
_UPPER_YEAR_DIGITS = "〇一二三四五六七八九"


def _exact(value: int | Rational | Decimal) -> Fraction:
    if isinstance(value, bool):
        raise TypeError("a count cannot be a boolean")
    return Fraction(value)


def ratio(numerator: int | Rational | Decimal, denominator: int | Rational | Decimal, places: int = 2) -> Decimal:
    """numerator / denominator rounded half up to `places` decimals, exactly.

    Raises ZeroDivisionError when the denominator is 0.
    """
    if places < 0:
        raise ValueError("places must be >= 0")
    value = _exact(numerator) / _exact(denominator)  # ZeroDivisionError on 0
    negative = value < 0
    value = abs(value)
    # Truncate to places + 1 digits exactly: HALF_UP only needs to know whether the discarded
    # part is >= 0.5, which the first discarded digit decides (>= 5) on its own.
    scaled = value.numerator * 10 ** (places + 1) // value.denominator
    truncated = Decimal(scaled).scaleb(-(places + 1))
    if negative:
        truncated = -truncated
    return truncated.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(
    numerator: int | Rational | Decimal | None, denominator: int | Rational | Decimal | None, places: int = 2
) -> str:
    """ "76.56%" for 9700/12670; "—" when the denominator is 0 or either number is unknown."""
    if numerator is None or denominator is None or _exact(denominator) == 0:
        return DASH
    return f"{ratio(_exact(numerator) * 100, denominator, places)}%"


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    raise TypeError(f"not a date: {value!r}")


def chinese_date(value: dt.date | str) -> str:
    """2026-03-18 → "2026年3月18日" (no zero padding)."""
    day = _as_date(value)
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_date_upper(value: dt.date | str) -> str:
    """2026-03-18 → "二〇二六年三月十八日" (year digit by digit with 〇, month and day as numerals)."""
    day = _as_date(value)
    year = "".join(_UPPER_YEAR_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{chinese_numeral(day.month)}月{chinese_numeral(day.day)}日"


def doc_number(prefix: str, year: int, n: int) -> str:
    """("阳选委", 2026, 3) → "阳选委〔2026〕3号"."""
    return f"{prefix}〔{year}〕{n}号"


def chinese_numeral(n: int) -> str:
    """0–9999 in Chinese numerals: 10 → "十", 21 → "二十一", 105 → "一百零五", 1001 → "一千零一".

    Numbers from 10 to 19 drop the leading 一 ("十二"); inside larger numbers the 一 stays
    ("一百一十"). One 零 stands for any run of missing places between non-zero digits.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"not an integer: {n!r}")
    if not 0 <= n <= 9999:
        raise ValueError(f"only 0–9999 are supported, got {n}")
    if n == 0:
        return _DIGITS[0]
    units = ["千", "百", "十", ""]
    digits = [int(d) for d in f"{n:04d}"]
    out: list[str] = []
    pending_zero = False
    for digit, unit in zip(digits, units, strict=False):
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append(_DIGITS[0])
            pending_zero = False
        out.append(_DIGITS[digit] + unit)
    text = "".join(out)
    if 10 <= n <= 19:
        text = text[1:]  # 一十二 → 十二
    return text


def year_month(value: str) -> str:
    """ "1972-05" → "1972年5月"."""
    year, month = str(value).strip().split("-")[:2]
    year_n, month_n = int(year), int(month)
    if not 1 <= month_n <= 12:
        raise ValueError(f"not a month: {value!r}")
    return f"{year_n}年{month_n}月"
