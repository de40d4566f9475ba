"""Reading election records from YAML safely, keeping the line and column of every value.

The YAML text is never handed to a constructor that can build objects: the event stream of
PyYAML's safe parser is turned into plain dicts, lists and scalars here, so an object tag
(``!!python/object/apply:os.system``) can only ever produce a finding. Along the way this
module enforces the limits a record must respect (size, nesting depth, alias expansion,
duplicate keys) and records where each value stands in the file. `ParseCache` lets a caller that reads
many versions of one record (the web page, on every save) re-read only the parts of the text that changed.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

if TYPE_CHECKING:
    from yaml._yaml import Mark as _CMark  # libyaml's marks, on events from the fast parser

from .findings import Finding, Severity, format_path
from .fsutil import os_reason
from .words import KIND_ALIASES, METHOD_ALIASES

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 2_000_000
# Nodes that aliases may add on top of what is written out: a record needs no aliases at all,
# and every aliased node costs a schema check, so a small file must not expand into millions.
MAX_ALIAS_NODES = 100_000
MAX_NUMBER_DIGITS = 30

Path = tuple  # tuple[str | int, ...]
Position = tuple  # (line, column), both 1-based

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}

# The only integers read as numbers: plain decimals. YAML 1.1 would read `0147` as octal 103,
# `1:30` as 90 and `0x1F` as 31; in a record these are text the schema then reports.
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")
_TAG_NAMES = {_TAG + "int": "整数", _TAG + "float": "数字", _TAG + "bool": "是非值（true 或 false）"}


class _Loader(yaml.SafeLoader):
    """Safe loader whose implicit types are limited to what a record uses.

    Dates stay strings (the schema checks their form), so `2026-03-18` and `1972-05` read alike.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TAG + "timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


@dataclass(frozen=True)
class Record:
    """One parsed record: its data and where every value stands in the file."""

    file: str
    data: Any
    positions: Mapping[Path, Position] = field(repr=False)
    key_positions: Mapping[Path, Position] = field(repr=False)
    # Paths whose value could not be read (a tag, an overlong number, an undefined alias) and
    # stands as None: the loader has said why, so the schema does not report them again.
    damaged: frozenset[Path] = field(default=frozenset(), repr=False)
    # A record read from a workbook: the sheet!cell of each path (`pipeline/sheets/record.py`).
    cells: Mapping[Path, str] | None = field(default=None, repr=False)

    def cell_of(self, path: Path) -> str:
        """The sheet!cell of `path` (or of its nearest ancestor) in a workbook record, else ""."""
        if self.cells is None:
            return ""
        path = tuple(path)
        while True:
            if path in self.cells:
                return self.cells[path]
            if not path:
                return ""
            path = path[:-1]

    def locate(self, path: Path, key: bool = False) -> Position | tuple[None, None]:
        """Position of the value (or its key) at `path`, else of the nearest ancestor."""
        path = tuple(path)
        if key and path in self.key_positions:
            return self.key_positions[path]
        while True:
            if path in self.positions:
                return self.positions[path]
            if not path:
                return (None, None)
            path = path[:-1]

    def finding(
        self, id: str, severity: Severity, message: str, path: Path = (), citation: str = "", key: bool = False
    ) -> Finding:
        line, column = self.locate(path, key=key)
        return Finding(
            id=id,
            severity=severity,
            message=message,
            file=self.file,
            line=line,
            column=column,
            path=format_path(path),
            citation=citation,
            cell=self.cell_of(path),
        )


class _Stop(Exception):
    """Raised inside the builder when reading must end (the findings say why)."""


def _file_finding(
    file: str, id: str, message: str, line: int | None = None, column: int | None = None, unreadable: bool = True
) -> Finding:
    return Finding(
        id=id, severity=Severity.ERROR, message=message, file=file, line=line, column=column, unreadable=unreadable
    )


_TOO_LARGE = "记录文件不能超过 5 MB。请检查是否误选了其他文件；选民名单过长时可分到多个场次或多个记录。"


