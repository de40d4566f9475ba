#!/usr/bin/env python3
"""Write the command reference `docs/cli.md` from the `--help` of `huanjie` and of each of its commands.

The help is taken from the program itself (click's own formatting, with the Chinese texts the command
installs) at a fixed width, so the file is the same on every machine; nothing in it is written by hand.

Usage::

    .venv/bin/python tools/cli_docs.py           # rewrite docs/cli.md
    .venv/bin/python tools/cli_docs.py --check   # exit 1 if docs/cli.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "cli.md"
PROG = "huanjie"
# The width click gives the help on a terminal of 100 columns or more (max_content_width 100, minus 2).
WIDTH = 98

INTRO = (
    "本文件列出 `huanjie` 每个命令的用法、参数和选项，内容与运行 `huanjie 命令 --help` 看到的相同。"
    "本文件由 `tools/cli_docs.py` 根据各命令的帮助文字生成，请勿手工修改；"
    "改了命令的帮助文字后，运行 `.venv/bin/python tools/cli_docs.py` 重新生成。"
)


class DocsError(RuntimeError):
    """The help of a command could not be produced."""


def _main_group():
    """The click group of the checkout this tool belongs to (not another installed copy)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from pipeline.cli import main

    return main


def command_names() -> list[str]:
    """The commands in the order they are defined (the order of the README's command table)."""
    return list(_main_group().commands)


def help_text(args: list[str]) -> str:
    """What `huanjie ARGS --help` prints, at the fixed width."""
    from click.testing import CliRunner

    result = CliRunner().invoke(_main_group(), [*args, "--help"], prog_name=PROG, terminal_width=WIDTH)
    if result.exit_code != 0 or (result.exception is not None and not isinstance(result.exception, SystemExit)):
        raise DocsError(f"{PROG} {' '.join([*args, '--help'])} failed ({result.exit_code}): {result.output}")
    return result.output.rstrip() + "\n"


def _section(args: list[str]) -> list[str]:
    title = " ".join([PROG, *args])
    return [f"## {title}", "", "```text", *help_text(args).rstrip("\n").split("\n"), "```", ""]


def _anchor(title: str) -> str:
    return title.replace(" ", "-")


def render() -> str:
    """The whole of docs/cli.md."""
    names = command_names()
    lines = ["# huanjie 命令参考", "", INTRO, ""]
    lines += [f"- [`{PROG}`](#{PROG})"]
    lines += [f"- [`{PROG} {name}`](#{_anchor(f'{PROG} {name}')})" for name in names]
    lines.append("")
    lines += _section([])
    for name in names:
        lines += _section([name])
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="根据各命令的 --help 生成 docs/cli.md。")
    parser.add_argument("--check", action="store_true", help="只检查 docs/cli.md 是否最新，不是最新时退出码为 1。")
    parser.add_argument("--output", type=Path, default=DOCS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        wanted = render()
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    except (OSError, DocsError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if args.check:
        if wanted != current:
            print(
                f"{args.output.name} 不是最新的，请运行 .venv/bin/python tools/cli_docs.py 重新生成。"
                f"({args.output.name} is out of date: run .venv/bin/python tools/cli_docs.py.)",
                file=sys.stderr,
            )
            return 1
        return 0
    if wanted == current:
        print(f"{args.output} 已是最新。")
        return 0
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(wanted, encoding="utf-8")
    except OSError as exc:
        print(f"错误：无法写入 {args.output}（{exc.strerror or exc}）。", file=sys.stderr)
        return 2
    print(f"已更新 {args.output}（{len(command_names())} 个命令）。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
