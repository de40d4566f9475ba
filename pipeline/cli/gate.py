"""The gate of `render` and `export`: the record checked first; with errors they stop unless --draft.

Exit 1 for findings, 2 when the file cannot be read; the findings printed, then what to do in Chinese."""

from __future__ import annotations

import sys

from .. import check as checking
from ..findings import Finding, Severity, format_human, sort_key
from .echo import echo


def print_findings(findings, err: bool = False) -> None:
    for finding in sorted(findings, key=sort_key):
        echo(format_human(finding), err=err)


def checked(file: str, draft: bool, verb: str, draft_words: str) -> tuple[checking.CheckResult, list[Finding]]:
    """The record at `file` checked, and its errors; exits when it cannot be used.

    `verb` is what the command does ("生成文书", "导出"), `draft_words` how --draft is offered ("生成草稿（每页标注
    “草稿（未通过校验）”）"): the two messages a secretary reads when nothing was made."""
    result = checking.check_file(file)
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    if result.outcome is None or (errors and not draft):
        print_findings(result.findings, err=True)
        if result.unreadable:
            sys.exit(2)
        if result.outcome is None:
            echo(f"记录格式有误，无法{verb}；请先按上面的提示改正。", err=True)
        else:
            echo(f"记录有 {len(errors)} 个错误，未{verb}。请改正后重试，或加 --draft {draft_words}。", err=True)
        sys.exit(1)
    return result, errors
