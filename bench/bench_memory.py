"""Benchmark: what the batch parent holds per unit, measured with tracemalloc at two tree sizes.

    .venv/bin/python bench/bench_memory.py [--small 200] [--large 2000] [--documents 36]

The parent of ``huanjie batch`` receives one `UnitResult` per unit and hands it to the report writer, the
workbook and the level summaries. Rendering happens in the workers, so the parent's memory should not grow
with the tree. This feeds synthetic results (``--documents`` per unit, the size of a generated village) through
`ReportWriter` and the tree fold exactly as `run_batch` does, and prints the peak of traced memory while units
are added, during ``finish`` (the manifest), and the growth per unit between the two sizes.

Found in 2026-12 (issue 12, item 7): the only structure that grew was ``ReportWriter.manifest``, a list of
(path, SHA-256) per document kept until ``finish`` (about 10 KB per unit of 36 documents: the 66 MB → 119 MB
RSS growth the review measured). It is now `report._Entries`: one chunk of 20,000 entries in memory, sorted
chunks on disk merged at the end. Measured on the 2-core build machine after the change: 200 units 9.0 MB
adding / 11.0 MB finishing, 2,000 units 7.6 / 6.6 MB (before: 12.8 and 65.7 MB at the finish peak).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import tracemalloc

from common import ROOT, load, machine, markdown_table, versions

sys.path.insert(0, str(ROOT))

from pipeline.batch.report import ReportWriter  # noqa: E402
from pipeline.batch.unit import OK, UnitResult  # noqa: E402


def unit(n: int, documents: int) -> UnitResult:
    folder = f"青石县/乡镇{n // 25:02d}/第{n:05d}村民委员会"
    docs = [
        {
            "name": f"{i:02d}-选举结果公告-{i}.docx",
            "kind": "results",
            "title": "选举结果公告",
            "sha256": hashlib.sha256(f"{n}/{i}".encode()).hexdigest(),
            "size": 40000,
            "meta": {
                "title": "选举结果公告",
                "author": "选举委员会",
                "date": "20260428",
                "number": "",
                "genre": "公告",
            },
        }
        for i in range(documents)
    ]
    return UnitResult(rel=folder + ".yaml", folder=folder, status=OK, documents=docs, durations={"total": 0.1})


def measure(units: int, documents: int) -> tuple[float, float]:
    """(peak MB while adding, peak MB during finish) of the parent's report writer."""
    with tempfile.TemporaryDirectory() as out:
        tracemalloc.start()
        writer = ReportWriter(out, {"program": "huanjie", "version": "bench"})
        for n in range(units):
            writer.add_unit(unit(n, documents))
        adding = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        writer.finish({"units": units})
        finishing = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return adding / 1e6, finishing / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--large", type=int, default=2000)
    parser.add_argument("--documents", type=int, default=36)
    args = parser.parse_args()
    rows = [(n, *measure(n, args.documents)) for n in (args.small, args.large)]
    print(f"machine: {machine()}; {versions()}; load {load()}\n")
    table = [[f"{n:,}", f"{adding:.1f}", f"{finishing:.1f}"] for n, adding, finishing in rows]
    print("\n".join(markdown_table(["units", "peak while adding (MB)", "peak in finish (MB)"], table, right=(1, 2))))
    (small, a1, f1), (large, a2, f2) = rows
    print(
        f"\ngrowth per unit: {(a2 - a1) / (large - small) * 1e3:.1f} KB adding, {(f2 - f1) / (large - small) * 1e3:.1f} KB finishing"
    )


if __name__ == "__main__":
    main()
