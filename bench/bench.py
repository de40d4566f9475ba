"""Benchmark: huanjie's renderer and batch against a plain docxtpl loop, side by side in the same run.

    .venv/bin/python bench/bench.py [--units 1000] [--sample 30] [--repeat 3] [--jobs-max N] [--out bench/results.md]

What is measured (all on this machine, same inputs, same contexts, each part `--repeat` times, interleaved, the
median reported; CPU seconds beside wall seconds, because the machine may be shared: a ratio of CPU times is
what one core gives, whatever else runs):
  A. Rendering per core: every document of the first `--sample` units of a generated tree, once with huanjie's
     renderer (template compiled once per process, the bytes written as batch writes them into a unit's fresh
     folder) and once with plain docxtpl (DocxTemplate(path), render(context, autoescape=True), save).
     Target: huanjie at least 20× plain docxtpl.
  B. `huanjie batch` end to end (check + render + report + manifest + summaries) with 1..N jobs, beside
     rendering only (A's renderer over every document of the same tree, in this process): documents per
     second, per core, the ratio to rendering only, the speed-up, peak memory (largest process).
     Targets: 1 job at least 75 % of rendering only; 2 jobs at least 1.85× 1 job.
  C. One 选民名单公告 with a 5,000-voter roll: huanjie vs plain docxtpl (target: under 0.1 s), and its PDF/A
     (pipeline.archive.pdf.convert, LibreOffice start-up included; target: under 5 s).
The tables go into --out between `<!-- bench -->` and `<!-- /bench -->` (other benches keep their own sections).
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docxtpl import DocxTemplate  # noqa: E402

from pipeline import records  # noqa: E402
from pipeline import render as rendering  # noqa: E402
from pipeline.check import check_data, check_file  # noqa: E402
from pipeline.documents import KINDS, Election, Waiting  # noqa: E402
from pipeline.render import TEMPLATES_DIR, _compile, compile_template, render_template  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import children_cpu, load, machine, versions, write_section  # noqa: E402, F401  (bench_pdf, bench_layout use them as bench.X)


def median(values: list[float]) -> float:
    return statistics.median(values)


def generate_tree(units: int, dest: Path, roll: bool = False) -> Path:
    cmd = [sys.executable, str(ROOT / "tools" / "gen_county.py"), str(dest), "--units", str(units), "--seed", "7"]
    if roll:
        cmd.append("--roll")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return dest


def unit_files(tree: Path) -> list[Path]:
    return sorted(tree.rglob("*.yaml"))


def documents_of(files: list[Path]) -> list[tuple[str, dict]]:
    """(template file, context) of every document of every unit, built once for both renderers."""
    docs = []
    for file in files:
        election = Election.from_check(check_file(str(file)))
        for kind in KINDS:
            try:
                instances = kind.build(election)
            except Waiting:
                continue
            docs.extend((kind.template, inst.context) for inst in instances)
    return docs


def _clock(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of fn()."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def time_huanjie(docs: list[tuple[str, dict]], outdir: Path) -> tuple[float, float]:
    """Every document rendered by huanjie (templates compiled once, in the timing) and written as batch writes it."""
    rendering._CACHE.clear()  # each repetition pays its own compile, as a new process would

    def run() -> None:
        compiled: dict[str, object] = {}
        for i, (template, context) in enumerate(docs):
            if template not in compiled:
                compiled[template] = compile_template(TEMPLATES_DIR / template)
            with open(outdir / f"{i}.docx", "wb") as handle:  # as render_record(fresh=True) writes batch's files
                handle.write(render_template(compiled[template], context))

    return _clock(run)


def time_docxtpl(docs: list[tuple[str, dict]], outdir: Path) -> tuple[float, float]:
    def run() -> None:
        for i, (template, context) in enumerate(docs):
            tpl = DocxTemplate(str(TEMPLATES_DIR / template))
            tpl.render(copy.deepcopy(context), autoescape=True)
            tpl.save(str(outdir / f"{i}.docx"))

    return _clock(run)


def roll_context(voters: int) -> tuple[str, dict]:
    record, _ = records.load(str(ROOT / "samples" / "party-qinghe-branch.yaml"))
    data = copy.deepcopy(record.data)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅文斌海燕德福春梅立新"
    groups = []
    n = 0
    for g in range(50):
        names = []
        for _ in range(voters // 50):
            names.append(surnames[n % len(surnames)] + given[(n * 7) % len(given)] + given[(n * 13 + 5) % len(given)])
            n += 1
        groups.append({"name": f"第{g + 1}党小组", "voters": names})
    data["electorate"] = {"registered": n, "groups": groups}
    election = Election.from_check(check_data(data))
    kind = next(k for k in KINDS if k.key == "voters")
    return kind.template, kind.build(election)[0].context


def part_a(tree: Path, sample: int, repeat: int, lines: list[str]) -> float:
    """Section A; the median ratio (CPU time of plain docxtpl / CPU time of huanjie)."""
    files = unit_files(tree)[:sample]
    docs = documents_of(files)
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            ours_dir, plain_dir = Path(tmp, "ours"), Path(tmp, "plain")
            ours_dir.mkdir()
            plain_dir.mkdir()
            ours = time_huanjie(docs, ours_dir)
            plain = time_docxtpl(docs, plain_dir)
        runs.append((ours, plain, os.getloadavg()[0]))
    n = len(docs)
    ratios = [p[1] / o[1] for o, p, _ in runs]
    rows = []
    for k, ((ow, oc), (pw, pc), avg) in enumerate(runs, 1):
        rows.append(
            f"| {k} | {pw:.2f} s / {pc:.2f} s | {ow:.2f} s / {oc:.2f} s | {n / pc:.1f} | {n / oc:.1f} | "
            f"{pc / oc:.1f}× | {pw / ow:.1f}× | {avg:.2f} |"
        )
    ratio = median(ratios)
    lines += [
        "### A. 渲染（单进程，同一批文书，同样的上下文）",
        "",
        f"{len(files)} 个单位、{n} 份文书，重复 {repeat} 次（交替进行）。每核速度按 CPU 时间计算（机器与其他任务共用时，"
        "CPU 时间之比才是一个核的真实比较）。",
        "",
        "| 次 | plain docxtpl 用时（墙钟 / CPU） | huanjie 用时（墙钟 / CPU） | plain 文书/CPU秒 | huanjie 文书/CPU秒 | "
        "倍数（CPU） | 倍数（墙钟） | 负载 |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"**中位数：huanjie 为 plain docxtpl 的 {ratio:.1f} 倍（每核，目标至少 20 倍）"
        f"{'，达到' if ratio >= 20 else '，未达到'}。**",
        "",
    ]
    return ratio


def part_c(lines: list[str], pdf_too: bool) -> None:
    template, context = roll_context(5000)
    with tempfile.TemporaryDirectory() as tmp:
        compiled = compile_template(TEMPLATES_DIR / template)
        render_template(compiled, context)  # warm: compile cost is paid once per process
        roll = Path(tmp, "o.docx")
        ours = min(_clock(lambda: roll.write_bytes(render_template(compiled, context)))[0] for _ in range(3))
        cold = _clock(
            lambda: Path(tmp, "c.docx").write_bytes(
                render_template(_compile(str(TEMPLATES_DIR / template), template), context)
            )
        )[0]

        def plain_once():
            tpl = DocxTemplate(str(TEMPLATES_DIR / template))
            tpl.render(copy.deepcopy(context), autoescape=True)
            tpl.save(str(Path(tmp, "p.docx")))

        plain = min(_clock(plain_once)[0] for _ in range(3))
        pdf_row = pdf_roll(roll, Path(tmp)) if pdf_too else "| PDF/A（LibreOffice，未测：--skip-pdf） | — | — | < 5 s |"
    lines += [
        "### C. 5,000 人的选民名单公告",
        "",
        f"负载 {load()}。",
        "",
        "| 做法 | 用时 | 与 plain docxtpl 相比 | 目标 |",
        "|---|---|---|---|",
        f"| plain docxtpl（docx） | {plain:.3f} s | 1.0× | — |",
        f"| huanjie（docx，模板已编译） | {ours:.3f} s | {plain / ours:.1f}× | < 0.1 s {'✓' if ours < 0.1 else '✗'} |",
        f"| huanjie（docx，含编译模板） | {cold:.3f} s | {plain / cold:.1f}× | — |",
        pdf_row,
        "",
    ]


def pdf_roll(docx: Path, tmp: Path) -> str:
    """The roll's PDF/A as `huanjie archive` makes it: one LibreOffice call, start-up and profile creation included."""
    from pipeline.archive import pdf

    try:
        exe = pdf.find_tool("soffice", "libreoffice")
    except pdf.ToolMissing as missing:
        return f"| PDF/A（LibreOffice） | 未测：{missing} | — | < 5 s |"
    target = tmp / "roll.pdf"
    before = children_cpu()
    start = time.perf_counter()
    result = pdf.convert([pdf.Job(str(docx), str(target))], workers=1, soffice=exe, workdir=str(tmp))
    wall = time.perf_counter() - start
    cpu = children_cpu() - before
    if result.failed:
        return f"| PDF/A（LibreOffice） | 转换失败：{list(result.failed.values())[0]} | — | < 5 s ✗ |"
    pages = pdf.pdf_pages(target)
    mark = "✓" if wall < 5 else "✗"
    return f"| PDF/A（LibreOffice，{pages} 页，含启动；CPU {cpu:.1f} s） | {wall:.2f} s | — | < 5 s {mark} |"


