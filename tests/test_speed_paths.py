"""Issue 18 item 4: the faster paths write what the slower ones wrote (speed itself is measured in bench/).

* batch's fresh temp folder: `render_record(fresh=True)` writes the same files as the atomic writes, and
  `batch.unit.flush_folder` gets every file to disk (syncfs, or one fsync per file without it);
* the 花名册 .xlsx written in one zip has the bytes of the old write-then-copy;
* the titled core.xml, made once per title, gives the same document as making it every time;
* the layout check reads the same text boxes from a PDF with an OutputIntent as from the file itself.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile

import pytest
from conftest import SAMPLES

from pipeline import layoutcheck, render
from pipeline.batch import unit as batch_unit
from pipeline.check import check_file
from pipeline.documents import KINDS, Election, Waiting, reporting


def _election() -> Election:
    return Election.from_check(check_file(str(SAMPLES / "residents-yangguang.yaml")))


def _files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_fresh_render_writes_the_same_files(tmp_path):
    slow = render.render_record(_election(), tmp_path / "slow", record_unit=False, companions=True)
    fast = render.render_record(_election(), tmp_path / "fast", record_unit=False, companions=True, fresh=True)
    slow_files, fast_files = _files(tmp_path / "slow"), _files(tmp_path / "fast")
    assert "32-当选人员花名册.xlsx" in fast_files and "06-选举结果公告.docx" in fast_files
    assert fast_files == slow_files
    assert [(w.sha256, w.size) for w in fast.written] == [(w.sha256, w.size) for w in slow.written]
    assert not [p for p in (tmp_path / "fast").iterdir() if p.name.startswith(".~")]  # no temp file left


@pytest.mark.parametrize("syncfs", [True, False])
def test_flush_folder_syncs_the_unit_folder(tmp_path, monkeypatch, syncfs):
    folder = tmp_path / "unit"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.docx").write_bytes(b"x" * (n + 1))
    calls: list[str] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    if syncfs:
        found = batch_unit._find_syncfs()
        assert found is not None, "Linux's syncfs(2) should be found through libc"
        monkeypatch.setattr(batch_unit, "_syncfs", lambda fd: (calls.append("syncfs"), found(fd))[1])
        batch_unit.flush_folder(str(folder))
        assert calls == ["syncfs"]  # one call for the whole folder
    else:
        monkeypatch.setattr(batch_unit, "_syncfs", None)  # a system without it: each file on its own
        batch_unit.flush_folder(str(folder))
        assert calls == ["fsync"] * 3


def _copied_xlsx(book) -> bytes:
    """stable_xlsx as it was: openpyxl's zip, copied entry by entry into a second zip under fixed ZipInfos."""
    from openpyxl.writer.excel import ExcelWriter

    when = dt.datetime(*reporting._XLSX_TIME)
    book.properties.created = book.properties.modified = when
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).write_data()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=reporting._XLSX_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _roster_book(context):
    from openpyxl import Workbook

    book = Workbook()
    rows = [reporting.roster_row(p) for p in context["people"]]
    footer = [context["reporter"], "", "", "", "", "", "", "", "", context["date_text"]]
    title = "".join(context["title_lines"])
    reporting.table_sheet(book.active, "当选人员花名册", title, reporting.ROSTER_COLUMNS, rows, footer=footer)
    return book


def test_roster_xlsx_has_the_bytes_of_the_copied_zip():
    kind = next(k for k in KINDS if k.companion is not None)
    context = kind.build(_election())[0].context
    made = reporting.roster_xlsx(context)
    assert made == _copied_xlsx(_roster_book(context))
    assert made == reporting.roster_xlsx(context)  # and the same on every call
    with zipfile.ZipFile(io.BytesIO(made)) as archive:
        assert {i.date_time for i in archive.infolist()} == {reporting._XLSX_TIME}


