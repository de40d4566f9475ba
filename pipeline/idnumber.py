"""公民身份号码 (GB 11643-1999): the check digit, the birth date and sex it holds, and masking for documents.

Ground floor: pure functions of a string. The roll rules (`pipeline.rules.roll`) check numbers with these; a
document that must print a number (the 选民证) prints `mask(number, profile.voter_roll.id_mask)`, never the
number itself, and no posted notice prints one at all.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from operator import mul

__all__ = ["normalise", "check_digit", "problem", "birth_date", "sex", "mask", "age_on"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def normalise(text: str) -> str:
    """The number as compared and stored: NFKC (full-width digits to ASCII), spaces removed, a final x as X."""
    if text.isascii() and text.isalnum():  # the common case, which NFKC and the spaces leave as it is
        return text[:-1] + "X" if text.endswith("x") else text
    value = unicodedata.normalize("NFKC", text)
    value = "".join(value.split())
    return value[:-1] + "X" if value.endswith("x") else value


def check_digit(first17: str) -> str:
    """The 18th character GB 11643 computes from the first 17 digits (ISO 7064 MOD 11-2)."""
    if len(first17) != len(_WEIGHTS):
        raise ValueError(f"check_digit needs 17 digits, got {len(first17)}")
    total = sum(map(mul, map(int, first17), _WEIGHTS))
    return _CHECK[total % 11]


@lru_cache(maxsize=1 << 14)
def birth_date(number: str) -> dt.date | None:
    """The birth date digits 7-14 of an 18-character number hold (None: not a date)."""
    if len(number) != 18 or not number[6:14].isdigit():
        return None
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def sex(number: str) -> str | None:
    """男 or 女 from the 17th digit (odd: 男), or None when the number is not of the right shape."""
    if len(number) != 18 or not number[16].isdigit():
        return None
    return "男" if int(number[16]) % 2 else "女"


@lru_cache(maxsize=1 << 14)
def problem(number: str) -> str | None:
    """What is wrong with a number, as a Chinese clause (None: a well-formed number whose check digit is right).

    Cached: the roll rules ask twice per voter (the number itself, then the birth date it holds).
    """
    if len(number) == 15 and number.isdigit():
        return "是 15 位的旧号码，请改为现行的 18 位公民身份号码"
    if len(number) != 18:
        return f"应为 18 位，实际为 {len(number)} 位"
    if not _SHAPE.fullmatch(number):
        return "前 17 位应为数字，最后一位为数字或 X"
    if birth_date(number) is None:
        return f"第 7 至 14 位“{number[6:14]}”不是存在的出生日期"
    expected = check_digit(number[:17])
    if number[17] != expected:
        return f"校验码（最后一位）应为 {expected}，实际为 {number[17]}，可能有数字录错"
    return None


def mask(number: str, keep: tuple[int, int] = (6, 4)) -> str:
    """The number with all but the first and last characters of `keep` replaced by *: 110101********123X."""
    head, tail = keep
    if head + tail >= len(number):
        return "*" * len(number)
    return number[:head] + "*" * (len(number) - head - tail) + (number[-tail:] if tail else "")


def age_on(born: dt.date, day: dt.date) -> int:
    """Full years of age on `day` (a person born on 29 February comes of age on 1 March in common years)."""
    years = day.year - born.year
    if (day.month, day.day) < (born.month, born.day):
        years -= 1
    return years
