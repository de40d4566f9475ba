"""huanjie archive -o FOLDER (the form that goes onto the transfer medium) or -o NAME.zip, and verify of either.

One small render folder (阳光社区: 2 documents) is archived once for the module, as a folder and as a zip.
Needs LibreOffice, poppler-utils and the CJK fonts; a missing program FAILS with the command to install it.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES, run_cli
from helpers import election_of

from pipeline import archive, records
from pipeline.archive.pdf import INSTALL_HINT
from pipeline.render import render_record

SAMPLE = SAMPLES / "residents-yangguang.yaml"


def require_tools() -> None:
    for names in (("soffice", "libreoffice"), ("pdffonts",)):
        if not any(shutil.which(n) for n in names):
            pytest.fail(f"找不到 {' 或 '.join(names)}，无法测试归档。请安装：{INSTALL_HINT}", pytrace=False)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    require_tools()
    root = tmp_path_factory.mktemp("folder")
    out = root / "阳光社区"
    record, _ = records.load(str(SAMPLE))
    render_record(election_of(record.data, record.file), out, only=["committee", "candidate_pledge"])
    folder = root / "阳光社区归档"
    run = run_cli("archive", str(out), "--record", str(SAMPLE), "-o", str(folder), "--fonds", "J012")
    assert run.exit_code == 0, run.output
    return {"root": root, "out": out, "folder": folder, "run": run}


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_name_without_zip_makes_a_folder_that_verifies(made):
    folder = made["folder"]
    assert folder.is_dir()
    names = files_of(folder)
    for top in archive.TOP_FILES:
        assert top in names, top
    assert any(n.startswith("电子档案/2026/Y/J012-WS·2026-Y-") and n.endswith(".pdf") for n in names)
    assert [p.name for p in made["root"].iterdir() if p.name.startswith(".~")] == []  # no temp sibling left
    run = run_cli("verify", str(folder))
    assert run.exit_code == 0, run.output
    assert f"校验通过：{folder}，" in run.stdout


def test_the_zip_and_the_folder_hold_the_same_files(made, tmp_path):
    package = tmp_path / "阳光社区.zip"
    run = run_cli("archive", str(made["out"]), "--record", str(SAMPLE), "-o", str(package), "--fonds", "J012")
    assert run.exit_code == 0, run.output
    with zipfile.ZipFile(package) as z:
        zipped = sorted(z.namelist())
    assert zipped == sorted(files_of(made["folder"]))
    assert run_cli("verify", str(package)).exit_code == 0


def test_a_changed_byte_in_a_folder_package_is_found(made, tmp_path):
    copy = tmp_path / "p"
    shutil.copytree(made["folder"], copy)
    xml = next(p for p in sorted(copy.rglob("*.xml")) if "电子档案" in p.parts)
    xml.write_bytes(xml.read_bytes() + b" ")
    run = run_cli("verify", str(copy))
    assert run.exit_code == 1
    rel = xml.relative_to(copy).as_posix()
    assert f"{rel}：SHA-256 摘要与 manifest-sha256.txt 不符" in run.stdout


def test_an_existing_folder_is_kept_unless_forced_and_never_replaced_when_not_a_package(made, tmp_path):
    out = str(made["out"])
    run = run_cli("archive", out, "--record", str(SAMPLE), "-o", str(made["folder"]))
    assert run.exit_code == 2 and f"数据包 {made['folder']} 已存在，未覆盖。如确需覆盖，请加 --force。" in run.stderr
    mine = tmp_path / "我的文件夹"
    mine.mkdir()
    (mine / "重要.txt").write_text("别删", encoding="utf-8")
    run = run_cli("archive", out, "--record", str(SAMPLE), "-o", str(mine), "--force")
    assert run.exit_code == 2
    assert "不是 huanjie 生成的数据包（没有 manifest-sha256.txt），即使加了 --force 也不覆盖" in run.stderr
    assert (mine / "重要.txt").read_text(encoding="utf-8") == "别删" and len(os.listdir(mine)) == 1
    forced = tmp_path / "forced"
    shutil.copytree(made["folder"], forced)
    (forced / "其他" / "旧文件.txt").write_text("x", encoding="utf-8")
    run = run_cli("archive", out, "--record", str(SAMPLE), "-o", str(forced), "--force")
    assert run.exit_code == 0, run.output
    assert not (forced / "其他" / "旧文件.txt").exists()  # the old package was replaced whole
    assert run_cli("verify", str(forced)).exit_code == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []
