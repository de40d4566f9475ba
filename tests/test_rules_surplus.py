"""差额: overall and per post (村/居), the §31 ratio (人大), 20 % rounded up (党), runoffs."""

from __future__ import annotations

import pytest
from helpers import ERROR, WARNING, cand, deputy, findings, first_round, ids, one, party, village

from pipeline.rules import surplus

VILLAGE_LAW = "《中华人民共和国村民委员会组织法》（2025年修正）"
DEPUTY_LAW = "《中华人民共和国全国人民代表大会和地方各级人民代表大会选举法》（2020年修正）"


# ---------------------------------------------------------------- 村/居: more candidates than seats


def test_overall_equal_is_an_error():
    data = village(candidates=[cand("刘建华", "主任"), cand("王秀兰", "委员", "女"), cand("孙丽娟", "委员", "女")])
    finding = one(findings(data, surplus.check), "SURPLUS-COUNT")
    assert finding.severity is ERROR
    assert finding.path == "seats"
    assert finding.citation == VILLAGE_LAW + "第十八条"
    assert finding.message == (
        "各职位共应选 3 名，正式候选人共 3 名，未实行差额选举：候选人数应多于应选名额（至少 4 名）。"
        "请补充正式候选人，或核对 candidates 中的 formal、withdrawn 标记。"
    )


def test_one_post_equal_while_overall_more_is_a_warning():
    # 主任 1 seat 1 candidate; 委员 2 seats 3 candidates: 4 > 3 overall, as the national law asks.
    data = village(
        candidates=[
            cand("刘建华", "主任"),
            cand("王秀兰", "委员", "女"),
            cand("孙丽娟", "委员", "女"),
            cand("赵国庆", "委员"),
        ]
    )
    finding = one(findings(data, surplus.check), "SURPLUS-COUNT")
    assert finding.severity is WARNING
    assert finding.path == "seats[0]"
    assert finding.message.startswith(
        "主任职位应选 1 名，正式候选人 1 名，未实行差额选举。候选人数应多于应选名额（正式候选人至少 2 名）。"
    )


def test_message_of_the_issue_for_a_post():
    data = village(
        seats=[{"post": "主任", "count": 1}, {"post": "委员", "count": 3}],
        candidates=[
            cand("刘建华", "主任"),
            cand("陈志强", "主任"),
            cand("王秀兰", "委员", "女"),
            cand("孙丽娟", "委员", "女"),
            cand("赵国庆", "委员"),
        ],
    )
    finding = one(findings(data, surplus.check), "SURPLUS-COUNT")
    assert finding.message.startswith("委员职位应选 3 名，正式候选人 3 名，未实行差额选举。")


def test_withdrawn_and_initial_candidates_do_not_count():
    data = village()
    data["candidates"][1]["withdrawn"] = True  # 陈志强: 主任 now 1 for 1
    data["candidates"][4]["formal"] = False  # 孙丽娟: 委员 now 2 for 2
    finding = one(findings(data, surplus.check), "SURPLUS-COUNT")
    assert finding.severity is ERROR
    assert "各职位共应选 3 名，正式候选人共 3 名" in finding.message


def test_no_candidates_yet_no_finding():
    assert findings(village(candidates=[]), surplus.check) == []


# ---------------------------------------------------------------- a province: per post, with a range


def sichuan(committee_candidates: int, director_candidates: int = 2) -> dict:
    names = ["王秀兰", "孙丽娟", "赵国庆", "周文斌", "吴海涛", "郑小燕", "马德胜"][:committee_candidates]
    directors = ["刘建华", "陈志强", "杨立"][:director_candidates]
    return village(
        profile="sichuan",
        seats=[{"post": "主任", "count": 1}, {"post": "委员", "count": 3}],
        candidates=[cand(n, "主任") for n in directors] + [cand(n, "委员", "女") for n in names],
    )


@pytest.mark.parametrize("committee", [4, 5, 6])
def test_sichuan_committee_plus_one_to_three_passes(committee):
    assert findings(sichuan(committee), surplus.check) == []


def test_sichuan_committee_plus_four():
    finding = one(findings(sichuan(7), surplus.check), "SURPLUS-PER-POST")
    assert finding.severity is ERROR
    assert finding.path == "seats[1]"
    assert finding.citation == "《四川省村民委员会选举条例》第二十二条"
    assert finding.message == (
        "委员职位应选 3 名，正式候选人 7 名，多 4 名，超过规定的最高差额。按规定应比应选名额多 1 至 3 名"
        "（正式候选人应为 4 至 6 名）。请通过协商或预选减少候选人。"
    )


