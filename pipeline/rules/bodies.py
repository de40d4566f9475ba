"""The other bodies of a 换届: the body named fits the kind, 监督委员会 回避, and 一肩挑/交叉任职 across two records."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..findings import Finding, Severity
from ..model import contests
from ..profile import Profile
from ..records import Record
from ..words import BODY_NAMES, KIND_NAMES, body_name, fraction_name
from .completeness import label, name_key
from .relatives import relations

if TYPE_CHECKING:  # pragma: no cover
    from ..outcome import Outcome

__all__ = ["check", "cross_findings", "holdings", "unit_key", "elected_posts", "is_one_shoulder"]


def check(record: Record, profile: Profile) -> list[Finding]:
    """`body` against the kind; for a 监督委员会, candidates who are committee members or their near relatives."""
    data = record.data
    out = _body(record)
    if profile.relatives is None or profile.relatives.committee_members is None:
        return out
    spec = profile.relatives.committee_members
    body = body_name(data["kind"], data.get("body"))
    council = KIND_NAMES["residents_committee" if body.startswith("居") else "village_committee"]
    members = (data.get("same_term") or {}).get("committee_members") or []
    if not members:
        out.append(
            record.finding(
                "SUPERVISORY-MEMBERS-MISSING",
                Severity.INFO,
                f"没有填写同届{council}成员，无法检查{council}成员及其近亲属不得担任{body}成员的规定；"
                f"请在 same_term.committee_members 中填写新一届{council}全体成员的姓名。",
                ("same_term",) if "same_term" in data else (),
                citation=profile.cite(spec.article),
            )
        )
        return out
    keys = {name_key(m): m for m in members}
    found = relations(data)
    severity = Severity.ERROR if spec.severity == "error" else Severity.WARNING
    all_contests = contests(data)
    for contest in all_contests:
        where = label(contest, all_contests)
        for i, candidate in enumerate(contest.candidates):
            if candidate.get("withdrawn"):
                continue
            name, post = candidate["name"], candidate.get("post", "")
            path = contest.at("candidates", i, "name")
            if name_key(name) in keys:
                out.append(
                    record.finding(
                        "SUPERVISORY-COMMITTEE-MEMBER",
                        severity,
                        f"{where}{post}候选人 {name} 是同届{council}成员。{council}成员及其近亲属不得担任{body}成员，"
                        f"请让其退出（标记 withdrawn: true）或另行推选候选人。",
                        path,
                        citation=profile.cite(spec.article),
                    )
                )
                continue
            for key, member in keys.items():
                relation = found.get((name_key(name), key))
                if relation is None:
                    continue
                word = "近亲属" if relation == "其他近亲属" else relation
                out.append(
                    record.finding(
                        "SUPERVISORY-RELATIVE",
                        severity,
                        f"{where}{post}候选人 {name} 是同届{council}成员 {member} 的{word}。"
                        f"{council}成员及其近亲属不得担任{body}成员，请让其退出（标记 withdrawn: true）或另行推选候选人。",
                        path,
                        citation=profile.cite(spec.article),
                    )
                )
    return out


def _body(record: Record) -> list[Finding]:
    """A `body` that is not one of the kind's (居民代表 on a 监督委员会 record)."""
    kind, body = record.data["kind"], record.data.get("body")
    names = BODY_NAMES.get(kind, ())
    if body is None or body in names:
        return []
    allowed = "或".join(names) if names else "不填"
    return [
        record.finding(
            "BODY-KIND",
            Severity.ERROR,
            f"所选组织“{body}”与选举类型“{KIND_NAMES[kind]}”不符；此类型的 body 应为{allowed}。",
            ("body",),
        )
    ]


# ---------------------------------------------------------------- 一肩挑 and 交叉任职 (across two records of one unit)

PARTY_KINDS = ("party_branch",)
COMMITTEE_KINDS = ("village_committee", "residents_committee")
# What a unit's records may add to its name: 白玉社区党支部 and 白玉社区居民委员会 are both 白玉社区.
_SUFFIXES = (
    "党总支部委员会",
    KIND_NAMES["party_branch"],
    "党总支部",
    "党总支",
    "党支部",
    "党委",
    KIND_NAMES["village_committee"],
    KIND_NAMES["residents_committee"],
    "村委会",
    "居委会",
)
PARTY_HEAD, COMMITTEE_HEAD = "书记", "主任"

Holding = tuple[str, str, str]  # (name, post in the Party branch, post in the committee)


