"""Schedule deadlines counted back from 选举日, the objection window (O9), and the order of dates."""

from __future__ import annotations

import pytest
from helpers import (
    ERROR,
    INFO,
    WARNING,
    building,
    deputy,
    findings,
    first_round,
    one,
    party,
    profile_with,
    village,
)

from pipeline.rules import deadlines

VILLAGE_CITE = "《中华人民共和国村民委员会组织法》（2025年修正）第十七条"
DEPUTY_LAW = "《中华人民共和国全国人民代表大会和地方各级人民代表大会选举法》（2020年修正）"


def schedule(**dates: str) -> dict:
    return {"election_day": "2026-03-18", **dates}


def test_voter_list_exactly_twenty_days_before_passes():
    assert findings(village(schedule=schedule(voter_list_published="2026-02-26")), deadlines.check) == []


def test_voter_list_one_day_short():
    found = findings(village(schedule=schedule(voter_list_published="2026-02-27")), deadlines.check)
    finding = one(found, "DEADLINE-VOTER-LIST")
    assert finding.severity is ERROR
    assert finding.path == "schedule.voter_list_published"
    assert finding.citation == VILLAGE_CITE
    assert finding.message == (
        "选民名单于 2026年2月27日 公布，距选举日 2026年3月18日 仅 19 日，应在选举日 20 日前公布（最迟 2026年2月26日）。"
        "请核对公布日期；如确实公布晚了，选举日应推迟到 2026年3月19日 或以后。"
    )


def test_voter_list_message_of_the_issue():
    found = findings(village(schedule=schedule(voter_list_published="2026-03-01")), deadlines.check)
    assert one(found, "DEADLINE-VOTER-LIST").message.startswith(
        "选民名单于 2026年3月1日 公布，距选举日 2026年3月18日 仅 17 日，应在选举日 20 日前公布（最迟 2026年2月26日）。"
    )


def test_election_day_nov_30_means_voter_list_by_nov_10():
    ok = village(schedule={"election_day": "2026-11-30", "voter_list_published": "2026-11-10"})
    late = village(schedule={"election_day": "2026-11-30", "voter_list_published": "2026-11-11"})
    assert findings(ok, deadlines.check) == []
    assert "（最迟 2026年11月10日）" in one(findings(late, deadlines.check), "DEADLINE-VOTER-LIST").message


@pytest.mark.parametrize(
    "field, published, rule_id, days",
    [
        ("initial_candidates_published", "2026-11-05", None, 15),
        ("initial_candidates_published", "2026-11-06", "DEADLINE-INITIAL-CANDIDATES", 15),
        ("candidates_published", "2026-11-13", None, 7),
        ("candidates_published", "2026-11-14", "DEADLINE-FORMAL-CANDIDATES", 7),
    ],
)
def test_deputy_candidate_lists(field, published, rule_id, days):
    data = deputy()
    data["schedule"][field] = published
    found = findings(data, deadlines.check)
    if rule_id is None:
        assert found == []
        return
    finding = one(found, rule_id)
    assert finding.severity is ERROR
    assert finding.path == f"schedule.{field}"
    assert finding.citation == DEPUTY_LAW + "第三十二条"
    assert f"应在选举日 {days} 日前公布" in finding.message


def test_province_profile_sets_the_formal_list_deadline():
    data = village(profile="sichuan")
    data["schedule"]["candidates_published"] = "2026-04-14"  # 4 days before; Sichuan wants 5
    finding = one(findings(data, deadlines.check), "DEADLINE-FORMAL-CANDIDATES")
    assert finding.citation == "《四川省村民委员会选举条例》第二十三条"
    assert finding.message.startswith(
        "正式候选人名单于 2026年4月14日 公布，距选举日 2026年4月18日 仅 4 日，应在选举日 5 日前公布（最迟 2026年4月13日）。"
    )


def test_national_village_profile_has_no_formal_list_deadline():
    data = village()
    data["schedule"]["candidates_published"] = "2026-04-17"
    assert findings(data, deadlines.check) == []


def test_building_leader_local_three_days():
    data = building()
    data["schedule"]["candidates_published"] = "2026-04-23"
    finding = one(findings(data, deadlines.check), "DEADLINE-FORMAL-CANDIDATES")
    assert finding.citation == "社区推选方案"
    assert "仅 2 日，应在选举日 3 日前公布（最迟 2026年4月22日）" in finding.message


def test_party_has_no_list_deadlines():
    data = party(schedule={"election_day": "2026-05-12", "candidates_published": "2026-05-12"})
    assert findings(data, deadlines.check) == []


