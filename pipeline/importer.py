"""Writing a part read from a spreadsheet into a record: only that part replaced, comments and layout kept.

The record is read with the project's own loader (`records.parse`: the line and column of every key), the new
part is emitted by ruamel.yaml in the file's own indentation (flow style, one voter or candidate a line) and
spliced into the text in place of the old part; everything else stays byte for byte as the user wrote it. A full
ruamel.yaml round trip would keep the comments too, but it joins the multi-line flow mappings the samples use.
The result is read back and compared with the data it must have before anything is written; the old file is
kept as a backup (``RECORD.yaml.bak``, or dated when that exists) and the new one written atomically.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import starter
from .errors import HuanjieError
from .findings import format_human, format_path
from .fsutil import write_atomic
from .records import Record, decode, parse, read_bytes
from .sheets import Part

__all__ = ["Edit", "ImportError_", "Written", "indent_of", "merge", "import_into", "new_record", "plan_text", "splice"]

Edit = tuple[tuple, str, Any]  # (path of a mapping, key, the key's new value)


class ImportError_(HuanjieError):
    """The record cannot take the part (unreadable, a round missing, several contests without --contest)."""


@dataclass
class Written:
    """What an import wrote: the record, its backup, and the sentences to show about the record's counts."""

    record: str
    backup: str | None
    notes: list[str] = field(default_factory=list)


def _guess_indent(text: str) -> tuple[int, int]:
    """(mapping indent, offset of a block sequence's dash) as the file writes them (2 and 2 in the starters)."""
    lines = text.splitlines()
    mapping = offset = None
    for above, below in zip(lines, lines[1:], strict=False):
        if not re.match(r"^\s*[^\s#-][^:#]*:\s*(#.*)?$", above):
            continue
        top = len(above) - len(above.lstrip())
        deeper = len(below) - len(below.lstrip())
        if below.lstrip().startswith("- "):
            offset = deeper - top if offset is None else offset
        elif below.strip() and not below.lstrip().startswith("#") and deeper > top and mapping is None:
            mapping = deeper - top
    return mapping or 2, offset if offset is not None else 2


def _flow(value: Any) -> Any:
    """ruamel nodes of plain data: dicts of scalars (a voter, a candidate) in flow style, the rest in block style."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _flow(item)
        if all(not isinstance(item, (dict, list)) for item in value.values()):
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_flow(item) for item in value)
        if value and all(isinstance(item, str) for item in value) and len(value) <= 10:
            seq.fa.set_flow_style()
        return seq
    return value


_DATE_QUOTED = re.compile(r"'((?:19|20)[0-9]{2}-[0-9]{2}(?:-[0-9]{2})?)'(?=[,}\s]|$)", re.MULTILINE)


def _emit(key: str, value: Any, indent: tuple[int, int], column: int) -> list[str]:
    """`key: value` as YAML lines in the file's indentation, shifted to start at `column` (0-based)."""
    yaml = YAML(typ="rt")
    yaml.width = 4096
    mapping, offset = indent
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    out = io.StringIO()
    yaml.dump(CommentedMap([(key, _flow(value))]), out)
    # ruamel quotes a date-like text ('1990-05-12') because YAML 1.1 would read it as a timestamp; a record's
    # loader reads dates as text, so the record keeps its own plain style (the read-back check proves it).
    text = _DATE_QUOTED.sub(r"\1", out.getvalue())
    return [" " * column + line for line in text.splitlines()]


def _block_end(lines: list[str], start: int, column: int) -> int:
    """The index after the last line of the value of the key on line `start` (0-based) at `column`."""
    end = start + 1
    for index in range(start + 1, len(lines)):
        text = lines[index]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(text) - len(text.lstrip())
        if depth > column or (depth == column and stripped.startswith("- ")):
            end = index + 1
        else:
            break
    return end


def _with_comment(new: str, old: str) -> str:
    """`new` with the trailing comment of the one-line `old` (`key: value  # …`), kept at its column."""
    found = re.search(r"\s+(#[^'\"]*)$", old)
    if not found or re.search(r"\s#", new):
        return new
    column = found.start(1)
    return (new.ljust(column) if len(new) < column else new + "  ") + found.group(1)


def _in_flow(line: str, column: int) -> bool:
    """Whether the key at `column` (0-based) of `line` stands inside a flow mapping (`{…, key: …}`)."""
    return "{" in line[:column]


def _rewrite(lines: list[str], record: Record, parent: tuple, node: dict, key: str, value: Any, indent) -> list[str]:
    """The mapping at `parent`, written on one line in braces, written anew in block style with `key` set."""
    if not parent or isinstance(parent[-1], int):
        where = format_path(parent) or "记录"
        raise ImportError_(
            f"记录中的 {where} 写在一行的花括号 {{ }} 里，无法只替换其中的 {key}；"
            "请先把它改写为每个字段一行的格式后再导入。"
        )
    return _set(lines, record, parent[:-1], parent[-1], {**node, key: value}, indent)


