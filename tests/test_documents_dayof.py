"""Voting day and reporting upward (issue 14.2-3): 工作人员名单, 计票单, 清点报告, 议程, 主持词, 报告单, 花名册, 备案表."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES
from helpers import cand, election_of, findings, first_round, one, village, with_ids

from pipeline import records
from pipeline.documents import find_kind
from pipeline.render import render_record


def load(name: str) -> dict:
    record, found = records.load(str(SAMPLES / f"{name}.yaml"))
    assert record is not None, found
    return record.data


def docx_text(path: Path) -> str:
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    return "\n".join(
        "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
    )


def table_rows(path: Path) -> list[list[str]]:
    """The cell texts of every table row of a rendered document, in order."""
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    rows = []
    for tr in re.findall(r"<w:tr[ >].*?</w:tr>", xml, re.S):
        cells = re.findall(r"<w:tc>.*?</w:tc>", tr, re.S)
        rows.append(["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", c)) for c in cells])
    return rows


@pytest.fixture(scope="module")
def yangguang(tmp_path_factory) -> Path:
    """The 阳光社区 sample's voting-day documents, rendered once."""
    out = tmp_path_factory.mktemp("yangguang")
    data = load("residents-yangguang")
    render_record(election_of(data, str(SAMPLES / "residents-yangguang.yaml")), out, only=["21", "22", "23"])
    return out


STAFF = {
    "chair": "邓志华",
    "chief_scrutineer": "周文斌",
    "counters": ["李秀兰", "田永红"],
    "callers": ["向东升"],
    "writers": ["吴春燕"],
}


# --------------------------------------------------------------------------------------------
# 21 选举工作人员名单公告 and the staff rule
# --------------------------------------------------------------------------------------------
def test_staff_notice_lists_every_role_of_the_sample(yangguang):
    text = docx_text(yangguang / "21-选举工作人员名单公告.docx")
    assert "阳光社区第十二届居民委员会换届选举" in text and "工作人员名单公告" in text
    lines = text.splitlines()
    assert "总监票人：周文斌" in lines
    assert "监票人：曾红梅　覃志刚" in lines  # the 总监票人 is not listed twice
    assert "计票人：李秀兰　田永红" in lines
    assert "唱票人：向东升" in lines
    assert "代书人：吴春燕　龙大勇" in lines
    assert "2026年3月18日户代表会议的选举工作人员确定如下" in text
    assert "候选人及其近亲属不得担任以上工作。" in text
    assert "2026年3月13日" in lines and "阳光社区居民选举委员会" in lines


def test_staff_notice_waits_for_tellers():
    e = election_of(village(rounds=[first_round()]))
    with pytest.raises(Exception) as caught:
        find_kind("staff").build(e)
    assert caught.value.field == "rounds[].tellers、rounds[].staff"
    assert caught.value.reason == "记录中还没有监票人、计票人等选举工作人员"


def test_old_records_with_tellers_only_still_make_the_notice():
    e = election_of(village(rounds=[first_round(tellers=["韩志远", "冯玉珍"])]))
    ctx = find_kind("staff").build(e)[0].context
    assert ctx["contests"][0]["roles"] == [{"role": "监票人", "names": "韩志远　冯玉珍"}]


def test_a_candidate_as_counter_is_an_error_citing_the_profile():
    data = village(rounds=[first_round(tellers=["韩志远"], staff={"counters": ["赵国庆"], "writers": ["陈志强"]})])
    found = with_ids(findings(data), "TELLER-CANDIDATE")
    assert [f.message for f in found] == [
        "计票人 赵国庆 是候选人。候选人及其近亲属不得担任主持人、总监票人、监票人、计票人、"
        "唱票人和代书人，请另行确定计票人（rounds[].staff）。",
        "代书人 陈志强 是候选人。候选人及其近亲属不得担任主持人、总监票人、监票人、计票人、"
        "唱票人和代书人，请另行确定代书人（rounds[].staff）。",
    ]
    assert found[0].path == "rounds[0].staff.counters[0]"
    assert found[0].citation == "省级选举办法"


