"""The `huanjie` command: parses arguments, calls the core, prints findings, maps results to exit codes.

Exit codes: 0 no errors; 1 errors (or, with --strict, warnings) in the data; 2 unusable
invocation or unreadable input.
"""

from __future__ import annotations

import json
import sys

import click

from . import __version__, check as checking, cli_i18n, starter
from .findings import Severity, format_human, sort_key
from .fsutil import OutputExists, write_atomic

cli_i18n.install()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
COMMAND = {"context_settings": CONTEXT, "options_metavar": "[选项]"}


@click.group(context_settings=CONTEXT, options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
@click.version_option(__version__, "-V", "--version", prog_name="huanjie", message="%(prog)s %(version)s")
def main() -> None:
    """huanjie：换届选举文书流水线。

    读取选举记录（YAML），按选举法律法规校验，计算选举结果，生成公告、选票、证书、承诺书和工作总结等文书。

    运行“huanjie 命令 --help”查看各命令的用法。
    """


@main.command("check", **COMMAND)
@click.argument("files", nargs=-1, required=True, metavar="文件或文件夹...")
@click.option("--format", "output_format", type=click.Choice(["human", "json"]), default="human",
              show_default=True, help="输出格式：human 便于阅读，json 供程序处理。")
@click.option("--strict", is_flag=True, help="有警告也视为不通过（退出码 1）。")
def check_command(files: tuple[str, ...], output_format: str, strict: bool) -> None:
    """检查选举记录：格式、必填字段和取值。

    可以一次检查多个文件；给出文件夹时检查其中所有 .yaml 文件。每个问题一行：路径:行:列  严重程度  编号  说明。

    退出码：0 没有错误；1 记录中有错误；2 命令用法不对或文件无法读取。
    """
    results = checking.check_files(checking.expand_inputs(files))
    findings = sorted((f for r in results for f in r.findings), key=sort_key)
    if output_format == "json":
        payload = [{"file": r.file, "ok": r.ok, "findings": [f.to_dict() for f in r.findings]} for r in results]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            click.echo(format_human(finding))
        errors = sum(f.severity is Severity.ERROR for f in findings)
        warnings = sum(f.severity is Severity.WARNING for f in findings)
        passed = sum(r.ok for r in results)
        click.echo(f"共检查 {len(results)} 个文件，{passed} 个通过；错误 {errors} 个，警告 {warnings} 个。",
                   err=bool(findings))
    sys.exit(checking.exit_code(results, strict=strict))


@main.command("new", **COMMAND)
@click.argument("kind", metavar="类型")
@click.option("-o", "--output", required=True, metavar="文件", help="要生成的记录文件，如 阳光社区.yaml。")
@click.option("--force", is_flag=True, help="文件已存在时覆盖它。")
def new_command(kind: str, output: str, force: bool) -> None:
    """生成一份带中文说明的记录样板，可直接通过 check。

    类型：village_committee（村委会）、residents_committee（居委会）、party_branch（党支部）、deputy（人大代表）、building_leader（楼栋长），也可以直接写中文，如“村委会”。
    """
    try:
        text = starter.starter_text(kind)
    except starter.UnknownKind:
        choices = "、".join(f"{k}（{v}）" for k, v in starter.KINDS.items())
        raise click.UsageError(f"未知的选举类型“{kind}”。可选：{choices}。")
    try:
        write_atomic(output, text.encode("utf-8"), overwrite=force)
    except OutputExists:
        click.echo(f"错误：文件 {output} 已存在，未覆盖。如确需覆盖，请加 --force。", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"错误：无法写入 {output}（{exc.strerror}）。", err=True)
        sys.exit(2)
    click.echo(f"已生成 {output}（{starter.KINDS[starter.resolve_kind(kind)]}记录样板）。"
               f"修改后运行：huanjie check {output}")


if __name__ == "__main__":  # pragma: no cover
    main()
