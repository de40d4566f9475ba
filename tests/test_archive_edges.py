"""Archive at its edges: killed mid-conversion, onto a full disk, and given an interrupted batch output."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, run_cli

from pipeline.archive import build
from pipeline.archive.pdf import INSTALL_HINT
from pipeline.batch import run_batch

RECORD = "青石县/白云乡/胜利村党支部.yaml"
BOUND = 10.0  # seconds: what "at once" may take on a loaded 2-core machine
START = 120.0
FULL = (
    r"错误：磁盘空间不足：在 {folder} 生成数据包需要约 (\d+) MB，剩余 (\d+) MB。请清理该磁盘，或用 -o 把数据包写到"
    r"空间更大的磁盘，然后重新运行 huanjie archive。\n"
)


def require_tools() -> None:
    for names in (("soffice", "libreoffice"), ("pdffonts",), ("pdfinfo",)):
        if not any(shutil.which(n) for n in names):
            pytest.fail(f"找不到 {' 或 '.join(names)}，无法测试归档。请安装：{INSTALL_HINT}", pytrace=False)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """A finished batch output of one unit (39 documents and the summaries)."""
    require_tools()
    root = tmp_path_factory.mktemp("edges")
    (root / "records" / RECORD).parent.mkdir(parents=True)
    shutil.copyfile(SAMPLES / "county" / RECORD, root / "records" / RECORD)
    result = run_batch(str(root / "records"), str(root / "out"), jobs=1)
    assert result.ok == 1 and result.failed == 0
    return root / "out"


def processes_naming(text: str) -> dict[int, str]:
    """pid → command line of every live process whose command line contains `text`."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            state = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline and state != b"Z":
            found[int(entry)] = cmdline[:200]
    return found


@pytest.fixture
def tmpfs(tmp_path):
    """mount(size) -> a fresh tmpfs of that size (root only), unmounted afterwards."""
    mounted = []

    def mount(size: str) -> Path:
        target = tmp_path / f"disk{len(mounted)}"
        target.mkdir()
        if os.geteuid() != 0:
            pytest.fail("这个测试需要以 root 运行（要挂载一个小的 tmpfs 来模拟磁盘已满）。", pytrace=False)
        run = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)], capture_output=True)
        if run.returncode != 0:
            pytest.fail(f"无法挂载 tmpfs（{run.stderr.decode(errors='replace').strip()}）。", pytrace=False)
        mounted.append(target)
        return target

    yield mount
    for target in mounted:
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_kill_9_mid_conversion_leaves_no_libreoffice_and_the_rerun_cleans_up(out, tmp_path):
    # Three units (about 110 documents) in one LibreOffice call: an orphan would convert for far longer than BOUND.
    tree = tmp_path / "records"
    subprocess.run([sys.executable, str(ROOT / "tools" / "gen_county.py"), str(tree), "--units", "3"], check=True)
    county = tmp_path / "county"
    assert run_batch(str(tree), str(county), jobs=1).ok == 3
    packages = tmp_path / "packages"
    packages.mkdir()
    log = tmp_path / "archive.log"
    with open(log, "wb") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "archive", str(county), "-o", str(packages / "p.zip"), "-j", "1"],
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START
        while not [c for c in processes_naming(str(packages)).values() if "soffice.bin" in c]:
            assert proc.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, f"LibreOffice never started:\n{log.read_text(encoding='utf-8')}"
            time.sleep(0.05)
        time.sleep(1.0)  # converting
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + BOUND
        while (alive := processes_naming(str(packages))) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive == {}, f"LibreOffice of the killed archive still running after {BOUND:g} s: {alive}"
    finally:
        for pid in processes_naming(str(packages)):
            os.kill(pid, signal.SIGKILL)
    left = [p.name for p in packages.iterdir()]  # the killed run's work folder, named with its pid
    assert left and all(name.startswith(f"{build.WORK_MARK}{proc.pid}-") for name in left), left
    folder = render_folder(out, tmp_path)  # the next run (a small one) into the same folder removes the leftovers
    rerun = run_cli("archive", str(folder), "--record", str(SAMPLES / "county" / RECORD), "-o", str(packages / "p.zip"))
    assert rerun.exit_code == 0, rerun.output
    assert sorted(p.name for p in packages.iterdir()) == ["p.zip"]
    assert run_cli("verify", str(packages / "p.zip")).exit_code == 0


