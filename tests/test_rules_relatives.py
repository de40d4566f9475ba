"""近亲属回避 (issue 11 item 9): committee members and tellers related to a candidate, near relatives elected.

Relations are declared on a candidate (`relatives: [{name, relation}]`) or in the record's `relatives`
(`{person, name, relation}`) and hold both ways; which checks apply, with what severity and citation, is the
profile's `relatives` setting. A record without relations gets no finding from here.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from helpers import ERROR, WARNING, building, cand, deputy, findings, first_round, make, one, party, village, with_ids

from pipeline import records, schema
from pipeline.rules.relatives import RELATIONS, relations

RELATIVE_IDS = ("RELATIVE-COMMITTEE", "RELATIVE-TELLER", "RELATIVE-ELECTED")
VILLAGE_LAW = "《中华人民共和国村民委员会组织法》（2025年修正）"
COMMITTEE_TAIL = (
    "选举委员会成员的近亲属被提名为候选人的，该成员应当退出选举委员会；请在 committee 中删去其姓名"
    "（按原推选结果依次递补或另行推选），或在候选人退出后标记 withdrawn: true。"
)
TELLER_TAIL = "候选人的近亲属不得担任监票人、计票人，请另行推选监票人员。"


def relative_findings(data: dict) -> list:
    return with_ids(findings(data), *RELATIVE_IDS)


def spouse_of_chair() -> dict:
    """柳林村: 刘建华 (主任 candidate) is the spouse of 杨德明, who chairs the election committee."""
    data = village()
    data["candidates"][0]["relatives"] = [{"name": "杨德明", "relation": "配偶"}]
    return data


# ---------------------------------------------------------------- records without relations


def test_records_without_relations_behave_as_today():
    data = village(rounds=[first_round(tellers=["周明", "吴立"])])
    assert relative_findings(data) == []
    assert relations(make(data).data) == {}


def test_relations_hold_both_ways():
    data = village(relatives=[{"person": "杨德明", "name": "刘 建华", "relation": "父母"}])
    assert relations(make(data).data) == {("杨德明", "刘建华"): "父母", ("刘建华", "杨德明"): "子女"}
    assert all(RELATIONS[RELATIONS[word]] == word for word in RELATIONS)


# ---------------------------------------------------------------- the election committee


def test_committee_chair_whose_spouse_stands():
    finding = one(findings(spouse_of_chair()), "RELATIVE-COMMITTEE")
    assert finding.severity is ERROR
    assert finding.path == "committee.chair"
    assert finding.citation == VILLAGE_LAW + "第十五条"
    assert finding.message == "选举委员会主任 杨德明 是主任候选人 刘建华 的配偶。" + COMMITTEE_TAIL


def test_committee_member_declared_on_his_own_side():
    """Declared in the record's relatives (刘建华 is 冯玉珍's 父母): 冯玉珍 is the candidate's 子女."""
    data = village(relatives=[{"person": "冯玉珍", "name": "刘建华", "relation": "父母"}])
    finding = one(findings(data), "RELATIVE-COMMITTEE")
    assert finding.path == "committee.members[1]"
    assert finding.message == "选举委员会委员 冯玉珍 是主任候选人 刘建华 的子女。" + COMMITTEE_TAIL


def test_committee_member_of_a_withdrawn_candidate_need_not_leave():
    data = spouse_of_chair()
    data["candidates"][0]["withdrawn"] = True
    assert relative_findings(data) == []


def test_committee_member_whose_relative_left_the_committee_passes():
    data = spouse_of_chair()
    data["committee"]["chair"] = "韩志远"
    data["committee"]["members"] = ["冯玉珍"]
    assert relative_findings(data) == []


def test_committee_relatives_are_not_a_rule_of_the_2018_law():
    """2018 第十二条 bars only the nominated member himself."""
    data = spouse_of_chair()
    data["legal_basis"] = 2018
    assert with_ids(findings(data), "RELATIVE-COMMITTEE") == []


def test_committee_in_sichuan_cites_the_provincial_article():
    data = spouse_of_chair()
    data["profile"] = "sichuan"
    finding = one(findings(data), "RELATIVE-COMMITTEE")
    assert finding.citation == "《中华人民共和国村民委员会组织法》第十五条、《四川省村民委员会选举条例》第十四条"


# ---------------------------------------------------------------- tellers


