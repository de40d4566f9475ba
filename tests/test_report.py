"""The typed batch report and unit records: a round trip through a real run, and reading what 0.1.0 wrote."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT
from helpers import election_of
from test_batch import BAD, BAD_ID, bad_text, make_tree

import pipeline
from pipeline import unitrecord
from pipeline.batch import REPORT_JSON, REPORT_XLSX, ReportProblem, read_report, run_batch
from pipeline.batch.summaries import level_meta
from pipeline.documents import summary as summary_doc
from pipeline.documents.plan import plan
from pipeline.findings import Finding, Severity

LEGACY = ROOT / "tests" / "data" / "legacy-0.1.0"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    tree = make_tree(root / "tree")
    out = root / "out"
    result = run_batch(str(tree), str(out), jobs=1)
    return tree, out, result


def test_the_typed_report_matches_the_result_and_the_files(batch_run):
    tree, out, result = batch_run
    report = read_report(out)
    assert report.header.program == "huanjie" and report.version == pipeline.__version__
    assert report.header.source == os.path.abspath(tree) and report.header.output == os.path.abspath(out)
    assert report.header.templates_dir is None and len(report.header.templates_sha256) == 64
    assert len(report.units) == result.total == 6
    statuses = [u.status for u in report.units]
    assert (statuses.count("ok"), statuses.count("failed")) == (result.ok, result.failed) == (5, 1)
    assert [u.rel for u in report.units if u.status == "failed"] == [u.rel for u in result.failures] == [BAD]
    failed = next(u for u in report.units if u.rel == BAD)
    assert failed.folder is None and failed.documents == []
    assert all(isinstance(f, Finding) for f in failed.findings)
    assert [f.id for f in failed.findings if f.severity is Severity.ERROR] == [BAD_ID]
    assert failed.findings == list(result.failures[0].findings)
    assert sum(len(u.documents) for u in report.units) == result.documents == report.totals["documents"]
    for unit in report.units:
        if unit.status == "failed":
            continue
        stamp = unitrecord.read(out / unit.folder)
        assert stamp is not None and stamp.format == unitrecord.FORMAT and stamp.rel == unit.rel
        assert [f"{unit.folder}/{d.name}" for d in stamp.documents] == [d.path for d in unit.documents]
        for doc, entry in zip(unit.documents, stamp.documents, strict=True):
            assert doc.sha256 == entry.sha256 == sha(out / doc.path)
            assert doc.meta is not None and doc.meta == entry.meta and doc.meta.genre
        # The catalogue data is the plan's, computed once at render time.
        election = election_of((tree / unit.rel).read_text(encoding="utf-8"), str(tree / unit.rel))
        assert [d.meta for d in unit.documents] == [p.meta for p in plan(election)]
        assert [s.kind for s in unit.skipped] == [s.kind.key for s in plan(election).skipped]
    assert [s.path for s in report.summaries] == result.summaries
    for summary in report.summaries:
        assert summary.sha256 == sha(out / summary.path) and summary.units > 0
        assert summary.meta is not None and summary.meta.genre == "总结" and summary.meta.title


def test_summary_meta_names_the_level_when_the_context_names_no_author():
    meta = level_meta({"title_lines": ["换届选举工作总结"], "date_text": "2026年3月18日"}, ("青石县", "河湾镇"))
    assert (meta.author, meta.date, meta.genre) == ("河湾镇", "20260318", "总结")
    assert level_meta({"author": "青石县民政局"}, ("青石县",)).author == "青石县民政局"


def test_report_json_keeps_every_key_of_0_1_0_and_adds_meta(batch_run):
    _, out, _ = batch_run
    legacy = json.loads((LEGACY / "batch-out" / REPORT_JSON).read_text(encoding="utf-8"))
    current = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    assert set(legacy) <= set(current)
    assert set(legacy["units"][0]) <= set(current["units"][0])
    assert set(legacy["units"][0]["documents"][0]) | {"meta"} == set(current["units"][1]["documents"][0])
    assert set(legacy["summaries"][0]) | {"meta"} == set(current["summaries"][0])
    assert set(legacy["totals"]) == set(current["totals"])


def test_the_report_and_stamps_of_0_1_0_are_read(tmp_path):
    out = tmp_path / "batch-out"
    shutil.copytree(LEGACY / "batch-out", out)
    report = read_report(out)
    assert report.version == "0.1.0" and report.header.source == "/tmp/legacy/src"
    assert [u.rel for u in report.units] == ["青石县/鹤田镇/白马村党支部.yaml"]
    unit = report.units[0]
    assert unit.status == "ok" and unit.folder == "青石县/鹤田镇/白马村党支部" and unit.findings == []
    assert len(unit.documents) == report.totals["documents"] == 32
    assert all(d.meta is None and d.sha256 == sha(out / d.path) for d in unit.documents)
    assert [(s.path, s.units, s.meta) for s in report.summaries] == [("青石县/鹤田镇/换届选举工作总结.docx", 1, None)]
    stamp = unitrecord.read(out / unit.folder)
    assert stamp is not None and stamp.format == 1 and stamp.version == "0.1.0" and stamp.status == "ok"
    assert [f"{unit.folder}/{d.name}" for d in stamp.documents] == [d.path for d in unit.documents]
    assert all(d.meta is None and d.size > 0 for d in stamp.documents)
    assert stamp.digest is not None and summary_doc.Digest.from_dict(stamp.digest).units == 1


def test_a_batch_into_a_0_1_0_output_renders_again_then_resumes(tmp_path):
    src, out = tmp_path / "src", tmp_path / "batch-out"
    shutil.copytree(LEGACY / "src", src)
    shutil.copytree(LEGACY / "batch-out", out)
    first = run_batch(str(src), str(out), jobs=1)
    assert (first.ok, first.skipped, first.failed) == (1, 0, 0)  # a 0.1.0 stamp is not reused
    stamp = unitrecord.read(out / "青石县/鹤田镇/白马村党支部")
    assert stamp.format == unitrecord.FORMAT and all(d.meta is not None for d in stamp.documents)
    assert all(d.meta is not None for d in read_report(out).units[0].documents)
    second = run_batch(str(src), str(out), jobs=1)
    assert (second.ok, second.skipped) == (0, 1)
    resumed = read_report(out).units[0]
    assert resumed.status == "skipped-unchanged"
    assert [(d.sha256, d.meta) for d in resumed.documents] == [(d.sha256, d.meta) for d in stamp.documents]


def test_a_folder_without_a_report_is_a_report_problem(tmp_path):
    with pytest.raises(ReportProblem) as raised:
        read_report(tmp_path)
    assert "report.json" in str(raised.value) and raised.value.code == 2
    (tmp_path / REPORT_JSON).write_text('{"program": "huanjie"}', encoding="utf-8")
    with pytest.raises(ReportProblem):
        read_report(tmp_path)


def test_a_unit_record_round_trips(tmp_path):
    record = unitrecord.UnitRecord(
        status="ok",
        key="k",
        version="9.9",
        rel="a/b.yaml",
        folder="a/b",
        findings=[Finding("X-1", Severity.WARNING, "说明", file="b.yaml", line=3, column=1)],
        documents=[unitrecord.DocumentEntry("01-x.docx", "committee", "x", "0" * 64, 12, unitrecord.Meta(title="题"))],
        skipped=[unitrecord.SkippedEntry("results", "选举结果公告", "rounds[].votes", "尚无计票结果")],
        digest={"label": "b"},
    )
    unitrecord.write(tmp_path, record)
    assert unitrecord.read(tmp_path) == record
    (tmp_path / unitrecord.STAMP).write_text('{"format": 99, "result": {}}', encoding="utf-8")
    assert unitrecord.read(tmp_path) is None


# ---------------------------------------------------------------- approved exceptions in the report

EXCEPTION = """
exceptions:
  - rule: DEADLINE-VOTER-LIST
    reason: 因社区换届与人口普查时间冲突，选民名单推迟公布
    approved_by: 东城街道办事处
    approved_on: 2026-02-20
    number: 东街〔2026〕7号
