"""A user's files are never deleted or overwritten (issue 12, review C6, C7, C8): batch, render, stale units, kills."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, SAMPLES, run_cli

from pipeline import unitrecord
from pipeline.batch import MANIFEST, REPORT_JSON, REPORT_XLSX, STAMP, run_batch

LIULIN = "青石县/河湾镇/柳林村.yaml"
YANGGUANG = "青石县/河湾镇/阳光社区.yaml"
UNIT = "青石县/河湾镇/柳林村"
NOTE = "文书已过期-请勿使用.txt"
STALE_TEXT = "未通过（保留上次生成的文书，已过期）"
REFUSED = (
    "输出文件夹 {out} 中已有其他文件，但它不是 huanjie batch 的输出文件夹；批量生成会更新和删除"
    "输出文件夹中的文书，为免误删这些文件，未开始生成。请用 -o 指定一个新的或空的文件夹。"
)


def make_tree(root: Path) -> Path:
    (root / "青石县/河湾镇").mkdir(parents=True)
    shutil.copyfile(SAMPLES / "village-liulin-runoff.yaml", root / LIULIN)
    shutil.copyfile(SAMPLES / "residents-yangguang.yaml", root / YANGGUANG)
    return root


def add_user_files(folder: Path) -> dict[str, bytes]:
    """A signed scan and a folder of photos put into a unit folder by its secretary."""
    (folder / "附件").mkdir(parents=True, exist_ok=True)
    files = {"签字扫描件.pdf": b"%PDF-1.4 scan", "附件/照片.jpg": b"\xff\xd8\xff photo"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def user_files_of(folder: Path, files: dict[str, bytes]) -> dict[str, bytes | None]:
    return {name: (folder / name).read_bytes() if (folder / name).is_file() else None for name in files}


def leftovers(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.startswith((".huanjie-tmp-", ".huanjie-old-", ".~"))]


def report_units(out: Path) -> dict[str, dict]:
    return {u["path"]: u for u in json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["units"]}


def manifest(out: Path) -> dict[str, str]:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]


def sheet_rows(out: Path) -> dict[str, tuple]:
    rows = list(openpyxl.load_workbook(out / REPORT_XLSX)["汇总"].iter_rows(values_only=True))
    return {row[0]: row for row in rows[1:]}


def assert_complete(folder: Path) -> None:
    """The unit folder is one run's complete output: every recorded document on disk as recorded."""
    record = unitrecord.read(folder)
    assert record is not None, folder
    for doc in record.documents:
        assert hashlib.sha256((folder / doc.name).read_bytes()).hexdigest() == doc.sha256, doc.name


def edit(path: Path, old: str = "", new: str = "") -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new) if old else text + "# 已核对\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Batch: the C6 repro
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["edited", "force"])
def test_user_files_in_a_unit_folder_survive_a_re_render(tmp_path, how):
    tree, out = make_tree(tmp_path / "tree"), tmp_path / "out"
    run_batch(str(tree), str(out), jobs=1)
    files = add_user_files(out / UNIT)
    if how == "edited":
        edit(tree / LIULIN)
    result = run_batch(str(tree), str(out), jobs=1, force=how == "force")
    assert result.ok == (2 if how == "force" else 1)
    assert user_files_of(out / UNIT, files) == files  # in place, untouched
    assert_complete(out / UNIT)
    assert not leftovers(out)
    assert not [k for k in manifest(out) if k.startswith(f"{UNIT}/附件") or k.endswith("签字扫描件.pdf")]


