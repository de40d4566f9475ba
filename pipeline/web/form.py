"""The record form: sections of fields built from a record's data, posted values read back, the text spliced."""

from __future__ import annotations

import copy
import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from ruamel.yaml import YAML

from .. import importer, schema
from ..errors import HuanjieError
from ..findings import Finding
from ..records import ParseCache, Record, parse
from ..words import KIND_NAMES

Path_ = tuple[str | int, ...]
Reader = Callable[[str, str], tuple[Record | None, list[Finding]]]

LABELS = {
    "kind": "选举类型",
    "term": "届次",
    "legal_basis": "法律依据（年）",
    "method": "选举方式",
    "body": "机构",
    "name": "名称",
    "short_name": "简称",
    "parents": "上级（用“、”分隔）",
    "households": "户数",
    "population": "人口",
    "groups": "小组数",
    "chair": "主任",
    "members": "成员（用“、”分隔）",
    "formed_by": "推选方式",
    "formed_on": "推选日期",
    "election_day": "选举日",
    "voter_list_published": "选民名单公布",
    "post": "职位",
    "count": "名额",
    "registered": "登记人数",
    "women": "其中女性",
    "gender": "性别",
    "birth": "出生年月",
    "ethnicity": "民族",
    "education": "学历",
    "politics": "政治面貌",
    "nominated_by": "提名方式",
    "incumbent": "是否连任",
    "workplace": "工作单位",
    "date": "日期",
    "type": "轮次类型",
    "participants": "参加人数",
    "issued": "发出票数",
    "returned": "收回票数",
    "invalid": "无效票数",
    "number_prefix": "文号前缀",
    "first_number": "起始编号",
    "signatory": "落款",
    "place": "地点",
    "contact": "联系电话",
    "adopted_by": "通过会议",
    "adopted_on": "通过日期",
    "time": "时间",
}
CANDIDATE_COLUMNS = [
    "name",
    "gender",
    "birth",
    "ethnicity",
    "education",
    "politics",
    "nominated_by",
    "post",
    "incumbent",
]
SECTIONS: list[tuple[str, str, list[str]]] = [
    ("unit", "单位", ["kind", "term", "legal_basis", "method", "unit"]),
    ("committee", "选举委员会", ["committee"]),
    ("schedule", "日程", ["schedule", "procedure", "polling"]),
    ("seats", "职位名额", ["seats"]),
    ("electorate", "选民", ["electorate"]),
    ("candidates", "候选人", ["candidates"]),
    ("rounds", "投票结果", ["rounds"]),
    ("documents", "文书设置", ["documents"]),
    ("summary", "工作总结素材", ["summary"]),
]
READ_ONLY = {("kind",)}
BIG = 200  # lists longer than this are summarised, not edited row by row (a roll is imported)
ROUND_KEYS = ["type", "date", "participants"]
BALLOT_KEYS = ["issued", "returned", "invalid"]


def dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)


def finding_name(finding: Finding) -> str:
    """'candidates[3].birth' -> 'candidates.3.birth' (the form's names)."""
    return re.sub(r"\[(\d+)\]", r".\1", finding.path).lstrip(".")


@dataclass
class Field:
    path: Path_
    label: str
    value: str = ""
    kind: str = "text"  # text | number | decimal | bool | list | lines | yaml | readonly

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        return choices_of(self.path) if self.kind in ("text", "choice") else ()

    @property
    def name(self) -> str:
        return dotted(self.path)

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-")


@dataclass
class Table:
    path: Path_
    label: str
    columns: list[str]
    rows: list[list[Field]] = field(default_factory=list)
    blank: list[Field] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return dotted(self.path)


@dataclass
class Tally:
    """The votes of one post in one round: a row per candidate, a running total against valid ballots."""

    path: Path_  # ('rounds', i, 'votes', post)
    post: str
    seats: int | None
    fields: list[Field]

    @property
    def name(self) -> str:
        return dotted(self.path)


@dataclass
class Group:
    path: Path_
    label: str
    items: list[Any] = field(default_factory=list)  # Field | Table | Group | Tally | Summary

    @property
    def name(self) -> str:
        return dotted(self.path)


@dataclass
class Summary:
    path: Path_
    label: str
    text: str

    @property
    def name(self) -> str:
        return dotted(self.path)


