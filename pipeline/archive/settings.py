"""The 档号 settings of a package (DA/T 22-2015): ArchiveSettings, the settings file, retention words, dang_hao."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..documents import UnknownKind, find_kind
from ..fsutil import os_reason
from .errors import SettingsError

__all__ = [
    "ArchiveSettings",
    "load_settings",
    "dang_hao",
    "RETENTION",
    "CATEGORY",
    "SEP",
    "DEFAULT_FONDS",
    "SETTINGS_HELP",
]

RETENTION = {"Y": "永久", "D30": "定期30年", "D10": "定期10年"}
CATEGORY = "WS"  # 文书
SEP = "\u00b7"  # “·” between codes of the same level (DA/T 22-2015)
DEFAULT_FONDS = "0001"

SETTINGS_HELP = """\
档号设置（设置文件为 YAML，命令行选项优先于设置文件）：
  全宗号（fonds）        4 位字母或数字，由档案馆分配，如 J012；默认 0001（仅供演示）
  年度（year）           4 位年份；默认取每件文书的成文日期所在年度
  保管期限（retention）  Y（永久）、D30（定期30年）、D10（定期10年）；默认 Y
  机构代码（org）        可选的机构（问题）代码，如 BGS；不填则档号中没有这一级
  起始件号（start）      每个类别（年度、保管期限、机构相同）中第一件的件号，默认 1；续编时填上次的末件号加 1
  立档单位（producer）   说明文件和元数据中的立档单位名称；默认取记录的上级单位（如 青石县）
  各类保管期限（retention_by_kind）  按文书种类设保管期限，如 {选票: D30, 严肃换届纪律承诺书: D10}
  密级（classification）  每件的密级（DA/T 46）：公开、限制、秘密、机密或绝密；默认 公开（换届选举文书均须公开张贴）
档号形如 J012-WS·2026-Y-BGS-0001（“·”为间隔号 U+00B7）。"""

_KEYS = {
    "fonds": ("fonds", "全宗号"),
    "year": ("year", "年度"),
    "retention": ("retention", "保管期限"),
    "org": ("org", "机构代码", "机构（问题）代码", "机构"),
    "start": ("start", "起始件号"),
    "producer": ("producer", "立档单位"),
    "retention_by_kind": ("retention_by_kind", "各类保管期限"),
    "classification": ("classification", "密级"),
}
CLASSIFICATIONS = ("公开", "限制", "秘密", "机密", "绝密")
_RETENTION_WORDS = {
    "Y": "Y",
    "永久": "Y",
    "D30": "D30",
    "30": "D30",
    "定期30年": "D30",
    "D10": "D10",
    "10": "D10",
    "定期10年": "D10",
}


class _Invalid(Exception):
    """One setting is unusable: its Chinese messages (without the source in front)."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass(frozen=True)
class ArchiveSettings:
    """How items are numbered (DA/T 22-2015 档号) and who produced them."""

    fonds: str = DEFAULT_FONDS
    year: int | None = None
    retention: str = "Y"
    org: str = ""
    start: int = 1
    producer: str = ""
    retention_by_kind: dict[str, str] = field(default_factory=dict)  # kind key → Y/D30/D10
    classification: str = "公开"  # 密级 of every item (DA/T 46)
    defaulted: tuple[str, ...] = ()  # settings left at their demo default (reported)

    @classmethod
    def make(cls, data: dict | None = None, source: str = "命令行", **overrides: Any) -> ArchiveSettings:
        """Settings from a mapping (a settings file, Chinese or English keys) and options (override).

        Every setting is checked before anything is raised: one `SettingsError` lists all the
        problems found (its `problems` holds them as (key, message) pairs).
        """
        problems: list[tuple[str, str]] = []
        values = _named_values(dict(data or {}), overrides, problems)
        parsed: dict[str, Any] = {}
        for key, parse in _PARSERS.items():
            try:
                parsed[key] = parse(values)
            except _Invalid as exc:
                problems += [(key, message) for message in exc.messages]
        if problems:
            raise SettingsError(_settings_message(source, problems), problems)
        return cls(**parsed, defaulted=tuple(k for k in ("fonds",) if k not in values))

    def retention_for(self, kind: str) -> str:
        return self.retention_by_kind.get(kind, self.retention)

    def to_yaml(self) -> str:
        data = {
            "全宗号": self.fonds,
            "门类代码": CATEGORY,
            "年度": self.year if self.year else "（按每件文书的成文日期）",
            "保管期限": self.retention,
            "机构代码": self.org or None,
            "起始件号": self.start,
            "立档单位": self.producer or None,
            "各类保管期限": {find_kind(k).title: v for k, v in sorted(self.retention_by_kind.items())} or None,
            "密级": self.classification,
        }
        head = "# huanjie archive 使用的档号设置（DA/T 22-2015）：全宗号-门类代码·年度-保管期限-机构代码-件号\n"
        return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _named_values(data: dict, overrides: dict[str, Any], problems: list[tuple[str, str]]) -> dict[str, Any]:
    """The settings under their English keys, options over the file; unknown names go to `problems`."""
    known = {alias: key for key, aliases in _KEYS.items() for alias in aliases}
    values: dict[str, Any] = {}
    unknown = []
    for name, value in data.items():
        if name in known:
            values[known[name]] = value
        else:
            unknown.append(name)
    if unknown:
        problems.append(
            (
                str(unknown[0]),
                "不认识的设置"
                + "、".join(f"“{name}”" for name in unknown)
                + "。可用："
                + "、".join(f"{a[1]}（{a[0]}）" for a in _KEYS.values())
                + "。",
            )
        )
    for name, value in overrides.items():
        if value is not None:
            values[name] = value
    return values


