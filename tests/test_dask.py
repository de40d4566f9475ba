"""huanjie batch / archive --executor dask: a real LocalCluster (2 worker processes) gives the local run's bytes.

One cluster serves the module (its address is given as --scheduler); one test lets huanjie start its own
LocalCluster. Covered: the county sample byte for byte and its report against the local executor, in both
output modes; a worker killed by a unit (the unit retried once, then failed; the others fine; nothing left
half-written); an interrupted run resumed; the archive converted on the workers and accepted by verify; an
unreachable scheduler (exit code 2, a Chinese message, within the connect timeout); Dask missing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import cloudpickle
import dask
import distributed  # the test extra installs it; a missing Dask fails here, it is never skipped
import docx
import pytest
from conftest import ROOT, SAMPLES, run_cli

from pipeline import batch
from pipeline.batch import MANIFEST, REPORT_JSON, REPORT_XLSX, executors, run_batch
from pipeline.batch.executors import INSTALL, LOCAL_CONFIG, WORKER_DIED, ClusterError

COUNTY = SAMPLES / "county"
DEADLY = "新华村"  # the unit whose task kills its worker process (test_a_worker_killed_…)
VARYING = ("output", "started", "finished")  # report.json keys that name OUT or the clock


def leftovers(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.startswith((batch.TMP_MARK, batch.OLD_MARK, ".~"))]


def files(out: Path) -> dict[str, str]:
    """The manifest's files but the report's own two (they hold the clock)."""
    data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    return {k: v for k, v in data.items() if k not in (REPORT_JSON, REPORT_XLSX)}


def report(out: Path) -> dict:
    """report.json without what names OUT or the clock (run times)."""
    data = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    for key in VARYING:
        data.pop(key)
    data["totals"].pop("seconds")
    for unit in data["units"]:
        unit.pop("durations")
    return data


# A cluster of one's own (`dask worker ADDRESS`) profiles its tasks by default: the module's cluster does too, so
# that every run here also proves the plugin stops the profiler (test_the_workers_keep_no_…).
PROFILING = {**LOCAL_CONFIG, "distributed.worker.profile.enabled": True}


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 single-threaded worker processes (768 MiB each), configured as huanjie's own but for the
    profiler, which is on (as on a `dask worker`)."""
    with dask.config.set(PROFILING):
        local = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, memory_limit="768MiB", dashboard_address=None
        )
    try:
        yield local
    finally:
        local.close()


@pytest.fixture(scope="module")
def county_local(tmp_path_factory):
    """The county sample through the local executor (2 processes): the reference bytes."""
    out = tmp_path_factory.mktemp("local") / "out"
    result = run_batch(str(COUNTY), str(out), jobs=2)
    assert (result.total, result.failed) == (28, 3)
    return out


def test_the_county_sample_on_a_local_dask_cluster_gives_the_local_bytes_and_report(county_local, tmp_path):
    out = tmp_path / "out"
    run = run_cli("batch", str(COUNTY), "-o", str(out), "--executor", "dask", "-j", "2")
    assert run.exit_code == 1, run.output  # 3 units of the sample have errors on purpose
    assert "共 28 个单位：已生成 25 个，未通过 3 个；本次生成文书 1157 份" in run.stdout
    assert files(out) == files(county_local)
    assert report(out) == report(county_local)
    assert json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["jobs"] == 2
    # Real documents: a unit's 选举结果报告 opens and names its unit.
    unit = next(u for u in report(out)["units"] if u["status"] == "ok")
    doc = next(d for d in unit["documents"] if d["path"].endswith(".docx"))
    text = "\n".join(p.text for p in docx.Document(str(out / doc["path"])).paragraphs)
    assert "选举" in text
    assert not leftovers(out)


def test_shared_output_writes_the_same_bytes(county_local, cluster, tmp_path):
    out = tmp_path / "out"
    result = run_batch(
        str(COUNTY), str(out), jobs=2, executor="dask", scheduler=cluster.scheduler_address, shared_output=True
    )
    assert (result.total, result.ok, result.failed) == (28, 25, 3)
    assert files(out) == files(county_local)
    assert report(out) == report(county_local)
    assert not leftovers(out)


