"""A worker's per-process caches stay bounded however many units it renders (issue 18: memory flat to 20,000)."""

from __future__ import annotations

import json
import zipfile

from conftest import SAMPLES

from pipeline import render
from pipeline.batch import REPORT_JSON, run_batch


def test_the_titled_core_xml_cache_is_bounded_and_every_document_keeps_its_own_title(monkeypatch, tmp_path):
    """`CompiledTemplate.titled` kept one core.xml per document title (a title names its unit): ~1.6 kB per
    document for the life of a worker. It now holds at most TITLED per template (4 here, 64 in use)."""
    monkeypatch.setattr(render, "TITLED", 4)
    for compiled in render._CACHE.values():
        compiled.titled.clear()
    out = tmp_path / "out"
    result = run_batch(str(SAMPLES / "county"), str(out), jobs=1)  # in this process: its cache is inspected
    assert result.ok == 25
    assert render._CACHE and all(len(c.titled) <= 4 for c in render._CACHE.values())
    units = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))["units"]
    docs = [d for u in units for d in u["documents"] if d["path"].endswith(".docx")]
    assert len(docs) > 100
    for doc in docs[:: max(1, len(docs) // 40)]:
        core = zipfile.ZipFile(out / doc["path"]).read("docProps/core.xml").decode("utf-8")
        assert "<dc:title>" in core