def unit_key(name: str) -> str:
    """The place a unit's name names, without the organisation: 白玉社区党支部 → 白玉社区."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def elected_posts(outcome: Outcome) -> dict[str, list[str]]:
    """Everyone elected in any contest of an outcome, by post (in the order of the outcome).

    A 公推直选 branch's 书记 and 副书记 are elected by the 委员会's plenary (`Outcome.plenary`): there they count as
    书记/副书记, not again as the 委员 the 党员大会 elected them."""
    posts: dict[str, list[str]] = {}
    placed: set[str] = set()
    if outcome.plenary is not None:
        for post, names in outcome.plenary.elected.items():
            posts.setdefault(post, []).extend(n for n in names if n not in placed)
            placed.update(names)
    for result in outcome.contests:
        for post, names in result.elected.items():
            posts.setdefault(post, []).extend(n for n in names if n not in posts.get(post, []) and n not in placed)
    return {post: names for post, names in posts.items() if names}


def holdings(party: dict[str, list[str]], committee: dict[str, list[str]]) -> list[Holding]:
    """The people elected both to the Party branch and to the committee of one unit, 一肩挑 (书记 and 主任) first."""
    seats = {name: post for post, names in committee.items() for name in names}
    found = [(name, post, seats[name]) for post, names in party.items() for name in names if name in seats]
    return sorted(found, key=lambda h: not is_one_shoulder(h))


def is_one_shoulder(holding: Holding) -> bool:
    return holding[1] == PARTY_HEAD and holding[2] == COMMITTEE_HEAD


def cross_findings(records: list[tuple[Record, Outcome]]) -> dict[str, list[Finding]]:
    """提示 on each committee record whose members were elected to the Party branch of the same unit and folder.

    Records are matched by folder and by the place their unit names (`unit_key`); the finding points at the
    member in the committee record and names the Party record's file.
    """
    parties: dict[tuple[str, str], tuple[Record, Outcome]] = {}
    for record, outcome in records:
        if record.data.get("kind") in PARTY_KINDS:
            parties[(os.path.dirname(record.file), _place(record))] = (record, outcome)
    out: dict[str, list[Finding]] = {}
    for record, outcome in records:
        if record.data.get("kind") not in COMMITTEE_KINDS:
            continue
        match = parties.get((os.path.dirname(record.file), _place(record)))
        if match is None:
            continue
        party_record, party_outcome = match
        for holding in holdings(elected_posts(party_outcome), elected_posts(outcome)):
            out.setdefault(record.file, []).append(_cross_finding(record, party_record, holding))
    return out


def _place(record: Record) -> str:
    unit = record.data.get("unit") or {}
    return unit_key(unit.get("short_name") or unit.get("name") or "")


def _cross_finding(record: Record, party_record: Record, holding: Holding) -> Finding:
    name, party_post, post = holding
    party_unit = (party_record.data.get("unit") or {}).get("name", "")
    unit = (record.data.get("unit") or {}).get("name", "")
    source = os.path.basename(party_record.file)
    path: tuple = ()
    for contest in contests(record.data):
        for i, candidate in enumerate(contest.candidates):
            if candidate.get("name") == name and candidate.get("post") == post:
                path = contest.at("candidates", i, "name")
    if is_one_shoulder(holding):
        return record.finding(
            "CROSS-ONE-SHOULDER",
            Severity.INFO,
            f"“一肩挑”：{name} 当选{party_unit}{party_post}，又当选{unit}{post}（党组织选举记录 {source}）。"
            "两委分别统计时此人在两处各计一次，汇总中另列“一肩挑”。",
            path,
        )
    return record.finding(
        "CROSS-HOLDING",
        Severity.INFO,
        f"交叉任职：{name} 当选{party_unit}{party_post}，又当选{unit}{post}（党组织选举记录 {source}）。"
        "两委分别统计时此人在两处各计一次，汇总中另列交叉任职。",
        path,
    )


def women_check(record: Record, profile: Profile, outcome: Outcome) -> list[Finding]:
    """妇女村民代表应当占村民代表会议组成人员的三分之一以上 (组织法第二十五条): the 代表 the record elects, once every
    group has been counted and every one of them has a `gender`."""
    rule = profile.women_share
    if rule is None or record.data.get("kind") != "representative":
        return []
    body = str(record.data.get("body") or (rule.bodies[0] if rule.bodies else ""))
    if rule.bodies and body not in rule.bodies:
        return []
    views = contests(record.data)
    if not outcome.contests or any(r.stage != "counted" for r in outcome.contests):
        return []
    elected = 0
    women = 0
    for view, result in zip(views, outcome.contests, strict=False):
        for names in result.elected.values():
            for name in names:
                gender = next((c.get("gender") for c in view.candidates if c.get("name") == name), None)
                if gender is None:
                    return []
                elected += 1
                women += gender == "女"
    if elected == 0 or women * rule.fraction.denominator >= rule.fraction.numerator * elected:
        return []
    need = -(-elected * rule.fraction.numerator // rule.fraction.denominator)
    word = fraction_name(rule.fraction)
    return [
        record.finding(
            "REPRESENTATIVE-WOMEN",
            Severity.ERROR if rule.severity == "error" else Severity.WARNING,
            f"当选{body}{elected}名，其中女性{women}名，不足{word}（至少应有{need}名）。妇女{body}应当占"
            f"{body}会议组成人员的{word}以上；请在推选中补足女性{body}，或核对候选人的性别（candidates[].gender）。",
            ("contests",) if record.data.get("contests") else ("candidates",),
            citation=profile.cite(rule.article),
        )
    ]
