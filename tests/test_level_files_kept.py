"""A level's summary or 统计表 in a batch's OUT that huanjie did not write, or that was edited after it wrote it,
is never overwritten or swept: it is kept and the new file goes beside it (``NAME（新）``), with a 提示."""

from __future__ import annotations

import json
import re
import shutil
import zipfile

import openpyxl
import seedtrees
from click.testing import CliRunner
from docx import Document

from pipeline.aggregate import untouched
from pipeline.batch import run_batch
from pipeline.batch.statsheet import STATSHEET_FILE
from pipeline.cli import main

SUMMARY = "换届选举工作总结.docx"
NEW_SUMMARY = "换届选举工作总结（新）.docx"


def _tree(tmp_path):
    town = seedtrees.seed_003(tmp_path / "tree" / "都江堰市")
    seedtrees.xiumei(tmp_path / "tree" / "都江堰市")
    return town


def _saved_by_word(path, text: str) -> None:
    """What Word does on saving: the body changed, the modified time and lastModifiedBy set to the saver's."""
    document = Document(str(path))
    document.add_paragraph(text)
    document.core_properties.last_modified_by = "张秘书"
    document.save(str(path))
    data = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            data[info.filename] = archive.read(info)
    core = data["docProps/core.xml"].decode("utf-8")
    core = re.sub(r"(<dcterms:modified[^>]*>)[^<]*", r"\g<1>2026-12-02T09:30:00Z", core)
    data["docProps/core.xml"] = core.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, raw in data.items():
            archive.writestr(name, raw)


def _body(path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def _manifest(out) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]


def _level_findings(out) -> list[dict]:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))["level_findings"]


def test_a_summary_edited_in_word_is_kept_and_the_new_one_goes_beside_it(tmp_path):
    _tree(tmp_path)
    out = tmp_path / "out"
    run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    town = out / "都江堰市" / "玉堂镇"
    assert untouched(str(town / SUMMARY)) and untouched(str(town / STATSHEET_FILE))
    _saved_by_word(town / SUMMARY, "镇党委审核意见：同意。")
    edited = (town / SUMMARY).read_bytes()
    assert not untouched(str(town / SUMMARY))

    result = run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    assert (town / SUMMARY).read_bytes() == edited  # the secretary's text is still there, byte for byte
    assert "镇党委审核意见：同意。" not in _body(town / NEW_SUMMARY)
    assert "玉堂镇" in _body(town / NEW_SUMMARY)
    assert "都江堰市/玉堂镇/" + NEW_SUMMARY in result.summaries
    assert "都江堰市/玉堂镇/" + SUMMARY not in result.summaries
    files = _manifest(out)
    assert "都江堰市/玉堂镇/" + NEW_SUMMARY in files and "都江堰市/玉堂镇/" + SUMMARY not in files
    assert "都江堰市/玉堂镇/" + STATSHEET_FILE in files  # the 统计表 nobody touched is replaced as before
    kept = [f for f in _level_findings(out) if f["id"] == "OUT-LEVEL-KEPT"]
    assert [(f["severity"], f["message"]) for f in kept] == [
        (
            "info",
            f"输出文件夹中的 都江堰市/玉堂镇/{SUMMARY} 不是 huanjie 生成的，或生成后被修改过；为免覆盖，已保留原文件，"
            f"本次生成的在 都江堰市/玉堂镇/{NEW_SUMMARY}。",
        )
    ]
    assert kept[0]["file"] == str(town / SUMMARY)

    # A third run: the edited file is still kept, and huanjie's own （新） file is replaced, never （新2）.
    run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    assert (town / SUMMARY).read_bytes() == edited
    assert sorted(p.name for p in town.glob("换届选举工作总结*")) == [SUMMARY, NEW_SUMMARY]

    # The secretary moves the edited file away: the next run writes the summary under its own name again and
    # removes its （新） copy.
    shutil.move(town / SUMMARY, tmp_path / "审核稿.docx")
    run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    assert sorted(p.name for p in town.glob("换届选举工作总结*")) == [SUMMARY]
    assert untouched(str(town / SUMMARY))
    assert not [f for f in _level_findings(out) if f["id"] == "OUT-LEVEL-KEPT"]


def test_an_edit_that_keeps_the_properties_is_found_by_the_manifest(tmp_path):
    """A script (python-docx) leaves core.xml as huanjie wrote it: the last manifest's hash tells the change."""
    _tree(tmp_path)
    out = tmp_path / "out"
    run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    county = out / "都江堰市"
    document = Document(str(county / SUMMARY))
    document.add_paragraph("市委组织部：已阅。")
    document.save(str(county / SUMMARY))
    assert untouched(str(county / SUMMARY))  # the properties alone cannot tell
    edited = (county / SUMMARY).read_bytes()
    run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    assert (county / SUMMARY).read_bytes() == edited
    assert (county / NEW_SUMMARY).exists()


def test_a_users_own_table_in_a_live_level_is_kept(tmp_path):
    _tree(tmp_path)
    out = tmp_path / "out"
    run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    town = out / "都江堰市" / "玉堂镇"
    mine = openpyxl.Workbook()
    mine.active["A1"] = "手工填写的统计表"
    mine.save(town / STATSHEET_FILE)
    result = run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    assert result.failed == 0
    assert openpyxl.load_workbook(town / STATSHEET_FILE).active["A1"].value == "手工填写的统计表"
    new = openpyxl.load_workbook(town / "换届选举情况统计表（新）.xlsx")["统计表"]
    assert new["A1"].value == "玉堂镇换届选举情况统计表"
    statistics = json.loads((out / "report.json").read_text(encoding="utf-8"))["statistics"]
    assert "都江堰市/玉堂镇/换届选举情况统计表（新）.xlsx" in [s["path"] for s in statistics]
    # On the command line: the 提示 names both files, and the run is still a success.
    run = CliRunner().invoke(main, ["batch", str(tmp_path / "tree"), "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert (
        f"提示  OUT-LEVEL-KEPT  输出文件夹中的 都江堰市/玉堂镇/{STATSHEET_FILE} 不是 huanjie 生成的，或生成后被修改过"
        in run.output
    )


def test_an_edited_summary_of_a_level_that_has_gone_is_not_swept(tmp_path):
    town = _tree(tmp_path)
    out = tmp_path / "out"
    run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    old = out / "都江堰市" / "玉堂镇"
    _saved_by_word(old / SUMMARY, "存档前的修改。")
    town.rename(town.with_name("玉堂街道"))
    run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    assert "存档前的修改。" in _body(old / SUMMARY)  # edited: kept
    assert not (old / STATSHEET_FILE).exists()  # huanjie's own, untouched: gone with its level


def test_summary_refuses_to_overwrite_a_summary_edited_in_word(tmp_path):
    town = seedtrees.seed_003(tmp_path / "tree")
    target = tmp_path / "总结.docx"
    first = CliRunner().invoke(main, ["summary", str(town), "-o", str(target)])
    assert first.exit_code == 0, first.output
    _saved_by_word(target, "修改稿")
    again = CliRunner().invoke(main, ["summary", str(town), "-o", str(target)])
    assert again.exit_code == 2
    assert (
        f"错误：文件 {target} 已存在，且不是 huanjie 生成的工作总结（或生成后被修改过），未覆盖。请换一个文件名；"
        "如确需覆盖，请加 --force。"
    ) in again.output
    assert "修改稿" in _body(target)
