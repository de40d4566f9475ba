"""The click commands of `huanjie`: parse the input, call the core, print, map errors and results to exit codes.

Exit codes (README): 0 no errors; 1 errors (or, with --strict, warnings) in the data; 2 unusable
invocation or unreadable input; 130 interrupted. Every public exception of the core derives from
`errors.HuanjieError` and carries its code, so one ``except`` maps them all (`_exit_on`); the codes of a
finished run are worked out here from the run's data (failed units, refused conversions, problems found).
Chinese texts for click's own messages are installed when the command runs (`HuanjieGroup.main`), not on import.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from .. import __version__, printing, starter, strokes
from .. import check as checking
from .. import render as rendering
from ..documents import Election, list_templates
from ..documents import UnknownKind as UnknownDocument
from ..errors import HuanjieError
from ..findings import Severity, format_human, sort_key
from ..fsutil import OutputExists, os_reason
from ..outcome import outcome_to_dict
from ..records import decode, read_text
from ..safetext import visible, visible_data
from . import i18n
from .echo import echo
from .gate import checked, print_findings
from .progress import ArchiveProgress, BatchProgress, StageEvent
from .text import render_text
from .workbook import convert_command, write_new_file

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
COMMAND: dict[str, Any] = {"context_settings": CONTEXT, "options_metavar": "[选项]"}


@contextmanager
def _exit_on(target: str, cleanup=None, interrupted: str = "", verb: str = "写入") -> Iterator[None]:
    """Map the core's errors to `错误：…` on stderr and an exit code: a `HuanjieError` carries its own code.

    An `OSError` names `target` (or the file it names) with the reason in Chinese (exit code 2). `cleanup` runs
    before any message (it closes a progress bar); with `interrupted`, Ctrl-C or SIGTERM prints that text and
    exits 130.
    """

    def fail(code: int, message: str) -> None:
        if cleanup is not None:
            cleanup()
        echo(message, err=True)
        sys.exit(code)

    try:
        yield
    except KeyboardInterrupt:
        if not interrupted:
            raise
        fail(130, interrupted)
    except HuanjieError as exc:
        fail(exc.code, f"错误：{exc}")
    except OSError as exc:
        fail(2, f"错误：无法{verb} {exc.filename or target}（{os_reason(exc)}）。")


def check_exit_code(results, strict: bool = False) -> int:
    """0 clean, 1 findings in the data (with `strict`, warnings too), 2 some input could not be read at all."""
    results = list(results)
    if any(r.unreadable for r in results):
        return 2
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if any(f.severity in failing for r in results for f in r.findings):
        return 1
    return 0


class HuanjieGroup(click.Group):
    """The `huanjie` group: installs the Chinese texts of click when it runs (the console script and
    `CliRunner.invoke` both come through `main`), so that importing the package changes nothing."""

    def main(self, *args, **kwargs):
        i18n.install()
        return super().main(*args, **kwargs)


@click.group(cls=HuanjieGroup, context_settings=CONTEXT, options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
@click.version_option(
    __version__,
    "-V",
    "--version",
    prog_name="huanjie",
    message="%(prog)s %(version)s",
    help=i18n.gettext("Show the version and exit."),
)
def main() -> None:
    """huanjie：换届选举文书流水线。

    读取选举记录（YAML），按选举法律法规校验，计算选举结果，生成公告、选票、证书、承诺书和工作总结等文书。

    运行“huanjie 命令 --help”查看各命令的用法。
    """


@main.command("check", **COMMAND)
@click.argument("files", nargs=-1, required=True, metavar="文件或文件夹...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["human", "json"]),
    default="human",
    show_default=True,
    help="输出格式：human 便于阅读，json 供程序处理。",
)
@click.option("--strict", is_flag=True, help="有警告也视为不通过（退出码 1）。")
def check_command(files: tuple[str, ...], output_format: str, strict: bool) -> None:
    """检查选举记录：格式、取值和法定规则。

    法定规则包括：公告时限、差额比例、人员构成、委托投票、选票数目核对、参选率和当选票数等，每条都注明法律依据。

    可以一次检查多个文件；给出文件夹时检查其中所有 .yaml 文件和记录工作簿（.xlsx）。每个问题一行：路径:行:列（工作簿为 路径:工作表!单元格）  严重程度  编号  说明。

    退出码：0 没有错误；1 记录中有错误；2 命令用法不对或文件无法读取。
    """
    results = checking.check_files(checking.expand_inputs(files))
    findings = sorted((f for r in results for f in r.findings), key=sort_key)
    if output_format == "json":
        payload = [{"file": r.file, "ok": r.ok, "findings": [f.to_dict() for f in r.findings]} for r in results]
        echo(json.dumps(visible_data(payload), ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            echo(format_human(finding))
        errors = sum(f.severity is Severity.ERROR for f in findings)
        warnings = sum(f.severity is Severity.WARNING for f in findings)
        passed = sum(r.ok for r in results)
        echo(
            f"共检查 {len(results)} 个文件，{passed} 个通过；错误 {errors} 个，警告 {warnings} 个。", err=bool(findings)
        )
    sys.exit(check_exit_code(results, strict=strict))


@main.command("outcome", **COMMAND)
@click.argument("file", metavar="文件")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["human", "json"]),
    default="human",
    show_default=True,
    help="输出格式：human 便于阅读，json 供程序处理。",
)
def outcome_command(file: str, output_format: str) -> None:
    """计算选举结果：每个职位、每轮投票的计票、当选人、需重新投票或另行选举的情况，以及统计数字。

    记录有格式错误时先列出错误，不计算结果（退出码 1；文件无法读取时为 2）。
    """
    result = checking.check_file(file)
    if result.outcome is None or result.profile is None or result.stats is None:  # computed together, or not at all
        print_findings(result.findings, err=True)
        sys.exit(check_exit_code([result]) or 1)
    if output_format == "json":
        payload = {
            "file": file,
            "profile": result.profile.id,
            "outcome": outcome_to_dict(result.outcome),
            "stats": result.stats.to_dict(),
            "findings": [f.to_dict() for f in result.findings],
        }
        echo(json.dumps(visible_data(payload), ensure_ascii=False, indent=2))
    else:
        echo(render_text(result.outcome, result.stats))
        if result.findings:
            echo("", err=True)
            print_findings(result.findings, err=True)
    sys.exit(check_exit_code([result]))


@main.command("names", **COMMAND)
@click.argument("file", default="-", metavar="[文件|-]")
@click.option(
    "--convention",
    type=click.Choice(["surname", "fullname"]),
    default="surname",
    show_default=True,
    help="surname：姓氏笔画（单名排在同姓双名之前，如 田富 在 田大利 之前）；fullname：姓名笔画（逐字比较）。",
)
def names_command(file: str, convention: str) -> None:
    """按姓氏笔画排列姓名：每行一个姓名，从文件或标准输入（-）读入，按官方笔画顺序输出。

    笔画表中没有的字会在标准错误输出中提示，这些字排在同位置已知字之后。
    """
    if file != "-" and os.path.isdir(file):
        echo(f"错误：{file} 是文件夹；请给出每行一个姓名的文本文件。", err=True)
        sys.exit(2)
    if file == "-":
        if sys.stdin.isatty():
            echo("请输入姓名，每行一个；输入完毕后按 Ctrl-D（Windows 上按 Ctrl-Z 再回车）。", err=True)
        text, problems = decode(sys.stdin.buffer.read(), "<标准输入>")
    else:
        text, problems = read_text(file)
    if text is None:
        for finding in problems:
            echo(format_human(finding), err=True)
        sys.exit(2)
    names = [line.strip() for line in text.splitlines() if line.strip()]
    if not names:
        source = "标准输入" if file == "-" else f"文件 {file} "
        echo(f"错误：{source}中没有姓名；请每行写一个姓名。", err=True)
        sys.exit(1)
    for name in strokes.sort_names(names, convention):
        echo(name)
    unknown = strokes.unknown_chars(names)
    if unknown:
        echo(
            f"警告：笔画表中没有这些字：{'、'.join(unknown)}。含这些字的姓名已排在同位置已知字之后，请人工核对顺序。",
            err=True,
        )


@main.command("render", **COMMAND)
@click.argument("file", metavar="文件")
@click.option(
    "-o", "--output", "outdir", required=True, metavar="文件夹", help="文书输出到这个文件夹（不存在时自动建立）。"
)
@click.option(
    "--only",
    multiple=True,
    metavar="文书",
    help="只生成这种文书，可多次使用或用逗号分隔；写编号（06）、名称（选举结果公告）或代号（results），见 huanjie templates。",
)
@click.option("--templates", "templates_dir", metavar="文件夹", help="使用本地的模板文件夹；其中没有的模板用默认模板。")
@click.option("--draft", is_flag=True, help="记录有错误时仍然生成，每页标注“草稿（未通过校验）”。")
@click.option("--pdf", is_flag=True, help="每份 Word 文书旁另存一份 PDF（需要 LibreOffice），并写打印清单.xlsx。")
@click.option(
    "--bundle",
    is_flag=True,
    help="当选证书和各承诺书每种另合订成一份（每人一页，如 07-当选证书-合订.docx），并写打印清单.xlsx。",
)
@click.option(
    "--check-layout/--no-check-layout",
    default=None,
    help="生成后转成 PDF 检查版式（文字超出版心、选票超过一页、姓名拆行、末页只有落款、正文不是仿宋）；需要 LibreOffice。",
)
def render_command(
    file: str,
    outdir: str,
    only: tuple[str, ...],
    templates_dir: str | None,
    draft: bool,
    pdf: bool,
    bundle: bool,
    check_layout: bool | None,
) -> None:
    """生成文书：公告、选票、当选证书、承诺书、工作总结等（Word 格式，GB/T 9704 版式）。

    先检查记录；有错误时不生成，除非加 --draft。尚缺数据的文书（如计票前的选举结果公告）会跳过，并说明在等哪一项数据。文件夹中由 huanjie 生成、未被改动的同名文书会被更新；生成后被手工修改过的保留，新版本另存为“文件名（新）.docx”；同名的其他文件不覆盖（报错，请换一个 -o 或移走该文件）。

    加 --pdf、--bundle 时另写 PDF、合订本和“打印清单.xlsx”（印什么、印几份、何时用）；它们和文书一样归 huanjie 管理，重新生成时更新，同名的其他文件不覆盖。

    退出码：0 已生成；1 记录有错误（或 --draft 生成了草稿）、--only 指定的文书缺少数据；2 命令用法不对、文件或模板无法读取。
    """
    result, errors = checked(file, draft, "生成文书", "生成草稿（每页标注“草稿（未通过校验）”）")
    with _exit_on(outdir):
        election = Election.from_check(result)
        step = printing.PrintStep(election, pdf=pdf, bundle=bundle) if pdf or bundle else None
        try:
            report = rendering.render_record(
                election,
                outdir,
                only=_split_kinds(only) or None,
                templates_dir=templates_dir,
                draft=bool(errors),
                findings=result.findings,
                printing=step,
            )
        except UnknownDocument as exc:  # an unknown --only is a usage error, not a data problem
            raise click.UsageError(visible(str(exc))) from None
    if errors:
        print_findings(result.findings, err=True)
    for line in report.lines():
        echo(line)
    echo(
        f"共生成 {len(report.written)} 份文书"
        + report.beside_words()
        + (f"，跳过 {len(report.skipped)} 种。" if report.skipped else "。")
        + ("（草稿）" if errors else "")
    )
    sys.exit(1 if _render_layout(report, result, check_layout) or errors else 0)


def _render_layout(report, result, check_layout: bool | None) -> bool:
    """The layout check of the documents just written (when asked, or by default where it can run); any error."""
    from .. import layoutcheck

    if check_layout is None:  # by default where it can run, and said when it cannot
        check_layout = layoutcheck.RENDER_DEFAULT and layoutcheck.available()
        if layoutcheck.RENDER_DEFAULT and not check_layout and report.written:
            echo("提示：未找到 LibreOffice，未检查版式；安装后（make sysdeps）生成时会自动检查。", err=True)
    if not check_layout or not report.written:
        return False
    names = layoutcheck.printed_names(result.record.data) if result.record is not None else ()
    items = [layoutcheck.Item(w.path, w.kind, names, os.path.basename(w.path)) for w in report.written]
    pdfs = {w.path for w in report.prints if w.path.endswith(".pdf")}
    made = [(item.docx.removesuffix(".docx") + ".pdf", item) for item in items]
    with _exit_on(report.folder):
        if all(pdf in pdfs for pdf, _ in made):  # --pdf converted them already: check those, not a second copy
            layout = layoutcheck.LayoutResult(layoutcheck.check_pdfs(made), len(made))
        else:
            layout = layoutcheck.check_documents(items)
    print_findings(layout.findings, err=True)
    echo(f"版式检查：检查了 {layout.checked} 份文书，发现 {len(layout.findings)} 个问题。")
    return any(f.severity is Severity.ERROR for f in layout.findings)


def _split_kinds(values: tuple[str, ...]) -> list[str]:
    """--only 06 --only 选票, or --only 06,选票 (also with ，or 、)."""
    return [part.strip() for value in values for part in re.split(r"[,，、]", value) if part.strip()]


@main.command("templates", **COMMAND)
@click.argument("kind", required=False, metavar="[文书]")
def templates_command(kind: str | None) -> None:
    """列出每种文书的模板文件和模板中可用的变量，供制作本地模板时参考。

    给出文书名称（如 选举结果公告）、编号（06）或代号（results）时只列这一种。
    """
    try:
        infos = list_templates(kind)
    except UnknownDocument as exc:
        raise click.UsageError(visible(str(exc))) from None
    for index, info in enumerate(infos):
        if index:
            echo("")
        for line in info.lines():
            echo(line)


@main.command("new", **COMMAND)
@click.argument("kind", metavar="类型")
@click.option("-o", "--output", required=True, metavar="文件", help="要生成的记录文件，如 阳光社区.yaml。")
@click.option("--force", is_flag=True, help="文件已存在时覆盖它。")
@click.option("--xlsx", is_flag=True, help="生成 Excel 记录工作簿（填表即可，-o 写 .xlsx 文件名）。")
def new_command(kind: str, output: str, force: bool, xlsx: bool) -> None:
    """生成一份带中文说明的记录样板，可直接通过 check。

    类型：village_committee（村委会）、residents_committee（居委会）、party_branch（党支部）、deputy（人大代表）、building_leader（楼栋长）、supervisory_committee（村务监督委员会）、group_leader（村民小组长）、representative（村民代表），也可以直接写中文，如“村委会”；党支部以公推直选方式换届的，写“公推直选”。
    """
    try:
        text = starter.starter_text(kind)
    except starter.UnknownKind:
        choices = "、".join(f"{k}（{v}）" for k, v in starter.KINDS.items())
        raise click.UsageError(f"未知的选举类型“{kind}”。可选：{choices}。{starter.variants_text()}") from None
    if not output.strip():
        raise click.UsageError("-o 后面应写要生成的记录文件名，如 -o 柳林村.yaml。")
    if os.path.isdir(output):
        echo(
            f"错误：{output} 是文件夹；请在 -o 后写要生成的记录文件名，如 {os.path.join(output, '柳林村.yaml')}。",
            err=True,
        )
        sys.exit(2)
    data = text.encode("utf-8")
    if xlsx or output.lower().endswith(".xlsx"):
        if not output.lower().endswith(".xlsx"):
            raise click.UsageError("--xlsx 生成 Excel 工作簿，-o 后应写 .xlsx 文件名，如 -o 柳林村.xlsx。")
        from .workbook import starter_workbook

        data = starter_workbook(text)
    write_new_file(output, data, force)
    echo(f"已生成 {output}（{starter.starter_title(kind)}记录样板）。修改后运行：huanjie check {output}")


@main.command("import", **COMMAND)
@click.argument("sheet", metavar="表格文件")
@click.option("--into", "into", metavar="记录.yaml", help="写入这份已有的记录：只替换导入的部分，说明和格式不变。")
@click.option("-o", "--output", metavar="新记录.yaml", help="不用 --into 时：用表格新建一份记录（按 --kind 的样板）。")
@click.option("--kind", metavar="类型", help="与 -o 一起用：新记录的选举类型，如 居委会、村委会（默认 居委会）。")
@click.option("--sheet", "sheet_name", metavar="工作表", help="工作表名称（默认取第一个能认出表头的工作表）。")
@click.option(
    "--what",
    type=click.Choice(["voters", "candidates", "votes", "proxies"]),
    default="voters",
    show_default=True,
    help="导入什么：voters 选民名单，candidates 候选人，votes 得票（写入最后一轮），proxies 委托投票（写入最后一轮）。",
)
@click.option("--contest", type=int, metavar="序号", help="记录分场次（contests）时，写入第几个场次（从 1 数起）。")
@click.option("--no-backup", is_flag=True, help="写入已有记录前不保留备份（默认保留为 记录.yaml.bak）。")
@click.option("--force", is_flag=True, help="与 -o 一起用：文件已存在时覆盖它。")
def import_command(
    sheet: str,
    into: str | None,
    output: str | None,
    kind: str | None,
    sheet_name: str | None,
    what: str,
    contest: int | None,
    no_backup: bool,
    force: bool,
) -> None:
    """从 Excel、WPS 或 CSV 表格导入选民名单、候选人、得票或委托投票。

    读取 .xlsx、.xls、.ods 和 .csv（UTF-8 或 GBK），自动找到表头行并认出常用列名（姓名、性别、出生日期、身份证号、小组、住址、户号、职位、推荐方式、得票等，见 README），列出认出和未用的列。

    例：huanjie import 选民名单.xlsx --into 幸福社区.yaml；huanjie import 选民名单.xlsx -o 幸福社区.yaml --kind 居委会
    """
    from .. import importer, sheets

    if (into is None) == (output is None):
        raise click.UsageError("请用 --into 记录.yaml 写入已有记录，或用 -o 新记录.yaml 新建记录（二者选一）。")
    if output is not None and os.path.isdir(output):
        raise click.UsageError(
            f"{output} 是文件夹；请在 -o 后写要生成的记录文件名，如 {os.path.join(output, '记录.yaml')}。"
        )
    with _exit_on(into or output or sheet):
        part = sheets.sheet_part(sheet, what, sheet_name)
        _print_part(part)
        if into is not None:
            written = importer.import_into(into, part, contest, backup=not no_backup)
        else:
            assert output is not None
            try:
                written = importer.new_record(output, part, kind or "residents_committee", overwrite=force)
            except starter.UnknownKind:
                choices = "、".join(f"{k}（{v}）" for k, v in starter.KINDS.items())
                raise click.UsageError(f"未知的选举类型“{kind}”。可选：{choices}。") from None
            except OutputExists:
                echo(
                    f"错误：文件 {output} 已存在，未覆盖。如确需覆盖，请加 --force；写入已有记录请用 --into。", err=True
                )
                sys.exit(2)
    for note in written.notes:
        echo(note)
    if written.backup:
        echo(f"原记录已备份为 {written.backup}。")
    echo(
        f"已写入 {written.record}（{part.label} {part.count} {'人' if what == 'voters' else '项'}）。下一步运行：huanjie check {written.record}"
    )


def _print_part(part) -> None:
    """What the import read: the sheet and header row, the columns used and left out, what it changed or skipped."""
    echo(f"读取 {part.file}：工作表“{part.sheet}”，表头在第 {part.header_row} 行。")
    echo("认出的列：" + "；".join(f"{letter} 列“{header}”→ {title}" for letter, header, title in part.mapped) + "。")
    if part.ignored:
        echo("未使用的列：" + "、".join(f"{letter} 列“{header}”" for letter, header in part.ignored) + "。")
    for note in part.notes:
        echo(f"已处理：{note}。")
    for line in part.skipped[:20]:
        echo(f"注意：{line}。")
    if len(part.skipped) > 20:
        echo(f"注意：另有 {len(part.skipped) - 20} 行被跳过。")


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: workers stopped, unit folders repaired."""


