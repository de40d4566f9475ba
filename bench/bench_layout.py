"""Benchmark: what the automatic layout check costs (pipeline.layoutcheck), beside rendering alone.

    .venv/bin/python bench/bench_layout.py [--workers N] [--limit DOCS] [--out bench/results.md]

On the documents of the county sample (`huanjie batch samples/county`; `--limit` keeps the first DOCS), wall clock:
  A. rendering only (huanjie batch, N processes): documents per second;
  B. the layout check as `render`/`batch --check-layout` run it: convert with one LibreOffice per worker, reused,
     then read every PDF's text boxes (`check_documents`);
  C. the check alone on PDFs already made (`check_pdfs`), as `archive` and `render --pdf` run it: poppler only.
The ratios say how much slower a run with the check is than one without; the target is that reading the boxes (C)
costs no more than the conversion it needs (B's conversion part). Wall clock and CPU seconds (this process and its
children: LibreOffice, pdftotext) side by side. Prints a Markdown table with the machine, versions and load, written
into --out between `<!-- bench_layout -->` and `<!-- /bench_layout -->`.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import layoutcheck, pdf  # noqa: E402
from pipeline.batch import run_batch  # noqa: E402
from pipeline.batch.report import read_report  # noqa: E402


def _render_bench():
    spec = importlib.util.spec_from_file_location("render_bench", ROOT / "bench" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _render_bench()


def _cpu() -> float:
    return time.process_time() + bench.children_cpu()


def _items(out: Path, limit: int) -> list[layoutcheck.Item]:
    report = read_report(str(out))
    items = []
    for unit in report.units:
        names = layoutcheck.record_names(os.path.join(report.header.source, unit.rel))
        items += [layoutcheck.Item(str(out / d.path), d.kind, names, d.path) for d in unit.documents]
    return items[:limit] if limit else items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, default=200, help="check only the first DOCS documents (0: all)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.md"), help="write the table here ('': not)")
    args = parser.parse_args()
    started = bench.load()
    with tempfile.TemporaryDirectory(prefix="huanjie-bench-layout-") as tmp_name:
        tmp = Path(tmp_name)
        start = time.perf_counter()
        batch = run_batch(str(ROOT / "samples" / "county"), str(tmp / "out"), jobs=args.workers)
        render_rate = batch.rendered / (time.perf_counter() - start)
        items = _items(tmp / "out", args.limit)

        cpu, start = _cpu(), time.perf_counter()
        checked = layoutcheck.check_documents(items, workers=args.workers, workdir=str(tmp))
        full, full_cpu = time.perf_counter() - start, _cpu() - cpu
        errors = sum(f.severity.name == "ERROR" for f in checked.findings)

        jobs = [pdf.Job(it.docx, str(tmp / "pdf" / f"{n:06d}.pdf")) for n, it in enumerate(items)]
        cpu, start = _cpu(), time.perf_counter()
        pdf.convert(jobs, workers=args.workers, workdir=str(tmp))
        convert, convert_cpu = time.perf_counter() - start, _cpu() - cpu
        cpu, start = _cpu(), time.perf_counter()
        layoutcheck.check_pdfs([(j.target, it) for j, it in zip(jobs, items, strict=True)], args.workers)
        alone, alone_cpu = time.perf_counter() - start, _cpu() - cpu

    n = len(items)
    check_rate, alone_rate = n / full, n / alone
    share = alone / convert
    share_cpu = alone_cpu / convert_cpu
    lines = [
        "## 版式检查的开销（pipeline.layoutcheck；bench/bench_layout.py）",
        "",
        f"机器：{bench.machine()}。版本：{bench.versions(pdf.soffice_version(), pdf.poppler_version())}。"
        f"进程数 {args.workers}。青石县示例（samples/county）的前 {n} 份文书。负载：开始时 {started}，结束时 {bench.load()}。",
        f"命令：`.venv/bin/python bench/bench_layout.py --limit {args.limit}`。",
        "",
        "| 做法 | 墙钟 | CPU（含 LibreOffice、pdftotext） | 文书/秒 | 与只生成相比 |",
        "|---|---|---|---|---|",
        f"| 只生成（huanjie batch，{batch.rendered} 份） | {batch.rendered / render_rate:.1f} s | — | {render_rate:.1f} | 1× |",
        f"| 生成后检查版式（转换 PDF + 读版面） | {full:.1f} s | {full_cpu:.1f} s | {check_rate:.1f} | "
        f"慢 {render_rate / check_rate:.0f} 倍 |",
        f"| 其中：只转换 PDF（pdf.convert） | {convert:.1f} s | {convert_cpu:.1f} s | {n / convert:.1f} | — |",
        f"| 只读版面（PDF 已有：archive、render --pdf） | {alone:.1f} s | {alone_cpu:.1f} s | {alone_rate:.1f} | "
        f"慢 {render_rate / alone_rate:.0f} 倍 |",
        "",
        f"检查发现错误 {errors} 个（应为 0）。check_documents 中的转换用时 {checked.seconds_convert:.1f} s。"
        f"**读版面为转换的 {share:.0%}（墙钟；CPU 时间 {share_cpu:.0%}；目标：不超过转换）"
        f"{'，达到' if share <= 1 else '，未达到'}。**",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        bench.write_section(Path(args.out), "bench_layout", text)


if __name__ == "__main__":
    main()
