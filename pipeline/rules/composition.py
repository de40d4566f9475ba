"""Composition: body size, women, committee members who stand, duplicate names, nomination caps, tellers.

The checks on who was elected (a woman among them, enough members) take the elected names
from the outcome (`pipeline.outcome`); they are in `elected_checks`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from ..findings import Finding, Severity
from ..model import Contest, RecordPath, contests, staff_places
from ..profile import Profile
from ..records import Record
from .completeness import label, name_key, names_cn, round_label

if TYPE_CHECKING:  # pragma: no cover
    from ..outcome import ContestOutcome, Outcome


def check(record: Record, profile: Profile) -> list[Finding]:
    all_contests = contests(record.data)
    out: list[Finding] = []
    for contest in all_contests:
        where = label(contest, all_contests)
        out += _size(record, profile, contest, where)
        out += _women_candidates(record, profile, contest, where)
        out += _duplicates(record, contest, where)
        out += _nomination_cap(record, profile, contest, where)
        out += _tellers(record, profile, contest, where)
    out += _committee(record, profile, all_contests)
    return out


def _size(record: Record, profile: Profile, contest: Contest, where: str) -> list[Finding]:
    """Seats of the body between the profile's minimum and maximum."""
    spec = profile.size
    total = contest.total_seats
    if not spec or not total or spec.min <= total <= spec.max:
        return []
    if spec.min_registered and (contest.registered or 0) < spec.min_registered:
        return []
    parts = "、".join(f"{post} {n} 名" for post, n in contest.seats.items())
    return [
        record.finding(
            "COMPOSITION-SIZE",
            Severity(spec.severity),
            f"{where}应选名额共 {total} 名（{parts}），按规定应为 {spec.min} 至 {spec.max} 名。"
            "请核对 seats 中的应选名额。",
            contest.at("seats"),
            citation=profile.cite(spec.article),
        )
    ]


def _women_candidates(record: Record, profile: Profile, contest: Contest, where: str) -> list[Finding]:
    """A woman among the formal candidates where the body must have a woman member."""
    spec = profile.women_required
    formal = [c for _, c in contest.formal_candidates()]
    if not spec or not formal or any(c.get("gender") == "女" for c in formal):
        return []
    unknown = sum("gender" not in c for c in formal)
    if unknown:
        return [
            record.finding(
                "COMPOSITION-WOMEN",
                Severity.INFO,
                f"{where}正式候选人中没有填写为女性的人，另有 {unknown} 名候选人未填写性别，无法核对是否有女性候选人。"
                "成员中应当有妇女成员，请补填候选人的性别（gender）。",
                contest.at("candidates"),
                citation=profile.cite(spec.article),
            )
        ]
    return [
        record.finding(
            "COMPOSITION-WOMEN",
            Severity.WARNING,
            f"{where}正式候选人 {len(formal)} 名中没有女性。成员中应当有妇女成员，候选人中没有女性就无法选出女性成员；"
            "请在正式候选人中安排女性候选人。",
            contest.at("candidates"),
            citation=profile.cite(spec.article),
        )
    ]


def _duplicates(record: Record, contest: Contest, where: str) -> list[Finding]:
    """The same name twice in one post (error), or standing for two posts (info)."""
    active = [(i, c) for i, c in enumerate(contest.candidates) if not c.get("withdrawn")]
    out = []
    seen: dict[tuple[str, str], int] = {}
    posts: dict[str, list[str]] = defaultdict(list)
    for i, c in active:
        key = (c["post"], name_key(c["name"]))
        if key in seen:
            out.append(
                record.finding(
                    "CANDIDATE-DUPLICATE",
                    Severity.ERROR,
                    f"{where}{c['post']}职位的候选人“{c['name']}”重复列入（candidates 第 {seen[key] + 1} 项和第 {i + 1} 项）。"
                    f"同一人只能列入一次，请删去重复的一项；如是同名的两个人，请在姓名后加注区分，如“{c['name']}（大）”。",
                    contest.at("candidates", i, "name"),
                )
            )
            continue
        seen[key] = i
        if c["post"] not in posts[name_key(c["name"])]:
            posts[name_key(c["name"])].append(c["post"])
    for key_name, held in posts.items():
        if len(held) > 1:
            first = next(i for i, c in active if name_key(c["name"]) == key_name)
            name = contest.candidates[first]["name"]
            out.append(
                record.finding(
                    "CANDIDATE-MULTI-POST",
                    Severity.INFO,
                    f"{where}“{name}”同时列为{names_cn(held)}职位的候选人。若是同一人，请确认本省选举办法是否允许同时参选多个职位；"
                    "若是同名的两个人，请在姓名后加注区分，否则计票时无法分开。",
                    contest.at("candidates", first, "name"),
                )
            )
    return out


