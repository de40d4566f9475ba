"""Checking records: reading, schema validation and (later stages) rule checks, for many files at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import outcome as tally
from . import records, rules, schema
from . import stats as statistics
from .findings import Finding, Severity, has_errors
from .profile import Profile, ProfileError, select


@dataclass
class CheckResult:
    """The findings of one file, and the record when it could be read."""

    file: str
    record: records.Record | None
    findings: list[Finding] = field(default_factory=list)
    profile: Profile | None = None
    outcome: tally.Outcome | None = None
    stats: statistics.Stats | None = None

    @property
    def unreadable(self) -> bool:
        return any(f.unreadable for f in self.findings)

    @property
    def ok(self) -> bool:
        return self.record is not None and not has_errors(self.findings)


def check_record(record: records.Record, findings: list[Finding] | None = None) -> CheckResult:
    """Schema validation, then (for a schema-valid record) profile, outcome, statistics and rule checks."""
    findings = list(findings or []) + schema.validate(record)
    result = CheckResult(file=record.file, record=record, findings=findings)
    if has_errors(findings):
        return result
    try:
        result.profile = select(record.data)
    except ProfileError as exc:
        findings.append(record.finding("PROFILE-UNKNOWN", Severity.ERROR, str(exc), (exc.field,)))
        return result
    result.outcome = tally.compute(record.data, result.profile)
    result.stats = statistics.compute_stats(record.data, result.outcome, places=statistics.record_places(record.data))
    findings += rules.run_checks(record, result.profile, result.outcome, result.stats)
    return result


def check_file(file: str) -> CheckResult:
    record, findings = records.load(file)
    if record is None:
        return CheckResult(file=file, record=None, findings=findings)
    return check_record(record, findings)


def check_files(files: Iterable[str]) -> list[CheckResult]:
    return [check_file(file) for file in files]


def exit_code(results: Iterable[CheckResult], strict: bool = False) -> int:
    """0 clean, 1 findings in the data, 2 some input could not be read at all."""
    results = list(results)
    if any(r.unreadable for r in results):
        return 2
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if any(f.severity in failing for r in results for f in r.findings):
        return 1
    return 0


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Files as given; a folder stands for every .yaml/.yml file below it, in sorted order."""
    import os

    files: list[str] = []
    for item in inputs:
        if os.path.isdir(item):
            found = sorted(
                os.path.join(root, name)
                for root, _, names in os.walk(item)
                for name in names
                if name.endswith((".yaml", ".yml"))
            )
            files.extend(found or [item])
        else:
            files.append(item)
    return files