def _on_sigterm(signum, frame):  # pragma: no cover - exercised through a subprocess
    raise _Terminated()


def _cluster_options(func):
    """--executor, --scheduler, --shared-output, --worker-wait (batch and archive): where the work runs."""
    func = click.option(
        "--worker-wait",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        metavar="秒",
        help="与 --executor dask 一起用：集群上没有工作节点（一开始就没有，或中途全部退出）时最多等这么多秒，"
        "然后停止并报错（退出码 2）；默认 120 秒。",
    )(func)
    func = click.option(
        "--shared-output",
        is_flag=True,
        help="与 --executor dask 一起用：输出文件夹在所有工作节点上路径相同、都能读写（共享存储），由工作节点直接写入；"
        "默认由工作节点把生成的文件传回本机写入。",
    )(func)
    func = click.option(
        "--scheduler",
        metavar="地址",
        help="与 --executor dask 一起用：Dask 调度器的地址，如 tcp://主机名:8786；不给时在本机启动一个 Dask 集群"
        "（工作进程数同 -j）。",
    )(func)
    return click.option(
        "--executor",
        type=click.Choice(["local", "dask"]),
        default="local",
        show_default=True,
        help="在哪里运行：local 为本机的进程；dask 为 Dask 集群（需先安装：pip install 'huanjie[cluster]'）。",
    )(func)


