"""`huanjie export`: the roster, candidates, tally and statistics of one record as an .xlsx for people."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from .. import export
from ..documents import Election
from ..fsutil import OutputExists, os_reason, write_atomic
from .echo import echo
from .gate import checked, print_findings

# as commands.COMMAND (not imported: this module is registered from there, at its end)
COMMAND: dict[str, Any] = {
    "context_settings": {"help_option_names": ["-h", "--help"], "max_content_width": 100},
    "options_metavar": "[选项]",
}


@click.command("export", **COMMAND)
@click.argument("file", metavar="记录文件")
@click.option("-o", "--output", required=True, metavar="文件.xlsx", help="要生成的表格文件，如 柳林村.xlsx。")
@click.option(
    "--what",
    multiple=True,
    metavar="内容",
    help="导出哪些表：花名册（roster）、候选人（candidates）、计票（tally）、统计（stats）或 all（全部，默认）；"
    "可多次使用或用逗号分隔，每种一个工作表。",
)
@click.option("--draft", is_flag=True, help="记录有错误时仍然导出，标题标注“草稿（未通过校验）”。")
@click.option("--force", is_flag=True, help="文件已存在时覆盖它。")
def export_command(file: str, output: str, what: tuple[str, ...], draft: bool, force: bool) -> None:
    """导出表格（.xlsx）：当选人员花名册、候选人名单、计票结果、统计。

    每种一个工作表：标题行、表头加粗并在每页重复打印、A4 适应页宽（宽表横向）、日期为真正的日期、百分比为数字（小数位数按 documents.percent_places）。

    先检查记录；有错误时不导出，除非加 --draft。已存在的文件不覆盖，除非加 --force。

    退出码：0 已导出；1 记录有错误（或 --draft 导出了草稿）；2 命令用法不对、文件无法读取或写入。
    """
    try:
        parts = export.parts_of(what)
    except export.UnknownPart as exc:
        raise click.UsageError(str(exc)) from None
    if os.path.isdir(output):
        echo(
            f"错误：{output} 是文件夹；请在 -o 后写要生成的表格文件名，如 {os.path.join(output, '导出.xlsx')}。",
            err=True,
        )
        sys.exit(2)
    if not output.lower().endswith(".xlsx"):
        raise click.UsageError(f"-o 后面应写 .xlsx 文件名，如 -o {os.path.splitext(output)[0] or '柳林村'}.xlsx。")
    if os.path.exists(output) and os.path.exists(file) and os.path.samefile(output, file):
        echo(f"错误：-o 指定的 {output} 就是记录文件本身，未导出；请另写一个文件名。", err=True)
        sys.exit(2)
    if os.path.exists(output) and not force:
        echo(f"错误：文件 {output} 已存在，未覆盖。如确需覆盖，请加 --force。", err=True)
        sys.exit(2)
    result, errors = checked(file, draft, "导出", "导出草稿（标题标注“草稿（未通过校验）”）")
    made = export.export_workbook(Election.from_check(result), parts, draft=bool(errors))
    try:
        write_atomic(output, made.data, overwrite=force)
    except OutputExists:
        echo(f"错误：文件 {output} 已存在，未覆盖。如确需覆盖，请加 --force。", err=True)
        sys.exit(2)
    except OSError as exc:
        echo(f"错误：无法写入 {output}（{os_reason(exc)}）。", err=True)
        sys.exit(2)
    if errors:
        print_findings(result.findings, err=True)
    sheets = "，".join(f"{name} {rows} 行" for name, rows in made.sheets)
    echo(f"已导出 {output}：{sheets}。" + ("（草稿）" if errors else ""))
    sys.exit(1 if errors else 0)
