"""Read-only views of a schema-valid record: contests, seats, candidates and rounds with their paths.

A record holds either one contest at its top level (`seats`, `electorate`, `candidates`,
`rounds`) or several under `contests`. Everything downstream works on `Contest` views, each
carrying the path prefix of its data so findings point at the right lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Contest:
    """One contest: its seats, electorate, candidates and rounds, and where it stands in the record."""

    name: str
    path: tuple  # () for a single-contest record, ("contests", i) otherwise
    data: dict

    @property
    def seats(self) -> dict[str, int]:
        """Post -> seats, in the record's order."""
        return {s["post"]: s["count"] for s in self.data.get("seats", [])}

    @property
    def total_seats(self) -> int:
        return sum(self.seats.values())

    @property
    def electorate(self) -> dict:
        return self.data.get("electorate", {})

    @property
    def registered(self) -> int | None:
        return self.electorate.get("registered")

    @property
    def candidates(self) -> list[dict]:
        return self.data.get("candidates", [])

    def formal_candidates(self, post: str | None = None) -> list[tuple[int, dict]]:
        """(index, candidate) of formal, not withdrawn candidates, optionally for one post."""
        return [
            (i, c)
            for i, c in enumerate(self.candidates)
            if c.get("formal", True) and not c.get("withdrawn", False) and (post is None or c["post"] == post)
        ]

    @property
    def rounds(self) -> list[dict]:
        return self.data.get("rounds", [])

    def at(self, *parts: Any) -> tuple:
        """The record path of a part of this contest, e.g. contest.at('rounds', 0, 'votes')."""
        return self.path + parts


def contests(data: dict) -> list[Contest]:
    """The contests of a record, single-contest form included."""
    if "contests" in data:
        return [
            Contest(name=c.get("name", f"第{i + 1}场"), path=("contests", i), data=c)
            for i, c in enumerate(data["contests"])
        ]
    single = {k: data[k] for k in ("seats", "electorate", "candidates", "rounds") if k in data}
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


def election_day(data: dict) -> dt.date | None:
    return parse_date(data.get("schedule", {}).get("election_day"))