@dataclass
class Section:
    key: str
    title: str
    items: list[Any]
    fresh_round: bool = False


def label(key: Any) -> str:
    return LABELS.get(str(key), str(key))


@functools.cache
def _record_schema() -> dict:
    return schema.load_schema()


@functools.lru_cache(maxsize=4096)
def _schema_title(pattern: tuple) -> str:
    try:
        node = schema._subschema(_record_schema(), list(pattern))
        return str(node.get("title") or "") if node else ""
    except Exception:  # a title is a nicety; a path the schema does not know has none
        return ""


@functools.lru_cache(maxsize=4096)
def _schema_choices(pattern: tuple) -> tuple[tuple[str, str], ...]:
    """(value, text) of a field the schema limits to a list of words (选举方式, 轮次类型, 性别)."""
    try:
        node = schema._subschema(_record_schema(), list(pattern))
    except Exception:
        return ()
    if not node or not isinstance(node.get("enum"), list) or not all(isinstance(v, str) for v in node["enum"]):
        return ()
    words = dict(
        part.strip().split(" ", 1) for part in str(node.get("description") or "").split("；") if " " in part.strip()
    )
    return tuple((v, f"{words[v]}（{v}）" if v in words else v) for v in node["enum"])


def choices_of(path: Path_) -> tuple[tuple[str, str], ...]:
    return _schema_choices(tuple(0 if isinstance(p, int) else p for p in path))


def title_of(path: Path_) -> str:
    """The field's Chinese title from the record schema (`schema.field_title`), else the form's own word."""
    if not path or isinstance(path[-1], int):
        return label(path[-1]) if path else ""
    pattern = tuple(0 if isinstance(p, int) else p for p in path)
    return _schema_title(pattern) or label(path[-1])


def field_words(fields: str) -> str:
    """The record's fields a document waits for, in the form's words: `committee.chair、rounds[].votes` ->
    `选举委员会 › 主任、投票轮次 › 得票`, each field under the titles of the parts it is in (the raw path kept
    where the schema has no title for it)."""
    out = []
    for field_ in fields.split("、"):
        parts = re.sub(r"\[\d*\]", ".0", field_.strip()).split(".")
        path: Path_ = tuple(0 if p.isdigit() else p for p in parts if p)
        names = [p for p in path if isinstance(p, str)]
        if not names:
            out.append(field_)
            continue
        title = title_of(path)
        if title == str(path[-1]):
            out.append(field_)  # no Chinese title known: the path itself says more than a guess
            continue
        above = [title_of(path[: i + 1]) for i, p in enumerate(path[:-1]) if isinstance(p, str)]
        out.append(" › ".join([*above, title]))
    return "、".join(out)


def show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _scalar_field(path: Path_, value: Any) -> Field:
    if path in READ_ONLY:
        return Field(path, title_of(path), KIND_NAMES.get(str(value), show(value)), "readonly")
    if isinstance(value, bool):
        return Field(path, title_of(path), show(value), "bool")
    if isinstance(value, float):
        return Field(path, title_of(path), repr(value), "decimal")
    if isinstance(value, int):
        return Field(path, title_of(path), show(value), "number")
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            if any(re.search(r"[、，,;；\n]", show(v)) or len(show(v)) > 16 for v in value):
                return Field(path, title_of(path), "\n".join(show(v) for v in value), "lines")  # sentences
            if all(isinstance(v, str) for v in value):
                return Field(path, title_of(path), "、".join(value), "list")
        return Field(path, title_of(path), _flow_text(value), "yaml")
    if isinstance(value, dict):
        return Field(path, title_of(path), _flow_text(value), "yaml")
    return Field(path, title_of(path), show(value), "text")


def _flow_text(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=4096).strip()


def _cell(path: Path_, value: Any, column: str) -> Field:
    if value is None and column == "incumbent":
        return Field(path, title_of(path), "", "bool")
    if value is None and column in ("count",):
        return Field(path, title_of(path), "", "number")
    return _scalar_field(path, value)


def _table(path: Path_, rows: list[Any], base_columns: list[str]) -> Table:
    columns = list(base_columns)
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    table = Table(path, title_of(path), columns, titles=[title_of(path + (0, c)) for c in columns])
    for index, row in enumerate(rows):
        table.rows.append([_cell(path + (index, c), row.get(c), c) for c in columns])
    table.blank = [_cell(path + (len(rows), c), None, c) for c in columns]
    return table


