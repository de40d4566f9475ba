"""The progress displays of `huanjie batch` and `huanjie archive`: a bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import click

from ..findings import Severity
from .echo import echo

__all__ = ["BatchProgress", "ArchiveProgress", "StageEvent", "unit_line"]


class BatchProgress:
    """Progress of a batch: a bar on a terminal, one plain line per unit otherwise."""

    def __init__(self, bar: bool):
        self.use_bar = bar
        self.bar: Any = None  # a click progress bar while one is shown

    def __call__(self, event) -> None:
        if event.kind == "summary":
            if not self.use_bar:
                echo(f"已生成汇总 {event.path}（{event.units} 个单位）")
            return
        if self.use_bar:
            if self.bar is None:
                self.bar = click.progressbar(
                    length=event.total, label="生成文书", show_pos=True, show_eta=True, width=30
                )
                self.bar.__enter__()
            self.bar.update(1)
            return
        echo(f"[{event.done}/{event.total}] {event.result.rel} {unit_line(event.result)}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def unit_line(unit) -> str:
    """What became of one unit of a batch, in a few Chinese words (after its path)."""
    from ..batch import FAILED, SKIPPED

    findings = unit.findings
    if unit.status == SKIPPED:
        return f"未改变，跳过（{len(unit.documents)} 份）"
    if unit.status == FAILED:
        errors = [f.id for f in findings if f.severity is Severity.ERROR]
        if errors:
            ids = "、".join(dict.fromkeys(errors))
            return f"未通过校验：错误 {len(errors)} 个（{ids}），未生成文书"
        return f"生成失败：{unit.error}"
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    return f"已生成 {len(unit.documents)} 份" + (f"（警告 {warnings} 个）" if warnings else "")


@dataclass(frozen=True)
class StageEvent:
    """One step of a staged run that is not an archive (e.g. the layout check after a batch)."""

    stage: str
    done: int
    total: int


class ArchiveProgress:
    """Progress of an archive run: a bar per stage on a terminal, a few plain lines otherwise."""

    def __init__(self, bar: bool):
        self.use_bar = bar
        self.bar: Any = None  # a click progress bar while one is shown
        self.stage = ""
        self.shown = 0

    def __call__(self, event) -> None:
        if event.stage != self.stage:
            self.close()
            self.stage = event.stage
            self.shown = 0
            if self.use_bar:
                self.bar = click.progressbar(
                    length=max(1, event.total),
                    label=event.stage,
                    show_pos=True,
                    show_eta=True,
                    width=30,
                    file=sys.stderr,
                )
                self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(max(0, event.done - self.shown))
            self.shown = max(self.shown, event.done)
            return
        step = max(1, event.total // 4)
        if event.total and (event.done == event.total or event.done // step > self.shown // step):
            echo(f"{event.stage}：{event.done}/{event.total}", err=True)
        self.shown = max(self.shown, event.done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
