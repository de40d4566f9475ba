"""Where the units of a batch run: `LocalExecutor` (this machine's processes) or `DaskExecutor` (a Dask cluster).

Both have one small interface, the one `run._run` uses: ``ordered(tasks)`` yields one `UnitResult` per task in
tree order, through a bounded window; ``in_flight`` lists the tasks started and not yet yielded (their folders are
repaired after an interruption); ``stop()`` ends the work at once (Ctrl-C), ``close()`` at the end of a run;
``jobs`` is what report.json records.

`LocalExecutor` is the process pool of `runner.Runner` (or this process for one job), unchanged.

`DaskExecutor` submits each unit's task to a ``dask.distributed`` cluster: a scheduler given by address
(``tcp://host:8786``), or a ``LocalCluster`` of one single-threaded worker process per job started for the run
(`Cluster`). The settings (and, for a local template folder, the template files) reach every worker once, in a
`WorkerPlugin` that also compiles the templates there; a task carries only the record's paths and bytes. Two
output modes, same bytes:

* default: the worker checks and renders into a scratch folder of its own and returns the result and the files'
  bytes; the client lands them in OUT with the protocol of `unit.process_unit` (a temp folder beside the unit
  folder, named against the files there, the unit record last, swapped into place). OUT need not be visible
  to the workers, nor the records folder (the record's bytes travel with the task).
* ``shared_output``: OUT is visible to every worker at the same path; the worker runs `runner.process` into it.

A worker that dies (killed, out of memory) has its unit retried once on another worker by the scheduler
(``distributed.scheduler.allowed-failures`` = 1 for the LocalCluster; a cluster of one's own should set the same),
then the unit is reported failed with a Chinese message (`KilledWorker`): never lost, never run twice in OUT
(the client alone lands files in the default mode). Ctrl-C cancels the futures, closes the client (and the
LocalCluster, whose workers end with it) and `run` repairs the folders in flight. A cluster left without any
worker for `worker_wait` seconds stops the run the same way (`Cluster.result`), and so does a worker on another
huanjie version (checked on every worker at the start, and by each task on a worker that joins later). The
workers' statistical profiler is off for the run (`LOCAL_CONFIG`, `pause_profiler`): it made them grow.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import signal
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from .. import __version__, records
from ..errors import HuanjieError
from ..fsutil import os_reason, write_atomic
from ..render import compile_template, template_path
from . import unit as units
from .folders import recover
from .runner import Runner, crashed, process, skip
from .unit import FAILED, OK, Settings, UnitResult, UnitTask
from .window import Slot, Window, window_size

__all__ = [
    "EXECUTORS",
    "INSTALL",
    "ClusterError",
    "Cluster",
    "LocalExecutor",
    "DaskExecutor",
    "open_executor",
]

EXECUTORS = ("local", "dask")
INSTALL = "未安装 Dask，无法使用 --executor dask。请先安装：pip install 'huanjie[cluster]'（或 pip install 'dask[distributed]'）。"
DASK_ONLY = "--scheduler、--shared-output 和 --worker-wait 只能与 --executor dask 一起使用。"
WORKER_DIED = "处理该单位时工作节点意外退出（可能内存不足或被终止），已在另一个工作节点上重试一次，仍未完成。"
CONNECT_TIMEOUT = 5.0  # seconds to reach a scheduler: an unreachable address is an error, never a hang
WORKER_WAIT = 120.0  # seconds a run waits while the cluster has no worker (none yet, or all gone): then an error
POLL = 1.0  # seconds between two looks at the cluster's workers while a result is awaited
# The LocalCluster's scheduler: a task whose worker died is retried once; one task per worker thread at a time,
# so a dying worker takes only its own unit's retry with it. A worker's statistical profiler keeps one call tree
# per second (and one per task prefix) for the last 1,000 seconds: with the deep stacks of rendering that is
# ~100 kB a second, so a worker grew with the length of the run (136 MB after 1,000 units, 194 MB after 3,000)
# until the 1,000th second; nobody reads it (no dashboard): off. The system monitor's samples (2 a second) are
# kept for a minute instead of an hour, for the same reason.
LOCAL_CONFIG = {
    "distributed.scheduler.allowed-failures": 1,
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.worker.daemon": False,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.log-length": 120,
}
PROFILER = ("profile", "profile-cycle")  # a worker's periodic callbacks that fill its profile history


class ClusterError(HuanjieError):
    """Dask is missing, or the cluster cannot be reached or was lost; str() is Chinese (exit code 2)."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ClusterError(INSTALL) from None
    return distributed


