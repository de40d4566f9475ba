"""What every benchmark prints beside its figures: the machine, the versions, the load; and its Markdown section.

Imported by the benchmarks as ``common`` (each script's own folder is first on ``sys.path`` when it runs;
tests that import a benchmark put ``bench/`` there too). Nothing here imports huanjie, so importing it is cheap.

* `machine()` — cores, CPU model, memory, Python;
* `versions(*extra)` — huanjie and the libraries the measured code runs on (Dask too, when installed);
* `load()` — the 1-minute load average and the cores, the note beside every figure;
* `children_cpu()` — CPU seconds of the finished child processes so far;
* `markdown_table(headers, rows, right)` — one Markdown table;
* `write_section(path, marker, section)` — the run's section between ``<!-- marker -->`` and ``<!-- /marker -->``
  in bench/results.md, the other sections kept.
"""

from __future__ import annotations

import os
import platform
import resource
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.md"
LIBRARIES = ("huanjie", "docxtpl", "python-docx", "Jinja2", "lxml", "openpyxl", "PyYAML", "jsonschema")


def machine() -> str:
    """ "2 cores, Intel(R) Xeon(R) …, 24 GiB, Python 3.11.7"."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {mem:.0f} GiB, Python {platform.python_version()}"


def versions(*extra: str, libraries: Sequence[str] = LIBRARIES, dask: bool = False) -> str:
    """huanjie and `libraries` as installed, then Dask and distributed (`dask`: "not installed" when missing), then
    `extra` (LibreOffice, poppler …); joined with "，"."""
    found = []
    for name in libraries:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    if dask:
        try:
            found.append(f"dask {metadata.version('dask')}, distributed {metadata.version('distributed')}")
        except metadata.PackageNotFoundError:
            found.append("dask not installed")
    return "，".join([*found, *extra])


def load() -> str:
    """The 1-minute load average and the cores, for the note beside every figure."""
    return f"{os.getloadavg()[0]:.2f}（{os.cpu_count()} 个核）"


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process so far (soffice, huanjie batch …)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]], right: Iterable[int] = ()) -> list[str]:
    """The lines of a Markdown table; the columns numbered in `right` are right-aligned (figures)."""
    aligned = set(right)
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---:" if i in aligned else "---" for i in range(len(headers))) + "|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def write_section(path: Path, marker: str, section: str) -> None:
    """Put `section` between `<!-- marker -->` and `<!-- /marker -->` in `path`, keeping the rest of the file.

    A new section goes at the end of the file (the main benchmark's, marker "bench", at the top); the file is
    written to a temp file beside it, then renamed."""
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{start}\n{section}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = block + "\n\n" + text.lstrip("\n") if marker == "bench" else text.rstrip("\n") + "\n\n" + block + "\n"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