def _kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in the words of a user."""
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"


def _not_regular(file: str, mode: int) -> Finding:
    return _file_finding(
        file,
        "FILE-UNREADABLE",
        f"不是普通文件：这是一个{_kind_of(mode)}，未读取。记录须为普通的 .yaml 文本文件；"
        "请检查该路径是否误指向了管道、设备或其他特殊文件。",
    )


def _opener(path: str, flags: int) -> int:
    """Open without blocking (a FIFO put in place after the stat) and without taking a terminal."""
    return os.open(path, flags | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))


def read_bytes(file: str) -> tuple[bytes | None, list[Finding]]:
    """The bytes of a record file, at most `MAX_BYTES`, or say in Chinese why it cannot be read.

    The one bounded way to read a record (check, render and batch's stamp key all come here): the file type and
    size are looked at with os.stat before anything is opened, so a FIFO, a device (a link to /dev/zero), a
    socket or a symlink loop is refused without reading; the file is opened non-blocking as a second guard and
    never more than ``MAX_BYTES + 1`` bytes are read.
    """
    try:
        info = os.stat(file)
        if stat.S_ISDIR(info.st_mode):
            return None, [
                _file_finding(
                    file,
                    "FILE-IS-DIRECTORY",
                    "这是一个文件夹，其中没有 .yaml 记录文件；请指定记录文件，或含记录文件的文件夹。",
                )
            ]
        if not stat.S_ISREG(info.st_mode):
            return None, [_not_regular(file, info.st_mode)]
        if info.st_size > MAX_BYTES:
            return None, [
                _file_finding(file, "FILE-TOO-LARGE", f"文件过大：{info.st_size / 1024 / 1024:.1f} MB，{_TOO_LARGE}")
            ]
        with open(file, "rb", opener=_opener) as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):  # replaced between the stat and the open
                return None, [_not_regular(file, mode)]
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:  # grew after the stat
            return None, [_file_finding(file, "FILE-TOO-LARGE", f"文件过大：超过 5 MB，{_TOO_LARGE}")]
    except FileNotFoundError:
        if os.path.islink(file):
            return None, [
                _file_finding(
                    file, "FILE-NOT-FOUND", "这是一个符号链接（快捷方式），但它指向的文件不存在；请检查链接。"
                )
            ]
        return None, [_file_finding(file, "FILE-NOT-FOUND", "找不到该文件，请检查路径和文件名。")]
    except PermissionError:
        return None, [_file_finding(file, "FILE-UNREADABLE", "没有读取该文件的权限。")]
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, [
                _file_finding(
                    file,
                    "FILE-UNREADABLE",
                    "无法读取：路径中的符号链接循环引用（链接最终又指向自己），请删除或改正这个链接。",
                )
            ]
        if exc.errno == errno.ENAMETOOLONG:
            return None, [_file_finding(file, "FILE-UNREADABLE", name_too_long(file))]
        return None, [_file_finding(file, "FILE-UNREADABLE", f"无法读取该文件（{os_reason(exc)}）。")]
    return raw, []


NAME_MAX = 255  # bytes of one path component (Linux, and most file systems)


def name_too_long(path: str) -> str:
    """The message for a path the file system refuses as too long: its longest component and the limit."""
    longest = max(path.replace(os.sep, "/").split("/"), key=lambda part: len(part.encode("utf-8", "surrogateescape")))
    size = len(longest.encode("utf-8", "surrogateescape"))
    if size > NAME_MAX:
        return (
            f"文件名太长：“{longest[:20]}…”有 {size} 字节（UTF-8 中一个汉字占 3 字节），"
            f"超过文件系统每一级名称 {NAME_MAX} 字节的上限（约 85 个汉字）；请缩短文件名。"
        )
    return "路径太长：各级文件夹加起来超过了文件系统的上限；请把记录移到层级较浅的文件夹中。"


def read_text(file: str) -> tuple[str | None, list[Finding]]:
    """Read a record file as text (bounded, see `read_bytes`), or say in Chinese why it cannot be read."""
    raw, findings = read_bytes(file)
    if raw is None:
        return None, findings
    return decode(raw, file)


def decode(raw: bytes, file: str) -> tuple[str | None, list[Finding]]:
    """UTF-8 with or without BOM; anything else gets a message saying how to fix it."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [
            _file_finding(
                file,
                "FILE-ENCODING",
                "文件是 UTF-16 编码，记录文件须为 UTF-8 编码。请用记事本或 WPS 打开，“另存为”时编码选择 UTF-8。",
            )
        ]
    if b"\x00" in raw:
        sheet = file.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods"))
        hint = f"如果这是选民名单等表格，请用 huanjie import {file} --into 记录.yaml 把它导入记录。" if sheet else ""
        return None, [
            _file_finding(
                file,
                "FILE-BINARY",
                "这不是文本文件（含有二进制内容），可能误选了 Word、Excel 或图片文件。记录须为 UTF-8 文本的 .yaml 文件。"
                + hint,
            )
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        try:
            raw.decode("gb18030")
            guess = "看起来是 GBK（GB18030）编码，常见于旧版记事本或 WPS 的默认保存"
        except UnicodeDecodeError:
            guess = "无法识别其编码"
        return None, [
            _file_finding(
                file,
                "FILE-ENCODING",
                f"文件不是 UTF-8 编码（{guess}）。请用记事本或 WPS 打开，“另存为”时编码选择 UTF-8，再重新检查。",
                line,
                column,
            )
        ]


_PROBLEMS = [
    # Matched against "problem context" in this order; the first match wins.
    ("while scanning a directive", "以“%”开头的行是 YAML 指令，记录中用不到，请删除这一行（以 % 开头的文字请加引号）"),
    ("YAML directive", "以“%”开头的行是 YAML 指令，记录中用不到，请删除这一行（以 % 开头的文字请加引号）"),
    ("tag handle", "“!”开头的标签写法不对；记录中用不到标签，请删除（以 ! 开头的文字请加引号）"),
    ("while scanning a tag", "“!”开头的标签写法不对；记录中用不到标签，请删除（以 ! 开头的文字请加引号）"),
    (
        "while scanning a block scalar",
        "以“|”或“>”开头的值表示多行文字，其后同一行不能再写内容；如果只是普通文字，请加引号",
    ),
    ("expected escape sequence of", "双引号中的“\\x”“\\u”后应跟十六进制数字；路径等文字请用单引号"),
    (
        "expected '<document start>'",
        "这里有多余的内容：前面的内容已经结束（如引号或括号已闭合），后面不能再接文字；请检查引号、括号和缩进",
    ),
    ("mapping keys are not allowed here", "这里不能出现“?”：以 ? 开头的文字请加引号"),
    (
        "found character '\\t' that cannot start any token",
        "这里出现了制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格",
    ),
    ("found character '\\t'", "这里出现了制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格"),
    (
        "mapping values are not allowed here",
        "这里不能出现冒号“:”。可能是缩进不对、冒号后缺空格，或文字中含冒号而未加引号",
    ),
    ("could not find expected ':'", "缺少冒号“:”。每个字段应写成“名称: 值”（冒号为半角，后跟一个空格）"),
    (
        "expected <block end>, but found '<scalar>'",
        "这里多了一段文字：可能是引号结束后同一行还写了内容，或缩进不对；整段文字请都放在引号内",
    ),
    ("expected <block end>", "缩进不一致：同一层的字段应左对齐，列表项“- ”应对齐"),
    ("did not find expected key", "缩进不一致或缺少冒号：同一层的字段应左对齐"),
    ("did not find expected '-' indicator", "列表缩进不一致：同一列表的各项“- ”应左对齐"),
    ("expected the node content", "这里缺少内容：可能有括号或引号没有闭合"),
    ("found undefined alias", "引用了未定义的锚点（*名称）"),
    ("found unexpected end of stream", "文件意外结束：有引号或括号没有闭合"),
    ("found unknown escape character", "双引号中有无法识别的转义符“\\”；路径等文字请用单引号"),
    ("expected ',' or ']'", "方括号 [ ] 没有正确闭合，或列表项之间缺少逗号"),
    ("expected ',' or '}'", "花括号 { } 没有正确闭合，或字段之间缺少逗号"),
    ("expected alphabetic or numeric character", "“*”或“&”后缺少名称；文字以 * 或 & 开头时请加引号"),
    # PyYAML says "found character '@' that cannot start any token": match the part after the character.
    ("that cannot start any token", "这里有 YAML 不允许作为开头的字符（如 @ 或 `）；请给这段文字加引号"),
    (
        "sequence entries are not allowed here",
        "这里不能出现列表项“- ”：列表项应另起一行并缩进；以“- ”开头的文字请加引号",
    ),
    ("found unexpected document separator", "引号没有闭合：引号中的文字里出现了“---”或“...”分隔线"),
    ("expected a single document", "文件中只能有一条记录（一个 YAML 文档），请删除多余的“---”分隔线"),
    ("but found another document", "文件中只能有一条记录（一个 YAML 文档），请删除多余的“---”分隔线"),
]


# A field name followed by a full-width colon: `kind：village_committee`, `- name：张三`.
_FULL_WIDTH_COLON = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)\s*：")