"""
EXCEPTION_TEXT = (
    "已按特批处理检查 DEADLINE-VOTER-LIST 的 1 项结果：东城街道办事处 2026年2月20日 批准，文号 东街〔2026〕7号；"
    "理由：因社区换届与人口普查时间冲突，选民名单推迟公布。"
)


def test_the_report_lists_every_approved_exception(tmp_path):
    tree = make_tree(tmp_path / "tree")
    (tree / BAD).write_text(bad_text() + EXCEPTION, encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch(str(tree), str(out), jobs=1)
    assert result.failed == 0
    report = read_report(out)
    unit = next(u for u in report.units if u.rel == BAD)
    assert unit.status == "ok" and unit.documents
    assert [f.message for f in unit.exceptions] == [EXCEPTION_TEXT]
    assert [u.exceptions for u in report.units if u.rel != BAD] == [[]] * 5
    waived = next(f for f in unit.findings if f.id == "DEADLINE-VOTER-LIST")
    assert waived.severity is Severity.INFO
    assert waived.message.endswith("（已特批：东城街道办事处 2026年2月20日 批准，文号 东街〔2026〕7号）")
    entry = next(u for u in json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["units"] if u["path"] == BAD)
    (listed,) = entry["exceptions"]
    assert listed["message"] == EXCEPTION_TEXT and listed["path"] == "exceptions[0]"
    assert listed["location"] == f"{waived.file}:{bad_text().count(chr(10)) + 3}:11"  # the value of its rule
    book = openpyxl.load_workbook(out / REPORT_XLSX)
    assert book.sheetnames == ["汇总", "问题", "特批"]
    rows = list(book["特批"].iter_rows(values_only=True))
    assert rows[0] == ("单位", "文件:行:列", "字段", "特批内容")
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [(BAD, "exceptions[0]", EXCEPTION_TEXT)]


def test_a_report_without_exceptions_has_no_exception_sheet(batch_run):
    _, out, _ = batch_run
    assert openpyxl.load_workbook(out / REPORT_XLSX).sheetnames == ["汇总", "问题"]
    units = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["units"]
    assert [u["exceptions"] for u in units] == [[]] * len(units)
