"""Where the layout check runs: by default in `huanjie render`, on request in `batch --check-layout`, always in
`archive` (on the PDFs it converts anyway, as 提示 that never refuse a unit).

A local template whose text runs past the right margin stands in for a layout defect: it is the kind of document
the check exists for (review §1 #1), made without depending on the shipped templates, which pass.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES, run_cli
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from pipeline import layoutcheck

COUNTY = SAMPLES / "county"
UNIT = "青石县/白云乡/胜利村党支部.yaml"
PARTY = SAMPLES / "party-qinghe-branch.yaml"
COMMITTEE = "01-选举委员会成员公告.docx"


def _tools() -> None:
    missing = [tool for tool in ("soffice", "pdftotext", "pdffonts") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"缺少 {'、'.join(missing)}：请安装 libreoffice-writer-nogui poppler-utils（make sysdeps）")


def _overflowing_templates(folder: Path) -> Path:
    """A 选举委员会成员公告 template whose one line runs 40 mm past the right margin."""
    folder.mkdir()
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.top_margin, section.bottom_margin = Twips(2098), Twips(1984)
    section.left_margin, section.right_margin = Twips(1587), Twips(1474)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    para = doc.add_paragraph("{{ committee_name }}成员名单如下，经推选产生，现予公告，接受监督。")
    para.paragraph_format.right_indent = Pt(-113)
    doc.save(str(folder / "选举委员会成员公告.docx"))
    return folder


def _records(root: Path) -> Path:
    src = root / "records"
    (src / UNIT).parent.mkdir(parents=True)
    shutil.copyfile(COUNTY / UNIT, src / UNIT)
    return src


@pytest.mark.layout_default
def test_render_checks_the_layout_by_default(tmp_path):
    _tools()
    run = run_cli("render", str(PARTY), "-o", str(tmp_path / "out"), "--only", "01,05")
    assert run.exit_code == 0, run.output
    written = sorted(p.name for p in (tmp_path / "out").glob("*.docx"))
    assert written[0] == COMMITTEE and len(written) >= 2
    assert f"版式检查：检查了 {len(written)} 份文书，发现 0 个问题。" in run.stdout


@pytest.mark.layout_default
def test_no_check_layout_skips_it_and_a_machine_without_libreoffice_is_told(tmp_path, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("checked although --no-check-layout")

    monkeypatch.setattr(layoutcheck, "check_documents", never)
    run = run_cli("render", str(PARTY), "-o", str(tmp_path / "a"), "--only", "01", "--no-check-layout")
    assert run.exit_code == 0, run.output
    assert "版式检查" not in run.output

    monkeypatch.setattr(layoutcheck, "available", lambda: False)
    run = run_cli("render", str(PARTY), "-o", str(tmp_path / "b"), "--only", "01")
    assert run.exit_code == 0, run.output
    assert "提示：未找到 LibreOffice，未检查版式；安装后（make sysdeps）生成时会自动检查。" in run.stderr


@pytest.mark.layout_default
def test_render_with_a_layout_defect_exits_1_naming_the_document(tmp_path):
    _tools()
    templates = _overflowing_templates(tmp_path / "tpl")
    run = run_cli("render", str(PARTY), "-o", str(tmp_path / "out"), "--only", "01", "--templates", str(templates))
    assert run.exit_code == 1, run.output
    lines = [line for line in run.stderr.splitlines() if "LAYOUT-OUTSIDE-AREA" in line]
    assert lines and lines[0].startswith(f"{COMMITTEE}  错误  LAYOUT-OUTSIDE-AREA  {COMMITTEE} 第1页"), run.stderr
    assert "版式检查：检查了 1 份文书，发现 1 个问题。" in run.stdout


def test_batch_checks_only_when_asked_and_a_defect_fails_it(tmp_path):
    _tools()
    src = _records(tmp_path)
    out = tmp_path / "out"
    plain = run_cli("batch", str(src), "-o", str(out), "-j", "1")
    assert plain.exit_code == 0, plain.output
    assert "版式检查" not in plain.output

    checked = run_cli("batch", str(src), "-o", str(out), "-j", "1", "--check-layout")
    assert checked.exit_code == 0, checked.output
    documents = len(list((out / UNIT.removesuffix(".yaml")).glob("*.docx")))
    assert documents >= 10
    assert re.search(r"^版式检查：检查了 (\d+) 份文书，发现 0 个问题。$", checked.stdout, re.M), checked.stdout
    count = int(re.search(r"检查了 (\d+) 份", checked.stdout).group(1))
    summaries = json.loads((out / "report.json").read_text(encoding="utf-8"))["summaries"]
    assert [s["path"] for s in summaries] == ["青石县/白云乡/换届选举工作总结.docx"]
    assert count == documents + 1  # the unit left unchanged by this second run is checked, and its level summary

    bad = run_cli(
        "batch", str(src), "-o", str(tmp_path / "bad"), "-j", "1", "--check-layout",
        "--templates", str(_overflowing_templates(tmp_path / "tpl")),
    )  # fmt: skip
    assert bad.exit_code == 1, bad.output
    rel = f"{UNIT.removesuffix('.yaml')}/{COMMITTEE}"
    assert any(line.startswith(f"{rel}  错误  LAYOUT-OUTSIDE-AREA  {rel} 第1页") for line in bad.stderr.splitlines())
    assert "发现 1 个问题。" in bad.stdout


def test_archive_reports_layout_findings_and_archives_the_documents_as_they_are(tmp_path):
    _tools()
    src = _records(tmp_path)
    out = tmp_path / "out"
    templates = _overflowing_templates(tmp_path / "tpl")
    assert run_cli("batch", str(src), "-o", str(out), "-j", "1", "--templates", str(templates)).exit_code == 0
    package = tmp_path / "county.zip"
    run = run_cli("archive", str(out), "-o", str(package), "--jobs", "2")
    assert run.exit_code == 0, run.output
    assert "提示：版式检查发现 1 个问题（文书照原样归档；请在原文书中改正后重新生成）：" in run.stderr
    assert any("LAYOUT-OUTSIDE-AREA" in line and COMMITTEE in line for line in run.stderr.splitlines())
    with zipfile.ZipFile(package) as z:
        pdfs = [n for n in z.namelist() if n.startswith("电子档案/") and n.endswith(".pdf")]
    assert re.search(rf"版式检查 {len(pdfs)} 件，发现 1 个问题；", run.stdout), run.stdout


@pytest.mark.layout_default
def test_a_relative_output_folder_is_converted_and_checked(tmp_path, monkeypatch):
    _tools()
    monkeypatch.chdir(tmp_path)
    run = run_cli("render", str(PARTY), "-o", "out/党支部", "--only", "01", "--pdf")
    assert run.exit_code == 0, run.output
    assert (tmp_path / "out" / "党支部" / "01-选举委员会成员公告.pdf").stat().st_size > 0
    assert "版式检查：检查了 1 份文书，发现 0 个问题。" in run.stdout
