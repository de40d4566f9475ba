"""huanjie batch: isolation of failing units, interruption, resume, report, workbook, manifest, jobs."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import ROOT, SAMPLES

from pipeline import batch
from pipeline.batch import MANIFEST, REPORT_JSON, REPORT_XLSX, STAMP, UnitTask, process_unit, run_batch
from pipeline.batch import unit as batch_unit
from pipeline.cli import main

BAD_ID = "DEADLINE-VOTER-LIST"
UNITS = {
    "青石县/河湾镇/柳林村.yaml": "village-liulin-runoff.yaml",
    "青石县/河湾镇/第七选区.yaml": "deputy-hewan-district7.yaml",
    "青石县/东城街道/阳光社区.yaml": "residents-yangguang.yaml",
    "青石县/东城街道/晨光社区楼栋长.yaml": "building-leaders-chenguang.yaml",
    "青石县/东城街道/清河社区党支部.yaml": "party-qinghe-branch.yaml",  # no count yet: no summary figures
}
BAD = "青石县/东城街道/错误社区.yaml"
# The line of `voter_list_published` in the sample, where the bad record's finding points.
BAD_LINE = (SAMPLES / "residents-yangguang.yaml").read_text(encoding="utf-8").split("voter_list_published:")[0].count(
    "\n"
) + 1


def bad_text() -> str:
    """阳光社区 with the voter list published 8 days before the election (rule error)."""
    text = (SAMPLES / "residents-yangguang.yaml").read_text(encoding="utf-8")
    assert "voter_list_published: 2026-02-26" in text
    return text.replace("voter_list_published: 2026-02-26", "voter_list_published: 2026-03-10")


def make_tree(root: Path, bad: bool = True, extra: int = 0) -> Path:
    """A county tree of sample copies; `bad` adds a record with a rule error; `extra` more villages."""
    for rel, sample in UNITS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / sample, path)
    if bad:
        (root / BAD).write_text(bad_text(), encoding="utf-8")
    for i in range(extra):
        path = root / "青石县" / "柳河乡" / f"村{i:02d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / "village-liulin-runoff.yaml", path)
    return root


def run(runner, *args):
    return runner.invoke(main, ["batch", *map(str, args)])


def docx_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.docx"))


def leftovers(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.startswith((batch.TMP_MARK, batch.OLD_MARK)) or p.name.endswith(".tmp")]


def report(out: Path) -> dict:
    return json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))


def units_by_path(out: Path) -> dict[str, dict]:
    return {u["path"]: u for u in report(out)["units"]}


def mtimes(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*.docx") if p.name != batch.SUMMARY_FILE}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One batch run (in-process, --jobs 1) over the tree with one broken record, shared by the report tests."""
    from click.testing import CliRunner

    base = tmp_path_factory.mktemp("built")
    tree = make_tree(base / "tree")
    out = base / "out"
    result = CliRunner().invoke(main, ["batch", str(tree), "-o", str(out), "--jobs", "1"])
    return tree, out, result


# --------------------------------------------------------------------------------------------
# Isolation and the report
# --------------------------------------------------------------------------------------------
def test_a_failing_unit_does_not_stop_the_others(built):
    tree, out, result = built
    assert result.exit_code == 1, result.output
    # Every good unit has its documents, in a folder mirroring the tree.
    for rel in UNITS:
        folder = out / rel[:-5]
        assert (folder / STAMP).exists(), rel
        assert list(folder.glob("*.docx")), rel
    assert not (out / BAD[:-5]).exists()
    assert (out / "青石县/河湾镇/柳林村/06-选举结果公告-第1轮.docx").exists() or list(
        (out / "青石县/河湾镇/柳林村").glob("06-*.docx")
    )
    # Plain progress lines (not a terminal), the failure with its finding id, findings on stderr.
    assert "[3/6] 青石县/东城街道/错误社区.yaml 未通过校验：错误 1 个（DEADLINE-VOTER-LIST）" in result.output
    assert any(
        line.startswith("[5/6] 青石县/河湾镇/柳林村.yaml 已生成 ") and line.endswith(" 份")
        for line in result.output.splitlines()
    )
    assert f"错误社区.yaml:{BAD_LINE}:25  错误  {BAD_ID}" in result.output
    assert "共 6 个单位：已生成 5 个，未通过 1 个" in result.output


