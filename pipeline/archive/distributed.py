"""PDF conversion on a Dask cluster: `ClusterConverter`, a drop-in for `pdf.convert` used by archive and layout check.

The documents are cut into shares (a few per worker thread, so a slow share does not hold the run up); each
share is one task: on its worker, `pdf.convert` (the worker's own LibreOffice, one process, reused within the
share) turns the .docx files into PDFs and the task returns the PDFs' bytes, which the client writes to the jobs'
targets (temp file, then rename). With ``shared_output`` every worker sees the client's paths: the task reads the
.docx files and writes the PDFs in place, and returns only the outcome. A share whose worker died twice
(`KilledWorker`, after the scheduler's one retry) has each of its documents failed with a Chinese reason, so its
units are refused like any document LibreOffice could not convert. The workers need LibreOffice, poppler-utils
and the fonts (``tools/system-deps.sh``).
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

from ..batch.executors import Cluster, cluster_lost
from ..fsutil import write_atomic
from . import pdf

__all__ = ["ClusterConverter", "WORKER_DIED"]

WORKER_DIED = "转换时工作节点意外退出（可能内存不足或被终止），重试后仍未完成"
STOPPED = "未生成数据包"  # what a conversion stopped for want of workers leaves (`Cluster.gone`)
SHARE_MAX = 40  # documents per task at most


def convert_share(
    items: list[tuple[int, str, bytes | None, str]], timeout: float, pdfa: bool, shared: bool
) -> tuple[dict[int, bytes | None], dict[int, str], int, str]:
    """On a worker: convert one share; ({index: PDF bytes (None when written in place)}, {index: why}, calls, version).

    `items`: (index, .docx path, its bytes or None when `shared`, target PDF path).
    """
    try:
        exe = pdf.find_tool("soffice", "libreoffice")
    except pdf.ToolMissing as exc:  # said here: a HuanjieError does not travel back through pickle intact
        return {}, {item[0]: f"工作节点上{exc}" for item in items}, 0, ""
    with tempfile.TemporaryDirectory(prefix="huanjie-share-") as scratch:
        jobs = []
        for n, (_index, source, data, target) in enumerate(items):
            if shared:
                jobs.append(pdf.Job(source, target))
                continue
            folder = os.path.join(scratch, f"{n:04d}")
            os.makedirs(folder)
            local = os.path.join(folder, os.path.basename(source))
            with open(local, "wb") as handle:
                handle.write(data or b"")
            jobs.append(pdf.Job(local, os.path.join(folder, "out.pdf")))
        result = pdf.convert(jobs, workers=1, timeout=timeout, pdfa=pdfa, soffice=exe, workdir=scratch)
        made: dict[int, bytes | None] = {}
        for n in result.converted:
            if shared:
                made[items[n][0]] = None
            else:
                with open(jobs[n].target, "rb") as handle:
                    made[items[n][0]] = handle.read()
        failed = {items[n][0]: why for n, why in result.failed.items()}
    return made, failed, result.calls, pdf.soffice_version(exe)


def worker_soffice_version() -> str:
    """On a worker: its LibreOffice version ("" when it has none: its shares then fail and say so)."""
    try:
        return pdf.soffice_version(pdf.find_tool("soffice", "libreoffice"))
    except pdf.ToolMissing:
        return ""


class ClusterConverter:
    """`pdf.convert` on the workers of `cluster` (same signature; `workers` and `soffice` are the cluster's)."""

    def __init__(self, cluster: Cluster, shared_output: bool = False):
        self.cluster = cluster
        self.shared = shared_output

    def version(self) -> str:
        """The LibreOffice version of a worker (the package's 说明文件 names it)."""
        try:
            return str(self.cluster.client.submit(worker_soffice_version, pure=False).result())
        except (OSError, TimeoutError) as exc:
            raise cluster_lost(exc) from None

    def _shares(self, count: int) -> list[list[int]]:
        size = max(1, min(SHARE_MAX, -(-count // (4 * self.cluster.threads))))
        return [list(range(i, min(count, i + size))) for i in range(0, count, size)]

    def __call__(
        self,
        jobs: list[pdf.Job],
        workers: int | None = None,
        timeout: float = 120.0,
        pdfa: bool = True,
        progress: Callable[[int, int], None] | None = None,
        soffice: str | None = None,
        batch_size: int | None = None,
        workdir: str | None = None,
    ) -> pdf.ConvertResult:
        import distributed

        started = time.perf_counter()
        result = pdf.ConvertResult()
        if not jobs:
            return result
        client = self.cluster.client
        futures: dict[Any, list[int]] = {}
        try:
            for share in self._shares(len(jobs)):
                items = [
                    (i, jobs[i].source, None if self.shared else _read(jobs[i].source), jobs[i].target) for i in share
                ]
                future = client.submit(
                    convert_share, items, timeout, pdfa, self.shared, key=f"huanjie-pdf-{uuid.uuid4().hex}", pure=False
                )
                futures[future] = share
            done = 0
            for future, share in futures.items():  # in order; a cluster without workers stops it (`Cluster.result`)
                try:
                    made, failed, calls, version = self.cluster.result(future, STOPPED)
                except distributed.KilledWorker:
                    made, failed, calls, version = {}, {i: WORKER_DIED for i in share}, 0, ""
                except (OSError, TimeoutError, distributed.CancelledError) as exc:
                    raise cluster_lost(exc) from None
                for index, data in made.items():
                    if data is not None:
                        write_atomic(jobs[index].target, data, overwrite=True)
                    result.converted.append(index)
                result.failed.update(failed)
                result.calls += calls
                result.version = result.version or version
                done += len(share)
                future.release()
                if progress is not None:
                    progress(done, len(jobs))
        except BaseException:
            client.cancel(list(futures), force=True)
            raise
        result.converted.sort()
        result.seconds = time.perf_counter() - started
        return result


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()
