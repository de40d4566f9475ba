"""The header row of a sheet and what its columns mean: the column names people use, mapped to record fields."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..errors import HuanjieError

__all__ = ["WHAT", "FIELDS", "REQUIRED", "Header", "UnmappedSheet", "find_header", "header_key", "column_letter"]

# What can be imported, as the user names it (--what) and in Chinese.
WHAT = {"voters": "选民名单", "candidates": "候选人名单", "votes": "得票", "proxies": "委托投票"}

# Per part: record field -> the column names that mean it (compared after `header_key`), the usual one first.
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "voters": {
        "name": ("姓名", "选民姓名", "名字", "选民"),
        "sex": ("性别",),
        "birth": ("出生日期", "出生年月", "出生年月日", "生日", "出生时间"),
        "id_number": ("身份证号", "公民身份号码", "身份证号码", "身份号码", "身份证", "证件号码", "身份证件号码"),
        "group": ("小组", "村民小组", "居民小组", "组别", "楼栋", "所在小组", "选民小组", "组", "党小组", "楼栋号"),
        "address": ("住址", "地址", "家庭住址", "居住地址", "现住址", "户籍地址", "现居住地址"),
        "household": ("户号", "户编号", "户籍编号"),
    },
    "candidates": {
        "name": ("姓名", "候选人", "候选人姓名"),
        "post": ("职位", "参选职位", "拟任职位", "竞选职位", "拟任职务", "职务"),
        "gender": ("性别",),
        "birth": ("出生年月", "出生日期", "出生年月日"),
        "ethnicity": ("民族",),
        "education": ("文化程度", "学历"),
        "politics": ("政治面貌",),
        "nominated_by": ("推荐方式", "提名方式", "推荐单位", "提名"),
        "incumbent": ("现任", "是否现任", "是否连任", "连任"),
        "workplace": ("工作单位及职务", "工作单位"),
    },
    "votes": {
        "post": ("职位", "职务", "参选职位"),
        "name": ("姓名", "候选人", "候选人姓名"),
        "votes": ("得票", "得票数", "票数", "得票数（票）"),
    },
    "proxies": {
        "holder": ("受委托人", "受托人", "受委托人姓名"),
        "principals": ("委托人", "委托人姓名"),
        "relation": ("关系", "与委托人关系"),
    },
}
REQUIRED = {
    "voters": ("name",),
    "candidates": ("name", "post"),
    "votes": ("post", "name", "votes"),
    "proxies": ("holder", "principals"),
}
TITLES = {
    "name": "姓名",
    "sex": "性别",
    "gender": "性别",
    "birth": "出生日期",
    "id_number": "身份证号",
    "group": "小组",
    "address": "住址",
    "household": "户号",
    "post": "职位",
    "ethnicity": "民族",
    "education": "文化程度",
    "politics": "政治面貌",
    "nominated_by": "推荐方式",
    "incumbent": "是否现任",
    "workplace": "工作单位及职务",
    "votes": "得票",
    "holder": "受委托人",
    "principals": "委托人",
    "relation": "与委托人关系",
}
SCAN_ROWS = 20


class UnmappedSheet(HuanjieError):
    """No row of any sheet looks like the header the part needs."""


@dataclass(frozen=True)
class Header:
    """The header row of a sheet: its 0-based index, field -> column index, and the columns left out."""

    row: int
    columns: dict[str, int]
    headers: dict[int, str]
    ignored: list[tuple[int, str]] = field(default_factory=list)


def header_key(cell: Any) -> str:
    """A header cell as compared: NFKC, spaces, marks (*, ：) and a trailing （必填） or (选填) removed."""
    text = unicodedata.normalize("NFKC", str(cell or ""))
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"[(（][^()（）]*[)）]$", "", text) if not text.startswith(("(", "（")) else text
    return text.strip("*＊:：")


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _aliases(what: str) -> dict[str, str]:
    return {alias: name for name, names in FIELDS[what].items() for alias in names}


def _match(row: list[Any], what: str) -> Header:
    aliases = _aliases(what)
    columns: dict[str, int] = {}
    headers: dict[int, str] = {}
    ignored: list[tuple[int, str]] = []
    for index, cell in enumerate(row):
        if cell is None or not str(cell).strip():
            continue
        shown = str(cell).strip()
        headers[index] = shown
        name = aliases.get(header_key(cell))
        if name is not None and name not in columns:
            columns[name] = index
        else:
            ignored.append((index, shown))
    return Header(0, columns, headers, ignored)


def find_header(sheets: list[tuple[str, list[list[Any]]]], what: str, file: str) -> tuple[str, list[list[Any]], Header]:
    """(sheet name, rows, header) of the first sheet with a row naming the part's required columns."""
    required = REQUIRED[what]
    best: tuple[int, str, int, Header] | None = None
    for name, rows in sheets:
        for index, row in enumerate(rows[:SCAN_ROWS]):
            found = _match(row, what)
            if all(key in found.columns for key in required):
                return name, rows, Header(index, found.columns, found.headers, found.ignored)
            score = len(found.columns) * 100 + len(found.headers)
            if found.headers and (best is None or score > best[0]):
                best = (score, name, index, found)
    raise UnmappedSheet(_unmapped_message(file, what, best))


def _unmapped_message(file: str, what: str, best: tuple[int, str, int, Header] | None) -> str:
    expected = "、".join(FIELDS[what][key][0] for key in REQUIRED[what])
    optional = "、".join("/".join(names[:3]) for key, names in FIELDS[what].items() if key not in REQUIRED[what])
    if best is None:
        return f"表格 {file} 中没有内容，无法导入{WHAT[what]}。请确认选对了文件，第一行写列名（如 {expected}）。"
    _, sheet, index, header = best
    found = "、".join(f"“{text}”" for text in header.headers.values())
    missing = "、".join(FIELDS[what][key][0] for key in REQUIRED[what] if key not in header.columns)
    optional = f"；可选的列：{optional}" if optional else ""
    return (
        f"表格 {file} 中找不到{WHAT[what]}的表头：最像表头的是工作表“{sheet}”第 {index + 1} 行，其中的列名为 {found}，"
        f"缺少“{missing}”列。导入{WHAT[what]}必须有的列：{expected}{optional}。"
        f"请把列名改成上面的写法（或用 --sheet 指定工作表）后再导入。"
    )
