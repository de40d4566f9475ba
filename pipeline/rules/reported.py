"""Figures typed into `summary.reported` (copied from old reports) checked against computed ones.

A typed figure is compared with the computed share rounded half up (`formatting.ratio`) to the
places the user typed: "32" matches 32.35%, "76.6" matches 76.5627%, "76.56" must match to two
places. A remaining difference of more than 0.01 percentage points is a finding
(`STATS-REPORTED-MISMATCH`, warning). The message gives both numbers and the computation, the
computed value shown at the statistics' own places.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..findings import Finding, Severity
from ..formatting import percent, ratio
from ..outcome import Outcome, labels
from ..profile import Profile
from ..records import Record
from ..stats import Stats

__all__ = ["check", "TOLERANCE"]

TOLERANCE = Decimal("0.01")  # percentage points

_NAMES = {
    "turnout_percent": "参选率",
    "women_percent": "女性成员占比",
    "party_percent": "党员占比",
    "incumbent_percent": "连任占比",
}


def _typed(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _figures(key: str, record: Record, profile: Profile, stats: Stats) -> tuple[int, int, str, str] | None:
    """(numerator, denominator, label, computation text) of a reported key; None if not computable."""
    if key == "turnout_percent":
        if not stats.turnout_base:
            return None
        lab = labels(profile, record.data.get("method"))
        text = (
            f"{lab.measure} {stats.participants} {lab.unit}，{lab.base} {stats.turnout_base} {lab.unit}，"
            f"{lab.rate}应为 {stats.turnout}"
        )
        return stats.participants, stats.turnout_base, lab.rate, text
    if not stats.elected:
        return None
    counts = {
        "women_percent": (stats.women, "其中女性 {n} 名"),
        "party_percent": (stats.party, "其中中共党员 {n} 名（含预备党员）"),
        "incumbent_percent": (stats.incumbents, "其中连任 {n} 名"),
    }
    count, what = counts[key]
    share = percent(count, stats.elected, stats.places)
    text = f"当选成员 {stats.elected} 名，{what.format(n=count)}，占比应为 {share}"
    return count, stats.elected, _NAMES[key], text


def check(record: Record, profile: Profile, outcome: Outcome, stats: Stats) -> list[Finding]:
    """Findings for typed figures that differ from the computed ones by more than 0.01 points."""
    reported = ((record.data.get("summary") or {}).get("reported")) or {}
    findings: list[Finding] = []
    for key, name in _NAMES.items():
        typed = _typed(reported.get(key))
        if typed is None:
            continue
        path = ("summary", "reported", key)
        figures = _figures(key, record, profile, stats)
        if figures is None:
            findings.append(
                record.finding(
                    "STATS-REPORTED-UNVERIFIABLE",
                    Severity.INFO,
                    f"填报的{name} {typed}% 无法核对：记录中尚无计算所需的投票或当选数据。",
                    path,
                )
            )
            continue
        numerator, denominator, label, text = figures
        computed = ratio(numerator * 100, denominator, _places(typed))
        if abs(computed - typed) > TOLERANCE:
            findings.append(
                record.finding(
                    "STATS-REPORTED-MISMATCH", Severity.WARNING, f"填报的{label} {typed}% 与计算值不符：{text}。", path
                )
            )
    return findings
