"""Messages that say what to type (issue 15 item 5, the usability review's §3 table): each mistake a secretary
made in the review, typed into the 阳光社区 sample, and the exact finding it now gives — the corrected value where
one is obvious, the name or post meant, one root error for one mistyped post, the line where a space is missing.
"""

from __future__ import annotations

import pytest
from conftest import SAMPLES, run_cli

from pipeline import suggest

SAMPLE = (SAMPLES / "residents-yangguang.yaml").read_text(encoding="utf-8")


def _check(tmp_path, old: str, new: str) -> list[str]:
    assert old in SAMPLE, old
    path = tmp_path / "记录.yaml"
    path.write_text(SAMPLE.replace(old, new, 1), encoding="utf-8")
    run = run_cli("check", str(path))
    return [line.split(str(path) + ":", 1)[1] for line in run.stdout.splitlines() if line.startswith(str(path))]


CASES = [
    (
        "election_day: 2026-03-18",
        "election_day: 2026/3/18",
        "{line}:17  错误  SCHEMA-FORMAT  日期应写作 2026-03-18（年-月-日，半角数字，月日补足两位）；实际为文字“2026/3/18”，"
        "请改为 2026-03-18。（字段 schedule.election_day）",
    ),
    (
        "election_day: 2026-03-18",
        "election_day: 46099",
        "{line}:17  错误  SCHEMA-TYPE  选举日应为文字，实际为46099（46099 是 Excel 的日期序号，即 2026-03-18；"
        "请写作 2026-03-18）。（字段 schedule.election_day）",
    ),
    (
        "birth: 1972-05",
        "birth: 1975.4",
        "{line}:35  错误  SCHEMA-TYPE  出生年月应为文字，实际为1975.4（请写作 1975-04）。（字段 candidates[0].birth）",
    ),
    (
        "birth: 1972-05",
        "birth: 1975.1",
        "{line}:35  错误  SCHEMA-TYPE  出生年月应为文字，实际为1975.1（请写作 1975-01；若是 10 月，写作 1975-10）。"
        "（字段 candidates[0].birth）",
    ),
    (
        "birth: 1972-05",
        "birth: 1975年4月",
        "{line}:35  错误  SCHEMA-FORMAT  出生年月应写作 1972-05（年-月，半角数字，月份补足两位）；实际为文字“1975年4月”，"
        "请改为 1975-04。（字段 candidates[0].birth）",
    ),
    (
        "term: 第十二届",
        "term: 12",
        "{line}:7  错误  SCHEMA-TYPE  届次应为文字，实际为12（请写作 第十二届）。（字段 term）",
    ),
    (
        "  contact: 0730-8821006",
        "  contact: 13800138000",
        '{line}:12  错误  SCHEMA-TYPE  联系电话应为文字，实际为13800138000（号码请加引号，写作 "13800138000"；'
        "不加引号时会当作数字，开头的 0 会丢失）。（字段 documents.contact）",
    ),
    (
        "registered: 1486",
        "registered: 1486人",
        "{line}:15  错误  SCHEMA-TYPE  登记人数应为整数，实际为文字“1486人”（去掉“人”，写作 1486）。（字段 electorate.registered）",
    ),
    (
        "  registered: 1486",
        "  登记人数: 1486",
        "{line}:3  错误  SCHEMA-UNKNOWN-FIELD  未知字段“登记人数”。“登记人数”是字段 registered 的中文名称；字段名请用英文，"
        "写作“registered: …”。（字段 electorate.登记人数）",
    ),
    (
        "  registered: 1486",
        "  registered:1486",
        "{line}:3  错误  SCHEMA-TYPE  选民应为“名称: 值”形式的映射，实际为文字“registered:1486”"
        "（冒号后缺空格：请写作“registered: 1486”）。（字段 electorate）",
    ),
    (
        "主任: {王建国: 1102",
        "主任: {王建钢: 1102",
        "{line}:12  错误  VOTES-UNKNOWN-CANDIDATE  主任职位的得票中有“王建钢”，但候选人名单中没有此人。是否为“王建国”？"
        "请在 candidates 中补充该候选人（或改正姓名），若是选民另选的人，请把这项得票移到 write_ins 下。"
        "（字段 rounds[0].votes.主任.王建钢）",
    ),
    (
        "主任: {王建国: 1102",
        "主任: {王建国（男）: 1102",
        "{line}:12  错误  VOTES-UNKNOWN-CANDIDATE  主任职位的得票中有“王建国（男）”，但候选人名单中没有此人。是否为“王建国”？"
        "请在 candidates 中补充该候选人（或改正姓名），若是选民另选的人，请把这项得票移到 write_ins 下。"
        "（字段 rounds[0].votes.主任.王建国（男））",
    ),
    (
        "      主任: {王建国: 1102",
        "      社区主任: {王建国: 1102",
        "{line}:7  错误  VOTES-UNKNOWN-POST  录入了职位“社区主任”，但它不在职位及应选名额（seats）中（现有：主任、副主任、委员）。"
        "是否为“主任”？请改正职位名称，或在 seats 中补充该职位。（字段 rounds[0].votes.社区主任）",
    ),
    (
        "- {post: 委员, count: 3}",
        "- {post: 委员会委员, count: 3}",
        "{line}:12  错误  SEATS-POST-MISNAMED  职位及应选名额（seats）中的职位“委员会委员”没有候选人，而 5 名候选人（及计票结果）"
        "的职位写的是“委员”。是否应为“委员”？请把 seats、candidates 和 votes 中的职位名称写成一样；改正后，由此引起的"
        "候选人职位不符、缺少得票、差额人数等问题会一并消失。（字段 seats[2].post）",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES, ids=[case[1] for case in CASES])
def test_each_mistake_gets_one_finding_saying_what_to_type(tmp_path, old, new, expected):
    line = SAMPLE[: SAMPLE.index(old)].count("\n") + 1  # every finding points at the line the mistake is on
    assert _check(tmp_path, old, new) == [expected.replace("{line}", str(line), 1)]


@pytest.mark.parametrize(
    ("old", "new"),
    [("kind: residents_committee", "kind: 居委会"), ("method: household_representative", "method: 户代表")],
)
def test_kind_and_method_may_be_written_in_chinese(tmp_path, old, new):
    assert _check(tmp_path, old, new) == []


def test_a_missing_space_after_a_colon_is_shown_on_its_own_line(tmp_path):
    path = tmp_path / "记录.yaml"
    path.write_text(
        "kind: residents_committee\nunit: 阳光社区\nelectorate:\n  registered:1486\n  women: 700\n", "utf-8"
    )
    run = run_cli("check", str(path))
    assert run.stdout.splitlines()[0] == (
        f"{path}:4:13  错误  YAML-SYNTAX  字段“registered”的冒号后缺空格：请写作“registered: 1486”（冒号为半角，后跟一个空格）。"
    )


def test_corrections():
    assert suggest.date_text("２０２６年3月18日") == "2026-03-18"
    assert suggest.date_text("2026-2-30") is None and suggest.date_text("3月18日") is None
    assert suggest.month_text("1975-04-12") == "1975-04" and suggest.month_text("1975-13") is None
    assert suggest.month_of_number(1975.12) == ("1975-12",) and suggest.month_of_number(1975.0) == ()
    assert suggest.excel_date(46099) == "2026-03-18" and suggest.excel_date(1500) is None
    assert suggest.term_text(12) == "第十二届" and suggest.unit_suffix("1486 户") == ("1486", "户")
