"""Helpers shared by the tests: records from dicts or YAML text, and the evaluated election of a record.

`election_of` goes the one way the program goes (`check.check_record` → `Election.from_check`), so a test never
builds documents from an election the checks have not seen.
"""

from __future__ import annotations

import yaml

from pipeline import check, records, schema
from pipeline.documents import Election
from pipeline.findings import Severity


def make(data: dict | str, file: str = "t.yaml") -> records.Record:
    """A schema-valid Record from a dict or YAML text."""
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    record, findings = records.parse(text, file)
    assert record is not None and not findings, findings
    problems = [f for f in schema.validate(record) if f.severity is Severity.ERROR]
    assert not problems, [f.message for f in problems]
    return record


def checked(data: dict | str, file: str = "t.yaml") -> check.CheckResult:
    """The check result of a schema-valid record (rule errors allowed: documents may be drafts)."""
    result = check.check_record(make(data, file))
    assert result.outcome is not None, [f.message for f in result.findings]
    return result


def election_of(data: dict | str, file: str = "t.yaml") -> Election:
    """The evaluated election of a schema-valid record, as render and batch get it."""
    return Election.from_check(checked(data, file))