def _settings_message(source: str, problems: list[tuple[str, str]]) -> str:
    if len(problems) == 1:
        return f"{source}：{problems[0][1]}"
    return f"{source}：有 {len(problems)} 处设置不对：" + "".join(f"\n  {message}" for _, message in problems)


def _fonds(values: dict[str, Any]) -> str:
    fonds = str(values.get("fonds", DEFAULT_FONDS)).strip().upper()
    if not re.fullmatch(r"[0-9A-Z]{4}", fonds):
        raise _Invalid(f"全宗号“{fonds}”应为 4 位字母或数字，如 J012。")
    return fonds


def _year(values: dict[str, Any]) -> int | None:
    year = values.get("year")
    if year is None or year == "":
        return None
    try:
        number = int(str(year).strip())
    except ValueError:
        number = -1
    if not 1900 <= number <= 2999:
        raise _Invalid(f"年度“{year}”应为 4 位年份，如 2026。")
    return number


def _org(values: dict[str, Any]) -> str:
    org = str(values.get("org") or "").strip().upper()
    if org and not re.fullmatch(r"[0-9A-Z]{1,10}", org):
        raise _Invalid(f"机构代码“{org}”应为 1 至 10 位字母或数字，如 BGS。")
    return org


def _start(values: dict[str, Any]) -> int:
    try:
        start = int(str(values.get("start", 1)).strip())
    except ValueError:
        start = 0
    if not 1 <= start <= 9999:
        raise _Invalid(f"起始件号“{values.get('start')}”应为 1 至 9999 的整数。")
    return start


def _retention_by_kind(values: dict[str, Any]) -> dict[str, str]:
    raw = values.get("retention_by_kind") or {}
    if not isinstance(raw, dict):
        raise _Invalid("各类保管期限应写成“文书种类: 保管期限”的对照表。")
    by_kind, messages = {}, []
    for name, value in raw.items():
        try:
            kind = find_kind(str(name))
        except UnknownKind as exc:
            messages.append(f"各类保管期限中：{exc}")
            continue
        try:
            by_kind[kind.key] = _retention(value, f"{name} 的保管期限")
        except _Invalid as exc:
            messages += exc.messages
    if messages:
        raise _Invalid(*messages)
    return by_kind


def _retention(value: Any, what: str) -> str:
    code = _RETENTION_WORDS.get(str(value).strip().upper() if str(value).strip()[:1] in "YyDd" else str(value).strip())
    if code is None:
        raise _Invalid(f"{what}“{value}”应为 Y（永久）、D30（定期30年）或 D10（定期10年）。")
    return code


# Checked in this order, so that the problems are listed as the settings are in SETTINGS_HELP.
_PARSERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "fonds": _fonds,
    "year": _year,
    "retention": lambda values: _retention(values.get("retention", "Y"), "保管期限"),
    "org": _org,
    "start": _start,
    "producer": lambda values: str(values.get("producer") or "").strip(),
    "retention_by_kind": _retention_by_kind,
    "classification": lambda values: _classification(values),
}


def _classification(values: dict[str, Any]) -> str:
    word = str(values.get("classification") or "公开").strip()
    if word not in CLASSIFICATIONS:
        raise _Invalid(f"密级“{word}”应为 {'、'.join(CLASSIFICATIONS)} 之一。")
    return word


def load_settings(path: str, **overrides: Any) -> ArchiveSettings:
    """Settings from a YAML file, with command-line overrides; SettingsError when unusable."""
    try:
        with open(path, "rb") as handle:
            data = yaml.safe_load(handle.read().decode("utf-8-sig"))
    except OSError as exc:
        raise SettingsError(f"无法读取设置文件 {path}（{os_reason(exc)}）。") from None
    except UnicodeDecodeError:
        raise SettingsError(
            f"设置文件 {path} 不是 UTF-8 编码；请用记事本或 WPS 打开，“另存为”时编码选择 UTF-8。"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列附近" if mark is not None else "其中"
        raise SettingsError(
            f"设置文件 {path} 不是有效的 YAML：{where}有格式错误（如缩进不齐、冒号后缺空格、"
            "引号或括号没有闭合），请改正后重试（可用的设置见 huanjie archive --help）。"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SettingsError(f"设置文件 {path} 应为“设置: 值”的列表。")
    return ArchiveSettings.make(data, source=f"设置文件 {path}", **overrides)


def dang_hao(settings: ArchiveSettings, year: int, retention: str, number: int) -> str:
    """J012-WS·2026-Y-BGS-0001 (no 机构 level when the settings have none)."""
    parts = [settings.fonds, f"{CATEGORY}{SEP}{year}", retention]
    if settings.org:
        parts.append(settings.org)
    parts.append(f"{number:04d}")
    return "-".join(parts)