def _quiet() -> None:
    """Dask's own log lines (a worker restarted, a cluster closing) are not the user's business: errors only."""
    for name in ("distributed", "distributed.nanny", "distributed.scheduler", "distributed.worker"):
        logging.getLogger(name).setLevel(logging.ERROR)


# --------------------------------------------------------------------------------------------
# The cluster
# --------------------------------------------------------------------------------------------
class Cluster:
    """A client of a Dask scheduler at `scheduler`, or of a LocalCluster of `workers` processes started for the run.

    Raises `ClusterError` with a Chinese message when Dask is not installed or the scheduler cannot be reached
    within `timeout` seconds. `close()` closes the client and a LocalCluster started here.
    """

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        timeout: float = CONNECT_TIMEOUT,
        worker_wait: float = WORKER_WAIT,
    ):
        distributed = _distributed()
        import dask

        _quiet()
        self.scheduler = scheduler
        self.cluster: Any = None
        self.local = not scheduler
        self.worker_wait = worker_wait
        if scheduler:
            try:
                self.client = distributed.Client(scheduler, timeout=f"{timeout}s", set_as_default=False)
            except (OSError, TimeoutError, ValueError, TypeError) as exc:
                raise ClusterError(
                    f"无法连接 Dask 调度器 {scheduler}（{_reason(exc)}）。请确认地址（如 tcp://主机名:8786）无误、"
                    "调度器（dask scheduler）已经启动，且本机能访问它的端口。"
                ) from None
            try:
                self.client.wait_for_workers(1, timeout=worker_wait)
            except (OSError, TimeoutError):
                self.close()
                raise ClusterError(
                    f"Dask 调度器 {scheduler} 上没有工作节点（{worker_wait:g} 秒内没有工作节点连上）。请先在工作机上运行 "
                    f"dask worker {scheduler}（见 README“大规模运行”）。"
                ) from None
            return
        count = max(1, workers or os.cpu_count() or 1)
        try:
            # "Port 8787 is already in use" (another cluster on this machine) is Dask's English aside, not an error.
            with dask.config.set(LOCAL_CONFIG), warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                self.cluster = distributed.LocalCluster(
                    n_workers=count,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self.client = distributed.Client(self.cluster, set_as_default=False)
        except (OSError, TimeoutError, RuntimeError) as exc:
            if self.cluster is not None:
                self.cluster.close()
            raise ClusterError(f"无法在本机启动 Dask 集群（{_reason(exc)}）。") from None

    @property
    def address(self) -> str:
        """The scheduler's address (given, or the LocalCluster's)."""
        return self.scheduler or str(getattr(self.cluster, "scheduler_address", "") or "")

    def _workers(self) -> int:
        """Workers connected to the scheduler now; an unreachable scheduler raises (OSError, TimeoutError)."""
        return len(self.client.nthreads())

    def _idle(self, since: float | None, stopped: str) -> float | None:
        """No result came within POLL: None while the cluster has workers, else since when it has none.

        Raises the `ClusterError` of `gone` once there has been no worker for `worker_wait` seconds."""
        if self._workers():
            return None
        now = time.monotonic()
        if since is None:
            return now
        if now - since >= self.worker_wait:
            raise self.gone(stopped)
        return since

    def gone(self, stopped: str) -> ClusterError:
        """The error when the cluster has had no worker for `worker_wait` seconds mid-run; `stopped`: what was kept."""
        if self.local:
            how = "本机启动的 Dask 集群的工作进程都已退出且未能重新启动（可能内存不足）"
            fix = "请检查本机内存后再次运行"
        else:
            how = f"Dask 调度器 {self.address} 上已经没有工作节点"
            fix = f"请在工作机上运行 dask worker {self.address}（见 README“大规模运行”），然后再次运行"
        return ClusterError(
            f"{how}（{self.worker_wait:g} 秒内没有工作节点可用），运行已停止：{stopped}。{fix}，即可继续。"
        )

    def result(self, future: Any, stopped: str) -> Any:
        """`future.result()`, but a cluster left without any worker for `worker_wait` seconds raises `gone(stopped)`
        instead of waiting forever (the scheduler keeps a task until a worker comes)."""
        since: float | None = None
        while True:
            try:
                return future.result(timeout=min(POLL, self.worker_wait))
            except TimeoutError:
                if future.done():  # done meanwhile, or the task itself raised a TimeoutError: its outcome
                    return future.result()
            since = self._idle(since, stopped)

    @property
    def threads(self) -> int:
        """Worker threads in the cluster now (at least 1)."""
        try:
            return max(1, sum(self.client.nthreads().values()))
        except Exception:  # noqa: BLE001 - a cluster that cannot say runs at least one task at a time
            return 1

    def close(self) -> None:
        """Close the client and the LocalCluster (its worker processes end); never raises."""
        with contextlib.suppress(Exception):
            self.client.close(timeout=10)
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close(timeout=10)
            self.cluster = None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError) or "Timed out" in str(exc) or "timed out" in str(exc):
        return "5 秒内未能连接：调度器没有运行、地址有误或端口不通" if "connect" in str(exc) else "连接超时"
    if isinstance(exc, OSError) and exc.errno:
        return os_reason(exc)
    text = str(exc).strip()
    return text[:200] if text else type(exc).__name__


