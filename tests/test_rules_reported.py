"""Typed figures of `summary.reported` checked at the precision typed (issue 11 item 10)."""

from __future__ import annotations

from helpers import INFO, WARNING, cand, findings, first_round, make, village

from pipeline.rules.reported import COUNTS, SHARES, truncated


def typed(data: dict, **figures) -> list:
    data["summary"] = {"reported": figures}
    return [f for f in findings(data) if f.id.startswith("STATS-REPORTED")]


def big_turnout() -> dict:
    """4409 of 4648 vote: 94.8580…%."""
    rnd = first_round(
        participants=4409,
        ballots={"issued": 4409, "returned": 4409, "invalid": 9},
        votes={"主任": {"刘建华": 3000, "陈志强": 1400}, "委员": {"王秀兰": 3100, "孙丽娟": 2900, "赵国庆": 1300}},
    )
    return village(electorate={"registered": 4648}, rounds=[rnd])


def test_a_truncated_share_is_flagged_and_said_to_look_truncated():
    (finding,) = typed(big_turnout(), turnout_percent=94.85)
    assert finding.id == "STATS-REPORTED-MISMATCH" and finding.severity is WARNING
    assert finding.path == "summary.reported.turnout_percent"
    assert finding.message == (
        "填报的参选率 94.85% 与计算值不符：参加投票 4409 人，登记选民 4648 人，参选率应为 94.86%。"
        "所填数字像是截断而未四舍五入：计算值为 94.8580…%，保留 2 位小数四舍五入应为 94.86%。"
    )


def test_each_precision_typed_is_checked_to_its_own_places():
    data = big_turnout()
    assert typed(data, turnout_percent=94.86) == []
    assert typed(data, turnout_percent=94.9) == []  # 1 place
    assert typed(data, turnout_percent=95) == []  # 0 places
    assert typed(data, turnout_percent=94.858) == []  # 3 places
    (one_place,) = typed(data, turnout_percent=94.8)
    assert one_place.message.endswith(
        "所填数字像是截断而未四舍五入：计算值为 94.858…%，保留 1 位小数四舍五入应为 94.9%。"
    )
    (no_place,) = typed(data, turnout_percent=94)
    assert no_place.message.endswith("保留 0 位小数四舍五入应为 95%。")


def test_a_difference_that_is_not_truncation_has_no_truncation_note():
    (finding,) = typed(big_turnout(), turnout_percent=94.87)
    assert (
        finding.message == "填报的参选率 94.87% 与计算值不符：参加投票 4409 人，登记选民 4648 人，参选率应为 94.86%。"
    )


def test_the_truncation_helper_cuts_and_never_rounds():
    assert str(truncated(440900, 4648, 2)) == "94.85"
    assert str(truncated(440900, 4648, 4)) == "94.8580"
    assert str(truncated(100, 8, 0)) == "12"


def elected_five() -> dict:
    """刘建华 (主任), 王秀兰 and 孙丽娟 (委员) elected: 1 man, 2 women; ages and schooling set."""
    data = village(rounds=[first_round()])
    data["candidates"] = [
        cand("刘建华", "主任", birth="1980-05", education="大学本科", incumbent=True),
        cand("陈志强", "主任"),
        cand("王秀兰", "委员", "女", birth="1960-01", education="初中"),
        cand("赵国庆", "委员"),
        cand("孙丽娟", "委员", "女", birth="1995-03", education="高中"),
    ]
    return data


def test_every_share_of_the_members_elected_can_be_typed_and_matches():
    data = elected_five()
    assert (
        typed(
            data,
            men_percent=33.33,
            women_percent=66.67,
            age_35_and_under_percent=33.3,
            age_36_to_45_percent=33,
            age_46_to_55_percent=0,
            age_56_and_over_percent=33.33,
            education_college_percent=33.33,
            education_high_school_percent=33.33,
            education_junior_percent=33.33,
            incumbent_percent=33.33,
            first_round_success_percent=100,
            seats_count=3,
            candidates_count=5,
            elected_count=3,
            filled_first_round_count=1,
        )
        == []
    )


def test_typed_shares_of_the_members_that_differ():
    found = typed(elected_five(), men_percent=33.34, age_56_and_over_percent=33.3, education_junior_percent=50)
    messages = {f.path.rsplit(".", 1)[1]: f.message for f in found}
    assert messages == {
        "men_percent": "填报的男性成员占比 33.34% 与计算值不符：当选成员 3 名，其中男性 1 名，占比应为 33.33%。",
        "education_junior_percent": (
            "填报的初中及以下学历成员占比 50% 与计算值不符：当选成员 3 名，其中初中及以下 1 名，占比应为 33.33%。"
        ),
    }  # 33.3 is 33.333…% at one place


def test_first_round_success_and_counts():
    found = typed(elected_five(), first_round_success_percent=90, elected_count=4, candidates_count=6)
    assert [f.message for f in found] == [
        "填报的一次选举成功率 90% 与计算值不符：已投票的场次 1 个，其中首次投票即选出全部名额的 1 个，"
        "一次选举成功率应为 100.00%。",
        "填报的正式候选人数 6 与计算值不符：按记录计算应为 5。",
        "填报的当选人数 4 与计算值不符：按记录计算应为 3。",
    ]
    assert {f.severity for f in found} == {WARNING}


def test_counts_before_the_vote_are_unverifiable_but_seats_are_not():
    found = typed(village(), elected_count=3, seats_count=4)
    assert [(f.id, f.severity, f.message) for f in found] == [
        ("STATS-REPORTED-MISMATCH", WARNING, "填报的应选名额 4 与计算值不符：按记录计算应为 3。"),
        ("STATS-REPORTED-UNVERIFIABLE", INFO, "填报的当选人数 3 无法核对：记录中尚无计算所需的投票或当选数据。"),
    ]


def test_every_supported_key_is_in_the_schema():
    for key in (*SHARES, *COUNTS):
        value = 1
        make(village(summary={"reported": {key: value}}))  # schema-valid