def test_sichuan_committee_equal_is_an_error_per_post():
    finding = one(findings(sichuan(3), surplus.check), "SURPLUS-COUNT")
    assert finding.severity is ERROR
    assert finding.path == "seats[1]"


def test_sichuan_director_exactly_one_more():
    finding = one(findings(sichuan(4, director_candidates=3), surplus.check), "SURPLUS-PER-POST")
    assert finding.path == "seats[0]"
    assert "按规定应比应选名额多 1 名（正式候选人应为 2 名）" in finding.message


# ---------------------------------------------------------------- 人大: ⌈S/3⌉ ≤ C − S ≤ S


@pytest.mark.parametrize("seats, ok", [(1, [2]), (2, [3, 4]), (3, [4, 5, 6])])
def test_deputy_ratio_passes(seats, ok):
    for count in ok:
        assert findings(deputy(seats=seats, candidates=count), surplus.check) == [], count


@pytest.mark.parametrize(
    "seats, count, rule_id, band",
    [
        (1, 1, "SURPLUS-COUNT", "应为 2 名"),
        (1, 3, "SURPLUS-RATIO", "应为 2 名"),
        (2, 2, "SURPLUS-COUNT", "应为 3 至 4 名"),
        (2, 5, "SURPLUS-RATIO", "应为 3 至 4 名"),
        (3, 3, "SURPLUS-COUNT", "应为 4 至 6 名"),
        (3, 7, "SURPLUS-RATIO", "应为 4 至 6 名"),
    ],
)
def test_deputy_ratio_fails(seats, count, rule_id, band):
    finding = one(findings(deputy(seats=seats, candidates=count), surplus.check), rule_id)
    assert finding.severity is ERROR
    assert finding.path == "contests[0].seats[0]"
    assert finding.citation == DEPUTY_LAW + "第三十一条"
    assert f"候选人应多于应选名额的三分之一至一倍（正式候选人{band}）" in finding.message


def test_deputy_exactly_one_third_more_passes_and_one_less_fails():
    # S = 6 would need 8 names in the helper; use 3 seats: extra 1 is exactly 1/3 of 3.
    assert findings(deputy(seats=3, candidates=4), surplus.check) == []
    data = deputy(seats=3, candidates=4)
    data["contests"][0]["candidates"][3]["withdrawn"] = True
    assert ids(findings(data, surplus.check)) == ["SURPLUS-COUNT"]


def test_deputy_too_many_message():
    finding = one(findings(deputy(seats=2, candidates=5), surplus.check), "SURPLUS-RATIO")
    assert finding.message == (
        "代表职位应选 2 名，正式候选人 5 名，多 3 名，超过规定的最高差额。候选人应多于应选名额的三分之一至一倍"
        "（正式候选人应为 3 至 4 名）。请通过协商或预选减少候选人。"
    )


def test_deputy_six_seats_needs_two_more():
    data = deputy(seats=3, candidates=8)
    data["contests"][0]["seats"] = [{"post": "代表", "count": 6}]
    data["contests"][0]["candidates"] = data["contests"][0]["candidates"][:7]  # extra 1 < 6/3
    finding = one(findings(data, surplus.check), "SURPLUS-RATIO")
    assert finding.message.startswith("代表职位应选 6 名，正式候选人 7 名，只多 1 名，差额不足。")
    data["contests"][0]["candidates"] = deputy(candidates=8)["contests"][0]["candidates"]  # extra 2 = 6/3
    assert findings(data, surplus.check) == []


# ---------------------------------------------------------------- 党: ≥ 20 %, rounded up; 书记 exempt


@pytest.mark.parametrize("members, needed", [(4, 5), (5, 6), (6, 8)])
def test_party_twenty_percent_rounded_up(members, needed):
    assert findings(party(members=members, candidates=needed), surplus.check) == []
    found = findings(party(members=members, candidates=needed - 1), surplus.check)
    finding = one(found, "SURPLUS-PERCENT" if needed - 1 > members else "SURPLUS-COUNT")
    assert finding.severity is ERROR
    assert finding.path == "seats[1]"
    assert finding.citation == "《中国共产党基层组织选举工作条例》（2020）第十三条"
    assert f"差额应不少于应选人数的 20%，不足一名按一名计（正式候选人至少 {needed} 名）" in finding.message


