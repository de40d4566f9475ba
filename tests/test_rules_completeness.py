"""Completeness by stage and cross-references: names in the tally, posts, runoffs, the roll."""

from __future__ import annotations

from helpers import ERROR, INFO, WARNING, cand, findings, first_round, ids, one, party, village

from pipeline.rules import completeness


def tally(**votes) -> dict:
    return village(rounds=[first_round(votes=votes)])


def test_unknown_name_in_the_votes():
    data = tally(主任={"刘建华": 60, "陈志强": 18}, 委员={"王秀兰": 70, "孙丽娟": 50, "田永福": 6})
    finding = one(findings(data, completeness.check), "VOTES-UNKNOWN-CANDIDATE")
    assert finding.severity is ERROR
    assert finding.path == "rounds[0].votes.委员.田永福"
    assert finding.message == (
        "委员职位的得票中有“田永福”，但候选人名单中没有此人。请在 candidates 中补充该候选人（或改正姓名），"
        "若是选民另选的人，请把这项得票移到 write_ins 下。"
    )


def test_write_ins_are_not_candidates():
    data = tally(主任={"刘建华": 60, "陈志强": 0}, 委员={"王秀兰": 70, "孙丽娟": 50, "赵国庆": 0})
    data["rounds"][0]["write_ins"] = {"委员": {"田永福": 6}}
    assert findings(data, completeness.check) == []


def test_name_of_another_post():
    data = tally(主任={"刘建华": 60}, 委员={"王秀兰": 70, "陈志强": 50})
    finding = one(findings(data, completeness.check), "VOTES-UNKNOWN-CANDIDATE")
    assert "但此人是主任职位的候选人，不是委员职位的候选人。" in finding.message


def test_withdrawn_and_initial_candidates_in_the_votes():
    data = tally(主任={"刘建华": 60, "陈志强": 10}, 委员={"王秀兰": 70, "孙丽娟": 50, "赵国庆": 0})
    data["candidates"][1]["withdrawn"] = True
    data["candidates"][4]["formal"] = False
    found = findings(data, completeness.check)
    assert [f.message.split("，")[1] for f in found] == [
        "但此人已退出（withdrawn: true）。请在 candidates 中补充该候选人（或改正姓名）",
        "但此人只是初步候选人（formal: false）",
    ]


def test_tally_without_candidates():
    data = tally(主任={"刘建华": 60})
    data["candidates"] = []
    finding = one(findings(data, completeness.check), "TALLY-NO-CANDIDATES")
    assert finding.path == "rounds[0].votes"
    assert (
        finding.message
        == "已录入得票，但没有正式候选人名单。请先在 candidates 中填写候选人（姓名、参选职位），再录入计票结果。"
    )


def test_post_in_the_votes_not_in_the_seats():
    data = tally(主任={"刘建华": 60}, 副主任={"刘建华": 10}, 委员={"王秀兰": 70, "孙丽娟": 50})
    finding = one(findings(data, completeness.check), "VOTES-UNKNOWN-POST")
    assert finding.path == "rounds[0].votes.副主任"
    assert finding.message == (
        "录入了职位“副主任”，但它不在职位及应选名额（seats）中（现有：主任、委员）。"
        "请改正职位名称，或在 seats 中补充该职位。"
    )


def test_post_in_the_write_ins_not_in_the_seats():
    data = tally(主任={"刘建华": 60}, 委员={"王秀兰": 70, "孙丽娟": 50})
    data["rounds"][0]["write_ins"] = {"会计": {"田永福": 6}}
    assert one(findings(data, completeness.check), "VOTES-UNKNOWN-POST").path == "rounds[0].write_ins.会计"


def test_votes_for_a_post_the_round_does_not_elect():
    data = tally(主任={"刘建华": 60}, 委员={"王秀兰": 70, "孙丽娟": 50})
    data["rounds"][0]["posts"] = ["委员"]
    finding = one(findings(data, completeness.check), "VOTES-UNKNOWN-POST")
    assert finding.path == "rounds[0].votes.主任"
    assert finding.message == "只选举委员，却录入了主任职位的得票。请核对本轮的 posts 或删去该职位的得票。"


def test_candidate_post_not_in_the_seats():
    data = village()
    data["candidates"].append(cand("周文斌", "副主任"))
    finding = one(findings(data, completeness.check), "CANDIDATE-UNKNOWN-POST")
    assert finding.path == "candidates[5].post"
    assert finding.message == (
        "候选人 周文斌 的参选职位“副主任”不在职位及应选名额（seats）中（现有：主任、委员）。"
        "请改正职位名称，或在 seats 中补充该职位。"
    )