def _full_width_colon(text: str, upto: int) -> tuple[int, int, str] | None:
    """The nearest `name：` line among line `upto` (0-based) and the two before it.

    Such a line reads as plain text, so the parser stumbles a line or two later; the colon is
    the cause to show.
    """
    lines = text.splitlines()
    for number in range(min(upto, len(lines) - 1), max(upto - 2, 0) - 1, -1):
        match = _FULL_WIDTH_COLON.match(lines[number])
        if match:
            return number, match.end() - 1, match.group(2)
    return None


# A field name glued to its value: `registered:1486` (YAML reads it as text, and stumbles on the next field).
_NO_SPACE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*):(?=[^\s/])(.*)$")


def _missing_space(file: str, text: str, upto: int) -> Finding | None:
    """The `name:value` line among line `upto` (0-based) and the one before it, as a finding at its colon."""
    lines = text.splitlines()
    for number in range(min(upto, len(lines) - 1), max(upto - 1, 0) - 1, -1):
        match = _NO_SPACE.match(lines[number])
        if match:
            name, rest = match[2], match[3].split(" #")[0].strip()
            return Finding(
                id="YAML-SYNTAX",
                severity=Severity.ERROR,
                file=file,
                line=number + 1,
                column=len(match[1]) + len(name) + 1,
                message=f"字段“{name}”的冒号后缺空格：请写作“{name}: {rest}”（冒号为半角，后跟一个空格）。",
            )
    return None


