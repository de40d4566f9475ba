"""Schedule deadlines counted back from 选举日, the objection window, and the order of the dates.

"在选举日的二十日以前公布" means `published <= election_day - 20 days` (选举日 11-30 → 11-10 at the
latest). Forward windows ("自名单公布之日起五日内") start on the day after publication
(民法典第二百零一条), so a 5-day window from 3-1 ends on 3-6.
"""

from __future__ import annotations

import datetime as dt

from ..findings import Finding, Severity
from ..formatting import chinese_date as cn
from ..model import contests, election_day, parse_date
from ..profile import Profile
from ..records import Record
from .completeness import label, round_label

# (profile deadline key, schedule field, finding id, what is published)
LISTS = (
    ("voter_list", "voter_list_published", "DEADLINE-VOTER-LIST", "选民名单"),
    ("initial_candidates", "initial_candidates_published", "DEADLINE-INITIAL-CANDIDATES", "初步候选人名单"),
    ("formal_candidates", "candidates_published", "DEADLINE-FORMAL-CANDIDATES", "正式候选人名单"),
)
# Fields published before 选举日, with their names.
BEFORE_DAY = (
    ("committee_published", "选举委员会成员公告"),
    ("voter_list_published", "选民名单"),
    ("initial_candidates_published", "初步候选人名单"),
    ("candidates_published", "正式候选人名单"),
)


def check(record: Record, profile: Profile) -> list[Finding]:
    schedule = record.data.get("schedule", {})
    day = election_day(record.data)
    if day is None:
        return _no_election_day(record, schedule)
    out = _after_election_day(record, schedule, day)
    for key, field, rule_id, title in LISTS:
        out += _deadline(record, profile, schedule, day, key, field, rule_id, title)
    out += _objection(record, profile, schedule, day)
    out += _sequence(record, schedule)
    out += _rounds(record, day)
    return out


def _date(schedule: dict, field: str) -> dt.date | None:
    return parse_date(schedule.get(field))


def _latest(profile: Profile, key: str, day: dt.date) -> dt.date | None:
    """The last day a list may be published under the profile's deadline, or None without one."""
    spec = profile.deadlines.get(key)
    return day - dt.timedelta(days=spec.days) if spec else None


def _no_election_day(record: Record, schedule: dict) -> list[Finding]:
    if not any(_date(schedule, field) for field, _ in BEFORE_DAY):
        return []
    return [
        record.finding(
            "DEADLINE-NO-ELECTION-DAY",
            Severity.INFO,
            "日程中没有填写选举日（election_day），无法核对各项名单的公布期限。确定选举日后请填写。",
            ("schedule",),
        )
    ]


def _deadline(
    record: Record, profile: Profile, schedule: dict, day: dt.date, key: str, field: str, rule_id: str, title: str
) -> list[Finding]:
    """A list published fewer than N days before 选举日."""
    spec = profile.deadlines.get(key)
    published = _date(schedule, field)
    latest = _latest(profile, key, day)
    if spec is None or latest is None or published is None or published <= latest or published > day:
        return []  # after 选举日 itself: DEADLINE-ORDER says so
    days = spec.days
    gap = (day - published).days
    return [
        record.finding(
            rule_id,
            Severity.ERROR,
            f"{title}于 {cn(published)} 公布，距选举日 {cn(day)} 仅 {gap} 日，应在选举日 {days} 日前公布"
            f"（最迟 {cn(latest)}）。请核对公布日期；如确实公布晚了，选举日应推迟到 "
            f"{cn(published + dt.timedelta(days=days))} 或以后。",
            ("schedule", field),
            citation=profile.cite(spec.article),
        )
    ]


def _objection(record: Record, profile: Profile, schedule: dict, day: dt.date) -> list[Finding]:
    """The voter-list objection window and decision must end before 选举日 (counted from the next day)."""
    spec = profile.objection
    published = _date(schedule, "voter_list_published")
    if not spec or published is None or published > day:
        return []
    latest = _latest(profile, "voter_list", day)
    if latest is not None and published > latest:
        return []  # DEADLINE-VOTER-LIST already says the list is late
    window_end = published + dt.timedelta(days=spec.days)
    decided_by = window_end + dt.timedelta(days=spec.decision_days)
    if decided_by < day:
        return []
    return [
        record.finding(
            "DEADLINE-OBJECTION",
            Severity.WARNING,
            f"选民名单于 {cn(published)} 公布，异议期从次日起算 {spec.days} 日，至 {cn(window_end)} 届满；"
            f"对最后一天提出的异议，选举委员会最迟可在 {spec.decision_days} 日后即 {cn(decided_by)} 作出处理决定，"
            f"而选举日是 {cn(day)}，异议可能来不及在选举前处理完毕。请提前公布选民名单，或推迟选举日。",
            ("schedule", "voter_list_published"),
            citation=profile.cite(spec.article),
        )
    ]


