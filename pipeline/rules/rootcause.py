"""One mistyped post, one finding: a misnamed post is reported once, not once per candidate, tally and count.

A post in `seats` that nobody stands for, while candidates and votes use a post not in `seats` that is nearly the
same, becomes one finding at `seats`; a tally post typed wrong keeps its one VOTES-UNKNOWN-POST.
"""

from __future__ import annotations

from ..findings import Finding, Severity, format_path
from ..model import Contest, contests
from ..records import Record

__all__ = ["collapse", "near_post"]

MISNAMED = "SEATS-POST-MISNAMED"

# What a misnamed seat post causes: findings naming the post candidates use ("used"), naming the seat ("seat"), or
# counting candidates against seats ("count").
POST_CASCADE = {
    "CANDIDATE-UNKNOWN-POST": "used",
    "VOTES-UNKNOWN-POST": "used",
    "ROUND-VOTES-MISSING": "seat",
    "SURPLUS-COUNT": "count",
    "SURPLUS-PER-POST": "count",
    "SURPLUS-PERCENT": "count",
    "SURPLUS-RATIO": "count",
}


def near_post(posts: list[str], typed: str) -> str | None:
    """The one post of `posts` that `typed` most likely means: the same without spaces, one inside the other with
    two characters or more besides (社区主任, 委员会委员 for 主任, 委员), or one character different in a post of the same
    length. None when none or several fit."""
    bare = "".join(typed.split())
    fits = [p for p in posts if p != typed and "".join(p.split()) == bare]
    if not fits:
        # one inside the other with a word more (社区主任, 委员会委员), not one character (副主任 is a post of its own)
        fits = [p for p in posts if p != typed and (p in bare or bare in p) and abs(len(p) - len(bare)) >= 2]
    if not fits:
        fits = [p for p in posts if len(p) == len(bare) >= 2 and sum(a != b for a, b in zip(p, bare, strict=True)) == 1]
    return fits[0] if len(fits) == 1 else None


def _used_posts(contest: Contest) -> dict[str, int]:
    """Posts candidates stand for that are not in `seats`, with how many candidates use each."""
    used: dict[str, int] = {}
    for c in contest.candidates:
        if c.get("post") not in contest.seats:
            used[c["post"]] = used.get(c["post"], 0) + 1
    return used


def _root(record: Record, contest: Contest, seat: str, used: str, count: int) -> Finding:
    index = next(i for i, row in enumerate(contest.data.get("seats") or []) if row.get("post") == seat)
    where = f"{contest.name}：" if "contests" in record.data else ""
    return record.finding(
        MISNAMED,
        Severity.ERROR,
        f"{where}职位及应选名额（seats）中的职位“{seat}”没有候选人，而 {count} 名候选人（及计票结果）的职位写的是"
        f"“{used}”。是否应为“{used}”？请把 seats、candidates 和 votes 中的职位名称写成一样；改正后，由此引起的"
        "候选人职位不符、缺少得票、差额人数等问题会一并消失。",
        contest.at("seats", index, "post"),
    )


def _caused(finding: Finding, prefix: str, seat: str, used: str) -> bool:
    if prefix and not finding.path.startswith(prefix):
        return False
    kind = POST_CASCADE.get(finding.id)
    if kind == "used":
        return f"“{used}”" in finding.message
    if kind == "seat":
        return seat in finding.message
    return kind == "count"


def collapse(record: Record, findings: list[Finding]) -> list[Finding]:
    """`findings` with each misnamed seat post's cascade replaced by one `SEATS-POST-MISNAMED` error."""
    for contest in contests(record.data):
        unused = [p for p in contest.seats if not any(c.get("post") == p for c in contest.candidates)]
        for used, count in _used_posts(contest).items():
            seat = near_post(unused, used)
            if seat is None:
                continue
            prefix = format_path(contest.path)
            findings = [f for f in findings if not _caused(f, prefix, seat, used)]
            findings.append(_root(record, contest, seat, used, count))
            unused.remove(seat)
        findings = _tally_posts(contest, findings)
    return findings


def _tally_posts(contest: Contest, findings: list[Finding]) -> list[Finding]:
    """A tally post typed wrong (社区主任 for 主任): its VOTES-UNKNOWN-POST (which names the post meant) stands
    alone; the names under it and the seat's missing votes are the same mistake."""
    prefix = format_path(contest.path)
    for rnd in contest.data.get("rounds") or []:
        for typed in rnd.get("votes") or {}:
            seat = None if typed in contest.seats else near_post(list(contest.seats), typed)
            if seat is None:
                continue
            findings = [
                f
                for f in findings
                if (prefix and not f.path.startswith(prefix))
                or not (
                    (f.id == "VOTES-UNKNOWN-CANDIDATE" and f"{typed}职位的得票中有" in f.message)
                    or (f.id == "ROUND-VOTES-MISSING" and f"应选举{seat}，" in f.message)
                )
            ]
    return findings
