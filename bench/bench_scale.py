"""Benchmark: province-sized batches (check + render) through the local pool and a Dask LocalCluster.

    .venv/bin/python bench/bench_scale.py [--units 1000 3000] [--jobs 2] [--executors local dask dask-shared]
                                          [--out bench/results.md]

Issue 18, item 3. For each --units N a tree of N units is generated (`tools/gen_county.py --units N`, 30 townships
at most, no roll), then ``huanjie batch TREE -o OUT -j JOBS --executor E`` runs in a child process for each
executor (local; dask: files sent back to the client, which lands them; dask-shared: ``--shared-output``, the
workers write into OUT), while this script samples every 0.2 s the resident memory (VmRSS) of the batch process (the client)
and of each of its worker processes. Reported per run: wall time (the command's, Dask's cluster start included),
documents/s and per core, peak RSS of the client and of the largest worker, and the overhead per task:
(wall × jobs − Σ the units' own check+render time from report.json) / units, i.e. what the pool or the scheduler,
the transfer of the files, landing them in OUT, the report and the summaries cost per unit beyond the task.
Memory that stays flat as N grows is the point of the 1,000 → N comparison.

The table is written into --out between the markers `<!-- bench_scale -->` and `<!-- /bench_scale -->`
(appended the first time), so the other benchmarks' sections stay as they are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import ROOT, machine, markdown_table, versions, write_section

HUANJIE = Path(sys.executable).parent / "huanjie"


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    """Children of every thread of `pid` (Dask's nanny starts its workers from a thread of the client)."""
    found = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for tid in threads:
        try:
            found += [int(p) for p in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except OSError:
            pass
    return found


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        here = todo.pop()
        found.append(here)
        todo += _children(here)
    return found


class Sampler(threading.Thread):
    """Peak VmRSS of the process `pid` and of each of its descendants (kB), sampled every `every` seconds."""

    def __init__(self, pid: int, every: float = 0.2):
        super().__init__(daemon=True)
        self.pid = pid
        self.every = every
        self.peaks: dict[int, int] = {}
        self.cpu = 0.0  # seconds of CPU the client process used (last sample)
        self.done = threading.Event()

    def run(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self.done.is_set():
            for pid in _tree(self.pid):
                self.peaks[pid] = max(self.peaks.get(pid, 0), _rss_kb(pid))
            try:
                fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
                self.cpu = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
            except (OSError, IndexError, ValueError):
                pass
            self.done.wait(self.every)

    def client_mb(self) -> float:
        return self.peaks.get(self.pid, 0) / 1024

    def worker_mb(self) -> list[float]:
        """Peaks of the descendants that did work (over 60 MB: not the resource tracker or a shell)."""
        return sorted((kb / 1024 for pid, kb in self.peaks.items() if pid != self.pid and kb > 60 * 1024), reverse=True)


def generate(units: int, where: Path, per_township: int | None = None) -> Path:
    """A generated county of `units` units (gen_county's townships, or one per `per_township` units)."""
    tree = where / f"tree-{units}"
    command = [sys.executable, str(ROOT / "tools" / "gen_county.py"), str(tree), "--units", str(units), "--force"]
    if per_township:
        command += ["--townships", str(-(-units // per_township))]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return tree


EXECUTORS = {
    "local": ["--executor", "local"],
    "dask": ["--executor", "dask"],
    "dask-shared": ["--executor", "dask", "--shared-output"],
}


def run(tree: Path, out: Path, jobs: int, executor: str) -> dict:
    command = [str(HUANJIE), "batch", str(tree), "-o", str(out), "-j", str(jobs), *EXECUTORS[executor]]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    _, stderr = proc.communicate()
    wall = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"huanjie batch 失败（退出码 {proc.returncode}）：{stderr[-2000:]}")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    work = sum(u["durations"].get("total", 0.0) for u in report["units"])
    units = report["totals"]["units"]
    documents = report["totals"]["rendered"]
    workers = sampler.worker_mb()
    return {
        "executor": executor,
        "units": units,
        "documents": documents,
        "wall": wall,
        "per_s": documents / wall,
        "per_core": documents / wall / jobs,
        "client_mb": sampler.client_mb(),
        "worker_mb": workers[0] if workers else 0.0,
        "workers": len(workers),
        "overhead_ms": (wall * jobs - work) / units * 1000,
        "task_ms": work / units * 1000,
        "client_cpu_ms": sampler.cpu / units * 1000,
        "load": os.getloadavg()[0],
    }


def _noop(n: int) -> int:
    return n


def scheduler_overhead(jobs: int, tasks: int = 2000) -> float:
    """Milliseconds per task of the Dask machinery alone: no-op tasks through huanjie's LocalCluster settings and
    window (16 in flight, results taken in order), end to end (submit, schedule, run, result back)."""
    import dask
    import distributed

    sys.path.insert(0, str(ROOT))
    from pipeline.batch.executors import LOCAL_CONFIG

    with dask.config.set(LOCAL_CONFIG):
        cluster = distributed.LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
        )
    client = distributed.Client(cluster, set_as_default=False)
    try:
        window = max(4 * jobs, 16)
        started = time.perf_counter()
        queue = []
        for n in range(tasks):
            queue.append(client.submit(_noop, n, pure=False))
            if len(queue) >= window:
                queue.pop(0).result()
        for future in queue:
            future.result()
        return (time.perf_counter() - started) / tasks * 1000
    finally:
        client.close()
        cluster.close()


def table(rows: list[dict], jobs: int, started_load: float, overhead: float | None = None) -> str:
    lines = [
        "## 大规模批量：本机进程池与 Dask LocalCluster（bench/bench_scale.py）",
        "",
        f"机器：{machine()}；{versions(libraries=('huanjie',), dask=True)}；{dt.date.today().isoformat()}。每个运行都是一次 `huanjie batch … -j {jobs}"
        " --executor …`（检查 + 生成文书、报告、各级工作总结、清单；不转 PDF），树由 `tools/gen_county.py --units N`"
        f" 生成。开始时负载 {started_load:.2f}（机器与其他任务共用，数字有噪声）。",
        "",
        "执行方式：local 本机进程池；dask 为 `--executor dask`（本机启动的 LocalCluster，工作进程把文件传回本进程写入）；"
        "dask-shared 另加 `--shared-output`（工作进程直接写入输出文件夹）。",
        "",
    ]
    headers = [
        "执行方式",
        "单位",
        "文书",
        "用时 s",
        "文书/s",
        "每核 文书/s",
        "客户端峰值内存 MB",
        "最大工作进程峰值内存 MB",
    ]
    headers += ["每单位任务 ms", "每单位额外开销 ms", "本机进程每单位 CPU ms", "结束时负载"]
    lines += markdown_table(
        headers,
        (
            [
                r["executor"],
                f"{r['units']:,}",
                f"{r['documents']:,}",
                f"{r['wall']:.1f}",
                f"{r['per_s']:.0f}",
                f"{r['per_core']:.0f}",
                f"{r['client_mb']:.0f}",
                f"{r['worker_mb']:.0f}（{r['workers']} 个）",
                f"{r['task_ms']:.0f}",
                f"{r['overhead_ms']:.1f}",
                f"{r['client_cpu_ms']:.0f}" if "client_cpu_ms" in r else "—",
                f"{r['load']:.2f}",
            ]
            for r in rows
        ),
        right=range(1, len(headers)),
    )
    lines += [
        "",
        *(
            [
                f"Dask 调度本身（{jobs} 个工作进程，空任务 2,000 个，与 huanjie 相同的设置和窗口，依次取回结果）：每个任务 "
                f"{overhead:.2f} ms（墙钟），即每单位额外开销中属于调度的部分。",
                "",
            ]
            if overhead is not None
            else []
        ),
        "每单位额外开销 =（用时 × 进程数 − 各单位自身检查 + 生成用时之和）÷ 单位数：进程池或调度器、文件传回本机并落盘、"
        "报告和工作总结在每个单位上多花的时间（Dask 一列含启动本机集群的几秒）。本机进程每单位 CPU：`huanjie batch` 进程"
        "（不含工作进程）用的 CPU 时间 ÷ 单位数；它决定一个本机进程最多喂得饱多少个工作进程（每单位任务 ÷ 它）。",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--executors", nargs="+", default=list(EXECUTORS), choices=list(EXECUTORS))
    parser.add_argument("--work", default=None, help="生成的树和输出放在这里（默认临时文件夹，结束后删除）")
    parser.add_argument(
        "--out", default=str(ROOT / "bench" / "results.md"), help="结果写到这个 Markdown 文件（空：不写）"
    )
    parser.add_argument(
        "--per-township",
        type=int,
        default=None,
        help="每个乡镇的单位数（默认按 gen_county：每 25 个一个乡镇，最多 30 个乡镇，故大树的乡镇更大）",
    )
    parser.add_argument("--section", default="bench_scale", help="--out 中的标记名（默认 bench_scale）")
    args = parser.parse_args()
    started_load = os.getloadavg()[0]
    overhead = scheduler_overhead(args.jobs) if any(e.startswith("dask") for e in args.executors) else None
    rows = []
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="huanjie-scale-"))
    try:
        for units in args.units:
            tree = generate(units, work, args.per_township)
            for executor in args.executors:
                out = work / f"out-{units}-{executor}"
                shutil.rmtree(out, ignore_errors=True)
                row = run(tree, out, args.jobs, executor)
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
                shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(tree, ignore_errors=True)
            if args.out:  # after each size: a long run that is stopped keeps what it measured
                write_section(Path(args.out), args.section, table(rows, args.jobs, started_load, overhead))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(table(rows, args.jobs, started_load, overhead))


if __name__ == "__main__":
    main()
