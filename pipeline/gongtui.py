"""公推直选: the 推荐 stage's 候选人预备人选 and the 委员会's own round, pure functions of record and profile.

A 党支部 that elects by 公推直选 (record `gongtui`) first holds a 公开推荐 meeting: the 党员 and the 群众代表 each
recommend, and the two votes are combined as the profile's `recommendation` sets (weights, each side's minimum
share, how many 预备人选). `recommendation(data, profile)` says who qualifies and why, with exact fractions. After the
党员大会 has elected the 支部委员会, the 委员会 elects its 书记 and 副书记 at its first plenary meeting: a round of
its own whose voters are the members just elected; `plenary_contest` gives it as a `Contest`, so the tally of
`outcome` decides it like any other round.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from .model import Contest, Data, contests
from .profile import Profile, RecommendationRule
from .strokes import sort_names
from .words import FRACTION_NAMES, fraction_name

__all__ = ["Recommended", "Recommendation", "recommendation", "quota", "plenary_contest", "PLENARY_NAME"]

PLENARY_NAME = "支部委员会第一次全体会议"


@dataclass(frozen=True)
class Recommended:
    """One person recommended, with both votes, their shares of those who recommended, and the weighted score."""

    name: str
    members: int  # 党员推荐票
    masses: int  # 群众推荐票
    members_share: Fraction | None  # of 参加党员推荐的人数 (None: that number is missing or 0)
    masses_share: Fraction | None
    score: Fraction | None  # members_weight × members_share + masses_weight × masses_share
    rank: int  # 1 = best score; equal scores share a rank; 0: not ranked (fails a minimum or no score)
    qualified: bool  # 列为候选人预备人选
    reason: str  # Chinese: why (not)


@dataclass(frozen=True)
class Recommendation:
    """The result of the 推荐 stage for one post: who became 候选人预备人选, by the profile's rule."""

    post: str
    seats: int
    quota: int  # how many 预备人选: seats + ⌈seats × surplus_percent / 100⌉
    members_present: int | None
    masses_present: int | None
    people: list[Recommended]  # best score first, equal scores in 姓氏笔画 order, then those not ranked
    qualified: list[str]  # the 候选人预备人选, in 姓氏笔画 order
    tied: list[str] = field(default_factory=list)  # equal scores across the last place: not decided by the rule
    rule: str = ""  # Chinese: the rule in words


def quota(rule: RecommendationRule, seats: int) -> int:
    """The number of 候选人预备人选 for `seats`: at least `surplus_percent` more, rounded up (5 → 6, 7 → 9)."""
    return seats + math.ceil(seats * rule.surplus_percent / 100)


def _share(votes: int, present: int | None) -> Fraction | None:
    return Fraction(votes, present) if present else None


def _percent_words(value: Fraction) -> str:
    pct = value * 100
    return f"{pct.numerator}%" if pct.denominator == 1 else f"{float(pct):g}%"


def rule_text(rule: RecommendationRule) -> str:
    """党员推荐占70%、群众推荐占30%；党员推荐得票须超过参加推荐党员人数的半数 …"""
    parts = [f"党员推荐占{_percent_words(rule.members_weight)}、群众推荐占{_percent_words(rule.masses_weight)}"]
    for side, spec in (("党员", rule.members_min), ("群众", rule.masses_min)):
        if spec is not None:
            word = fraction_name(spec.fraction, FRACTION_NAMES)
            how = "达到" if spec.inclusive else "超过"
            parts.append(f"{side}推荐得票须{how}参加{side}推荐人数的{word}")
    parts.append(f"按综合得分从高到低确定候选人预备人选，人数多于应选人数{rule.surplus_percent}%以上")
    return "；".join(parts)


def _post_and_seats(data: Data, stage: Data) -> tuple[str, int]:
    views = contests(data)
    seats = views[0].seats if views else {}
    post = str(stage.get("post") or (next(iter(seats)) if len(seats) == 1 else "委员"))
    count = seats.get(post) or sum(seats.values())
    return post, int(count)


