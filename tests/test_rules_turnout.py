"""Turnout checks: the right base and strictness, base exclusions, and what the tally leaves to do.

Turnout with the right base and strictness (exactly half, exactly 2/3, exactly 4/5), the turnout base exclusions
(O5), and what the tally leaves to do (ties, 另行选举, vacancies).
"""

from __future__ import annotations

import pytest
from helpers import ERROR, INFO, WARNING, evaluated, first_round, make, one, party, residents, village

from pipeline.rules import run_checks, turnout
from pipeline.rules.profile import select

VILLAGE_CITE = "《中华人民共和国村民委员会组织法》（2025年修正）第十八条"


def turnout_findings(data: dict) -> list:
    from pipeline import outcome

    record = make(data)
    profile = select(record.data)
    return turnout.check(record, profile, outcome.compute(record.data, profile))


def village_turnout(participants: int, registered: int = 100) -> dict:
    return village(
        electorate={"registered": registered},
        rounds=[
            first_round(
                participants=participants,
                ballots={"issued": participants, "returned": participants, "invalid": 0},
                votes={"主任": {"刘建华": participants}, "委员": {"王秀兰": participants, "孙丽娟": participants}},
            )
        ],
    )


def test_more_than_half_passes():
    assert turnout_findings(village_turnout(51)) == []


def test_exactly_half_fails_and_says_why():
    finding = one(turnout_findings(village_turnout(50)), "TURNOUT-MAJORITY")
    assert finding.severity is ERROR
    assert finding.path == "rounds[0].participants"
    assert finding.citation == VILLAGE_CITE
    assert finding.message == (
        "参加投票 50 人，未超过登记选民 100 人的半数（至少需 51 人），选举无效。恰好半数不算“超过半数”。"
        "本轮不能产生当选人，应重新组织选举；请先核对人数是否录错。"
    )


def test_odd_base():
    assert turnout_findings(village_turnout(50, registered=99)) == []
    assert one(turnout_findings(village_turnout(49, registered=99)), "TURNOUT-MAJORITY").message.startswith(
        "参加投票 49 人，未超过登记选民 99 人的半数（至少需 50 人），选举无效。本轮"
    )


def test_returned_ballots_stand_for_participants():
    data = village_turnout(40)
    del data["rounds"][0]["participants"]
    assert one(turnout_findings(data), "TURNOUT-MAJORITY").path == "rounds[0].ballots.returned"


def test_message_of_the_issue_for_household_representatives():
    data = residents(
        rounds=[
            {
                "type": "first",
                "participants": 640,
                "ballots": {"issued": 640, "returned": 640, "invalid": 0},
                "votes": {"主任": {"王建国": 600}},
            }
        ]
    )
    finding = one(turnout_findings(data), "TURNOUT-MAJORITY")
    assert finding.citation == "《中华人民共和国城市居民委员会组织法》（2025年修订）第十九条"
    assert finding.message.startswith("参加投票 640 户，未超过登记户代表 1486 户的半数（至少需 744 户），选举无效。")


@pytest.mark.parametrize("voting, ok", [(20, False), (21, True)])
def test_resident_representatives_need_more_than_two_thirds(voting, ok):
    data = residents(
        method="resident_representative",
        electorate={"registered": 30},
        rounds=[
            {
                "type": "first",
                "participants": voting,
                "ballots": {"issued": voting, "returned": voting, "invalid": 0},
                "votes": {"主任": {"王建国": voting}},
            }
        ],
    )
    found = turnout_findings(data)
    if ok:
        assert [f for f in found if f.id == "TURNOUT-MAJORITY"] == []
        return
    assert one(found, "TURNOUT-MAJORITY").message.startswith(
        "参加投票 20 名，未超过居民代表 30 名的三分之二（至少需 21 名），选举无效。恰好三分之二不算“超过三分之二”。"
    )


def party_turnout(present: int, registered: int = 47, excluded: int = 2) -> dict:
    return party(
        electorate={"registered": registered, "excluded": excluded},
        rounds=[
            {
                "type": "first",
                "present": present,
                "ballots": {"issued": present, "returned": present, "invalid": 0},
                "votes": {
                    "书记": {"付建明": present},
                    "委员": {n: present for n in ["温秀梅", "段立强", "龙晓燕", "邱振国"]},
                },
            }
        ],
    )


