"""Archive takes what batch and render recorded: no document context rebuilt, and output of 0.1.0 still accepted.

tests/data/legacy-0.1.0 holds a batch output, a render output and a package made by huanjie 0.1.0 before the
unit records carried catalogue data; the package's own 文件目录 is what 0.1.0 archived from that batch output.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES
from helpers import checked

from pipeline import archive, unitrecord
from pipeline.batch import run_batch
from pipeline.documents import Election, Instance
from pipeline.render import render_record

LEGACY = Path(__file__).parent / "data" / "legacy-0.1.0"
RECORD = "src/青石县/鹤田镇/白马村党支部.yaml"


def catalogue(package: Path) -> list[dict]:
    with zipfile.ZipFile(package) as z:
        return json.loads(z.read("文件目录.json"))["文件"]


@pytest.fixture(scope="module")
def legacy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("legacy")
    for name in ("src", "batch-out", "render-out"):
        shutil.copytree(LEGACY / name, root / name)
    shutil.copyfile(LEGACY / "batch.zip", root / "batch.zip")
    return root


def test_a_0_1_0_batch_output_is_archived_with_the_catalogue_0_1_0_made(legacy):
    package = legacy / "again.zip"
    result = archive.build_package(str(legacy / "batch-out"), str(package), records=str(legacy / "src"))
    assert result.refused == [] and result.items == 33 and result.summaries == 1
    made_then = catalogue(legacy / "batch.zip")
    made_now = catalogue(package)
    # 密级 was left empty by 0.1.0; it is 公开 (the default setting) since issue 19
    assert [{k: v for k, v in e.items() if k not in ("页数", "密级")} for e in made_now] == [
        {k: v for k, v in e.items() if k not in ("页数", "密级")} for e in made_then
    ]
    assert {e["密级"] for e in made_now} == {"公开"} and {e["密级"] for e in made_then} == {""}
    level = [e for e in made_now if e["责任者"] == "鹤田镇"]  # the township's summary, described as 0.1.0 did
    assert [(e["题名"], e["日期"]) for e in level] == [("鹤田镇支部委员会换届选举工作总结", "20260428")]
    assert archive.verify_package(str(package)).ok


def test_a_0_1_0_render_folder_without_unit_record_is_archived_as_before(legacy):
    assert not (legacy / "render-out" / unitrecord.STAMP).exists()
    package = legacy / "render.zip"
    result = archive.build_package(str(legacy / "render-out"), str(package), record=str(legacy / RECORD))
    assert result.refused == [] and result.items == 32
    by_title = {e["题名"]: e for e in catalogue(legacy / "batch.zip")}
    for entry in catalogue(package):
        then = by_title[entry["题名"]]
        assert [entry[k] for k in ("文号", "责任者", "日期", "备注")] == [
            then[k] for k in ("文号", "责任者", "日期", "备注")
        ]


def _no_rebuilding(monkeypatch) -> None:
    """Any document context built during the archive run fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("archive rebuilt a document context")

    monkeypatch.setattr(Instance, "__init__", refuse)  # every builder's result, the level summaries' too


def test_a_batch_output_is_archived_from_its_report_alone(tmp_path, monkeypatch):
    src = tmp_path / "src" / "青石县" / "鹤田镇"
    src.mkdir(parents=True)
    shutil.copyfile(LEGACY / RECORD, src / "白马村党支部.yaml")
    run_batch(str(tmp_path / "src"), str(tmp_path / "out"), jobs=1)
    expected = catalogue(LEGACY / "batch.zip")
    _no_rebuilding(monkeypatch)
    package = tmp_path / "p.zip"
    result = archive.build_package(str(tmp_path / "out"), str(package))
    # 0.1.0's 33 documents, and the voting-day and reporting documents of issue 14 (22 计票单 ×2, 23, 26 党员大会的
    # 参会通知, 31, 32).
    assert result.refused == [] and result.items == 33 + 6
    # Since 0.2 a Party record's pledge is a 候选人承诺书 (no 竞争): the one title a new batch gives differently.
    then = [
        (e["题名"].replace("候选人竞争承诺书", "候选人承诺书"), e["文号"], e["责任者"], e["日期"]) for e in expected
    ]
    now = [(e["题名"], e["文号"], e["责任者"], e["日期"]) for e in catalogue(package)]
    assert [e for e in now if e in then] == then
    added = sorted(e[0].removeprefix("中共白马村支部委员会换届") for e in now if e not in then)
    assert added == sorted(
        [
            "中共白马村支部委员会关于召开党员大会的通知",
            "选举当选人员花名册",
            "选举结果报告单",
            "选举计票单（书记）",
            "选举计票单（委员）",
            "选举选票清点报告（第一轮选举）",
        ]
    ), added


def test_a_render_folder_is_archived_from_its_unit_record(tmp_path, monkeypatch):
    record = SAMPLES / "party-qinghe-branch.yaml"
    result = checked(record.read_text(encoding="utf-8"), str(record))
    report = render_record(Election.from_check(result), tmp_path / "out", findings=result.findings)
    stamp = unitrecord.read(tmp_path / "out")
    assert stamp is not None and [d.name for d in stamp.documents] == [Path(w.path).name for w in report.written]
    _no_rebuilding(monkeypatch)
    made = archive.build_package(str(tmp_path / "out"), str(tmp_path / "p.zip"), record=str(record))
    assert made.refused == [] and made.items == len(report.written)
    titles = [e["题名"] for e in catalogue(tmp_path / "p.zip")]
    assert sorted(titles) == sorted(d.meta.title for d in stamp.documents)


def test_a_render_document_changed_by_hand_is_refused(tmp_path):
    record = SAMPLES / "party-qinghe-branch.yaml"
    result = checked(record.read_text(encoding="utf-8"), str(record))
    render_record(Election.from_check(result), tmp_path / "out", findings=result.findings)
    changed = sorted((tmp_path / "out").glob("01-*.docx"))[0]
    changed.write_bytes(changed.read_bytes() + b"\0")
    with pytest.raises(archive.NothingToArchive) as caught:
        archive.build_package(str(tmp_path / "out"), str(tmp_path / "p.zip"), record=str(record))
    assert caught.value.refused[0].reason == f"文书 {changed.name} 在生成之后被改动（SHA-256 与生成时的记录不符）"
    assert not (tmp_path / "p.zip").exists()