def _open_cluster(
    executor: str, scheduler: str | None, shared_output: bool, jobs: int | None, worker_wait: float | None = None
):
    """The Dask cluster of `--executor dask` (None for local); `ClusterError` (exit code 2) when it cannot be had."""
    from ..batch.executors import DASK_ONLY, WORKER_WAIT, Cluster, ClusterError

    if executor != "dask":
        if scheduler or shared_output or worker_wait is not None:
            raise ClusterError(DASK_ONLY)
        return None
    return Cluster(scheduler, jobs, worker_wait=WORKER_WAIT if worker_wait is None else worker_wait)


@main.command("batch", **COMMAND)
@click.argument("directory", metavar="文件夹")
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    metavar="文件夹",
    help="输出文件夹：按记录文件夹的层级存放各单位的文书、各级工作总结和批量报告。",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="同时生成的进程数（默认为 CPU 核数；1 表示在本进程中逐个生成）。",
)
@click.option("--force", is_flag=True, help="不论记录、模板是否改变，全部重新生成。")
@click.option("--templates", "templates_dir", metavar="文件夹", help="使用本地的模板文件夹；其中没有的模板用默认模板。")
@click.option(
    "--check-layout",
    is_flag=True,
    help="生成后把各单位的文书转成 PDF 检查版式（需要 LibreOffice；一个县有上万份文书，较慢，故默认不检查）。",
)
@_cluster_options
def batch_command(
    directory: str,
    outdir: str,
    jobs: int | None,
    force: bool,
    templates_dir: str | None,
    check_layout: bool,
    executor: str,
    scheduler: str | None,
    shared_output: bool,
    worker_wait: float | None,
) -> None:
    """批量生成：检查文件夹中所有选举记录（如 县/乡镇/单位.yaml），为通过校验的单位生成全部文书。

    输出文件夹与记录文件夹层级相同：输出/青石县/河湾镇/柳林村/ 中是柳林村的文书；每一级文件夹中有该级的换届选举工作总结和换届选举情况统计表.xlsx
    （乡镇、县文件夹中的 _汇总.yaml 是本级自己的材料和上报数字，见 README）；最上层有批量报告（批量报告.xlsx、report.json）和文件清单 manifest.json（每个文件的 SHA-256）。

    有错误的记录不生成文书，也不影响其他单位；问题在报告中逐条列出。上次生成的文书保留，标为已过期（报告中注明，文件夹中另有说明文件）。记录已不存在的单位，删除程序生成的文书。程序只替换或删除它自己生成、且未被改动的文书：文件夹中用户自己的文件不动；生成后被手工修改过的文书保留，新版本另存为“文件名（新）.docx”。

    再次运行时，记录、模板和程序版本都未改变的单位直接跳过（加 --force 全部重新生成）。中途中断（Ctrl-C）不会留下写了一半的文件。

    用 --executor dask 在 Dask 集群上生成（省、市一级的大批量，见 README“大规模运行”）：输出与本机生成的完全相同；工作节点意外退出时，其单位换一个节点重试一次，仍失败的单位在报告中列为未通过。

    退出码：0 全部通过；1 有单位未通过校验或生成失败，或某级 _汇总.yaml 有误、所填数字与计算值不符；2 文件夹或模板无法使用；130 被中断。
    """
    from .. import batch

    progress = BatchProgress(bar=sys.stdout.isatty())
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        with _exit_on(
            outdir,
            cleanup=progress.close,
            interrupted="已中断：已写完的单位保留，未写完的单位保持原样；未生成批量报告。再次运行即可继续。",
        ):
            result = batch.run_batch(
                directory,
                outdir,
                jobs=jobs,
                force=force,
                templates_dir=templates_dir,
                progress=progress,
                executor=executor,
                scheduler=scheduler,
                shared_output=shared_output,
                worker_wait=worker_wait,
            )
    finally:
        signal.signal(signal.SIGTERM, previous)
    progress.close()
    for notice in result.notices:
        echo(f"提示：{notice}", err=True)
    if result.failures:
        echo("", err=True)
        for unit in result.failures:
            for line in batch.finding_lines(unit):
                echo(line, err=True)
    for finding in result.level_findings:  # a level's own _汇总.yaml (its reported figures checked)
        echo(format_human(finding), err=True)
    parts = [f"已生成 {result.ok} 个"]
    if result.skipped:
        parts.append(f"未改变跳过 {result.skipped} 个")
    if result.failed:
        parts.append(
            f"未通过 {result.failed} 个"
            + (f"（其中 {result.stale} 个保留了上次的文书，已过期）" if result.stale else "")
        )
    echo(
        f"共 {result.total} 个单位：{'，'.join(parts)}；本次生成文书 {result.rendered} 份，"
        f"工作总结 {len(result.summaries)} 份，用时 {result.seconds:.1f} 秒。"
    )
    if result.kept:
        echo(
            f"保留了 {len(result.kept)} 份生成后被手工修改过的文书（未覆盖，新版本另存为“文件名（新）.docx”）："
            + "、".join(result.kept)
        )
    echo(
        f"报告：{os.path.join(outdir, batch.REPORT_XLSX)}、{os.path.join(outdir, batch.REPORT_JSON)}；"
        f"文件清单：{os.path.join(outdir, batch.MANIFEST)}"
    )
    layout_errors = _batch_layout(outdir, jobs, (executor, scheduler, worker_wait)) if check_layout else False
    level_problems = any(f.severity is not Severity.INFO for f in result.level_findings)
    sys.exit(1 if result.failed or layout_errors or level_problems else 0)


