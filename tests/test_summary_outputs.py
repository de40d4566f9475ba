"""What a summary writes besides its text (issue 17): the 统计表 of ``huanjie summary``, stale tables in a batch's
OUT, a level file whose folder has no counted unit, and unit digests of an older program."""

from __future__ import annotations

import openpyxl
import seedtrees
from click.testing import CliRunner

from pipeline.aggregate import made_by_huanjie
from pipeline.batch.levelinput import LEVEL_FILE
from pipeline.batch.statsheet import STATSHEET_FILE
from pipeline.cli import main


def _summary(*args: str):
    return CliRunner().invoke(main, ["summary", *args])


def _sheet(path) -> list[list]:
    return [[c.value for c in row] for row in openpyxl.load_workbook(path)["统计表"].iter_rows()]


# --------------------------------------------------------------------------------------------
# huanjie summary writes the 统计表 too (item 2)
# --------------------------------------------------------------------------------------------
def test_summary_writes_the_table_beside_the_document(tmp_path):
    town = seedtrees.seed_003(tmp_path / "tree")
    (town / LEVEL_FILE).write_text("percent_places: {default: 0, party: 1}\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = _summary(str(town), "-o", str(out))
    assert result.exit_code == 0, result.output
    table = out / STATSHEET_FILE  # beside 换届选举工作总结.docx, the batch's name
    assert f"已生成 {out / '换届选举工作总结.docx'} 和统计表 {table}（汇总 5 个单位）。" in result.output
    rows = _sheet(table)
    assert rows[0][0] == "玉堂镇换届选举情况统计表" and rows[1][0].startswith("填报单位：玉堂镇")
    head = rows[2]
    body = {r[0]: r for r in rows[3:9]}
    assert sorted(body) == sorted(["白玉社区", "龙凤村", "凤鸣村", "中兴村", "新建村", "合计"])  # tree order
    assert rows[8][0] == "合计"
    col = {name: i for i, name in enumerate(head)}
    assert body["合计"][col["当选"]] == 25 and body["合计"][col["中共党员"]] == 18
    assert body["合计"][col["党员占比"]] == 0.72  # 18 / 25, shown with the level's one place for the party share
    cell = openpyxl.load_workbook(table)["统计表"].cell(row=9, column=col["党员占比"] + 1)
    assert cell.number_format == "0.0%"
    assert made_by_huanjie(str(table))
    # A second run replaces its own table.
    again = _summary(str(town), "-o", str(out))
    assert again.exit_code == 0, again.output


def test_summary_names_its_table_after_the_document_or_where_asked(tmp_path):
    town = seedtrees.seed_003(tmp_path / "tree")
    result = _summary(str(town), "-o", str(tmp_path / "玉堂镇总结.docx"))
    assert result.exit_code == 0, result.output
    assert _sheet(tmp_path / "玉堂镇总结-统计表.xlsx")[0][0] == "玉堂镇换届选举情况统计表"
    chosen = tmp_path / "报送" / "表.xlsx"
    chosen.parent.mkdir()
    result = _summary(str(town), "-o", str(tmp_path / "b.docx"), "--table", str(chosen))
    assert result.exit_code == 0, result.output
    assert chosen.exists() and not (tmp_path / "b-统计表.xlsx").exists()
    bad = _summary(str(town), "-o", str(tmp_path / "c.docx"), "--table", str(tmp_path / "c.csv"))
    assert bad.exit_code == 2 and "统计表应为 Excel 文件（以 .xlsx 结尾）。" in bad.output


def test_summary_never_overwrites_a_table_it_did_not_write_unless_forced(tmp_path):
    town = seedtrees.seed_003(tmp_path / "tree")
    users = openpyxl.Workbook()
    users.active["A1"] = "乡镇自己的表"
    table = tmp_path / "a-统计表.xlsx"
    users.save(table)
    before = table.read_bytes()
    result = _summary(str(town), "-o", str(tmp_path / "a.docx"))
    assert result.exit_code == 2
    assert (
        f"错误：文件 {table} 已存在，且不是 huanjie 生成的统计表（或生成后被修改过），未覆盖。请换一个文件名；如确需覆盖，请加 --force。"
        in (result.output)
    )
    assert table.read_bytes() == before and not (tmp_path / "a.docx").exists()  # nothing written at all
    forced = _summary(str(town), "-o", str(tmp_path / "a.docx"), "--force")
    assert forced.exit_code == 0, forced.output
    assert _sheet(table)[0][0] == "玉堂镇换届选举情况统计表"


# --------------------------------------------------------------------------------------------
# A batch's stale 统计表 (item 3)
# --------------------------------------------------------------------------------------------
def _break(record) -> None:
    """A record that no longer passes its checks (the election day before the voter list)."""
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("  election_day:", "  election_day: 2020-01-01\n  x_election_day:", 1), "utf-8")


