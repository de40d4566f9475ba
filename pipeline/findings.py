"""The one Finding type shared by loading, schema validation, rule checks and rendering."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from .safetext import visible


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


@dataclass(frozen=True)
class Finding:
    """One thing a user must know about one place of one file."""

    id: str
    severity: Severity
    message: str
    file: str = ""
    line: int | None = None
    column: int | None = None
    path: str = ""
    citation: str = ""
    # In a record workbook: the sheet and cell ("候选人!C5"), shown instead of line and column.
    cell: str = ""
    # Whether the file could not be read at all (exit code 2 rather than 1).
    unreadable: bool = field(default=False, compare=False)

    def location(self) -> str:
        parts = [self.file or "-"]
        if self.cell:
            return f"{parts[0]}:{self.cell}"
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not self.cell:  # only a workbook record's findings have a sheet!cell
            del data["cell"]
        data["severity"] = self.severity.value
        data["severity_label"] = self.severity.label
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """The inverse of `to_dict` (extra keys such as ``severity_label`` are ignored)."""
        return cls(
            id=str(data["id"]),
            severity=Severity(data["severity"]),
            message=str(data.get("message", "")),
            file=str(data.get("file") or ""),
            line=data.get("line"),
            column=data.get("column"),
            path=str(data.get("path") or ""),
            citation=str(data.get("citation") or ""),
            cell=str(data.get("cell") or ""),
            unreadable=bool(data.get("unreadable", False)),
        )


def format_path(path: Iterable[str | int]) -> str:
    """('candidates', 3, 'birth') -> 'candidates[3].birth' (indices as in the file, from 0)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def format_human(finding: Finding) -> str:
    """`路径:行:列  错误  ID  说明` plus an indented citation line.

    Every part is shown through `safetext.visible`: a control character, bidi override or lone surrogate quoted
    from a record reaches no terminal, workbook or encoder raw.
    """
    text = f"{finding.location()}  {finding.severity.label}  {finding.id}  {finding.message}"
    if finding.path:
        text += f"（字段 {finding.path}）"
    text = visible(text)
    if finding.citation:
        text += f"\n    依据：{visible(finding.citation)}"
    return text


def to_json(findings: Iterable[Finding]) -> str:
    return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def sort_key(finding: Finding) -> tuple[str, int, int, str]:
    return (finding.file, finding.line or 0, finding.column or 0, finding.id)