def test_titled_core_xml_is_made_once_per_title():
    election = _election()
    done = 0
    for kind in KINDS:
        try:
            instances = kind.build(election)
        except Waiting:
            continue
        path = render.TEMPLATES_DIR / kind.template
        cached = render.compile_template(path)
        for instance in instances:
            fresh = render._compile(str(path), kind.template)  # nothing cached: core.xml made for this document
            expected = render.render_template(fresh, instance.context, title=kind.title)
            assert render.render_template(cached, instance.context, title=kind.title) == expected
            assert render.render_template(cached, instance.context, title=kind.title) == expected  # from the cache
            done += 1
            last = (kind.title, expected)
    assert done > 20
    title, document = last
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        assert f"<dc:title>{title}</dc:title>" in archive.read("docProps/core.xml").decode("utf-8")


def _pdf_with_output_intent(path) -> None:
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    content = b"BT /F1 12 Tf 100 700 Td (Hello layout) Tj ET BT /F1 12 Tf 100 680 Td (second line) Tj ET"
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 595, 842],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pdf.make_stream(content),
    )
    pdf.pages.append(pikepdf.Page(page))
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1, OutputConditionIdentifier=pikepdf.String("sRGB")
    )
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])
    pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.disable)


def test_layout_boxes_read_without_the_output_intent_are_the_same(tmp_path, monkeypatch):
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext 未安装：sudo apt-get install poppler-utils（或运行 bash tools/system-deps.sh）"
    path = tmp_path / "a.pdf"
    _pdf_with_output_intent(path)
    data = path.read_bytes()
    assert b"/OutputIntents" in data
    direct = subprocess.run([exe, "-bbox-layout", str(path), "-"], capture_output=True, check=True).stdout
    fed: list[bytes] = []
    real_run = subprocess.run

    def run(command, *args, **kwargs):
        if "input" in kwargs:
            fed.append(kwargs["input"])
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(layoutcheck.subprocess, "run", run)
    pages = layoutcheck._read_boxes(path)
    assert fed and b"/OutputIntents" not in fed[0] and len(fed[0]) == len(data)  # renamed in place, same length
    assert pages == layoutcheck._pages_of(direct)
    assert [line.text for line in pages[0].lines] == ["Hello layout", "second line"]


_CACHES_AFTER_WARM = r"""
import functools, json, os, sys, tempfile
from pipeline.batch import unit
from pipeline.batch.run import run_batch

def sizes():
    found = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("pipeline"):
            continue
        for attr, value in list(vars(module).items()):
            if isinstance(value, functools._lru_cache_wrapper) and value.cache_info().maxsize is None:
                found[f"{name}.{attr}"] = value.cache_info().currsize
    return found

import pipeline.batch.levelinput, pipeline.rules.placeholders, pipeline.strokes  # every module a unit reads
unit.warm()
warmed = sizes()
real = unit.process_unit
grown = {}

def first(task):
    result = real(task)
    for key, size in sizes().items():
        if size > warmed.get(key, 0) and warmed.get(key, 0) == 0:
            grown[key] = size
    unit.process_unit = real
    return result

unit.process_unit = first
out = tempfile.mkdtemp()
run_batch(sys.argv[1], os.path.join(out, "o"), jobs=1)
print(json.dumps({"warmed": {k: v for k, v in warmed.items() if v}, "grown": grown}))
"""


