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