# --------------------------------------------------------------------------------------------
# A worker killed mid-run
# --------------------------------------------------------------------------------------------
class _Deadly(distributed.WorkerPlugin):
    """In every worker (also the ones restarted after a death): rendering the DEADLY unit ends the process."""

    name = "huanjie-test-deadly"

    def setup(self, worker):
        from pipeline.batch import unit as batch_unit

        real = batch_unit.render_record
        self.real = real

        def deadly(record, outdir, **kw):
            if DEADLY in str(getattr(record, "file", "")):
                os._exit(9)
            return real(record, outdir, **kw)

        batch_unit.render_record = deadly

    def teardown(self, worker):
        from pipeline.batch import unit as batch_unit

        batch_unit.render_record = self.real


def make_tree(root: Path, rels: list[str]) -> Path:
    for rel in rels:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(COUNTY / rel, root / rel)
    return root


def county_units() -> list[str]:
    return sorted(p.relative_to(COUNTY).as_posix() for p in COUNTY.rglob("*.yaml") if not p.name.startswith("_"))


def test_a_worker_killed_by_a_unit_has_it_retried_once_then_failed_and_the_others_done(cluster, by_value, tmp_path):
    rels = [r for r in county_units() if "白云乡" in r][:7]
    assert any(DEADLY in r for r in rels)
    tree = make_tree(tmp_path / "tree", rels)
    out = tmp_path / "out"
    client = distributed.Client(cluster.scheduler_address, set_as_default=False)
    try:
        client.register_plugin(_Deadly())
        result = run_batch(str(tree), str(out), jobs=2, executor="dask", scheduler=cluster.scheduler_address)
    finally:
        client.unregister_worker_plugin(_Deadly.name)
        client.close()
    units = {u["path"]: u for u in json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["units"]}
    deadly = next(u for p, u in units.items() if DEADLY in p)
    assert deadly["status"] == "failed" and deadly["error"] == WORKER_DIED
    assert result.total == len(rels) and result.failed == 1 + sum(
        u["status"] == "failed" and DEADLY not in p for p, u in units.items()
    )
    assert all(u["error"] != WORKER_DIED for p, u in units.items() if DEADLY not in p)  # never lost
    assert len(units) == len(rels)  # never duplicated
    assert not leftovers(out)
    assert not (out / deadly["path"].rsplit(".", 1)[0]).exists()
    # The cluster has its 2 workers again (the nanny restarted the one that died).
    wait = distributed.Client(cluster.scheduler_address, set_as_default=False)
    try:
        wait.wait_for_workers(2, timeout=60)
    finally:
        wait.close()


# --------------------------------------------------------------------------------------------
# Interrupted, then resumed
# --------------------------------------------------------------------------------------------
class _Stop(Exception):
    pass


def test_an_interrupted_run_is_resumed_skipping_the_units_written(county_local, cluster, tmp_path):
    out = tmp_path / "out"
    seen = []

    def interrupt(event):
        if event.kind == "unit":
            seen.append(event.result.rel)
            if len(seen) == 6:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(
            str(COUNTY), str(out), jobs=2, executor="dask", scheduler=cluster.scheduler_address, progress=interrupt
        )
    assert not (out / MANIFEST).exists() and not (out / REPORT_JSON).exists()
    assert not leftovers(out)
    written = len(list(out.rglob(batch.STAMP)))
    assert written >= 5  # the units landed before the interruption (the 6th may have been mid-landing)
    again = run_batch(str(COUNTY), str(out), jobs=2, executor="dask", scheduler=cluster.scheduler_address)
    assert again.total == 28 and again.skipped == written
    assert files(out) == files(county_local)


# --------------------------------------------------------------------------------------------
# The archive on the workers
# --------------------------------------------------------------------------------------------
def require_tools() -> None:
    from pipeline.archive import pdf

    for names in (("soffice", "libreoffice"), ("pdffonts",), ("pdfinfo",)):
        if not any(shutil.which(n) for n in names):
            pytest.fail(f"找不到 {' 或 '.join(names)}，无法测试归档数据包。请安装：{pdf.INSTALL_HINT}", pytrace=False)