def _batch_layout(outdir: str, jobs: int | None, where: tuple[str, str | None, float | None]) -> bool:
    """`batch --check-layout`: the layout check of the documents of every unit rendered; any error.

    With `--executor dask` the PDFs are made on the cluster's workers and sent back (their temp folder is this
    machine's, so never written in place).
    """
    from .. import layoutcheck
    from ..archive.distributed import ClusterConverter

    progress = ArchiveProgress(bar=sys.stderr.isatty())

    def tell(done: int, total: int) -> None:
        progress(StageEvent("检查版式", done, total))

    cluster = None
    try:
        with _exit_on(outdir, cleanup=progress.close, interrupted="已中断：版式检查未完成；文书都已生成。"):
            cluster = _open_cluster(where[0], where[1], False, jobs, where[2])
            converter = ClusterConverter(cluster) if cluster is not None else None
            layout = layoutcheck.check_batch(outdir, workers=jobs, progress=tell, converter=converter)
    finally:
        if cluster is not None:
            cluster.close()
    progress.close()
    print_findings(layout.findings, err=True)
    echo(f"版式检查：检查了 {layout.checked} 份文书，发现 {len(layout.findings)} 个问题。")
    return any(f.severity is Severity.ERROR for f in layout.findings)


def summary_table_path(output: str) -> str:
    """Where `huanjie summary` writes the 统计表 by default: beside the .docx (the batch's name beside the batch's)."""
    from ..aggregate import SUMMARY_FILE
    from ..batch.statsheet import STATSHEET_FILE

    folder, name = os.path.split(output)
    if name == SUMMARY_FILE:
        return os.path.join(folder, STATSHEET_FILE)
    return os.path.join(folder, f"{name[: -len('.docx')]}-统计表.xlsx")


