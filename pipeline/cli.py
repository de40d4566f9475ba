"""The `huanjie` command: parses arguments, calls the core, prints findings, maps results to exit codes.

Exit codes: 0 no errors; 1 errors (or, with --strict, warnings) in the data; 2 unusable
invocation or unreadable input.
"""

from __future__ import annotations

import json
import sys

import click

from . import __version__, check as checking, cli_i18n, render as rendering, starter, strokes
from .documents import UnknownKind as UnknownDocument, list_templates
from .findings import Severity, format_human, sort_key
from .outcome import outcome_to_dict, render_text
from .records import decode, read_text
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
    """检查选举记录：格式、取值和法定规则。

    法定规则包括：公告时限、差额比例、人员构成、委托投票、选票数目核对、参选率和当选票数等，每条都注明法律依据。

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


def _print_findings(findings, err: bool = False) -> None:
    for finding in sorted(findings, key=sort_key):
        click.echo(format_human(finding), err=err)


@main.command("outcome", **COMMAND)
@click.argument("file", metavar="文件")
@click.option("--format", "output_format", type=click.Choice(["human", "json"]), default="human",
              show_default=True, help="输出格式：human 便于阅读，json 供程序处理。")
def outcome_command(file: str, output_format: str) -> None:
    """计算选举结果：每个职位、每轮投票的计票、当选人、需重新投票或另行选举的情况，以及统计数字。

    记录有格式错误时先列出错误，不计算结果（退出码 1；文件无法读取时为 2）。
    """
    result = checking.check_file(file)
    if result.outcome is None:
        _print_findings(result.findings, err=True)
        sys.exit(checking.exit_code([result]) or 1)
    if output_format == "json":
        payload = {"file": file, "profile": result.profile.id, "outcome": outcome_to_dict(result.outcome),
                   "stats": result.stats.to_dict(), "findings": [f.to_dict() for f in result.findings]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(result.outcome, result.stats))
        if result.findings:
            click.echo("", err=True)
            _print_findings(result.findings, err=True)
    sys.exit(checking.exit_code([result]))


@main.command("names", **COMMAND)
@click.argument("file", default="-", metavar="[文件|-]")
@click.option("--convention", type=click.Choice(["surname", "fullname"]), default="surname", show_default=True,
              help="surname：姓氏笔画（单名排在同姓双名之前，如 田富 在 田大利 之前）；fullname：姓名笔画（逐字比较）。")
def names_command(file: str, convention: str) -> None:
    """按姓氏笔画排列姓名：每行一个姓名，从文件或标准输入（-）读入，按官方笔画顺序输出。

    笔画表中没有的字会在标准错误输出中提示，这些字排在同位置已知字之后。
    """
    if file == "-":
        text, problems = decode(sys.stdin.buffer.read(), "<标准输入>")
    else:
        text, problems = read_text(file)
    if text is None:
        for finding in problems:
            click.echo(format_human(finding), err=True)
        sys.exit(2)
    names = [line.strip() for line in text.splitlines() if line.strip()]
    for name in strokes.sort_names(names, convention):
        click.echo(name)
    unknown = strokes.unknown_chars(names)
    if unknown:
        click.echo(f"警告：笔画表中没有这些字：{'、'.join(unknown)}。含这些字的姓名已排在同位置已知字之后，请人工核对顺序。",
                   err=True)


@main.command("render", **COMMAND)
@click.argument("file", metavar="文件")
@click.option("-o", "--output", "outdir", required=True, metavar="文件夹", help="文书输出到这个文件夹（不存在时自动建立）。")
@click.option("--only", multiple=True, metavar="文书",
              help="只生成这种文书，可多次使用；写编号（06）、名称（选举结果公告）或代号（results），见 huanjie templates。")
@click.option("--templates", "templates_dir", metavar="文件夹", help="使用本地的模板文件夹；其中没有的模板用默认模板。")
@click.option("--draft", is_flag=True, help="记录有错误时仍然生成，每页标注“草稿（未通过校验）”。")
def render_command(file: str, outdir: str, only: tuple[str, ...], templates_dir: str | None, draft: bool) -> None:
    """生成文书：公告、选票、当选证书、承诺书、工作总结等（Word 格式，GB/T 9704 版式）。

    先检查记录；有错误时不生成，除非加 --draft。尚缺数据的文书（如计票前的选举结果公告）会跳过，并说明在等哪一项数据。文件夹中同名的已生成文书会被更新。

    退出码：0 已生成；1 记录有错误（或 --draft 生成了草稿）、--only 指定的文书缺少数据；2 命令用法不对、文件或模板无法读取。
    """
    result = checking.check_file(file)
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    if result.outcome is None or (errors and not draft):
        _print_findings(result.findings, err=True)
        if result.unreadable:
            sys.exit(2)
        if result.outcome is None:
            click.echo("记录格式有误，无法生成文书；请先按上面的提示改正。", err=True)
        else:
            click.echo(f"记录有 {len(errors)} 个错误，未生成文书。请改正后重试，或加 --draft 生成草稿"
                       "（每页标注“草稿（未通过校验）”）。", err=True)
        sys.exit(1)
    try:
        report = rendering.render_record(result.record, outdir, only=list(only) or None,
                                         templates_dir=templates_dir, draft=bool(errors))
    except UnknownDocument as exc:
        raise click.UsageError(str(exc))
    except rendering.DataMissing as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(1)
    except rendering.RenderError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"错误：无法写入 {outdir}（{exc.strerror}）。", err=True)
        sys.exit(2)
    if errors:
        _print_findings(result.findings, err=True)
    for line in report.lines():
        click.echo(line)
    click.echo(f"共生成 {len(report.written)} 份文书" + (f"，跳过 {len(report.skipped)} 种。" if report.skipped else "。")
               + ("（草稿）" if errors else ""))
    sys.exit(1 if errors else 0)


@main.command("templates", **COMMAND)
@click.argument("kind", required=False, metavar="[文书]")
def templates_command(kind: str | None) -> None:
    """列出每种文书的模板文件和模板中可用的变量，供制作本地模板时参考。

    给出文书名称（如 选举结果公告）、编号（06）或代号（results）时只列这一种。
    """
    try:
        infos = list_templates(kind)
    except UnknownDocument as exc:
        raise click.UsageError(str(exc))
    for index, info in enumerate(infos):
        if index:
            click.echo("")
        for line in info.lines():
            click.echo(line)


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