def test_a_unit_that_newly_fails_keeps_its_documents_marked_stale(tmp_path):
    tree, out = make_tree(tmp_path / "tree"), tmp_path / "out"
    run_batch(str(tree), str(out), jobs=1)
    files = add_user_files(out / UNIT)
    before = {p.name: p.read_bytes() for p in (out / UNIT).glob("*.docx")}
    edit(tree / LIULIN, "participants: 2205", "participants: 1000")
    result = run_batch(str(tree), str(out), jobs=1)
    assert (result.failed, result.stale) == (1, 1)
    # Nothing deleted: the earlier documents and the user's files stay, in place.
    assert {p.name: p.read_bytes() for p in (out / UNIT).glob("*.docx")} == before
    assert user_files_of(out / UNIT, files) == files
    # report.json: still failed (archive refuses it), with the kept documents and the note.
    unit = report_units(out)[LIULIN]
    assert unit["status"] == "failed" and unit["stale"] is True and unit["folder"] == UNIT
    assert sorted(d["path"] for d in unit["documents"]) == sorted(f"{UNIT}/{n}" for n in before)
    assert unit["stale_note"] == f"{UNIT}/{NOTE}"
    assert report_units(out)[YANGGUANG]["stale"] is False
    # The workbook says so.
    assert sheet_rows(out)[LIULIN][1] == STALE_TEXT
    # The manifest lists the kept documents and the note, and matches the disk.
    files_listed = manifest(out)
    for name in [*before, NOTE]:
        path = out / UNIT / name
        assert files_listed[f"{UNIT}/{name}"] == hashlib.sha256(path.read_bytes()).hexdigest()
    # The note names the record error and says what to do.
    errors = [f for f in unit["findings"] if f["severity"] == "error"]
    note = (out / UNIT / NOTE).read_text(encoding="utf-8")
    assert note.startswith("本文件夹中的文书是上次生成的，已经过期，请勿使用。\n\n")
    assert f"记录 {LIULIN} 本次未通过，没有重新生成文书；上次生成的 {len(before)} 份文书保留在这里" in note
    assert errors and all(f"  {errors[0]['id']}：{errors[0]['message']}" in note for _ in errors)
    assert "改正记录后重新运行 huanjie batch；生成成功后，新的文书会替换这些文书，本说明文件也会自动删除。" in note
    # The typed reading.
    from pipeline.batch import read_report

    typed = {u.rel: u for u in read_report(out).units}[LIULIN]
    assert typed.stale and typed.stale_note == f"{UNIT}/{NOTE}" and len(typed.documents) == len(before)
    # Fixed again: rendered, the note goes, the user's files stay.
    edit(tree / LIULIN, "participants: 1000", "participants: 2205")
    result = run_batch(str(tree), str(out), jobs=1)
    assert result.failed == 0 and not (out / UNIT / NOTE).exists()
    assert report_units(out)[LIULIN]["status"] == "ok" and report_units(out)[LIULIN]["stale"] is False
    assert user_files_of(out / UNIT, files) == files and not leftovers(out)


def test_a_stale_unit_is_not_archived(tmp_path):
    from pipeline.archive.collect import collect

    tree, out = make_tree(tmp_path / "tree"), tmp_path / "out"
    run_batch(str(tree), str(out), jobs=1)
    edit(tree / LIULIN, "participants: 2205", "participants: 1000")
    run_batch(str(tree), str(out), jobs=1)
    units = {u.rel: u for u in collect(str(out), None, None, lambda *a: None).units}
    liulin = units[LIULIN]
    assert liulin.stage == "校验" and not liulin.documents
    assert liulin.refusal.startswith("记录有错误（") and liulin.refusal.endswith("）；保留的上次文书已过期，不归档")


def test_a_user_folder_named_like_a_new_unit_is_never_deleted(tmp_path):
    tree, out = make_tree(tmp_path / "tree"), tmp_path / "out"
    run_batch(str(tree), str(out), jobs=1)
    # A folder of the user's own, then a record of that name: rendered into it, the user's file kept.
    mine = out / "青石县/河湾镇/新村"
    mine.mkdir()
    (mine / "我的材料.docx").write_bytes(b"mine")
    shutil.copyfile(SAMPLES / "village-liulin-runoff.yaml", tree / "青石县/河湾镇/新村.yaml")
    result = run_batch(str(tree), str(out), jobs=1)
    assert result.ok == 1 and (mine / "我的材料.docx").read_bytes() == b"mine"
    assert_complete(mine)
    # A user folder holding a file with a name huanjie would write: the unit fails, nothing is touched.
    other = out / "青石县/河湾镇/旧村"
    other.mkdir()
    (other / "01-选举委员会成员公告.docx").write_bytes(b"the user's own")
    shutil.copyfile(SAMPLES / "village-liulin-runoff.yaml", tree / "青石县/河湾镇/旧村.yaml")
    result = run_batch(str(tree), str(out), jobs=1)
    assert result.failed == 1
    unit = report_units(out)["青石县/河湾镇/旧村.yaml"]
    assert unit["error"] == (
        "文书文件夹 青石县/河湾镇/旧村 中已有不是 huanjie 生成的文件 01-选举委员会成员公告.docx，与要写入的文件同名；"
        "为免覆盖，该单位未生成。请把这个文件移走或改名（或把记录文件改名），然后重新运行。"
    )
    assert unit["stale"] is False and unit["folder"] is None
    assert os.listdir(other) == ["01-选举委员会成员公告.docx"]
    assert (other / "01-选举委员会成员公告.docx").read_bytes() == b"the user's own"
    assert not leftovers(out)