@main.command("summary", **COMMAND)
@click.argument("directory", metavar="文件夹")
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="文件",
    help="要生成的 Word 文件，如 青石县工作总结.docx；给出已有的文件夹时写入其中的 换届选举工作总结.docx。",
)
@click.option("--title", metavar="标题", help="标题（默认为“某县……换届选举工作总结”）。")
@click.option("--author", metavar="单位", help="落款单位（默认为记录共同的上级，如 青石县）。")
@click.option("--templates", "templates_dir", metavar="文件夹", help="使用本地的模板文件夹；其中没有的模板用默认模板。")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, metavar="N", help="同时检查记录的进程数。"
)
@click.option(
    "--table",
    "table",
    metavar="文件",
    help="同时生成的换届选举情况统计表（.xlsx）；默认写在工作总结旁边："
    "换届选举工作总结.docx 旁为 换届选举情况统计表.xlsx，其他名称如 青石县工作总结.docx 旁为 青石县工作总结-统计表.xlsx。",
)
@click.option("--force", is_flag=True, help="输出文件已存在且不是 huanjie 生成的（或生成后被修改过）时，也覆盖它。")
def summary_command(
    directory: str,
    output: str,
    title: str | None,
    author: str | None,
    templates_dir: str | None,
    jobs: int,
    table: str | None,
    force: bool,
) -> None:
    """汇总工作总结：把文件夹中所有通过校验且已计票的记录汇总成一份乡镇（街道）或县级换届选举工作总结。

    基本情况由程序统计：单位数、参选率、一次选举成功、另行选举、未选足名额，新当选成员的性别、年龄、文化程度、政治面貌和连任情况，
    有合计，也有每个单位（县级汇总为每个乡镇、街道）一行的表格；所有比例都由合计人数重新计算，不是各单位比例的平均。

    同时写出本级的换届选举情况统计表（.xlsx，每个单位一行和合计行，与 batch 写的相同；位置见 --table）。

    有错误或尚未计票的记录不计入，在总结中写明，并在标准错误输出中列出。文件夹中的 _汇总.yaml 是本级自己的材料（主要做法、本级统计的数字、上届情况、百分比位数、年龄分段）和向上级报送的数字，后者按所填精度与计算值核对。没有计入的单位时，所填数字逐项提示无法核对的原因。工作总结或统计表已存在时，只有它是 huanjie 生成的才会更新（否则加 --force 覆盖）。

    退出码：0 已生成；1 有记录因错误未计入，_汇总.yaml 有误或所填数字与计算值不符，或没有可汇总的记录；2 文件夹或模板无法使用、无法写入。
    """
    from .. import aggregate
    from ..batch.lock import refuse_while_writing
    from ..batch.statsheet import STATSHEET_FILE
    from ..batch.summaries import NothingCounted

    if os.path.isdir(output):
        output = os.path.join(output, aggregate.SUMMARY_FILE)
    elif not output.lower().endswith(".docx"):
        raise click.UsageError("输出文件应为 Word 文件（以 .docx 结尾）。")
    if table is None:
        table = summary_table_path(output)
    elif os.path.isdir(table):
        table = os.path.join(table, STATSHEET_FILE)
    elif not table.lower().endswith(".xlsx"):
        raise click.UsageError("统计表应为 Excel 文件（以 .xlsx 结尾）。")
    if os.path.abspath(table) == os.path.abspath(output):
        raise click.UsageError("统计表与工作总结不能是同一个文件。")
    for path, what in ((output, "工作总结"), (table, "统计表")):
        if os.path.exists(path) and not force and not aggregate.untouched(path):
            echo(
                f"错误：文件 {path} 已存在，且不是 huanjie 生成的{what}（或生成后被修改过），未覆盖。请换一个文件名；"
                "如确需覆盖，请加 --force。",
                err=True,
            )
            sys.exit(2)
    with _exit_on(output):
        refuse_while_writing(os.path.dirname(os.path.abspath(output)), "请等它完成后再生成工作总结。")
        try:
            outcome = aggregate.summarise(
                directory, output, templates_dir=templates_dir, title=title, author=author, jobs=jobs, table_file=table
            )
        except NothingCounted as nothing:
            for finding in nothing.level_findings:  # the level's _汇总.yaml: why its figures cannot be checked
                echo(format_human(finding), err=True)
            raise
    for finding in outcome.level_findings:  # the level's own _汇总.yaml
        echo(format_human(finding), err=True)
    for unit in outcome.left_out:
        echo(f"未计入：{unit.rel}（{unit.reason}）", err=True)
        for finding in sorted(unit.findings, key=sort_key):
            if finding.severity is Severity.ERROR:
                echo("    " + format_human(finding).replace("\n", "\n    "), err=True)
    echo(
        f"已生成 {output} 和统计表 {outcome.table}（汇总 {outcome.units} 个单位"
        + (f"，{len(outcome.left_out)} 个记录未计入）。" if outcome.left_out else "）。")
    )
    sys.exit(1 if outcome.errors else 0)