def _set(lines: list[str], record: Record, parent: tuple, key: str, value: Any, indent: tuple[int, int]) -> list[str]:
    """The lines with `key` of the mapping at `parent` set to `value` (the mapping created when missing)."""
    node: Any = record.data
    for part in parent:
        found = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        )
        node = node[part] if found else None
        if node is None:
            return _set(lines, record, parent[:-1], parent[-1], {key: value}, indent)
    if not isinstance(node, dict):
        raise ImportError_(f"记录中的 {format_path(parent)} 不是“名称: 值”的映射，无法写入 {key}。")
    here = record.key_positions.get(parent + (key,)) if key in node else None
    if here is not None:
        start, column = here[0] - 1, here[1] - 1
        if _in_flow(lines[start], column):
            return _rewrite(lines, record, parent, node, key, value, indent)
        end = _block_end(lines, start, column)
        appended = _appended(lines, start, end, column, key, node[key], value, indent)
        if appended is not None:
            return lines[:end] + appended + lines[end:]
        new = _emit(key, value, indent, column)
        new[0] = _with_comment(new[0], lines[start])
        return lines[:start] + new + lines[end:]
    keys = [k for k in node if parent + (k,) in record.key_positions]
    if not keys:
        if not parent:
            return lines + _emit(key, value, indent, 0)
        return _rewrite(lines, record, parent, node, key, value, indent)
    last = max(keys, key=lambda k: record.key_positions[parent + (k,)])
    line, column = record.key_positions[parent + (last,)]
    if _in_flow(lines[line - 1], column - 1):
        return _rewrite(lines, record, parent, node, key, value, indent)
    end = _block_end(lines, line - 1, column - 1)
    return lines[:end] + _emit(key, value, indent, column - 1) + lines[end:]


def indent_of(text: str) -> tuple[int, int]:
    """(mapping indent, offset of a block sequence's dash) as `text` writes them: what `splice` writes new lines in."""
    return _guess_indent(text)


def _anchor(record: Record, parent: tuple, key: str) -> int:
    """The line an edit starts from: its key's, else the last key's of the mapping it goes into."""
    here = record.key_positions.get(parent + (key,))
    if here is not None:
        return here[0]
    lines = [pos[0] for path, pos in record.key_positions.items() if path[: len(parent)] == parent]
    return max(lines, default=record.locate(parent)[0] or 0)


def splice(text: str, record: Record, edits: list[Edit], indent: tuple[int, int] | None = None) -> str:
    """`text`, the text `record` was read from, with each edit's key set to its value; every other line kept.

    Only the lines of the values set are written anew (in the file's indentation, `indent_of`), so comments and
    layout elsewhere stay byte for byte. The edits are applied from the bottom of the file up, all against
    `record`'s positions, so an edit lower down does not move the lines above it. Two edits that start on one
    line (two keys of one flow mapping, two keys new to one mapping) cannot be placed that way: ImportError_, and
    the caller applies them one at a time, reading the text again in between. A value inside a one-line flow
    mapping of a list raises ImportError_ too (write the list item anew instead). The caller reads the result back
    and compares it with the data it must have before writing it anywhere.
    """
    anchored = sorted(((_anchor(record, p, k), p, k, v) for p, k, v in edits), key=lambda e: e[0], reverse=True)
    starts = [a for a, *_ in anchored]
    if len(set(starts)) != len(starts):
        raise ImportError_("两处修改在同一行，需逐一写入。")
    lines = text.splitlines()
    indent = indent if indent is not None else _guess_indent(text)
    for _, parent, key, value in anchored:
        lines = _set(lines, record, parent, key, value, indent)
    return "\n".join(lines) + "\n"


def _appended(
    lines: list[str], start: int, end: int, column: int, key: str, old: Any, value: Any, indent: tuple[int, int]
) -> list[str] | None:
    """The lines of the items `value` adds at the end of the block list `old` (a new round, a row added to a table),
    in the list's own indentation, so the items already there stay as written; None when that is not the case."""
    if not (isinstance(old, list) and isinstance(value, list) and old and len(value) > len(old)):
        return None
    if value[: len(old)] != old or not re.fullmatch(rf"\s*{re.escape(key)}:\s*(#.*)?", lines[start]):
        return None
    dash = next((line for line in lines[start + 1 : end] if line.lstrip().startswith("- ")), None)
    if dash is None:
        return None
    offset = len(dash) - len(dash.lstrip()) - column
    new = _emit(key, value[len(old) :], (indent[0], offset), column)
    if len(new) < 2 or new[0].strip() != f"{key}:":
        return None  # written on one line ([a, b]): the whole list is written anew instead
    return new[1:]


def _base(data: dict, contest: int | None) -> tuple:
    contests = data.get("contests")
    if not contests:
        if contest not in (None, 1):
            raise ImportError_(f"记录没有分场次（contests），不能用 --contest {contest}；请去掉 --contest。")
        return ()
    if contest is None:
        names = "、".join(f"{i}（{c.get('name', '')}）" for i, c in enumerate(contests, 1) if isinstance(c, dict))
        raise ImportError_(
            f"记录分为 {len(contests)} 个场次（contests），请用 --contest 序号 指明导入哪个场次：{names}。"
        )
    if not 1 <= contest <= len(contests):
        raise ImportError_(
            f"记录只有 {len(contests)} 个场次，没有第 {contest} 个；--contest 应为 1 至 {len(contests)}。"
        )
    return ("contests", contest - 1)