def test_an_orphan_unit_folder_loses_only_what_huanjie_wrote(tmp_path):
    tree, out = make_tree(tmp_path / "tree"), tmp_path / "out"
    run_batch(str(tree), str(out), jobs=1)
    files = add_user_files(out / UNIT)
    (tree / LIULIN).unlink()
    run_batch(str(tree), str(out), jobs=1)
    left = {str(p.relative_to(out / UNIT)) for p in (out / UNIT).rglob("*")}
    assert left == {"附件", "附件/照片.jpg", "签字扫描件.pdf"}
    assert user_files_of(out / UNIT, files) == files
    assert not any(k.startswith(f"{UNIT}/") for k in manifest(out))


# --------------------------------------------------------------------------------------------
# Documents edited by hand
# --------------------------------------------------------------------------------------------
def _edit_document(folder: Path) -> tuple[str, bytes]:
    name = "06-选举结果公告-第1轮.docx"
    if not (folder / name).exists():
        name = sorted(p.name for p in folder.glob("06-*.docx"))[0]
    data = (folder / name).read_bytes() + b"\0edited"
    (folder / name).write_bytes(data)
    return name, data


@pytest.mark.parametrize("how", ["edited", "force"])
def test_a_document_edited_by_hand_is_kept_by_batch_and_the_new_version_written_beside_it(tmp_path, how):
    tree, out = make_tree(tmp_path / "tree"), tmp_path / "out"
    run_batch(str(tree), str(out), jobs=1)
    name, data = _edit_document(out / UNIT)
    new = name[: -len(".docx")] + "（新）.docx"
    if how == "edited":
        edit(tree / LIULIN)
    args = ["batch", str(tree), "-o", str(out), "--jobs", "1"] + (["--force"] if how == "force" else [])
    run = run_cli(*args)
    assert run.exit_code == 0, run.output
    assert (out / UNIT / name).read_bytes() == data  # the user's edit is kept
    assert (out / UNIT / new).exists()
    assert_complete(out / UNIT)
    unit = report_units(out)[LIULIN]
    assert unit["kept"] == [{"path": f"{UNIT}/{name}", "new": f"{UNIT}/{new}"}]
    assert f"{UNIT}/{new}" in [d["path"] for d in unit["documents"]]
    assert f"{UNIT}/{name}" not in manifest(out)
    line = f"已保留 {name}：它在生成后被手工修改过，未覆盖；新版本写入 {new}。"
    assert line in sheet_rows(out)[LIULIN][8]
    assert (
        f"保留了 1 份生成后被手工修改过的文书（未覆盖，新版本另存为“文件名（新）.docx”）：{UNIT}/{name}"
    ) in run.stdout
    # Once more: the new version (unchanged) is replaced in place, the edit is still kept.
    run_batch(str(tree), str(out), jobs=1, force=True)
    assert (out / UNIT / name).read_bytes() == data
    assert not (out / UNIT / (name[: -len(".docx")] + "（新2）.docx")).exists()


def test_render_keeps_a_document_edited_by_hand(tmp_path):
    out = tmp_path / "out"
    record = str(SAMPLES / "village-liulin-runoff.yaml")
    assert run_cli("render", record, "-o", str(out)).exit_code == 0
    name, data = _edit_document(out)
    new = name[: -len(".docx")] + "（新）.docx"
    run = run_cli("render", record, "-o", str(out))
    assert run.exit_code == 0, run.output
    assert (out / name).read_bytes() == data and (out / new).exists()
    assert f"已保留 {out / name}：它在生成后被手工修改过，未覆盖；新版本写入 {out / new}。" in run.stdout
    stamp = unitrecord.read(out)
    assert stamp is not None and [k.to_dict() for k in stamp.kept] == [{"name": name, "new": new}]
    assert name not in [d.name for d in stamp.documents]
    # Again: the kept file still wins, the new version is updated beside it.
    assert run_cli("render", record, "-o", str(out)).exit_code == 0
    assert (out / name).read_bytes() == data and not (out / (name[: -len(".docx")] + "（新2）.docx")).exists()


def test_render_refuses_a_same_named_file_it_did_not_write(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    theirs = out / "01-选举委员会成员公告.docx"
    theirs.write_bytes(b"the user's own")
    run = run_cli("render", str(SAMPLES / "village-liulin-runoff.yaml"), "-o", str(out))
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        f"错误：{theirs} 已存在，且不是 huanjie 生成的文书（该文件夹的 .huanjie-unit.json 中没有它），未覆盖。"
        "请用 -o 指定另一个文件夹，或先把这个文件移走再生成。"
    )
    assert os.listdir(out) == [theirs.name] and theirs.read_bytes() == b"the user's own"


