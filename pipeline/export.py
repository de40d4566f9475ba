"""Workbooks for people from one checked election: 当选人员花名册, 候选人名单, 计票结果, 统计 (`huanjie export`).

Each part is one sheet laid out by `documents.reporting.table_sheet` (the roster's .xlsx companion uses it too):
a merged title row, a bold header frozen and repeated on every printed page, A4 fit to width, landscape where
wide. Numbers are numbers, dates real dates, shares numbers with a % format of the record's `percent_places`
(rounded half up by `formatting.ratio`, the rule of every document), so a sheet sums and filters as it shows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from . import formatting
from .documents.common import Election, titled
from .documents.reporting import ROSTER_COLUMNS, elected_people, roster_row, table_sheet
from .errors import HuanjieError
from .model import parse_date
from .stats import AGE_BANDS, EDUCATION_GROUPS, UNKNOWN, age_on
from .words import LATER_ROUND_ACTIONS, ROUND_TITLES

__all__ = ["PARTS", "UnknownPart", "parts_of", "Exported", "export_workbook", "DRAFT_MARK"]

# key -> (Chinese name a user types, sheet name)
PARTS: dict[str, tuple[str, str]] = {
    "roster": ("花名册", "当选人员花名册"),
    "candidates": ("候选人", "候选人名单"),
    "tally": ("计票", "计票结果"),
    "stats": ("统计", "统计"),
}
DRAFT_MARK = "草稿（未通过校验）"
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = 'yyyy"年"m"月"'


class UnknownPart(HuanjieError):
    """A `--what` that names no part."""

    def __init__(self, word: str):
        choices = "、".join(f"{zh}（{key}）" for key, (zh, _) in PARTS.items())
        super().__init__(f"未知的导出内容“{word}”。可选：{choices}，或 all（全部）。")


def parts_of(values: Iterable[str]) -> list[str]:
    """The part keys `--what` names (Chinese or English, repeated or comma-separated), in the workbook's order.

    Nothing named, or `all`/`全部`, gives every part.
    """
    names = {key: key for key in PARTS}
    for key, (zh, sheet) in PARTS.items():
        names[zh] = names[sheet] = key
    wanted: set[str] = set()
    words = [w.strip() for value in values for w in re.split(r"[,，、]", value) if w.strip()]
    for word in words:
        if word.lower() in ("all", "全部"):
            wanted.update(PARTS)
        elif word.lower() in names or word in names:
            wanted.add(names.get(word.lower(), names.get(word, "")))
        else:
            raise UnknownPart(word)
    return [key for key in PARTS if key in wanted or not words]


@dataclass
class Exported:
    """The workbook's bytes and, per sheet, how many rows of data it holds (for the command's summary)."""

    data: bytes
    sheets: list[tuple[str, int]] = field(default_factory=list)


def export_workbook(e: Election, parts: list[str], draft: bool = False) -> Exported:
    """One sheet per part key of `parts` (see `parts_of`); `draft` marks every title 草稿（未通过校验）."""
    from openpyxl import Workbook

    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    out = Exported(b"")
    places = e.stats.places
    for key in parts:
        columns, rows, formats, landscape = _MAKERS[key](e, places)
        columns = _fitted(columns, rows)
        left = (0,) if key == "stats" else ()
        sheet_name = PARTS[key][1]
        title = "".join(titled(e.election_name, sheet_name if key != "stats" else "统计表"))
        if draft:
            title = f"{title}　{DRAFT_MARK}"
        note = _stats_note(e) if key == "stats" else None
        table_sheet(
            book.create_sheet(),
            sheet_name,
            title,
            columns,
            rows,
            landscape=landscape,
            formats=formats,
            left=left,
            note=note,
        )
        out.sheets.append((sheet_name, len(rows)))
    buffer = io.BytesIO()
    book.save(buffer)
    out.data = buffer.getvalue()
    return out


def _fitted(columns, rows: list[list]) -> list[tuple[str, int]]:
    """Each column at least as wide as its longest text (a CJK character counts 2), up to 40."""

    def width(value: object) -> int:
        if not isinstance(value, str):
            return 0
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in value) + 2

    return [
        (name, max(given, min(40, max([width(name)] + [width(row[i]) for row in rows if i < len(row)]))))
        for i, (name, given) in enumerate(columns)
    ]


def _stats_note(e: Election) -> str:
    lab = e.turnout_labels()
    return (
        f"注：{lab.rate}为{lab.measure}占{lab.base}的比例；性别、年龄段、文化程度、党员、连任的占比以当选人数为分母"
        "（同届第一级已当选的不重复计算）；一次选举成功的占比以已计票的场次为分母。"
    )


def percent_format(places: int) -> str:
    """The Excel format of a share with `places` decimals: 0.00% for 2."""
    return "0" + ("." + "0" * places if places else "") + "%"


def share(count: int | None, base: int | None, places: int) -> float | str:
    """count/base as a number (0.7656 for 76.56%), rounded half up as the documents round it; "—" when unknown."""
    if count is None or not base:
        return formatting.DASH
    return float(formatting.ratio(count * 100, base, places) / Decimal(100))


def _month(value: object) -> dt.date | str:
    """A record's birth "1975-08" as the date 1975-08-01 (shown 1975年8月), else "—"."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", str(value or "").strip())
    if not match or not 1 <= int(match[2]) <= 12:
        return formatting.DASH
    return dt.date(int(match[1]), int(match[2]), 1)


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text


