"""Property tests (hypothesis) for the tally in pipeline.outcome."""

from __future__ import annotations

from helpers import findings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import outcome as oc
from pipeline.cli.text import render_text
from pipeline.profile import select
from pipeline.rules import surplus

NAMES = [
    "王芳",
    "李强",
    "张伟",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄丽",
    "周杰",
    "吴敏",
    "徐涛",
    "孙悦",
    "丁一",
    "马力",
    "王明",
    "田富",
    "田大利",
]
WRITE_INS = ["欧阳明", "司马光", "诸葛亮"]
KINDS = {
    "village_committee": 2025,
    "residents_committee": 2025,
    "party_branch": 2020,
    "deputy": 2020,
    "building_leader": None,
}
POSTS = ["主任", "委员"]

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def records(draw, rounds_after_first: bool = False):
    kind = draw(st.sampled_from(sorted(KINDS)))
    method = {"party_branch": "party_meeting"}.get(kind) or draw(
        st.sampled_from([None, "all_voters", "household_representative", "resident_representative"])
    )
    posts = draw(st.lists(st.sampled_from(POSTS), min_size=1, max_size=2, unique=True))
    names = draw(st.permutations(NAMES))
    seats, candidates, votes, write_ins = {}, [], {}, {}
    cursor = 0
    for post in posts:
        seats[post] = draw(st.integers(1, 3))
        count = draw(st.integers(0, 5))
        chosen = names[cursor : cursor + count]
        cursor += count
        candidates += [{"name": n, "post": post} for n in chosen]
        votes[post] = {n: draw(st.integers(0, 12)) for n in chosen}
        if draw(st.booleans()):
            write_ins[post] = {draw(st.sampled_from(WRITE_INS)): draw(st.integers(0, 12))}
    registered = draw(st.integers(0, 24))
    participants = draw(st.integers(0, 24))
    returned = draw(st.integers(max(0, participants - 2), participants + 1))
    issued = draw(st.integers(max(0, returned - 1), returned + 2))
    rnd = {"type": "first", "ballots": {"issued": issued, "returned": returned}, "votes": votes}
    if draw(st.booleans()):
        rnd["participants"] = participants
    if kind == "party_branch":
        rnd["present"] = participants
    if write_ins:
        rnd["write_ins"] = write_ins
    data = {
        "kind": kind,
        "unit": {"name": "测试"},
        "seats": [{"post": p, "count": n} for p, n in seats.items()],
        "electorate": {"registered": registered},
        "candidates": candidates,
        "rounds": [rnd],
    }
    if KINDS[kind]:
        data["legal_basis"] = KINDS[kind]
    if method:
        data["method"] = method
    if kind == "party_branch" and draw(st.booleans()):
        data["electorate"]["excluded"] = draw(st.integers(0, 4))
    return data


def compute(data):
    profile = select(data)
    return profile, oc.compute(data, profile)


def _votes(post: oc.PostResult) -> dict[str, int]:
    return dict(post.tally)


def check_round(rnd: oc.RoundResult, earlier: set[str] = frozenset()):
    """Invariants of one round; `earlier` = names elected in earlier rounds (not electable again)."""
    for post in rnd.posts:
        votes = _votes(post)
        # Someone elected in an earlier round or to another post of this round cannot be chosen here.
        taken = set(earlier) | {n for p in rnd.posts if p is not post for n in p.elected}
        assert not taken & set(post.elected)
        # Never more elected than seats; the seats are accounted for exactly once.
        assert len(post.elected) <= post.seats
        assert len(post.elected) + post.revote_seats + post.seats_left + post.vacant <= post.seats
        assert len(set(post.elected)) == len(post.elected)
        if not rnd.valid:
            # An invalid round elects nobody and triggers nothing.
            assert post.elected == [] and post.revote_among == [] and post.threshold is None
            assert post.seats_left == 0 and post.runoff_candidates == []
            continue
        assert post.threshold is not None
        # Every elected candidate meets the threshold.
        for name in post.elected:
            assert votes[name] >= post.threshold
        # revote_among only for a real tie at the boundary.
        if post.revote_among:
            tied = {votes[n] for n in post.revote_among}
            assert len(tied) == 1
            level = tied.pop()
            assert level >= post.threshold or rnd.type == "revote"
            assert len(post.revote_among) > post.revote_seats > 0
            assert all(votes[n] > level for n in post.elected)
            assert not set(post.revote_among) & set(post.elected)
        else:
            assert post.revote_seats == 0
        # Elected are the top of the tally among those who passed.
        if post.elected:
            lowest = min(votes[n] for n in post.elected)
            others = [
                n for n, v in post.tally if n not in post.elected and n not in post.revote_among and n not in taken
            ]
            assert all(votes[n] <= lowest for n in others)
            assert all(votes[n] < lowest or votes[n] < post.threshold for n in others)
        # 另行选举 candidates: none elected or tied; at least as many as the seats left when possible.
        if post.runoff_candidates or post.runoff_tied:
            assert rnd.type == "first" and post.seats_left > 0
            listed = post.runoff_candidates + post.runoff_tied
            assert not set(listed) & (set(post.elected) | set(post.revote_among))
            cut = min(votes[n] for n in listed)
            rest = [
                n
                for n, v in post.tally
                if n not in listed and n not in post.elected and n not in post.revote_among and n not in taken
            ]
            assert all(votes[n] <= cut for n in rest)
            assert len(post.runoff_candidates) + post.runoff_tied_places > post.seats_left or not rest
        # A tie for the last places of the 另行选举 list: all at one level below every settled name.
        if post.runoff_tied:
            assert {votes[n] for n in post.runoff_tied} == {post.runoff_tied_votes}
            assert all(votes[n] > post.runoff_tied_votes for n in post.runoff_candidates)
            assert len(post.runoff_tied) > post.runoff_tied_places > 0
        else:
            assert post.runoff_tied_places == 0


