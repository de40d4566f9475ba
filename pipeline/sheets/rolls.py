"""The record's parts from the rows of a sheet: voters by group, candidates, votes, proxies, and what was changed."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from . import values
from .columns import TITLES, WHAT, Header, column_letter

__all__ = ["Part", "build", "DEFAULT_GROUP"]

DEFAULT_GROUP = "全体选民"
_FOOTER = re.compile(r"^(合计|总计|小计|共计|制表|填表|审核|备注|说明)")
_SPLIT = re.compile(r"[、，,；;/\s]+")
_EDUCATION = {
    "本科": "大学本科",
    "大学": "大学本科",
    "专科": "大专",
    "大学专科": "大专",
    "硕士": "研究生",
    "博士": "研究生",
}
_EDUCATION |= {"硕士研究生": "研究生", "博士研究生": "研究生", "高中/中专": "高中", "文盲": "文盲或半文盲"}
_POLITICS = {"党员": "中共党员", "中共": "中共党员", "预备党员": "中共预备党员", "团员": "共青团员", "群众": "群众"}
_POLITICS |= {"民主党派人士": "民主党派", "无党派": "无党派人士"}


@dataclass
class Part:
    """One part of a record read from a sheet, with what the import tells the user about it."""

    what: str
    data: Any
    file: str
    sheet: str
    header_row: int  # 1-based, as the spreadsheet numbers rows
    mapped: list[tuple[str, str, str]] = field(default_factory=list)  # (column letter, header, field title)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (column letter, header)
    count: int = 0
    women: int | None = None
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return WHAT[self.what]


class _Rows:
    """The data rows below the header, each with its 1-based row number and its cells by field."""

    def __init__(self, rows: list[list[Any]], header: Header):
        self.rows = rows
        self.header = header

    def __iter__(self):
        for index in range(self.header.row + 1, len(self.rows)):
            row = self.rows[index]
            cells = {key: row[col] if col < len(row) else None for key, col in self.header.columns.items()}
            if all(cell is None or str(cell).strip() == "" for cell in row):
                continue
            yield index + 1, cells


def _start(what: str, rows: list[list[Any]], header: Header, file: str, sheet: str, data: Any) -> Part:
    part = Part(what, data, file, sheet, header.row + 1)
    for key, col in sorted(header.columns.items(), key=lambda item: item[1]):
        part.mapped.append((column_letter(col), header.headers[col], TITLES.get(key, key)))
    part.ignored = [(column_letter(col), text) for col, text in header.ignored]
    return part


def _person(part: Part, number: int, cell: Any, word: str = "姓名") -> str | None:
    """The name of a row, or None when the row is skipped (no name, a footer line)."""
    value, _ = values.name(cell)
    if not value:
        part.skipped.append(f"第 {number} 行没有{word}，已跳过")
        return None
    if _FOOTER.match(value) or ":" in value:
        part.skipped.append(f"第 {number} 行“{str(cell).strip()}”不像{word}（合计、落款或说明行），已跳过")
        return None
    return value


def build(what: str, rows: list[list[Any]], header: Header, file: str, sheet: str) -> Part:
    """The part `what` of the rows below `header`."""
    builders = {"voters": _voters, "candidates": _candidates, "votes": _votes, "proxies": _proxies}
    return builders[what](rows, header, file, sheet)


class _Tally:
    """Counts of what was changed, for one sentence each at the end."""

    def __init__(self) -> None:
        self.counter: Counter[str] = Counter()
        self.examples: dict[str, str] = {}

    def add(self, key: str, example: str) -> None:
        self.counter[key] += 1
        self.examples.setdefault(key, example)

    def sentences(self, texts: dict[str, str]) -> list[str]:
        return [texts[key].format(n=n, e=self.examples[key]) for key, n in self.counter.items()]


_VOTER_NOTES = {
    "padded": "{n} 个姓名去掉了多余的空格或改成了半角字符（如 {e}）",
    "text-date": "{n} 个文字写的出生日期已改写为“年-月-日”（如 {e}）",
    "number-date": "{n} 个以数字表示的出生日期已改写（如 {e}）",
    "bad-date": "{n} 个出生日期无法识别，未导入（如 {e}），请在表格中改正后重新导入",
    "numeric-id": "{n} 个身份证号在表格中存成了数字（如 {e}）：Excel 只保留 15 位有效数字，后几位可能已变成 0；"
    "请把该列设为“文本”格式、核对号码后重新导入",
    "bad-sex": "{n} 个性别无法识别（应为 男 或 女），未导入（如 {e}）",
    "group-above": "{n} 行的小组为空，按上一行的小组计入（合并单元格）（如 {e}）",
}


def _birth(cell: Any, number: int, tally: _Tally, month_only: bool) -> str | None:
    value, note = values.date(cell, month_only)
    if value is None:
        if values.text(cell):
            tally.add("bad-date", f"第 {number} 行“{values.text(cell)}”")
        return None
    if isinstance(cell, str):
        if value != cell.strip():
            tally.add("text-date", f"“{cell.strip()}”→ {value}")
    elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
        tally.add("number-date", f"{cell:g} → {value}" + (f"；{note}" if note else ""))
    return value


def _voter(cells: dict[str, Any], number: int, tally: _Tally) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if cells.get("sex") not in (None, ""):
        sex = values.sex(cells["sex"])
        if sex:
            entry["sex"] = sex
        else:
            tally.add("bad-sex", f"第 {number} 行“{values.text(cells['sex'])}”")
    birth = _birth(cells.get("birth"), number, tally, month_only=False)
    if birth:
        entry["birth"] = birth
    number_text, numeric = values.identity(cells.get("id_number"))
    if number_text:
        entry["id_number"] = number_text
        if numeric:
            tally.add("numeric-id", f"第 {number} 行 {number_text}")
    for key in ("address", "household"):
        value = values.text(cells.get(key))
        if value:
            entry[key] = " ".join(value.split())
    return entry


def _voters(rows: list[list[Any]], header: Header, file: str, sheet: str) -> Part:
    groups: dict[str, list[Any]] = {}
    part = _start("voters", rows, header, file, sheet, [])
    tally = _Tally()
    women = 0
    last_group = ""
    for number, cells in _Rows(rows, header):
        person = _person(part, number, cells["name"])
        if person is None:
            continue
        if values.name(cells["name"])[1] and person != str(cells["name"]):
            tally.add("padded", f"“{cells['name']}”→“{person}”")
        group = values.text(cells.get("group")) if "group" in cells else DEFAULT_GROUP
        if group.isdigit():
            group = f"{group}组"
        if not group:
            group = last_group or DEFAULT_GROUP
            if last_group:
                tally.add("group-above", f"第 {number} 行")
        last_group = group
        extra = _voter(cells, number, tally)
        women += extra.get("sex") == "女"
        groups.setdefault(group, []).append({"name": person, **extra} if extra else person)
    part.data = [{"name": name, "voters": voters} for name, voters in groups.items()]
    part.count = sum(len(voters) for voters in groups.values())
    part.women = women if "sex" in header.columns else None
    part.notes = tally.sentences(_VOTER_NOTES)
    return part


def _choice(value: str, table: dict[str, str]) -> str:
    return table.get(value, value)


def _candidate(cells: dict[str, Any], number: int, tally: _Tally) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    post = values.text(cells.get("post"))
    entry["post"] = "".join(post.split())
    sex = values.sex(cells.get("gender"))
    if sex:
        entry["gender"] = sex
    birth = _birth(cells.get("birth"), number, tally, month_only=True)
    if birth:
        entry["birth"] = birth
    ethnicity = values.text(cells.get("ethnicity"))
    if ethnicity:
        entry["ethnicity"] = ethnicity if ethnicity.endswith("族") else f"{ethnicity}族"
    for key, table in (("education", _EDUCATION), ("politics", _POLITICS)):
        value = values.text(cells.get(key))
        if value:
            entry[key] = _choice(value, table)
    for key in ("workplace", "nominated_by"):
        value = values.text(cells.get(key))
        if value:
            entry[key] = value
    incumbent = values.flag(cells.get("incumbent"))
    if incumbent is not None:
        entry["incumbent"] = incumbent
    return entry


def _candidates(rows: list[list[Any]], header: Header, file: str, sheet: str) -> Part:
    part = _start("candidates", rows, header, file, sheet, [])
    tally = _Tally()
    for number, cells in _Rows(rows, header):
        person = _person(part, number, cells["name"])
        if person is None:
            continue
        if not values.text(cells.get("post")):
            part.skipped.append(f"第 {number} 行“{person}”没有职位，已跳过")
            continue
        part.data.append({"name": person, **_candidate(cells, number, tally)})
    part.count = len(part.data)
    part.notes = tally.sentences(_VOTER_NOTES)
    return part


def _votes(rows: list[list[Any]], header: Header, file: str, sheet: str) -> Part:
    part = _start("votes", rows, header, file, sheet, {})
    for number, cells in _Rows(rows, header):
        person = _person(part, number, cells["name"])
        if person is None:
            continue
        post = "".join(values.text(cells.get("post")).split())
        votes = values.count(cells.get("votes"))
        if not post:
            part.skipped.append(f"第 {number} 行“{person}”没有职位，已跳过")
        elif votes is None:
            part.skipped.append(f"第 {number} 行“{person}”的得票“{values.text(cells.get('votes'))}”不是整数，已跳过")
        elif person in part.data.setdefault(post, {}):
            part.skipped.append(f"第 {number} 行：{post}职位的“{person}”已在前面出现，已跳过")
        else:
            part.data[post][person] = votes
            part.count += 1
    return part


def _proxies(rows: list[list[Any]], header: Header, file: str, sheet: str) -> Part:
    part = _start("proxies", rows, header, file, sheet, [])
    by_holder: dict[str, dict[str, Any]] = {}
    for number, cells in _Rows(rows, header):
        holder = _person(part, number, cells["holder"], "受委托人")
        if holder is None:
            continue
        principals = [values.name(item)[0] for item in _SPLIT.split(values.text(cells.get("principals")))]
        principals = [item for item in principals if item]
        if not principals:
            part.skipped.append(f"第 {number} 行受委托人“{holder}”没有委托人，已跳过")
            continue
        entry = by_holder.setdefault(holder, {"holder": holder, "principals": []})
        entry["principals"] += principals
        relation = values.text(cells.get("relation"))
        if relation:
            entry["relation"] = relation
        part.count += len(principals)
    part.data = list(by_holder.values())
    return part
