"""JSON Schema validation of records; every error becomes a Chinese finding with its place."""

from __future__ import annotations

import difflib
import json
import numbers
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker

from . import suggest
from .findings import Finding, Severity
from .paths import SCHEMAS_DIR
from .records import Record
from .safetext import NAME, TEXT, first_unsafe, visible

SCHEMA_FILE = SCHEMAS_DIR / "election-record.schema.json"

_TYPE_NAMES = {
    "integer": "整数",
    "number": "数字",
    "string": "文字",
    "array": "列表（每项以“- ”开头）",
    "object": "“名称: 值”形式的映射",
    "boolean": "是非值（true 或 false）",
    "null": "空值",
}

DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MONTH_PATTERN = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$"

# Pattern -> what the value should look like, for the messages.
_PATTERN_HINTS = {
    DATE_PATTERN: "日期应写作 2026-03-18（年-月-日，半角数字，月日补足两位）",
    MONTH_PATTERN: "出生年月应写作 1972-05（年-月，半角数字，月份补足两位）",
    "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$": "出生日期应写作 1990-05-12（年-月-日，半角数字，月日补足两位），或只写年月 1990-05",
    "^[^\\s\\d０-９]": "姓名应以汉字或字母开头，不能以空格或数字开头",
    "^.{1,10}族$": "民族应写全称，如“汉族”“回族”",
    "^[a-z][a-z0-9_-]{0,39}$": "规则配置名应由小写英文字母、数字、- 或 _ 组成，如 default、sichuan",
}

_FULL_WIDTH_DIGITS = re.compile("[０-９]")

# The schema's own formats for names (safetext's name rule): "huanjie-name" for a person's name (the message says
# 姓名), "huanjie-label" for posts, units, places and the like (the message uses the field's title).
NAME_FORMATS = ("huanjie-name", "huanjie-label")


def _formats() -> FormatChecker:
    checker = FormatChecker()
    checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    for name in NAME_FORMATS:
        checker.checks(name)(lambda value: not isinstance(value, str) or first_unsafe(value, NAME) is None)
    return checker


@cache
def load_schema(path: str = str(SCHEMA_FILE)) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@cache
def _validator(path: str = str(SCHEMA_FILE)) -> Draft202012Validator:
    schema = load_schema(path)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=_formats())