@SETTINGS
@given(records())
def test_first_round_invariants(data):
    profile, result = compute(data)
    contest = result.contests[0]
    rnd = contest.rounds[0]
    check_round(rnd)
    win = profile.win.threshold(data.get("method"))
    for post in rnd.posts:
        if rnd.valid:
            base = data["rounds"][0].get("present") if profile.win.base == "present" else rnd.turnout_value
            assert post.threshold == win.minimum(base)
            for name in post.elected:
                assert win.passes(_votes(post)[name], base)
            # First round: qualifiers are exactly those passing; seats fully accounted.
            assert len(post.elected) + post.revote_seats + post.seats_left == post.seats
    for post, names in contest.elected.items():
        assert len(names) <= contest.seats[post]
        assert contest.vacant[post] == contest.seats[post] - len(names)


@SETTINGS
@given(records(), st.data())
def test_results_do_not_depend_on_listing_order(data, draw):
    _, expected = compute(data)
    shuffled = dict(data)
    shuffled["candidates"] = draw.draw(st.permutations(data["candidates"]))
    rnd = dict(data["rounds"][0])
    rnd["votes"] = {
        post: dict(draw.draw(st.permutations(list(v.items()))))
        for post, v in draw.draw(st.permutations(list(rnd["votes"].items())))
    }
    shuffled["rounds"] = [rnd]
    _, again = compute(shuffled)
    assert oc.outcome_to_dict(again) == oc.outcome_to_dict(expected)


@SETTINGS
@given(records())
def test_invalid_turnout_elects_nobody(data):
    data["electorate"]["registered"] = 10_000  # nobody reaches the quorum
    _, result = compute(data)
    rnd = result.contests[0].rounds[0]
    assert not rnd.valid
    assert all(p.elected == [] for p in rnd.posts)
    assert all(names == [] for names in result.contests[0].elected.values())


@SETTINGS
@given(records(), st.data())
def test_follow_up_rounds_never_overfill(data, draw):
    """Add the 另行选举 and revotes the first round asks for, with arbitrary votes."""
    profile, result = compute(data)
    first = result.contests[0].rounds[0]
    size = draw.draw(st.integers(0, 30))
    follow = {"participants": size, "ballots": {"issued": size, "returned": size}}
    if data["kind"] == "party_branch":
        follow["present"] = size
    for rtype, names_of in (("revote", lambda p: p.revote_among), ("runoff", lambda p: p.runoff_candidates)):
        votes = {p.post: {n: draw.draw(st.integers(0, size)) for n in names_of(p)} for p in first.posts if names_of(p)}
        if votes:
            data["rounds"].append({"type": rtype, "posts": sorted(votes), **follow, "votes": votes})
    profile, result = compute(data)
    contest = result.contests[0]
    floor = profile.runoff.floor.threshold
    earlier: set[str] = set()
    for rnd in contest.rounds:
        check_round(rnd, earlier)
        earlier |= {n for p in rnd.posts for n in p.elected}
        if rnd.type == "runoff" and rnd.valid:
            base = size
            for post in rnd.posts:
                for name in post.elected:
                    assert floor.passes(_votes(post)[name], base)
    for post, names in contest.elected.items():
        assert len(names) <= contest.seats[post]
        assert len(set(names)) == len(names)
        assert contest.vacant[post] == contest.seats[post] - len(names)


@SETTINGS
@given(st.integers(1, 3), st.lists(st.integers(0, 30), min_size=1, max_size=7), st.integers(0, 40))
def test_revote_only_when_the_boundary_is_tied(seats, counts, participants):
    names = NAMES[: len(counts)]
    votes = dict(zip(names, counts, strict=False))
    data = {
        "kind": "village_committee",
        "legal_basis": 2025,
        "unit": {"name": "测试"},
        "seats": [{"post": "委员", "count": seats}],
        "electorate": {"registered": participants},
        "candidates": [{"name": n, "post": "委员"} for n in names],
        "rounds": [
            {
                "type": "first",
                "participants": participants,
                "ballots": {"issued": participants, "returned": participants},
                "votes": {"委员": votes},
            }
        ],
    }
    _, result = compute(data)
    post = result.contests[0].rounds[0].posts[0]
    threshold = post.threshold
    if threshold is None:  # no participants: the round is invalid
        assert participants == 0 and post.revote_among == []
        return
    qualifiers = sorted((v for v in counts if v >= threshold), reverse=True)
    real_tie = len(qualifiers) > seats and qualifiers[seats - 1] == qualifiers[seats]
    assert bool(post.revote_among) == real_tie


