"""差额: more formal candidates than seats, within the range the profile sets.

Only formal, not withdrawn candidates count. Rules (profile `surplus.rule`):

* `more_than_seats` (村/居): candidates > seats; the national laws count all posts together
  (`scope: overall`), a province may require it per post with a min/max extra (`per_post_extra`).
* `ratio_range` (人大): extra = C − S within [S × ratio[0], S × ratio[1]], i.e. ⌈S/3⌉ … S
  (S=1 → 2 candidates; S=2 → 3–4; S=3 → 4–6). An integer extra ≥ S/3 is the same as ≥ ⌈S/3⌉.
* `min_percent` (党组织): extra ≥ S × percent / 100, i.e. rounded up (S=4 → 5, S=5 → 6, S=6 → 8);
  posts in `exempt_posts` (书记, 副书记) are elected 等额.
* `none`: no rule.

A 另行选举 round has its own 差额 (profile `runoff.extra_candidates`: a number, or `ratio` for the
§31 ratio again, one seat → two candidates).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from ..findings import Finding, Severity
from ..model import Contest, contests
from ..profile import Profile, SurplusRule
from ..records import Record
from ..words import RATIO_NAMES, fraction_name
from .completeness import label, round_seats, round_title, round_type

RULE_IDS = {"ratio_range": "SURPLUS-RATIO", "min_percent": "SURPLUS-PERCENT", "more_than_seats": "SURPLUS-COUNT"}


@dataclass(frozen=True)
class Band:
    """How many more candidates than seats a post needs: low ≤ extra ≤ high (None: no upper bound)."""

    low: int
    high: int | None
    rule_id: str
    wording: str  # the rule in words, e.g. "应多于应选名额的三分之一至一倍"

    def fits(self, extra: int) -> bool:
        return extra >= self.low and (self.high is None or extra <= self.high)

    def candidates_text(self, seats: int) -> str:
        if self.high is None:
            return f"至少 {seats + self.low} 名"
        if self.high == self.low:
            return f"应为 {seats + self.low} 名"
        return f"应为 {seats + self.low} 至 {seats + self.high} 名"


def _words(value: Fraction) -> str:
    return fraction_name(value, RATIO_NAMES)


def band(spec: SurplusRule, post: str, seats: int) -> Band | None:
    """The band a post must meet under a surplus rule, or None when the post is exempt."""
    if post in spec.exempt_posts:
        return None
    per_post = spec.per_post_extra.get(post)
    if per_post and spec.scope == "per_post":
        low, high = per_post
        return Band(
            low,
            high,
            "SURPLUS-PER-POST",
            f"按规定应比应选名额多 {low} 至 {high} 名" if low != high else f"按规定应比应选名额多 {low} 名",
        )
    rule = spec.rule
    if rule == "ratio_range" and spec.ratio is not None:
        lo, hi = spec.ratio
        return Band(
            math.ceil(seats * lo),
            math.floor(seats * hi),
            RULE_IDS[rule],
            f"候选人应多于应选名额的{_words(lo)}至{_words(hi)}",
        )
    if rule == "min_percent" and spec.percent is not None:
        pct = spec.percent
        return Band(
            math.ceil(seats * pct / 100), None, RULE_IDS[rule], f"差额应不少于应选人数的 {pct}%，不足一名按一名计"
        )
    if rule == "more_than_seats":
        return Band(1, None, RULE_IDS[rule], "候选人数应多于应选名额")
    return None


def check(record: Record, profile: Profile) -> list[Finding]:
    if profile.surplus.rule == "none":
        return []
    all_contests = contests(record.data)
    out: list[Finding] = []
    for contest in all_contests:
        where = label(contest, all_contests)
        if contest.formal_candidates() and contest.seats:
            out += _contest(record, profile, contest, where)
        out += _runoffs(record, profile, contest, where)
    return out


def _counts(contest: Contest) -> dict[str, tuple[int, int, int]]:
    """Post -> (index in seats, seats, formal candidates)."""
    return {
        post: (i, seats, len(contest.formal_candidates(post))) for i, (post, seats) in enumerate(contest.seats.items())
    }


def _contest(record: Record, profile: Profile, contest: Contest, where: str) -> list[Finding]:
    spec = profile.surplus
    citation = profile.cite(spec.article)
    counts = _counts(contest)
    if spec.scope == "overall" and spec.rule == "more_than_seats":
        exempt = set(spec.exempt_posts)
        seats = sum(s for p, (_, s, _) in counts.items() if p not in exempt)
        formal = sum(c for p, (_, _, c) in counts.items() if p not in exempt)
        if formal <= seats:
            return [
                record.finding(
                    "SURPLUS-COUNT",
                    Severity.ERROR,
                    f"{where}各职位共应选 {seats} 名，正式候选人共 {formal} 名，未实行差额选举：候选人数应多于应选名额"
                    f"（至少 {seats + 1} 名）。请补充正式候选人，或核对 candidates 中的 formal、withdrawn 标记。",
                    contest.at("seats"),
                    citation=citation,
                )
            ]
        severity = Severity.WARNING  # the national text counts all posts together
    else:
        severity = Severity.ERROR
    out = []
    for post, (i, seats, formal) in counts.items():
        rule = band(spec, post, seats)
        if rule is not None and not rule.fits(formal - seats):
            out.append(_post_finding(record, contest, where, post, i, seats, formal, rule, severity, citation))
    return out


def _post_finding(
    record: Record,
    contest: Contest,
    where: str,
    post: str,
    i: int,
    seats: int,
    formal: int,
    rule: Band,
    severity: Severity,
    citation: str,
) -> Finding:
    extra = formal - seats
    need = f"{rule.wording}（正式候选人{rule.candidates_text(seats)}）。"
    if extra <= 0:
        head = f"{where}{post}职位应选 {seats} 名，正式候选人 {formal} 名，未实行差额选举。"
        fix = "请补充正式候选人，或核对 candidates 中的 formal、withdrawn 标记。"
        if severity is Severity.WARNING:
            fix = (
                "法律要求各职位候选人总数多于应选总数，多数省份还要求每个职位都实行差额，请对照本省选举办法补充候选人。"
            )
        return record.finding("SURPLUS-COUNT", severity, head + need + fix, contest.at("seats", i), citation=citation)
    if extra < rule.low:
        head = f"{where}{post}职位应选 {seats} 名，正式候选人 {formal} 名，只多 {extra} 名，差额不足。"
        fix = "请补充正式候选人。"
    else:
        head = f"{where}{post}职位应选 {seats} 名，正式候选人 {formal} 名，多 {extra} 名，超过规定的最高差额。"
        fix = "请通过协商或预选减少候选人。"
    return record.finding(rule.rule_id, severity, head + need + fix, contest.at("seats", i), citation=citation)


def _runoffs(record: Record, profile: Profile, contest: Contest, where: str) -> list[Finding]:
    """Candidates of a 另行选举: the profile's extra number, or the same ratio as the first election."""
    spec = profile.runoff
    extra_rule = spec.extra_candidates
    out = []
    for i, rnd in enumerate(contest.rounds):
        if round_type(rnd) != "runoff":
            continue
        for post, seats in round_seats(contest, rnd).items():
            names = list((rnd.get("votes") or {}).get(post, {}))
            if not names or post in profile.surplus.exempt_posts:
                continue
            if extra_rule == "ratio":
                rule = band(profile.surplus, post, seats)
                severity = Severity.ERROR
            else:
                rule = Band(extra_rule, extra_rule, "SURPLUS-RUNOFF", f"另行选举的候选人应比应选名额多 {extra_rule} 名")
                severity = Severity.WARNING
            if rule is None or rule.fits(len(names) - seats):
                continue
            out.append(
                record.finding(
                    "SURPLUS-RUNOFF",
                    severity,
                    f"{where}{round_title(i, rnd)}{post}职位应选 {seats} 名，候选人 {len(names)} 名（{'、'.join(names)}）；"
                    f"{rule.wording}（候选人{rule.candidates_text(seats)}），按首次选举未当选人的得票多少确定。"
                    "请核对本轮的候选人和应选名额。",
                    contest.at("rounds", i, "votes", post),
                    citation=profile.cite(spec.article),
                )
            )
    return out