def test_candidates_without_seats():
    data = village()
    del data["seats"]
    assert ids(findings(data, completeness.check)) == ["SEATS-MISSING"]


def test_runoff_without_a_first_round():
    runoff = {
        "type": "runoff",
        "posts": ["委员"],
        "seats": {"委员": 1},
        "participants": 80,
        "ballots": {"issued": 80, "returned": 80},
        "votes": {"委员": {"孙丽娟": 50}},
    }
    finding = one(findings(village(rounds=[runoff]), completeness.check), "RUNOFF-NO-FIRST")
    assert finding.path == "rounds[0].type"
    assert finding.message.startswith("第 1 轮（另行选举）之前没有首次选举的轮次。")


def test_runoff_seats_more_than_the_post_has():
    runoff = {
        "type": "runoff",
        "posts": ["委员"],
        "seats": {"委员": 3},
        "participants": 80,
        "ballots": {"issued": 80, "returned": 80},
        "votes": {"委员": {"孙丽娟": 50}},
    }
    finding = one(findings(village(rounds=[first_round(), runoff]), completeness.check), "RUNOFF-SEATS")
    assert finding.path == "rounds[1].seats.委员"
    assert finding.message == (
        "第 2 轮（另行选举）委员职位应选 3 名，多于该职位的应选名额 2 名。"
        "另行选举只选首次选举尚缺的名额，请核对本轮的 seats。"
    )


def test_runoff_post_unknown():
    runoff = {"type": "runoff", "posts": ["会计"], "participants": 80, "ballots": {"issued": 80, "returned": 80}}
    finding = one(findings(village(rounds=[first_round(), runoff]), completeness.check), "VOTES-UNKNOWN-POST")
    assert finding.path == "rounds[1].posts[0]"


def test_results_published_without_rounds():
    data = village()
    data["schedule"]["results_published"] = "2026-04-18"
    finding = one(findings(data, completeness.check), "RESULTS-NO-ROUNDS")
    assert finding.severity is WARNING
    assert finding.path == "schedule.results_published"


def test_round_without_ballots_or_electorate():
    votes = {"主任": {"刘建华": 60, "陈志强": 0}, "委员": {"王秀兰": 60, "赵国庆": 0, "孙丽娟": 0}}
    data = village(rounds=[{"type": "first", "votes": votes}])
    del data["electorate"]
    found = findings(data, completeness.check)
    assert [(f.id, f.severity) for f in found] == [("ROUND-BALLOTS-MISSING", WARNING), ("ELECTORATE-MISSING", WARNING)]


def test_party_round_without_members_present():
    data = party(
        rounds=[{"type": "first", "ballots": {"issued": 40, "returned": 40}, "votes": {"书记": {"付建明": 38}}}]
    )
    finding = one(findings(data, completeness.check), "ROUND-PRESENT-MISSING")
    assert finding.severity is WARNING
    assert finding.path == "rounds[0]"


def roll(*groups: list[str]) -> list[dict]:
    return [{"name": f"第{i + 1}组", "voters": voters} for i, voters in enumerate(groups)]


def test_roll_matches_registered():
    data = village(electorate={"registered": 4, "groups": roll(["甲一", "乙二"], ["丙三", "丁四"])})
    assert findings(data, completeness.check) == []


def test_roll_count_differs_from_registered():
    data = village(electorate={"registered": 5, "groups": roll(["甲一", "乙二"], ["丙三", "丁四"])})
    finding = one(findings(data, completeness.check), "ROLL-COUNT")
    assert finding.severity is WARNING
    assert finding.path == "electorate.groups"
    assert (
        finding.message == "选民名单（按小组）共 4 人，与登记人数 5 人不符。请核对各小组名单或 electorate.registered。"
    )


def test_namesakes_in_the_roll_are_noted_once():
    data = village(electorate={"registered": 4, "groups": roll(["甲一", "乙二"], ["甲一", "丁四"])})
    found = findings(data, completeness.check)
    assert [(f.id, f.severity, f.path) for f in found] == [("ROLL-DUPLICATE", INFO, "electorate.groups[0].voters[0]")]
    assert found[0].message.startswith("选民名单中“甲一”出现 2 次。")