@pytest.mark.parametrize("shared", [False, True], ids=["bytes-back", "shared-output"])
def test_the_archive_converted_on_the_workers_is_accepted_by_verify(cluster, tmp_path, shared):
    require_tools()
    tree = make_tree(tmp_path / "tree", ["青石县/白云乡/胜利村党支部.yaml"])
    out = tmp_path / "out"
    assert run_batch(str(tree), str(out), jobs=1).ok == 1
    package = tmp_path / "包"
    where = ["--executor", "dask", "--scheduler", cluster.scheduler_address] + (["--shared-output"] if shared else [])
    run = run_cli("archive", str(out), "-o", str(package), *where)
    assert run.exit_code == 0, run.output
    assert "已生成归档数据包" in run.stdout
    pdfs = list((package / "电子档案").rglob("*.pdf"))
    assert pdfs and all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)
    check = run_cli("verify", str(package))
    assert check.exit_code == 0, check.output
    assert "校验通过" in check.stdout


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_scheduler_is_exit_code_2_with_a_chinese_message_and_no_hang(tmp_path):
    address = f"tcp://127.0.0.1:{closed_port()}"
    command = [sys.executable, "-m", "pipeline.cli", "batch", str(COUNTY), "-o", str(tmp_path / "out")]
    # A hang would be a TimeoutExpired here: the connect timeout (5 s) must end the attempt first.
    proc = subprocess.run(
        [*command, "--executor", "dask", "--scheduler", address],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=ROOT,
    )
    assert proc.returncode == 2, proc.stderr
    assert f"错误：无法连接 Dask 调度器 {address}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list((tmp_path / "out").rglob(batch.STAMP))


def test_scheduler_without_the_dask_executor_is_refused(tmp_path):
    run = run_cli("batch", str(COUNTY), "-o", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:1")
    assert run.exit_code == 2
    assert "错误：--scheduler、--shared-output 和 --worker-wait 只能与 --executor dask 一起使用。" in run.stderr


def test_missing_dask_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ClusterError) as caught:
        executors.Cluster()
    assert str(caught.value) == INSTALL
    assert "pip install 'huanjie[cluster]'" in INSTALL


def _prepared(name):  # on a worker (this module travels by value: `by_value`)
    return executors._PREPARED.get(name)


def _compiled():
    from pipeline import render

    return len(render._CACHE)


@pytest.fixture
def by_value():
    """This module's functions and classes pickled by value, so that the workers (which cannot import it) run them."""
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def test_the_settings_reach_every_worker_once_in_a_plugin_that_compiled_the_templates(cluster, by_value):
    settings = batch.unit.Settings(templates_hash="0" * 64)
    runner = executors.DaskExecutor(executors.Cluster(cluster.scheduler_address), settings, force=False)
    try:
        assert list(runner.client.run(_prepared, runner.plugin).values()) == [settings, settings]
        assert all(count >= 10 for count in runner.client.run(_compiled).values())
        name = runner.plugin
    finally:
        runner.close()
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        assert list(client.run(_prepared, name).values()) == [None, None]  # removed at the end of the run


def test_a_local_template_folder_travels_to_the_workers_and_gives_the_local_bytes(cluster, tmp_path):
    from pipeline.documents import KINDS
    from pipeline.render import template_path

    templates = tmp_path / "模板"
    templates.mkdir()
    kind = next(k for k in KINDS if k.template.endswith(".docx"))
    shutil.copyfile(template_path(kind, None), templates / kind.template)
    tree = make_tree(tmp_path / "tree", ["青石县/白云乡/胜利村党支部.yaml", "青石县/白云乡/长岭村村委会.yaml"])
    local = run_batch(str(tree), str(tmp_path / "local"), jobs=1, templates_dir=str(templates))
    seen = []
    real = executors._template_files

    def spy(folder):
        seen.append(folder)
        return real(folder)

    executors._template_files = spy
    try:
        on_dask = run_batch(
            str(tree),
            str(tmp_path / "dask"),
            jobs=2,
            templates_dir=str(templates),
            executor="dask",
            scheduler=cluster.scheduler_address,
        )
    finally:
        executors._template_files = real
    assert seen == [str(templates)]  # read once for the run, sent in the plugin
    assert (local.ok, on_dask.ok) == (2, 2)
    assert files(tmp_path / "dask") == files(tmp_path / "local")