# --------------------------------------------------------------------------------------------
# OUT that only looks like a batch output
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [REPORT_JSON, MANIFEST])
def test_a_users_report_or_manifest_does_not_make_a_batch_output(tmp_path, name):
    tree, out = make_tree(tmp_path / "tree"), tmp_path / "out"
    out.mkdir()
    (out / name).write_text('{"我的": "数据"}\n', encoding="utf-8")
    (out / "笔记.txt").write_text("我的笔记", encoding="utf-8")
    run = run_cli("batch", str(tree), "-o", str(out))
    assert run.exit_code == 2
    assert run.stderr.strip() == "错误：" + REFUSED.format(out=out)
    assert sorted(os.listdir(out)) == sorted([name, "笔记.txt"])
    assert (out / name).read_text(encoding="utf-8") == '{"我的": "数据"}\n'


# --------------------------------------------------------------------------------------------
# kill -9 during a re-render
# --------------------------------------------------------------------------------------------
def test_kill_9_during_a_forced_re_render_keeps_every_unit_and_every_user_file(tmp_path):
    tree = tmp_path / "tree"
    for i in range(10):
        path = tree / "青石县/柳河乡" / f"村{i:02d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / "village-liulin-runoff.yaml", path)
    out = tmp_path / "out"
    run_batch(str(tree), str(out), jobs=2)
    folders = sorted(p for p in (out / "青石县/柳河乡").iterdir() if p.is_dir())
    files = {folder: add_user_files(folder) for folder in folders}
    stamps = {folder: (folder / STAMP).read_bytes() for folder in folders}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "batch", str(tree), "-o", str(out), "--jobs", "2", "--force"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=str(ROOT),
        start_new_session=True,
    )
    deadline = time.time() + 120
    renewed = 0
    while time.time() < deadline and proc.poll() is None and renewed < 3:
        renewed = sum(1 for f in folders if (f / STAMP).exists() and (f / STAMP).read_bytes() != stamps[f])
        time.sleep(0.02)
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers
    except ProcessLookupError:
        pass  # finished first (a very fast machine): the checks below still hold
    proc.wait(timeout=30)
    assert renewed >= 3, "the forced run re-rendered no unit before the kill"
    # Right after the kill: every unit folder there is complete (old or new), and no user file is gone:
    # each is in its unit folder or, moved midway, in that unit's complete temp folder.
    for folder in folders:
        if folder.exists():
            assert_complete(folder)
        for name, data in files[folder].items():
            places = [folder / name, *(p / name for p in folder.parent.glob(f".huanjie-*-{folder.name}-*"))]
            assert data in [p.read_bytes() for p in places if p.is_file()], (folder, name)
    # The next run repairs: every unit complete, every user file back in place, nothing left over.
    run_batch(str(tree), str(out), jobs=2)
    for folder in folders:
        assert_complete(folder)
        assert user_files_of(folder, files[folder]) == files[folder], folder
    assert not leftovers(out)


def test_recover_puts_user_files_moved_midway_back_in_place(tmp_path):
    """The two states a kill can leave mid swap, built by hand: user files in the complete temp folder."""
    tree, out = make_tree(tmp_path / "tree"), tmp_path / "out"
    run_batch(str(tree), str(out), jobs=1)
    parent = out / "青石县/河湾镇"
    # 1. Killed while moving the user's entries into the new folder: the old folder is still in place.
    files = add_user_files(out / UNIT)
    tmp = parent / ".huanjie-tmp-柳林村-1-abcd"
    shutil.copytree(out / UNIT, tmp, ignore=shutil.ignore_patterns("签字扫描件.pdf", "附件"))
    os.rename(out / UNIT / "签字扫描件.pdf", tmp / "签字扫描件.pdf")
    # 2. Killed between the two renames: no unit folder, the old one aside, the new one complete with the files.
    other = parent / "阳光社区"
    theirs = add_user_files(other)
    new = parent / ".huanjie-tmp-阳光社区-1-ef01"
    shutil.copytree(other, new)
    for name in ("签字扫描件.pdf", "附件"):
        shutil.rmtree(other / name) if (other / name).is_dir() else (other / name).unlink()
    os.rename(other, parent / ".huanjie-old-阳光社区-1-ef01")
    result = run_batch(str(tree), str(out), jobs=1)
    assert result.skipped == 2 and not leftovers(out)
    assert user_files_of(out / UNIT, files) == files and user_files_of(other, theirs) == theirs
    assert_complete(out / UNIT)
    assert_complete(other)


