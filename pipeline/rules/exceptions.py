"""Approved exceptions (特批): a waivable rule's finding kept as 提示 citing the approval, and bad approvals found.

A record may list approvals under ``exceptions:`` (rule id, 理由, 批准单位, 批准日期, 文号, optionally the field
they cover). `apply(findings, approvals, catalogue)` is a pure function the spine calls once, after the rules: every
finding of a waivable rule that an approval covers becomes 提示 (its message says which approval), each approval
that took effect is listed as an ``EXCEPTION-APPLIED`` 提示, and an approval of an unknown id, of a rule the
catalogue does not mark ``waivable: true``, or one that covers no finding is itself a finding. The batch report and
the archive list the ``EXCEPTION-APPLIED`` findings (`applied`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..findings import Finding, Severity, format_path
from ..formatting import chinese_date
from ..records import Record

__all__ = ["APPLIED", "Approval", "Rule", "apply", "applied", "catalogue", "read"]

CATALOGUE = Path(__file__).with_name("catalogue.yaml")
APPLIED = "EXCEPTION-APPLIED"


@dataclass(frozen=True)
class Rule:
    """What the exceptions need of one catalogue entry: its id, what it checks, and whether it can be excepted."""

    id: str
    what: str
    waivable: bool = False


@dataclass(frozen=True)
class Approval:
    """One entry of ``exceptions:``, with the place of its ``rule`` value for the findings about it."""

    rule: str
    reason: str
    approved_by: str
    approved_on: str
    number: str
    field: str = ""  # a field path such as ``schedule.voter_list_published``; "" covers every finding of the rule
    index: int = 0  # its position in ``exceptions``
    file: str = ""
    line: int | None = None
    column: int | None = None

    @property
    def approval(self) -> str:
        """批准单位、日期、文号 as one phrase: “鹤田镇人民政府 2026年3月1日 批准，文号 鹤府〔2026〕12号”."""
        return f"{self.approved_by} {_date(self.approved_on)} 批准，文号 {self.number}"

    def covers(self, finding: Finding) -> bool:
        if finding.id != self.rule:
            return False
        if not self.field:
            return True
        return finding.path == self.field or finding.path.startswith((f"{self.field}.", f"{self.field}["))

    def finding(self, id: str, severity: Severity, message: str, part: str = "rule") -> Finding:
        path = format_path(("exceptions", self.index, part) if part else ("exceptions", self.index))
        return Finding(id, severity, message, self.file, self.line, self.column, path)


def _date(value: str) -> str:
    try:
        return chinese_date(value)
    except (TypeError, ValueError):
        return str(value)


@cache
def catalogue(path: Path = CATALOGUE) -> Mapping[str, Rule]:
    """The finding ids of `rules/catalogue.yaml` with their ``waivable`` flag (False unless marked true)."""
    entries: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(e["id"]): Rule(str(e["id"]), str(e["what"]), e.get("waivable") is True) for e in entries}


def read(record: Record) -> list[Approval]:
    """The approvals of a schema-valid record, in its order (none when it has no ``exceptions``)."""
    out = []
    for i, entry in enumerate(record.data.get("exceptions") or []):
        line, column = record.locate(("exceptions", i, "rule"))
        out.append(
            Approval(
                rule=str(entry["rule"]).strip(),
                reason=str(entry["reason"]).strip(),
                approved_by=str(entry["approved_by"]).strip(),
                approved_on=str(entry["approved_on"]),
                number=str(entry["number"]).strip(),
                field=str(entry.get("field") or "").strip(),
                index=i,
                file=record.file,
                line=line,
                column=column,
            )
        )
    return out


def apply(findings: Iterable[Finding], approvals: Iterable[Approval], rules: Mapping[str, Rule]) -> list[Finding]:
    """The findings with the approvals applied, then one finding per approval (applied, or why not)."""
    out = list(findings)
    original = list(out)
    about: list[Finding] = []
    for approval in approvals:
        rule = rules.get(approval.rule)
        if rule is None:
            about.append(
                approval.finding(
                    "EXCEPTION-UNKNOWN-RULE",
                    Severity.ERROR,
                    f"特批的检查编号 {approval.rule} 不存在，请按 README“检查编号一览”核对编号。",
                )
            )
            continue
        if not rule.waivable:
            about.append(
                approval.finding(
                    "EXCEPTION-NOT-WAIVABLE",
                    Severity.ERROR,
                    f"检查 {rule.id}（{rule.what.rstrip('。')}）不能特批：这是法定要求或数字本身的矛盾，"
                    "只能改正记录或依法重新组织选举；请删去这条特批。",
                )
            )
            continue
        hits = [i for i, f in enumerate(original) if approval.covers(f)]
        if not hits:
            scope = f"（字段 {approval.field}）" if approval.field else ""
            about.append(
                approval.finding(
                    "EXCEPTION-UNUSED",
                    Severity.WARNING,
                    f"特批（{approval.approval}）针对检查 {rule.id}{scope}，但本记录没有这项检查结果；"
                    "请核对编号和字段，或删去这条特批。",
                )
            )
            continue
        for i in hits:
            if out[i] is original[i]:  # an earlier approval already covers it
                out[i] = dataclasses.replace(
                    original[i],
                    severity=Severity.INFO,
                    message=f"{original[i].message}（已特批：{approval.approval}）",
                )
        about.append(
            approval.finding(
                APPLIED,
                Severity.INFO,
                f"已按特批处理检查 {rule.id} 的 {len(hits)} 项结果：{approval.approval}；理由：{approval.reason}。",
                part="",
            )
        )
    return out + about


def applied(findings: Iterable[Finding]) -> list[Finding]:
    """The ``EXCEPTION-APPLIED`` findings: every approval that took effect, for the batch report and the archive."""
    return [f for f in findings if f.id == APPLIED]
