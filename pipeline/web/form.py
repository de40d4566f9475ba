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
SECTION_TITLES = {key: title for key, title, _ in SECTIONS}
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
    items: list[Any] = field(default_factory=list)  # Field | Table | Group | Tally | Summary | AddRound
    fresh: bool = False  # a round not in the record yet: its fields are read only when one is filled in

    @property
    def name(self) -> str:
        return dotted(self.path)


@dataclass
class AddRound:
    """The button adding a round to `path` (a `rounds` list): the first one, or a 另行选举/重新投票 after the last."""

    path: Path_
    first: bool

    @property
    def action(self) -> str:
        return "add-round" if self.path == ("rounds",) else f"add-round:{dotted(self.path)}"

    @property
    def id(self) -> str:
        return ("add-round" if self.first else "add-next-round") + (
            "" if self.path == ("rounds",) else "-" + dotted(self.path[:-1]).replace(".", "-")
        )


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
    return tuple((v, words.get(v, v)) for v in node["enum"])


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
    `选举委员会 › 主任、投票结果 › 得票`, each field under the titles of the parts it is in (the raw path kept
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
        if above and path[0] == "rounds":
            above[0] = SECTION_TITLES["rounds"]  # the form shows rounds as 第 N 轮 under this heading
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


def _electorate(place: dict, base: Path_ = ()) -> list[Any]:
    electorate = place.get("electorate") or {}
    if not isinstance(electorate, dict):
        return [_value(base + ("electorate",), electorate)]
    items: list[Any] = []
    for key in ("registered", "women"):
        items.append(_scalar_field(base + ("electorate", key), electorate.get(key)))
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
                    base + ("electorate", "groups"),
                    "选民名单",
                    f"{len(value)} 个小组（{names}{more}），共 {voters} 名选民。",
                )
            )
            continue
        items.append(_value(base + ("electorate", key), value))
    return items


def _posts(place: dict) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for seat in place.get("seats") or []:
        if isinstance(seat, dict) and seat.get("post") is not None:
            out.append((str(seat["post"]), seat.get("count") if isinstance(seat.get("count"), int) else None))
    return out


def _round(place: dict, base: Path_, round_: dict, label: str, before: Any = None) -> Group:
    """One round of `place` (the record, or a contest) at `base` (`rounds.N`): figures, then a tally per post.

    `before`: the outcome's result of the round before it (`RoundResult`); a 另行选举 lists, for each post, the
    candidates that round sent to it (and anyone the record already gives votes), not every candidate of the post.
    """
    group = Group(base, label)
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
    candidates = [c for c in place.get("candidates") or [] if isinstance(c, dict)]
    posts = _posts(place)
    for post in votes:
        if str(post) not in [p for p, _ in posts]:
            posts.append((str(post), None))
    chosen = round_.get("posts")
    if isinstance(chosen, list) and chosen:  # a 另行选举 or revote of some posts: only theirs are voted on
        posts = [(p, n) for p, n in posts if p in {str(c) for c in chosen} or p in {str(v) for v in votes}]
    seats = round_.get("seats")
    if isinstance(seats, dict):
        posts = [(p, seats[p] if isinstance(seats.get(p), int) else n) for p, n in posts]
    runoff = {}
    if round_.get("type") == "runoff" and before is not None:
        runoff = {p.post: [str(n) for n in p.runoff_candidates] for p in before.posts if p.runoff_candidates}
    for post, count in posts:
        names = runoff.get(post) or [
            str(c.get("name")) for c in candidates if str(c.get("post")) == post and c.get("name")
        ]
        given = votes.get(post) or {}
        for name in given:
            if str(name) not in names:
                names.append(str(name))
        fields = [Field(base + ("votes", post, name), name, show(given.get(name)), "number") for name in names]
        group.items.append(Tally(base + ("votes", post), post, count, fields))
    for key, value in round_.items():
        if key in ROUND_KEYS or key in ("ballots", "votes"):
            continue
        group.items.append(_value(base + (key,), value))
    return group


ROUND_TYPES = {"first": "首次选举", "revote": "重新投票", "runoff": "另行选举"}


