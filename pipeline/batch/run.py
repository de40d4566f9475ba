"""`run_batch`: every document of every unit of a tree of records, in parallel and resumable, told step by step.

A run (``huanjie batch DIR -o OUT``): find the units (`tree.discover`, tree order) and their folders; check OUT
and the templates; repair and clean OUT (`folders.prepare_out`); then each unit is skipped when its unit
record says nothing changed (`unit.skip_if_unchanged`) or handed to `unit.process_unit` (in this process for
``jobs=1``, else through `runner.Runner`; or on a Dask cluster: `executors`); as results come in, in tree order, the report, the workbook
(`report.ReportWriter`) and the level summaries (`summaries.LevelSummaries`) are written; the manifest last.
This module never prints (progress goes through a callback) and never exits.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..documents import KINDS
from ..documents.summary import Digest
from ..findings import Finding
from ..fsutil import os_reason
from ..render import RenderError, compile_template, template_path
from ..unitrecord import Meta
from .executors import open_executor
from .folders import BatchError, check_out, prepare_out, recover, unit_folders
from .lock import BatchLock
from .report import ReportWriter, SummaryEntry
from .summaries import LevelSummaries, left_out_reason
from .tree import common_root, discover
from .unit import FAILED, OK, SKIPPED, Settings, UnitResult, UnitTask, templates_fingerprint

__all__ = ["ProgressEvent", "BatchResult", "run_batch"]


@dataclass(frozen=True)
class ProgressEvent:
    """One step of a run, for the caller's progress display.

    kind "unit": a unit is done (`done` of `total`, its `result`); kind "summary": a work summary
    was written (`path` relative to OUT, `units` in it).
    """

    kind: str
    done: int
    total: int
    result: UnitResult | None = None
    path: str = ""
    units: int = 0


@dataclass
class BatchResult:
    out: str
    total: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    documents: int = 0  # documents of ok and skipped units
    rendered: int = 0  # documents written by this run
    summaries: list[str] = field(default_factory=list)
    failures: list[UnitResult] = field(default_factory=list)  # failed units (findings, error)
    notices: list[str] = field(default_factory=list)  # what the user should know (a stale lock taken over)
    seconds: float = 0.0
    stale: int = 0  # failed units whose earlier documents are kept, marked stale
    kept: list[str] = field(default_factory=list)  # documents edited by hand and kept (paths in OUT)
    level_findings: list[Finding] = field(default_factory=list)  # about the levels' own `_汇总.yaml` files

    def count(self, unit: UnitResult) -> None:
        if unit.status == OK:
            self.ok += 1
            self.rendered += len(unit.documents)
        elif unit.status == SKIPPED:
            self.skipped += 1
        else:
            self.failed += 1
            self.failures.append(unit)
        if unit.status != FAILED:
            self.documents += len(unit.documents)
        self.stale += unit.stale
        self.kept += [f"{unit.folder}/{k['name']}" for k in unit.kept]

    def totals(self) -> dict:
        return {
            "units": self.total,
            "ok": self.ok,
            "failed": self.failed,
            "skipped-unchanged": self.skipped,
            "documents": self.documents,
            "rendered": self.rendered,
            "summaries": len(self.summaries),
            "seconds": round(self.seconds, 3),
        }


def _program_version() -> str:
    from .. import __version__  # read when the run starts (tests and tools may change it)

    return __version__


def _settings(templates_dir: str | None) -> Settings:
    """Every template compiled once (a broken one stops the run before anything is written), and their fingerprint."""
    try:
        for kind in KINDS:
            compile_template(template_path(kind, templates_dir))
        return Settings(
            templates_dir=os.path.abspath(templates_dir) if templates_dir else None,
            templates_hash=templates_fingerprint(templates_dir),
            version=_program_version(),
        )
    except RenderError as exc:
        raise BatchError(str(exc)) from None
    except OSError as exc:
        raise BatchError(f"无法读取模板（{os_reason(exc)}）。") from None


class _Outputs:
    """Consumes unit results in tree order: tallies, report and workbook, level summaries, progress."""

    def __init__(self, src, out, units_, settings, jobs, force, progress, old_summaries):
        self.out = out
        self.progress = progress
        self.old_summaries = old_summaries
        self.result = BatchResult(out=out, total=len(units_))
        self.done = 0
        head = {
            "program": "huanjie",
            "version": settings.version,
            "source": os.path.abspath(src),
            "output": os.path.abspath(out),
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "jobs": jobs,
            "force": force,
            "templates": {"dir": settings.templates_dir, "sha256": settings.templates_hash},
        }
        self.writer = ReportWriter(out, head)
        self.tables: set[str] = set()  # the levels' 统计表 written by this run
        known = {rel: sha for rel, sha in old_summaries.items() if sha is not None}
        self.levels = LevelSummaries(
            src, out, common_root(units_), settings.templates_dir, self._summary, on_table=self._table, known=known
        )

    def _table(self, rel: str, sha: str, figures: dict) -> None:
        self.tables.add(rel)
        self.writer.add_table(rel, sha, figures)

    def _summary(self, rel: str, count: int, sha: str, meta: Meta) -> None:
        self.writer.add_summary(SummaryEntry(rel, count, sha, meta))
        self.result.summaries.append(rel)
        if self.progress is not None:
            self.progress(ProgressEvent("summary", self.done, self.result.total, path=rel, units=count))

    def add(self, unit: UnitResult) -> None:
        self.done += 1
        self.result.count(unit)
        self.writer.add_unit(unit)
        if self.progress is not None:
            self.progress(ProgressEvent("unit", self.done, self.result.total, result=unit))
        digest = Digest.from_dict(unit.digest) if unit.digest and unit.status != FAILED else None
        self.levels.add(unit.rel, digest, left_out_reason(unit.status == FAILED))

    def finish(self, seconds: float) -> BatchResult:
        self.levels.finish()
        self.result.level_findings = list(self.levels.findings)
        self.writer.add_level_findings(self.result.level_findings)
        for stale in set(self.old_summaries) - set(self.result.summaries) - self.tables:
            path = os.path.join(self.out, *stale.split("/"))
            if not self.levels.ours(stale):
                continue  # a user's file of that name (a 统计表 typed by hand, a summary edited) is never deleted
            try:
                os.unlink(path)
            except OSError:
                pass
        self.result.seconds = seconds
        self.writer.finish(self.result.totals())
        return self.result

    def abort(self) -> None:
        self.writer.abort()


def _tasks(src: str, out: str, rels: list[str], folders: list[str], settings: Settings) -> Iterator[UnitTask]:
    for rel, folder in zip(rels, folders, strict=False):
        yield UnitTask(
            source=os.path.join(src, *rel.split("/")),
            rel=rel,
            outdir=os.path.join(out, *folder.split("/")),
            settings=settings,
        )


def run_batch(
    src: str,
    out: str,
    jobs: int | None = None,
    force: bool = False,
    templates_dir: str | None = None,
    progress: Callable[[ProgressEvent], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    shared_output: bool = False,
    worker_wait: float | None = None,
) -> BatchResult:
    """Check and render every record under `src` into `out` (see the module docstring).

    `jobs`: worker processes (None: os.cpu_count(); 1: in this process). `force`: re-render
    units even when unchanged. `progress` receives a `ProgressEvent` per unit and per summary. `executor`:
    "local" (this machine) or "dask" (the Dask scheduler at `scheduler`, else a LocalCluster of `jobs` workers;
    `shared_output`: OUT is visible to every worker, which writes into it; `worker_wait`: seconds the run waits while
    the cluster has no worker, None: `executors.WORKER_WAIT`), see `executors`.
    Raises `SourceProblem` / `BatchError` when the run cannot start (exit code 2), `lock.BatchLocked` when
    another batch is writing `out` (nothing is touched then); a failing unit
    is only counted in the result. KeyboardInterrupt stops the workers, repairs the unit folders
    being written, and propagates; no report or manifest is written then.
    """
    started = time.perf_counter()
    rels = discover(src, exclude=[os.path.abspath(out)])
    folders = unit_folders(rels)
    jobs = min(max(1, jobs or os.cpu_count() or 1), len(rels))
    lock = BatchLock(out)  # one writer per OUT, taken before anything in OUT is cleaned
    lock.acquire(lambda: check_out(src, out))
    try:
        where = (executor, scheduler, shared_output, worker_wait)
        result = _run(src, out, rels, folders, jobs, force, templates_dir, progress, started, where)
    finally:
        lock.release()
    if lock.notice:
        result.notices.append(lock.notice)
    return result


def _run(src, out, rels, folders, jobs, force, templates_dir, progress, started, where) -> BatchResult:
    settings = _settings(templates_dir)
    kind, scheduler, shared_output, worker_wait = where
    runner = open_executor(kind, jobs, force, settings, scheduler, shared_output, worker_wait)  # before OUT is touched
    try:
        old_summaries = prepare_out(out, set(folders))
        outputs = _Outputs(src, out, rels, settings, runner.jobs, force, progress, old_summaries)
        tasks = _tasks(src, out, rels, folders, settings)
        try:
            for unit in runner.ordered(tasks):
                outputs.add(unit)
            return outputs.finish(time.perf_counter() - started)
        except BaseException:
            outputs.abort()
            runner.stop()
            for task in runner.in_flight:
                recover(os.path.dirname(task.outdir), os.path.basename(task.outdir))
            raise
    finally:
        runner.close()
