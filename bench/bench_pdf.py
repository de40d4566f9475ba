"""Benchmark: Word → PDF/A-2b conversion with LibreOffice (pipeline.pdf), as `huanjie archive` runs it.

    .venv/bin/python bench/bench_pdf.py [--workers N] [--limit DOCS] [--out bench/pdf-results.md]

What is measured (wall clock, LibreOffice start-up and profile creation included):
  A. Every document of the county sample (`huanjie batch samples/county`: the units' documents and
     the level summaries), converted with 1 worker and with N workers (default: the CPU count):
     documents per second and speed-up. `--limit` converts only the first DOCS documents.
  B. One 选民名单公告 with a 5,000-voter roll (the same document bench/bench.py renders), alone:
     seconds and pages. The issue asks for under 10 s.
Prints a Markdown table with the machine and the LibreOffice version noted.
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


def time_conversion(docs: list[Path], workers: int, tmp: Path) -> tuple[float, int, int]:
    target = tmp / f"pdf-{workers}"
    jobs = [pdf.Job(str(d), str(target / f"{i:06d}.pdf")) for i, d in enumerate(docs)]
    start = time.perf_counter()
    result = pdf.convert(jobs, workers=workers, workdir=str(tmp))
    wall = time.perf_counter() - start
    if result.failed:
        print(f"warning: {len(result.failed)} documents failed: {list(result.failed.values())[:3]}", file=sys.stderr)
    return wall, len(result.converted), result.calls


def roll(tmp: Path) -> tuple[float, int | None]:
    bench = _render_bench()
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
    parser.add_argument("--out", help="also write the table to this file")
    args = parser.parse_args()
    render_bench = _render_bench()
    lines = [
        "## PDF/A-2b 转换（LibreOffice，pipeline.pdf）",
        "",
        f"机器：{render_bench.machine()}；{pdf.soffice_version()}。",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="huanjie-bench-pdf-") as tmp_name:
        tmp = Path(tmp_name)
        docs = county_documents(tmp)
        if args.limit:
            docs = docs[: args.limit]
        rows = []
        base = None
        for workers in sorted({1, max(1, args.workers)}):
            wall, done, calls = time_conversion(docs, workers, tmp)
            rate = done / wall
            base = base or rate
            rows.append(f"| {workers} | {done} | {calls} | {wall:.1f} s | {rate:.1f} | {rate / base:.2f}× |")
        lines += [
            "### A. 青石县示例（samples/county）的全部文书",
            "",
            "| LibreOffice 进程数 | 文书 | soffice 调用次数 | 用时 | 文书/秒 | 倍数 |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
        ]
        seconds, pages = roll(tmp)
        lines += [
            "### B. 5,000 人的选民名单公告",
            "",
            "| 文书 | 页数 | 用时（含 LibreOffice 启动） | 要求 |",
            "|---|---|---|---|",
            f"| 02-选民名单公告（5,000 人） | {pages} | {seconds:.1f} s | < 10 s {'✓' if seconds < 10 else '✗'} |",
            "",
        ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
