"""Aggregated work summaries: the tree fold, the figures (summed, never averaged), huanjie summary."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from test_batch import BAD, make_tree

from pipeline import aggregate, check
from pipeline.aggregate import TreeFold, common_root, discover
from pipeline.batch import run_batch
from pipeline.cli import main
from pipeline.documents import Election
from pipeline.documents.summary import Digest, area, build_many, digest, stats_from_dict
from pipeline.stats import Stats


def election(name: str) -> Election:
    result = check.check_file(str(SAMPLES / f"{name}.yaml"))
    assert result.evaluated, [f.message for f in result.findings]
    return Election.from_check(result)


def paragraphs(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def tables(path: Path) -> dict[str, list[list[str]]]:
    """The tables of a summary by caption (the paragraph before each table)."""
    document = docx.Document(str(path))
    body = document.element.body
    out = {}
    caption = ""
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            if text.strip():
                caption = text.strip()
        elif tag == "tbl":
            table = next(t for t in document.tables if t._tbl is child)
            out[caption] = [[c.text for c in row.cells] for row in table.rows]
    return out


# --------------------------------------------------------------------------------------------
# Figures, by hand from the samples
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def batch_out(tmp_path_factory):
    base = tmp_path_factory.mktemp("agg")
    tree = make_tree(base / "tree")
    out = base / "out"
    run_batch(str(tree), str(out), jobs=1)
    return tree, out


def test_township_summary_figures(batch_out):
    _, out = batch_out
    path = out / "青石县/东城街道/换届选举工作总结.docx"
    text = paragraphs(path)
    # 阳光社区 1486 户 registered, 1398 voted; 晨光社区 buildings 48+36+60+42 registered, 41+30+44+37 voted.
    # 清河社区党支部 has no count and the broken 错误社区 has an error: neither is counted.
    registered = 1486 + 48 + 36 + 60 + 42
    voted = 1398 + 41 + 30 + 44 + 37
    assert (registered, voted) == (1672, 1550)
    assert (
        "本次共有4个单位进行换届选举，其中2个单位的选举情况计入本总结；另有2个单位未计入："
        "清河社区党支部（尚无计票结果）；错误社区（记录未通过校验）。"
        f"登记户代表{registered}户，参加投票{voted}户，参选率92.70%"
    ) in text
    assert text.startswith("东城街道楼栋长、居民委员会\n换届选举工作总结")
    assert "东城街道共有4个单位开展换届选举工作" in text
    found = tables(path)
    table1 = found["表1　选举基本情况"]
    assert table1[0][0] == "单位或场次"
    assert [r[0] for r in table1[1:]] == [
        "晨光社区1号楼",
        "晨光社区2号楼",
        "晨光社区3号楼",
        "晨光社区4号楼",
        "阳光社区",
        "合计",
    ]
    assert table1[-1] == ["合计", "1672", "1550", "92.70%", "9", "18", "9", "0"]
    table2 = found["表2　各单位选举结果"]
    assert [r[0] for r in table2[1:]] == ["晨光社区", "阳光社区", "合计"]
    assert table2[1][1:] == ["4", "4", "4", "0", "0", "0", "100.00%"]
    assert "表4　各单位新当选成员性别和年龄" in found and "表5　各单位新当选成员文化程度、政治面貌和连任情况" in found


def test_county_summary_sums_counts_and_never_averages_percentages(batch_out):
    _, out = batch_out
    path = out / "青石县/换届选举工作总结.docx"
    text = paragraphs(path)
    # 东城街道 1672/1550 (above); 河湾镇: 柳林村 2360/2205, 第七选区 3120/2975.
    registered, voted = 1672 + 2360 + 3120, 1550 + 2205 + 2975
    assert (registered, voted) == (7152, 6730)
    # 6730/7152 = 94.0995…% → 94.10%; the mean of the townships' 92.70% and 94.53% would be 93.62%.
    # The county names the units left out below it with their township.
    assert (
        "本次共有6个单位进行换届选举，其中4个单位的选举情况计入本总结；另有2个单位未计入："
        "东城街道清河社区党支部（尚无计票结果）；东城街道错误社区（记录未通过校验）。"
        "登记户代表1672户，参加投票1550户，参选率92.70%；登记选民2360人，占总人口的76.01%，参加投票2205人，"
        "参选率93.43%；人大代表选举登记选民3120人，参加投票2975人，参选率95.35%"
    ) in text
    # The 人大 district's voters are the villagers of another election: never added to 柳林村's (issue 17 item 1).
    # 阳光社区 (12 居民小组, 4310 人) and 柳林村 (9 村民小组, 3105 人) give their unit's groups and population.
    assert "2个村（居）民委员会中，居民委员会1个，村民委员会1个；共有村（居）民小组21个，总人口7415人。" in text
    assert "人大代表选举共划分选区1个。" in text and "应选人大代表2名，实际选出2名" in text
    # Households and voters are never added: the summed 94.10% is only in 表1's 合计 row.
    assert (registered, voted) == (7152, 6730)
    found = tables(path)
    table1 = found["表1　选举基本情况"]
    assert table1[0][0] == "地区"
    assert table1[1:] == [
        ["东城街道", "1672", "1550", "92.70%", "9", "18", "9", "0"],
        ["河湾镇", "5480", "5180", "94.53%", "7", "12", "7", "1"],
        ["合计", "7152", "6730", "94.10%", "16", "30", "16", "1"],
    ]
    # 柳林村 needed a 另行选举: 7 contests, 6 filled in the first round.
    assert "7个选举场次中，6个首次投票即选出全部名额，一次选举成功率85.71%；另行选举1次，涉及1个场次" in text
    assert found["表2　各地区选举结果"][-1] == ["合计", "7", "7", "6", "1", "0", "0", "85.71%"]
    sexes = found["表4　各地区新当选成员性别和年龄"]
    assert sexes[0] == ["地区", "当选", "男", "女", "35岁及以下", "36至45岁", "46至55岁", "56岁及以上"]
    total = sexes[-1]
    assert total[0] == "合计" and int(total[1]) == 16 == int(total[2]) + int(total[3])
    assert sum(int(x) for x in total[4:]) <= 16
    # Shares of the structure table are of the summed members.
    women = int(total[3])
    assert f"新当选的16名成员中，女性{women}名，占{women / 16 * 100:.2f}%" in text
    assert text.startswith("青石县基层组织换届选举工作总结")


def test_each_level_of_the_tree_gets_a_summary(batch_out):
    _, out = batch_out
    assert {str(p.relative_to(out)) for p in out.rglob(aggregate.SUMMARY_FILE)} == {
        "青石县/东城街道/换届选举工作总结.docx",
        "青石县/河湾镇/换届选举工作总结.docx",
        "青石县/换届选举工作总结.docx",
    }
    assert "河湾镇共有2个单位开展换届选举工作" in paragraphs(out / "青石县/河湾镇/换届选举工作总结.docx")


# --------------------------------------------------------------------------------------------
# huanjie summary
# --------------------------------------------------------------------------------------------
def test_summary_command_matches_the_batch(batch_out, tmp_path):
    tree, out = batch_out
    target = tmp_path / "县.docx"
    result = CliRunner().invoke(main, ["summary", str(tree), "-o", str(target)])
    assert result.exit_code == 1, result.output  # the broken record is left out, and said so
    assert f"未计入：{BAD}（记录有错误）" in result.output and "DEADLINE-VOTER-LIST" in result.output
    assert "未计入：青石县/东城街道/清河社区党支部.yaml（尚无计票结果" in result.output
    table = tmp_path / "县-统计表.xlsx"
    assert f"已生成 {target} 和统计表 {table}（汇总 4 个单位，2 个记录未计入）。" in result.output
    assert paragraphs(target) == paragraphs(out / "青石县/换届选举工作总结.docx")
    # The 统计表 written beside it is the batch's, cell for cell (issue 17: summary writes the table too).
    import openpyxl

    def cells(path):
        return [[c.value for c in row] for row in openpyxl.load_workbook(path)["统计表"].iter_rows()]

    assert cells(table) == cells(out / "青石县/换届选举情况统计表.xlsx")
    # A township folder, in parallel, with a title and an author; -o a folder.
    folder = tmp_path / "docs"
    folder.mkdir()
    result = CliRunner().invoke(
        main,
        [
            "summary",
            str(tree / "青石县" / "河湾镇"),
            "-o",
            str(folder),
            "--jobs",
            "2",
            "--title",
            "河湾镇2026年村级换届选举工作总结",
            "--author",
            "河湾镇人民政府",
        ],
    )
    assert result.exit_code == 0, result.output
    text = paragraphs(folder / aggregate.SUMMARY_FILE)
    assert "河湾镇2026年村级换届选举工作总结" in text.replace("\n", "") and "河湾镇人民政府" in text
    # The root of a flat folder is named after the records' common parents.
    assert "青石县共有2个单位" in text


def test_summary_command_errors(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["summary", str(tmp_path / "none"), "-o", str(tmp_path / "a.docx")]).exit_code == 2
    assert runner.invoke(main, ["summary", str(tmp_path), "-o", str(tmp_path / "a.txt")]).exit_code == 2
    only_party = tmp_path / "party"
    only_party.mkdir()
    (only_party / "清河.yaml").write_bytes((SAMPLES / "party-qinghe-branch.yaml").read_bytes())
    result = runner.invoke(main, ["summary", str(only_party), "-o", str(tmp_path / "a.docx")])
    assert result.exit_code == 1 and "无法生成换届选举工作总结" in result.output
    assert not (tmp_path / "a.docx").exists()


# --------------------------------------------------------------------------------------------
# Digests and the fold
# --------------------------------------------------------------------------------------------
def test_digest_round_trips_through_json():
    d = digest(election("village-liulin-runoff"))
    again = Digest.from_dict(json.loads(json.dumps(d.to_dict(), ensure_ascii=False)))
    assert again == d
    assert stats_from_dict(d.stats.to_dict()) == d.stats
    assert d.contests == [["", 2360, 2205, 2360, 5, 9, 5, 1]]
    assert d.narrative["practices"][0].startswith("广泛宣传发动")


def test_build_many_recomputes_shares_from_sums():
    a = Digest(
        "甲村",
        Stats(
            registered=100,
            turnout_base=100,
            participants=99,
            elected=1,
            contests=1,
            contests_counted=1,
            filled_first_round=1,
        ),
        parents=["某县", "某镇"],
    )
    b = Digest(
        "乙村",
        Stats(registered=900, turnout_base=900, participants=600, elected=3, contests=1, contests_counted=1),
        parents=["某县", "某镇"],
    )
    ctx = build_many([area("某镇", [a, b])], place="某县").context
    text = "\n".join(b.get("text", "") for s in ctx["sections"] for b in s["blocks"])
    # 699/1000 = 69.90%, not (99% + 66.67%) / 2.
    assert "参选率69.90%" in text
    table2 = next(b for b in ctx["sections"][0]["blocks"] if b.get("caption", "").startswith("表2"))
    assert table2["rows"] == [
        ["某镇", "2", "2", "1", "0", "0", "0", "50.00%"],
        ["合计", "2", "2", "1", "0", "0", "0", "50.00%"],
    ]
    assert ctx["author"] == "某县" and ctx["units"] == "2"


def test_same_place_records_are_told_apart():
    e1, e2 = election("residents-yangguang"), election("building-leaders-chenguang")
    d2 = digest(e2)
    d2.label = digest(e1).label  # two records of one place
    ctx = build_many([digest(e1), d2]).context
    table2 = next(b for b in ctx["sections"][0]["blocks"] if b.get("caption", "").startswith("表2"))
    assert [r[0] for r in table2["rows"]] == ["阳光社区居委会", "阳光社区楼栋长", "合计"]


def test_tree_fold_gives_each_folder_its_children_deepest_first():
    def unit(label):
        return Digest(label, Stats(registered=10, elected=1), parents=["县"])

    seen = []
    fold = TreeFold(("县",), lambda folder, children: seen.append(("/".join(folder), [c.label for c in children])))
    for folder, label in [
        (("县",), "县直"),
        (("县", "甲镇"), "一村"),
        (("县", "甲镇"), "二村"),
        (("县", "甲镇", "片区"), "三村"),
        (("县", "乙镇"), None),
        (("县", "丙镇"), "四村"),
    ]:
        fold.add(folder, unit(label) if label else None)
    fold.finish()
    assert seen == [
        ("县/甲镇/片区", ["三村"]),
        ("县/甲镇", ["一村", "二村", "片区"]),
        ("县/丙镇", ["四村"]),
        ("县", ["县直", "甲镇", "丙镇"]),
    ]


def test_discover_and_common_root(tmp_path):
    make_tree(tmp_path)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.yaml").write_text("kind: x")
    (tmp_path / "青石县" / "说明.txt").write_text("x")
    units = discover(str(tmp_path))
    assert units[0] == "青石县/东城街道/晨光社区楼栋长.yaml" and len(units) == 6
    assert common_root(units) == ("青石县",)
    assert common_root(["a/b/c.yaml", "a/b/d.yaml"]) == ("a", "b") and common_root(["x.yaml", "a/y.yaml"]) == ()


def test_render_summary_of_records_still_works(tmp_path):
    from pipeline import check
    from pipeline.render import render_summary

    # render_summary takes checked records (check results or elections), never an unchecked Record.
    chosen = [check.check_file(str(SAMPLES / f"{n}.yaml")) for n in ("village-liulin-runoff", "residents-yangguang")]
    report = render_summary(chosen, tmp_path)
    text = paragraphs(Path(report.written[0].path))
    assert "青石县村民委员会、居民委员会" in text.replace("\n", "") and "登记3846人（户）" not in text
    # 2360 voters of 柳林村 and 1486 households of 阳光社区, each under its own name (never "3846人（户）").
    # 柳林村 gives its population (3105): 2360 registered are 76.01% of it.
    assert (
        "登记选民2360人，占总人口的76.01%，参加投票2205人，参选率93.43%；登记户代表1486户，参加投票1398户，参选率94.08%"
    ) in text
