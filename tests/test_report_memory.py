"""The batch parent's memory does not grow with the tree (issue 12 item 7), and manifest.json stays the same text.

The review measured 66 MB at 300 units and 119 MB at 2,000: the parent kept every (path, SHA-256) of the manifest
in one list until the end. `report._Entries` keeps one chunk in memory and merges sorted chunks from disk.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tracemalloc
from pathlib import Path

import pytest

from pipeline.batch import report
from pipeline.batch.report import ReportWriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from bench_memory import unit  # noqa: E402


def _peak_while_adding(out: Path, units: int) -> int:
    tracemalloc.start()
    try:
        writer = ReportWriter(str(out), {"program": "huanjie", "version": "test"})
        for n in range(units):
            writer.add_unit(unit(n, 36))
        peak = tracemalloc.get_traced_memory()[1]
        writer.finish({"units": units})
    finally:
        tracemalloc.stop()
    return peak


def test_the_parent_holds_one_chunk_of_the_manifest_whatever_the_tree(tmp_path, monkeypatch):
    monkeypatch.setattr(report._Entries, "CHUNK", 1000)
    for name in ("warm", "small", "large"):
        (tmp_path / name).mkdir()
    _peak_while_adding(tmp_path / "warm", 2)  # imports (openpyxl) and caches are not the tree's
    small = _peak_while_adding(tmp_path / "small", 60)  # 2,160 documents
    large = _peak_while_adding(tmp_path / "large", 600)  # 21,600 documents: ten times the tree
    # One list for the whole tree grew ~4 KB per unit here: 600 units added over 2 MB to the 60 units' peak.
    assert large < small + 300_000, (small, large)
    files = json.loads((tmp_path / "large" / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert len(files) == 600 * 36 + 2
    assert list(files) == sorted(files)
    assert not list((tmp_path / "large").glob(".~*"))  # the chunks are gone


@pytest.mark.parametrize("chunk", [3, 1000])
def test_the_manifest_is_the_text_one_sorted_dict_gave(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(report._Entries, "CHUNK", chunk)
    entries = report._Entries(str(tmp_path))
    pairs = [(f"县/镇{n % 3}/村{n % 7}/文书{n}.docx", hashlib.sha256(str(n).encode()).hexdigest()) for n in range(20)]
    pairs += [("县/换届选举工作总结.docx", "a" * 64), ("县/镇0/村0/文书0.docx", "b" * 64)]  # listed twice: last wins
    for path, sha in pairs:
        entries.add(path, sha)
    report._write_manifest(str(tmp_path / "manifest.json"), "9.9", entries.sorted())
    entries.discard()
    expected = {
        "program": "huanjie",
        "version": "9.9",
        "algorithm": "sha256",
        "files": dict(sorted(dict(pairs).items())),
    }
    text = (tmp_path / "manifest.json").read_text(encoding="utf-8")
    assert text == json.dumps(expected, ensure_ascii=False, indent=1) + "\n"
    assert json.loads(text)["files"]["县/镇0/村0/文书0.docx"] == "b" * 64
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_an_empty_manifest_is_the_text_one_empty_dict_gave(tmp_path):
    entries = report._Entries(str(tmp_path))
    report._write_manifest(str(tmp_path / "manifest.json"), "9.9", entries.sorted())
    expected = {"program": "huanjie", "version": "9.9", "algorithm": "sha256", "files": {}}
    assert (tmp_path / "manifest.json").read_text(encoding="utf-8") == json.dumps(expected, indent=1) + "\n"


def _figures(n: int) -> dict:
    """A level's 统计表 figures as report.json lists them: nested lists and mappings, numbers, Chinese."""
    return {
        "path": f"青石县/镇{n}/换届选举情况统计表.xlsx",
        "place": f"镇{n}",
        "columns": ["单位", "登记选民", "参选率"],
        "rows": [[f"村{k}", 1000 + k, 0.9 + k / 1000] for k in range(30)],
        "total": {"登记选民": 30435, "参选率": 0.915, "空": [], "嵌套": {"a": [1, {"b": None}]}},
    }


def test_the_statistics_are_kept_on_disk_and_report_json_is_the_same_text(tmp_path):
    """The levels' 统计表 figures (one row per unit) wait in a temp file, not in memory; the report's text is the
    one `json.dumps(…, indent=1)` gives for the whole tail, as before."""
    out = tmp_path / "out"
    out.mkdir()
    writer = ReportWriter(str(out), {"program": "huanjie", "version": "test"})
    writer.add_unit(unit(0, 3))
    tables = [_figures(n) for n in range(3)]
    for n, figures in enumerate(tables):
        writer.add_table(f"青石县/镇{n}/换届选举情况统计表.xlsx", "0" * 64, figures)
    writer.tables.handle.flush()  # buffered: what is written is on disk, not in a list
    spilled = [p for p in out.iterdir() if p.name.startswith(".~statistics-")]
    assert len(spilled) == 1 and len(spilled[0].read_text(encoding="utf-8").splitlines()) == 3
    assert not hasattr(writer.tables, "__len__")  # no list of them in memory
    writer.finish({"units": 1})
    text = (out / "report.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["statistics"] == tables
    tail = {k: data[k] for k in ("summaries", "level_findings", "statistics", "totals", "finished")}
    assert text.endswith(json.dumps(tail, ensure_ascii=False, indent=1)[2:] + "\n")
    assert not [p for p in out.iterdir() if p.name.startswith(".~")]  # the temp file is gone


def test_a_run_without_tables_lists_no_statistics(tmp_path):
    writer = ReportWriter(str(tmp_path), {"program": "huanjie", "version": "test"})
    writer.finish({"units": 0})
    text = (tmp_path / "report.json").read_text(encoding="utf-8")
    assert '\n "statistics": [],\n' in text and json.loads(text)["statistics"] == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~")]