def teller_brother(**changes) -> dict:
    """吴立, a teller of the first round, is the brother of 赵国庆 (委员 candidate)."""
    return village(
        rounds=[first_round(tellers=["周明", "吴立"])],
        relatives=[{"person": "吴立", "name": "赵国庆", "relation": "兄弟姐妹"}],
        **changes,
    )


def test_teller_related_to_a_candidate_under_the_national_law():
    finding = one(findings(teller_brother()), "RELATIVE-TELLER")
    assert finding.severity is WARNING
    assert finding.path == "rounds[0].tellers[1]"
    assert finding.citation == "省级选举办法"
    assert finding.message == "监票人员 吴立 是委员候选人 赵国庆 的兄弟姐妹。" + TELLER_TAIL


def test_teller_related_to_a_candidate_in_sichuan_is_an_error():
    finding = one(findings(teller_brother(profile="sichuan")), "RELATIVE-TELLER")
    assert finding.severity is ERROR
    assert finding.citation == "《四川省村民委员会选举条例》第二十八条"


def test_mobile_box_teller_related_to_a_candidate():
    box = {"name": "流动票箱", "issued": 5, "returned": 5, "tellers": ["韩志远", "吴立"]}
    data = teller_brother()
    data["rounds"] = [first_round(mobile_boxes=[box])]
    assert one(findings(data), "RELATIVE-TELLER").path == "rounds[0].mobile_boxes[0].tellers[1]"


def test_teller_related_to_a_deputy_candidate_cites_article_43():
    data = deputy(candidates=3)
    data["contests"][0]["candidates"][1]["relatives"] = [{"name": "马红", "relation": "其他近亲属"}]
    data["contests"][0]["rounds"] = [
        {
            "type": "first",
            "date": "2026-11-20",
            "participants": 2000,
            "ballots": {"issued": 2000, "returned": 2000},
            "tellers": ["马红", "钱学军"],
            "votes": {"代表": {"王志刚": 1500, "李春梅": 1200, "张德福": 300}},
        }
    ]
    finding = one(findings(data), "RELATIVE-TELLER")
    assert finding.severity is ERROR
    assert finding.path == "contests[0].rounds[0].tellers[0]"
    assert finding.citation == "《中华人民共和国全国人民代表大会和地方各级人民代表大会选举法》（2020年修正）第四十三条"
    assert finding.message == "监票人员 马红 是代表候选人 李春梅 的近亲属。" + TELLER_TAIL


def test_no_relatives_checks_for_a_party_branch():
    data = party(relatives=[{"person": "付建明", "name": "温秀梅", "relation": "配偶"}])
    assert relative_findings(data) == []


# ---------------------------------------------------------------- the elected


def sisters_elected(**changes) -> dict:
    """王秀兰 (70 票) and 孙丽娟 (50 票), both elected 委员, are sisters."""
    data = village(rounds=[first_round()], **changes)
    data["candidates"][2]["relatives"] = [{"name": "孙丽娟", "relation": "兄弟姐妹"}]
    return data


def test_near_relatives_elected_under_the_national_law():
    finding = one(findings(sisters_elected()), "RELATIVE-ELECTED")
    assert finding.severity is WARNING
    assert finding.path == "rounds[0]"
    assert finding.citation == VILLAGE_LAW + "第八条"
    assert finding.message == (
        "当选的委员 王秀兰 与委员 孙丽娟 是近亲属（孙丽娟 是 王秀兰 的兄弟姐妹），成员实行近亲属回避，只能保留其中一人的职务。"
        "请按本省选举办法确定保留职务的一人，另一人的职务不予保留，空出的名额按规定另行选举。"
    )


def test_near_relatives_elected_in_sichuan_keep_the_one_with_more_votes():
    finding = one(findings(sisters_elected(profile="sichuan")), "RELATIVE-ELECTED")
    assert finding.citation == "《中华人民共和国村民委员会组织法》第八条、《四川省村民委员会选举条例》第三十五条"
    assert finding.message == (
        "当选的委员 王秀兰 与委员 孙丽娟 是近亲属（孙丽娟 是 王秀兰 的兄弟姐妹），成员实行近亲属回避，只能保留其中一人的职务。"
        "如其中一人声明退出，保留另一人的职务；无人声明退出的，两人职务相同，保留得票较多的 王秀兰（70 票）的职务，"
        "孙丽娟（50 票）的职务不予保留，空出的名额按规定另行选举。"
    )


