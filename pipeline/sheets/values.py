"""Cell values as a record wants them: names without padding, dates as 2026-03-18, ID numbers as text."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from .. import idnumber

__all__ = ["text", "name", "date", "sex", "count", "flag", "identity", "EXCEL_EPOCH"]

EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system (its 1900-02-29 bug included)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_YMD = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?")
_DIGITS = re.compile(r"((?:19|20)\d{2})(\d{2})(\d{2})?")


def text(cell: Any) -> str:
    """A cell as text: None -> "", a whole float without its .0, NFKC, outer spaces removed."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return unicodedata.normalize("NFKC", str(cell)).strip()


def name(cell: Any) -> tuple[str, bool]:
    """(the name, whether it changed): NFKC; a Chinese name loses every space, another keeps single spaces."""
    raw = "" if cell is None else str(cell)
    value = unicodedata.normalize("NFKC", raw).strip()
    value = "".join(value.split()) if _CJK.search(value) else " ".join(value.split())
    return value, value != raw


def _ymd(year: int, month: int, day: int | None, month_only: bool) -> str | None:
    if not 1 <= month <= 12:
        return None
    if day is None or month_only:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _number_date(cell: float | int, month_only: bool) -> tuple[str | None, str]:
    if isinstance(cell, float) and not cell.is_integer():
        # 1975.4 / 1975.04 typed as a number: year.month (Excel keeps 1975.10 as 1975.1)
        year, fraction = str(cell).split(".")
        if not (1900 <= int(year) <= 2099 and len(fraction) <= 2):
            return None, ""
        note = f"“{cell:g}”按 {year} 年 1 月读入，如是 10 月请改正" if fraction == "1" else ""
        return _ymd(int(year), int(fraction), None, True), note
    number = int(cell)
    digits = str(number)
    if len(digits) in (6, 8):
        found = _DIGITS.fullmatch(digits)
        if found:
            day = int(found[3]) if found[3] else None
            return _ymd(int(found[1]), int(found[2]), day, month_only), ""
    if 1 <= number <= 2958465 and len(digits) != 4:
        day_value = EXCEL_EPOCH + dt.timedelta(days=number)
        return (day_value.isoformat()[:7] if month_only else day_value.isoformat()), ""
    return None, ""


def date(cell: Any, month_only: bool = False) -> tuple[str | None, str]:
    """(2026-03-18 or 2026-03, a note) of a date cell: a real date, text such as 1983/7/2, 1983.07 or 1983年7月2日,
    a number 1975.4 (year.month) or 19830702, or an Excel day number. (None, "") when it cannot be read."""
    if cell is None or cell == "":
        return None, ""
    if isinstance(cell, dt.datetime):
        cell = cell.date()
    if isinstance(cell, dt.date):
        return (cell.isoformat()[:7] if month_only else cell.isoformat()), ""
    if isinstance(cell, bool):
        return None, ""
    if isinstance(cell, (int, float)):
        return _number_date(cell, month_only)
    value = text(cell)
    found = _DIGITS.fullmatch(value)
    if found:
        day = int(found[3]) if found[3] else None
        return _ymd(int(found[1]), int(found[2]), day, month_only), ""
    found = _YMD.fullmatch(value)
    if found:
        day = int(found[3]) if found[3] else None
        return _ymd(int(found[1]), int(found[2]), day, month_only), ""
    return None, ""


def sex(cell: Any) -> str | None:
    """男 or 女 (男性, M, 1 … read too); None when the cell says neither."""
    value = text(cell).upper()
    if value in ("男", "男性", "M", "MALE", "1"):
        return "男"
    if value in ("女", "女性", "F", "FEMALE", "2"):
        return "女"
    return None


def count(cell: Any) -> int | None:
    """A whole number of votes: 102, "102", "1,021", "102票"; None when it is not one."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else None
    value = text(cell).replace(",", "").removesuffix("票").strip()
    return int(value) if value.isdigit() else None


def flag(cell: Any) -> bool | None:
    """是/否 (true, 1, √ …) as a boolean; None when the cell is empty or says neither."""
    value = text(cell).lower()
    if value in ("是", "true", "1", "√", "y", "yes", "现任", "连任"):
        return True
    if value in ("否", "false", "0", "n", "no", "×"):
        return False
    return None


def identity(cell: Any) -> tuple[str, bool]:
    """(the ID number as text, whether the sheet held it as a number, whose last digits Excel may have lost)."""
    if isinstance(cell, bool) or cell is None:
        return "", False
    if isinstance(cell, (int, float)):
        value = int(cell) if float(cell).is_integer() else cell
        return str(value), True
    return idnumber.normalise(str(cell)), False