def _rounds(place: dict, base: Path_, contest: Any = None) -> list[Any]:
    """The rounds of `place` at `base`, each a group; a blank first round when there is none; the add button.

    `contest`: the outcome of the place (`ContestOutcome`), when the record was evaluated."""
    rounds = [r for r in place.get("rounds") or [] if isinstance(r, dict)]
    if not rounds:
        fresh = _round(place, base + ("rounds", 0), {}, "第 1 轮（尚未填写）")
        fresh.fresh = True
        return [fresh, AddRound(base + ("rounds",), first=True)]
    items: list[Any] = []
    for index, round_ in enumerate(rounds):
        word = ROUND_TYPES.get(str(round_.get("type")), "")
        results = getattr(contest, "rounds", None) or []
        before = next((r for r in results if getattr(r, "index", None) == index - 1), None)
        title = f"第 {index + 1} 轮" + (f"：{word}" if word else "")
        items.append(_round(place, base + ("rounds", index), round_, title, before))
    items.append(AddRound(base + ("rounds",), first=False))
    return items


PLACE_PARTS = ("seats", "electorate", "candidates", "rounds")


def _place(place: dict, base: Path_, key: str, outcome: Any = None) -> list[Any]:
    """The items of section `key` for `place` (the record, or one contest at `base`)."""
    if key == "seats":
        rows = [s for s in place.get("seats") or [] if isinstance(s, dict)]
        return [_table(base + ("seats",), rows, ["post", "count"])]
    if key == "candidates":
        rows = [c for c in place.get("candidates") or [] if isinstance(c, dict)]
        return [_table(base + ("candidates",), rows, CANDIDATE_COLUMNS)]
    if key == "electorate":
        return _electorate(place, base)
    return _rounds(place, base, _contest_outcome(outcome, base))


def contest_name(contest: Any, index: int) -> str:
    name = contest.get("name") if isinstance(contest, dict) else None
    return f"场次 {index + 1}" + (f"：{name}" if name else "")


def build(data: dict, outcome: Any = None) -> list[Section]:
    """The form's sections for the record's data (`outcome`: the check's `Outcome`, when the record was evaluated).

    A record split into contests (`contests`, 分场次) has its seats, roll, candidates and rounds in each contest: each
    of those sections holds one part per contest (tables and tallies as for a single contest), and a 场次 section
    holds each contest's own fields (name, place, ...).
    """
    sections: list[Section] = []
    covered: set[str] = set()
    raw_contests = data.get("contests")
    contests = (
        [(i, c) for i, c in enumerate(raw_contests) if isinstance(c, dict)] if isinstance(raw_contests, list) else []
    )
    for key, title, parts in SECTIONS:
        covered.update(parts)
        items: list[Any] = []
        if key in PLACE_PARTS and contests:
            if key in data:  # written at the top as well (RECORD-CONTESTS-MIXED): shown, so it can be cleared
                items += _place(data, (), key, outcome)
            for index, contest in contests:
                inner = _place(contest, ("contests", index), key, outcome)
                if key in ("seats", "candidates"):
                    inner[0].label = f"{contest_name(contest, index)} · {inner[0].label}"
                    items += inner
                else:
                    items.append(Group(("contests", index, key), contest_name(contest, index), inner))
        elif key in PLACE_PARTS:
            items = _place(data, (), key, outcome)
        else:
            for part in parts:
                if part in data:
                    items.append(_value((part,), data[part]))
        sections.append(Section(key, title, items))
        if key == "schedule" and contests:
            covered.add("contests")
            groups = [
                Group(
                    ("contests", index),
                    contest_name(contest, index),
                    [_value(("contests", index, k), v) for k, v in contest.items() if k not in PLACE_PARTS],
                )
                for index, contest in contests
            ]
            sections.append(Section("contests", "场次", groups))
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


def _fresh_groups(items: list[Any]) -> list[Group]:
    out: list[Group] = []
    for item in items:
        if isinstance(item, Group):
            out += [item] if item.fresh else _fresh_groups(item.items)
    return out


def _buttons(items: list[Any]) -> list[AddRound]:
    out: list[AddRound] = []
    for item in items:
        if isinstance(item, AddRound):
            out.append(item)
        elif isinstance(item, Group):
            out += _buttons(item.items)
    return out


def read_form(data: dict, form: dict[str, str], outcome: Any = None) -> dict:
    """The record's data with the posted form applied (only the fields the form showed are touched).

    `_action` = `add-round` (or `add-round:contests.N.rounds`): the button adding a round was pressed, so a round is
    added after the others (`next_round`; `outcome`, the check's `Outcome` of the record as it was, says which
    posts it is for).
    """
    new = _copy(data)
    sections = build(data, outcome)
    tables: list[Table] = []
    action = form.get("_action", "")
    fresh = [g for section in sections for g in _fresh_groups(section.items)]
    blank = {f.name for g in fresh for f in fields_of(g.items) if isinstance(f, Field)}
    for section in sections:
        for item in fields_of(section.items):
            if isinstance(item, Table):
                tables.append(item)
                continue
            if item.kind == "readonly" or item.name not in form or item.name in blank:
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
    for group in fresh:
        _fresh_round(group, form, new, pressed=action == AddRound(group.path[:-1], True).action)
    for table in tables:
        _table_rows(table, form, new)
    for button in (b for section in sections for b in _buttons(section.items)):
        if not button.first and action == button.action:
            rounds = _get(new, button.path)
            if isinstance(rounds, list) and rounds:
                rounds.append(next_round(rounds, _contest_outcome(outcome, button.path[:-1])))
    return new