def test_warm_loads_everything_a_units_task_loads_once_per_process(tmp_path):
    """`unit.warm` (run before the pool's workers are forked) leaves no once-per-process cache for a worker's
    first unit to fill: the profiles, schema validators, exception catalogue, stroke tables, starter samples."""
    import json
    import sys

    from conftest import ROOT

    run = subprocess.run(
        [sys.executable, "-c", _CACHES_AFTER_WARM, str(SAMPLES / "county")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    found = json.loads(run.stdout.strip().splitlines()[-1])
    # Only memos of the record's own values remain: a character's stroke key, the record's profile and province.
    assert set(found["grown"]) <= {"pipeline.strokes._char_key", "pipeline.profile._resolved"}, found["grown"]
    for name in ("pipeline.profile.profiles", "pipeline.schema._validator", "pipeline.rules.exceptions.catalogue"):
        assert found["warmed"].get(name), found["warmed"]
    assert found["warmed"]["pipeline.schema._validator"] == 2  # the record's schema and the level input's


def test_statsheet_styles_reused_per_combination_give_the_same_workbook(tmp_path, monkeypatch):
    """Each level's 统计表 of the county sample has the bytes the cell-by-cell styling gave (the module as it was,
    frozen in tests/data/statsheet_before.py)."""
    import importlib.util
    import sys

    from conftest import ROOT

    from pipeline.batch import summaries
    from pipeline.batch.run import run_batch

    spec = importlib.util.spec_from_file_location("statsheet_before", ROOT / "tests" / "data" / "statsheet_before.py")
    assert spec is not None and spec.loader is not None
    before = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "statsheet_before", before)  # its dataclasses look their module up
    spec.loader.exec_module(before)
    real = summaries.write_statsheet
    pairs: list[tuple[str, str]] = []

    def both(path, *args, **kwargs):
        real(path, *args, **kwargs)
        old = str(tmp_path / f"before-{len(pairs)}.xlsx")
        before.write_statsheet(old, *args, **kwargs)
        pairs.append((path, old))

    monkeypatch.setattr(summaries, "write_statsheet", both)
    run_batch(str(SAMPLES / "county"), str(tmp_path / "out"), jobs=1)
    assert len(pairs) >= 4  # the county, its townships
    for new, old in pairs:
        with open(new, "rb") as a, open(old, "rb") as b:
            assert a.read() == b.read(), new


def _roster_contexts():
    kind = next(k for k in KINDS if k.companion is not None)
    for path in sorted(SAMPLES.rglob("*.yaml")):
        result = check_file(str(path))
        if not result.evaluated:
            continue
        try:
            instances = kind.build(Election.from_check(result))
        except Waiting:
            continue
        yield from (instance.context for instance in instances)


def _roster_parts(context):
    title = "".join(context["title_lines"])
    rows = [reporting.roster_row(p) for p in context["people"]]
    return title, rows, [context["reporter"], "", "", "", "", "", "", "", "", context["date_text"]]


def test_the_roster_written_directly_has_the_bytes_openpyxl_writes_for_every_sample():
    contexts = list(_roster_contexts())
    assert len(contexts) >= 30
    for context in contexts:
        title, rows, footer = _roster_parts(context)
        direct = reporting._roster_direct(title, rows, footer)
        assert direct is not None  # plain text everywhere: the direct path is the one taken
        assert direct == reporting._roster_openpyxl(title, rows, footer) == reporting.roster_xlsx(context)


@pytest.mark.parametrize(
    "value",
    ["A&B <c> d", "  两端有空格 ", "\u3000\u3000年", "𠀋𡈽", "", "1.5", "'引号\"", "甲\u00a0乙"],
)
def test_the_roster_written_directly_escapes_as_openpyxl_does(value):
    context = next(iter(_roster_contexts()))
    title, rows, footer = _roster_parts(context)
    rows[0][1] = value
    rows[-1][-1] = value
    footer[1] = value
    assert reporting._roster_direct(value or title, rows, footer) == reporting._roster_openpyxl(
        value or title, rows, footer
    )


@pytest.mark.parametrize("value", ["=SUM(A1)", "#N/A", 7, None, "a\x01b", "x\x7fy"])
def test_a_roster_value_openpyxl_treats_otherwise_takes_the_openpyxl_path(value):
    context = next(iter(_roster_contexts()))
    title, rows, footer = _roster_parts(context)
    rows[0][2] = value
    assert reporting._roster_direct(title, rows, footer) is None
    assert reporting._roster_direct(title, [], footer) is None  # no person: openpyxl's styles differ


def test_a_roster_with_a_non_text_value_is_still_written_by_openpyxl():
    context = next(iter(_roster_contexts()))
    context = {**context, "people": [{**context["people"][0], "votes": 1102}]}
    title, rows, footer = _roster_parts(context)
    with zipfile.ZipFile(io.BytesIO(reporting.roster_xlsx(context))) as archive:
        assert '<c r="K3" s="3" t="n"><v>1102</v></c>' in archive.read("xl/worksheets/sheet1.xml").decode()
