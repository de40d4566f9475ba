"""The level's own input: a township's or county's `_汇总.yaml` (narrative, own counts, previous term, reported figures).

A folder of the tree may hold `_汇总.yaml` (`schemas/level.schema.json`): what no unit record holds. Its text goes
into the level's 工作总结; its places (one number, or one per figure: `stats.FIGURES`) apply to the level's text and
tables; its `reported` figures (the keys of a unit's `summary.reported`) are checked against the level's computed
totals at the precision typed, exactly as a unit's are (`rules.reported`): seed 004 篇5 reported 9700 of 12670 as
90 %, which is 76.56 %. A level file never counts as a unit record (`tree.discover` and `check` skip it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal

from ..documents.summary import ELECTORATE_WORDS
from ..findings import Finding, Severity
from ..formatting import percent, ratio
from ..paths import SCHEMAS_DIR
from ..records import Record, load
from ..rules.reported import _MEMBERS, COUNTS, SHARES, _places, _typed, truncated
from ..schema import _finding_id, _messages, _validator, load_schema
from ..stats import FIGURES, Stats

__all__ = [
    "LEVEL_FILE",
    "LEVEL_SCHEMA",
    "LevelInput",
    "load_level",
    "check_reported",
    "check_not_counted",
    "not_counted_why",
]

LEVEL_FILE = "_汇总.yaml"
LEVEL_SCHEMA = str(SCHEMAS_DIR / "level.schema.json")


@dataclass
class LevelInput:
    """A parsed, schema-valid `_汇总.yaml` (its `record` keeps where every value stands, for findings)."""

    record: Record
    data: dict = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.record.file

    @property
    def places(self) -> int | None:
        value = self.data.get("percent_places")
        if isinstance(value, dict):
            return value.get("default")
        return value if isinstance(value, int) else None

    @property
    def figure_places(self) -> dict[str, int]:
        value = self.data.get("percent_places")
        return {k: v for k, v in value.items() if k in FIGURES} if isinstance(value, dict) else {}

    @property
    def narrative(self) -> dict[str, list[str]]:
        """主要做法 (the level's own counts first), 存在问题, 下一步打算."""
        out = {key: [str(t).strip() for t in self.data.get(key) or [] if str(t).strip()] for key in NARRATIVE_KEYS}
        counts = [f"{c['item']}{c['count']}{c.get('unit', '')}" for c in self.data.get("counts") or []]
        if counts:
            out["practices"].insert(0, f"{'，'.join(counts)}。")
        return out

    @property
    def previous(self) -> dict:
        return dict(self.data.get("previous") or {})


NARRATIVE_KEYS = ("practices", "problems", "next_steps")


def load_level(folder: str) -> tuple[LevelInput | None, list[Finding]]:
    """The level file of `folder` (None when there is none or it is unusable) and the findings about it."""
    path = os.path.join(folder, LEVEL_FILE)
    if not os.path.isfile(path):
        return None, []
    record, findings = load(path)
    if record is None:
        return None, findings
    if not isinstance(record.data, dict):
        return None, [
            record.finding("SCHEMA-TYPE", Severity.ERROR, f"{LEVEL_FILE} 应是“键: 值”形式的设置，而不是列表或单个值。")
        ]
    schema = load_schema(LEVEL_SCHEMA)
    for error in _validator(LEVEL_SCHEMA).iter_errors(record.data):
        for message, where, key in _messages(error, schema):
            findings.append(record.finding(_finding_id(error), Severity.ERROR, message, where, key=key))
    if any(f.severity is Severity.ERROR for f in findings):
        findings.sort(key=lambda f: (f.line or 0, f.column or 0, f.id))
        return None, findings
    return LevelInput(record, record.data), findings


_FIGURE_OF = {"women_percent": "women", "party_percent": "party", "incumbent_percent": "incumbents"}


def _computed(key: str, stats: Stats, electorates: dict[str, list[int]]) -> tuple[int, int, str] | str:
    """(numerator in percent, denominator, computation) of a level's share, or why it cannot be checked."""
    if key == "turnout_percent":
        if len(electorates) > 1:
            return "本级合计中有不同类别的选举（如选民与党员），参选率应分类别填报"
        if not stats.turnout_base:
            return "本级尚无计票结果"
        who, measure, unit, rate = ELECTORATE_WORDS.get(next(iter(electorates), ""), ELECTORATE_WORDS["all_voters"])
        text = (
            f"本级合计{who} {stats.turnout_base} {unit}，{measure} {stats.participants} {unit}，"
            f"{rate}应为 {stats.turnout}"
        )
        return stats.participants * 100, stats.turnout_base, text
    if key == "first_round_success_percent":
        if not stats.contests_counted:
            return "本级尚无计票结果"
        text = (
            f"本级已投票的场次 {stats.contests_counted} 个，其中首次投票即选出全部名额的 "
            f"{stats.filled_first_round} 个，一次选举成功率应为 {stats.first_round_success}"
        )
        return stats.filled_first_round * 100, stats.contests_counted, text
    if not stats.members:
        return "本级尚无当选成员"
    share = _MEMBERS[key]
    count = share.count(stats)
    text = (
        f"本级新当选成员 {stats.members} 名，{share.what.format(n=count)}，"
        f"占比应为 {percent(count, stats.members, stats.places_for(_FIGURE_OF.get(key, 'share')))}"
    )
    return count * 100, stats.members, text


def check_reported(level: LevelInput, stats: Stats, electorates: dict[str, list[int]]) -> list[Finding]:
    """The level's `reported` figures against its computed totals, at the precision typed (like a unit's)."""
    reported = level.data.get("reported") or {}
    findings: list[Finding] = []
    for key in SHARES:
        typed = _typed(reported.get(key))
        if typed is None:
            continue
        path = ("reported", key)
        figures = _computed(key, stats, electorates)
        if isinstance(figures, str):
            findings.append(
                level.record.finding(
                    "STATS-REPORTED-UNVERIFIABLE",
                    Severity.INFO,
                    f"填报的{SHARES[key]} {typed}% 无法核对：{figures}。",
                    path,
                )
            )
            continue
        numerator, denominator, text = figures
        places = _places(typed)
        computed: Decimal = ratio(numerator, denominator, places)
        if computed == typed:
            continue
        message = f"本级填报的{SHARES[key]} {typed}% 与计算值不符：{text}。"
        if truncated(numerator, denominator, places) == typed:
            message += f"所填数字像是截断而未四舍五入：保留 {places} 位小数四舍五入应为 {computed}%。"
        findings.append(level.record.finding("STATS-REPORTED-MISMATCH", Severity.WARNING, message, path))
    for key, (name, read) in COUNTS.items():
        value = reported.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or read(stats) == value:
            continue
        findings.append(
            level.record.finding(
                "STATS-REPORTED-MISMATCH",
                Severity.WARNING,
                f"本级填报的{name} {value} 与计算值不符：按本级各单位记录合计应为 {read(stats)}。",
                ("reported", key),
            )
        )
    findings.sort(key=lambda f: (f.line or 0, f.column or 0))
    return findings


def not_counted_why(left_out: list[list[str]]) -> str:
    """Why a level has no figures: its units are all left out (by reason), or it holds no record at all."""
    if not left_out:
        return "本文件夹中没有选举记录，本级不生成工作总结和统计表"
    by_reason: dict[str, int] = {}
    for _, reason in left_out:
        by_reason[reason] = by_reason.get(reason, 0) + 1
    listed = "、".join(f"{n}个单位{reason}" for reason, n in by_reason.items())
    return f"本级的{len(left_out)}个单位都没有计入汇总（{listed}），本级不生成工作总结和统计表"


def check_not_counted(folder: str, why: str) -> list[Finding]:
    """The findings of the level file of a folder with no counted unit (issue 17 item 4): its own problems, and
    for every figure it reports a 提示 that it cannot be checked and `why` (`not_counted_why`; never silence, never
    a crash)."""
    level, findings = load_level(folder)
    if level is None:
        return findings
    reported = level.data.get("reported") or {}
    for key, name in (*SHARES.items(), *((k, n) for k, (n, _) in COUNTS.items())):
        value = reported.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        shown = f"{_typed(value)}%" if key in SHARES else str(value)
        findings.append(
            level.record.finding(
                "STATS-REPORTED-UNVERIFIABLE",
                Severity.INFO,
                f"填报的{name} {shown} 无法核对：{why}。",
                ("reported", key),
            )
        )
    findings.sort(key=lambda f: (f.line or 0, f.column or 0))
    return findings