def test_a_near_relative_as_caller_is_found():
    data = village(
        rounds=[first_round(staff={"callers": ["刘小军"], "chief_scrutineer": "韩志远"})],
        candidates=[
            cand("刘建华", "主任", relatives=[{"name": "刘小军", "relation": "子女"}]),
            cand("陈志强", "主任"),
            cand("王秀兰", "委员", "女"),
            cand("赵国庆", "委员"),
            cand("孙丽娟", "委员", "女"),
        ],
    )
    found = one(findings(data), "RELATIVE-TELLER")
    assert found.message == (
        "唱票人 刘小军 是主任候选人 刘建华 的子女。候选人的近亲属不得担任主持人、总监票人、"
        "监票人、计票人、唱票人和代书人，请另行确定唱票人（rounds[].staff）。"
    )
    assert found.path == "rounds[0].staff.callers[0]"


# --------------------------------------------------------------------------------------------
# 22 计票单
# --------------------------------------------------------------------------------------------
def test_tally_sheet_has_candidates_in_ballot_order_votes_write_in_rows_and_total(yangguang):
    path = yangguang / "22-计票单-委员.docx"
    rows = table_rows(path)
    assert rows[0][:4] == ["序号", "姓名", "5", "10"] and rows[0][-2:] == ["100", "得票数"]
    assert len(rows[0]) == 23
    body = [(r[0], r[1], r[-1]) for r in rows[1:]]
    # 姓氏笔画: 刘 (6) 杨 (7) 何 (7) 陈 (7) 郭 (10), as on the ballot.
    assert body == [
        ("1", "刘芳", "1205"),
        ("2", "杨桂英", "876"),
        ("3", "何军", "512"),
        ("4", "陈晓东", "1010"),
        ("5", "郭磊", "330"),
        ("另选他人", "", ""),
        ("另选他人", "", ""),
        ("另选他人", "", ""),
        ("合计", "", "3933"),
    ]
    text = docx_text(path)
    assert "（委员）" in text and "应选委员3名　候选人5名　2026年3月18日" in text
    assert "唱票人（向东升）签名：" in text and "计票人（李秀兰、田永红）签名：" in text
    assert "监票人（曾红梅、覃志刚）签名：" in text and "总监票人（周文斌）签名：" in text
    landscape = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    assert 'w:orient="landscape"' in landscape


def test_tally_sheets_of_a_runoff_list_the_runoff_candidates_and_write_ins():
    data = load("village-liulin-runoff")
    sheets = find_kind("tally").build(election_of(data))
    suffixes = [s.suffix for s in sheets]
    assert suffixes[0] == "主任" and any("第2轮另行选举" in s for s in suffixes)
    for sheet in sheets:
        rows = sheet.context["rows"]
        names = [r["name"] for r in rows if r["no"] != "另选他人"]
        assert names == election_of(data).sort(names)


def test_blank_tally_sheets_before_the_vote():
    sheets = find_kind("tally").build(election_of(village()))
    assert [s.suffix for s in sheets] == ["主任", "委员"]
    ctx = sheets[1].context
    assert [(r["no"], r["name"], r["votes"]) for r in ctx["rows"]] == [
        ("1", "王秀兰", ""),
        ("2", "孙丽娟", ""),
        ("3", "赵国庆", ""),
        ("另选他人", "", ""),
        ("另选他人", "", ""),
    ]
    assert ctx["total"] == ""


# --------------------------------------------------------------------------------------------
# 23 选票清点报告
# --------------------------------------------------------------------------------------------
def test_ballot_count_report_of_the_sample(yangguang):
    path = yangguang / "23-选票清点报告-第1轮.docx"
    assert table_rows(path) == [
        ["项目", "张数"],
        ["发出选票", "1400张"],
        ["收回选票", "1398张"],
        ["有效票", "1386张"],
        ["无效票", "12张"],
    ]
    text = docx_text(path)
    assert "2026年3月18日，户代表会议在阳光社区党群服务中心进行第一轮选举投票。" in text
    assert "收回选票1398张，少于发出选票1400张，本次投票有效。" in text
    assert "总监票人（周文斌）签名：" in text


def test_ballot_count_report_of_a_void_round_says_why():
    data = village(rounds=[first_round(ballots={"issued": 80, "returned": 82, "invalid": 2})])
    reports = find_kind("ballot_count").build(election_of(data))
    assert reports[0].context["verdict"].startswith("收回选票82张，多于发出选票80张。")
    assert reports[0].context["verdict"].endswith("本次投票无效。")


def test_ballot_count_report_waits_for_ballots():
    with pytest.raises(Exception) as caught:
        find_kind("ballot_count").build(election_of(village()))
    assert caught.value.field == "rounds[].ballots"