@pytest.fixture
def empty():
    """A scheduler without any worker (threads, in this process)."""
    with warnings.catch_warnings():  # "Port 8787 is already in use": the module's cluster has it
        warnings.simplefilter("ignore", UserWarning)
        local = distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None)
    try:
        yield local
    finally:
        local.close()


def test_a_scheduler_without_workers_is_exit_code_2_after_worker_wait_not_a_wait_forever(empty, tmp_path):
    address = empty.scheduler_address
    out = tmp_path / "out"
    run = run_cli(
        "batch", str(COUNTY), "-o", str(out), "--executor", "dask", "--scheduler", address, "--worker-wait", "1"
    )
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        f"错误：Dask 调度器 {address} 上没有工作节点（1 秒内没有工作节点连上）。请先在工作机上运行 "
        f"dask worker {address}（见 README“大规模运行”）。"
    )
    assert not out.exists() or not any(out.iterdir())  # nothing touched: the cluster is opened before OUT


def test_worker_wait_without_the_dask_executor_is_refused(tmp_path):
    run = run_cli("batch", str(COUNTY), "-o", str(tmp_path / "out"), "--worker-wait", "5")
    assert run.exit_code == 2
    assert run.stderr.strip() == "错误：--scheduler、--shared-output 和 --worker-wait 只能与 --executor dask 一起使用。"


@pytest.fixture
def one_worker():
    """A cluster of one worker process of its own (the test takes it away), configured as huanjie's."""
    with dask.config.set(LOCAL_CONFIG), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        local = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        yield local
    finally:
        local.close()


def _take_the_workers_away(local) -> None:
    """Every worker of `local` closed (as when they all die for good); returns once the scheduler has none."""
    local.scale(0)
    with distributed.Client(local.scheduler_address, set_as_default=False) as client:
        for _ in range(600):  # at most a minute; the test's assertions do not depend on how long it takes
            if not client.nthreads():
                return
            time.sleep(0.1)
    raise AssertionError("the workers did not go away")


def test_workers_that_all_go_away_mid_run_stop_it_with_a_chinese_error_and_a_rerun_continues(
    county_local, one_worker, tmp_path
):
    out = tmp_path / "out"
    address = one_worker.scheduler_address
    seen = []

    def away(event):
        if event.kind == "unit":
            seen.append(event.result.rel)
            if len(seen) == 3:
                _take_the_workers_away(one_worker)

    with pytest.raises(ClusterError) as caught:
        run_batch(str(COUNTY), str(out), jobs=1, executor="dask", scheduler=address, progress=away, worker_wait=2)
    assert str(caught.value) == (
        f"Dask 调度器 {address} 上已经没有工作节点（2 秒内没有工作节点可用），运行已停止：已写完的单位保留，"
        f"未写完的单位保持原样；未生成批量报告。请在工作机上运行 dask worker {address}（见 README“大规模运行”），"
        "然后再次运行，即可继续。"
    )
    assert 3 <= len(seen) < 28
    assert not (out / MANIFEST).exists() and not (out / REPORT_JSON).exists()
    assert not leftovers(out)  # the units in flight repaired, nothing half-written
    written = len(list(out.rglob(batch.STAMP)))
    assert written >= 3
    one_worker.scale(1)
    again = run_batch(str(COUNTY), str(out), jobs=1, executor="dask", scheduler=address)
    assert again.total == 28 and again.skipped == written
    assert files(out) == files(county_local)


def test_the_pdf_conversion_stops_too_when_the_workers_go_away(one_worker, tmp_path):
    from pipeline.archive import pdf
    from pipeline.archive.distributed import ClusterConverter

    own = executors.Cluster(one_worker.scheduler_address, worker_wait=1)
    try:
        _take_the_workers_away(one_worker)
        jobs = [pdf.Job(str(tmp_path / f"{n}.docx"), str(tmp_path / f"{n}.pdf")) for n in range(3)]
        with pytest.raises(ClusterError) as caught:
            ClusterConverter(own, shared_output=True)(jobs)
    finally:
        own.close()
    address = one_worker.scheduler_address
    assert str(caught.value) == (
        f"Dask 调度器 {address} 上已经没有工作节点（1 秒内没有工作节点可用），运行已停止：未生成数据包。"
        f"请在工作机上运行 dask worker {address}（见 README“大规模运行”），然后再次运行，即可继续。"
    )
    assert not list(tmp_path.glob("*.pdf"))


