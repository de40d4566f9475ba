"""Test data for the browser tests: a roll workbook with valid GB 11643 numbers, and page helpers."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import urllib.request
from pathlib import Path

import openpyxl

from pipeline.idnumber import check_digit, problem

HEADER = ["姓名", "性别", "出生日期", "身份证号", "小组", "住址"]
GROUPS = ("第一居民小组", "第二居民小组", "第三居民小组", "第四居民小组", "第五居民小组")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英志强桂兰海燕明华丽娟卫东晓梅红霞"


def voter(n: int) -> list[str]:
    """Row n of the roll: a distinct person born 1940–1998 whose 身份证号 agrees with sex and birth date."""
    born = dt.date(1940, 1, 1) + dt.timedelta(days=n * 13 % 21000)
    male = n % 2 == 1
    serial = f"{n % 100:02d}{(n // 100) % 5 * 2 + (1 if male else 0)}"
    first = "430102" + born.strftime("%Y%m%d") + serial
    number = first + check_digit(first)
    assert problem(number) is None, number
    name = SURNAMES[n % len(SURNAMES)] + GIVEN[n // len(SURNAMES) % len(GIVEN)] + f"{n:04d}"
    return [name, "男" if male else "女", born.isoformat(), number, GROUPS[n % len(GROUPS)], f"阳光路{n // 4 + 1}号"]


def roll_workbook(path: Path, voters: int) -> Path:
    """An .xlsx roll as a committee keeps it: one header row, then one voter a row (身份证号 as text)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "选民名单"
    sheet.append(HEADER)
    for n in range(voters):
        sheet.append(voter(n))
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        for cell in row:
            cell.number_format = "@"
    book.save(path)
    return path


def fetch(driver, url: str) -> tuple[bytes, str]:
    """GET url with the browser's cookies (a download link), as (body, content type)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(url, headers={"Cookie": cookies} if cookies else {})
    with opener.open(request, timeout=120) as answer:
        return answer.read(), answer.headers.get("Content-Type", "")
