"""The batch report: report.json (streamed), 批量报告.xlsx, manifest.json, and `read_report`, its typed reading.

report.json is the contract between batch and archive. Its keys (all kept from 0.1.0; ``meta`` added)::

    {"program": "huanjie", "version", "source" (absolute DIR), "output" (absolute OUT), "started", "jobs",
     "force", "templates": {"dir", "sha256"},
     "units": [{"path" (record rel), "folder" (null when failed), "status", "error",
                "findings": [Finding.to_dict() …],
                "documents": [{"path" (rel in OUT), "kind", "title", "sha256", "meta"} …],
                "skipped_documents": [{"kind", "title", "field", "reason"} …], "durations",
                "exceptions": [{"location", "path", "message"} …]} …],
     "summaries": [{"path", "units", "sha256", "meta"} …], "totals": {…}, "finished"}

``meta`` is `unitrecord.Meta.to_dict()` (English keys: title 题名, author 责任者, date 日期, number 文号,
genre 文种, note 备注); a 0.1.0 report has none, and `read_report` gives ``meta=None`` then.
``exceptions`` (added with approved exceptions) lists the unit's ``EXCEPTION-APPLIED`` findings, one per approval
that took effect; 批量报告.xlsx lists them on its sheet 特批 (there when some unit has one).

``stale`` (added with issue 12; absent, i.e. false, in older reports): the unit failed but the documents of an
earlier run are kept in its folder; ``documents`` lists them, ``folder`` is set, and ``stale_note`` is the path
of the note in the folder that says so. Such a unit stays ``failed`` (archive refuses it), its documents and
note are in the manifest, and 批量报告.xlsx says "未通过（保留上次生成的文书，已过期）". ``kept``: documents
edited by hand that batch kept, ``[{"path", "new"}]`` (the new version's path beside it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import HuanjieError
from ..findings import Finding, Severity
from ..fsutil import mode_for
from ..render import kept_line
from ..rules import exceptions as approved
from ..safetext import visible_data
from ..unitrecord import KeptEntry, Meta, SkippedEntry
from .folders import MANIFEST, REPORT_JSON, REPORT_XLSX
from .unit import FAILED, UnitResult, hash_file

__all__ = [
    "REPORT_JSON",
    "REPORT_XLSX",
    "MANIFEST",
    "SUMMARY_HEADER",
    "FINDINGS_HEADER",
    "EXCEPTIONS_HEADER",
    "ReportWriter",
    "SummaryEntry",
    "BatchReport",
    "ReportHeader",
    "ReportUnit",
    "ReportDocument",
    "ReportSummary",
    "ReportProblem",
    "read_report",
]


# --------------------------------------------------------------------------------------------
# Writing: report.json streamed, the workbook, the manifest
# --------------------------------------------------------------------------------------------
class _AtomicStream:
    """A text file written in pieces to a temp file beside it, renamed into place on `commit`."""

    def __init__(self, path: str):
        self.path = path
        handle, self.temp = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=os.path.dirname(path))
        os.chmod(self.temp, mode_for(path))
        self.handle = os.fdopen(handle, "w", encoding="utf-8")

    def write(self, text: str) -> None:
        self.handle.write(text)

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.temp, self.path)

    def discard(self) -> None:
        if not self.handle.closed:
            self.handle.close()
        if os.path.exists(self.temp):
            os.unlink(self.temp)


class _Entries:
    """The manifest's (path, SHA-256) pairs, kept in memory only `CHUNK` at a time.

    Each full chunk is sorted and written to a temp file in OUT (``.~….tmp``, removed by the next run's clean-up if
    this one dies); `sorted` merges the chunks (`heapq.merge`), so the parent's memory does not grow with the tree
    (issue 12: 66 MB at 300 units, 119 MB at 2,000 with one list kept to the end). A path listed twice keeps its
    last SHA-256, as the dict of the earlier code did."""

    CHUNK = 20_000

    def __init__(self, folder: str):
        self.folder = folder
        self.pending: list[tuple[str, int, str]] = []  # (path, order, sha256)
        self.files: list[str] = []
        self.count = 0

    def add(self, path: str, sha256: str) -> None:
        self.pending.append((path, self.count, sha256))
        self.count += 1
        if len(self.pending) >= self.CHUNK:
            self._spill()

    def _spill(self) -> None:
        handle, name = tempfile.mkstemp(prefix=".~manifest-", suffix=".tmp", dir=self.folder)
        with os.fdopen(handle, "w", encoding="utf-8") as chunk:
            for entry in sorted(self.pending):
                chunk.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.files.append(name)
        self.pending = []

    @staticmethod
    def _read(name: str) -> Iterator[tuple[str, int, str]]:
        with open(name, encoding="utf-8") as chunk:
            for line in chunk:
                path, order, sha256 = json.loads(line)
                yield path, order, sha256

    def sorted(self) -> Iterator[tuple[str, str]]:
        """Every path once, in sorted order, with the SHA-256 it was given last."""
        merged = heapq.merge(*(self._read(n) for n in self.files), iter(sorted(self.pending)))
        last: tuple[str, str] | None = None
        for path, _order, sha256 in merged:
            if last is not None and last[0] != path:
                yield last
            last = (path, sha256)
        if last is not None:
            yield last

    def discard(self) -> None:
        for name in self.files:
            try:
                os.unlink(name)
            except OSError:
                pass
        self.files = []


class _Spilled:
    """The levels' 统计表 figures for report.json ("statistics"), kept in a temp file in OUT (one JSON line each)
    rather than in memory: one row per unit, ~0.7 kB a unit, 15 MB for 20,000 units (issue 18)."""

    def __init__(self, folder: str):
        handle, self.path = tempfile.mkstemp(prefix=".~statistics-", suffix=".tmp", dir=folder)
        self.handle = os.fdopen(handle, "w", encoding="utf-8")
        self.count = 0

    def add(self, item: dict) -> None:
        self.handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        self.count += 1

    def lines(self, indent: str) -> Iterator[str]:
        """Each item as `json.dumps(…, indent=1)` gives it inside a list at that depth (`indent` before each line)."""
        self.handle.flush()
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                text = json.dumps(json.loads(line), ensure_ascii=False, indent=1)
                yield indent + text.replace("\n", "\n" + indent)

    def discard(self) -> None:
        if not self.handle.closed:
            self.handle.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def _write_manifest(path: str, version: str, entries: Iterator[tuple[str, str]]) -> None:
    """manifest.json streamed entry by entry: the same text `json.dumps(…, indent=1)` gives for the whole dict."""
    stream = _AtomicStream(path)
    try:
        head = {"program": "huanjie", "version": version, "algorithm": "sha256"}
        stream.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "files": {')
        first = True
        for name, sha256 in entries:
            stream.write(
                ("\n  " if first else ",\n  ") + f"{json.dumps(name, ensure_ascii=False)}: {json.dumps(sha256)}"
            )
            first = False
        stream.write("}\n}\n" if first else "\n }\n}\n")
        stream.commit()
    except BaseException:
        stream.discard()
        raise


# The record's path first (what every tool keys on), then the figures, then where the unit stands for a clerk's
# filter: 县, 乡镇 (the folders above the record) and the unit's name.
SUMMARY_HEADER = [
    "单位",
    "状态",
    "错误",
    "警告",
    "提示",
    "已生成文书",
    "跳过文书",
    "用时（秒）",
    "说明",
    "县",
    "乡镇",
    "单位名称",
]
SUMMARY_WIDTHS = [44, 16, 8, 8, 8, 12, 10, 12, 60, 12, 12, 20]
FINDINGS_HEADER = ["单位", "文件:行:列", "严重程度", "编号", "说明", "依据"]
FINDINGS_WIDTHS = [44, 56, 10, 28, 80, 50]
EXCEPTIONS_HEADER = ["单位", "文件:行:列", "字段", "特批内容"]
EXCEPTIONS_WIDTHS = [44, 56, 20, 100]


class _Workbook:
    """批量报告.xlsx: sheets 汇总 (a row per unit), 问题 (a row per finding), 特批 (a row per approved exception, when any)."""

    def __init__(self, path: str):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.path = path
        self._cell = WriteOnlyCell
        self.book = Workbook(write_only=True)
        fixed = dt.datetime(2026, 1, 1)
        self.book.properties.creator = "huanjie"
        self.book.properties.created = fixed
        self.book.properties.modified = fixed
        self._bold = Font(bold=True)
        self._fill = PatternFill("solid", fgColor="DDEBF7")
        self._failed = PatternFill("solid", fgColor="F8CBAD")
        self.unit_rows = 0
        self.problem_rows = 0
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self.units = self._sheet("汇总", SUMMARY_HEADER, SUMMARY_WIDTHS)
        self.problems = self._sheet("问题", FINDINGS_HEADER, FINDINGS_WIDTHS)
        self.exceptions: Any = None  # sheet 特批, made when the first unit with an approved exception comes

    def _sheet(self, title: str, header: list[str], widths: list[int]):
        from openpyxl.utils import get_column_letter

        sheet = self.book.create_sheet(title)
        for i, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "A2"
        cells = []
        for text in header:
            cell = self._cell(sheet, value=text)
            cell.font = self._bold
            cell.fill = self._fill
            cells.append(cell)
        sheet.append(cells)
        return sheet

    def add(self, result: UnitResult) -> None:
        note = result.error
        if not note and result.status != FAILED and result.skipped:
            note = "；".join(f"{s['title']}：等待 {s['field']}" for s in result.skipped)
        if not note and result.status == FAILED:  # the Chinese message, not only the finding's id
            note = "；".join(
                dict.fromkeys(f"{f.id}：{f.message}" for f in result.findings if f.severity is Severity.ERROR)
            )
        if result.kept:
            note = "；".join([note, *(kept_line(KeptEntry.from_dict(k)) for k in result.kept)]).lstrip("；")
        folders = result.rel.split("/")[:-1]
        name = result.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        values = [
            result.rel,
            result.status_text,
            result.count("error"),
            result.count("warning"),
            result.count("info"),
            len(result.documents),
            len(result.skipped),
            result.durations.get("total", 0.0),
            note,
            folders[-2] if len(folders) >= 2 else "",
            folders[-1] if folders else "",
            name,
        ]
        if result.status == FAILED:  # a failed unit's row stands out (light red), whatever the viewer
            cells = []
            for value in values:
                cell = self._cell(self.units, value=value)
                cell.fill = self._failed
                cells.append(cell)
            self.units.append(cells)
        else:
            self.units.append(values)
        self.unit_rows += 1
        if result.error:
            self.problem([result.rel, result.rel, "错误", "", f"生成失败：{result.error}", ""])
        for f in result.findings:
            message = f.message + (f"（字段 {f.path}）" if f.path else "")
            self.problem([result.rel, f.location(), f.severity.label, f.id, message, f.citation])
        for f in approved.applied(result.findings):
            if self.exceptions is None:
                self.exceptions = self._sheet("特批", EXCEPTIONS_HEADER, EXCEPTIONS_WIDTHS)
            self.exceptions.append([result.rel, f.location(), f.path, f.message])

    def problem(self, row: list) -> None:
        """One row of 问题."""
        self.problems.append(row)
        self.problem_rows += 1

    def discard(self) -> None:
        """Close the streamed sheets and remove their temp files (an interrupted run)."""
        for sheet in (self.units, self.problems, self.exceptions):
            if sheet is None:
                continue
            try:
                sheet.close()
                sheet._writer.cleanup()
            except Exception:  # noqa: BLE001 - best effort while stopping
                pass

    def save(self) -> None:
        from openpyxl.utils import get_column_letter

        self.units.auto_filter.ref = f"A1:{get_column_letter(len(SUMMARY_HEADER))}{self.unit_rows + 1}"
        self.problems.auto_filter.ref = f"A1:{get_column_letter(len(FINDINGS_HEADER))}{max(1, self.problem_rows) + 1}"
        handle, temp = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=os.path.dirname(self.path))
        os.close(handle)
        try:
            self.book.save(temp)
            os.chmod(temp, mode_for(self.path))
            os.replace(temp, self.path)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)


@dataclass(frozen=True)
class SummaryEntry:
    """A level summary written by the run: its path in OUT, the units in its figures, its hash and catalogue data."""

    path: str
    units: int
    sha256: str
    meta: Meta

    def to_dict(self) -> dict:
        return {"path": self.path, "units": self.units, "sha256": self.sha256, "meta": self.meta.to_dict()}


def _unit_entry(unit: UnitResult) -> dict:
    documents = []
    for d in unit.documents:
        doc = {"path": f"{unit.folder}/{d['name']}", "kind": d["kind"], "title": d["title"], "sha256": d["sha256"]}
        if d.get("meta") is not None:
            doc["meta"] = d["meta"]
        documents.append(doc)
    entry = {
        "path": unit.rel,
        "folder": unit.folder if unit.status != FAILED or unit.stale else None,
        "status": unit.status,
        "error": unit.error,
        "findings": [f.to_dict() for f in unit.findings],
        "documents": documents,
        "skipped_documents": [dict(s) for s in unit.skipped],
        "durations": unit.durations,
        "exceptions": [
            {"location": f.location(), "path": f.path, "message": f.message} for f in approved.applied(unit.findings)
        ],
        "stale": unit.stale,
    }
    if unit.note:
        entry["stale_note"] = f"{unit.folder}/{unit.note['name']}"
    if unit.kept:
        entry["kept"] = [{"path": f"{unit.folder}/{k['name']}", "new": f"{unit.folder}/{k['new']}"} for k in unit.kept]
    return entry


class ReportWriter:
    """Writes one run's report.json (streamed, unit by unit), 批量报告.xlsx and, last, manifest.json."""

    def __init__(self, out: str, head: dict):
        self.out = out
        self.version = head.get("version", "")
        self.manifest = _Entries(out)
        self.summaries: list[SummaryEntry] = []
        self.levels: list[dict] = []
        self.tables = _Spilled(out)
        self.report = _AtomicStream(os.path.join(out, REPORT_JSON))
        self.book = _Workbook(os.path.join(out, REPORT_XLSX))
        self.report.write(json.dumps(visible_data(head), ensure_ascii=False, indent=1)[:-2] + ',\n "units": [')
        self._first = True

    def add_unit(self, unit: UnitResult) -> None:
        if unit.status != FAILED or unit.stale:  # a stale unit's kept documents are on disk: listed too
            for doc in [*unit.documents, *unit.prints]:  # the 花名册 .xlsx too: every file of OUT is hashed
                self.manifest.add(f"{unit.folder}/{doc['name']}", doc["sha256"])
        if unit.note:
            self.manifest.add(f"{unit.folder}/{unit.note['name']}", unit.note["sha256"])
        entry = visible_data(_unit_entry(unit))  # no raw control character or lone surrogate in JSON or xlsx
        self.report.write(("\n  " if self._first else ",\n  ") + json.dumps(entry, ensure_ascii=False))
        self._first = False
        self.book.add(UnitResult.from_dict(visible_data(unit.to_dict())))

    def add_summary(self, summary: SummaryEntry) -> None:
        self.manifest.add(summary.path, summary.sha256)
        self.summaries.append(summary)

    def add_table(self, path: str, sha256: str, figures: dict) -> None:
        """A level's 统计表: in the manifest, and its figures in report.json ("statistics")."""
        self.manifest.add(path, sha256)
        self.tables.add(visible_data(figures))

    def add_level_findings(self, findings: list[Finding]) -> None:
        """Findings about the levels' own `_汇总.yaml` (its reported figures checked): report.json and 问题."""
        self.levels = [visible_data(f.to_dict()) for f in findings]
        for f in findings:
            message = f.message + (f"（字段 {f.path}）" if f.path else "")
            self.book.problem([f.file, f.location(), f.severity.label, f.id, message, f.citation])

    def finish(self, totals: dict) -> None:
        mark = "~huanjie-statistics~"  # where the spilled figures go: the text is the same as one json.dumps
        tail = {
            "summaries": [s.to_dict() for s in self.summaries],
            "level_findings": self.levels,
            "statistics": mark,
            "totals": totals,
            "finished": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        text = json.dumps(visible_data(tail), ensure_ascii=False, indent=1)[2:] + "\n"
        before, after = text.split(json.dumps(mark), 1)
        self.report.write("\n ],\n" + before)
        if self.tables.count:
            for n, item in enumerate(self.tables.lines("  ")):
                self.report.write(("[\n" if n == 0 else ",\n") + item)
            self.report.write("\n ]")
        else:
            self.report.write("[]")
        self.report.write(after)
        self.tables.discard()
        self.report.commit()
        self.book.save()
        for name in (REPORT_JSON, REPORT_XLSX):
            self.manifest.add(name, hash_file(os.path.join(self.out, name))[0])
        try:
            _write_manifest(os.path.join(self.out, MANIFEST), self.version, self.manifest.sorted())
        finally:
            self.manifest.discard()

    def abort(self) -> None:
        self.report.discard()
        self.book.discard()
        self.manifest.discard()
        self.tables.discard()


# --------------------------------------------------------------------------------------------
# Reading: the typed report
# --------------------------------------------------------------------------------------------
class ReportProblem(HuanjieError, ValueError):
    """report.json is missing, not JSON, or lacks what a finished run writes; str() is Chinese."""


@dataclass(frozen=True)
class ReportHeader:
    """Who made the output, from what: program version, absolute DIR and OUT, the templates used."""

    program: str
    version: str
    source: str
    output: str
    templates_dir: str | None
    templates_sha256: str
    started: str = ""
    jobs: int = 0
    force: bool = False


@dataclass(frozen=True)
class ReportDocument:
    """One document of a unit: its path in OUT, kind, display title, SHA-256 and catalogue data (None: 0.1.0)."""

    path: str
    kind: str
    title: str
    sha256: str
    meta: Meta | None = None


@dataclass(frozen=True)
class ReportUnit:
    """One unit as the report lists it."""

    rel: str
    folder: str | None  # None when the unit failed and has no documents in OUT
    status: str
    error: str
    findings: list[Finding] = field(default_factory=list)
    documents: list[ReportDocument] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)
    durations: dict = field(default_factory=dict)
    stale: bool = False  # failed; `documents` are an earlier run's, kept on disk but out of date
    stale_note: str = ""  # path in OUT of the note saying so
    kept: list[dict] = field(default_factory=list)  # {path, new}: edited by hand and kept, new version beside

    @property
    def exceptions(self) -> list[Finding]:
        """The approved exceptions applied to the unit (its ``EXCEPTION-APPLIED`` findings)."""
        return approved.applied(self.findings)