def test_a_renamed_township_leaves_no_old_table_in_out(tmp_path):
    from pipeline.batch import run_batch

    town = seedtrees.seed_003(tmp_path / "tree" / "都江堰市")
    seedtrees.xiumei(tmp_path / "tree" / "都江堰市")  # 都江堰市/某县/修梅镇: 都江堰市 is a level of its own
    out = tmp_path / "out"
    run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    old = out / "都江堰市" / "玉堂镇"
    assert (old / STATSHEET_FILE).exists() and (out / "都江堰市" / STATSHEET_FILE).exists()
    town.rename(town.with_name("玉堂街道"))
    result = run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    assert result.failed == 0
    assert not (old / STATSHEET_FILE).exists() and not (old / "换届选举工作总结.docx").exists()
    assert _sheet(out / "都江堰市" / "玉堂街道" / STATSHEET_FILE)[0][0] == "玉堂街道换届选举情况统计表"
    county = _sheet(out / "都江堰市" / STATSHEET_FILE)
    assert [r[0] for r in county[3:6]] == ["某县", "玉堂街道", "合计"]


def test_a_township_whose_units_all_fail_keeps_no_table(tmp_path):
    from pipeline.batch import run_batch

    town = seedtrees.seed_003(tmp_path / "tree" / "都江堰市")
    seedtrees.xiumei(tmp_path / "tree" / "都江堰市")
    out = tmp_path / "out"
    run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    assert (out / "都江堰市" / "玉堂镇" / STATSHEET_FILE).exists()
    for record in town.glob("*.yaml"):
        _break(record)
    result = run_batch(str(tmp_path / "tree"), str(out), jobs=2)
    assert result.failed == 5
    assert not (out / "都江堰市" / "玉堂镇" / STATSHEET_FILE).exists()
    assert (out / "都江堰市" / "某县" / "修梅镇" / STATSHEET_FILE).exists()


def test_a_users_table_in_a_level_folder_that_has_gone_is_kept(tmp_path):
    from pipeline.batch import run_batch

    town = seedtrees.seed_003(tmp_path / "tree" / "都江堰市")
    seedtrees.xiumei(tmp_path / "tree" / "都江堰市")
    out = tmp_path / "out"
    run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    mine = openpyxl.Workbook()
    mine.active["A1"] = "手工填写的统计表"
    (out / "都江堰市" / "手工").mkdir()
    mine.save(out / "都江堰市" / "手工" / STATSHEET_FILE)
    town.rename(town.with_name("玉堂街道"))
    run_batch(str(tmp_path / "tree"), str(out), jobs=1)
    assert not (out / "都江堰市" / "玉堂镇" / STATSHEET_FILE).exists()  # huanjie's own: gone with its level
    kept = openpyxl.load_workbook(out / "都江堰市" / "手工" / STATSHEET_FILE).active
    assert kept["A1"].value == "手工填写的统计表"  # the user's: kept


# --------------------------------------------------------------------------------------------
# A level file whose folder has no counted unit (item 4)
# --------------------------------------------------------------------------------------------
REPORTED = "reported: {turnout_percent: 90, elected_count: 25}\n"