def _value(path: Path_, value: Any) -> Any:
    """The form item for `value` at `path`."""
    if isinstance(value, dict):
        return Group(path, title_of(path), [_value(path + (k,), v) for k, v in value.items()])
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        if len(value) > BIG:
            return Summary(path, title_of(path), f"共 {len(value)} 项（请用表格导入修改，或在原文编辑器中修改）")
        return _table(path, value, [])
    return _scalar_field(path, value)


def _electorate(data: dict) -> list[Any]:
    electorate = data.get("electorate") or {}
    items: list[Any] = []
    for key in ("registered", "women"):
        items.append(_scalar_field(("electorate", key), electorate.get(key)))
        if electorate.get(key) is None:
            items[-1].kind = "number"
    for key, value in electorate.items():
        if key in ("registered", "women"):
            continue
        if key == "groups" and isinstance(value, list):
            voters = sum(len(g.get("voters") or []) for g in value if isinstance(g, dict))
            names = "、".join(str(g.get("name", "")) for g in value[:8] if isinstance(g, dict))
            more = "等" if len(value) > 8 else ""
            items.append(
                Summary(
                    ("electorate", "groups"), "选民名单", f"{len(value)} 个小组（{names}{more}），共 {voters} 名选民。"
                )
            )
            continue
        items.append(_value(("electorate", key), value))
    return items


def _posts(data: dict) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for seat in data.get("seats") or []:
        if isinstance(seat, dict) and seat.get("post") is not None:
            out.append((str(seat["post"]), seat.get("count") if isinstance(seat.get("count"), int) else None))
    return out


def _round(data: dict, index: int, round_: dict) -> Group:
    base: Path_ = ("rounds", index)
    group = Group(base, f"第 {index + 1} 轮")
    for key in ROUND_KEYS:
        value = round_.get(key)
        group.items.append(
            _scalar_field(base + (key,), value)
            if value is not None
            else Field(base + (key,), title_of(base + (key,)), "", "number" if key == "participants" else "text")
        )
    ballots = round_.get("ballots") or {}
    ballot_group = Group(base + ("ballots",), "选票")
    for key in BALLOT_KEYS:
        ballot_group.items.append(
            Field(base + ("ballots", key), title_of(base + ("ballots", key)), show(ballots.get(key)), "number")
        )
    group.items.append(ballot_group)
    votes = round_.get("votes") or {}
    candidates = [c for c in data.get("candidates") or [] if isinstance(c, dict)]
    posts = _posts(data)
    for post in votes:
        if str(post) not in [p for p, _ in posts]:
            posts.append((str(post), None))
    for post, seats in posts:
        names = [str(c.get("name")) for c in candidates if str(c.get("post")) == post and c.get("name")]
        given = votes.get(post) or {}
        for name in given:
            if str(name) not in names:
                names.append(str(name))
        fields = [Field(base + ("votes", post, name), name, show(given.get(name)), "number") for name in names]
        group.items.append(Tally(base + ("votes", post), post, seats, fields))
    for key, value in round_.items():
        if key in ROUND_KEYS or key in ("ballots", "votes"):
            continue
        group.items.append(_value(base + (key,), value))
    return group


def build(data: dict) -> list[Section]:
    """The form's sections for the record's data."""
    sections: list[Section] = []
    covered: set[str] = set()
    for key, title, parts in SECTIONS:
        covered.update(parts)
        items: list[Any] = []
        fresh = False
        if key == "seats":
            items.append(
                _table(("seats",), [s for s in data.get("seats") or [] if isinstance(s, dict)], ["post", "count"])
            )
        elif key == "candidates":
            rows = [c for c in data.get("candidates") or [] if isinstance(c, dict)]
            items.append(_table(("candidates",), rows, CANDIDATE_COLUMNS))
        elif key == "electorate":
            items = _electorate(data)
        elif key == "rounds":
            rounds = [r for r in data.get("rounds") or [] if isinstance(r, dict)]
            if not rounds:
                fresh = True
                rounds = [{}]
            items = [_round(data, i, r) for i, r in enumerate(rounds)]
        else:
            for part in parts:
                if part in data:
                    items.append(_value((part,), data[part]))
        sections.append(Section(key, title, items, fresh))
    rest = [k for k in data if k not in covered]
    if rest:
        sections.append(Section("other", "其他", [_value((k,), data[k]) for k in rest]))
    return sections


