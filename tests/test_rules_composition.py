"""Composition checks: size, women, committee members who stand, duplicates, caps, tellers, minimum elected.

Size, women (candidates and elected), committee members who stand, duplicates, nomination caps, tellers, and the
minimum of members elected (O3).
"""

from __future__ import annotations

from helpers import (
    ERROR,
    INFO,
    WARNING,
    cand,
    checked,
    deputy,
    findings,
    first_round,
    one,
    party,
    profile_with,
    residents,
    village,
)

from pipeline.rules import composition

VILLAGE_LAW = "《中华人民共和国村民委员会组织法》（2025年修正）"


def test_village_size_above_seven():
    data = village(seats=[{"post": "主任", "count": 1}, {"post": "副主任", "count": 1}, {"post": "委员", "count": 6}])
    finding = one(findings(data, composition.check), "COMPOSITION-SIZE")
    assert finding.severity is ERROR
    assert finding.path == "seats"
    assert finding.citation == VILLAGE_LAW + "第八条"
    assert finding.message == (
        "应选名额共 8 名（主任 1 名、副主任 1 名、委员 6 名），按规定应为 3 至 7 名。请核对 seats 中的应选名额。"
    )


def test_residents_size_below_five():
    data = residents(seats=[{"post": "主任", "count": 1}, {"post": "委员", "count": 3}])
    finding = one(findings(data, composition.check), "COMPOSITION-SIZE")
    assert finding.citation == "《中华人民共和国城市居民委员会组织法》（2025年修订）第八条"
    assert "按规定应为 5 至 9 名" in finding.message


def test_deputy_district_of_four_seats():
    data = deputy(seats=4, candidates=6)
    finding = one(findings(data, composition.check), "COMPOSITION-SIZE")
    assert finding.path == "contests[0].seats"
    assert finding.message.startswith("应选名额共 4 名（代表 4 名），按规定应为 1 至 3 名。")


def test_party_size_is_a_guideline_and_small_branches_are_exempt():
    big = party(members=7, candidates=9)
    finding = one(findings(big, composition.check), "COMPOSITION-SIZE")
    assert finding.severity is WARNING
    assert finding.citation == "《中国共产党支部工作条例（试行）》"
    small = party(members=7, candidates=9, electorate={"registered": 6})
    assert findings(small, composition.check) == []


def test_no_woman_among_the_candidates():
    data = village()
    for c in data["candidates"]:
        c["gender"] = "男"
    finding = one(findings(data, composition.check), "COMPOSITION-WOMEN")
    assert finding.severity is WARNING
    assert finding.path == "candidates"
    assert finding.citation == VILLAGE_LAW + "第八条"
    assert finding.message == (
        "正式候选人 5 名中没有女性。成员中应当有妇女成员，候选人中没有女性就无法选出女性成员；"
        "请在正式候选人中安排女性候选人。"
    )


def test_gender_unknown_is_only_noted():
    data = village()
    for c in data["candidates"]:
        c["gender"] = "男"
    del data["candidates"][0]["gender"]
    finding = one(findings(data, composition.check), "COMPOSITION-WOMEN")
    assert finding.severity is INFO
    assert "另有 1 名候选人未填写性别" in finding.message


def test_deputy_and_party_do_not_require_a_woman():
    for data in (deputy(), party()):
        for c in (data.get("contests") or [data])[0]["candidates"]:
            c["gender"] = "男"
        assert findings(data, composition.check) == []


def test_committee_member_nominated():
    data = village()
    data["committee"]["members"].append("赵国庆")
    finding = one(findings(data, composition.check), "COMMITTEE-CANDIDATE")
    assert finding.severity is ERROR
    assert finding.path == "committee.members[2]"
    assert finding.citation == VILLAGE_LAW + "第十五条"
    assert finding.message == (
        "选举委员会委员 赵国庆 被提名为委员候选人，应当退出选举委员会。"
        "请在 committee 中删去其姓名（按规定补足成员），或在其退出候选后标记 withdrawn: true。"
    )