_ARCHIVE_HELP = """生成归档数据包：把批量生成（或单个单位 render）的文书转为 PDF/A-2b，编档号，写 DA/T 46 元数据、归档文件目录、说明文件和 SHA-256、SM3 摘要清单，写成一个文件夹（移交时刻录到载体上的形式），-o 的名称以 .zip 结尾时写成一个 zip 文件。

文件夹是 huanjie batch 的输出文件夹（含 report.json；选举记录从报告中的记录文件夹读取，移动过时用 --records 指定），或 huanjie render 的输出文件夹（用 --record 指定其记录）。

记录有错误、文书为草稿或生成后被改动、无法转换为 PDF 的单位不归档，在标准错误输出和数据包的说明文件中列出。数据包先写入旁边的临时文件（夹）再改名，已存在时不覆盖（加 --force 覆盖；不是 huanjie 数据包的已有文件夹始终不覆盖）。

用 --scans 附上签名、盖章后纸质原件的扫描件（PDF、JPEG、TIFF）：扫描件与文书同名（可加页码，如 04-候选人竞争承诺书-张伟-1.jpg；批量时按输出文件夹的目录放），或在扫描件文件夹的 扫描件对照.yaml 中写“扫描文件: 文书文件”；每个扫描件放在其文书的 PDF 旁边，列入元数据、文件目录和清单。对不上的扫描件作为提示列出，不归档。用 --sign 私钥文件 对清单签名（私钥用 huanjie keygen 生成）。

转换出的每份 PDF 同时做版式检查（文字超出版心、选票超过一页、姓名拆行、末页只有落款、正文不是仿宋），发现的问题作为提示列出；文书照原样归档，不因版式问题拒收。

\b
{settings}

需要 LibreOffice、poppler-utils 和中文字体（Debian：{packages}）。

用 --executor dask 在 Dask 集群的工作节点上转换 PDF（工作节点需要 LibreOffice 和中文字体，本机只需 poppler-utils）；加 --shared-output 时，批量输出文件夹和数据包所在的文件夹须在所有工作节点上路径相同、都能读写。

退出码：0 已生成数据包（可能有单位未归档，见标准错误输出）；1 没有可归档的文书，或有文书无法转换为 PDF（其单位未归档）；2 命令用法、设置或文件夹有误，数据包已存在，缺少 LibreOffice 等程序。
"""


