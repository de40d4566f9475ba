"""The bounded window both executors feed: tasks skipped or submitted in tree order, results yielded in tree order.

`Window.ordered(tasks)` keeps at most `size` tasks between the tree walk and the caller: each task is first
offered to `known` (the skip check: a result when the unit is unchanged), else recorded in `in_flight` and handed
to `submit`, whose handle (a future) `collect` later turns into the unit's result. Results come back in the order
the tasks came, so the report, the workbook and the level summaries are written as the tree is walked, and memory
holds one window, not the tree (issue 12). `collect` may return None to have the same slot collected again (the
local pool replaced after a worker died, `runner.Runner`); it may also mark other slots done (`Slot.result`).
`in_flight` lists the tasks submitted and not yet yielded: the folders `run._run` repairs after an interruption.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .unit import UnitResult, UnitTask

__all__ = ["Slot", "Window", "window_size"]


def window_size(threads: int) -> int:
    """Tasks in the window for `threads` workers: 4 each (they never wait for work), at least 16."""
    return max(4 * threads, 16)


@dataclass
class Slot:
    """One task in the window: its handle from `submit` (None when not submitted) and its result once known."""

    task: UnitTask
    handle: Any = None
    result: UnitResult | None = None
    alone: bool = False  # the local pool's mark: re-run this task alone in a fresh process


class Window:
    """At most `size` tasks between the tree walk and the caller, results in tree order (see the module docstring)."""

    def __init__(
        self,
        size: int,
        known: Callable[[UnitTask], UnitResult | None],
        submit: Callable[[UnitTask], Any],
        collect: Callable[[Slot], UnitResult | None],
    ):
        self.size = size
        self.known = known
        self.submit = submit
        self.collect = collect
        self.in_flight: list[UnitTask] = []
        self.slots: deque[Slot] = deque()

    def _fill(self, tasks: Iterator[UnitTask]) -> bool:
        """Top the window up from `tasks`; False when they are exhausted."""
        while len(self.slots) < self.size:
            task = next(tasks, None)
            if task is None:
                return False
            result = self.known(task)
            if result is not None:
                self.slots.append(Slot(task, result=result))
                continue
            self.in_flight.append(task)
            self.slots.append(Slot(task, self.submit(task)))
        return True

    def done(self, slot: Slot, result: UnitResult) -> None:
        """`slot`'s result is known (its task no longer in flight); for a `collect` that settles other slots."""
        slot.result = result
        self.in_flight.remove(slot.task)

    def ordered(self, tasks: Iterator[UnitTask]) -> Iterator[UnitResult]:
        more = True
        while True:
            if more:
                more = self._fill(tasks)
            if not self.slots:
                return
            slot = self.slots[0]
            if slot.result is None:
                result = self.collect(slot)
                if result is None:
                    continue
                self.done(slot, result)
            self.slots.popleft()
            assert slot.result is not None
            yield slot.result