def test_committee_chair_nominated_but_withdrawn():
    data = village()
    data["committee"]["chair"] = "赵国庆"
    data["candidates"][3]["withdrawn"] = True
    assert findings(data, composition.check) == []


def test_party_committee_may_stand():
    data = party(committee={"name": "换届选举工作小组", "chair": "付建明"})
    assert findings(data, composition.check) == []


def test_duplicate_candidate_in_one_post():
    data = village()
    data["candidates"].append(cand("赵国庆", "委员"))
    finding = one(findings(data, composition.check), "CANDIDATE-DUPLICATE")
    assert finding.severity is ERROR
    assert finding.path == "candidates[5].name"
    assert finding.message == (
        "委员职位的候选人“赵国庆”重复列入（candidates 第 4 项和第 6 项）。同一人只能列入一次，"
        "请删去重复的一项；如是同名的两个人，请在姓名后加注区分，如“赵国庆（大）”。"
    )


def test_same_name_in_two_posts_is_noted():
    data = village()
    data["candidates"].append(cand("陈志强", "委员"))
    finding = one(findings(data, composition.check), "CANDIDATE-MULTI-POST")
    assert finding.severity is INFO
    assert finding.path == "candidates[1].name"
    assert finding.message.startswith("“陈志强”同时列为主任、委员职位的候选人。")


def test_deputy_party_nominating_more_than_the_seats():
    data = deputy(seats=2, candidates=4)
    for c in data["contests"][0]["candidates"][:3]:
        c["nominated_by"] = "中国共产党青石县河湾镇委员会推荐"
    finding = one(findings(data, composition.check), "NOMINATION-CAP")
    assert finding.severity is WARNING
    assert finding.path == "contests[0].candidates[0].nominated_by"
    assert finding.citation == "《中华人民共和国全国人民代表大会和地方各级人民代表大会选举法》（2020年修正）第三十条"
    assert finding.message == (
        "“中国共产党青石县河湾镇委员会推荐”推荐了 3 名候选人，超过本选区应选名额 2 名。"
        "各政党、各人民团体推荐的候选人人数不得超过应选名额；请核对推荐方式（nominated_by）或推荐人数。"
    )


def test_joint_voter_nominations_are_not_one_nominator():
    assert findings(deputy(seats=2, candidates=4), composition.check) == []  # all 选民十人以上联名推荐


def test_candidate_as_teller():
    data = village(rounds=[first_round(tellers=["韩志远", "赵国庆"])])
    finding = one(findings(data, composition.check), "TELLER-CANDIDATE")
    assert finding.severity is ERROR
    assert finding.path == "rounds[0].tellers[1]"
    assert finding.message == "监票人员 赵国庆 是候选人。候选人及其近亲属不得担任监票人、计票人，请另行推选监票人员。"


def test_candidate_as_mobile_box_teller():
    box = {"name": "流动票箱", "issued": 5, "returned": 5, "tellers": ["韩志远", "刘建华"]}
    data = village(rounds=[first_round(mobile_boxes=[box])])
    assert one(findings(data, composition.check), "TELLER-CANDIDATE").path == "rounds[0].mobile_boxes[0].tellers[1]"


# ---------------------------------------------------------------- on the elected (outcome)


def all_men_elected() -> dict:
    data = village(
        rounds=[
            first_round(
                votes={"主任": {"刘建华": 60, "陈志强": 18}, "委员": {"赵国庆": 70, "王秀兰": 50, "孙丽娟": 45}}
            )
        ]
    )
    data["candidates"].append(cand("周文斌", "委员"))
    data["rounds"][0]["votes"]["委员"] = {"赵国庆": 70, "周文斌": 60, "王秀兰": 30, "孙丽娟": 20}
    return data