def _archive_help(func):
    from ..archive import SETTINGS_HELP
    from ..pdf import SYSTEM_PACKAGES

    func.__doc__ = _ARCHIVE_HELP.format(settings=SETTINGS_HELP, packages=SYSTEM_PACKAGES)
    return func


@main.command("archive", **COMMAND)
@click.argument("directory", metavar="文件夹")
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="数据包",
    help="要生成的归档数据包：文件夹；名称以 .zip 结尾时为 zip 文件。",
)
@click.option("--settings", "settings_file", metavar="文件", help="档号设置文件（YAML），键见上。")
@click.option("--fonds", metavar="全宗号", help="全宗号（4 位字母或数字，如 J012）。")
@click.option("--year", metavar="年度", help="年度（默认取每件文书的成文日期所在年度）。")
@click.option("--retention", metavar="期限", help="保管期限：Y（永久）、D30（定期30年）、D10（定期10年）。")
@click.option("--org", metavar="代码", help="机构（问题）代码，如 BGS（可选）。")
@click.option("--start", metavar="件号", help="起始件号（默认 1）。")
@click.option("--producer", metavar="单位", help="立档单位名称（默认取记录的上级单位）。")
@click.option("--records", metavar="文件夹", help="批量生成时的记录文件夹（默认取 report.json 中的 source）。")
@click.option("--record", metavar="文件", help="单个单位的记录文件（文件夹是 huanjie render 的输出时）。")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="同时运行的 LibreOffice 进程数（默认为 CPU 核数）。",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=120,
    show_default=True,
    metavar="秒",
    help="每份文书转换的最长时间；超时的文书单独重试一次。",
)
@click.option("--force", is_flag=True, help="数据包已存在时覆盖它。")
@click.option(
    "--scans",
    metavar="文件夹",
    help="签名、盖章后纸质原件的扫描件（PDF、JPEG、TIFF）所在的文件夹，按文件名与文书对应。",
)
@click.option(
    "--sign", "sign_key", metavar="私钥文件", help="用 huanjie keygen 生成的私钥对数据包的清单签名（签名.json）。"
)
@_cluster_options
@_archive_help
def archive_command(
    directory: str,
    output: str,
    settings_file: str | None,
    fonds: str | None,
    year: str | None,
    retention: str | None,
    org: str | None,
    start: str | None,
    producer: str | None,
    records: str | None,
    record: str | None,
    jobs: int | None,
    timeout: float,
    force: bool,
    scans: str | None,
    sign_key: str | None,
    executor: str,
    scheduler: str | None,
    shared_output: bool,
    worker_wait: float | None,
) -> None:
    from .. import archive
    from ..archive import sign
    from ..archive.distributed import ClusterConverter

    overrides: dict[str, Any] = {
        "fonds": fonds,
        "year": year,
        "retention": retention,
        "org": org,
        "start": start,
        "producer": producer,
    }
    progress = ArchiveProgress(bar=sys.stderr.isatty())
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    cluster = None
    try:
        with _exit_on(
            output,
            cleanup=progress.close,
            interrupted="已中断：未生成数据包。",
            verb="读写",
        ):
            try:
                cluster = _open_cluster(executor, scheduler, shared_output, jobs, worker_wait)
                key = sign.load_private_key(sign_key) if sign_key else None
                if settings_file:
                    settings = archive.load_settings(settings_file, **overrides)
                else:
                    settings = archive.ArchiveSettings.make(source="命令行选项", **overrides)
                result = archive.build_package(
                    directory,
                    output,
                    settings,
                    force=force,
                    workers=jobs,
                    timeout=timeout,
                    records=records,
                    record=record,
                    progress=progress,
                    key=key,
                    scans=scans,
                    converter=ClusterConverter(cluster, shared_output) if cluster is not None else None,
                )
            except archive.NothingToArchive as exc:
                progress.close()
                for refusal in exc.refused:
                    echo(f"未归档：{refusal.line()}", err=True)
                echo(f"错误：{exc}", err=True)
                sys.exit(exc.code)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if cluster is not None:
            cluster.close()
    progress.close()
    if result.refused:
        echo(f"未归档 {len(result.refused)} 个单位（详见数据包中的说明文件和 其他/校验报告.json）：", err=True)
        for refusal in result.refused:
            echo(f"  {refusal.line()}", err=True)
    for warning in result.warnings:
        echo(f"提示：{warning}", err=True)
    if result.layout:
        echo(
            f"提示：版式检查发现 {len(result.layout)} 个问题（文书照原样归档；请在原文书中改正后重新生成）：", err=True
        )
        print_findings(result.layout, err=True)
    parts = f"单位 {result.units} 个" + (f"，工作总结 {result.summaries} 份" if result.summaries else "")
    echo(
        f"已生成归档数据包 {output}：{result.items} 件（{parts}），文件 {result.files} 个；"
        f"档号 {result.first} 至 {result.last}；版式检查 {result.layout_checked} 件，发现 {len(result.layout)} 个问题；"
        f"用时 {result.seconds:.1f} 秒（转换 PDF {result.convert_seconds:.1f} 秒）。"
        + (f"附纸质原件扫描件 {result.scans} 个。" if result.scans else "")
        + (f"已由“{result.signer}”签名。" if result.signer else "未签名（可用 --sign 私钥文件 签名）。")
    )
    # Some documents could not be converted to PDF (their units are left out): the package is incomplete.
    sys.exit(1 if result.conversion_failed else 0)


