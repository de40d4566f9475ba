"""Benchmark: Word → PDF/A-2b conversion with LibreOffice (pipeline.pdf), as `huanjie archive` runs it.

    .venv/bin/python bench/bench_pdf.py [--workers N] [--limit DOCS] [--repeat 3] [--out bench/results.md]

What is measured (LibreOffice start-up and profile creation included), each run `--repeat` times, interleaved,
the median reported:
  A. Every document of the county sample (`huanjie batch samples/county`: the units' documents and
     the level summaries), converted with 1 worker and with N workers (default: the CPU count):
     documents per second by the wall clock, documents per CPU second of LibreOffice (what one core gives,
     whatever else the machine runs; LibreOffice's processes are waited for, so their CPU time is counted),
     and the speed-up. `--limit` converts only the first DOCS documents. Target: 6 documents/s per core.
  B. One 选民名单公告 with a 5,000-voter roll (the same document bench/bench.py renders), alone:
     seconds and pages. Target: under 5 s.
Prints Markdown tables with the machine, the versions and the load; written into --out between
`<!-- bench_pdf -->` and `<!-- /bench_pdf -->`.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import pdf  # noqa: E402
from pipeline.batch import run_batch  # noqa: E402
from pipeline.render import TEMPLATES_DIR, render_template  # noqa: E402


def _render_bench():
    spec = importlib.util.spec_from_file_location("render_bench", ROOT / "bench" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def county_documents(tmp: Path) -> list[Path]:
    out = tmp / "county"
    run_batch(str(ROOT / "samples" / "county"), str(out), jobs=os.cpu_count())
    return sorted(out.rglob("*.docx"))


def time_conversion(docs: list[Path], workers: int, tmp: Path) -> tuple[float, float, int, int]:
    """(wall s, CPU s of LibreOffice, documents converted, soffice calls)."""
    target = tmp / f"pdf-{workers}"
    shutil.rmtree(target, ignore_errors=True)
    jobs = [pdf.Job(str(d), str(target / f"{i:06d}.pdf")) for i, d in enumerate(docs)]
    before = bench.children_cpu()
    start = time.perf_counter()
    result = pdf.convert(jobs, workers=workers, workdir=str(tmp))
    wall = time.perf_counter() - start
    cpu = bench.children_cpu() - before
    if result.failed:
        print(f"warning: {len(result.failed)} documents failed: {list(result.failed.values())[:3]}", file=sys.stderr)
    return wall, cpu, len(result.converted), result.calls


bench = _render_bench()


def roll(tmp: Path) -> tuple[float, int | None]:
    template, context = bench.roll_context(5000)
    source = tmp / "roll.docx"
    source.write_bytes(render_template(TEMPLATES_DIR / template, context))
    target = tmp / "roll.pdf"
    start = time.perf_counter()
    result = pdf.convert([pdf.Job(str(source), str(target))], workers=1, workdir=str(tmp))
    wall = time.perf_counter() - start
    if result.failed:
        raise SystemExit(f"the roll did not convert: {result.failed}")
    return wall, pdf.pdf_pages(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="N for the parallel run")
    parser.add_argument("--limit", type=int, default=0, help="convert only the first DOCS documents")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, the median reported (default 3)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.md"), help="write the tables here ('': not)")
    args = parser.parse_args()
    version = pdf.soffice_version()
    lines = [
        "## PDF/A-2b 转换（LibreOffice，pipeline.archive.pdf；bench/bench_pdf.py）",
        "",
        f"机器：{bench.machine()}。版本：{bench.versions(version, pdf.poppler_version())}。开始时负载 {bench.load()}。",
        f"命令：`.venv/bin/python bench/bench_pdf.py --limit {args.limit} --repeat {args.repeat}`。",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="huanjie-bench-pdf-") as tmp_name:
        tmp = Path(tmp_name)
        docs = county_documents(tmp)
        if args.limit:
            docs = docs[: args.limit]
        counts = sorted({1, max(1, args.workers)})
        runs: dict[int, list[tuple[float, float, int, int, float]]] = {w: [] for w in counts}
        for _ in range(args.repeat):
            for workers in counts:
                runs[workers].append((*time_conversion(docs, workers, tmp), os.getloadavg()[0]))
        rows = []
        base = None
        for workers in counts:
            for k, (wall, cpu, done, calls, avg) in enumerate(runs[workers], 1):
                rows.append(
                    f"| {workers} | {k} | {done} | {calls} | {wall:.1f} s | {cpu:.1f} s | {done / wall:.1f} | "
                    f"{done / wall / workers:.1f} | {done / cpu:.1f} | {avg:.2f} |"
                )
            rate = bench.median([done / wall for wall, _, done, _, _ in runs[workers]])
            per_cpu = bench.median([done / cpu for _, cpu, done, _, _ in runs[workers]])
            base = base or rate
            rows.append(
                f"| {workers} | 中位数 | | | | | **{rate:.1f}** | **{rate / workers:.1f}** | **{per_cpu:.1f}** | "
                f"{rate / base:.2f}× |"
            )
        per_core = bench.median([done / cpu for _, cpu, done, _, _ in runs[counts[-1]] + runs[1]])
        lines += [
            f"### A. 青石县示例（samples/county）的{'前 ' + str(len(docs)) + ' 份' if args.limit else '全部'}文书",
            "",
            "| LibreOffice 进程数 | 次 | 文书 | soffice 调用次数 | 墙钟 | LibreOffice CPU | 文书/秒 | 文书/秒（每进程） | "
            "文书/CPU秒（每核） | 负载（最后一列在中位数行为加速比） |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"**每核（按 LibreOffice 的 CPU 时间）：{per_core:.1f} 份/秒（目标至少 6 份）"
            f"{'，达到' if per_core >= 6 else '，未达到'}。**",
            "",
        ]
        seconds, pages = roll(tmp)
        lines += [
            "### B. 5,000 人的选民名单公告",
            "",
            "| 文书 | 页数 | 用时（含 LibreOffice 启动） | 目标 |",
            "|---|---|---|---|",
            f"| 02-选民名单公告（5,000 人） | {pages} | {seconds:.1f} s | < 5 s {'✓' if seconds < 5 else '✗'} |",
            "",
            f"结束时负载 {bench.load()}。",
        ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        bench.write_section(Path(args.out), "bench_pdf", text)


if __name__ == "__main__":
    main()
