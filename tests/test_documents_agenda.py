"""选举大会议程 (24), 主持词 (25) and 备案表 (33): the meeting's items and the chair's lines from the record."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES
from helpers import election_of, first_round, village

from pipeline import records
from pipeline.documents import find_kind
from pipeline.render import render_record


def load(name: str) -> dict:
    record, found = records.load(str(SAMPLES / f"{name}.yaml"))
    assert record is not None, found
    return record.data


def table_rows(path: Path) -> list[list[str]]:
    """The cell texts of every table row of a rendered document, in order."""
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    rows = []
    for tr in re.findall(r"<w:tr[ >].*?</w:tr>", xml, re.S):
        cells = re.findall(r"<w:tc>.*?</w:tc>", tr, re.S)
        rows.append(["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", c)) for c in cells])
    return rows


def docx_text(path: Path) -> str:
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    return "\n".join(
        "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
    )


def render(tmp_path: Path, data: dict, only: str) -> list[Path]:
    render_record(election_of(data, str(SAMPLES / "residents-yangguang.yaml")), tmp_path, only=[only])
    return sorted(p for p in tmp_path.glob("*.docx"))


def test_agenda_items_times_and_names(tmp_path):
    (doc,) = render(tmp_path, load("residents-yangguang"), "agenda")
    assert doc.name == "24-选举大会议程.docx"
    text = docx_text(doc)
    assert "户代表会议议程" in text
    assert "时间：2026年3月18日 08:30　　主持人：邓志华" in text
    rows = table_rows(doc)
    assert rows[0] == ["序号", "时间", "议程", "负责人"]
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, 12)]
    assert rows[1] == ["1", "08:30", "宣布户代表会议开始", "邓志华"]
    assert rows[3][2] == (
        "通过选举工作人员名单：总监票人周文斌；监票人曾红梅、覃志刚；计票人李秀兰、田永红；唱票人向东升；代书人吴春燕、龙大勇"
    )
    assert rows[5][2] == "介绍正式候选人（应选主任1名、副主任1名、委员3名），候选人按姓氏笔画排列"
    assert rows[9] == ["9", "至12:00", "秘密写票、投票（12:00投票结束）", "邓志华"]
    assert rows[8] == ["8", "", "清点、发放选票", "监票人"]  # three names: the role, the names are in item 3
    assert rows[10] == ["10", "", "开箱清点选票，唱票、计票", "唱票人、计票人"]
    assert rows[11] == ["11", "", "总监票人报告计票结果，主持人宣布选举结果", "周文斌、邓志华"]


def test_agenda_waits_for_staff():
    e = election_of(village(rounds=[first_round()]))
    with pytest.raises(Exception) as caught:
        find_kind("agenda").build(e)
    assert caught.value.field == "rounds[].tellers、rounds[].staff"
    assert caught.value.reason == "记录中还没有大会主持人、监票人、计票人等选举工作人员"


def test_agenda_of_a_village_without_times_has_blank_times():
    e = election_of(village(rounds=[first_round(tellers=["韩志远", "冯玉珍"])]))
    (instance,) = find_kind("agenda").build(e)
    items = instance.context["items"]
    assert [x["time"] for x in items] == [""] * 11
    assert items[6] == {"no": "7", "item": "监票人当众检查票箱", "time": "", "by": "韩志远、冯玉珍"}
    assert instance.context["meta"][0].endswith("主持人：　　　　")


def test_script_with_the_record_names_and_figures(tmp_path):
    (doc,) = render(tmp_path, load("residents-yangguang"), "script")
    assert doc.name == "25-主持词.docx"
    lines = docx_text(doc).splitlines()
    assert "（主持人：邓志华）" in lines
    headings = [line for line in lines if re.match(r"^[一二三四五六七八九]、", line)]
    assert headings == [
        "一、宣布开会", "二、通过选举工作人员名单", "三、宣读选举办法", "四、介绍正式候选人", "五、讲解选票填写办法",
        "六、检查票箱、发放选票", "七、写票、投票", "八、开箱计票", "九、宣布选举结果",
    ]  # fmt: skip
    assert (
        "本次选举登记户代表1486户，今天到会1398户，符合选举办法的规定，可以进行选举。现在我宣布，户代表会议开始。"
        in lines
    )
    assert (
        "选举办法规定：参加投票的户代表超过登记户数的半数，选举有效；候选人获得的选票超过参加投票的户代表的半数，始得当选"
        "（《中华人民共和国城市居民委员会组织法》（2025年修订）第十九条）。" in lines
    )
    assert "主任应选1名，正式候选人2名：王建国、林美华。" in lines
    assert "委员应选3名，正式候选人5名：刘芳、杨桂英、何军、陈晓东、郭磊。" in lines
    assert "请监票人、计票人清点并发放选票。本次发出选票1400张。" in lines
    assert "请总监票人周文斌同志报告计票结果。" in lines
    assert any(
        line.startswith("根据计票结果，我宣布：主任当选人：王建国；副主任当选人：张伟；委员当选人：") for line in lines
    )


def test_script_before_the_vote_has_blanks():
    rnd = first_round(tellers=["韩志远", "冯玉珍"])
    for key in ("participants", "ballots", "votes"):
        rnd.pop(key)
    e = election_of(village(rounds=[rnd]))
    (instance,) = find_kind("script").build(e)
    sections = {s["heading"]: s["lines"] for s in instance.context["sections"]}
    assert sections["一、宣布开会"][1].startswith("本次选举登记选民")
    assert "今天到会____人，" in sections["一、宣布开会"][1]
    assert sections["六、检查票箱、发放选票"] == [
        "请监票人韩志远、冯玉珍同志当众检查票箱。",
        "请监票人、计票人清点并发放选票。本次发出选票____张。",
    ]
    assert sections["九、宣布选举结果"][1].startswith("根据计票结果，我宣布：主任当选人：________；")


def test_filing_form_of_the_building_leaders(tmp_path):
    data = load("building-leaders-chenguang")
    render_record(election_of(data, str(SAMPLES / "building-leaders-chenguang.yaml")), tmp_path, only=["filing"])
    (doc,) = sorted(tmp_path.glob("*.docx"))
    assert doc.name == "33-备案表.docx"
    lines = docx_text(doc).splitlines()
    assert "备案机关：东城街道" in lines
    rows = table_rows(doc)
    assert rows[1] == ["单位", "晨光社区居民委员会", "选举组织", "楼栋长"]
    assert rows[4] == ["登记户代表", "186户", "参加投票", "152户"]
    people = rows[rows.index(["序号", "职务", "姓名", "性别", "年龄", "政治面貌", "文化程度"]) + 1 :]
    assert people == [
        ["1", "1号楼楼栋长", "王桂芝", "女", "66", "中共党员", "高中"],
        ["2", "2号楼楼栋长", "陈国栋", "男", "67", "中共党员", "中专"],
        ["3", "3号楼楼栋长", "孙明", "男", "60", "群众", "大专"],
        ["4", "4号楼楼栋长", "周建平", "男", "70", "中共党员", "高中"],
    ]
    assert "以上4名人员经晨光社区第三届楼栋长选举依法选举产生，现报东城街道备案。" in lines
    assert "备案机关（盖章）：东城街道　　备案登记人：" in lines


def test_filing_only_where_the_profile_names_one():
    assert find_kind("filing").build(election_of(village(rounds=[first_round()]))) == []
    e = election_of(load("building-chenguang-group-leaders"), str(SAMPLES / "building-chenguang-group-leaders.yaml"))
    (instance,) = find_kind("filing").build(e)
    assert instance.context["title_lines"][-1].endswith("选举结果备案表")
