"""`huanjie convert`: a record from YAML to a workbook and back; the workbook of `huanjie new --xlsx`."""

from __future__ import annotations

import os
import sys

import click

from .. import records
from ..findings import Severity, format_human, sort_key
from ..fsutil import OutputExists, os_reason, write_atomic
from ..schema import field_title
from ..sheets import record as workbook
from .echo import echo

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

_YAML = (".yaml", ".yml")
_XLSX = (".xlsx",)


def starter_workbook(text: str) -> bytes:
    """The fill-in workbook of a starter record's YAML text (`huanjie new KIND --xlsx`)."""
    record, _ = records.parse(text, "starter")
    assert record is not None, "a starter always parses"
    return workbook.to_workbook(record.data, field_title)


def write_new_file(target: str, data: bytes, force: bool) -> None:
    """Write a file the command makes, atomically; an existing one only with --force (exit 2 with a message)."""
    try:
        write_atomic(target, data, overwrite=force)
    except OutputExists:
        echo(f"错误：文件 {target} 已存在，未覆盖。如确需覆盖，请加 --force。", err=True)
        sys.exit(2)
    except OSError as exc:
        echo(f"错误：无法写入 {target}（{os_reason(exc)}）。", err=True)
        sys.exit(2)


@click.command("convert", context_settings=CONTEXT, options_metavar="[选项]")
@click.argument("source", metavar="源文件")
@click.argument("target", metavar="目标文件")
@click.option("--force", is_flag=True, help="目标文件已存在时覆盖它。")
def convert_command(source: str, target: str, force: bool) -> None:
    """在 YAML 记录和 Excel 记录工作簿之间转换，不丢失任何内容。

    按扩展名决定方向：huanjie convert 记录.yaml 记录.xlsx 生成工作簿；huanjie convert 记录.xlsx 记录.yaml
    把工作簿（huanjie new 类型 --xlsx 生成或本命令生成的）转回 YAML。目标文件已存在时不覆盖，除非加 --force。
    记录读取时发现的格式问题会列出，此时不转换（退出码 1）；记录内容是否合规请用 huanjie check 检查。

    退出码：0 已转换；1 记录有读取问题，未转换；2 命令用法不对或文件无法读取、写入。
    """
    src, dst = source.lower(), target.lower()
    if src.endswith(_YAML) and dst.endswith(_XLSX):
        to_xlsx = True
    elif src.endswith(_XLSX) and dst.endswith(_YAML):
        to_xlsx = False
    else:
        raise click.UsageError(
            "请给出一个 .yaml 文件和一个 .xlsx 文件，如 huanjie convert 记录.yaml 记录.xlsx，"
            "或 huanjie convert 记录.xlsx 记录.yaml。"
        )
    if os.path.isdir(target):
        echo(f"错误：{target} 是文件夹；请写要生成的文件名。", err=True)
        sys.exit(2)
    record, findings = records.load(source)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    for finding in sorted(findings, key=sort_key):
        echo(format_human(finding), err=True)
    if record is None or errors:
        unreadable = record is None and any(f.unreadable for f in findings)
        echo(f"未转换：{source} 有 {len(errors)} 处读取问题，请先改正。", err=True)
        sys.exit(2 if unreadable else 1)
    if to_xlsx:
        data = workbook.to_workbook(record.data, field_title)
    else:
        data = workbook.to_yaml(record.data).encode("utf-8")
    write_new_file(target, data, force)
    echo(f"已转换：{source} → {target}。")