def _contest_outcome(outcome: Any, base: Path_) -> Any:
    """The `ContestOutcome` of the place at `base` (() or `contests.N`), or None."""
    for contest in getattr(outcome, "contests", None) or []:
        if tuple(getattr(contest, "path", ())) == base:
            return contest
    return None


def next_round(rounds: list, contest: Any = None) -> dict:
    """The round to add after `rounds`: a 另行选举 of the posts whose seats the last round left open (with those
    seats), or a revote of the posts tied at the last seat; a 另行选举 of nothing yet when the outcome is not known.
    The date is the last round's (另行选举 is usually held the same day)."""
    last = rounds[-1] if isinstance(rounds[-1], dict) else {}
    round_: dict = {"type": "runoff"}
    if last.get("date"):
        round_["date"] = last["date"]
    result = contest.rounds[-1] if contest is not None and getattr(contest, "rounds", None) else None
    if result is not None:
        runoff = {p.post: p.seats_left for p in result.posts if p.seats_left}
        revote = [p.post for p in result.posts if p.revote_among]
        if runoff:
            round_["posts"] = list(runoff)
            round_["seats"] = runoff
        elif revote:
            round_["type"] = "revote"
            round_["posts"] = revote
    return round_


def _copy(data: dict) -> dict:
    """A deep copy of the data, but the rolls (`electorate.groups`, never edited by the form) shared: 5,000 voters."""

    def place(node: dict, top: bool) -> dict:
        out: dict = {}
        for key, value in node.items():
            if key == "electorate" and isinstance(value, dict):
                out[key] = {k: v if k == "groups" else copy.deepcopy(v) for k, v in value.items()}
            elif key == "contests" and top and isinstance(value, list):
                out[key] = [place(c, False) if isinstance(c, dict) else copy.deepcopy(c) for c in value]
            else:
                out[key] = copy.deepcopy(value)
        return out

    return place(data, True)


def _fresh_round(group: Group, form: dict[str, str], new: dict, pressed: bool) -> None:
    """The first round typed into a record (or contest) that had none (ignored while every field is blank)."""
    round_: dict = {}
    for item in fields_of(group.items):
        if isinstance(item, Field) and form.get(item.name, "").strip():
            rel = item.path[len(group.path) :]
            _put(round_, rel, _typed(item.kind, form[item.name], item.name, guess=False))
    if pressed or round_:
        round_.setdefault("type", "first")
        date = (new.get("schedule") or {}).get("election_day")
        if date and "date" not in round_:
            round_["date"] = date
        order = {"type": 0, "date": 1}
        _put(new, group.path[:-1], [dict(sorted(round_.items(), key=lambda kv: order.get(kv[0], 2)))])


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
    new_text = importer.splice(text, record, edits)  # bottom-up against the one parse we have
    back, findings = read(new_text, file)
    if back is None or back.data != new:
        raise ValueError("read back differs")
    return new_text, back, findings


def _splice_each(
    text: str, record: Record, edits: list[tuple[Path_, str, Any]], new: dict, file: str, read: Reader
) -> tuple[str, Record, list[Finding]]:
    indent = importer.indent_of(text)
    done: set[Path_] = set()
    current: Record | None = record  # the first edit needs no new parse: the text is the record's own
    for parent, key, value in edits:
        if any(parent[: len(d)] == d for d in done):
            continue  # its whole list was written already
        if current is None:
            current, _ = read(text, file)
            if current is None:
                raise ValueError("unreadable while splicing")
        try:
            text = importer.splice(text, current, [(parent, key, value)], indent)
        except importer.ImportError_:
            if not any(isinstance(p, int) for p in parent):
                raise
            where, list_key, items = _list_edit(parent, new)
            text = importer.splice(text, current, [(where, list_key, items)], indent)
            done.add(where + (list_key,))
        current = None
    back, findings = read(text, file)
    if back is None or back.data != new:
        raise ValueError("read back differs")
    return text, back, findings


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