def test_list_after_election_day_is_an_order_error_not_a_deadline():
    found = findings(village(schedule=schedule(voter_list_published="2026-03-20")), deadlines.check)
    assert [f.id for f in found] == ["DEADLINE-ORDER"]
    assert found[0].severity is ERROR
    assert found[0].path == "schedule.voter_list_published"
    assert (
        found[0].message
        == "选民名单的公布日 2026年3月20日 晚于选举日 2026年3月18日。名单和公告须在选举日前公布，请核对日期。"
    )


def test_results_before_election_day():
    found = findings(village(schedule=schedule(results_published="2026-03-17")), deadlines.check)
    finding = one(found, "DEADLINE-ORDER")
    assert finding.path == "schedule.results_published"
    assert finding.message == "选举结果公布日 2026年3月17日 早于选举日 2026年3月18日，请核对日期。"


def test_initial_list_after_formal_list():
    data = deputy()
    data["schedule"]["initial_candidates_published"] = "2026-11-12"
    data["schedule"]["candidates_published"] = "2026-11-03"
    finding = one(findings(data, deadlines.check), "DEADLINE-ORDER")
    assert finding.severity is WARNING
    assert finding.path == "schedule.initial_candidates_published"
    assert finding.message == (
        "初步候选人名单的公布日 2026年11月12日 晚于正式候选人名单的公布日 2026年11月3日，顺序颠倒，请核对日期。"
    )


def test_committee_formed_after_its_notice():
    data = village(schedule=schedule(committee_published="2026-02-10"))
    data["committee"]["formed_on"] = "2026-02-12"
    finding = one(findings(data, deadlines.check), "DEADLINE-ORDER")
    assert finding.severity is WARNING
    assert finding.path == "committee.formed_on"


def test_round_before_election_day():
    data = village(rounds=[first_round(date="2026-04-17")])
    finding = one(findings(data, deadlines.check), "DEADLINE-ORDER")
    assert finding.severity is ERROR
    assert finding.path == "rounds[0].date"
    assert finding.message == "投票日期 2026年4月17日 早于选举日 2026年4月18日，请核对日期。"


def test_runoff_dated_before_the_first_round():
    runoff = {
        "type": "runoff",
        "date": "2026-04-18",
        "posts": ["委员"],
        "seats": {"委员": 1},
        "ballots": {"issued": 80, "returned": 80},
        "votes": {"委员": {"赵国庆": 40}},
    }
    data = village(rounds=[first_round(date="2026-04-19"), runoff])
    finding = one(findings(data, deadlines.check), "DEADLINE-ORDER")
    assert finding.path == "rounds[1].date"
    assert (
        finding.message
        == "第 2 轮（另行选举）投票日期 2026年4月18日 早于上一轮的 2026年4月19日，请核对日期或轮次顺序。"
    )


def test_no_election_day_is_noted_once():
    data = village(schedule={"voter_list_published": "2026-03-27"})
    found = findings(data, deadlines.check)
    assert [(f.id, f.severity, f.path) for f in found] == [("DEADLINE-NO-ELECTION-DAY", INFO, "schedule")]


def test_no_dates_no_findings():
    assert findings(village(schedule={}), deadlines.check) == []


# O9: "自名单公布之日起五日内" starts the day after publication (民法典第二百零一条).
def objection_profile(data: dict):
    return profile_with(data, deadlines={"voter_list": None, "initial_candidates": None, "formal_candidates": None})


def test_objection_window_counted_from_the_next_day():
    # Published 3-9: objections until 3-14, decisions by 3-17, before 选举日 3-18.
    data = village(schedule=schedule(voter_list_published="2026-03-09"))
    assert findings(data, deadlines.check, objection_profile(data)) == []


def test_objection_window_running_into_election_day():
    data = village(schedule=schedule(voter_list_published="2026-03-10"))
    finding = one(findings(data, deadlines.check, objection_profile(data)), "DEADLINE-OBJECTION")
    assert finding.severity is WARNING
    assert finding.path == "schedule.voter_list_published"
    assert finding.citation == VILLAGE_CITE
    assert finding.message == (
        "选民名单于 2026年3月10日 公布，异议期从次日起算 5 日，至 2026年3月15日 届满；对最后一天提出的异议，"
        "选举委员会最迟可在 3 日后即 2026年3月18日 作出处理决定，而选举日是 2026年3月18日，"
        "异议可能来不及在选举前处理完毕。请提前公布选民名单，或推迟选举日。"
    )


def test_objection_not_repeated_when_the_list_is_already_late():
    found = findings(village(schedule=schedule(voter_list_published="2026-03-12")), deadlines.check)
    assert [f.id for f in found] == ["DEADLINE-VOTER-LIST"]