def test_party_more_than_four_fifths_of_expected_attendance():
    assert turnout_findings(party_turnout(37)) == []


def test_party_exactly_four_fifths_is_flagged_specially():
    finding = one(turnout_findings(party_turnout(36)), "TURNOUT-MAJORITY")
    assert finding.severity is ERROR
    assert finding.path == "rounds[0].present"
    assert finding.citation == "《中国共产党基层组织选举工作条例》（2020）"
    assert finding.message == (
        "实到会有选举权的人数 36 名，未超过应到会人数 45 名（登记 47 名，不计入 2 名）的五分之四（至少需 37 名），"
        "选举无效。恰好五分之四不算“超过五分之四”（有的辅导材料认为达到即可，但规定是“超过”）。"
        "本轮不能产生当选人，应重新组织选举；请先核对人数是否录错。"
    )


def test_party_without_exclusions():
    finding = one(turnout_findings(party_turnout(40, registered=50, excluded=0)), "TURNOUT-MAJORITY")
    assert finding.message.startswith(
        "实到会有选举权的人数 40 名，未超过应到会人数 50 名的五分之四（至少需 41 名），选举无效。"
    )


def test_runoff_round_turnout():
    runoff = {
        "type": "runoff",
        "posts": ["委员"],
        "seats": {"委员": 1},
        "participants": 50,
        "ballots": {"issued": 50, "returned": 50},
        "votes": {"委员": {"孙丽娟": 30, "赵国庆": 20}},
    }
    data = village(
        rounds=[first_round(votes={"主任": {"刘建华": 60}, "委员": {"王秀兰": 70, "孙丽娟": 30, "赵国庆": 20}}), runoff]
    )
    finding = one(turnout_findings(data), "TURNOUT-MAJORITY")
    assert finding.path == "rounds[1].participants"
    assert finding.message == (
        "第 2 轮（另行选举）参加投票 50 人，未超过登记选民 100 人的半数（至少需 51 人），选举无效。恰好半数不算“超过半数”。"
        "本次另行选举不能产生当选人，应重新组织另行选举；请先核对人数是否录错。"
    )


# ---------------------------------------------------------------- O5: who may be left out of the base


def test_excluded_voters_are_not_deducted_under_the_national_village_law():
    data = village(electorate={"registered": 100, "excluded": 10})
    finding = one(turnout_findings(data), "TURNOUT-EXCLUDED")
    assert finding.severity is WARNING
    assert finding.path == "electorate.excluded"
    assert finding.message.startswith(
        "填写了不计入人数 10 人，但按所选规则，参加投票是否过半以全部登记选民为基数，不能扣除。"
    )


def test_sichuan_deducts_unreachable_villagers():
    data = village_turnout(46)
    data["electorate"]["excluded"] = 10
    data["profile"] = "sichuan"
    assert turnout_findings(data) == []  # 46 of 90 expected
    data["rounds"][0]["participants"] = 45
    data["rounds"][0]["ballots"] = {"issued": 45, "returned": 45, "invalid": 0}
    assert (
        "未超过计入基数的登记选民 90 人（登记 100 人，不计入 10 人）的半数"
        in one(turnout_findings(data), "TURNOUT-MAJORITY").message
    )


def test_excluded_more_than_registered():
    finding = one(turnout_findings(party(electorate={"registered": 5, "excluded": 6})), "TURNOUT-EXCLUDED")
    assert finding.severity is ERROR


# ---------------------------------------------------------------- what the tally leaves to do


def test_seat_left_for_a_runoff():
    data = village(
        rounds=[first_round(votes={"主任": {"刘建华": 60}, "委员": {"王秀兰": 70, "孙丽娟": 30, "赵国庆": 20}})]
    )
    finding = one(turnout_findings(data), "MAJORITY-SHORTFALL")
    assert finding.severity is INFO
    assert finding.path == "rounds[0].votes.委员"
    assert finding.citation == VILLAGE_CITE
    assert finding.message == (
        "委员职位应选 2 名，只有 1 名当选（得票须超过参加投票的 80 人的半数，即至少 41 票），尚缺 1 名，应另行选举；"
        "候选人为未当选人中得票多的：孙丽娟、赵国庆。请在 rounds 中录入另行选举（type: runoff）的结果。"
    )