def fields_of(items: list[Any]) -> list[Any]:
    """Every Field and Table below `items` (tables as themselves)."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, Group):
            out += fields_of(item.items)
        elif isinstance(item, Tally):
            out += item.fields
        elif isinstance(item, Field | Table):
            out.append(item)
    return out


def names_of(items: list[Any]) -> set[str]:
    """Every name a finding can be placed next to."""
    out: set[str] = set()
    for item in items:
        if isinstance(item, Group):
            out.add(item.name)
            out |= names_of(item.items)
        elif isinstance(item, Tally):
            out.add(item.name)
            out |= {f.name for f in item.fields}
        elif isinstance(item, Table):
            out.add(item.name)
            for row in item.rows:
                out |= {f.name for f in row}
                if row:
                    out.add(dotted(row[0].path[:-1]))
        elif isinstance(item, Field | Summary):
            out.add(item.name)
    return out


def place_findings(sections: list[Section], findings: list[Finding]) -> dict[str, list[Finding]]:
    """{form name: findings shown next to it}: each finding at its field, else at the nearest enclosing one."""
    names = set()
    for section in sections:
        names |= names_of(section.items)
    placed: dict[str, list[Finding]] = {}
    for finding in findings:
        name = finding_name(finding)
        while name and name not in names:
            name = name.rpartition(".")[0]
        placed.setdefault(name, []).append(finding)  # "" = the record as a whole (the list at the top only)
    return placed


# -- reading the posted form ---------------------------------------------------------------------------------------
class FormError(HuanjieError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name, self.message = name, message


def _typed(kind: str, text: str, name: str, guess: bool) -> Any:
    text = text.strip()
    if kind == "bool":
        if text in ("是", "true", "True", "1"):
            return True
        if text in ("否", "false", "False", "0"):
            return False
        raise FormError(name, f"“{text}”应为“是”或“否”。")
    if kind == "decimal":
        try:
            return float(text)
        except ValueError:
            raise FormError(name, f"“{text}”不是数字，请只填数字（可带小数点）。") from None
    if kind == "number" or (guess and re.fullmatch(r"-?[0-9]{1,9}", text)):
        if re.fullmatch(r"-?[0-9]+", text):
            return int(text)
        if kind == "number":
            raise FormError(name, f"“{text}”不是整数，请只填数字。")
    if kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if kind == "list":
        return [p.strip() for p in re.split(r"[、，,;；]", text) if p.strip()]
    if kind == "yaml":
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise FormError(name, f"无法读取“{text}”：格式有误（{type(exc).__name__}）。") from None
    return text


def _put(data: Any, path: Path_, value: Any) -> None:
    node = data
    for part in path[:-1]:
        if isinstance(part, int):
            while len(node) <= part:
                node.append({})
            node = node[part]
        else:
            if not isinstance(node.get(part), dict | list):
                node[part] = [] if isinstance(path[path.index(part) + 1], int) else {}
            node = node[part]
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    if value is None:
        if isinstance(node, dict):
            node.pop(last, None)
        return
    node[last] = value


def _table_rows(table: Table, form: dict[str, str], data: dict) -> None:
    """Rows of `table` as posted: edited, removed (`NAME.N._remove`), added (indices past the end, blank ignored)."""
    base = table.path
    rows = _get(data, base) or []
    indices = set()
    prefix = table.name + "."
    for key in form:
        if key.startswith(prefix):
            head = key[len(prefix) :].split(".", 1)[0]
            if head.isdigit():
                indices.add(int(head))
    new_rows: list[dict] = []
    for index in sorted(indices | set(range(len(rows)))):
        if form.get(f"{table.name}.{index}._remove"):
            continue
        row = dict(rows[index]) if index < len(rows) and isinstance(rows[index], dict) else {}
        old = index < len(rows)
        for column in table.columns:
            name = f"{table.name}.{index}.{column}"
            if name not in form:
                continue
            kind = next((f.kind for f in (table.rows[index] if old else table.blank) if f.path[-1] == column), "text")
            text = form[name].strip()
            if not text:
                row.pop(column, None)
            elif kind != "readonly":
                row[column] = _typed(kind, text, name, guess=not old)
        if row:
            new_rows.append(row)
    if new_rows or rows:
        _put(data, base, new_rows)


def _get(data: Any, path: Path_) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def read_form(data: dict, form: dict[str, str]) -> dict:
    """The record's data with the posted form applied (only the fields the form showed are touched)."""
    new = _copy(data)
    sections = build(data)
    tables: list[Table] = []
    for section in sections:
        for item in fields_of(section.items):
            if isinstance(item, Table):
                tables.append(item)
                continue
            if item.kind == "readonly" or item.name not in form:
                continue
            if section.fresh_round:
                continue
            text = form[item.name].strip()
            old = _get(data, item.path)
            if not text:
                if old is not None:
                    _put(new, item.path, None)
                continue
            value = _typed(item.kind, text, item.name, guess=old is None and item.kind == "text")
            if value != old:
                _put(new, item.path, value)
        if section.fresh_round:
            _fresh_round(section, form, new)
    for table in tables:
        _table_rows(table, form, new)
    return new


