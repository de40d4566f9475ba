"""Tests for pipeline.stats and pipeline.rules.reported."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from pipeline import outcome as oc
from pipeline import records
from pipeline.cli.text import summary_lines
from pipeline.findings import Severity
from pipeline.rules import reported
from pipeline.rules.profile import select
from pipeline.stats import (
    AGE_BANDS,
    UNKNOWN,
    Stats,
    age_band,
    age_on,
    aggregate,
    compute_stats,
    education_group,
)

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def load(name):
    record, findings = records.load(str(SAMPLES / name))
    assert record is not None, findings
    profile = select(record.data)
    result = oc.compute(record.data, profile)
    return record, profile, result, compute_stats(record.data, result)


# --- classification helpers -----------------------------------------------------------------
def test_age_on_election_day():
    day = dt.date(2026, 4, 18)
    assert age_on("1990-04", day) == 36  # birthday taken as the 1st of the month
    assert age_on("1990-05", day) == 35
    assert age_on("1990-03", day) == 36
    assert age_on("1990-04", dt.date(2026, 4, 1)) == 36
    assert age_on(None, day) is None and age_on("1990-04", None) is None
    assert age_on("1990-13", day) is None


@pytest.mark.parametrize(
    "age, band",
    [
        (18, "35岁及以下"),
        (35, "35岁及以下"),
        (36, "36至45岁"),
        (45, "36至45岁"),
        (46, "46至55岁"),
        (55, "46至55岁"),
        (56, "56岁及以上"),
        (90, "56岁及以上"),
        (None, UNKNOWN),
    ],
)
def test_age_band(age, band):
    assert age_band(age) == band


@pytest.mark.parametrize(
    "education, group",
    [
        ("研究生", "大专及以上"),
        ("大学本科", "大专及以上"),
        ("大专", "大专及以上"),
        ("高中", "高中及中专"),
        ("中专", "高中及中专"),
        ("初中", "初中及以下"),
        ("小学", "初中及以下"),
        ("文盲或半文盲", "初中及以下"),
        (None, UNKNOWN),
    ],
)
def test_education_group(education, group):
    assert education_group(education) == group


# --- samples --------------------------------------------------------------------------------
def test_village_sample_stats():
    _, _, _, stats = load("village-liulin-runoff.yaml")
    assert (stats.registered, stats.participants, stats.turnout_base) == (2360, 2205, 2360)
    assert stats.turnout == "93.43%" and stats.turnout_fraction == Fraction(2205, 2360)
    assert (stats.seats, stats.elected, stats.vacant, stats.candidates) == (5, 5, 0, 9)
    assert stats.sex == {"男": 3, "女": 2, UNKNOWN: 0} and stats.women_share == "40.00%"
    # 刘建华 50, 王秀兰 46, 孙丽娟 39, 周文斌 43, 吴海涛 48 on 2026-04-18
    assert stats.age == {"35岁及以下": 0, "36至45岁": 2, "46至55岁": 3, "56岁及以上": 0, UNKNOWN: 0}
    assert stats.education == {"大专及以上": 3, "高中及中专": 2, "初中及以下": 0, UNKNOWN: 0}
    assert stats.party == 4 and stats.party_share == "80.00%"
    assert stats.incumbents == 3 and stats.incumbent_share == "60.00%"
    assert stats.filled_first_round == 0 and stats.runoffs_held == 1 and stats.contests_with_runoff == 1
    assert stats.contests_with_vacancies == 0


def test_residents_sample_stats():
    _, _, _, stats = load("residents-yangguang.yaml")
    assert stats.turnout == "94.08%"  # 1398 / 1486 households
    assert stats.filled_first_round == 1 and stats.runoffs_held == 0
    assert stats.sex["女"] == 2 and stats.incumbents == 4


def test_building_sample_stats_sum_over_contests():
    _, _, _, stats = load("building-leaders-chenguang.yaml")
    assert stats.contests == 4 and stats.contests_counted == 4
    assert stats.registered == 48 + 36 + 60 + 42
    assert stats.participants == 41 + 30 + 44 + 37
    assert stats.turnout == "81.72%"
    assert stats.elected == 4 and stats.filled_first_round == 4
    assert stats.first_round_success == "100.00%"
    assert stats.age["56岁及以上"] == 4  # all four born before 1970


def test_party_sample_before_voting():
    _, _, _, stats = load("party-qinghe-branch.yaml")
    assert stats.contests_counted == 0 and stats.elected == 0
    assert stats.turnout == "—" and stats.turnout_fraction is None
    assert stats.women_share == "—"
    assert stats.registered == 46 and stats.candidates == 6 and stats.seats == 5


def test_party_turnout_uses_present_over_expected():
    data = {
        "kind": "party_branch",
        "legal_basis": 2020,
        "unit": {"name": "支部"},
        "method": "party_meeting",
        "seats": [{"post": "委员", "count": 1}],
        "electorate": {"registered": 46, "excluded": 2},
        "candidates": [{"name": "王芳", "post": "委员", "gender": "女", "politics": "中共党员"}],
        "rounds": [
            {"type": "first", "present": 40, "ballots": {"issued": 40, "returned": 40}, "votes": {"委员": {"王芳": 30}}}
        ],
    }
    result = oc.compute(data, select(data))
    stats = compute_stats(data, result)
    assert (stats.participants, stats.turnout_base, stats.turnout) == (40, 44, "90.91%")
    assert stats.party == 1 and stats.women == 1


def test_write_in_winner_is_unknown_everywhere():
    data = {
        "kind": "village_committee",
        "legal_basis": 2025,
        "unit": {"name": "村"},
        "schedule": {"election_day": "2026-04-18"},
        "seats": [{"post": "委员", "count": 1}],
        "electorate": {"registered": 100},
        "candidates": [{"name": "王芳", "post": "委员", "gender": "女", "birth": "1980-01"}],
        "rounds": [
            {
                "type": "first",
                "participants": 90,
                "ballots": {"issued": 90, "returned": 90},
                "votes": {"委员": {"王芳": 10}},
                "write_ins": {"委员": {"赵永清": 70}},
            }
        ],
    }
    stats = compute_stats(data, oc.compute(data, select(data)))
    assert stats.elected == 1
    assert stats.sex[UNKNOWN] == 1 and stats.age[UNKNOWN] == 1 and stats.education[UNKNOWN] == 1
    assert stats.to_dict()["sex_share"][UNKNOWN] == "100.00%"


def test_age_uses_round_date_without_election_day():
    data = {
        "kind": "village_committee",
        "legal_basis": 2025,
        "unit": {"name": "村"},
        "seats": [{"post": "委员", "count": 1}],
        "electorate": {"registered": 100},
        "candidates": [{"name": "王芳", "post": "委员", "birth": "1990-05"}],
        "rounds": [
            {
                "type": "first",
                "date": "2026-04-18",
                "participants": 90,
                "ballots": {"issued": 90, "returned": 90},
                "votes": {"委员": {"王芳": 70}},
            }
        ],
    }
    stats = compute_stats(data, oc.compute(data, select(data)))
    assert stats.age["35岁及以下"] == 1


def test_places_are_configurable():
    record, _, result, _ = load("village-liulin-runoff.yaml")
    stats = compute_stats(record.data, result, places=1)
    assert stats.turnout == "93.4%" and stats.women_share == "40.0%"


# --- aggregate ------------------------------------------------------------------------------
def test_aggregate_sums_counts_and_recomputes_shares():
    parts = [
        load(name)[3] for name in ("village-liulin-runoff.yaml", "residents-yangguang.yaml", "party-qinghe-branch.yaml")
    ]
    total = aggregate(parts)
    assert total.elected == 10 and total.contests == 3 and total.contests_counted == 2
    assert total.participants == 2205 + 1398 and total.turnout_base == 2360 + 1486
    assert total.turnout == "93.68%"  # 3603 / 3846, not an average of percentages
    assert total.sex["女"] == 4 and total.women_share == "40.00%"
    assert total.party == 8 and total.party_share == "80.00%"
    assert total.age["36至45岁"] == parts[0].age["36至45岁"] + parts[1].age["36至45岁"]
    assert total.runoffs_held == 1 and total.filled_first_round == 1
    assert total.first_round_success == "50.00%"


def test_aggregate_of_nothing_is_empty():
    total = aggregate([])
    assert total == Stats() and total.turnout == "—"


def test_aggregate_of_one_is_itself():
    stats = load("village-liulin-runoff.yaml")[3]
    assert aggregate([stats]) == stats


def test_to_dict_has_counts_and_shares():
    stats = load("village-liulin-runoff.yaml")[3]
    data = stats.to_dict()
    assert data["turnout"] == "93.43%" and data["turnout_fraction"] == "441/472"
    assert data["women_share"] == "40.00%" and data["age_share"]["46至55岁"] == "60.00%"
    assert set(data["age"]) == {*AGE_BANDS, UNKNOWN}


def test_summary_lines_mention_the_figures():
    text = "\n".join(summary_lines(load("village-liulin-runoff.yaml")[3]))
    assert "93.43%" in text and "女 2 名（40.00%）" in text and "另行选举 1 轮" in text


# --- reported figures -----------------------------------------------------------------------
def with_reported(name, **figures):
    record, profile, result, stats = load(name)
    record.data.setdefault("summary", {})["reported"] = figures
    return reported.check(record, profile, result, stats)


def test_reported_turnout_mismatch():
    findings = with_reported("village-liulin-runoff.yaml", turnout_percent=90)
    assert len(findings) == 1
    f = findings[0]
    assert f.id == "STATS-REPORTED-MISMATCH" and f.severity is Severity.WARNING
    assert f.path == "summary.reported.turnout_percent"
    assert f.message == "填报的参选率 90% 与计算值不符：参加投票 2205 人，登记选民 2360 人，参选率应为 93.43%。"


def test_reported_figures_that_match_after_rounding_are_accepted():
    assert (
        with_reported(
            "village-liulin-runoff.yaml",
            turnout_percent=93.43,
            women_percent=40,
            party_percent=80.0,
            incumbent_percent=60,
        )
        == []
    )
    assert with_reported("village-liulin-runoff.yaml", turnout_percent=93.4) == []
    assert with_reported("village-liulin-runoff.yaml", turnout_percent=93) == []


def test_reported_figures_are_compared_at_the_precision_typed():
    # issue 11 item 10: no tolerance of 0.01 points any more; 93.4322…% is 93.43 at two places.
    assert len(with_reported("village-liulin-runoff.yaml", turnout_percent=93.42)) == 1
    assert len(with_reported("village-liulin-runoff.yaml", turnout_percent=93.44)) == 1
    assert len(with_reported("village-liulin-runoff.yaml", turnout_percent=93.41)) == 1
    assert len(with_reported("village-liulin-runoff.yaml", turnout_percent=93.5)) == 1


def test_reported_shares_of_members():
    findings = with_reported("village-liulin-runoff.yaml", women_percent=50, party_percent=60, incumbent_percent=40)
    messages = {f.path.rsplit(".", 1)[1]: f.message for f in findings}
    assert (
        messages["women_percent"]
        == "填报的女性成员占比 50% 与计算值不符：当选成员 5 名，其中女性 2 名，占比应为 40.00%。"
    )
    assert messages["party_percent"] == (
        "填报的党员占比 60% 与计算值不符：当选成员 5 名，其中中共党员 4 名（含预备党员），占比应为 80.00%。"
    )
    assert (
        messages["incumbent_percent"]
        == "填报的连任占比 40% 与计算值不符：当选成员 5 名，其中连任 3 名，占比应为 60.00%。"
    )


def test_reported_household_wording():
    findings = with_reported("residents-yangguang.yaml", turnout_percent=90)
    assert findings[0].message == (
        "填报的参选率 90% 与计算值不符：参加投票的户代表 1398 户，登记户数 1486 户，参选率应为 94.08%。"
    )


def test_reported_without_a_count_is_unverifiable():
    findings = with_reported("party-qinghe-branch.yaml", turnout_percent=95, women_percent=30)
    assert {f.id for f in findings} == {"STATS-REPORTED-UNVERIFIABLE"}
    assert all(f.severity is Severity.INFO for f in findings)


def test_nothing_reported_nothing_found():
    record, profile, result, stats = load("village-liulin-runoff.yaml")
    assert reported.check(record, profile, result, stats) == []


def test_reported_finding_points_at_the_line():
    text = (SAMPLES / "village-liulin-runoff.yaml").read_text(encoding="utf-8")
    text += "  reported:\n    turnout_percent: 90\n"
    record, _ = records.parse(text, "x.yaml")
    profile = select(record.data)
    result = oc.compute(record.data, profile)
    findings = reported.check(record, profile, result, compute_stats(record.data, result))
    assert findings[0].line == text.count("\n")