def test_tie_at_the_last_seat_needs_a_revote():
    data = village(
        rounds=[first_round(votes={"主任": {"刘建华": 60}, "委员": {"王秀兰": 70, "孙丽娟": 50, "赵国庆": 50}})]
    )
    finding = one(turnout_findings(data), "MAJORITY-TIE")
    assert finding.severity is WARNING
    assert finding.path == "rounds[0].votes.委员"
    assert finding.message == (
        "委员职位孙丽娟、赵国庆得票相等，争 1 个名额，须就票数相等的候选人重新投票决定（不得抽签）。"
        "请在 rounds 中录入重新投票（type: revote）的结果。"
    )


def test_revote_resolves_the_tie():
    revote = {
        "type": "revote",
        "posts": ["委员"],
        "seats": {"委员": 1},
        "participants": 80,
        "ballots": {"issued": 80, "returned": 80},
        "votes": {"委员": {"孙丽娟": 45, "赵国庆": 35}},
    }
    data = village(
        rounds=[first_round(votes={"主任": {"刘建华": 60}, "委员": {"王秀兰": 70, "孙丽娟": 50, "赵国庆": 50}}), revote]
    )
    assert turnout_findings(data) == []


def test_runoff_that_fills_nothing_leaves_a_vacancy():
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
    finding = one(turnout_findings(data), "MAJORITY-VACANT")
    assert finding.severity is INFO
    assert finding.path == "rounds[1].votes.委员"
    assert finding.message == (
        "第 2 轮（另行选举）委员职位仍缺 1 名（以得票多的当选，但得票须不少于已投选票 80 张的三分之一，"
        "即至少 27 票）。该名额暂作缺额，或依本省规定再行选举。"
    )


def test_runoff_with_a_candidate_not_designated():
    data = village(
        rounds=[first_round(votes={"主任": {"刘建华": 60}, "委员": {"王秀兰": 70, "孙丽娟": 30, "赵国庆": 20}})]
    )
    data["candidates"].append({"name": "周文斌", "post": "委员", "gender": "男"})
    data["rounds"][0]["votes"]["委员"]["周文斌"] = 10
    data["rounds"].append(
        {
            "type": "runoff",
            "posts": ["委员"],
            "seats": {"委员": 1},
            "participants": 80,
            "ballots": {"issued": 80, "returned": 80},
            "votes": {"委员": {"孙丽娟": 50, "周文斌": 30}},
        }
    )
    finding = one(turnout_findings(data), "RUNOFF-CANDIDATES")
    assert finding.severity is WARNING
    assert finding.path == "rounds[1].votes.委员"
    assert finding.message == (
        "第 2 轮（另行选举）委员职位的候选人中有周文斌，但按首次选举的得票，另行选举的候选人应为"
        "孙丽娟、赵国庆（未当选人中得票多的）。请核对另行选举的候选人。"
    )


@pytest.mark.parametrize(
    "runoff_seats, message",
    [
        (2, "第 2 轮（另行选举）委员职位另行选举 2 名，但首次选举后该职位只缺 1 名。请核对本轮的 seats。"),
    ],
)
def test_runoff_seats_more_than_left(runoff_seats, message):
    runoff = {
        "type": "runoff",
        "posts": ["委员"],
        "seats": {"委员": runoff_seats},
        "participants": 80,
        "ballots": {"issued": 80, "returned": 80},
        "votes": {"委员": {"孙丽娟": 50, "赵国庆": 30}},
    }
    data = village(
        rounds=[first_round(votes={"主任": {"刘建华": 60}, "委员": {"王秀兰": 70, "孙丽娟": 30, "赵国庆": 20}}), runoff]
    )
    finding = one(turnout_findings(data), "RUNOFF-SEATS")
    assert finding.path == "rounds[1].seats.委员"
    assert finding.message == message