def _syntax_finding(file: str, exc: yaml.MarkedYAMLError, text: str = "") -> Finding:
    mark = exc.problem_mark or exc.context_mark
    glued_problems = ("mapping values are not allowed here", "could not find expected ':'")
    if text and mark and any(problem in f"{exc.problem}" for problem in glued_problems):
        glued = _missing_space(file, text, mark.line)
        if glued is not None:
            return glued
    colon = _full_width_colon(text, mark.line) if text and mark else None
    if colon:
        colon_line, colon_column, name = colon
        return Finding(
            id="YAML-SYNTAX",
            severity=Severity.ERROR,
            file=file,
            line=colon_line + 1,
            column=colon_column + 1,
            message=f"字段“{name}”后面用了全角冒号“：”，请改为半角冒号“:”，并在冒号后加一个空格。",
        )
    problem = f"{exc.problem or ''} {exc.context or ''}"
    message = next((chinese for english, chinese in _PROBLEMS if english in problem), None)
    if message is None:
        message = "YAML 格式错误，无法读懂这里的写法；请对照 huanjie new 生成的样板检查这一行"
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return Finding(
        id="YAML-SYNTAX", severity=Severity.ERROR, message=message + "。", file=file, line=line, column=column
    )


def _at(mark: yaml.error.Mark | _CMark | None) -> Position:
    """The 1-based (line, column) of a parser event's mark; both parsers give every event one."""
    assert mark is not None, "the YAML parser gave an event without a position"
    return mark.line + 1, mark.column + 1


def _preview(value: Any) -> str:
    if isinstance(value, str):
        return f"“{value[:40]}{'…' if len(value) > 40 else ''}”"
    return str(value)[:40]