@dataclass(frozen=True)
class ReportSummary:
    """One level summary: its path in OUT, the units in its figures, SHA-256 and catalogue data (None: 0.1.0)."""

    path: str
    units: int
    sha256: str
    meta: Meta | None = None


@dataclass(frozen=True)
class BatchReport:
    """report.json of a finished run, typed (see the module docstring)."""

    header: ReportHeader
    units: list[ReportUnit]
    summaries: list[ReportSummary]
    totals: dict
    finished: str = ""

    @property
    def version(self) -> str:
        return self.header.version


def _meta(data: dict) -> Meta | None:
    return Meta.from_dict(data["meta"]) if isinstance(data.get("meta"), dict) else None


def _read_unit(data: dict) -> ReportUnit:
    return ReportUnit(
        rel=str(data["path"]),
        folder=data.get("folder"),
        status=str(data["status"]),
        error=str(data.get("error") or ""),
        findings=[Finding.from_dict(f) for f in data.get("findings") or []],
        documents=[
            ReportDocument(
                str(d["path"]),
                str(d.get("kind") or ""),
                str(d.get("title") or ""),
                str(d.get("sha256") or ""),
                _meta(d),
            )
            for d in data.get("documents") or []
        ],
        skipped=[SkippedEntry.from_dict(s) for s in data.get("skipped_documents") or []],
        durations=dict(data.get("durations") or {}),
        stale=bool(data.get("stale", False)),
        stale_note=str(data.get("stale_note") or ""),
        kept=[{"path": str(k.get("path") or ""), "new": str(k.get("new") or "")} for k in data.get("kept") or []],
    )


def read_report(out: str | os.PathLike) -> BatchReport:
    """The typed report.json of the batch output `out` (made by this version or by 0.1.0); ReportProblem if none."""
    path = os.path.join(out, REPORT_JSON)
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read().decode("utf-8"))
        templates = data.get("templates") or {}
        header = ReportHeader(
            program=str(data.get("program") or ""),
            version=str(data.get("version") or ""),
            source=str(data.get("source") or ""),
            output=str(data.get("output") or ""),
            templates_dir=templates.get("dir"),
            templates_sha256=str(templates.get("sha256") or ""),
            started=str(data.get("started") or ""),
            jobs=int(data.get("jobs") or 0),
            force=bool(data.get("force", False)),
        )
        units = [_read_unit(u) for u in data["units"]]
        summaries = [
            ReportSummary(str(s["path"]), int(s.get("units") or 0), str(s.get("sha256") or ""), _meta(s))
            for s in data.get("summaries") or []
        ]
        return BatchReport(header, units, summaries, dict(data.get("totals") or {}), str(data.get("finished") or ""))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ReportProblem(f"{path} 无法读取或不完整（{exc}）；请重新运行 huanjie batch。") from exc