def test_report_json_lists_every_unit(built):
    _, out, _ = built
    data = report(out)
    units = units_by_path(out)
    assert list(units) == [
        "青石县/东城街道/晨光社区楼栋长.yaml",
        "青石县/东城街道/清河社区党支部.yaml",
        BAD,
        "青石县/东城街道/阳光社区.yaml",
        "青石县/河湾镇/柳林村.yaml",
        "青石县/河湾镇/第七选区.yaml",
    ]
    failed = units[BAD]
    assert failed["status"] == "failed" and failed["documents"] == [] and failed["folder"] is None
    assert [f["id"] for f in failed["findings"]] == [BAD_ID]
    assert failed["findings"][0]["severity"] == "error" and failed["findings"][0]["line"] == BAD_LINE
    liulin = units["青石县/河湾镇/柳林村.yaml"]
    assert liulin["status"] == "ok" and liulin["folder"] == "青石县/河湾镇/柳林村"
    assert len(liulin["documents"]) == len(list((out / "青石县/河湾镇/柳林村").glob("*.docx")))
    assert all(d["path"].startswith("青石县/河湾镇/柳林村/") for d in liulin["documents"])
    assert set(liulin["durations"]) == {"check", "render", "total"}
    # A unit without a count yet: its waiting documents are listed with the field they wait for.
    party = units["青石县/东城街道/清河社区党支部.yaml"]
    assert party["status"] == "ok"
    assert {s["kind"]: s["field"] for s in party["skipped_documents"]}["results"] == "rounds[].votes"
    assert data["totals"] == {**data["totals"], "units": 6, "ok": 5, "failed": 1, "skipped-unchanged": 0}
    assert data["totals"]["documents"] == sum(len(u["documents"]) for u in units.values())
    assert [s["path"] for s in data["summaries"]] == [
        "青石县/东城街道/换届选举工作总结.docx",
        "青石县/河湾镇/换届选举工作总结.docx",
        "青石县/换届选举工作总结.docx",
    ]


def test_workbook_has_a_row_per_unit_and_per_finding(built):
    _, out, _ = built
    book = openpyxl.load_workbook(out / REPORT_XLSX)
    assert book.sheetnames == ["汇总", "问题"]
    units, problems = book["汇总"], book["问题"]
    rows = list(units.iter_rows(values_only=True))
    assert rows[0] == tuple(batch.SUMMARY_HEADER)
    by_unit = {row[0]: row for row in rows[1:]}
    assert set(by_unit) == set(UNITS) | {BAD}
    assert by_unit[BAD][1:4] == ("未通过", 1, 0) and by_unit[BAD][5] == 0
    assert by_unit[BAD][8].startswith(f"{BAD_ID}：") and "选民名单" in by_unit[BAD][8]  # the message, not only the id
    assert by_unit[BAD][9:] == ("青石县", "东城街道", "错误社区")
    assert by_unit["青石县/河湾镇/柳林村.yaml"][1] == "已生成" and by_unit["青石县/河湾镇/柳林村.yaml"][5] > 10
    assert "等待 rounds[].votes" in by_unit["青石县/东城街道/清河社区党支部.yaml"][8]
    found = list(problems.iter_rows(values_only=True))
    assert found[0] == ("单位", "文件:行:列", "严重程度", "编号", "说明", "依据")
    assert len(found) == 2
    unit, where, severity, fid, message, basis = found[1]
    assert (unit, severity, fid) == (BAD, "错误", BAD_ID)
    assert where.endswith(f"错误社区.yaml:{BAD_LINE}:25") and "选民名单" in message and "居民委员会组织法" in basis
    for sheet in (units, problems):
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["A"].width >= 30 and sheet.column_dimensions["E"].width >= 8


def test_manifest_hashes_every_output_file(built):
    _, out, _ = built
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    files = manifest["files"]
    assert list(files) == sorted(files)
    on_disk = {
        str(p.relative_to(out)).replace(os.sep, "/")
        for p in out.rglob("*")
        if p.is_file() and p.name not in (MANIFEST, STAMP)
    }
    assert set(files) == on_disk
    for rel, sha in files.items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == sha, rel
    for path in docx_files(out):
        docx.Document(str(path))


