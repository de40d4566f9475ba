"""Figures typed into `summary.reported` (copied from old reports) checked against computed ones.

Every share a work summary prints can be typed (`SHARES`: 参选率; 女性, 男性, 中共党员, 连任 and
each age band and education group among the members elected; 一次选举成功率 of the contests),
and the counts it prints (`COUNTS`: 应选, 正式候选人, 当选, 首次投票即选出全部名额的场次).

A typed share is compared at the precision typed: the computed share is rounded half up
(`formatting.ratio`, the one rounding rule) to the places the user typed, and must equal the
typed figure exactly: "97" is checked to 0 places, "97.1" to 1, "94.85" to 2. So 4409/4648 =
94.858…% matches 95, 94.9 and 94.86, but not 94.85; a typed figure that is the computed share cut
off instead of rounded gets a message saying so. (YAML reads 97.10 as 97.1: trailing zeros are not
seen.) A difference is `STATS-REPORTED-MISMATCH` (warning); the message gives both numbers and the
computation, the computed value shown at the statistics' own places. A typed count must equal the
computed count. A figure that cannot be computed yet is `STATS-REPORTED-UNVERIFIABLE` (info).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from ..findings import Finding, Severity
from ..formatting import percent, ratio
from ..outcome import Outcome, labels
from ..profile import Profile
from ..records import Record
from ..stats import AGE_BANDS, EDUCATION_GROUPS, Stats

__all__ = ["check", "SHARES", "COUNTS", "truncated"]


@dataclass(frozen=True)
class Share:
    """A share of the members elected: its name, and how its count is read from the statistics."""

    name: str  # 女性成员占比
    what: str  # "其中女性 {n} 名"
    count: Callable[[Stats], int]


def _band(key: str) -> Callable[[Stats], int]:
    return lambda stats: stats.age.get(key, 0)


def _school(key: str) -> Callable[[Stats], int]:
    return lambda stats: stats.education.get(key, 0)


_MEMBERS: dict[str, Share] = {
    "women_percent": Share("女性成员占比", "其中女性 {n} 名", lambda s: s.women),
    "men_percent": Share("男性成员占比", "其中男性 {n} 名", lambda s: s.sex.get("男", 0)),
    "party_percent": Share("党员占比", "其中中共党员 {n} 名（含预备党员）", lambda s: s.party),
    "incumbent_percent": Share("连任占比", "其中连任 {n} 名", lambda s: s.incumbents),
    "age_35_and_under_percent": Share("35岁及以下成员占比", "其中35岁及以下 {n} 名", _band(AGE_BANDS[0])),
    "age_36_to_45_percent": Share("36至45岁成员占比", "其中36至45岁 {n} 名", _band(AGE_BANDS[1])),
    "age_46_to_55_percent": Share("46至55岁成员占比", "其中46至55岁 {n} 名", _band(AGE_BANDS[2])),
    "age_56_and_over_percent": Share("56岁及以上成员占比", "其中56岁及以上 {n} 名", _band(AGE_BANDS[3])),
    "education_college_percent": Share("大专及以上学历成员占比", "其中大专及以上 {n} 名", _school(EDUCATION_GROUPS[0])),
    "education_high_school_percent": Share(
        "高中及中专学历成员占比", "其中高中及中专 {n} 名", _school(EDUCATION_GROUPS[1])
    ),
    "education_junior_percent": Share("初中及以下学历成员占比", "其中初中及以下 {n} 名", _school(EDUCATION_GROUPS[2])),
}

# Every typed share, in the order they are checked: key -> its Chinese name.
SHARES: dict[str, str] = {
    "turnout_percent": "参选率",
    **{key: share.name for key, share in _MEMBERS.items()},
    "first_round_success_percent": "一次选举成功率",
}

# Every typed count: key -> (its Chinese name, how it is read from the statistics).
COUNTS: dict[str, tuple[str, Callable[[Stats], int]]] = {
    "seats_count": ("应选名额", lambda s: s.seats),
    "candidates_count": ("正式候选人数", lambda s: s.candidates),
    "elected_count": ("当选人数", lambda s: s.elected),
    "filled_first_round_count": ("首次投票即选出全部名额的场次数", lambda s: s.filled_first_round),
}


def _typed(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def truncated(numerator: int, denominator: int, places: int) -> Decimal:
    """numerator / denominator cut off (not rounded) after `places` decimals: 94.858… → 94.85."""
    value = Fraction(numerator, denominator)
    scaled = value.numerator * 10**places // value.denominator
    return Decimal(scaled).scaleb(-places)


def _figures(key: str, record: Record, profile: Profile, stats: Stats) -> tuple[int, int, str] | None:
    """(numerator in percent, denominator, computation text) of a typed share; None if not computable."""
    if key == "turnout_percent":
        if not stats.turnout_base:
            return None
        lab = labels(profile, record.data.get("method"))
        text = (
            f"{lab.measure} {stats.participants} {lab.unit}，{lab.base} {stats.turnout_base} {lab.unit}，"
            f"{lab.rate}应为 {stats.turnout}"
        )
        return stats.participants * 100, stats.turnout_base, text
    if key == "first_round_success_percent":
        if not stats.contests_counted:
            return None
        text = (
            f"已投票的场次 {stats.contests_counted} 个，其中首次投票即选出全部名额的 {stats.filled_first_round} 个，"
            f"一次选举成功率应为 {stats.first_round_success}"
        )
        return stats.filled_first_round * 100, stats.contests_counted, text
    if not stats.elected:
        return None
    share = _MEMBERS[key]
    count = share.count(stats)
    text = f"当选成员 {stats.elected} 名，{share.what.format(n=count)}，占比应为 {percent(count, stats.elected, stats.places)}"
    return count * 100, stats.elected, text


def _label(key: str, record: Record, profile: Profile) -> str:
    if key == "turnout_percent":
        return labels(profile, record.data.get("method")).rate
    return SHARES[key]


def _share(key: str, typed: Decimal, record: Record, profile: Profile, stats: Stats) -> Finding | None:
    path = ("summary", "reported", key)
    name = SHARES[key]
    figures = _figures(key, record, profile, stats)
    if figures is None:
        return record.finding(
            "STATS-REPORTED-UNVERIFIABLE",
            Severity.INFO,
            f"填报的{name} {typed}% 无法核对：记录中尚无计算所需的投票或当选数据。",
            path,
        )
    numerator, denominator, text = figures
    places = _places(typed)
    computed = ratio(numerator, denominator, places)
    if computed == typed:
        return None
    message = f"填报的{_label(key, record, profile)} {typed}% 与计算值不符：{text}。"
    if truncated(numerator, denominator, places) == typed:
        message += (
            f"所填数字像是截断而未四舍五入：计算值为 {truncated(numerator, denominator, places + 2)}…%，"
            f"保留 {places} 位小数四舍五入应为 {computed}%。"
        )
    return record.finding("STATS-REPORTED-MISMATCH", Severity.WARNING, message, path)


def _count(key: str, value: object, record: Record, stats: Stats) -> Finding | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    name, read = COUNTS[key]
    computed = read(stats)
    if key != "seats_count" and key != "candidates_count" and not stats.contests_counted:
        return record.finding(
            "STATS-REPORTED-UNVERIFIABLE",
            Severity.INFO,
            f"填报的{name} {value} 无法核对：记录中尚无计算所需的投票或当选数据。",
            ("summary", "reported", key),
        )
    if computed == value:
        return None
    return record.finding(
        "STATS-REPORTED-MISMATCH",
        Severity.WARNING,
        f"填报的{name} {value} 与计算值不符：按记录计算应为 {computed}。",
        ("summary", "reported", key),
    )


def check(record: Record, profile: Profile, outcome: Outcome, stats: Stats) -> list[Finding]:
    """Findings for typed figures that differ from the computed ones at the precision typed."""
    reported = ((record.data.get("summary") or {}).get("reported")) or {}
    findings: list[Finding] = []
    for key in SHARES:
        typed = _typed(reported.get(key))
        if typed is not None and (found := _share(key, typed, record, profile, stats)):
            findings.append(found)
    for key in COUNTS:
        if key in reported and (found := _count(key, reported[key], record, stats)):
            findings.append(found)
    return findings