def test_first_round_without_the_votes_of_a_post():
    data = tally(主任={"刘建华": 60})
    finding = one(findings(data, completeness.check), "ROUND-VOTES-MISSING")
    assert finding.severity is WARNING
    assert finding.path == "rounds[0].votes"
    assert finding.message == (
        "应选举委员，但没有录入委员的得票，无法确定当选人。"
        "请在 votes 中补录；如本轮不选这些职位，请在 posts 中列出本轮选举的职位。"
    )


def test_round_naming_its_posts_needs_only_those_votes():
    data = tally(主任={"刘建华": 60, "陈志强": 0})
    data["rounds"][0]["posts"] = ["主任"]
    assert findings(data, completeness.check) == []


# ---------------------------------------------------------------- issue 11 item 12: names as identity, omissions


def test_a_formal_candidate_left_out_of_a_first_round_tally_is_a_warning():
    data = tally(主任={"刘建华": 60, "陈志强": 18}, 委员={"王秀兰": 70, "孙丽娟": 50})
    finding = one(findings(data, completeness.check), "TALLY-CANDIDATE-MISSING")
    assert finding.severity is WARNING
    assert finding.path == "rounds[0].votes.委员"
    assert finding.message == (
        "委员职位的得票中没有正式候选人“赵国庆”，结果公告将显示其得 0 票。"
        "若是漏录，请补录其得票；若确实未得票，请在 votes.委员 中写上“赵国庆: 0”，请填 0 确认。"
    )
    assert finding.message.endswith("请填 0 确认。")


def test_a_typed_zero_withdrawn_and_initial_candidates_and_later_rounds_need_nothing():
    assert (
        ids(
            findings(
                tally(主任={"刘建华": 60, "陈志强": 0}, 委员={"王秀兰": 70, "孙丽娟": 50, "赵国庆": 0}),
                completeness.check,
            )
        )
        == []
    )
    data = tally(主任={"刘建华": 60, "陈志强": 18}, 委员={"王秀兰": 70, "孙丽娟": 50})
    data["candidates"][3]["withdrawn"] = True  # 赵国庆
    assert "TALLY-CANDIDATE-MISSING" not in ids(findings(data, completeness.check))
    data["candidates"][3] = {**data["candidates"][3], "withdrawn": False, "formal": False}
    assert "TALLY-CANDIDATE-MISSING" not in ids(findings(data, completeness.check))
    runoff = village(rounds=[first_round(), {"type": "runoff", "posts": ["委员"], "votes": {"委员": {"赵国庆": 40}}}])
    assert "TALLY-CANDIDATE-MISSING" not in ids(findings(runoff, completeness.check))


def test_a_name_in_the_tally_that_differs_only_by_spaces_or_width_gets_the_hint():
    for typed in ("赵 国庆", "赵　国庆"):
        data = tally(主任={"刘建华": 60, "陈志强": 18}, 委员={"王秀兰": 70, "孙丽娟": 50, typed: 30})
        finding = one(findings(data, completeness.check), "VOTES-UNKNOWN-CANDIDATE")
        assert finding.message == (
            f"委员职位的得票中有“{typed}”，但候选人名单中写的是“赵国庆”，两处只差空格或全角、半角字符。"
            "请把两处写成完全一样（建议都不加空格）。请在 candidates 中补充该候选人（或改正姓名），"
            "若是选民另选的人，请把这项得票移到 write_ins 下。"
        )
        # the same person is not also said to be missing from the tally
        assert "TALLY-CANDIDATE-MISSING" not in ids(findings(data, completeness.check))


def test_name_key_removes_every_space_and_normalises_width():
    assert completeness.name_key("廖  燕") == completeness.name_key("廖燕") == "廖燕"
    assert completeness.name_key("张　志刚") == "张志刚"  # full-width space
    assert completeness.name_key("ＬＩ Ｍｉｎｇ") == "LIMing"
    assert completeness.name_key("王芳（大）") == "王芳(大)"


def test_roll_duplicates_are_found_through_spaces():
    data = village(electorate={"registered": 3, "groups": roll(["廖燕", "杨志"], ["廖  燕"])})
    finding = one(findings(data, completeness.check), "ROLL-DUPLICATE")
    assert finding.path == "electorate.groups[0].voters[0]"
    assert finding.message == (
        "选民名单中“廖燕”出现 2 次（写法：“廖燕”、“廖  燕”，只差空格或全角、半角字符）。"
        "若是同名的不同选民可不改（建议在姓名后加注区分）；若是同一人重复登记，请删去多余的一处。"
    )
