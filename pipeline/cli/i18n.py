"""Chinese texts for click's own messages (usage, help headings, usage errors), installed when a command runs.

click marks its user-facing strings for gettext; `install()` gives each module of click a
Chinese `gettext`/`ngettext` so that `huanjie --help` and usage errors read in Chinese.
Importing this module changes nothing: `commands.Group.main` calls `install()` before click parses anything,
so merely importing `pipeline.cli` (a test, another program) leaves click as it is.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from click.exceptions import MissingParameter

_TEXTS = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Aborted!": "已中止。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "(dynamic)": "（动态）",
    "env var: {var}": "环境变量：{var}",
    "deprecated": "已弃用",
    "Positional arguments": "位置参数",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "integer": "整数",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
}

_PLURALS = {
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是以下之一：{choices}。",
}


def gettext(message: str) -> str:
    return _TEXTS.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return _PLURALS.get(singular, _PLURALS.get(chosen, chosen))


def _missing_parameter_message(
    original: Callable[[MissingParameter], str],
) -> Callable[[MissingParameter], str]:
    """click ends "Missing argument 'X'." with an ASCII full stop; a Chinese sentence ends with 。."""

    def format_message(self: MissingParameter) -> str:
        text = original(self)
        return text[:-1] + "。" if text.endswith(".") else text

    vars(format_message)["chinese"] = True  # the mark that makes install() wrap only once
    return format_message


def install() -> None:
    """Point click's modules at the Chinese texts (idempotent)."""
    from click.exceptions import MissingParameter

    if not getattr(MissingParameter.format_message, "chinese", False):
        # Replacing a method of click's class: mypy forbids assigning to a method, whatever its type.
        MissingParameter.format_message = _missing_parameter_message(  # type: ignore[method-assign,assignment]
            MissingParameter.format_message
        )
    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types", "utils", "termui"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