def test_near_relatives_elected_in_sichuan_keep_the_higher_post():
    data = village(rounds=[first_round()], profile="sichuan")
    data["relatives"] = [{"person": "孙丽娟", "name": "刘建华", "relation": "配偶"}]
    finding = one(findings(data), "RELATIVE-ELECTED")
    assert finding.message == (
        "当选的主任 刘建华 与委员 孙丽娟 是近亲属（孙丽娟 是 刘建华 的配偶），成员实行近亲属回避，只能保留其中一人的职务。"
        "如其中一人声明退出，保留另一人的职务；无人声明退出的，保留职务较高的主任 刘建华 的职务，"
        "孙丽娟 的职务不予保留，空出的名额按规定另行选举。"
    )


def test_near_relatives_elected_in_sichuan_with_equal_votes_vote_again():
    data = sisters_elected(profile="sichuan")
    data["rounds"][0]["votes"]["委员"] = {"王秀兰": 50, "孙丽娟": 50, "赵国庆": 30}
    finding = one(findings(data), "RELATIVE-ELECTED")
    assert finding.message.endswith(
        "如其中一人声明退出，保留另一人的职务；无人声明退出的，两人职务相同且得票相等（各 50 票），"
        "应当就两人继续组织投票，以得票多的当选。"
    )


def test_relatives_among_candidates_are_no_finding_until_both_are_elected():
    data = sisters_elected()
    data["rounds"][0]["votes"]["委员"] = {"王秀兰": 70, "赵国庆": 50, "孙丽娟": 30}
    assert relative_findings(data) == []
    assert relative_findings(village(candidates=sisters_elected()["candidates"])) == []


def test_relatives_among_the_elected_are_not_a_rule_of_the_2018_law():
    data = sisters_elected(legal_basis=2018)
    assert with_ids(findings(data), "RELATIVE-ELECTED") == []


# ---------------------------------------------------------------- the record's form


def schema_findings(data: dict) -> list[tuple[str, str, str]]:
    record, _ = records.parse(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "t.yaml")
    assert record is not None
    return [(f.id, f.path, f.message) for f in schema.validate(record)]


def test_relation_words_come_from_the_fixed_list():
    data = village(relatives=[{"person": "吴立", "name": "赵国庆", "relation": "表兄弟"}])
    data["candidates"][0]["relatives"] = [{"name": "杨德明"}]
    assert schema_findings(data) == [
        ("SCHEMA-REQUIRED", "candidates[0].relatives[0]", "缺少必填字段 relation（关系）。"),
        (
            "SCHEMA-ENUM",
            "relatives[0].relation",
            "关系应为以下之一：配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女、其他近亲属"
            "（《中华人民共和国民法典》第一千零四十五条所列近亲属；本省规定的其他近亲属写“其他近亲属”）；实际为文字“表兄弟”。",
        ),
    ]


def test_the_readme_example_is_a_valid_record_part():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = next(b for b in readme.split("```yaml\n")[1:] if b.startswith("candidates:\n  - {name: 刘建华"))
    example = yaml.safe_load(block.split("```")[0])
    data = village(rounds=[first_round(tellers=["周明", "吴立"])], relatives=example["relatives"])
    data["candidates"][0] = example["candidates"][0]
    found = relative_findings(data)
    assert [(f.id, f.path) for f in found] == [
        ("RELATIVE-COMMITTEE", "committee.chair"),
        ("RELATIVE-TELLER", "rounds[0].tellers[1]"),
    ]


def test_tellers_of_one_building_related_to_its_candidates():
    """Each contest's tellers against its own candidates; the building's message names the building."""
    data = building()
    data["contests"].append(
        {
            "name": "2号楼",
            "seats": [{"post": "楼栋长", "count": 1}],
            "electorate": {"registered": 40},
            "candidates": [cand("李强", "楼栋长"), cand("张敏", "楼栋长", "女")],
            "rounds": [
                {
                    "type": "first",
                    "date": "2026-04-25",
                    "participants": 30,
                    "ballots": {"issued": 30, "returned": 30},
                    "tellers": ["王桂芝", "赵兰"],
                    "votes": {"楼栋长": {"李强": 20, "张敏": 10}},
                }
            ],
        }
    )
    data["relatives"] = [{"person": "赵兰", "name": "张敏", "relation": "子女"}]
    finding = one(findings(data), "RELATIVE-TELLER")
    assert finding.severity is WARNING
    assert finding.path == "contests[1].rounds[0].tellers[1]"
    assert finding.citation == "社区推选方案"
    assert finding.message == "2号楼：监票人员 赵兰 是楼栋长候选人 张敏 的父母。" + TELLER_TAIL