def _round(data: dict, base: tuple, what: str) -> tuple:
    node = data
    for part in base:
        node = node[part]
    rounds = node.get("rounds") or []
    if not rounds:
        word = "得票" if what == "votes" else "委托投票"
        raise ImportError_(
            f"记录中还没有投票轮次（rounds），无法导入{word}。请先在记录中写好第一轮"
            "（type: first、date、ballots），再导入；导入的内容写入最后一轮。"
        )
    return base + ("rounds", len(rounds) - 1)


def _edits(part: Part, data: dict, base: tuple, fresh: bool) -> tuple[list[tuple[tuple, str, Any]], list[str]]:
    """[(parent path, key, value)] the part sets, and what to tell about the counts."""
    notes: list[str] = []
    if part.what == "candidates":
        return [(base, "candidates", part.data)], notes
    if part.what in ("votes", "proxies"):
        return [(_round(data, base, part.what), part.what, part.data)], notes
    edits: list[tuple[tuple, str, Any]] = []
    node: Any = data
    for key in base:
        node = node[key]
    electorate = node.get("electorate") or {}
    for key, value, word in (("registered", part.count, "登记人数"), ("women", part.women, "其中女性")):
        if value is None:
            continue
        old = electorate.get(key)
        if fresh or old is None:
            edits.append((base + ("electorate",), key, value))
            notes.append(f"{word}（electorate.{key}）已填为 {value}。")
        elif old != value:
            notes.append(
                f"记录中的{word}（electorate.{key}）为 {old}，名单中为 {value}，未改动；如以名单为准，请把它改为 {value}。"
            )
    edits.append((base + ("electorate",), "groups", part.data))
    return edits, notes


def _expected(data: dict, edits: list[tuple[tuple, str, Any]]) -> dict:
    out = copy.deepcopy(data)
    for parent, key, value in edits:
        node = out
        for part in parent:
            if isinstance(part, str):
                node = node.setdefault(part, {})
            else:
                node = node[part]
        node[key] = value
    return out


def plan_text(
    text: str, part: Part, file: str, contest: int | None = None, fresh: bool = False
) -> tuple[str, list[str]]:
    """(the new text of the record, notes): `text` with the part written in; the record read back is checked."""
    record, findings = parse(text, file)
    if record is None:
        raise ImportError_(
            f"记录 {file} 无法读取，未导入。请先改正：\n" + "\n".join(format_human(f) for f in findings[:5])
        )
    base = _base(record.data, contest)
    edits, notes = _edits(part, record.data, base, fresh)
    indent = _guess_indent(text)
    new_text = text
    current: Record | None = record
    for parent, key, value in edits:
        if current is None:
            current, _ = parse(new_text, file)
            assert current is not None
        new_text = splice(new_text, current, [(parent, key, value)], indent)
        current = None
    check, _ = parse(new_text, file)
    if check is None or check.data != _expected(record.data, edits):
        raise ImportError_(f"写入 {file} 时未能保持记录其余部分不变，已停止，记录未改动。请把记录和表格发给维护人员。")
    return new_text, notes


def _backup_name(path: str) -> str:
    plain = path + ".bak"
    if not os.path.exists(plain):
        return plain
    return f"{path}.{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.bak"


def import_into(path: str, part: Part, contest: int | None = None, backup: bool = True) -> Written:
    """Write `part` into the record file at `path` (backup first unless `backup` is false)."""
    raw, findings = read_bytes(path)
    if raw is None:
        raise ImportError_(f"无法读取记录 {path}：" + "；".join(f.message for f in findings))
    text, findings = decode(raw, path)
    if text is None:
        raise ImportError_(f"无法读取记录 {path}：" + "；".join(f.message for f in findings))
    new_text, notes = plan_text(text, part, path, contest)
    saved = None
    if backup:
        saved = _backup_name(path)
        write_atomic(saved, raw)
    write_atomic(path, new_text.encode("utf-8"), overwrite=True)
    return Written(path, saved, notes)


def new_record(path: str, part: Part, kind: str, overwrite: bool = False) -> Written:
    """Start a record at `path` from the starter of `kind` with `part` written in."""
    text = starter.starter_text(kind)
    if part.what in ("votes", "proxies"):
        raise ImportError_("得票和委托投票只能导入已有的记录（--into 记录.yaml），因为它们写入记录中的投票轮次。")
    new_text, notes = plan_text(text, part, path, fresh=True)
    write_atomic(path, new_text.encode("utf-8"), overwrite=overwrite)
    return Written(path, None, notes)


def merge(text: str, part: Part, file: str = "记录.yaml") -> str:
    """The text with the part written in (for tests and tools)."""
    return plan_text(text, part, file)[0]