class _Builder:
    """Turns safe-parser events into plain Python values, with positions and limits."""

    def __init__(self, file: str):
        self.file = file
        self.findings: list[Finding] = []
        self.positions: dict[Path, Position] = {}
        self.key_positions: dict[Path, Position] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.aliases = 0
        self.expanded = 0
        self.alias_nodes = 0
        self.damaged: set[Path] = set()
        self.constructor = SafeConstructor()
        self.resolver = _Loader("")

    def error(self, id: str, message: str, mark, path: Path = ()) -> None:
        self.findings.append(
            Finding(
                id=id,
                severity=Severity.ERROR,
                message=message,
                file=self.file,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                path=format_path(path),
            )
        )

    def check_tag(self, event, path: Path) -> bool:
        tag = getattr(event, "tag", None)
        if tag is None or tag == "!" or tag in _ALLOWED_TAGS:
            return True
        shown = tag.replace(_TAG, "!!")
        self.error(
            "YAML-TAG",
            f"不允许使用 YAML 标签 {shown}：记录中只能写文字、数字、列表和“名称: 值”，标签不会被执行。请删除该标签。",
            event.start_mark,
            path,
        )
        return False

    def scalar(self, event: ScalarEvent, path: Path) -> Any:
        if not self.check_tag(event, path):
            self.damaged.add(path)
            return None
        explicit = event.tag not in (None, "!")
        tag: str
        if event.tag == "!":
            tag = _TAG + "str"
        elif event.tag is not None:
            tag = event.tag
        else:
            tag = self.resolver.resolve(ScalarNode, event.value, event.implicit)
        # The yaml stubs type a node's marks as PyYAML's own, but events from libyaml carry libyaml's marks,
        # which nodes accept at run time (they only show them in error messages).
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark)  # type: ignore[arg-type]
        try:
            if tag == _TAG + "int":
                if not explicit and not _DECIMAL.fullmatch(event.value):
                    return event.value
                digits = sum(ch.isalnum() for ch in event.value)
                if digits > MAX_NUMBER_DIGITS:
                    self.error(
                        "YAML-NUMBER", f"数字过长（{digits} 位），不是合理的人数或票数。", event.start_mark, path
                    )
                    self.damaged.add(path)
                    return None
                return self.constructor.construct_yaml_int(node)
            if tag == _TAG + "float":
                return self.constructor.construct_yaml_float(node)
            if tag == _TAG + "bool":
                return self.constructor.construct_yaml_bool(node)
            if tag == _TAG + "null":
                return None
        except (ValueError, KeyError, IndexError, yaml.YAMLError):
            # Only an explicit tag (`!!int abc`, `!!bool maybe`) gets here.
            shown = _preview(event.value) if event.value else "空值"
            self.error(
                "YAML-TAG",
                f"{shown}不能按标签 {tag.replace(_TAG, '!!')} 读作{_TAG_NAMES[tag]}。请删除该标签。",
                event.start_mark,
                path,
            )
            self.damaged.add(path)
            return None
        return event.value

    def build(self, events: Iterator) -> Any:
        """Build the single document's value; raises _Stop when reading must end.

        One loop over the events with the common cases inline (a scalar in a mapping or a list, a plain scalar that
        can only be text): a 5,000-voter roll is some 60,000 events, so every call saved per event counts.
        """
        # frames: [container, path, pending_key, tag_ok, seen_keys, size, anchor, is_key, start_event, is_list]
        stack: list[list] = []
        top: list | None = None  # stack[-1]
        root: Any = None
        documents = 0
        positions, anchors = self.positions, self.anchors
        first_chars = _Loader.yaml_implicit_resolvers
        plain_memo: dict[str, Any] = {}
        no_key, bad_key = _NO_KEY, _BAD_KEY
        scalar_event, mapping_start, sequence_start = ScalarEvent, MappingStartEvent, SequenceStartEvent
        mapping_end, sequence_end, alias_event, document_start = (
            MappingEndEvent,
            SequenceEndEvent,
            AliasEvent,
            DocumentStartEvent,
        )

        def attach(value: Any, size: int, event) -> None:
            nonlocal root
            if top is None:
                root = value
                return
            frame = top
            container, cpath = frame[0], frame[1]
            frame[5] += size
            if frame[9]:
                container.append(value)
                return
            if frame[2] is no_key:
                # `value` is a key.
                if not isinstance(value, str):
                    self.error(
                        "YAML-KEY",
                        "字段名必须是简单文字，不能是列表或映射。",
                        getattr(event, "start_mark", None),
                        cpath,
                    )
                    frame[2] = bad_key
                    return
                self.key(frame, value, event.start_mark)
                return
            key, frame[2] = frame[2], no_key
            if key is not bad_key:
                container[key] = value

        def child_path() -> tuple[Path, bool]:
            """The path of the next node, and whether it stands as a mapping's key."""
            if top is None:
                return (), False
            if top[9]:
                return top[1] + (len(top[0]),), False
            pending = top[2]
            if pending is no_key:
                return top[1], True
            if pending is bad_key:
                return top[1] + (_DISCARDED,), False
            return top[1] + (pending,), False

        for event in events:
            kind = type(event)
            if kind is scalar_event:
                if top is None:
                    path: Path = ()
                elif top[9]:
                    path = top[1] + (len(top[0]),)
                else:
                    pending = top[2]
                    if pending is no_key:  # a key
                        tag = event.tag
                        if tag is not None and not self.check_tag(event, top[1]):
                            top[2] = bad_key
                            continue
                        value = event.value
                        if event.anchor:
                            anchors[event.anchor] = (value, 1)
                        top[5] += 1
                        self.key(top, value, event.start_mark)
                        continue
                    path = top[1] + ((_DISCARDED,) if pending is bad_key else (pending,))
                tag = event.tag
                if tag is None and event.implicit[0]:  # plain: resolved from its first character
                    value = event.value
                    if value and value[0] not in first_chars:
                        pass  # text
                    else:
                        value = plain_memo.get(value, _NO_KEY)
                        if value is _NO_KEY:
                            errors = len(self.findings)
                            value = self.scalar(event, path)
                            if len(self.findings) == errors:
                                plain_memo[event.value] = value
                elif tag is None:
                    value = event.value  # quoted: text
                else:
                    value = self.scalar(event, path)
                mark = event.start_mark
                positions[path] = (mark.line + 1, mark.column + 1)
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                self.expanded += 1
                if top is None:
                    root = value
                elif top[9]:
                    top[5] += 1
                    top[0].append(value)
                else:
                    top[5] += 1
                    key, top[2] = top[2], no_key
                    if key is not bad_key:
                        top[0][key] = value
                continue
            if kind is mapping_end or kind is sequence_end:
                assert top is not None
                frame = stack.pop()
                top = stack[-1] if stack else None
                container: Any = frame[0]
                size, anchor, start = frame[5], frame[6], frame[8]
                if not frame[3]:  # an unsupported tag: keep nothing of its content
                    container = None
                    self.damaged.add(frame[1])
                if anchor:
                    anchors[anchor] = (container, size)
                self.expanded += 1
                attach(container, size, start)
                continue
            if kind is mapping_start or kind is sequence_start:
                path, key_slot = child_path()
                if len(stack) >= MAX_DEPTH:
                    self.error(
                        "YAML-TOO-DEEP", f"嵌套层数超过 {MAX_DEPTH} 层，不是有效的选举记录。", event.start_mark, path
                    )
                    raise _Stop
                tag_ok = event.tag is None or self.check_tag(event, path)
                is_list = kind is sequence_start
                container = [] if is_list else {}
                if not key_slot:
                    mark = event.start_mark
                    positions[path] = (mark.line + 1, mark.column + 1)
                top = [container, path, no_key, tag_ok, {}, 1, event.anchor, key_slot, event, is_list]
                stack.append(top)
                continue
            if kind is document_start:
                documents += 1
                if documents > 1:
                    self.error(
                        "YAML-MULTI-DOC",
                        "文件中只能有一条记录（一个 YAML 文档），请删除多余的“---”分隔线。",
                        event.start_mark,
                    )
                    raise _Stop
                continue
            if kind is alias_event:
                self.aliases += 1
                path, key_slot = child_path()
                if self.aliases > MAX_ALIASES:
                    self.error(
                        "YAML-ALIAS-LIMIT",
                        f"引用（*别名）超过 {MAX_ALIASES} 处，已停止读取。记录中不需要使用锚点和别名。",
                        event.start_mark,
                        path,
                    )
                    raise _Stop
                if event.anchor not in anchors:
                    self.error("YAML-SYNTAX", f"引用了未定义的锚点 *{event.anchor}。", event.start_mark, path)
                    if key_slot:
                        assert top is not None
                        top[2] = bad_key
                        continue
                    positions.setdefault(path, _at(event.start_mark))
                    self.damaged.add(path)
                    attach(None, 1, event)
                    continue
                value, size = anchors[event.anchor]
                self.expanded += size
                self.alias_nodes += size
                if self.expanded > MAX_EXPANDED_NODES or self.alias_nodes > MAX_ALIAS_NODES:
                    self.error(
                        "YAML-ALIAS-LIMIT",
                        "别名展开后的内容过大（疑似“别名炸弹”），已停止读取。记录中不需要使用锚点和别名。",
                        event.start_mark,
                        path,
                    )
                    raise _Stop
                if key_slot:
                    attach(value if isinstance(value, str) else None, size, event)
                else:
                    positions.setdefault(path, _at(event.start_mark))
                    attach(value, size, event)
        return root

    def key(self, frame: list, value: str, mark) -> None:
        """`value` read as the next key of the mapping of `frame` (a second time: a finding, and its value dropped)."""
        key_path = frame[1] + (value,)
        seen = frame[4]
        if value in seen:
            self.error(
                "YAML-DUPLICATE-KEY",
                f"字段“{value}”重复出现（第一次在第 {seen[value]} 行）。同一层中每个字段只能写一次，请合并或删除一处。",
                mark,
                key_path,
            )
            frame[2] = _BAD_KEY
            return
        seen[value] = mark.line + 1
        self.key_positions[key_path] = (mark.line + 1, mark.column + 1)
        frame[2] = value


