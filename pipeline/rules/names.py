"""Names as typed: several names in one list item, and candidate names the stroke table does not know.

A list item such as "李淑芬，王德明，陈小红" (、 ， , ； ; between names, or several names of two or
more Chinese characters separated by spaces) is one person to the program: the committee notice
would count it as one member and a 承诺书 would be made out to all of them. Each such item draws
`NAME-MULTIPLE` (an error for a separator, a warning for spaces, since "张 志刚" is one name with
a stray space), naming the list and the items to split it into.

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

import re
import unicodedata
from collections.abc import Iterator

from ..findings import Finding, Severity
from ..model import Contest, RecordPath, contests
from ..profile import Profile
from ..records import Record
from ..strokes import unknown_chars
from ..words import ORDER_NAMES
from .completeness import label

__all__ = ["check", "CITATION", "split_names"]

CITATION = "GF 3003-1999《姓氏笔画排序规则》"

SEPARATORS = "、，,；;"
_SEPARATOR = re.compile(f"[{SEPARATORS}]")
_HAN = re.compile(r"^[\u3400-\u9fff\U00020000-\U0003134f·]+$")


def split_names(text: str) -> tuple[list[str], str] | None:
    """(the names, what separates them) when `text` looks like several names, else None.

    A separator of SEPARATORS always splits; spaces split only when every piece is a name of two
    or more Chinese characters ("杜英晓 陈华"), so "张 志刚" and "John Smith" stay one name.
    """
    if _SEPARATOR.search(text):
        parts = [p.strip() for p in _SEPARATOR.split(text) if p.strip()]
        used = "".join(dict.fromkeys(ch for ch in text if ch in SEPARATORS))
        return (parts, "、".join(f"“{ch}”" for ch in used)) if len(parts) > 1 else None
    parts = text.split()
    if len(parts) > 1 and all(len(p) >= 2 and _HAN.match(p) for p in parts):
        return parts, "空格"
    return None


def _name_places(record: Record, all_contests: list[Contest]) -> Iterator[tuple[RecordPath, str, str]]:
    """(path, list label, value) of every name a record types, in the record's order."""
    data = record.data
    committee = data.get("committee") or {}
    if isinstance(committee.get("chair"), str):
        yield ("committee", "chair"), "选举委员会主任", committee["chair"]
    for key, what in (("vice_chairs", "选举委员会副主任"), ("members", "选举委员会委员")):
        for i, name in enumerate(committee.get(key) or []):
            yield ("committee", key, i), what, name
    for i, name in enumerate((data.get("documents") or {}).get("discipline_signers") or []):
        yield ("documents", "discipline_signers", i), "签订严肃换届纪律承诺书人员（discipline_signers）", name
    for contest in all_contests:
        where = label(contest, all_contests)
        for g, group in enumerate(contest.electorate.get("groups") or []):
            for v, voter in enumerate(group.get("voters") or []):
                yield (
                    contest.at("electorate", "groups", g, "voters", v, *(("name",) if isinstance(voter, dict) else ())),
                    f"{where}{group.get('name', '')}选民名单",
                    voter["name"] if isinstance(voter, dict) else voter,
                )
        for i, candidate in enumerate(contest.candidates):
            yield contest.at("candidates", i, "name"), f"{where}候选人名单", candidate["name"]
        for r, rnd in enumerate(contest.rounds):
            for j, name in enumerate(rnd.get("tellers") or []):
                yield contest.at("rounds", r, "tellers", j), f"{where}监票人", name
            for b, box in enumerate(rnd.get("mobile_boxes") or []):
                for j, name in enumerate(box.get("tellers") or []):
                    yield contest.at("rounds", r, "mobile_boxes", b, "tellers", j), f"{where}流动票箱监票人员", name
            for p, entry in enumerate(rnd.get("proxies") or []):
                yield contest.at("rounds", r, "proxies", p, "holder"), f"{where}受委托人", entry["holder"]
                for k, name in enumerate(entry.get("principals") or []):
                    yield contest.at("rounds", r, "proxies", p, "principals", k), f"{where}委托人名单", name


def _multiple(record: Record, all_contests: list[Contest]) -> list[Finding]:
    out = []
    for path, what, value in _name_places(record, all_contests):
        if not isinstance(value, str):
            continue
        found = split_names(value)
        if found is None:
            continue
        parts, by = found
        split = "[" + ", ".join(parts) + "]"
        out.append(
            record.finding(
                "NAME-MULTIPLE",
                Severity.WARNING if by == "空格" else Severity.ERROR,
                f"{what}中的“{value}”看起来是多个姓名（用{by}隔开），程序会把它当作一个人。"
                f"请拆成单独的几项，每项一个姓名，如 {split}（半角逗号加空格分隔，或每行一项“- 姓名”）。",
                path,
            )
        )
    return out


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
    out: list[Finding] = _multiple(record, all_contests)
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
