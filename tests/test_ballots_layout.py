"""The ballot is always one sheet, and says what each kind of vote allows (issue 13, review §1 #2, #5, S3).

A ballot with 18 or 30 candidates used to spill its 填写说明 and 署名 onto a second page; now the builder picks a
layout that fits (row height, two columns, smaller type) and refuses, in Chinese, a list no sheet can hold. The
PDF tests convert with LibreOffice (one process for all of them) and read the pages with poppler; a missing tool
fails with the command that installs it.
"""

from __future__ import annotations

import copy
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers import cand, election_of, first_round, party, village
from test_pdf import convert, pages, tool

from pipeline.documents import ballots as ballot_builder
from pipeline.render import render_record

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
GIVEN = ["建国", "秀兰", "志强", "丽娟", "国庆", "海涛", "小燕", "德明", "玉珍", "文华", "桂英", "明辉", "晓东"]


def many(n: int, seats: int = 5) -> dict:
    """A village record with `n` 委员 candidates for `seats` seats (distinct names, three characters)."""
    names = [SURNAMES[i] + GIVEN[i % len(GIVEN)] for i in range(n)]
    return village(
        seats=[{"post": "主任", "count": 1}, {"post": "委员", "count": seats}],
        candidates=[cand("刘建华", "主任"), cand("陈志强", "主任")] + [cand(x, "委员") for x in names],
        electorate={"registered": 3000},
    )


def ballot(data: dict, suffix: str):
    found = [b for b in ballot_builder.ballots(election_of(data)) if b.suffix == suffix]
    assert found, [b.suffix for b in ballot_builder.ballots(election_of(data))]
    return found[0].context


def docx_text(path: Path) -> str:
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    return "\n".join(
        "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
    )


@pytest.fixture(scope="module")
def long_ballots(tmp_path_factory) -> dict[int, Path]:
    """The 委员 ballots of 18 and 30 candidates, rendered and converted in one LibreOffice run."""
    root = tmp_path_factory.mktemp("long-ballots")
    files = {}
    for n, data in ((18, many(18)), (30, many(30)), (-30, long_party()), (29, long_signatory())):
        render_record(election_of(data), root / f"n{n}", only="ballot")
        files[n] = (root / f"n{n}" / "05-选票-委员.docx").rename(root / f"ballot{n}.docx")
    convert(list(files.values()), root / "pdf", tmp_path_factory.mktemp("lo-profile"))
    return {n: root / "pdf" / f"ballot{n}.pdf" for n in files}


LONG_NAMES = ["迪丽娜尔·吐尔逊", "热合曼·阿不都热依木"]
LONG_COMMITTEE = "青石县河湾镇柳林村第十二届村民委员会换届选举村民选举委员会"  # 29 characters


def long_signatory() -> dict:
    """Review §1 #1: a 29-character committee name, the 署名 of the ballot."""
    data = many(6)
    data["committee"]["name"] = LONG_COMMITTEE
    return data


def long_party() -> dict:
    """A Party ballot of 30 委员 candidates (two columns, three mark columns) with two long ·-names."""
    names = LONG_NAMES + [SURNAMES[i] + GIVEN[i % len(GIVEN)] for i in range(28)]
    data = party()
    data["seats"] = [{"post": "书记", "count": 1}, {"post": "委员", "count": 6}]
    data["candidates"] = [cand("付建明", "书记")] + [cand(n, "委员") for n in names]
    data["electorate"] = {"registered": 300}
    return data


