"""组织委派: an appointment must name the appointee and the appointing body, and fill a seat left open.

A contest may record that no election was held, or that it left seats open, and that the organisation
appointed someone temporarily (`appointment`: one mapping or a list). The tally (`pipeline.outcome`) counts
each appointment against the seats still open, never as elected. Here: an appointment without the appointee's
name or the appointing body is an error (`APPOINTMENT-INCOMPLETE`: it would be printed as "由…委派…"); an
appointment with no open seat to take (the contest elected everyone, or its post is not one of the contest's)
is a warning (`APPOINTMENT-UNNEEDED`), since it is left out of every figure. A top-level `appointment` in a
record that has `contests` would be read by no contest: `RECORD-CONTESTS-MIXED`, as for the other contest fields.
"""

from __future__ import annotations

from ..findings import Finding, Severity
from ..model import Contest, RecordPath, contests
from ..outcome import Outcome, appointment_posts
from ..profile import Profile
from ..records import Record
from .completeness import label

__all__ = ["check"]


def _path(contest: Contest, index: int) -> RecordPath:
    """Where the appointment stands: `appointment` when it is one mapping, `appointment[i]` in a list."""
    if isinstance(contest.data.get("appointment"), list):
        return contest.at("appointment", index)
    return contest.at("appointment")


def _who(appointment: dict, index: int) -> str:
    name = str(appointment.get("name") or "").strip()
    return f"委派的{name}" if name else f"第 {index + 1} 项委派"


def check(record: Record, profile: Profile, outcome: Outcome) -> list[Finding]:
    """Findings on every contest's `appointment`."""
    out: list[Finding] = []
    if "contests" in record.data and "appointment" in record.data:
        # The schema's own check of the two forms (schema._CONTEST_FIELDS) predates this field: the same finding.
        out.append(
            record.finding(
                "RECORD-CONTESTS-MIXED",
                Severity.ERROR,
                "记录已用 contests 分场次，顶层不能再写 appointment；请把它移到相应场次下。",
                ("appointment",),
                key=True,
            )
        )
    all_contests = contests(record.data)
    for contest, result in zip(all_contests, outcome.contests, strict=False):
        appointments = contest.appointments
        if not appointments:
            continue
        where = label(contest, all_contests)
        open_seats = {p: n + len(result.appointed.get(p, [])) for p, n in result.vacant.items()}
        posts = appointment_posts(contest, open_seats)
        for i, (appointment, post) in enumerate(zip(appointments, posts, strict=True)):
            path = _path(contest, i)
            lacking = [
                text
                for key, text in (("name", "被委派人姓名（name）"), ("appointed_by", "委派单位（appointed_by）"))
                if not str(appointment.get(key) or "").strip()
            ]
            if lacking:
                out.append(
                    record.finding(
                        "APPOINTMENT-INCOMPLETE",
                        Severity.ERROR,
                        f"{where}组织委派的第 {i + 1} 项没有填写{'和'.join(lacking)}。"
                        "请填写被委派暂代的人和作出委派的组织（如 新城街道党工委），文书和工作总结要写明由谁委派了谁。",
                        path,
                    )
                )
            if post is not None:
                continue
            named = appointment.get("post")
            if isinstance(named, str) and named and named not in contest.seats:
                message = (
                    f"{where}{_who(appointment, i)}暂代的职位“{named}”不是本场次的职位"
                    f"（seats 中有：{'、'.join(contest.seats) or '无'}），该委派不计入统计。请改正 post。"
                )
            else:
                message = (
                    f"{where}本场次已选出全部名额，没有空缺需要组织委派，{_who(appointment, i)}不计入统计。"
                    "请核对选举结果，或删去这项 appointment。"
                )
            out.append(record.finding("APPOINTMENT-UNNEEDED", Severity.WARNING, message, path))
    return out