# --------------------------------------------------------------------------------------------
# 31 选举结果报告单, 32 当选人员花名册 (.docx and .xlsx)
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    data = load("residents-yangguang")
    render_record(election_of(data, str(SAMPLES / "residents-yangguang.yaml")), out, only=["31", "32"])
    return out


ELECTED = [
    ["主任", "王建国", "男", "53", "大专", "中共党员", "是", "1102"],
    ["副主任", "张伟", "男", "41", "大学本科", "中共党员", "是", "980"],
    ["委员", "刘芳", "女", "39", "大学本科", "中共党员", "是", "1205"],
    ["委员", "陈晓东", "男", "35", "大专", "中共党员", "否", "1010"],
    ["委员", "杨桂英", "女", "56", "高中", "群众", "是", "876"],
]


def test_report_form_has_the_figures_and_every_elected_person(reports):
    path = reports / "31-选举结果报告单.docx"
    rows = table_rows(path)
    assert rows[1] == ["选举单位", "阳光社区居民委员会", "选举日期", "2026年3月18日"]
    assert rows[2] == ["选举方式", "每户派代表投票", "应选名额", "主任1名、副主任1名、委员3名"]
    assert rows[3] == ["登记户代表", "1486户", "参加投票的户代表", "1398户"]
    assert rows[4] == ["参选率", "94.08%", "正式候选人", "9名"]
    assert rows[5] == ["当选人数", "5名", "缺额", "0名"]
    assert rows[6] == ["其中女性", "2名", "中共党员", "4名"]
    assert rows[7] == ["连任", "4名", "平均年龄", "44.8岁"]
    assert rows[8] == ["职务", "姓名", "性别", "年龄", "文化程度", "政治面貌", "连任", "得票数"]
    assert rows[9:] == ELECTED
    text = docx_text(path)
    assert "报送：东城街道" in text and "填报单位（盖章）：阳光社区居民选举委员会" in text
    assert "联系电话：0730-8821006" in text and "2026年3月20日" in text


def test_roster_docx_and_xlsx_list_the_same_people(reports):
    from openpyxl import load_workbook

    rows = table_rows(reports / "32-当选人员花名册.docx")
    assert rows[0] == [
        "序号", "职务", "姓名", "性别", "民族", "出生年月", "年龄", "文化程度", "政治面貌", "是否连任", "得票数",
        "工作单位及职务",
    ]  # fmt: skip
    assert rows[1] == ["1", "主任", "王建国", "男", "汉族", "1972年5月", "53", "大专", "中共党员", "是", "1102",
                       "阳光社区党委书记"]  # fmt: skip
    assert rows[5][:6] == ["5", "委员", "杨桂英", "女", "土家族", "1969年6月"]
    sheet = load_workbook(reports / "32-当选人员花名册.xlsx").active
    assert sheet.title == "当选人员花名册"
    assert sheet["A1"].value == "阳光社区第十二届居民委员会换届选举当选人员花名册"
    values = [list(r) for r in sheet.iter_rows(min_row=2, max_row=7, values_only=True)]
    assert values == rows
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.print_title_rows == "$2:$2"  # the header row repeats on every printed page


def test_the_roster_xlsx_is_owned_by_the_unit_record_and_never_clobbers_a_users_file(reports, tmp_path):
    from pipeline import unitrecord
    from pipeline.render import ForeignFile

    record = unitrecord.read(reports)
    assert record is not None
    assert [p.name for p in record.prints] == ["32-当选人员花名册.xlsx"]
    # Rendering again replaces it (owned, unchanged) …
    data = load("residents-yangguang")
    render_record(election_of(data), reports, only=["32"])
    # … but a user's own file of that name stops the render before anything is written.
    (tmp_path / "32-当选人员花名册.xlsx").write_bytes(b"mine")
    with pytest.raises(ForeignFile):
        render_record(election_of(data), tmp_path, only=["32"])
    assert (tmp_path / "32-当选人员花名册.xlsx").read_bytes() == b"mine"
    assert not (tmp_path / "32-当选人员花名册.docx").exists()


def test_reports_wait_for_the_count():
    for key in ("report_form", "roster"):
        with pytest.raises(Exception) as caught:
            find_kind(key).build(election_of(village()))
        assert caught.value.reason == "尚无当选人"