def _nomination_cap(record: Record, profile: Profile, contest: Contest, where: str) -> list[Finding]:
    """One party or group nominating more candidates than the contest's seats."""
    spec = profile.nomination_cap
    seats = contest.total_seats
    if not spec or not seats:
        return []
    exempt = spec.exempt_nominators
    by_nominator = Counter(
        c["nominated_by"].strip()
        for c in contest.candidates
        if c.get("nominated_by") and not c.get("withdrawn") and not any(word in c["nominated_by"] for word in exempt)
    )
    out = []
    for nominator, count in by_nominator.items():
        if count > seats:
            first = next(
                i for i, c in enumerate(contest.candidates) if (c.get("nominated_by") or "").strip() == nominator
            )
            out.append(
                record.finding(
                    "NOMINATION-CAP",
                    Severity.WARNING,
                    f"{where}“{nominator}”推荐了 {count} 名候选人，超过本选区应选名额 {seats} 名。"
                    "各政党、各人民团体推荐的候选人人数不得超过应选名额；请核对推荐方式（nominated_by）或推荐人数。",
                    contest.at("candidates", first, "nominated_by"),
                    citation=profile.cite(spec.article),
                )
            )
    return out


def _tellers(record: Record, profile: Profile, contest: Contest, where: str) -> list[Finding]:
    """A candidate may not serve as 监票人 (nor in a 流动票箱 team)."""
    spec = profile.tellers
    if not spec or not spec.candidates_barred:
        return []
    standing = {name_key(c["name"]) for c in contest.candidates if not c.get("withdrawn")}
    out = []
    for i, rnd in enumerate(contest.rounds):
        places = [(contest.at("rounds", i, "tellers", j), name) for j, name in enumerate(rnd.get("tellers", []))]
        places += [
            (contest.at("rounds", i, "mobile_boxes", b, "tellers", j), name)
            for b, box in enumerate(rnd.get("mobile_boxes", []))
            for j, name in enumerate(box.get("tellers", []))
        ]
        roles = [(path, name, "监票人员") for path, name in places] + staff_places(contest, i, rnd)
        for path, name, role in roles:
            if name_key(name) in standing:
                out.append(
                    record.finding(
                        "TELLER-CANDIDATE",
                        Severity.ERROR,
                        f"{where}{round_label(contest, i, rnd)}{role} {name} 是候选人。{_barred(role)}",
                        path,
                        citation=profile.cite(spec.article),
                    )
                )
    return out


def _barred(role: str) -> str:
    """What the law says and what to do, for a candidate (or near relative) in an election staff role."""
    if role == "监票人员":
        return "候选人及其近亲属不得担任监票人、计票人，请另行推选监票人员。"
    return f"候选人及其近亲属不得担任主持人、总监票人、监票人、计票人、唱票人和代书人，请另行确定{role}（rounds[].staff）。"


