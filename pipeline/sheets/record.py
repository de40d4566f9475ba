"""A whole election record as an Excel workbook: writing it, and reading it back with sheet!cell positions.

Mapping (see docs/design.md, "A record as a workbook"): 基本信息/选举委员会/日程 are 项目-值-字段 rows of the
plain values of the record's top level, its committee and its schedule; 职位名额, 候选人, 选民名单 and 投票结果
hold one row per seat, candidate, voter and vote, with a 场次 column naming the contest. Whatever cannot be
represented unambiguously in those sheets (rounds' ballots, proxies, staff, lists of dicts …) stays as YAML in
the hidden sheet ``_其他``, whose cell A1 is the marker that makes a workbook a record. So the mapping is
lossless by construction: a part is moved into a sheet only when it can be read back to the same data.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import yaml

from ..findings import Finding, Severity
from ..words import KIND_ALIASES, METHOD_ALIASES

MARKER = "huanjie 记录工作簿 1"
REST = "_其他"
OPTIONS = "_选项"

_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_DATE_KEYS = {"birth", "date"}

LABELS = {
    "kind": "选举类型",
    "legal_basis": "法律依据",
    "profile": "规则配置",
    "term": "届次",
    "body": "选举机构",
    "method": "选举方式",
    "unit.name": "单位全称",
    "unit.short_name": "单位简称",
    "unit.parents[]": "上级行政区划",
    "unit.households": "户数",
    "electorate.registered": "登记选民数",
    "documents.number_prefix": "发文机关代字",
    "documents.signatory": "落款单位",
    "documents.place": "地点",
    "name": "名称",
    "chair": "主任",
    "members[]": "委员",
    "formed_by": "产生方式",
    "election_day": "选举日",
}
COLUMNS = {
    "name": "姓名",
    "gender": "性别",
    "birth": "出生年月",
    "ethnicity": "民族",
    "education": "学历",
    "politics": "政治面貌",
    "post": "职位",
    "count": "名额",
    "nominated_by": "推荐方式",
    "incumbent": "现任",
    "id_number": "身份证号",
    "address": "住址",
}
_COLUMN_KEYS = {v: k for k, v in COLUMNS.items()}
CHOICES = {
    "gender": ["男", "女"],
    "ethnicity": [
        "汉族",
        "蒙古族",
        "回族",
        "藏族",
        "维吾尔族",
        "苗族",
        "彝族",
        "壮族",
        "布依族",
        "朝鲜族",
        "满族",
        "侗族",
        "瑶族",
        "白族",
        "土家族",
        "哈尼族",
        "哈萨克族",
        "傣族",
        "黎族",
        "傈僳族",
        "佤族",
        "畲族",
        "高山族",
        "拉祜族",
        "水族",
        "东乡族",
        "纳西族",
        "景颇族",
        "柯尔克孜族",
        "土族",
        "达斡尔族",
        "仫佬族",
        "羌族",
        "布朗族",
        "撒拉族",
        "毛南族",
        "仡佬族",
        "锡伯族",
        "阿昌族",
        "普米族",
        "塔吉克族",
        "怒族",
        "乌孜别克族",
        "俄罗斯族",
        "鄂温克族",
        "德昂族",
        "保安族",
        "裕固族",
        "京族",
        "塔塔尔族",
        "独龙族",
        "鄂伦春族",
        "赫哲族",
        "门巴族",
        "珞巴族",
        "基诺族",
    ],
    "education": ["小学", "初中", "高中", "中专", "大专", "本科", "硕士研究生", "博士研究生"],
    "politics": ["中共党员", "中共预备党员", "共青团员", "民主党派", "无党派人士", "群众"],
}
PLACE = "场次"
SHEETS = {
    "seats": ("职位名额", [PLACE, "post", "count"]),
    "candidates": (
        "候选人",
        [PLACE, "name", "gender", "birth", "ethnicity", "education", "politics", "post", "nominated_by", "incumbent"],
    ),
    "voters": ("选民名单", [PLACE, "小组", "name", "gender", "birth", "id_number", "address"]),
    "rounds": ("轮次", [PLACE, "轮次", "type", "date", "ballots.issued", "ballots.returned", "ballots.invalid"]),
    "votes": ("投票结果", [PLACE, "轮次", "post", "姓名", "得票"]),
}
ROUND_COLUMNS = {
    "type": "轮次类型",
    "date": "投票日期",
    "ballots.issued": "发出选票",
    "ballots.returned": "收回选票",
    "ballots.invalid": "无效票",
}
_ROUND_KEYS = {v: k for k, v in ROUND_COLUMNS.items()}
KV_SHEETS = {"": "基本信息", "committee": "选举委员会", "schedule": "日程"}
NOTE = [
    "本工作簿是一份完整的选举记录，可直接用于 huanjie check / outcome / render / batch。",
    "“场次”列写场次名称（与记录中的 contests 名称一致）；只有一个场次的记录此列留空。",
    "日期请填 Excel 日期（如 2026-04-18），出生年月可填到月。性别、民族、学历、政治面貌、职位可从下拉列表选。",
    "投票结果每行一名候选人：轮次（1 为第一轮）、职位、姓名、得票。",
    "隐藏工作表“_其他”保存本表格没有单独列出的部分（如选票统计、委托投票），请勿删除；"
    "可用 huanjie convert 记录.xlsx 记录.yaml 转成 YAML 查看。",
]


def _plain(value: Any) -> bool:
    """A value a cell holds and gives back unchanged."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < 2**53
    if isinstance(value, float):
        return value == value and abs(value) != float("inf")
    if isinstance(value, str):
        return (
            value not in ("", "~")
            and not value.startswith("=")
            and len(value) < 30000
            and not any(ord(ch) < 32 for ch in value)
        )
    return False


