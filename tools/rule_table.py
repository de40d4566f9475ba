#!/usr/bin/env python3
"""Write the table of finding ids (`pipeline/rules/catalogue.yaml`) into README.md.

The table (编号 | 严重程度 | 检查内容 | 依据 | 可特批) goes between the markers
``<!-- rule-ids:begin -->`` and ``<!-- rule-ids:end -->``, under the heading “### 检查编号一览”;
nothing else in README.md changes.

Usage::

    python3 tools/rule_table.py           # rewrite the table in README.md
    python3 tools/rule_table.py --check   # exit 1 if README.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "pipeline" / "rules" / "catalogue.yaml"
README = ROOT / "README.md"

BEGIN = "<!-- rule-ids:begin -->"
END = "<!-- rule-ids:end -->"
HEADING = "### 检查编号一览"
SEVERITIES = ("错误", "警告", "提示")
INTRO = (
    "`huanjie check` 给出的每个问题都带一个固定的编号。下表列出全部编号、可能的严重程度、检查内容和依据"
    "（依据按选举类型列出，具体条文以所选规则配置为准；“—”表示格式或数字一致性检查，不引用条文）。"
    "“可特批”为“是”的检查，经批准后可在记录的 `exceptions` 中特批，特批后该项结果改为提示并注明批准单位、日期和文号；"
    "其他检查（法定门槛、选票数字矛盾、记录格式等）不能特批。"
    "本表由 `tools/rule_table.py` 根据 `pipeline/rules/catalogue.yaml` 生成，请勿手工修改。"
)


class CatalogueError(ValueError):
    """The catalogue or the README markers are not as expected."""


def load_catalogue(path: Path = CATALOGUE) -> list[dict]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise CatalogueError(f"{path}: expected a list of entries")
    for entry in entries:
        missing = [key for key in ("id", "severity", "what", "source") if not entry.get(key)]
        if missing:
            raise CatalogueError(f"{path}: entry {entry.get('id', entry)!r} lacks {', '.join(missing)}")
    return entries


def severities(entry: dict) -> list[str]:
    value = entry["severity"]
    return [value] if isinstance(value, str) else list(value)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def render(entries: list[dict]) -> str:
    """The Markdown block that goes between the markers (heading, note, table)."""
    lines = [HEADING, "", INTRO, "", "| 编号 | 严重程度 | 检查内容 | 依据 | 可特批 |", "|---|---|---|---|---|"]
    for entry in entries:
        shown = sorted(severities(entry), key=lambda s: SEVERITIES.index(s) if s in SEVERITIES else len(SEVERITIES))
        waivable = "是" if entry.get("waivable") is True else "否"
        lines.append(
            f"| `{entry['id']}` | {'、'.join(shown)} | {_cell(entry['what'])} | {_cell(entry['source'])} | {waivable} |"
        )
    return "\n".join(lines)


def updated(readme: str, block: str) -> str:
    """README text with `block` between the markers."""
    if readme.count(BEGIN) != 1 or readme.count(END) != 1:
        raise CatalogueError(f"README.md must contain {BEGIN} and {END} exactly once")
    head, rest = readme.split(BEGIN)
    _, tail = rest.split(END)
    return f"{head}{BEGIN}\n{block}\n\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="把检查编号一览写入 README.md。")
    parser.add_argument("--check", action="store_true", help="只检查 README.md 是否最新，不是最新时退出码为 1。")
    parser.add_argument("--readme", type=Path, default=README, help=argparse.SUPPRESS)
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        current = args.readme.read_text(encoding="utf-8")
        wanted = updated(current, render(load_catalogue(args.catalogue)))
    except (OSError, CatalogueError, yaml.YAMLError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if args.check:
        if wanted != current:
            print("README.md 中的检查编号一览不是最新的，请运行 python3 tools/rule_table.py。", file=sys.stderr)
            return 1
        return 0
    if wanted != current:
        args.readme.write_text(wanted, encoding="utf-8")
        print(f"已更新 {args.readme} 中的检查编号一览（{len(load_catalogue(args.catalogue))} 个编号）。")
    else:
        print("README.md 中的检查编号一览已是最新。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
