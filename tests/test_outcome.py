"""Unit tests for pipeline.outcome: boundary cases and every sample record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import outcome as oc
from pipeline import records
from pipeline.cli.text import render_text
from pipeline.rules.profile import select
from pipeline.strokes import name_key

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

BASIS = {
    "village_committee": 2025,
    "residents_committee": 2025,
    "party_branch": 2020,
    "deputy": 2020,
    "building_leader": "local",
}


def make(
    kind="village_committee",
    seats=None,
    candidates=None,
    rounds=None,
    registered=100,
    excluded=None,
    method=None,
    **extra,
):
    """A single-contest record; candidates as {post: [names]}."""
    seats = seats or {"委员": 1}
    candidates = candidates or {post: [] for post in seats}
    data = {
        "kind": kind,
        "unit": {"name": "测试单位", "short_name": "测试"},
        "seats": [{"post": p, "count": n} for p, n in seats.items()],
        "electorate": {"registered": registered},
        "candidates": [{"name": name, "post": post} for post, names in candidates.items() for name in names],
    }
    if BASIS[kind] != "local":
        data["legal_basis"] = BASIS[kind]
    if excluded is not None:
        data["electorate"]["excluded"] = excluded
    if method:
        data["method"] = method
    if rounds is not None:
        data["rounds"] = rounds
    data.update(extra)
    return data


def run(data):
    return oc.compute(data, select(data))


def first(participants, votes, returned=None, issued=None, **extra):
    returned = participants if returned is None else returned
    rnd = {
        "type": "first",
        "participants": participants,
        "ballots": {"issued": issued if issued is not None else returned, "returned": returned},
        "votes": votes,
    }
    rnd.update(extra)
    return rnd


def one_post(votes, participants=100, seats=1, post="委员", kind="village_committee", **kw):
    data = make(
        kind=kind,
        seats={post: seats},
        candidates={post: list(votes)},
        rounds=[first(participants, {post: votes})],
        **kw,
    )
    return run(data).contests[0].rounds[0].posts[0]


# --- first-round majority ---------------------------------------------------------------------
def test_exactly_half_is_not_elected():
    post = one_post({"王芳": 50, "李强": 49})
    assert post.threshold == 51
    assert post.elected == []
    assert post.seats_left == 1
    assert post.runoff_candidates == ["王芳", "李强"]


def test_half_plus_one_is_elected():
    post = one_post({"王芳": 51, "李强": 49})
    assert post.elected == ["王芳"]
    assert post.seats_left == 0 and post.runoff_candidates == []


def test_odd_base_threshold():
    assert one_post({"王芳": 51, "李强": 50}, participants=101).elected == ["王芳"]
    assert one_post({"王芳": 50, "李强": 50}, participants=101).elected == []
    assert one_post({"王芳": 51, "李强": 50}, participants=101).threshold == 51


def test_more_qualifiers_than_seats_take_the_most_votes():
    post = one_post({"王芳": 90, "李强": 80, "张伟": 70}, seats=2)
    assert post.elected == ["王芳", "李强"]
    assert post.revote_among == [] and post.revote_seats == 0 and post.seats_left == 0


def test_tie_at_the_last_seat_requires_a_revote():
    post = one_post({"王芳": 90, "李强": 70, "张伟": 70}, seats=2)
    assert post.elected == ["王芳"]
    assert sorted(post.revote_among) == sorted(["李强", "张伟"])
    assert post.revote_seats == 1
    assert post.seats_left == 0 and post.runoff_candidates == []


def test_tie_for_all_seats_requires_a_revote_for_all():
    post = one_post({"王芳": 60, "李强": 60, "张伟": 60}, seats=2)
    assert post.elected == []
    assert len(post.revote_among) == 3 and post.revote_seats == 2


def test_tie_below_the_threshold_is_not_a_revote():
    post = one_post({"王芳": 40, "李强": 40, "张伟": 20})
    assert post.elected == [] and post.revote_among == []
    assert post.seats_left == 1
    assert sorted(post.runoff_candidates) == sorted(["王芳", "李强"])


def test_tie_at_the_runoff_candidate_boundary_names_the_tied():
    # 村委会 (2025 profile: 另行选举 with one candidate more than the seats): 1 seat → 2 candidates; taking both
    # tied would make 3, which the 差额 check of the 另行选举 rejects, so the tie must be resolved first.
    post = one_post({"王芳": 40, "李强": 30, "张伟": 30, "刘洋": 0})
    assert post.runoff_candidates == ["王芳"]
    assert post.runoff_tied == ["李强", "张伟"]  # stroke order: 李 and 张 have 7 strokes, 横 before 横折
    assert post.runoff_tied_places == 1 and post.runoff_tied_votes == 30


def test_zero_votes():
    post = one_post({"王芳": 0, "李强": 0, "张伟": 0})
    assert post.elected == [] and post.revote_among == []
    assert post.seats_left == 1
    assert post.runoff_candidates == [] and len(post.runoff_tied) == 3  # all tied at 0 for the 2 places
    assert post.runoff_tied_places == 2 and post.runoff_tied_votes == 0
    assert post.tally == sorted(post.tally, key=lambda t: name_key(t[0]))


def test_candidate_missing_from_votes_counts_zero():
    data = make(candidates={"委员": ["王芳", "李强"]}, rounds=[first(100, {"委员": {"王芳": 60}})])
    post = run(data).contests[0].rounds[0].posts[0]
    assert post.tally == [("王芳", 60), ("李强", 0)]


def test_ties_in_the_tally_are_in_stroke_order():
    post = one_post({"刘明": 30, "王明": 30, "丁明": 30, "张三": 10})
    tied = [name for name, votes in post.tally if votes == 30]
    assert tied == sorted(tied, key=name_key)
    assert tied[0] == "丁明"  # 丁 has 2 strokes


def test_write_in_is_counted_and_can_win():
    data = make(
        candidates={"委员": ["王芳", "李强"]},
        rounds=[first(100, {"委员": {"王芳": 20, "李强": 10}}, write_ins={"委员": {"赵永清": 60}})],
    )
    post = run(data).contests[0].rounds[0].posts[0]
    assert post.elected == ["赵永清"]
    assert post.write_ins == ["赵永清"]
    assert post.tally[0] == ("赵永清", 60)


def test_write_in_for_a_candidate_adds_to_the_candidate():
    data = make(
        candidates={"委员": ["王芳", "李强"]},
        rounds=[first(100, {"委员": {"王芳": 48, "李强": 10}}, write_ins={"委员": {"王芳": 3}})],
    )
    post = run(data).contests[0].rounds[0].posts[0]
    assert post.tally[0] == ("王芳", 51) and post.elected == ["王芳"] and post.write_ins == []


# --- turnout and reconciliation -------------------------------------------------------------
def test_turnout_exactly_half_is_invalid():
    data = make(registered=200, rounds=[first(100, {"委员": {"王芳": 90}})], candidates={"委员": ["王芳"]})
    rnd = run(data).contests[0].rounds[0]
    assert not rnd.valid
    assert rnd.turnout_needed == 101
    assert rnd.posts[0].elected == [] and rnd.posts[0].threshold is None
    assert rnd.reasons[0] == "参加投票 100 人，未超过登记选民 200 人的半数（至少需 101 人），本轮选举无效。"
    contest = run(data).contests[0]
    assert contest.vacant == {"委员": 1}
    assert contest.next_steps == ["第1轮选举无效，委员须重新投票。"]


def test_turnout_reason_wording():
    data = make(
        registered=2360, rounds=[first(2205, {"委员": {"王芳": 2000}}, issued=2210)], candidates={"委员": ["王芳"]}
    )
    rnd = run(data).contests[0].rounds[0]
    assert rnd.valid
    assert rnd.reasons == [
        "参加投票 2205 人，超过登记选民 2360 人的半数（至少需 1181 人）。",
        "收回选票 2205 张，未超过发出选票 2210 张。",
    ]
    assert (rnd.turnout_value, rnd.turnout_base, rnd.turnout_needed) == (2205, 2360, 1181)


def test_participants_default_to_ballots_returned():
    rnd_data = {
        "type": "first",
        "ballots": {"issued": 41, "returned": 41, "invalid": 1},
        "votes": {"楼栋长": {"王桂芝": 21, "刘永": 19}},
    }
    data = make(
        kind="building_leader",
        seats={"楼栋长": 1},
        candidates={"楼栋长": ["王桂芝", "刘永"]},
        registered=48,
        rounds=[rnd_data],
        method="household_representative",
    )
    rnd = run(data).contests[0].rounds[0]
    assert rnd.turnout_value == 41 and rnd.valid_ballots == 40
    assert rnd.posts[0].threshold == 21 and rnd.posts[0].elected == ["王桂芝"]
    assert "户" in rnd.reasons[0]


def test_more_ballots_returned_than_issued_is_invalid():
    data = make(rounds=[first(80, {"委员": {"王芳": 70}}, returned=81, issued=80)], candidates={"委员": ["王芳"]})
    rnd = run(data).contests[0].rounds[0]
    assert not rnd.valid and rnd.posts[0].elected == []
    assert "收回选票 81 张，多于发出选票 80 张，本轮选举无效。" in rnd.reasons


def test_deputy_reconciliation_compares_with_participants():
    data = make(
        kind="deputy",
        seats={"代表": 1},
        candidates={"代表": ["王芳", "李强"]},
        rounds=[first(80, {"代表": {"王芳": 70, "李强": 5}}, returned=81, issued=90)],
    )
    rnd = run(data).contests[0].rounds[0]
    assert not rnd.valid
    assert "收回选票 81 张，多于参加投票人数 80 人，本轮选举无效。" in rnd.reasons


def test_resident_representatives_need_more_than_two_thirds():
    def rnd(participants):
        data = make(
            kind="residents_committee",
            method="resident_representative",
            registered=90,
            candidates={"委员": ["王芳", "李强"]},
            rounds=[first(participants, {"委员": {"王芳": participants, "李强": 0}})],
        )
        return run(data).contests[0].rounds[0]

    exactly = rnd(60)
    assert not exactly.valid and exactly.turnout_needed == 61
    assert "三分之二" in exactly.reasons[0] and "居民代表" in exactly.reasons[0]
    assert rnd(61).valid and rnd(61).posts[0].elected == ["王芳"]


def test_household_representatives_need_more_than_half():
    data = make(
        kind="residents_committee",
        method="household_representative",
        registered=90,
        candidates={"委员": ["王芳"]},
        rounds=[first(46, {"委员": {"王芳": 40}})],
    )
    rnd = run(data).contests[0].rounds[0]
    assert rnd.valid and rnd.turnout_needed == 46


def party(present, votes, returned=None, seats=None, excluded=2, registered=46):
    seats = seats or {"委员": 1}
    post = next(iter(seats))
    rnd = {
        "type": "first",
        "present": present,
        "ballots": {"issued": present, "returned": present if returned is None else returned},
        "votes": {post: votes},
    }
    data = make(
        kind="party_branch",
        seats=seats,
        candidates={post: list(votes)},
        registered=registered,
        excluded=excluded,
        method="party_meeting",
        rounds=[rnd],
    )
    return run(data).contests[0].rounds[0]


def test_party_quorum_is_four_fifths_of_expected_attendance_after_exclusions():
    # expected = 46 − 2 = 44; 4/5 × 44 = 35.2 → 36 needed (35 fails).
    assert not party(35, {"王芳": 30, "李强": 5}).valid
    rnd = party(36, {"王芳": 30, "李强": 5})
    assert rnd.valid and (rnd.turnout_base, rnd.turnout_needed) == (44, 36)
    assert rnd.reasons[0] == (
        "实到会有选举权的党员 36 人，超过应到会 44 人（登记 46 人，经批准不计入 2 人）的五分之四（至少需 36 人）。"
    )
    # Without the exclusions 4/5 × 46 = 36.8: the same 36 present are not enough.
    assert not party(36, {"王芳": 30, "李强": 5}, excluded=None).valid


def test_party_quorum_exactly_four_fifths_is_not_enough():
    assert not party(40, {"王芳": 30}, excluded=0, registered=50).valid  # 40 = 4/5 × 50
    assert party(41, {"王芳": 30}, excluded=0, registered=50).valid


def test_party_win_is_more_than_half_of_present():
    rnd = party(36, {"王芳": 18, "李强": 17})
    assert rnd.posts[0].threshold == 19 and rnd.posts[0].elected == []
    rnd = party(36, {"王芳": 19, "李强": 17})
    assert rnd.posts[0].elected == ["王芳"]


def test_party_reconciliation_compares_with_present():
    rnd = party(40, {"王芳": 30}, returned=41)
    assert not rnd.valid and "收回选票 41 张，多于实到会人数 40 人，本轮选举无效。" in rnd.reasons


def test_party_runoff_needs_more_than_half_of_present_again():
    data = make(
        kind="party_branch",
        seats={"委员": 2},
        candidates={"委员": ["王芳", "李强", "张伟"]},
        registered=44,
        method="party_meeting",
        rounds=[
            {
                "type": "first",
                "present": 40,
                "ballots": {"issued": 40, "returned": 40},
                "votes": {"委员": {"王芳": 30, "李强": 20, "张伟": 15}},
            },
            {
                "type": "runoff",
                "present": 40,
                "ballots": {"issued": 40, "returned": 40},
                "votes": {"委员": {"李强": 20, "张伟": 19}},
            },
        ],
    )
    contest = run(data).contests[0]
    assert contest.rounds[0].posts[0].runoff_candidates == ["李强", "张伟"]
    post = contest.rounds[1].posts[0]
    assert post.threshold == 21 and post.elected == [] and post.vacant == 1
    assert contest.vacant == {"委员": 1}


# --- missing numbers ------------------------------------------------------------------------
def test_missing_ballots_cannot_be_decided():
    data = make(candidates={"委员": ["王芳"]}, rounds=[{"type": "first", "votes": {"委员": {"王芳": 60}}}])
    contest = run(data).contests[0]
    rnd = contest.rounds[0]
    assert not rnd.valid and rnd.posts[0].elected == []
    assert "ballots.returned" in rnd.missing
    assert any("收回选票数（ballots.returned）" in r for r in rnd.reasons)
    assert "请补填" in contest.next_steps[0]


def test_missing_registered_cannot_be_decided():
    data = make(candidates={"委员": ["王芳"]}, rounds=[first(100, {"委员": {"王芳": 60}})])
    del data["electorate"]["registered"]
    rnd = run(data).contests[0].rounds[0]
    assert not rnd.valid and rnd.missing == ["electorate.registered"]


def test_missing_votes_of_a_post_cannot_be_decided():
    data = make(
        seats={"主任": 1, "委员": 2},
        candidates={"主任": ["王芳"], "委员": ["李强", "张伟"]},
        rounds=[first(100, {"主任": {"王芳": 60}})],
    )
    rnd = run(data).contests[0].rounds[0]
    assert not rnd.valid and rnd.missing == ["votes.委员"]
    assert "“委员”的得票（votes.委员）" in rnd.reasons[-1]


def test_missing_issued_cannot_be_decided():
    data = make(
        candidates={"委员": ["王芳"]},
        rounds=[{"type": "first", "participants": 90, "ballots": {"returned": 90}, "votes": {"委员": {"王芳": 60}}}],
    )
    rnd = run(data).contests[0].rounds[0]
    assert not rnd.valid and rnd.missing == ["ballots.issued"]


def test_party_missing_present_cannot_be_decided():
    data = make(
        kind="party_branch", candidates={"委员": ["王芳"]}, registered=40, rounds=[first(38, {"委员": {"王芳": 30}})]
    )
    rnd = run(data).contests[0].rounds[0]
    assert not rnd.valid and "present" in rnd.missing


# --- runoff ---------------------------------------------------------------------------------
def with_runoff(runoff_votes, returned=99, seats=1, first_votes=None):
    first_votes = first_votes or {"王芳": 45, "李强": 40, "张伟": 10}
    data = make(
        seats={"委员": seats},
        candidates={"委员": list(first_votes)},
        rounds=[
            first(100, {"委员": first_votes}),
            {
                "type": "runoff",
                "participants": returned,
                "ballots": {"issued": returned, "returned": returned},
                "votes": {"委员": runoff_votes},
            },
        ],
    )
    return run(data).contests[0]


def test_runoff_exactly_one_third_is_elected():
    contest = with_runoff({"王芳": 33, "李强": 30}, returned=99)
    post = contest.rounds[1].posts[0]
    assert post.threshold == 33 and post.elected == ["王芳"]
    assert contest.elected["委员"] == ["王芳"] and contest.vacant == {"委员": 0}
    assert contest.next_steps == ["全部名额均已选出。"]


def test_runoff_below_one_third_leaves_a_vacancy():
    contest = with_runoff({"王芳": 33, "李强": 30}, returned=100)  # 1/3 × 100 = 33.3 → 34 needed
    post = contest.rounds[1].posts[0]
    assert post.threshold == 34 and post.elected == [] and post.vacant == 1
    assert contest.vacant == {"委员": 1}
    assert contest.next_steps == ["委员另行选举后仍缺 1 名，暂作缺额（或依本省规定再行选举）。"]


def test_runoff_takes_most_votes_not_majority():
    contest = with_runoff({"王芳": 40, "李强": 35}, returned=99)
    assert contest.rounds[1].posts[0].elected == ["王芳"]


def test_runoff_tie_requires_revote_then_revote_decides():
    contest = with_runoff({"王芳": 45, "李强": 45}, returned=99)
    post = contest.rounds[1].posts[0]
    assert post.elected == [] and sorted(post.revote_among) == sorted(["王芳", "李强"]) and post.revote_seats == 1
    assert "重新投票" in contest.next_steps[0] and "不得抽签" in contest.next_steps[0]
    data = make(
        seats={"委员": 1},
        candidates={"委员": ["王芳", "李强", "张伟"]},
        rounds=[
            first(100, {"委员": {"王芳": 45, "李强": 40, "张伟": 10}}),
            {
                "type": "runoff",
                "participants": 99,
                "ballots": {"issued": 99, "returned": 99},
                "votes": {"委员": {"王芳": 45, "李强": 45}},
            },
            {
                "type": "revote",
                "participants": 90,
                "ballots": {"issued": 90, "returned": 90},
                "votes": {"委员": {"王芳": 40, "李强": 41}},
            },
        ],
    )
    contest = run(data).contests[0]
    revote = contest.rounds[2].posts[0]
    assert revote.seats == 1 and revote.threshold == 1 and revote.elected == ["李强"]
    assert contest.elected["委员"] == ["李强"] and contest.next_steps == ["全部名额均已选出。"]


def test_first_round_tie_then_revote():
    data = make(
        seats={"委员": 2},
        candidates={"委员": ["王芳", "李强", "张伟"]},
        rounds=[
            first(100, {"委员": {"王芳": 90, "李强": 70, "张伟": 70}}),
            {
                "type": "revote",
                "participants": 95,
                "ballots": {"issued": 95, "returned": 95},
                "votes": {"委员": {"李强": 50, "张伟": 45}},
            },
        ],
    )
    contest = run(data).contests[0]
    assert contest.rounds[1].posts[0].tally == [("李强", 50), ("张伟", 45)]
    assert contest.elected == {"委员": ["王芳", "李强"]}


def test_revote_tied_again_needs_another_revote():
    data = make(
        seats={"委员": 2},
        candidates={"委员": ["王芳", "李强", "张伟"]},
        rounds=[
            first(100, {"委员": {"王芳": 90, "李强": 70, "张伟": 70}}),
            {
                "type": "revote",
                "participants": 95,
                "ballots": {"issued": 95, "returned": 95},
                "votes": {"委员": {"李强": 47, "张伟": 47}},
            },
        ],
    )
    contest = run(data).contests[0]
    assert contest.rounds[1].posts[0].revote_seats == 1
    assert contest.vacant == {"委员": 1}
    assert "须就" in contest.next_steps[0]


def test_runoff_candidates_by_ratio_for_deputies():
    def runoff_candidates(seats, votes):
        return one_post(votes, seats=seats, post="代表", kind="deputy").runoff_candidates

    votes = {"王芳": 40, "李强": 35, "张伟": 30, "刘洋": 20, "陈静": 10, "杨帆": 5, "赵磊": 1}
    assert runoff_candidates(1, votes) == ["王芳", "李强"]  # 1 seat → 2
    assert runoff_candidates(2, votes) == ["王芳", "李强", "张伟"]  # 2 + ⌈2/3⌉ = 3
    assert runoff_candidates(3, votes) == ["王芳", "李强", "张伟", "刘洋"]  # 3 + 1 = 4
    assert len(runoff_candidates(4, votes)) == 6  # 4 + ⌈4/3⌉ = 6


def test_runoff_candidates_exclude_first_round_winners():
    post = one_post({"王芳": 60, "李强": 40, "张伟": 30, "刘洋": 20}, seats=2)
    assert post.elected == ["王芳"]
    assert post.runoff_candidates == ["李强", "张伟"]


def test_posts_limit_the_round():
    data = make(
        seats={"主任": 1, "委员": 2},
        candidates={"主任": ["王芳", "刘洋"], "委员": ["李强", "张伟", "陈静"]},
        rounds=[
            first(100, {"主任": {"王芳": 60, "刘洋": 30}, "委员": {"李强": 70, "张伟": 40, "陈静": 30}}),
            {
                "type": "runoff",
                "posts": ["委员"],
                "participants": 90,
                "ballots": {"issued": 90, "returned": 90},
                "votes": {"委员": {"张伟": 50, "陈静": 35}},
            },
        ],
    )
    contest = run(data).contests[0]
    assert [p.post for p in contest.rounds[1].posts] == ["委员"]
    assert contest.rounds[1].posts[0].seats == 1
    assert contest.elected == {"主任": ["王芳"], "委员": ["李强", "张伟"]}


def test_invalid_runoff_keeps_the_runoff_pending():
    contest = with_runoff({"王芳": 45, "李强": 40}, returned=30)  # 30 of 100 registered: turnout fails
    assert not contest.rounds[1].valid and contest.rounds[1].posts[0].elected == []
    assert contest.next_steps == ["第2轮另行选举无效，委员须重新投票。"]


def test_next_steps_for_a_pending_runoff():
    contest = run(
        make(
            seats={"委员": 3},
            candidates={"委员": ["孙丽娟", "周文斌", "吴海涛", "郑小燕", "马德胜"]},
            registered=2360,
            rounds=[
                first(
                    2205,
                    {"委员": {"孙丽娟": 1420, "周文斌": 1188, "吴海涛": 1050, "郑小燕": 890, "马德胜": 760}},
                    issued=2210,
                )
            ],
        )
    ).contests[0]
    assert contest.next_steps == ["委员尚缺 1 名，须另行选举，候选人：吴海涛、郑小燕。"]
    assert contest.vacant == {"委员": 1}


# --- stages ---------------------------------------------------------------------------------
def test_no_rounds_with_candidates():
    contest = run(make(candidates={"委员": ["王芳", "李强"]})).contests[0]
    assert contest.stage == "candidates" and contest.rounds == []
    assert contest.vacant == {"委员": 1} and contest.elected == {"委员": []}


def test_no_rounds_no_candidates():
    contest = run(make()).contests[0]
    assert contest.stage == "no_candidates"


def test_informal_and_withdrawn_candidates_are_not_on_the_tally():
    data = make(rounds=[first(100, {"委员": {"王芳": 60, "李强": 20}})])
    data["candidates"] = [
        {"name": "王芳", "post": "委员"},
        {"name": "李强", "post": "委员"},
        {"name": "张伟", "post": "委员", "withdrawn": True},
        {"name": "刘洋", "post": "委员", "formal": False},
    ]
    post = run(data).contests[0].rounds[0].posts[0]
    assert [n for n, _ in post.tally] == ["王芳", "李强"]


# --- samples --------------------------------------------------------------------------------
def sample(name):
    record, findings = records.load(str(SAMPLES / name))
    assert record is not None, findings
    return record.data, oc.compute(record.data, select(record.data))


def test_sample_village_runoff():
    data, result = sample("village-liulin-runoff.yaml")
    assert result.profile_id == "village_committee-2025"
    contest = result.contests[0]
    first_round, runoff = contest.rounds
    assert first_round.valid and first_round.turnout_needed == 1181
    by_post = {p.post: p for p in first_round.posts}
    assert by_post["主任"].elected == ["刘建华"] and by_post["副主任"].elected == ["王秀兰"]
    members = by_post["委员"]
    assert members.threshold == 1103
    assert members.elected == ["孙丽娟", "周文斌"]
    assert members.seats_left == 1 and members.runoff_candidates == ["吴海涛", "郑小燕"]
    assert members.write_ins == ["田永福"] and ("田永福", 6) in members.tally
    assert runoff.type == "runoff" and runoff.valid
    post = runoff.posts[0]
    assert post.seats == 1 and post.threshold == 706  # ⌈2116 / 3⌉
    assert post.elected == ["吴海涛"] and post.tally[0] == ("吴海涛", 1172)
    assert contest.elected == {"主任": ["刘建华"], "副主任": ["王秀兰"], "委员": ["孙丽娟", "周文斌", "吴海涛"]}
    assert contest.vacant == {"主任": 0, "副主任": 0, "委员": 0}
    assert contest.stage == "counted"


def test_sample_residents_household_representatives():
    _, result = sample("residents-yangguang.yaml")
    contest = result.contests[0]
    assert contest.rounds[0].valid and contest.rounds[0].turnout_needed == 744
    assert contest.elected == {"主任": ["王建国"], "副主任": ["张伟"], "委员": ["刘芳", "陈晓东", "杨桂英"]}
    assert contest.next_steps == ["全部名额均已选出。"]


def test_sample_party_before_voting():
    _, result = sample("party-qinghe-branch.yaml")
    contest = result.contests[0]
    assert contest.stage == "candidates" and contest.rounds == []
    assert contest.vacant == {"书记": 1, "委员": 4}
    assert contest.next_steps == ["尚未投票。"]


def test_sample_deputy_district():
    _, result = sample("deputy-hewan-district7.yaml")
    contest = result.contests[0]
    assert contest.name == "第七选区" and contest.path == ("contests", 0)
    post = contest.rounds[0].posts[0]
    assert post.threshold == 1488 and post.elected == ["王志刚", "李春梅"]
    assert post.write_ins == ["赵永清"]


def test_sample_building_leaders():
    _, result = sample("building-leaders-chenguang.yaml")
    assert [c.name for c in result.contests] == ["1号楼", "2号楼", "3号楼", "4号楼"]
    assert [c.elected["楼栋长"] for c in result.contests] == [["王桂芝"], ["陈国栋"], ["孙明"], ["周建平"]]
    second = result.contests[1].rounds[0]
    assert second.turnout_value == 30 and second.posts[0].threshold == 16  # 16 of 30: just over half


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.yaml")))
def test_every_sample_renders_and_serialises(name):
    from pipeline.stats import compute_stats

    data, result = sample(name)
    text = render_text(result, compute_stats(data, result))
    assert "选举结果" in text and "统计" in text
    json.dumps(oc.outcome_to_dict(result), ensure_ascii=False)


def test_render_text_of_the_village_sample():
    data, result = sample("village-liulin-runoff.yaml")
    text = render_text(result)
    assert "参加投票 2205 人，超过登记选民 2360 人的半数（至少需 1181 人）。" in text
    assert "尚缺 1 名，另行选举候选人：吴海涛、郑小燕。" in text
    assert "不少于已投选票 2116 张的三分之一，即至少 706 票" in text
    assert "当选人员：主任：刘建华；副主任：王秀兰；委员：孙丽娟、周文斌、吴海涛。" in text


def test_outcome_to_dict_is_plain_data():
    _, result = sample("village-liulin-runoff.yaml")
    data = oc.outcome_to_dict(result)
    assert data["contests"][0]["path"] == []
    assert data["contests"][0]["rounds"][1]["posts"][0]["tally"][0] == ["吴海涛", 1172]
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_round_seats_never_exceed_the_open_seats():
    data = make(
        seats={"委员": 1},
        candidates={"委员": ["王芳", "李强"]},
        rounds=[first(100, {"委员": {"王芳": 80, "李强": 70}}, seats={"委员": 3})],
    )
    contest = run(data).contests[0]
    assert contest.rounds[0].posts[0].seats == 1 and contest.elected == {"委员": ["王芳"]}


def test_posts_outside_the_contest_seats_are_not_decided():
    data = make(
        seats={"委员": 1},
        candidates={"委员": ["王芳"]},
        rounds=[first(100, {"委员": {"王芳": 80}, "主任": {"李强": 90}}, posts=["委员", "主任"])],
    )
    contest = run(data).contests[0]
    assert [p.post for p in contest.rounds[0].posts] == ["委员"]
    assert contest.elected == {"委员": ["王芳"]}


def test_contest_without_seats():
    data = make(rounds=[first(100, {"委员": {"王芳": 80}})])
    del data["seats"]
    contest = run(data).contests[0]
    assert contest.rounds[0].posts == [] and contest.elected == {}
    assert contest.next_steps == ["未填写职位及应选名额（seats），无法计算选举结果。"]


def test_someone_elected_to_a_higher_post_is_not_elected_again():
    data = make(
        seats={"主任": 1, "委员": 1},
        candidates={"主任": ["王芳", "李强"], "委员": ["张伟", "刘洋"]},
        rounds=[
            first(
                100,
                {"主任": {"王芳": 80, "李强": 10}, "委员": {"张伟": 40, "刘洋": 30}},
                write_ins={"委员": {"王芳": 55}},
            )
        ],
    )
    contest = run(data).contests[0]
    assert contest.elected == {"主任": ["王芳"], "委员": []}
    assert contest.rounds[0].posts[1].runoff_candidates == ["张伟", "刘洋"]


# --- ties for the last place of the 另行选举 list (issue 11, item 6) ------------------------------
def test_deputy_one_seat_tie_for_the_second_runoff_place_must_be_resolved():
    # 选举法 §45 ¶4: one seat → exactly two candidates; 李强 and 张伟 tie for the second place.
    data = make(
        kind="deputy",
        seats={"代表": 1},
        candidates={"代表": ["王芳", "李强", "张伟"]},
        rounds=[first(100, {"代表": {"王芳": 40, "李强": 30, "张伟": 30}})],
    )
    contest = run(data).contests[0]
    post = contest.rounds[0].posts[0]
    assert post.seats_left == 1
    assert post.runoff_candidates == ["王芳"]
    assert post.runoff_tied == ["李强", "张伟"] and post.runoff_tied_places == 1
    assert contest.next_steps == [
        "代表尚缺 1 名，须另行选举，候选人应为 2 名，按首次选举得票已确定王芳；李强、张伟得票相等（各 30 票），"
        "争余下 1 个候选人名额，须先解决这一票数相等，从中确定 1 名，候选人名单方能确定。"
    ]


def test_deputy_one_seat_tie_for_both_runoff_places():
    data = make(
        kind="deputy",
        seats={"代表": 1},
        candidates={"代表": ["王芳", "李强", "张伟"]},
        rounds=[first(100, {"代表": {"王芳": 30, "李强": 30, "张伟": 30}})],
    )
    contest = run(data).contests[0]
    post = contest.rounds[0].posts[0]
    assert post.runoff_candidates == [] and post.runoff_tied_places == 2
    assert contest.next_steps == [
        "代表尚缺 1 名，须另行选举，候选人应为 2 名；王芳、李强、张伟得票相等（各 30 票），"
        "争余下 2 个候选人名额，须先解决这一票数相等，从中确定 2 名，候选人名单方能确定。"
    ]


def test_deputy_two_candidates_tied_within_the_list_is_a_tie_that_does_not_matter():
    post = one_post({"王芳": 30, "李强": 30, "张伟": 10}, post="代表", kind="deputy")
    assert post.runoff_candidates == ["王芳", "李强"] and post.runoff_tied == []


def test_deputy_several_seats_tie_absorbed_by_the_ratio():
    # 3 seats: 4 candidates wanted (3 + ⌈3/3⌉), up to 6 allowed (§31: one third to one times more);
    # 刘洋 and 陈静 tie for the 4th place: both go on the list (5 ≤ 6), no tie to resolve.
    votes = {"王芳": 40, "李强": 35, "张伟": 30, "刘洋": 20, "陈静": 20, "杨帆": 5}
    post = one_post(votes, seats=3, post="代表", kind="deputy")
    assert post.seats_left == 3
    assert post.runoff_candidates == ["王芳", "李强", "张伟", "刘洋", "陈静"] and post.runoff_tied == []


def test_deputy_several_seats_tie_beyond_the_ratio_must_be_resolved():
    # 3 seats, 4th place tied four ways: 3 + 4 = 7 > 6, so the tie must be resolved for 1 place.
    votes = {"王芳": 40, "李强": 35, "张伟": 30, "刘洋": 20, "陈静": 20, "杨帆": 20, "赵磊": 20}
    contest_post = one_post(votes, seats=3, post="代表", kind="deputy")
    assert contest_post.runoff_candidates == ["王芳", "李强", "张伟"]
    assert sorted(contest_post.runoff_tied) == sorted(["刘洋", "陈静", "杨帆", "赵磊"])
    assert contest_post.runoff_tied_places == 1 and contest_post.runoff_tied_votes == 20


def test_village_tie_below_the_runoff_list_does_not_matter():
    post = one_post({"王芳": 40, "李强": 30, "张伟": 20, "刘洋": 20})
    assert post.runoff_candidates == ["王芳", "李强"] and post.runoff_tied == []


# --- 海选: no candidate list, every vote written in (issue 11, item 5) ---------------------------
def write_in_contest(rounds, seats=None):
    return make(seats=seats or {"委员": 2}, candidates={}, rounds=rounds, nomination="write_in")


def test_write_in_contest_is_decided_like_any_other():
    data = write_in_contest([first(100, {}, write_ins={"委员": {"王芳": 60, "李强": 55, "张伟": 30}})])
    contest = run(data).contests[0]
    assert contest.write_in
    rnd = contest.rounds[0]
    assert rnd.valid and rnd.missing == []
    post = rnd.posts[0]
    assert post.threshold == 51
    assert post.elected == ["王芳", "李强"]
    assert post.write_ins == []  # nobody is 另选他人 when there is no printed list
    assert contest.next_steps == ["全部名额均已选出。"]


def test_write_in_contest_votes_may_be_under_votes():
    data = write_in_contest([first(100, {"委员": {"王芳": 60, "李强": 55, "张伟": 30}})])
    assert run(data).contests[0].elected == {"委员": ["王芳", "李强"]}


def test_write_ins_without_the_mark_stay_undecided():
    data = make(seats={"委员": 2}, candidates={}, rounds=[first(100, {}, write_ins={"委员": {"王芳": 60}})])
    rnd = run(data).contests[0].rounds[0]
    assert not rnd.valid and rnd.missing == ["votes.委员"]


def test_write_in_contest_exactly_half_is_not_elected_and_goes_to_a_runoff_among_the_written():
    data = write_in_contest([first(100, {}, write_ins={"委员": {"王芳": 60, "李强": 50, "张伟": 30, "刘洋": 20}})])
    contest = run(data).contests[0]
    post = contest.rounds[0].posts[0]
    assert post.elected == ["王芳"] and post.seats_left == 1
    assert post.runoff_candidates == ["李强", "张伟"]
    assert contest.next_steps == ["委员尚缺 1 名，须另行选举，候选人：李强、张伟。"]


def test_write_in_contest_runoff_decides_the_seat():
    runoff = {
        "type": "runoff",
        "participants": 90,
        "ballots": {"issued": 90, "returned": 90},
        "votes": {"委员": {"李强": 50, "张伟": 40}},
    }
    data = write_in_contest(
        [first(100, {}, write_ins={"委员": {"王芳": 60, "李强": 50, "张伟": 30, "刘洋": 20}}), runoff]
    )
    contest = run(data).contests[0]
    assert contest.elected == {"委员": ["王芳", "李强"]}
    assert contest.next_steps == ["全部名额均已选出。"]


def test_write_in_contest_tie_at_the_last_seat_is_a_revote_among_the_written():
    data = write_in_contest([first(100, {}, write_ins={"委员": {"王芳": 70, "李强": 60, "张伟": 60}})])
    post = run(data).contests[0].rounds[0].posts[0]
    assert post.elected == ["王芳"]
    assert post.revote_among == ["李强", "张伟"] and post.revote_seats == 1


def test_write_in_contest_before_the_vote():
    contest = run(write_in_contest(None)).contests[0]
    assert contest.stage == "candidates"
    assert contest.next_steps == ["不提名候选人，由选举人直接填写所选的人（海选），尚未投票。"]


def test_write_in_contest_has_no_unknown_candidate_findings():
    from helpers import findings, first_round, ids, village

    data = village(
        nomination="write_in",
        candidates=[],
        rounds=[
            first_round(
                votes={},
                write_ins={"主任": {"刘建华": 60, "陈志强": 18}, "委员": {"王秀兰": 70, "孙丽娟": 50, "赵国庆": 30}},
            )
        ],
    )
    found = ids(findings(data))
    assert not {"VOTES-UNKNOWN-CANDIDATE", "TALLY-NO-CANDIDATES", "ROUND-VOTES-MISSING"} & set(found), found
    data["rounds"][0]["votes"] = data["rounds"][0].pop("write_ins")
    found = ids(findings(data))
    assert not {"VOTES-UNKNOWN-CANDIDATE", "TALLY-NO-CANDIDATES", "ROUND-VOTES-MISSING"} & set(found), found


def test_write_in_contest_with_candidates_is_an_error():
    from helpers import ERROR, findings, one, village

    finding = one(findings(village(nomination="write_in")), "WRITE-IN-CANDIDATES")
    assert finding.severity is ERROR
    assert finding.path == "candidates"
    assert finding.message == (
        "本场次标为不提名候选人的海选（nomination: write_in），却填写了正式候选人刘建华、陈志强、王秀兰、赵国庆、孙丽娟。"
        "海选的选票不印候选人姓名：如已提名候选人，请删去 nomination: write_in；如确为海选，请删去这些候选人。"
    )


def test_outcome_text_names_a_tie_for_the_runoff_list():
    data = make(
        kind="deputy",
        seats={"代表": 1},
        candidates={"代表": ["王芳", "李强", "张伟"]},
        rounds=[first(100, {"代表": {"王芳": 40, "李强": 30, "张伟": 30}})],
    )
    text = render_text(run(data))
    assert "      尚缺 1 名，另行选举候选人已确定：王芳；李强、张伟得票相等，争余下 1 个候选人名额，须先解决。" in text


# --------------------------------------------------------------------------------------------
# The woman seat: the final tally names what the profile's remedy prescribes
# --------------------------------------------------------------------------------------------
def men_first(wang: int, profile: str | None = "sichuan") -> dict:
    """村委会 2025: 主任 1, 委员 2; 90 vote (half: 46); 赵国庆 70 and 周文斌 60 ahead of 王秀兰 and 孙丽娟 (20)."""
    data = make(
        seats={"主任": 1, "委员": 2},
        candidates={"主任": ["刘建华", "陈志强"], "委员": ["赵国庆", "周文斌", "王秀兰", "孙丽娟"]},
        rounds=[
            first(
                90,
                {
                    "主任": {"刘建华": 60, "陈志强": 28},
                    "委员": {"赵国庆": 70, "周文斌": 60, "王秀兰": wang, "孙丽娟": 4},
                },
            )
        ],
    )
    data["legal_basis"] = 2025
    data["schedule"] = {"election_day": "2026-04-18"}
    for c in data["candidates"]:
        c["gender"] = "女" if c["name"] in ("王秀兰", "孙丽娟") else "男"
    if profile:
        data["profile"] = profile
    return data


NATIONAL_WOMEN_STEP = (
    "当选的 3 名成员（刘建华、赵国庆、周文斌）中没有女性，不符合“成员中应当有妇女成员”的规定"
    "（《中华人民共和国村民委员会组织法》（2025年修正）第八条）；法律对此未再规定另行选举等办法，"
    "请报乡镇（街道）换届选举工作指导机构研究处理，并在工作总结中说明。"
)


def test_no_woman_elected_national_profile_only_warns():
    contest = run(men_first(30, profile=None)).contests[0]
    assert contest.women_seat == "warning"
    assert contest.next_steps == ["全部名额均已选出。", NATIONAL_WOMEN_STEP]
    assert contest.elected == {"主任": ["刘建华"], "委员": ["赵国庆", "周文斌"]}  # the tally itself is unchanged


def test_no_woman_elected_sichuan_woman_above_half_takes_the_seat():
    contest = run(men_first(46)).contests[0]
    assert contest.women_seat == "qualified"
    assert contest.next_steps == [
        "当选的 3 名成员（刘建华、赵国庆、周文斌）中没有女性。按《四川省村民委员会选举条例》第三十四条，"
        "委员的当选人应首先确定获得过半数选票的妇女中得票最多的王秀兰（46 票），其余委员按得票多少的顺序确定，"
        "周文斌（60 票）不再当选；请据此更正委员的当选人。"
    ]


def test_no_woman_elected_sichuan_none_above_half_one_seat_among_women():
    contest = run(men_first(45)).contests[0]
    assert contest.women_seat == "runoff"
    assert contest.next_steps == [
        "当选的 3 名成员（刘建华、赵国庆、周文斌）中没有女性，也没有妇女获得过半数选票。"
        "按《四川省村民委员会选举条例》第三十四条，应在委员的应选名额中确定一个名额在女性候选人王秀兰、孙丽娟中另行选举，"
        "其余委员按得票多少的顺序确定，周文斌（60 票）不再当选。"
    ]


def test_no_woman_step_while_gender_unknown_or_tally_pending():
    data = men_first(45)
    del data["candidates"][1]["gender"]  # 陈志强 not elected: still judged
    assert run(data).contests[0].women_seat == "runoff"
    del data["candidates"][0]["gender"]  # 刘建华 elected, gender unknown: not judged
    assert run(data).contests[0].women_seat == ""
    pending = men_first(45)
    pending["rounds"][0]["votes"]["委员"]["周文斌"] = 40  # a 委员 seat goes to 另行选举
    contest = run(pending).contests[0]
    assert contest.women_seat == "" and contest.next_steps[0].startswith("委员尚缺 1 名，须另行选举")


def test_no_woman_step_in_the_outcome_text():
    text = render_text(run(men_first(46)))
    assert "    当选的 3 名成员（刘建华、赵国庆、周文斌）中没有女性。按《四川省村民委员会选举条例》第三十四条" in text


def test_units_without_a_woman_are_counted_in_the_statistics():
    from pipeline.stats import aggregate, compute_stats

    counted = []
    for data in (men_first(45), men_first(46), men_first(30, profile=None)):
        counted.append(compute_stats(data, run(data)))
    assert [(s.no_woman, s.no_woman_runoff, s.no_woman_qualified) for s in counted] == [(1, 1, 0), (1, 0, 1), (1, 0, 0)]
    total = aggregate(counted)
    assert (total.no_woman, total.no_woman_runoff, total.no_woman_qualified) == (3, 1, 1)
    assert compute_stats(men_first(45), run(men_first(45))).to_dict()["no_woman"] == 1
