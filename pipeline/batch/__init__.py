"""Batch generation: every document of every unit of a tree of records, in parallel, resumable, with a typed report.

``huanjie batch DIR -o OUT`` is `run_batch`. The rooms:

* `run` — `run_batch`, the run as a short story of named steps;
* `unit` — the pure per-unit task (`process_unit`), its stamp key and the skip check;
* `folders` — unit folders swapped in atomically, leftovers recovered, OUT guarded;
* `runner` — the process pool, results in tree order, a crashed worker isolated;
* `window` — the bounded window both executors feed: skip or submit, results in tree order;
* `executors` — where the units run: `LocalExecutor` (that pool) or `DaskExecutor` (a Dask cluster);
* `report` — report.json (streamed), 批量报告.xlsx, manifest.json, and `read_report` (typed);
* `tree` — discovering the records in tree order, `TreeFold`;
* `summaries` — the level summaries, and `summarise` for ``huanjie summary``.

Every public name of the former ``pipeline/batch.py`` is importable from here (``from pipeline.batch import
run_batch``). Scale-out (`executors.DaskExecutor`, ``--executor dask``): `process_unit(UnitTask) -> UnitResult`
is a pure function of the record file, the template files, the settings and the program version; it writes only
inside the unit's own folder (and its temp siblings) and returns a small picklable result; each unit is submitted
and the results are fed back in tree order. Rendering is deterministic, so a re-run gives the same hashes.
"""

from __future__ import annotations

from ..findings import format_human
from .folders import MANIFEST, OLD_MARK, REPORT_JSON, REPORT_XLSX, TMP_MARK, BatchError, recover
from .report import (
    FINDINGS_HEADER,
    SUMMARY_HEADER,
    BatchReport,
    ReportDocument,
    ReportHeader,
    ReportProblem,
    ReportSummary,
    ReportUnit,
    read_report,
)
from .run import BatchResult, ProgressEvent, run_batch
from .tree import SUMMARY_FILE, SourceProblem
from .unit import (
    FAILED,
    OK,
    SKIPPED,
    STAMP,
    STAMP_FORMAT,
    STATUS_TEXT,
    Settings,
    UnitResult,
    UnitTask,
    plan,
    process_unit,
    read_stamp,
    skip_if_unchanged,
    templates_fingerprint,
    unit_key,
)

__all__ = [
    "BatchError",
    "SourceProblem",
    "Settings",
    "UnitTask",
    "UnitResult",
    "ProgressEvent",
    "BatchResult",
    "process_unit",
    "plan",
    "skip_if_unchanged",
    "run_batch",
    "recover",
    "read_stamp",
    "templates_fingerprint",
    "unit_key",
    "finding_lines",
    "read_report",
    "BatchReport",
    "ReportHeader",
    "ReportUnit",
    "ReportDocument",
    "ReportSummary",
    "ReportProblem",
    "STAMP",
    "STAMP_FORMAT",
    "REPORT_JSON",
    "REPORT_XLSX",
    "MANIFEST",
    "SUMMARY_FILE",
    "SUMMARY_HEADER",
    "FINDINGS_HEADER",
    "TMP_MARK",
    "OLD_MARK",
    "OK",
    "FAILED",
    "SKIPPED",
    "STATUS_TEXT",
]


def finding_lines(unit: UnitResult) -> list[str]:
    """Human lines of a failed unit: its findings as `findings.format_human` writes them, then its error."""
    lines = [format_human(f) for f in unit.findings]
    if unit.error:
        lines.append(f"{unit.rel}  错误  生成失败：{unit.error}")
    return lines