def _copy(data: dict) -> dict:
    """A deep copy of the data, but the roll (`electorate.groups`, never edited by the form) shared: 5,000 voters."""
    out = {k: copy.deepcopy(v) for k, v in data.items() if k != "electorate"}
    electorate = data.get("electorate")
    if isinstance(electorate, dict):
        out["electorate"] = {k: v if k == "groups" else copy.deepcopy(v) for k, v in electorate.items()}
    elif "electorate" in data:
        out["electorate"] = copy.deepcopy(electorate)
    return {k: out[k] for k in data}


def _fresh_round(section: Section, form: dict[str, str], new: dict) -> None:
    """The first round typed into a record that had none (ignored while every field is blank)."""
    round_: dict = {}
    for item in fields_of(section.items):
        if isinstance(item, Field) and form.get(item.name, "").strip():
            _put({"rounds": [round_]}, item.path, _typed(item.kind, form[item.name], item.name, guess=False))
    if form.get("_action") == "add-round" or round_:
        round_.setdefault("type", "first")
        date = (new.get("schedule") or {}).get("election_day")
        if date and "date" not in round_:
            round_["date"] = date
        order = {"type": 0, "date": 1}
        new["rounds"] = [dict(sorted(round_.items(), key=lambda kv: order.get(kv[0], 2)))]


# -- writing the text ----------------------------------------------------------------------------------------------
def _edits(old: Any, new: Any, path: Path_, out: list[tuple[Path_, str, Any]]) -> None:
    """(parent, key, value) edits turning mapping `old` into `new` at `path` (a removed key: the mapping anew).

    Mappings and lists of the same length are followed down to the values that changed, so a comment anywhere
    else in the record stays where it is.
    """
    if any(k not in new for k in old):
        if not path:
            raise importer.ImportError_("top-level key removed")
        out.append((path[:-1], path[-1], new))  # type: ignore[arg-type]
        return
    for key, value in new.items():
        if key in old and old[key] == value:
            continue
        before = old.get(key)
        if isinstance(before, dict) and isinstance(value, dict) and before:
            _edits(before, value, path + (key,), out)
        elif (
            isinstance(before, list)
            and isinstance(value, list)
            and len(before) == len(value)
            and all(isinstance(a, dict) and isinstance(b, dict) and a for a, b in zip(before, value, strict=True))
            and all(k in b for a, b in zip(before, value, strict=True) for k in a)
        ):
            for index, (a, b) in enumerate(zip(before, value, strict=True)):
                if a != b:
                    _edits(a, b, path + (key, index), out)
        else:
            out.append((path, key, value))


def _list_edit(parent: Path_, new: dict) -> tuple[Path_, str, Any]:
    """The edit replacing the whole list nearest above `parent` (when a value inside a flow item cannot be set)."""
    last = max(i for i, part in enumerate(parent) if isinstance(part, int))
    where = parent[: last - 1]
    key = parent[last - 1]
    value: Any = new
    for part in parent[:last]:
        value = value[part]
    return where, str(key), value