def test_no_woman_elected_is_a_warning_naming_what_follows_once_counted():
    # 村委会法 says only "应当有妇女成员": the national profile warns, the unit is not blocked.
    found = findings(all_men_elected())
    finding = one(found, "COMPOSITION-WOMEN")
    assert finding.severity is WARNING
    assert finding.path == "rounds[0]"
    assert finding.citation == VILLAGE_LAW + "第八条"
    assert finding.message == (
        "当选的 3 名成员（刘建华、赵国庆、周文斌）中没有女性，不符合“成员中应当有妇女成员”的规定"
        "（《中华人民共和国村民委员会组织法》（2025年修正）第八条）；法律对此未再规定另行选举等办法，"
        "请报乡镇（街道）换届选举工作指导机构研究处理，并在工作总结中说明。"
    )


def test_no_woman_yet_while_a_runoff_is_pending_is_not_judged():
    data = all_men_elected()
    data["rounds"][0]["votes"]["委员"] = {"赵国庆": 70, "周文斌": 30, "王秀兰": 30, "孙丽娟": 20}
    assert [f for f in findings(data) if f.id == "COMPOSITION-WOMEN"] == []


def test_fewer_members_than_the_minimum_after_the_last_round():
    runoff = {
        "type": "runoff",
        "posts": ["委员"],
        "seats": {"委员": 1},
        "participants": 80,
        "ballots": {"issued": 80, "returned": 80},
        "votes": {"委员": {"孙丽娟": 20, "赵国庆": 10}},
    }
    data = village(
        rounds=[first_round(votes={"主任": {"刘建华": 60}, "委员": {"王秀兰": 70, "孙丽娟": 30, "赵国庆": 20}}), runoff]
    )
    finding = one(findings(data), "COMPOSITION-ELECTED")
    assert finding.severity is WARNING
    assert finding.path == "rounds[1]"
    assert finding.citation == VILLAGE_LAW + "第八条"
    assert finding.message == (
        "投票结束后共选出 2 名成员，少于法定最少的 3 名。应按本省选举办法在规定期限内再行选举，补足成员。"
    )


# ---------------------------------------------------------------- the woman seat, per profile (remedy)


def men_first(women_votes: tuple[int, int], profile: str | None = "sichuan", **changes) -> dict:
    """主任 1 and 委员 2 with 90 voting (half: 46 votes); 赵国庆 70 and 周文斌 60 elected 委员 ahead of the women."""
    data = village(**changes)
    data["electorate"] = {"registered": 100}
    if profile:
        data["profile"] = profile
    data["candidates"].append(cand("周文斌", "委员"))
    data["candidates"] = [c for c in data["candidates"] if c["name"] != "陈志强"] + [cand("陈志强", "主任")]
    wang, sun = women_votes
    data["rounds"] = [
        first_round(
            participants=90,
            ballots={"issued": 90, "returned": 90, "invalid": 0},
            votes={
                "主任": {"刘建华": 60, "陈志强": 28},
                "委员": {"赵国庆": 70, "周文斌": 60, "王秀兰": wang, "孙丽娟": sun},
            },
        )
    ]
    return data


SICHUAN_34 = "《四川省村民委员会选举条例》第三十四条"


def test_sichuan_a_woman_above_half_takes_the_seat():
    result = checked(men_first((46, 4)))
    assert result.ok  # a warning: the unit is rendered
    assert [(f.id, f.severity) for f in result.findings] == [("COMPOSITION-WOMEN", WARNING)]
    finding = one(findings(men_first((46, 4))), "COMPOSITION-WOMEN")
    assert finding.severity is WARNING
    assert finding.citation == SICHUAN_34
    assert finding.message == (
        "当选的 3 名成员（刘建华、赵国庆、周文斌）中没有女性。按《四川省村民委员会选举条例》第三十四条，"
        "委员的当选人应首先确定获得过半数选票的妇女中得票最多的王秀兰（46 票），其余委员按得票多少的顺序确定，"
        "周文斌（60 票）不再当选；请据此更正委员的当选人。"
    )