# --------------------------------------------------------------------------------------------
# 当选人员花名册: the roster's own columns and rows (reporting.roster_row), with numbers and dates typed
# --------------------------------------------------------------------------------------------
def _roster(e: Election, places: int):
    rows = []
    for i, person in enumerate(elected_people(e)):
        row: list = roster_row(person | {"no": str(i + 1)})
        row[0] = i + 1
        row[5] = _month(person["born"])
        row[6] = _number(row[6])
        row[10] = _number(row[10])
        rows.append(row)
    return ROSTER_COLUMNS, rows, {5: MONTH_FORMAT}, True


# --------------------------------------------------------------------------------------------
# 候选人名单: per contest and post, in ballot order, with the fields the record has
# --------------------------------------------------------------------------------------------
_CANDIDATE_FIELDS = (  # (record key, header, width)
    ("gender", "性别", 6),
    ("ethnicity", "民族", 8),
    ("birth", "出生年月", 12),
    ("age", "年龄", 6),
    ("education", "文化程度", 10),
    ("politics", "政治面貌", 12),
    ("incumbent", "是否现任", 8),
    ("nominated_by", "提名方式", 14),
    ("nomination_votes", "提名得票", 8),
    ("workplace", "工作单位及职务", 28),
)


def _candidates(e: Election, places: int):
    day = parse_date(e.schedule.get("election_day"))
    listed = []  # (contest name, post, candidate)
    for view, _ in e.pairs():
        for post in view.seats:
            people = {c["name"]: c for _, c in view.formal_candidates(post)}
            for name in e.sort(list(people)):
                listed.append((view.name if e.multi else "", post, people[name]))
    has = {key for _, _, c in listed for key in c if c.get(key) not in (None, "")}
    if "birth" in has:
        has.add("age")
    fields = [f for f in _CANDIDATE_FIELDS if f[0] in has]
    columns = [("序号", 6)] + ([("场次", 12)] if e.multi else []) + [("职位", 12), ("姓名", 10)]
    columns += [(header, width) for _, header, width in fields]
    rows = []
    for i, (where, post, c) in enumerate(listed):
        row: list = [i + 1] + ([where] if e.multi else []) + [post, c["name"]]
        for key, _, _ in fields:
            value = c.get(key)
            if key == "birth":
                value = _month(value)
            elif key == "age":
                age = age_on(c.get("birth"), day)
                value = age if age is not None else formatting.DASH
            elif key == "incumbent":
                value = "是" if value is True else "否" if value is False else formatting.DASH
            elif value in (None, ""):
                value = formatting.DASH
            row.append(value)
        rows.append(row)
    birth = next((i for i, (name, _) in enumerate(columns) if name == "出生年月"), None)
    return columns, rows, ({birth: MONTH_FORMAT} if birth is not None else {}), len(columns) > 8