def _rows_of(items: Any, required: str | None = None) -> bool:
    if not isinstance(items, list) or not items:
        return False
    for item in items:
        if not isinstance(item, dict) or not item or not all(isinstance(k, str) and _plain(v) for k, v in item.items()):
            return False
        if required and required not in item:
            return False
    return True


def _is_date(text: Any) -> bool:
    if not isinstance(text, str):
        return False
    m = _DATE.fullmatch(text)
    if not m:
        return False
    try:
        dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Record data -> tables
# --------------------------------------------------------------------------------------------
def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and _plain(value)


def _scalars(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_scalar(x) for x in value)


def _named(items: Any) -> list[tuple[str, dict]]:
    """The dicts of `items` whose name is a plain text no other item has (the only ones a sheet can refer to)."""
    if not isinstance(items, list):
        return []
    names = [i.get("name") for i in items if isinstance(i, dict)]
    return [
        (i["name"], i)
        for i in items
        if isinstance(i, dict) and _scalar(i.get("name")) and isinstance(i["name"], str) and names.count(i["name"]) == 1
    ]


def _split_voters(label: str, place: dict, rows: list[dict]) -> None:
    electorate = place.get("electorate")
    if not isinstance(electorate, dict):
        return
    for gname, spot in [("", electorate), *_named(electorate.get("groups"))]:
        voters = spot.get("voters")
        if not isinstance(voters, list) or not voters:
            continue
        if all(isinstance(v, str) and _scalar(v) for v in voters):
            found = [{"name": v} for v in voters]
        elif _rows_of(voters, "name") and all(len(v) > 1 for v in voters):
            found = voters
        else:
            continue
        rows += [{PLACE: label, "小组": gname, **r} for r in found]
        del spot["voters"]


def _tally_ok(votes: Any) -> bool:
    return (
        isinstance(votes, dict)
        and bool(votes)
        and all(
            isinstance(p, str)
            and _scalar(p)
            and isinstance(t, dict)
            and bool(t)
            and all(isinstance(n, str) and _scalar(n) and _scalar(v) for n, v in t.items())
            for p, t in votes.items()
        )
    )


def _split_rounds(label: str, place: dict, rows: list[dict]) -> None:
    """The plain values of each round and of its ballots (the tally goes to 投票结果)."""
    rounds = place.get("rounds")
    if not isinstance(rounds, list):
        return
    for number, rnd in enumerate(rounds, 1):
        if not isinstance(rnd, dict):
            continue
        found: list[tuple[str, Any]] = []
        _split_pairs(rnd, "", found, skip=("votes",), lists=False)
        if found:
            rows.append({PLACE: label, "轮次": number, **dict(found)})


def _split_votes(label: str, place: dict, rows: list[dict]) -> None:
    rounds = place.get("rounds")
    if not isinstance(rounds, list):
        return
    for number, rnd in enumerate(rounds, 1):
        if not isinstance(rnd, dict) or not _tally_ok(rnd.get("votes")):
            continue
        for post, tally in rnd.pop("votes").items():
            for name, count in tally.items():
                rows.append({PLACE: label, "轮次": number, "post": post, "姓名": name, "得票": count})