STOPPED = "已写完的单位保留，未写完的单位保持原样；未生成批量报告"  # what a stopped batch leaves (`Cluster.gone`)


def cluster_lost(exc: BaseException) -> ClusterError:
    """The error when the client lost its scheduler mid-run (what was written stays; a re-run continues)."""
    return ClusterError(
        f"与 Dask 集群的连接中断（{_reason(exc)}）；已写完的单位保留，未生成批量报告。请检查调度器后再次运行，即可继续。"
    )


# --------------------------------------------------------------------------------------------
# The local executor
# --------------------------------------------------------------------------------------------
class LocalExecutor:
    """This machine: `runner.Runner`'s process pool for ``jobs > 1``, else this process, unit after unit."""

    def __init__(self, jobs: int, force: bool):
        self.jobs = jobs
        self.force = force
        self.runner = Runner(jobs, force) if jobs > 1 else None
        self._mine: list[UnitTask] = []

    @property
    def in_flight(self) -> list[UnitTask]:
        return self.runner.in_flight if self.runner is not None else self._mine

    def ordered(self, tasks: Iterator[UnitTask]) -> Iterator[UnitResult]:
        if self.runner is not None:
            yield from self.runner.ordered(tasks)
            return
        for task in tasks:
            self._mine[:] = [task]
            yield skip(task, self.force) or process(task)
            self._mine.clear()

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.stop()

    def close(self) -> None:
        if self.runner is not None:
            self.runner.close()


# --------------------------------------------------------------------------------------------
# On a worker
# --------------------------------------------------------------------------------------------
_PREPARED: dict[str, Settings] = {}  # in a worker: plugin name → the settings its tasks use there
_PAUSED: dict[str, list[Any]] = {}  # in a worker: plugin name → the profiler callbacks it stopped (to restart)


def pause_profiler(name: str, worker: Any) -> None:
    """Stop a worker's statistical profiler for the run of plugin `name` and drop what it kept (see LOCAL_CONFIG).

    A worker of one's own cluster (``dask worker``) profiles by default; its history would grow for the first
    1,000 seconds of the run. The callbacks stopped here are restarted by `resume_profiler` when the last run
    using the worker ends; a worker started with profiling off has nothing to stop.
    """
    callbacks = getattr(worker, "periodic_callbacks", {})
    stopped = [pc for key in PROFILER if (pc := callbacks.get(key)) is not None and pc.is_running()]
    for pc in stopped:
        pc.stop()
    _PAUSED[name] = stopped
    with contextlib.suppress(AttributeError):
        worker.profile_history.clear()
        worker.profile_keys_history.clear()
        worker.profile_keys.clear()


