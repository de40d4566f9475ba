"""Level summaries (issue 17): honest coverage, percentages, figures by kind and post, the level's own input."""

from __future__ import annotations

import docx
import pytest
import seedtrees
from click.testing import CliRunner

from pipeline.batch.levelinput import LEVEL_FILE
from pipeline.cli import main
from pipeline.documents.summary import Digest, area, build_many, left_out_digest
from pipeline.stats import Stats


def _unit(label: str, registered: int = 100, voted: int = 90, elected: int = 3) -> Digest:
    stats = Stats(
        registered=registered,
        turnout_base=registered,
        participants=voted,
        seats=elected,
        candidates=elected + 1,
        elected=elected,
        contests=1,
        contests_counted=1,
        filled_first_round=1,
    )
    return Digest(label, stats, kind="village_committee", contests=[["", registered, voted, registered, 3, 4, 3, 0]])


def _docx_text(path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs if p.text.strip())


def _text(ctx: dict) -> str:
    return "\n".join(b.get("text", "") for s in ctx["sections"] for b in s["blocks"])


# --------------------------------------------------------------------------------------------
# Honest coverage (item 4)
# --------------------------------------------------------------------------------------------
def test_a_county_names_every_unit_left_out_with_its_township_and_why():
    township_a = area("甲镇", [_unit("一村"), left_out_digest("二村村委会", "记录未通过校验")])
    # A township whose only unit is left out still counts in the county, by name.
    township_b = area("乙镇", [left_out_digest("三村村委会", "尚无计票结果")])
    township_c = area("丙镇", [_unit("四村"), left_out_digest("五村村委会", "记录未通过校验")])
    assert township_b.units == 0 and not township_b.counted
    ctx = build_many([township_a, township_b, township_c], place="某县").context
    text = _text(ctx)
    assert ctx["intro"].startswith("某县共辖3个乡镇，共有5个单位开展换届选举工作")
    assert (
        "本次共有5个单位进行换届选举，其中2个单位的选举情况计入本总结；另有3个单位未计入："
        "甲镇二村村委会、丙镇五村村委会（记录未通过校验）；乙镇三村村委会（尚无计票结果）。"
    ) in text
    # The tables hold the counted areas only.
    table1 = next(b for b in ctx["sections"][0]["blocks"] if b.get("caption", "").startswith("表1"))
    assert [r[0] for r in table1["rows"]] == ["甲镇", "丙镇", "合计"]
    assert ctx["units"] == "2"


def test_nothing_is_said_about_coverage_when_every_unit_is_counted():
    text = _text(build_many([_unit("一村"), _unit("二村")], place="甲镇").context)
    assert "本次共有2个单位进行换届选举，登记" in text and "未计入" not in text


# --------------------------------------------------------------------------------------------
# Percentages as the level wants them (item 5)
# --------------------------------------------------------------------------------------------
def _seed_county() -> list[Digest]:
    """吴起县 (seed 004 篇4) in one digest: 80150 registered, 77790 voted, 486 members of whom 82 women."""
    stats = Stats(
        registered=80150,
        turnout_base=80150,
        participants=77790,
        seats=492,
        candidates=820,
        elected=486,
        contests=164,
        contests_counted=164,
        filled_first_round=162,
        sex={"男": 404, "女": 82, "未填": 0},
        party=231,
    )
    return [
        Digest(
            "吴起县",
            stats,
            kind="village_committee",
            contests=[["", 80150, 77790, 80150, 492, 820, 486, 0]],
            electorates={"all_voters": [164, 80150, 80150, 77790]},
        )
    ]


def test_one_setting_gives_97_06_for_turnout_and_17_for_the_women_share():
    ctx = build_many(_seed_county(), place="吴起县", places=2, figure_places={"share": 0}).context
    text = _text(ctx)
    assert "登记选民80150人，参加投票77790人，参选率97.06%" in text
    assert "女性82名，占17%" in text and "中共党员（含预备党员）231名，占48%" in text
    # The tables follow the same choice: 表1 at 2 places, the structure table at 0.
    blocks = ctx["sections"][0]["blocks"]
    table1 = next(b for b in blocks if b.get("caption", "").startswith("表1"))
    assert table1["rows"][0][3] == "97.06%" and table1["rows"][-1][3] == "97.06%"
    table3 = next(b for b in blocks if b.get("caption", "").startswith("表3"))
    sex = table3["groups"][0]["rows"]
    assert sex[1] == ["女", "82", "17%"]