def run_batch_cli(tree: Path, jobs: int) -> tuple[float, float, int, str]:
    """`huanjie batch TREE -o TMP --jobs N` as a user runs it: (wall s, CPU s of it and its workers, documents,
    peak memory of its largest process)."""
    huanjie = ROOT / ".venv" / "bin" / "huanjie"
    exe = str(huanjie) if huanjie.exists() else shutil.which("huanjie")
    assert exe, "huanjie is not installed: pip install -e ."
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "out")
        cmd = [exe, "batch", str(tree), "-o", str(out), "--jobs", str(jobs)]
        timed = Path("/usr/bin/time").exists()
        if timed:
            cmd = ["/usr/bin/time", "-f", "%M", *cmd]
        before = children_cpu()
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - start
        cpu = children_cpu() - before
        documents = sum(1 for _ in out.rglob("*.docx"))
    peak = proc.stderr.strip().splitlines()[-1] if timed and proc.stderr.strip() else ""
    return wall, cpu, documents, f"{int(peak) / 1024:.0f} MB" if peak.isdigit() else "—"


def part_b(tree: Path, jobs_max: int, repeat: int, lines: list[str]) -> tuple[float, float]:
    """Section B; (median of batch 1 job / rendering only, median of 2 jobs / 1 job), by wall clock."""
    docs = documents_of(unit_files(tree))
    runs: list[dict] = []
    for _ in range(repeat):
        run: dict = {"load": os.getloadavg()[0]}
        with tempfile.TemporaryDirectory() as tmp:
            run["render"] = time_huanjie(docs, Path(tmp))
        for jobs in range(1, jobs_max + 1):
            run[jobs] = run_batch_cli(tree, jobs)
        runs.append(run)
    n = len(docs)
    rows = []
    for k, run in enumerate(runs, 1):
        rw, rc = run["render"]
        rows.append(
            f"| {k} | 只渲染（本进程；负载 {run['load']:.2f}） | {rw:.1f} s | {rc:.1f} s | {n} | {n / rw:.1f} | {n / rc:.1f} | 1.00 | — | — |"
        )
        for jobs in range(1, jobs_max + 1):
            wall, cpu, documents, peak = run[jobs]
            speedup = f"{run[1][0] / wall:.2f}×" if jobs > 1 else "1.00×"
            rows.append(
                f"| {k} | batch，{jobs} 个进程 | {wall:.1f} s | {cpu:.1f} s | {documents} | {documents / wall:.1f} | "
                f"{documents / cpu:.1f} | {(documents / wall) / (n / rw):.2f} | {speedup} | {peak} |"
            )
    share = median([(run[1][2] / run[1][0]) / (n / run["render"][0]) for run in runs])
    share_cpu = median([(run[1][2] / run[1][1]) / (n / run["render"][1]) for run in runs])
    speedup = median([run[1][0] / run[2][0] for run in runs]) if jobs_max >= 2 else 0.0
    # What two free cores would give at most: the 1-job run's CPU over half the 2-job run's (parent and workers).
    # On a shared machine the wall-clock speed-up says how much CPU the other tasks left, this says what it costs.
    bound = median([2 * run[1][1] / run[2][1] for run in runs]) if jobs_max >= 2 else 0.0
    lines += [
        "### B. huanjie batch（检查 + 渲染 + 报告 + 清单 + 汇总），与只渲染并排",
        "",
        f"{len(unit_files(tree))} 个单位、{n} 份文书，重复 {repeat} 次（每次依次：只渲染、1 个进程、2 个进程……）。"
        "“只渲染”为 A 的渲染方式渲染同一树的全部文书；CPU 时间含 batch 的全部工作进程；峰值内存为 /usr/bin/time "
        "报告的最大单个进程常驻内存。",
        "",
        "| 次 | 做法 | 墙钟 | CPU | 文书数 | 文书/秒 | 文书/CPU秒 | 与只渲染之比（墙钟） | 加速比 | 峰值内存 |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"**中位数：1 个进程的 batch 为只渲染的 {share:.0%}（墙钟；按 CPU 时间 {share_cpu:.0%}；目标至少 75%）"
        f"{'，达到' if share >= 0.75 else '，未达到'}"
        + (
            f"；2 个进程为 1 个进程的 {speedup:.2f} 倍（墙钟；目标至少 1.85 倍）{'，达到' if speedup >= 1.85 else '，未达到'}。**"
            f"按 CPU 时间推算，两个空闲的核最多可得 {bound:.2f} 倍（2 × 1 个进程的 CPU ÷ 2 个进程的 CPU，"
            "含主进程；机器与其他任务共用时，墙钟加速比取决于其他任务留下多少 CPU）。"
            if jobs_max >= 2
            else "。**"
        ),
        "",
    ]
    return share, speedup