def test_sichuan_no_woman_above_half_one_seat_is_elected_again_among_women():
    # 45 of 90 is not more than half: the woman seat goes to a 另行选举 among the women candidates.
    assert [f.id for f in checked(men_first((45, 5))).findings] == ["COMPOSITION-WOMEN"]
    finding = one(findings(men_first((45, 5))), "COMPOSITION-WOMEN")
    assert finding.severity is WARNING
    assert finding.citation == SICHUAN_34
    assert finding.message == (
        "当选的 3 名成员（刘建华、赵国庆、周文斌）中没有女性，也没有妇女获得过半数选票。"
        "按《四川省村民委员会选举条例》第三十四条，应在委员的应选名额中确定一个名额在女性候选人王秀兰、孙丽娟中另行选举，"
        "其余委员按得票多少的顺序确定，周文斌（60 票）不再当选。"
    )


def test_sichuan_no_woman_candidate_at_all():
    data = men_first((40, 10))
    for c in data["candidates"]:
        c["gender"] = "男"
    found = findings(data)
    assert [f.severity for f in found if f.id == "COMPOSITION-WOMEN"] == [WARNING, WARNING]
    elected = [f for f in found if f.id == "COMPOSITION-WOMEN" and f.path == "rounds[0]"]
    assert [f.message for f in elected] == [
        "当选的 3 名成员（刘建华、赵国庆、周文斌）中没有女性，也没有妇女获得过半数选票。"
        "按《四川省村民委员会选举条例》第三十四条，应在委员的应选名额中确定一个名额另行选举妇女成员，"
        "本次正式候选人中没有女性，须依法提名女性候选人，其余委员按得票多少的顺序确定，周文斌（60 票）不再当选。"
    ]


def test_sichuan_residents_cite_their_own_article():
    data = residents(profile="sichuan")
    spec = profile_with(data).women_required
    assert spec is not None
    assert (spec.article, spec.remedy, spec.post) == (
        "《四川省城市居民委员会选举条例》第三十二条",
        "reserved_seat",
        "委员",
    )


def test_runoff_among_women_does_not_first_take_a_woman_above_half():
    data = men_first((46, 4), profile=None)
    rule = {"article": "第八条", "remedy": "runoff_among_women"}
    finding = one(findings(data, profile=profile_with(data, women_required=rule)), "COMPOSITION-WOMEN")
    assert finding.severity is WARNING
    assert finding.message == (
        "当选的 3 名成员（刘建华、赵国庆、周文斌）中没有女性。按《中华人民共和国村民委员会组织法》（2025年修正）第八条，"
        "应在委员的应选名额中确定一个名额在女性候选人王秀兰、孙丽娟中另行选举，其余委员按得票多少的顺序确定，"
        "周文斌（60 票）不再当选。"
    )


def test_a_woman_candidate_not_elected_under_the_2018_law_is_a_warning():
    data = men_first((30, 20), profile=None, legal_basis=2018)
    data["schedule"]["election_day"] = "2025-04-18"
    data["rounds"][0]["date"] = "2025-04-18"
    data["schedule"]["voter_list_published"] = "2025-03-27"
    data["schedule"]["candidates_published"] = "2025-04-10"
    finding = one(findings(data), "COMPOSITION-WOMEN")
    assert finding.severity is WARNING
    assert finding.citation == "《中华人民共和国村民委员会组织法》（2018年修正）第六条"
    assert "法律对此未再规定另行选举等办法" in finding.message


def test_a_woman_elected_in_a_runoff_counts():
    data = men_first((40, 10))
    data["rounds"][0]["votes"]["委员"] = {"赵国庆": 70, "周文斌": 40, "王秀兰": 40, "孙丽娟": 20}
    runoff = {
        "type": "runoff",
        "date": "2026-04-18",
        "posts": ["委员"],
        "seats": {"委员": 1},
        "participants": 88,
        "ballots": {"issued": 88, "returned": 88, "invalid": 0},
        "votes": {"委员": {"王秀兰": 50, "周文斌": 38}},
    }
    data["rounds"].append(runoff)
    found = findings(data)
    assert [f for f in found if f.id == "COMPOSITION-WOMEN"] == []
    assert ERROR not in {f.severity for f in found}
