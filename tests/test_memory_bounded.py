"""What a long run keeps in a process is bounded: a worker that renders unit after unit (a province's 20,000
units through two workers) keeps no per-unit object, so its memory stays flat.

The 20,000-unit run of bench/bench_scale.py found the one that grew: the titled core.xml of each document was
cached per title, and a title names its unit (446 MB per worker at 20,000 units, 106 MB at 1,000)."""

from __future__ import annotations

import collections
import gc
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from pipeline import check as checking
from pipeline import render
from pipeline.batch import unit as units
from pipeline.batch.run import _settings
from pipeline.batch.unit import UnitTask
from pipeline.documents import Election
from pipeline.documents.plan import plan

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "village-liulin-runoff.yaml"


def test_titled_core_parts_kept_per_template_are_bounded_and_a_cleared_cache_gives_the_same_bytes():
    planned = plan(Election.from_check(checking.check_file(str(SAMPLE)))).documents[0]
    compiled = render.compile_template(render.template_path(planned.kind, None))
    compiled.titled.clear()
    context = planned.instance.context
    # Titles name a person (候选人竞争承诺书-王鹏): one per candidate of every unit of the run.
    titles = [f"候选人竞争承诺书-候选人{n}" for n in range(3 * render.TITLED_KEPT)]
    first = {t: render.render_template(compiled, context, title=t) for t in titles}
    assert 0 < len(compiled.titled) <= render.TITLED_KEPT
    compiled.titled.clear()
    again = {t: render.render_template(compiled, context, title=t) for t in reversed(titles)}
    assert again == first  # whatever the cache holds, each title's document is the same
    assert len(set(first.values())) == len(titles)
    with zipfile.ZipFile(io.BytesIO(first[titles[5]])) as archive:
        assert "<dc:title>候选人竞争承诺书-候选人5</dc:title>" in archive.read("docProps/core.xml").decode("utf-8")


def _objects() -> collections.Counter:
    gc.collect()
    return collections.Counter(type(o).__qualname__ for o in gc.get_objects())


def test_a_process_rendering_unit_after_unit_keeps_nothing_per_unit(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "TITLED_KEPT", 4)  # the bounded caches fill within the first units
    tree = tmp_path / "tree"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_county.py"), str(tree), "--units", "48"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    records = sorted(p for p in tree.rglob("*.yaml") if not p.name.startswith("_"))
    settings = _settings(None)
    out = tmp_path / "out"

    def run(batch: list[Path]) -> None:
        for record in batch:
            rel = record.relative_to(tree).as_posix()
            result = units.process_unit(
                UnitTask(source=str(record), rel=rel, outdir=str(out / rel[:-5]), settings=settings)
            )
            assert result.status != "failed", result.error

    run(records[:16])  # every template compiled, every bounded cache filled
    before = _objects()
    run(records[16:])
    grown = _objects() - before
    # The titled cache kept 2 objects per document (≈ 40 a unit) before it was bounded: 1,280 for 32 units.
    assert sum(grown.values()) < 3 * len(records[16:]), grown.most_common(8)
    assert os.path.isdir(out)