def _committee(record: Record, profile: Profile, all_contests: list[Contest]) -> list[Finding]:
    """A 选举委员会 member nominated as a candidate must leave the committee."""
    spec = profile.committee_withdraws
    committee = record.data.get("committee", {})
    if not spec or not committee:
        return []
    members: list[tuple[RecordPath, str, str]] = []  # (path, name, role)
    if committee.get("chair"):
        members.append((("committee", "chair"), committee["chair"], "主任"))
    members += [(("committee", "vice_chairs", i), n, "副主任") for i, n in enumerate(committee.get("vice_chairs", []))]
    members += [(("committee", "members", i), n, "委员") for i, n in enumerate(committee.get("members", []))]
    standing: dict[str, list[str]] = defaultdict(list)
    for contest in all_contests:
        for c in contest.candidates:
            if not c.get("withdrawn") and c["post"] not in standing[name_key(c["name"])]:
                standing[name_key(c["name"])].append(c["post"])
    return [
        record.finding(
            "COMMITTEE-CANDIDATE",
            Severity.ERROR,
            f"选举委员会{role} {name} 被提名为{names_cn(standing[name_key(name)])}候选人，应当退出选举委员会。"
            "请在 committee 中删去其姓名（按规定补足成员），或在其退出候选后标记 withdrawn: true。",
            path,
            citation=profile.cite(spec.article),
        )
        for path, name, role in members
        if standing.get(name_key(name))
    ]


# ---------------------------------------------------------------- on the elected (from the outcome)


def elected_checks(record: Record, profile: Profile, outcome: Outcome) -> list[Finding]:
    """Once the tally is final: a woman among the elected, and at least the minimum of members."""
    all_contests = contests(record.data)
    out: list[Finding] = []
    for contest, result in zip(all_contests, outcome.contests, strict=False):
        if result.stage != "counted" or _pending(result):
            continue
        where = label(contest, all_contests)
        elected = [name for names in result.elected.values() for name in names]
        out += _women_elected(record, profile, contest, result, elected, where)
        out += _min_elected(record, profile, contest, elected, where)
    return out


def _pending(result: ContestOutcome) -> bool:
    """Whether a revote, a 另行选举 or a re-run is still to come (the tally is not final)."""
    last = {}
    for rnd in result.rounds:
        for post in rnd.posts:
            last[post.post] = (rnd, post)
    if set(result.seats) - set(last):
        return True
    return any(not rnd.valid or post.revote_among or post.seats_left for rnd, post in last.values())


def _women_elected(
    record: Record, profile: Profile, contest: Contest, result: ContestOutcome, elected: list[str], where: str
) -> list[Finding]:
    """No woman among the elected: a warning naming the next step the profile's remedy prescribes (the outcome's
    last step, `ContestOutcome.women_seat`); the unit is still rendered."""
    spec = profile.women_required
    if not spec or not elected:
        return []
    gender = {c["name"]: c.get("gender") for c in contest.candidates}
    if any(gender.get(name) == "女" for name in elected):
        return []
    unknown = [name for name in elected if gender.get(name) is None]
    path = contest.at("rounds", len(contest.rounds) - 1)
    if unknown:
        return [
            record.finding(
                "COMPOSITION-WOMEN",
                Severity.INFO,
                f"{where}当选人中没有填写为女性的人，其中{names_cn(unknown)}的性别未知（未填写或为另选他人），无法核对是否有女性成员。"
                "成员中应当有妇女成员，请补填性别。",
                path,
                citation=profile.cite(spec.article),
            )
        ]
    if not result.women_seat:
        return []
    return [
        record.finding(
            "COMPOSITION-WOMEN",
            Severity.WARNING,
            f"{where}{result.next_steps[-1]}",
            path,
            citation=profile.cite(spec.article),
        )
    ]


def _min_elected(record: Record, profile: Profile, contest: Contest, elected: list[str], where: str) -> list[Finding]:
    spec = profile.min_elected
    if not spec or len(elected) >= spec.count:
        return []
    return [
        record.finding(
            "COMPOSITION-ELECTED",
            Severity.WARNING,
            f"{where}投票结束后共选出 {len(elected)} 名成员，少于法定最少的 {spec.count} 名。"
            "应按本省选举办法在规定期限内再行选举，补足成员。",
            contest.at("rounds", len(contest.rounds) - 1),
            citation=profile.cite(spec.article),
        )
    ]
