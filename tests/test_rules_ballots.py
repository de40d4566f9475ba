"""Ballot arithmetic checks: reconciliation, invalid and blank ballots, votes, marks, 流动票箱 and tellers.

Reconciliation per profile (void), invalid, blank, participants, votes, marks, 流动票箱 figures and tellers.
"""

from __future__ import annotations

import pytest
from helpers import ERROR, WARNING, deputy, findings, first_round, ids, one, party, village

from pipeline.rules import ballots

DEPUTY_LAW = "《中华人民共和国全国人民代表大会和地方各级人民代表大会选举法》（2020年修正）"


def village_round(**changes) -> dict:
    return village(rounds=[first_round(**changes)])


def deputy_round(**changes) -> dict:
    data = deputy()
    rnd = {
        "type": "first",
        "participants": 2975,
        "ballots": {"issued": 2980, "returned": 2975, "invalid": 21},
        "votes": {"代表": {"王志刚": 2310, "李春梅": 1876, "张德福": 1290}},
    }
    rnd.update(changes)
    data["contests"][0]["rounds"] = [rnd]
    return data


def party_round(**changes) -> dict:
    rnd = {
        "type": "first",
        "present": 40,
        "ballots": {"issued": 40, "returned": 40, "invalid": 0},
        "votes": {
            "书记": {"付建明": 38},
            "委员": {"温秀梅": 35, "段立强": 30, "龙晓燕": 28, "邱振国": 25, "黎春燕": 20},
        },
    }
    rnd.update(changes)
    return party(rounds=[rnd])


def test_clean_rounds():
    for data in (village_round(), deputy_round(), party_round()):
        assert findings(data, ballots.check) == []


def test_returned_equal_to_issued_is_valid():
    assert findings(village_round(ballots={"issued": 80, "returned": 80}), ballots.check) == []


def test_returned_more_than_issued_voids_the_election():
    data = village_round(ballots={"issued": 80, "returned": 81, "invalid": 2}, participants=81)
    finding = one(findings(data, ballots.check), "BALLOT-RETURNED")
    assert finding.severity is ERROR
    assert finding.path == "rounds[0].ballots.returned"
    assert finding.citation == "省级选举办法"
    assert finding.message == (
        "收回选票 81 张，多于发出选票数 80 张；收回（所投）的选票多于发出选票数的，本次选举无效，"
        "应重新投票。请先核对数字是否录错。"
    )


def test_province_cites_its_reconciliation_article():
    data = village_round(ballots={"issued": 80, "returned": 81}, participants=81)
    data["profile"] = "sichuan"
    assert one(findings(data, ballots.check), "BALLOT-RETURNED").citation == "《四川省村民委员会选举条例》第三十条"


def test_deputy_votes_cast_more_than_voters():
    data = deputy_round(participants=2970)
    finding = one(findings(data, ballots.check), "BALLOT-RETURNED")
    assert finding.path == "contests[0].rounds[0].ballots.returned"
    assert finding.citation == DEPUTY_LAW + "第四十四条"
    assert finding.message == (
        "收回选票 2975 张，多于参加投票人数 2970 人；收回（所投）的选票多于参加投票人数的，"
        "本次选举无效，应重新投票。请先核对数字是否录错。"
    )


def test_deputy_returned_more_than_issued_is_flagged_too():
    data = deputy_round(ballots={"issued": 2970, "returned": 2975, "invalid": 21})
    finding = one(findings(data, ballots.check), "BALLOT-RETURNED")
    assert finding.message.startswith("收回选票 2975 张，多于发出选票 2970 张，不可能出现")


def test_party_returned_more_than_present():
    data = party_round(present=39, ballots={"issued": 40, "returned": 40, "invalid": 0})
    found = findings(data, ballots.check)
    finding = one(found, "BALLOT-RETURNED")
    assert finding.citation == "《中国共产党基层组织选举工作条例》（2020）"
    assert finding.message.startswith("收回选票 40 张，多于实到会有选举权的人数 39 名；")


def test_invalid_more_than_returned():
    data = village_round(ballots={"issued": 80, "returned": 80, "invalid": 81})
    found = findings(data, ballots.check)
    assert ids(found) == ["BALLOT-INVALID"]  # no vote checks against a negative number of valid ballots
    assert found[0].path == "rounds[0].ballots.invalid"
    assert found[0].message == "无效票 81 张，多于收回选票 80 张。请核对 ballots 中的数字。"


@pytest.mark.parametrize("blank, flagged", [(78, False), (79, True)])
def test_blank_at_most_valid(blank, flagged):
    data = village_round(
        ballots={"issued": 80, "returned": 80, "invalid": 2, "blank": blank},
        votes={"主任": {"刘建华": 2}, "委员": {"王秀兰": 2}},
    )
    found = findings(data, ballots.check)
    if not flagged:
        assert found == []
        return
    finding = one(found, "BALLOT-BLANK")
    assert finding.path == "rounds[0].ballots.blank"
    assert finding.message == (
        "弃权票（空白票）79 张，多于有效票 78 张（收回 80 张减无效 2 张）。"
        "空白票是有效票的一部分，请核对 ballots 中的数字。"
    )


def test_participants_more_than_registered():
    data = village_round(participants=101, ballots={"issued": 101, "returned": 101, "invalid": 2})
    finding = one(findings(data, ballots.check), "BALLOT-PARTICIPANTS")
    assert finding.severity is ERROR
    assert finding.path == "rounds[0].participants"
    assert finding.message == "参加投票 101 人，多于登记选民 100 人。请核对数字。"