_NO_KEY = object()
_BAD_KEY = object()
_DISCARDED = "\x00discarded"  # path part under a duplicate key: positions there are never looked up


# libyaml's parser, when PyYAML was built with it (every supported platform's wheel is).
_CParser: Any = getattr(getattr(yaml, "_yaml", None), "CParser", None)


def _events(text: str):
    """The parser's events: libyaml's when it is there (about ten times faster on long rolls).

    Any text libyaml rejects is parsed again by PyYAML's own parser, whose error messages the
    Chinese findings are mapped from, so a finding never depends on which parser ran.
    """
    if _CParser is None:
        return yaml.parse(text, Loader=_Loader)
    try:
        # The parser itself rather than yaml.parse(text, Loader=CSafeLoader): the same events, without a
        # constructor and resolver made for nothing and two generator steps per event.
        parser = _CParser(text)
        events: list[Any] = []
        append, get = events.append, parser.get_event
        while True:
            event = get()
            append(event)
            if type(event) is StreamEndEvent:
                return events
    except yaml.YAMLError:
        return yaml.parse(text, Loader=_Loader)


def parse(text: str, file: str, cache: ParseCache | None = None) -> tuple[Record | None, list[Finding]]:
    """Parse YAML text into a Record; all findings of the text, never an exception.

    With a `cache` (the web page keeps one), the parts of the text it has read before are not parsed again
    (`ParseCache`); the Record is the same either way.
    """
    if cache is not None:
        cached = cache.parse(text, file)
        if cached is not None:
            return cached, []
    builder = _Builder(file)
    root = None
    try:
        root = builder.build(_events(text))
    except _Stop:
        return None, builder.findings
    except yaml.MarkedYAMLError as exc:
        return None, builder.findings + [_syntax_finding(file, exc, text)]
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        mark = getattr(exc, "position", None)
        message = (
            "文件含有 YAML 不允许的控制字符。" if "special characters" in str(exc) else "YAML 格式错误，无法解析。"
        )
        line = column = None
        if isinstance(mark, int):
            line = text.count("\n", 0, mark) + 1
            column = mark - (text.rfind("\n", 0, mark) + 1) + 1
        return None, builder.findings + [
            Finding(id="YAML-SYNTAX", severity=Severity.ERROR, message=message, file=file, line=line, column=column)
        ]
    findings = builder.findings
    if root is None:
        if not findings:
            findings.append(
                Finding(
                    id="FILE-EMPTY",
                    severity=Severity.ERROR,
                    file=file,
                    line=1,
                    column=1,
                    message="记录为空：文件中没有任何内容。可以用“huanjie new 类型 -o 文件”生成一份样板。",
                )
            )
        return None, findings
    if not isinstance(root, dict):
        shapes: dict[type, str] = {list: "列表", str: "一段文字"}
        found = shapes.get(type(root), "一个数字或布尔值")
        hint = "（注意：冒号应为半角“:”，不是全角“：”）" if isinstance(root, str) and "：" in root else ""
        line, column = builder.positions.get((), (1, 1))
        findings.append(
            Finding(
                id="RECORD-ROOT",
                severity=Severity.ERROR,
                file=file,
                line=line,
                column=column,
                message=f"记录的最外层应为“名称: 值”的映射（第一行通常是 kind: ...），实际为{found}{hint}。",
            )
        )
        return None, findings
    _identifiers(root)
    return Record(
        file=file,
        data=root,
        positions=builder.positions,
        key_positions=builder.key_positions,
        damaged=frozenset(builder.damaged),
    ), findings