# --------------------------------------------------------------------------------------------
# Resume
# --------------------------------------------------------------------------------------------
def test_resume_skips_unchanged_units_and_reruns_changed_ones(tmp_path, runner):
    tree = make_tree(tmp_path / "tree")
    out = tmp_path / "out"
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    assert run(runner, tree, "-o", out, "--jobs", "1", "--templates", templates).exit_code == 1
    first = mtimes(out)
    first_manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]

    # Nothing changed: every clean unit is skipped, but still reported and in the manifest.
    result = run(runner, tree, "-o", out, "--jobs", "1", "--templates", templates)
    assert result.exit_code == 1
    assert "[5/6] 青石县/河湾镇/柳林村.yaml 未改变，跳过（" in result.output
    statuses = {p: u["status"] for p, u in units_by_path(out).items()}
    assert statuses == {**{rel: "skipped-unchanged" for rel in UNITS}, BAD: "failed"}
    assert mtimes(out) == first
    again = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert {k: v for k, v in again.items() if not k.startswith(("report", "批量"))} == {
        k: v for k, v in first_manifest.items() if not k.startswith(("report", "批量"))
    }
    assert report(out)["totals"]["skipped-unchanged"] == 5

    # An edited record: only that unit is rendered again.
    liulin = tree / "青石县/河湾镇/柳林村.yaml"
    liulin.write_text(liulin.read_text(encoding="utf-8") + "# 已核对\n", encoding="utf-8")
    assert run(runner, tree, "-o", out, "--jobs", "1", "--templates", templates).exit_code == 1
    statuses = {p: u["status"] for p, u in units_by_path(out).items()}
    assert statuses["青石县/河湾镇/柳林村.yaml"] == "ok"
    assert [p for p, s in statuses.items() if s == "ok"] == ["青石县/河湾镇/柳林村.yaml"]
    now = mtimes(out)
    changed = {k for k in now if now[k] != first.get(k)}
    assert changed and all(k.startswith("青石县/河湾镇/柳林村/") for k in changed)

    # --force: everything again.
    assert run(runner, tree, "-o", out, "--jobs", "1", "--templates", templates, "--force").exit_code == 1
    assert {u["status"] for p, u in units_by_path(out).items() if p != BAD} == {"ok"}

    # A changed template (any byte) re-renders every unit.
    run(runner, tree, "-o", out, "--jobs", "1", "--templates", templates)
    assert {u["status"] for p, u in units_by_path(out).items() if p != BAD} == {"skipped-unchanged"}
    with zipfile.ZipFile(templates / "选票.docx", "a") as archive:
        archive.comment = b"edited"
    run(runner, tree, "-o", out, "--jobs", "1", "--templates", templates)
    assert {u["status"] for p, u in units_by_path(out).items() if p != BAD} == {"ok"}


def test_a_new_program_version_rerenders(tmp_path, monkeypatch):
    import pipeline

    tree = make_tree(tmp_path / "tree", bad=False)
    out = tmp_path / "out"
    run_batch(str(tree), str(out), jobs=1)
    assert run_batch(str(tree), str(out), jobs=1).skipped == 5
    monkeypatch.setattr(pipeline, "__version__", "99.0")
    assert run_batch(str(tree), str(out), jobs=1).ok == 5
    assert report(out)["version"] == "99.0"