def test_party_present_more_than_registered():
    data = party_round(present=47, ballots={"issued": 47, "returned": 47})
    finding = one(findings(data, ballots.check), "BALLOT-PARTICIPANTS")
    assert finding.path == "rounds[0].present"
    assert finding.message == "实到会 47 名，多于应到会有选举权的党员 46 名。请核对数字。"


def test_returned_more_than_participants_where_not_the_legal_rule():
    data = village_round(participants=79)
    finding = one(findings(data, ballots.check), "BALLOT-PARTICIPANTS")
    assert finding.severity is WARNING
    assert finding.message == "收回选票 80 张，多于参加投票 79 人；每人只能投一张选票，请核对数字。"


@pytest.mark.parametrize("votes, flagged", [(78, False), (79, True)])
def test_votes_at_most_valid_ballots(votes, flagged):
    data = village_round(votes={"主任": {"刘建华": votes}, "委员": {"王秀兰": 10}})
    found = findings(data, ballots.check)
    if not flagged:
        assert found == []
        return
    finding = one(found, "BALLOT-VOTES")
    assert finding.path == "rounds[0].votes.主任.刘建华"
    assert (
        finding.message == "主任职位 刘建华 得 79 票，多于有效票 78 张。每张有效选票对同一人只能投一票，请核对得票数。"
    )


def test_write_in_votes_at_most_valid_ballots():
    data = village_round(write_ins={"委员": {"田永福": 79}}, votes={"主任": {"刘建华": 60}, "委员": {"王秀兰": 50}})
    assert one(findings(data, ballots.check), "BALLOT-VOTES").path == "rounds[0].write_ins.委员.田永福"


@pytest.mark.parametrize("third, flagged", [(16, False), (17, True)])
def test_marks_of_a_post_at_most_valid_times_seats(third, flagged):
    # 78 valid ballots × 2 seats = 156 marks at most for 委员.
    data = village_round(
        votes={"主任": {"刘建华": 60}, "委员": {"王秀兰": 70, "孙丽娟": 60, "赵国庆": third}},
        write_ins={"委员": {"田永福": 10}},
    )
    found = findings(data, ballots.check)
    if not flagged:
        assert found == []
        return
    finding = one(found, "BALLOT-MARKS")
    assert finding.path == "rounds[0].votes.委员"
    assert finding.message == (
        "委员职位得票合计 157 票（含另选他人 10 票），超过有效票 78 张 × 应选 2 名 = 156 票的上限"
        "（每张选票最多选 2 人，多选的选票无效）。请核对各人的得票数。"
    )


def test_marks_of_a_runoff_use_the_runoff_seats():
    runoff = {
        "type": "runoff",
        "posts": ["委员"],
        "seats": {"委员": 1},
        "participants": 80,
        "ballots": {"issued": 80, "returned": 80},
        "votes": {"委员": {"孙丽娟": 50, "赵国庆": 31}},
    }
    data = village(
        rounds=[first_round(votes={"主任": {"刘建华": 60}, "委员": {"王秀兰": 70, "孙丽娟": 30, "赵国庆": 20}}), runoff]
    )
    finding = one(findings(data, ballots.check), "BALLOT-MARKS")
    assert finding.path == "rounds[1].votes.委员"
    assert "超过有效票 80 张 × 应选 1 名 = 80 票的上限" in finding.message


def box(**changes) -> dict:
    return {"name": "第一流动票箱", "issued": 10, "returned": 10, "tellers": ["韩志远", "曹立新"], **changes}


def test_clean_mobile_box():
    assert findings(village_round(mobile_boxes=[box()]), ballots.check) == []


def test_mobile_box_returned_more_than_its_issued():
    finding = one(findings(village_round(mobile_boxes=[box(returned=11)]), ballots.check), "BALLOT-MOBILE")
    assert finding.path == "rounds[0].mobile_boxes[0].returned"
    assert finding.message == "第一流动票箱收回选票 11 张，多于该票箱发出的 10 张。请核对数字。"


def test_mobile_boxes_more_than_the_round():
    data = village_round(mobile_boxes=[box(issued=50, returned=50), box(name="第二流动票箱", issued=40, returned=40)])
    found = findings(data, ballots.check)
    assert [f.message for f in found] == [
        "流动票箱共发出选票 90 张，多于本轮发出选票总数 80 张。流动票箱的选票应计入本轮总数，请核对数字。",
        "流动票箱共收回选票 90 张，多于本轮收回选票总数 80 张。流动票箱的选票应计入本轮总数，请核对数字。",
    ]
    assert {f.path for f in found} == {"rounds[0].mobile_boxes"}


def test_mobile_box_with_one_teller():
    finding = one(
        findings(village_round(mobile_boxes=[box(tellers=["韩志远"])]), ballots.check), "BALLOT-MOBILE-TELLERS"
    )
    assert finding.severity is ERROR
    assert finding.path == "rounds[0].mobile_boxes[0].tellers"
    assert finding.message == "第一流动票箱只有 1 名监票人员（韩志远），应由 2 名以上监票人员负责。"


def test_mobile_box_without_tellers():
    plain = box()
    del plain["tellers"]
    finding = one(findings(village_round(mobile_boxes=[plain]), ballots.check), "BALLOT-MOBILE-TELLERS")
    assert finding.severity is WARNING
    assert finding.path == "rounds[0].mobile_boxes[0]"


def test_party_meeting_has_no_mobile_box():
    finding = one(findings(party_round(mobile_boxes=[box()]), ballots.check), "BALLOT-MOBILE-FORBIDDEN")
    assert finding.severity is WARNING
    assert finding.citation == "党内选举工作实践"