def test_runoff_for_a_post_already_filled():
    runoff = {
        "type": "runoff",
        "posts": ["委员"],
        "seats": {"委员": 1},
        "participants": 80,
        "ballots": {"issued": 80, "returned": 80},
        "votes": {"委员": {"赵国庆": 50}},
    }
    data = village(rounds=[first_round(), runoff])
    finding = one(turnout_findings(data), "RUNOFF-SEATS")
    assert finding.message == (
        "第 2 轮（另行选举）委员职位另行选举，但首次选举后该职位已全部选出，不需要另行选举。"
        "请核对本轮的轮次类型和职位。"
    )


def test_an_invalid_round_does_not_report_shortfalls():
    data = village_turnout(30)
    record = make(data)
    found = run_checks(record, select(data), *evaluated(record, select(data)))
    assert [f.id for f in found if f.id.startswith("MAJORITY")] == []


@pytest.mark.parametrize("votes, vacant", [(27, False), (26, True)])
def test_runoff_floor_of_exactly_one_third_is_enough(votes, vacant):
    # 另行选举: most votes win, but not less than 1/3 of the 81 ballots cast (不少于: 27 is enough).
    runoff = {
        "type": "runoff",
        "posts": ["委员"],
        "seats": {"委员": 1},
        "participants": 81,
        "ballots": {"issued": 81, "returned": 81},
        "votes": {"委员": {"孙丽娟": votes, "赵国庆": 20}},
    }
    data = village(
        rounds=[first_round(votes={"主任": {"刘建华": 60}, "委员": {"王秀兰": 70, "孙丽娟": 30, "赵国庆": 20}}), runoff]
    )
    found = [f for f in turnout_findings(data) if f.id == "MAJORITY-VACANT"]
    assert bool(found) is vacant
    if vacant:
        assert "得票须不少于已投选票 81 张的三分之一，即至少 27 票" in found[0].message


# ---------------------------------------------------------------- item 8: attendance and exclusions


def test_every_member_excluded_is_an_error():
    finding = one(turnout_findings(party(electorate={"registered": 5, "excluded": 5})), "TURNOUT-EXCLUDED")
    assert finding.severity is ERROR
    assert finding.path == "electorate.excluded"
    assert finding.citation == "《中国共产党基层组织选举工作条例》（2020）"
    assert finding.message == (
        "不计入人数 5 名，等于登记人数 5 名：全部应到会有选举权的党员都不计入，没有人可以参加选举。"
        "请核对 electorate 中的数字。"
    )


def test_every_member_excluded_fails_the_whole_check():
    from helpers import checked

    result = checked(party(electorate={"registered": 5, "excluded": 5}))
    assert not result.ok


def test_all_but_one_excluded_is_not_an_exclusion_error():
    found = turnout_findings(party(electorate={"registered": 5, "excluded": 4}))
    assert [f for f in found if f.id == "TURNOUT-EXCLUDED"] == []


def test_excluded_more_than_registered_keeps_its_message():
    finding = one(turnout_findings(party(electorate={"registered": 5, "excluded": 6})), "TURNOUT-EXCLUDED")
    assert finding.message == "不计入人数 6 名，多于登记人数 5 名。请核对 electorate 中的数字。"


def test_present_beyond_the_expected_attendance():
    finding = one(turnout_findings(party_turnout(46)), "TURNOUT-PRESENT")  # 47 registered, 2 excluded: 45
    assert finding.severity is ERROR
    assert finding.path == "rounds[0].present"
    assert finding.citation == "《中国共产党基层组织选举工作条例》（2020）"
    assert finding.message == (
        "实到会 46 名，多于应到会人数 45 名（登记 47 名，不计入 2 名）。不计入的人员不应到会投票；"
        "请核对 present 和不计入人数 excluded。"
    )


def test_present_equal_to_the_expected_attendance_passes():
    assert turnout_findings(party_turnout(45)) == []


def test_present_beyond_registered_is_left_to_the_ballot_check():
    assert [f.id for f in turnout_findings(party_turnout(48)) if f.id == "TURNOUT-PRESENT"] == []


