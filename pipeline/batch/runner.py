"""Running unit tasks in a process pool: a bounded window, results in tree order, a crashed worker isolated.

Ctrl-C reaches the whole process group: only the parent handles it (it stops the workers and repairs what
they leave). When a worker process dies (BrokenProcessPool), every unit that was in flight and not yet finished
is re-run alone in a fresh process, so only a unit that itself kills its process fails; then a new pool takes
over. `executors.LocalExecutor` runs it; `executors.DaskExecutor` is the other executor (a Dask cluster),
with the same interface: tasks submitted, the results fed back in tree order.

`process` is the boundary of a unit's task, in a worker and in the parent alike (``jobs=1``): any exception
inside it becomes that unit's failure with a Chinese message, so the rest of the tree, the report, the workbook
and the manifest are still written. A record whose file name holds a control or format character fails there
too, before any folder is made from that name.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..procs import die_with_parent
from ..safetext import NAME, first_unsafe, visible
from . import unit as units
from .folders import recover
from .unit import FAILED, UnitResult, UnitTask
from .window import Slot, Window, window_size

__all__ = ["Runner", "init_worker", "isolated", "process", "skip", "stop_pool", "CRASHED"]

CRASHED = "处理该单位时程序出错（{what}）；其他单位不受影响。请把此记录文件发给维护人员。"


def init_worker() -> None:
    """In a worker: ignore SIGINT (the parent handles Ctrl-C), die on SIGTERM, and die with the parent.

    The parent may be killed with SIGKILL (no clean-up runs then): `procs.die_with_parent` ends the worker
    at once instead of letting it finish its units into OUT and then wait forever for more work.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()


def _failure(task: UnitTask, error: str) -> UnitResult:
    return UnitResult(rel=task.rel, folder=task.rel.rsplit(".", 1)[0], status=FAILED, error=error)


def _stale_failure(task: UnitTask, error: str) -> UnitResult:
    """A failed unit whose folder was repaired: an earlier run's documents in it stay, marked stale."""
    result = _failure(task, error)
    units.keep_stale(task, result)
    return result


def _unsafe_file_name(task: UnitTask) -> UnitResult | None:
    """A failed result when the record's path holds a character no file or folder name may hold, else None."""
    found = first_unsafe(task.rel, NAME)
    if found is None:
        return None
    position, what = found
    return _failure(
        task,
        f"记录文件名“{visible(task.rel)}”的第 {position} 个字符是{what}，不能出现在文件名中；"
        "请给这个文件（或它所在的文件夹）改名，其他单位不受影响。",
    )


def crashed(task: UnitTask, exc: BaseException) -> UnitResult:
    """The failed result of a unit whose task raised `exc`; the unit's half-written folder, if any, repaired."""
    try:
        recover(os.path.dirname(task.outdir), os.path.basename(task.outdir))
    except Exception:  # noqa: BLE001 - the unit has failed already; what it left is reported by the next run
        pass
    detail = visible(str(exc))
    detail = detail if len(detail) <= 200 else detail[:200] + "…"
    return _stale_failure(
        task, CRASHED.format(what=f"{type(exc).__name__}：{detail}" if detail else type(exc).__name__)
    )


def process(task: UnitTask) -> UnitResult:
    """`unit.process_unit(task)`, never raising for the unit: every exception becomes the unit's failure."""
    try:
        # Looked up at call time, so a test (or a wrapper) that replaces unit.process_unit is honoured.
        return _unsafe_file_name(task) or units.process_unit(task)
    except Exception as exc:  # noqa: BLE001 - one unit's bug never takes down the run
        return crashed(task, exc)


def skip(task: UnitTask, force: bool) -> UnitResult | None:
    """`unit.skip_if_unchanged`, never raising: a stamp that cannot be judged means the unit is processed again."""
    try:
        return units.skip_if_unchanged(task, force)
    except Exception:  # noqa: BLE001 - process() then decides, and reports any failure
        return None


def isolated(task: UnitTask) -> UnitResult:
    """Run one task alone in a fresh process (after a worker died): its own crash only fails it."""
    pool = ProcessPoolExecutor(max_workers=1, initializer=init_worker)
    try:
        return pool.submit(process, task).result()
    except BrokenProcessPool:
        recover(os.path.dirname(task.outdir), os.path.basename(task.outdir))
        return _stale_failure(task, "处理该单位时工作进程意外退出（可能内存不足或被终止）。")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def stop_pool(pool: ProcessPoolExecutor | None) -> None:
    """Stop a pool now: pending work cancelled, its processes terminated and joined."""
    if pool is None:
        return
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)


class Runner:
    """A process pool fed through a bounded window; results come back in tree order (see the module docstring)."""

    def __init__(self, jobs: int, force: bool):
        self.jobs = jobs
        self.force = force
        self.window = Window(window_size(jobs), lambda task: skip(task, force), self._submit, self._collect)
        self.pool: ProcessPoolExecutor | None = self._new_pool()

    @property
    def in_flight(self) -> list[UnitTask]:
        return self.window.in_flight

    def _new_pool(self) -> ProcessPoolExecutor:
        """A pool whose workers are forked from this process once it holds what every unit reads.

        The templates are compiled already (`run._settings`); `unit.warm` loads the rest (profiles, schema
        validators …), so each worker inherits it and its first unit costs what its others do. (With fork the
        workers start at the first submit, after this.)
        """
        units.warm()
        return ProcessPoolExecutor(max_workers=self.jobs, initializer=init_worker)

    def _submit(self, task: UnitTask) -> Any:
        assert self.pool is not None
        return self.pool.submit(process, task)

    def _collect(self, slot: Slot) -> UnitResult | None:
        if slot.alone:
            return isolated(slot.task)
        try:
            return slot.handle.result()
        except BrokenProcessPool:
            self._broken(list(self.window.slots))
            return None  # collected again: done meanwhile, or now to be run alone

    def ordered(self, tasks: Iterator[UnitTask]) -> Iterator[UnitResult]:
        return self.window.ordered(tasks)

    def _broken(self, slots: list[Slot]) -> None:
        stop_pool(self.pool)
        self.pool = self._new_pool()
        for slot in slots:
            future = slot.handle
            if future is None or slot.result is not None:
                continue
            if future.done() and not future.cancelled() and future.exception() is None:
                self.window.done(slot, future.result())
                continue
            recover(os.path.dirname(slot.task.outdir), os.path.basename(slot.task.outdir))
            slot.handle, slot.alone = None, True

    def stop(self) -> None:
        stop_pool(self.pool)
        self.pool = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None