def _after_election_day(record: Record, schedule: dict, day: dt.date) -> list[Finding]:
    """Notices that must precede 选举日 but are dated after it."""
    out = []
    for field, title in BEFORE_DAY:
        published = _date(schedule, field)
        if published is not None and published > day:
            out.append(
                record.finding(
                    "DEADLINE-ORDER",
                    Severity.ERROR,
                    f"{title}的公布日 {cn(published)} 晚于选举日 {cn(day)}。名单和公告须在选举日前公布，请核对日期。",
                    ("schedule", field),
                )
            )
    results = _date(schedule, "results_published")
    if results is not None and results < day:
        out.append(
            record.finding(
                "DEADLINE-ORDER",
                Severity.ERROR,
                f"选举结果公布日 {cn(results)} 早于选举日 {cn(day)}，请核对日期。",
                ("schedule", "results_published"),
            )
        )
    return out


def _sequence(record: Record, schedule: dict) -> list[Finding]:
    """The steps in their natural order: committee, then lists; initial list before the formal one."""
    out = []
    pairs = (
        ("initial_candidates_published", "初步候选人名单", "candidates_published", "正式候选人名单"),
        ("committee_published", "选举委员会成员公告", "voter_list_published", "选民名单"),
    )
    for early, early_title, late, late_title in pairs:
        first, second = _date(schedule, early), _date(schedule, late)
        if first is not None and second is not None and first > second:
            out.append(
                record.finding(
                    "DEADLINE-ORDER",
                    Severity.WARNING,
                    f"{early_title}的公布日 {cn(first)} 晚于{late_title}的公布日 {cn(second)}，顺序颠倒，请核对日期。",
                    ("schedule", early),
                )
            )
    formed = parse_date(record.data.get("committee", {}).get("formed_on"))
    published = _date(schedule, "committee_published")
    if formed is not None and published is not None and formed > published:
        out.append(
            record.finding(
                "DEADLINE-ORDER",
                Severity.WARNING,
                f"选举委员会的推选日期 {cn(formed)} 晚于其成员公告日 {cn(published)}，请核对日期。",
                ("committee", "formed_on"),
            )
        )
    return out


def _rounds(record: Record, day: dt.date) -> list[Finding]:
    """Voting starts on 选举日; later rounds do not precede earlier ones; results follow the last vote."""
    all_contests = contests(record.data)
    out = []
    last: dt.date | None = None
    for contest in all_contests:
        previous: dt.date | None = None
        for i, rnd in enumerate(contest.rounds):
            date = parse_date(rnd.get("date"))
            if date is None:
                continue
            title = label(contest, all_contests) + round_label(contest, i, rnd)
            path = contest.at("rounds", i, "date")
            if date < day:
                out.append(
                    record.finding(
                        "DEADLINE-ORDER",
                        Severity.ERROR,
                        f"{title}投票日期 {cn(date)} 早于选举日 {cn(day)}，请核对日期。",
                        path,
                    )
                )
            elif previous is not None and date < previous:
                out.append(
                    record.finding(
                        "DEADLINE-ORDER",
                        Severity.ERROR,
                        f"{title}投票日期 {cn(date)} 早于上一轮的 {cn(previous)}，请核对日期或轮次顺序。",
                        path,
                    )
                )
            previous = max(previous or date, date)
            last = max(last or date, date)
    results = _date(record.data.get("schedule", {}), "results_published")
    if results is not None and last is not None and day <= results < last:
        out.append(
            record.finding(
                "DEADLINE-ORDER",
                Severity.ERROR,
                f"选举结果公布日 {cn(results)} 早于最后一轮投票日期 {cn(last)}，请核对日期。",
                ("schedule", "results_published"),
            )
        )
    return out
