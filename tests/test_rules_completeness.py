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
    data = tally(主任={"刘建华": 60}, 委员={"王秀兰": 70, "孙丽娟": 50})
    data["rounds"][0]["write_ins"] = {"委员": {"田永福": 6}}
    assert findings(data, completeness.check) == []


def test_name_of_another_post():
    data = tally(主任={"刘建华": 60}, 委员={"王秀兰": 70, "陈志强": 50})
    finding = one(findings(data, completeness.check), "VOTES-UNKNOWN-CANDIDATE")
    assert "但此人是主任职位的候选人，不是委员职位的候选人。" in finding.message


def test_withdrawn_and_initial_candidates_in_the_votes():
    data = tally(主任={"刘建华": 60, "陈志强": 10}, 委员={"王秀兰": 70, "孙丽娟": 50})
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
    data = village(rounds=[{"type": "first", "votes": {"主任": {"刘建华": 60}, "委员": {"王秀兰": 60}}}])
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
    data = tally(主任={"刘建华": 60})
    data["rounds"][0]["posts"] = ["主任"]
    assert findings(data, completeness.check) == []
