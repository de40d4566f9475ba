"""Schema validation: Chinese messages, every finding, and the place each one points at."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from pipeline import check, records, schema
from pipeline.findings import Severity

HEAD = "kind: village_committee\nunit:\n  name: 柳林村民委员会\n"


def findings_of(text: str):
    record, findings = records.parse(text, "t.yaml")
    assert record is not None, findings
    assert findings == []
    return schema.validate(record)


def summary(findings):
    return [(f.id, f.line, f.column, f.path, f.message) for f in findings]


def test_schema_is_valid_draft_2020_12_and_titles_every_field():
    data = schema.load_schema()
    Draft202012Validator.check_schema(data)

    def walk(node, path):
        node = schema._resolve(data, node)
        for name, child in node.get("properties", {}).items():
            title = schema._resolve(data, child).get("title", "")
            assert any("\u4e00" <= ch <= "\u9fff" for ch in title), path + (name,)
            walk(child, path + (name,))
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + (0,))

    walk(data, ())


def test_minimal_record_passes():
    assert findings_of(HEAD) == []


def test_three_independent_errors_give_three_findings():
    text = HEAD + (
        "electorate:\n  registered: -1\n"
        "schedule:\n  election_day: 2026-13-01\n"
        "candidates:\n  - {name: 刘建华, post: 主任, gender: 男性}\n"
    )
    assert summary(findings_of(text)) == [
        ("SCHEMA-RANGE", 5, 15, "electorate.registered", "登记人数不能为负数，实际为 -1。"),
        (
            "SCHEMA-DATE",
            7,
            17,
            "schedule.election_day",
            "选举日不是存在的日期：2026-13-01（请核对月份和日子，如 2 月没有 30 日）。",
        ),
        ("SCHEMA-ENUM", 9, 35, "candidates[0].gender", "性别应为以下之一：男、女；实际为文字“男性”。"),
    ]


def test_every_unknown_field_is_reported():
    text = HEAD + "foo: 1\ncandidates:\n  - {name: 刘建华, post: 主任, gendre: 男, brith: 1972-05}\n"
    assert summary(findings_of(text)) == [
        (
            "SCHEMA-UNKNOWN-FIELD",
            4,
            1,
            "foo",
            "未知字段“foo”。此处可用的字段：kind、body、same_term、legal_basis、profile、term、unit、committee、method、schedule、procedure、"
            "polling、seats、electorate、candidates、rounds、nomination、appointment、contests、documents、summary、exceptions、gongtui、relatives。",
        ),
        ("SCHEMA-UNKNOWN-FIELD", 6, 27, "candidates[0].gendre", "未知字段“gendre”。是否应为“gender”？"),
        ("SCHEMA-UNKNOWN-FIELD", 6, 38, "candidates[0].brith", "未知字段“brith”。是否应为“birth”？"),
    ]


def test_every_missing_field_is_named():
    text = "unit: {}\ncandidates:\n  - {gender: 男}\n"
    assert summary(findings_of(text)) == [
        ("SCHEMA-REQUIRED", 1, 1, "", "缺少必填字段 kind（选举类型）。"),
        ("SCHEMA-REQUIRED", 1, 7, "unit", "缺少必填字段 name（单位全称）。"),
        ("SCHEMA-REQUIRED", 3, 5, "candidates[0]", "缺少必填字段 name（姓名）。"),
        ("SCHEMA-REQUIRED", 3, 5, "candidates[0]", "缺少必填字段 post（参选职位）。"),
    ]


def test_positions_point_at_the_value_in_block_style():
    text = HEAD + (
        "candidates:\n  - name: 刘建华\n    post: 主任\n  - name: 王秀兰\n    post: 副主任\n    birth: 1979年11月\n"
    )
    [finding] = findings_of(text)
    assert (finding.path, finding.line, finding.column) == ("candidates[1].birth", 9, 12)
    assert finding.message == (
        "出生年月应写作 1972-05（年-月，半角数字，月份补足两位）；实际为文字“1979年11月”，请改为 1979-11。"
    )


def test_positions_inside_contests():
    text = HEAD.replace("village_committee", "building_leader") + (
        "contests:\n  - name: 1号楼\n    seats: [{post: 楼栋长, count: 0}]\n"
    )
    [finding] = findings_of(text)
    assert summary([finding]) == [("SCHEMA-RANGE", 6, 32, "contests[0].seats[0].count", "应选名额至少为 1，实际为 0。")]


@pytest.mark.parametrize(
    "value, message",
    [
        ('"148"', "登记人数应为整数，实际为文字“148”（数字不要加引号）。"),
        ("1,486", "登记人数应为整数，实际为文字“1,486”（数字中不要加逗号）。"),
        ("１４８６", "登记人数应为整数，实际为文字“１４８６”（含全角数字，请改用半角数字 0-9）。"),
        ("0148", "登记人数应为整数，实际为文字“0148”（数字不要以 0 开头）。"),
        ("1486.5", "登记人数应为整数，实际为1486.5。"),
        ("", "登记人数应为整数，实际为空值（冒号后什么也没写）。"),
        ("true", "登记人数应为整数，实际为true。"),
        ("[1, 2]", "登记人数应为整数，实际为列表（2 项）。"),
        ("200000000", "登记人数不能超过 100000000，实际为 200000000，请核对。"),
    ],
)
def test_count_messages(value, message):
    [finding] = findings_of(HEAD + f"electorate:\n  registered: {value}\n")
    assert (finding.line, finding.path, finding.message) == (5, "electorate.registered", message)


@pytest.mark.parametrize(
    "field, value, finding_id, message",
    [
        ("term", '""', "SCHEMA-EMPTY", "届次不能为空。"),
        ("term", "第" * 41, "SCHEMA-LENGTH", "届次过长：最多 40 个字，实际 41 个字。"),
        (
            "method",
            "secret",
            "SCHEMA-ENUM",
            "选举方式应为以下之一：all_voters、household_representative、resident_representative、party_meeting、"
            "villager_representative、leaders_and_representatives"
            "（all_voters 全体选民直接选举（村民会议、村民小组会议）；household_representative 每户派代表选举；"
            "resident_representative 居民代表选举；party_meeting 党员大会选举；villager_representative "
            "村民代表会议选举；leaders_and_representatives 楼栋长和居民代表选举（两级选举的第二级））；实际为文字“secret”。",
        ),
        (
            "legal_basis",
            '"2025"',
            "SCHEMA-ENUM",
            "法律依据版本应为以下之一：1990、2015、2018、2020、2025（适用的法律版本年份：2018 或 2025（村委会法、居委会法），"
            "2020（选举法、党的基层组织选举工作条例），2015（选举法2015年修正本，2020年10月17日以前的人大代表选举），"
            "1990（党的基层组织选举工作暂行条例，2020年7月13日以前的党组织选举）。"
            "不填时按选举类型和选举日确定（2026年1月1日起适用2025年修订的组织法）。）"
            "；实际为文字“2025”。",
        ),
        (
            "profile",
            "Sichuan",
            "SCHEMA-FORMAT",
            "规则配置名应由小写英文字母、数字、- 或 _ 组成，如 default、sichuan；实际为文字“Sichuan”。",
        ),
        ("seats", "[]", "SCHEMA-ITEMS", "职位及应选名额至少要有 1 项，实际为 0 项。"),
        ("unit", "柳林村", "SCHEMA-TYPE", "选举单位应为“名称: 值”形式的映射，实际为文字“柳林村”。"),
        (
            "committee",
            "{chair: 1号}",
            "SCHEMA-FORMAT",
            "姓名应以汉字或字母开头，不能以空格或数字开头；实际为文字“1号”。",
        ),
        (
            "candidates",
            "[{name: 张三, post: 主任, ethnicity: 汉}]",
            "SCHEMA-FORMAT",
            "民族应写全称，如“汉族”“回族”；实际为文字“汉”。",
        ),
        (
            "candidates",
            "[{name: 张三, post: 主任, incumbent: 是}]",
            "SCHEMA-TYPE",
            "是否连任（现任成员）应为是非值（true 或 false），实际为文字“是”（请写 true 表示是，false 表示否）。",
        ),
    ],
)
def test_field_messages(field, value, finding_id, message):
    text = HEAD.replace("unit:\n  name: 柳林村民委员会\n", "") if field == "unit" else HEAD
    [finding] = findings_of(text + f"{field}: {value}\n")
    assert (finding.id, finding.message) == (finding_id, message)


def test_unit_written_with_full_width_colon():
    [finding] = findings_of("kind: deputy\nunit:\n  name：某选区\n")
    assert finding.message == (
        "选举单位应为“名称: 值”形式的映射，实际为文字“name：某选区”"
        "（注意：冒号应为半角“:”，后跟一个空格，不是全角“：”）。"
    )
    assert (finding.line, finding.column) == (3, 3)


def test_unknown_key_with_full_width_colon_in_flow_mapping():
    [first, second] = findings_of(HEAD + "candidates:\n  - {name：张三, post: 主任}\n")
    assert (first.id, first.message) == ("SCHEMA-REQUIRED", "缺少必填字段 name（姓名）。")
    assert (second.id, second.message, second.line, second.column) == (
        "SCHEMA-UNKNOWN-FIELD",
        "未知字段“name：张三”。字段名后的冒号应为半角“:”，后跟一个空格，不是全角“：”。",
        5,
        6,
    )


@pytest.mark.parametrize(
    ("value", "tail"),
    [("2026/3/18", "，请改为 2026-03-18"), ("2026年3月18日", "，请改为 2026-03-18"), ("18.03.2026", ""),
     ("2026-3-18", "，请改为 2026-03-18")],
)  # fmt: skip
def test_misshapen_date_is_one_finding(value, tail):
    [finding] = findings_of(HEAD + f"schedule:\n  results_published: {value}\n")
    assert finding.id == "SCHEMA-FORMAT"
    assert finding.message == f"日期应写作 2026-03-18（年-月-日，半角数字，月日补足两位）；实际为文字“{value}”{tail}。"


@pytest.mark.parametrize("value", ["1972-5", "1972-13", "1972年5月", "72-05", "1972-05-01"])
def test_birth_forms(value):
    [finding] = findings_of(HEAD + f"candidates:\n  - {{name: 张三, post: 主任, birth: {value}}}\n")
    assert finding.id == "SCHEMA-FORMAT" and finding.path == "candidates[0].birth"
    assert finding.message.startswith("出生年月应写作 1972-05（年-月，半角数字，月份补足两位）；实际为")


def test_votes_findings_name_the_nearest_titled_field():
    text = HEAD + "rounds:\n  - type: first\n    votes:\n      主任:\n        刘建华: 1,712\n"
    [finding] = findings_of(text)
    assert finding.path == "rounds[0].votes.主任.刘建华"
    assert finding.message == "得票应为整数，实际为文字“1,712”（数字中不要加逗号）。"
    assert (finding.line, finding.column) == (8, 14)


def test_contests_and_top_level_contest_fields_do_not_mix():
    text = HEAD + "seats: [{post: 主任, count: 1}]\ncontests:\n  - name: 一组\n"
    [finding] = findings_of(text)
    assert (finding.id, finding.line, finding.column, finding.path) == ("RECORD-CONTESTS-MIXED", 4, 1, "seats")
    assert finding.message == "记录已用 contests 分场次，顶层不能再写 seats；请把它移到相应场次下。"


def test_findings_are_in_file_order():
    text = HEAD + "term: ''\nmethod: x\nelectorate: {registered: -1}\n"
    lines = [f.line for f in findings_of(text)]
    assert lines == sorted(lines) and len(lines) == 3


def test_values_the_loader_already_reported_are_not_reported_again(write):
    path = write(
        "t.yaml",
        HEAD + "term: !!python/object/apply:os.system [echo]\ncommittee: *nope\n"
        "electorate: {registered: 1" + "0" * 40 + "}\n",
    )
    result = check.check_file(path)
    assert [f.id for f in result.findings] == ["YAML-TAG", "YAML-SYNTAX", "YAML-NUMBER"]
    assert [f.path for f in result.findings] == ["term", "committee", "electorate.registered"]


def test_describe():
    assert schema.describe(None) == "空值（冒号后什么也没写）"
    assert schema.describe(False) == "false"
    assert schema.describe(12) == "12"
    assert schema.describe(1.5) == "1.5"
    assert schema.describe("x" * 41) == f"文字“{'x' * 40}…”"
    assert schema.describe({"a": 1}) == "“名称: 值”形式的映射"
    assert schema.describe("2025") == "文字“2025”"


def test_field_title():
    assert schema.field_title(("candidates", 3, "birth")) == "出生年月"
    assert schema.field_title(("contests", 0, "rounds", 1, "ballots", "invalid")) == "无效票"
    assert schema.field_title(("nothing",)) == "记录"
    assert schema.field_title(()) == "记录"


def test_findings_serialise_to_json():
    [finding] = findings_of(HEAD + "electorate: {registered: -3}\n")
    data = json.loads(json.dumps(finding.to_dict(), ensure_ascii=False))
    assert data == {
        "id": "SCHEMA-RANGE",
        "severity": "error",
        "severity_label": "错误",
        "message": "登记人数不能为负数，实际为 -3。",
        "file": "t.yaml",
        "line": 4,
        "column": 26,
        "path": "electorate.registered",
        "citation": "",
        "unreadable": False,
    }
    assert finding.severity is Severity.ERROR