# A line starting a top-level field (`unit:`, `electorate:`): where a record's text can be cut into parts that read
# alone exactly as they read in the whole.
_TOP_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*:(?:[ \t]|\r?$)", re.M)
# Lines after which the parts would not read alone as in the whole: document markers and directives.
_NOT_CUT = re.compile(r"^(?:---|\.\.\.|%)", re.M)
_ODD_BREAKS = ("\x85", "\u2028", "\u2029")
# A part's first line when its value is below it: `electorate:` (a comment may follow).
_BARE_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):[ \t]*(?:#.*)?\r?")


@dataclass
class _Part:
    """One top-level part of a record's text, read alone: its fields and positions (lines counted from the part)."""

    data: dict
    positions: dict[Path, Position]
    key_positions: dict[Path, Position]
    fresh: bool = False  # put together from copies just now (a part cut again): its data needs no copy
    shifted: dict[int, tuple[dict[Path, Position], dict[Path, Position]]] = field(default_factory=dict)

    def at(self, offset: int) -> tuple[dict[Path, Position], dict[Path, Position]]:
        """The positions with `offset` lines added (kept for the last offset asked: the next save asks it again)."""
        if offset == 0:
            return self.positions, self.key_positions
        if offset not in self.shifted:
            self.shifted.clear()
            self.shifted[offset] = (
                {path: (line + offset, column) for path, (line, column) in self.positions.items()},
                {path: (line + offset, column) for path, (line, column) in self.key_positions.items()},
            )
        return self.shifted[offset]


def _fresh(value: Any) -> Any:
    """A copy of plain data read from YAML (dicts, lists, scalars): the cached parts are never handed out."""
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) not in (dict, list) else _fresh(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) not in (dict, list) else _fresh(v) for v in value]
    return value


