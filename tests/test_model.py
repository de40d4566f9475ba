"""The read-only views of a record: contests and their rounds, with the paths findings point at."""

from __future__ import annotations

import datetime as dt

from helpers import deputy, first_round, make, village

from pipeline.model import Round, contests


def test_rounds_of_a_single_contest_record_carry_their_paths():
    runoff = {"type": "runoff", "posts": ["委员"], "seats": {"委员": 1}, "date": "2026-04-19"}
    (contest,) = contests(make(village(rounds=[first_round(), runoff])).data)
    first, second = contest.round_views
    assert [r.data for r in contest.round_views] == contest.rounds
    assert (first.index, first.path, second.path) == (0, ("rounds", 0), ("rounds", 1))
    assert first.type == "first" and second.type == "runoff"
    assert first.date == dt.date(2026, 4, 18) and second.date == dt.date(2026, 4, 19)
    assert first.ballots == {"issued": 80, "returned": 80, "invalid": 2}
    assert first.votes["主任"] == {"刘建华": 60, "陈志强": 18} and first.counted
    assert first.posts == [] and first.seats == {} and first.write_ins == {}
    assert second.posts == ["委员"] and second.seats == {"委员": 1}
    assert second.votes == {} and not second.counted and second.ballots == {}
    assert second.at("votes", "委员") == ("rounds", 1, "votes", "委员")


def test_rounds_of_a_contest_under_contests_and_a_round_without_type():
    data = deputy()
    data["contests"][0]["rounds"] = [{"date": "2026-11-20", "participants": 3000}]
    (contest,) = contests(make(data).data)
    (rnd,) = contest.round_views
    assert rnd.path == ("contests", 0, "rounds", 0)
    assert rnd.type == "first"
    assert contests(make(village()).data)[0].round_views == []
    assert Round(index=0, path=(), data={"type": "revote"}).type == "revote"