# --------------------------------------------------------------------------------------------
# 计票结果: one row per candidate, round and post, with the round's ballots and the post's threshold
# --------------------------------------------------------------------------------------------
def _tally(e: Election, places: int):
    columns = ([("场次", 12)] if e.multi else []) + [
        ("轮次", 12),
        ("投票日期", 12),
        ("职位", 10),
        ("应选", 6),
        ("发出选票", 9),
        ("收回选票", 9),
        ("有效票", 8),
        ("无效票", 8),
        ("当选最低票数", 10),
        ("姓名", 10),
        ("得票数", 8),
        ("占有效票", 10),
        ("结果", 14),
    ]
    rows = []
    dash = formatting.DASH
    for view, result in e.pairs():
        for n, rnd in enumerate(result.rounds, 1):
            day = parse_date(rnd.date) or dash
            for post in rnd.posts:
                for name, votes in post.tally:
                    if not rnd.valid:
                        outcome = "本轮无效"
                    elif name in post.elected:
                        outcome = "当选"
                    elif name in post.revote_among:
                        outcome = "重新投票"
                    elif name in post.runoff_candidates:
                        outcome = "另行选举候选人"
                    elif name in post.write_ins:
                        outcome = "另选他人"
                    else:
                        outcome = ""
                    rows.append(
                        ([view.name] if e.multi else [])
                        + [
                            f"第{n}轮 {_round_title(n, rnd.type)}",
                            day,
                            post.post,
                            post.seats,
                            _or_dash(rnd.issued),
                            _or_dash(rnd.returned),
                            _or_dash(rnd.valid_ballots),
                            _or_dash(rnd.invalid),
                            _or_dash(post.threshold),
                            name,
                            votes,
                            share(votes, rnd.valid_ballots, places),
                            outcome,
                        ]
                    )
    first = 1 if e.multi else 0
    return columns, rows, {first + 1: DATE_FORMAT, first + 11: percent_format(places)}, True


def _round_title(n: int, rtype: str) -> str:
    """首次选举 for the first round; a later `first` (after a void one) is a 重新选举."""
    if rtype == "first" and n > 1:
        return LATER_ROUND_ACTIONS["first"]
    return ROUND_TITLES.get(rtype, rtype)


def _or_dash(value: int | None) -> int | str:
    return formatting.DASH if value is None else value


# --------------------------------------------------------------------------------------------
# 统计: the figures `stats` computes, counts and shares
# --------------------------------------------------------------------------------------------
def _stats(e: Election, places: int):
    s = e.stats
    lab = e.turnout_labels()
    noun, unit = e.elector
    members = s.members
    rows: list[list] = [
        ["选举场次", s.contests, "场", ""],
        [f"登记{noun}", s.registered, unit, ""],
        [lab.measure, s.participants, unit, ""],
        [lab.rate, "", "", share(s.participants, s.turnout_base, places)],
        ["应选名额", s.seats, "名", ""],
        ["正式候选人", s.candidates, "名", ""],
        ["当选", s.elected, "名", ""],
    ]
    if s.repeat_members:
        rows.append(["其中新当选人员（不重复计算）", members, "名", ""])
    rows.append(["缺额", s.vacant, "名", ""])
    if s.appointed:
        rows.append(["组织委派暂代", s.appointed, "名", ""])
    rows += [["女性", s.women, "名", share(s.women, members, places)]]
    rows += [["男性", s.sex.get("男", 0), "名", share(s.sex.get("男", 0), members, places)]]
    rows += [[band, s.age.get(band, 0), "名", share(s.age.get(band, 0), members, places)] for band in AGE_BANDS]
    rows += [
        [f"文化程度{group}", s.education.get(group, 0), "名", share(s.education.get(group, 0), members, places)]
        for group in EDUCATION_GROUPS
    ]
    unknown_age, unknown_education = s.age.get(UNKNOWN, 0), s.education.get(UNKNOWN, 0)
    if unknown_age:
        rows.append(["年龄未填", unknown_age, "名", share(unknown_age, members, places)])
    if unknown_education:
        rows.append(["文化程度未填", unknown_education, "名", share(unknown_education, members, places)])
    rows += [
        ["中共党员（含预备党员）", s.party, "名", share(s.party, members, places)],
        ["连任", s.incumbents, "名", share(s.incumbents, members, places)],
        ["一次选举成功的场次", s.filled_first_round, "场", share(s.filled_first_round, s.contests_counted, places)],
        ["另行选举", s.runoffs_held, "轮", ""],
        ["无效的投票轮次", s.invalid_rounds, "轮", ""],
    ]
    columns = [("项目", 28), ("数值", 10), ("单位", 6), ("占比", 10)]
    return columns, rows, {3: percent_format(places)}, False


_MAKERS = {"roster": _roster, "candidates": _candidates, "tally": _tally, "stats": _stats}