@main.command("verify", **COMMAND)
@click.argument("package", metavar="数据包")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["human", "json"]),
    default="human",
    show_default=True,
    help="输出格式：human 便于阅读，json 供程序处理。",
)
@click.option(
    "--key",
    "key_file",
    metavar="公钥文件",
    help="签名者的公钥（huanjie keygen 生成的 .pub 文件），用来核对数据包的签名。",
)
def verify_command(package: str, output_format: str, key_file: str | None) -> None:
    """校验归档数据包（文件夹或 zip 文件）：重新计算每个文件的 SHA-256 和 SM3 并与清单核对，检查目录结构、每个 PDF 的 PDF/A-2b 标识（XMP）、字体嵌入和文档属性，以及元数据、文件目录与文件是否一致（文件名、大小、页数、摘要）；装有 veraPDF 时同时用它检验 PDF/A。

    已签名的数据包用 --key 给出签名者的公钥时核对签名：任何文件、清单或签名被改动都不能通过；未签名的数据包照常校验，并注明“未签名”。

    每个问题一行：数据包中的文件：问题。

    退出码：0 校验通过；1 发现问题；2 数据包无法读取（不存在、既不是文件夹也不是完整的 zip 文件），或公钥文件无法使用。
    """
    from .. import archive
    from ..archive import sign

    with _exit_on(package, verb="读取"):
        key = sign.load_public_key(key_file) if key_file else None
        result = archive.verify_package(package, key=key)
    if output_format == "json":
        payload = {
            "package": package,
            "ok": result.ok,
            "files": result.files,
            "items": result.items,
            "signed": result.signed,
            "signer": result.signer,
            "signature_checked": result.signature_checked,
            "verapdf": result.verapdf,
            "problems": [{"path": p.path, "message": p.message} for p in result.problems],
        }
        echo(json.dumps(visible_data(payload), ensure_ascii=False, indent=2))
    else:
        for problem in result.problems:
            echo(problem.line())
        echo(_signature_line(result))
        echo(
            f"veraPDF 检验：{result.verapdf}。"
            if result.verapdf
            else "未安装 veraPDF：PDF/A 只核对了 PDF/A 标识和字体嵌入，未做完整的符合性检验。"
        )
        if result.ok:
            echo(
                f"校验通过：{package}，{result.items} 件、{result.files} 个文件，SHA-256 和 SM3 摘要、目录结构、"
                "PDF/A-2b 标识、字体嵌入和元数据均一致。"
            )
        else:
            echo(f"校验未通过：{package} 有 {len(result.problems)} 处问题。", err=True)
    sys.exit(0 if result.ok else 1)


def _signature_line(result) -> str:
    """The line of verify's report about the package's signature: 签名有效, 已签名 but unchecked, or 未签名."""
    if not result.signed:
        return "未签名：数据包没有电子签名，只核对了文件与清单一致；清单被整体改写时无法发现。"
    if result.signature_checked and result.ok:
        return f"签名有效：签名者“{result.signer}”（公钥指纹 {result.fingerprint}）。"
    if result.signature_checked:
        return f"签名本身有效（签名者“{result.signer}”），但数据包有上述问题。"
    return (
        f"已签名：签名者“{result.signer}”（公钥指纹 {result.fingerprint}）；未给出公钥（--key 公钥文件），"
        "签名本身未核对。"
    )


# The commands of new modules are registered at the end (they import this module).
from .export import export_command  # noqa: E402
from .keys import keygen_command  # noqa: E402
from .serve import serve_command  # noqa: E402

main.add_command(keygen_command)
main.add_command(convert_command)
main.add_command(export_command)
main.add_command(serve_command)
