"""Bounded inputs: a FIFO, a device, a link loop or a linked folder in a record tree never hangs, blows up or aborts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ROOT, SAMPLES, finding_lines, run_cli

from pipeline import check, records
from pipeline.batch import run_batch

GOOD = SAMPLES / "party-qinghe-branch.yaml"  # a small record: few documents, a fast batch
FIFO_MESSAGE = (
    "不是普通文件：这是一个命名管道（FIFO），未读取。记录须为普通的 .yaml 文本文件；"
    "请检查该路径是否误指向了管道、设备或其他特殊文件。"
)
DEVICE_MESSAGE = FIFO_MESSAGE.replace("命名管道（FIFO）", "设备文件")
LOOP_MESSAGE = "无法读取：路径中的符号链接循环引用（链接最终又指向自己），请删除或改正这个链接。"
GiB = 1 << 30


def tree(root: Path) -> Path:
    """DIR/县/镇/好村.yaml: one good unit beside which each test puts its bad entry."""
    town = root / "src" / "县" / "镇"
    town.mkdir(parents=True)
    shutil.copyfile(GOOD, town / "好村.yaml")
    return root / "src"


def in_child(code: str, limit_as: int = 0, timeout: float = 60) -> dict:
    """Run `code` (which prints one JSON line last) in a fresh Python, optionally under RLIMIT_AS; its JSON.

    A hang on the code under test is a TimeoutExpired (a failure) and a runaway read a MemoryError in the
    child, never a hang of the test run or an exhausted machine.
    """
    prologue = "import resource, json, sys\n"
    if limit_as:
        prologue += f"resource.setrlimit(resource.RLIMIT_AS, ({limit_as}, {limit_as}))\n"
    run = subprocess.run(
        [sys.executable, "-c", prologue + textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_fifo_record_is_refused_by_check_render_and_batch_without_hanging(tmp_path):
    src = tree(tmp_path)
    fifo = src / "县" / "镇" / "管道.yaml"
    os.mkfifo(fifo)
    got = in_child(
        f"""
        from click.testing import CliRunner
        from pipeline.cli import main
        from pipeline.batch import run_batch
        fifo, src, out = {str(fifo)!r}, {str(src)!r}, {str(tmp_path / "out")!r}
        checked = CliRunner().invoke(main, ["check", fifo])
        rendered = CliRunner().invoke(main, ["render", fifo, "-o", {str(tmp_path / "r")!r}])
        result = run_batch(src, out, jobs=1)
        failure = result.failures[0]
        print(json.dumps({{
            "check": [checked.exit_code, checked.stdout], "render": [rendered.exit_code, rendered.stdout + rendered.stderr],
            "batch": [result.ok, result.failed, failure.rel, [f.message for f in failure.findings]],
        }}))
        """,
        timeout=30,  # today: hangs forever in open()
    )
    assert got["check"][0] == 2
    assert finding_lines(got["check"][1]) == [f"{fifo}  错误  FILE-UNREADABLE  {FIFO_MESSAGE}"]
    assert got["render"][0] == 2
    assert f"{fifo}  错误  FILE-UNREADABLE  {FIFO_MESSAGE}" in got["render"][1]
    assert not (tmp_path / "r").exists()
    assert got["batch"] == [1, 1, "县/镇/管道.yaml", [FIFO_MESSAGE]]
    assert (tmp_path / "out" / "report.json").is_file()


def test_link_to_dev_zero_and_a_huge_file_are_refused_without_reading(tmp_path):
    src = tree(tmp_path)
    town = src / "县" / "镇"
    os.symlink("/dev/zero", town / "零.yaml")
    with open(town / "大.yaml", "wb") as handle:  # sparse: 400 MB on paper, nothing on disk
        handle.truncate(400 * 1024 * 1024)
    got = in_child(
        f"""
        from pipeline.batch import run_batch
        from pipeline.batch import unit
        result = run_batch({str(src)!r}, {str(tmp_path / "out")!r}, jobs=1)
        print(json.dumps({{
            "failures": {{u.rel: [f.message for f in u.findings] for u in result.failures}},
            "ok": result.ok,
            "stamp_key": unit._read({str(town / "零.yaml")!r}),
        }}))
        """,
        limit_as=1 * GiB,  # today the stamp key alone read /dev/zero until the kernel killed it
    )
    assert got["ok"] == 1
    assert got["stamp_key"] is None
    assert got["failures"] == {
        "县/镇/大.yaml": [
            "文件过大：400.0 MB，记录文件不能超过 5 MB。请检查是否误选了其他文件；选民名单过长时可分到多个场次或多个记录。"
        ],
        "县/镇/零.yaml": [DEVICE_MESSAGE],
    }


def test_device_is_refused_before_it_is_opened(monkeypatch):
    opened = []

    def no_open(*args, **kwargs):
        opened.append(args)
        raise AssertionError("opened")

    monkeypatch.setattr(records, "open", no_open, raising=False)  # shadows the builtin in that module only
    raw, findings = records.read_bytes("/dev/zero")
    assert raw is None
    assert [(f.id, f.message, f.unreadable) for f in findings] == [("FILE-UNREADABLE", DEVICE_MESSAGE, True)]
    assert opened == []


def test_a_record_link_loop_fails_its_unit_not_the_batch(tmp_path):
    src = tree(tmp_path)
    loop = src / "县" / "镇" / "环.yaml"
    os.symlink("环.yaml", loop)
    [finding] = check.check_file(str(loop)).findings
    assert (finding.id, finding.message) == ("FILE-UNREADABLE", LOOP_MESSAGE)
    run = run_cli("check", str(loop))
    assert run.exit_code == 2
    assert finding_lines(run.stdout) == [f"{loop}  错误  FILE-UNREADABLE  {LOOP_MESSAGE}"]
    result = run_batch(str(src), str(tmp_path / "out"), jobs=1)  # today: the whole batch stops (循环引用)
    assert (result.ok, result.failed) == (1, 1)
    assert [(u.rel, [f.message for f in u.findings]) for u in result.failures] == [("县/镇/环.yaml", [LOOP_MESSAGE])]
    assert (tmp_path / "out" / "manifest.json").is_file()


def test_folder_links_are_not_followed_out_of_the_tree_or_round_a_loop(tmp_path):
    src = tree(tmp_path)
    outside = tmp_path / "别处" / "外村"
    outside.mkdir(parents=True)
    shutil.copyfile(GOOD, outside / "外来村.yaml")
    os.symlink(outside, src / "县" / "外部")  # out of the tree
    os.symlink("..", src / "县" / "镇" / "回环")  # a loop: 县/镇/回环/镇/回环/…
    result = run_batch(str(src), str(tmp_path / "out"), jobs=1)
    assert (result.total, result.ok, result.failed) == (1, 1, 0)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [u["path"] for u in report["units"]] == ["县/镇/好村.yaml"]
    # the same as huanjie check DIR
    assert check.expand_inputs([str(src)]) == [str(src / "县" / "镇" / "好村.yaml")]


def test_a_dangling_record_link_says_so(tmp_path):
    link = tmp_path / "断.yaml"
    os.symlink(tmp_path / "不存在.yaml", link)
    [finding] = check.check_file(str(link)).findings
    assert (finding.id, finding.message) == (
        "FILE-NOT-FOUND",
        "这是一个符号链接（快捷方式），但它指向的文件不存在；请检查链接。",
    )


LONG = "青石县鹤田镇" + "白马村" * 24 + "党支部"  # 81 characters, 243 bytes: a name the file system accepts


def test_a_long_record_name_render_accepts_is_batched_too(tmp_path):
    src = tmp_path / "src" / "县" / "镇"
    src.mkdir(parents=True)
    record = src / f"{LONG}.yaml"
    shutil.copyfile(GOOD, record)
    assert len(record.name.encode()) == 248
    run = run_cli("render", str(record), "-o", str(tmp_path / "r" / LONG))
    assert run.exit_code == 0, run.output
    result = run_batch(str(tmp_path / "src"), str(tmp_path / "out"), jobs=1)  # today: 文件名太长 (the temp sibling)
    assert (result.ok, result.failed) == (1, 0), [u.error for u in result.failures]
    unit = tmp_path / "out" / "县" / "镇" / LONG
    assert sorted(p.name for p in unit.iterdir()) == sorted(p.name for p in (tmp_path / "r" / LONG).iterdir())
    # the side folders of such a unit fit in 255 bytes, and an interrupted swap is still repaired under the full name
    from pipeline.batch import folders

    aside = folders.side(str(unit), folders.OLD_MARK)
    assert len(os.path.basename(aside).encode()) <= 255
    os.rename(unit, aside)
    folders.recover(str(unit.parent))
    assert unit.is_dir() and not os.path.exists(aside)
    assert run_batch(str(tmp_path / "src"), str(tmp_path / "out"), jobs=1).skipped == 1


def test_a_name_over_the_file_system_limit_is_named_with_its_size(tmp_path):
    name = "白马村" * 29 + ".yaml"  # 87 characters, 266 bytes: no file system stores it
    path = tmp_path / name
    message = (
        "文件名太长：“白马村白马村白马村白马村白马村白马村白马…”有 266 字节（UTF-8 中一个汉字占 3 字节），"
        "超过文件系统每一级名称 255 字节的上限（约 85 个汉字）；请缩短文件名。"
    )
    [finding] = check.check_file(str(path)).findings
    assert (finding.id, finding.message) == ("FILE-UNREADABLE", message)
    run = run_cli("render", str(path), "-o", str(tmp_path / "r"))
    assert run.exit_code == 2
    assert f"{path}  错误  FILE-UNREADABLE  {message}" in run.output
