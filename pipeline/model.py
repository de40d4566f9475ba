"""Read-only views of a schema-valid record: contests, seats, candidates and rounds with their paths.

A record holds either one contest at its top level (`seats`, `electorate`, `candidates`,
`rounds`) or several under `contests`. Everything downstream works on `Contest` views, each
carrying the path prefix of its data so findings point at the right lines; `Contest.round_views`
gives its rounds as `Round` views, so a missing part of a round reads as empty in one place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Data",
    "RecordPath",
    "Contest",
    "Round",
    "contests",
    "parse_date",
    "election_day",
    "STAFF_ROLES",
    "staff_places",
    "voter_name",
]

Data = dict[str, Any]  # a mapping of a schema-valid record, as read
RecordPath = tuple[str | int, ...]  # where a value stands in the record: ("contests", 0, "rounds", 1)


@dataclass(frozen=True)
class Contest:
    """One contest: its seats, electorate, candidates and rounds, and where it stands in the record."""

    name: str
    path: RecordPath  # () for a single-contest record, ("contests", i) otherwise
    data: Data

    @property
    def seats(self) -> dict[str, int]:
        """Post -> seats, in the record's order."""
        listed: list[Data] = self.data.get("seats", [])
        return {s["post"]: s["count"] for s in listed}

    @property
    def total_seats(self) -> int:
        return sum(self.seats.values())

    @property
    def electorate(self) -> Data:
        electorate: Data = self.data.get("electorate", {})
        return electorate

    @property
    def registered(self) -> int | None:
        registered: int | None = self.electorate.get("registered")
        return registered

    @property
    def candidates(self) -> list[Data]:
        candidates: list[Data] = self.data.get("candidates", [])
        return candidates

    def formal_candidates(self, post: str | None = None) -> list[tuple[int, Data]]:
        """(index, candidate) of formal, not withdrawn candidates, optionally for one post."""
        return [
            (i, c)
            for i, c in enumerate(self.candidates)
            if c.get("formal", True) and not c.get("withdrawn", False) and (post is None or c["post"] == post)
        ]

    @property
    def appointments(self) -> list[Data]:
        """The people the organisation appointed temporarily (`appointment`: one mapping or a list), as written."""
        value = self.data.get("appointment")
        if isinstance(value, dict):
            return [value]
        if isinstance(value, list):
            return [a for a in value if isinstance(a, dict)]
        return []

    @property
    def rounds(self) -> list[Data]:
        rounds: list[Data] = self.data.get("rounds", [])
        return rounds

    @property
    def round_views(self) -> list[Round]:
        """The rounds in the record's order, each as a `Round` view with its own path."""
        return [Round(index=i, path=self.at("rounds", i), data=rnd) for i, rnd in enumerate(self.rounds)]

    def at(self, *parts: str | int) -> RecordPath:
        """The record path of a part of this contest, e.g. contest.at('rounds', 0, 'votes')."""
        return self.path + parts


@dataclass(frozen=True)
class Round:
    """One round of a contest as written in the record: a missing part reads as empty, nothing is inferred.

    What a round decides (pending posts and seats, validity) is the tally's business (`pipeline.outcome`).
    """

    index: int  # from 0, in the contest's `rounds`
    path: RecordPath  # e.g. ("contests", 0, "rounds", 1)
    data: Data

    @property
    def type(self) -> str:
        """`first`, `revote` or `runoff`; a round without a type is a first round."""
        rtype: str = self.data.get("type") or "first"
        return rtype

    @property
    def date(self) -> dt.date | None:
        return parse_date(self.data.get("date"))

    @property
    def posts(self) -> list[str]:
        """The posts the round names (`posts`), as written; empty when it names none."""
        return [str(post) for post in self.data.get("posts") or []]

    @property
    def seats(self) -> dict[str, int]:
        """Post -> seats the round names (`seats`), as written; empty when it names none."""
        seats: dict[str, int] = self.data.get("seats") or {}
        return seats

    @property
    def ballots(self) -> Data:
        ballots: Data = self.data.get("ballots") or {}
        return ballots

    @property
    def votes(self) -> dict[str, dict[str, int]]:
        """Post -> candidate -> votes, as written; empty before the count."""
        votes: dict[str, dict[str, int]] = self.data.get("votes") or {}
        return votes

    @property
    def write_ins(self) -> dict[str, dict[str, int]]:
        """Post -> name -> votes for people not on the ballot (另选他人)."""
        write_ins: dict[str, dict[str, int]] = self.data.get("write_ins") or {}
        return write_ins

    @property
    def staff(self) -> Data:
        """The round's 选举工作人员 (`staff`: 总监票人, 计票人, 唱票人, 代书人, 主持人, times), as written."""
        staff: Data = self.data.get("staff") or {}
        return staff

    @property
    def counted(self) -> bool:
        """Whether the round has any votes recorded."""
        return bool(self.votes)

    def at(self, *parts: str | int) -> RecordPath:
        """The record path of a part of this round, e.g. rnd.at('votes', '主任')."""
        return self.path + parts


# The roles of `rounds[].staff` a candidate and a candidate's near relative may not take, with their words; the
# 监票人 stay in `rounds[].tellers` (records of earlier versions), the 流动票箱 teams in `mobile_boxes[].tellers`.
STAFF_ROLES: tuple[tuple[str, str], ...] = (
    ("chair", "大会主持人"),
    ("chief_scrutineer", "总监票人"),
    ("counters", "计票人"),
    ("callers", "唱票人"),
    ("writers", "代书人"),
)


def staff_places(contest: Contest, index: int, rnd: Data) -> list[tuple[RecordPath, str, str]]:
    """(path, name, role word) of every 选举工作人员 of round `index` named in `staff`, in STAFF_ROLES order."""
    staff: Data = rnd.get("staff") or {}
    out: list[tuple[RecordPath, str, str]] = []
    for key, word in STAFF_ROLES:
        value = staff.get(key)
        if isinstance(value, str):
            out.append((contest.at("rounds", index, "staff", key), value, word))
        elif isinstance(value, list):
            out += [(contest.at("rounds", index, "staff", key, j), str(n), word) for j, n in enumerate(value)]
    return out


def contests(data: Data) -> list[Contest]:
    """The contests of a record, single-contest form included."""
    if "contests" in data:
        return [
            Contest(name=c.get("name", f"第{i + 1}场"), path=("contests", i), data=c)
            for i, c in enumerate(data["contests"])
        ]
    keys = ("seats", "electorate", "candidates", "rounds", "appointment")
    single: Data = {k: data[k] for k in keys if k in data}
    short = data.get("unit", {}).get("short_name") or data.get("unit", {}).get("name", "")
    return [Contest(name=short, path=(), data=single)]


def parse_date(text: str | dt.date | None) -> dt.date | None:
    if not text:
        return None
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def election_day(data: Data) -> dt.date | None:
    return parse_date(data.get("schedule", {}).get("election_day"))


def voter_name(entry: Any) -> str:
    """The name of one voter of a roll (`electorate.groups[].voters[]`): today a name; an object with `name` too.

    Every reader of the roll's people goes through here, so the roll may list people as objects (name, sex, birth,
    id_number, address) without touching the documents that print names.
    """
    if isinstance(entry, dict):
        return str(entry.get("name") or "")
    return str(entry or "")
