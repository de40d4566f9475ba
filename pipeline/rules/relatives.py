"""近亲属回避: committee members and tellers related to candidates, and near relatives among the elected.

Relations are declared on a candidate (`candidates[].relatives`: `{name, relation}`, "name is the candidate's
relation") or, for people the record lists by name only (选举委员会成员, 监票人员), in the record's `relatives`
(`{person, name, relation}`, "name is person's relation"). A relation holds both ways: 父母 one way is 子女 the
other. Which checks apply, their severity and citation are the profile's `relatives` setting; a record without
relations gets no finding from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Finding, Severity
from ..model import Contest, Data, RecordPath, contests, staff_places
from ..profile import Profile, RelativeCheck
from ..records import Record
from .completeness import label, name_key, round_label

if TYPE_CHECKING:  # pragma: no cover
    from ..outcome import ContestOutcome, Outcome

__all__ = ["RELATIONS", "check", "relations"]

# The relation words (民法典第一千零四十五条, and a province's wider 近亲属), each with the word the other way.
RELATIONS = {
    "配偶": "配偶",
    "父母": "子女",
    "子女": "父母",
    "兄弟姐妹": "兄弟姐妹",
    "祖父母": "孙子女",
    "孙子女": "祖父母",
    "外祖父母": "外孙子女",
    "外孙子女": "外祖父母",
    "其他近亲属": "其他近亲属",
}

# Posts of a committee from the highest (who keeps the post when two elected are near relatives).
_POST_RANK = ("主任", "副主任", "委员")

Relations = dict[tuple[str, str], str]  # (name key of a, name key of b) -> what b is to a


def relations(data: Data) -> Relations:
    """Every declared relation of a record, both ways, by name key."""
    found: Relations = {}

    def add(person: str, name: str, relation: str) -> None:
        a, b = name_key(person), name_key(name)
        if a == b or relation not in RELATIONS:
            return
        found.setdefault((a, b), relation)
        found.setdefault((b, a), RELATIONS[relation])

    for contest in contests(data):
        for candidate in contest.candidates:
            for entry in candidate.get("relatives") or []:
                add(candidate["name"], entry["name"], entry["relation"])
    for entry in data.get("relatives") or []:
        add(entry["person"], entry["name"], entry["relation"])
    return found


def _word(relation: str) -> str:
    """How a relation reads after 的: 配偶, 父母 …; 其他近亲属 reads as 近亲属."""
    return "近亲属" if relation == "其他近亲属" else relation


def _severity(spec: RelativeCheck) -> Severity:
    return Severity.ERROR if spec.severity == "error" else Severity.WARNING


def check(record: Record, profile: Profile, outcome: Outcome) -> list[Finding]:
    """Committee members and tellers who are near relatives of a candidate, and near relatives elected."""
    spec = profile.relatives
    if spec is None:
        return []
    found = relations(record.data)
    if not found:
        return []
    all_contests = contests(record.data)
    out: list[Finding] = []
    if spec.committee is not None:
        out += _committee(record, profile, spec.committee, all_contests, found)
    for contest, result in zip(all_contests, outcome.contests, strict=False):
        where = label(contest, all_contests)
        if spec.tellers is not None:
            out += _tellers(record, profile, spec.tellers, contest, where, found)
        if spec.elected is not None:
            out += _elected_pairs(record, profile, spec.elected, contest, result, where, found)
    return out


def _standing(contest: Contest) -> Iterator[Data]:
    """The candidates of a contest who have not withdrawn (nominated, formal or not)."""
    return (c for c in contest.candidates if not c.get("withdrawn"))


def _committee_members(data: Data) -> list[tuple[RecordPath, str, str]]:
    """(path, name, role) of every 选举委员会 member the record lists."""
    committee = data.get("committee") or {}
    members: list[tuple[RecordPath, str, str]] = []
    if committee.get("chair"):
        members.append((("committee", "chair"), committee["chair"], "主任"))
    members += [(("committee", "vice_chairs", i), n, "副主任") for i, n in enumerate(committee.get("vice_chairs", []))]
    members += [(("committee", "members", i), n, "委员") for i, n in enumerate(committee.get("members", []))]
    return members


def _committee(
    record: Record, profile: Profile, spec: RelativeCheck, all_contests: list[Contest], found: Relations
) -> list[Finding]:
    """A 选举委员会 member whose near relative is nominated must withdraw from the committee."""
    out = []
    for path, member, role in _committee_members(record.data):
        for contest in all_contests:
            for candidate in _standing(contest):
                relation = found.get((name_key(candidate["name"]), name_key(member)))
                if relation is None:
                    continue
                out.append(
                    record.finding(
                        "RELATIVE-COMMITTEE",
                        _severity(spec),
                        f"选举委员会{role} {member} 是{label(contest, all_contests)}{candidate['post']}候选人 "
                        f"{candidate['name']} 的{_word(relation)}。选举委员会成员的近亲属被提名为候选人的，"
                        "该成员应当退出选举委员会；请在 committee 中删去其姓名（按原推选结果依次递补或另行推选），"
                        "或在候选人退出后标记 withdrawn: true。",
                        path,
                        citation=profile.cite(spec.article),
                    )
                )
    return out


def _tellers(
    record: Record, profile: Profile, spec: RelativeCheck, contest: Contest, where: str, found: Relations
) -> list[Finding]:
    """A near relative of a candidate of the contest may not serve as 监票人 (round or 流动票箱)."""
    standing = list(_standing(contest))
    out = []
    for i, rnd in enumerate(contest.rounds):
        places = [(contest.at("rounds", i, "tellers", j), name) for j, name in enumerate(rnd.get("tellers", []))]
        places += [
            (contest.at("rounds", i, "mobile_boxes", b, "tellers", j), name)
            for b, box in enumerate(rnd.get("mobile_boxes", []))
            for j, name in enumerate(box.get("tellers", []))
        ]
        roles = [(path, name, "监票人员") for path, name in places] + staff_places(contest, i, rnd)
        for path, teller, role in roles:
            for candidate in standing:
                relation = found.get((name_key(candidate["name"]), name_key(teller)))
                if relation is None:
                    continue
                what = (
                    "候选人的近亲属不得担任监票人、计票人，请另行推选监票人员。"
                    if role == "监票人员"
                    else "候选人的近亲属不得担任主持人、总监票人、监票人、计票人、唱票人和代书人，"
                    f"请另行确定{role}（rounds[].staff）。"
                )
                out.append(
                    record.finding(
                        "RELATIVE-TELLER",
                        _severity(spec),
                        f"{where}{round_label(contest, i, rnd)}{role} {teller} 是{candidate['post']}候选人 "
                        f"{candidate['name']} 的{_word(relation)}。{what}",
                        path,
                        citation=profile.cite(spec.article),
                    )
                )
    return out


# ---------------------------------------------------------------- on the elected (from the outcome)


def _elected_pairs(
    record: Record,
    profile: Profile,
    spec: RelativeCheck,
    contest: Contest,
    result: ContestOutcome,
    where: str,
    found: Relations,
) -> list[Finding]:
    """Two members elected to one body who are near relatives (where the profile forbids it)."""
    elected = _elected(result)
    out = []
    for n, a in enumerate(elected):
        for b in elected[n + 1 :]:
            relation = found.get((name_key(a[0]), name_key(b[0])))
            if relation is not None:
                out.append(_elected_finding(record, profile, spec, contest, where, a, b, relation))
    return out


Elected = tuple[str, str, int | None]  # (name, post, votes in the round that elected them)


def _elected(result: ContestOutcome) -> list[Elected]:
    """Everyone elected in a contest, with the post and the votes of the round that elected them."""
    out: list[Elected] = []
    for post, names in result.elected.items():
        for name in names:
            votes = None
            for rnd in result.rounds:
                for post_result in rnd.posts:
                    if post_result.post == post and name in post_result.elected:
                        votes = dict(post_result.tally).get(name)
            out.append((name, post, votes))
    return out


def _rank(post: str) -> int:
    return _POST_RANK.index(post) if post in _POST_RANK else len(_POST_RANK)


def _elected_finding(
    record: Record,
    profile: Profile,
    spec: RelativeCheck,
    contest: Contest,
    where: str,
    a: Elected,
    b: Elected,
    relation: str,
) -> Finding:
    (first, first_post, _), (second, second_post, _) = a, b
    text = (
        f"{where}当选的{first_post} {first} 与{second_post} {second} 是近亲属（{second} 是 {first} 的"
        f"{_word(relation)}），成员实行近亲属回避，只能保留其中一人的职务。"
    )
    if profile.relatives is not None and profile.relatives.keep_by_post:
        text += _keep(a, b)
    else:
        text += "请按本省选举办法确定保留职务的一人，另一人的职务不予保留，空出的名额按规定另行选举。"
    return record.finding(
        "RELATIVE-ELECTED",
        _severity(spec),
        text,
        contest.at("rounds", len(contest.rounds) - 1) if contest.rounds else contest.at("candidates"),
        citation=profile.cite(spec.article),
    )


def _keep(a: Elected, b: Elected) -> str:
    """The province's rule (四川): the one declared; else the higher post; else more votes; else a revote."""
    declared = "如其中一人声明退出，保留另一人的职务；无人声明退出的，"
    (_, first_post, first_votes), (_, second_post, second_votes) = a, b
    if _rank(first_post) != _rank(second_post):
        kept, other = (a, b) if _rank(first_post) < _rank(second_post) else (b, a)
        return (
            f"{declared}保留职务较高的{kept[1]} {kept[0]} 的职务，{other[0]} 的职务不予保留，空出的名额按规定另行选举。"
        )
    if first_votes is not None and second_votes is not None and first_votes != second_votes:
        kept, other = (a, b) if first_votes > second_votes else (b, a)
        return (
            f"{declared}两人职务相同，保留得票较多的 {kept[0]}（{kept[2]} 票）的职务，{other[0]}（{other[2]} 票）"
            "的职务不予保留，空出的名额按规定另行选举。"
        )
    if first_votes is not None and first_votes == second_votes:
        return f"{declared}两人职务相同且得票相等（各 {first_votes} 票），应当就两人继续组织投票，以得票多的当选。"
    return f"{declared}保留职务较高的一人；职务相同的，保留得票较多的一人；得票也相等的，继续组织投票。"
