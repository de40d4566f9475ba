"""Sample values of the `huanjie new` starter left in a record (PLACEHOLDER-TEXT, PLACEHOLDER-FIGURE)."""

from __future__ import annotations

import yaml
from helpers import INFO, WARNING, findings, ids, residents, village

from pipeline import starter
from pipeline.rules import placeholders


def starter_data(kind: str) -> dict:
    return yaml.safe_load(starter.starter_text(kind))


def test_the_residents_starter_left_as_it_is_names_every_field_to_fill():
    found = findings(starter_data("residents_committee"), placeholders.check)
    assert [(f.id, f.severity, f.path) for f in found] == [
        ("PLACEHOLDER-TEXT", WARNING, "unit.name"),
        ("PLACEHOLDER-TEXT", WARNING, "committee.name"),
        ("PLACEHOLDER-TEXT", WARNING, "documents.number_prefix"),
        ("PLACEHOLDER-FIGURE", INFO, "electorate.registered"),
    ]
    assert [f.message for f in found] == [
        "单位（unit）中仍是样板（huanjie new）的示例内容：name “某某社区居民委员会”、short_name “某某社区”、"
        "parents[0] “某某县”、parents[1] “某某街道”。这些内容会印在公告、证书等文书上，请改为实际的名称和姓名。",
        "选举委员会（committee）中仍是样板（huanjie new）的示例内容：name “某某社区居民选举委员会”、chair “张三”、"
        "members[0] “李四”、members[1] “王五”、members[2] “赵六”、members[3] “孙七”。"
        "这些内容会印在公告、证书等文书上，请改为实际的名称和姓名。",
        "文书设置（documents）中仍是样板（huanjie new）的示例内容：number_prefix “某选委”、"
        "signatory “某某社区居民选举委员会”。这些内容会印在公告、证书等文书上，请改为实际的名称和姓名。",
        "登记人数（electorate.registered）为 1486，与样板中的示例数字相同，而记录中还有样板的示例内容未改。"
        "请确认已改为实际数字。",
    ]


def test_every_starter_is_flagged_and_a_filled_in_record_is_not():
    for kind in starter.KINDS:
        assert "PLACEHOLDER-TEXT" in ids(findings(starter_data(kind), placeholders.check)), kind
    assert findings(village(), placeholders.check) == []


def test_one_name_left_is_enough_and_only_the_committee_sample_names_count():
    data = village()
    data["committee"]["members"] = ["韩志远", "李四"]
    (finding,) = findings(data, placeholders.check)
    assert finding.path == "committee.members[1]"
    assert finding.message == (
        "选举委员会（committee）中仍是样板（huanjie new）的示例内容：members[1] “李四”。"
        "这些内容会印在公告、证书等文书上，请改为实际的名称和姓名。"
    )
    data = village()
    data["candidates"][0]["name"] = "李四"  # a real candidate may be called 李四
    assert findings(data, placeholders.check) == []


def test_a_sample_figure_alone_is_not_reported():
    data = residents()  # 登记 1486 户, like the starter, but every name is real
    assert findings(data, placeholders.check) == []
    data["unit"]["parents"] = ["某某县"]
    assert ids(findings(data, placeholders.check)) == ["PLACEHOLDER-TEXT", "PLACEHOLDER-FIGURE"]


def test_contests_are_named_in_the_message():
    data = starter_data("building_leader")
    data["unit"] = {"name": "阳光社区居民委员会"}
    data["documents"] = {"number_prefix": "阳社选", "signatory": "阳光社区居民委员会"}
    data["contests"][1]["name"] = "某某楼"
    found = findings(data, placeholders.check)
    assert [f.message for f in found if f.id == "PLACEHOLDER-TEXT"] == [
        "场次“某某楼”中仍是样板（huanjie new）的示例内容：name “某某楼”。这些内容会印在公告、证书等文书上，请改为实际的名称和姓名。"
    ]
    assert [f.path for f in found if f.id == "PLACEHOLDER-FIGURE"] == [
        "contests[0].electorate.registered",
        "contests[1].electorate.registered",
    ]
