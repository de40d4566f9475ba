"""The spine: the only way to an evaluated election (record → schema → profile → outcome → stats → rules).

`check_record` is the one place that selects the profile and computes the outcome and the statistics of a record;
the rules get them as arguments and the documents are made only from its `CheckResult`
(`documents.Election.from_check`). `check_file`/`check_files` read records first, `expand_inputs` turns folders into record files. Exit codes are
the CLI's business (`cli.commands.check_exit_code`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import outcome as tally
from . import records, rules, schema
from . import stats as statistics
from .findings import Finding, Severity, has_errors
from .model import Contest, contests
from .profile import Profile, ProfileError, select
from .rules import basis, bodies, exceptions


@dataclass
class CheckResult:
    """The findings of one file, the record when it could be read, and its evaluation when the schema passed.

    `profile`, `outcome`, `stats` and `views` are all set (`evaluated`) or all unset: a record that could not be
    read, failed the schema or names no known profile is not evaluated. Rule errors do not stop the evaluation, so
    drafts can still be made from an evaluated result that is not `ok`.
    """

    file: str
    record: records.Record | None
    findings: list[Finding] = field(default_factory=list)
    profile: Profile | None = None
    outcome: tally.Outcome | None = None
    stats: statistics.Stats | None = None
    views: list[Contest] = field(default_factory=list)

    @property
    def unreadable(self) -> bool:
        return any(f.unreadable for f in self.findings)

    @property
    def ok(self) -> bool:
        return self.record is not None and not has_errors(self.findings)

    @property
    def evaluated(self) -> bool:
        """Whether profile, outcome and statistics were computed (documents can be made, as drafts at least)."""
        return self.record is not None and self.outcome is not None


def check_record(record: records.Record, findings: list[Finding] | None = None) -> CheckResult:
    """Schema validation, then (for a schema-valid record) profile, outcome, statistics and rule checks."""
    findings = list(findings or []) + schema.validate(record)
    result = CheckResult(file=record.file, record=record, findings=findings)
    if has_errors(findings):
        return result
    try:
        profile = select(record.data)
    except ProfileError as exc:
        findings.append(record.finding("PROFILE-UNKNOWN", Severity.ERROR, str(exc), (exc.field,)))
        return result
    findings += basis.check(record, profile)  # the named basis against the law in force on the day
    outcome = tally.compute(record.data, profile)
    stats = statistics.compute_stats(record.data, outcome, places=statistics.record_places(record.data))
    findings += rules.run_checks(record, profile, outcome, stats)
    result.findings = findings = exceptions.apply(findings, exceptions.read(record), exceptions.catalogue())
    result.profile, result.outcome, result.stats = profile, outcome, stats
    result.views = contests(record.data)
    return result


def check_data(data: dict, file: str = "") -> CheckResult:
    """`check_record` of a record given as data already read (no positions: its findings carry no line numbers)."""
    return check_record(records.Record(file=file, data=data, positions={}, key_positions={}))


def check_file(file: str) -> CheckResult:
    record, findings = records.load(file)
    if record is None:
        return CheckResult(file=file, record=None, findings=findings)
    return check_record(record, findings)


def check_files(files: Iterable[str]) -> list[CheckResult]:
    """Every file checked, then what only two records of one unit show together (一肩挑, 交叉任职: 提示)."""
    results = [check_file(file) for file in files]
    evaluated = [(r.record, r.outcome) for r in results if r.record is not None and r.outcome is not None]
    cross = bodies.cross_findings(evaluated)
    for result in results:
        result.findings.extend(cross.get(result.file, []))
    return results


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Files as given; a folder stands for every .yaml/.yml file and record workbook below it, in sorted order."""
    import os

    from .sheets.record import is_record_workbook

    files: list[str] = []
    for item in inputs:
        if os.path.isdir(item):
            found = sorted(
                os.path.join(root, name)
                for root, _, names in os.walk(item)
                for name in names
                if (name.endswith((".yaml", ".yml")) and name != "_汇总.yaml")  # _汇总.yaml: a level's own file
                or (name.lower().endswith(".xlsx") and is_record_workbook(os.path.join(root, name)))
            )
            files.extend(found or [item])
        else:
            files.append(item)
    return files
