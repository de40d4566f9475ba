"""The roll as a sheet brings it: voting age on the election day, ID numbers (GB 11643), a voter in two groups."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .. import idnumber
from ..findings import Finding, Severity
from ..model import Contest, contests, election_day
from ..profile import Profile
from ..records import Record
from .completeness import label, name_key

__all__ = ["check", "voters_of", "birth_of"]

GB11643 = "GB 11643-1999《公民身份号码》"

Entry = tuple[tuple, str, str, dict]  # (path of the voter, group name, name, the voter's fields)


def voters_of(contest: Contest) -> list[Entry]:
    """Every voter of the contest's roll written as an object (`{name, sex, birth, id_number, …}`)."""
    out = []
    for g, group in enumerate(contest.electorate.get("groups") or []):
        for v, voter in enumerate(group.get("voters") or []):
            if isinstance(voter, dict):
                out.append(
                    (contest.at("electorate", "groups", g, "voters", v), group.get("name", ""), voter["name"], voter)
                )
    return out


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def birth_of(voter: dict) -> tuple[dt.date | None, str]:
    """(birth date, where it comes from): the ID number's when the number is sound, else a full `birth`."""
    number = idnumber.normalise(str(voter.get("id_number") or ""))
    if number and idnumber.problem(number) is None:
        return idnumber.birth_date(number), "身份证号"
    birth = str(voter.get("birth") or "")
    return (_date(birth) if len(birth) == 10 else None), "出生日期"


def check(record: Record, profile: Profile) -> list[Finding]:
    all_contests = contests(record.data)
    out: list[Finding] = []
    day = election_day(record.data)
    for contest in all_contests:
        where = label(contest, all_contests)
        entries = voters_of(contest)
        if not entries:
            continue
        for entry in entries:
            out += _number(record, where, entry)
            if day is not None and profile.voter_roll.min_age is not None:
                out += _age(record, profile, where, entry, day)
        out += _twice(record, where, entries)
    return out


def _number(record: Record, where: str, entry: Entry) -> list[Finding]:
    path, group, name, voter = entry
    raw = voter.get("id_number")
    if not raw:
        return []
    number = idnumber.normalise(str(raw))
    problem = idnumber.problem(number)
    if problem is not None:
        return [
            record.finding(
                "ROLL-ID-NUMBER",
                Severity.WARNING,
                f"{where}{group}选民“{name}”的身份证号“{idnumber.mask(number)}”{problem}。请对照身份证核对后改正。",
                path + ("id_number",),
                citation=GB11643,
            )
        ]
    out = []
    birth = str(voter.get("birth") or "")
    born = idnumber.birth_date(number)
    if birth and born is not None and not born.isoformat().startswith(birth):
        out.append(
            record.finding(
                "ROLL-ID-BIRTH",
                Severity.WARNING,
                f"{where}{group}选民“{name}”的出生日期写的是 {birth}，身份证号中的出生日期是 {born.isoformat()}，"
                "两者不一致。请对照身份证核对出生日期或身份证号。",
                path + ("birth",),
                citation=GB11643,
            )
        )
    sex = voter.get("sex")
    if sex and idnumber.sex(number) not in (None, sex):
        out.append(
            record.finding(
                "ROLL-ID-SEX",
                Severity.WARNING,
                f"{where}{group}选民“{name}”的性别写的是{sex}，身份证号第 17 位表示{idnumber.sex(number)}，两者不一致。"
                "请对照身份证核对性别或身份证号。",
                path + ("sex",),
                citation=GB11643,
            )
        )
    return out


def _age(record: Record, profile: Profile, where: str, entry: Entry, day: dt.date) -> list[Finding]:
    path, group, name, voter = entry
    minimum = profile.voter_roll.min_age or 0
    born, source = birth_of(voter)
    cite = profile.cite(profile.voter_roll.article)
    if born is None:
        birth = str(voter.get("birth") or "")
        month = _date(birth + "-01") if len(birth) == 7 else None
        if month is None or (day.year - month.year, day.month) != (minimum, month.month):
            return []
        return [
            record.finding(
                "ROLL-AGE",
                Severity.INFO,
                f"{where}{group}选民“{name}”出生于 {birth}，只写了年月，无法确定到选举日 {day.isoformat()} 是否年满 "
                f"{minimum} 周岁。请补全出生日期（写作 {birth}-日）或身份证号。",
                path + ("birth",),
                citation=cite,
            )
        ]
    age = idnumber.age_on(born, day)
    if age >= minimum:
        return []
    field = "id_number" if source == "身份证号" else "birth"
    return [
        record.finding(
            "ROLL-AGE",
            Severity.ERROR,
            f"{where}{group}选民“{name}”按{source}生于 {born.isoformat()}，到选举日 {day.isoformat()} 未满 {minimum} "
            f"周岁（{age} 岁），没有选举权。请从选民名单中删去此人，或核对{source}。",
            path + (field,),
            citation=cite,
        )
    ]


def _twice(record: Record, where: str, entries: list[Entry]) -> list[Finding]:
    """One ID number on two voters: in one group a duplicate, in two groups a voter registered twice."""
    by_number: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        number = idnumber.normalise(str(entry[3].get("id_number") or ""))
        if number:
            by_number[number].append(entry)
    by_person: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        if not entry[3].get("id_number") and entry[3].get("birth"):
            by_person[(name_key(entry[2]), str(entry[3]["birth"]))].append(entry)
    out = []
    for number, same in by_number.items():
        if len(same) < 2:
            continue
        groups = list(dict.fromkeys(e[1] for e in same))
        names = "、".join(dict.fromkeys(f"“{e[2]}”" for e in same))
        if len(groups) > 1:
            out.append(
                record.finding(
                    "ROLL-TWO-GROUPS",
                    Severity.ERROR,
                    f"{where}身份证号 {idnumber.mask(number)} 在{'、'.join(groups)}各登记了一次（{names}）："
                    "一名选民只能在一个小组登记、只有一个投票权。请删去多余的一处。",
                    same[1][0] + ("id_number",),
                )
            )
        else:
            out.append(
                record.finding(
                    "ROLL-ID-DUPLICATE",
                    Severity.ERROR,
                    f"{where}{groups[0]}中{names}的身份证号相同（{idnumber.mask(number)}，共 {len(same)} 处）："
                    "同一人重复登记，或有号码录错。请核对后删去重复的一处或改正号码。",
                    same[1][0] + ("id_number",),
                )
            )
    for (_, birth), same in by_person.items():
        groups = list(dict.fromkeys(e[1] for e in same))
        if len(groups) > 1:
            out.append(
                record.finding(
                    "ROLL-TWO-GROUPS",
                    Severity.WARNING,
                    f"{where}“{same[0][2]}”（出生日期 {birth}）在{'、'.join(groups)}各登记了一次，可能是同一人重复登记。"
                    "如是同一人，请删去多余的一处；如是同名同生日的两个人，请补上身份证号加以区分。",
                    same[1][0] + ("name",),
                )
            )
    return out