def _split_pairs(target: dict, prefix: str, rows: list[tuple[str, Any]], skip: tuple = (), lists: bool = True) -> None:
    """Move the plain values (and lists of them) of `target` into `rows`; one level of dicts when prefix is ""."""
    for k in list(target):
        v = target[k]
        if not isinstance(k, str) or "." in k or "[" in k or k in skip:
            continue
        if _scalar(v):
            rows.append((prefix + k, v))
            del target[k]
        elif lists and _scalars(v):
            rows += [(prefix + k + "[]", x) for x in v]
            del target[k]
        elif not prefix and skip and isinstance(v, dict) and v:
            _split_pairs(v, k + ".", rows, lists=lists)
            if not v:  # emptied here: reading the rows makes it again, in the same place on every round trip
                del target[k]


def split(data: dict) -> tuple[dict[str, list[dict]], dict[str, list[tuple[str, Any]]], dict]:
    """(table rows per part, key-value rows per sheet, the rest) of a record's data."""
    rest = copy.deepcopy(data)
    tables: dict[str, list[dict]] = {part: [] for part in SHEETS}
    for label, place in [("", rest), *_named(rest.get("contests"))]:
        for part in ("seats", "candidates"):
            if _rows_of(place.get(part)):
                tables[part] += [{PLACE: label, **s} for s in place.pop(part)]
        _split_voters(label, place, tables["voters"])
        _split_votes(label, place, tables["votes"])
        _split_rounds(label, place, tables["rounds"])
    pairs: dict[str, list[tuple[str, Any]]] = {}
    for key, sheet in KV_SHEETS.items():
        pairs[sheet] = []
        target = rest.get(key) if key else rest
        if isinstance(target, dict):
            _split_pairs(target, "", pairs[sheet], skip=() if key else (*KV_SHEETS, "contests"))
    return tables, pairs, rest


_WORDS = {
    "kind": {ident: word for word, ident in reversed(list(KIND_ALIASES.items()))},
    "method": {ident: word for word, ident in reversed(list(METHOD_ALIASES.items()))},
}


def _header(part: str, key: str) -> str:
    if part == "rounds":
        return ROUND_COLUMNS.get(key, key)
    return COLUMNS.get(key, key) if key not in _COLUMN_KEYS else key


def _label(base: str, key: str, title: Callable[[list], str] | None) -> str:
    """The Chinese title of a 项目 row: `title` (the schema's) of exactly that field, else the key itself."""
    if key in LABELS and not base:
        return LABELS[key]
    if title is None:
        return key
    path = [p for p in (base, *key.rstrip("[]").split(".")) if p]
    found = title(path)
    return found if found != title(path[:-1]) else key


def _cell_value(key: str, value: Any, cell) -> None:
    leaf = key.split(".")[-1].rstrip("[]")
    if (leaf in _DATE_KEYS or leaf.endswith(("_day", "_on", "_published", "_date")) or leaf == "date") and _is_date(
        value
    ):
        m = _DATE.fullmatch(value)
        assert m
        cell.value = dt.datetime(int(m[1]), int(m[2]), int(m[3] or 1))
        cell.number_format = "yyyy-mm-dd" if m[3] else "yyyy-mm"
    elif isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        cell.number_format = "@"
    else:
        cell.value = value


