"""Candidate names with characters the stroke table does not know.

Candidate lists and ballots are ordered by 姓氏笔画 (GF 3003-1999), and candidates with equal
votes are listed the same way (`pipeline.outcome.name_order_key`). A character missing from the
table (`pipeline.strokes.unknown_chars`: a rare CJK extension character, a Latin letter) still
gets a stable place: after every known character at the same position, among unknown ones by
code point. That place is a fallback, not the official order, so each such name draws a warning
(`NAME-UNKNOWN-CHAR`) asking for the order to be checked by hand.

Punctuation is not reported: a note that tells namesakes apart ("王芳（大）", as the duplicate
check suggests) is typed on purpose and does not decide the order of different names.
"""

from __future__ import annotations

import unicodedata

from ..findings import Finding, Severity
from ..model import contests
from ..profile import Profile
from ..records import Record
from ..strokes import unknown_chars
from ..words import ORDER_NAMES
from .completeness import label

__all__ = ["check", "CITATION"]

CITATION = "GF 3003-1999《姓氏笔画排序规则》"


def _unknown(name: str) -> list[str]:
    """The characters of `name` missing from the stroke table, punctuation left out."""
    return [ch for ch in unknown_chars([name]) if not unicodedata.category(ch).startswith("P")]


def check(record: Record, profile: Profile) -> list[Finding]:
    all_contests = contests(record.data)
    order = ORDER_NAMES[profile.strokes_convention]
    if profile.list_order == "strokes":
        where_sorted = f"名单按{order}排序时"
    else:
        where_sorted = f"得票相等的候选人按{order}排列时"
    out: list[Finding] = []
    for contest in all_contests:
        prefix = label(contest, all_contests)
        seen: set[str] = set()
        for i, candidate in enumerate(contest.candidates):
            name = candidate["name"]
            if name in seen:  # the same name for another post: said once, at its first entry
                continue
            seen.add(name)
            unknown = _unknown(name)
            if not unknown:
                continue
            chars = "".join(f"“{ch}”" for ch in unknown)
            out.append(
                record.finding(
                    "NAME-UNKNOWN-CHAR",
                    Severity.WARNING,
                    f"{prefix}姓名“{name}”中的{chars}不在笔画表中，{where_sorted}该姓名排在同位置已知字之后，"
                    "请人工核对顺序。",
                    contest.at("candidates", i, "name"),
                    citation=CITATION,
                )
            )
    return out