def test_only_leftovers_of_dead_runs_and_old_ones_are_removed(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = tmp_path / f"{build.WORK_MARK}{gone.pid}-abc123"
    (dead / "pdf").mkdir(parents=True)
    (dead / "pdf" / "000001.pdf").write_bytes(b"%PDF-")
    (tmp_path / f"{build.WORK_MARK}{gone.pid}-x.zip.tmp").mkdir()
    live = tmp_path / f"{build.WORK_MARK}{os.getpid()}-def456"  # a run still going
    live.mkdir()
    old_zip, new_zip = tmp_path / ".~k3j2h1.zip.tmp", tmp_path / ".~9xq8w7.zip.tmp"  # written by huanjie 0.1.0
    old_dir = tmp_path / f"{build.WORK_MARK}q1w2e3r4"
    for path in (old_zip, new_zip):
        path.write_bytes(b"PK")
    old_dir.mkdir()
    two_days = time.time() - 2 * 86400
    for path in (old_zip, old_dir):
        os.utime(path, (two_days, two_days))
    mine = [tmp_path / ".~我的笔记.txt", tmp_path / "档案.zip"]
    for path in mine:
        path.write_text("用户的文件", encoding="utf-8")
    removed = build.clean_leftovers(str(tmp_path))
    assert sorted(removed) == sorted([dead.name, f"{build.WORK_MARK}{gone.pid}-x.zip.tmp", old_zip.name, old_dir.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, new_zip.name] + [p.name for p in mine])


def test_archive_onto_a_full_disk_says_the_disk_is_full(out, tmpfs):
    disk = tmpfs("512k")  # less than the .docx alone: refused before LibreOffice starts
    start = time.perf_counter()
    run = run_cli("archive", str(out), "-o", str(disk / "p.zip"))
    assert time.perf_counter() - start < BOUND
    assert run.exit_code == 2
    last = run.stderr.splitlines(keepends=True)[-1]
    match = re.fullmatch(FULL.format(folder=re.escape(str(disk))), last)
    assert match, run.stderr
    assert int(match.group(1)) > int(match.group(2))
    assert os.listdir(disk) == []


FAKE_FULL = """#!{python}
import os, sys
if "--version" in sys.argv:
    print("LibreOffice 7.4.7.2 40(Build:2)")
    sys.exit(0)
profile = [a for a in sys.argv if a.startswith("-env:UserInstallation=file://")][0][len("-env:UserInstallation=file://"):]
os.makedirs(profile, exist_ok=True)
try:
    with open(os.path.join(profile, "filler"), "ab") as filler:  # LibreOffice filling the disk
        while True:
            filler.write(b"x" * 65536)
            filler.flush()
except OSError:
    pass
sys.stderr.write("/lib/x86_64-linux-gnu/libc.so.6(+0x2724a)[0x7fe347a4524a]\\n")
os.abort()  # what soffice.bin does then: exit code 134
"""


def render_folder(out: Path, root: Path) -> Path:
    """A 0.1.0-style render folder with two of the unit's documents (no unit record)."""
    unit = out / RECORD[: -len(".yaml")]
    folder = root / "render"
    folder.mkdir()
    for name in sorted(p.name for p in unit.glob("*.docx"))[:2]:
        shutil.copyfile(unit / name, folder / name)
    return folder


def test_libreoffice_failing_on_a_full_disk_is_reported_as_disk_full(out, tmp_path, tmpfs, monkeypatch):
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text(FAKE_FULL.format(python=sys.executable), encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    folder = render_folder(out, tmp_path)
    disk = tmpfs("1m")
    run = run_cli(
        "archive", str(folder), "--record", str(SAMPLES / "county" / RECORD), "-o", str(disk / "p.zip"), "-j", "1"
    )
    assert run.exit_code == 2, run.output
    assert "LibreOffice 异常退出" not in run.stderr
    assert re.fullmatch(FULL.format(folder=re.escape(str(disk))), run.stderr.splitlines(keepends=True)[-1]), run.stderr
    assert os.listdir(disk) == []


def test_no_space_while_writing_the_package_is_reported_as_disk_full(out, tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(build, "write_zip", full)
    folder = render_folder(out, tmp_path)
    packages = tmp_path / "packages"
    run = run_cli("archive", str(folder), "--record", str(SAMPLES / "county" / RECORD), "-o", str(packages / "p.zip"))
    assert run.exit_code == 2, run.output
    match = re.fullmatch(FULL.format(folder=re.escape(str(packages))), run.stderr.splitlines(keepends=True)[-1])
    assert match, run.stderr
    assert os.listdir(packages) == []


def test_an_interrupted_batch_output_is_refused(out, tmp_path):
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    (copy / "manifest.json").unlink()  # batch writes it last: the run did not finish
    run = run_cli("archive", str(copy), "-o", str(tmp_path / "p.zip"))
    assert run.exit_code == 2
    assert run.stderr == (
        f"错误：{copy} 中有 report.json，但没有文件清单 manifest.json：生成它的 huanjie batch 没有运行完"
        "（被中断或出错）。请用同样的命令再次运行 huanjie batch（已完成的单位会跳过），完成后再归档。\n"
    )
    assert not (tmp_path / "p.zip").exists()
    legacy = Path(__file__).parent / "data" / "legacy-0.1.0" / "batch-out"
    assert (legacy / "manifest.json").is_file()  # the 0.1.0 output finished: it is still archived (test_archive_input)


def test_no_space_while_writing_a_folder_package_leaves_nothing(out, tmp_path, monkeypatch):
    from pipeline.archive import layout

    real = layout._write_file
    written = []

    def full(target, value, mode):
        if len(written) == 5:  # the disk fills up half-way through the folder
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(target)
        real(target, value, mode)

    monkeypatch.setattr(layout, "_write_file", full)
    folder = render_folder(out, tmp_path)
    packages = tmp_path / "packages"
    run = run_cli("archive", str(folder), "--record", str(SAMPLES / "county" / RECORD), "-o", str(packages / "包"))
    assert run.exit_code == 2, run.output
    match = re.fullmatch(FULL.format(folder=re.escape(str(packages))), run.stderr.splitlines(keepends=True)[-1])
    assert match, run.stderr
    assert len(written) == 5 and os.listdir(packages) == []  # neither the package nor its staging folder is left
