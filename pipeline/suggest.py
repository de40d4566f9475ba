"""The corrected value for a mistyped field, where one is obvious: dates, months, a 届次, an Excel date serial.

Pure functions from what was typed (as YAML read it) to what to type instead, or None when nothing is obvious. The
schema's messages add them ("请改为 2026-03-18"); nothing here changes a record.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from .formatting import chinese_numeral

__all__ = ["date_text", "month_text", "month_of_number", "excel_date", "term_text", "unit_suffix"]

_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]?\s*\d{1,2}\s*日?)?\s*$")
_WITH_UNIT = re.compile(r"^\s*([0-9]+)\s*(人|户|名|个|张|票|岁)\s*$")
# Excel's day 1 is 1900-01-01 and it counts a 1900-02-29 that never was: serial n is 1899-12-30 + n days.
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _digits(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def date_text(value: str) -> str | None:
    """'2026/3/18', '2026年3月18日', '2026.3.18', '２０２６-3-18' → '2026-03-18'; None if no real date is meant."""
    match = _DATE.match(_digits(value))
    if not match:
        return None
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return day.isoformat()


def month_text(value: str) -> str | None:
    """'1975年4月', '1975-4', '1975/04', '1975-04-12' → '1975-04'; None when no month of a year is meant."""
    match = _MONTH.match(_digits(value))
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    return f"{match[1]}-{int(match[2]):02d}"


def month_of_number(value: float) -> tuple[str, ...]:
    """1975.4 (YAML read '1975.4' as a number) → ('1975-04',); 1975.1 may have been 1975.10 → both; () if neither."""
    text = f"{value:.2f}".rstrip("0")
    match = re.fullmatch(r"(\d{4})\.(\d{1,2})", text)
    if not match:
        return ()
    year, month = match[1], int(match[2])
    found = [f"{year}-{month:02d}"] if 1 <= month <= 12 else []
    if len(match[2]) == 1 and month * 10 <= 12:  # '1975.10' was read as 1975.1
        found.append(f"{year}-{month * 10:02d}")
    return tuple(found)


def excel_date(value: int) -> str | None:
    """46099 (a date cell pasted from Excel as its serial number) → '2026-03-18'; None outside 1954–2119."""
    if not 20000 <= value <= 80000:
        return None
    return (_EXCEL_EPOCH + dt.timedelta(days=value)).isoformat()


def term_text(value: int) -> str | None:
    """12 → '第十二届'."""
    return f"第{chinese_numeral(value)}届" if 0 < value < 1000 else None


def unit_suffix(value: str) -> tuple[str, str] | None:
    """'1486人' → ('1486', '人'): a count typed with its unit."""
    match = _WITH_UNIT.match(_digits(value))
    return (match[1], match[2]) if match else None