def main() -> None:
    parser = argparse.ArgumentParser(description="huanjie 与 plain docxtpl 的对比基准测试")
    parser.add_argument("--units", type=int, default=1000, help="生成的单位数（默认 1000）")
    parser.add_argument("--sample", type=int, default=30, help="A 部分用多少个单位对比（默认 30）")
    parser.add_argument("--repeat", type=int, default=3, help="A、B 部分各重复几次，取中位数（默认 3）")
    parser.add_argument("--jobs-max", type=int, default=os.cpu_count() or 1, help="B 部分的最大进程数")
    parser.add_argument(
        "--out", default=str(ROOT / "bench" / "results.md"), help="结果写到这个 Markdown 文件（空：不写）"
    )
    parser.add_argument("--skip-batch", action="store_true", help="不测 B 部分")
    parser.add_argument("--skip-pdf", action="store_true", help="C 部分不转换 PDF")
    args = parser.parse_args()

    lines = [
        "## 基准测试结果（bench/bench.py）",
        "",
        f"机器：{machine()}。版本：{versions()}。开始时负载 {load()}。",
        f"命令：`.venv/bin/python bench/bench.py --units {args.units} --sample {args.sample} --repeat {args.repeat}`。",
        "",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        tree = generate_tree(args.units, Path(tmp, "tree"))
        part_a(tree, args.sample, args.repeat, lines)
        if not args.skip_batch:
            part_b(tree, args.jobs_max, args.repeat, lines)
    part_c(lines, not args.skip_pdf)
    lines.append(f"结束时负载 {load()}。")
    text = "\n".join(lines)
    print(text)
    if args.out:
        write_section(Path(args.out), "bench", text)


if __name__ == "__main__":
    main()
