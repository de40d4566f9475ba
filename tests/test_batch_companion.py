"""Issue 14 item 7: batch writes the 花名册 .xlsx beside its .docx and lists it in the unit's stamp (`prints`)."""

from __future__ import annotations

import shutil

import openpyxl
from conftest import SAMPLES

from pipeline import unitrecord
from pipeline.batch import run_batch

XLSX = "32-当选人员花名册.xlsx"


def tree(tmp_path):
    src = tmp_path / "src" / "东城街道"
    src.mkdir(parents=True)
    shutil.copyfile(SAMPLES / "residents-yangguang.yaml", src / "阳光社区.yaml")
    return tmp_path / "src"


def test_batch_writes_the_roster_xlsx_and_owns_it(tmp_path):
    src, out = tree(tmp_path), tmp_path / "out"
    run_batch(str(src), str(out), jobs=1)
    unit = out / "东城街道" / "阳光社区"
    sheet = openpyxl.load_workbook(unit / XLSX).active
    docx_names = {p.name for p in unit.glob("*.docx")}
    assert "32-当选人员花名册.docx" in docx_names
    assert any(
        cell == "邓志华" or (isinstance(cell, str) and "当选" in cell)
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    )
    stamp = unitrecord.read(unit)
    assert [p.name for p in stamp.prints] == [XLSX]
    assert stamp.prints[0].sha256 == unitrecord.hash_file(unit / XLSX)[0]
    assert XLSX not in [d.name for d in stamp.documents]  # the documents stay the .docx

    # A rerun of an unchanged record skips the unit and leaves the file as it is.
    before = (unit / XLSX).stat().st_mtime_ns
    again = run_batch(str(src), str(out), jobs=1)
    assert (again.ok, again.skipped, again.failed) == (0, 1, 0)
    assert (unit / XLSX).stat().st_mtime_ns == before

    # The .xlsx removed by hand: the unit is made again, with it.
    (unit / XLSX).unlink()
    third = run_batch(str(src), str(out), jobs=1)
    assert (third.ok, third.skipped) == (1, 0)
    assert (unit / XLSX).is_file()


def test_a_roster_xlsx_edited_by_hand_is_kept_and_the_new_one_goes_beside_it(tmp_path):
    src, out = tree(tmp_path), tmp_path / "out"
    run_batch(str(src), str(out), jobs=1)
    unit = out / "东城街道" / "阳光社区"
    (unit / XLSX).write_bytes(b"mine")  # edited by hand: no longer what the stamp says huanjie wrote
    result = run_batch(str(src), str(out), jobs=1, force=True)
    assert result.ok == 1
    assert (unit / XLSX).read_bytes() == b"mine"
    new = unit / "32-当选人员花名册（新）.xlsx"
    assert openpyxl.load_workbook(new).active.max_row > 1
    assert [p.name for p in unitrecord.read(unit).prints] == [new.name]