def test_kill_9_of_the_client_leaves_no_dask_worker_alive_and_a_rerun_repairs_out(county_local, tmp_path):
    """The LocalCluster's workers end with the client (Dask's nanny pipe), as the local pool's do (procs)."""
    from test_processes import session_members, wait_for, wait_until_gone

    out, log = tmp_path / "out", tmp_path / "batch.log"
    command = [sys.executable, "-m", "pipeline.cli", "batch", str(COUNTY), "-o", str(out), "--executor", "dask"]
    with open(log, "wb") as handle:
        proc = subprocess.Popen(
            [*command, "-j", "2"], stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True
        )
    try:
        wait_for(log, "[2/28]", proc)
        assert len(session_members(proc.pid)) >= 3  # the client and its two workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        survivors = wait_until_gone(proc.pid)
        assert survivors == {}, f"Dask workers of the killed batch still alive: {survivors}"
    finally:
        for pid in session_members(proc.pid):
            os.kill(pid, signal.SIGKILL)
    again = run_batch(str(COUNTY), str(out), jobs=2, executor="dask")  # the stale lock is taken over
    assert again.total == 28 and again.skipped >= 2
    assert files(out) == files(county_local)
    assert not leftovers(out)


def test_batch_check_layout_converts_on_the_workers(cluster, tmp_path):
    require_tools()
    tree = make_tree(tmp_path / "tree", ["青石县/白云乡/胜利村党支部.yaml"])
    out = tmp_path / "out"
    where = ["--executor", "dask", "--scheduler", cluster.scheduler_address]
    run = run_cli("batch", str(tree), "-o", str(out), "--check-layout", *where)
    assert run.exit_code == 0, run.output
    documents = len(json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["units"][0]["documents"])
    summaries = len(json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["summaries"])
    assert f"版式检查：检查了 {documents + summaries} 份文书，发现 0 个问题。" in run.stdout


# --------------------------------------------------------------------------------------------
# Worker memory: nothing a worker keeps grows with the number of units (issue 18: flat from 1,000 to 20,000)
# --------------------------------------------------------------------------------------------
def _worker_state(dask_worker):  # on a worker (this module travels by value: `by_value`)
    """What a worker keeps between tasks: its profiler, its logs (the deques without a bound), its tasks and data."""
    import collections

    unbounded = []
    for where, owner in (("worker", dask_worker), ("state", dask_worker.state), ("monitor", dask_worker.monitor)):
        slots = {name for cls in type(owner).__mro__ for name in getattr(cls, "__slots__", ())}
        for attr in sorted(slots | set(getattr(owner, "__dict__", ()))):
            value = getattr(owner, attr, None)
            if isinstance(value, collections.deque) and value.maxlen is None:
                unbounded.append(f"{where}.{attr}")
        for attr, value in getattr(owner, "quantities", {}).items():
            if value.maxlen is None:
                unbounded.append(f"{where}.quantities[{attr}]")
    running = sorted(k for k in executors.PROFILER if (pc := dask_worker.periodic_callbacks.get(k)) and pc.is_running())
    return {
        "profiling": running,
        "profiles": len(dask_worker.profile_history) + len(dask_worker.profile_keys_history),
        "unbounded": unbounded,
        "samples": {value.maxlen for value in dask_worker.monitor.quantities.values()},
        "tasks": len(dask_worker.state.tasks),
        "data": len(dask_worker.data),
    }