def test_the_registration_rate_needs_every_units_population():
    from pipeline.documents.summary import registration_words

    a, b = _unit("一村"), _unit("二村")
    a.electorates = b.electorates = {"all_voters": [1, 100, 100, 90]}
    a.population, b.population = [150, 100, 0], [250, 100, 0]
    stats = Stats(places=1)
    assert registration_words([a, b], stats) == "，占总人口的50.0%"
    b.population = [0, 0, 1]  # one village without unit.population: no rate rather than a wrong one
    assert registration_words([a, b], stats) == ""


def test_the_level_places_apply_to_every_row_whatever_the_units_asked():
    a, b = _unit("一村"), _unit("二村", registered=3, voted=2)
    ctx = build_many([a, b], place="甲镇", places=0).context
    table1 = next(blk for blk in ctx["sections"][0]["blocks"] if blk.get("caption", "").startswith("表1"))
    # 2/3 = 66.67% → 67% at 0 places, half up; 92/103 = 89.32…% → 89%.
    assert [r[3] for r in table1["rows"]] == ["90%", "67%", "89%"]
    table2 = next(blk for blk in ctx["sections"][0]["blocks"] if blk.get("caption", "").startswith("表2"))
    assert table2["rows"][0][-1] == "100%"


# --------------------------------------------------------------------------------------------
# Figures by kind and by post (item 1)
# --------------------------------------------------------------------------------------------
def test_party_members_and_residents_are_never_added_and_the_party_has_a_turnout_of_its_own():
    party = _unit("雁宁路社区", registered=14, voted=13)
    party.kind, party.electorates = "party_branch", {"present": [1, 14, 14, 13]}
    committee = _unit("雁宁路社区", registered=42, voted=40)
    committee.kind, committee.electorates = "residents_committee", {"resident_representative": [1, 42, 42, 40]}
    text = _text(build_many([party, committee], place="某街道").context)
    assert "登记56" not in text and "56人（户）" not in text
    assert (
        "应到会有选举权的党员14人，实到会13人，到会率92.86%；居民代表42人，参加投票40人，参选率95.24%（详见表1）。"
    ) in text


def test_seats_and_elected_by_post_and_the_heads_party_members_and_newcomers():
    a = _unit("一村")
    a.by_post = {
        "主任": {"seats": 1, "candidates": 2, "elected": 1, "vacant": 0, "party": 1, "incumbents": 1},
        "委员": {"seats": 2, "candidates": 3, "elected": 2, "vacant": 0, "party": 0, "incumbents": 0},
    }
    b = _unit("二村")
    b.by_post = {
        "主任": {"seats": 1, "candidates": 2, "elected": 0, "vacant": 1, "party": 0, "incumbents": 0},
        "委员": {"seats": 2, "candidates": 3, "elected": 2, "vacant": 0, "party": 1, "incumbents": 1},
    }
    text = _text(build_many([a, b], place="甲镇").context)
    assert "分职务看，应选主任2名，实际选出1名，缺额1名；应选委员4名，实际选出4名。" in text
    assert "当选主任中，中共党员1名，连选连任1名，新当选0名。" in text


def test_a_party_record_digests_as_members_present_and_a_committee_by_post():
    from test_aggregate import election

    from pipeline.documents.summary import digest

    party = digest(election("party-donghua-gongtui"))
    assert list(party.electorates) == ["present"]
    village = digest(election("village-liulin-runoff"))
    assert village.electorates == {"all_voters": [1, 2360, 2360, 2205]}
    assert list(village.by_post) == ["主任", "副主任", "委员"]
    assert sum(r["seats"] for r in village.by_post.values()) == village.stats.seats
    assert sum(r["elected"] for r in village.by_post.values()) == village.stats.elected


