"""公推直选: candidates from the 推荐 stage's 预备人选, the 上级批复 in time, and the 委员会's own round.

Who qualifies is decided by `pipeline.gongtui.recommendation` (profile `recommendation`); these checks say, with
the exact fractions, why a formal candidate of the 党员大会 is not a 候选人预备人选, when the rule leaves a tie at the
last place, when too few qualify for the 差额, and when a vote count exceeds those who recommended. The 党员大会
needs the higher organisation's 批复 first (条例第十四条). In the 委员会's round the voters are the members the
党员大会 elected: its candidates must be among them and no more of them can be present.
"""

from __future__ import annotations

from fractions import Fraction

from ..findings import Finding, Severity
from ..gongtui import Recommendation, Recommended
from ..model import contests, parse_date
from ..outcome import Outcome
from ..profile import Profile
from ..records import Record

APPROVAL_ARTICLE = "《中国共产党基层组织选举工作条例》第十四条"


def _pct(value: Fraction) -> str:
    return f"{float(value * 100):.2f}%"


def score_text(profile: Profile, person: Recommended, rec: Recommendation) -> str:
    """综合得分 7/10 × 47/88 + 3/10 × 30/60 = 461/880（52.39%）."""
    rule = profile.recommendation
    if rule is None or person.score is None:
        return ""
    return (
        f"综合得分 {rule.members_weight} × {person.members}/{rec.members_present} + {rule.masses_weight} × "
        f"{person.masses}/{rec.masses_present} = {person.score}（{_pct(person.score)}）"
    )


def check(record: Record, profile: Profile, outcome: Outcome) -> list[Finding]:
    data = record.data
    if "gongtui" not in data:
        return []
    out: list[Finding] = []
    rec = outcome.recommendation
    rule = profile.recommendation
    cite = rule.article if rule is not None else ""
    if rec is not None:
        out += _vote_counts(record, rec, cite)
        out += _candidates(record, profile, rec, cite)
        if rec.tied:
            out.append(
                record.finding(
                    "GONGTUI-TIE",
                    Severity.WARNING,
                    f"公开推荐中{'、'.join(rec.tied)}综合得分相同，同在第{rec.quota}名预备人选的位置上，按规则不能确定谁列入"
                    f"候选人预备人选。请对他们再次推荐，或由支部委员会研究后报上级党组织确定，并改正 gongtui.recommendation.votes。",
                    ("gongtui", "recommendation", "votes"),
                    citation=cite,
                )
            )
        elif len(rec.qualified) < rec.quota:
            out.append(
                record.finding(
                    "GONGTUI-TOO-FEW",
                    Severity.WARNING,
                    f"公开推荐只产生了{len(rec.qualified)}名候选人预备人选，少于{rec.post}应选{rec.seats}名所需的{rec.quota}名"
                    f"（差额不少于应选人数的{rule.surplus_percent if rule else 20}%）。请补充推荐，否则党员大会不能差额选举。",
                    ("gongtui", "recommendation", "votes"),
                    citation=cite,
                )
            )
    out += _approval(record)
    out += _plenary(record, outcome)
    return out


def _vote_counts(record: Record, rec: Recommendation, cite: str) -> list[Finding]:
    out = []
    votes = record.data["gongtui"]["recommendation"].get("votes") or []
    for i, person in enumerate(votes):
        for side, key, present in (("党员", "members", rec.members_present), ("群众", "masses", rec.masses_present)):
            if present is not None and int(person[key]) > present:
                out.append(
                    record.finding(
                        "GONGTUI-VOTES",
                        Severity.ERROR,
                        f"{person['name']}的{side}推荐票{person[key]}票，多于参加{side}推荐的{present}人，"
                        f"不可能如此。请核对 gongtui.recommendation.votes 中的票数和参加推荐的人数。",
                        ("gongtui", "recommendation", "votes", i, key),
                        citation=cite,
                    )
                )
    return out


