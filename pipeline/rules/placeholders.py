"""Sample values of the `huanjie new` starter left in a record: 某某社区, 张三, the sample figures.

The starter passes `huanjie check` on purpose, so that a secretary can fill it in step by step;
what is left of it would be printed on the notices ("某某社区居民委员会", a committee of 张三 and
李四). The samples are read from the starter of the record's own kind (`pipeline.starter`), not
copied here:

* a text is a placeholder if it contains "某某", or equals a text of the starter that contains
  "某" ("某选委"), or, inside `committee`, is one of the starter's committee names (张三 …);
  they are reported once per part of the record (unit, committee, documents, each contest) as
  `PLACEHOLDER-TEXT` (warning), naming every field still to fill;
* a figure of the starter's `electorate` (登记人数 1486) found at the same place is reported as
  `PLACEHOLDER-FIGURE` (info), but only in a record that still has a placeholder text: a real
  community may well have 1486 households, a record that also still says 某某社区 probably not.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import yaml

from ..findings import Finding, Severity
from ..model import RecordPath
from ..profile import Profile
from ..records import Record
from ..starter import KINDS, starter_of, starter_text

__all__ = ["check", "MARK"]

MARK = "某某"
_PARTS = {"unit": "单位（unit）", "committee": "选举委员会（committee）", "documents": "文书设置（documents）"}
_PARTS["same_term"] = "同届关联（same_term）"
_PARTS["gongtui"] = "公推直选（gongtui）"
_PEOPLE = ("chair", "vice_chairs", "members")  # the committee's names
_FIGURES = {"registered": "登记人数", "excluded": "不计入应到会人数的人数"}


def _leaves(value: Any, path: RecordPath = ()) -> Iterator[tuple[RecordPath, Any]]:
    """(path, value) of every scalar of a record or starter, in order."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    else:
        yield path, value


@cache
def _samples(kind: str) -> tuple[frozenset[str], frozenset[str], dict[RecordPath, int]]:
    """(texts with 某, committee names, electorate figures by path) of the starter `kind` (or variant)."""
    data = yaml.safe_load(starter_text(kind)) or {}
    texts: set[str] = set()
    names: set[str] = set()
    figures: dict[RecordPath, int] = {}
    for path, value in _leaves(data):
        if isinstance(value, str) and "某" in value:
            texts.add(value)
        elif isinstance(value, str) and _person(path):
            names.add(value)
        elif isinstance(value, int) and not isinstance(value, bool) and value > 0 and "electorate" in path:
            figures[path] = value
    return frozenset(texts), frozenset(names), figures


def _person(path: RecordPath) -> bool:
    """Whether a path is a name of the 选举委员会 (chair, vice chairs, members)."""
    return len(path) >= 2 and path[0] == "committee" and path[1] in _PEOPLE


def _dotted(path: RecordPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _part(path: RecordPath) -> RecordPath:
    """The part of the record a field belongs to: ("unit",), ("contests", 0), …"""
    return path[:2] if path[:1] == ("contests",) and len(path) > 1 else path[:1]


def _part_label(record: Record, part: RecordPath) -> str:
    if part[:1] == ("contests",):
        index = int(part[1])
        contest = record.data["contests"][index]
        return f"场次“{contest.get('name', index + 1)}”"
    return _PARTS.get(str(part[0]), f"{part[0]}")


def check(record: Record, profile: Profile) -> list[Finding]:
    kind = record.data.get("kind")
    if kind not in KINDS:
        return []
    # A 公推直选 record is compared with the 公推直选 starter, which holds the samples of its `gongtui` part.
    texts, names, figures = _samples(starter_of(record.data))
    found: dict[RecordPath, list[tuple[RecordPath, str]]] = {}
    for path, value in _leaves(record.data):
        if not isinstance(value, str) or not path:
            continue
        if MARK in value or value in texts or (_person(path) and value in names):
            found.setdefault(_part(path), []).append((path, value))
    out = []
    for part, places in found.items():
        fields = "、".join(f"{_dotted(path[len(part) :]) or _dotted(path)} “{value}”" for path, value in places)
        out.append(
            record.finding(
                "PLACEHOLDER-TEXT",
                Severity.WARNING,
                f"{_part_label(record, part)}中仍是样板（huanjie new）的示例内容：{fields}。"
                "这些内容会印在公告、证书等文书上，请改为实际的名称和姓名。",
                places[0][0],
            )
        )
    if not out:
        return out
    for path, sample in figures.items():
        typed: Any = record.data
        for part_key in path:
            try:
                typed = typed[part_key]
            except (KeyError, IndexError, TypeError):
                typed = None
                break
        if typed == sample and not isinstance(typed, bool):
            out.append(
                record.finding(
                    "PLACEHOLDER-FIGURE",
                    Severity.INFO,
                    f"{_FIGURES.get(str(path[-1]), '人数')}（{_dotted(path)}）为 {typed}，与样板中的示例数字相同，"
                    "而记录中还有样板的示例内容未改。请确认已改为实际数字。",
                    path,
                )
            )
    return out