def test_deleted_documents_and_removed_records_are_noticed(tmp_path):
    tree = make_tree(tmp_path / "tree", bad=False)
    out = tmp_path / "out"
    run_batch(str(tree), str(out), jobs=1)
    # A document deleted by hand: the unit is rendered again.
    victim = next((out / "青石县/东城街道/阳光社区").glob("*.docx"))
    victim.unlink()
    result = run_batch(str(tree), str(out), jobs=1)
    assert (result.ok, result.skipped) == (1, 4) and victim.exists()
    # A record removed from the tree: its folder goes, and it is not in the manifest.
    (tree / "青石县/东城街道/阳光社区.yaml").unlink()
    run_batch(str(tree), str(out), jobs=1)
    assert not (out / "青石县/东城街道/阳光社区").exists()
    files = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert not any(k.startswith("青石县/东城街道/阳光社区/") for k in files)
    # A record that now has an error: its old documents stay, marked stale (issue 12: never lose them).
    liulin = tree / "青石县/河湾镇/柳林村.yaml"
    before = sorted(p.name for p in (out / "青石县/河湾镇/柳林村").glob("*.docx"))
    liulin.write_text(
        liulin.read_text(encoding="utf-8").replace("participants: 2205", "participants: 1000"), encoding="utf-8"
    )
    result = run_batch(str(tree), str(out), jobs=1)
    assert result.failed == 1 and result.stale == 1
    assert sorted(p.name for p in (out / "青石县/河湾镇/柳林村").glob("*.docx")) == before
    assert (out / "青石县/河湾镇/柳林村" / "文书已过期-请勿使用.txt").exists()
    assert not leftovers(out)


# --------------------------------------------------------------------------------------------
# Interruption
# --------------------------------------------------------------------------------------------
def _crash_after(monkeypatch, unit: str, exc: BaseException, files: int = 3):
    """render_record writes `files` documents of `unit`, then raises `exc` (others render normally)."""
    real = batch_unit.render_record

    def flaky(record, outdir, **kw):
        if unit in str(getattr(record, "file", "")):
            real(record, outdir, **kw, only=None)
            for extra in list(Path(outdir).glob("*.docx"))[files:]:
                extra.unlink()
            (Path(outdir) / "half.docx").write_bytes(b"PK\x03\x04 half")
            raise exc
        return real(record, outdir, **kw)

    monkeypatch.setattr(batch_unit, "render_record", flaky)