def _candidates(record: Record, profile: Profile, rec: Recommendation, cite: str) -> list[Finding]:
    people = {p.name: p for p in rec.people}
    out = []
    view = contests(record.data)[0]
    for i, candidate in view.formal_candidates(rec.post):
        name = str(candidate["name"])
        if name in rec.qualified:
            continue
        person = people.get(name)
        if person is None:
            why = "公开推荐中没有此人的推荐票"
        else:
            score = score_text(profile, person, rec)
            why = f"{score}，{person.reason}" if score else person.reason
        out.append(
            record.finding(
                "GONGTUI-NOT-QUALIFIED",
                Severity.ERROR,
                f"{rec.post}候选人{name}不是公开推荐产生的候选人预备人选：{why}。按{rec.rule}，预备人选为"
                f"{'、'.join(rec.qualified) or '（无）'}。公推直选的候选人应从预备人选中经上级党组织审查同意后确定；"
                "请核对 candidates 或 gongtui.recommendation.votes。",
                view.at("candidates", i, "name"),
                citation=cite,
            )
        )
    return out


def _approval(record: Record) -> list[Finding]:
    g = record.data["gongtui"]
    schedule = record.data.get("schedule") or {}
    approval = g.get("approval")
    held = bool(record.data.get("rounds")) or bool(schedule.get("candidates_published"))
    if approval is None:
        if not held:
            return []
        return [
            record.finding(
                "GONGTUI-APPROVAL",
                Severity.WARNING,
                "记录中已有候选人名单公布日期或投票结果，但还没有上级党组织对候选人预备人选的批复。收到批复后请填写 "
                "gongtui.approval（批复日期 date、批复机关 by、文号 number）。",
                ("gongtui",),
                citation=APPROVAL_ARTICLE,
            )
        ]
    approved = parse_date(approval.get("date"))
    for key, what in (("candidates_published", "候选人名单公布"), ("election_day", "党员大会投票")):
        day = parse_date(schedule.get(key))
        if approved is not None and day is not None and approved > day:
            return [
                record.finding(
                    "GONGTUI-APPROVAL",
                    Severity.ERROR,
                    f"上级党组织的批复日期 {approved.isoformat()} 晚于{what}日期 {day.isoformat()}。候选人须经上级党组织"
                    "审查同意后才能确定和公布；请核对 gongtui.approval.date 和 schedule 中的日期。",
                    ("gongtui", "approval", "date"),
                    citation=APPROVAL_ARTICLE,
                )
            ]
    return []


def _plenary(record: Record, outcome: Outcome) -> list[Finding]:
    plenary = record.data["gongtui"].get("plenary")
    if not isinstance(plenary, dict) or not outcome.contests:
        return []
    members = [name for names in outcome.contests[0].elected.values() for name in names]
    out = []
    if members:
        for i, candidate in enumerate(plenary.get("candidates") or []):
            if candidate["name"] not in members:
                out.append(
                    record.finding(
                        "PLENARY-CANDIDATE",
                        Severity.ERROR,
                        f"支部委员会选举{candidate['post']}的候选人{candidate['name']}不是党员大会选出的委员"
                        f"（{'、'.join(members)}）。书记、副书记只能从新当选的委员中选举；请核对 gongtui.plenary.candidates。",
                        ("gongtui", "plenary", "candidates", i, "name"),
                    )
                )
    for i, rnd in enumerate(plenary.get("rounds") or []):
        present = rnd.get("present")
        if members and present is not None and present > len(members):
            out.append(
                record.finding(
                    "PLENARY-PRESENT",
                    Severity.ERROR,
                    f"支部委员会全体会议第{i + 1}轮的到会人数为{present}人，多于党员大会选出的{len(members)}名委员。"
                    "参加这一轮投票的只能是新当选的委员；请核对 gongtui.plenary.rounds 中的 present。",
                    ("gongtui", "plenary", "rounds", i, "present"),
                )
            )
    result = outcome.plenary
    for rnd in result.rounds if result is not None else []:
        if not rnd.valid and rnd.reasons and not rnd.missing:
            out.append(
                record.finding(
                    "PLENARY-INVALID",
                    Severity.ERROR,
                    f"支部委员会全体会议第{rnd.index + 1}轮选举无效：{''.join(rnd.reasons)}请重新召开全体会议选举。",
                    ("gongtui", "plenary", "rounds", rnd.index),
                )
            )
    return out