def resume_profiler(name: str) -> None:
    """Restart the profiler callbacks `pause_profiler` stopped, once no other huanjie run uses the worker."""
    stopped = _PAUSED.pop(name, [])
    if _PAUSED:  # an overlapping run keeps them stopped, and restarts them at its end
        next(iter(_PAUSED.values())).extend(stopped)
        return
    for pc in stopped:
        with contextlib.suppress(Exception):
            pc.start()


class _Prepare:
    """A Dask WorkerPlugin: the run's settings and template files reach each worker once; templates compiled there.

    A local template folder travels as its files' bytes (`templates`) and is written into the worker's own
    folder, unless the output (and so the folder) is shared. In a LocalCluster's worker, Ctrl-C is left to the
    client (as `runner.init_worker` does for the local pool).
    """

    def __init__(self, name: str, settings: Settings, templates: dict[str, bytes] | None, local: bool):
        self.name = name
        self.settings = settings
        self.templates = templates
        self.local = local

    def setup(self, worker: Any) -> None:
        if self.local:
            with contextlib.suppress(ValueError):  # not the main thread: nothing to change
                signal.signal(signal.SIGINT, signal.SIG_IGN)
        pause_profiler(self.name, worker)
        settings = self.settings
        if self.templates is not None:
            folder = os.path.join(worker.local_directory, f"huanjie-templates-{settings.templates_hash[:16]}")
            os.makedirs(folder, exist_ok=True)
            for name, data in self.templates.items():
                write_atomic(os.path.join(folder, name), data, overwrite=True)
            settings = replace(settings, templates_dir=folder)
        _PREPARED[self.name] = settings
        from ..documents import KINDS

        for kind in KINDS:
            compile_template(template_path(kind, settings.templates_dir))

    def teardown(self, worker: Any) -> None:
        _PREPARED.pop(self.name, None)
        resume_profiler(self.name)


def _template_files(folder: str | None) -> dict[str, bytes] | None:
    """The files of a local template folder (top level, regular files), to send to the workers; None: built-in."""
    if folder is None:
        return None
    files = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isfile(path) and not name.startswith("."):
            with open(path, "rb") as handle:
                files[name] = handle.read()
    return files


def _same_bytes(path: str, raw: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).digest() == hashlib.sha256(raw).digest()
    except OSError:
        return False


class _WrongVersion(RuntimeError):
    """Raised by a unit's task on a worker whose huanjie is another version than the client's (`settings.version`)."""

    def __init__(self, address: str, worker: str, client: str):
        super().__init__(address, worker, client)
        self.address, self.worker, self.client = address, worker, client

    def __str__(self) -> str:
        return f"工作节点上的 huanjie 版本是 {self.worker}，与本机的 {self.client} 不同"


# What a worker of huanjie 0.1.0 raises instead (its unit's task predates _WrongVersion).
_OLD_WRONG_VERSION = re.compile(r"^工作节点上的 huanjie 版本是 (.+)，与本机的 (.+) 不同$")


def worker_version() -> str:
    """On a worker: its huanjie version (`client.run` asks every worker once at the start of a run)."""
    return __version__


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return ""


def wrong_versions(wrong: dict[str, Any], mine: str, stopped: str = "") -> ClusterError:
    """The error naming the workers not on version `mine` (address → its version, or the exception asking raised);
    `stopped`: what a run stopped midway keeps (empty: stopped at the start, before any unit)."""
    listed = "、".join(
        f"{a}（{v}）" if isinstance(v, str) else f"{a}（无法读取版本：{_reason(v)}）" for a, v in sorted(wrong.items())
    )
    what = f"运行已停止：{stopped}" if stopped else "没有生成任何单位的文书"
    return ClusterError(
        f"工作节点上的 huanjie 版本与本机的 {mine} 不同：{listed}；{what}。文书必须由同一版本的程序生成："
        f"请在每个工作节点上安装与本机相同的版本（pip install 'huanjie[cluster]=={mine}'）并重启 dask worker，然后再次运行。"
    )


