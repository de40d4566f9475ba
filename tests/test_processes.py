"""No orphans and one writer: batch workers die with a killed parent, and two batches never write one OUT."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, run_cli

from pipeline.batch import run_batch
from pipeline.batch.lock import LOCK_FILE
from pipeline.unitrecord import STAMP

BOUND = 10.0  # seconds: what "at once" may take on a loaded 2-core machine
START = 300.0  # seconds a started batch may take to show progress (a bound against a hang, not a speed)
GONE = 300.0  # seconds the processes of a killed batch may take to be gone (a bound against a hang, not a speed)


def gen_tree(root: Path, units: int) -> Path:
    tree = root / "records"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_county.py"), str(tree), "--units", str(units), "--townships", "2"],
        check=True,
        capture_output=True,
    )
    return tree


def start_batch(tree: Path, out: Path, log: Path) -> subprocess.Popen:
    """`huanjie batch` in a subprocess, the leader of its own session (so its workers can be found)."""
    with open(log, "wb") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "batch", str(tree), "-o", str(out), "-j", "2"],
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            start_new_session=True,
        )


def wait_for(log: Path, text: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + START
    while text not in log.read_text(encoding="utf-8", errors="replace"):
        assert proc.poll() is None, f"batch ended before {text!r}:\n{log.read_text(encoding='utf-8')}"
        assert time.monotonic() < deadline, f"no {text!r} after {START:g} s:\n{log.read_text(encoding='utf-8')}"
        time.sleep(0.05)


def session_members(sid: int) -> dict[int, str]:
    """pid → command line of every live (not zombie) process of session `sid`, from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(stat[3]) == sid and stat[0] != b"Z":  # fields after the name: state ppid pgrp session …
            found[int(entry)] = cmdline
    return found


def wait_until_gone(sid: int, bound: float = GONE) -> dict[int, str]:
    """The live processes of session `sid` once they are all gone, or after `bound` seconds (against a hang)."""
    deadline = time.monotonic() + bound
    while (alive := session_members(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def manifest_matches_disk(out: Path) -> None:
    files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    on_disk = {
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.name != "manifest.json" and p.name != STAMP
    }
    assert set(files) == on_disk
    for rel, sha in files.items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == sha, rel


def holder_of(out: Path) -> tuple[int, str]:
    data = json.loads((out / LOCK_FILE).read_text(encoding="utf-8"))
    return data["pid"], data["started"].replace("T", " ")[:19]


def stamps(out: Path) -> set[str]:
    return {p.parent.relative_to(out).as_posix() for p in out.rglob(STAMP)}


def test_kill_9_of_the_batch_parent_leaves_no_worker_alive_and_a_rerun_repairs_out(tmp_path):
    """The workers end with the parent, at once: none goes on to finish a unit into OUT after the parent died.

    No speed is assumed (the machine may be loaded): a worker that outlived its parent would finish the unit it
    had (each of the two is busy, the window keeps them fed) and the ones queued for it, writing their unit
    records; so the units in OUT once every process is gone are the ones there when the parent was reaped."""
    tree, out, log = gen_tree(tmp_path, 40), tmp_path / "out", tmp_path / "batch.log"
    proc = start_batch(tree, out, log)
    try:
        wait_for(log, "[2/40]", proc)
        assert len(session_members(proc.pid)) >= 3  # the parent and its two workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        landed = stamps(out)  # the parent is dead: from here on a live worker is a survivor
        survivors = wait_until_gone(proc.pid)
        assert survivors == {}, f"processes of the killed batch still alive after {GONE:g} s: {survivors}"
        assert stamps(out) == landed, "a worker of the killed batch went on writing units into OUT"
    finally:
        for pid in session_members(proc.pid):
            os.kill(pid, signal.SIGKILL)
    pid, started = holder_of(out)  # the killed run's lock is left behind, and stale
    assert pid == proc.pid
    result = run_batch(str(tree), str(out), jobs=2)
    assert result.failed == 0 and result.ok + result.skipped == 40 and result.skipped >= 2
    assert result.notices == [
        f"输出文件夹 {out} 中有上次运行留下的锁文件 {LOCK_FILE}（进程 {pid}，始于 {started}，该进程已不在运行），"
        "已接管；上次运行可能被中断，本次会修复并继续。"
    ]
    assert not [p for p in out.rglob(".*") if p.name != STAMP]  # no lock, temp folder or temp file left
    manifest_matches_disk(out)


def test_a_second_batch_into_the_same_out_is_refused_at_once_and_the_first_completes(tmp_path):
    tree, out, log = gen_tree(tmp_path, 40), tmp_path / "out", tmp_path / "first.log"
    first = start_batch(tree, out, log)
    try:
        wait_for(log, "[2/40]", first)
        pid, started = holder_of(out)
        assert pid == first.pid
        start = time.perf_counter()
        second = run_cli("batch", str(tree), "-o", str(out), "-j", "2")
        assert time.perf_counter() - start < BOUND
        assert second.exit_code == 2
        assert second.stderr == (
            f"错误：另一个 huanjie batch（进程 {pid}，始于 {started}）正在写入此输出文件夹 {out}；"
            "请等它完成后再运行，或换一个 -o。\n"
        )
        summary = run_cli("summary", str(tree), "-o", str(out))
        assert summary.exit_code == 2
        assert summary.stderr == (
            f"错误：另一个 huanjie batch（进程 {pid}，始于 {started}）正在写入输出文件夹 {out}；"
            "请等它完成后再生成工作总结。\n"
        )
        archived = run_cli("archive", str(out), "-o", str(tmp_path / "county.zip"))
        assert archived.exit_code == 2
        assert archived.stderr.endswith(
            f"错误：另一个 huanjie batch（进程 {pid}，始于 {started}）正在写入输出文件夹 {out}；"
            "归档需要完整的批量输出，请等它完成后再运行 huanjie archive。\n"
        )
        assert first.wait(timeout=START) == 0, log.read_text(encoding="utf-8")
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert "共 40 个单位：已生成 40 个；" in log.read_text(encoding="utf-8")
    assert not (out / LOCK_FILE).exists() and not (tmp_path / "county.zip").exists()
    manifest_matches_disk(out)


def test_a_stale_lock_is_taken_over_with_a_notice(tmp_path):
    tree, out = gen_tree(tmp_path, 2), tmp_path / "out"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a pid that no longer runs
    out.mkdir()
    (out / LOCK_FILE).write_text(
        json.dumps({"program": "huanjie batch", "pid": gone.pid, "host": socket.gethostname(),
                    "started": "2026-12-01T22:10:05+00:00"}),
        encoding="utf-8",
    )  # fmt: skip
    run = run_cli("batch", str(tree), "-o", str(out), "-j", "1")
    assert run.exit_code == 0, run.output
    assert run.stderr == (
        f"提示：输出文件夹 {out} 中有上次运行留下的锁文件 {LOCK_FILE}（进程 {gone.pid}，始于 2026-12-01 22:10:05，"
        "该进程已不在运行），已接管；上次运行可能被中断，本次会修复并继续。\n"
    )
    assert "共 2 个单位：已生成 2 个；" in run.stdout
    assert not (out / LOCK_FILE).exists()
    manifest_matches_disk(out)
