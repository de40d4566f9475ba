"""The tally: who is elected, which ties need a revote, which seats go to 另行选举.

Pure functions of (record data, rule profile): no I/O, no printing, and no exception for a
schema-valid record. Every threshold comes from the profile (`profile.turnout.threshold(method)`, `Threshold`
with exact fractions); nothing here is specific to an election kind.

How each round is decided
-------------------------
* **Validity** (every round type, including 另行选举 and revotes, since the statutes' turnout
  clause — 选举法 §45 ¶1, 村委会法 §18, 居委会法 §19 — speaks of "选举有效" without exempting
  later rounds): the profile's turnout rule AND its ballot reconciliation rule. The turnout measure
  is `participants` (the round's `participants`, else `ballots.returned`) or `present` (Party);
  the base is `registered` or `expected` (= registered − excluded). A missing number means the
  round cannot be decided: it is invalid and a reason names the missing field. An invalid round
  elects nobody.
* **First round** (`type: first`, the default): a candidate qualifies when the votes pass the
  `win` threshold (base: participants or present). Qualifiers are taken by votes; a tie at the
  last seat among qualifiers → revote among the tied (never lots, 选举法 §45 ¶3). Seats nobody
  qualified for go to 另行选举; its candidates are the unelected with the most votes in this round:
  seats + `runoff.extra_candidates`, or for `ratio` (选举法 §45 ¶4 with §31) seats +
  max(1, ⌈seats/3⌉) — one seat, two candidates; a tie at the boundary takes all the tied.
* **另行选举** (`type: runoff`): most votes win, but only votes passing `runoff.floor` (e.g. not
  less than 1/3 of ballots returned, inclusive; the Party: more than half of present again). A tie
  at the last seat → revote. Seats still unfilled are left vacant (暂作缺额, 沪细则 §45); a further
  另行选举 in the record is still computed, its candidates being those on its tally.
* **Revote** (`type: revote`, 就票数相等的候选人再次投票): among the tied, most votes win
  ("以得票多的当选", 选举法 §45 ¶3; the same wording in the 村/居 provincial rules and the Party's
  暂行条例 §21). The tied already met the threshold of the round that produced the tie, so no
  majority is required again; a revote winner needs at least one vote (threshold 1). A tie again
  → another revote.

A contest marked `nomination: write_in` (海选) has no candidate list: its first round's votes are all written
in (under `write_ins` or `votes`), decided like any other, and its 另行选举 list is taken from them.
Write-ins (`write_ins`, 另选他人) are counted like candidates and can win; a write-in for a formal
candidate's name is added to that candidate's votes. A round's seats for a post (its `seats` map,
else what is pending) never exceed the seats still open; posts outside the contest's `seats` are
not decided. Someone already elected (in an earlier round, or to a post listed earlier — list the
higher office first) is not elected again nor put on a 另行选举 list.

A contest may record that the organisation appointed someone temporarily (`appointment`, 组织委派): with no
round held its stage is `appointed`; after rounds that left seats open, each appointment takes one open seat of
its post. Appointees are in `appointed`, never in `elected`, and the seats they hold are not in `vacant`; the
next step says who appointed whom (未选举，由…委派…暂代…). An appointment beyond the open seats is left out. Round indices are 0-based, as in the record
(`rounds[0]`); texts show them 1-based (第1轮).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from . import gongtui
from .formatting import chinese_date
from .gongtui import Recommendation
from .model import Contest, Data, RecordPath, contests, parse_date
from .profile import Profile, Threshold
from .strokes import NameKey, name_key
from .words import RERUN_ACTIONS, ROUND_NAMES, TURNOUT_LABELS

__all__ = [
    "PostResult",
    "RoundFailure",
    "RoundResult",
    "ContestOutcome",
    "Outcome",
    "compute",
    "outcome_to_dict",
    "ROUND_NAMES",
]


# --------------------------------------------------------------------------------------------
# Name order for ties. THE single place that decides how candidates with equal votes are listed.
# --------------------------------------------------------------------------------------------
def name_order_key(name: str, convention: str = "surname") -> tuple[NameKey, str]:
    """Sort key of a name among candidates with equal votes: 姓氏笔画 (GF 3003-1999), then the string."""
    return (name_key(name, convention), name)


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PostResult:
    post: str
    seats: int  # seats contested for this post in this round
    tally: list[tuple[str, int]]  # most votes first, ties in stroke order
    threshold: int | None  # minimum votes to be elected in this round (None: round invalid)
    elected: list[str]
    revote_among: list[str]  # tied at the last seat(s): revote required (never lots)
    revote_seats: int
    seats_left: int  # unfilled seats going to 另行选举 (first round only)
    runoff_candidates: list[str]  # who stands in the 另行选举, by this round's votes
    write_ins: list[str] = field(default_factory=list)  # tally names that are 另选他人 only
    vacant: int = 0  # seats a 另行选举 (or revote) could not fill: 暂作缺额
    rule: str = ""  # Chinese: how this round's winners are decided
    # A tie for the last place(s) of the 另行选举 list that the list's 差额 cannot absorb: these candidates
    # (all with `runoff_tied_votes`) compete for `runoff_tied_places` places; the list is not complete until
    # the tie is resolved. Empty when the list is settled (`runoff_candidates` is then the whole list).
    runoff_tied: list[str] = field(default_factory=list)
    runoff_tied_places: int = 0
    runoff_tied_votes: int = 0


@dataclass(frozen=True)
class RoundFailure:
    """Why a round's figures void it, and by how much: the text of `RoundResult.reasons`, as data.

    `rule`: `turnout` (too few voted: `amount` is how many more were needed) or `reconciliation` (more ballots
    returned than issued, present or participants: `amount` is the excess); `unit`: 人, 户 or 张; `article`: the
    profile's article for the rule (cite it with `Profile.cite`)."""

    rule: str
    text: str
    amount: int
    unit: str
    article: str