def _maybe(draw, strategy):
    return draw(st.one_of(st.none(), strategy))


@st.composite
def messy_records(draw):
    """Schema-shaped records with any field left out, odd posts and any round types."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    all_posts = POSTS + ["副主任"]
    seat_posts = draw(st.lists(st.sampled_from(POSTS), min_size=1, max_size=2, unique=True))
    names = draw(st.permutations(NAMES))[:6]
    data = {
        "kind": kind,
        "unit": {"name": "测试"},
        "seats": [{"post": p, "count": draw(st.integers(1, 4))} for p in seat_posts],
        "candidates": [
            {
                "name": n,
                "post": draw(st.sampled_from(all_posts)),
                **({"gender": "女"} if draw(st.booleans()) else {}),
                **({"birth": draw(st.sampled_from(["1960-01", "1990-12"]))} if draw(st.booleans()) else {}),
                **({"withdrawn": True} if draw(st.booleans()) else {}),
            }
            for n in names[: draw(st.integers(0, 6))]
        ],
    }
    if KINDS[kind]:
        data["legal_basis"] = KINDS[kind]
    electorate = {}
    for key in ("registered", "excluded"):
        value = _maybe(draw, st.integers(0, 30))
        if value is not None:
            electorate[key] = value
    data["electorate"] = electorate
    if draw(st.booleans()):
        data["schedule"] = {"election_day": "2026-04-18"}
    rounds = []
    for _ in range(draw(st.integers(0, 4))):
        rnd = {}
        for key, strategy in (
            ("type", st.sampled_from(["first", "revote", "runoff"])),
            ("participants", st.integers(0, 30)),
            ("present", st.integers(0, 30)),
            ("date", st.sampled_from(["2026-04-18", "2026-04-19"])),
        ):
            value = _maybe(draw, strategy)
            if value is not None:
                rnd[key] = value
        ballots = {
            k: v for k in ("issued", "returned", "invalid") if (v := _maybe(draw, st.integers(0, 30))) is not None
        }
        if ballots:
            rnd["ballots"] = ballots
        if draw(st.booleans()):
            rnd["posts"] = draw(st.lists(st.sampled_from(all_posts), min_size=1, max_size=3, unique=True))
        if draw(st.booleans()):
            rnd["seats"] = {
                p: draw(st.integers(1, 3)) for p in draw(st.lists(st.sampled_from(all_posts), max_size=2, unique=True))
            }
        if draw(st.booleans()):
            rnd["votes"] = {
                p: {
                    n: draw(st.integers(0, 30)) for n in draw(st.lists(st.sampled_from(names), max_size=4, unique=True))
                }
                for p in draw(st.lists(st.sampled_from(all_posts), max_size=3, unique=True))
            }
        if draw(st.booleans()):
            rnd["write_ins"] = {
                draw(st.sampled_from(all_posts)): {draw(st.sampled_from(WRITE_INS)): draw(st.integers(0, 30))}
            }
        rounds.append(rnd)
    if rounds or draw(st.booleans()):
        data["rounds"] = rounds
    return data


@SETTINGS
@given(messy_records())
def test_never_raises_on_schema_shaped_records(data):
    from pipeline.records import Record
    from pipeline.rules import reported
    from pipeline.stats import compute_stats

    profile, result = compute(data)
    stats = compute_stats(data, result)
    text = render_text(result, stats)
    assert text.endswith("\n")
    oc.outcome_to_dict(result)
    stats.to_dict()
    data["summary"] = {"reported": {"turnout_percent": 50, "women_percent": 12.5}}
    reported.check(Record(file="x.yaml", data=data, positions={}, key_positions={}), profile, result, stats)
    earlier: set[str] = set()
    contest = result.contests[0]
    for rnd in contest.rounds:
        check_round(rnd, earlier)
        earlier |= {n for p in rnd.posts for n in p.elected}
    for post, names in contest.elected.items():
        assert len(names) <= contest.seats[post]


@SETTINGS
@given(records())
def test_a_proposed_runoff_list_passes_its_own_surplus_check(data):
    """The 另行选举 list the tally proposes is never one that the 差额 check of the 另行选举 then rejects."""
    profile, result = compute(data)
    first = result.contests[0].rounds[0]
    for post in first.posts:
        if not post.seats_left or post.runoff_tied:
            continue
        wanted, _ = oc.runoff_size(profile, post.post, post.seats_left)
        if len(post.runoff_candidates) < wanted:
            continue  # fewer unelected than the rule asks for: nobody else to take
        runoff = {
            "type": "runoff",
            "posts": [post.post],
            "seats": {post.post: post.seats_left},
            "ballots": {"issued": 10, "returned": 10},
            "votes": {post.post: dict.fromkeys(post.runoff_candidates, 1)},
        }
        rounds = [data["rounds"][0], runoff]
        found = findings({**data, "rounds": rounds}, surplus.check)
        assert [f.message for f in found if f.id == "SURPLUS-RUNOFF"] == []