def to_workbook(data: dict, title: Callable[[list], str] | None = None) -> bytes:
    """The workbook of a record's data (lossless: `load` gives the same data back).

    `title(path)` gives the Chinese title of a field (`schema.field_title`, passed in: this floor does not import
    the schema, which imports `records`, which reads workbooks with this module).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    tables, pairs, rest = split(data)
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for (base, sheet_name), rows in zip(KV_SHEETS.items(), pairs.values(), strict=True):
        ws = book.create_sheet(sheet_name)
        ws.append(["项目", "值", "字段"])
        for key, value in rows:
            ws.append([_label(base, key, title), None, key])
            if not base and key in _WORDS and value in _WORDS[key]:
                value = _WORDS[key][value]  # 居委会, 户代表: `records` reads these words as the identifiers
            _cell_value(key, value, ws.cell(ws.max_row, 2))
        ws.column_dimensions["A"].width = 18
        ws.column_dimensions["B"].width = 36
        ws.column_dimensions["C"].width = 28
    posts = sorted({str(r["post"]) for r in tables["seats"] if isinstance(r.get("post"), str)})
    options = book.create_sheet(OPTIONS)
    for col, key in enumerate([*CHOICES, "post"], 1):
        values = CHOICES.get(key, posts)
        options.cell(1, col, COLUMNS[key])
        for i, v in enumerate(values, 2):
            options.cell(i, col, v)
    for part, (sheet_name, defaults) in SHEETS.items():
        table = tables[part]
        keys = list(defaults)
        for entry in table:
            keys += [k for k in entry if k not in keys]
        ws = book.create_sheet(sheet_name, index=len(pairs) + list(SHEETS).index(part))
        ws.append([_header(part, k) for k in keys])
        for entry in table:
            r = ws.max_row + 1
            for c, key in enumerate(keys, 1):
                if key in entry:
                    _cell_value(key, "~" if entry[key] is None else entry[key], ws.cell(r, c))
        for c, key in enumerate(keys, 1):
            ws.cell(1, c).font = bold
            ws.cell(1, c).fill = fill
            letter = ws.cell(1, c).column_letter
            ws.column_dimensions[letter].width = 14 if key not in ("nominated_by", "address", "id_number") else 22
            choice = key if key in CHOICES else ("post" if key == "post" and posts else None)
            if choice:
                col = [*CHOICES, "post"].index(choice) + 1
                n = len(CHOICES.get(choice, posts)) + 1
                from openpyxl.utils import get_column_letter

                ref = f"{OPTIONS}!${get_column_letter(col)}$2:${get_column_letter(col)}${n}"
                dv = DataValidation(type="list", formula1=ref, allow_blank=True)
                dv.error = f"请从列表中选择{COLUMNS[choice]}"
                dv.errorStyle = "warning"
                ws.add_data_validation(dv)
                dv.add(f"{letter}2:{letter}2000")
        ws.freeze_panes = "A2"
    note = book.create_sheet("说明")
    note.column_dimensions["A"].width = 100
    for line in NOTE:
        note.append([line])
    other = book.create_sheet(REST)
    other.append([MARKER])
    text = yaml.safe_dump(rest, allow_unicode=True, sort_keys=False, width=4096) if rest else ""
    for line in text.splitlines():
        other.append([line])
        other.cell(other.max_row, 1).data_type = "s"
    other.sheet_state = "hidden"
    options.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Workbook -> record
# --------------------------------------------------------------------------------------------
def is_record_workbook(file: str) -> bool:
    """Whether `file` is a record workbook: it has the hidden sheet _其他 with the marker in A1."""
    try:
        from openpyxl import load_workbook

        book = load_workbook(file, read_only=True)
    except Exception:  # noqa: BLE001 - anything unreadable is simply not a record workbook
        return False
    try:
        if REST not in book.sheetnames:
            return False
        for row in book[REST].iter_rows(min_row=1, max_row=1, values_only=True):
            return bool(row) and row[0] == MARKER
        return False
    finally:
        book.close()


def _from_cell(cell, key: str) -> Any:
    value = cell.value
    if isinstance(value, dt.datetime | dt.date):
        fmt = (cell.number_format or "").lower()
        if "d" in fmt:
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m")
    if value == "~":
        return None
    if isinstance(value, float) and value.is_integer() and key in ("count", "得票", "轮次", "registered"):
        return int(value)
    return value


Parsed = tuple[dict | None, dict, dict, list[Finding]]


def load(file: str, raw: bytes | None, parse: Callable) -> Parsed:
    """Read a record workbook: (data or None, positions as (row, column), the sheet!cell of each path, findings).

    `parse` is `records.parse`, which reads the YAML of the hidden sheet _其他 (passed in, so that `records`,
    which calls this, is imported by no module of this floor but itself).
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw) if raw is not None else file)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file is a finding
        return (
            None,
            {},
            {},
            [_unreadable(file, f"无法读取工作簿（{type(exc).__name__}）。请确认它是 Excel（.xlsx）文件。")],
        )
    try:
        if REST not in book.sheetnames or book[REST].cell(1, 1).value != MARKER:
            return (
                None,
                {},
                {},
                [
                    _unreadable(
                        file,
                        "这不是记录工作簿（缺少隐藏工作表“_其他”）。记录工作簿用 huanjie new 类型 --xlsx 生成；"
                        f"如果这是选民名单等表格，请用 huanjie import {file} --into 记录.yaml 把它导入记录。",
                    )
                ],
            )
        reader = _Reader(file, book, parse)
        if not reader.rest():
            return None, {}, {}, reader.findings
        for key, sheet_name in KV_SHEETS.items():
            if sheet_name in book.sheetnames:
                reader.pairs(key, book[sheet_name])
        for part, (sheet_name, _defaults) in SHEETS.items():
            if sheet_name in book.sheetnames:
                reader.table(part, book[sheet_name])
    finally:
        book.close()
    return _ordered(reader.data), reader.positions, reader.cells, reader.findings