def test_sichuan_voters_beyond_the_deducted_base():
    data = village_turnout(91)
    data["electorate"]["excluded"] = 10
    data["profile"] = "sichuan"
    finding = one(turnout_findings(data), "TURNOUT-PRESENT")
    assert finding.path == "rounds[0].participants"
    assert finding.message == (
        "参加投票 91 人，多于计入基数的登记选民 90 人（登记 100 人，不计入 10 人）。不计入的人员不应到会投票；"
        "请核对 participants 和不计入人数 excluded。"
    )
    data = village_turnout(90)
    data["electorate"]["excluded"] = 10
    data["profile"] = "sichuan"
    assert turnout_findings(data) == []


def party_exclusions(entries: list, excluded: int | None = 2) -> dict:
    electorate: dict = {"registered": 47, "exclusions": entries}
    if excluded is not None:
        electorate["excluded"] = excluded
    data = party_turnout(40)
    data["electorate"] = electorate
    return data


def test_exclusions_by_reason_category_pass():
    entries = [{"reason": "自费出国半年以上", "count": 1}, {"reason": "正在服刑", "name": "段某某"}]
    assert turnout_findings(party_exclusions(entries)) == []


def test_exclusion_with_an_unknown_reason():
    entries = [{"reason": "外出务工", "count": 2}]
    finding = one(turnout_findings(party_exclusions(entries)), "TURNOUT-EXCLUSIONS")
    assert finding.severity is WARNING
    assert finding.path == "electorate.exclusions[0].reason"
    assert finding.message == (
        "不计入原因“外出务工”不是规定的原因类别。可不计入的情形：患病不能表达本人意志、自费出国半年以上、正在服刑、"
        "年老体弱卧床不起或长期患病生活不能自理、外出半年以上应转未转组织关系。请改用其中之一，或核对此人是否应计入。"
    )


def test_exclusions_that_do_not_add_up():
    entries = [{"reason": "正在服刑", "count": 3}]
    finding = one(turnout_findings(party_exclusions(entries)), "TURNOUT-EXCLUSIONS")
    assert finding.severity is ERROR
    assert finding.path == "electorate.excluded"
    assert finding.message == "不计入明细共 3 名，与不计入人数 excluded 2 名不符。请核对两处数字。"


def test_exclusions_without_the_count():
    entries = [{"reason": "正在服刑", "name": "段某某"}, {"reason": "正在服刑", "name": "龙某某"}]
    finding = one(turnout_findings(party_exclusions(entries, excluded=None)), "TURNOUT-EXCLUSIONS")
    assert finding.path == "electorate.exclusions"
    assert finding.message == (
        "填写了不计入明细（共 2 名），但没有填写不计入人数。请在 electorate 中填写 excluded: 2。"
    )


def test_a_named_exclusion_counts_one():
    entries = [{"reason": "正在服刑", "name": "段某某", "count": 2}]
    found = turnout_findings(party_exclusions(entries))
    named = [f for f in found if f.path == "electorate.exclusions[0].count"]
    assert [f.message for f in named] == [
        "不计入明细第 1 项写了姓名段某某，人数却是 2。写姓名的一项只算一人：请删去 count，或分项填写。"
    ]


def test_exclusion_reasons_are_free_where_the_profile_names_none():
    data = village_turnout(46)
    data["electorate"].update(excluded=10, exclusions=[{"reason": "外出务工联系不上", "count": 10}])
    data["profile"] = "sichuan"
    assert turnout_findings(data) == []


def test_the_plain_count_stays_valid():
    assert turnout_findings(party_turnout(40)) == []


def test_an_exclusion_without_a_reason_fails_the_schema():
    import yaml

    from pipeline import records, schema

    data = party(electorate={"registered": 47, "excluded": 2, "exclusions": [{"count": 2}]})
    record, _ = records.parse(yaml.safe_dump(data, allow_unicode=True), "t.yaml")
    found = schema.validate(record)
    assert [(f.id, f.path, f.message) for f in found] == [
        ("SCHEMA-REQUIRED", "electorate.exclusions[0]", "缺少必填字段 reason（原因类别）。")
    ]