def test_a_write_error_keeps_the_earlier_documents_listed_as_stale(tmp_path, monkeypatch):
    """Review C8 (C10b): a unit whose re-render cannot be written keeps its old folder, and the manifest lists it."""
    import errno

    from pipeline.batch import unit as batch_unit

    tree, out = make_tree(tmp_path / "tree"), tmp_path / "out"
    run_batch(str(tree), str(out), jobs=1)
    before = {p.name: p.read_bytes() for p in (out / UNIT).glob("*.docx")}
    real = batch_unit.render_record

    def denied(election, outdir, **kw):
        if "柳林村" in str(outdir):
            raise PermissionError(errno.EACCES, "Permission denied", str(outdir))
        return real(election, outdir, **kw)

    monkeypatch.setattr(batch_unit, "render_record", denied)
    result = run_batch(str(tree), str(out), jobs=1, force=True)
    assert (result.failed, result.stale) == (1, 1)
    unit = report_units(out)[LIULIN]
    assert unit["error"].startswith("写入文书时出错：没有权限（") and unit["stale"] is True
    assert {p.name: p.read_bytes() for p in (out / UNIT).glob("*.docx")} == before
    listed = manifest(out)
    assert all(f"{UNIT}/{name}" in listed for name in before) and f"{UNIT}/{NOTE}" in listed
    assert f"生成失败：{unit['error']}" in (out / UNIT / NOTE).read_text(encoding="utf-8")
    assert sheet_rows(out)[LIULIN][1] == STALE_TEXT and not leftovers(out)


def test_a_users_file_named_like_a_new_unit_folder_is_left_alone(tmp_path):
    tree, out = make_tree(tmp_path / "tree"), tmp_path / "out"
    run_batch(str(tree), str(out), jobs=1)
    (out / "青石县/河湾镇/新村").write_bytes(b"a file, not a folder")
    shutil.copyfile(SAMPLES / "village-liulin-runoff.yaml", tree / "青石县/河湾镇/新村.yaml")
    result = run_batch(str(tree), str(out), jobs=1)
    assert result.failed == 1
    assert report_units(out)["青石县/河湾镇/新村.yaml"]["error"] == (
        "输出文件夹中已有 青石县/河湾镇/新村，但它不是文件夹（或是快捷方式），不是 huanjie 生成的；为免覆盖，该单位未生成。"
        "请把它移走或改名（或把记录文件改名），然后重新运行。"
    )
    assert (out / "青石县/河湾镇/新村").read_bytes() == b"a file, not a folder" and not leftovers(out)


LEGACY = ROOT / "tests" / "data" / "legacy-0.1.0"
LEGACY_RECORD = LEGACY / "src" / "青石县" / "鹤田镇" / "白马村党支部.yaml"


def test_render_into_a_0_1_0_render_folder_replaces_its_untouched_documents(tmp_path):
    folder = tmp_path / "render-out"
    shutil.copytree(LEGACY / "render-out", folder)
    (folder / "我的说明.txt").write_text("mine", encoding="utf-8")
    run = run_cli("render", str(LEGACY_RECORD), "-o", str(folder))
    assert run.exit_code == 0, run.stdout + run.stderr
    record = unitrecord.read(folder)
    assert record is not None and "01-选举委员会成员公告.docx" in {d.name for d in record.documents}
    assert (folder / "我的说明.txt").read_text(encoding="utf-8") == "mine"


def test_a_0_1_0_document_saved_by_word_since_is_not_overwritten(tmp_path):
    import zipfile

    folder = tmp_path / "render-out"
    shutil.copytree(LEGACY / "render-out", folder)
    edited = folder / "01-选举委员会成员公告.docx"
    with zipfile.ZipFile(LEGACY / "render-out" / edited.name) as old, zipfile.ZipFile(edited, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "docProps/core.xml":
                data = data.replace(b"<cp:lastModifiedBy>huanjie<", b"<cp:lastModifiedBy>\xe5\xbc\xa0\xe4\xb8\x89<")
            new.writestr(info, data)
    before = edited.read_bytes()
    run = run_cli("render", str(LEGACY_RECORD), "-o", str(folder))
    assert run.exit_code == 2
    assert f"{edited} 已存在，且不是 huanjie 生成的文书" in run.stderr
    assert edited.read_bytes() == before