def run_unit(plugin: str, source: str, rel: str, outdir: str, raw: bytes | None, shared: bool) -> Any:
    """A unit's task on a worker: `runner.process` into OUT (`shared`), or into a scratch folder → (result, files).

    In the scratch mode the record is read from `raw` (its bytes, sent by the client) unless the worker sees the
    same file at `source`; findings then still name `source`. `files`: [(name, bytes)] of the documents and prints.
    """
    settings = _PREPARED.get(plugin)
    if settings is None:
        raise RuntimeError("工作节点没有收到本次运行的设置（WorkerPlugin 未安装）")
    if settings.version != __version__:  # a worker that joined after the start's check (`DaskExecutor`)
        raise _WrongVersion(_worker_address(), __version__, settings.version)
    if shared:
        return process(UnitTask(source=source, rel=rel, outdir=outdir, settings=settings))
    with tempfile.TemporaryDirectory(prefix="huanjie-unit-") as scratch:
        record = source
        if raw is not None and not _same_bytes(source, raw):
            record = os.path.join(scratch, "record", os.path.basename(source))
            os.makedirs(os.path.dirname(record))
            with open(record, "wb") as handle:
                handle.write(raw)
        folder = os.path.join(scratch, "out", os.path.basename(outdir))
        os.makedirs(os.path.dirname(folder))
        result = process(UnitTask(source=record, rel=rel, outdir=folder, settings=settings))
        if record != source:
            result.findings = [replace(f, file=source) if f.file == record else f for f in result.findings]
        files = []
        if result.status == OK:
            for doc in [*result.documents, *result.prints]:
                with open(os.path.join(folder, doc["name"]), "rb") as handle:
                    files.append((doc["name"], handle.read()))
        return result, files


# --------------------------------------------------------------------------------------------
# On the client: landing a unit's files in OUT
# --------------------------------------------------------------------------------------------
def _died(task: UnitTask) -> UnitResult:
    """A unit whose worker died twice: failed, its folder repaired, an earlier run's documents kept (stale)."""
    recover(os.path.dirname(task.outdir), os.path.basename(task.outdir))
    result = UnitResult(rel=task.rel, folder=task.rel.rsplit(".", 1)[0], status=FAILED, error=WORKER_DIED)
    units.keep_stale(task, result)
    return result