def splice(
    text: str, record: Record, new: dict, file: str, cache: ParseCache | None = None
) -> tuple[str, Record, list[Finding]]:
    """`text` with only the changed parts of the record written anew (comments elsewhere kept), read back and checked
    equal to `new`: (the new text, its Record and the loader's findings, so the caller need not parse it again).

    `cache`: the workspace's parts already read, so reading the new text back costs only the parts that changed."""
    read = functools.partial(parse, cache=cache)
    try:
        return _splice(text, record, new, file, read)
    except (importer.ImportError_, AssertionError, ValueError, KeyError, IndexError):
        return _round_trip(text, new, file, read)


def _anchor(record: Record, parent: Path_, key: str) -> int:
    """The line an edit starts from: its key's, else the last key's of the mapping it goes into."""
    here = record.key_positions.get(parent + (key,))
    if here is not None:
        return here[0]
    lines = [pos[0] for path, pos in record.key_positions.items() if path[: len(parent)] == parent]
    return max(lines, default=record.locate(parent)[0] or 0)


def _splice(text: str, record: Record, new: dict, file: str, read: Reader) -> tuple[str, Record, list[Finding]]:
    edits: list[tuple[Path_, str, Any]] = []
    _edits(record.data, new, (), edits)
    if len(edits) > 1:
        try:  # bottom-up against the one parse we have: an edit lower down does not move the lines above it
            return _splice_once(text, record, edits, new, file, read)
        except (importer.ImportError_, ValueError, KeyError, IndexError):
            pass
    return _splice_each(text, record, edits, new, file, read)


def _splice_once(
    text: str, record: Record, edits: list[tuple[Path_, str, Any]], new: dict, file: str, read: Reader
) -> tuple[str, Record, list[Finding]]:
    anchored = sorted(((_anchor(record, p, k), p, k, v) for p, k, v in edits), key=lambda e: e[0], reverse=True)
    starts = [a for a, *_ in anchored]
    if len(set(starts)) != len(starts):
        raise ValueError("two edits on one line")
    lines = text.splitlines()
    indent = importer._guess_indent(text)
    for _, parent, key, value in anchored:
        lines = importer._set(lines, record, parent, key, value, indent)
    new_text = "\n".join(lines) + "\n"
    back, findings = read(new_text, file)
    if back is None or back.data != new:
        raise ValueError("read back differs")
    return new_text, back, findings


def _splice_each(
    text: str, record: Record, edits: list[tuple[Path_, str, Any]], new: dict, file: str, read: Reader
) -> tuple[str, Record, list[Finding]]:
    lines = text.splitlines()
    indent = importer._guess_indent(text)
    done: set[Path_] = set()
    current: Record | None = record  # the first edit needs no new parse: the text is the record's own
    for parent, key, value in edits:
        if any(parent[: len(d)] == d for d in done):
            continue  # its whole list was written already
        if current is None:
            current, _ = read("\n".join(lines) + "\n", file)
            if current is None:
                raise ValueError("unreadable while splicing")
        try:
            lines = importer._set(lines, current, parent, key, value, indent)
        except importer.ImportError_:
            if not any(isinstance(p, int) for p in parent):
                raise
            where, list_key, items = _list_edit(parent, new)
            lines = importer._set(lines, current, where, list_key, items, indent)
            done.add(where + (list_key,))
        current = None
    new_text = "\n".join(lines) + "\n"
    back, findings = read(new_text, file)
    if back is None or back.data != new:
        raise ValueError("read back differs")
    return new_text, back, findings


def _update(node: Any, value: Any) -> Any:
    if isinstance(node, dict) and isinstance(value, dict):
        for key in [k for k in node if k not in value]:
            del node[key]
        for key, item in value.items():
            node[key] = _update(node[key], item) if key in node else item
        return node
    if isinstance(node, list) and isinstance(value, list) and len(node) == len(value):
        for index, item in enumerate(value):
            node[index] = _update(node[index], item)
        return node
    return value


class SaveError(HuanjieError):
    pass


def _round_trip(text: str, new: dict, file: str, read: Reader) -> tuple[str, Record, list[Finding]]:
    rt = YAML(typ="rt")
    rt.width = 4096
    doc = rt.load(text)
    _update(doc, new)
    out = io.StringIO()
    rt.dump(doc, out)
    result = out.getvalue()
    back, findings = read(result, file)
    if back is None or back.data != new:
        raise SaveError("写入记录时未能保持其余内容不变，已停止，记录未改动。请改用原文编辑器修改。")
    return result, back, findings