def _resolve(schema: dict, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/$defs/"):
        target = schema["$defs"][node["$ref"].split("/")[-1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _subschema(schema: dict, path: Iterable) -> dict | None:
    node = _resolve(schema, schema)
    for part in path:
        if not isinstance(node, dict):
            return None
        if isinstance(part, int):
            node = node.get("items")
        else:
            if "then" in node and "properties" not in node:  # an item that is a name or an object (a voter)
                node = _resolve(schema, node["then"])
            props = node.get("properties", {})
            node = props.get(part, node.get("additionalProperties"))
        node = _resolve(schema, node)
    return node if isinstance(node, dict) else None


def field_title(path: Iterable, schema: dict | None = None) -> str:
    """The Chinese title of the field at `path` or of its nearest titled ancestor."""
    schema = schema or load_schema()
    path = list(path)
    while path:
        node = _subschema(schema, path)
        if node and node.get("title"):
            return node["title"]
        path.pop()
    return "记录"


def describe(value: Any) -> str:
    """How a found value is named in a message."""
    if value is None:
        return "空值（冒号后什么也没写）"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        shown = visible(value if len(value) <= 40 else value[:40] + "…")
        text = f"文字“{shown}”"
        if _FULL_WIDTH_DIGITS.search(value):
            text += "（含全角数字，请改用半角数字 0-9）"
        elif re.fullmatch(r"[0-9]+(?:[,，][0-9]+)+", value):
            text += "（数字中不要加逗号）"
        elif value in ("是", "否", "对", "错"):
            text += "（请写 true 表示是，false 表示否）"
        return text
    if isinstance(value, list):
        return f"列表（{len(value)} 项）"
    if isinstance(value, dict):
        return "“名称: 值”形式的映射"
    return type(value).__name__


def _enum_text(schema_node: dict) -> str:
    values = schema_node.get("enum", [])
    description = schema_node.get("description", "")
    shown = "、".join(str(v) for v in values)
    return shown + (f"（{description}）" if description and any(str(v) in description for v in values) else "")


def _type_hint(value: Any, expected: list[str], node: dict | None = None, title: str = "") -> str:
    """A hint for the usual slips behind a type error: a number in quotes, a full-width colon, a value YAML read as
    a number (an Excel date serial, 1975.4 for a month, 12 for a 届次, a phone number), a count with its unit."""
    if isinstance(value, str) and {"integer", "number"} & set(expected):
        if re.fullmatch(r"[-+]?0[0-9]+", value):
            return "（数字不要以 0 开头）"
        if re.fullmatch(r"[-+]?[0-9]+(?:\.[0-9]+)?", value):
            return "（数字不要加引号）"
        with_unit = suggest.unit_suffix(value)
        if with_unit:
            return f"（去掉“{with_unit[1]}”，写作 {with_unit[0]}）"
    if isinstance(value, str) and "object" in expected:
        if "：" in value:
            return "（注意：冒号应为半角“:”，后跟一个空格，不是全角“：”）"
        missing_space = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*):(\S.*)", value)
        if missing_space:
            return f"（冒号后缺空格：请写作“{missing_space[1]}: {missing_space[2]}”）"
    if "string" in expected and isinstance(value, int | float) and not isinstance(value, bool):
        return _number_for_text(value, (node or {}).get("pattern", ""), title)
    return ""


def _number_for_text(value: float, pattern: str, title: str) -> str:
    """What a field that holds text should say when YAML read what was typed as a number."""
    if pattern == DATE_PATTERN and isinstance(value, int):
        day = suggest.excel_date(value)
        return f"（{value} 是 Excel 的日期序号，即 {day}；请写作 {day}）" if day else ""
    if pattern == MONTH_PATTERN and isinstance(value, float):
        months = suggest.month_of_number(value)
        if len(months) == 2:
            return f"（请写作 {months[0]}；若是 10 月，写作 {months[1]}）"
        return f"（请写作 {months[0]}）" if months else ""
    if title == "届次" and isinstance(value, int):
        term = suggest.term_text(value)
        return f"（请写作 {term}）" if term else ""
    if "电话" in title or "号码" in title:
        return f'（号码请加引号，写作 "{value}"；不加引号时会当作数字，开头的 0 会丢失）'
    return ""


def _messages(error: jsonschema.ValidationError, schema: dict) -> list[tuple[str, tuple, bool]]:
    """[(message, path the finding points at, whether to point at the key rather than the value)]."""
    path = tuple(error.absolute_path)
    keyword, value = error.validator, error.instance
    if keyword == "required":
        # jsonschema reports each missing name in its own error, with the same instance.
        missing = _missing_name(error)
        child = _subschema(schema, path + (missing,)) or {}
        label = child.get("title", missing)
        return [(f"缺少必填字段 {missing}（{label}）。", path, False)]
    if keyword == "additionalProperties":
        # One error names every unknown field of the mapping; each gets its own finding.
        node = _subschema(schema, path) or {}
        if "then" in node and "properties" not in node:  # a voter written as an object
            node = _resolve(schema, node["then"])
        allowed = list(node.get("properties", {}))
        out = []
        for key in (key for key in value if key not in allowed):
            if "：" in str(key):
                hint = "字段名后的冒号应为半角“:”，后跟一个空格，不是全角“：”。"
            else:
                hint = _unknown_key_hint(str(key), node)
            out.append((f"未知字段“{visible(str(key))}”。{hint}", path + (key,), True))
        return out
    if keyword == "format" and error.validator_value in NAME_FORMATS:
        return [_character_message(error, schema)]
    return [_message(error, schema)]


def _unknown_key_hint(key: str, node: dict) -> str:
    """是否应为“registered”？ — or, for a field's Chinese title typed as its name, the name it is the title of."""
    properties = node.get("properties", {})
    allowed = list(properties)
    titles: dict[str, str] = {}
    for name, child in properties.items():
        title = (_resolve(load_schema(), child) or {}).get("title")
        if title:
            titles.setdefault(str(title), name)
    if key in titles or key.strip() in titles:
        name = titles[key.strip()]
        return f"“{visible(key)}”是字段 {name} 的中文名称；字段名请用英文，写作“{name}: …”。"
    guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if guess:
        return f"是否应为“{guess[0]}”？"
    near = difflib.get_close_matches(key, list(titles), n=1, cutoff=0.5)
    if near:
        return f"是否是“{near[0]}”？它的字段名是 {titles[near[0]]}，请写作“{titles[near[0]]}: …”。"
    return f"此处可用的字段：{'、'.join(allowed)}。"


def character_message(word: str, value: str, rule: str = NAME) -> str | None:
    """姓名“王\\x1b建国”的第 2 个字符是控制字符 ESC（U+001B），不能出现在姓名中；请删除它。 (None: nothing wrong)."""
    found = first_unsafe(value, rule)
    if found is None:
        return None
    position, what = found
    if len(value) > 40:  # show the part around the character
        start = max(0, position - 11)
        shown = ("…" if start else "") + visible(value[start : start + 20]) + "…"
    else:
        shown = visible(value)
    return f"{word}“{shown}”的第 {position} 个字符是{what}，不能出现在{word}中；请删除它。"


def _character_message(error: jsonschema.ValidationError, schema: dict) -> tuple[str, tuple, bool]:
    """A name (or a post, a unit's name …) holding a control or format character: which one, where."""
    path = tuple(error.absolute_path)
    value = str(error.instance)
    is_key = "propertyNames" in error.absolute_schema_path
    where = path + (value,) if is_key else path
    if error.validator_value == "huanjie-name":
        word = "姓名"
    else:
        word = error.schema.get("title") or field_title(where, schema)
    return character_message(word, value) or f"{word}中有不允许的字符。", where, is_key


def _missing_name(error: jsonschema.ValidationError) -> str:
    """The property a `required` error is about (its message is "'name' is a required property")."""
    for name in error.validator_value:
        if name not in error.instance and error.message == f"{name!r} is a required property":
            return name
    return next((name for name in error.validator_value if name not in error.instance), error.validator_value[0])


def _message(error: jsonschema.ValidationError, schema: dict) -> tuple[str, tuple, bool]:
    """(message, path the finding points at, whether to point at the key rather than the value)."""
    path = tuple(error.absolute_path)
    title = field_title(path, schema) if path else "记录"
    keyword, value, expected = error.validator, error.instance, error.validator_value
    if keyword == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        expected_names = [_TYPE_NAMES.get(t, t) for t in types]
        hint = _type_hint(value, types, error.schema, title)
        return f"{title}应为{'或'.join(expected_names)}，实际为{describe(value)}{hint}。", path, False
    if keyword == "enum":
        node = _subschema(schema, path) or error.schema
        return f"{title}应为以下之一：{_enum_text(node)}；实际为{describe(value)}。", path, False
    if keyword == "pattern":
        hint = _PATTERN_HINTS.get(expected, f"{title}的格式不对")
        fixed = {DATE_PATTERN: suggest.date_text, MONTH_PATTERN: suggest.month_text}.get(expected)
        corrected = fixed(value) if fixed is not None and isinstance(value, str) else None
        tail = f"，请改为 {corrected}" if corrected and corrected != value else ""
        return f"{hint}；实际为{describe(value)}{tail}。", path, False
    if keyword == "format":
        return f"{title}不是存在的日期：{value}（请核对月份和日子，如 2 月没有 30 日）。", path, False
    if keyword == "minimum":
        if expected == 0:
            return f"{title}不能为负数，实际为 {value}。", path, False
        return f"{title}至少为 {expected}，实际为 {value}。", path, False
    if keyword == "maximum":
        return f"{title}不能超过 {expected}，实际为 {describe(value)}，请核对。", path, False
    if keyword == "minLength":
        return f"{title}不能为空。", path, False
    if keyword == "maxLength":
        return f"{title}过长：最多 {expected} 个字，实际 {len(value)} 个字。", path, False
    if keyword == "minItems":
        return f"{title}至少要有 {expected} 项，实际为 {len(value)} 项。", path, False
    if keyword == "maxItems":
        return f"{title}最多 {expected} 项，实际为 {len(value)} 项。", path, False
    return f"{title}不符合要求（{keyword}）。", path, False


_IDS = {
    "type": "SCHEMA-TYPE",
    "required": "SCHEMA-REQUIRED",
    "additionalProperties": "SCHEMA-UNKNOWN-FIELD",
    "enum": "SCHEMA-ENUM",
    "pattern": "SCHEMA-FORMAT",
    "format": "SCHEMA-DATE",
    "minimum": "SCHEMA-RANGE",
    "maximum": "SCHEMA-RANGE",
    "minLength": "SCHEMA-EMPTY",
    "maxLength": "SCHEMA-LENGTH",
    "minItems": "SCHEMA-ITEMS",
    "maxItems": "SCHEMA-ITEMS",
    # A key that is a name or a post (votes: {职位: {姓名: 票数}}); its errors come from the key's own rule.
    "propertyNames": "SCHEMA-FORMAT",
}


def _finding_id(error: jsonschema.ValidationError) -> str:
    if error.validator == "format" and error.validator_value in NAME_FORMATS:
        return "SCHEMA-FORMAT"  # a character a name may not hold, like any other misshapen name
    return _IDS.get(str(error.validator), "SCHEMA-OTHER")


_CONTEST_FIELDS = ("seats", "electorate", "candidates", "rounds")


# The shapes `_predicate` turns into plain Python; a subschema with any other keyword gets no fast path.
_QUIET_KEYWORDS = {"title", "description"}
_STRING_KEYWORDS = _QUIET_KEYWORDS | {"type", "enum", "pattern", "minLength", "maxLength", "format"}
_OBJECT_KEYWORDS = _QUIET_KEYWORDS | {"type", "required", "properties", "additionalProperties"}
_BRANCH_KEYWORDS = _QUIET_KEYWORDS | {"if", "then", "else"}


def _predicate(schema: dict, node: Any) -> Any:
    """A function value -> bool that says what jsonschema would (valid or not) for `node`, or None.

    Only for three shapes, the ones a voter uses: a string (type, string enum, pattern, lengths, the name formats),
    an object (type, required, properties, `additionalProperties: false`) and if/then/else of those; anything else
    returns None and the caller keeps jsonschema. Used to skip jsonschema's per-item walk over a long roll whose
    items are all valid (issue 16: 5,000 voters cost 0.3 s there).
    """
    node = _resolve(schema, node)
    if not isinstance(node, dict) or "$ref" in node:
        return None
    keys = set(node)
    if keys <= _BRANCH_KEYWORDS and "if" in keys:
        test, then, other = (
            _predicate(schema, node[k]) if k in node else (lambda v: True) for k in ("if", "then", "else")
        )
        if test is None or then is None or other is None:
            return None
        return lambda v: then(v) if test(v) else other(v)
    if keys <= _STRING_KEYWORDS and node.get("type", "string") == "string" and not keys & {"required", "properties"}:
        return _string_predicate(node)
    if keys <= _OBJECT_KEYWORDS and node.get("type") == "object":
        return _object_predicate(schema, node)
    return None


def _string_predicate(node: dict) -> Any:
    typed = "type" in node
    values = node.get("enum")
    if values is not None and not all(isinstance(v, str) for v in values):
        return None
    allowed = frozenset(values) if values is not None else None
    search = re.compile(node["pattern"]).search if "pattern" in node else None
    shortest = node.get("minLength", 0)
    longest = node.get("maxLength")
    if "format" in node and node["format"] not in NAME_FORMATS:
        return None
    name = "format" in node

    def check(v: Any) -> bool:
        if not isinstance(v, str):
            return not typed and allowed is None  # the other keywords leave a non-string alone
        if allowed is not None and v not in allowed:
            return False
        if search is not None and search(v) is None:
            return False
        if len(v) < shortest or (longest is not None and len(v) > longest):
            return False
        return not name or first_unsafe(v, NAME) is None

    return check


def _object_predicate(schema: dict, node: dict) -> Any:
    required = tuple(node.get("required", ()))
    properties = {}
    for key, sub in node.get("properties", {}).items():
        properties[key] = _predicate(schema, sub)
        if properties[key] is None:
            return None
    closed = "additionalProperties" in node
    if closed and node["additionalProperties"] is not False:
        return None

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return False
        for key in required:
            if key not in v:
                return False
        for key, item in v.items():
            test = properties.get(key)
            if test is None:
                if closed:
                    return False
            elif not test(item):
                return False
        return True

    return check


_ROLL = ("electorate", "groups", 0, "voters")


@cache
def _roll_items() -> tuple[Any, int] | None:
    """(predicate for one voter, the roll's maxItems) when the roll's schema allows the fast path."""
    schema = load_schema()
    roll = _subschema(schema, _ROLL)
    if roll is None or not set(roll) <= _QUIET_KEYWORDS | {"type", "maxItems", "items"} or roll.get("type") != "array":
        return None
    check = _predicate(schema, roll.get("items", {}))
    return None if check is None else (check, roll.get("maxItems", float("inf")))


def _without_valid_rolls(data: Any) -> tuple[Any, set[tuple]]:
    """The data with every roll whose voters are all valid replaced by an empty list, and where those rolls were.

    jsonschema's verdict on the rest of the record does not change (an empty roll is valid, the roll's own
    keywords are type and maxItems only), so the errors are the same as on the full data, found faster.
    """
    fast = _roll_items()
    if fast is None or not isinstance(data, dict):
        return data, set()
    check, most = fast
    stripped: set[tuple] = set()

    def strip(place: dict, prefix: tuple) -> dict:
        electorate = place.get("electorate")
        if not isinstance(electorate, dict) or not isinstance(electorate.get("groups"), list):
            return place
        groups = list(electorate["groups"])
        found = False
        for index, group in enumerate(groups):
            voters = group.get("voters") if isinstance(group, dict) else None
            if isinstance(voters, list) and voters and len(voters) <= most and all(check(v) for v in voters):
                groups[index] = {**group, "voters": []}
                stripped.add((*prefix, "electorate", "groups", index, "voters"))
                found = True
        return {**place, "electorate": {**electorate, "groups": groups}} if found else place

    reduced = strip(data, ())
    if isinstance(data.get("contests"), list):
        contests = list(data["contests"])
        for index, contest in enumerate(contests):
            if isinstance(contest, dict):
                contests[index] = strip(contest, ("contests", index))
        reduced = {**reduced, "contests": contests}
    return reduced, stripped


# --- a record that is valid, known without jsonschema ---------------------------------------------------------
# jsonschema spends about 2 ms on a typical record (most of it resolving $refs and evolving validators), a tenth of
# a unit's batch time besides rendering. Most records are valid: `_valid` is the record schema turned into plain
# Python predicates that are *sound*: True only where jsonschema finds no error (where unsure, such as an integer
# written 3.0 or an enum value of another type, they say False). True skips jsonschema; False asks it, for the errors
# and their messages, as before. A schema keyword they do not know turns the whole fast path off.
_FAST_KEYWORDS = _QUIET_KEYWORDS | {
    "$schema", "$id", "$defs", "$comment", "$ref", "type", "enum", "pattern", "format", "minLength", "maxLength",
    "minimum", "maximum", "required", "properties", "additionalProperties", "propertyNames", "items", "minItems",
    "maxItems", "if", "then", "else",
}  # fmt: skip
# jsonschema's types, exactly ("string", "object", …) or more strictly ("integer": an int, not 3.0).
_FAST_TYPES: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: type(v) is int,
    "number": lambda v: type(v) is int or type(v) is float,
}
_EXACT_TYPES = ("string", "object", "array", "boolean", "null")  # the ones an `if` may test (its False matters)


def _always(_v: Any) -> bool:
    return True


def _never(_v: Any) -> bool:
    return False


class _Unsupported(Exception):
    """A schema shape the fast path does not know: it is not used."""


def _fast(schema: dict, node: Any, refs: dict[str, Any]) -> Any:
    """A sound predicate for `node` (see above); raises `_Unsupported`."""
    if node is True:
        return _always
    if node is False:
        return _never
    if not isinstance(node, dict) or not set(node) <= _FAST_KEYWORDS:
        raise _Unsupported
    if node is not schema and ("$id" in node or "$schema" in node or "$defs" in node):
        raise _Unsupported  # another base for references
    checks: list[Any] = _fast_ref(schema, node, refs)
    if "type" in node:
        names = node["type"] if isinstance(node["type"], list) else [node["type"]]
        tests = [_FAST_TYPES[n] for n in names if n in _FAST_TYPES]
        if len(tests) != len(names):
            raise _Unsupported
        checks.append(lambda v: any(t(v) for t in tests))
    if "enum" in node:
        values = list(node["enum"])
        checks.append(lambda v: any(type(v) is type(e) and v == e for e in values))
    checks += _fast_string(node)
    checks += _fast_number(node)
    checks += _fast_object(schema, node, refs)
    checks += _fast_array(schema, node, refs)
    if "if" in node:
        test = node["if"]
        if not (isinstance(test, dict) and set(test) == {"type"} and test["type"] in _EXACT_TYPES):
            raise _Unsupported
        exact = _FAST_TYPES[test["type"]]
        then = _fast(schema, node["then"], refs) if "then" in node else _always
        other = _fast(schema, node["else"], refs) if "else" in node else _always
        checks.append(lambda v: then(v) if exact(v) else other(v))
    elif "then" in node or "else" in node:
        pass  # without `if`, jsonschema ignores them
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(check(v) for check in checks)


def _fast_ref(schema: dict, node: dict, refs: dict[str, Any]) -> list[Any]:
    if "$ref" not in node:
        return []
    ref = node["$ref"]
    if not isinstance(ref, str) or not ref.startswith("#/$defs/") or "/" in ref[len("#/$defs/") :]:
        raise _Unsupported
    name = ref[len("#/$defs/") :]
    if name not in schema.get("$defs", {}):
        raise _Unsupported
    if name not in refs:
        refs[name] = None  # being compiled (a recursive reference looks it up when called)
        refs[name] = _fast(schema, schema["$defs"][name], refs)
    return [lambda v: refs[name](v)]


def _fast_string(node: dict) -> list[Any]:
    out: list[Any] = []
    shortest, longest = node.get("minLength"), node.get("maxLength")
    if shortest is not None or longest is not None:
        low, high = shortest or 0, longest if longest is not None else float("inf")
        out.append(lambda v: not isinstance(v, str) or low <= len(v) <= high)
    if "pattern" in node:
        search = re.compile(node["pattern"]).search
        out.append(lambda v: not isinstance(v, str) or search(v) is not None)
    if "format" in node:
        conforms, name = _validator().format_checker.conforms, node["format"]
        out.append(lambda v: conforms(v, name))
    return out


def _fast_number(node: dict) -> list[Any]:
    if "minimum" not in node and "maximum" not in node:
        return []
    low, high = node.get("minimum", float("-inf")), node.get("maximum", float("inf"))

    def check(v: Any) -> bool:
        if isinstance(v, bool) or not isinstance(v, numbers.Number):
            return True  # jsonschema leaves them alone
        return (type(v) is int or type(v) is float) and low <= v <= high  # another number: unsure

    return [check]


def _fast_object(schema: dict, node: dict, refs: dict[str, Any]) -> list[Any]:
    keys = {"required", "properties", "additionalProperties", "propertyNames"}
    if not keys & set(node):
        return []
    required = tuple(node.get("required", ()))
    properties = {k: _fast(schema, sub, refs) for k, sub in node.get("properties", {}).items()}
    extra = _fast(schema, node["additionalProperties"], refs) if "additionalProperties" in node else _always
    names = _fast(schema, node["propertyNames"], refs) if "propertyNames" in node else None

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        for key in required:
            if key not in v:
                return False
        for key, item in v.items():
            if names is not None and not names(key):
                return False
            test = properties.get(key)
            if not (test(item) if test is not None else extra(item)):
                return False
        return True

    return [check]


def _fast_array(schema: dict, node: dict, refs: dict[str, Any]) -> list[Any]:
    if not {"items", "minItems", "maxItems"} & set(node):
        return []
    item = _fast(schema, node["items"], refs) if "items" in node else _always
    low, high = node.get("minItems", 0), node.get("maxItems", float("inf"))
    return [lambda v: not isinstance(v, list) or (low <= len(v) <= high and all(item(x) for x in v))]


@cache
def _valid() -> Any:
    """The record schema's sound predicate, or None when the schema has a shape it does not know."""
    schema = load_schema()
    try:
        return _fast(schema, schema, {})
    except _Unsupported:
        return None


def _schema_errors(data: Any) -> list[jsonschema.ValidationError]:
    """jsonschema's errors for the data: none when `_valid` says so; else skipping the walk over rolls whose voters
    are all valid."""
    valid = _valid()
    if valid is not None and valid(data):
        return []
    reduced, stripped = _without_valid_rolls(data)
    if not stripped:
        return list(_validator().iter_errors(data))
    errors = list(_validator().iter_errors(reduced))
    # An error on a group that holds a stripped roll would describe the reduced group: ask again on the full data.
    groups = {path[:-1] for path in stripped}
    if any(tuple(e.absolute_path)[: len(g)] == g for e in errors for g in groups):
        return list(_validator().iter_errors(data))
    return errors


def validate(record: Record) -> list[Finding]:
    """All schema findings of one record, in file order."""
    schema = load_schema()
    findings = []
    errors = _schema_errors(record.data)
    damaged = record.damaged
    # A date that breaks the pattern (2026/3/18) is not also reported as a nonexistent date.
    misshapen = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    # A name with a control character is reported for that character only (not also as "starts with a space").
    bad_characters = {
        tuple(e.absolute_path) for e in errors if e.validator == "format" and e.validator_value in NAME_FORMATS
    }
    for error in errors:
        path = tuple(error.absolute_path)
        if path in damaged:
            continue  # the loader has already said why this value could not be read
        if error.validator == "format" and error.validator_value not in NAME_FORMATS and path in misshapen:
            continue
        if error.validator == "pattern" and path in bad_characters:
            continue
        for message, where, key in _messages(error, schema):
            findings.append(record.finding(_finding_id(error), Severity.ERROR, message, where, key=key))
    data = record.data
    if isinstance(data, dict) and "contests" in data:
        for name in _CONTEST_FIELDS:
            if name in data:
                findings.append(
                    record.finding(
                        "RECORD-CONTESTS-MIXED",
                        Severity.ERROR,
                        f"记录已用 contests 分场次，顶层不能再写 {name}；请把它移到相应场次下。",
                        (name,),
                        key=True,
                    )
                )
    findings.extend(_free_text(record, {f.path for f in findings}))
    findings.sort(key=lambda f: (f.line or 0, f.column or 0, f.id))
    return findings


def _strings(value: Any, path: tuple = ()) -> Iterable[tuple[tuple, str, bool]]:
    """(path, text, whether it is a key) of every string in the record, keys included, in file order."""
    if isinstance(value, str):
        yield path, value, False
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield path + (key,), key, True
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


def _all_printable(value: Any) -> bool:
    """Whether every string in the value, keys included, is printable (then no text holds a forbidden character)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not item.isprintable():
                return False
        elif isinstance(item, dict):
            for key, inner in item.items():
                if isinstance(key, str) and not key.isprintable():
                    return False
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _free_text(record: Record, reported: set[str]) -> list[Finding]:
    """Every other string (free text, keys, values the schema refused) with a character no text may hold.

    Free text may keep tabs, line feeds and invisible joiners, never other control characters, line separators,
    bidi controls, lone surrogates or noncharacters (they break the documents, the report or the terminal).
    """
    from .findings import format_path

    if _all_printable(record.data):
        return []  # the common case, found without building a path per string
    schema = load_schema()
    out = []
    for path, text, is_key in _strings(record.data):
        if text.isprintable() or first_unsafe(text, TEXT) is None:
            continue  # the common case: nothing to say, and no title to look up
        if path in record.damaged or format_path(path) in reported:
            continue
        word = "字段名" if is_key else field_title(path, schema)
        message = character_message(word, text, TEXT)
        if message is not None:
            out.append(record.finding("SCHEMA-FORMAT", Severity.ERROR, message, path, key=is_key))
    return out