# --------------------------------------------------------------------------------------------
# The Dask executor
# --------------------------------------------------------------------------------------------
class DaskExecutor:
    """Units through a Dask cluster: a bounded window of futures, results in tree order (see the module docstring)."""

    def __init__(self, cluster: Cluster, settings: Settings, force: bool, shared_output: bool = False):
        self.cluster = cluster
        self.client = cluster.client
        self.force = force
        self.shared = shared_output
        self.jobs = cluster.threads
        self.window = Window(window_size(self.jobs), lambda task: skip(task, force), self._submit, self._collect)
        self.futures: list[Any] = []
        self.plugin = f"huanjie-{uuid.uuid4().hex}"
        templates = None if shared_output else _template_files(settings.templates_dir)
        try:
            found = self.client.run(worker_version, on_error="return")
        except (OSError, TimeoutError) as exc:
            raise cluster_lost(exc) from None
        wrong = {a: v for a, v in sorted(found.items()) if v != settings.version}
        if wrong:
            raise wrong_versions(wrong, settings.version)  # before the plugin, before any unit: OUT not touched yet
        try:
            self.client.register_plugin(_worker_plugin(self.plugin, settings, templates, cluster.local))
        except (OSError, TimeoutError) as exc:
            raise cluster_lost(exc) from None

    @property
    def in_flight(self) -> list[UnitTask]:
        return self.window.in_flight

    def _submit(self, task: UnitTask) -> Any:
        raw = None
        if not self.shared:
            raw = records.read_bytes(task.source)[0]
            if raw is None:
                return None  # unreadable here: the unit fails; `process` says why, in this process
        future = self.client.submit(
            run_unit,
            self.plugin,
            task.source,
            task.rel,
            task.outdir,
            raw,
            self.shared,
            key=f"huanjie-unit-{uuid.uuid4().hex}",
            pure=False,
        )
        self.futures.append(future)
        return future

    def ordered(self, tasks: Iterator[UnitTask]) -> Iterator[UnitResult]:
        return self.window.ordered(tasks)

    def _collect(self, slot: Slot) -> UnitResult:
        task, future = slot.task, slot.handle
        if future is None:
            return process(task)
        distributed = _distributed()
        try:
            value = self.cluster.result(future, STOPPED)
        except distributed.KilledWorker:
            return _died(task)
        except ClusterError:  # no worker left (`Cluster.result`): the run stops
            raise
        except _WrongVersion as exc:  # a worker of another version joined: the run stops before it renders a unit
            raise wrong_versions({exc.address or "?": exc.worker}, exc.client, STOPPED) from None
        except (OSError, TimeoutError, distributed.CancelledError) as exc:
            raise cluster_lost(exc) from None
        except Exception as exc:  # noqa: BLE001 - the task raised on its worker (a setup problem): this unit fails
            old = _OLD_WRONG_VERSION.match(str(exc)) if isinstance(exc, RuntimeError) else None
            if old:  # a worker of huanjie 0.1.0 joined
                raise wrong_versions({"?": old.group(1)}, old.group(2), STOPPED) from None
            return crashed(task, exc)
        finally:
            self.futures.remove(future)
            future.release()
        if self.shared:
            return value
        result, files = value
        return units.land(task, result, files)

    def stop(self) -> None:
        """Ctrl-C: every future cancelled, the client (and a LocalCluster) closed; `run` repairs the folders."""
        with contextlib.suppress(Exception):
            self.client.cancel(self.futures, force=True)
        self.futures = []
        self.close()

    def close(self) -> None:
        """The plugin removed from the workers (a cluster of one's own keeps no settings of old runs), client closed."""
        if self.plugin:
            with contextlib.suppress(Exception):
                self.client.unregister_worker_plugin(self.plugin)
            self.plugin = ""
        self.cluster.close()


def _worker_plugin(name: str, settings: Settings, templates: dict[str, bytes] | None, local: bool) -> Any:
    """`_Prepare` as a ``distributed.WorkerPlugin`` (the base class is imported only when Dask is used)."""
    distributed = _distributed()

    class Prepare(_Prepare, distributed.WorkerPlugin):  # type: ignore[name-defined]
        pass

    Prepare.__qualname__ = Prepare.__name__ = "HuanjiePrepare"
    plugin = Prepare(name, settings, templates, local)
    plugin.name = name  # type: ignore[attr-defined]
    return plugin


def open_executor(
    kind: str,
    jobs: int,
    force: bool,
    settings: Settings,
    scheduler: str | None = None,
    shared_output: bool = False,
    worker_wait: float | None = None,
) -> LocalExecutor | DaskExecutor:
    """The executor of a run: "local" (`jobs` processes) or "dask" (the scheduler at `scheduler`, else a
    LocalCluster of `jobs` workers; `worker_wait`: seconds without any worker before the run stops, None: WORKER_WAIT).
    Raises `ClusterError` when Dask is missing or the scheduler unreachable."""
    if kind == "local":
        if scheduler or shared_output or worker_wait is not None:
            raise ClusterError(DASK_ONLY)
        return LocalExecutor(jobs, force)
    if kind != "dask":
        raise ClusterError(f"不认识的执行方式 {kind}；可用：local（本机）、dask（Dask 集群）。")
    cluster = Cluster(scheduler, jobs, worker_wait=WORKER_WAIT if worker_wait is None else worker_wait)
    try:
        return DaskExecutor(cluster, settings, force, shared_output)
    except BaseException:
        cluster.close()
        raise