@dataclass(frozen=True)
class RoundResult:
    index: int  # 0-based, as rounds[index] in the record
    type: str
    date: str | None
    valid: bool
    reasons: list[str]
    turnout_value: int | None
    turnout_base: int | None
    turnout_needed: int | None
    issued: int | None
    returned: int | None
    invalid: int | None
    valid_ballots: int | None
    posts: list[PostResult]
    missing: list[str] = field(default_factory=list)  # record fields whose absence left it undecided
    failures: list[RoundFailure] = field(default_factory=list)  # what in the figures voided it (empty: valid)


@dataclass(frozen=True)
class ContestOutcome:
    name: str
    path: RecordPath
    rounds: list[RoundResult]
    elected: dict[str, list[str]]  # post -> everyone elected in any round
    vacant: dict[str, int]  # seats still unfilled after the last round
    next_steps: list[str]
    stage: str  # "no_candidates" | "candidates" | "counted" | "appointed" (no vote; seats filled by appointment)
    seats: dict[str, int] = field(default_factory=dict)
    write_in: bool = False  # 海选: no candidate list, every vote written in (`nomination: write_in`)
    # The final tally elects no woman where the profile requires one (`women_required`): "" (not so, or not yet
    # final), "qualified" (a woman above half takes a seat), "runoff" (one seat elected again among women) or
    # "warning" (the law prescribes nothing more). The step itself is among `next_steps`.
    women_seat: str = ""
    # An invalid round (turnout not reached, more ballots returned than issued, …) repeated by a later valid round
    # of its type (重新选举): invalid round index -> index of the round that repeats it (`reruns_of`).
    reruns: dict[int, int] = field(default_factory=dict)
    # post -> who the organisation appointed to a seat the election left open (组织委派, 暂代): never elected,
    # and not in `vacant` either ("" for an appointee whose name the record lacks).
    appointed: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    profile_id: str
    contests: list[ContestOutcome]
    # 公推直选 (record `gongtui`, `pipeline.gongtui`): the 推荐 stage's 候选人预备人选, and the 委员会's own round
    # electing 书记 and 副书记 (its voters are the members the 党员大会 elected). None: the record has no such part.
    recommendation: Recommendation | None = None
    plenary: ContestOutcome | None = None


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------
def _count(value: Any) -> int | None:
    """A usable count, or None (missing or not an integer)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _phrase(threshold: Threshold) -> tuple[str, str, str]:
    """(verb, negated verb, fraction name) from Threshold.describe(): 超过/未超过/半数, 不少于/少于/三分之一."""
    text = threshold.describe()
    if text.startswith("不少于"):
        return "不少于", "少于", text[len("不少于") :]
    return "超过", "未超过", text[len("超过") :]


_FIELD_NAMES = {
    "ballots.returned": "收回选票数",
    "ballots.issued": "发出选票数",
    "present": "实到会人数",
    "electorate.registered": "登记人数",
}


def _need(missing: list[str], name: str) -> None:
    if name not in missing:
        missing.append(name)


def missing_text(missing: list[str]) -> str:
    """Chinese names of missing record fields, each with its field path: 收回选票数（ballots.returned）."""
    out = []
    for name in missing:
        label = _FIELD_NAMES.get(name) or (f"“{name[6:]}”的得票" if name.startswith("votes.") else name)
        out.append(f"{label}（{name}）")
    return "、".join(out)


def _names(names: list[str]) -> str:
    return "、".join(names)


# The electors of the other bodies' meetings (村民代表会议, 楼栋长和居民代表), named as the other representatives.
_BODY_METHODS = ("villager_representative", "leaders_and_representatives")


@dataclass(frozen=True)
class Labels:
    """How the turnout measure and base are named for a profile and method."""

    measure: str  # 参加投票 / 参加投票的户代表 / 实到会有选举权的党员
    base: str  # 登记选民 / 登记户数 / 居民代表总数 / 应到会
    unit: str  # 人 / 户
    rate: str  # 参选率 / 到会率


def labels(profile: Profile, method: str | None) -> Labels:
    if profile.turnout.measure == "present":
        return Labels(*TURNOUT_LABELS["present"])
    if method in ("household_representative", "resident_representative", *_BODY_METHODS):
        return Labels(*TURNOUT_LABELS[method])
    return Labels(*TURNOUT_LABELS["all_voters"])


# --------------------------------------------------------------------------------------------
# Round validity
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Numbers:
    participants: int | None  # participants, else returned
    present: int | None
    issued: int | None
    returned: int | None
    invalid: int | None


def _numbers(rnd: Data) -> _Numbers:
    ballots = rnd.get("ballots") or {}
    returned = _count(ballots.get("returned"))
    participants = _count(rnd.get("participants"))
    return _Numbers(
        participants=participants if participants is not None else returned,
        present=_count(rnd.get("present")),
        issued=_count(ballots.get("issued")),
        returned=returned,
        invalid=_count(ballots.get("invalid")),
    )


def _turnout(
    contest: Contest, rnd: Data, nums: _Numbers, profile: Profile, method: str | None, missing: list[str]
) -> tuple[bool, str | None, int | None, int | None, int | None]:
    """(passes, reason, value, base, needed) of the turnout rule."""
    spec = profile.turnout
    threshold = spec.threshold(method)
    lab = labels(profile, method)
    if spec.measure == "present":
        value = nums.present
        if value is None:
            missing.append("present")
    else:
        value = nums.participants
        if value is None:
            _need(missing, "ballots.returned")
    registered = _count(contest.registered)
    if registered is None:
        missing.append("electorate.registered")
    if value is None or registered is None:
        return False, None, value, None, None
    base_note = ""
    base = registered
    if spec.base == "expected":
        excluded = _count(contest.electorate.get("excluded")) or 0
        base = max(0, registered - excluded)
        if excluded:
            base_note = f"（登记 {registered} {lab.unit}，经批准不计入 {excluded} {lab.unit}）"
    needed = threshold.minimum(base)
    passes = threshold.passes(value, base)
    verb, negated, name = _phrase(threshold)
    text = (
        f"{lab.measure} {value} {lab.unit}，{verb if passes else negated}{lab.base} {base} {lab.unit}"
        f"{base_note}的{name}（至少需 {needed} {lab.unit}）"
    )
    text += "。" if passes else "，本轮选举无效。"
    return passes, text, value, base, needed


def _turnout_failure(
    text: str | None, value: int | None, needed: int | None, profile: Profile, method: str | None
) -> RoundFailure | None:
    """The turnout failure of a round whose turnout was counted and fell short (else None)."""
    if text is None or value is None or needed is None or value >= needed:
        return None
    return RoundFailure("turnout", text, needed - value, labels(profile, method).unit, profile.turnout.article)


def _reconciliation_failure(text: str | None, nums: _Numbers, rnd: Data, profile: Profile) -> RoundFailure | None:
    """The reconciliation failure of a round with more ballots returned than allowed (else None)."""
    if text is None or nums.returned is None or "多于" not in text:
        return None
    rule = profile.reconciliation.rule
    other = {
        "returned_le_present": nums.present,
        "returned_le_participants": _count(rnd.get("participants")),
    }.get(rule, nums.issued)
    if other is None:
        return None
    unit = "张" if rule == "returned_le_issued" else "人"
    return RoundFailure("reconciliation", text, nums.returned - other, unit, profile.reconciliation.article)


def _reconciliation(rnd: Data, nums: _Numbers, profile: Profile, missing: list[str]) -> tuple[bool, str | None]:
    rule = profile.reconciliation.rule
    if nums.returned is None:
        _need(missing, "ballots.returned")
        return False, None
    if rule == "returned_le_present":
        other, label, unit = nums.present, "实到会人数", "人"
        if other is None:
            _need(missing, "present")
            return False, None
    elif rule == "returned_le_participants":
        other, label, unit = _count(rnd.get("participants")), "参加投票人数", "人"
        if other is None:  # participants defaults to returned: nothing to compare
            return True, None
    else:
        other, label, unit = nums.issued, "发出选票", "张"
        if other is None:
            missing.append("ballots.issued")
            return False, None
    if nums.returned <= other:
        return True, f"收回选票 {nums.returned} 张，未超过{label} {other} {unit}。"
    return False, f"收回选票 {nums.returned} 张，多于{label} {other} {unit}，本轮选举无效。"


# --------------------------------------------------------------------------------------------
# Deciding one post
# --------------------------------------------------------------------------------------------
def _tally(names: list[str], votes: Data, write_ins: Data, convention: str) -> tuple[list[tuple[str, int]], list[str]]:
    counts: dict[str, int] = {name: 0 for name in names}
    for name, n in (votes or {}).items():
        counts[str(name)] = counts.get(str(name), 0) + (_count(n) or 0)
    only_written: list[str] = []
    for name, n in (write_ins or {}).items():
        name = str(name)
        if name not in counts:
            only_written.append(name)
        counts[name] = counts.get(name, 0) + (_count(n) or 0)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], name_order_key(item[0], convention)))
    return ordered, sorted(only_written, key=lambda n: name_order_key(n, convention))


@dataclass(frozen=True)
class _Pick:
    elected: list[str]
    revote_among: list[str]
    revote_seats: int
    unfilled: int


def _pick(tally: list[tuple[str, int]], seats: int, minimum: int, exclude: set[str]) -> _Pick:
    """Fill `seats` from qualifiers (votes >= minimum) by votes; a tie at the boundary → revote."""
    if seats <= 0:
        return _Pick([], [], 0, 0)
    qualifiers = [(n, v) for n, v in tally if v >= minimum and n not in exclude]
    if len(qualifiers) <= seats:
        return _Pick([n for n, _ in qualifiers], [], 0, seats - len(qualifiers))
    boundary = qualifiers[seats - 1][1]
    if qualifiers[seats][1] < boundary:
        return _Pick([n for n, _ in qualifiers[:seats]], [], 0, 0)
    above = [n for n, v in qualifiers if v > boundary]
    tied = [n for n, v in qualifiers if v == boundary]
    return _Pick(above, tied, seats - len(above), 0)


@dataclass(frozen=True)
class _RunoffList:
    candidates: list[str]  # settled places, by votes
    tied: list[str] = field(default_factory=list)  # tied for the remaining places (unresolved)
    tied_places: int = 0
    tied_votes: int = 0


def runoff_size(profile: Profile, post: str, seats: int) -> tuple[int, int | None]:
    """(wanted, most) candidates of a 另行选举 for `seats` seats: the number the profile asks for, and the most
    its 差额 rule accepts (None: no upper bound). The same rule `rules.surplus` checks the 另行选举 against:
    a number (`extra_candidates: 1` → exactly seats + 1), or the §31 ratio (选举法 §45 ¶4: ⌈S/3⌉ … S more,
    one seat → exactly two candidates). Posts exempt from 差额 have no upper bound."""
    extra = profile.runoff.extra_candidates
    if extra == "ratio":
        wanted = seats + max(1, math.ceil(seats / 3))
        ratio = profile.surplus.ratio
        most = seats + math.floor(seats * ratio[1]) if ratio is not None else None
    else:
        wanted = most = seats + extra
    if post in profile.surplus.exempt_posts:
        most = None
    return wanted, (max(wanted, most) if most is not None else None)


def _runoff_candidates(
    tally: list[tuple[str, int]], seats_left: int, profile: Profile, post: str, exclude: set[str]
) -> _RunoffList:
    """The unelected with the most votes, as many as the profile asks for.

    A tie for the last place takes all the tied when the list then still fits the 差额 rule (a tie that does
    not matter); otherwise the tied are named and the tie must be resolved before the 另行选举."""
    if seats_left <= 0:
        return _RunoffList([])
    wanted, most = runoff_size(profile, post, seats_left)
    pool = [(n, v) for n, v in tally if n not in exclude]
    if len(pool) <= wanted:
        return _RunoffList([n for n, _ in pool])
    boundary = pool[wanted - 1][1]
    with_tied = [n for n, v in pool if v >= boundary]
    if most is None or len(with_tied) <= most:
        return _RunoffList(with_tied)
    settled = [n for n, v in pool if v > boundary]
    tied = [n for n, v in pool if v == boundary]
    return _RunoffList(settled, tied, wanted - len(settled), boundary)


@dataclass
class _PostState:
    """What is known about one post between rounds."""

    seats: int
    elected: list[str] = field(default_factory=list)
    revote: tuple[list[str], int] | None = None  # (among, seats)
    runoff: tuple[list[str], int] | None = None  # (candidates, seats)
    runoff_tie: tuple[list[str], int, int] | None = None  # (tied, places, votes) for the 另行选举 list
    vacant_after_runoff: int = 0
    voted: bool = False
    rerun: int | None = None  # index of an invalid round to repeat

    @property
    def open_seats(self) -> int:
        return max(0, self.seats - len(self.elected))


def _posts_in_play(rnd: Data, rtype: str, state: dict[str, _PostState]) -> list[str]:
    """The posts a round decides: its `posts`, else by type what is pending, else all open ones.

    Not `rules.completeness.round_posts` (the round's `posts`, else every post of the contest): the tally
    follows what earlier rounds left open."""
    if rnd.get("posts"):
        return [str(p) for p in rnd["posts"]]
    if rtype == "revote":
        pending = [p for p, s in state.items() if s.revote]
    elif rtype == "runoff":
        pending = [p for p, s in state.items() if s.runoff]
    else:
        pending = [p for p, s in state.items() if s.open_seats > 0]
    if pending:
        return pending
    named = list((rnd.get("seats") or {}).keys()) + list((rnd.get("votes") or {}).keys())
    return list(dict.fromkeys(str(p) for p in named))


def _seats_in_play(rnd: Data, rtype: str, post: str, st: _PostState | None) -> int:
    """Seats of a post in a round: the round's `seats`, else what is pending; never more than are open.

    A post that is not among the contest's seats is not decided (0 seats). Not `rules.completeness.round_seats`
    (the seats as written in the record, for the checks)."""
    if st is None:
        return 0
    explicit = _count((rnd.get("seats") or {}).get(post))
    if explicit is not None:
        seats = explicit
    elif rtype == "revote" and st.revote:
        seats = st.revote[1]
    elif rtype == "runoff" and st.runoff:
        seats = st.runoff[1]
    else:
        seats = st.open_seats
    return min(seats, st.open_seats)


def _post_names(contest: Contest, rtype: str, post: str, st: _PostState | None) -> list[str]:
    if rtype == "revote" and st and st.revote:
        return list(st.revote[0])
    if rtype == "runoff" and st and st.runoff:
        return list(st.runoff[0])
    return [str(c["name"]) for _, c in contest.formal_candidates(post)]


def _decide_post(
    contest: Contest,
    rnd: Data,
    rtype: str,
    post: str,
    st: _PostState | None,
    valid: bool,
    nums: _Numbers,
    profile: Profile,
    method: str | None,
    elected_anywhere: set[str],
    write_in: bool = False,
) -> PostResult:
    convention = profile.strokes_convention
    seats = _seats_in_play(rnd, rtype, post, st)
    names = _post_names(contest, rtype, post, st)
    tally, written = _tally(
        names, (rnd.get("votes") or {}).get(post) or {}, (rnd.get("write_ins") or {}).get(post) or {}, convention
    )
    if write_in and rtype == "first":
        written = []  # 海选: every name was written in; none is 另选他人 beside a printed list
    minimum, rule = _post_rule(rtype, nums, profile, method) if valid else (None, "")
    if minimum is None:
        return PostResult(
            post=post,
            seats=seats,
            tally=tally,
            write_ins=written,
            threshold=None,
            elected=[],
            revote_among=[],
            revote_seats=0,
            seats_left=0,
            runoff_candidates=[],
            rule=rule,
        )
    pick = _pick(tally, seats, minimum, elected_anywhere)
    revote_among, revote_seats, unfilled = pick.revote_among, pick.revote_seats, pick.unfilled
    if rtype == "revote" and unfilled:
        # Nobody left got a vote: the remaining candidates are still tied (all at 0).
        rest = [n for n, _ in tally if n not in pick.elected and n not in elected_anywhere]
        if len(rest) > unfilled:
            revote_among, revote_seats, unfilled = rest, unfilled, 0
    seats_left, runoff, vacant = 0, _RunoffList([]), 0
    if rtype == "first":
        seats_left = unfilled
        exclude = elected_anywhere | set(pick.elected) | set(revote_among)
        runoff = _runoff_candidates(tally, seats_left, profile, post, exclude)
    else:
        vacant = unfilled
    return PostResult(
        post=post,
        seats=seats,
        tally=tally,
        write_ins=written,
        threshold=minimum,
        elected=pick.elected,
        revote_among=revote_among,
        revote_seats=revote_seats,
        seats_left=seats_left,
        runoff_candidates=runoff.candidates,
        vacant=vacant,
        rule=rule,
        runoff_tied=runoff.tied,
        runoff_tied_places=runoff.tied_places,
        runoff_tied_votes=runoff.tied_votes,
    )


def _rule_bases_missing(rtype: str, nums: _Numbers, profile: Profile) -> list[str]:
    """Fields the winning rule of `rtype` needs that the round lacks (the turnout check names its own)."""
    if rtype == "revote":
        return []
    base = profile.runoff.floor.base if rtype == "runoff" else profile.win.base
    if base == "present":
        return ["present"] if nums.present is None else []
    if rtype == "runoff":
        return ["ballots.returned"] if nums.returned is None else []
    return ["ballots.returned"] if nums.participants is None else []


def _post_rule(rtype: str, nums: _Numbers, profile: Profile, method: str | None) -> tuple[int | None, str]:
    """(minimum votes, Chinese wording) for a valid round of `rtype`."""
    if rtype == "revote":
        return 1, "对票数相等的候选人重新投票，以得票多的当选"
    if rtype == "runoff":
        floor = profile.runoff.floor.threshold
        if profile.runoff.floor.base == "present":
            base, label = nums.present, f"实到会 {nums.present} 人"
        else:
            base, label = nums.returned, f"已投选票 {nums.returned} 张"
        if base is None:
            return None, ""
        verb, _, name = _phrase(floor)
        minimum = floor.minimum(base)
        return minimum, f"以得票多的当选，但得票须{verb}{label}的{name}，即至少 {minimum} 票"
    win = profile.win.threshold(method)
    if profile.win.base == "present":
        base, label = nums.present, f"实到会有选举权的 {nums.present} 人"
    else:
        unit = labels(profile, method).unit
        base, label = nums.participants, f"参加投票的 {nums.participants} {unit}"
    if base is None:
        return None, ""
    verb, _, name = _phrase(win)
    minimum = win.minimum(base)
    return minimum, f"得票须{verb}{label}的{name}，即至少 {minimum} 票"


# --------------------------------------------------------------------------------------------
# Rounds and contests
# --------------------------------------------------------------------------------------------
def _tally_type(rnd: Data) -> str:
    """The type the tally counts a round as: its `type`, a missing (or unknown) one counted as `first`.

    Not `rules.completeness.round_type`, which gives the type as written in the record, for the checks."""
    rtype = rnd.get("type") or "first"
    return rtype if rtype in ROUND_NAMES else "first"


def _decide_round(
    contest: Contest,
    index: int,
    rnd: Data,
    profile: Profile,
    method: str | None,
    state: dict[str, _PostState],
    write_in: bool = False,
) -> RoundResult:
    rtype = _tally_type(rnd)
    nums = _numbers(rnd)
    missing: list[str] = []
    turnout_ok, turnout_text, value, base, needed = _turnout(contest, rnd, nums, profile, method, missing)
    recon_ok, recon_text = _reconciliation(rnd, nums, profile, missing)
    posts = [p for p in _posts_in_play(rnd, rtype, state) if _seats_in_play(rnd, rtype, p, state.get(p)) > 0]
    votes = rnd.get("votes") or {}
    for name in _rule_bases_missing(rtype, nums, profile):
        _need(missing, name)
    written = rnd.get("write_ins") or {} if write_in else {}
    for post in posts:
        if post not in votes and post not in written:
            _need(missing, f"votes.{post}")
    reasons = [t for t in (turnout_text, recon_text) if t]
    failures = [
        f
        for f in (
            _turnout_failure(turnout_text, value, needed, profile, method),
            _reconciliation_failure(recon_text, nums, rnd, profile),
        )
        if f is not None
    ]
    if missing:
        reasons.append(f"缺少{missing_text(missing)}，无法判定本轮选举结果。")
    valid = turnout_ok and recon_ok and not missing
    elected_anywhere = {n for s in state.values() for n in s.elected}
    results = []
    for post in posts:
        result = _decide_post(
            contest, rnd, rtype, post, state.get(post), valid, nums, profile, method, elected_anywhere, write_in
        )
        elected_anywhere |= set(result.elected)
        results.append(result)
    valid_ballots = (
        nums.returned - nums.invalid
        if nums.returned is not None and nums.invalid is not None and nums.invalid <= nums.returned
        else None
    )
    return RoundResult(
        index=index,
        type=rtype,
        date=rnd.get("date"),
        valid=valid,
        reasons=reasons,
        turnout_value=value,
        turnout_base=base,
        turnout_needed=needed,
        issued=nums.issued,
        returned=nums.returned,
        invalid=nums.invalid,
        valid_ballots=valid_ballots,
        posts=results,
        missing=missing,
        failures=failures,
    )


def _apply(state: dict[str, _PostState], result: RoundResult) -> None:
    """Carry a round's decisions into the per-post state."""
    for post_result in result.posts:
        st = state[post_result.post]
        st.voted = True
        if not result.valid:
            st.rerun = result.index
            continue
        st.rerun = None
        st.elected.extend(n for n in post_result.elected if n not in st.elected)
        st.revote = (post_result.revote_among, post_result.revote_seats) if post_result.revote_among else None
        if result.type == "first":
            st.runoff = (post_result.runoff_candidates, post_result.seats_left) if post_result.seats_left else None
            st.runoff_tie = (
                (post_result.runoff_tied, post_result.runoff_tied_places, post_result.runoff_tied_votes)
                if post_result.runoff_tied
                else None
            )
            st.vacant_after_runoff = 0
        elif result.type == "runoff":
            st.runoff = None
            st.runoff_tie = None
            st.vacant_after_runoff = post_result.vacant
        elif post_result.vacant:
            st.vacant_after_runoff += post_result.vacant


def runoff_tie_text(post: str, settled: list[str], seats: int, tied: list[str], places: int, votes: int) -> str:
    """The next step when candidates tie for the last place(s) of a 另行选举 list."""
    wanted = len(settled) + places
    head = f"{post}尚缺 {seats} 名，须另行选举，候选人应为 {wanted} 名"
    if settled:
        head += f"，按首次选举得票已确定{_names(settled)}"
    return (
        f"{head}；{_names(tied)}得票相等（各 {votes} 票），争余下 {places} 个候选人名额，"
        f"须先解决这一票数相等，从中确定 {places} 名，候选人名单方能确定。"
    )


def _next_steps(
    state: dict[str, _PostState], rounds: list[RoundResult], covered: frozenset[str] = frozenset()
) -> list[str]:
    """What is left to do; posts in `covered` (every open seat filled by appointment) have nothing left."""
    steps: list[str] = []
    by_index = {r.index: r for r in rounds}
    reruns: dict[int, list[str]] = {}
    for post, st in state.items():
        if st.rerun is not None and post not in covered:
            reruns.setdefault(st.rerun, []).append(post)
    for index, posts in sorted(reruns.items()):
        rnd = by_index[index]
        label = f"第{index + 1}轮{ROUND_NAMES[rnd.type]}"
        if rnd.missing:
            steps.append(f"{label}缺少{missing_text(rnd.missing)}，无法判定选举结果，请补填后重新计算。")
        else:
            steps.append(f"{label}无效，{_names(posts)}须重新投票。")
    for post, st in state.items():
        if st.rerun is not None or post in covered:
            continue
        if not st.voted:
            steps.append(f"{post}尚未投票。")
            continue
        if st.revote:
            among, seats = st.revote
            steps.append(
                f"{post}有 {len(among)} 名候选人得票相等，须就{_names(among)}重新投票，"
                f"决定 {seats} 个名额（不得抽签）。"
            )
        if st.runoff and st.runoff_tie:
            (settled, seats), (tied, places, votes) = st.runoff, st.runoff_tie
            steps.append(runoff_tie_text(post, settled, seats, tied, places, votes))
        elif st.runoff:
            candidates, seats = st.runoff
            steps.append(f"{post}尚缺 {seats} 名，须另行选举，候选人：{_names(candidates)}。")
        elif st.vacant_after_runoff and not st.revote:
            steps.append(f"{post}另行选举后仍缺 {st.vacant_after_runoff} 名，暂作缺额（或依本省规定再行选举）。")
    if not state:
        steps.append("未填写职位及应选名额（seats），无法计算选举结果。")
    elif not steps and all(st.open_seats == 0 for st in state.values()):
        steps.append("全部名额均已选出。")
    return steps


@dataclass(frozen=True)
class _Appointed:
    appointed: dict[str, list[str]]  # post -> appointees counted against open seats
    steps: list[str]  # one sentence per appointee counted


def _appointment_post(appointment: Data, open_seats: dict[str, int]) -> str | None:
    """The post an appointment fills: its `post`, else the contest's only post, else the first one left open."""
    post = appointment.get("post")
    if isinstance(post, str) and post:
        return post
    if len(open_seats) == 1:
        return next(iter(open_seats))
    return next((p for p, n in open_seats.items() if n > 0), None)


def appointment_text(appointment: Data, post: str, held: bool, elected: int) -> str:
    """未选举，由…于…委派…暂代…（原因）。 — or 选举未产生…/…未选足，由…委派… after a vote."""
    by = str(appointment.get("appointed_by") or "").strip() or "组织"
    name = str(appointment.get("name") or "").strip() or "一人"
    day = parse_date(appointment.get("date"))
    when = f"于{chinese_date(day)}" if day else ""
    head = "未选举" if not held else (f"选举未产生{post}" if not elected else f"{post}未选足")
    reason = str(appointment.get("reason") or "").strip()
    return f"{head}，由{by}{when}委派{name}暂代{post}" + (f"（{reason}）" if reason else "") + "。"


def appointment_posts(contest: Contest, open_seats: dict[str, int]) -> list[str | None]:
    """Per appointment of a contest, in the record's order, the post whose open seat it takes, or None when no
    seat is left open for it (the one rule `_appoint` and `rules.appointments` share)."""
    left = dict(open_seats)
    out: list[str | None] = []
    for appointment in contest.appointments:
        post = _appointment_post(appointment, left)
        if post is None or left.get(post, 0) <= 0:
            out.append(None)
            continue
        left[post] -= 1
        out.append(post)
    return out


def _appoint(contest: Contest, open_seats: dict[str, int], elected: dict[str, int], held: bool) -> _Appointed:
    """Appointments counted against the seats the election left open (an appointment beyond them is left out:
    `rules.appointments` reports it)."""
    appointed: dict[str, list[str]] = {}
    steps: list[str] = []
    for appointment, post in zip(contest.appointments, appointment_posts(contest, open_seats), strict=True):
        if post is None:
            continue
        appointed.setdefault(post, []).append(str(appointment.get("name") or "").strip())
        steps.append(appointment_text(appointment, post, held, elected.get(post, 0)))
    return _Appointed(appointed, steps)


def write_in_only(contest: Contest, data: Data) -> bool:
    """Whether a contest is voted without a candidate list (海选, `nomination: write_in`): on the contest, or at
    the top of a single-contest record."""
    source = contest.data if contest.path else data
    return source.get("nomination") == "write_in"


def _contest_outcome(contest: Contest, profile: Profile, method: str | None, write_in: bool = False) -> ContestOutcome:
    seats = {str(p): n for p, n in contest.seats.items()}
    state = {post: _PostState(seats=n) for post, n in seats.items()}
    if not contest.rounds:
        stage = "candidates" if contest.formal_candidates() or write_in else "no_candidates"
        step = "尚未确定正式候选人。"
        if write_in:
            step = "不提名候选人，由选举人直接填写所选的人（海选），尚未投票。"
        elif stage == "candidates":
            step = "尚未投票。"
        app = _appoint(contest, seats, {}, held=False)
        vacant = {p: n - len(app.appointed.get(p, [])) for p, n in seats.items()}
        if app.appointed:
            stage = "appointed"
        return ContestOutcome(
            name=contest.name,
            path=contest.path,
            rounds=[],
            seats=seats,
            elected={p: [] for p in seats},
            vacant=vacant,
            next_steps=app.steps + ([step] if any(vacant.values()) or not app.steps else []),
            stage=stage,
            write_in=write_in,
            appointed=app.appointed,
        )
    rounds = []
    for index, rnd in enumerate(contest.rounds):
        if not isinstance(rnd, dict):
            continue
        result = _decide_round(contest, index, rnd, profile, method, state, write_in)
        _apply(state, result)
        rounds.append(result)
    elected = {post: list(st.elected) for post, st in state.items()}
    open_seats = {post: st.open_seats for post, st in state.items()}
    app = _appoint(contest, open_seats, {p: len(n) for p, n in elected.items()}, held=True)
    vacant = {post: n - len(app.appointed.get(post, [])) for post, n in open_seats.items()}
    covered = frozenset(p for p in app.appointed if open_seats[p] and not vacant[p])
    steps = _next_steps(state, rounds, covered) + app.steps
    women_seat, women_text = _women_step(contest, profile, state, rounds)
    if women_text:
        if women_seat != "warning":
            steps = [step for step in steps if step != "全部名额均已选出。"]
        steps.append(women_text)
    return ContestOutcome(
        name=contest.name,
        path=contest.path,
        rounds=rounds,
        seats=seats,
        elected=elected,
        vacant=vacant,
        next_steps=steps,
        stage="counted",
        write_in=write_in,
        women_seat=women_seat,
        appointed=app.appointed,
        reruns=reruns_of(rounds),
    )


def reruns_of(rounds: list[RoundResult]) -> dict[int, int]:
    """Invalid round index -> the index of the first later valid round of the same type deciding one of its posts
    (the re-election that repeats it; the tally already carries the invalid round's posts to it)."""
    out: dict[int, int] = {}
    for i, failed in enumerate(rounds):
        if failed.valid:
            continue
        posts = {p.post for p in failed.posts}
        for later in rounds[i + 1 :]:
            if later.type == failed.type and later.valid and posts & {p.post for p in later.posts}:
                out[failed.index] = later.index
                break
    return out


def rerun_text(contest: Contest, failed: int, rerun: int) -> str:
    """已于2026年3月25日重新选举（第2轮，原因：…）: how the invalid round `failed` was repeated by round `rerun`."""
    rounds = contest.rounds
    again = rounds[rerun]
    day = parse_date(again.get("date"))
    when = f"已于{chinese_date(day)}" if day else "已"
    reason = str(again.get("reason") or "").strip()
    detail = f"第{rerun + 1}轮" + (f"，原因：{reason}" if reason else "")
    return f"{when}{RERUN_ACTIONS[_tally_type(rounds[failed])]}（{detail}）"


def _women_step(
    contest: Contest, profile: Profile, state: dict[str, _PostState], rounds: list[RoundResult]
) -> tuple[str, str]:
    """(`ContestOutcome.women_seat`, the next step) when the final tally elects no woman and one is required.

    Only a final tally is judged (nothing to re-run, revote or elect again); an elected person of unknown
    gender (not filled in, or a write-in) leaves it undecided (`rules.composition` asks for the gender)."""
    spec = profile.women_required
    final = all(st.voted and st.rerun is None and not st.revote and not st.runoff for st in state.values())
    elected = [name for st in state.values() for name in st.elected]
    if spec is None or not state or not final or not elected:
        return "", ""
    gender = {str(c["name"]): c.get("gender") for c in contest.candidates}
    if any(gender.get(name) != "男" for name in elected):
        return "", ""
    cite = profile.cite(spec.article)
    head = f"当选的 {len(elected)} 名成员（{_names(elected)}）中没有女性"
    if spec.remedy == "warning":
        return "warning", (
            f"{head}，不符合“成员中应当有妇女成员”的规定（{cite}）；法律对此未再规定另行选举等办法，"
            "请报乡镇（街道）换届选举工作指导机构研究处理，并在工作总结中说明。"
        )
    post = spec.post
    held = state.get(post)
    votes: dict[str, int] = {}  # best votes of each name for `post` in a valid first round
    thresholds: dict[str, int] = {}
    for rnd in rounds:
        for result in rnd.posts:
            if result.post != post or rnd.type != "first" or result.threshold is None:
                continue
            for name, n in result.tally:
                if n > votes.get(name, -1):
                    votes[name], thresholds[name] = n, result.threshold
    if held is None or not held.elected:
        return "runoff", f"{head}（{cite}）；本场次没有{post}名额，请按规定另行选举妇女成员。"
    yields = held.elected[-1]
    yielded = f"{yields}（{votes[yields]} 票）" if yields in votes else yields
    women = [c for _, c in contest.formal_candidates(post) if c.get("gender") == "女"]
    above = sorted(
        (
            (votes[str(c["name"])], str(c["name"]))
            for c in women
            if votes.get(str(c["name"]), -1) >= thresholds.get(str(c["name"]), 0) > 0
        ),
        key=lambda item: (-item[0], name_order_key(item[1], profile.strokes_convention)),
    )
    if spec.remedy == "reserved_seat" and above:
        best, name = above[0]
        return "qualified", (
            f"{head}。按{cite}，{post}的当选人应首先确定获得过半数选票的妇女中得票最多的{name}（{best} 票），"
            f"其余{post}按得票多少的顺序确定，{yielded}不再当选；请据此更正{post}的当选人。"
        )
    among = [str(c["name"]) for c in women]
    where = (
        f"在女性候选人{_names(among)}中另行选举"
        if among
        else "另行选举妇女成员，本次正式候选人中没有女性，须依法提名女性候选人"
    )
    return "runoff", (
        f"{head}{'，也没有妇女获得过半数选票' if spec.remedy == 'reserved_seat' else ''}。按{cite}，应在{post}的应选名额中确定一个名额{where}，"
        f"其余{post}按得票多少的顺序确定，{yielded}不再当选。"
    )


def compute(data: Data, profile: Profile) -> Outcome:
    """The outcome of every contest of a record under `profile`."""
    method = data.get("method")
    results = [_contest_outcome(c, profile, method, write_in_only(c, data)) for c in contests(data)]
    plenary = None
    if "gongtui" in data:
        members = [name for names in (results[0].elected.values() if results else []) for name in names]
        view = gongtui.plenary_contest(data, members)
        plenary = _contest_outcome(view, profile, method) if view is not None else None
    return Outcome(
        profile_id=profile.id,
        contests=results,
        recommendation=gongtui.recommendation(data, profile),
        plenary=plenary,
    )


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------
def outcome_to_dict(outcome: Outcome) -> Data:
    """Plain JSON-ready data (tuples become lists)."""
    data = asdict(outcome)
    for key in ("recommendation", "plenary"):
        if data.get(key) is None:
            data.pop(key, None)
    if "recommendation" in data:
        for person in data["recommendation"]["people"]:
            for key in ("members_share", "masses_share", "score"):
                person[key] = None if person[key] is None else str(person[key])
    for contest in data["contests"] + ([data["plenary"]] if "plenary" in data else []):
        contest["path"] = list(contest["path"])
        for rnd in contest["rounds"]:
            for post in rnd["posts"]:
                post["tally"] = [[name, votes] for name, votes in post["tally"]]
    return data