def page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(
        [tool("pdftotext"), "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out.split("\f")


@pytest.mark.parametrize("n", [18, 30])
def test_a_long_ballot_is_one_sheet_with_its_instructions_and_signature(long_ballots, n):
    pdf = long_ballots[n]
    assert pages(pdf) == 1
    first = page_texts(pdf)[0].replace(" ", "")
    assert "填写说明" in first
    assert "柳林村村民选举委员会" in first and "2026年4月18日" in first
    assert f"应选委员5名候选人{n}名" in first
    # Every candidate and every 另选人 space is on that sheet.
    assert first.split("填写说明")[0].count("另选人") == 5
    assert SURNAMES[n - 1] + GIVEN[(n - 1) % len(GIVEN)] in first


def test_the_signature_stays_inside_the_sheet(long_ballots):
    """The 30-candidate ballot ends above the bottom margin (841.9 pt − 20 mm) and inside the type area
    (right edge 521.6 pt); a line-end punctuation mark may hang, as Word and LibreOffice allow."""
    bbox = subprocess.run(
        [tool("pdftotext"), "-bbox-layout", str(long_ballots[30]), "-"], capture_output=True, text=True, check=True
    ).stdout
    first_page = bbox.split("</page>")[0]
    words = re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', first_page)
    assert max(float(y) for _, y, _ in words) <= 841.89 - 20 * 72 / 25.4
    assert words[-1][2] == "日"  # the date (2026年4月18日) ends the first and only page
    for x, _, text in words:
        hang = 12 if text[-1] in "，。；：、”）" else 0
        assert float(x) <= 521.6 + 1 + hang, text


def test_a_29_character_committee_name_stays_in_the_type_area_of_the_ballot(long_ballots):
    """The ballot's 落款 is set as every notice's: flush right, then one size smaller, never past the margin."""
    assert len(LONG_COMMITTEE) == 29
    pdf = long_ballots[29]
    assert pages(pdf) == 1
    bbox = subprocess.run(
        [tool("pdftotext"), "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', bbox)
    assert LONG_COMMITTEE in "".join(text for _, text in words)
    for x, text in words:
        hang = 12 if text[-1] in "，。；：、”）" else 0
        assert float(x) <= 521.6 + 1 + hang, text


def test_a_long_name_keeps_one_line_on_a_two_column_party_ballot(long_ballots):
    """The cell of a ·-name gets a smaller size of its own; the other names keep the layout's size."""
    pdf = long_ballots[-30]
    assert pages(pdf) == 1
    lines = page_texts(pdf)[0].replace(" ", "").splitlines()
    for name in LONG_NAMES:
        assert any(name in line for line in lines), (name, lines)
    rows = ballot(long_party(), "委员")["sections"][0]["rows"]
    sizes = {r["name"]: r["sz"] for r in rows}
    assert (sizes["热合曼·阿不都热依木"], sizes["迪丽娜尔·吐尔逊"], sizes["王建国"]) == ("14", "17", "24")


def test_long_lists_get_two_columns_and_short_ones_keep_one():
    assert ballot(many(3, seats=2), "委员")["layout"]["columns"] == 1
    wide = ballot(many(30), "委员")
    assert wide["layout"]["columns"] == 2
    pairs = wide["sections"][0]["pairs"]
    assert len(pairs) == 18  # 30 candidates + 5 另选人, read down the left column first
    assert pairs[0]["left"]["number"] == "1" and pairs[0]["right"]["number"] == "19"
    assert (pairs[-1]["right"]["number"], pairs[-1]["right"]["name"]) == ("", "")


def test_a_ballot_no_sheet_can_hold_is_refused_in_chinese():
    with pytest.raises(ballot_builder.BallotTooLong) as caught:
        ballot_builder.ballots(election_of(many(45)))
    assert str(caught.value) == (
        "t.yaml：委员选票共50行（候选人及另选人栏），一张A4选票容纳不下，而选票必须是一张。"
        "请核对候选人名单（candidates）；合并选票（documents.ballot: combined）请改为分职位选票（删去该设置）。"
    )
    assert caught.value.code == 1


def tie() -> dict:
    """孙丽娟 and 赵国庆 tie for the second 委员 seat: a revote among the two is due."""
    votes = {"主任": {"刘建华": 60, "陈志强": 18}, "委员": {"王秀兰": 70, "孙丽娟": 50, "赵国庆": 50}}
    return village(rounds=[first_round(votes=votes)])


def test_a_revote_ballot_has_no_write_in_rows_nor_the_write_in_instruction(tmp_path):
    ctx = ballot(tie(), "委员-第2轮重新投票")
    assert ctx["rows"] == [{"number": "1", "name": "孙丽娟"}, {"number": "2", "name": "赵国庆"}]
    assert ctx["instructions"] == [
        "1.本次为对得票相等的委员候选人重新投票，应选1名，只能在所列候选人中选择。",
        "2.赞成的，在候选人姓名右侧的符号栏内划“○”；不赞成的，划“×”；弃权的，不划任何符号。",
        "3.划“○”的人数多于应选名额1名的，本选票无效；等于或少于应选名额的，有效。",
        "4.请用黑色或蓝色钢笔、签字笔填写，符号要准确，字迹要清楚；无法辨认的符号视为弃权。",
        "5.选举人不能书写选票的，可以委托他人（候选人除外）按照本人意愿代写。",
    ]
    render_record(election_of(tie()), tmp_path, only="ballot")
    text = docx_text(tmp_path / "05-选票-委员-第2轮重新投票.docx")
    assert "另选" not in text
    assert "本次为对得票相等的委员候选人重新投票" in text


def test_a_party_ballot_has_approve_oppose_abstain_and_no_write_in_for_abstainers(tmp_path):
    ctx = ballot(party(), "委员")
    assert ctx["layout"]["marks"] == 3
    assert ctx["instructions"][:3] == [
        "1.赞成的，在候选人姓名右侧“赞成”栏内划“○”；不赞成的，在“不赞成”栏内划“○”；弃权的，在“弃权”栏内划“○”。",
        "2.投不赞成票的，可以另选他人，在“另选人”栏内写上另选人的姓名，并在其右侧“赞成”栏内划“○”；"
        "投弃权票的不能另选他人。",
        "3.划“赞成”的人数（含另选人）多于应选名额4名的，本选票无效；等于或少于应选名额的，有效。",
    ]
    render_record(election_of(party()), tmp_path, only="ballot")
    text = docx_text(tmp_path / "05-选票-委员.docx")
    assert "序号\n候选人姓名\n赞成\n不赞成\n弃权" in text
    assert "投弃权票的不能另选他人。" in text
    assert "符号栏" not in text.split("填写说明")[0]


def combined() -> dict:
    data = village(documents={"ballot": "combined"})
    data["seats"] = [{"post": "主任", "count": 1}, {"post": "副主任", "count": 1}, {"post": "委员", "count": 2}]
    data["candidates"] = copy.deepcopy(data["candidates"]) + [cand("周文斌", "副主任"), cand("马德胜", "副主任")]
    return data


def test_a_combined_ballot_puts_every_post_on_one_sheet(tmp_path):
    ballots = ballot_builder.ballots(election_of(combined()))
    assert [b.suffix for b in ballots] == [""]
    ctx = ballots[0].context
    assert ctx["subtitle"] == "（主任、副主任、委员）"
    assert ctx["seats_text"] == "应选主任1名　应选副主任1名　应选委员2名"
    assert [s["heading"] for s in ctx["sections"]] == [
        "1.主任（应选1名，候选人2名）",
        "2.副主任（应选1名，候选人2名）",
        "3.委员（应选2名，候选人3名）",
    ]
    assert [r["name"] for r in ctx["sections"][2]["rows"]] == ["王秀兰", "孙丽娟", "赵国庆", "", ""]
    assert ctx["instructions"][0] == "1.本选票为主任、副主任、委员合并选票（3个职位一张选票），各职位分别计票。"
    assert ctx["instructions"][3] == (
        "4.某一职位划“○”的人数（含另选人）多于该职位应选名额的，该职位的选票无效，不影响其他职位；等于或少于的，有效。"
    )
    render_record(election_of(combined()), tmp_path, only="ballot")
    assert sorted(p.name for p in tmp_path.glob("*.docx")) == ["05-选票.docx"]
    text = docx_text(tmp_path / "05-选票.docx")
    assert "2.副主任（应选1名，候选人2名）\n序号\n候选人姓名\n符号栏" in text
    assert text.index("2.副主任") < text.index("周文斌") < text.index("3.委员")
    # Without the setting, the default stays one ballot per post.
    assert [b.suffix for b in ballot_builder.ballots(election_of(village()))] == ["主任", "委员"]


def test_the_ballot_prints_no_seal_text_and_sets_marks_in_the_chinese_face(tmp_path):
    render_record(election_of(village()), tmp_path, only="ballot")
    xml = zipfile.ZipFile(tmp_path / "05-选票-主任.docx").read("word/document.xml").decode("utf-8")
    assert "（印）" not in xml
    note = next(p for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S) if "不赞成的，划“×”" in p)
    assert '<w:rFonts w:hint="eastAsia"/>' in note