def test_the_workers_keep_no_profile_and_only_bounded_logs_while_a_run_renders(cluster, by_value, tmp_path):
    """A worker's profiler kept ~100 kB a second for 1,000 s (136 MB after 1,000 units, 194 MB after 3,000): the
    run's plugin stops it on each worker (also a `dask worker` of one's own, which profiles by default) and
    restarts it at the end; Dask's own logs are deques of bounded length; a unit's files leave the worker once
    landed. Checked mid-run, while the plugin is in place, without any timing."""
    client = distributed.Client(cluster.scheduler_address, set_as_default=False)
    seen = []

    def look(event):
        if event.kind == "unit" and event.done in (4, 20):
            seen.append(list(client.run(_worker_state).values()))

    try:
        before = list(client.run(_worker_state).values())
        result = run_batch(
            str(COUNTY),
            str(tmp_path / "out"),
            jobs=2,
            executor="dask",
            scheduler=cluster.scheduler_address,
            progress=look,
        )
        after = list(client.run(_worker_state).values())
    finally:
        client.close()
    assert result.total == 28
    assert [w["profiling"] for w in before] == [sorted(executors.PROFILER)] * 2  # on, as on a `dask worker`
    assert len(seen) == 2
    for state in [*seen[0], *seen[1]]:
        assert state["profiling"] == [] and state["profiles"] == 0
        assert state["unbounded"] == []
        assert state["tasks"] <= 16 and state["data"] <= state["tasks"]  # at most the client's window (16)
    assert [w["profiling"] for w in after] == [sorted(executors.PROFILER)] * 2  # restarted at the end of the run
    assert [(w["tasks"], w["data"]) for w in after] == [(0, 0), (0, 0)]  # every unit's files released


def test_huanjies_own_local_cluster_runs_without_profiler_and_keeps_a_minute_of_samples(by_value):
    own = executors.Cluster(workers=1)
    try:
        (state,) = own.client.run(_worker_state).values()
    finally:
        own.close()
    assert state["profiling"] == [] and state["profiles"] == 0
    assert state["unbounded"] == [] and state["samples"] == {120}  # the system monitor: a minute, not an hour


# --------------------------------------------------------------------------------------------
# A worker on another huanjie version
# --------------------------------------------------------------------------------------------
def _set_version(version):  # on a worker (this module travels by value: `by_value`)
    executors.__version__ = version


def test_workers_on_another_version_stop_the_run_before_any_unit_with_exit_code_2(cluster, monkeypatch, tmp_path):
    import pipeline

    real = pipeline.__version__
    monkeypatch.setattr(pipeline, "__version__", "9.9.9")  # this machine's huanjie is "another" version
    out = tmp_path / "out"
    run = run_cli("batch", str(COUNTY), "-o", str(out), "--executor", "dask", "--scheduler", cluster.scheduler_address)
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        workers = sorted(client.nthreads())
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        f"错误：工作节点上的 huanjie 版本与本机的 9.9.9 不同：{workers[0]}（{real}）、{workers[1]}（{real}）；"
        "没有生成任何单位的文书。文书必须由同一版本的程序生成：请在每个工作节点上安装与本机相同的版本"
        "（pip install 'huanjie[cluster]==9.9.9'）并重启 dask worker，然后再次运行。"
    )
    assert not out.exists() or not any(out.iterdir())


def test_a_worker_of_another_version_joining_mid_run_stops_it_and_a_rerun_continues(
    county_local, cluster, by_value, tmp_path
):
    from pipeline import __version__ as real

    out = tmp_path / "out"
    client = distributed.Client(cluster.scheduler_address, set_as_default=False)
    seen = []

    def joined(event):  # the workers are "replaced" by workers of 0.0.9 after 3 units
        if event.kind == "unit":
            seen.append(event.result.rel)
            if len(seen) == 3:
                client.run(_set_version, "0.0.9")

    try:
        with pytest.raises(ClusterError) as caught:
            run_batch(
                str(COUNTY), str(out), jobs=2, executor="dask", scheduler=cluster.scheduler_address, progress=joined
            )
        workers = sorted(client.nthreads())
    finally:
        client.run(_set_version, real)
        client.close()
    message = str(caught.value)
    assert message.startswith(f"工作节点上的 huanjie 版本与本机的 {real} 不同：tcp://")
    assert any(f"{w}（0.0.9）；" in message for w in workers), message
    assert message.endswith(
        "；运行已停止：已写完的单位保留，未写完的单位保持原样；未生成批量报告。文书必须由同一版本的程序生成："
        f"请在每个工作节点上安装与本机相同的版本（pip install 'huanjie[cluster]=={real}'）并重启 dask worker，然后再次运行。"
    )
    assert len(seen) < 28
    assert not (out / MANIFEST).exists() and not (out / REPORT_JSON).exists()
    assert not leftovers(out)
    again = run_batch(str(COUNTY), str(out), jobs=2, executor="dask", scheduler=cluster.scheduler_address)
    assert again.total == 28 and again.failed == 3  # the sample's 3 units with errors, no unit crashed
    assert files(out) == files(county_local)