# --------------------------------------------------------------------------------------------
# The level's own input (item 3): seed 004 篇5 caught at the township level
# --------------------------------------------------------------------------------------------
XIUMEI_LEVEL = """\
percent_places: {default: 2, share: 0}
reported:
  turnout_percent: 90
  men_percent: 70
  women_percent: 30
  party_percent: 88
  first_round_success_percent: 100
  elected_count: 66
previous:
  members: 70
practices:
  - 镇党委成立了以党委书记为组长的换届领导小组，联村干部下到各自联系村担任联络员。
counts:
  - {item: 培训选举工作人员, count: 320, unit: 人次}
  - {item: 来信来访, count: 0, unit: 起}
"""


@pytest.fixture(scope="module")
def xiumei(tmp_path_factory):
    town = seedtrees.xiumei(tmp_path_factory.mktemp("xiumei"))
    (town / LEVEL_FILE).write_text(XIUMEI_LEVEL, encoding="utf-8")
    return town


def test_the_seeds_wrong_percentages_are_caught_at_the_township_level(xiumei, tmp_path):
    result = CliRunner().invoke(main, ["summary", str(xiumei), "-o", str(tmp_path / "修梅镇.docx")])
    assert result.exit_code == 1, result.output  # findings in the data: the township's typed figures
    level = str(xiumei / LEVEL_FILE)
    expected = [
        f"{level}:3:20  警告  STATS-REPORTED-MISMATCH  本级填报的参选率 90% 与计算值不符："
        "本级合计登记选民 12670 人，参加投票 9700 人，参选率应为 76.56%。（字段 reported.turnout_percent）",
        f"{level}:4:16  警告  STATS-REPORTED-MISMATCH  本级填报的男性成员占比 70% 与计算值不符："
        "本级新当选成员 66 名，其中男性 44 名，占比应为 67%。（字段 reported.men_percent）",
        f"{level}:5:18  警告  STATS-REPORTED-MISMATCH  本级填报的女性成员占比 30% 与计算值不符："
        "本级新当选成员 66 名，其中女性 22 名，占比应为 33%。（字段 reported.women_percent）",
        f"{level}:6:18  警告  STATS-REPORTED-MISMATCH  本级填报的党员占比 88% 与计算值不符："
        "本级新当选成员 66 名，其中中共党员 57 名（含预备党员），占比应为 86%。（字段 reported.party_percent）",
    ]
    lines = [line for line in result.output.splitlines() if LEVEL_FILE in line]
    assert lines == expected  # 100% success and 66 elected are right: not reported
    text = _docx_text(tmp_path / "修梅镇.docx")
    assert "本次共有22个单位进行换届选举，登记选民12670人，参加投票9700人，参选率76.56%" in text
    assert "女性22名，占33%；中共党员（含预备党员）57名，占86%；连任50名，占76%" in text
    assert "与上届相比，成员由70名减为66名。" in text
    assert "二、主要做法\n培训选举工作人员320人次，来信来访0起。\n镇党委成立了以党委书记为组长的换届领导小组" in text


