"""Every document of every shipped sample passes the automatic layout check (issue 13 item 3's done-when).

`huanjie render --check-layout` converts what it wrote with LibreOffice and reads the PDF's text boxes: nothing
outside the type area, ballots on one sheet, no name split in a cell, no last page of closing lines only, a 仿宋
body. This is the one full-sample run with the check on; the other render tests leave it off for speed.
"""

from __future__ import annotations

import re

import pytest
from conftest import SAMPLES, run_cli


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.yaml")))
def test_every_document_of_the_sample_passes_the_layout_check(tmp_path, sample):
    run = run_cli("render", str(SAMPLES / sample), "-o", str(tmp_path / "out"), "--check-layout")
    assert run.exit_code == 0, run.stdout + run.stderr
    written = len(list((tmp_path / "out").glob("*.docx")))
    assert re.search(rf"^版式检查：检查了 {written} 份文书，发现 0 个问题。$", run.stdout, re.M), (
        run.stdout + run.stderr
    )


def test_with_pdf_the_check_reads_the_pdfs_render_made_instead_of_converting_again(tmp_path, monkeypatch):
    from pipeline import layoutcheck

    def again(*args, **kwargs):
        raise AssertionError("converted a second time")

    monkeypatch.setattr(layoutcheck, "check_documents", again)
    sample = SAMPLES / "party-qinghe-branch.yaml"
    run = run_cli("render", str(sample), "-o", str(tmp_path / "out"), "--pdf", "--check-layout")
    assert run.exit_code == 0, run.stdout + run.stderr
    written = len(list((tmp_path / "out").glob("*.docx")))
    assert written == 22 and f"版式检查：检查了 {written} 份文书，发现 0 个问题。" in run.stdout  # 26 参会通知 too
