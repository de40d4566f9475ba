"""The law in force on the election day: a legal basis that does not fit the date, an election before every rule set.

A record may name its `legal_basis`; without one the profile is chosen by the election day
(`profile.default_basis`), so only a named basis can miss its date. The profiles' `applies_from` and
`applies_until` say which text was in force; an election earlier than every shipped profile of its kind is
checked under the earliest one and the finding names the text in force then (`preceded_by`), when known.
"""

from __future__ import annotations

import datetime as dt

from ..findings import Finding, Severity
from ..formatting import chinese_date
from ..model import election_day
from ..profile import Profile, earliest, in_force
from ..records import Record
from ..words import KIND_NAMES


def check(record: Record, profile: Profile) -> list[Finding]:
    """BASIS-BEFORE for an election earlier than every shipped rule set, else BASIS-DATE for a basis off its date."""
    day = election_day(record.data)
    if day is None:
        return []
    first = earliest(profile.kind)
    if day < first.applies_from:
        return [_before(record, profile, first, day)]
    if _covers(profile, day) or record.data.get("legal_basis") in (None, ""):
        return []
    right = in_force(profile.kind, day)
    if right is None:
        return []
    return [_mismatch(record, profile, right, day)]


def _covers(profile: Profile, day: dt.date) -> bool:
    return profile.applies_from <= day <= (profile.applies_until or dt.date.max)


def _span(profile: Profile) -> str:
    """When a profile applies, in words: 自2026年1月1日起施行 / 适用于2025年12月31日以前的选举."""
    if profile.applies_until is None:
        return f"自{chinese_date(profile.applies_from)}起施行"
    return f"适用于{chinese_date(profile.applies_until)}以前的选举"


def _mismatch(record: Record, profile: Profile, right: Profile, day: dt.date) -> Finding:
    return record.finding(
        "BASIS-DATE",
        Severity.ERROR,
        f"选举日{chinese_date(day)}施行的是{right.law}（{_span(right)}），"
        f"但记录的法律依据版本 legal_basis 为 {profile.legal_basis}（{profile.law}，{_span(profile)}）。"
        f"请将 legal_basis 改为 {right.legal_basis}（或删去，按选举日自动选用），或核对选举日。",
        ("legal_basis",),
        citation=right.law,
    )


def _before(record: Record, profile: Profile, first: Profile, day: dt.date) -> Finding:
    then = f"当时施行的是{first.preceded_by}，本程序未收录其规则" if first.preceded_by else "当时施行的规定本程序未收录"
    return record.finding(
        "BASIS-BEFORE",
        Severity.WARNING,
        f"选举日{chinese_date(day)}早于本程序所收{KIND_NAMES[profile.kind]}选举的各版规则"
        f"（最早的{first.law}自{chinese_date(first.applies_from)}起施行）。"
        f"{then}；本次按{profile.law}检查，引用的条文序号和部分要求可能与当时的规定不同，请对照当时的规定人工核对。",
        ("schedule", "election_day"),
        citation=first.preceded_by or first.law,
    )