class ParseCache:
    """Parts of records read before, so that a save re-reads only the part of the text it changed.

    The text is cut before each line that starts a top-level field (`unit:`, `electorate:` …); a part already read
    (same text) is taken from the cache, with its line numbers moved to where it now stands. A big part whose value
    is a block mapping (`electorate:` with `registered` and a 5,000-voter `groups`) is cut again the same way at its
    own fields, read with their indentation taken off and their columns put back. The cut is used only when it
    cannot change the result: every part must read alone without any finding and without anchors or aliases, the
    names at one level must differ, a part cut again must have every line indented at least as far as its fields
    (blank lines aside), and the text must have no document markers, directives or unusual line breaks. Otherwise
    (and for every text with a finding) `parse` reads the whole text, so messages, lines and columns are always
    those of a whole read. A save that changes the unit's name, or the registered count beside a 5,000-voter roll,
    reads a few hundred bytes instead of 600 KB.
    """

    def __init__(self, max_chars: int = 20_000_000, split_above: int = 20_000):
        self.max_chars = max_chars
        self.split_above = split_above  # parts longer than this are cut again at their own fields, where they can be
        self._parts: dict[str, _Part] = {}
        self._chars = 0
        self._lock = threading.Lock()  # the web page's warm-up thread and its requests share one cache

    def parse(self, text: str, file: str) -> Record | None:
        """The Record of `text` put together from its parts, or None when the whole text must be read."""
        if any(ch in text for ch in _ODD_BREAKS) or text.count("\r") != text.count("\r\n") or _NOT_CUT.search(text):
            return None
        found = self._mapping(text, file)
        if found is None:
            return None
        data, positions, key_positions = found
        _identifiers(data)
        return Record(file=file, data=data, positions=positions, key_positions=key_positions)

    def _mapping(self, text: str, file: str) -> tuple[dict, dict[Path, Position], dict[Path, Position]] | None:
        """(data, positions, key positions) of `text`, a block mapping at column 0, put together from its parts."""
        starts = [m.start() for m in _TOP_KEY.finditer(text)]
        if not starts or not _only_comments(text[: starts[0]]):
            return None
        starts[0] = 0
        data: dict = {}
        positions: dict[Path, Position] = {}
        key_positions: dict[Path, Position] = {}
        offset = 0
        root_at: Position = (1, 1)
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else len(text)
            chunk = text[start:end]
            part = self._part(chunk, file)
            if part is None or any(key in data for key in part.data):
                return None
            for key, value in part.data.items():
                data[key] = value if part.fresh else _fresh(value)
            shifted, shifted_keys = part.at(offset)
            positions.update(shifted)
            key_positions.update(shifted_keys)
            if index == 0:
                root_at = shifted[()]  # the whole's mapping starts where its first part's does
            offset += chunk.count("\n")
        positions[()] = root_at
        return data, positions, key_positions

    def _part(self, chunk: str, file: str) -> _Part | None:
        with self._lock:
            part = self._parts.pop(chunk, None)
            if part is not None:
                self._parts[chunk] = part  # the most recently used last
                return part
        if len(chunk) > self.split_above:
            split = self._split(chunk, file)
            if split is not None:
                return split  # not kept itself: its parts are
        return self._read(chunk, file)

    def _split(self, chunk: str, file: str) -> _Part | None:
        """`key:` and a block mapping below it, read as that mapping's own parts (each from the cache or read alone)."""
        head, newline, rest = chunk.partition("\n")
        match = _BARE_KEY.fullmatch(head)
        if match is None or not newline:
            return None
        lines = rest.split("\n")
        first = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), None)
        if first is None:
            return None
        indent = len(first) - len(first.lstrip(" "))
        if indent == 0 or not _TOP_KEY.match(first[indent:]):
            return None
        pad = " " * indent
        body = []
        for line in lines:
            if line.startswith(pad):
                body.append(line[indent:])
            elif line.strip(" ") in ("", "\r"):
                body.append(line.lstrip(" "))  # a blank line, shorter than the indentation
            else:
                return None  # a line further left (a comment, a continuation): the part is read whole
        inner = self._mapping("\n".join(body), file)
        if inner is None:
            return None
        data, positions, key_positions = inner
        key = match.group(1)
        # The body's first line is the part's second: one line down, `indent` columns right.
        shifted = {(key, *path): (line + 1, column + indent) for path, (line, column) in positions.items()}
        shifted_keys = {(key, *path): (line + 1, column + indent) for path, (line, column) in key_positions.items()}
        shifted[()] = shifted_keys[(key,)] = (1, 1)
        return _Part({key: data}, shifted, shifted_keys, fresh=True)

    def _read(self, chunk: str, file: str) -> _Part | None:
        builder = _Builder(file)
        try:
            root = builder.build(_events(chunk))
        except (_Stop, yaml.YAMLError):
            return None
        if builder.findings or builder.aliases or not isinstance(root, dict) or not root:
            return None
        part = _Part(root, builder.positions, builder.key_positions)
        with self._lock:
            if chunk not in self._parts:
                self._chars += len(chunk)
            self._parts[chunk] = part
            while len(self._parts) > 1 and self._chars > self.max_chars:
                oldest = next(iter(self._parts))
                self._chars -= len(oldest)
                del self._parts[oldest]
        return part


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _identifiers(root: dict) -> None:
    """`kind: 居委会`, `method: 户代表`: the Chinese words `huanjie new` knows stand for their identifiers."""
    if isinstance(root.get("kind"), str):
        root["kind"] = KIND_ALIASES.get(root["kind"].strip(), root["kind"])
    places = [root] + [c for c in root.get("contests") or [] if isinstance(c, dict)]
    for place in places:
        if isinstance(place.get("method"), str):
            place["method"] = METHOD_ALIASES.get(place["method"].strip(), place["method"])


def load(file: str) -> tuple[Record | None, list[Finding]]:
    """Read and parse one record file (YAML, or a record workbook made by `huanjie new --xlsx`/`convert`)."""
    if file.lower().endswith(".xlsx"):
        from .sheets import record as workbook

        raw, findings = read_bytes(file)
        if raw is None:
            return None, findings
        data, positions, cells, found = workbook.load(file, raw, parse)
        if data is None:
            return None, found
        _identifiers(data)
        return Record(file=file, data=data, positions=positions, key_positions={}, cells=cells), found
    text, findings = read_text(file)
    if text is None:
        return None, findings
    if not text.strip():
        return None, [
            Finding(
                id="FILE-EMPTY",
                severity=Severity.ERROR,
                file=file,
                line=1,
                column=1,
                message="记录为空：文件中没有任何内容。可以用“huanjie new 类型 -o 文件”生成一份样板。",
            )
        ]
    return parse(text, file)