def test_party_six_members_seven_candidates_message():
    finding = one(findings(party(members=6, candidates=7), surplus.check), "SURPLUS-PERCENT")
    assert finding.message == (
        "委员职位应选 6 名，正式候选人 7 名，只多 1 名，差额不足。差额应不少于应选人数的 20%，不足一名按一名计"
        "（正式候选人至少 8 名）。请补充正式候选人。"
    )


def test_party_secretary_is_exempt():
    assert findings(party(), surplus.check) == []  # 书记 1 for 1


# ---------------------------------------------------------------- 另行选举


def deputy_runoff(names: list[str]) -> dict:
    data = deputy(seats=2, candidates=4)
    contest = data["contests"][0]
    contest["rounds"] = [
        {
            "type": "first",
            "participants": 3000,
            "ballots": {"issued": 3000, "returned": 3000},
            "votes": {"代表": {"王志刚": 1800, "李春梅": 1200, "张德福": 1100, "赵永清": 900}},
        },
        {
            "type": "runoff",
            "seats": {"代表": 1},
            "participants": 2900,
            "ballots": {"issued": 2900, "returned": 2900},
            "votes": {"代表": {n: 900 - i for i, n in enumerate(names)}},
        },
    ]
    return data


def test_deputy_runoff_one_seat_two_candidates():
    assert findings(deputy_runoff(["李春梅", "张德福"]), surplus.check) == []


def test_deputy_runoff_one_seat_three_candidates():
    finding = one(findings(deputy_runoff(["李春梅", "张德福", "赵永清"]), surplus.check), "SURPLUS-RUNOFF")
    assert finding.severity is ERROR
    assert finding.path == "contests[0].rounds[1].votes.代表"
    assert finding.citation == DEPUTY_LAW + "第四十五条"
    assert finding.message == (
        "第 2 轮（另行选举）代表职位应选 1 名，候选人 3 名（李春梅、张德福、赵永清）；"
        "候选人应多于应选名额的三分之一至一倍（候选人应为 2 名），按首次选举未当选人的得票多少确定。"
        "请核对本轮的候选人和应选名额。"
    )


def test_village_runoff_extra_candidates_is_a_warning():
    runoff = {
        "type": "runoff",
        "posts": ["委员"],
        "seats": {"委员": 1},
        "participants": 80,
        "ballots": {"issued": 80, "returned": 80},
        "votes": {"委员": {"孙丽娟": 40}},
    }
    data = village(rounds=[first_round(votes={"主任": {"刘建华": 60}, "委员": {"王秀兰": 70, "孙丽娟": 30}}), runoff])
    finding = one(findings(data, surplus.check), "SURPLUS-RUNOFF")
    assert finding.severity is WARNING
    assert "另行选举的候选人应比应选名额多 1 名（候选人应为 2 名）" in finding.message


# ---------------------------------------------------------------- a tie for the last place of the 另行选举 list


def deputy_tied_runoff(runoff_names: list[str] | None) -> dict:
    """张德福 and 赵永清 tie for the second of two 另行选举 places (one seat left)."""
    data = deputy_runoff(runoff_names or [])
    data["contests"][0]["rounds"][0]["votes"]["代表"]["赵永清"] = 1100
    if runoff_names is None:
        del data["contests"][0]["rounds"][1]
    return data


def test_tied_runoff_place_is_named_and_no_list_is_proposed():
    found = findings(deputy_tied_runoff(None))
    shortfall = one(found, "MAJORITY-SHORTFALL")
    assert shortfall.message == (
        "代表职位应选 2 名，只有 1 名当选（得票须超过参加投票的 3000 人的半数，即至少 1501 票），尚缺 1 名，"
        "应另行选举；候选人应为 2 名，按得票已确定李春梅，张德福、赵永清得票相等（各 1100 票），争余下 1 个候选人名额，"
        "须先解决这一票数相等，候选人名单方能确定。请在 rounds 中录入另行选举（type: runoff）的结果。"
    )
    assert "SURPLUS-RUNOFF" not in ids(found)


@pytest.mark.parametrize("resolved", ["张德福", "赵永清"])
def test_a_resolved_runoff_tie_passes_every_check(resolved):
    found = findings(deputy_tied_runoff(["李春梅", resolved]))
    assert not {"SURPLUS-RUNOFF", "RUNOFF-CANDIDATES"} & set(ids(found)), [(f.id, f.message) for f in found]


def test_an_unresolved_runoff_tie_on_the_ballot_is_rejected():
    found = findings(deputy_tied_runoff(["李春梅", "张德福", "赵永清"]))
    assert one(found, "SURPLUS-RUNOFF").severity is ERROR