def test_summary_of_a_folder_whose_units_all_fail_says_why_the_level_figures_are_not_checked(tmp_path):
    town = seedtrees.seed_003(tmp_path / "tree")
    for record in town.glob("*.yaml"):
        _break(record)
    (town / LEVEL_FILE).write_text(REPORTED, encoding="utf-8")
    result = _summary(str(town), "-o", str(tmp_path / "a.docx"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    why = "本级的5个单位都没有计入汇总（5个单位记录未通过校验），本级不生成工作总结和统计表。"
    assert (
        f"{town / LEVEL_FILE}:1:29  提示  STATS-REPORTED-UNVERIFIABLE  填报的参选率 90% 无法核对：{why}"
        "（字段 reported.turnout_percent）"
    ) in result.output
    assert f"填报的当选人数 25 无法核对：{why}（字段 reported.elected_count）" in result.output
    assert "错误：无法生成换届选举工作总结：没有通过校验且已计票的选举记录" in result.output
    assert not (tmp_path / "a.docx").exists() and not (tmp_path / "a-统计表.xlsx").exists()


def test_batch_says_why_a_levels_figures_cannot_be_checked(tmp_path):
    import json

    from pipeline.batch import run_batch

    county = tmp_path / "tree" / "都江堰市"
    town = seedtrees.seed_003(county)
    seedtrees.xiumei(county)
    for record in town.glob("*.yaml"):
        _break(record)
    (town / LEVEL_FILE).write_text(REPORTED, encoding="utf-8")
    (county / "新设镇").mkdir()  # a township whose records have not come in
    (county / "新设镇" / LEVEL_FILE).write_text("reported: {women_percent: 30}\n", encoding="utf-8")
    (tmp_path / "tree" / LEVEL_FILE).write_text("reported: {party_percent: 80}\n", encoding="utf-8")  # above
    result = run_batch(str(tmp_path / "tree"), str(tmp_path / "out"), jobs=1)
    said = {(f.file, f.path): f.message for f in result.level_findings}
    assert said == {
        (str(town / LEVEL_FILE), "reported.turnout_percent"): "填报的参选率 90% 无法核对：本级的5个单位都没有计入汇总"
        "（5个单位记录未通过校验），本级不生成工作总结和统计表。",
        (str(town / LEVEL_FILE), "reported.elected_count"): "填报的当选人数 25 无法核对：本级的5个单位都没有计入汇总"
        "（5个单位记录未通过校验），本级不生成工作总结和统计表。",
        (str(county / "新设镇" / LEVEL_FILE), "reported.women_percent"): "填报的女性成员占比 30% 无法核对："
        "本文件夹中没有选举记录，本级不生成工作总结和统计表。",
        (str(tmp_path / "tree" / LEVEL_FILE), "reported.party_percent"): "填报的党员占比 80% 无法核对："
        "本文件夹的选举记录都在下级文件夹 都江堰市 中，汇总在 都江堰市 一级进行，本文件不使用。",
    }
    assert all(f.severity.value == "info" for f in result.level_findings)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert "本文件夹中没有选举记录" in json.dumps(report, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# Unit digests of an older program (item 6)
# --------------------------------------------------------------------------------------------
def _stamps(out):
    import json

    from pipeline.unitrecord import STAMP

    for path in sorted(out.rglob(STAMP)):
        yield path, json.loads(path.read_text(encoding="utf-8"))


def test_a_digest_of_an_older_program_is_computed_again_not_mixed(tmp_path):
    import json

    import docx

    from pipeline.batch import run_batch
    from pipeline.documents.summary import DIGEST_FORMAT

    town = seedtrees.seed_003(tmp_path / "tree")
    out = tmp_path / "out"
    first = run_batch(str(town.parent), str(out), jobs=1)
    assert first.ok == 5
    stamps = list(_stamps(out))
    assert all(stamp["result"]["digest"]["format"] == DIGEST_FORMAT for _, stamp in stamps)
    # 白玉社区 as an older program stored it: no format, none of the figures added since (小组数, 总人口, kinds).
    old_path, old = next((p, s) for p, s in stamps if s["result"]["digest"]["label"] == "白玉社区")
    for key in ("format", "facts", "unit_kinds"):
        del old["result"]["digest"][key]
    old_path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    again = run_batch(str(town.parent), str(out), jobs=1)  # no --force
    assert (again.ok, again.skipped) == (1, 4)  # 白玉社区 processed again, the other four skipped as unchanged
    assert dict(_stamps(out))[old_path]["result"]["digest"]["format"] == DIGEST_FORMAT
    text = "\n".join(p.text for p in docx.Document(str(out / "玉堂镇" / "换届选举工作总结.docx")).paragraphs)
    # Every unit's figures are of this program: 白玉社区's 6 小组 and 1500 人 are in the level's totals again.
    assert "5个村（居）民委员会中，居民委员会1个，村民委员会4个；共有村（居）民小组40个，总人口8500人。" in text
    third = run_batch(str(town.parent), str(out), jobs=2)
    assert (third.ok, third.skipped) == (0, 5)  # a current digest is reused