_ORDER = (
    "kind",
    "legal_basis",
    "profile",
    "term",
    "body",
    "unit",
    "same_term",
    "committee",
    "method",
    "schedule",
    "procedure",
    "polling",
    "seats",
    "electorate",
    "candidates",
    "contests",
    "rounds",
    "documents",
)


def _ordered(data: dict) -> dict:
    """The record's top-level keys in the order of a starter (the workbook keeps no order between sheets)."""
    first = [k for k in _ORDER if k in data]
    return {**{k: data[k] for k in first}, **{k: v for k, v in data.items() if k not in first}}


def _unreadable(file: str, message: str) -> Finding:
    return Finding(id="WB-READ", severity=Severity.ERROR, message=message, file=file, unreadable=True)


class _Reader:
    """Builds a record's data from the sheets of its workbook, with the sheet!cell of every value."""

    def __init__(self, file: str, book, parse: Callable):
        self.file = file
        self.book = book
        self.parse = parse
        self.data: dict = {}
        self.cells: dict[tuple, str] = {}
        self.positions: dict[tuple, tuple[int, int]] = {}
        self.findings: list[Finding] = []

    def put(self, path: tuple, sheet: str, cell) -> None:
        self.positions[path] = (cell.row, cell.column)
        self.cells[path] = f"{sheet}!{cell.coordinate}"

    def error(self, id: str, message: str, cell: str) -> None:
        self.findings.append(Finding(id=id, severity=Severity.ERROR, file=self.file, cell=cell, message=message))

    def rest(self) -> bool:
        ws = self.book[REST]
        text = "\n".join(str(ws.cell(r, 1).value or "") for r in range(2, ws.max_row + 1)) + "\n"
        if not text.strip():
            return True
        record, found = self.parse(text, self.file)
        self.findings += [_moved(f, REST) for f in found]
        if record is None:
            return False
        self.data = record.data
        for path, (line, _col) in record.positions.items():
            self.cells[path] = f"{REST}!A{line + 1}"
            self.positions[path] = (line + 1, 1)
        return True

    def pairs(self, key: str, ws) -> None:
        base: tuple = (key,) if key else ()
        for row in ws.iter_rows(min_row=2):
            field_cell = row[2] if len(row) > 2 else None
            if field_cell is None or not isinstance(field_cell.value, str) or not field_cell.value.strip():
                continue
            parts = field_cell.value.strip().split(".")
            target: Any = self.data.setdefault(key, {}) if key else self.data
            path = base
            for part in parts[:-1]:
                target = target.setdefault(part, {})
                path += (part,)
            leaf = parts[-1]
            value = _from_cell(row[1], leaf)
            if leaf.endswith("[]"):
                leaf = leaf[:-2]
                items = target.setdefault(leaf, [])
                items.append(value)
                self.put(path + (leaf, len(items) - 1), ws.title, row[1])
                self.cells.setdefault(path + (leaf,), f"{ws.title}!{row[1].coordinate}")
            else:
                target[leaf] = value
                self.put(path + (leaf,), ws.title, row[1])

    def place(self, label: Any, cell) -> tuple[dict, tuple] | None:
        if label is None or label == "":
            return self.data, ()
        found = self.data.get("contests")
        contests: list = found if isinstance(found, list) else []
        names = [c.get("name") if isinstance(c, dict) else None for c in contests]
        if label in names:
            return contests[names.index(label)], ("contests", names.index(label))
        near = [n for n in names if isinstance(n, str) and isinstance(label, str) and n.strip() == label.strip()]
        hint = (
            f"是否为“{near[0]}”？"
            if near
            else f"可选：{'、'.join(str(n) for n in names if n) or '（记录中没有场次）'}。"
        )
        self.error(
            "WB-PLACE",
            f"{cell.parent.title} 表的“场次”写的是“{label}”，记录中没有这个场次。{hint}",
            f"{cell.parent.title}!{cell.coordinate}",
        )
        return None

    def table(self, part: str, ws) -> None:
        header = [c.value for c in ws[1]]
        names = {"职位": "post"} if part == "votes" else _ROUND_KEYS if part == "rounds" else _COLUMN_KEYS
        keys = [names.get(h, h) if isinstance(h, str) else None for h in header]
        for row in ws.iter_rows(min_row=2):
            values = {k: (_from_cell(c, k), c) for k, c in zip(keys, row, strict=False) if k and c.value is not None}
            if not any(k != PLACE for k in values):
                continue
            label, label_cell = values.pop(PLACE, ("", row[0]))
            found = self.place(label, label_cell)
            if found is None:
                continue
            place, base = found
            if part == "voters":
                self.voter(place, base, values, ws.title)
            elif part == "votes":
                self.vote(place, base, values, ws.title, row[0])
            elif part == "rounds":
                self.round(place, base, values, ws.title, row[0])
            else:
                items = place.setdefault(part, [])
                self.item(items, base + (part, len(items)), values, ws.title, row[0])
                self.cells.setdefault(base + (part,), f"{ws.title}!A{row[0].row}")

    def item(self, items: list, here: tuple, values: dict, sheet: str, first) -> None:
        item: dict = {}
        items.append(item)
        self.put(here, sheet, first)
        for k, (v, c) in values.items():
            item[k] = v
            self.put(here + (k,), sheet, c)

    def voter(self, place: dict, base: tuple, values: dict, sheet: str) -> None:
        gname = values.pop("小组", ("", None))[0]
        spot = electorate = place.setdefault("electorate", {})
        gpath: tuple = base + ("electorate",)
        if gname not in (None, ""):
            groups = electorate.setdefault("groups", [])
            at = [i for i, g in enumerate(groups) if isinstance(g, dict) and g.get("name") == gname]
            if not at:
                groups.append({"name": gname})
            gi = at[0] if at else len(groups) - 1
            spot, gpath = groups[gi], gpath + ("groups", gi)
        voters = spot.setdefault("voters", [])
        here = gpath + ("voters", len(voters))
        if set(values) == {"name"}:
            v, c = values["name"]
            voters.append(v)
            self.put(here, sheet, c)
        elif values:
            self.item(voters, here, values, sheet, next(iter(values.values()))[1])

    def number(self, values: dict, sheet: str, first) -> int | None:
        number, number_cell = values.pop("轮次", (1, first))
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 50:
            self.error(
                "WB-ROUND",
                f"{sheet} 表的“轮次”应为 1、2 …（第几轮投票），实际为“{number}”。",
                f"{sheet}!{number_cell.coordinate}",
            )
            return None
        return number

    def round(self, place: dict, base: tuple, values: dict, sheet: str, first) -> None:
        number = self.number(values, sheet, first)
        if number is None:
            return
        rounds = place.setdefault("rounds", [])
        while len(rounds) < number:
            rounds.append({})
        here = base + ("rounds", number - 1)
        self.put(here, sheet, first)
        for key, (value, cell) in values.items():
            target, path = rounds[number - 1], here
            *parents, leaf = key.split(".")
            for part in parents:
                target = target.setdefault(part, {})
                path += (part,)
            target[leaf] = value
            self.put(path + (leaf,), sheet, cell)

    def vote(self, place: dict, base: tuple, values: dict, sheet: str, first) -> None:
        number = self.number(values, sheet, first)
        if number is None:
            return
        post, post_cell = values.get("post", ("", first))
        post = str(post)
        votes = base + ("rounds", number - 1, "votes")
        for path, cell in ((votes, first), (votes + (post,), post_cell)):
            if path not in self.cells or self.cells[path].startswith(REST):
                self.put(path, sheet, cell)
        name = str(values.get("姓名", ("", None))[0])
        count, count_cell = values.get("得票", (None, first))
        rounds = place.setdefault("rounds", [])
        while len(rounds) < number:
            rounds.append({})
        rounds[number - 1].setdefault("votes", {}).setdefault(post, {})[name] = count
        self.put(base + ("rounds", number - 1, "votes", post, name), sheet, count_cell)


def _moved(f: Finding, sheet: str) -> Finding:
    if f.line is None:
        return f
    return Finding(
        id=f.id,
        severity=f.severity,
        message=f.message,
        file=f.file,
        path=f.path,
        citation=f.citation,
        cell=f"{sheet}!A{f.line + 1}",
        unreadable=f.unreadable,
    )


def to_yaml(data: Any) -> str:
    """The YAML text of a record's data, as `convert` writes it."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096)