def test_a_level_file_is_not_a_record_and_a_bad_one_says_where(xiumei, tmp_path):
    checked = CliRunner().invoke(main, ["check", str(xiumei)])
    assert "共检查 22 个文件" in checked.output and checked.exit_code == 0, checked.output
    folder = tmp_path / "镇"
    folder.mkdir()
    for record in sorted(xiumei.glob("*村委会.yaml"))[:2]:
        (folder / record.name).write_bytes(record.read_bytes())
    (folder / LEVEL_FILE).write_text("percent_places: 7\nreported:\n  turnout: 90\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["summary", str(folder), "-o", str(tmp_path / "a.docx")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if LEVEL_FILE in line]
    assert len(lines) == 2 and lines[0].startswith(f"{folder / LEVEL_FILE}:1:17  错误") and ":3:3  错误" in lines[1]
    assert "turnout" in lines[1]
    # The summary is written all the same, without the unusable file's choices.
    assert "参选率" in _docx_text(tmp_path / "a.docx")


def test_a_level_that_expects_more_units_says_how_many_sent_no_record():
    ctx = build_many([_unit("一村")], place="甲镇", expected=3).context
    assert ctx["intro"].startswith("甲镇共有3个单位开展换届选举工作")
    assert "本次共有3个单位进行换届选举，其中1个单位的选举情况计入本总结；另有2个单位尚未报送选举记录。登记" in _text(
        ctx
    )


def test_batch_reports_a_levels_wrong_figures_in_report_json_and_the_workbook(xiumei, tmp_path):
    import json

    import openpyxl

    from pipeline.batch import run_batch

    tree = tmp_path / "tree" / "修梅镇"
    tree.mkdir(parents=True)
    for record in sorted(xiumei.glob("*村委会.yaml"))[:2]:
        (tree / record.name).write_bytes(record.read_bytes())
    (tree / LEVEL_FILE).write_text("reported:\n  turnout_percent: 90\n", encoding="utf-8")
    result = run_batch(str(tmp_path / "tree"), str(tmp_path / "out"), jobs=1)
    assert result.total == 2 and result.ok == 2  # the level file is not a unit
    assert [f.id for f in result.level_findings] == ["STATS-REPORTED-MISMATCH"]
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["level_findings"][0]["line"] == 2 and "参选率应为 75.67%" in report["level_findings"][0]["message"]
    problems = openpyxl.load_workbook(tmp_path / "out" / "批量报告.xlsx")["问题"]
    rows = [[c.value for c in row] for row in problems.iter_rows(min_row=2)]
    assert any(r[3] == "STATS-REPORTED-MISMATCH" and "本级填报的参选率 90%" in r[4] for r in rows)
    cli = CliRunner().invoke(main, ["batch", str(tmp_path / "tree"), "-o", str(tmp_path / "out")])
    assert cli.exit_code == 1 and "本级填报的参选率 90%" in cli.output


# --------------------------------------------------------------------------------------------
# The upward 统计表 (item 6), opened in LibreOffice Calc
# --------------------------------------------------------------------------------------------
def _calc_csv(xlsx, tmp_path) -> list[list[str]]:
    """The sheet as LibreOffice Calc shows it (formatted values), through a headless conversion to CSV."""
    import csv
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "需要 LibreOffice Calc：apt-get install libreoffice-calc-nogui（见 tools/system-deps.sh）"
    work = tmp_path / "calc"
    work.mkdir()
    shutil.copy(xlsx, work / "t.xlsx")
    run = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(work),
            str(work / "t.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    target = work / "t.csv"
    assert target.exists(), (
        "LibreOffice 未能打开 .xlsx（缺少 Calc 组件？apt-get install libreoffice-calc-nogui）：" + run.stderr
    )
    with open(target, encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_the_statistics_table_opens_in_calc_with_correct_totals(xiumei, tmp_path):
    import json

    from pipeline.batch import run_batch
    from pipeline.batch.statsheet import STATSHEET_FILE

    out = tmp_path / "out"
    run_batch(str(xiumei.parent), str(out), jobs=1)
    sheet = out / "修梅镇" / STATSHEET_FILE
    rows = _calc_csv(sheet, tmp_path)
    assert rows[0][0] == "修梅镇换届选举情况统计表" and rows[1][0] == "填报单位：修梅镇　　　　填报日期：2026年5月18日"
    head = rows[2]
    assert head[:8] == ["单位", "登记选民", "参加投票", "参选率", "应选", "正式候选人", "当选", "缺额"]
    units, total = rows[3:25], rows[25]
    assert len(units) == 22 and all(r[0].startswith("修梅") for r in units) and total[0] == "合计"
    col = {name: i for i, name in enumerate(head)}
    for name in ("登记选民", "参加投票", "应选", "当选", "男", "女", "中共党员", "连任", "新当选", "主任中党员"):
        assert int(total[col[name]]) == sum(int(r[col[name]]) for r in units), name
    figures = {name: total[col[name]] for name in ("登记选民", "参加投票", "参选率", "女", "女性占比", "党员占比")}
    # The level's places: 2 for the turnout, 0 for the shares of members (_汇总.yaml percent_places).
    assert figures == {
        "登记选民": "12670",
        "参加投票": "9700",
        "参选率": "76.56%",
        "女": "22",
        "女性占比": "33%",
        "党员占比": "86%",
    }
    assert total[col["新当选"]] == "16" and total[col["平均年龄"]] == "47.7"
    assert rows[26][0].startswith("注：各类选举的登记、参加人数分列，不相加")
    # report.json carries the same figures.
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    table = report["statistics"][0]
    assert table["path"] == f"修梅镇/{STATSHEET_FILE}" and table["columns"] == head
    assert table["total"][:4] == ["合计", 12670, 9700, "76.56%"]
    # Print setup: landscape A4, one page wide, the heads repeated on every page.
    import openpyxl

    ws = openpyxl.load_workbook(sheet)["统计表"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$3"


def test_party_and_voters_get_columns_of_their_own_in_the_table():
    from pipeline.batch.statsheet import columns

    party = _unit("雁宁路社区", registered=14, voted=13)
    party.electorates = {"present": [1, 14, 14, 13]}
    village = _unit("一村")
    village.electorates = {"all_voters": [1, 100, 100, 90]}
    heads = [c.head for c in columns([village, party])]
    assert heads[:7] == ["单位", "登记选民", "参加投票", "参选率", "应到会党员", "实到会党员", "到会率"]


# --------------------------------------------------------------------------------------------
# Structure figures (item 2): the level's own age bands and schooling groups, 完成率
# --------------------------------------------------------------------------------------------
def test_age_band_labels_start_each_band_at_its_cut():
    from pipeline.stats import age_band_labels

    assert age_band_labels([40, 55]) == ["40岁以下", "40至54岁", "55岁及以上"]
    assert age_band_labels([50]) == ["50岁以下", "50岁及以上"]
    assert age_band_labels([55, 35, 45]) == ["35岁以下", "35至44岁", "45至54岁", "55岁及以上"]


def test_rebanding_counts_each_member_once_at_the_boundaries():
    from pipeline.stats import rebanded

    stats = Stats(elected=5, age_known=4, ages={"39": 1, "40": 1, "54": 1, "55": 1}, schooling={"大专": 2, "高中": 3})
    again = rebanded(stats, [40, 55], {"大专及以上": ["大专"], "高中以下": ["高中", "初中"]})
    assert again.age == {"40岁以下": 1, "40至54岁": 2, "55岁及以上": 1, "未填": 1}
    assert again.education == {"大专及以上": 2, "高中以下": 3, "未填": 0}


def test_a_township_bands_ages_and_schooling_as_its_seed_does_and_states_its_completion(xiumei, tmp_path):
    folder = tmp_path / "修梅镇"
    folder.mkdir()
    for record in xiumei.glob("*村委会.yaml"):
        (folder / record.name).write_bytes(record.read_bytes())
    (folder / LEVEL_FILE).write_text(
        "percent_places: {default: 2, share: 0, success: 0}\n"
        "age_bands: [50]\n"
        "schooling_groups: {高中以上: [研究生, 大学本科, 大专, 高中, 中专], 初中及以下: [初中, 小学, 文盲或半文盲]}\n"
        "finished_by: 2026-05-18\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["summary", str(folder), "-o", str(tmp_path / "a.docx")])
    assert result.exit_code == 0, result.output
    text = _docx_text(tmp_path / "a.docx")
    # Seed 004 篇5: “50岁以下的有55人，占83%；高中以上学历有41人，占62%”; 22 villages finished on 5月18日.
    assert "年龄结构为50岁以下55名，50岁及以上11名；文化程度为高中以上41名，初中及以下25名" in text
    assert "截至2026年5月18日，已完成换届选举（选足全部名额）的单位22个，占100%。" in text
    assert "一次选举成功率100%" in text
    tables = {
        t.rows[0].cells[0].text + str(i): [[c.text for c in r.cells] for r in t.rows]
        for i, t in enumerate(docx.Document(str(tmp_path / "a.docx")).tables)
    }
    structure = next(rows for rows in tables.values() if rows[0][:2] == ["类别", "项目"])
    assert ["年龄", "50岁以下", "55", "83%"] in structure and ["文化程度", "高中以上", "41", "62%"] in structure


# --------------------------------------------------------------------------------------------
# Sentences a secretary would keep (item 7)
# --------------------------------------------------------------------------------------------
def _single(name: str) -> dict:
    from test_aggregate import election

    from pipeline.documents.summary import build

    return build([election(name)]).context


def test_a_unit_summary_does_not_repeat_its_own_name():
    ctx = _single("village-liulin-runoff")
    assert ctx["intro"].startswith("2026年3月3日至2026年4月18日，柳林村开展第十二届村民委员会换届选举工作")
    assert "柳林村开展柳林村" not in ctx["intro"]


def test_a_gongtui_branch_summary_tells_the_recommendation_stage_and_no_party_share():
    text = _text(_single("party-donghua-gongtui"))
    assert (
        "公开推荐阶段，经党员推荐和群众推荐（参加推荐的党员88名、群众60名），按规定确定委员候选人预备人选6名："
        "龙晓燕、付建明、邱振国、段立强、温秀梅、黎春燕。"
    ) in text
    assert "到会率93.75%" in text and "参选率" not in text
    assert "新当选的5名成员中，女性2名，占40.00%；连任3名，占60.00%。" in text  # never 中共党员…占100.00%


def test_a_deputies_summary_speaks_of_districts_and_deputies():
    text = _text(_single("deputy-xincheng-districts"))
    assert "本次选举共4个选区，应选代表6名，正式候选人10名，选举产生人民代表大会代表6名。" in text
    assert "4个选区中，2个首次投票即选出全部名额" in text and "当选的6名代表中，女性3名" in text
    assert "人民代表大会代表成员" not in text


def test_all_members_in_the_party_is_said_in_words_not_as_100_percent():
    from pipeline.documents.summary import party_words

    assert party_words(Stats(elected=3, party=3)) == "均为中共党员（含预备党员）；"
    assert party_words(Stats(elected=3, party=2)) == "中共党员（含预备党员）2名，占66.67%；"
    assert party_words(Stats(elected=3, party=3), party_body=True) == ""


# --------------------------------------------------------------------------------------------
# Seed 004 篇4 (吴起县, 164 villages): every figure the seed states that the records can carry
# --------------------------------------------------------------------------------------------
WUQI_LEVEL = """\
percent_places: {default: 2, share: 0, success: 0, registration: 1}
units_total: 164
finished_by: 2026-03-30
age_bands: [40, 56]
schooling_groups: {大专: [研究生, 大学本科, 大专], 高中以下: [高中, 中专, 初中, 小学, 文盲或半文盲]}
reported:
  turnout_percent: 97.06
  women_percent: 17
  party_percent: 48
"""


def test_seed_004_4_wuqi_county_summary_states_the_seeds_figures(tmp_path):
    county = seedtrees.wuqi(tmp_path / "tree")
    (county / LEVEL_FILE).write_text(WUQI_LEVEL, encoding="utf-8")
    result = CliRunner().invoke(main, ["summary", str(county), "-o", str(tmp_path / "吴起县.docx")])
    # The seed's own 97.06%, 17% and 48% are right: no finding; 80 villages without a woman are warnings only.
    assert result.exit_code == 0, result.output
    assert LEVEL_FILE not in result.output
    text = _docx_text(tmp_path / "吴起县.docx")
    for sentence in (
        "吴起县共辖9个乡镇、1个街道，共有164个单位开展换届选举工作",  # 全县9个乡镇和1个街道办，共有164个村委会
        "截至2026年3月30日，已完成换届选举（选足全部名额）的单位162个，占99%。",  # 截止3月30日…162个，占99%
        "应选主任164名，实际选出162名，缺额2名；应选委员328名，实际选出324名，缺额4名。",
        # 共登记选民80150人，占全县农业人口的67.1%；实际参加选举77790人，参选率为97.06%
        "登记选民80150人，占总人口的67.1%，参加投票77790人，参选率97.06%",
        "女性82名，占17%；中共党员（含预备党员）231名，占48%",  # 妇女干部82名，占17%; 党员…48%
        "当选主任中，中共党员98名，连选连任62名，新当选100名。",  # the seed's 99 does not add up: 62+99≠162
        "年龄结构为40岁以下114名，40至55岁318名，56岁及以上54名；文化程度为大专6名，高中以下480名",
        "2个单位未选出主任：吴起镇侯岔村、周湾镇牧兴庄村。",
        "164个选举场次中，162个首次投票即选出全部名额，一次选举成功率99%；另行选举2次，涉及2个场次",
    ):
        assert sentence in text, sentence
    assert "人（户）" not in text


# --------------------------------------------------------------------------------------------
# Seeds 001 and 003
# --------------------------------------------------------------------------------------------
def _level_summary(folder, level: str, tmp_path) -> str:
    (folder / LEVEL_FILE).write_text(level, encoding="utf-8")
    target = tmp_path / "out.docx"
    result = CliRunner().invoke(main, ["summary", str(folder), "-o", str(target)])
    assert result.exit_code == 0, result.output
    return _docx_text(target)


def test_seed_001_residents_committees_by_representatives_with_the_previous_term(tmp_path):
    street = seedtrees.seed_001(tmp_path / "tree")
    text = _level_summary(street, "percent_places: 0\nprevious: {members: 70, average_age: 48.0}\n", tmp_path)
    assert "居民代表540人，参加投票513人，参选率95%（详见表1）" in text  # 居民代表, not 选民 nor 人（户）
    assert "当选67名" in text and "一次选举成功率100%" in text  # 全部一次投票選舉成功
    # 換屆前共有居委會成員 人，平均年齡 歲…比換屆前降低了 歲 (blank in the seed, from the level file here).
    assert "与上届相比，成员由70名减为67名，平均年龄由48.0岁降为42.1岁。" in text
    assert "年龄结构为35岁及以下35名" in text and "文化程度为大专及以上22名，高中及中专45名" in text
    table = next(
        [[c.text for c in r.cells] for r in t.rows]
        for t in docx.Document(str(tmp_path / "out.docx")).tables
        if t.rows[0].cells[0].text == "类别"
    )
    assert ["年龄", "35岁及以下", "35", "52%"] in table and ["文化程度", "大专及以上", "22", "33%"] in table


def test_seed_003_mixed_decimals_per_figure(tmp_path):
    town = seedtrees.seed_003(tmp_path / "tree")
    text = _level_summary(town, "percent_places: {default: 0, party: 1, incumbents: 2}\n", tmp_path)
    assert "玉堂镇共有5个单位开展换届选举工作" in text
    assert "应选主任5名，实际选出5名；应选委员20名，实际选出20名" in text  # 主任xx人，委员xx人
    # 女性占xx%，中共党员占xx.x%，继任占xx.xx%
    assert "女性8名，占32%；中共党员（含预备党员）18名，占72.0%；连任13名，占52.00%" in text
    assert "年龄结构为35岁及以下7名，36至45岁6名，46至55岁6名，56岁及以上6名" in text


def test_a_party_branchs_members_are_not_added_to_a_committees():
    from test_aggregate import election

    from pipeline.documents.summary import digest

    party = digest(election("party-donghua-gongtui"))
    assert "委员" not in party.by_post and party.by_post["党组织委员"]["elected"] == 5


# --------------------------------------------------------------------------------------------
# What the committee records say of their units, the 推荐 stage and the 人大 figures at a level (item 1)
# --------------------------------------------------------------------------------------------
def test_seed_003_groups_population_and_the_levels_words_for_the_kinds(tmp_path):
    town = seedtrees.seed_003(tmp_path / "tree")
    level = "percent_places: 0\ncommunity_words: {居民委员会: 场镇社区, 村民委员会: 农村社区}\n"
    text = _level_summary(town, level, tmp_path)
    # 其中，场镇社区x个，农村社区xx个，共有村(居)民小组xxx个，总人口xxxxx人 (6+7+8+9+10 小组; 1500…1900 人).
    assert "5个村（居）民委员会中，场镇社区1个，农村社区4个；共有村（居）民小组40个，总人口8500人。" in text
    # 登记率 against the population of the four villages that elect by all voters (4600 of 7000 = 65.7 %).
    assert "登记选民4600人，占总人口的66%，参加投票4100人" in text


def test_one_kind_is_not_listed_and_a_unit_without_its_figures_is_said(tmp_path):
    town = tmp_path / "tree" / "某镇"
    members = [
        seedtrees.Member(post, gender, True, False, "1980-01", "高中")
        for post, gender in (("主任", "男"), ("委员", "男"), ("委员", "女"))
    ]
    for i, (population, groups) in enumerate(((1200, 5), (800, None), (None, None))):
        seedtrees.village(
            town / f"{i}村村委会.yaml",
            f"{'甲乙丙'[i]}村",
            ["某县", "某镇"],
            500,
            450,
            members,
            seedtrees.dt.date(2026, 3, 18),
            400 + i,
            population=population,
            groups=groups,
        )
    text = _level_summary(town, "percent_places: 0\n", tmp_path)
    assert "3个村民委员会共有村民小组5个（另有2个单位未填小组数），总人口2000人（另有1个单位未填人口数）。" in text
    assert "占总人口" not in text  # 登记率 only when every unit electing by all voters gives its population
    named = _level_summary(town, "community_words: {村民委员会: 农村社区}\n", tmp_path)
    assert "3个农村社区共有村民小组5个（另有2个单位未填小组数）" in named  # one kind: named, not listed
    bare = seedtrees.seed_003(tmp_path / "bare", facts=False)
    assert "总人口" not in _level_summary(bare, "percent_places: 0\n", tmp_path)


def test_deputies_at_a_level_have_their_own_electorate_districts_and_post():
    from test_aggregate import election

    from pipeline.documents.summary import digest

    deputies = [digest(election(n)) for n in ("deputy-xincheng-districts", "deputy-hewan-district7")]
    village = digest(election("village-liulin-runoff"))
    text = _text(build_many([*deputies, village], place="某区").context)
    # 10698 + 3120 voters of the 人大 districts, 9892 + 2975 voting; 柳林村's 2360 are counted apart.
    assert "人大代表选举登记选民13818人，参加投票12867人，参选率93.12%" in text
    assert "登记选民2360人，占总人口的76.01%，参加投票2205人，参选率93.43%" in text
    assert "人大代表选举共划分选区5个。" in text  # 4 districts of 新城街道 and 第七选区
    assert "应选人大代表8名，实际选出8名" in text and "应选委员3名，实际选出3名" in text
    assert "1个村民委员会共有村民小组9个，总人口3105人。" in text


def test_the_recommendation_stage_is_summed_at_a_level():
    from test_aggregate import election

    from pipeline.documents.summary import digest

    branch = digest(election("party-donghua-gongtui"))
    assert branch.recommendation == {"党组织委员": [1, 88, 60, 6]}
    twice = area("某街道", [branch, branch])
    assert twice.recommendation == {"党组织委员": [2, 176, 120, 12]}
    text = _text(build_many([twice], place="某区").context)
    assert (
        "公开推荐阶段，2个单位经党员推荐和群众推荐（参加推荐的党员176名、群众120名），确定党组织委员候选人预备人选12名。"
        in text
    )


def test_the_table_has_groups_and_population_columns_when_units_give_them(tmp_path):
    import openpyxl

    from pipeline.batch import run_batch
    from pipeline.batch.statsheet import STATSHEET_FILE

    town = seedtrees.seed_003(tmp_path / "tree")
    run_batch(str(town.parent), str(tmp_path / "out"), jobs=1)
    ws = openpyxl.load_workbook(tmp_path / "out" / "玉堂镇" / STATSHEET_FILE)["统计表"]
    head = [c.value for c in ws[3]]
    assert head[:3] == ["单位", "小组数", "总人口"]
    rows = {ws.cell(row=r, column=1).value: [c.value for c in ws[r]] for r in range(4, 10)}
    assert rows["白玉社区"][1:3] == [6, 1500] and rows["新建村"][1:3] == [10, 1900]
    assert rows["合计"][1:3] == [40, 8500]
    # As LibreOffice Calc shows it: the totals are the sums of the rows.
    calc = _calc_csv(tmp_path / "out" / "玉堂镇" / STATSHEET_FILE, tmp_path)
    assert calc[2][:3] == ["单位", "小组数", "总人口"]
    units, total = calc[3:8], calc[8]
    assert total[0] == "合计" and [int(total[i]) for i in (1, 2)] == [40, 8500]
    assert [sum(int(r[i]) for r in units) for i in (1, 2)] == [40, 8500]


def test_deputies_get_columns_of_their_own_in_the_table():
    from pipeline.batch.statsheet import columns

    village = _unit("一村")
    village.electorates = {"all_voters": [1, 100, 100, 90]}
    district = _unit("第七选区", registered=3120, voted=2975)
    district.electorates = {"deputy": [1, 3120, 3120, 2975]}
    cols = columns([village, district])
    assert [c.head for c in cols][:7] == [
        "单位",
        "登记选民",
        "参加投票",
        "参选率",
        "人大代表选举登记选民",
        "参加投票",
        "参选率",
    ]
    assert [c.value(district) for c in cols[1:7]] == [None, None, None, 3120, 2975, (2975, 3120)]
