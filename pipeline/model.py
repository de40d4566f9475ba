"""Read-only views of a schema-valid record: contests, seats, candidates and rounds with their paths.

A record holds either one contest at its top level (`seats`, `electorate`, `candidates`,
`rounds`) or several under `contests`. Everything downstream works on `Contest` views, each
carrying the path prefix of its data so findings point at the right lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

__all__ = ["Data", "RecordPath", "Contest", "contests", "parse_date", "election_day"]

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
    def rounds(self) -> list[Data]:
        rounds: list[Data] = self.data.get("rounds", [])
        return rounds

    def at(self, *parts: str | int) -> RecordPath:
        """The record path of a part of this contest, e.g. contest.at('rounds', 0, 'votes')."""
        return self.path + parts


def contests(data: Data) -> list[Contest]:
    """The contests of a record, single-contest form included."""
    if "contests" in data:
        return [
            Contest(name=c.get("name", f"第{i + 1}场"), path=("contests", i), data=c)
            for i, c in enumerate(data["contests"])
        ]
    single: Data = {k: data[k] for k in ("seats", "electorate", "candidates", "rounds") if k in data}
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