def _fails_minimum(rule: RecommendationRule, person: Data, members: int | None, masses: int | None) -> str:
    for side, spec, votes, present in (
        ("党员", rule.members_min, int(person.get("members", 0)), members),
        ("群众", rule.masses_min, int(person.get("masses", 0)), masses),
    ):
        if spec is None or present is None:
            continue
        if not spec.passes(votes, present):
            word = fraction_name(spec.fraction, FRACTION_NAMES)
            need = spec.minimum(present)
            return (
                f"{side}推荐得票{votes}票，未{'达到' if spec.inclusive else '超过'}参加{side}推荐的{present}人的{word}"
                f"（至少须{need}票）"
            )
    return ""


def recommendation(data: Data, profile: Profile) -> Recommendation | None:
    """Who the 推荐 stage of a 公推直选 record makes 候选人预备人选 (None: no 推荐 data or no rule in the profile)."""
    stage = (data.get("gongtui") or {}).get("recommendation")
    rule = profile.recommendation
    if not isinstance(stage, dict) or rule is None:
        return None
    post, seats = _post_and_seats(data, stage)
    members = (stage.get("members") or {}).get("present")
    masses = (stage.get("masses") or {}).get("present")
    need = quota(rule, seats)
    scored: list[tuple[Data, Fraction]] = []
    failed: list[tuple[Data, str]] = []
    for person in stage.get("votes") or []:
        m_share, c_share = _share(int(person["members"]), members), _share(int(person["masses"]), masses)
        why = _fails_minimum(rule, person, members, masses)
        if why or m_share is None or c_share is None:
            failed.append((person, why or "参加推荐的人数未填，无法计算得分"))
            continue
        scored.append((person, rule.members_weight * m_share + rule.masses_weight * c_share))
    order = {
        name: i for i, name in enumerate(sort_names([str(p["name"]) for p, _ in scored], profile.strokes_convention))
    }
    scored.sort(key=lambda item: (-item[1], order[str(item[0]["name"])]))
    cut = scored[need - 1][1] if len(scored) >= need else None
    above = [p for p, s in scored if cut is None or s > cut]
    at_cut = [p for p, s in scored if cut is not None and s == cut]
    tied: list[str] = []
    if cut is not None and len(above) + len(at_cut) > need:
        tied = [str(p["name"]) for p in at_cut]
    people: list[Recommended] = []
    rank = 0
    last: Fraction | None = None
    for position, (person, score) in enumerate(scored, start=1):
        if score != last:
            rank, last = position, score
        name = str(person["name"])
        if name in tied:
            ok, why = False, f"综合得分与他人相同，同列第{rank}名，超出预备人选名额，须再次推荐或经研究确定"
        elif cut is None or score > cut or (score == cut and not tied):
            ok, why = True, f"综合得分排第{rank}名，在{need}名预备人选名额之内"
        else:
            ok, why = False, f"综合得分排第{rank}名，在{need}名预备人选名额之外"
        people.append(_person(person, members, masses, score, rank, ok, why))
    people += [_person(p, members, masses, None, 0, False, why) for p, why in failed]
    qualified = sort_names([p.name for p in people if p.qualified], profile.strokes_convention)
    return Recommendation(post, seats, need, members, masses, people, qualified, tied, rule_text(rule))


def _person(
    person: Data, members: int | None, masses: int | None, score: Fraction | None, rank: int, ok: bool, why: str
) -> Recommended:
    m, c = int(person["members"]), int(person["masses"])
    return Recommended(str(person["name"]), m, c, _share(m, members), _share(c, masses), score, rank, ok, why)


def plenary_contest(data: Data, members: list[str]) -> Contest | None:
    """The 委员会's election of its 书记 and 副书记 as a contest whose electorate is the `members` elected."""
    plenary = (data.get("gongtui") or {}).get("plenary")
    if not isinstance(plenary, dict):
        return None
    own: Data = {k: plenary[k] for k in ("seats", "candidates", "rounds") if k in plenary}
    if members:
        own["electorate"] = {"registered": len(members)}
    return Contest(name=PLENARY_NAME, path=("gongtui", "plenary"), data=own)