def test_interrupt_mid_unit_keeps_the_old_folder_and_leaves_nothing_half_written(tmp_path, monkeypatch):
    tree = make_tree(tmp_path / "tree")
    out = tmp_path / "out"
    run_batch(str(tree), str(out), jobs=1)
    before = {p.name: p.read_bytes() for p in (out / "青石县/河湾镇/柳林村").glob("*.docx")}
    _crash_after(monkeypatch, "柳林村", KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        run_batch(str(tree), str(out), jobs=1, force=True)
    assert not leftovers(out)
    after = {p.name: p.read_bytes() for p in (out / "青石县/河湾镇/柳林村").glob("*.docx")}
    assert after == before and (out / "青石县/河湾镇/柳林村" / STAMP).exists()
    # No report or manifest from an interrupted run (nor a stale one from the run before).
    assert not (out / REPORT_JSON).exists() and not (out / MANIFEST).exists() and not (out / REPORT_XLSX).exists()
    for path in docx_files(out):
        docx.Document(str(path))
    monkeypatch.undo()
    result = run_batch(str(tree), str(out), jobs=1)
    assert result.failed == 1 and (out / MANIFEST).exists()


def test_an_exception_while_rendering_fails_only_that_unit(tmp_path, monkeypatch):
    tree = make_tree(tmp_path / "tree", bad=False)
    out = tmp_path / "out"
    _crash_after(monkeypatch, "阳光社区", RuntimeError("磁盘出错"))
    result = run_batch(str(tree), str(out), jobs=1)
    assert (result.ok, result.failed) == (4, 1)
    unit = units_by_path(out)["青石县/东城街道/阳光社区.yaml"]
    assert unit["status"] == "failed" and "RuntimeError: 磁盘出错" in unit["error"]
    assert not (out / "青石县/东城街道/阳光社区").exists() and not leftovers(out)
    problems = list(openpyxl.load_workbook(out / REPORT_XLSX)["问题"].iter_rows(values_only=True))
    assert problems[1][2:] == ("错误", None, "生成失败：生成文书时出错：RuntimeError: 磁盘出错", None)


def test_recover_puts_back_a_complete_folder(tmp_path):
    """A kill between the two renames of the swap: the next run finds the complete folder again."""
    tree = make_tree(tmp_path / "tree", bad=False)
    out = tmp_path / "out"
    run_batch(str(tree), str(out), jobs=1)
    unit = out / "青石县/河湾镇/柳林村"
    names = sorted(p.name for p in unit.iterdir())
    os.rename(unit, unit.parent / f"{batch.OLD_MARK}柳林村-1-abcd")  # old, moved aside
    (unit.parent / f"{batch.TMP_MARK}柳林村-1-ef01").mkdir()  # new, incomplete
    (unit.parent / f"{batch.TMP_MARK}柳林村-1-ef01" / "01-x.docx").write_bytes(b"half")
    (out / "青石县" / ".~abc.tmp").write_bytes(b"half")
    result = run_batch(str(tree), str(out), jobs=1)
    assert sorted(p.name for p in unit.iterdir()) == names
    assert result.skipped == 5 and not leftovers(out)


def _subprocess_batch(tree: Path, out: Path, jobs: int = 2) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "batch", str(tree), "-o", str(out), "--jobs", str(jobs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=str(ROOT),
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_killing_a_parallel_batch_leaves_no_half_written_file(tmp_path, sig):
    tree = make_tree(tmp_path / "tree", extra=10)
    out = tmp_path / "out"
    proc = _subprocess_batch(tree, out)
    # Wait until some units are done, then stop it in the middle.
    deadline = time.time() + 30
    while time.time() < deadline and len(list(out.rglob(STAMP))) < 2:
        time.sleep(0.05)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode in (130, 1, 0), stderr
    assert not leftovers(out), leftovers(out)
    for path in docx_files(out):
        docx.Document(str(path))
    for stamp in out.rglob(STAMP):  # every unit folder present is complete
        result = json.loads(stamp.read_text(encoding="utf-8"))["result"]
        assert sorted(d["name"] for d in result["documents"]) == sorted(p.name for p in stamp.parent.glob("*.docx"))
    if proc.returncode == 130:
        assert "已中断" in stderr and not (out / MANIFEST).exists()
    # The next run finishes the job, re-using what was complete.
    done = len(list(out.rglob(STAMP)))
    final = run_batch(str(tree), str(out), jobs=2)
    assert final.total == 16 and final.failed == 1 and final.skipped == done


# --------------------------------------------------------------------------------------------
# Parallel runs, the pure task, edge cases
# --------------------------------------------------------------------------------------------
def test_parallel_and_serial_runs_give_the_same_files(tmp_path):
    tree = make_tree(tmp_path / "tree")
    one = run_batch(str(tree), str(tmp_path / "one"), jobs=1)
    two = run_batch(str(tree), str(tmp_path / "two"), jobs=2)
    assert (one.ok, one.failed, one.documents) == (two.ok, two.failed, two.documents)

    def files(out):
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
        return {k: v for k, v in data.items() if k not in (REPORT_JSON, REPORT_XLSX)}

    assert files(tmp_path / "one") == files(tmp_path / "two")
    strip = lambda u: {k: v for k, v in u.items() if k != "durations"}  # noqa: E731
    assert [strip(u) for u in report(tmp_path / "one")["units"]] == [
        strip(u) for u in report(tmp_path / "two")["units"]
    ]


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the crash is planted by monkeypatching")
def test_a_worker_that_dies_fails_only_its_unit(tmp_path, monkeypatch):
    tree = make_tree(tmp_path / "tree", bad=False)
    out = tmp_path / "out"
    real = batch_unit.render_record

    def deadly(record, outdir, **kw):
        if "阳光社区" in str(getattr(record, "file", "")):
            os._exit(9)
        return real(record, outdir, **kw)

    monkeypatch.setattr(batch_unit, "render_record", deadly)
    result = run_batch(str(tree), str(out), jobs=2)
    assert (result.ok, result.failed) == (4, 1)
    assert "进程意外退出" in units_by_path(out)["青石县/东城街道/阳光社区.yaml"]["error"]
    assert not leftovers(out)


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the crash is planted by monkeypatching")
def test_a_unit_whose_worker_dies_on_a_re_run_keeps_its_documents_marked_stale(tmp_path, monkeypatch):
    tree = make_tree(tmp_path / "tree", bad=False)
    out = tmp_path / "out"
    run_batch(str(tree), str(out), jobs=2)
    folder = out / "青石县" / "东城街道" / "阳光社区"
    before = sorted(p.name for p in folder.glob("*.docx"))
    real = batch_unit.render_record

    def deadly(record, outdir, **kw):
        if "阳光社区" in str(getattr(record, "file", "")):
            os._exit(9)
        return real(record, outdir, **kw)

    monkeypatch.setattr(batch_unit, "render_record", deadly)
    result = run_batch(str(tree), str(out), jobs=2, force=True)
    assert (result.ok, result.failed) == (4, 1)
    unit = units_by_path(out)["青石县/东城街道/阳光社区.yaml"]
    assert unit["stale"] is True
    assert sorted(p.name for p in folder.glob("*.docx")) == before
    assert (folder / "文书已过期-请勿使用.txt").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert all(f"青石县/东城街道/阳光社区/{name}" in manifest for name in before)
    assert not leftovers(out)


def test_process_unit_is_a_pure_task(tmp_path):
    source = tmp_path / "in" / "柳林村.yaml"
    source.parent.mkdir()
    shutil.copyfile(SAMPLES / "village-liulin-runoff.yaml", source)
    settings = batch.Settings(templates_hash=batch.templates_fingerprint(None))
    task = UnitTask(source=str(source), rel="柳林村.yaml", outdir=str(tmp_path / "out" / "柳林村"), settings=settings)
    result = process_unit(pickle.loads(pickle.dumps(task)))
    assert result.status == "ok" and result.digest["label"] == "柳林村"
    assert json.loads(json.dumps(result.to_dict())) == result.to_dict()
    assert pickle.loads(pickle.dumps(result)) == result
    again = process_unit(task)
    assert [d["sha256"] for d in again.documents] == [d["sha256"] for d in result.documents]
    assert sorted(os.listdir(tmp_path / "out")) == ["柳林村"]
    assert batch.plan(task).status == "skipped-unchanged" and batch.plan(task, force=True) is None


def test_progress_events(tmp_path):
    tree = make_tree(tmp_path / "tree")
    events = []
    result = run_batch(str(tree), str(tmp_path / "out"), jobs=1, progress=events.append)
    units = [e for e in events if e.kind == "unit"]
    assert [e.done for e in units] == list(range(1, 7)) and {e.total for e in units} == {6}
    assert [e.path for e in events if e.kind == "summary"] == result.summaries
    assert events[-1].kind == "summary" and events[-1].path == "青石县/换届选举工作总结.docx"


def test_unusable_folders_exit_2(tmp_path, runner):
    result = run(runner, tmp_path / "missing", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "找不到文件夹" in result.output
    (tmp_path / "empty").mkdir()
    result = run(runner, tmp_path / "empty", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "没有选举记录" in result.output
    tree = make_tree(tmp_path / "tree", bad=False)
    (tmp_path / "file").write_text("x")
    assert run(runner, tree, "-o", tmp_path / "file").exit_code == 2
    assert run(runner, tree, "-o", tree).exit_code == 2
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "选票.docx").write_text("not a docx")
    result = run(runner, tree, "-o", tmp_path / "out", "--templates", tmp_path / "tpl")
    assert result.exit_code == 2 and "选票.docx" in result.output
    # Two records that would share a folder.
    shutil.copyfile(tree / "青石县/河湾镇/柳林村.yaml", tree / "青石县/河湾镇/柳林村.yml")
    result = run(runner, tree, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "同一个文件夹" in result.output


def test_output_inside_the_tree_is_not_read_back(tmp_path, runner):
    tree = make_tree(tmp_path / "tree", bad=False)
    result = run(runner, tree, "-o", tree / "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert report(tree / "out")["totals"]["units"] == 5


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()


def test_report_names_source_and_output_as_absolute_paths(tmp_path, monkeypatch):
    """archive reads the records back from report.json, so a relative DIR must not tie it to the cwd."""
    from click.testing import CliRunner

    make_tree(tmp_path / "tree", bad=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["batch", "tree", "-o", "out", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    head = report(tmp_path / "out")
    assert head["source"] == str(tmp_path / "tree")
    assert head["output"] == str(tmp_path / "out")
